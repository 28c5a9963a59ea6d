"""The StackExchange ingest on the DirectRunner, over the shipped samples (a .7z per site, a
stackoverflow-style `-Posts.7z`, an extracted folder): the ranking and its override, answers grouped and
sorted by integer score, keep_unanswered both ways, the `sites` table and counters, rejects (malformed rows,
hostile and oversize archives), and byte-identical outputs across runs, splits and workers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from beam_jobs.run import run_recipe
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest
from tests.conftest import REPO
from tests.test_stackexchange import make_archive, posts_xml, q

pytestmark = pytest.mark.slow
SAMPLES = REPO / "samples" / "stackexchange"
LIGHTHOUSES, POTTERY, COMPILERS = (
    "lighthouses.stackexchange.com",
    "pottery.stackexchange.com",
    "compilers.stackexchange.com",
)


def ingest(output: Path, beam_args: list[str], inputs: list[str] | None = None, **sections):
    recipe = recipe_from_dict(sections).with_sources(
        {"stackexchange": SourceSpec(input=inputs or [str(SAMPLES)])}
    )
    run_recipe(recipe, str(output), beam_args, stages=["ingest"], summary=False)
    folder = output / "ingest" / "stackexchange"
    documents = sorted((d for p in stage_parts(str(folder)) for d in iter_documents(p)), key=lambda d: d.id)
    sites = [
        r for p in sorted((folder / "sites").glob("part-*.parquet")) for r in pq.read_table(p).to_pylist()
    ]
    rejects = [
        json.loads(line)
        for f in sorted((folder / "_rejects").glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    return read_manifest(str(folder)), documents, sites, rejects


def test_samples_ranked_grouped_sorted_and_counted(tmp_path, beam_args):
    manifest, documents, sites, rejects = ingest(tmp_path / "out", beam_args)
    counts = manifest.counts
    # rows per site, the ranking, every site kept (3 < 28), documents per site
    assert sites == [
        {"site": LIGHTHOUSES, "rows": 16, "rank": 1, "kept": True, "documents": 3},
        {"site": POTTERY, "rows": 14, "rank": 2, "kept": True, "documents": 2},
        {"site": COMPILERS, "rows": 9, "rank": 3, "kept": True, "documents": 3},
    ]
    assert {k: v for k, v in counts.items() if k.startswith(("site_", "sites:"))} == {
        f"site_rows:{LIGHTHOUSES}": 16, f"site_rows:{POTTERY}": 14, f"site_rows:{COMPILERS}": 9,
        f"site_kept:{LIGHTHOUSES}": 3, f"site_kept:{POTTERY}": 2, f"site_kept:{COMPILERS}": 3,
        "sites:ranked": 3, "sites:kept": 3,
    }  # fmt: skip
    assert counts["kept"] == manifest.documents_out == len(documents) == 8
    # one question without answers per 7z site, and the one whose only answer is an image
    assert counts["dropped:unanswered"] == 3
    assert counts["answers:orphan"] == 1 and counts["answers:empty"] == 1 and counts["answers:kept"] == 19
    assert counts["skipped:other_post_type"] == 3 and counts["skipped:deleted"] == 1
    assert counts["skipped:not_posts"] == 1  # the folder's Users.xml; _make_samples.py is not an input
    assert counts["read:question"] == 11 and counts["read:answer"] == 21 and counts["read"] == 36
    assert counts["rejected:malformed_row"] == 3 == manifest.rejects == len(rejects)
    assert "dropped:site_not_kept" not in counts
    assert {(r["source_file"].rsplit("/", 1)[-1], r["record_id"]) for r in rejects} == {
        ("Posts.xml", f"{LIGHTHOUSES}:13"),
        ("pottery.stackexchange.com.7z", f"{POTTERY}:113"),
        ("pottery.stackexchange.com.7z", f"{POTTERY}:114"),
    }
    assert all(isinstance(r["offset"], int) and r["reason"] == "malformed_row" for r in rejects)
    by_url = {d.url: d for d in documents}
    mugs = by_url[f"https://{POTTERY}/questions/101"]
    assert mugs.text.startswith("Q: Why do my mugs crack in the kiln?\n\nThree of my last five mugs")
    assert mugs.meta["answer_scores"] == "10,9,2,-1" and mugs.meta["answer_ids"] == "103,102,105,104"
    blocks = [b for b in mugs.text.split("\n\n") if b.startswith("A: ")]
    assert [b[:12] for b in blocks] == ["A: Two thing", "A: The handl", "A: Also chec", "A: Buy bette"]
    assert "1. attaching the handle" in mugs.text and "100°C < T < 600°C" in mugs.text
    flashes = by_url[f"https://{LIGHTHOUSES}/questions/1"]
    assert flashes.meta["answer_scores"] == "10,9,2,-1" and flashes.meta["license"] == "CC BY-SA 4.0"
    assert (
        flashes.meta["tags"] == "navigation,light-characteristics"
        and flashes.meta["dump"] == f"{LIGHTHOUSES}_2024"
    )
    assert "* Fl(2) 10s: two flashes" in flashes.text and "height & range" in flashes.text
    lexer = by_url[f"https://{COMPILERS}/questions/201"]
    assert "```\npos = 0\nwhile pos < len(src):\n    m = TOKEN.match(src, pos)\n" in lexer.text
    assert lexer.meta["dump"] == "compilers.stackexchange.com-Posts.7z"
    for document in documents:
        assert document.source == "stackexchange" and document.text.startswith("Q: ")
        assert document.id.startswith("stackexchange-") and document.timestamp is not None
        scores = [int(s) for s in document.meta["answer_scores"].split(",")]
        assert scores == sorted(scores, reverse=True) and int(document.meta["answers"]) == len(scores)
        assert document.text.count("\n\nA: ") == len(scores)
        assert "<p>" not in document.text and "&amp;" not in document.text


def test_ranking_keeps_the_largest_sites_or_the_configured_ones(tmp_path, beam_args):
    manifest, documents, sites, _ = ingest(tmp_path / "top", beam_args, stackexchange={"top_sites": 2})
    assert [(s["site"], s["kept"]) for s in sites] == [
        (LIGHTHOUSES, True),
        (POTTERY, True),
        (COMPILERS, False),
    ]
    assert {d.meta["site"] for d in documents} == {LIGHTHOUSES, POTTERY} and len(documents) == 5
    assert manifest.counts["dropped:site_not_kept"] == 3 and manifest.counts["answers:site_not_kept"] == 6
    assert manifest.counts["sites:kept"] == 2 and f"site_kept:{COMPILERS}" not in manifest.counts
    chosen = [COMPILERS.upper(), "gone.stackexchange.com_2020"]
    manifest, documents, sites, _ = ingest(tmp_path / "chosen", beam_args, stackexchange={"sites": chosen})
    assert [(s["site"], s["rank"], s["kept"]) for s in sites] == [
        (LIGHTHOUSES, 1, False),
        (POTTERY, 2, False),
        (COMPILERS, 3, True),
        ("gone.stackexchange.com", None, False),
    ]
    assert {d.meta["site"] for d in documents} == {COMPILERS} and len(documents) == 3
    assert manifest.counts["site_missing:gone.stackexchange.com"] == 1


def test_keep_unanswered_keeps_questions_without_answers(tmp_path, beam_args):
    manifest, documents, _, _ = ingest(tmp_path / "out", beam_args, stackexchange={"keep_unanswered": True})
    assert len(documents) == 11 and manifest.counts["kept_unanswered"] == 3
    assert "dropped:unanswered" not in manifest.counts
    alone = next(d for d in documents if d.url.endswith(f"{POTTERY}/questions/109"))
    assert alone.text == "Q: Can air-dry clay go in a kiln?\n\nI have a bag of air-dry clay. Can I fire it?"
    assert alone.meta["answers"] == "0" and alone.meta["answer_ids"] == ""


def test_hostile_damaged_and_oversize_archives_are_rejected_and_the_rest_goes_on(tmp_path, beam_args):
    inputs = tmp_path / "in"
    shutil.copytree(SAMPLES, inputs, ignore=shutil.ignore_patterns("_*"))
    evil = inputs / "evil.stackexchange.com.7z"
    make_archive(evil, [("XXXPosts.xml", posts_xml([q(1)]))], {"XXXPosts.xml": "../Posts.xml"})
    make_archive(
        inputs / "huge.stackexchange.com.7z",
        [("Posts.xml", posts_xml([q(i, body="b" * 500) for i in range(40)]))],
    )
    (inputs / "broken.stackexchange.com.7z").write_bytes(
        (SAMPLES / "pottery.stackexchange.com.7z").read_bytes()[:700]
    )
    (inputs / "notes").mkdir()
    (inputs / "notes" / "Posts.xml").write_bytes(posts_xml([q(1)]))  # a folder that is not a site
    manifest, documents, sites, rejects = ingest(
        tmp_path / "out", beam_args, [str(inputs)], stackexchange={"max_archive_bytes": 16384}
    )
    reasons = sorted(r["reason"] for r in rejects)
    assert reasons == sorted(
        ["unsafe_member", "no_posts", "oversize_archive", "corrupt_archive", "unknown_site"]
        + ["malformed_row"] * 3
    )
    assert len(documents) == 8 and [s["site"] for s in sites] == [LIGHTHOUSES, POTTERY, COMPILERS]
    assert (
        manifest.counts["rejected:oversize_archive"] == 1 and manifest.counts["rejected:unsafe_member"] == 1
    )


def test_group_files_do_not_cut_the_sites_ranking(tmp_path, beam_args):
    """The ranking needs every site's rows: the ingest stage reads StackExchange as one group even when
    execution.group_files cuts the other sources' inputs into groups."""
    whole, documents, _, _ = ingest(tmp_path / "whole", beam_args)
    grouped, grouped_documents, _, _ = ingest(tmp_path / "grouped", beam_args, execution={"group_files": 1})
    assert grouped.counts == whole.counts and len(grouped_documents) == len(documents)


def test_outputs_are_byte_identical_across_runs_splits_and_workers(tmp_path, beam_args):
    def files(manifest):
        return {o["file"]: o["sha256"] for o in manifest.outputs}

    first, documents, _, _ = ingest(tmp_path / "a", beam_args)
    again, _, _, _ = ingest(tmp_path / "b", beam_args)
    parallel = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]
    split, _, _, _ = ingest(tmp_path / "c", parallel, stackexchange={"split_bytes": 4096})
    assert files(first) == files(again) == files(split)
    assert len(files(first)) >= 3 and len(documents) == 8  # documents, sites, rejects
    assert first.counts == again.counts == split.counts
