"""`llama-data run`: a recipe's stages as a graph of artifacts, each stage skipped when its manifest says done.

The recipe's `stages` list is resolved in order against the registry (beam_jobs/registry.py): each stage
reads the latest earlier producer of every artifact it consumes (`documents` per source, `tokenizer`,
`tokens`, ...), and a stage whose input no earlier stage produces is a one-line error. `--stages` runs a
subset; the others' outputs on disk are its inputs. Every stage resumes on its own.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Any

from beam_jobs.framework import Stage, StageRun, print_counts, run_stage
from beam_jobs.registry import REGISTRY
from pipeline.config import Recipe, load_recipe
from pipeline.errors import ConfigError, UserError
from pipeline.io import check_output_folder, join, write_json
from pipeline.manifest import stage_dir

REPORT_NAME = "_RUN_REPORT.json"


@dataclass(frozen=True)
class PlannedStage:
    stage: Stage
    upstream: dict[str, Stage]  # artifact -> the stage that produces it for this one


def resolve(recipe: Recipe) -> list[PlannedStage]:
    """The recipe's stages in order, each with the producers of what it consumes; errors name the stage."""
    where = f"{recipe.path}: stages" if recipe.path else "stages"
    producers: dict[str, Stage] = {}
    planned = []
    for name in recipe.stages:
        stage = REGISTRY.get(name)
        if stage is None:
            raise ConfigError(f"{where}: unknown stage {name!r}; expected some of {', '.join(REGISTRY)}")
        for artifact in stage.consumes:
            if artifact == "sources":
                if not recipe.sources:
                    raise ConfigError(f"{where}: {name} reads the recipe's sources, but it names none")
            elif artifact not in producers:
                makers = sorted(s.name for s in REGISTRY.values() if artifact in s.produces)
                raise ConfigError(
                    f"{where}: {name} reads `{artifact}`, which no stage before it produces "
                    f"(list {' or '.join(makers)} before it)"
                )
        planned.append(PlannedStage(stage, {a: producers[a] for a in stage.consumes if a in producers}))
        for artifact in stage.produces:
            producers[artifact] = stage
    return planned


def artifact_paths(output: str, producer: Stage, artifact: str, sources: list[str]) -> list[str]:
    """Where a producer's artifact lies: its per-source folders, or its one folder."""
    if producer.per_source:
        return [stage_dir(output, producer.folder, source) for source in sources]
    return [stage_dir(output, producer.folder)]


def stage_runs(recipe: Recipe, planned: PlannedStage, output: str, beam_args: list[str], force: bool):
    """The StageRuns of one planned stage: one per source, or one over all sources."""
    stage, sources = planned.stage, sorted(recipe.sources)
    from beam_jobs.ingest import source_files

    for source in sources if stage.per_source else [None]:
        inputs: dict[str, list[str]] = {}
        for artifact in stage.consumes:
            if artifact == "sources":
                inputs[artifact] = source_files(recipe, source, recipe.sources[source])
            else:
                producer = planned.upstream[artifact]
                inputs[artifact] = artifact_paths(output, producer, artifact, [source] if source else sources)
        directory = stage_dir(output, stage.folder, source)
        yield StageRun(stage, recipe, source, inputs, directory, beam_args, force)


def run_recipe(
    recipe: Recipe,
    output: str,
    beam_args: list[str],
    force: bool = False,
    stages: list[str] | None = None,
    summary: bool = True,
) -> dict[str, Any]:
    """Run the recipe's stages (or the given subset, in recipe order); returns the run report."""
    check_output_folder(output)
    planned = resolve(recipe)
    if stages is not None:
        unknown = [s for s in stages if s not in REGISTRY]
        if unknown:
            raise UserError(f"--stages: unknown stage {unknown[0]!r}; expected some of {', '.join(REGISTRY)}")
    wanted = [p for p in planned if stages is None or p.stage.name in stages]
    if any(p.stage.name == "train" for p in wanted):  # a bad train: key stops the run now, not after the data
        from model.config import TrainConfig

        recipe.parse_extension(TrainConfig, "train")
    report: dict[str, Any] = {"recipe": recipe.name, "config": recipe.path, "output": output, "stages": {}}
    for step in wanted:
        for run in stage_runs(recipe, step, output, beam_args, force):
            started = time.monotonic()
            manifest, ran = run_stage(run)
            label = run.namespace
            _announce(label, ran, time.monotonic() - started)
            if manifest.counts or manifest.documents_in:
                print_counts(manifest)
            entry = {
                "ran": ran,
                "directory": run.directory,
                "documents_in": manifest.documents_in,
                "documents_out": manifest.documents_out,
                "characters_in": manifest.characters_in,
                "characters_out": manifest.characters_out,
                "rejects": manifest.rejects,
                "counts": manifest.counts,
            }
            if run.stage.describe is not None:
                entry.update(run.stage.describe(manifest, run.directory))
            report["stages"][label] = entry
    if summary:
        write_json(join(output, REPORT_NAME), report)
        _print_summary(report)
    return report


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
        if "/" in name:
            print(
                f"{name}: {info['documents_in']:,} documents in, {info['documents_out']:,} kept, "
                f"{info['rejects']:,} rejects"
            )
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
        if "checkpoint" in stages["train"]:
            print(f"checkpoint: {stages['train']['checkpoint']}")
    print(f"report: {join(report['output'], REPORT_NAME)}")


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    recipe = load_recipe(args.config)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()] if args.stages else None
    run_recipe(recipe, args.output, beam_args, force=args.force, stages=stages)
    sys.stdout.flush()
    return 0


__all__ = ["main", "resolve", "run_recipe"]
