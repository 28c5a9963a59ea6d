"""The Beam building blocks every stage shares: counted decisions, fault isolation, reading and writing parts.

- `StageDoFn`: a DoFn whose decisions are weighted counts (a decision may count n lines or characters), summed
  per bundle and emitted once at the bundle's end, so a line-level stage never emits one element per line.
  Each count also increments a live Beam counter. An unexpected exception on one element becomes a reject
  carrying the exception's type, message and location; the bundle goes on.
- `ReadParts`: an upstream stage's Parquet parts (local or fsspec URL), spread over workers by row group.
- `WriteStageOutputs`: documents to `part-NNNNN-of-MMMMM.parquet` (a document's part is a hash of its id, each
  part sorted by id and written streaming), side outputs with their own Arrow schema to `<name>/part-*`,
  rejects to `_rejects/part-*.jsonl` (written by many workers), and the counts, combined per key.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam import pvalue
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from pipeline.document import Document
from pipeline.hashing import part_of
from pipeline.io import PartStats, join, write_documents, write_json, write_jsonl, write_parquet_part
from pipeline.manifest import REJECTS_DIR
from pipeline.parts import (
    SORT_MEMORY_BYTES,
    document_size,
    part_name,
    read_row_group,
    row_groups,
    sorted_rows,
)
from pipeline.progress import ProgressReporter
from pipeline.rejects import Reject

DOCUMENTS = "documents"
REJECTS = "rejects"
COUNTS = "counts"
DOCUMENTS_IN = "documents_in"  # reserved counts: they become the manifest's documents/characters in
CHARACTERS_IN = "characters_in"
COUNTS_FILE = "_counts.json"
OUTPUTS_FILE = "_outputs.json"


class StageDoFn(beam.DoFn):
    """Subclasses implement `handle(element)` (a generator) and may override `locate(element)`."""

    def __init__(self, namespace: str, progress_dir: str | None = None):
        self.namespace = namespace
        self.progress_dir = progress_dir
        self._counters: dict[str, Any] = {}
        self._counts: Counter[str] = Counter()
        self.progress = ProgressReporter(None)

    def setup(self):
        self.progress = ProgressReporter(self.progress_dir)

    def teardown(self):
        self.progress.flush()

    def start_bundle(self):
        self._counts = Counter()

    def count(self, reason: str, n: int = 1) -> None:
        """Count one decision of weight n: a live Beam counter, and the exact figure for the manifest."""
        counter = self._counters.get(reason)
        if counter is None:
            counter = self._counters[reason] = Metrics.counter(self.namespace, reason)
        counter.inc(n)
        self._counts[reason] += n

    def count_input(self, document: Document) -> None:
        self.count(DOCUMENTS_IN)
        self.count(CHARACTERS_IN, len(document.text))

    def reject(self, item: Reject) -> Iterator[pvalue.TaggedOutput]:
        """An input that cannot be processed: to the rejects output, counted as `rejected:<reason>`."""
        self.count(f"rejected:{item.reason}")
        yield pvalue.TaggedOutput(REJECTS, item)

    def process(self, element):
        try:
            yield from self.handle(element)
        except Exception as exc:  # one bad record must not fail the bundle (Dataflow kills a job after 4)
            source_file, offset, record_id = self.locate(element)
            yield from self.reject(
                Reject(source_file, offset, "exception", describe_exception(exc), record_id)
            )

    def handle(self, element) -> Iterable:
        raise NotImplementedError

    def locate(self, element) -> tuple[str, int | None, str | None]:
        """(source file, offset, record id) of an element, for the reject of a failure on it."""
        if isinstance(element, Document):
            return self.namespace, None, element.id
        return str(element)[:200], None, None

    def finish_bundle(self):
        self.progress.flush()
        for reason, n in sorted(self._counts.items()):
            yield pvalue.TaggedOutput(COUNTS, WindowedValue((reason, n), MIN_TIMESTAMP, (GlobalWindow(),)))
        self._counts = Counter()


def describe_exception(exc: BaseException) -> str:
    """`Type: message (at file.py:line in function)`, the innermost frame, for a reject's detail."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        frame = frames[-1]
        where = f" (at {PurePosixPath(frame.filename).name}:{frame.lineno} in {frame.name})"
    return f"{type(exc).__name__}: {exc}{where}"[:2000]


class DocumentStep:
    """The plain-Python shape of a per-document step: `setup()` once per worker, then `(decision, document or
    None)` per document; the document is kept when the decision is `kept`."""

    def setup(self) -> None:
        return None

    def __call__(self, document: Document) -> tuple[str, Document | None]:
        raise NotImplementedError


