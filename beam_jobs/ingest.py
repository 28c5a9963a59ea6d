"""The ingest stage: one source's raw files to Parquet documents, every decision counted, every bad record kept.

CommonCrawl: ListFiles -> PlanSplits (byte ranges, so one 1 GB WARC is read by many workers) -> Reshuffle ->
ReadRecords (parse, extract main text, drop short pages) -> WriteStageOutputs. Language ID is the next stage
(`langid`), so that CCNet's paragraph dedup can run between the two; `llama-data ingest` runs both.
Wikipedia: ListFiles -> PlanSplits (multistream streams, bz2 blocks or byte ranges) -> Reshuffle -> ReadPages
(namespace 0, latest revision, cleaned wikitext) -> WriteStageOutputs, with each page's cited URLs as the
`references` side output. C4 (beam_jobs/c4.py), StackExchange (beam_jobs/stackexchange.py), GitHub
(beam_jobs/github.py), Books (beam_jobs/books.py) and ArXiv (beam_jobs/arxiv.py) have their readers in their own modules. A source's reader is
one entry of READERS: its pipeline body (the pipeline and the group's files to {DOCUMENTS, REJECTS, COUNTS, side
outputs}), its side outputs, config keys and code modules, and whether a folder input is one unit (a GitHub
repository, an arXiv paper) or the files under it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam import pvalue

from beam_jobs.arxiv import read_arxiv
from beam_jobs.books import read_books
from beam_jobs.c4 import read_c4
from beam_jobs.framework import Stage, StageRun, run_beam
from beam_jobs.github import read_github
from beam_jobs.readers import read_ranges
from beam_jobs.stackexchange import SITES, read_stackexchange
from beam_jobs.stage import (
    DOCUMENTS_IN,
    SideOutput,
    StageDoFn,
    WriteStageOutputs,
    describe_exception,
)
from pipeline.config import Recipe, SourceSpec, WikipediaConfig, load_recipe
from pipeline.io import expand_inputs, is_remote
from pipeline.rejects import Reject, Skip
from pipeline.sources.commoncrawl import plan_splits, read_records, record_to_document, repair_counters
from pipeline.sources.wikipedia import plan_splits as plan_wikipedia_splits
from pipeline.sources.wikipedia import read_pages


class ReadCommonCrawlRange(StageDoFn):
    """One byte range of one WARC/WET file to Documents; skips, drops and rejects are counted as they happen.

    Each record is mapped on its own, so a failure on one record is a reject and the range goes on."""

    def __init__(self, namespace: str, progress_dir: str | None, min_length: int, max_record_bytes: int):
        super().__init__(namespace, progress_dir)
        self.min_length = min_length
        self.max_record_bytes = max_record_bytes

    def handle(self, split: tuple[str, int, int]):
        path, start, end = split
        position = start
        for record in read_records(path, start, end, self.max_record_bytes):
            if isinstance(record, Reject):
                yield from self.reject(record)
                continue
            self.count("read")
            self.count(DOCUMENTS_IN)
            self.read_bytes(record.offset - position)
            position = max(position, record.offset)
            try:
                outcome = record_to_document(record, path, self.min_length, self.max_record_bytes)
            except Exception as exc:  # a bug on one record must not lose the rest of the range
                yield from self.reject(
                    Reject(
                        path,
                        record.offset,
                        "exception",
                        describe_exception(exc),
                        record.header("warc-record-id"),
                    )
                )
                continue
            for counter in repair_counters(outcome):
                self.count(counter)  # a page kept (or skipped) after a repair, e.g. a bad HTTP header line
            yield from self.emit(outcome)
        self.read_bytes(end - position)

    def locate(self, split):
        return split[0], split[1], None


def read_commoncrawl(pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None) -> dict[str, Any]:
    ingest = run.recipe.ingest
    read = ReadCommonCrawlRange(run.namespace, progress_dir, ingest.min_length, ingest.max_record_bytes)
    return read_ranges(pipeline, run, plan_splits, ingest.split_bytes, read)


class ReadWikipediaRange(StageDoFn):
    """One range of one MediaWiki dump to Documents, and each page's cited URLs to the REFERENCES side output."""

    def __init__(self, namespace: str, progress_dir: str | None, config: WikipediaConfig):
        super().__init__(namespace, progress_dir)
        self.config = config

    def handle(self, split: tuple[str, int, int]):
        path, start, end = split
        for outcome, urls in read_pages(path, start, end, self.config.languages, self.config.max_page_bytes):
            if isinstance(outcome, Reject):
                yield from self.reject(outcome)
                continue
            self.count("read")
            self.count(DOCUMENTS_IN)
            if isinstance(outcome, Skip):
                self.count(outcome.reason)
                continue
            self.count("kept")
            self.count("cited_urls", len(urls))
            self.progress.advance(0, 1)
            yield outcome
            for url in urls:
                yield pvalue.TaggedOutput(
                    REFERENCES.name,
                    {
                        "id": outcome.id,
                        "page_id": outcome.meta.get("page_id", ""),
                        "language": outcome.language,
                        "url": url,
                    },
                )
        self.read_bytes(end - start)

    def locate(self, split):
        return split[0], split[1], None


