"""Model FLOPs utilisation, by torchtitan's formula (pytorch/torchtitan @9dec370, torchtitan/utils.py).

flops per token = 6 * N + 12 * L * H * hd * T
  N: parameters without tok_embeddings (a lookup, not a matmul); the untied output head stays in.
  6: a multiply-add is 2 FLOPs, and backward costs twice forward.
  12 * L * H * hd * T: the attention scores and weighted sum (q k^T and a v), forward and backward, at the
  actual sequence length T; causal masking is ignored (as PaLM App. B and torchtitan do), so is recompute.
MFU = flops per token * tokens per second per device / the device's dense bf16 peak.
"""

from __future__ import annotations

import torch

from model.model import ModelArgs

# Dense bf16 peaks (no sparsity), matched against torch.cuda.get_device_name(); the first match wins, so the
# more specific names come first. Sources: NVIDIA data sheets, as torchtitan's get_peak_flops lists them.
PEAK_BF16_FLOPS: list[tuple[str, float]] = [
    ("H200", 989e12),
    ("H100 NVL", 835e12),
    ("H100 PCIe", 756e12),
    ("H100", 989e12),  # SXM (HBM3)
    ("A100", 312e12),
]


def flops_per_token(args: ModelArgs, seq_len: int) -> float:
    """Training FLOPs per token (forward + backward) at sequence length seq_len."""
    attention = 12 * args.n_layers * args.n_heads * args.head_dim * seq_len
    return 6 * non_embedding_params(args) + attention


def non_embedding_params(args: ModelArgs) -> int:
    """N for the formula, from the dimensions alone (no model needed, so FSDP shards need no gathering)."""
    attention = 4 * args.dim * args.dim
    feed_forward = 3 * args.dim * args.hidden_dim
    norms = 2 * args.dim
    return args.n_layers * (attention + feed_forward + norms) + args.dim + args.vocab_size * args.dim


def peak_flops(device: torch.device) -> float | None:
    """The device's dense bf16 peak, or None where MFU is not reported (CPU, unknown GPUs)."""
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    for key, peak in PEAK_BF16_FLOPS:
        if key in name:
            return peak
    return None


def mfu(
    args: ModelArgs, seq_len: int, tokens_per_second_per_device: float, device: torch.device
) -> float | None:
    """Fraction of the device's bf16 peak, or None where the peak is unknown."""
    peak = peak_flops(device)
    if peak is None:
        return None
    return flops_per_token(args, seq_len) * tokens_per_second_per_device / peak
