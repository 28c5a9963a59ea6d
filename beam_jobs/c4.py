"""C4: the reader of allenai/c4 JSON lines (ingest), and C4's cleaning rules as the `c4_filter` stage.

Reader (`llama-data ingest c4`, READERS["c4"] in beam_jobs/ingest.py): ListFiles -> PlanSplits (a .json.gz is
one split, an uncompressed file byte ranges at line boundaries) -> Reshuffle -> ReadC4Range
(pipeline/sources/c4.py: each line to a Document, exactly as released, or a Reject with its line number).
Counts: `read` (lines), `kept`, `skipped:blank_line`, `rejected:<reason>`.

c4_filter (`llama-data filter-c4`, recipe stage `c4_filter`; TFDS's graph, RECIPE.md §4.3):
    ReadParts -> CleanPages (is_valid_length + clean_page, filters/c4.py)
      -> KeyPages (document key -> page)
      -> LineCandidates (md5(line) -> (md5(url), document key)) -> ChooseOwners (CombinePerKey: the smallest)
         -> OwnedLines (document key -> md5(line))
      -> JoinOwnedLines (CoGroupByKey) -> RemoveDuplicateLines (+ bad words) -> WriteStageOutputs
With `c4_filter.dedup_lines: false` the bad-words check follows CleanPages directly. Every line hash lives in
the shuffle (a CombinePerKey with a fixed-size accumulator, so combiner lifting sends one candidate per line
per worker), never in one process. The bad-words list is read once, by the driver, and travels with the step;
its file is an extra input of the stage's key, so editing the list re-runs the stage.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from typing import Any

import apache_beam as beam

from beam_jobs.framework import Stage, StageRun, run_beam, run_documents_command
from beam_jobs.readers import read_ranges
from beam_jobs.stage import (
    COUNTS,
    DOCUMENTS,
    REJECTS,
    ReadParts,
    StageDoFn,
    WriteStageOutputs,
    stage_outputs,
)
from filters.c4 import (
    KEPT,
    LINE_DUPLICATE,
    LINE_DUPLICATE_IN_PAGE,
    LINE_KEPT,
    C4Rules,
    bad_words_path,
    load_bad_words,
    owner_candidates,
    remove_duplicate_lines,
)
from filters.paragraph_dedup import document_key
from pipeline.config import Recipe, load_recipe
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import filesystem, is_remote
from pipeline.sources.c4 import FILE_REASONS, plan_splits, read_documents

# ---- the reader -----------------------------------------------------------------------------------------


class ReadC4Range(StageDoFn):
    """One range of one C4 file to Documents; every line is counted (`read`), and so is its outcome."""

    def __init__(self, namespace: str, progress_dir: str | None, max_line_bytes: int):
        super().__init__(namespace, progress_dir)
        self.max_line_bytes = max_line_bytes

    def handle(self, split: tuple[str, int, int]):
        path, start, end = split
        for outcome in read_documents(path, start, end, self.max_line_bytes):
            yield from self.emit_read(outcome, FILE_REASONS)
        self.read_bytes(end - start)

    def locate(self, split):
        return split[0], split[1], None


def read_c4(pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None) -> dict[str, Any]:
    config = run.recipe.c4
    read = ReadC4Range(run.namespace, progress_dir, config.max_line_bytes)
    return read_ranges(pipeline, run, plan_splits, config.split_bytes, read)


# ---- the c4_filter stage --------------------------------------------------------------------------------


class _Finish:
    """The last check of a page (bad words), and the counts of what is kept."""

    rules: C4Rules

    def finish(self, page: Document):
        decision = self.rules.final(page)
        self.count(decision)
        if decision == KEPT:
            self.count(LINE_KEPT, page.text.count("\n") + 1)
            yield page


class CleanPages(_Finish, StageDoFn):
    """is_valid_length and clean_page on each page, every line decision counted; with `finish`, the page's
    last check too (no line dedup)."""

    def __init__(self, namespace: str, rules: C4Rules, finish: bool):
        super().__init__(namespace)
        self.rules = rules
        self.last_step = finish

    def handle(self, document: Document):
        result, page = self.rules.clean(document)
        for reason, n in sorted(result.lines.items()):
            self.count(reason, n)
        if page is None:
            self.count(result.decision)
        elif self.last_step:
            yield from self.finish(page)
        else:
            yield page


class ChooseOwner(beam.CombineFn):
    """The owner of one line: the smallest (md5(url), document key) among its pages; one candidate held."""

    def create_accumulator(self):
        return None

    def add_input(self, accumulator, element):
        return element if accumulator is None or element < accumulator else accumulator

    def merge_accumulators(self, accumulators):
        chosen = [a for a in accumulators if a is not None]
        return min(chosen) if chosen else None

    def extract_output(self, accumulator):
        return accumulator


class RemoveDuplicateLines(_Finish, StageDoFn):
    """A page and the lines it owns -> the page with those lines, each once; then its last check."""

    def __init__(self, namespace: str, rules: C4Rules):
        super().__init__(namespace)
        self.rules = rules

    def handle(self, element):
        _, grouped = element
        owned = grouped["owned"]
        for page in grouped["documents"]:
            result = remove_duplicate_lines(page, owned, self.rules.config.min_sentences)
            self.count(LINE_DUPLICATE, result.removed)
            self.count(LINE_DUPLICATE_IN_PAGE, result.repeated)
            if result.document is None:
                self.count(result.decision)
            else:
                yield from self.finish(result.document)

    def locate(self, element):
        return self.namespace, None, element[0].split("\x1f", 1)[0]


def _keyed(document: Document) -> tuple[str, Document]:
    return document_key(document), document


def _owned_line(element) -> tuple[str, bytes]:
    digest, (_, key) = element
    return key, digest


def bad_words_file(recipe: Recipe) -> str | None:
    """The recipe's bad-words list (`c4_filter.bad_words`), checked to exist; None when the rule is off."""
    path = bad_words_path(recipe.c4_filter, recipe.folder)
    if path is None:
        return None
    fs, resolved = filesystem(path)
    if not fs.isfile(resolved):
        raise UserError(f"c4_filter.bad_words: file not found: {path}")
    return path


