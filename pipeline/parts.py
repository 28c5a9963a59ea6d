"""Stage part files, written and read in bounded memory.

A part's bytes depend only on its contents: its rows are written in key order. The sort is external and happens
where the rows are made: each worker buffers the rows of a bundle per part, and whenever the buffer passes its
memory budget (and at the bundle's end) it sorts each part's rows and writes them as one run file into the stage's
work folder. A part is then written by merging its runs with a heap, streamed row group by row group, so no process
ever holds a part, and the runner's shuffle carries only run names. Too many runs for one merge are merged in
passes. Runs live in the group's work folder and go with it. Files are written under a temporary name and renamed when complete (pipeline.io.AtomicFile).

Parts are read a row group at a time, so a stage can spread one upstream part over many workers.
"""

from __future__ import annotations

import heapq
import pickle
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing  # closing: a merge that ends early closes its runs' files
from typing import Any

import pyarrow.parquet as pq

from pipeline.document import Document
from pipeline.io import AtomicFile, join, open_file

RUN_BATCH_ROWS = 64  # rows per pickled batch in a run: what a merge holds per open run
MAX_OPEN_RUNS = 128  # runs merged at once; more are merged in passes


def part_name(index: int, total: int, suffix: str = ".parquet") -> str:
    return f"part-{index:05d}-of-{total:05d}{suffix}"


def write_run(folder: str, rows: list[Any]) -> str:
    """Write rows (already sorted) as one run file in `folder`; returns its path."""
    path = join(folder, f"run-{uuid.uuid4().hex}.pkl")
    with AtomicFile(path) as handle:
        for start in range(0, len(rows), RUN_BATCH_ROWS):
            handle.write(pickle.dumps(rows[start : start + RUN_BATCH_ROWS], protocol=pickle.HIGHEST_PROTOCOL))
    return path


def read_run(path: str) -> Iterator[Any]:
    """The rows of one run, a batch at a time."""
    with open_file(path, "rb") as handle:
        while True:
            try:
                batch = pickle.load(handle)
            except EOFError:
                return
            yield from batch


def merged_runs(paths: list[str], key: Callable[[Any], Any], scratch: str) -> Iterator[Any]:
    """Every row of the runs in `key` order; with more than MAX_OPEN_RUNS runs, groups of them are first merged
    into runs in `scratch`. `key` must order rows totally, so equal keys cannot depend on which run came first."""
    paths = sorted(paths)
    while len(paths) > MAX_OPEN_RUNS:
        paths = sorted(
            _merge_to_run(paths[i : i + MAX_OPEN_RUNS], key, scratch)
            for i in range(0, len(paths), MAX_OPEN_RUNS)
        )
    with ExitStack() as stack:
        readers = [stack.enter_context(closing(read_run(path))) for path in paths]
        yield from heapq.merge(*readers, key=key)


def _merge_to_run(paths: list[str], key: Callable[[Any], Any], scratch: str) -> str:
    path = join(scratch, f"run-{uuid.uuid4().hex}.pkl")
    with AtomicFile(path) as handle:
        batch: list[Any] = []
        for row in merged_runs(paths, key, scratch):
            batch.append(row)
            if len(batch) == RUN_BATCH_ROWS:
                handle.write(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
                batch = []
        if batch:
            handle.write(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
    return path


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
