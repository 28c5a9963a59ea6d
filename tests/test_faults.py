"""Fault injection, as a hostile user and a crashing machine would do it: bad outputs, damaged outputs,
unreadable and damaged inputs. Each case checks that nothing raises a traceback, no good record is lost, every
bad input is a reject with its reason, and a re-run after damage rebuilds exactly what is missing."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from cc_fixtures import FAST_BEAM, SAMPLE_WARC, SAMPLES

from pipeline import cli
from pipeline.io import iter_documents, stage_parts

pytestmark = pytest.mark.slow


def _ingest(inputs: list[str], output: str, *extra: str) -> int:
    return cli.main(["ingest", "commoncrawl", "--input", *inputs, "--output", output, *extra, *FAST_BEAM])


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def _ids(folder: Path) -> list[str]:
    return sorted(d.id for part in stage_parts(str(folder)) for d in iter_documents(part))


def _rejects(folder: Path) -> list[dict]:
    return [
        json.loads(line)
        for f in sorted((folder / "_rejects").glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]


@pytest.mark.parametrize("output", ["", "/", "   "])
def test_an_empty_or_root_output_is_refused(output, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _ingest([str(SAMPLE_WARC)], output) == 2
    assert "--output" in _one_error_line(capsys)
    assert not Path("/ingest").exists() and not list(tmp_path.iterdir())


def test_an_output_that_is_a_file_or_cannot_be_created_is_refused_before_any_job(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert _ingest([str(SAMPLE_WARC)], str(blocker)) == 2
    assert "is a file, not a folder" in _one_error_line(capsys)
    assert _ingest([str(SAMPLE_WARC)], str(blocker / "below")) == 2
    assert "cannot create or write it" in _one_error_line(capsys)
    assert blocker.read_text() == "not a folder"


def test_a_deleted_or_truncated_output_part_is_rebuilt_exactly(capsys, tmp_path):
    output = tmp_path / "out"
    assert _ingest([str(SAMPLES / "crawl-*")], str(output)) == 0
    folder = output / "ingest" / "commoncrawl"
    before = {p.name: p.read_bytes() for p in folder.glob("part-*")}
    assert len(before) >= 1
    first = sorted(before)[0]
    (folder / first).unlink()
    capsys.readouterr()
    assert _ingest([str(SAMPLES / "crawl-*")], str(output)) == 0
    captured = capsys.readouterr()
    assert f"running (output {first} is missing)" in captured.err
    assert {p.name: p.read_bytes() for p in folder.glob("part-*")} == before
    (folder / first).write_bytes(before[first][: len(before[first]) // 2])
    assert _ingest([str(SAMPLES / "crawl-*")], str(output)) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in folder.glob("part-*")} == before


def test_an_unreadable_input_among_readable_ones_is_a_reject(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SAMPLES, inputs, ignore=shutil.ignore_patterns("pages"))
    (inputs / "crawl-00009.warc.gz").mkdir()  # a folder where a file was expected: reading it fails
    os.symlink(tmp_path / "gone.warc.gz", inputs / "crawl-00010.warc.gz")  # a dangling link
    clean = tmp_path / "clean"
    assert _ingest([str(SAMPLES / "crawl-*")], str(clean)) == 0
    output = tmp_path / "out"
    assert _ingest([str(inputs / "crawl-*")], str(output)) == 0
    folder = output / "ingest" / "commoncrawl"
    assert _ids(folder) == _ids(clean / "ingest" / "commoncrawl")  # every good record kept
    unreadable = [r for r in _rejects(folder) if r["reason"] == "unreadable_input"]
    assert sorted(Path(r["source_file"]).name for r in unreadable) == [
        "crawl-00009.warc.gz",
        "crawl-00010.warc.gz",
    ]


@pytest.mark.parametrize("cut", [0.1, 0.35, 0.5, 0.77, 0.99])
def test_a_truncated_warc_keeps_every_complete_record(cut, tmp_path, capsys):
    data = SAMPLE_WARC.read_bytes()
    damaged = tmp_path / "in" / SAMPLE_WARC.name
    damaged.parent.mkdir()
    damaged.write_bytes(data[: int(len(data) * cut)])
    assert _ingest([str(SAMPLE_WARC)], str(tmp_path / "whole")) == 0
    assert _ingest([str(damaged)], str(tmp_path / "cut")) == 0
    assert "Traceback" not in capsys.readouterr().err
    kept = set(_ids(tmp_path / "cut" / "ingest" / "commoncrawl"))
    whole = _ids(tmp_path / "whole" / "ingest" / "commoncrawl")
    assert kept <= set(whole)
    manifest = json.loads((tmp_path / "cut" / "ingest" / "commoncrawl" / "_MANIFEST.json").read_text())
    if cut < 0.99:
        assert len(kept) < len(whole)
    assert any(k.startswith("rejected:") for k in manifest["counts"]) or len(kept) == len(whole)


def test_an_empty_gzip_input_does_not_crash_the_job(tmp_path, capsys):
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(gzip.compress(b""))
    assert _ingest([str(empty), str(SAMPLE_WARC)], str(tmp_path / "out")) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_damaged_tokenizer_and_token_shards_are_rebuilt_exactly_by_run(tmp_path, beam_args, capsys):
    import yaml

    from beam_jobs.run import run_recipe
    from pipeline.config import load_recipe
    from tests.conftest import sample_config

    config = sample_config()
    config["stages"] = ["ingest", "langid", "train_tokenizer", "tokenize", "mix"]
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(config))
    recipe, output = load_recipe(path), tmp_path / "out"
    run_recipe(recipe, str(output), beam_args)

    def snapshot() -> dict[str, bytes]:
        return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}

    before = snapshot()
    shard = sorted((output / "tokens").glob("*.ds"))[0]
    shard.unlink()
    model = output / "tokenizer" / "tokenizer.model"
    model.write_bytes(model.read_bytes()[:100])
    capsys.readouterr()
    report = run_recipe(recipe, str(output), beam_args)
    ran = {name for name, entry in report["stages"].items() if entry["ran"]}
    assert ran == {"train_tokenizer", "tokenize"}  # the damaged stages, and nothing upstream of them
    assert "train_tokenizer: running (output tokenizer.model has 100 bytes" in capsys.readouterr().err
    after = snapshot()
    for report_file in ("_RUN_REPORT.json", "report.html"):  # they say which stages ran this time
        after.pop(report_file), before.pop(report_file)
    assert after == before