class ApplyStep(StageDoFn):
    """Run a DocumentStep over documents: count every decision, keep what it keeps, isolate its failures."""

    def __init__(self, namespace: str, step: DocumentStep):
        super().__init__(namespace)
        self.step = step

    def setup(self):
        super().setup()
        self.step.setup()

    def handle(self, document: Document):
        decision, kept = self.step(document)
        self.count(decision)
        if kept is not None:
            yield kept


class _ReadRowGroup(StageDoFn):
    def __init__(self, namespace: str, progress_dir: str | None, columns: list[str] | None):
        super().__init__(namespace, progress_dir)
        self.columns = columns

    def handle(self, element: tuple[str, int, int]):
        path, index, size = element
        try:
            documents = list(read_row_group(path, index, self.columns))
        except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) or OSError
            yield from self.reject(Reject(path, index, "unreadable_parquet", f"row group {index}: {exc}"))
            return
        for document in documents:
            self.count("read")
            self.count_input(document)
            yield document
        self.progress.advance(size, len(documents))

    def locate(self, element):
        return element[0], element[1], None


def _list_row_groups(path: str) -> list[tuple[str, int, int]] | list[Reject]:
    try:
        return row_groups(path)
    except (OSError, ValueError) as exc:
        return [Reject(path, None, "unreadable_parquet", str(exc))]


class _SplitRejects(beam.DoFn):
    def process(self, element):
        if isinstance(element, Reject):
            yield pvalue.TaggedOutput(REJECTS, element)
            yield pvalue.TaggedOutput(COUNTS, (f"rejected:{element.reason}", 1))
        else:
            yield element


class ReadParts(beam.PTransform):
    """Upstream parts to Documents, one row group per task; outputs DOCUMENTS (main), REJECTS and COUNTS."""

    def __init__(
        self, parts: list[str], namespace: str, progress_dir: str | None, columns: list[str] | None = None
    ):
        super().__init__()
        self.parts = sorted(parts)
        self.namespace = namespace
        self.progress_dir = progress_dir
        self.columns = columns

    def expand(self, pipeline):
        listed = (
            pipeline
            | "ListParts" >> beam.Create(self.parts)
            | "ListRowGroups" >> beam.FlatMap(_list_row_groups)
            | "SplitUnreadable" >> beam.ParDo(_SplitRejects()).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        )
        read = (
            listed[DOCUMENTS]
            | "SpreadRowGroups" >> beam.Reshuffle()
            | "ReadRowGroups"
            >> beam.ParDo(_ReadRowGroup(self.namespace, self.progress_dir, self.columns)).with_outputs(
                REJECTS, COUNTS, main=DOCUMENTS
            )
        )
        return {
            DOCUMENTS: read[DOCUMENTS],
            REJECTS: (listed[REJECTS], read[REJECTS]) | "MergeRejects" >> beam.Flatten(),
            COUNTS: (listed[COUNTS], read[COUNTS]) | "MergeCounts" >> beam.Flatten(),
        }


@dataclass(frozen=True)
class SideOutput:
    """A table a stage writes beside its documents (reference URLs, hash counts, clusters...): its rows are
    dicts of `schema`, written to `<name>/part-*.parquet`, each part sorted by `sort_key`."""

    name: str
    schema: pa.Schema
    sort_key: Callable[[dict[str, Any]], Any]
    part_key: Callable[[dict[str, Any]], str]
    parts: int = 1


@dataclass(frozen=True)
class PartLayout:
    """Which part numbers this group writes: `count` parts starting at `offset`, of `total` in the stage."""

    count: int
    offset: int = 0
    total: int = 0

    def name(self, index: int, suffix: str = ".parquet") -> str:
        return part_name(self.offset + index, self.total or self.count, suffix)


