"""CCNet's path on the real CommonCrawl WARCs and enwiki samples of ../shared/data (skipped when absent)."""

from __future__ import annotations

import json

import pytest
from cc_fixtures import SHARED_CC
from conftest import SHARED_DATA

from beam_jobs.framework import run_one
from beam_jobs.paragraph_dedup import PARAGRAPH_DEDUP
from beam_jobs.run import run_recipe
from pipeline.config import recipe_from_dict

pytestmark = pytest.mark.acceptance

if not SHARED_CC.is_dir():
    pytest.skip(f"shared CommonCrawl data not found at {SHARED_CC}", allow_module_level=True)

WIKIPEDIA = [
    SHARED_DATA / "wikipedia" / "gensim_enwiki-pages-articles1-shortened.xml.bz2",
    SHARED_DATA / "wikipedia" / "wp2txt_enwiki-sample-2022.xml.bz2",
]
BEAM = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The CommonCrawl WARCs and the two enwiki samples through ingest, paragraph dedup, langid and quality."""
    root = tmp_path_factory.mktemp("ccnet")
    archives = sorted(
        str(p)
        for p in SHARED_CC.iterdir()
        if p.name.endswith((".warc", ".warc.gz")) and ".wat." not in p.name
    )
    recipe = recipe_from_dict(
        {
            "sources": {
                "commoncrawl": {"input": archives},
                "wikipedia": {"input": [str(p) for p in WIKIPEDIA]},
            },
            "stages": ["ingest", "paragraph_dedup", "langid", "train_quality", "quality"],
            "paragraph_dedup": {"scope_files": 1},
            "langid": {"languages": ["en"]},
            "quality": {"languages": ["en"]},
        }
    )
    report = run_recipe(recipe, str(root / "out"), BEAM, summary=False)
    return root, recipe, report


def test_paragraph_dedup_keeps_fewer_characters_over_a_wider_scope(run):
    root, recipe, report = run
    per_file = report["stages"]["paragraph_dedup/commoncrawl"]
    whole, _ = run_one(
        PARAGRAPH_DEDUP,
        recipe_from_dict({"paragraph_dedup": {"scope_files": 0}}),
        {"documents": [str(root / "out" / "ingest" / "commoncrawl")]},
        str(root / "whole"),
        BEAM,
        source="commoncrawl",
    )
    kept_file = per_file["characters_out"] / per_file["characters_in"]
    kept_whole = whole.characters_out / whole.characters_in
    print(
        f"\nparagraph dedup on {per_file['documents_in']} real CommonCrawl pages: characters kept "
        f"{kept_file:.1%} per input file, {kept_whole:.1%} over all files (CCNet: 42% at one shard, 28% at 100)"
    )
    assert kept_whole <= kept_file < 1.0
    assert per_file["counts"]["lines_removed"] > 0


def test_quality_buckets_every_english_page(run):
    root, _, report = run
    quality = report["stages"]["quality/commoncrawl"]
    buckets = {k.split(":", 1)[1]: v for k, v in quality["counts"].items() if k.startswith("bucket:")}
    print(f"\nbuckets of the English CommonCrawl pages after dedup: {buckets}")
    assert quality["counts"].get("scored:en", 0) == quality["documents_in"] > 0
    assert sum(buckets.values()) == quality["documents_in"] and "all" not in buckets
    table = json.loads((root / "out" / "quality" / "commoncrawl" / "cutoffs.json").read_text())["languages"][
        "en"
    ]
    assert table["from"] == "data"
    print(f"en cutoffs from these pages: p30 {table['cutoffs'][0]}, p60 {table['cutoffs'][1]}")
