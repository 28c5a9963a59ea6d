"""Shared helpers for the model tests: tiny model configs, random weights and synthetic token datasets."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import torch
import yaml

from model.model import ModelArgs, Transformer
from pipeline.config import recipe_from_dict
from tokenization.shards import ShardWriter, token_size_for, write_dataset_manifest

TINY = ModelArgs(dim=64, n_layers=2, n_heads=4, vocab_size=128, multiple_of=32, max_seq_len=64)


def random_model(args: ModelArgs = TINY, seed: int = 0) -> Transformer:
    """A model with random weights, norm gains included (ones would hide a norm that is mapped wrongly).

    wq and wk are drawn larger than the training init so attention is far from uniform and depends strongly
    on position: a wrong RoPE layout then shows in the logits (at std 0.02 the scores are all near zero)."""
    torch.manual_seed(seed)
    model = Transformer(args)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith("norm.weight"):
                param.uniform_(0.5, 1.5)
            elif name.endswith(("wq.weight", "wk.weight")):
                param.normal_(0.0, 0.25)
    return model.eval()


def markov_documents(
    vocab_size: int, tokens: int, chain_seed: int, draw_seed: int, bos_id: int = 1, eos_id: int = 2
) -> list[np.ndarray]:
    """Documents from a sparse random bigram chain (fixed by chain_seed; draw_seed picks the walks): learnable,
    with entropy log(4) per token, far below log(vocab), like text."""
    successors = np.random.default_rng(chain_seed).integers(3, vocab_size, size=(vocab_size, 4))
    rng = np.random.default_rng(draw_seed)
    documents, produced = [], 0
    while produced < tokens:
        length = int(rng.integers(50, 400))
        doc = np.empty(length, dtype=np.int64)
        doc[0], doc[-1] = bos_id, eos_id
        current = int(rng.integers(3, vocab_size))
        for i in range(1, length - 1):
            doc[i] = current
            current = int(successors[current, rng.integers(0, 4)])
        documents.append(doc)
        produced += length
    return documents


def write_token_dataset(
    directory: Path | str,
    sources: dict[str, int] | None = None,
    vocab_size: int = 128,
    validation_tokens: int = 4000,
    seed: int = 0,
) -> Path | str:
    """A tokenized dataset in the shard format: per source, `tokens` training and some validation tokens.
    `directory` may be an fsspec URL (memory://, file://): the writer goes through fsspec."""
    sources = sources or {"commoncrawl": 20000}
    token_size = token_size_for(vocab_size)
    shards = []
    for offset, (source, count) in enumerate(sorted(sources.items())):
        for split, amount in (("train", count), ("validation", validation_tokens)):
            writer = ShardWriter(str(directory), f"{source}-{split}-00000", token_size, vocab_size)
            # One chain per source for both splits, different walks for each split: held-out text.
            draw_seed = seed + offset + (1000 if split == "validation" else 0)
            for doc in markov_documents(vocab_size, amount, chain_seed=seed + offset, draw_seed=draw_seed):
                writer.add_document(doc)
            shards.append({**writer.close(), "source": source, "split": split})
    write_dataset_manifest(
        str(directory),
        tokenizer="synthetic",
        tokenizer_sha256=hashlib.sha256(b"synthetic").hexdigest(),
        vocab_size=vocab_size,
        bos_id=1,
        eos_id=2,
        token_size=token_size,
        shards=shards,
    )
    return directory


def write_sentencepiece_dataset(directory: Path, vocab_size: int = 320) -> Path:
    """A real SentencePiece BPE model (tok.model) trained on generated sentences with LLaMA's settings (byte
    fallback: 256 byte pieces, so at least ~290 pieces), and a dataset encoded with it in `directory / "tokens"`,
    whose manifest names the model (so generate and export find it)."""
    import sentencepiece as spm

    words = ["the", "data", "model", "token", "shard", "train", "mixture", "source", "llama", "beam"]
    lines = [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(12)) for i in range(400)]
    model_file = directory / "tok.model"
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(directory / "tok"),
        vocab_size=vocab_size,
        model_type="bpe",
        bos_id=1,
        eos_id=2,
        unk_id=0,
        pad_id=-1,
        byte_fallback=True,
        split_digits=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(model_file))
    vocab_size = sp.vocab_size()
    shards = []
    for split, chunk in (("train", lines[:360]), ("validation", lines[360:])):
        writer = ShardWriter(str(directory / "tokens"), f"commoncrawl-{split}", 2, vocab_size)
        for line in chunk:
            writer.add_document([1, *sp.encode(line), 2])
        shards.append({**writer.close(), "source": "commoncrawl", "split": split})
    write_dataset_manifest(
        str(directory / "tokens"),
        tokenizer=str(model_file),
        tokenizer_sha256=hashlib.sha256(model_file.read_bytes()).hexdigest(),
        vocab_size=vocab_size,
        bos_id=1,
        eos_id=2,
        token_size=2,
        shards=shards,
    )
    return directory / "tokens"