def check_bad_words(recipe: Recipe) -> None:
    """The configured word list exists and holds words (a one-line UserError otherwise)."""
    path = bad_words_file(recipe)
    if path is not None:
        load_bad_words(path)


def _c4_filter_inputs(run: StageRun) -> list[str]:
    path = bad_words_file(run.recipe)
    return [path] if path else []


def run_c4_filter(run: StageRun) -> dict[str, Any]:
    config = run.recipe.c4_filter
    path = bad_words_file(run.recipe)
    words = load_bad_words(path) if path else []
    rules = C4Rules(config, words)

    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        cleaned = read[DOCUMENTS] | "CleanPages" >> beam.ParDo(
            CleanPages(run.namespace, rules, finish=not config.dedup_lines)
        ).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        steps = [read, cleaned]
        if config.dedup_lines:
            pages = cleaned[DOCUMENTS]
            keyed = pages | "KeyPages" >> beam.Map(_keyed)
            owned = (
                pages
                | "LineCandidates" >> beam.FlatMap(owner_candidates)
                | "ChooseOwners" >> beam.CombinePerKey(ChooseOwner())
                | "OwnedLines" >> beam.Map(_owned_line)
            )
            deduped = (
                {"documents": keyed, "owned": owned}
                | "JoinOwnedLines" >> beam.CoGroupByKey()
                | "RemoveDuplicateLines"
                >> beam.ParDo(RemoveDuplicateLines(run.namespace, rules)).with_outputs(
                    REJECTS, COUNTS, main=DOCUMENTS
                )
            )
            steps.append(deduped)
        _ = stage_outputs(steps[-1][DOCUMENTS], *steps) | "WriteOutputs" >> WriteStageOutputs(
            run.work, run.layout
        )

    record = run_beam(run, build)
    record["extra"] = {"bad_words": {"file": path or "", "words": len(words)}}
    return record


C4_FILTER = Stage(
    name="c4_filter",
    folder="c4_filter",
    consumes=("documents",),
    produces=("documents",),
    config=("c4_filter", "execution.output_shards"),
    code=("beam_jobs.c4", "filters.c4", "filters.paragraph_dedup"),
    run=run_c4_filter,
    per_source=True,
    sources=lambda recipe: recipe.c4_filter.sources,
    extra_inputs=_c4_filter_inputs,
    preflight=check_bad_words,
)


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data filter-c4 --input DIR... --output DIR [--bad-words FILE] [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    if args.bad_words:
        given = args.bad_words if is_remote(args.bad_words) else os.path.abspath(args.bad_words)
        recipe = replace(recipe, c4_filter=replace(recipe.c4_filter, bad_words=given))
    manifest = run_documents_command("filter-c4", C4_FILTER, recipe, args, beam_args)
    kept = manifest.characters_out / manifest.characters_in if manifest.characters_in else 0.0
    words = manifest.extra.get("bad_words", {})
    rule = (
        f"{words.get('words', 0)} bad words from {words['file']}" if words.get("file") else "bad words: off"
    )
    print(f"characters kept: {kept:.1%} ({rule})")
    sys.stdout.flush()
    return 0


__all__ = ["C4_FILTER", "main", "read_c4"]