class _WriteSorted(beam.DoFn):
    """Write one part: its rows in key order (external sort, bounded memory), streamed to the file."""

    def __init__(self, folder: str, layout: PartLayout, kind: str, side: SideOutput | None, memory: int):
        self.folder = folder
        self.layout = layout
        self.kind = kind
        self.side = side
        self.memory = memory

    def process(self, keyed):
        index, rows = keyed
        present = (row for row in rows if row is not None)
        if self.kind == DOCUMENTS:
            ordered = sorted_rows(present, lambda d: d.id, document_size, self.memory)
            stats = write_documents(join(self.folder, self.layout.name(index)), ordered)
            yield _relative(stats, "")
        elif self.kind == REJECTS:
            ordered = sorted_rows((r.to_json() for r in present), _reject_order, _row_size, self.memory)
            first = next(ordered, None)
            if first is not None:
                name = join(REJECTS_DIR, self.layout.name(index, ".jsonl"))
                stats = write_jsonl(join(self.folder, name), _chain(first, ordered))
                yield _relative(stats, REJECTS_DIR)
        else:
            side = self.side
            ordered = sorted_rows(present, side.sort_key, _row_size, self.memory)
            stats = write_parquet_part(
                join(self.folder, side.name, part_name(index, side.parts)), ordered, side.schema
            )
            yield _relative(stats, side.name)


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _reject_order(row: dict[str, Any]) -> tuple:
    offset = row.get("offset")
    return (row["source_file"], offset if offset is not None else -1, row["reason"], row["detail"])


def _row_size(row: Any) -> int:
    return 100 + len(str(row))


def _relative(stats: PartStats, folder: str) -> dict[str, Any]:
    entry = stats.to_json()
    entry["file"] = f"{folder}/{stats.file}" if folder else stats.file
    return entry


class _Sharded(beam.PTransform):
    """Key rows to parts, group, and write each part with _WriteSorted; empty parts too when `every_part`."""

    def __init__(self, writer: _WriteSorted, parts: int, key: Callable[[Any], str], every_part: bool):
        super().__init__()
        self.writer = writer
        self.parts = parts
        self.key = key
        self.every_part = every_part

    def expand(self, rows):
        n, key = self.parts, self.key
        keyed = rows | "KeyByPart" >> beam.Map(lambda row: (part_of(n, key(row)), row))
        if self.every_part:
            every = rows.pipeline | "EveryPart" >> beam.Create([(i, None) for i in range(n)])
            keyed = (keyed, every) | "WithEmptyParts" >> beam.Flatten()
        return keyed | "GroupByPart" >> beam.GroupByKey() | "WriteParts" >> beam.ParDo(self.writer)


class WriteStageOutputs(beam.PTransform):
    """Every output of one stage group into `folder`: parts, side outputs, rejects, `_outputs.json`, `_counts.json`.

    Takes {DOCUMENTS: docs or None, REJECTS: rejects, COUNTS: (reason, n) pairs, <side name>: rows}.
    """

    def __init__(
        self,
        folder: str,
        layout: PartLayout,
        side_outputs: tuple[SideOutput, ...] = (),
        memory: int = SORT_MEMORY_BYTES,
    ):
        super().__init__()
        self.folder = folder
        self.layout = layout
        self.side_outputs = side_outputs
        self.memory = memory

    def expand(self, outputs: dict[str, Any]):
        folder, layout = self.folder, self.layout
        written = []
        if outputs.get(DOCUMENTS) is not None:
            writer = _WriteSorted(folder, layout, DOCUMENTS, None, self.memory)
            written.append(
                outputs[DOCUMENTS] | "Documents" >> _Sharded(writer, layout.count, lambda d: d.id, True)
            )
        for side in self.side_outputs:
            writer = _WriteSorted(folder, layout, side.name, side, self.memory)
            written.append(
                outputs[side.name] | f"Side_{side.name}" >> _Sharded(writer, side.parts, side.part_key, True)
            )
        writer = _WriteSorted(folder, layout, REJECTS, None, self.memory)
        written.append(
            outputs[REJECTS]
            | "Rejects" >> _Sharded(writer, layout.count, lambda r: f"{r.source_file}\x1f{r.offset}", False)
        )
        _ = (
            written
            | "AllOutputs" >> beam.Flatten()
            | "CollectOutputs" >> beam.combiners.ToList()
            | "WriteOutputList"
            >> beam.Map(lambda entries: write_json(join(folder, OUTPUTS_FILE), sorted(entries, key=_by_file)))
        )
        _ = (
            outputs[COUNTS]
            | "SumCounts" >> beam.CombinePerKey(sum)
            | "CollectCounts" >> beam.combiners.ToList()
            | "WriteCounts" >> beam.Map(lambda kvs: write_json(join(folder, COUNTS_FILE), dict(sorted(kvs))))
        )


def _by_file(entry: dict[str, Any]) -> str:
    return entry["file"]


def merge(pcollections: Iterable, label: str):
    """Flatten a list of PCollections (e.g. the COUNTS of several steps) under one label."""
    return tuple(pcollections) | label >> beam.Flatten()
