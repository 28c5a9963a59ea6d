"""The CommonCrawl ingest job on the DirectRunner, over the bundled samples: rows, counters, manifest,
rejects, resume, and byte-identical re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cc_fixtures import FAST_BEAM, SAMPLES

from beam_jobs.run import run_recipe
from pipeline import cli
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.errors import UserError
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest

pytestmark = pytest.mark.slow
SAMPLE_GLOB = str(SAMPLES / "*.warc*")


def read_stage(output: Path, stage: str = "langid") -> list:
    return [doc for part in stage_parts(str(output / stage / "commoncrawl")) for doc in iter_documents(part)]


def part_bytes(output: Path, stage: str = "langid") -> dict[str, bytes]:
    folder = output / stage / "commoncrawl"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("part-*.parquet"))}


def ingest_source(recipe, source, inputs, output, force, beam_args):
    """ingest + langid for one source, as `llama-data ingest` runs them; returns both manifests and whether
    ingest ran."""
    recipe = recipe.with_sources({source: SourceSpec(input=inputs)})
    report = run_recipe(recipe, output, beam_args, force, stages=["ingest", "langid"], summary=False)
    folder = Path(output)
    return (
        read_manifest(str(folder / "ingest" / source)),
        read_manifest(str(folder / "langid" / source)),
        report["stages"][f"ingest/{source}"]["ran"],
    )


def _rejects(output: Path) -> list[dict]:
    folder = output / "ingest" / "commoncrawl" / "_rejects"
    return [json.loads(line) for f in sorted(folder.glob("*.jsonl")) for line in f.read_text().splitlines()]


def test_ingest_samples_counts_rejects_resume_and_determinism(tmp_path):
    recipe = recipe_from_dict({"execution": {"output_shards": 3}})
    output = tmp_path / "out"
    ingest, langid, ran = ingest_source(recipe, "commoncrawl", [SAMPLE_GLOB], str(output), False, FAST_BEAM)
    assert ran
    counts = ingest.counts
    assert counts["kept"] == 40
    assert counts["rejected:corrupt_gzip"] == 1 and "rejected:bad_http_header" not in counts
    assert (
        counts["repaired:http_header"] == 1
    )  # a bad header line is skipped, as warcio does; that page is short
    assert counts["rejected:oversize"] == 1  # 11 MiB > the default max_record_bytes
    assert counts["skipped:non_html"] == 2 and counts["dropped:too_short"] == 2
    assert counts["skipped:request"] == 34 and counts["skipped:metadata"] == 35
    assert counts["skipped:warcinfo"] == 3
    # every record read has exactly one outcome
    unread = ("read", "rejected:corrupt_gzip", "rejected:oversize")
    outcomes = sum(v for k, v in counts.items() if k not in unread and not k.startswith("repaired:"))
    assert counts["read"] == outcomes == ingest.documents_in
    assert ingest.characters_in == sum(f.stat().st_size for f in SAMPLES.glob("*.warc*"))  # a reader's bytes
    assert ingest.documents_out == 40 and ingest.rejects == 2
    assert [p["file"] for p in ingest.files("part-")] == [f"part-0000{i}-of-00003.parquet" for i in range(3)]
    assert len(ingest.inputs) == 3 and ingest.config_hash == recipe.config_hash(("ingest", "execution"))
    assert langid.counts == {"kept": 25, "dropped:lang": 15, "read": 40}  # English only by default
    assert langid.documents_in == 40 and langid.documents_out == 25
    assert langid.characters_in == ingest.characters_out > langid.characters_out

    docs = read_stage(output)
    assert len(docs) == 25 and len({d.id for d in docs}) == 25
    assert all(d.language == "en" and d.language_score >= 0.5 and len(d.text) >= 300 for d in docs)
    assert {d.meta["cc_segment"] for d in docs} == {
        "crawl-00000.warc.gz",
        "crawl-00001.warc.wet.gz",
        "crawl-00002.warc",
    }
    rejects = _rejects(output)
    assert sorted(r["reason"] for r in rejects) == ["corrupt_gzip", "oversize"]
    assert all(r["source_file"].endswith("crawl-00000.warc.gz") and r["offset"] > 0 for r in rejects)

    first = part_bytes(output)
    again, _, ran_again = ingest_source(recipe, "commoncrawl", [SAMPLE_GLOB], str(output), False, FAST_BEAM)
    assert not ran_again and again.counts == counts
    forced, _, ran_forced = ingest_source(recipe, "commoncrawl", [SAMPLE_GLOB], str(output), True, FAST_BEAM)
    assert ran_forced and forced.counts == counts
    assert part_bytes(output) == first


def test_small_splits_and_all_languages_give_the_same_documents(tmp_path):
    whole = recipe_from_dict({"execution": {"output_shards": 2}, "langid": {"languages": []}})
    split = recipe_from_dict(
        {"execution": {"output_shards": 2}, "ingest": {"split_bytes": 8192}, "langid": {"languages": []}}
    )
    a, _, _ = ingest_source(whole, "commoncrawl", [SAMPLE_GLOB], str(tmp_path / "a"), False, FAST_BEAM)
    b, _, _ = ingest_source(split, "commoncrawl", [SAMPLE_GLOB], str(tmp_path / "b"), False, FAST_BEAM)
    assert a.counts == b.counts and a.counts["kept"] == 40
    assert part_bytes(tmp_path / "a") == part_bytes(tmp_path / "b")
    languages = sorted({d.language for d in read_stage(tmp_path / "a")})
    assert languages == ["de", "en", "es", "fr", "it"]


def test_a_failure_on_one_document_is_one_reject_and_every_other_document_is_kept(tmp_path, monkeypatch):
    """Fault injection on the real samples: language ID raises on one page."""
    import filters.langid

    recipe = recipe_from_dict({"langid": {"languages": []}})
    predict = filters.langid.LanguageIdentifier.predict

    def flaky(self, text):
        if text.startswith(target[0]):
            raise RuntimeError("injected fault")
        return predict(self, text)

    ingest_source(recipe, "commoncrawl", [SAMPLE_GLOB], str(tmp_path / "clean"), False, FAST_BEAM)
    texts = sorted(d.text for d in read_stage(tmp_path / "clean"))
    target = [texts[len(texts) // 2]]
    assert sum(t.startswith(target[0]) for t in texts) == 1
    monkeypatch.setattr(filters.langid.LanguageIdentifier, "predict", flaky)
    _, langid, _ = ingest_source(
        recipe, "commoncrawl", [SAMPLE_GLOB], str(tmp_path / "out"), False, FAST_BEAM
    )
    assert langid.counts["rejected:exception"] == 1 and langid.documents_out == len(texts) - 1
    assert sorted(d.text for d in read_stage(tmp_path / "out")) == [t for t in texts if t != target[0]]
    folder = tmp_path / "out" / "langid" / "commoncrawl" / "_rejects"
    (reject,) = [json.loads(line) for f in folder.glob("*.jsonl") for line in f.read_text().splitlines()]
    assert reject["reason"] == "exception" and reject["detail"].startswith("RuntimeError: injected fault")
    assert reject["record_id"].startswith("commoncrawl-")


def test_a_missing_input_is_a_user_error(tmp_path):
    recipe = recipe_from_dict({})
    with pytest.raises(UserError, match="input not found"):
        ingest_source(
            recipe, "commoncrawl", [str(tmp_path / "none*.warc.gz")], str(tmp_path), False, FAST_BEAM
        )


def test_cli_runs_then_resumes(tmp_path, capsys):
    config = tmp_path / "recipe.yaml"
    config.write_text("execution:\n  output_shards: 2\n")
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
    assert "ingest/commoncrawl:kept" in first and "langid/commoncrawl:dropped:lang" in first
    assert "langid/commoncrawl: 40 documents in" in first and "25 out" in first and "2 rejects" in first
    assert cli.main(argv + FAST_BEAM) == 0
    assert "ingest/commoncrawl: skipped" in capsys.readouterr().out
    assert (
        cli.main(["ingest", "commoncrawl", "--input", "/nonexistent/x.warc", "--output", str(tmp_path)]) == 2
    )


def test_a_seed_change_does_not_rerun_commoncrawl_ingest_but_a_code_change_does(tmp_path, monkeypatch):
    import pipeline.manifest as manifest_module

    output = str(tmp_path / "out")
    _, _, ran = ingest_source(
        recipe_from_dict({"seed": 1}), "commoncrawl", [SAMPLE_GLOB], output, False, FAST_BEAM
    )
    assert ran
    _, _, ran = ingest_source(
        recipe_from_dict({"seed": 2}), "commoncrawl", [SAMPLE_GLOB], output, False, FAST_BEAM
    )
    assert not ran  # ingest does not use the seed, so it is not in its key
    source = manifest_module._module_source
    edited = {"pipeline.sources.commoncrawl"}
    monkeypatch.setattr(
        manifest_module,
        "_module_source",
        lambda name: source(name) + (b"\n# edited" if name in edited else b""),
    )
    _, _, ran = ingest_source(
        recipe_from_dict({"seed": 2}), "commoncrawl", [SAMPLE_GLOB], output, False, FAST_BEAM
    )
    assert ran  # the reader's code changed: its code version changed
