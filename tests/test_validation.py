"""Bad numbers in a recipe and bad fields in a token manifest, as the commands meet them: each is one line that
names the file or key, exit status 2 from the CLI, never a traceback and never a run that trains on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from model_fixtures import write_token_dataset

from model.train import train_from_recipe
from pipeline.cli import main as cli_main
from pipeline.config import load_recipe
from pipeline.errors import ConfigError
from tokenization.shards import MANIFEST_NAME, ShardError

TINY_TRAIN = (
    "name: probe\nseed: 3\nmixture:\n  weights: {commoncrawl: 1.0}\ntrain:\n  preset: tiny\n  seq_len: 32\n"
    "  micro_batch_size: 2\n  max_steps: 2\n  warmup_steps: 1\n  eval_interval: 0\n  eval_windows: 2\n"
)


def _recipe(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(TINY_TRAIN + extra)
    return path


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_token_dataset(
        tmp_path_factory.mktemp("tokens"), {"commoncrawl": 4000}, validation_tokens=800
    )


def test_train_with_an_infinite_lr_stops_before_training(tmp_path, tokens, capsys):
    output = tmp_path / "run"
    status = cli_main(
        [
            "train",
            "--config",
            str(_recipe(tmp_path, "  lr: .inf\n")),
            "--tokens",
            str(tokens),
            "--output",
            str(output),
        ]
    )
    assert status == 2
    recipe = (tmp_path / "recipe.yaml").resolve()
    assert (
        _error_line(capsys)
        == f"llama-data train: error: {recipe}: train.lr: must be a finite number, got inf"
    )
    assert not (output / "checkpoint.pt").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  lr: .nan\n", "train.lr: must be a finite number, got nan"),
        ("  lr: -.inf\n", "train.lr: must be a finite number, got -inf"),
        ("  grad_clip: .nan\n", "train.grad_clip: must be a finite number, got nan"),
        ("  weight_decay: .nan\n", "train.weight_decay: must be a finite number, got nan"),
        ("  adam_eps: .inf\n", "train.adam_eps: must be a finite number, got inf"),
        ("  beta2: .nan\n", "train.beta2: must be a finite number, got nan"),
        ("  min_lr_ratio: .nan\n", "train.min_lr_ratio: must be a finite number, got nan"),
    ],
)
def test_every_non_finite_train_number_is_refused_naming_the_key(tmp_path, tokens, line, message):
    path = _recipe(tmp_path, line)
    recipe = load_recipe(path)
    with pytest.raises(ConfigError) as caught:
        train_from_recipe(recipe, str(tokens), str(tmp_path / "run"), device="cpu")
    assert str(caught.value) == f"{Path(path).resolve()}: {message}"  # the file, then the key
    assert not (tmp_path / "run").exists()


def _broken_copy(tokens: Path, tmp_path: Path, change) -> Path:
    """A copy of the dataset whose manifest.json is changed by `change` (valid JSON, wrong fields)."""
    copy = tmp_path / "broken"
    copy.mkdir()
    for path in tokens.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    manifest = json.loads((copy / MANIFEST_NAME).read_text())
    (copy / MANIFEST_NAME).write_text(json.dumps(change(manifest) or manifest))
    return copy


def _documents_x7(manifest: dict) -> None:
    manifest["shards"][1]["documents"] = "x7"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_documents_x7, 'shards[1].documents: expected a non-negative integer, got "x7"'),
        (lambda m: [m], "expected an object at the top level, got an array"),
        (lambda m: m.update(shards=None), "shards: expected an array, got null"),
    ],
)
def test_mix_names_the_manifest_and_the_field(tmp_path, tokens, capsys, change, message):
    broken = _broken_copy(tokens, tmp_path, change)
    assert cli_main(["mix", "--tokens", str(broken)]) == 2
    assert _error_line(capsys) == f"llama-data mix: error: {broken / MANIFEST_NAME}: {message}"


def test_mix_materialize_names_the_manifest_and_the_field(tmp_path, tokens, capsys):
    broken = _broken_copy(tokens, tmp_path, lambda m: m.update(token_size=3))
    frozen = tmp_path / "frozen"
    assert cli_main(["mix", "--tokens", str(broken), "--materialize", str(frozen)]) == 2
    line = _error_line(capsys)
    assert line == f"llama-data mix: error: {broken / MANIFEST_NAME}: token_size: must be 2 or 4, got 3"
    assert not frozen.exists()


def _rename_file(manifest: dict) -> None:
    manifest["shards"][0]["path"] = manifest["shards"][0].pop("file")


def test_train_names_the_manifest_and_the_field(tmp_path, tokens, capsys):
    broken = _broken_copy(tokens, tmp_path, _rename_file)
    with pytest.raises(ShardError) as caught:
        train_from_recipe(load_recipe(_recipe(tmp_path)), str(broken), str(tmp_path / "run"), device="cpu")
    assert str(caught.value) == f"{broken / MANIFEST_NAME}: shards[0].file: missing"
    output = tmp_path / "cli-run"
    config = str(_recipe(tmp_path))
    assert cli_main(["train", "--config", config, "--tokens", str(broken), "--output", str(output)]) == 2
    line = _error_line(capsys)
    assert line == f"llama-data train: error: {broken / MANIFEST_NAME}: shards[0].file: missing"
    assert not (output / "checkpoint.pt").exists()
