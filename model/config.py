"""Model presets and the trainer's config (the recipe's `train:` section).

The paper presets carry LLaMA-1's dimensions (arXiv 2302.13971 Table 2; norm_eps from the v1 params.json:
1e-6 for 7B/13B/33B, 1e-5 for 65B) and its 32000-token vocabulary. The small presets are for tests, the CPU demo
and GPU benchmarks; they take their vocabulary size from the tokenized dataset.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from model.model import ModelArgs
from pipeline.config import MixtureConfig, Recipe
from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from tokenization.mixture import MixturePlan

PRESETS: dict[str, ModelArgs] = {
    # paper sizes: 6.7B, 13.0B, 32.5B, 65.2B parameters
    "7B": ModelArgs(dim=4096, n_layers=32, n_heads=32, norm_eps=1e-6),
    "13B": ModelArgs(dim=5120, n_layers=40, n_heads=40, norm_eps=1e-6),
    "33B": ModelArgs(dim=6656, n_layers=60, n_heads=52, norm_eps=1e-6),
    "65B": ModelArgs(dim=8192, n_layers=80, n_heads=64, norm_eps=1e-5),
    # small sizes; multiple_of shrinks with dim so SwiGLU stays near 8/3 * dim instead of rounding up to 256
    "tiny": ModelArgs(dim=64, n_layers=2, n_heads=4, multiple_of=32, max_seq_len=256),
    "small": ModelArgs(dim=768, n_layers=12, n_heads=12, max_seq_len=2048),  # ~110M with a 32k vocabulary
    "1b": ModelArgs(dim=2048, n_layers=18, n_heads=16, max_seq_len=2048),  # ~1.06B with a 32k vocabulary
}
PAPER_PRESETS = ("7B", "13B", "33B", "65B")


def model_args_for(preset: str, vocab_size: int | None = None, max_seq_len: int | None = None) -> ModelArgs:
    """The preset's ModelArgs; small presets take the dataset's vocabulary, paper presets keep 32000."""
    if preset not in PRESETS:
        raise ConfigError(f"train.preset: unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    args = PRESETS[preset]
    changes: dict[str, int] = {}
    if vocab_size is not None and vocab_size != args.vocab_size:
        if preset in PAPER_PRESETS:
            raise ConfigError(
                f"train.preset: {preset} has the paper's {args.vocab_size}-token vocabulary, the dataset has "
                f"{vocab_size}; use a small preset or a dataset tokenized with a {args.vocab_size} vocabulary"
            )
        changes["vocab_size"] = vocab_size
    if max_seq_len is not None and max_seq_len > args.max_seq_len:
        changes["max_seq_len"] = max_seq_len
    return dataclasses.replace(args, **changes)


@dataclass(frozen=True)
class TrainConfig:
    """The recipe's `train:` section. Defaults are the paper's optimiser recipe (§2.2)."""

    preset: str = "tiny"
    seq_len: int | None = None  # tokens per training sequence; default: mixture.seq_len
    micro_batch_size: int = 8  # sequences per forward/backward on each process
    # Tokens per optimizer step over all processes (paper: 4M); default: one micro batch each.
    batch_tokens: int | None = None
    # Optimizer steps; default: the mixture's token_budget (or its epochs' tokens) over batch_tokens, else 1000.
    max_steps: int | None = None
    lr: float = 3.0e-4  # peak; the paper uses 1.5e-4 for 33B and 65B
    min_lr_ratio: float = 0.1  # cosine ends at 10% of the peak
    warmup_steps: int = 2000
    weight_decay: float = 0.1  # on 2-D weights only (matmuls, embeddings); not on norms
    beta1: float = 0.9
    beta2: float = 0.95
    adam_eps: float = 1e-8
    grad_clip: float = 1.0
    eval_interval: int = 500  # steps between validation passes; 0 = only before and after training
    eval_windows: int = 32  # held-out windows per source in each validation pass
    log_interval: int = 10  # steps between log lines (console and JSONL)
    checkpoint_interval: int = 1000  # steps between checkpoints; one is always written at the end
    dtype: str = "auto"  # auto: bfloat16 autocast on CUDA, float32 on CPU
    compile: bool = False  # torch.compile each transformer block
    activation_checkpointing: bool = False
    parallel: str = "ddp"  # under torchrun: ddp (replicated weights) or fsdp (sharded weights, FSDP2)
    export: list[str] = field(default_factory=list)  # also write these layouts at the end: meta, hf

    def validate(self, where: str) -> None:
        if self.preset not in PRESETS:
            raise ConfigError(
                f"{where}.preset: unknown preset {self.preset!r}; expected one of {', '.join(PRESETS)}"
            )
        for name in ("micro_batch_size", "eval_windows", "log_interval", "checkpoint_interval"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{where}.{name}: must be at least 1, got {getattr(self, name)}")
        for name in ("seq_len", "batch_tokens", "max_steps"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"{where}.{name}: must be at least 1, got {value}")
        for name in ("warmup_steps", "eval_interval"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{where}.{name}: must be at least 0, got {getattr(self, name)}")
        for name in ("lr", "grad_clip", "adam_eps"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{where}.{name}: must be positive, got {getattr(self, name)}")
        for name in ("beta1", "beta2"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ConfigError(f"{where}.{name}: must be in [0, 1), got {getattr(self, name)}")
        if not 0.0 <= self.min_lr_ratio <= 1.0:
            raise ConfigError(f"{where}.min_lr_ratio: must be in [0, 1], got {self.min_lr_ratio}")
        if self.weight_decay < 0:
            raise ConfigError(f"{where}.weight_decay: must be at least 0, got {self.weight_decay}")
        if self.dtype not in ("auto", "bfloat16", "float32"):
            raise ConfigError(f"{where}.dtype: expected auto, bfloat16 or float32, got {self.dtype!r}")
        if self.parallel not in ("ddp", "fsdp"):
            raise ConfigError(f"{where}.parallel: expected ddp or fsdp, got {self.parallel!r}")
        for layout in self.export:
            if layout not in ("meta", "hf"):
                raise ConfigError(f"{where}.export: unknown layout {layout!r}; expected meta or hf")


DEFAULT_MAX_STEPS = 1000  # when neither train.max_steps nor the mixture sizes the run


@dataclass(frozen=True)
class TrainingBudget:
    """How long the run trains: the one figure the mixture plan, `mix`, `run` and the trainer all use."""

    steps: int
    batch_tokens: int  # tokens per optimizer step, over all processes
    origin: str  # what set it: train.max_steps, mixture.token_budget, mixture.epochs or the default

    @property
    def tokens(self) -> int:
        return self.steps * self.batch_tokens

    def describe(self) -> str:
        return f"{self.steps:,} steps x {self.batch_tokens:,} tokens = {self.tokens:,} tokens (from {self.origin})"


def batch_tokens_for(cfg: TrainConfig, seq_len: int, processes: int) -> int:
    """train.batch_tokens, or one micro batch on each process."""
    return cfg.batch_tokens or cfg.micro_batch_size * seq_len * processes


def training_budget(
    cfg: TrainConfig, mixture: MixtureConfig, processes: int = 1, epoch_tokens: int | None = None
) -> TrainingBudget:
    """The run's length from whichever of these the recipe sets, in this order:
    train.max_steps (x batch tokens), mixture.token_budget (rounded up to whole steps), the tokens an epochs
    mixture asks for (`epoch_tokens`), or DEFAULT_MAX_STEPS. A recipe that sets both max_steps and
    token_budget must have them agree to within one step; otherwise this is a ConfigError naming both."""
    seq_len = cfg.seq_len or mixture.seq_len
    batch = batch_tokens_for(cfg, seq_len, processes)
    budget = mixture.token_budget
    if cfg.max_steps is not None:
        steps_tokens = cfg.max_steps * batch
        if budget is not None and abs(budget - steps_tokens) >= batch:
            raise ConfigError(
                f"mixture.token_budget {budget:,} and train.max_steps x tokens per step "
                f"({cfg.max_steps:,} x {batch:,} = {steps_tokens:,}) disagree; set one of them (the other "
                f"follows from it) or make them agree"
            )
        return TrainingBudget(cfg.max_steps, batch, "train.max_steps")
    if budget is not None:
        return TrainingBudget(-(-budget // batch), batch, "mixture.token_budget")
    if epoch_tokens is not None:
        return TrainingBudget(max(1, -(-epoch_tokens // batch)), batch, "mixture.epochs")
    return TrainingBudget(DEFAULT_MAX_STEPS, batch, "the default max_steps")


def training_plan(dataset, mixture: MixtureConfig, cfg: TrainConfig, processes: int = 1):
    """(MixturePlan, TrainingBudget): the mixture plan sized by the training budget, as the trainer samples it."""
    from tokenization.mixture import plan_mixture

    epoch_tokens = None
    if cfg.max_steps is None and mixture.token_budget is None and mixture.epochs is not None:
        epoch_tokens = plan_mixture(dataset, mixture).token_budget
    budget = training_budget(cfg, mixture, processes, epoch_tokens)
    return plan_mixture(dataset, mixture, budget.tokens), budget


def recipe_plan(recipe: Recipe, dataset, token_budget: int | None = None) -> tuple[MixturePlan, str]:
    """The recipe's mixture plan and a line saying what sized it: the training budget when the recipe trains
    (for one process: `llama-data train` under torchrun prints its own), else the mixture's own budget or
    `token_budget` (`llama-data mix --token-budget`)."""
    from tokenization.mixture import plan_mixture

    if token_budget is None and (recipe.train or "train" in recipe.stages):
        plan, budget = training_plan(dataset, recipe.mixture, recipe.parse_extension(TrainConfig, "train"))
        return plan, f"training budget: {budget.describe()}"
    plan = plan_mixture(dataset, recipe.mixture, token_budget)
    return plan, f"token budget: {plan.token_budget:,}"
