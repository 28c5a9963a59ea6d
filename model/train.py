"""Train the bundled LLaMA model on a mixture of token shards: `llama-data train`, or train_from_recipe().

The paper's optimiser recipe (arXiv 2302.13971 §2.2): AdamW (0.9, 0.95), weight decay 0.1, gradient clipping
1.0, 2000 warmup steps, cosine decay to 10% of the peak LR. Gradient accumulation reaches train.batch_tokens;
bf16 autocast on CUDA (fp32 master weights), fp32 on CPU.

One process just works; under torchrun (RANK, WORLD_SIZE, LOCAL_RANK) each rank reads a disjoint slice of
the sample indices and the weights are replicated (DDP) or sharded (FSDP2, train.parallel: fsdp):
    torchrun --standalone --nproc_per_node=8 -m pipeline.cli train --config configs/llama.yaml --tokens DIR

The model is built on the meta device and each rank materialises only its own shards (FSDP2) or its replica:
no rank ever holds more of the model than it trains with. Initial weights are a pure function of the seed and
each parameter's name (model/model.py), so every process count starts from the same model.

Checkpoints are torch.distributed.checkpoint folders (model/sharded.py): each rank saves and loads its own
shards, so no rank gathers the full state, and a checkpoint written by N processes resumes on M.

Resume: the sampler is a pure function of the sample index, so the checkpoint's step and sample index (plus
model, optimizer and RNG states) are the whole training state; N straight steps equal N/2 + resume + N/2, and
a resume under another process count continues at the recorded sample. Python's, NumPy's and torch's
generators are seeded from the recipe's seed, so identical runs write byte-identical checkpoints. A resumed run
reads like one uninterrupted run: its summary's "before" loss is the one recorded at step 0 (kept in the
checkpoint), and the log is cut back to the checkpoint's step before training continues.

The log (train_log.jsonl) gets one unbuffered write of a whole line per record and an fsync before each
checkpoint, so a crash can tear only its last line, which reading skips.

Remote output (any fsspec URL): training runs in a local working folder under the cache root
(tokenization/cache.py, `train/<url key>/`), seeded with the URL's latest checkpoint and log when resuming; the
checkpoint and log are uploaded after every checkpoint write (each machine uploads the files its ranks wrote,
then rank 0 the LATEST pointer), and the log, plot and exports at the end, each file to a temporary name and then
renamed, so the URL never holds a half-written file. Several machines writing one local path need it shared.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch.distributed.checkpoint.state_dict import StateDictOptions, get_state_dict, set_state_dict
from tqdm import tqdm

from model.checkpoint import (
    CHECKPOINT_NAME,
    capture_rng_state,
    export_hf,
    export_meta,
    load_checkpoint,
    open_checkpoint,
    restore_rng_state,
)
from model.config import TrainConfig, model_args_for, training_plan
from model.data import MixtureBatches, to_device, validation_sets
from model.flops import mfu
from model.model import ModelArgs, Transformer
from model.sharded import (
    CHECKPOINTS_DIR,
    LATEST_NAME,
    latest_checkpoint,
    load_sharded,
    read_train_state,
    save_sharded,
)
from pipeline.config import Recipe, load_recipe
from pipeline.errors import ConfigError, UserError
from pipeline.io import copy_atomic, filesystem, is_remote, join, write_atomic
from tokenization.cache import cache_folder, resolve_local
from tokenization.sampler import MixtureSampler
from tokenization.shards import TokenDataset

LOG_NAME = "train_log.jsonl"
PLOT_NAME = "loss.png"


def main(args: Any, beam_args: list[str]) -> int:
    """`llama-data train` (beam_args is always empty: cli.py refuses unknown options for this command).

    Defaults follow `llama-data run --output out/<recipe name>` (what `make run` does): tokens from
    out/<name>/tokens, checkpoints and logs to out/<name>/train/cli (beside the run folders of the train stage)."""
    if args.max_steps is not None and args.max_steps < 1:
        raise UserError(f"--max-steps must be at least 1, got {args.max_steps}")
    recipe = load_recipe(args.config)
    tokens = args.tokens or os.path.join("out", recipe.name, "tokens")
    output = args.output or os.path.join("out", recipe.name, "train", "cli")
    train_from_recipe(
        recipe, tokens, output, resume=args.resume, max_steps=args.max_steps, device=args.device
    )
    return 0


@dataclass(frozen=True)
class Distributed:
    rank: int = 0
    local_rank: int = 0
    world_size: int = 1
    owns_group: bool = False  # whether we created the process group (and so destroy it)

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def setup_distributed(device_name: str | None) -> tuple[Distributed, torch.device]:
    """Read torchrun's environment; a single process needs no process group at all."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device_name is None:
        device_name = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        device = torch.device(device_name)
    except RuntimeError:
        raise UserError(f"--device {device_name}: not a device name (cpu, cuda, cuda:1 ...)") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise UserError(f"--device {device_name}: CUDA is not available here; use --device cpu")
        if device.index is None:  # under torchrun each rank takes the GPU of its local rank
            device = torch.device("cuda", local_rank if world_size > 1 else torch.cuda.current_device())
        torch.cuda.set_device(device)
    if world_size == 1:
        return Distributed(), device
    owns = not dist.is_initialized()
    if owns:
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return Distributed(dist.get_rank(), local_rank, dist.get_world_size(), owns), device


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warmup over warmup_steps, then cosine from the peak to min_lr_ratio * peak at max_steps."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    decay_steps = max(1, cfg.max_steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / decay_steps)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + 0.5 * (1.0 + math.cos(math.pi * progress)) * (cfg.lr - floor)


