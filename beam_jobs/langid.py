"""The langid stage: fastText language ID on every document (CCNet's order puts it after paragraph dedup).

ReadParts (the upstream documents, spread by row group) -> IdentifyLanguage (lid.176, loaded once per worker;
records `language` and `language_score`, keeps the languages the recipe asks for) -> WriteStageOutputs.
"""

from __future__ import annotations

from typing import Any

import apache_beam as beam

from beam_jobs.framework import Stage, StageRun, run_beam
from beam_jobs.stage import COUNTS, DOCUMENTS, REJECTS, ApplyStep, ReadParts, WriteStageOutputs, merge
from filters.langid import LanguageIdStep


def run_langid(run: StageRun) -> dict[str, Any]:
    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        identified = read[DOCUMENTS] | "IdentifyLanguage" >> beam.ParDo(
            ApplyStep(run.namespace, LanguageIdStep(run.recipe.langid))
        ).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        outputs = {
            DOCUMENTS: identified[DOCUMENTS],
            REJECTS: merge([read[REJECTS], identified[REJECTS]], "MergeRejects"),
            COUNTS: merge([read[COUNTS], identified[COUNTS]], "MergeCounts"),
        }
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout)

    return run_beam(run, build)


LANGID = Stage(
    name="langid",
    folder="langid",
    consumes=("documents",),
    produces=("documents",),
    config=("langid", "execution"),
    code=("beam_jobs.langid", "filters.langid"),
    run=run_langid,
    per_source=True,
    groupable=True,
)
