"""Mixture plans (weights or epochs, a token budget, warnings) and materialized mixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from token_fixtures import write_token_dataset

from pipeline.cli import main as cli_main
from pipeline.config import MixtureConfig
from pipeline.errors import UserError
from tokenization.mixture import format_plan, materialize_mixture, plan_mixture
from tokenization.sampler import MixtureSampler
from tokenization.shards import TokenDataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> TokenDataset:
    directory = write_token_dataset(
        tmp_path_factory.mktemp("tokens"), {"commoncrawl": 80, "wikipedia": 20, "books": 4}
    )
    return TokenDataset.open(str(directory))


def _rows(plan):
    return {row.source: row for row in plan.rows}


def test_weights_and_budget_give_targets_and_epochs(dataset):
    mixture = MixtureConfig(weights={"commoncrawl": 0.8, "wikipedia": 0.15, "books": 0.05})
    plan = plan_mixture(dataset, mixture, token_budget=100_000)
    rows = _rows(plan)
    assert plan.token_budget == 100_000
    assert rows["commoncrawl"].target_tokens == 80_000
    assert rows["books"].epochs == pytest.approx(5_000 / dataset.tokens("books"))
    assert rows["wikipedia"].available_tokens == dataset.tokens("wikipedia")
    assert plan.weights == pytest.approx({"books": 0.05, "commoncrawl": 0.8, "wikipedia": 0.15})
    assert any("books: must repeat" in w for w in plan.warnings)


def test_default_budget_is_the_weighted_sources_tokens(dataset):
    plan = plan_mixture(dataset, MixtureConfig(weights={"commoncrawl": 1.0, "books": 1.0}))
    assert plan.token_budget == dataset.tokens("commoncrawl") + dataset.tokens("books")
    assert _rows(plan)["wikipedia"].weight == 0.0


def test_epochs_give_weights_proportional_to_repeated_tokens(dataset):
    mixture = MixtureConfig(epochs={"commoncrawl": 1.0, "wikipedia": 2.45, "books": 2.23})
    plan = plan_mixture(dataset, mixture)
    rows = _rows(plan)
    assert rows["wikipedia"].epochs == pytest.approx(2.45, rel=1e-3)
    expected = 2.45 * dataset.tokens("wikipedia") / plan.token_budget
    assert plan.weights["wikipedia"] == pytest.approx(expected, rel=1e-4)
    scaled = plan_mixture(dataset, mixture, token_budget=2 * plan.token_budget)
    assert _rows(scaled)["wikipedia"].epochs == pytest.approx(4.9, rel=1e-3)


def test_a_missing_source_is_reported_and_the_others_share_its_weight(dataset):
    """The plan samples what the trainer samples: Table 1's weights over the sources present, renormalised."""
    plan = plan_mixture(dataset, MixtureConfig(), token_budget=10**6)
    rows = _rows(plan)
    assert rows["github"].epochs is None and rows["github"].weight == 0.0
    assert rows["github"].configured == pytest.approx(0.045)
    assert any(w.startswith("github: weight 4.5% but the dataset has no tokens of it") for w in plan.warnings)
    present = 0.67 + 0.045 + 0.045  # commoncrawl, wikipedia, books
    assert plan.weights == pytest.approx(
        {"books": 0.045 / present, "commoncrawl": 0.67 / present, "wikipedia": 0.045 / present}
    )
    assert sum(r.target_tokens for r in plan.rows) == pytest.approx(10**6, abs=3)
    text = format_plan(plan)
    assert "github" in text and "missing" in text and "warning: github" in text
    MixtureSampler(dataset, plan.weights, seq_len=32, seed=0)  # the plan's weights are the sampler's
    with pytest.raises(UserError, match="has no train tokens for it"):
        MixtureSampler(dataset, {"github": 0.5, "books": 0.5}, seq_len=32, seed=0)


def test_plan_weights_drive_the_sampler(dataset):
    plan = plan_mixture(dataset, MixtureConfig(weights={"commoncrawl": 0.7, "wikipedia": 0.2, "books": 0.1}))
    sampler = MixtureSampler(dataset, plan.weights, seq_len=32, seed=0)
    sources = sampler.sources_of(0, 8192)
    assert sources.count("books") / len(sources) == pytest.approx(0.1, abs=0.005)


def test_materialized_mixture_repeats_sources_by_their_epochs(dataset, tmp_path):
    mixture = MixtureConfig(epochs={"commoncrawl": 1.0, "wikipedia": 2.5, "books": 0.5})
    plan = plan_mixture(dataset, mixture)
    manifest = materialize_mixture(dataset, plan, str(tmp_path / "a"), seed=1, shard_tokens=5_000)
    frozen = TokenDataset.open(str(tmp_path / "a"))
    assert frozen.tokens("commoncrawl") == dataset.tokens("commoncrawl")
    assert frozen.documents("wikipedia") >= 2 * dataset.documents("wikipedia")
    assert 0 < frozen.documents("books") <= dataset.documents("books")
    assert frozen.tokens("books", "validation") == dataset.tokens("books", "validation")
    assert len(frozen.shards("commoncrawl")) > 1
    assert manifest["extra"]["weights"]["wikipedia"] == pytest.approx(
        frozen.tokens("wikipedia") / sum(frozen.tokens(s) for s in frozen.sources())
    )
    materialize_mixture(dataset, plan, str(tmp_path / "b"), seed=1, shard_tokens=5_000)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
    with pytest.raises(UserError, match="other than the dataset's own"):
        materialize_mixture(dataset, plan, dataset.directory, seed=1, shard_tokens=5_000)


def test_mix_command_prints_the_plan_and_materializes(dataset, tmp_path, capsys):
    config = tmp_path / "recipe.yaml"
    config.write_text("mixture:\n  weights: {commoncrawl: 0.9, books: 0.1}\n  max_epochs: 2\n")
    output = tmp_path / "frozen"
    status = cli_main(
        [
            "mix",
            "--tokens",
            dataset.directory,
            "--config",
            str(config),
            "--token-budget",
            "50000",
            "--materialize",
            str(output),
        ]
    )
    printed = capsys.readouterr().out
    assert status == 0
    assert "commoncrawl" in printed and "50,000" in printed and "warning: books: must repeat" in printed
    assert "materialized" in printed
    assert json.loads((output / "manifest.json").read_text())["extra"]["plan"]["token_budget"] == 50_000


def test_mix_command_on_a_folder_without_manifest(tmp_path, capsys):
    assert cli_main(["mix", "--tokens", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def test_books_fraction_epoch_is_deterministic_subset(dataset, tmp_path: Path):
    plan = plan_mixture(dataset, MixtureConfig(epochs={"books": 1.5}))
    materialize_mixture(dataset, plan, str(tmp_path), seed=4, shard_tokens=10**9)
    frozen = TokenDataset.open(str(tmp_path))
    originals = [d.tobytes() for d in dataset.iter_documents("books")]
    copies = [d.tobytes() for d in frozen.iter_documents("books")]
    assert copies[: len(originals)] == originals
    assert set(copies[len(originals) :]) <= set(originals)