def configure_optimizer(model: torch.nn.Module, cfg: TrainConfig, device: torch.device) -> torch.optim.AdamW:
    """AdamW with weight decay on 2-D tensors only (matmul weights and embeddings), not on RMSNorm gains."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    # The fused CUDA kernel updates every parameter in one launch; CPU uses the default (foreach) path.
    return torch.optim.AdamW(
        groups, lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), eps=cfg.adam_eps, fused=device.type == "cuda"
    )


def train_from_recipe(
    recipe: Recipe,
    tokens_dir: str,
    output_dir: str,
    resume: bool = False,
    max_steps: int | None = None,
    device: str | None = None,
) -> dict[str, Any]:
    """Train per the recipe's `train:` section; returns the validation losses per source before and after,
    the steps done and the paths of the checkpoint, the JSONL log and the loss plot (URLs for a remote output).
    `tokens_dir` and `output_dir` may be local paths or fsspec URLs."""
    cfg: TrainConfig = recipe.parse_extension(TrainConfig, "train")
    dist_info, dev = setup_distributed(device)
    try:
        return _train(recipe, cfg, str(tokens_dir), str(output_dir), resume, max_steps, dist_info, dev)
    finally:
        if dist_info.owns_group:
            dist.destroy_process_group()


class RunFolder:
    """Where the trainer writes (`local`) and where its files are to be found (`url`).

    For a local output both are that folder. For a remote one, `local` is a working folder in the cache keyed
    by the URL, emptied at the start (the URL is the truth) and seeded with the URL's checkpoint and log when
    resuming; `upload` copies files to the URL, each to a temporary name then renamed."""

    def __init__(self, url: str, local: Path, remote: bool):
        self.url, self.local, self.remote = url, local, remote

    @classmethod
    def prepare(cls, output_dir: str, resume: bool, world: Distributed) -> RunFolder:
        if not is_remote(output_dir):
            local = Path(resolve_local(output_dir))
            local.mkdir(parents=True, exist_ok=True)
            return cls(output_dir, local, remote=False)
        run = cls(output_dir, cache_folder("train", output_dir), remote=True)
        fs, _ = filesystem(output_dir)
        pointer = run._remote_path(f"{CHECKPOINTS_DIR}/{LATEST_NAME}")
        legacy = run._remote_path(CHECKPOINT_NAME)
        has_checkpoint = fs.isfile(pointer) or fs.isfile(
            legacy
        )  # every rank asks, so every rank raises alike
        if has_checkpoint and not resume:
            raise UserError(
                f"{output_dir} already holds a checkpoint; pass --resume to continue it or choose another --output"
            )
        if world.local_rank == 0:  # one process per machine prepares its working folder
            shutil.rmtree(run.local, ignore_errors=True)
            run.local.mkdir(parents=True, exist_ok=True)
            wanted = [LOG_NAME, CHECKPOINT_NAME]
            if resume and fs.isfile(pointer):
                with fs.open(pointer, "r") as handle:
                    step = handle.read().strip()
                folder = run._remote_path(f"{CHECKPOINTS_DIR}/{step}")
                names = [entry.rstrip("/").rsplit("/", 1)[-1] for entry in fs.ls(folder, detail=False)]
                wanted += [f"{CHECKPOINTS_DIR}/{step}/{name}" for name in names]
                wanted.append(f"{CHECKPOINTS_DIR}/{LATEST_NAME}")  # last: it names a folder already fetched
            for name in wanted if resume else ():
                if fs.isfile(run._remote_path(name)):
                    (run.local / name).parent.mkdir(parents=True, exist_ok=True)
                    fs.get_file(run._remote_path(name), str(run.local / name))
        world_barrier(world)
        return run

    def name(self, relative: str) -> str:
        """What to report for a file of the run: its local path, or its URL for a remote output."""
        return join(self.url, relative) if self.remote else str(self.local / relative)

    def upload(self, *relatives: str) -> None:
        """Copy these files (or every file of these folders) to the URL; a no-op for a local output."""
        if not self.remote:
            return
        fs, _ = filesystem(self.url)
        for relative in relatives:
            source = self.local / relative
            files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
            for file in files:
                if not file.is_file():
                    continue
                copy_atomic(str(file), join(self.url, file.relative_to(self.local).as_posix()))

    def upload_checkpoint(self, folder: Path, world: Distributed) -> None:
        """Upload a checkpoint just written: each machine its ranks' files, then rank 0 the LATEST pointer
        (so the URL names only complete checkpoints), and rank 0 removes the URL's older checkpoints."""
        if not self.remote:
            return
        if world.local_rank == 0:
            self.upload(str(folder.relative_to(self.local)))
        world_barrier(world)
        if world.is_main:
            self.upload(LOG_NAME, f"{CHECKPOINTS_DIR}/{LATEST_NAME}")
            fs, _ = filesystem(self.url)
            root = self._remote_path(CHECKPOINTS_DIR)
            for entry in fs.ls(root, detail=False):
                name = entry.rstrip("/").rsplit("/", 1)[-1]
                if name not in (folder.name, LATEST_NAME) and fs.isdir(entry):
                    fs.rm(entry, recursive=True)

    def _remote_path(self, relative: str) -> str:
        return f"{filesystem(self.url)[1].rstrip('/')}/{relative}"


