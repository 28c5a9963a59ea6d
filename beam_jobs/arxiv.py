"""ArXiv ingest: LaTeX sources to one document per paper (pipeline/sources/arxiv.py).

    ListFiles (papers: tars, gzips, .tex files, folders; or bulk-dump tars of many papers) -> PlanSplits (one
    split per input: a tar stream cannot be entered in the middle) -> Reshuffle -> ReadArxivInput
      paper -> read_paper (pipeline.archives: safe, bounded) -> clean_paper (decode, main file, \\input,
      comments, macros collected and expanded, before the first section and the bibliography cut) -> document
Every paper is counted `read`, and then `kept`, `dropped:no_section` or `rejected:<reason>` (no_tex,
no_main_file, bad_encoding, expansion_limit, empty_paper, oversize, archive damage); the cleaner's own counts
(`inputs:missing`, `macros:expanded`, `cut:bibliography`, `encoding:<codec>`, ...) and the reader's skips
(`skipped:link`, `skipped:unsafe_path`, `skipped:pdf_only`, `files:not_read`, ...) are counters too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import apache_beam as beam

from beam_jobs.framework import StageRun
from beam_jobs.readers import read_ranges
from beam_jobs.stage import StageDoFn
from pipeline.config import ArxivConfig
from pipeline.io import file_size
from pipeline.rejects import Reject, Skip
from pipeline.sources.arxiv import (
    ArxivRules,
    PaperLimits,
    clean_paper,
    is_bulk_dump,
    paper_name,
    read_bulk_dump,
    read_paper,
)


def plan_arxiv(path: str, split_bytes: int) -> list[tuple[str, int, int]]:
    return [(path, 0, file_size(path))]


class ReadArxivInput(StageDoFn):
    """One input (a paper, or a bulk-dump tar of papers) to one document per paper, every outcome counted."""

    def __init__(self, namespace: str, progress_dir: str | None, config: ArxivConfig):
        super().__init__(namespace, progress_dir)
        self.rules = ArxivRules(
            keep_appendices=config.keep_appendices,
            max_input_depth=config.max_input_depth,
            max_expansion_depth=config.max_expansion_depth,
            max_output_factor=config.max_output_factor,
            max_output_chars=config.max_output_chars,
        )
        self.limits = PaperLimits(config.max_file_bytes, config.max_paper_bytes, config.max_members)

    def handle(self, split: tuple[str, int, int]):
        path, _, size = split
        if is_bulk_dump(path):
            for member, paper in read_bulk_dump(path, self.limits):
                yield from self._paper(path, paper_name(member), paper, member)
        else:
            yield from self._paper(path, paper_name(path), read_paper(path, self.limits), None)
        self.read_bytes(size)

    def _paper(self, path: str, name: str, paper, member: str | None):
        if isinstance(paper, Skip):  # a bulk-dump member that is no paper (a PDF, a link)
            self.count(paper.reason)
            return
        if isinstance(paper, Reject):
            yield from self.emit_read(paper)
            return
        files, read_counts = paper
        cleaned = clean_paper(files, name, self.rules)
        for counter, value in {**read_counts, **cleaned.counters}.items():
            self.count(counter, value)
        outcome = cleaned.outcome
        if isinstance(outcome, Reject):  # the cleaner names the paper; the reject names the input file
            outcome = replace(outcome, source_file=path, record_id=member or outcome.record_id)
        yield from self.emit_read(outcome)

    def locate(self, split):
        return split[0], None, None


def read_arxiv(pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None) -> dict[str, Any]:
    read = ReadArxivInput(run.namespace, progress_dir, run.recipe.arxiv)
    return read_ranges(pipeline, run, plan_arxiv, 1 << 62, read)


__all__ = ["plan_arxiv", "read_arxiv"]
