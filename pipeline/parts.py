"""Stage part files, written and read in bounded memory.

A part's bytes depend only on its contents: its rows are written in key order. Sorting is external: rows are
buffered up to `memory_bytes`, each full buffer is sorted and spilled to a local temporary file (a run), and the
runs are merged with a heap while the part is written, row group by row group. Memory is one buffer plus one row
per run, whatever the part's size. The file is written under a temporary name and renamed when complete; its
size and sha256 are computed as it is written, for the stage manifest.

Parts are read a row group at a time, so a stage can spread one upstream part over many workers.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import pyarrow.parquet as pq

from pipeline.document import Document
from pipeline.io import open_file

SORT_MEMORY_BYTES = 256 << 20  # rows buffered before a sorted run is spilled to disk


def part_name(index: int, total: int, suffix: str = ".parquet") -> str:
    return f"part-{index:05d}-of-{total:05d}{suffix}"


def sorted_rows(
    rows: Iterable[Any],
    key: Callable[[Any], Any],
    size_of: Callable[[Any], int],
    memory_bytes: int = SORT_MEMORY_BYTES,
) -> Iterator[Any]:
    """`rows` in `key` order, holding at most about `memory_bytes` of them (external merge sort)."""
    buffer: list[Any] = []
    held = 0
    runs: list[IO[bytes]] = []
    try:
        for row in rows:
            buffer.append(row)
            held += size_of(row)
            if held >= memory_bytes:
                runs.append(_spill(sorted(buffer, key=key)))
                buffer, held = [], 0
        buffer.sort(key=key)
        if not runs:
            yield from buffer
            return
        runs.append(_spill(buffer))
        buffer = []
        yield from heapq.merge(*(_read_run(run) for run in runs), key=key)
    finally:
        for run in runs:
            run.close()


def _spill(rows: list[Any]) -> IO[bytes]:
    run = tempfile.TemporaryFile(prefix="llama-data-sort-")  # noqa: SIM115 (returned open; closed by the merge)
    for start in range(0, len(rows), 256):
        pickle.dump(rows[start : start + 256], run, protocol=pickle.HIGHEST_PROTOCOL)
    run.seek(0)
    return run


def _read_run(run: IO[bytes]) -> Iterator[Any]:
    while True:
        try:
            batch = pickle.load(run)
        except EOFError:
            return
        yield from batch


def document_size(document: Document) -> int:
    """Approximate bytes a Document holds in memory, for the sort buffer."""
    return 200 + 2 * len(document.text)


def row_groups(path: str) -> list[tuple[str, int, int]]:
    """(path, row group, its compressed bytes) for every row group of one Parquet file."""
    with open_file(path, "rb") as handle:
        metadata = pq.ParquetFile(handle).metadata
    groups = []
    for i in range(metadata.num_row_groups):
        group = metadata.row_group(i)
        size = sum(group.column(c).total_compressed_size for c in range(group.num_columns))
        groups.append((path, i, int(size)))
    return groups


def read_row_group(path: str, index: int, columns: list[str] | None = None) -> Iterator[Document]:
    """The Documents of one row group of one part."""
    with open_file(path, "rb") as handle:
        table = pq.ParquetFile(handle).read_row_group(index, columns=columns)
    for row in table.to_pylist():
        yield Document.from_row(row)
