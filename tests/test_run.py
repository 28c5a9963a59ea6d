"""`llama-data run` end to end on the shipped samples: every stage, the summary, resume and determinism."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from beam_jobs.run import run_recipe
from pipeline.config import load_recipe
from pipeline.report import iter_figure_ids
from tests.conftest import sample_config

pytestmark = pytest.mark.slow


def _recipe(tmp_path: Path, **train):
    config = sample_config()
    config["train"].update(
        {"max_steps": 60, "eval_interval": 0, "checkpoint_interval": 60, "log_interval": 20, **train}
    )
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(config))
    return load_recipe(path)


def _digests(root: Path) -> dict[str, str]:
    """sha256 of every data file the data stages wrote (the trainer's files hold timings, so they are left out)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and p.parts[len(root.parts)]
        in (
            "ingest",
            "exact_dedup",
            "paragraph_dedup",
            "langid",
            "quality_models",
            "quality",
            "classifier",
            "classify",
            "minhash",
            "filter",
            "tokens",
            "tokenizer",
            "mix",
        )
    }


def test_run_all_stages_then_resume_then_force(tmp_path, beam_args, capsys):
    recipe, output = _recipe(tmp_path), tmp_path / "out"
    report = run_recipe(recipe, str(output), beam_args)
    stages = report["stages"]
    assert list(stages) == [
        "ingest/arxiv",
        "ingest/books",
        "ingest/c4",
        "ingest/commoncrawl",
        "ingest/github",
        "ingest/stackexchange",
        "ingest/wikipedia",
        "exact_dedup/github",
        "paragraph_dedup/commoncrawl",
        "langid/arxiv",
        "langid/books",
        "langid/c4",
        "langid/commoncrawl",
        "langid/github",
        "langid/stackexchange",
        "langid/wikipedia",
        "train_quality",
        "quality/c4",
        "quality/commoncrawl",
        "train_classifier",
        "classify/commoncrawl",
        "minhash/books",
        "minhash/commoncrawl",
        "minhash/wikipedia",
        "filter/commoncrawl",
        "train_tokenizer",
        "tokenize",
        "mix",
        "train",
    ]
    assert (
        stages["ingest/commoncrawl"]["documents_out"] == 40 and stages["ingest/commoncrawl"]["rejects"] == 2
    )
    assert (
        stages["langid/commoncrawl"]["documents_in"] == 40
        and stages["langid/commoncrawl"]["documents_out"] == 40
    )
    tokens = stages["tokenize"]["tokens_by_source"]["commoncrawl"]
    assert tokens["train"] > 20_000 and tokens["validation"] > 1_000
    train = stages["train"]
    assert train["steps"] == 60
    assert train["val_loss_after"]["commoncrawl"] < train["val_loss_before"]["commoncrawl"] - 0.5
    printed = capsys.readouterr().out
    assert "run summary" in printed and "validation loss per source (before -> after training)" in printed
    assert (output / "_RUN_REPORT.json").is_file() and Path(train["plot"]).is_file()
    page = (output / "report.html").read_text()  # the run's report covers every stage that ran
    assert all(label in page for label in stages if "/" in label)
    assert {"plot-funnel", "plot-language", "plot-minhash-clusters", "plot-mixture", "plot-loss"} <= set(
        iter_figure_ids(page)
    )
    run_folder = Path(train["checkpoint"]).parents[1]  # train/run-<key>/checkpoints/step-...
    assert run_folder.parent == output / "train" and (output / "train" / "LATEST").read_text().split() == [
        run_folder.name
    ]
    # The plan printed is the one that trains: the sources present share the weights, sized by 60 steps.
    assert (
        "training budget: 60 steps x 2,048 tokens = 122,880 tokens (from train.max_steps)"
        in stages["mix"]["plan"]
    )
    first = _digests(output)

    again = run_recipe(recipe, str(output), beam_args)
    assert not any(entry["ran"] for entry in again["stages"].values())
    assert {
        **again["stages"]["train"],
        "ran": True,
    } == train  # the finished training run is reported, not repeated
    assert "skipped" in capsys.readouterr().out

    run_recipe(
        recipe, str(output), ["--direct_num_workers=2", "--direct_running_mode=multi_processing"], force=True
    )
    assert _digests(output) == first

    # A changed train: section never deletes the finished run: it trains a new one beside it and says so.
    capsys.readouterr()
    changed = run_recipe(_recipe(tmp_path, lr=1e-3), str(output), beam_args, stages=["mix", "train"])
    new_folder = Path(changed["stages"]["train"]["checkpoint"]).parents[1]
    assert new_folder != run_folder and new_folder.parent == run_folder.parent
    assert (run_folder / "_MANIFEST.json").is_file() and (run_folder / "checkpoints" / "LATEST").is_file()
    assert (output / "train" / "LATEST").read_text().split() == [new_folder.name]
    assert f"starting a new run in {new_folder} (the old one is kept)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        (
            ["ingest", "dedupe"],
            "stages: unknown stage 'dedupe'; expected some of ingest, exact_dedup, paragraph_dedup",
        ),
        (["ingest", "tokenize"], "stages: tokenize reads `tokenizer`, which no stage before it produces"),
        (
            ["train_tokenizer"],
            "stages: train_tokenizer reads `documents` for commoncrawl, which no stage before it produces",
        ),
    ],
)
def test_the_stage_graph_is_checked_before_anything_runs(tmp_path, stages, message):
    from beam_jobs.run import resolve
    from pipeline.errors import ConfigError

    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump({"stages": stages, "sources": {"commoncrawl": {"input": ["x"]}}}))
    with pytest.raises(ConfigError, match=message):
        resolve(load_recipe(path))


