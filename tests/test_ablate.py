"""Data-mix ablations: two mixtures over the same shards, the side-by-side report, skipping, resuming, errors."""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path

import fsspec
import pytest
import yaml
from model_fixtures import tiny_recipe, write_token_dataset

from model.ablate import ablate, load_mixture_file, main
from pipeline.errors import ConfigError, UserError

# tiny_recipe: 4 sequences x 32 tokens = 128 tokens per step, so this budget is 10 steps for every run.
BUDGET = 10 * 128
SOURCES = {"commoncrawl", "wikipedia"}


def _recipe():
    return tiny_recipe(checkpoint_interval=4, lr=1e-2)


def _mixture(folder: Path, stem: str, section: dict, name: str | None = None) -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump({**({"name": name} if name else {}), "mixture": section}))
    return path


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> Path:
    return write_token_dataset(
        tmp_path_factory.mktemp("tokens"), {"commoncrawl": 8000, "wikipedia": 8000}, validation_tokens=1500
    )


@pytest.fixture(scope="module")
def mixtures(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("mixtures")
    return [
        _mixture(folder, "both", {"weights": {"commoncrawl": 0.5, "wikipedia": 0.5}, "seq_len": 32}, "even"),
        _mixture(folder, "cc-only", {"weights": {"commoncrawl": 1.0}, "seq_len": 32}),
    ]


@pytest.fixture(scope="module")
def finished(tokens, mixtures, tmp_path_factory) -> tuple[Path, dict]:
    """One ablation trained straight through, shared by the tests that only read or re-run it."""
    output = tmp_path_factory.mktemp("ablation")
    report = ablate(
        str(tokens), mixtures, str(output), BUDGET, preset="tiny", base_recipe=_recipe(), device="cpu"
    )
    return output, report


def _no_training(*args, **kwargs):
    raise AssertionError("a finished run was trained again")


@pytest.mark.slow
def test_two_mixtures_report_per_source_losses_side_by_side(finished):
    output, report = finished
    folder = output / "ablation"
    assert report["status"] == {"even": "trained", "cc-only": "trained"}
    written = json.loads((folder / "ablation.json").read_text())
    assert [run["name"] for run in written["runs"]] == ["even", "cc-only"]
    assert written["steps"] == 10 and written["tokens"] == BUDGET and written["seed"] == 1234
    even, cc_only = written["runs"]
    assert even["mixture"] == {"commoncrawl": 0.5, "wikipedia": 0.5} and cc_only["mixture"] == {
        "commoncrawl": 1.0
    }
    for run in written["runs"]:
        # Every run is scored on every source's validation split, whatever its weights.
        assert set(run["val_loss"]) == set(run["val_loss_before"]) == SOURCES
        assert run["steps"] == 10 and run["tokens"] == BUDGET
        assert (folder / run["checkpoint"]).is_dir() and (folder / run["log"]).is_file()
    assert even["val_loss_before"] == cc_only["val_loss_before"]  # same seed, model and validation windows
    # The model that never saw wikipedia is worse on it.
    assert cc_only["val_loss"]["wikipedia"] > even["val_loss"]["wikipedia"]
    table = (folder / "ablation.md").read_text()
    assert "| validation loss | untrained | even | cc-only |" in table
    for source in [*SOURCES, "mean"]:
        assert f"| {source} |" in table
    assert f"{cc_only['val_loss']['wikipedia']:.4f}" in table
    assert (folder / "ablation.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_rerunning_a_finished_ablation_skips_every_run_and_rewrites_the_same_report(
    finished, tokens, mixtures, monkeypatch, capsys
):
    output, _ = finished
    folder = output / "ablation"
    before = {name: (folder / name).read_bytes() for name in ("ablation.json", "ablation.md", "ablation.png")}
    monkeypatch.setattr("model.train.train_from_recipe", _no_training)
    report = ablate(str(tokens), mixtures, str(output), BUDGET, preset="tiny", base_recipe=_recipe())
    assert report["status"] == {"even": "skipped: finished", "cc-only": "skipped: finished"}
    assert "ablation even: skipped: finished" in capsys.readouterr().out
    assert {name: (folder / name).read_bytes() for name in before} == before


@pytest.mark.slow
def test_the_cli_handler_takes_its_options(finished, tokens, mixtures, monkeypatch, tmp_path, capsys):
    output, _ = finished
    config = tmp_path / "recipe.yaml"
    config.write_text(yaml.safe_dump({"seed": 1234, "train": _recipe().train}))
    monkeypatch.setattr("model.train.train_from_recipe", _no_training)
    args = argparse.Namespace(
        tokens=str(tokens),
        mixture=[str(m) for m in mixtures],
        budget=BUDGET,
        preset="tiny",
        output=str(output),
        config=str(config),
        seed=None,
        force=False,
        max_steps=None,
        device=None,
    )
    assert main(args, []) == 0
    printed = capsys.readouterr().out
    assert "skipped: finished" in printed and "validation loss" in printed and "wikipedia" in printed
    with pytest.raises(UserError, match="at least two --mixture"):
        main(argparse.Namespace(**{**vars(args), "mixture": [str(mixtures[0])]}), [])


@pytest.mark.slow
def test_an_interrupted_ablation_continues_where_it_stopped(finished, tokens, mixtures, tmp_path):
    common = {"preset": "tiny", "base_recipe": _recipe(), "device": "cpu"}
    stopped = ablate(str(tokens), mixtures, str(tmp_path), BUDGET, max_steps=4, **common)
    assert stopped["status"] == {"even": "stopped at step 4", "cc-only": "stopped at step 4"}
    folder = tmp_path / "ablation"
    assert not (folder / "even" / "result.json").exists() and not (folder / "ablation.json").exists()
    resumed = ablate(str(tokens), mixtures, str(tmp_path), BUDGET, **common)
    assert resumed["status"] == {"even": "resumed", "cc-only": "resumed"}
    straight = finished[1]
    for one, two in zip(straight["runs"], resumed["runs"], strict=True):
        assert two["steps"] == 10
        for source, loss in one["val_loss"].items():
            assert two["val_loss"][source] == pytest.approx(loss, abs=1e-6)
    # Killed after the last checkpoint but before result.json: the run resumes at its end, trains nothing.
    (folder / "even" / "result.json").unlink()
    again = ablate(str(tokens), mixtures, str(tmp_path), BUDGET, **common)
    assert again["status"] == {"even": "resumed", "cc-only": "skipped: finished"}
    assert again["runs"] == resumed["runs"]


@pytest.mark.slow
def test_a_changed_run_is_an_error_and_force_retrains_it(finished, tokens, mixtures, tmp_path, monkeypatch):
    output, _ = finished
    with pytest.raises(UserError, match=r"trained with another config \(train.max_steps: 10 -> 11\)"):
        ablate(str(tokens), mixtures, str(output), BUDGET + 128, preset="tiny", base_recipe=_recipe())
    # A fresh tokens folder: the default output is beside it.
    tokens = write_token_dataset(
        tmp_path / "tokens", {"commoncrawl": 2000, "wikipedia": 2000}, validation_tokens=500
    )
    common = {"preset": "tiny", "base_recipe": _recipe(), "device": "cpu"}
    first = ablate(str(tokens), mixtures, None, 128, **common)
    assert first["status"] == {"even": "trained", "cc-only": "trained"}
    assert (tmp_path / "ablation" / "ablation.json").is_file()
    again = ablate(str(tokens), mixtures, None, 128, force=True, **common)
    assert again["status"] == {"even": "trained", "cc-only": "trained"}
    assert again["runs"] == first["runs"]  # same seed, same shards: the same model


def test_a_folder_that_is_not_an_ablation_run_is_left_alone(tokens, mixtures, tmp_path):
    (tmp_path / "ablation" / "even").mkdir(parents=True)
    (tmp_path / "ablation" / "even" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="holds files but no run.json"):
        ablate(str(tokens), mixtures, str(tmp_path), BUDGET, preset="tiny", base_recipe=_recipe())
    assert (tmp_path / "ablation" / "even" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mixture: {weights: {moon: 1.0}}", r"bad.yaml: mixture.weights.moon: unknown source"),
        ("mixture: {weights: {commoncrawl: 0}}", r"bad.yaml: mixture.weights: at least one source"),
        (
            "mixture: {weights: {commoncrawl: 1}, token_budget: 10}",
            r"bad.yaml: mixture.token_budget: --budget",
        ),
        (
            "name: x\nmixture: {}\ntrain: {lr: 1}",
            r"bad.yaml: train: a mixture file holds only name and mixture",
        ),
        ("name: x", r"bad.yaml: no mixture section"),
        ("name: ../up\nmixture: {}", r"bad.yaml: name '../up': use letters"),
        ("mixture: {weights: {commoncrawl: 1}\n", r"bad.yaml: not valid YAML"),
        ("mixture: {seq_len: 8}\nmixture: {seq_len: 9}", r"bad.yaml: line 2: duplicate key 'mixture'"),
    ],
)
def test_a_bad_mixture_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_mixture_file(path)


