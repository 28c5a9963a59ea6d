"""Checkpoints in three layouts: our own (resumable training state), Meta's and Hugging Face's.

- Own: one `checkpoint.pt` holding model, optimizer, step, sample index, RNG states, configs and the tokenizer's
  sha256; written to a temporary file and renamed, so a crash never leaves a half-written checkpoint. It also
  holds a sha256 per tensor and one over everything else, verified on load: torch's zip CRCs only catch
  damage after the write, and a file rewritten with fresh CRCs (or a bad copy) otherwise loads silently.
  Version 1 files (from before the checksums) load unverified, with a warning.
- Meta (facebookresearch/llama v1): `params.json` + `consolidated.NN.pth`, one per model-parallel rank. Our
  parameter names and RoPE pairing are Meta's, so the weights pass through unchanged.
- Hugging Face: `config.json` + `model.safetensors`, loadable by `LlamaForCausalLM.from_pretrained`. HF's RoPE
  pairs dim i with i + hd/2 (rotate_half) where Meta pairs 2i with 2i + 1, so the rows of wq and wk are
  permuted within each head (transformers' convert_llama_weights_to_hf.py `permute`); q.k is unchanged.

Everything is read with `torch.load(weights_only=True)` or safetensors: loading never runs pickled code.
A checkpoint given as an fsspec URL is copied to the local cache first (local_checkpoint).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from model.model import ROPE_LAYOUT, ModelArgs, Transformer
from pipeline.errors import UserError
from pipeline.io import atomic_name, filesystem, is_remote, write_atomic
from tokenization.cache import cached_file, cached_files, resolve_local

FORMAT_NAME = "llama-data-checkpoint"
FORMAT_VERSION = 2  # 2: per-tensor checksums
UNCHECKED_VERSION = 1  # read, without checksums to verify
CHECKPOINT_NAME = "checkpoint.pt"
HF_ROPE_LAYOUT = "half"  # HF pairs dims (i, i + hd/2)


class CheckpointError(UserError):
    """A checkpoint that cannot be read or does not match what it claims; the message names the file."""


class UncheckedCheckpointWarning(UserWarning):
    """A checkpoint written before checksums: loaded, but nothing can tell whether its tensors are intact."""


# ---------------------------------------------------------------- our own layout


def save_checkpoint(path: str | Path, payload: dict[str, Any]) -> None:
    """Write atomically (pipeline.io.atomic_name: a temporary name beside it, then a rename), with checksums."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "rope_layout": ROPE_LAYOUT, **payload}
    payload.pop(CHECKSUMS_KEY, None)  # a loaded payload saved again gets fresh ones
    _atomic_torch_save({**payload, CHECKSUMS_KEY: checksums(payload)}, path)


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Our single-file checkpoint as a dict (tensors on CPU), its checksums verified and removed; a corrupt or
    foreign file raises CheckpointError."""
    path = Path(local_checkpoint(str(path)))
    if path.is_dir():
        path = path / CHECKPOINT_NAME
    payload = read_payload(path)
    for key in ("model_args", "model"):
        if key not in payload:
            raise CheckpointError(f"{path}: checkpoint has no {key!r} entry")
    return payload


def read_payload(path: str | Path) -> dict[str, Any]:
    """Any file save_checkpoint wrote (a checkpoint, a sharded checkpoint's train_state.pt), verified."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    payload = _torch_load(path)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_NAME:
        raise CheckpointError(f"{path}: not a llama-data checkpoint (no format marker {FORMAT_NAME!r})")
    version = payload.get("version")
    if version == FORMAT_VERSION:
        _verify(path, payload)
    elif version == UNCHECKED_VERSION:
        warnings.warn(
            f"{path}: version {version} checkpoint, written without checksums; its tensors are not verified "
            f"(the next checkpoint of a resumed run has them)",
            UncheckedCheckpointWarning,
            stacklevel=2,
        )
    else:
        raise CheckpointError(
            f"{path}: checkpoint version {version}, this code reads {UNCHECKED_VERSION} and {FORMAT_VERSION}"
        )
    if payload.get("rope_layout") != ROPE_LAYOUT:
        raise CheckpointError(f"{path}: rope_layout {payload.get('rope_layout')!r}, expected {ROPE_LAYOUT!r}")
    return payload


# ---------------------------------------------------------------- checksums

CHECKSUMS_KEY = "checksums"
# The checksum of everything that is not a tensor (step, configs, RNG states, ...), under a name no tensor has.
OTHER_ENTRIES = "(non-tensor entries)"


def checksums(payload: dict[str, Any]) -> dict[str, str]:
    """sha256 of each tensor (dtype, shape and bytes) by its path in the payload ("model/tok_embeddings.weight",
    "optimizer/state/<name>/exp_avg"), plus OTHER_ENTRIES: one over the rest, with each tensor as its path.

    Tensors are hashed on threads: hashlib releases the GIL, so a 7B checkpoint's ~80 GB is not one core's work."""
    tensors: dict[str, torch.Tensor] = {}
    skeleton = _skeleton(payload, (), tensors)
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        digests = dict(zip(tensors, pool.map(_tensor_sha256, tensors.values()), strict=True))
    digests[OTHER_ENTRIES] = hashlib.sha256(json.dumps(skeleton, default=repr).encode()).hexdigest()
    return digests


def _skeleton(value: Any, where: tuple[str, ...], tensors: dict[str, torch.Tensor]) -> Any:
    """`value` as JSON-able data with every tensor replaced by its path (and collected into `tensors`)."""
    if isinstance(value, torch.Tensor):
        name = "/".join(where)
        tensors[name] = value
        return {"tensor": name}
    if isinstance(value, dict):
        return [[repr(key), _skeleton(item, (*where, str(key)), tensors)] for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [_skeleton(item, (*where, str(i)), tensors) for i, item in enumerate(value)]
    return value


def _tensor_sha256(tensor: torch.Tensor) -> str:
    digest = hashlib.sha256(f"{tensor.dtype} {tuple(tensor.shape)} ".encode())
    digest.update(tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy())
    return digest.hexdigest()


def _verify(path: Path, payload: dict[str, Any]) -> None:
    """Pop the recorded checksums and compare them with the payload's; the first difference is the error."""
    recorded = payload.pop(CHECKSUMS_KEY, None)
    if not isinstance(recorded, dict):
        raise CheckpointError(
            f"{path}: version {FORMAT_VERSION} checkpoint without checksums (the file is corrupt)"
        )
    actual = checksums(payload)
    for name, digest in actual.items():
        if name not in recorded:
            raise CheckpointError(f"{path}: tensor {name} has no checksum (the file is corrupt)")
        if recorded[name] != digest and name == OTHER_ENTRIES:
            raise CheckpointError(
                f"{path}: the non-tensor entries (step, configs, RNG states) do not match their sha256 "
                f"(the file is corrupt)"
            )
        if recorded[name] != digest:
            raise CheckpointError(f"{path}: tensor {name} does not match its sha256 (the file is corrupt)")
    missing = sorted(set(recorded) - set(actual))
    if missing:
        raise CheckpointError(
            f"{path}: tensor {missing[0]} has a checksum but is missing (the file is corrupt)"
        )


def _torch_load(path: Path) -> Any:
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, bad pickle, disallowed global: all mean "unreadable"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"{path}: corrupt or unreadable checkpoint ({reason[:200]})") from None


def model_args_from(payload: dict[str, Any]) -> ModelArgs:
    return ModelArgs(**payload["model_args"])


def capture_rng_state() -> dict[str, Any]:
    """Python, numpy, torch CPU and CUDA generator states, as types weights_only loading accepts."""
    np_state = np.random.get_state(legacy=False)
    return {
        "python": random.getstate(),
        "numpy": {
            **np_state,
            "state": {
                **np_state["state"],
                "key": torch.from_numpy(np_state["state"]["key"].astype(np.int64)),
            },
        },
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def restore_rng_state(state: dict[str, Any]) -> None:
    random.setstate(_as_tuples(state["python"]))
    np_state = state["numpy"]
    np.random.set_state(
        {
            **np_state,
            "state": {**np_state["state"], "key": np_state["state"]["key"].numpy().astype(np.uint32)},
        }
    )
    torch.set_rng_state(state["torch"])
    if torch.cuda.is_available() and state["cuda"]:
        torch.cuda.set_rng_state_all(state["cuda"])


def _as_tuples(value: Any) -> Any:
    """random.setstate wants the nested tuples it gave; a round trip may turn them into lists."""
    return tuple(_as_tuples(v) for v in value) if isinstance(value, (list, tuple)) else value


# ---------------------------------------------------------------- RoPE permutation


def permute_rotary(weight: torch.Tensor, n_heads: int) -> torch.Tensor:
    """Meta -> HF rows of wq/wk: within each head, rows (0, 1, 2, 3, ...) become (0, 2, 4, ..., 1, 3, 5, ...)."""
    out_dim, in_dim = weight.shape
    head_dim = out_dim // n_heads
    return weight.view(n_heads, head_dim // 2, 2, in_dim).transpose(1, 2).reshape(out_dim, in_dim)


def unpermute_rotary(weight: torch.Tensor, n_heads: int) -> torch.Tensor:
    """HF -> Meta: the inverse of permute_rotary."""
    out_dim, in_dim = weight.shape
    head_dim = out_dim // n_heads
    return weight.view(n_heads, 2, head_dim // 2, in_dim).transpose(1, 2).reshape(out_dim, in_dim)


# ---------------------------------------------------------------- Meta's layout

# The fields of Meta's LLaMA-1 ModelArgs (facebookresearch/llama @57b0eb6, llama/model.py): its loader does
# ModelArgs(max_seq_len=..., max_batch_size=..., **params), so params.json may hold only these. Ours (rope_theta,
# max_seq_len, the RoPE layout) go in OURS_NAME beside it.
META_MODEL_ARGS = (
    "dim",
    "n_layers",
    "n_heads",
    "vocab_size",
    "multiple_of",
    "norm_eps",
    "max_batch_size",
    "max_seq_len",
)
META_PARAMS = (
    "dim",
    "multiple_of",
    "n_heads",
    "n_layers",
    "norm_eps",
    "vocab_size",
)  # what the release writes
OURS_NAME = "llama_data.json"
# Model-parallel shards of Meta's release by model width (download.sh: 7B 1, 13B 2, 33B 4, 65B 8); else one.
META_SHARDS = {4096: 1, 5120: 2, 6656: 4, 8192: 8}
# Dimension along which model-parallel shards are concatenated (transformers' converter; tinygrad concat_weights).
# Parameters not listed (the norms) are replicated on every rank.
_META_CONCAT_DIM = {
    "tok_embeddings": 1,
    "wo": 1,
    "w2": 1,
    "wq": 0,
    "wk": 0,
    "wv": 0,
    "w1": 0,
    "w3": 0,
    "output": 0,
}

# A model's weights as export reads them: an in-memory state dict, or a sharded checkpoint folder read one
# tensor at a time (model/sharded.py), so an export holds one tensor or one output file, never the model.
TensorSource = dict[str, torch.Tensor] | Path


def _tensor_names(source: TensorSource) -> dict[str, tuple[tuple[int, ...], torch.dtype]]:
    if isinstance(source, dict):
        return {name: (tuple(t.shape), t.dtype) for name, t in source.items()}
    from model.sharded import tensor_shapes

    return {name: (tuple(shape), dtype) for name, (shape, dtype) in tensor_shapes(source).items()}


def _read(source: TensorSource, names: list[str]):
    """(name, tensor) for these names, on the CPU, one at a time."""
    if isinstance(source, dict):
        for name in names:
            yield name, source[name].detach().cpu()
        return
    from model.sharded import read_tensors

    yield from read_tensors(source, names)


def export_meta(
    source: TensorSource,
    args: ModelArgs,
    directory: str | Path,
    dtype: torch.dtype = torch.float32,
    tokenizer: str | Path | None = None,
) -> Path:
    """Write params.json and consolidated.NN.pth the way Meta's v1 release does (one file per model-parallel
    shard, as many as the release has for this width), plus OURS_NAME and the tokenizer.model when given.

    params.json holds Meta's keys only, with the real vocab_size (Meta's says -1 and takes it from the
    tokenizer). Shard k is built by reading every tensor and keeping its k-th slice: memory holds one shard.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = list(_tensor_names(source))
    shards = META_SHARDS.get(args.dim, 1)
    for shard in range(shards):
        weights = {}
        for name, tensor in _read(source, names):
            kind = name.split(".")[-2]  # "layers.0.attention.wq.weight" -> "wq"
            if kind in _META_CONCAT_DIM and shards > 1:
                tensor = tensor.chunk(shards, dim=_META_CONCAT_DIM[kind])[shard]
            weights[name] = tensor.to(dtype).contiguous()
        # Meta's checkpoints carry the RoPE inverse frequencies; their loader ignores them (strict=False).
        weights["rope.freqs"] = 1.0 / (
            args.rope_theta ** (torch.arange(0, args.head_dim, 2).float() / args.head_dim)
        )
        _atomic_torch_save(weights, directory / f"consolidated.{shard:02d}.pth")
        del weights
    params = {key: getattr(args, key) for key in META_PARAMS}
    ours = {"rope_theta": args.rope_theta, "max_seq_len": args.max_seq_len, "rope_layout": ROPE_LAYOUT}
    write_atomic(str(directory / "params.json"), (json.dumps(params, indent=2) + "\n").encode())
    write_atomic(str(directory / OURS_NAME), (json.dumps(ours, indent=2) + "\n").encode())
    if tokenizer is not None:
        write_atomic(str(directory / "tokenizer.model"), Path(tokenizer).read_bytes())
    return directory


def import_meta(directory: str | Path, max_seq_len: int = 2048) -> tuple[ModelArgs, dict[str, torch.Tensor]]:
    """Read Meta's layout, joining model-parallel shards; returns our ModelArgs and state dict."""
    directory = Path(directory)
    params_path = directory / "params.json"
    params = _read_json(params_path)
    if params.get("n_kv_heads", params.get("n_heads")) != params.get("n_heads") or params.get(
        "ffn_dim_multiplier"
    ):
        raise CheckpointError(
            f"{params_path}: grouped-query attention / ffn_dim_multiplier are Llama 2; not LLaMA-1"
        )
    shard_paths = sorted(directory.glob("consolidated.*.pth"))
    if not shard_paths:
        raise CheckpointError(f"{directory}: no consolidated.*.pth files")
    shards = [_torch_load(path) for path in shard_paths]
    state: dict[str, torch.Tensor] = {}
    for name in shards[0]:
        if name == "rope.freqs":
            continue  # derived from rope_theta; we recompute it
        parts = [shard[name] for shard in shards]
        kind = name.split(".")[-2]  # "layers.0.attention.wq.weight" -> "wq"
        state[name] = (
            torch.cat(parts, dim=_META_CONCAT_DIM[kind])
            if kind in _META_CONCAT_DIM and len(parts) > 1
            else parts[0]
        )
    vocab_size = state["tok_embeddings.weight"].shape[0]
    ours = _read_json(directory / OURS_NAME) if (directory / OURS_NAME).is_file() else {}
    try:
        args = ModelArgs(
            dim=int(params["dim"]),
            n_layers=int(params["n_layers"]),
            n_heads=int(params["n_heads"]),
            vocab_size=vocab_size,
            multiple_of=int(params.get("multiple_of", 256)),
            norm_eps=float(params["norm_eps"]),
            rope_theta=float(ours.get("rope_theta", params.get("rope_theta", 10000.0))),
            max_seq_len=int(ours.get("max_seq_len", max_seq_len)),
        )
    except KeyError as exc:
        raise CheckpointError(f"{params_path}: missing key {exc}") from None
    _check_shapes(state, args, str(directory))
    return args, state


# ---------------------------------------------------------------- Hugging Face's layout

_HF_LAYER_NAMES = {
    "attention.wq": "self_attn.q_proj",
    "attention.wk": "self_attn.k_proj",
    "attention.wv": "self_attn.v_proj",
    "attention.wo": "self_attn.o_proj",
    "feed_forward.w1": "mlp.gate_proj",
    "feed_forward.w3": "mlp.up_proj",
    "feed_forward.w2": "mlp.down_proj",
    "attention_norm": "input_layernorm",
    "ffn_norm": "post_attention_layernorm",
}


def hf_names(n_layers: int) -> dict[str, str]:
    """Our (Meta's) parameter name -> HF's (transformers' convert_llama_weights_to_hf.py)."""
    names = {
        "tok_embeddings.weight": "model.embed_tokens.weight",
        "norm.weight": "model.norm.weight",
        "output.weight": "lm_head.weight",
    }
    for i in range(n_layers):
        for ours, theirs in _HF_LAYER_NAMES.items():
            names[f"layers.{i}.{ours}.weight"] = f"model.layers.{i}.{theirs}.weight"
    return names


def to_hf_state_dict(state: dict[str, torch.Tensor], args: ModelArgs) -> dict[str, torch.Tensor]:
    """Our (Meta) names and RoPE pairing -> HF names, with wq/wk rows permuted to HF's pairing."""
    names = hf_names(args.n_layers)
    return dict(to_hf_tensor(name, tensor, args, names) for name, tensor in state.items())


def to_hf_tensor(
    name: str, tensor: torch.Tensor, args: ModelArgs, names: dict[str, str]
) -> tuple[str, torch.Tensor]:
    """One of our tensors as HF names and lays it out (`names`: hf_names(args.n_layers))."""
    tensor = tensor.detach().cpu()
    if name.endswith(("attention.wq.weight", "attention.wk.weight")):
        tensor = permute_rotary(tensor, args.n_heads)
    return names[name], tensor.contiguous()


def from_hf_state_dict(state: dict[str, torch.Tensor], args: ModelArgs) -> dict[str, torch.Tensor]:
    """HF names and pairing -> ours: the inverse of to_hf_state_dict."""
    ours_by_hf = {theirs: ours for ours, theirs in hf_names(args.n_layers).items()}
    out = {}
    for name, tensor in state.items():
        if name.endswith("rotary_emb.inv_freq"):
            continue  # a buffer some older exports include; derived from rope_theta
        if name not in ours_by_hf:
            raise CheckpointError(f"unexpected Hugging Face parameter {name!r}")
        if name.endswith(("self_attn.q_proj.weight", "self_attn.k_proj.weight")):
            tensor = unpermute_rotary(tensor, args.n_heads)
        out[ours_by_hf[name]] = tensor.contiguous()
    return out


def hf_config(
    args: ModelArgs, bos_id: int = 1, eos_id: int = 2, dtype: torch.dtype = torch.float32
) -> dict[str, Any]:
    """The config.json of our model in the Hugging Face layout (also what `LlamaConfig(**...)` takes in tests)."""
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": args.dim,
        "intermediate_size": args.hidden_dim,
        "multiple_of": args.multiple_of,  # ours, not HF's: the size alone does not say which rounding made it
        "num_hidden_layers": args.n_layers,
        "num_attention_heads": args.n_heads,
        "num_key_value_heads": args.n_heads,  # LLaMA-1: no grouped-query attention
        "head_dim": args.head_dim,
        "vocab_size": args.vocab_size,
        "max_position_embeddings": args.max_seq_len,
        "rms_norm_eps": args.norm_eps,
        "hidden_act": "silu",
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "bos_token_id": bos_id,
        "eos_token_id": eos_id,
        "initializer_range": 0.02,
        # transformers >= 5 reads rope_parameters, 4.x reads rope_theta: both are written, with the same theta.
        "rope_theta": args.rope_theta,
        "rope_parameters": {"rope_type": "default", "rope_theta": args.rope_theta},
        "torch_dtype": str(dtype).removeprefix("torch."),
    }


HF_SHARD_BYTES = 2 << 30  # safetensors files of at most ~2 GiB: an export holds one in memory


def export_hf(
    source: TensorSource,
    args: ModelArgs,
    directory: str | Path,
    bos_id: int = 1,
    eos_id: int = 2,
    dtype: torch.dtype = torch.float32,
    tokenizer: str | Path | None = None,
    shard_bytes: int = HF_SHARD_BYTES,
) -> Path:
    """Write config.json and the weights for `LlamaForCausalLM.from_pretrained(directory)`, and with a
    tokenizer the files `AutoTokenizer.from_pretrained(directory)` reads (tokenization/hf_tokenizer.py).

    The weights are one model.safetensors, or model-0000k-of-0000n.safetensors files of at most `shard_bytes`
    plus model.safetensors.index.json (transformers' sharded layout); each file is built from tensors read one
    at a time, so memory holds one file's tensors."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    shapes = _tensor_names(source)
    names = hf_names(args.n_layers)
    files: list[list[str]] = [[]]
    size = 0
    for name, (shape, _) in shapes.items():
        nbytes = math.prod(shape) * dtype.itemsize
        if files[-1] and size + nbytes > shard_bytes:
            files.append([])
            size = 0
        files[-1].append(name)
        size += nbytes
    file_names = (
        ["model.safetensors"]
        if len(files) == 1
        else [f"model-{i + 1:05d}-of-{len(files):05d}.safetensors" for i in range(len(files))]
    )
    weight_map, total = {}, 0
    for file_name, members in zip(file_names, files, strict=True):
        tensors = {}
        for name, tensor in _read(source, members):
            hf_name, tensor = to_hf_tensor(name, tensor, args, names)
            tensors[hf_name] = tensor.to(dtype).contiguous()
            weight_map[hf_name] = file_name
            total += tensors[hf_name].nbytes
        with atomic_name(str(directory / file_name)) as temp:
            # "format": "pt" is what from_pretrained checks; rope_layout documents the permutation applied.
            save_file(tensors, temp, metadata={"format": "pt", "rope_layout": HF_ROPE_LAYOUT})
        del tensors
    if len(files) > 1:
        index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
        write_atomic(
            str(directory / "model.safetensors.index.json"), (json.dumps(index, indent=2) + "\n").encode()
        )
    config = hf_config(args, bos_id, eos_id, dtype)
    write_atomic(str(directory / "config.json"), (json.dumps(config, indent=2) + "\n").encode())
    if tokenizer is not None:
        from tokenization.hf_tokenizer import write_hf_tokenizer

        write_hf_tokenizer(tokenizer, directory, bos_id, eos_id, model_max_length=args.max_seq_len)
    return directory


def import_hf(directory: str | Path) -> tuple[ModelArgs, dict[str, torch.Tensor]]:
    """Read a Hugging Face Llama folder (single or index-sharded safetensors) into our ModelArgs and names."""
    directory = Path(directory)
    config_path = directory / "config.json"
    config = _read_json(config_path)
    if config.get("model_type") != "llama":
        raise CheckpointError(f"{config_path}: model_type {config.get('model_type')!r}, expected 'llama'")
    rope = config.get("rope_parameters") or config.get("rope_scaling") or {}
    if rope.get("rope_type", rope.get("type", "default")) != "default":
        raise CheckpointError(f"{config_path}: scaled RoPE ({rope.get('rope_type')}) is not LLaMA-1's")
    dim, n_heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    if int(config.get("num_key_value_heads") or n_heads) != n_heads:
        raise CheckpointError(f"{config_path}: grouped-query attention is Llama 2+; LLaMA-1 has none")
    if config.get("attention_bias") or config.get("mlp_bias") or config.get("hidden_act", "silu") != "silu":
        raise CheckpointError(f"{config_path}: biases or a non-SiLU activation are not LLaMA-1's")
    args = ModelArgs(
        dim=dim,
        n_layers=int(config["num_hidden_layers"]),
        n_heads=n_heads,
        vocab_size=int(config["vocab_size"]),
        multiple_of=_multiple_of_for(
            dim, int(config["intermediate_size"]), config.get("multiple_of"), str(config_path)
        ),
        norm_eps=float(config.get("rms_norm_eps", 1e-6)),
        rope_theta=float(rope.get("rope_theta", config.get("rope_theta", 10000.0))),
        max_seq_len=int(config.get("max_position_embeddings", 2048)),
    )
    hf_state: dict[str, torch.Tensor] = {}
    index_path = directory / "model.safetensors.index.json"
    files = (
        sorted(set(_read_json(index_path).get("weight_map", {}).values()))
        if index_path.is_file()
        else ["model.safetensors"]
    )
    for file in files:
        try:
            hf_state.update(load_file(str(directory / file)))
        except (OSError, SafetensorError) as exc:
            raise CheckpointError(f"{directory / file}: corrupt or unreadable safetensors ({exc})") from None
    if "lm_head.weight" not in hf_state and config.get("tie_word_embeddings"):
        hf_state["lm_head.weight"] = hf_state["model.embed_tokens.weight"]
    state = {name: tensor.float() for name, tensor in from_hf_state_dict(hf_state, args).items()}
    _check_shapes(state, args, str(directory))
    return args, state


def _multiple_of_for(dim: int, hidden: int, recorded: int | None, where: str) -> int:
    """A multiple_of for which Meta's SwiGLU rule gives `hidden` (HF stores the size, Meta the rule): the one
    our exporter recorded, else the largest common choice that reproduces the size."""
    base = int(2 * (4 * dim) / 3)
    for multiple_of in ([recorded] if recorded else []) + [256, 128, 64, 32, 16, 8, 1]:
        if multiple_of * ((base + multiple_of - 1) // multiple_of) == hidden:
            return multiple_of
    if hidden >= base:
        return hidden  # rounding base up to a multiple of hidden itself gives hidden
    raise CheckpointError(
        f"{where}: intermediate_size {hidden} is below the SwiGLU rule's {base} for dim {dim}"
    )


# ---------------------------------------------------------------- loading any layout

# The files of a checkpoint folder (ours, Meta's, HF's, a sharded one) worth fetching; logs and plots are not.
_CHECKPOINT_FILES = re.compile(
    r"checkpoint\.pt|params\.json|config\.json|llama_data\.json|tokenizer\.model|consolidated\.\d+\.pth"
    r"|model(-\d+-of-\d+)?\.safetensors|model\.safetensors\.index\.json|tokenizer(_config)?\.json"
    r"|special_tokens_map\.json|\.metadata|__\d+_\d+\.distcp|train_state\.pt"
)
POINTER_NAME = "LATEST"  # a file naming the folder beside it to read instead (newest run, newest checkpoint)
POINTER_FOLDER = "checkpoints"  # a run folder's checkpoints, behind their own LATEST


def local_checkpoint(path: str) -> str:
    """A local path for a checkpoint file or folder, with pointers followed: a train stage folder's LATEST
    names its newest run, a run folder's checkpoints/LATEST its newest checkpoint. Local paths are read in place
    (a file:// URL resolved); a remote one is copied to the cache (tokenization/cache.py), re-fetched only when
    the remote file changed."""
    remote = is_remote(path)
    fs, resolved = filesystem(path) if remote else (None, resolve_local(path))
    isdir = fs.isdir if fs else os.path.isdir
    isfile = fs.isfile if fs else os.path.isfile
    for _ in range(8):  # stage folder -> run folder -> checkpoints -> step folder, at most
        if isfile(f"{resolved}/{POINTER_NAME}"):
            target = _read_text(fs, f"{resolved}/{POINTER_NAME}").strip()
            if not target or "/" in target or target.startswith("."):
                raise CheckpointError(f"{path}/{POINTER_NAME}: does not name a folder beside it")
            resolved, path = f"{resolved}/{target}", f"{path.rstrip('/')}/{target}"
        elif isdir(f"{resolved}/{POINTER_FOLDER}") and not isfile(f"{resolved}/{CHECKPOINT_NAME}"):
            resolved, path = f"{resolved}/{POINTER_FOLDER}", f"{path.rstrip('/')}/{POINTER_FOLDER}"
        else:
            break
    if not remote:
        return resolved
    if not fs.isdir(resolved):
        return str(cached_file(path))
    names = sorted(
        name
        for name in (entry.rstrip("/").rsplit("/", 1)[-1] for entry in fs.ls(resolved, detail=False))
        if _CHECKPOINT_FILES.fullmatch(name)
    )
    if not names:
        raise CheckpointError(f"{path}: no checkpoint files in this folder")
    return str(cached_files(path, names))


def _read_text(fs, path: str) -> str:
    if fs is None:
        return Path(path).read_text()
    with fs.open(path, "r") as handle:
        return handle.read()


def open_checkpoint(path: str | Path) -> tuple[ModelArgs, TensorSource, dict[str, Any]]:
    """Any layout we read, without building a model: (its ModelArgs, its weights as a TensorSource, what is known
    about it: `layout`, and for ours `tokenizer`, `tokenizer_sha256`, `bos_id`, `eos_id`, `step`). A sharded
    checkpoint's weights stay in its folder (read tensor by tensor); the others are loaded. `path` may be a run
    or train stage folder (local_checkpoint follows its pointers) or an fsspec URL."""
    from model.sharded import is_sharded_checkpoint, read_train_state

    path = Path(local_checkpoint(str(path)))
    if is_sharded_checkpoint(path):
        payload = read_train_state(path)
        return model_args_from(payload), path, {"layout": "sharded"} | {k: payload.get(k) for k in INFO_KEYS}
    if path.is_dir() and (path / "params.json").is_file():
        args, state = import_meta(path)
        return args, state, {"layout": "meta"}
    if path.is_dir() and (path / "config.json").is_file():
        args, state = import_hf(path)
        return args, state, {"layout": "hf"}
    payload = load_checkpoint(path)
    return (
        model_args_from(payload),
        payload["model"],
        {"layout": "own"} | {k: payload.get(k) for k in INFO_KEYS},
    )


def load_model(path: str | Path, device: str | torch.device = "cpu") -> tuple[Transformer, dict[str, Any]]:
    """A Transformer from any layout open_checkpoint reads, on `device`, with what is known about it."""
    args, source, info = open_checkpoint(path)
    with torch.device("meta"):
        model = Transformer(args)  # no allocation until the weights arrive
    model.to_empty(device=device)
    if isinstance(source, Path):
        from model.sharded import load_model_state

        load_model_state(source, model)  # DCP fills the parameters in place
    else:
        model.load_state_dict(source, strict=True)
    return model.eval(), info


INFO_KEYS = ("tokenizer", "tokenizer_sha256", "bos_id", "eos_id", "step")


def find_tokenizer(checkpoint: str, info: dict[str, Any], given: str | None = None) -> Path | None:
    """The SentencePiece model of a checkpoint: `given`, else the one it records, else a tokenizer.model beside
    it (Meta's and HF's folders ship one); None when there is none. A URL is fetched to the cache. A tokenizer
    other than the one the checkpoint was trained with (its sha256 is recorded) is a UserError."""
    path = given or info.get("tokenizer")
    if not path:
        folder = Path(checkpoint) if Path(checkpoint).is_dir() else Path(checkpoint).parent
        path = str(folder / "tokenizer.model") if (folder / "tokenizer.model").is_file() else None
    if not path:
        return None
    if is_remote(path) or path.startswith("file://"):
        path = str(cached_file(path))
    if not Path(path).is_file():
        if given:
            raise UserError(f"tokenizer not found: {given}")
        return None
    expected = info.get("tokenizer_sha256")
    if expected and hashlib.sha256(Path(path).read_bytes()).hexdigest() != expected:
        raise UserError(f"{path}: not the tokenizer the checkpoint was trained with (sha256 differs)")
    return Path(path)


def _check_shapes(state: dict[str, torch.Tensor], args: ModelArgs, where: str) -> None:
    with torch.device("meta"):
        expected = Transformer(args).state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{where}: missing {missing[:3]} / unexpected {unexpected[:3]} parameters")
    for name, tensor in expected.items():
        if tuple(state[name].shape) != tuple(tensor.shape):
            raise CheckpointError(
                f"{where}: {name} has shape {tuple(state[name].shape)}, expected {tuple(tensor.shape)}"
            )


def _read_json(path: Path) -> dict[str, Any]:
    """A checkpoint's JSON file, or one clear CheckpointError naming it."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: cannot read {path.name} ({exc})") from None
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    return data


def _atomic_torch_save(obj: Any, path: Path) -> None:
    with atomic_name(str(path), fsync=True) as temp:
        torch.save(obj, temp)
