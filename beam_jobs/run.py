"""`llama-data run`: a recipe's stages in order, each skipped when its manifest says it is already done.

ingest (one Beam job per source) -> train_tokenizer -> tokenize (Beam) -> mix (plan) -> train.
Every stage resumes on its own, so an interrupted run continues where it stopped.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import time
from typing import Any

from beam_jobs.ingest import ingest_source
from beam_jobs.stage import print_counts
from beam_jobs.tokenize import tokenize_documents
from pipeline.config import STAGES, Recipe, load_recipe, parse_section
from pipeline.errors import UserError
from pipeline.io import join, open_file, read_json, write_json
from pipeline.manifest import MANIFEST_NAME, stage_dir


def run_recipe(
    recipe: Recipe, output: str, beam_args: list[str], force: bool = False, stages: list[str] | None = None
) -> dict[str, Any]:
    """Run the recipe's stages (or the given subset, in recipe order); returns the run report."""
    wanted = [s for s in recipe.stages if stages is None or s in stages]
    if "train" in wanted:  # a bad train: key should stop the run now, not after the data stages
        from model.config import TrainConfig

        parse_section(TrainConfig, recipe.train, "train")
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
        _announce("train_tokenizer", None, time.monotonic() - started)
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
        started = time.monotonic()
        summary, ran = _train_stage(recipe, tokens_dir, train_dir, force)
        _announce("train", ran, time.monotonic() - started)
        report["stages"]["train"] = summary

    write_json(join(output, "_RUN_REPORT.json"), report)
    _print_summary(report)
    return report


def _train_stage(recipe: Recipe, tokens_dir: str, train_dir: str, force: bool) -> tuple[dict[str, Any], bool]:
    """Train unless a finished run with the same config and tokens is there; resume an interrupted one.

    `_INPUTS.json` is written when training starts and `_MANIFEST.json` when it ends, so a re-run can tell a
    finished run (skip), an interrupted one (resume from its checkpoint) and a stale one (start again).
    """
    from model.train import train_from_recipe

    with open_file(join(tokens_dir, "manifest.json"), "rb") as handle:
        tokens_sha = hashlib.sha256(handle.read()).hexdigest()
    inputs = {"config_hash": recipe.section_hash("train", "mixture"), "tokens_manifest_sha256": tokens_sha}
    finished, started = join(train_dir, MANIFEST_NAME), join(train_dir, "_INPUTS.json")
    if not force and _json_or_none(finished, "inputs") == inputs:
        return read_json(finished)["summary"], False
    resume = not force and _json_or_none(started, None) == inputs
    if not resume and os.path.isdir(train_dir):
        shutil.rmtree(train_dir)
    write_json(started, inputs)
    result = train_from_recipe(recipe, tokens_dir, train_dir, resume=resume)
    summary = {
        k: result[k] for k in ("val_loss_before", "val_loss_after", "steps", "checkpoint", "log", "plot")
    }
    write_json(finished, {"inputs": inputs, "summary": summary})
    return summary, True


def _json_or_none(path: str, key: str | None) -> Any:
    if not os.path.isfile(path):
        return None
    data = read_json(path)
    return data.get(key) if key else data


def _tokens_by_source(dataset_manifest: dict) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for shard in dataset_manifest.get("shards", []):
        split = totals.setdefault(shard["source"], {})
        split[shard["split"]] = split.get(shard["split"], 0) + int(shard["tokens"])
    return dict(sorted(totals.items()))


def _announce(stage: str, ran: bool | None, seconds: float) -> None:
    """ran=None: the stage decides itself whether to reuse its output, and says so in its own line."""
    if ran is None:
        state = f"ready in {seconds:.1f}s"
    elif ran:
        state = f"done in {seconds:.1f}s"
    else:
        state = "skipped: its manifest matches the inputs and config (use --force)"
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
