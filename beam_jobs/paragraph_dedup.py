"""The paragraph_dedup stage: CCNet's line-level dedup (filters/paragraph_dedup.py) with its state in the shuffle.

ReadParts -> KeyDocuments (document key -> document)
          -> Segments -> ScopeRanks (the sorted input files, a side input: which scope each file is in)
          -> HashLines ((scope, line hash) -> (1, holder)) -> CountLines (CombinePerKey: occurrences and the
             smallest holder) -> UniqueLines (document key -> a line seen exactly once)
          -> JoinLines (CoGroupByKey on the document key) -> RemoveDuplicateLines -> WriteStageOutputs

Every line of a scope is counted by its hash in the shuffle, so no worker holds a hash set (cc_net's 40 GB
one); the scope is `paragraph_dedup.scope_files` consecutive input files, or the whole snapshot.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

import apache_beam as beam

from beam_jobs.framework import Stage, StageRun, run_beam, run_documents_command
from beam_jobs.stage import COUNTS, DOCUMENTS, REJECTS, ReadParts, StageDoFn, WriteStageOutputs, stage_outputs
from filters.paragraph_dedup import (
    document_key,
    keep_lines,
    line_keys,
    merge_counts,
    scope_of,
    scope_ranks,
    segment_of,
    unique_line,
)
from pipeline.config import Recipe, load_recipe


class CountLines(beam.CombineFn):
    """(occurrences, smallest holder) of one line key: a fixed-size accumulator, so combiner lifting keeps the
    shuffle to one record per distinct line per worker."""

    def create_accumulator(self):
        return 0, None

    def add_input(self, accumulator, element):
        return merge_counts((accumulator, element))

    def merge_accumulators(self, accumulators):
        return merge_counts(accumulators)

    def extract_output(self, accumulator):
        return accumulator


def _hash_lines(document, ranks, scope_files: int):
    return line_keys(document, scope_of(segment_of(document), ranks, scope_files))


def _unique_lines(element):
    owner = unique_line(element[1])
    if owner is not None:
        yield owner


class RemoveDuplicateLines(StageDoFn):
    """A document and the lines of it that occur once in their scope -> the document with only those lines."""

    def handle(self, element):
        _, grouped = element
        kept = sorted(grouped["kept"])
        for document in grouped["documents"]:
            lines = document.text.count("\n") + 1
            result = keep_lines(document, kept)
            self.count("lines_in", lines)
            self.count("lines_removed", lines - len(kept))
            if result is None:
                self.count("dropped:all_lines_duplicated")
                continue
            self.count("kept")
            yield result

    def locate(self, element):
        return self.namespace, None, element[0].split("\x1f", 1)[0]


def run_paragraph_dedup(run: StageRun) -> dict[str, Any]:
    scope_files = run.recipe.paragraph_dedup.scope_files

    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        documents = read[DOCUMENTS]
        keyed = documents | "KeyDocuments" >> beam.Map(lambda d: (document_key(d), d))
        ranks = (
            documents
            | "Segments" >> beam.Map(segment_of)
            | "DistinctSegments" >> beam.Distinct()
            | "ScopeRanks" >> beam.combiners.ToList()
            | "RankSegments" >> beam.Map(scope_ranks)
        )
        unique = (
            documents
            | "HashLines" >> beam.FlatMap(_hash_lines, beam.pvalue.AsSingleton(ranks), scope_files)
            | "CountLines" >> beam.CombinePerKey(CountLines())
            | "UniqueLines" >> beam.FlatMap(_unique_lines)
        )
        deduped = (
            {"documents": keyed, "kept": unique}
            | "JoinLines" >> beam.CoGroupByKey()
            | "RemoveDuplicateLines"
            >> beam.ParDo(RemoveDuplicateLines(run.namespace)).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        )
        outputs = stage_outputs(deduped[DOCUMENTS], read, deduped)
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout)

    return run_beam(run, build)


PARAGRAPH_DEDUP = Stage(
    name="paragraph_dedup",
    folder="paragraph_dedup",
    consumes=("documents",),
    produces=("documents",),
    config=("paragraph_dedup.scope_files", "execution.output_shards"),
    code=("beam_jobs.paragraph_dedup", "filters.paragraph_dedup", "filters.text_normalizer"),
    run=run_paragraph_dedup,
    per_source=True,
    sources=lambda recipe: recipe.paragraph_dedup.sources,
)


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data dedup-paragraphs --input DIR... --output DIR [--scope-files N] [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    if args.scope_files is not None:
        recipe = replace(
            recipe, paragraph_dedup=replace(recipe.paragraph_dedup, scope_files=args.scope_files)
        )
    manifest = run_documents_command("dedup-paragraphs", PARAGRAPH_DEDUP, recipe, args, beam_args)
    kept = manifest.characters_out / manifest.characters_in if manifest.characters_in else 0.0
    print(f"characters kept: {kept:.1%} (scope: {_scope(recipe.paragraph_dedup.scope_files)})")
    sys.stdout.flush()
    return 0


def _scope(scope_files: int) -> str:
    return f"groups of {scope_files} input files" if scope_files else "the whole input"


__all__ = ["PARAGRAPH_DEDUP", "main"]
