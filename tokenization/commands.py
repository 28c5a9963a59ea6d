"""Handlers of `llama-data train-tokenizer` and `llama-data mix` (declared in pipeline/cli.py)."""

from __future__ import annotations

import argparse

from pipeline.config import Recipe, load_recipe
from tokenization.mixture import format_plan, materialize_mixture, plan_mixture
from tokenization.shards import TokenDataset
from tokenization.train import load_config, train_tokenizer


def _recipe(args: argparse.Namespace) -> Recipe:
    return load_recipe(args.config) if args.config else Recipe()


def train_tokenizer_main(args: argparse.Namespace, beam_args: list[str]) -> int:
    model_path = train_tokenizer(_recipe(args), args.input, args.output, force=args.force)
    config = load_config(args.output)
    sample = config["sample"]
    print(f"tokenizer: {model_path}")
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


def mix_main(args: argparse.Namespace, beam_args: list[str]) -> int:
    recipe = _recipe(args)
    dataset = TokenDataset.open(args.tokens, verify=bool(args.materialize))
    plan = plan_mixture(dataset, recipe.mixture, args.token_budget)
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
