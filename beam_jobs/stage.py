"""The Beam building blocks every stage shares: counted decisions, fault isolation, reading and writing parts.

- `StageDoFn`: a DoFn whose decisions are weighted counts (a decision may count n lines or characters), summed
  per bundle and emitted once at the bundle's end, so a line-level stage never emits one element per line.
  Each count also increments a live Beam counter. An unexpected exception on one element becomes a reject
  carrying the exception's type, message and location; the bundle goes on.
- `ReadParts`: an upstream stage's Parquet parts (local or fsspec URL), spread over workers by row group.
- `WriteStageOutputs`: documents to `part-NNNNN-of-MMMMM.parquet` (a document's part is a hash of its id, each
  part sorted by id), side outputs with their own Arrow schema to `<name>/part-*`, rejects to
  `_rejects/part-*.jsonl`, and the counts, combined per key. Rows are spilled as sorted runs by the workers that
  make them, and each part is a streamed merge of its runs (pipeline/parts.py): the shuffle carries run names.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Protocol

import apache_beam as beam
import pyarrow as pa
from apache_beam import pvalue
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from pipeline.document import Document
from pipeline.hashing import part_of, unit_hash
from pipeline.io import PartStats, join, write_documents, write_json, write_jsonl, write_parquet_part
from pipeline.manifest import REJECTS_DIR
from pipeline.parts import (
    document_size,
    merged_runs,
    part_name,
    read_row_group,
    row_groups,
    write_run,
)
from pipeline.progress import ProgressReporter
from pipeline.rejects import Reject, Skip

DOCUMENTS = "documents"
REJECTS = "rejects"
COUNTS = "counts"
DOCUMENTS_IN = "documents_in"  # reserved counts: they become the manifest's documents/characters in
CHARACTERS_IN = "characters_in"
COUNTS_FILE = "_counts.json"
OUTPUTS_FILE = "_outputs.json"
RUNS_DIR = "_runs"  # sorted runs in a group's work folder; never moved into the stage folder
SORT_MEMORY_BYTES = (
    128 << 20
)  # per worker and output: rows a bundle buffers before spilling them as sorted runs


class StageDoFn(beam.DoFn):
    """Subclasses implement `handle(element)` (a generator) and may override `locate(element)`."""

    handle: Callable[
        [Any], Iterable
    ]  # the subclass's per-element work, run under `process`'s fault isolation

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

    def emit_read(self, outcome: Document | Skip | Reject, file_level: Collection[str] = ()) -> Iterator[Any]:
        """A reader's outcome for one record it read: counted `read` (and as a document in), unless it is a
        Reject about the whole file (`file_level` reasons: an empty or broken file is no record), then emitted."""
        if not (isinstance(outcome, Reject) and outcome.reason in file_level):
            self.count("read")
            self.count(DOCUMENTS_IN)
        yield from self.emit(outcome)

    def read_bytes(self, size: int) -> None:
        """A reader's "characters in" are the bytes of its input: `size` more of them are read."""
        self.count(CHARACTERS_IN, max(0, size))
        self.progress.advance(max(0, size))

    def emit(self, outcome: Document | Skip | Reject) -> Iterator[Any]:
        """A reader's outcome for one record: a Reject to the rejects output, a Skip counted by its reason, a
        Document counted `kept` and yielded."""
        if isinstance(outcome, Reject):
            yield from self.reject(outcome)
        elif isinstance(outcome, Skip):
            self.count(outcome.reason)
        else:
            self.count("kept")
            self.progress.advance(0, 1)
            yield outcome

    def process(self, element):
        try:
            yield from self.handle(element)
        except Exception as exc:  # one bad record must not fail the bundle (Dataflow kills a job after 4)
            source_file, offset, record_id = self.locate(element)
            reason = "unreadable_input" if isinstance(exc, OSError) else "exception"
            yield from self.reject(Reject(source_file, offset, reason, describe_exception(exc), record_id))

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


