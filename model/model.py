"""The LLaMA-1 transformer, in one file.

References:
1) Touvron et al. 2023, "LLaMA: Open and Efficient Foundation Language Models", arXiv 2302.13971, §2.2.
2) facebookresearch/llama @57b0eb6, llama/model.py: the component structure and every parameter name here
   (tok_embeddings, wq/wk/wv/wo, w1/w2/w3, attention_norm/ffn_norm, norm, output), so our state dict *is*
   Meta's layout.
3) karpathy/nanoGPT model.py and karpathy/llama2.c model.py: a trainable version (full-sequence logits, a loss,
   real-valued RoPE, scaled_dot_product_attention).

What differs from Meta's inference code, and why:
- forward returns logits for every position and, given targets, the loss (Meta returns the last position only).
- RoPE uses real cos/sin tables instead of complex numbers (friendlier to torch.compile), with Meta's pairing:
  dims (2i, 2i+1) rotate together ("interleaved"). Checkpoints record this as rope_layout="interleaved"; the
  Hugging Face exporter permutes wq/wk rows to HF's half-split pairing (see model/checkpoint.py).
- The KV cache is optional and allocated on demand for generation (Meta allocates it in __init__ with .cuda()).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from pipeline.errors import ConfigError

ROPE_LAYOUT = "interleaved"  # Meta's pairing of dims (2i, 2i+1); recorded in every checkpoint we write
INIT_ROWS = 64  # rows per seeded block of the initial weights (see Transformer.init_weights)


@dataclass
class ModelArgs:
    dim: int = 512
    n_layers: int = 8
    n_heads: int = 8
    vocab_size: int = 32000
    multiple_of: int = 256  # SwiGLU hidden size is rounded up to a multiple of this
    norm_eps: float = 1e-6  # LLaMA-1 params.json: 1e-6 for 7B/13B/33B, 1e-5 for 65B
    rope_theta: float = 10000.0
    # Llama-1 context length: the default KV cache length and HF's max_position_embeddings
    max_seq_len: int = 2048

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads

    @property
    def hidden_dim(self) -> int:
        """SwiGLU width: 2/3 of 4*dim (PaLM), rounded up to multiple_of, exactly as Meta computes it."""
        hidden = int(2 * (4 * self.dim) / 3)
        return self.multiple_of * ((hidden + self.multiple_of - 1) // self.multiple_of)

    def validate(self, where: str = "model") -> None:
        if self.dim % self.n_heads:
            raise ConfigError(f"{where}.dim: {self.dim} is not divisible by n_heads={self.n_heads}")
        if self.head_dim % 2:
            raise ConfigError(f"{where}.n_heads: head_dim {self.head_dim} must be even for RoPE")
        for name in ("dim", "n_layers", "n_heads", "vocab_size", "multiple_of", "max_seq_len"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{where}.{name}: must be at least 1, got {getattr(self, name)}")


class RMSNorm(nn.Module):
    """x / rms(x) * weight, with the statistic computed in fp32 even under bf16 autocast (as Meta does)."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x32 = x.float()
        normed = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return normed.type_as(x) * self.weight


