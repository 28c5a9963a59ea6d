"""What a crash, a restart or a second identical run must not change: checkpoint bytes, the log, the summary."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from model_fixtures import tiny_recipe, write_token_dataset
from torch.distributed.checkpoint.state_dict import StateDictOptions, get_state_dict, set_state_dict

import model.train as train_module
from model.checkpoint import load_checkpoint, save_checkpoint
from model.config import TrainConfig
from model.model import ModelArgs, Transformer
from model.sharded import latest_checkpoint, load_sharded, read_train_state
from model.train import LOG_NAME, configure_optimizer, read_log, train_from_recipe
from pipeline.errors import UserError

# Checkpoints at steps 2 and 4 of 4, two micro steps per optimizer step.
SETTINGS = {"max_steps": 4, "batch_tokens": 2 * 4 * 32, "checkpoint_interval": 2}


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> Path:
    return write_token_dataset(tmp_path_factory.mktemp("tokens"))


@pytest.fixture(scope="module")
def straight(tokens, tmp_path_factory) -> dict:
    """One uninterrupted run: what every interrupted one must read like."""
    return train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(tmp_path_factory.mktemp("straight")))


def _shape(log: str | Path) -> list[tuple[int, str]]:
    return [(r["step"], "train" if "loss" in r else "val") for r in read_log(log)]


def _losses(log: str | Path) -> list[float]:
    return [r["loss"] for r in read_log(log) if "loss" in r]


def _reads_like(log: str | Path, straight: dict, stopped_at: int | None = None) -> None:
    """The log of an interrupted run holds the uninterrupted run's records, once each, in order; a run stopped
    on purpose by --max-steps also holds the validation it did at that stop."""
    expected = [(0, "val"), (1, "train"), (2, "train"), (3, "train"), (4, "train"), (4, "val")]
    assert _shape(straight["log"]) == expected
    if stopped_at is not None:
        expected.insert(expected.index((stopped_at, "train")) + 1, (stopped_at, "val"))
    assert _shape(log) == expected
    assert max(abs(a - b) for a, b in zip(_losses(log), _losses(straight["log"]), strict=True)) <= 1e-6


class Killed(Exception):
    """Stands for the process dying (SIGKILL, preemption) at the point a test picks."""


def _kill_at_checkpoint(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    """Make the `number`-th checkpoint write (1-based) die before it writes anything."""
    real, calls = train_module._save, []

    def save(*args, **kwargs):
        calls.append(1)
        if len(calls) == number:
            raise Killed
        return real(*args, **kwargs)

    monkeypatch.setattr(train_module, "_save", save)


@pytest.mark.slow
def test_identical_runs_write_byte_identical_checkpoints(tokens, tmp_path):
    checkpoints = []
    for run in range(2):
        # Whatever the process did before (other code drawing from the global generators) must not matter.
        random.seed(run)
        np.random.seed(run)
        torch.manual_seed(run)
        result = train_from_recipe(tiny_recipe(max_steps=2), str(tokens), str(tmp_path / f"run{run}"))
        folder = Path(result["checkpoint"])
        checkpoints.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert sorted(checkpoints[0]) == [".metadata", "__0_0.distcp", "train_state.pt"]
    assert checkpoints[0] == checkpoints[1]


@pytest.mark.slow
def test_resume_after_the_final_checkpoint_reports_the_run_as_it_was(tokens, straight, tmp_path):
    output = tmp_path / "run"
    first = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output))
    log_before = (output / LOG_NAME).read_bytes()
    again = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output), resume=True)
    assert again["val_loss_before"] == first["val_loss_before"] == straight["val_loss_before"]
    assert again["val_loss_after"] == pytest.approx(first["val_loss_after"], abs=1e-6)
    assert again["val_loss_after"]["commoncrawl"] < again["val_loss_before"]["commoncrawl"]
    assert again["steps"] == first["steps"] == 4
    assert (output / LOG_NAME).read_bytes() == log_before  # nothing to add, nothing dropped


@pytest.mark.slow
def test_resume_mid_run_reports_the_start_loss_and_logs_one_run(tokens, straight, tmp_path):
    output = str(tmp_path / "run")
    half = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), output, max_steps=2)
    resumed = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), output, resume=True)
    assert half["val_loss_before"] == resumed["val_loss_before"] == straight["val_loss_before"]
    assert resumed["val_loss_after"] == pytest.approx(straight["val_loss_after"], abs=1e-6)
    _reads_like(resumed["log"], straight, stopped_at=2)


@pytest.mark.slow
def test_a_run_killed_before_its_first_checkpoint_restarts_with_one_log(
    tokens, straight, tmp_path, monkeypatch
):
    output = str(tmp_path / "run")
    _kill_at_checkpoint(monkeypatch, 1)  # dies at step 2, having logged steps 0-2, with no checkpoint
    with pytest.raises(Killed):
        train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), output)
    assert _shape(Path(output) / LOG_NAME) == [(0, "val"), (1, "train"), (2, "train")]
    monkeypatch.undo()
    resumed = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), output, resume=True)
    assert resumed["val_loss_before"] == straight["val_loss_before"]
    _reads_like(resumed["log"], straight)


@pytest.mark.slow
def test_a_run_killed_after_a_checkpoint_drops_the_steps_it_will_redo(
    tokens, straight, tmp_path, monkeypatch
):
    output = str(tmp_path / "run")
    _kill_at_checkpoint(monkeypatch, 2)  # checkpoint at step 2 written, dies at step 4's
    with pytest.raises(Killed):
        train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), output)
    assert [s for s, _ in _shape(Path(output) / LOG_NAME)] == [0, 1, 2, 3, 4, 4]
    monkeypatch.undo()
    resumed = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), output, resume=True)
    assert resumed["val_loss_before"] == straight["val_loss_before"]
    _reads_like(resumed["log"], straight)


@pytest.mark.slow
def test_a_torn_last_log_line_is_ignored_on_resume(tokens, straight, tmp_path):
    output = tmp_path / "run"
    train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output), max_steps=2)
    log = output / LOG_NAME
    record = json.dumps({"step": 3, "loss": 4.25, "lr": 0.001}) + "\n"
    log.write_bytes(log.read_bytes() + record.encode()[: len(record) // 2])  # a crash in mid-write
    assert _shape(log) == [(0, "val"), (1, "train"), (2, "train"), (2, "val")]  # read_log skips it too
    resumed = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output), resume=True)
    _reads_like(resumed["log"], straight, stopped_at=2)


@pytest.mark.slow
def test_a_torn_line_inside_the_log_is_one_line_naming_it(tokens, tmp_path):
    output = tmp_path / "run"
    train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output), max_steps=2)
    log = output / LOG_NAME
    lines = log.read_text().splitlines(keepends=True)
    lines[1] = lines[1][:10] + "\n"
    log.write_text("".join(lines))
    with pytest.raises(UserError) as refused:
        train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output), resume=True)
    message = str(refused.value)
    assert message.startswith(f"{log} line 2: not a JSON record") and "\n" not in message


@pytest.mark.slow
def test_each_log_record_is_one_write_and_the_log_is_synced_at_checkpoints(tokens, tmp_path, monkeypatch):
    """A crash can then tear only the last line, and a checkpoint never refers to log lines still in flight."""
    events: list[tuple[str, bytes | int]] = []
    real_write, real_fsync, real_save = os.write, os.fsync, train_module.save_sharded

    def write(fd: int, data: bytes) -> int:
        if bytes(data).startswith(b'{"step"'):
            events.append(("write", bytes(data)))
        return real_write(fd, data)

    def fsync(fd: int) -> None:
        events.append(("fsync", fd))
        real_fsync(fd)

    def save_sharded(*args, **kwargs):
        events.append(("checkpoint", 0))
        return real_save(*args, **kwargs)

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(train_module, "save_sharded", save_sharded)
    result = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(tmp_path / "run"))
    writes = [data for kind, data in events if kind == "write"]
    assert [json.loads(data) for data in writes] == read_log(result["log"])
    assert all(data.endswith(b"\n") and data.count(b"\n") == 1 for data in writes)
    kinds = [kind for kind, _ in events]
    checkpoints = [i for i, kind in enumerate(kinds) if kind == "checkpoint"]
    assert len(checkpoints) == 2 and all(kinds[i - 1] == "fsync" for i in checkpoints)


def _to_single_file_checkpoint(output: Path) -> None:
    """Rewrite a run folder's sharded checkpoint as the one checkpoint.pt that older code wrote (full model and
    optimizer states, keyed by parameter name) and remove the sharded one."""
    folder = latest_checkpoint(output)
    state = read_train_state(folder)
    model = Transformer(ModelArgs(**state["model_args"]))
    optimizer = configure_optimizer(model, TrainConfig(), torch.device("cpu"))
    model_state, optim_state = get_state_dict(model, optimizer)
    load_sharded(folder, model_state, optim_state)
    set_state_dict(model, optimizer, model_state_dict=model_state, optim_state_dict=optim_state)
    full_model, full_optim = get_state_dict(
        model, optimizer, options=StateDictOptions(full_state_dict=True, cpu_offload=True)
    )
    for key in ("files",):
        state.pop(key)
    save_checkpoint(output / "checkpoint.pt", {**state, "model": full_model, "optimizer": full_optim})
    shutil.rmtree(output / "checkpoints")


@pytest.mark.slow
def test_a_checkpoint_and_log_from_older_code_resume_as_one_run(tokens, straight, tmp_path):
    """Older code wrote one checkpoint.pt (full states), at first without the "before" loss (the log's
    step-0 record has it), and its from-scratch restarts logged step 0 twice."""
    output = tmp_path / "run"
    train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output), max_steps=2)
    _to_single_file_checkpoint(output)
    payload = load_checkpoint(output / "checkpoint.pt")
    del payload["val_loss_before"]
    save_checkpoint(output / "checkpoint.pt", payload)
    log = output / LOG_NAME
    lines = log.read_text().splitlines(keepends=True)
    log.write_text(lines[0] + "".join(lines))
    resumed = train_from_recipe(tiny_recipe(**SETTINGS), str(tokens), str(output), resume=True)
    assert resumed["val_loss_before"] == straight["val_loss_before"]
    _reads_like(resumed["log"], straight, stopped_at=2)
