"""Checkpoint layouts: our own (resumable), Meta's and Hugging Face's, and the errors of a bad file."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import torch
from model_fixtures import TINY, flip_tensor_bytes, random_model

from model.checkpoint import (
    CheckpointError,
    capture_rng_state,
    export_hf,
    export_meta,
    import_hf,
    import_meta,
    load_checkpoint,
    load_model,
    permute_rotary,
    restore_rng_state,
    save_checkpoint,
    unpermute_rotary,
)
from model.model import ROPE_LAYOUT
from pipeline.cli import main as cli_main

transformers = pytest.importorskip("transformers")


def _same_state(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_permutation_round_trip():
    weight = torch.randn(64, 48)
    assert torch.equal(unpermute_rotary(permute_rotary(weight, 4), 4), weight)
    assert not torch.equal(permute_rotary(weight, 4), weight)


def test_own_checkpoint_round_trip_with_rng_states(tmp_path):
    model = random_model()
    random.seed(3)
    np.random.seed(4)
    torch.manual_seed(5)
    rng = capture_rng_state()
    expected = (random.random(), np.random.rand(), torch.rand(1))
    save_checkpoint(
        tmp_path / "checkpoint.pt",
        {"model_args": vars(TINY).copy(), "model": model.state_dict(), "rng": rng, "step": 7},
    )
    assert not list(tmp_path.glob(".*tmp*"))  # the temporary file was renamed into place
    payload = load_checkpoint(tmp_path)
    assert payload["rope_layout"] == ROPE_LAYOUT and payload["step"] == 7
    assert _same_state(payload["model"], model.state_dict())
    restore_rng_state(payload["rng"])
    assert (random.random(), np.random.rand(), torch.rand(1)) == expected
    loaded, info = load_model(tmp_path / "checkpoint.pt")
    assert info["layout"] == "own" and _same_state(loaded.state_dict(), model.state_dict())


def test_meta_layout_round_trip(tmp_path):
    model = random_model()
    export_meta(model.state_dict(), TINY, tmp_path)
    params = json.loads((tmp_path / "params.json").read_text())
    assert {"dim", "multiple_of", "n_heads", "n_layers", "norm_eps", "vocab_size"} <= params.keys()
    assert "rope.freqs" in torch.load(tmp_path / "consolidated.00.pth", weights_only=True)
    args, state = import_meta(tmp_path, max_seq_len=TINY.max_seq_len)
    assert args == TINY and _same_state(state, model.state_dict())


def test_meta_model_parallel_shards_are_joined(tmp_path):
    """Split as Meta's 2-rank checkpoints are (row/column parallel), then import must rebuild the weights."""
    model = random_model()
    full = model.state_dict()
    export_meta(full, TINY, tmp_path)
    column_parallel_dim1 = ("tok_embeddings", "wo", "w2")
    shards: list[dict] = [{}, {}]
    for name, tensor in full.items():
        kind = name.split(".")[-2]
        if tensor.dim() == 1:
            pieces = [tensor, tensor]  # norms are replicated
        else:
            pieces = tensor.chunk(2, dim=1 if kind in column_parallel_dim1 else 0)
        for shard, piece in zip(shards, pieces, strict=True):
            shard[name] = piece.clone()
    for rank, shard in enumerate(shards):
        torch.save(shard, tmp_path / f"consolidated.{rank:02d}.pth")
    _, state = import_meta(tmp_path, max_seq_len=TINY.max_seq_len)
    assert _same_state(state, full)


def test_hugging_face_round_trip_via_from_pretrained(tmp_path):
    model = random_model()
    export_hf(model.state_dict(), TINY, tmp_path)
    hf = transformers.LlamaForCausalLM.from_pretrained(tmp_path, dtype=torch.float32)
    hf.save_pretrained(tmp_path / "resaved")  # written by transformers itself
    args, state = import_hf(tmp_path / "resaved")
    assert args == TINY and _same_state(state, model.state_dict())
    loaded, info = load_model(tmp_path / "resaved")
    assert info["layout"] == "hf"
    tokens = torch.randint(0, TINY.vocab_size, (1, 16))
    with torch.no_grad():
        assert torch.equal(loaded(tokens)[0], model(tokens)[0])