def _train(
    recipe: Recipe,
    cfg: TrainConfig,
    tokens_dir: str,
    output_dir: str,
    resume: bool,
    max_steps: int | None,
    world: Distributed,
    device: torch.device,
) -> dict[str, Any]:
    say = _printer(world)
    dataset = TokenDataset.open(str(tokens_dir))
    seq_len = cfg.seq_len or recipe.mixture.seq_len
    args = model_args_for(cfg.preset, vocab_size=dataset.vocab_size, max_seq_len=seq_len)
    # One budget: the plan the mix stage printed, sized by these steps and this batch (model/config.py).
    plan, budget = training_plan(dataset, recipe.mixture, cfg, world.world_size)
    cfg = dataclasses.replace(cfg, max_steps=budget.steps)
    weights = plan.weights
    for warning in plan.warnings:
        say(f"mixture: {warning}")
    say(f"training budget: {budget.describe()}")
    if world.world_size > 1 and cfg.batch_tokens is None:
        say(
            f"train.batch_tokens is unset, so a step is one micro batch on each of the {world.world_size} "
            f"processes: {budget.tokens:,} tokens, not the one-process plan `mix` and `run` print; set "
            f"train.batch_tokens to keep the batch and the budget whatever the process count"
        )
    say(f"mixture over {tokens_dir}: " + ", ".join(f"{s} {w:.3f}" for s, w in weights.items()))

    tokens_per_micro_step = cfg.micro_batch_size * seq_len * world.world_size
    batch_tokens = budget.batch_tokens
    if batch_tokens % tokens_per_micro_step:
        raise ConfigError(
            f"train.batch_tokens: {batch_tokens} is not a multiple of micro_batch_size * seq_len * processes "
            f"= {cfg.micro_batch_size} * {seq_len} * {world.world_size} = {tokens_per_micro_step}"
        )
    grad_accum = batch_tokens // tokens_per_micro_step
    stop_step = min(cfg.max_steps, max_steps) if max_steps is not None else cfg.max_steps
    use_bf16 = cfg.dtype == "bfloat16" or (cfg.dtype == "auto" and device.type == "cuda")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True  # fp32 matmuls outside autocast use TF32 tensor cores
        torch.backends.cudnn.allow_tf32 = True

    seed_everything(recipe.seed)  # the generators whose states every checkpoint records
    model = build_model(args, cfg, world, device, recipe.seed)
    optimizer = configure_optimizer(model, cfg, device)

    run = RunFolder.prepare(output_dir, resume, world)
    output = run.local
    log_path = output / LOG_NAME
    found = latest_checkpoint(output)
    legacy = output / CHECKPOINT_NAME if found is None and (output / CHECKPOINT_NAME).is_file() else None
    restored = resume and (found is not None or legacy is not None)
    start_step, start_sample, val_before = 0, 0, None
    if restored:
        where = run.name(str((found or legacy).relative_to(output)))
        payload = _restore(found or legacy, model, optimizer, args, dataset, where)
        start_step, val_before = int(payload["step"]), _recorded_start_loss(payload, log_path)
        start_sample = int(payload["sample_index"])
        say(f"resumed from {where} at step {start_step}, sample {start_sample:,}")
    elif resume:
        say(f"no checkpoint in {output_dir}; starting from scratch")
    elif found is not None or legacy is not None:
        raise UserError(
            f"{output_dir} already holds a checkpoint; pass --resume to continue it or choose another --output"
        )
    if world.is_main:
        _restart_log(log_path, start_step if restored else None)
    world_barrier(world)

    sampler = MixtureSampler(dataset, weights, seq_len=seq_len, seed=recipe.seed, split="train")
    batches = MixtureBatches(
        sampler,
        cfg.micro_batch_size,
        grad_accum,
        world.rank,
        world.world_size,
        device,
        start_step,
        start_sample,
    )
    val_sets = validation_sets(dataset, seq_len, cfg.eval_windows)
    if not val_sets:
        say("no source has a validation split of at least one window: validation loss is not reported")
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16)
    n_params = sum(p.numel() for p in model.parameters())  # FSDP's DTensors report their global size
    say(
        f"model {cfg.preset}: {n_params / 1e6:.2f}M parameters, dim {args.dim}, {args.n_layers} layers, vocab "
        f"{args.vocab_size}; {batch_tokens} tokens per step ({cfg.micro_batch_size} x {seq_len} x "
        f"{world.world_size} processes x {grad_accum} accumulation), {'bf16 autocast' if use_bf16 else 'fp32'} on "
        f"{device}; steps {start_step} -> {stop_step} of {cfg.max_steps}"
    )

    if val_before is None:  # a fresh run (or an old checkpoint and no log): measure where it starts
        val_before = evaluate(model, val_sets, cfg.micro_batch_size, device, autocast)
        _append_log(world, log_path, {"step": start_step, "val_loss": val_before})
    say("validation loss before: " + _format_losses(val_before))

    model.train()
    # A progress bar on a terminal; plain log lines when the output goes to a file or a CI log.
    show_bar = world.is_main and sys.stderr.isatty()
    progress = tqdm(total=stop_step, initial=start_step, disable=not show_bar, mininterval=1.0, unit="step")
    last_log_time, last_log_step = time.perf_counter(), start_step
    val_after: dict[str, float] | None = None  # set by the evaluation at the stop step
    for step in range(start_step, stop_step):
        lr = lr_at(step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss_sum = torch.zeros((), device=device)
        for micro_step in range(grad_accum):
            inputs, targets = batches.get(step, micro_step)
            # Gradients are all-reduced (DDP) or reduce-scattered (FSDP) only on the last micro step.
            _set_grad_sync(model, micro_step == grad_accum - 1)
            with autocast:
                _, loss = model(inputs, targets)
            (loss / grad_accum).backward()
            loss_sum += loss.detach()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        done = step + 1
        progress.update(1)

        if done % cfg.log_interval == 0 or done == stop_step:
            loss_value = _mean_over_ranks(loss_sum / grad_accum, world)
            now = time.perf_counter()
            tokens_per_second = (done - last_log_step) * batch_tokens / (now - last_log_time)
            per_device = tokens_per_second / world.world_size
            utilisation = mfu(args, seq_len, per_device, device) if use_bf16 else None
            record = {
                "step": done,
                "loss": loss_value,
                "lr": lr,
                "grad_norm": float(_full_tensor(grad_norm)),
                "sample_index": batches.sample_index(done),  # samples read so far, over all processes
                "tokens": batches.sample_index(done) * seq_len,
                "tokens_per_second": tokens_per_second,
                "tokens_per_second_per_device": per_device,
                "mfu": utilisation,
            }
            _append_log(world, log_path, record)
            postfix = f"loss {loss_value:.4f} lr {lr:.2e} {per_device:,.0f} tok/s/device"
            postfix += f" MFU {utilisation:.1%}" if utilisation is not None else ""
            if show_bar:
                progress.set_postfix_str(postfix)
            else:
                say(f"step {done}/{stop_step}: {postfix}")
            last_log_time, last_log_step = time.perf_counter(), done

        paused = time.perf_counter()  # evaluation and checkpoints do not count towards tokens/s
        if done == stop_step or (cfg.eval_interval and done % cfg.eval_interval == 0):
            val_after = evaluate(model, val_sets, cfg.micro_batch_size, device, autocast)
            _append_log(world, log_path, {"step": done, "val_loss": val_after})
            if done != stop_step:
                progress.write(f"step {done}: validation loss " + _format_losses(val_after))
            model.train()
        if done == stop_step or done % cfg.checkpoint_interval == 0:
            checkpoint = _save(
                run, model, optimizer, done, batches, args, cfg, recipe, dataset, world, val_before
            )
        last_log_time += time.perf_counter() - paused
    progress.close()
    if val_after is None:  # resumed at (or past) the stop: nothing trained, the checkpoint's model as it is
        val_after = evaluate(model, val_sets, cfg.micro_batch_size, device, autocast)
        checkpoint = found or legacy

    say("validation loss after:  " + _format_losses(val_after))
    plot_path = output / PLOT_NAME
    checkpoint_name = run.name(checkpoint.relative_to(output).as_posix())
    if world.is_main:
        plot_losses(log_path, plot_path)
        run.upload(LOG_NAME, PLOT_NAME)
        say(f"checkpoint {checkpoint_name}, log {run.name(LOG_NAME)}, plot {run.name(PLOT_NAME)}")
    if cfg.export and world.is_main:
        _export(checkpoint, cfg, args, dataset, run, say)
    world_barrier(world)
    return {
        "val_loss_before": val_before,
        "val_loss_after": val_after,
        "steps": max(start_step, stop_step),
        "checkpoint": checkpoint_name,
        "log": run.name(LOG_NAME),
        "plot": run.name(PLOT_NAME),
    }


def build_model(
    args: ModelArgs, cfg: TrainConfig, world: Distributed, device: torch.device, seed: int
) -> torch.nn.Module:
    """The model, built on the meta device and materialised where it trains.

    One process: allocated on `device`, then initialised. Under torchrun, DDP replicates it (each rank allocates
    and initialises the same full model, then DDP wraps it); FSDP2 shards it while it is still on the meta
    device, so each rank allocates and initialises only its own rows of every parameter. The initial weights
    are the same in all three cases (Transformer.init_weights is a pure function of seed, name and row)."""
    with torch.device("meta"):
        model = Transformer(args, seed=seed)  # shapes only: nothing is allocated
    model.activation_checkpointing = cfg.activation_checkpointing
    if cfg.compile:
        # Compiling block by block keeps parameter names unchanged (no `_orig_mod.` prefix in checkpoints),
        # and is the granularity FSDP2 shards at.
        for layer in model.layers:
            layer.compile()
    if world.world_size > 1 and cfg.parallel == "fsdp":
        from torch.distributed.fsdp import fully_shard

        for layer in model.layers:  # each block's parameters are all-gathered just in time for it
            fully_shard(layer)
        fully_shard(model)
    model.to_empty(device=device)
    model.init_weights(seed)
    if world.world_size > 1 and cfg.parallel == "ddp":
        from torch.nn.parallel import DistributedDataParallel

        return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    return model


def _set_grad_sync(model: torch.nn.Module, enabled: bool) -> None:
    if hasattr(model, "require_backward_grad_sync"):  # DDP: the flag its no_sync() context toggles
        model.require_backward_grad_sync = enabled
    elif hasattr(model, "set_requires_gradient_sync"):  # FSDP2
        model.set_requires_gradient_sync(enabled)


def _full_tensor(value: torch.Tensor) -> torch.Tensor:
    """FSDP2's grad norm is a DTensor; gather it to a plain tensor."""
    return value.full_tensor() if hasattr(value, "full_tensor") else value


def _mean_over_ranks(value: torch.Tensor, world: Distributed) -> float:
    if world.world_size > 1:
        value = value.clone()
        dist.all_reduce(value, op=dist.ReduceOp.SUM)
        value /= world.world_size
    return float(value)


def world_barrier(world: Distributed) -> None:
    if world.world_size > 1:
        dist.barrier()


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    val_sets: dict[str, torch.Tensor],
    batch_size: int,
    device: torch.device,
    autocast: Any,
) -> dict[str, float]:
    """Mean next-token loss per source on its held-out windows.

    Every rank evaluates every window: FSDP needs all ranks in each forward (its all-gathers), and the
    evaluation set is small, so the duplicated work is the price of needing no reduction and no uneven batches.
    """
    model.eval()
    losses = {}
    for source, windows in val_sets.items():
        total, count = 0.0, 0
        for start in range(0, len(windows), batch_size):
            inputs, targets = to_device(windows[start : start + batch_size], device)
            with autocast:
                _, loss = model(inputs, targets)
            total += float(loss) * inputs.size(0)
            count += inputs.size(0)
        losses[source] = total / count
    return losses


