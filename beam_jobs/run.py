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

from beam_jobs.framework import (
    ARTIFACT_ALIASES,
    ARTIFACT_FOLDERS,
    PER_SOURCE_ARTIFACTS,
    Stage,
    StageRun,
    place,
    print_counts,
    run_stage,
)
from beam_jobs.registry import REGISTRY
from pipeline.config import Recipe, load_recipe
from pipeline.errors import ConfigError, UserError
from pipeline.io import check_output_folder, join, write_json
from pipeline.manifest import stage_dir

REPORT_NAME = "_RUN_REPORT.json"


@dataclass(frozen=True)
class PlannedStage:
    stage: Stage
    sources: list[str]  # the recipe's sources it works on
    upstream: dict[str, dict[str | None, Stage]]  # artifact -> source (None: one per run) -> its producer


def resolve(recipe: Recipe) -> list[PlannedStage]:
    """The recipe's stages in order, each with the producers of what it consumes; errors name the stage.

    Per-source artifacts (`documents`, `references`) have a producer per source: a stage that works on some
    sources only (CCNet's steps on CommonCrawl) leaves the other sources' documents where they were."""
    where = f"{recipe.path}: stages" if recipe.path else "stages"
    producers: dict[tuple[str, str | None], Stage] = {}
    planned = []
    for name in recipe.stages:
        stage = REGISTRY.get(name)
        if stage is None:
            raise ConfigError(f"{where}: unknown stage {name!r}; expected some of {', '.join(REGISTRY)}")
        sources = stage.works_on(recipe)
        if stage.sources is not None and not stage.per_source and not sources:
            raise ConfigError(
                f"{where}: {name} works on {', '.join(sorted(stage.sources(recipe)))} documents, "
                "and the recipe names no such source"
            )
        upstream: dict[str, dict[str | None, Stage]] = {}
        for artifact in stage.consumes + stage.optional:
            required = artifact in stage.consumes
            if artifact == "sources":
                if not recipe.sources:
                    raise ConfigError(f"{where}: {name} reads the recipe's sources, but it names none")
                continue
            produced = ARTIFACT_ALIASES.get(artifact, artifact)
            wanted: list[str | None] = (
                list(stage.reads_from(artifact, recipe, None)) if produced in PER_SOURCE_ARTIFACTS else [None]
            )
            found = {s: producers[(produced, s)] for s in wanted if (produced, s) in producers}
            missing = [s for s in wanted if s not in found]
            if required and (missing or not wanted) and (sources or not stage.per_source):
                makers = sorted(s.name for s in REGISTRY.values() if produced in s.produces)
                lacking = f" for {', '.join(str(s) for s in missing)}" if any(missing) else ""
                raise ConfigError(
                    f"{where}: {name} reads `{artifact}`{lacking}, which no stage before it produces "
                    f"(list {' or '.join(makers) or 'its producer'} before it)"
                )
            if found:
                upstream[artifact] = found
        planned.append(PlannedStage(stage, sources, upstream))
        for artifact in stage.produces:
            for source in sources if artifact in PER_SOURCE_ARTIFACTS else [None]:
                producers[(artifact, source)] = stage
        for source in sources:
            for artifact in stage.produces_by_source.get(source, ()):
                producers[(artifact, source)] = stage
    return planned


def artifact_path(output: str, producer: Stage, artifact: str, source: str | None) -> str:
    """Where a producer's artifact lies: its per-source folder (or a table inside it), or its one folder."""
    folder = stage_dir(output, producer.folder, source if producer.per_source else None)
    return join(folder, ARTIFACT_FOLDERS[artifact]) if artifact in ARTIFACT_FOLDERS else folder


def stage_runs(recipe: Recipe, planned: PlannedStage, output: str, beam_args: list[str], force: bool):
    """The StageRuns of one planned stage: one per source it works on, or one over all of them."""
    stage = planned.stage
    from beam_jobs.ingest import source_files

    for source in planned.sources if stage.per_source else [None]:
        inputs: dict[str, list[str]] = {}
        for artifact in stage.consumes + stage.optional:
            if artifact == "sources":
                inputs[artifact] = source_files(recipe, source, recipe.sources[source])
            elif artifact in planned.upstream:
                table = planned.upstream[artifact]
                wanted = (
                    stage.reads_from(artifact, recipe, source) if artifact in PER_SOURCE_ARTIFACTS else [None]
                )
                inputs[artifact] = [
                    artifact_path(output, table[s], artifact, s) for s in wanted if s in table
                ]
        directory = stage_dir(output, stage.folder, source)
        yield place(StageRun(stage, recipe, source, inputs, directory, beam_args, force))


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
    for step in wanted:  # a late stage's config mistake stops the run now, not after the data stages
        if step.stage.preflight is not None and (step.sources or not step.stage.per_source):
            step.stage.preflight(recipe)
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
        from pipeline.report import write_report

        print(f"report: {write_report(output)}")
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
    width = max([len(name) for name in stages] + [8])
    print(f"{'stage':<{width}}  {'documents in':>13}  {'out':>11}  {'characters out':>15}  {'rejects':>8}")
    for name, info in stages.items():
        print(
            f"{name:<{width}}  {info['documents_in']:>13,}  {info['documents_out']:>11,}  "
            f"{info['characters_out']:>15,}  {info['rejects']:>8,}{'' if info['ran'] else '  (skipped: done)'}"
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