def tiny_recipe(**train):
    """A recipe whose train section runs the tiny preset for a few steps on CPU; keys override."""
    section = {
        "preset": "tiny",
        "seq_len": 32,
        "micro_batch_size": 4,
        "max_steps": 8,
        "warmup_steps": 2,
        "lr": 3e-3,
        "eval_interval": 0,
        "eval_windows": 4,
        "log_interval": 1,
        "checkpoint_interval": 1000,
    } | train
    return recipe_from_dict(
        {"name": "test", "seed": 1234, "train": section, "mixture": {"weights": {"commoncrawl": 1.0}}}
    )


def flip_tensor_bytes(checkpoint: Path, tensor: torch.Tensor, count: int = 1000) -> str:
    """Flip the top exponent bit of `count` float32 values of `tensor` inside a saved torch checkpoint, as a
    bad disk or a bad copy would, and return the zip entry it changed.

    A torch checkpoint is a zip whose `<archive>/data/N` entries hold the raw storages; the one holding
    `tensor` is found by its bytes. The zip is rewritten entry by entry (stored, fresh CRCs), so it stays a valid
    zip and only the tensor's own bytes differ: what a per-tensor checksum must catch."""
    assert tensor.dtype == torch.float32 and tensor.numel() >= count
    wanted = tensor.detach().contiguous().numpy().tobytes()
    with zipfile.ZipFile(checkpoint) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    names = [info.filename for info, data in entries if data == wanted and "/data/" in info.filename]
    assert len(names) == 1, f"no single data entry holds the tensor's bytes: {names}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for info, data in entries:
            if info.filename == names[0]:
                flipped = bytearray(data)
                for index in range(count):
                    flipped[4 * index + 3] ^= (
                        0x40  # little-endian float32: byte 3 holds the exponent's top bits
                    )
                data = bytes(flipped)
            target.writestr(info, data)
    checkpoint.write_bytes(buffer.getvalue())
    return names[0]


def read_sharded(folder: str | Path) -> tuple[dict, dict[str, torch.Tensor]]:
    """A sharded checkpoint's train state and model tensors (read one by one, as an export does)."""
    from model.sharded import read_tensors, read_train_state

    return read_train_state(folder), dict(read_tensors(folder))


ROOT = Path(__file__).resolve().parents[1]


def write_recipe(path: Path, **train) -> Path:
    """tiny_recipe as a YAML file, for the CLI and torchrun."""
    recipe = {
        "name": "test",
        "seed": 1234,
        "mixture": {"weights": {"commoncrawl": 1.0}},
        "train": tiny_recipe(**train).train,
    }
    path.write_text(yaml.safe_dump(recipe))
    return path


def torchrun(nproc: int, argv: list[str], timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m torch.distributed.run --standalone --nproc_per_node=N ARGV` on CPU; fails the test on error."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc_per_node={nproc}",
        *argv,
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def torchrun_train(
    nproc: int, config: Path, tokens: Path, output: Path, *extra: str
) -> subprocess.CompletedProcess:
    """`llama-data train` under torchrun on CPU."""
    argv = ["-m", "pipeline.cli", "train", "--config", str(config), "--tokens", str(tokens)]
    return torchrun(nproc, [*argv, "--output", str(output), "--device", "cpu", *extra])
