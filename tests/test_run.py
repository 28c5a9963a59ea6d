"""`llama-data run` end to end on the shipped samples: every stage, the summary, resume and determinism."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from beam_jobs.run import run_recipe
from pipeline.config import load_recipe
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _recipe(tmp_path: Path):
    config = yaml.safe_load((REPO / "configs" / "sample.yaml").read_text())
    config["sources"]["commoncrawl"]["input"] = [str(REPO / "samples" / "commoncrawl" / "crawl-*")]
    config["train"].update(max_steps=60, eval_interval=0, checkpoint_interval=60, log_interval=20)
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(config))
    return load_recipe(path)


def _digests(root: Path) -> dict[str, str]:
    """sha256 of every data file the data stages wrote (the trainer's files hold timings, so they are left out)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.parts[len(root.parts)] in ("ingest", "tokens", "tokenizer")
    }


def test_run_all_stages_then_resume_then_force(tmp_path, beam_args, capsys):
    recipe, output = _recipe(tmp_path), tmp_path / "out"
    report = run_recipe(recipe, str(output), beam_args)
    stages = report["stages"]
    assert list(stages) == ["ingest/commoncrawl", "train_tokenizer", "tokenize", "mix", "train"]
    assert (
        stages["ingest/commoncrawl"]["documents_out"] == 40 and stages["ingest/commoncrawl"]["rejects"] == 3
    )
    tokens = stages["tokenize"]["tokens_by_source"]["commoncrawl"]
    assert tokens["train"] > 20_000 and tokens["validation"] > 1_000
    train = stages["train"]
    assert train["steps"] == 60
    assert train["val_loss_after"]["commoncrawl"] < train["val_loss_before"]["commoncrawl"] - 0.5
    printed = capsys.readouterr().out
    assert "run summary" in printed and "validation loss per source (before -> after training)" in printed
    assert (output / "_RUN_REPORT.json").is_file() and (output / "train" / "loss.png").is_file()
    first = _digests(output)

    again = run_recipe(recipe, str(output), beam_args)
    assert again["stages"]["ingest/commoncrawl"]["ran"] is False
    assert again["stages"]["tokenize"]["ran"] is False
    assert again["stages"]["train"] == train  # the finished training run is reported, not repeated
    assert "skipped" in capsys.readouterr().out

    run_recipe(
        recipe, str(output), ["--direct_num_workers=2", "--direct_running_mode=multi_processing"], force=True
    )
    assert _digests(output) == first