def read_wikipedia(pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None) -> dict[str, Any]:
    config = run.recipe.wikipedia
    read = ReadWikipediaRange(run.namespace, progress_dir, config)
    return read_ranges(pipeline, run, plan_wikipedia_splits, config.split_bytes, read, (REFERENCES.name,))


# The URLs a Wikipedia page cites: the reference classifier's positives (RECIPE.md §3.7).
REFERENCES = SideOutput(
    "references",
    pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("page_id", pa.string()),
            pa.field("language", pa.string()),
            pa.field("url", pa.string(), nullable=False),
        ]
    ),
    sort_key=lambda row: (row["id"], row["url"]),
    part_key=lambda row: row["id"],
)


@dataclass(frozen=True)
class Reader:
    """One source's reader: its pipeline body, side outputs, config keys and code modules."""

    build: Callable[[beam.Pipeline, StageRun, str | None], dict[str, Any]]
    config: tuple[str, ...]
    code: tuple[str, ...]
    side_outputs: tuple[SideOutput, ...] = ()
    trees: bool = False  # a folder input is one unit (a repository), not the files under it


READERS: dict[str, Reader] = {
    "commoncrawl": Reader(
        read_commoncrawl,
        ("ingest",),
        ("pipeline.sources.commoncrawl", "pipeline.sources.warc", "pipeline.sources.http"),
    ),
    "wikipedia": Reader(read_wikipedia, ("wikipedia",), ("pipeline.sources.wikipedia",), (REFERENCES,)),
    "c4": Reader(read_c4, ("c4",), ("beam_jobs.c4", "pipeline.sources.c4")),
    "stackexchange": Reader(
        read_stackexchange,
        ("stackexchange",),
        ("beam_jobs.stackexchange", "pipeline.sources.stackexchange"),
        (SITES,),
    ),
    "github": Reader(
        read_github,
        ("github",),
        (
            "beam_jobs.github",
            "pipeline.sources.github",
            "pipeline.archives",
            "filters.licenses",
            "filters.code",
        ),
        trees=True,
    ),
    "books": Reader(read_books, ("books",), ("beam_jobs.books", "pipeline.sources.books")),
    "arxiv": Reader(
        read_arxiv, ("arxiv",), ("beam_jobs.arxiv", "pipeline.sources.arxiv", "pipeline.archives"), trees=True
    ),
}


def run_ingest(run: StageRun) -> dict[str, Any]:
    reader = READERS[run.source]

    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        outputs = reader.build(pipeline, run, progress_dir)
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout, reader.side_outputs)

    return run_beam(run, build)


def source_files(recipe: Recipe, source: str, spec: SourceSpec) -> list[str]:
    """The recipe's input paths and globs for one source, expanded (relative to the recipe's folder)."""
    return expand_inputs(spec.input, base_dir=recipe.folder, trees=READERS[source].trees)


INGEST = Stage(
    name="ingest",
    folder="ingest",
    consumes=("sources",),
    produces=("documents",),
    config=("execution",),
    code=("beam_jobs.ingest",),
    config_by_source={source: reader.config for source, reader in READERS.items()},
    code_by_source={source: reader.code for source, reader in READERS.items()},
    produces_by_source={s: tuple(side.name for side in reader.side_outputs) for s, reader in READERS.items()},
    run=run_ingest,
    per_source=True,
    groupable=True,
    ungrouped_sources=("stackexchange",),  # the site ranking needs every site's rows in one run
)


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data ingest SOURCE --input GLOB... --output DIR [--config YAML] [--force] [beam options]`:
    the ingest and langid stages for one source, so the documents come out labelled (GitHub: with its exact
    dedup between them)."""
    from beam_jobs.run import run_recipe

    recipe = load_recipe(args.config) if args.config else Recipe()
    inputs = [p if is_remote(p) or os.path.isabs(p) else os.path.abspath(p) for p in args.input]
    dedup = ["exact_dedup"] if args.source in recipe.exact_dedup.sources else []  # GitHub's file-level dedup
    recipe = replace(
        recipe.with_sources({args.source: SourceSpec(input=inputs)}), stages=["ingest", *dedup, "langid"]
    )
    run_recipe(recipe, args.output, beam_args, force=args.force, summary=False)
    sys.stdout.flush()
    return 0
