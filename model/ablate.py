"""Data-mix ablations: `llama-data ablate`, or ablate(): one model per mixture, compared source by source.

Algorithm. Every mixture file is a YAML `mixture:` section (the recipe's keys) and optionally a `name:`; its keys
override the base recipe's mixture (`--config`, else the built-in defaults), a `weights` table replacing the
base's `epochs` and the reverse. Each run then gets the base recipe with that mixture, the same `train:` section
(preset --preset), the same seed and the same length: --budget tokens rounded up to whole optimizer steps,
steps = ceil(budget / batch tokens) with batch tokens = train.batch_tokens or micro_batch_size x seq_len, so every
run trains on exactly steps x batch tokens (the mixture's own token_budget is refused: it would size runs apart).
All runs read the same token shards (no Beam job re-runs) and are scored on the same held-out windows of every
source with a validation split, whatever their weights: a CommonCrawl-only model is still measured on Wikipedia.
Without --config the train section is TrainConfig's defaults, but for a warmup of a tenth of the run (at most
the paper's 2,000 steps), so a short ablation leaves warmup; a --config's own warmup is kept, with a warning
when it is as long as the run.

Layout, under `<output>/ablation/`:
    <name>/run.json      what the run is (mixture, train section, seed, tokens manifest sha256), written first
    <name>/checkpoints/  train_log.jsonl  loss.png      the trainer's files (model/train.py)
    <name>/result.json   the run's losses and files, written last and atomically: the run is finished
    ablation.json  ablation.md  ablation.png            the side-by-side report of the runs asked for
Resume: a run with result.json is skipped; one with run.json but no result continues from its last checkpoint
(train_from_recipe(resume=True), which continues as one uninterrupted run would); a run.json that differs from
the run asked for is an error naming the difference (--force retrains that run from scratch), never a silent
reuse, since the table's columns are named by run. The report is rebuilt from the result files each time, so
re-running a finished ablation trains nothing and writes the same bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from model import train as trainer
from model.config import PRESETS, TrainConfig, batch_tokens_for, training_plan
from model.sharded import CHECKPOINTS_DIR, LATEST_NAME
from pipeline.config import MixtureConfig, Recipe, load_recipe, parse_section
from pipeline.errors import ConfigError, UserError
from pipeline.io import filesystem, is_remote, join, parent_folder, read_json, write_atomic, write_json
from tokenization.shards import MANIFEST_NAME, TokenDataset

ABLATION_DIR = "ablation"
RUN_NAME = "run.json"
RESULT_NAME = "result.json"
REPORT_JSON, REPORT_MD, REPORT_PNG = "ablation.json", "ablation.md", "ablation.png"
MIXTURE_FILE_KEYS = ("name", "mixture")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
BUILTIN_WARMUP_SHARE = 10  # without --config the warmup is a tenth of the run (TrainConfig's 2,000 at most)


@dataclass(frozen=True)
class AblationMixture:
    """One mixture file, resolved against the base recipe's mixture."""

    name: str
    path: str
    mixture: MixtureConfig


@dataclass(frozen=True)
class AblationRun:
    """One planned run: its recipe, the config recorded in run.json, and the weights the sampler will use."""

    mixture: AblationMixture
    recipe: Recipe
    config: dict[str, Any]
    weights: dict[str, float]
    steps: int


def main(args: Any, beam_args: list[str]) -> int:
    """`llama-data ablate` (beam_args is always empty: cli.py refuses unknown options for this command)."""
    if len(args.mixture or []) < 2:
        raise UserError("give at least two --mixture files to compare")
    base = load_recipe(args.config) if args.config else None
    ablate(
        args.tokens,
        args.mixture,
        args.output,
        args.budget,
        preset=args.preset,
        seed=args.seed,
        base_recipe=base,
        force=args.force,
        max_steps=args.max_steps,
        device=args.device,
    )
    return 0


