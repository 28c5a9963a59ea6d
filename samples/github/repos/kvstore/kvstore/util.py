"""Helpers shared by the store: key checks and atomic file replacement."""

import os
import tempfile

MAX_KEY_LENGTH = 256


def check_key(key):
    """Return the key if it is a usable string, else raise."""
    if not isinstance(key, str):
        raise TypeError(f"keys must be strings, not {type(key).__name__}")
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"keys must be 1 to {MAX_KEY_LENGTH} characters long")
    if "\n" in key:
        raise ValueError("keys may not contain newlines")
    return key


def atomic_write(path, text):
    """Write text to a temporary file beside path, then rename it over path."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".kvstore-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
