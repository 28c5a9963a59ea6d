"""The trainer: LR schedule, config errors, overfitting, resume equality, the CLI, generation, torchrun."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import yaml
from model_fixtures import (
    TINY,
    read_sharded,
    tiny_recipe,
    torchrun_train,
    write_recipe,
    write_sentencepiece_dataset,
    write_token_dataset,
)

from model.config import TrainConfig, model_args_for, training_budget
from model.model import Transformer
from model.sharded import latest_checkpoint
from model.train import configure_optimizer, lr_at, read_log, train_from_recipe
from pipeline.cli import main as cli_main
from pipeline.config import MixtureConfig, parse_section
from pipeline.errors import ConfigError, UserError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> Path:
    return write_token_dataset(tmp_path_factory.mktemp("tokens"))


def test_lr_schedule_warmup_then_cosine_to_ten_percent():
    cfg = TrainConfig(lr=3e-4, warmup_steps=2000, max_steps=10000)
    assert lr_at(0, cfg) == pytest.approx(3e-4 / 2000)
    assert lr_at(999, cfg) == pytest.approx(3e-4 * 1000 / 2000)
    assert lr_at(2000, cfg) == pytest.approx(3e-4)  # the peak, at the end of warmup
    assert lr_at(6000, cfg) == pytest.approx(3e-5 + 0.5 * (3e-4 - 3e-5))  # half way down the cosine
    assert lr_at(10000, cfg) == pytest.approx(3e-5)  # 10% of the peak
    assert lr_at(12000, cfg) == pytest.approx(3e-5)  # and it stays there
    assert lr_at(3000, cfg) == pytest.approx(3e-5 + 0.5 * (1 + math.cos(math.pi / 8)) * 2.7e-4)


def test_weight_decay_only_on_two_dimensional_weights():
    optimizer = configure_optimizer(Transformer(TINY), TrainConfig(), torch.device("cpu"))
    decayed, plain = optimizer.param_groups
    assert decayed["weight_decay"] == 0.1 and all(p.dim() == 2 for p in decayed["params"])
    assert plain["weight_decay"] == 0.0 and all(p.dim() == 1 for p in plain["params"])
    assert optimizer.defaults["betas"] == (0.9, 0.95)
    assert len(plain["params"]) == 2 * TINY.n_layers + 1  # two norms per block and the final one


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"bogus": 1}, "train.bogus: unknown key"),
        ({"lr": "fast"}, "train.lr: expected a number"),
        ({"preset": "huge"}, "train.preset: unknown preset 'huge'"),
        ({"dtype": "float16"}, "train.dtype: expected auto"),
        ({"max_steps": 0}, "train.max_steps: must be at least 1"),
        ({"export": ["onnx"]}, "train.export: unknown layout 'onnx'"),
    ],
)
def test_config_errors_name_the_key(section, message):
    with pytest.raises(ConfigError, match=message):
        parse_section(TrainConfig, section, "train")


def test_batch_tokens_must_divide_into_micro_batches(tokens, tmp_path):
    with pytest.raises(ConfigError, match="train.batch_tokens: 100 is not a multiple"):
        train_from_recipe(tiny_recipe(batch_tokens=100), str(tokens), str(tmp_path))


@pytest.mark.slow
def test_tiny_model_overfits_one_batch():
    torch.manual_seed(0)
    model = Transformer(TINY)
    optimizer = configure_optimizer(model, TrainConfig(lr=1e-2), torch.device("cpu"))
    batch = torch.randint(3, TINY.vocab_size, (4, 33), generator=torch.Generator().manual_seed(0))
    for _ in range(100):
        _, loss = model(batch[:, :-1], batch[:, 1:])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if loss.item() < 0.1:
            break
    assert loss.item() < 0.1


def _train_losses(log: str) -> list[tuple[int, float]]:
    return [(r["step"], r["loss"]) for r in read_log(log) if "loss" in r]


@pytest.mark.slow
def test_resume_equals_training_straight_through(tokens, tmp_path):
    # Gradient accumulation (2 micro steps per optimizer step) and warmup + decay are both exercised.
    recipe = tiny_recipe(max_steps=6, batch_tokens=2 * 4 * 32, warmup_steps=2)
    straight = train_from_recipe(recipe, str(tokens), str(tmp_path / "straight"))
    half = train_from_recipe(recipe, str(tokens), str(tmp_path / "halves"), max_steps=3)
    assert half["steps"] == 3
    resumed = train_from_recipe(recipe, str(tokens), str(tmp_path / "halves"), resume=True)
    assert resumed["steps"] == 6
    a, b = _train_losses(straight["log"]), _train_losses(resumed["log"])
    assert [s for s, _ in a] == [s for s, _ in b] == [1, 2, 3, 4, 5, 6]
    assert max(abs(x - y) for (_, x), (_, y) in zip(a, b, strict=True)) <= 1e-6
    for source, loss in straight["val_loss_after"].items():
        assert resumed["val_loss_after"][source] == pytest.approx(loss, abs=1e-6)
    (one, one_model), (two, two_model) = (
        read_sharded(straight["checkpoint"]),
        read_sharded(resumed["checkpoint"]),
    )
    assert one["sample_index"] == two["sample_index"] == 6 * 8
    assert one_model.keys() == two_model.keys()
    assert all(torch.allclose(one_model[k], two_model[k], atol=1e-6) for k in one_model)


@pytest.mark.slow
def test_training_lowers_validation_loss_and_writes_log_and_plot(tokens, tmp_path):
    result = train_from_recipe(
        tiny_recipe(max_steps=60, log_interval=10, export=["hf", "meta"]), str(tokens), str(tmp_path)
    )
    assert set(result["val_loss_before"]) == {"commoncrawl"}
    assert result["val_loss_after"]["commoncrawl"] < result["val_loss_before"]["commoncrawl"] - 1.0
    records = read_log(result["log"])
    assert {"loss", "lr", "grad_norm", "tokens_per_second", "mfu"} <= records[1].keys()
    assert records[1]["mfu"] is None  # CPU: no peak to compare against
    assert Path(result["plot"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "hf" / "model.safetensors").is_file() and (tmp_path / "meta" / "params.json").is_file()
    with pytest.raises(UserError, match="already holds a checkpoint; pass --resume"):
        train_from_recipe(tiny_recipe(), str(tokens), str(tmp_path))


def test_cli_reports_a_bad_train_key_in_one_line(tmp_path, tokens, capsys):
    config = tmp_path / "recipe.yaml"
    config.write_text(yaml.safe_dump({"train": {"preset": "tiny", "learning_rate": 1e-3}}))
    assert (
        cli_main(["train", "--config", str(config), "--tokens", str(tokens), "--output", str(tmp_path / "o")])
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "train.learning_rate: unknown key" in err


@pytest.mark.slow
def test_cli_train_then_generate_with_a_sentencepiece_tokenizer(tmp_path, capsys):
    tokens = write_sentencepiece_dataset(tmp_path)
    config = write_recipe(tmp_path / "recipe.yaml", max_steps=40, lr=1e-2)
    out = tmp_path / "run"
    assert cli_main(["train", "--config", str(config), "--tokens", str(tokens), "--output", str(out)]) == 0
    capsys.readouterr()
    argv = [
        "generate",
        "--checkpoint",
        str(out),  # the run folder: its checkpoints/LATEST names the newest checkpoint
        "--prompt",
        "the data",
        "--max-new-tokens",
        "12",
        "--temperature",
        "0",
    ]
    assert cli_main(argv) == 0
    text = capsys.readouterr().out.strip()
    assert text.startswith("the data") and len(text) > len("the data")
    assert cli_main(argv) == 0 and capsys.readouterr().out.strip() == text  # greedy: deterministic
    (out / "broken.pt").write_bytes(b"garbage")
    assert cli_main(["generate", "--checkpoint", str(out / "broken.pt"), "--prompt", "x"]) == 2
    assert "corrupt or unreadable checkpoint" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("parallel", ["ddp", "fsdp"])
def test_torchrun_two_processes_match_one(parallel, tokens, tmp_path):
    """The same global batch split over two ranks gives the same losses as one process accumulating it."""
    settings = {"max_steps": 4, "batch_tokens": 2 * 4 * 32, "parallel": parallel}
    config = write_recipe(tmp_path / "recipe.yaml", **settings)
    single = train_from_recipe(tiny_recipe(**settings), str(tokens), str(tmp_path / "one"), device="cpu")
    torchrun_train(2, config, tokens, tmp_path / "two")
    a = _train_losses(single["log"])
    b = _train_losses(str(tmp_path / "two" / "train_log.jsonl"))
    assert [s for s, _ in a] == [s for s, _ in b]
    assert max(abs(x - y) for (_, x), (_, y) in zip(a, b, strict=True)) <= 1e-4
    state, tensors = read_sharded(latest_checkpoint(tmp_path / "two"))
    assert state["world_size"] == 2 and state["step"] == 4
    # Both ranks' shards, joined when read by one process: the full model's shapes.
    assert {name: tuple(t.shape) for name, t in tensors.items()} == {
        name: tuple(t.shape)
        for name, t in Transformer(model_args_for("tiny", vocab_size=128)).state_dict().items()
    }


@pytest.mark.parametrize(
    ("train", "mixture", "expected"),
    [
        ({"max_steps": 10, "batch_tokens": 1000}, {}, (10, 1000, "train.max_steps")),
        ({"batch_tokens": 1000}, {"token_budget": 10_500}, (11, 1000, "mixture.token_budget")),
        ({"max_steps": 10, "batch_tokens": 1000}, {"token_budget": 10_400}, (10, 1000, "train.max_steps")),
        ({"micro_batch_size": 2, "seq_len": 8}, {}, (1000, 16, "the default max_steps")),
    ],
)
def test_one_training_budget_from_whichever_the_recipe_sets(train, mixture, expected):
    budget = training_budget(TrainConfig(**train), MixtureConfig(**mixture))
    assert (budget.steps, budget.batch_tokens, budget.origin) == expected


def test_a_recipe_whose_steps_and_token_budget_disagree_is_one_clear_error():
    """configs/llama.yaml once said 1.4T tokens in mixture.token_budget and 250,000 x 4M = 1.05T in train."""
    with pytest.raises(ConfigError) as refused:
        training_budget(
            TrainConfig(max_steps=250_000, batch_tokens=4_194_304),
            MixtureConfig(token_budget=1_400_000_000_000),
        )
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("mixture.token_budget 1,400,000,000,000 and train.max_steps x tokens per step")
    assert "(250,000 x 4,194,304 = 1,048,576,000,000) disagree" in message


def test_the_plan_mix_prints_is_the_one_that_trains(tokens, tmp_path, capsys):
    """The mixture's weights over the sources present, sized by max_steps x batch tokens, in `mix` and in the
    trainer's own log."""
    config = write_recipe(tmp_path / "recipe.yaml", max_steps=5, batch_tokens=256)
    assert cli_main(["mix", "--tokens", str(tokens), "--config", str(config)]) == 0
    printed = capsys.readouterr().out
    assert "training budget: 5 steps x 256 tokens = 1,280 tokens (from train.max_steps)" in printed
    assert "commoncrawl" in printed and "1,280" in printed
    result = train_from_recipe(tiny_recipe(max_steps=5, batch_tokens=256), str(tokens), str(tmp_path / "run"))
    records = [r for r in read_log(result["log"]) if "loss" in r]
    assert records[-1]["tokens"] == 1_280 and records[-1]["step"] == 5
