"""kvstore: a tiny persistent key-value store backed by an append-only log."""

from kvstore.store import Store, open_store

__all__ = ["Store", "open_store"]
__version__ = "0.4.1"