def _save(
    run: RunFolder,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    step: int,
    batches: MixtureBatches,
    args: ModelArgs,
    cfg: TrainConfig,
    recipe: Recipe,
    dataset: TokenDataset,
    world: Distributed,
    val_before: dict[str, float],
) -> Path:
    """A sharded checkpoint of this step (every rank writes its own shards; nothing is gathered); returns it.
    Optimizer state is keyed by parameter name, so any process count can load it."""
    model_state, optim_state = get_state_dict(model, optimizer)
    if world.is_main:
        _sync_log(run.local / LOG_NAME)  # durable before the checkpoint that a resume cuts the log back to
    folder = save_sharded(
        run.local,
        step,
        model_state,
        optim_state,
        {
            "model_args": dataclasses.asdict(args),
            "sample_index": batches.sample_index(step),
            "rng": capture_rng_state(),
            "seed": recipe.seed,
            "val_loss_before": val_before,
            "train_config": dataclasses.asdict(cfg),
            "world_size": world.world_size,
            "tokenizer": _tokenizer_path(dataset),
            "tokenizer_sha256": dataset.tokenizer_sha256,
            "bos_id": dataset.bos_id,
            "eos_id": dataset.eos_id,
        },
    )
    # The log first: a resume truncates it to the checkpoint's step, so a log ahead of it is harmless.
    run.upload_checkpoint(folder, world)
    return folder


