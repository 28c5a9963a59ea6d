"""The mix stage: the mixture plan over the token shards (weights or epochs, the token budget), recorded so a
run report shows what the trainer will sample. Re-mixing needs no Beam job: change `mixture:` and re-run.

When the recipe trains, the plan is sized by the training budget (model/config.py training_plan), the same
call the trainer makes, so the plan printed is the one that trains."""

from __future__ import annotations

from typing import Any

from beam_jobs.framework import Stage, StageRun, describe_files
from model.config import recipe_plan
from pipeline.io import join, write_json
from pipeline.manifest import StageManifest
from tokenization.mixture import format_plan
from tokenization.shards import TokenDataset

PLAN_NAME = "plan.json"


def run_mix(run: StageRun) -> dict[str, Any]:
    (tokens,) = run.input("tokens")
    plan, sized = recipe_plan(run.recipe, TokenDataset.open(tokens, manifest_only=True))
    write_json(join(run.work, PLAN_NAME), plan.to_json())
    return {"outputs": describe_files(run.work), "extra": {"plan": f"{sized}\n{format_plan(plan)}"}}


def describe(manifest: StageManifest, directory: str) -> dict[str, Any]:
    return {"plan": manifest.extra.get("plan", ""), "file": join(directory, PLAN_NAME)}


MIX = Stage(
    name="mix",
    folder="mix",
    consumes=("tokens",),
    produces=("mixture",),
    config=("mixture", "train"),  # train: its steps and batch size are the budget
    code=("beam_jobs.mix", "tokenization.mixture", "model.config"),
    run=run_mix,
    describe=describe,
)
