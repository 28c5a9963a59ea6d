"""Seeded, stable hashes: every hash-based decision in the pipeline (which part, which split, which sample).

One function keys them all, so a decision depends only on its key (never on bundles, workers or input order)
and is the same on every runner and every Python process (no `hash()`, whose strings are salted per process).
"""

from __future__ import annotations

import hashlib


def unit_hash(*parts: object) -> int:
    """A stable 64-bit hash of the parts: the first 8 bytes of sha256 over their `\\x1f`-joined strings."""
    key = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def unit_fraction(*parts: object) -> float:
    """unit_hash mapped to [0, 1): compare it with a rate to sample."""
    return unit_hash(*parts) / 2.0**64


def part_of(count: int, *key: object) -> int:
    """Which of `count` parts (or shards) the item with this key lands in."""
    return unit_hash(*key) % count


def content_hash(text: str) -> str:
    """sha256 hex of a text's UTF-8 bytes: the key of exact dedup (the same text, the same key, anywhere)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
