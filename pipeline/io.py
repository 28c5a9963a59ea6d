"""Reading and writing stage files on local paths or any fsspec URL (gs://, s3://, ...)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.document import SCHEMA, Document
from pipeline.errors import UserError

PARQUET_COMPRESSION = "zstd"


def filesystem(path: str) -> tuple[fsspec.AbstractFileSystem, str]:
    """The fsspec filesystem for `path` and the path as that filesystem names it."""
    try:
        fs, resolved = fsspec.core.url_to_fs(path)  # no glob expansion here: expand_inputs globs itself
    except (ImportError, ValueError) as exc:
        raise UserError(f"cannot open {path}: {exc}") from None
    return fs, resolved


def join(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *[p.strip("/") for p in parts]])


def is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def expand_inputs(patterns: Iterable[str], base_dir: str | None = None) -> list[str]:
    """Expand paths and globs to a sorted, de-duplicated file list; a pattern that matches nothing is a UserError."""
    found: set[str] = set()
    for pattern in patterns:
        if base_dir and not is_remote(pattern) and not os.path.isabs(pattern):
            pattern = str(Path(base_dir) / pattern)
        fs, resolved = filesystem(pattern)
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        if fs.isdir(resolved):
            matches = [p for p in fs.find(resolved) if not Path(p).name.startswith((".", "_"))]
        else:
            matches = (
                fs.glob(resolved)
                if any(c in pattern for c in "*?[")
                else ([resolved] if fs.exists(resolved) else [])
            )
        if not matches:
            raise UserError(f"input not found: {pattern}")
        for match in matches:
            found.add(match if protocol in ("file", "local") else f"{protocol}://{match}")
    return sorted(found)


def open_file(path: str, mode: str = "rb") -> IO[Any]:
    return fsspec.open(path, mode).open()


def write_atomic(path: str, data: bytes) -> None:
    """Write to a temporary name, then rename: a reader never sees a half-written file."""
    fs, resolved = filesystem(path)
    fs.makedirs(str(Path(resolved).parent), exist_ok=True)
    tmp = f"{resolved}.tmp-{uuid.uuid4().hex[:8]}"
    with fs.open(tmp, "wb") as handle:
        handle.write(data)
    fs.mv(tmp, resolved)


def write_json(path: str, obj: Any) -> None:
    write_atomic(path, (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode())


def read_json(path: str) -> Any:
    with open_file(path, "rb") as handle:
        return json.load(handle)


def write_jsonl(path: str, rows: Iterable[dict[str, Any]]) -> int:
    lines = [json.dumps(row, sort_keys=True, ensure_ascii=False, default=str) for row in rows]
    write_atomic(path, ("\n".join(lines) + ("\n" if lines else "")).encode())
    return len(lines)


def documents_table(docs: Iterable[Document]) -> pa.Table:
    return pa.Table.from_pylist([d.to_row() for d in docs], schema=SCHEMA)


def write_documents(path: str, docs: Iterable[Document]) -> int:
    """Write documents to one Parquet file, atomically; returns the row count."""
    table = documents_table(docs)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=PARQUET_COMPRESSION, row_group_size=2048)
    write_atomic(path, sink.getvalue().to_pybytes())
    return table.num_rows


def iter_documents(path: str, columns: list[str] | None = None, batch_size: int = 1024) -> Iterator[Document]:
    """Stream documents from one Parquet file, a batch at a time."""
    with open_file(path, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        for batch in parquet.iter_batches(batch_size=batch_size, columns=columns):
            for row in batch.to_pylist():
                yield Document.from_row(row)


def stage_parts(stage_dir: str) -> list[str]:
    """The Parquet part files of one stage/source folder, sorted."""
    fs, resolved = filesystem(stage_dir)
    if not fs.isdir(resolved):
        return []
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    parts = sorted(
        p
        for p in fs.ls(resolved, detail=False)
        if Path(p).name.startswith("part-") and p.endswith(".parquet")
    )
    return parts if protocol in ("file", "local") else [f"{protocol}://{p}" for p in parts]
