"""Every stage with an fsspec URL: token shards through the local cache, materialized mixtures and the trainer
writing to memory:// (fsspec's in-process filesystem, a real fsspec backend) and file:// folders."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import fsspec
import numpy as np
import pytest
import torch
from model_fixtures import tiny_recipe, write_sentencepiece_dataset
from model_fixtures import write_token_dataset as write_markov_dataset
from token_fixtures import write_token_dataset

from model.checkpoint import load_model
from model.train import read_log, train_from_recipe
from pipeline.cli import main as cli_main
from pipeline.config import MixtureConfig
from pipeline.errors import UserError
from pipeline.io import join
from tokenization.cache import cache_folder
from tokenization.mixture import _same_folder, materialize_mixture, plan_mixture
from tokenization.sampler import MixtureSampler
from tokenization.shards import ShardError, TokenDataset

SOURCES = {"commoncrawl": 20, "books": 6}
WEIGHTS = {"commoncrawl": 0.7, "books": 0.3}
MEMORY = fsspec.filesystem("memory")


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("LLAMA_DATA_CACHE", str(root))
    return root


@pytest.fixture
def remote():
    """A fresh memory:// folder, removed afterwards (the memory filesystem is shared by the whole process)."""
    name = f"remote-test-{uuid.uuid4().hex[:8]}"
    yield f"memory://{name}"
    if MEMORY.exists(f"/{name}"):
        MEMORY.rm(f"/{name}", recursive=True)


def _memory_path(url: str) -> str:
    return url.removeprefix("memory:/")


def _documents(dataset: TokenDataset) -> list[list[int]]:
    return [
        doc.tolist()
        for split in ("train", "validation")
        for source in dataset.sources(split)
        for doc in dataset.iter_documents(source, split)
    ]


def _samples(dataset: TokenDataset) -> np.ndarray:
    return MixtureSampler(dataset, WEIGHTS, seq_len=16, seed=3).batch(0, 64)