def ablate(
    tokens_dir: str,
    mixture_files: Sequence[str | Path],
    output_dir: str | None = None,
    budget_tokens: int | None = None,
    preset: str | None = None,
    seed: int | None = None,
    base_recipe: Recipe | None = None,
    force: bool = False,
    max_steps: int | None = None,
    device: str | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train one model per mixture file at one budget, seed and model, and write the side-by-side report.

    `budget_tokens` defaults to the base recipe's own length (train.max_steps x batch, or mixture.token_budget);
    `preset` and `seed` to the base recipe's. `max_steps` stops each run there, unfinished (a later call
    continues it). `force` retrains the named runs from scratch. Returns the report (ablation.json's content)
    with `status`: per run, trained, resumed, skipped: finished, or stopped at step N."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        raise UserError(
            "ablate runs in one process; train a single mixture under torchrun with llama-data train"
        )
    tokens_dir = str(tokens_dir)
    if max_steps is not None and max_steps < 1:
        raise UserError(f"--max-steps must be at least 1, got {max_steps}")
    root = join(str(output_dir) if output_dir else _parent(tokens_dir), ABLATION_DIR)
    runs, budget, warnings = plan_ablation(
        tokens_dir, mixture_files, budget_tokens, preset, seed, base_recipe
    )
    for warning in warnings:
        say(f"warning: {warning}")
    first = runs[0]
    batch = first.config["batch_tokens"]
    say(
        f"ablation of {len(runs)} mixtures in {root}: each {first.steps:,} steps x {batch:,} tokens = "
        f"{first.steps * batch:,} tokens (budget {budget:,}), preset {first.config['train']['preset']}, "
        f"seed {first.config['seed']}"
    )
    fs, _ = filesystem(root)
    status: dict[str, str] = {}
    for run in runs:
        name = run.mixture.name
        folder = join(root, name)
        if force and fs.exists(filesystem(folder)[1]):
            fs.rm(filesystem(folder)[1], recursive=True)
        recorded = _check_recorded(folder, run)
        if _exists(join(folder, RESULT_NAME)):
            status[name] = "skipped: finished"
            say(f"ablation {name}: skipped: finished ({join(folder, RESULT_NAME)})")
            continue
        if recorded is None:
            write_json(join(folder, RUN_NAME), run.config)
        resume = _exists(join(folder, CHECKPOINTS_DIR, LATEST_NAME))
        say(f"ablation {name}: {'resuming' if resume else 'training'} {run.mixture.path} in {folder}")
        started = time.perf_counter()
        result = trainer.train_from_recipe(
            run.recipe, tokens_dir, folder, resume=resume, max_steps=max_steps, device=device
        )
        seconds = time.perf_counter() - started
        if result["steps"] < run.steps:
            status[name] = f"stopped at step {result['steps']}"
            say(f"ablation {name}: stopped at step {result['steps']} of {run.steps}; run again to continue")
            continue
        write_json(join(folder, RESULT_NAME), _result_record(run, result, root))
        status[name] = "resumed" if resume else "trained"
        say(f"ablation {name}: finished in {seconds:.1f} s")
    unfinished = [name for name, state in status.items() if state.startswith("stopped")]
    if unfinished:
        say(f"ablation: {', '.join(unfinished)} unfinished; run again to continue (the report waits for all)")
        return {"runs": [], "status": status}
    report = build_report(runs, root, budget, tokens_dir)
    write_report(report, root)
    say(format_table(report))
    say(f"report: {join(root, REPORT_MD)}, {join(root, REPORT_JSON)}, {join(root, REPORT_PNG)}")
    return {**report, "status": status}


