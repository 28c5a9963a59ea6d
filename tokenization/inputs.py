"""Which Parquet parts a tokenization step reads, and the record of them that resume checks compare."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import Any

from pipeline.errors import UserError
from pipeline.io import filesystem, stage_parts
from pipeline.manifest import fingerprint


def find_parts(input_dirs: list[str]) -> list[str]:
    """`part-*.parquet` files of stage output folders, or of the per-source subfolders of a stage root; sorted.

    A folder that holds neither is a UserError, as is an empty list.
    """
    if not input_dirs:
        raise UserError("no input folders given")
    found: set[str] = set()
    for directory in input_dirs:
        parts = stage_parts(directory)
        if not parts:
            fs, resolved = filesystem(directory)
            if not fs.isdir(resolved):
                raise UserError(f"input folder not found: {directory}")
            for child in sorted(fs.ls(resolved, detail=False)):
                name = PurePosixPath(child).name
                if not name.startswith(("_", ".")) and fs.isdir(child):
                    parts.extend(stage_parts(directory.rstrip("/") + "/" + name))
        if not parts:
            raise UserError(f"{directory}: no part-*.parquet files here or in its source subfolders")
        found.update(parts)
    return sorted(found)


def inputs_record(parts: list[str]) -> list[dict[str, Any]]:
    """What a manifest remembers of its inputs: enough to notice that one changed."""
    return [fingerprint(p) for p in parts]


def unit_hash(*parts: object) -> int:
    """A stable 64-bit hash of the parts (sha256), for seeded, bundle-independent decisions."""
    key = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")


def unit_fraction(*parts: object) -> float:
    """unit_hash mapped to [0, 1): compare with a rate to sample."""
    return unit_hash(*parts) / 2.0**64


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    fs, resolved = filesystem(path)
    with fs.open(resolved, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