def _check_compatible(payload: dict[str, Any], args: ModelArgs, dataset: TokenDataset, name: str) -> None:
    if payload.get("tokenizer_sha256") != dataset.tokenizer_sha256:
        raise UserError(f"{name}: trained with a different tokenizer than the dataset's (sha256 differs)")
    if payload["model_args"] != dataclasses.asdict(args):
        raise UserError(
            f"{name}: model {payload['model_args']} differs from the configured {dataclasses.asdict(args)}"
        )


def _restore(
    path: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    args: ModelArgs,
    dataset: TokenDataset,
    name: str,
) -> dict[str, Any]:
    """Load a checkpoint into model and optimizer and return its train state; errors name it as `name`.

    A sharded checkpoint folder: each rank reads the pieces of its own shards. A checkpoint.pt (full states in one
    file, as runs before sharded checkpoints wrote them): every rank reads it and keeps its shards."""
    if path.is_dir():
        payload = read_train_state(path)
        _check_compatible(payload, args, dataset, name)
        model_state, optim_state = get_state_dict(model, optimizer)
        load_sharded(path, model_state, optim_state)
        options = None
    else:
        payload = load_checkpoint(path)
        _check_compatible(payload, args, dataset, name)
        model_state, optim_state = payload["model"], payload["optimizer"]
        options = StateDictOptions(full_state_dict=True)
    set_state_dict(
        model, optimizer, model_state_dict=model_state, optim_state_dict=optim_state, options=options
    )
    restore_rng_state(payload["rng"])
    return payload


