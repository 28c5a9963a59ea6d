"""The ingest job: raw source files to Parquet documents, every decision counted, every bad record kept.

CommonCrawl: ListFiles -> PlanSplits (byte ranges, so one 1 GB WARC is read by many workers) -> Reshuffle ->
ReadRecords (parse, extract main text, drop short pages) -> IdentifyLanguage (fastText, loaded once per
worker) -> WriteOutputs (`<out>/ingest/commoncrawl/part-*.parquet`, `_MANIFEST.json`, rejects).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import apache_beam as beam

from beam_jobs.stage import (
    DECISIONS,
    REJECTS,
    StageRun,
    WriteStageOutputs,
    auto_shards,
    decide,
    print_counts,
    reject,
    run_stage,
)
from filters.langid import LanguageIdentifier, identify_language
from pipeline.config import LangIdConfig, Recipe, load_recipe
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import expand_inputs, is_remote
from pipeline.manifest import StageManifest, rejects_dir, stage_dir
from pipeline.rejects import Reject
from pipeline.sources.commoncrawl import Skip, file_size, plan_splits, read_documents

STAGE = "ingest"
SUPPORTED_SOURCES = ("commoncrawl",)


class ReadCommonCrawlRange(beam.DoFn):
    """One byte range of one WARC/WET file to Documents; skips, drops and rejects are counted as they happen."""

    def __init__(self, namespace: str, min_length: int, max_record_bytes: int):
        self.namespace = namespace
        self.min_length = min_length
        self.max_record_bytes = max_record_bytes

    def process(self, split: tuple[str, int, int]):
        path, start, end = split
        for record, outcome in read_documents(path, start, end, self.min_length, self.max_record_bytes):
            if record is not None:
                yield decide(self.namespace, "read")
            if isinstance(outcome, Reject):
                yield from reject(self.namespace, outcome)
            elif isinstance(outcome, Skip):
                yield decide(self.namespace, outcome.reason)
            else:
                yield outcome


class IdentifyLanguage(beam.DoFn):
    """fastText language ID; the model loads once per worker, in setup."""

    def __init__(self, namespace: str, config: LangIdConfig):
        self.namespace = namespace
        self.config = config
        self.identifier: LanguageIdentifier | None = None

    def setup(self):
        self.identifier = LanguageIdentifier()

    def process(self, document: Document):
        decision = identify_language(document, self.identifier, self.config)
        yield decide(self.namespace, decision)
        if decision == "kept":
            yield document


def build_commoncrawl(recipe: Recipe, files: list[str], num_shards: int, namespace: str = "commoncrawl"):
    """The pipeline body, for run_stage: `build(pipeline, staging_dir)`."""
    ingest, langid = recipe.ingest, recipe.langid

    def build(pipeline: beam.Pipeline, staging: str) -> None:
        read = (
            pipeline
            | "ListFiles" >> beam.Create(sorted(files))
            | "PlanSplits" >> beam.FlatMap(plan_splits, ingest.split_bytes)
            | "Reshuffle" >> beam.Reshuffle()
            | "ReadRecords"
            >> beam.ParDo(
                ReadCommonCrawlRange(namespace, ingest.min_length, ingest.max_record_bytes)
            ).with_outputs(REJECTS, DECISIONS, main="documents")
        )
        identified = read.documents | "IdentifyLanguage" >> beam.ParDo(
            IdentifyLanguage(namespace, langid)
        ).with_outputs(DECISIONS, main="documents")
        decisions = (read[DECISIONS], identified[DECISIONS]) | "MergeDecisions" >> beam.Flatten()
        outputs = {None: identified.documents, REJECTS: read[REJECTS], DECISIONS: decisions}
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(staging, num_shards)

    return build


def ingest_source(
    recipe: Recipe, source: str, inputs: list[str], output: str, force: bool, beam_args: list[str]
) -> tuple[StageManifest, bool]:
    """Run the ingest stage for one source; returns its manifest and whether it ran (False: resumed)."""
    if source not in SUPPORTED_SOURCES:
        raise UserError(
            f"no ingest reader for source {source!r} yet; supported: {', '.join(SUPPORTED_SOURCES)}"
        )
    base_dir = str(Path(recipe.path).parent) if recipe.path else None
    files = expand_inputs(inputs, base_dir=base_dir)
    num_shards = auto_shards(sum(file_size(f) for f in files), recipe.ingest.output_shards)
    run = StageRun(
        output=output,
        stage=STAGE,
        source=source,
        inputs=files,
        config_hash=recipe.section_hash("ingest", "langid"),
        force=force,
        extra={"num_shards": num_shards, "split_bytes": recipe.ingest.split_bytes},
    )
    return run_stage(run, beam_args, build_commoncrawl(recipe, files, num_shards, namespace=source))


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data ingest SOURCE --input GLOB... --output DIR [--config YAML] [--force] [beam options]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    inputs = [p if is_remote(p) or os.path.isabs(p) else os.path.abspath(p) for p in args.input]
    manifest, ran = ingest_source(recipe, args.source, inputs, args.output, args.force, beam_args)
    if not ran:
        print("skipped (manifest matches; use --force to re-run)")
    print_counts(manifest, args.source)
    where = stage_dir(args.output, STAGE, args.source)
    print(f"\n{manifest.documents_out} documents in {len(manifest.outputs)} parts: {where}/", file=sys.stdout)
    if manifest.rejects:
        print(f"{manifest.rejects} rejects: {rejects_dir(args.output, STAGE)}/{args.source}.jsonl")
    return 0
