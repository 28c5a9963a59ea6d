"""Training throughput of our LLaMA against transformers' LlamaForCausalLM, same config and batch, one run.

Both models get the same random weights' shapes, the same token batches, AdamW (fused on CUDA), fp32 master
weights with bf16 autocast when --dtype bfloat16, SDPA attention, and the same loss (next-token cross-entropy
in fp32 over every position). Prints tokens/s for each, the ratio, and on a GPU the MFU (torchtitan's formula
against the device's dense bf16 peak) and peak memory.

    python benchmarks/bench_train.py --preset tiny --vocab-size 2000 --seq-len 256 --batch 8 --steps 10
    python benchmarks/bench_train.py --preset 1b --seq-len 2048 --batch 4 --dtype bfloat16 --device cuda --compile
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.checkpoint import hf_config  # noqa: E402
from model.config import PRESETS  # noqa: E402
from model.flops import flops_per_token, peak_flops  # noqa: E402
from model.model import ModelArgs, Transformer  # noqa: E402


def hf_model(args: ModelArgs, compile_model: bool) -> torch.nn.Module:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(**hf_config(args), attn_implementation="sdpa", use_cache=False)
    model = LlamaForCausalLM(config)
    if compile_model:
        model.compile()
    return model


def ours(args: ModelArgs, compile_model: bool) -> torch.nn.Module:
    model = Transformer(args)
    if compile_model:
        for layer in model.layers:  # as the trainer does: block by block
            layer.compile()
    return model


def loss_of(model: torch.nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    if isinstance(model, Transformer):
        return model(inputs, targets)[1]
    logits = model(input_ids=inputs).logits
    return F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))


def measure(
    build: Callable[[], torch.nn.Module],
    batches: torch.Tensor,
    steps: int,
    warmup: int,
    device: torch.device,
    bf16: bool,
) -> tuple[float, float]:
    """Seconds per training step (forward, backward, clip, AdamW) after warmup, and peak GPU memory in GiB."""
    torch.manual_seed(0)
    with torch.device(device):
        model = build()
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), fused=device.type == "cuda")
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16)

    def step(i: int) -> None:
        window = batches[i % len(batches)].to(device, non_blocking=True)
        with autocast:
            loss = loss_of(model, window[:, :-1], window[:, 1:])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for i in range(warmup):
        step(i)
    _sync(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    start = time.perf_counter()
    for i in range(steps):
        step(warmup + i)
    _sync(device)
    seconds = (time.perf_counter() - start) / steps
    memory = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else float("nan")
    return seconds, memory


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="small", choices=sorted(PRESETS))
    parser.add_argument("--seq-len", type=int, default=512)
    parser.add_argument("--batch", type=int, default=4, help="sequences per step")
    parser.add_argument("--steps", type=int, default=10, help="timed steps")
    parser.add_argument(
        "--warmup", type=int, default=None, help="untimed steps first (default: 2, 5 with --compile)"
    )
    parser.add_argument(
        "--dtype", default=None, choices=["float32", "bfloat16"], help="default: bf16 on CUDA, fp32 on CPU"
    )
    parser.add_argument("--device", default=None, help="default: cuda when available")
    parser.add_argument("--compile", action="store_true", help="torch.compile both models")
    parser.add_argument("--vocab-size", type=int, default=None, help="override the preset's vocabulary")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (torch.set_num_threads)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="alternate the two models this often; report each one's best"
    )
    opts = parser.parse_args()

    device = torch.device(opts.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    bf16 = (opts.dtype or ("bfloat16" if device.type == "cuda" else "float32")) == "bfloat16"
    if opts.threads:
        torch.set_num_threads(opts.threads)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    args = PRESETS[opts.preset]
    args = ModelArgs(
        **{
            **vars(args),
            "vocab_size": opts.vocab_size or args.vocab_size,
            "max_seq_len": max(args.max_seq_len, opts.seq_len),
        }
    )
    warmup = opts.warmup if opts.warmup is not None else (5 if opts.compile else 2)
    generator = torch.Generator().manual_seed(0)
    batches = torch.randint(0, args.vocab_size, (4, opts.batch, opts.seq_len + 1), generator=generator)
    if device.type == "cuda":
        batches = batches.pin_memory()
    tokens_per_step = opts.batch * opts.seq_len
    peak = peak_flops(device) if bf16 else None
    name = (
        torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else f"CPU, {torch.get_num_threads()} threads"
    )
    print(
        f"preset {opts.preset} (dim {args.dim}, {args.n_layers} layers, {args.n_heads} heads, vocab {args.vocab_size}), "
        f"batch {opts.batch} x seq {opts.seq_len} = {tokens_per_step} tokens/step, "
        f"{'bf16 autocast' if bf16 else 'fp32'}{', compiled' if opts.compile else ''}, on {name}; "
        f"{warmup} warmup + {opts.steps} timed steps, best of {opts.rounds} alternating rounds"
    )
    builders = {
        "llama-data": lambda: ours(args, opts.compile),
        "transformers": lambda: hf_model(args, opts.compile),
    }
    # Alternating rounds, best of each: a shared machine's load drifts, and it should not favour either model.
    best: dict[str, tuple[float, float]] = {}
    for _ in range(opts.rounds):
        for label, build in builders.items():
            seconds, memory = measure(build, batches, opts.steps, warmup, device, bf16)
            gc.collect()  # the first model's weights and optimizer state go before the second is built
            if device.type == "cuda":
                torch.cuda.empty_cache()
            if label not in best or seconds < best[label][0]:
                best[label] = (seconds, memory)
    results = {}
    for label, (seconds, memory) in best.items():
        tokens_per_second = tokens_per_step / seconds
        results[label] = tokens_per_second
        line = f"  {label:<13} {tokens_per_second:>12,.0f} tokens/s  {seconds * 1e3:>9.1f} ms/step"
        if peak is not None:
            line += f"  MFU {flops_per_token(args, opts.seq_len) * tokens_per_second / peak:6.1%}"
        if device.type == "cuda":
            line += f"  peak memory {memory:.1f} GiB"
        print(line, flush=True)
    print(f"  ratio llama-data / transformers: {results['llama-data'] / results['transformers']:.2f}x")
    if device.type == "cuda" and not bf16:
        print("  (MFU is reported for bf16 only: the peak table holds dense bf16 figures)")


if __name__ == "__main__":
    main()