def _corrupt(url: str) -> None:
    """Flip one byte in place: same size, so only the sha256 can tell."""
    data = bytearray(MEMORY.cat_file(_memory_path(url)))
    data[len(data) // 2] ^= 0xFF
    MEMORY.pipe_file(_memory_path(url), bytes(data))


def test_memory_and_file_urls_open_verify_and_sample_like_the_local_copy(tmp_path, remote, cache):
    local = TokenDataset.open(str(write_token_dataset(tmp_path / "local", SOURCES)))
    file_url = f"file://{tmp_path}/via-file"
    via_file = TokenDataset.open(write_token_dataset(file_url, SOURCES))
    assert via_file.directory == file_url and via_file.local_directory == str(tmp_path / "via-file")
    assert not cache.exists()  # file:// is read in place, never copied
    url = join(remote, "tokens")
    via_memory = TokenDataset.open(write_token_dataset(url, SOURCES), verify=True)
    assert via_memory.directory == url
    assert Path(via_memory.local_directory).parent == cache_folder("datasets", url)
    for dataset in (via_file, via_memory):
        assert dataset.manifest == local.manifest
        assert _documents(dataset) == _documents(local)
        assert np.array_equal(_samples(dataset), _samples(local))


def test_a_corrupt_remote_shard_is_refused_in_one_line_naming_it(remote, cache):
    url = write_token_dataset(join(remote, "tokens"), SOURCES)
    shard = join(url, "books-train-00001.ds")
    _corrupt(shard)
    with pytest.raises(ShardError) as refused:
        TokenDataset.open(url)
    message = str(refused.value)
    assert message == f"shard {shard}: sha256 does not match the manifest" and "\n" not in message
    assert not list(cache.rglob("books-train-00001.ds"))  # nothing unverified under a shard's name
    write_token_dataset(url, SOURCES)  # repaired at the same URL (same manifest): the rest is fetched
    TokenDataset.open(url)
    other = write_token_dataset(join(remote, "other"), SOURCES, seed=5)
    MEMORY.pipe_file(
        _memory_path(join(url, "manifest.json")), MEMORY.cat_file(_memory_path(join(other, "manifest.json")))
    )
    with pytest.raises(
        ShardError, match=r"shard memory://\S+/tokens/books-train-00000.ds: sha256 does not match"
    ):
        TokenDataset.open(url)  # a manifest that is not the shards'


def test_a_corrupt_remote_index_or_a_missing_shard_is_named(remote):
    url = write_token_dataset(join(remote, "tokens"), SOURCES)
    _corrupt(join(url, "books-train-00000.ds.index"))
    with pytest.raises(ShardError, match=r"books-train-00000.ds: index sha256 does not match the manifest$"):
        TokenDataset.open(url)
    url = write_token_dataset(join(remote, "again"), SOURCES)
    MEMORY.rm(_memory_path(join(url, "books-train-00000.ds")))
    with pytest.raises(ShardError, match=r"file missing: memory://\S+/again/books-train-00000.ds$"):
        TokenDataset.open(url)
    with pytest.raises(UserError, match="no manifest.json here"):
        TokenDataset.open(join(remote, "nowhere"))


def test_the_cache_is_reused_and_a_new_manifest_invalidates_it(tmp_path, remote):
    url = write_token_dataset(join(remote, "tokens"), SOURCES)
    first = TokenDataset.open(url)
    cached = {p.name: p.stat().st_ino for p in Path(first.local_directory).iterdir()}
    for path in MEMORY.ls(_memory_path(url), detail=False):
        if path.endswith((".ds", ".ds.index")):
            MEMORY.rm(path)  # only the manifest is left: a second open must not download anything
    again = TokenDataset.open(url)
    assert again.local_directory == first.local_directory
    assert {p.name: p.stat().st_ino for p in Path(again.local_directory).iterdir()} == cached
    assert _documents(again) == _documents(first)

    write_token_dataset(url, SOURCES, seed=9)  # new data at the same URL
    changed = TokenDataset.open(url)
    assert changed.local_directory != first.local_directory
    assert _documents(changed) == _documents(
        TokenDataset.open(str(write_token_dataset(tmp_path / "l", SOURCES, seed=9)))
    )
    assert _documents(changed) != _documents(first)


def test_materialize_into_a_memory_folder_from_a_local_or_remote_dataset(tmp_path, remote):
    dataset = TokenDataset.open(str(write_token_dataset(tmp_path / "tokens", SOURCES)))
    plan = plan_mixture(dataset, MixtureConfig(epochs={"commoncrawl": 1.0, "books": 2.5}))
    local_manifest = materialize_mixture(dataset, plan, str(tmp_path / "frozen"), seed=1, shard_tokens=3000)
    frozen = join(remote, "frozen")
    assert materialize_mixture(dataset, plan, frozen, seed=1, shard_tokens=3000) == local_manifest
    local_files = sorted(p.name for p in (tmp_path / "frozen").iterdir())
    assert sorted(p.rsplit("/", 1)[-1] for p in MEMORY.ls(_memory_path(frozen), detail=False)) == local_files
    for name in local_files:
        assert MEMORY.cat_file(_memory_path(join(frozen, name))) == (tmp_path / "frozen" / name).read_bytes()
    assert _documents(TokenDataset.open(frozen)) == _documents(TokenDataset.open(str(tmp_path / "frozen")))

    source = write_token_dataset(join(remote, "tokens"), SOURCES)
    remote_dataset = TokenDataset.open(source)
    again = join(remote, "again")
    manifest = materialize_mixture(remote_dataset, plan, again, seed=1, shard_tokens=3000)
    assert manifest["extra"]["materialized_from"] == source
    assert manifest["shards"] == local_manifest["shards"]
    with pytest.raises(UserError, match="other than the dataset's own"):
        materialize_mixture(remote_dataset, plan, source + "/", seed=1, shard_tokens=3000)
    assert not _same_folder("memory://a/b", "/a/b") and _same_folder("file:///a/b", "/a/b/")


@pytest.mark.slow
def test_training_to_a_memory_folder_writes_there_and_resumes_from_it(tmp_path, remote, cache):
    tokens = write_markov_dataset(join(remote, "tokens"))
    output = join(remote, "run")
    recipe = tiny_recipe(max_steps=4, batch_tokens=2 * 4 * 32)
    straight = train_from_recipe(recipe, tokens, f"file://{tmp_path}/straight")
    assert straight["checkpoint"] == str(
        tmp_path / "straight" / "checkpoints" / "step-00000004"
    )  # file://: local

    half = train_from_recipe(recipe, tokens, output, max_steps=2)
    assert half["steps"] == 2
    assert (half["checkpoint"], half["log"], half["plot"]) == (
        join(output, "checkpoints/step-00000002"),
        join(output, "train_log.jsonl"),
        join(output, "loss.png"),
    )
    assert MEMORY.cat_file(_memory_path(half["plot"]))[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_model(half["checkpoint"])[1]["step"] == 2  # generate's loader reads a URL through the cache
    with pytest.raises(UserError, match="already holds a checkpoint; pass --resume"):
        train_from_recipe(recipe, tokens, output)

    resumed = train_from_recipe(
        tiny_recipe(max_steps=4, batch_tokens=2 * 4 * 32, export=["hf", "meta"]), tokens, output, resume=True
    )
    assert resumed["steps"] == 4
    remote_log = [json.loads(line) for line in MEMORY.cat_file(_memory_path(resumed["log"])).splitlines()]
    a = [(r["step"], r["loss"]) for r in read_log(straight["log"]) if "loss" in r]
    b = [(r["step"], r["loss"]) for r in remote_log if "loss" in r]
    assert [s for s, _ in b] == [1, 2, 3, 4]
    assert max(abs(x - y) for (_, x), (_, y) in zip(a, b, strict=True)) <= 1e-6
    assert MEMORY.cat_file(_memory_path(join(output, "checkpoints/LATEST"))) == b"step-00000004\n"
    model, info = load_model(output)  # the run folder's URL: its LATEST is followed, remotely
    assert info["step"] == 4  # the cached copy is refreshed when the remote files change
    hf_model, hf_info = load_model(join(output, "hf"))
    assert hf_info["layout"] == "hf" and load_model(join(output, "meta"))[1]["layout"] == "meta"
    state = model.state_dict()
    assert all(torch.allclose(state[k], v, atol=1e-6) for k, v in hf_model.state_dict().items())
    names = [p.removeprefix(_memory_path(output) + "/") for p in MEMORY.find(_memory_path(output))]
    assert {
        "checkpoints/LATEST",
        "checkpoints/step-00000004/.metadata",
        "checkpoints/step-00000004/__0_0.distcp",
        "checkpoints/step-00000004/train_state.pt",
        "train_log.jsonl",
        "loss.png",
        "hf/model.safetensors",
        "meta/params.json",
    } <= set(names)
    assert not [n for n in names if ".tmp-" in n or "step-00000002" in n]  # the older checkpoint is gone


@pytest.mark.slow
def test_generate_reads_a_remote_checkpoint_and_tokenizer(tmp_path, remote, capsys):
    tokens = write_sentencepiece_dataset(tmp_path)
    output = join(remote, "run")
    train_from_recipe(tiny_recipe(max_steps=2), str(tokens), output)
    capsys.readouterr()
    tokenizer = join(remote, "tok.model")
    MEMORY.pipe_file(_memory_path(tokenizer), (tmp_path / "tok.model").read_bytes())
    argv = [
        "generate",
        "--checkpoint",
        output,
        "--prompt",
        "the data",
        "--temperature",
        "0",
    ]
    assert cli_main([*argv, "--max-new-tokens", "4", "--tokenizer", tokenizer]) == 0
    assert capsys.readouterr().out.startswith("the data")
    (tmp_path / "tok.model").unlink()  # the checkpoint names it; a wrong one is refused by its sha256
    MEMORY.pipe_file(_memory_path(tokenizer), b"not a tokenizer")
    assert cli_main([*argv, "--tokenizer", tokenizer]) == 2
    assert "not the tokenizer the checkpoint was trained with" in capsys.readouterr().err


def test_a_remote_manifest_with_a_wrong_field_names_the_remote_file_and_the_field(remote, cache):
    url = write_token_dataset(join(remote, "tokens"), SOURCES)
    manifest_path = _memory_path(join(url, "manifest.json"))
    manifest = json.loads(MEMORY.cat_file(manifest_path))
    manifest["token_size"] = 3
    MEMORY.pipe_file(manifest_path, json.dumps(manifest).encode())
    with pytest.raises(ShardError, match=r"^memory://.*/manifest\.json: token_size: must be 2 or 4, got 3$"):
        TokenDataset.open(url)
    assert not list(cache.rglob("*.ds"))  # refused before any shard was fetched


def test_planning_a_mixture_reads_only_the_remote_manifest(remote, cache):
    url = write_token_dataset(join(remote, "tokens"), SOURCES)
    planned = plan_mixture(TokenDataset.open(url, manifest_only=True), MixtureConfig(weights=WEIGHTS))
    assert not list(cache.rglob("*.ds"))  # nothing fetched for a plan
    assert planned == plan_mixture(TokenDataset.open(url), MixtureConfig(weights=WEIGHTS))
