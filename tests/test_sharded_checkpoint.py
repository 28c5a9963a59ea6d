"""Sharded (DCP) checkpoints on one process: what a corrupt, partial or hostile checkpoint does."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
import torch
from model_fixtures import TINY, random_model
from torch.distributed.checkpoint.state_dict import get_state_dict

from model.checkpoint import CheckpointError, load_model
from model.config import TrainConfig
from model.sharded import (
    CHECKPOINTS_DIR,
    LATEST_NAME,
    latest_checkpoint,
    read_tensors,
    read_train_state,
    save_sharded,
    step_name,
)
from model.train import configure_optimizer


def _save(run: Path, step: int, model=None) -> Path:
    model = model or random_model()
    optimizer = configure_optimizer(model, TrainConfig(), torch.device("cpu"))
    model_state, optim_state = get_state_dict(model, optimizer)
    state = {"model_args": dataclasses.asdict(TINY), "sample_index": 8 * step, "tokenizer": None}
    return save_sharded(run, step, model_state, optim_state, state)


def test_tensors_read_one_by_one_are_the_model(tmp_path):
    model = random_model()
    folder = _save(tmp_path, 3, model)
    assert folder == latest_checkpoint(tmp_path) == tmp_path / CHECKPOINTS_DIR / step_name(3)
    tensors = dict(read_tensors(folder))
    assert tensors.keys() == model.state_dict().keys()
    assert all(torch.equal(tensors[k], v) for k, v in model.state_dict().items())
    loaded, info = load_model(tmp_path)  # the run folder: LATEST is followed
    assert info["layout"] == "sharded" and all(
        torch.equal(a, b)
        for a, b in zip(loaded.state_dict().values(), model.state_dict().values(), strict=True)
    )


def test_a_new_checkpoint_replaces_older_and_unfinished_ones(tmp_path):
    _save(tmp_path, 2)
    unfinished = tmp_path / CHECKPOINTS_DIR / step_name(3)
    unfinished.mkdir()  # a crash in mid-save: never named by LATEST
    (unfinished / "__0_0.distcp").write_bytes(b"partial")
    assert latest_checkpoint(tmp_path).name == step_name(2)
    _save(tmp_path, 4)
    assert sorted(p.name for p in (tmp_path / CHECKPOINTS_DIR).iterdir()) == [LATEST_NAME, step_name(4)]


def test_a_changed_byte_in_a_shard_file_is_one_line_naming_it(tmp_path):
    folder = _save(tmp_path, 1)
    shard = folder / "__0_0.distcp"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=f"{shard}: does not match its sha256"):
        read_train_state(folder)


def test_a_missing_shard_file_says_the_checkpoint_is_incomplete(tmp_path):
    folder = _save(tmp_path, 1)
    (folder / "__0_0.distcp").unlink()
    with pytest.raises(CheckpointError, match="missing \\(the checkpoint is incomplete\\)"):
        load_model(folder)


def test_latest_naming_no_checkpoint_is_refused(tmp_path):
    _save(tmp_path, 1)
    (tmp_path / CHECKPOINTS_DIR / LATEST_NAME).write_text(step_name(9) + "\n")
    with pytest.raises(CheckpointError, match="not a complete checkpoint"):
        latest_checkpoint(tmp_path)


class _Exploit:
    def __reduce__(self):
        return (Path.touch, (Path("/tmp/llama-data-pwned"),))


def test_metadata_that_would_run_code_is_refused_without_running_it(tmp_path):
    """DCP itself unpickles .metadata with plain pickle; ours resolves DCP's own classes only."""
    folder = _save(tmp_path, 1)
    target = Path("/tmp/llama-data-pwned")
    target.unlink(missing_ok=True)
    (folder / ".metadata").write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(CheckpointError, match="refers to pathlib.Path.touch|refers to pathlib"):
        list(read_tensors(folder))
    assert not target.exists()
