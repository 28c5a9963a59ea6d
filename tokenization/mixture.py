"""Mixture plans: how many tokens each source contributes to a token budget, and how often it repeats.

A mixture gives per-source weights (LLaMA Table 1 by default) or per-source epochs, and a token budget.
- weights: the weights of the sources the dataset has tokens of, renormalised to sum to one (a source the
  dataset lacks is reported as missing, and the others share its weight, exactly as the trainer samples);
  source s gets weight_s x budget tokens, and its epochs are that over its available tokens. Without a budget,
  the budget is the tokens available in the sources with a positive weight.
- epochs: source s gets epochs_s x its tokens; the weights follow from those targets. A budget, when given,
  scales every target to it (the epochs printed are then the resulting ones).
The budget is the trainer's (model/config.py training_budget: train.max_steps x tokens per step, or the
mixture's token_budget, which must agree), so the plan `mix` and `run` print is the one that trains.
The plan warns, never fails: about sources the mixture weights but the dataset lacks, and about sources that
must repeat more than `max_epochs` times. `plan.weights` is what the trainer's sampler takes.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pipeline.config import MixtureConfig
from pipeline.errors import UserError
from pipeline.hashing import unit_fraction
from pipeline.io import filesystem, is_remote
from tokenization.shards import ShardWriter, TokenDataset, remove_dataset_files, write_dataset_manifest

MATERIALIZE_SALT = "materialize"


@dataclass(frozen=True)
class PlanRow:
    source: str
    available_tokens: int
    weight: float  # its share of the samples the trainer draws
    target_tokens: int
    epochs: float | None  # None: the dataset has no tokens of this source
    configured: float | None = None  # the weight the recipe gives it (weights mode), before renormalising


@dataclass
class MixturePlan:
    rows: list[PlanRow]
    token_budget: int
    weights: dict[str, float]  # normalised, positive only: the sampler's weights
    max_epochs: float
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def plan_mixture(
    dataset: TokenDataset, mixture: MixtureConfig, token_budget: int | None = None
) -> MixturePlan:
    """Per source: available tokens (train split), weight, target tokens and the epochs that implies."""
    available = {s: dataset.tokens(s) for s in dataset.sources()}
    budget = token_budget if token_budget is not None else mixture.token_budget
    if budget is not None and budget < 1:
        raise UserError(f"the token budget must be positive, got {budget}")
    warnings = []
    if mixture.epochs is not None:
        targets = {s: e * available.get(s, 0) for s, e in mixture.epochs.items() if e > 0}
        for source in sorted(s for s in targets if s not in available):
            warnings.append(
                f"{source}: the mixture gives it {mixture.epochs[source]:g} epochs but the dataset has no tokens of it"
            )
        total = sum(targets.values())
        if total <= 0:
            raise UserError("none of the sources the mixture gives epochs to has tokens in the dataset")
        weights = {s: t / total for s, t in sorted(targets.items()) if t > 0}
        budget = budget if budget is not None else round(total)
        configured: dict[str, float] = {}
    else:
        configured = {s: w for s, w in sorted(mixture.source_weights().items()) if w > 0}
        present = {s: w for s, w in configured.items() if available.get(s, 0) > 0}
        if not present:
            raise UserError("none of the sources the mixture weights has tokens in the dataset")
        total = sum(present.values())
        weights = {s: w / total for s, w in present.items()}
        if budget is None:
            budget = sum(available[s] for s in weights)
        for source in sorted(set(configured) - set(present)):
            warnings.append(
                f"{source}: weight {configured[source]:.1%} but the dataset has no tokens of it; left out, and the "
                f"others renormalised to share its weight"
            )
    rows = []
    for source in sorted(set(weights) | set(available) | set(configured)):
        weight = weights.get(source, 0.0)
        target = round(weight * budget)
        tokens = available.get(source, 0)
        epochs = target / tokens if tokens else None
        rows.append(PlanRow(source, tokens, weight, target, epochs, configured.get(source)))
        if epochs is not None and epochs > mixture.max_epochs:
            warnings.append(
                f"{source}: must repeat {epochs:.2f} times, more than max_epochs {mixture.max_epochs:g}"
            )
    return MixturePlan(rows, int(budget), weights, mixture.max_epochs, warnings)


def format_plan(plan: MixturePlan) -> str:
    """The plan as a table (the recipe's weight beside the one sampled), then its warnings, one a line."""
    lines = [f"{'source':<14} {'available':>15} {'recipe':>8} {'sampled':>8} {'target':>15} {'epochs':>8}"]
    for row in plan.rows:
        epochs = f"{row.epochs:.2f}" if row.epochs is not None else "missing"
        recipe = f"{row.configured:.2%}" if row.configured is not None else "-"
        lines.append(
            f"{row.source:<14} {row.available_tokens:>15,} {recipe:>8} {row.weight:>8.2%} "
            f"{row.target_tokens:>15,} {epochs:>8}"
        )
    available = sum(r.available_tokens for r in plan.rows)
    lines.append(
        f"{'total':<14} {available:>15,} {'':>8} {sum(plan.weights.values()):>8.2%} {plan.token_budget:>15,}"
    )
    lines.extend(f"warning: {w}" for w in plan.warnings)
    return "\n".join(lines)


def materialize_mixture(
    dataset: TokenDataset, plan: MixturePlan, output_dir: str, seed: int, shard_tokens: int
) -> dict:
    """Write the plan as a frozen dataset: each source's documents repeated for its epochs, in new shards.

    Whole epochs repeat every document in stored order; the fractional epoch takes the documents whose seeded
    hash is below the fraction. Validation shards are copied as they are. Returns the new manifest.
    `output_dir` may be a URL: shards stream there through fsspec (a remote dataset is read via the cache).
    """
    if _same_folder(output_dir, dataset.directory):
        raise UserError("--materialize needs a folder other than the dataset's own")
    remove_dataset_files(output_dir)
    entries = []
    for row in plan.rows:
        if row.epochs is None:
            continue
        if row.weight > 0:
            selected = _epoch_documents(dataset, row.source, row.epochs, seed)
            entries += _write_documents(dataset, output_dir, row.source, "train", selected, shard_tokens)
        if dataset.tokens(row.source, "validation"):
            entries += _write_documents(
                dataset,
                output_dir,
                row.source,
                "validation",
                dataset.iter_documents(row.source, "validation"),
                shard_tokens,
            )
    totals = {e["source"]: 0 for e in entries if e["split"] == "train"}
    for entry in entries:
        if entry["split"] == "train":
            totals[entry["source"]] += entry["tokens"]
    grand_total = sum(totals.values())
    manifest = write_dataset_manifest(
        output_dir,
        tokenizer=dataset.tokenizer,
        tokenizer_sha256=dataset.tokenizer_sha256,
        vocab_size=dataset.vocab_size,
        bos_id=dataset.bos_id,
        eos_id=dataset.eos_id,
        token_size=dataset.token_size,
        shards=entries,
        extra={
            "materialized_from": dataset.directory,
            "seed": seed,
            "plan": plan.to_json(),
            "weights": {s: t / grand_total for s, t in sorted(totals.items())} if grand_total else {},
        },
    )
    if is_remote(output_dir):
        return manifest  # re-opening would download the whole new dataset just to check our own writer
    return TokenDataset.open(output_dir, verify=False).manifest


def _epoch_documents(dataset: TokenDataset, source: str, epochs: float, seed: int):
    whole = math.floor(epochs)
    fraction = epochs - whole
    for epoch in range(math.ceil(epochs)):
        for shard in dataset.shards(source):
            tokens = dataset.token_array(shard)
            start = 0
            for number, end in enumerate(shard.document_ends().tolist()):
                if epoch < whole or unit_fraction(seed, MATERIALIZE_SALT, shard.file, number) < fraction:
                    yield np.asarray(tokens[start:end])
                start = end


def _write_documents(
    dataset: TokenDataset, directory: str, source: str, split: str, documents, shard_tokens: int
) -> list[dict]:
    entries: list[dict] = []
    writer: ShardWriter | None = None
    for document in documents:
        if writer is None:
            writer = ShardWriter(
                directory, f"{source}-{split}-{len(entries):05d}", dataset.token_size, dataset.vocab_size
            )
        writer.add_document(document)
        if writer.tokens >= shard_tokens:
            entries.append({**writer.close(), "source": source, "split": split})
            writer = None
    if writer is not None:
        entries.append({**writer.close(), "source": source, "split": split})
    return entries


def _same_folder(one: str, other: str) -> bool:
    """Same filesystem and same path: memory://x and a local /x are different folders."""
    (fs_one, path_one), (fs_other, path_other) = filesystem(one), filesystem(other)
    return _protocol(fs_one) == _protocol(fs_other) and path_one.rstrip("/") == path_other.rstrip("/")


def _protocol(fs) -> str:
    return fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
