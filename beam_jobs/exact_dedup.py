"""The exact_dedup stage: documents whose text is byte-identical, across every input file of a source, kept once.

LLaMA deduplicated GitHub at the file level by exact match (RECIPE.md §1.2); RedPajama did it with one process
holding every MD5 in a dict (§3.2, step 2). Here every step is a shuffle, so no worker holds more than one key:
    ReadParts -> KeyById (id -> document)
              -> Hashes (content hash -> id) -> ChooseKept (CombinePerKey: the smallest id, and the number of
                 copies; a fixed-size accumulator, so combiner lifting sends one candidate per hash per worker)
              -> KeptIds (kept id -> copies)
    JoinKept (CoGroupByKey on id) -> Decide: the kept copy gets meta["copies"]; every other copy is dropped
    (`dropped:exact_duplicate`) -> WriteStageOutputs.
The hash is the document's `meta["content_hash"]` when its reader set one (GitHub: sha256 of the cleaned file),
else sha256 of the text (pipeline.hashing.content_hash). Which copy is kept depends only on the ids, never on
input order: the smallest id, so reruns and other runners keep the same one.
"""

from __future__ import annotations

import argparse
from typing import Any

import apache_beam as beam

from beam_jobs.framework import Stage, StageRun, run_beam, run_documents_command
from beam_jobs.stage import COUNTS, DOCUMENTS, REJECTS, ReadParts, StageDoFn, WriteStageOutputs, stage_outputs
from pipeline.config import Recipe, load_recipe
from pipeline.document import Document
from pipeline.hashing import content_hash

DUPLICATE = "dropped:exact_duplicate"


def document_hash(document: Document) -> str:
    return document.meta.get("content_hash") or content_hash(document.text)


class ChooseKept(beam.CombineFn):
    """(smallest id, copies) of one content hash."""

    def create_accumulator(self) -> tuple[str | None, int]:
        return None, 0

    def add_input(self, accumulator, document_id):
        kept, copies = accumulator
        return (document_id if kept is None or document_id < kept else kept), copies + 1

    def merge_accumulators(self, accumulators):
        ids = [kept for kept, _ in accumulators if kept is not None]
        return (min(ids) if ids else None), sum(copies for _, copies in accumulators)

    def extract_output(self, accumulator):
        return accumulator


class Decide(StageDoFn):
    """A document and whether its id is its hash's kept copy -> the document (with its copies) or a drop."""

    def handle(self, element):
        _, grouped = element
        copies = list(grouped["kept"])
        for document in grouped["documents"]:
            if not copies:
                self.count(DUPLICATE)
                continue
            self.count("kept")
            if copies[0] > 1:
                self.count("kept:had_duplicates")
            document.meta["copies"] = str(copies[0])
            yield document

    def locate(self, element):
        return self.namespace, None, element[0]


def run_exact_dedup(run: StageRun) -> dict[str, Any]:
    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        documents = read[DOCUMENTS]
        kept = (
            documents
            | "Hashes" >> beam.Map(lambda d: (document_hash(d), d.id))
            | "ChooseKept" >> beam.CombinePerKey(ChooseKept())
            | "KeptIds" >> beam.Map(lambda item: (item[1][0], item[1][1]))
        )
        decided = (
            {"documents": documents | "KeyById" >> beam.Map(lambda d: (d.id, d)), "kept": kept}
            | "JoinKept" >> beam.CoGroupByKey()
            | "Decide" >> beam.ParDo(Decide(run.namespace)).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        )
        outputs = stage_outputs(decided[DOCUMENTS], read, decided)
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout)

    return run_beam(run, build)


EXACT_DEDUP = Stage(
    name="exact_dedup",
    folder="exact_dedup",
    consumes=("documents",),
    produces=("documents",),
    config=("exact_dedup", "execution.output_shards"),
    code=("beam_jobs.exact_dedup", "pipeline.hashing"),
    run=run_exact_dedup,
    per_source=True,
    sources=lambda recipe: recipe.exact_dedup.sources,
)


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data dedup-exact --input DIR... --output DIR [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    run_documents_command("dedup-exact", EXACT_DEDUP, recipe, args, beam_args)
    return 0


__all__ = ["EXACT_DEDUP", "main"]
