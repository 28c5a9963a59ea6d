"""Books ingest: Project Gutenberg plain text and Books3/PG19 JSON lines to book documents
(pipeline/sources/books.py).

    ListFiles -> PlanSplits (a Gutenberg file whole, a JSON-lines file in byte ranges) -> Reshuffle ->
    ReadBooksSplit (decode, strip the Gutenberg header and footer, one document per book)
Book-level dedup (LLaMA: books with more than 90% content overlap removed) is the `minhash` stage with
`minhash.by_source.books` (Jaccard >= 0.9, checked exactly on the candidates). Counters: `read`, `kept`,
`kept:no_markers` (a Gutenberg book without START/END markers, kept as is), `kept:suspect_markers` (markers
found, but cutting at them would leave almost nothing: kept whole), `kept:start_only`, `kept:end_only`,
`encoding:<name>`, `rejected:<reason>`.
"""

from __future__ import annotations

from typing import Any

import apache_beam as beam

from beam_jobs.framework import StageRun
from beam_jobs.readers import read_ranges
from beam_jobs.stage import StageDoFn
from pipeline.archives import ArchiveLimits, Member, iter_tree
from pipeline.config import BooksConfig
from pipeline.document import Document
from pipeline.io import file_size
from pipeline.rejects import Reject, Skip
from pipeline.sources import jsonl
from pipeline.sources.books import books3_record, gutenberg_book

JSON_SUFFIXES = (".jsonl", ".json", ".jsonl.gz", ".json.gz", ".jsonl.zst")
MARKER_COUNTERS = {"none": "kept:no_markers", "suspect": "kept:suspect_markers", "start": "kept:start_only",
                   "end": "kept:end_only"}  # fmt: skip


def is_json_lines(path: str) -> bool:
    return path.lower().endswith(JSON_SUFFIXES)


def plan_books(path: str, split_bytes: int) -> list[tuple[str, int, int]]:
    if is_json_lines(path):
        return jsonl.plan_splits(path, split_bytes)
    return [(path, 0, file_size(path))]


def read_book_bytes(path: str, limit: int) -> bytes | Reject:
    """A Gutenberg file's bytes (gunzipped when it is gzip), at most `limit`, by the one safe reader of untrusted
    files (pipeline.archives: bounded decompression, so a gzip bomb stops at the limit); a bigger book is a
    reject, and so is a file that is not one book."""
    members = list(
        iter_tree(path, ArchiveLimits(max_member_bytes=limit, max_total_bytes=limit, max_members=1))
    )
    if len(members) == 1 and isinstance(members[0], Member):
        return members[0].data
    if len(members) == 1 and isinstance(members[0], Reject):
        return members[0]
    if any(isinstance(m, Skip) and m.reason == "skipped:oversize_member" for m in members):
        return Reject(path, 0, "oversize", f"a book over {limit:,} bytes")
    return Reject(path, 0, "not_a_book", f"{len(members)} entries: not one text file")


class ReadBooksSplit(StageDoFn):
    """One Gutenberg book, or one range of a JSON-lines file of books, to documents."""

    def __init__(self, namespace: str, progress_dir: str | None, config: BooksConfig):
        super().__init__(namespace, progress_dir)
        self.config = config

    def handle(self, split: tuple[str, int, int]):
        path, start, end = split
        if is_json_lines(path):
            outcomes = jsonl.read_lines(path, start, end, self.config.max_book_bytes, books3_record)
        else:
            data = read_book_bytes(path, self.config.max_book_bytes)
            outcomes = [
                data if isinstance(data, Reject) else gutenberg_book(path, data, self.config.max_book_bytes)
            ]
        for outcome in outcomes:
            if isinstance(outcome, Document):
                self._count_book(outcome)
            yield from self.emit_read(outcome, jsonl.FILE_REASONS)
        self.read_bytes(end - start)

    def _count_book(self, book: Document) -> None:
        markers = book.meta.get("markers")
        if book.meta.get("corpus") == "gutenberg" and markers in MARKER_COUNTERS:
            self.count(MARKER_COUNTERS[markers])
        if book.meta.get("encoding"):
            self.count(f"encoding:{book.meta['encoding']}")

    def locate(self, split):
        return split[0], split[1], None


def read_books(pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None) -> dict[str, Any]:
    config = run.recipe.books
    read = ReadBooksSplit(run.namespace, progress_dir, config)
    return read_ranges(pipeline, run, plan_books, config.split_bytes, read)