def plan_ablation(
    tokens_dir: str,
    mixture_files: Sequence[str | Path],
    budget_tokens: int | None,
    preset: str | None,
    seed: int | None,
    base_recipe: Recipe | None,
) -> tuple[list[AblationRun], int, list[str]]:
    """Every run's recipe and recorded config, checked before anything trains; the token budget; warnings."""
    if not mixture_files:
        raise UserError("give at least one --mixture file")
    if preset is not None and preset not in PRESETS:
        raise UserError(f"--preset {preset}: unknown preset; expected one of {', '.join(PRESETS)}")
    builtin = base_recipe is None
    base = base_recipe or Recipe()
    seed = base.seed if seed is None else seed
    if not 0 <= seed < 2**64:
        raise UserError(f"--seed must be between 0 and 2**64 - 1, got {seed}")
    base_cfg = base.parse_extension(TrainConfig, "train")
    budget = _budget(budget_tokens, base, base_cfg)
    dataset = TokenDataset.open(tokens_dir, manifest_only=True)  # the plans read the manifest's counts only
    manifest_sha = _manifest_sha256(tokens_dir)
    mixtures = [load_mixture_file(path, base.mixture) for path in mixture_files]
    seen: dict[str, str] = {}
    for mix in mixtures:
        if mix.name in seen:
            raise UserError(
                f"{seen[mix.name]} and {mix.path} are both named {mix.name!r}: give one a `name:` of its own"
            )
        seen[mix.name] = mix.path
    runs, seq_lens = [], {}
    for mix in mixtures:
        train = {key: value for key, value in base.train.items() if key != "max_steps"}
        if preset is not None:
            train["preset"] = preset
        cfg = parse_section(TrainConfig, train, "train")
        seq_len = cfg.seq_len or mix.mixture.seq_len
        batch = batch_tokens_for(cfg, seq_len, 1)
        if batch % (cfg.micro_batch_size * seq_len):  # the trainer's own check, before any run starts
            raise ConfigError(
                f"train.batch_tokens: {batch} is not a multiple of micro_batch_size * seq_len = "
                f"{cfg.micro_batch_size} * {seq_len}"
            )
        steps = max(1, -(-budget // batch))
        train["max_steps"] = steps
        if builtin and "warmup_steps" not in train:
            train["warmup_steps"] = min(cfg.warmup_steps, max(1, steps // BUILTIN_WARMUP_SHARE))
        recipe = dataclasses.replace(base, seed=seed, mixture=mix.mixture, train=train)
        cfg = recipe.parse_extension(TrainConfig, "train")
        try:
            plan, _ = training_plan(dataset, mix.mixture, cfg)
        except UserError as exc:
            raise UserError(f"{mix.path}: {exc}") from None
        seq_lens[mix.path] = seq_len
        config = {
            "name": mix.name,
            "mixture": dataclasses.asdict(mix.mixture),
            "train": dataclasses.asdict(cfg),
            "seed": seed,
            "seq_len": seq_len,
            "batch_tokens": batch,
            "tokens_manifest_sha256": manifest_sha,
        }
        runs.append(AblationRun(mix, recipe, _plain_json(config), dict(plan.weights), steps))
    if len(set(seq_lens.values())) > 1:
        listed = ", ".join(f"{path} {n}" for path, n in seq_lens.items())
        raise UserError(f"the mixtures train at different seq_len ({listed}): their losses would not compare")
    warnings = []
    if not builtin and base_cfg.warmup_steps >= runs[0].steps:
        warnings.append(
            f"train.warmup_steps {base_cfg.warmup_steps:,} >= {runs[0].steps:,} steps: the learning rate never "
            f"reaches its peak at this budget"
        )
    return runs, budget, warnings


def load_mixture_file(path: str | Path, base: MixtureConfig | None = None) -> AblationMixture:
    """A mixture file: `mixture:` (MixtureConfig's keys, over `base`) and an optional `name:`; every problem is a
    one-line ConfigError naming the file. load_recipe checks the YAML itself (encoding, duplicate keys, types)."""
    path = str(path)
    load_recipe(path)  # a mixture file is a recipe with two sections: all of its checks, naming the file
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    extra = sorted(key for key in raw if key not in MIXTURE_FILE_KEYS)
    if extra:
        raise ConfigError(
            f"{path}: {extra[0]}: a mixture file holds only name and mixture (train settings come from --config)"
        )
    section = raw.get("mixture")
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: no mixture section (mixture: {{weights: {{source: weight, ...}}}})")
    if "token_budget" in section:
        raise ConfigError(f"{path}: mixture.token_budget: --budget sizes every run alike; remove it here")
    merged = dataclasses.asdict(base or MixtureConfig())
    merged["token_budget"] = None
    if "weights" in section:
        merged["epochs"] = None
    if "epochs" in section:
        merged["weights"] = None
    merged.update(section)
    try:
        mixture = parse_section(MixtureConfig, merged, "mixture")
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    name = raw.get("name", Path(path).stem)
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ConfigError(f"{path}: name {name!r}: use letters, digits, '.', '_' and '-' (a folder name)")
    return AblationMixture(name, path, mixture)


def build_report(runs: Sequence[AblationRun], root: str, budget: int, tokens_dir: str) -> dict[str, Any]:
    """ablation.json's content, from the runs' result files (so a skipped run reports what it trained)."""
    first = runs[0].config
    rows = []
    for run in runs:
        result = read_json(join(root, run.mixture.name, RESULT_NAME))
        rows.append({"name": run.mixture.name, "mixture": run.weights, "file": run.mixture.path, **result})
    return {
        "runs": rows,
        "budget": budget,
        "steps": runs[0].steps,
        "batch_tokens": first["batch_tokens"],
        "tokens": runs[0].steps * first["batch_tokens"],
        "preset": first["train"]["preset"],
        "seed": first["seed"],
        "seq_len": first["seq_len"],
        "tokens_dir": tokens_dir,
        "tokens_manifest_sha256": first["tokens_manifest_sha256"],
    }


def write_report(report: dict[str, Any], root: str) -> None:
    """ablation.json, ablation.md and ablation.png, each written whole (atomically)."""
    write_json(join(root, REPORT_JSON), report)
    write_atomic(join(root, REPORT_MD), format_markdown(report).encode())
    write_atomic(join(root, REPORT_PNG), plot_report(report))


def _sources(report: dict[str, Any]) -> list[str]:
    return sorted({source for run in report["runs"] for source in run["val_loss"]})


def _means(report: dict[str, Any]) -> list[float | None]:
    """Each run's unweighted mean over the sources every run was scored on (one source, one vote)."""
    common = [s for s in _sources(report) if all(s in run["val_loss"] for run in report["runs"])]
    return [
        sum(run["val_loss"][s] for s in common) / len(common) if common else None for run in report["runs"]
    ]


def _untrained(report: dict[str, Any]) -> dict[str, float] | None:
    """The step-0 losses when every run starts from them (same seed and model: the same initial weights)."""
    before = [run["val_loss_before"] for run in report["runs"]]
    same = all(
        b.keys() == before[0].keys() and all(math.isclose(b[s], before[0][s], abs_tol=1e-5) for s in b)
        for b in before
    )
    return before[0] if same and before else None


def _table(report: dict[str, Any], bold: Callable[[str], str]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the loss table; the lowest loss of each row goes through `bold`."""
    names = [run["name"] for run in report["runs"]]
    untrained = _untrained(report)
    header = ["validation loss", *(["untrained"] if untrained else []), *names]
    rows = []
    lines = [(s, [run["val_loss"].get(s) for run in report["runs"]]) for s in _sources(report)]
    for label, values in [*lines, ("mean", _means(report))]:
        known = [v for v in values if v is not None]
        low = min(known) if known else None
        cells = [("-" if v is None else bold(f"{v:.4f}") if v == low else f"{v:.4f}") for v in values]
        start = []
        if untrained:
            first = _mean(untrained) if label == "mean" else untrained.get(label)
            start = ["-" if first is None else f"{first:.4f}"]
        rows.append([label, *start, *cells])
    return header, rows


def _mean(losses: dict[str, float]) -> float:
    return sum(losses.values()) / len(losses)


def format_markdown(report: dict[str, Any]) -> str:
    """The side-by-side report: losses (rows = sources, columns = mixtures), then the sampled weights."""
    header, rows = _table(report, lambda cell: f"**{cell}**")
    lines = [
        "# Data-mix ablation",
        "",
        f"Every run: preset {report['preset']}, seed {report['seed']}, {report['steps']:,} steps x "
        f"{report['batch_tokens']:,} tokens = {report['tokens']:,} tokens (budget {report['budget']:,}), "
        f"seq_len {report['seq_len']}, on the token shards at `{report['tokens_dir']}` (manifest sha256 "
        f"{report['tokens_manifest_sha256'][:12]}); each scored on the same held-out windows of every source.",
        "",
        "Validation loss (nats per token; lowest of each row in bold; mean: unweighted over sources):",
        "",
        "| " + " | ".join(header) + " |",
        "| :--- |" + " ---: |" * (len(header) - 1),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        "Sampled weights (the mixture as the trainer draws it, over the sources the shards hold):",
        "",
        "| source | " + " | ".join(run["name"] for run in report["runs"]) + " |",
        "| :--- |" + " ---: |" * len(report["runs"]),
    ]
    weighted = sorted({s for run in report["runs"] for s in run["mixture"]} | set(_sources(report)))
    for source in weighted:
        cells = [
            f"{run['mixture'][source]:.1%}" if source in run["mixture"] else "-" for run in report["runs"]
        ]
        lines.append(f"| {source} | " + " | ".join(cells) + " |")
    lines += ["", "Runs (paths relative to this folder):", ""]
    for run in report["runs"]:
        lines.append(f"- {run['name']} ({run['file']}): checkpoint `{run['checkpoint']}`, log `{run['log']}`")
    return "\n".join(lines) + "\n"


def format_table(report: dict[str, Any]) -> str:
    """The loss table as aligned plain text for the console (the lowest of each row marked *)."""
    header, rows = _table(report, lambda cell: f"{cell}*")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def plot_report(report: dict[str, Any]) -> bytes:
    """A grouped bar chart, one group per source (and the mean), one bar per mixture, as PNG bytes.
    Agg, fixed size and no timestamp in the metadata: the same report gives the same bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [*_sources(report), "mean"]
    runs = report["runs"]
    means = _means(report)
    width = 0.8 / len(runs)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(labels) + 2), 4.5))
    for index, run in enumerate(runs):
        values = [run["val_loss"].get(s, math.nan) for s in labels[:-1]]
        values.append(means[index] if means[index] is not None else math.nan)
        offsets = [x + (index - (len(runs) - 1) / 2) * width for x in range(len(labels))]
        bars = ax.bar(offsets, values, width, label=run["name"], color=f"C{index % 10}")
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel("validation loss (nats / token)")
    ax.set_title(f"{report['preset']}, {report['tokens']:,} tokens per run, seed {report['seed']}")
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _result_record(run: AblationRun, result: dict[str, Any], root: str) -> dict[str, Any]:
    """What result.json keeps: the losses, the length and the run's files relative to the ablation folder."""
    return {
        "val_loss": result["val_loss_after"],
        "val_loss_before": result["val_loss_before"],
        "steps": result["steps"],
        "tokens": result["steps"] * run.config["batch_tokens"],
        **{key: _relative(str(result[key]), root) for key in ("checkpoint", "log", "plot")},
    }


def _check_recorded(folder: str, run: AblationRun) -> dict[str, Any] | None:
    """The run folder's recorded config (None: a new run); a different one, or a folder that holds files
    but no run.json, is a UserError: its checkpoint belongs to another run."""
    fs, path = filesystem(folder)
    record = join(folder, RUN_NAME)
    if not _exists(record):
        if fs.exists(path) and fs.ls(path, detail=False):
            raise UserError(
                f"{folder} holds files but no {RUN_NAME}: not an ablation run; move it or pass --force"
            )
        return None
    try:
        recorded = read_json(record)
    except ValueError:
        raise UserError(f"{record}: not valid JSON; remove the run folder or pass --force") from None
    if recorded != run.config:
        changes = _differences(recorded, run.config)
        raise UserError(
            f"{folder} was trained with another config ({'; '.join(changes[:3])}); pass --force to retrain it, "
            f"or use another --output or mixture name"
        )
    return recorded


def _differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Dotted keys whose values differ, as `key: old -> new`."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            found += _differences(old.get(key), new.get(key), f"{where}.{key}" if where else key)
        return found
    return [] if old == new else [f"{where}: {old!r} -> {new!r}"]


def _budget(budget_tokens: int | None, base: Recipe, cfg: TrainConfig) -> int:
    """--budget, else the base recipe's own length, else a one-line error asking for it."""
    if budget_tokens is not None:
        if budget_tokens < 1:
            raise UserError(f"--budget must be at least 1 token, got {budget_tokens}")
        return budget_tokens
    if cfg.max_steps is not None:
        return cfg.max_steps * batch_tokens_for(cfg, cfg.seq_len or base.mixture.seq_len, 1)
    if base.mixture.token_budget is not None:
        return base.mixture.token_budget
    raise UserError("give --budget N (training tokens per run), or a --config whose train.max_steps sets it")


def _manifest_sha256(tokens_dir: str) -> str:
    """The dataset's identity: the shards' manifest holds every shard's sha256."""
    fs, path = filesystem(join(tokens_dir, MANIFEST_NAME))
    with fs.open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _parent(tokens_dir: str) -> str:
    """The tokens folder's parent: a run's output folder when the tokens are `<run>/tokens`."""
    if is_remote(tokens_dir):
        return parent_folder(tokens_dir)
    return str(Path(filesystem(tokens_dir)[1]).resolve().parent)


def _exists(path: str) -> bool:
    fs, resolved = filesystem(path)
    return fs.isfile(resolved)


def _relative(path: str, root: str) -> str:
    """`path` relative to the ablation folder, as the trainer named it (a local path or a URL under it)."""
    if is_remote(root):
        return path[len(root.rstrip("/")) + 1 :]
    return Path(os.path.relpath(path, filesystem(root)[1])).as_posix()


def _plain_json(value: Any) -> Any:
    """As it reads back from run.json (tuples become lists), so a recorded config compares equal."""
    return json.loads(json.dumps(value, sort_keys=True))