def test_mixtures_that_cannot_be_compared_are_refused_before_training(tokens, mixtures, tmp_path):
    twin = _mixture(tmp_path, "twin", {"weights": {"wikipedia": 1.0}, "seq_len": 32}, name="even")
    with pytest.raises(UserError, match="are both named 'even'"):
        ablate(str(tokens), [mixtures[0], twin], str(tmp_path), BUDGET, base_recipe=_recipe())
    longer = _mixture(tmp_path, "longer", {"weights": {"wikipedia": 1.0}, "seq_len": 64})
    from_mixture = tiny_recipe(seq_len=None)  # train.seq_len unset: each mixture's seq_len applies
    with pytest.raises(UserError, match="different seq_len"):
        ablate(str(tokens), [mixtures[0], longer], str(tmp_path), BUDGET, base_recipe=from_mixture)
    absent = _mixture(tmp_path, "absent", {"weights": {"github": 1.0}})
    with pytest.raises(UserError, match="absent.yaml: none of the sources the mixture weights has tokens"):
        ablate(str(tokens), [mixtures[0], absent], str(tmp_path), BUDGET, base_recipe=_recipe())
    with pytest.raises(UserError, match="--preset huge: unknown preset"):
        ablate(str(tokens), mixtures, str(tmp_path), BUDGET, preset="huge", base_recipe=_recipe())
    assert not (tmp_path / "ablation").exists()