def _recorded_start_loss(payload: dict[str, Any], log_path: Path) -> dict[str, float] | None:
    """The validation loss the run recorded at step 0: in the checkpoint, or for a checkpoint written before it
    was kept there, the log's step-0 record; None when neither has it. Every rank reads the same files, so all
    agree on whether to evaluate (an FSDP evaluation needs every rank)."""
    if payload.get("val_loss_before") is not None:
        return payload["val_loss_before"]
    if not log_path.is_file():
        return None
    return next((r["val_loss"] for r in read_log(log_path) if r["step"] == 0 and "val_loss" in r), None)


def _export(checkpoint: Path, cfg: TrainConfig, args: ModelArgs, dataset: TokenDataset, run: RunFolder, say):
    """train.export: Meta's and HF's layouts, streamed tensor by tensor from the final checkpoint (rank 0)."""
    _, source, _ = open_checkpoint(checkpoint)  # a sharded one is read tensor by tensor
    tokenizer = _tokenizer_path(dataset)
    tokenizer = tokenizer if tokenizer and Path(tokenizer).is_file() else None
    if tokenizer is None:
        say(f"the dataset's tokenizer ({dataset.tokenizer!r}) is not a file here: exports carry no tokenizer")
    if "meta" in cfg.export:
        export_meta(source, args, run.local / "meta", tokenizer=tokenizer)
        run.upload("meta")
        say(f"exported Meta layout to {run.name('meta')}")
    if "hf" in cfg.export:
        export_hf(source, args, run.local / "hf", dataset.bos_id, dataset.eos_id, tokenizer=tokenizer)
        run.upload("hf")
        say(f"exported Hugging Face layout to {run.name('hf')}")


