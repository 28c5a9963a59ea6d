"""The CommonCrawl ingest job on the DirectRunner, over the bundled samples: rows, counters, manifest,
rejects, resume, and byte-identical re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cc_fixtures import FAST_BEAM, SAMPLES

from beam_jobs.ingest import ingest_source
from pipeline import cli
from pipeline.config import recipe_from_dict
from pipeline.errors import UserError
from pipeline.io import iter_documents, stage_parts

pytestmark = pytest.mark.slow
SAMPLE_GLOB = str(SAMPLES / "*.warc*")


def read_stage(output: Path) -> list:
    return [
        doc for part in stage_parts(str(output / "ingest" / "commoncrawl")) for doc in iter_documents(part)
    ]


def part_bytes(output: Path) -> dict[str, bytes]:
    folder = output / "ingest" / "commoncrawl"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("part-*.parquet"))}


def test_ingest_samples_counts_rejects_resume_and_determinism(tmp_path):
    recipe = recipe_from_dict({"ingest": {"output_shards": 3}})
    output = tmp_path / "out"
    manifest, ran = ingest_source(recipe, "commoncrawl", [SAMPLE_GLOB], str(output), False, FAST_BEAM)
    assert ran
    counts = manifest.counts
    assert counts["kept"] == 25 and counts["dropped:lang"] == 15  # English only by default
    assert counts["rejected:corrupt_gzip"] == 1 and counts["rejected:bad_http_header"] == 1
    assert counts["rejected:oversize"] == 1  # 11 MiB > the default max_record_bytes
    assert counts["skipped:non_html"] == 2 and counts["dropped:too_short"] == 1
    assert counts["skipped:request"] == 34 and counts["skipped:metadata"] == 35
    assert counts["skipped:warcinfo"] == 3
    # every record read has exactly one outcome
    unread = ("read", "rejected:corrupt_gzip", "rejected:oversize")
    outcomes = sum(v for k, v in counts.items() if k not in unread)
    assert counts["read"] == outcomes == manifest.documents_in
    assert manifest.documents_out == 25 and manifest.rejects == 3
    assert [p["file"] for p in manifest.outputs] == [f"part-0000{i}-of-00003.parquet" for i in range(3)]
    assert len(manifest.inputs) == 3 and manifest.config_hash == recipe.section_hash("ingest", "langid")

    docs = read_stage(output)
    assert len(docs) == 25 and len({d.id for d in docs}) == 25
    assert all(d.language == "en" and d.language_score >= 0.5 and len(d.text) >= 300 for d in docs)
    assert {d.meta["cc_segment"] for d in docs} == {
        "crawl-00000.warc.gz",
        "crawl-00001.warc.wet.gz",
        "crawl-00002.warc",
    }

    rejects = [
        json.loads(line)
        for line in (output / "ingest" / "_rejects" / "commoncrawl.jsonl").read_text().splitlines()
    ]
    assert [r["reason"] for r in rejects] == ["corrupt_gzip", "bad_http_header", "oversize"]
    assert all(r["source_file"].endswith("crawl-00000.warc.gz") and r["offset"] > 0 for r in rejects)

    first = part_bytes(output)
    again, ran_again = ingest_source(recipe, "commoncrawl", [SAMPLE_GLOB], str(output), False, FAST_BEAM)
    assert not ran_again and again.counts == counts
    forced, ran_forced = ingest_source(recipe, "commoncrawl", [SAMPLE_GLOB], str(output), True, FAST_BEAM)
    assert ran_forced and forced.counts == counts
    assert part_bytes(output) == first


def test_small_splits_and_all_languages_give_the_same_documents(tmp_path):
    whole = recipe_from_dict({"ingest": {"output_shards": 2}, "langid": {"languages": []}})
    split = recipe_from_dict(
        {"ingest": {"output_shards": 2, "split_bytes": 8192}, "langid": {"languages": []}}
    )
    a, _ = ingest_source(whole, "commoncrawl", [SAMPLE_GLOB], str(tmp_path / "a"), False, FAST_BEAM)
    b, _ = ingest_source(split, "commoncrawl", [SAMPLE_GLOB], str(tmp_path / "b"), False, FAST_BEAM)
    assert a.counts == b.counts and a.counts["kept"] == 40
    assert part_bytes(tmp_path / "a") == part_bytes(tmp_path / "b")
    languages = sorted({d.language for d in read_stage(tmp_path / "a")})
    assert languages == ["de", "en", "es", "fr", "it"]


def test_unsupported_source_and_missing_input_are_user_errors(tmp_path):
    recipe = recipe_from_dict({})
    with pytest.raises(UserError, match="supported: commoncrawl"):
        ingest_source(recipe, "c4", [SAMPLE_GLOB], str(tmp_path), False, FAST_BEAM)
    with pytest.raises(UserError, match="input not found"):
        ingest_source(
            recipe, "commoncrawl", [str(tmp_path / "none*.warc.gz")], str(tmp_path), False, FAST_BEAM
        )


def test_cli_runs_then_resumes(tmp_path, capsys):
    config = tmp_path / "recipe.yaml"
    config.write_text("ingest:\n  output_shards: 2\n")
    argv = [
        "ingest",
        "commoncrawl",
        "--input",
        SAMPLE_GLOB,
        "--output",
        str(tmp_path / "out"),
        "--config",
        str(config),
    ]
    assert cli.main(argv + FAST_BEAM) == 0
    first = capsys.readouterr().out
    assert "commoncrawl:kept" in first and "25 documents in 2 parts" in first and "3 rejects" in first
    assert cli.main(argv + FAST_BEAM) == 0
    assert "skipped (manifest matches; use --force to re-run)" in capsys.readouterr().out
    assert (
        cli.main(["ingest", "commoncrawl", "--input", "/nonexistent/x.warc", "--output", str(tmp_path)]) == 2
    )