class DocumentStep(Protocol):
    """The plain-Python shape of a per-document step: `setup()` once per worker, then `(decision, document or
    None)` per document; the document is kept when the decision is `kept`."""

    def setup(self) -> None: ...

    def __call__(self, document: Document) -> tuple[str, Document | None]: ...


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
    group: int = 0  # this group's number, of `groups`: side outputs number their parts by it
    groups: int = 1

    def name(self, index: int, suffix: str = ".parquet") -> str:
        return part_name(self.offset + index, self.total or self.count, suffix)

    def side_name(self, index: int, parts: int) -> str:
        """Part `index` of a side output with `parts` parts per group: numbered across the groups, so the
        groups' files do not overwrite each other when they move into the stage folder."""
        return part_name(self.group * parts + index, self.groups * parts)


def _document_order(document: Document) -> tuple[str, str]:
    return document.id, document.text  # the text breaks ties between equal ids, so no order depends on runs


def _reject_part(item: Reject) -> str:
    return f"{item.source_file}\x1f{item.offset}"


def _row_size(row: Any) -> int:
    return 100 + len(str(row))


class _SpillRuns(beam.DoFn):
    """(part key, row) pairs to sorted run files per part in `<folder>/_runs/<name>/<part>/`: a bundle's rows are
    buffered up to `memory` bytes, then each part's are sorted and written as one run; emits (part key, run)."""

    def __init__(self, folder: str, name: str, sort_key, size_of, memory: int):
        self.folder = folder
        self.name = name
        self.sort_key = sort_key
        self.size_of = size_of
        self.memory = memory
        self._buffers: dict[Any, list[Any]] = {}
        self._held = 0

    def start_bundle(self):
        self._buffers, self._held = {}, 0

    def process(self, keyed):
        key, row = keyed
        self._buffers.setdefault(key, []).append(row)
        self._held += self.size_of(row)
        if self._held >= self.memory:
            yield from self._spill()

    def _spill(self):
        for key, rows in sorted(self._buffers.items()):
            rows.sort(key=self.sort_key)
            folder = join(self.folder, RUNS_DIR, self.name, f"{unit_hash(key):016x}")
            yield key, write_run(folder, rows)
        self._buffers, self._held = {}, 0

    def finish_bundle(self):
        for element in self._spill():
            yield WindowedValue(element, MIN_TIMESTAMP, (GlobalWindow(),))


class _MergeRuns(beam.DoFn):
    """Write one part by merging its runs, streamed. The runs stay until the group's work folder is removed, so
    a retried bundle finds them again."""

    def __init__(self, folder: str, name: str, sort_key, write):
        self.folder = folder
        self.name = name
        self.sort_key = sort_key
        self.write = write

    def process(self, keyed):
        key, runs = keyed
        runs = [run for run in runs if run is not None]
        rows = merged_runs(runs, self.sort_key, join(self.folder, RUNS_DIR, self.name, "merged"))
        yield from self.write(key, rows)


class SortedParts(beam.PTransform):
    """(part key, row) pairs to one file per part, each written by `write(key, rows in sort_key order)`, which
    yields the file's output entries. Rows are spilled as sorted runs where they are made, the shuffle carries
    only run names, and each part is a streamed merge of its runs (pipeline/parts.py): no process holds a part.
    `every_part` lists part keys written even when no row goes to them."""

    def __init__(
        self,
        folder: str,
        name: str,
        sort_key: Callable[[Any], Any],
        write: Callable[[Any, Iterator[Any]], Iterable[dict[str, Any]]],
        size_of: Callable[[Any], int] = _row_size,
        memory: int = SORT_MEMORY_BYTES,
        every_part: tuple = (),
    ):
        super().__init__()
        self.folder, self.name, self.sort_key, self.write = folder, name, sort_key, write
        self.size_of, self.memory, self.every_part = size_of, memory, every_part

    def expand(self, keyed):
        runs = keyed | "SpillRuns" >> beam.ParDo(
            _SpillRuns(self.folder, self.name, self.sort_key, self.size_of, self.memory)
        )
        if self.every_part:
            every = keyed.pipeline | "EveryPart" >> beam.Create([(key, None) for key in self.every_part])
            runs = (runs, every) | "WithEmptyParts" >> beam.Flatten()
        return (
            runs
            | "GroupRunsByPart" >> beam.GroupByKey()
            | "MergeRuns" >> beam.ParDo(_MergeRuns(self.folder, self.name, self.sort_key, self.write))
        )


