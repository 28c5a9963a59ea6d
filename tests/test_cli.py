"""The command line as a user meets it: help, and one-line errors instead of tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


def _cli(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_help_lists_the_stages():
    result = _cli("--help")
    assert result.returncode == 0
    for command in (
        "ingest", "run", "dedup-paragraphs", "dedup-minhash", "train-quality", "score", "cutoffs", "train-classifier",
        "train-tokenizer", "tokenize", "mix", "train", "generate",
    ):  # fmt: skip
        assert command in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "commoncrawl", "--input", "no/such/*.warc.gz", "--output", "OUT"], "input not found: "),
        (
            [
                "ingest",
                "commoncrawl",
                "--input",
                "samples/commoncrawl",
                "--output",
                "OUT",
                "--no_such_option=1",
            ],
            "unknown option --no_such_option",
        ),
        (["run", "--config", "no-such.yaml", "--output", "OUT"], "config file not found: no-such.yaml"),
        (
            ["run", "--config", "configs/sample.yaml", "--output", "OUT", "--stages", "ingest,dedupe"],
            "unknown stage 'dedupe'",
        ),
        (["mix", "--tokens", "no/such/dir"], "no/such/dir"),
        (["dedup-paragraphs", "--input", "no/such/dir", "--output", "OUT"], "not found: no/such/dir"),
        (["train-quality", "--input", "no/such/dir", "--output", "OUT"], "not found: no/such/dir"),
        (["dedup-minhash", "--input", "no/such/dir", "--output", "OUT"], "not found: no/such/dir"),
        (
            ["score", "--input", "samples", "--models", "no/such/models", "--output", "OUT"],
            "no part-*.parquet",
        ),
        (["cutoffs", "--input", "no/such/dir", "--models", "OUT"], "not found: no/such/dir"),
        (["train-classifier", "--input", "no/such/dir", "--output", "OUT"], "not found: no/such/dir"),
        (["train", "--config", "no-such.yaml"], "config file not found"),
    ],
)
def test_user_mistakes_get_one_line(args, message, tmp_path):
    result = _cli(*[a.replace("OUT", str(tmp_path / "out")) for a in args])
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert lines[-1].startswith(f"llama-data {args[0]}: error: ") and message in lines[-1], result.stderr


def test_bad_config_key_is_named(tmp_path):
    config = tmp_path / "recipe.yaml"
    config.write_text("sources:\n  commoncrawl: {input: x}\nlangid:\n  treshold: 0.5\n")
    result = _cli("run", "--config", str(config), "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert (
        "langid.treshold: unknown key; expected one of kept_sources, languages, threshold"
        in result.stderr.strip().splitlines()[-1]
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"mixture:\n  max_epochs: 2\n  max_epochs: 3\n",
            "recipe.yaml: line 3: duplicate key 'max_epochs' in mixture",
        ),
        (b"name: caf\xe9\n", "recipe.yaml: line 1: not UTF-8 (byte 0xe9 at offset 9)"),
    ],
)
def test_a_recipe_with_a_duplicate_key_or_bad_bytes_gets_one_line(tmp_path, content, message):
    config = tmp_path / "recipe.yaml"
    config.write_bytes(content)
    result = _cli("mix", "--tokens", str(tmp_path), "--config", str(config))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"llama-data mix: error: {tmp_path / message}"]
