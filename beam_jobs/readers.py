"""The shape of every file reader in ingest: ListFiles -> PlanSplits -> Reshuffle -> read one split.

A source's reader supplies `plan(path, split_bytes)` (a file to its splits: byte ranges, bz2 streams, or the whole
file when it cannot be split, as a .gz or .7z) and a StageDoFn that reads one split to documents, rejects, counts
and side outputs. Splitting before the Reshuffle is what lets one large file be read by many workers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import apache_beam as beam

from beam_jobs.framework import StageRun
from beam_jobs.stage import COUNTS, DOCUMENTS, REJECTS, StageDoFn, merge


class PlanSplits(StageDoFn):
    """One file to its byte ranges; a file that cannot be opened is a reject (`unreadable_input`)."""

    def __init__(self, namespace: str, split_bytes: int, plan: Callable[[str, int], list]):
        super().__init__(namespace)
        self.split_bytes = split_bytes
        self.plan = plan

    def handle(self, path: str):
        yield from self.plan(path, self.split_bytes)

    def locate(self, path: str):
        return path, None, None


def read_ranges(
    pipeline: beam.Pipeline,
    run: StageRun,
    plan: Callable[[str, int], list],
    split_bytes: int,
    read: StageDoFn,
    side_outputs: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The shape of every file reader: ListFiles -> PlanSplits (byte ranges of each file, so one large file is
    read by many workers) -> Reshuffle -> `read` (one range to documents, rejects, counts and side outputs)."""
    planned = (
        pipeline
        | "ListFiles" >> beam.Create(sorted(run.units))
        | "PlanSplits"
        >> beam.ParDo(PlanSplits(run.namespace, split_bytes, plan)).with_outputs(
            REJECTS, COUNTS, main=DOCUMENTS
        )
    )
    ranges = (
        planned[DOCUMENTS]
        | "Reshuffle" >> beam.Reshuffle()
        | "ReadRanges" >> beam.ParDo(read).with_outputs(REJECTS, COUNTS, *side_outputs, main=DOCUMENTS)
    )
    return {
        DOCUMENTS: ranges[DOCUMENTS],
        REJECTS: merge([planned[REJECTS], ranges[REJECTS]], "MergeRejects"),
        COUNTS: merge([planned[COUNTS], ranges[COUNTS]], "MergeCounts"),
        **{name: ranges[name] for name in side_outputs},
    }