def test_corrupt_checkpoint_is_one_clear_error(tmp_path):
    model = random_model()
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, {"model_args": vars(TINY).copy(), "model": model.state_dict()})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # truncated, as by a full disk
    with pytest.raises(CheckpointError, match=r"checkpoint.pt: corrupt or unreadable checkpoint") as info:
        load_checkpoint(path)
    assert "\n" not in str(info.value)
    (tmp_path / "other.pt").write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match="corrupt or unreadable"):
        load_checkpoint(tmp_path / "other.pt")
    torch.save({"weights": torch.zeros(1)}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not a llama-data checkpoint"):
        load_checkpoint(tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "missing.pt")


def test_corrupt_safetensors_is_one_clear_error(tmp_path):
    export_hf(random_model().state_dict(), TINY, tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(CheckpointError, match="corrupt or unreadable safetensors"):
        import_hf(tmp_path)


def test_pickled_code_is_refused(tmp_path):
    """weights_only loading: a checkpoint that would run code on load is rejected, not executed."""

    class Payload:
        def __reduce__(self):
            return (print, ("executed",))

    torch.save({"format": "llama-data-checkpoint", "evil": Payload()}, tmp_path / "evil.pt")
    with pytest.raises(CheckpointError, match="corrupt or unreadable"):
        load_checkpoint(tmp_path / "evil.pt")


def _save_tiny(path, **extra) -> dict:
    state = random_model().state_dict()
    save_checkpoint(path, {"model_args": vars(TINY).copy(), "model": state, "step": 7, **extra})
    return state


def test_flipped_bytes_in_a_tensor_are_one_line_naming_the_file_and_the_tensor(tmp_path, capsys):
    path = tmp_path / "checkpoint.pt"
    state = _save_tiny(path)
    flip_tensor_bytes(path, state["tok_embeddings.weight"])
    loaded = torch.load(path, weights_only=True)["model"]["tok_embeddings.weight"]
    assert not torch.equal(loaded, state["tok_embeddings.weight"])  # torch.load itself notices nothing
    with pytest.raises(CheckpointError) as refused:
        load_checkpoint(path)
    assert str(refused.value) == (
        f"{path}: tensor model/tok_embeddings.weight does not match its sha256 (the file is corrupt)"
    )
    assert cli_main(["generate", "--checkpoint", str(path), "--prompt", "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{path}: tensor model/tok_embeddings.weight does not match" in err


def test_changed_non_tensor_entries_or_missing_checksums_are_refused(tmp_path):
    path = tmp_path / "checkpoint.pt"
    _save_tiny(path)
    payload = torch.load(path, weights_only=True)
    torch.save({**payload, "step": 8}, path)  # the checksums kept, the step changed
    with pytest.raises(CheckpointError, match=r"checkpoint.pt: the non-tensor entries .* do not match"):
        load_checkpoint(path)
    torch.save({k: v for k, v in payload.items() if k != "checksums"}, path)
    with pytest.raises(CheckpointError, match=r"checkpoint.pt: version 2 checkpoint without checksums"):
        load_checkpoint(path)
    torch.save({**payload, "extra": torch.zeros(2)}, path)
    with pytest.raises(CheckpointError, match=r"checkpoint.pt: tensor extra has no checksum"):
        load_checkpoint(path)


def test_a_checkpoint_from_before_checksums_loads_with_a_warning(tmp_path):
    path = tmp_path / "checkpoint.pt"
    state = random_model().state_dict()
    old = {"format": "llama-data-checkpoint", "version": 1, "rope_layout": ROPE_LAYOUT}
    torch.save({**old, "model_args": vars(TINY).copy(), "model": state, "step": 3}, path)
    with pytest.warns(UserWarning, match=r"checkpoint.pt: version 1 checkpoint, written without checksums"):
        payload = load_checkpoint(path)
    assert payload["step"] == 3 and _same_state(payload["model"], state)


def test_checksums_cover_every_tensor_and_are_not_returned(tmp_path):
    path = tmp_path / "checkpoint.pt"
    rng = capture_rng_state()
    _save_tiny(path, optimizer={"state": {"w": {"exp_avg": torch.ones(3)}}}, rng=rng)
    checksums = torch.load(path, weights_only=True)["checksums"]
    assert {"model/tok_embeddings.weight", "optimizer/state/w/exp_avg", "rng/torch"} <= checksums.keys()
    assert "checksums" not in load_checkpoint(path)