def _relative(stats: PartStats, folder: str) -> dict[str, Any]:
    entry = stats.to_json()
    entry["file"] = f"{folder}/{stats.file}" if folder else stats.file
    return entry


class _DocumentsWriter:
    def __init__(self, folder: str, layout: PartLayout):
        self.folder, self.layout = folder, layout

    def __call__(self, index: int, rows: Iterator[Document]):
        yield _relative(write_documents(join(self.folder, self.layout.name(index)), rows), "")


class _RejectsWriter:
    def __init__(self, folder: str, layout: PartLayout):
        self.folder, self.layout = folder, layout

    def __call__(self, index: int, rows: Iterator[Reject]):
        name = join(REJECTS_DIR, self.layout.name(index, ".jsonl"))
        yield _relative(write_jsonl(join(self.folder, name), (r.to_json() for r in rows)), REJECTS_DIR)


class _SideWriter:
    def __init__(self, folder: str, side: SideOutput, layout: PartLayout):
        self.folder, self.side, self.layout = folder, side, layout

    def __call__(self, index: int, rows: Iterator[dict[str, Any]]):
        path = join(self.folder, self.side.name, self.layout.side_name(index, self.side.parts))
        yield _relative(write_parquet_part(path, rows, self.side.schema), self.side.name)


def _keyed_by_part(parts: int, key: Callable[[Any], str]):
    return beam.Map(lambda row: (part_of(parts, key(row)), row))


class WriteStageOutputs(beam.PTransform):
    """Every output of one stage group into `folder`: parts, side outputs, rejects, `_outputs.json`, `_counts.json`.

    Takes {DOCUMENTS: docs (optional), REJECTS: rejects, COUNTS: (reason, n) pairs, <side name>: rows}.
    `memory` is each worker's sort buffer per output, in bytes.
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
        folder, layout, memory = self.folder, self.layout, self.memory
        every = tuple(range(layout.count))
        written = []
        if outputs.get(DOCUMENTS) is not None:
            written.append(
                outputs[DOCUMENTS]
                | "KeyDocuments" >> _keyed_by_part(layout.count, _document_id)
                | "Documents"
                >> SortedParts(
                    folder,
                    DOCUMENTS,
                    _document_order,
                    _DocumentsWriter(folder, layout),
                    document_size,
                    memory,
                    every,
                )
            )
        for side in self.side_outputs:
            written.append(
                outputs[side.name]
                | f"Key_{side.name}" >> _keyed_by_part(side.parts, side.part_key)
                | f"Side_{side.name}"
                >> SortedParts(
                    folder,
                    side.name,
                    side.sort_key,
                    _SideWriter(folder, side, layout),
                    memory=memory,
                    every_part=tuple(range(side.parts)),
                )
            )
        written.append(
            outputs[REJECTS]
            | "KeyRejects" >> _keyed_by_part(layout.count, _reject_part)
            | "Rejects"
            >> SortedParts(folder, REJECTS, Reject.sort_key, _RejectsWriter(folder, layout), memory=memory)
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


def _document_id(document: Document) -> str:
    return document.id


def _by_file(entry: dict[str, Any]) -> str:
    return entry["file"]


def merge(pcollections: Iterable, label: str):
    """Flatten a list of PCollections (e.g. the COUNTS of several steps) under one label."""
    return tuple(pcollections) | label >> beam.Flatten()


def stage_outputs(documents, *steps: dict) -> dict[str, Any]:
    """What WriteStageOutputs writes: the documents, and every step's REJECTS and COUNTS merged."""
    return {
        DOCUMENTS: documents,
        REJECTS: merge([step[REJECTS] for step in steps], "MergeRejects"),
        COUNTS: merge([step[COUNTS] for step in steps], "MergeCounts"),
    }
