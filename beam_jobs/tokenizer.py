"""The train_tokenizer stage: SentencePiece BPE with LLaMA's settings, on a mixture-weighted sample of the
documents (tokenization/train.py). Plain Python; the framework decides whether it must run."""

from __future__ import annotations

import argparse
from typing import Any

from beam_jobs.framework import Stage, StageRun, describe_files, run_one
from pipeline.config import Recipe, load_recipe
from pipeline.io import find_parts, join
from tokenization.train import CONFIG_NAME, MODEL_NAME, load_config, train_tokenizer


def run_train_tokenizer(run: StageRun) -> dict[str, Any]:
    config = train_tokenizer(run.recipe, find_parts(run.input("documents")), run.work)
    sample = config["sample"]
    available = sample["available"]
    return {
        "counts": {f"drawn:{s}": n for s, n in sample["drawn_documents"].items()},
        "documents_in": sum(a["documents"] for a in available.values()),
        "characters_in": sum(a["characters"] for a in available.values()),
        "documents_out": sum(sample["drawn_documents"].values()),
        "characters_out": 0,
        "outputs": describe_files(run.work),
        "extra": {"vocab_size": config["vocab_size"], "sha256": config["sha256"]},
    }


def describe(manifest, directory: str) -> dict[str, Any]:
    return {"model": join(directory, MODEL_NAME), "vocab_size": manifest.extra.get("vocab_size")}


TRAIN_TOKENIZER = Stage(
    name="train_tokenizer",
    folder="tokenizer",
    consumes=("documents",),
    produces=("tokenizer",),
    # Only what shapes the sample: token_budget, seq_len or max_epochs do not change the tokenizer.
    config=("tokenizer", "mixture.weights", "mixture.epochs"),
    code=("beam_jobs.tokenizer", "tokenization.train"),
    run=run_train_tokenizer,
    uses_seed=True,
    describe=describe,
)


def train_tokenizer_stage(
    recipe: Recipe, input_dirs: list[str], output: str, force: bool = False
) -> tuple[str, bool]:
    """The stage over stage folders `input_dirs` into `output`; returns the model's path and whether it ran."""
    _, ran = run_one(TRAIN_TOKENIZER, recipe, {"documents": list(input_dirs)}, output, force=force)
    return join(output, MODEL_NAME), ran


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data train-tokenizer --input DIR... --output DIR [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    _, ran = train_tokenizer_stage(recipe, args.input, args.output, args.force)
    config = load_config(args.output)
    sample = config["sample"]
    if not ran:
        print(f"train-tokenizer: {args.output} is up to date (its manifest matches); --force re-trains")
    print(f"tokenizer: {join(args.output, MODEL_NAME)}")
    print(
        f"vocab_size: {config['vocab_size']} (asked {config['requested_vocab_size']})  sha256: {config['sha256']}"
    )
    print(f"{'source':<14} {'weight':>8} {'rate':>8} {'drawn':>10} {'available':>10}")
    for source, available in sample["available"].items():
        print(
            f"{source:<14} {sample['weights'].get(source, 0.0):>8.2%} {sample['rates'].get(source, 0.0):>8.4f} "
            f"{sample['drawn_documents'].get(source, 0):>10,} {available['documents']:>10,}"
        )
    return 0


__all__ = ["CONFIG_NAME", "TRAIN_TOKENIZER", "main", "train_tokenizer_stage"]
