"""Checksums of the files a tokenization step reads or writes."""

from __future__ import annotations

import hashlib

from pipeline.io import filesystem


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    fs, resolved = filesystem(path)
    with fs.open(resolved, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
