"""The mix stage: the mixture plan over the token shards (weights or epochs, the token budget), recorded so a
run report shows what the trainer will sample. Re-mixing needs no Beam job: change `mixture:` and re-run."""

from __future__ import annotations

from typing import Any

from beam_jobs.framework import Stage, StageRun, describe_files
from pipeline.io import join, write_json
from pipeline.manifest import StageManifest
from tokenization.mixture import format_plan, plan_mixture
from tokenization.shards import TokenDataset

PLAN_NAME = "plan.json"


def run_mix(run: StageRun) -> dict[str, Any]:
    (tokens,) = run.input("tokens")
    plan = plan_mixture(TokenDataset.open(tokens, manifest_only=True), run.recipe.mixture)
    write_json(join(run.work, PLAN_NAME), plan.to_json())
    return {"outputs": describe_files(run.work), "extra": {"plan": format_plan(plan)}}


def describe(manifest: StageManifest, directory: str) -> dict[str, Any]:
    return {"plan": manifest.extra.get("plan", ""), "file": join(directory, PLAN_NAME)}


MIX = Stage(
    name="mix",
    folder="mix",
    consumes=("tokens",),
    produces=("mixture",),
    config=("mixture",),
    code=("beam_jobs.mix", "tokenization.mixture"),
    run=run_mix,
    describe=describe,
)
