"""The Wikipedia ingest on the DirectRunner, over the shipped samples: documents, counters, the cited-URL side
output, the langid stage trusting a page's language, resume, and splits that do not change the output."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from beam_jobs.run import run_recipe
from pipeline import cli
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest
from tests.conftest import BEAM_TEST_ARGS, REPO

pytestmark = pytest.mark.slow
SAMPLES = REPO / "samples" / "wikipedia"
SAMPLE_GLOB = str(SAMPLES / "*wiki-*.xml.bz2")
MARKUP = ("[[", "]]", "{{", "}}", "<ref", "'''")


def _ingest(output: Path, **sections):
    recipe = recipe_from_dict(sections).with_sources({"wikipedia": SourceSpec(input=[SAMPLE_GLOB])})
    report = run_recipe(recipe, str(output), BEAM_TEST_ARGS, stages=["ingest", "langid"], summary=False)
    return (
        report,
        read_manifest(str(output / "ingest" / "wikipedia")),
        read_manifest(str(output / "langid" / "wikipedia")),
    )


def _documents(folder: Path) -> list:
    return sorted((d for part in stage_parts(str(folder)) for d in iter_documents(part)), key=lambda d: d.id)


def test_samples_give_clean_labelled_documents_counters_and_cited_urls(tmp_path):
    report, ingest, langid = _ingest(tmp_path / "out")
    # in each of en, de, fr, ru: two hand-written articles and 150 generated ones
    assert ingest.counts["kept"] == 608 and ingest.documents_out == 608
    assert ingest.counts["skipped:redirect"] == 4 and ingest.counts["skipped:namespace"] == 4
    assert ingest.rejects == 0
    docs = _documents(tmp_path / "out" / "langid" / "wikipedia")
    assert sorted({d.language for d in docs}) == ["de", "en", "fr", "ru"]
    assert langid.documents_out == 608 and langid.counts["kept"] == 608  # the dump's language is trusted
    for doc in docs:
        assert not any(mark in doc.text for mark in MARKUP), doc.text
        assert doc.text.split("\n", 1)[0] == doc.meta["title"]
        assert doc.url.startswith(f"https://{doc.language}.wikipedia.org/wiki/")
        assert {"page_id", "revision_id", "dump"} <= set(doc.meta) and "fasttext_language" in doc.meta
        assert 0.0 <= doc.signals["fasttext_score"] <= 1.0
    lantern = next(d for d in docs if d.meta["title"] == "Harbour Lantern")
    assert "restoration" in lantern.text.lower() and "stub" not in lantern.text.lower()  # the latest revision
    references = sorted((tmp_path / "out" / "ingest" / "wikipedia" / "references").glob("part-*.parquet"))
    rows = [row for part in references for row in pq.read_table(part).to_pylist()]
    urls = {row["url"] for row in rows}
    assert {"https://example.org/lanterns/harbour", "http://example.com/town-history"} <= urls
    assert all(url.startswith(("http://", "https://")) for url in urls)
    assert {o["file"] for o in ingest.outputs} >= {f"references/{p.name}" for p in references}
    assert report["stages"]["ingest/wikipedia"]["ran"]


def test_splits_do_not_change_the_output_and_a_rerun_is_skipped(tmp_path):
    _ingest(tmp_path / "whole")
    _ingest(tmp_path / "split", wikipedia={"split_bytes": 4096})
    for stage in ("ingest", "langid"):
        whole = _documents(tmp_path / "whole" / stage / "wikipedia")
        split = _documents(tmp_path / "split" / stage / "wikipedia")
        assert [(d.id, d.text) for d in whole] == [(d.id, d.text) for d in split]
    report, _, _ = _ingest(tmp_path / "whole")
    assert not report["stages"]["ingest/wikipedia"]["ran"]


def test_other_languages_are_dropped_by_the_config(tmp_path):
    _, ingest, _ = _ingest(tmp_path / "out", wikipedia={"languages": ["en", "de"]})
    docs = _documents(tmp_path / "out" / "ingest" / "wikipedia")
    assert sorted({d.language for d in docs}) == ["de", "en"] and ingest.documents_out == 304


def test_cli_ingest_wikipedia(tmp_path, capsys):
    argv = ["ingest", "wikipedia", "--input", SAMPLE_GLOB, "--output", str(tmp_path / "out"), *BEAM_TEST_ARGS]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "ingest/wikipedia:kept" in out and "langid/wikipedia: 608 documents in" in out
    manifest = json.loads((tmp_path / "out" / "ingest" / "wikipedia" / "_MANIFEST.json").read_text())
    assert manifest["counts"]["kept"] == 608


def _reference_rows(output: Path) -> list[dict]:
    folder = output / "ingest" / "wikipedia" / "references"
    return sorted(
        (row for part in sorted(folder.glob("part-*.parquet")) for row in pq.read_table(part).to_pylist()),
        key=lambda row: (row["id"], row["url"]),
    )


def test_committed_groups_keep_every_groups_cited_urls(tmp_path):
    """Four dumps in groups of one: each group's side-output parts are numbered apart, so none overwrites
    another's when they move into the stage folder."""
    _ingest(tmp_path / "one")
    _, grouped, _ = _ingest(tmp_path / "groups", execution={"group_files": 1, "output_shards": 1})
    assert grouped.documents_out == 608
    names = sorted(
        p.name for p in (tmp_path / "groups" / "ingest" / "wikipedia" / "references").glob("*.parquet")
    )
    assert names == [f"part-{i:05d}-of-00004.parquet" for i in range(4)]
    assert _reference_rows(tmp_path / "groups") == _reference_rows(tmp_path / "one")