def rope_tables(head_dim: int, positions: torch.Tensor, theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of position * frequency, each (T, head_dim/2), in fp32.

    freqs_i = theta^(-2i/head_dim), as in Meta's precompute_freqs_cis, as real tables instead of complex64.
    Computed per forward rather than stored: it costs T * hd/2 multiplies, and a buffer would be cast to bf16
    by model.to(bfloat16) and lose the precision that large positions need.
    """
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=positions.device).float() / head_dim))
    angles = torch.outer(positions.float(), freqs)  # (T, hd/2)
    return angles.cos(), angles.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate each adjacent pair (2i, 2i+1) of x by its position's angle, in fp32.

    x: (B, T, H, hd); cos, sin: (T, hd/2). The same arithmetic as Meta's complex multiply
    (x_re + i x_im) * (cos + i sin).
    """
    xf = x.float().reshape(*x.shape[:-1], -1, 2)  # (B, T, H, hd/2, 2)
    x_re, x_im = xf.unbind(-1)  # (B, T, H, hd/2) each
    cos = cos[None, :, None, :]  # (1, T, 1, hd/2): broadcast over batch and heads
    sin = sin[None, :, None, :]
    out = torch.stack((x_re * cos - x_im * sin, x_re * sin + x_im * cos), dim=-1)  # (B, T, H, hd/2, 2)
    return out.flatten(-2).type_as(x)  # (B, T, H, hd)


class KVCache(nn.Module):
    """Keys and values of the positions seen so far, for one layer; only generation allocates it."""

    def __init__(self, batch_size: int, max_seq_len: int, n_heads: int, head_dim: int, dtype, device):
        super().__init__()
        shape = (batch_size, n_heads, max_seq_len, head_dim)  # (B, H, S, hd): the layout SDPA takes
        self.register_buffer("k", torch.zeros(shape, dtype=dtype, device=device), persistent=False)
        self.register_buffer("v", torch.zeros(shape, dtype=dtype, device=device), persistent=False)

    def update(self, start_pos: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Store k, v (B, H, T, hd) at positions start_pos.. and return all keys/values up to the last one."""
        end = start_pos + k.size(2)
        self.k[: k.size(0), :, start_pos:end] = k
        self.v[: v.size(0), :, start_pos:end] = v
        return self.k[: k.size(0), :, :end], self.v[: v.size(0), :, :end]


class Attention(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.n_heads = args.n_heads
        self.head_dim = args.head_dim
        self.wq = nn.Linear(args.dim, args.n_heads * self.head_dim, bias=False)
        self.wk = nn.Linear(args.dim, args.n_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(args.dim, args.n_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(args.n_heads * self.head_dim, args.dim, bias=False)
        self.cache: KVCache | None = None

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, start_pos: int) -> torch.Tensor:
        B, T, _ = x.shape
        q = self.wq(x).view(B, T, self.n_heads, self.head_dim)  # (B, T, H, hd)
        k = self.wk(x).view(B, T, self.n_heads, self.head_dim)
        v = self.wv(x).view(B, T, self.n_heads, self.head_dim)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)  # v is not rotated
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # (B, H, T, hd)
        if self.cache is None:
            # Training and plain evaluation: the fused causal kernel (flash / memory-efficient on GPU).
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            k, v = self.cache.update(start_pos, k, v)  # (B, H, start_pos + T, hd)
            # is_causal aligns the mask to the top-left corner, which is wrong once the keys include earlier
            # positions; a query at absolute position start_pos + i may see keys 0 .. start_pos + i.
            # A single new token (T == 1) may see every cached key, so it needs no mask at all.
            mask = None
            if T > 1:
                key_pos = torch.arange(k.size(2), device=x.device)
                query_pos = torch.arange(start_pos, start_pos + T, device=x.device)
                mask = key_pos[None, :] <= query_pos[:, None]  # (T, S), True = may attend
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        y = y.transpose(1, 2).reshape(B, T, self.n_heads * self.head_dim)  # (B, T, H * hd)
        return self.wo(y)


class FeedForward(nn.Module):
    """SwiGLU (Shazeer 2020): w2(silu(w1 x) * w3 x), no biases."""

    def __init__(self, dim: int, hidden_dim: int):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden_dim, bias=False)  # gate
        self.w2 = nn.Linear(hidden_dim, dim, bias=False)  # down projection
        self.w3 = nn.Linear(dim, hidden_dim, bias=False)  # up projection

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class TransformerBlock(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.attention = Attention(args)
        self.feed_forward = FeedForward(args.dim, args.hidden_dim)
        self.attention_norm = RMSNorm(args.dim, eps=args.norm_eps)
        self.ffn_norm = RMSNorm(args.dim, eps=args.norm_eps)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, start_pos: int) -> torch.Tensor:
        h = x + self.attention(self.attention_norm(x), cos, sin, start_pos)  # pre-norm residual
        return h + self.feed_forward(self.ffn_norm(h))


class Transformer(nn.Module):
    def __init__(self, args: ModelArgs, seed: int | None = None):
        super().__init__()
        args.validate()
        self.args = args
        self.tok_embeddings = nn.Embedding(args.vocab_size, args.dim)
        self.layers = nn.ModuleList(TransformerBlock(args) for _ in range(args.n_layers))
        self.norm = RMSNorm(args.dim, eps=args.norm_eps)
        self.output = nn.Linear(args.dim, args.vocab_size, bias=False)  # not tied to tok_embeddings (LLaMA)
        # Recompute each block in backward: memory for ~1/3 more compute.
        self.activation_checkpointing = False
        self.init_weights(seed)

    @torch.no_grad()
    def init_weights(self, seed: int | None = None) -> None:
        """Normal(0, 0.02) weights, norms at one; the projections into the residual stream (wo, w2) scaled by
        1/sqrt(2 * n_layers) so the stream's variance does not grow with depth (GPT-2, as nanoGPT does).
        The paper does not state its init; Meta's code only loads weights.

        Every value is a pure function of (seed, parameter name, row): rows are drawn in blocks of INIT_ROWS
        from a generator seeded per block, on the CPU. So a model built on the meta device and sharded (FSDP2)
        fills only its own rows and gets exactly the weights an eager build gets, on any number of processes
        and any device. seed None draws one from torch's global generator (torch.manual_seed picks the model).
        """
        if all(p.device.type == "meta" for p in self.parameters()):
            return  # shapes only: nothing to fill until to_empty() gives the parameters storage
        if seed is None:
            seed = int(torch.randint(0, 2**62, (), generator=torch.default_generator, device="cpu"))
        std = 0.02
        for name, param in self.named_parameters():
            if name.endswith("norm.weight"):
                param.fill_(1.0)
                continue
            scale = (
                std / math.sqrt(2 * self.args.n_layers) if name.endswith(("wo.weight", "w2.weight")) else std
            )
            fill_normal_rows(param, seed, name, scale)

    def forward(
        self, tokens: torch.Tensor, targets: torch.Tensor | None = None, start_pos: int = 0
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """tokens (B, T) -> logits (B, T, vocab) and, given targets (B, T), the mean cross-entropy.

        start_pos is the absolute position of tokens[:, 0]; it is non-zero only while decoding with a KV cache.
        """
        _, T = tokens.shape
        positions = torch.arange(start_pos, start_pos + T, device=tokens.device)
        cos, sin = rope_tables(self.args.head_dim, positions, self.args.rope_theta)  # (T, hd/2) each
        h = self.tok_embeddings(tokens)  # (B, T, dim)
        for layer in self.layers:
            if self.activation_checkpointing and self.training:
                h = checkpoint(layer, h, cos, sin, start_pos, use_reentrant=False)
            else:
                h = layer(h, cos, sin, start_pos)
        h = self.norm(h)
        logits = self.output(h).float()  # (B, T, vocab); fp32 so the softmax is exact under autocast
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))
        return logits, loss

    def setup_cache(self, batch_size: int, max_seq_len: int | None = None) -> None:
        """Allocate a KV cache per layer, on the model's device and in its dtype, for generation."""
        length = max_seq_len or self.args.max_seq_len
        weight = self.output.weight
        for layer in self.layers:
            layer.attention.cache = KVCache(
                batch_size, length, self.args.n_heads, self.args.head_dim, weight.dtype, weight.device
            )

    def clear_cache(self) -> None:
        for layer in self.layers:
            layer.attention.cache = None


def fill_normal_rows(param: torch.Tensor, seed: int, name: str, std: float) -> None:
    """Fill `param` (a tensor, or an FSDP2 DTensor sharded by rows) with Normal(0, std) values that depend only
    on (seed, name, row): block b of INIT_ROWS rows comes from a CPU generator seeded by a hash of all three.
    A shard draws just the blocks its rows fall in."""
    local, first_row = _local_rows(param)  # local: (rows here, ...), first_row: its global row offset
    if local.numel() == 0:
        return
    rows, width = local.shape[0], local[0].numel()
    first_block, last_block = first_row // INIT_ROWS, (first_row + rows - 1) // INIT_ROWS
    for block in range(first_block, last_block + 1):
        digest = hashlib.sha256(f"{seed}/{name}/{block}".encode()).digest()
        generator = torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") >> 1)
        values = torch.randn(INIT_ROWS, width, generator=generator).mul_(std)  # the block's full rows
        start, end = max(first_row, block * INIT_ROWS), min(first_row + rows, (block + 1) * INIT_ROWS)
        piece = values[start - block * INIT_ROWS : end - block * INIT_ROWS]
        local[start - first_row : end - first_row].copy_(piece.view(-1, *local.shape[1:]))


def _local_rows(param: torch.Tensor) -> tuple[torch.Tensor, int]:
    """The rows of `param` this process holds, and the global index of the first."""
    from torch.distributed.tensor import DTensor

    if not isinstance(param.data, DTensor):
        return param.data, 0
    from torch.distributed.tensor._utils import compute_local_shape_and_global_offset

    _, offset = compute_local_shape_and_global_offset(param.shape, param.device_mesh, param.placements)
    return param.data.to_local(), offset[0]


def count_parameters(model: nn.Module, non_embedding: bool = False) -> int:
    """Parameters of the model; non_embedding drops tok_embeddings (a lookup, not a matmul) but keeps the
    untied output head, as torchtitan counts them for MFU."""
    total = sum(p.numel() for p in model.parameters())
    if non_embedding:
        total -= model.tok_embeddings.weight.numel()
    return total
