"""The handler of `llama-data mix` (declared in pipeline/cli.py)."""

from __future__ import annotations

import argparse

from pipeline.config import Recipe, load_recipe
from tokenization.mixture import format_plan, materialize_mixture
from tokenization.shards import TokenDataset


def _recipe(args: argparse.Namespace) -> Recipe:
    return load_recipe(args.config) if args.config else Recipe()


def mix_main(args: argparse.Namespace, beam_args: list[str]) -> int:
    from model.config import recipe_plan  # the trainer's budget sizes the plan (imports torch, so here)

    recipe = _recipe(args)
    dataset = TokenDataset.open(args.tokens, verify=bool(args.materialize))
    plan, sized = recipe_plan(recipe, dataset, args.token_budget)
    print(sized)
    print(format_plan(plan))
    if args.materialize:
        manifest = materialize_mixture(
            dataset, plan, args.materialize, recipe.seed, recipe.tokenize.shard_tokens
        )
        tokens = sum(s["tokens"] for s in manifest["shards"] if s["split"] == "train")
        print(
            f"materialized {len(manifest['shards'])} shards, {tokens:,} training tokens, in {args.materialize}"
        )
    return 0