def _tokenizer_path(dataset: TokenDataset) -> str:
    """The manifest's tokenizer as an absolute path when it can be found (relative to the working folder or
    to the dataset), so generate finds it from anywhere; else as recorded."""
    recorded = Path(dataset.tokenizer)
    beside = [] if is_remote(dataset.directory) else [Path(resolve_local(dataset.directory)) / recorded]
    for candidate in (recorded, *beside):
        if dataset.tokenizer and candidate.is_file():
            return str(candidate.resolve())
    return dataset.tokenizer


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global generators (CUDA's too) from the recipe's seed: their states
    go into every checkpoint, so unseeded ones made identical runs write different files. A resume then restores
    the checkpoint's states."""
    random.seed(seed)
    np.random.seed([seed & 0xFFFFFFFF, seed >> 32])  # NumPy's legacy seeder takes 32-bit words; seeds have 64
    torch.manual_seed(seed)


def _printer(world: Distributed):
    def say(message: str) -> None:
        if world.is_main:
            tqdm.write(message)

    return say


def _format_losses(losses: dict[str, float]) -> str:
    return ", ".join(f"{source} {loss:.4f}" for source, loss in losses.items()) or "(no validation data)"


def _append_log(world: Distributed, path: Path, record: dict[str, Any]) -> None:
    """One unbuffered os.write of the whole line to an O_APPEND descriptor: a crash can tear only this line,
    never an earlier one (a buffered writer may flush a long line in pieces, or several lines at once)."""
    if not world.is_main:
        return
    data = memoryview((json.dumps(record) + "\n").encode())
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        while data:  # a regular file takes it whole unless the disk is full or a signal interrupts
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)


