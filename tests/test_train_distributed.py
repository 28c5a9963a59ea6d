"""The trainer across process counts, on CPU with gloo: meta-device init, sharded checkpoints, the resume
position, and the memory FSDP saves. Each test starts torchrun with two processes."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import torch
from model_fixtures import (
    ROOT,
    read_sharded,
    tiny_recipe,
    torchrun,
    torchrun_train,
    write_recipe,
    write_token_dataset,
)

import model.train as train_module
from model.checkpoint import load_model
from model.config import model_args_for
from model.model import Transformer
from model.sharded import latest_checkpoint
from model.train import read_log, train_from_recipe
from tokenization.sampler import MixtureSampler
from tokenization.shards import TokenDataset

pytestmark = pytest.mark.slow
WORKER = str(ROOT / "tests" / "fsdp_worker.py")


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> Path:
    return write_token_dataset(tmp_path_factory.mktemp("tokens"))


def _losses(log: Path | str) -> dict[int, float]:
    return {r["step"]: r["loss"] for r in read_log(log) if "loss" in r}


def test_fsdp_meta_device_init_materialises_exactly_the_eager_model(tmp_path):
    """Two ranks build on the meta device, shard, and each fills only its rows (130-row tensors split 65/65,
    64-row init blocks straddling the cut): gathered, the weights are bit for bit an eager build's."""
    torchrun(2, [WORKER, "init", str(tmp_path / "init.pt")])
    sharded = torch.load(tmp_path / "init.pt", weights_only=True)
    eager = Transformer(model_args_for("tiny", vocab_size=130), seed=1234).state_dict()
    assert sharded.keys() == eager.keys()
    assert all(torch.equal(sharded[name], eager[name]) for name in eager)


def test_meta_device_fsdp_training_gives_the_losses_of_eager_init(tokens, tmp_path, monkeypatch):
    settings = {"max_steps": 4, "batch_tokens": 2 * 4 * 32, "parallel": "fsdp"}

    def eager_build(args, cfg, world, device, seed):
        model = Transformer(args, seed=seed).to(device)  # every weight allocated and drawn in one process
        model.activation_checkpointing = cfg.activation_checkpointing
        return model

    monkeypatch.setattr(train_module, "build_model", eager_build)
    eager = train_from_recipe(tiny_recipe(**settings), str(tokens), str(tmp_path / "eager"), device="cpu")
    monkeypatch.undo()
    torchrun_train(2, write_recipe(tmp_path / "recipe.yaml", **settings), tokens, tmp_path / "fsdp")
    a, b = _losses(eager["log"]), _losses(tmp_path / "fsdp" / "train_log.jsonl")
    assert list(a) == list(b) == [1, 2, 3, 4]
    assert max(abs(a[s] - b[s]) for s in a) <= 1e-4


def test_a_checkpoint_saved_on_two_processes_resumes_on_one_and_on_two_with_the_same_losses(tokens, tmp_path):
    settings = {"max_steps": 4, "batch_tokens": 2 * 4 * 32, "parallel": "fsdp", "checkpoint_interval": 2}
    config = write_recipe(tmp_path / "recipe.yaml", **settings)
    straight = train_from_recipe(
        tiny_recipe(**settings), str(tokens), str(tmp_path / "straight"), device="cpu"
    )
    torchrun_train(2, config, tokens, tmp_path / "two", "--max-steps", "2")
    folder = latest_checkpoint(tmp_path / "two")
    assert sorted(p.name for p in folder.iterdir()) == [
        ".metadata",
        "__0_0.distcp",
        "__1_0.distcp",
        "train_state.pt",
    ]
    for copy in ("on-one", "on-two"):
        shutil.copytree(tmp_path / "two", tmp_path / copy)
    one = train_from_recipe(
        tiny_recipe(**settings), str(tokens), str(tmp_path / "on-one"), resume=True, device="cpu"
    )
    torchrun_train(2, config, tokens, tmp_path / "on-two", "--resume")
    a, b = _losses(one["log"]), _losses(tmp_path / "on-two" / "train_log.jsonl")
    c = _losses(straight["log"])
    assert list(a) == list(b) == list(c) == [1, 2, 3, 4]
    assert max(abs(a[s] - b[s]) for s in (3, 4)) <= 1e-4
    assert max(abs(a[s] - c[s]) for s in a) <= 1e-4  # and both continue the uninterrupted run
    state, _ = read_sharded(latest_checkpoint(tmp_path / "on-one"))
    assert state["step"] == 4 and state["sample_index"] == 4 * 8 and state["world_size"] == 1


def test_a_resume_under_more_processes_continues_at_the_recorded_sample(tokens, tmp_path):
    """batch_tokens unset: a step is one micro batch (4 windows) per process, so one process reads 4 samples a
    step and two read 8. Stopped at step 2 on one process (samples 0-7), the resume on two must read samples
    8-15 at step 3; step x samples-per-step would put it at 16-23."""
    settings = {"max_steps": 4, "checkpoint_interval": 2}
    train_from_recipe(tiny_recipe(**settings), str(tokens), str(tmp_path / "run"), max_steps=2, device="cpu")
    shutil.copytree(tmp_path / "run", tmp_path / "step-two")  # the model the resume starts from
    torchrun_train(
        2, write_recipe(tmp_path / "recipe.yaml", **settings), tokens, tmp_path / "run", "--resume"
    )
    records = {r["step"]: r for r in read_log(tmp_path / "run" / "train_log.jsonl") if "loss" in r}
    assert [records[s]["sample_index"] for s in (1, 2, 3, 4)] == [4, 8, 16, 24]

    # The logged step-3 loss is the step-2 model's loss on exactly samples 8-15.
    sampler = MixtureSampler(TokenDataset.open(str(tokens)), {"commoncrawl": 1.0}, seq_len=32, seed=1234)
    model, _ = load_model(tmp_path / "step-two")

    def loss_on(first: int) -> float:
        windows = torch.from_numpy(sampler.batch(first, 8))
        with torch.no_grad():
            return float(model(windows[:, :-1], windows[:, 1:])[1])

    assert records[3]["loss"] == pytest.approx(loss_on(8), abs=1e-5)
    assert abs(loss_on(16) - loss_on(8)) > 1e-3  # the check can tell the two positions apart
    state, _ = read_sharded(latest_checkpoint(tmp_path / "run"))
    assert state["sample_index"] == 24 and state["world_size"] == 2


def test_fsdp_halves_the_memory_of_each_process_for_the_1b_preset(tmp_path, capsys):
    """Build the `1b` preset (vocabulary 1,024: ~0.93B parameters) and take one AdamW step: one process holds
    weights, gradients and both moments in fp32 (~15 GB); each of two FSDP ranks holds half of each."""
    import subprocess

    one = tmp_path / "one.json"
    subprocess.run([sys.executable, WORKER, "memory", str(one)], cwd=ROOT, check=True, timeout=600)
    torchrun(2, [WORKER, "memory", str(tmp_path / "two.json")])
    single = json.loads(one.read_text())["peak_rss_bytes"][0]
    ranks = json.loads((tmp_path / "two.json").read_text())["peak_rss_bytes"]
    with capsys.disabled():
        print(
            f"\npeak RSS, 1b preset, one AdamW step: 1 process {single / 2**30:.2f} GiB; "
            f"FSDP on 2 processes, per rank {', '.join(f'{r / 2**30:.2f}' for r in ranks)} GiB "
            f"({max(ranks) / single:.2f} of one process)"
        )
    assert max(ranks) < 0.62 * single
