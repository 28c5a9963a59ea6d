"""The filter stage: the recipe's thresholds on the signals earlier stages recorded (filters/thresholds.py).

ReadParts -> ApplyThresholds (bucket, wiki_ref_prob; every drop counted by reason) -> WriteStageOutputs.
"""

from __future__ import annotations

from typing import Any

from beam_jobs.framework import Stage, StageRun, run_steps
from filters.thresholds import FilterStep


def run_filter(run: StageRun) -> dict[str, Any]:
    return run_steps(run, [("ApplyThresholds", FilterStep(run.recipe.filter))])


FILTER = Stage(
    name="filter",
    folder="filter",
    consumes=("documents",),
    produces=("documents",),
    config=("filter.buckets", "filter.min_wiki_ref_prob", "execution"),
    code=("beam_jobs.filter", "filters.thresholds"),
    run=run_filter,
    per_source=True,
    groupable=True,
    sources=lambda recipe: recipe.filter.sources,
)
