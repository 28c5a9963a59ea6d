"""The train stage: the bundled LLaMA trainer on the token shards, within `llama-data run`.

Each key (train and mixture config, tokens, code) trains in its own run folder, `train/run-<key hash>/`, and
`train/LATEST` names the one written last. A re-run with the same key skips a finished run and resumes an
interrupted one from its last checkpoint; a changed key starts a new run folder and says so. A finished run
is never deleted.
"""

from __future__ import annotations

from typing import Any

from beam_jobs.framework import Stage, StageRun, describe_files
from pipeline.config import Recipe
from pipeline.io import filesystem, join
from pipeline.manifest import StageManifest

SUMMARY_KEYS = ("val_loss_before", "val_loss_after", "steps")
FILE_KEYS = ("checkpoint", "log", "plot")


def run_train(run: StageRun) -> dict[str, Any]:
    from model.sharded import CHECKPOINTS_DIR, LATEST_NAME
    from model.train import train_from_recipe

    (tokens,) = run.input("tokens")
    fs, work = filesystem(run.work)
    resume = fs.exists(f"{work.rstrip('/')}/{CHECKPOINTS_DIR}/{LATEST_NAME}")
    result = train_from_recipe(run.recipe, tokens, run.work, resume=resume)
    summary = {key: result[key] for key in SUMMARY_KEYS}
    # Paths relative to the run folder (the work folder's files move there).
    summary.update({key: str(result[key])[len(run.work.rstrip("/")) + 1 :] for key in FILE_KEYS})
    return {"outputs": describe_files(run.work), "extra": {"summary": summary}}


def check_train_section(recipe: Recipe) -> None:
    from model.config import TrainConfig

    recipe.parse_extension(TrainConfig, "train")


def describe(manifest: StageManifest, directory: str) -> dict[str, Any]:
    summary = dict(manifest.extra.get("summary", {}))
    for key in FILE_KEYS:
        if key in summary:
            summary[key] = join(directory, summary[key])
    return summary


TRAIN = Stage(
    name="train",
    folder="train",
    consumes=("tokens",),
    produces=("model",),
    config=("train", "mixture"),
    code=(
        "beam_jobs.train",
        "model.train",
        "model.model",
        "model.data",
        "model.checkpoint",
        "model.sharded",
        "model.config",
        "tokenization.sampler",
    ),
    run=run_train,
    uses_seed=True,
    keep_work=True,
    runs_by_key=True,
    describe=describe,
    preflight=check_train_section,
)