def test_the_stage_graph_links_each_stage_to_its_producers():
    from beam_jobs.run import resolve
    from pipeline.config import recipe_from_dict

    recipe = recipe_from_dict({"sources": {"commoncrawl": {"input": ["x"]}}})
    planned = {
        p.stage.name: {a: {s: stage.name for s, stage in by.items()} for a, by in p.upstream.items()}
        for p in resolve(recipe)
    }
    assert planned == {
        "ingest": {},
        "exact_dedup": {},  # a default stage with none of its sources (github) in this recipe: it runs nothing
        "langid": {"documents": {"commoncrawl": "ingest"}},
        "train_tokenizer": {"documents": {"commoncrawl": "langid"}},
        "tokenize": {"documents": {"commoncrawl": "langid"}, "tokenizer": {None: "train_tokenizer"}},
        "mix": {"tokens": {None: "tokenize"}},
        "train": {"tokens": {None: "tokenize"}},
    }


def test_a_stage_that_works_on_some_sources_leaves_the_others_documents_where_they_are():
    from beam_jobs.run import resolve
    from pipeline.config import recipe_from_dict

    recipe = recipe_from_dict(
        {
            "sources": {"commoncrawl": {"input": ["x"]}, "wikipedia": {"input": ["y"]}},
            "stages": ["ingest", "paragraph_dedup", "langid", "train_tokenizer"],
        }
    )
    planned = {p.stage.name: p for p in resolve(recipe)}
    assert planned["paragraph_dedup"].sources == ["commoncrawl"]
    langid = {s: stage.name for s, stage in planned["langid"].upstream["documents"].items()}
    assert langid == {"commoncrawl": "paragraph_dedup", "wikipedia": "ingest"}
    tokenizer = {s: stage.name for s, stage in planned["train_tokenizer"].upstream["documents"].items()}
    assert tokenizer == {"commoncrawl": "langid", "wikipedia": "langid"}


def test_the_whole_sample_run_writes_to_an_fsspec_url(tmp_path, beam_args, monkeypatch):
    """Remote outputs end to end: every stage reads and writes through fsspec (here `memory://`)."""
    import fsspec

    monkeypatch.setenv("LLAMA_DATA_CACHE", str(tmp_path / "cache"))
    recipe, output = _recipe(tmp_path, max_steps=10, checkpoint_interval=10), "memory://llama-run/out"
    report = run_recipe(recipe, output, beam_args)
    fs = fsspec.filesystem("memory")
    for name in (
        "ingest/commoncrawl",
        "ingest/wikipedia",
        "langid/wikipedia",
        "tokenizer",
        "tokens",
        "mix",
    ):
        assert fs.exists(f"/llama-run/out/{name}/_MANIFEST.json"), name
    assert fs.exists("/llama-run/out/train/LATEST") and fs.exists("/llama-run/out/tokens/manifest.json")
    run_folder = fs.read_text("/llama-run/out/train/LATEST").strip()
    assert fs.exists(f"/llama-run/out/train/{run_folder}/checkpoints/LATEST")
    assert fs.exists(f"/llama-run/out/train/{run_folder}/_MANIFEST.json")
    assert report["stages"]["train"]["steps"] == 10
    assert report["stages"]["tokenize"]["tokens_by_source"]["commoncrawl"]["train"] > 20_000
    again = run_recipe(recipe, output, beam_args)
    assert not any(entry["ran"] for entry in again["stages"].values())
    fs.rm("/llama-run", recursive=True)


def test_a_bad_train_key_stops_the_run_before_the_data_stages(tmp_path):
    from pipeline.config import SourceSpec, recipe_from_dict
    from pipeline.errors import ConfigError

    recipe = recipe_from_dict(
        {"stages": ["ingest", "train_tokenizer", "tokenize", "mix", "train"], "train": {"learning_rate": 1}}
    ).with_sources({"commoncrawl": SourceSpec(input=[str(tmp_path / "none.warc.gz")])})
    with pytest.raises(ConfigError, match="train.learning_rate: unknown key"):
        run_recipe(recipe, str(tmp_path / "out"), [])
    assert not (tmp_path / "out" / "ingest").exists()
