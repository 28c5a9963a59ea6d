"""`llama-data run`: a recipe's stages in order, each skipped when its manifest says it is already done.

ingest (one Beam job per source) -> train_tokenizer -> tokenize (Beam) -> mix (plan) -> train.
Every stage resumes on its own, so an interrupted run continues where it stopped.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from beam_jobs.ingest import ingest_source
from beam_jobs.stage import print_counts
from beam_jobs.tokenize import tokenize_documents
from pipeline.config import STAGES, Recipe, load_recipe
from pipeline.errors import UserError
from pipeline.io import join, write_json
from pipeline.manifest import stage_dir


def run_recipe(
    recipe: Recipe, output: str, beam_args: list[str], force: bool = False, stages: list[str] | None = None
) -> dict[str, Any]:
    """Run the recipe's stages (or the given subset, in recipe order); returns the run report."""
    wanted = [s for s in recipe.stages if stages is None or s in stages]
    report: dict[str, Any] = {"recipe": recipe.name, "config": recipe.path, "output": output, "stages": {}}
    ingest_dirs = [stage_dir(output, "ingest", source) for source in sorted(recipe.sources)]
    tokenizer_dir, tokens_dir, train_dir = (
        join(output, "tokenizer"),
        join(output, "tokens"),
        join(output, "train"),
    )
    tokenizer_model = join(tokenizer_dir, "tokenizer.model")

    if "ingest" in wanted:
        if not recipe.sources:
            raise UserError("the recipe names no sources: add a `sources:` section")
        for source, spec in sorted(recipe.sources.items()):
            started = time.monotonic()
            manifest, ran = ingest_source(recipe, source, spec.input, output, force, beam_args)
            _announce(f"ingest/{source}", ran, time.monotonic() - started)
            print_counts(manifest, source)
            report["stages"][f"ingest/{source}"] = {
                "ran": ran,
                "documents_out": manifest.documents_out,
                "rejects": manifest.rejects,
                "counts": manifest.counts,
            }

    if "train_tokenizer" in wanted:
        from tokenization.train import train_tokenizer

        started = time.monotonic()
        tokenizer_model = train_tokenizer(recipe, ingest_dirs, tokenizer_dir, force=force)
        _announce("train_tokenizer", True, time.monotonic() - started)
        print(f"tokenizer: {tokenizer_model}")
        report["stages"]["train_tokenizer"] = {"model": tokenizer_model}

    if "tokenize" in wanted:
        started = time.monotonic()
        dataset_manifest, ran = tokenize_documents(
            recipe, ingest_dirs, tokenizer_model, tokens_dir, force, beam_args
        )
        _announce("tokenize", ran, time.monotonic() - started)
        report["stages"]["tokenize"] = {"ran": ran, "tokens_by_source": _tokens_by_source(dataset_manifest)}

    if "mix" in wanted:
        from tokenization.mixture import format_plan, plan_mixture
        from tokenization.shards import TokenDataset

        plan = plan_mixture(TokenDataset.open(tokens_dir, verify=False), recipe.mixture)
        report["stages"]["mix"] = {"plan": format_plan(plan)}

    if "train" in wanted:
        from model.train import train_from_recipe

        started = time.monotonic()
        summary = train_from_recipe(recipe, tokens_dir, train_dir, resume=not force)
        _announce("train", True, time.monotonic() - started)
        report["stages"]["train"] = {
            k: summary[k]
            for k in ("val_loss_before", "val_loss_after", "steps", "checkpoint")
            if k in summary
        }

    write_json(join(output, "_RUN_REPORT.json"), report)
    _print_summary(report)
    return report


def _tokens_by_source(dataset_manifest: dict) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for shard in dataset_manifest.get("shards", []):
        split = totals.setdefault(shard["source"], {})
        split[shard["split"]] = split.get(shard["split"], 0) + int(shard["tokens"])
    return dict(sorted(totals.items()))


def _announce(stage: str, ran: bool, seconds: float) -> None:
    state = (
        f"done in {seconds:.1f}s"
        if ran
        else "skipped: its manifest matches the inputs and config (use --force)"
    )
    print(f"\n== {stage}: {state}", flush=True)


def _print_summary(report: dict[str, Any]) -> None:
    stages = report["stages"]
    print("\n==================== run summary ====================")
    print(f"output: {report['output']}")
    for name, info in stages.items():
        if name.startswith("ingest/"):
            print(f"{name}: {info['documents_out']} documents kept, {info['rejects']} rejects")
    if "tokenize" in stages:
        print("tokens per source:")
        for source, splits in stages["tokenize"]["tokens_by_source"].items():
            print(
                f"  {source:<14} train {splits.get('train', 0):>12,}   validation {splits.get('validation', 0):>10,}"
            )
    if "mix" in stages:
        print("mixture:")
        print(stages["mix"]["plan"])
    if "train" in stages:
        before, after = stages["train"].get("val_loss_before", {}), stages["train"].get("val_loss_after", {})
        print("validation loss per source (before -> after training):")
        for source in sorted(before):
            print(f"  {source:<14} {before[source]:.4f} -> {after.get(source, float('nan')):.4f}")
    print(f"report: {join(report['output'], '_RUN_REPORT.json')}")


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    recipe = load_recipe(args.config)
    stages = None
    if args.stages:
        stages = [s.strip() for s in args.stages.split(",") if s.strip()]
        unknown = [s for s in stages if s not in STAGES]
        if unknown:
            raise UserError(f"--stages: unknown stage {unknown[0]!r}; expected some of {', '.join(STAGES)}")
    run_recipe(recipe, args.output, beam_args, force=args.force, stages=stages)
    sys.stdout.flush()
    return 0


__all__ = ["main", "run_recipe"]