def _sync_log(path: Path) -> None:
    """fsync the log: a checkpoint must not outlive the log lines before it (they are all a resume keeps)."""
    if not path.is_file():
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _restart_log(path: Path, step: int | None) -> None:
    """Make the log read as one uninterrupted run up to `step`, the checkpoint's (None: a fresh start, which logs
    its own step 0, so the log is emptied). Records past it (the resumed run redoes those steps), a torn last
    line, and repeats of a step's train or validation record (a restart by older code logged step 0 twice) are
    dropped. Rewritten atomically, so a crash here loses nothing."""
    if not path.is_file():
        return
    kept, seen = [], set()
    if step is not None:
        for line, record in _log_lines(path):
            key = (record["step"], "loss" in record)
            if record["step"] <= step and key not in seen:
                kept.append(line + "\n")
                seen.add(key)
    write_atomic(str(path), "".join(kept).encode())


def _log_lines(path: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """(line, record) per record of the log. A last line that is not a record is one a crash tore in mid-write
    and is skipped; any other is a one-line UserError naming the file and the line."""
    lines = Path(path).read_bytes().decode("utf-8", errors="replace").split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, 1) if line.strip()]
    parsed = []
    for number, line in numbered:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict) and isinstance(record.get("step"), int):
            parsed.append((line, record))
        elif number != numbered[-1][0]:
            raise UserError(
                f"{path} line {number}: not a JSON record with a step (only a torn last line, from a crash in "
                f"mid-write, is skipped); repair or remove the line"
            )
    return parsed


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """The log's records, without a torn last line."""
    return [record for _, record in _log_lines(path)]


def plot_losses(log_path: str | Path, plot_path: str | Path) -> None:
    """Training loss per logged step and validation loss per source, to a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render straight to the file
    import matplotlib.pyplot as plt

    records = read_log(log_path)
    train = [(r["step"], r["loss"]) for r in records if "loss" in r]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if train:
        ax.plot(*zip(*train, strict=True), label="train", linewidth=1)
    sources = sorted({s for r in records for s in r.get("val_loss", {})})
    for source in sources:
        points = [(r["step"], r["val_loss"][source]) for r in records if source in r.get("val_loss", {})]
        ax.plot(*zip(*points, strict=True), marker="o", label=f"validation: {source}")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("cross-entropy (nats / token)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot_path, dpi=120)
    plt.close(fig)
