"""The langid stage: fastText language ID on every document (CCNet's order puts it after paragraph dedup).

ReadParts (the upstream documents, spread by row group) -> IdentifyLanguage (lid.176, loaded once per worker;
records `language` and `language_score`, keeps the languages the recipe asks for) -> WriteStageOutputs.
"""

from __future__ import annotations

from typing import Any

from beam_jobs.framework import Stage, StageRun, run_steps
from filters.langid import LanguageIdStep


def run_langid(run: StageRun) -> dict[str, Any]:
    return run_steps(run, [("IdentifyLanguage", LanguageIdStep(run.recipe.langid))])


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