def test_the_mixture_file_overrides_the_base_mixture(tmp_path):
    from pipeline.config import MixtureConfig

    base = MixtureConfig(epochs={"commoncrawl": 2.0}, seq_len=64, max_epochs=9.0, token_budget=5000)
    mixture = load_mixture_file(_mixture(tmp_path, "wiki", {"weights": {"wikipedia": 1.0}}), base).mixture
    assert mixture == MixtureConfig(weights={"wikipedia": 1.0}, seq_len=64, max_epochs=9.0)
    assert load_mixture_file(tmp_path / "wiki.yaml").name == "wiki"
    # The demo's mixture files are valid.
    root = Path(__file__).resolve().parents[1] / "configs" / "ablation"
    demo = [load_mixture_file(path) for path in sorted(root.glob("*.yaml"))]
    assert [m.name for m in demo] == ["commoncrawl-only", "table1"]
    assert {m.mixture.seq_len for m in demo} == {128}


@pytest.mark.slow
def test_an_ablation_writes_to_a_remote_output(tokens, mixtures, tmp_path, monkeypatch):
    monkeypatch.setenv("LLAMA_DATA_CACHE", str(tmp_path / "cache"))
    memory, name = fsspec.filesystem("memory"), f"ablate-test-{uuid.uuid4().hex[:8]}"
    try:
        common = {"preset": "tiny", "base_recipe": _recipe(), "device": "cpu"}
        report = ablate(str(tokens), mixtures, f"memory://{name}", 256, **common)
        assert [run["checkpoint"] for run in report["runs"]] == [
            "even/checkpoints/step-00000002",
            "cc-only/checkpoints/step-00000002",
        ]
        for file in ("ablation.json", "ablation.md", "ablation.png", "even/result.json", "cc-only/run.json"):
            assert memory.isfile(f"/{name}/ablation/{file}")
        monkeypatch.setattr("model.train.train_from_recipe", _no_training)
        again = ablate(str(tokens), mixtures, f"memory://{name}", 256, **common)
        assert again["status"] == {"even": "skipped: finished", "cc-only": "skipped: finished"}
    finally:
        if memory.exists(f"/{name}"):
            memory.rm(f"/{name}", recursive=True)
