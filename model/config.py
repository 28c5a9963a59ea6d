"""Model presets and the trainer's config (the recipe's `train:` section).

The paper presets carry LLaMA-1's dimensions (arXiv 2302.13971 Table 2; norm_eps from the v1 params.json:
1e-6 for 7B/13B/33B, 1e-5 for 65B) and its 32000-token vocabulary. The small presets are for tests, the CPU demo
and GPU benchmarks; they take their vocabulary size from the tokenized dataset.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from model.model import ModelArgs
from pipeline.errors import ConfigError

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
    max_steps: int = 1000
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
        for name in ("micro_batch_size", "max_steps", "eval_windows", "log_interval", "checkpoint_interval"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{where}.{name}: must be at least 1, got {getattr(self, name)}")
        for name in ("seq_len", "batch_tokens"):
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
