"""The C4 jobs on the DirectRunner: `ingest` of the shipped C4 samples (counts, rejects with line numbers, the
same documents as the pure reader), `c4_filter` after it, and `c4_filter` on CommonCrawl-like pages against the
in-memory reference (every rule counted, line dedup in the shuffle, bad words), resume and identical bytes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from beam_jobs.c4 import C4_FILTER
from beam_jobs.framework import run_one
from beam_jobs.run import run_recipe
from filters.c4 import c4_filter_in_memory, load_bad_words
from pipeline import cli
from pipeline.config import C4FilterConfig, SourceSpec, recipe_from_dict
from pipeline.document import Document
from pipeline.io import iter_documents, stage_parts, write_documents
from pipeline.manifest import read_manifest
from pipeline.sources.c4 import read_documents
from tests.conftest import BEAM_TEST_ARGS, REPO

pytestmark = pytest.mark.slow
SAMPLES = REPO / "samples" / "c4"
SHARDS = str(SAMPLES / "c4-train.*")
BAD_WORDS = SAMPLES / "badwords-sample.txt"


def _documents(folder: Path) -> dict[str, Document]:
    return {d.id: d for part in stage_parts(str(folder)) for d in iter_documents(part)}


def test_ingest_and_c4_filter_on_the_samples(tmp_path):
    words = tmp_path / "words.txt"
    shutil.copy(BAD_WORDS, words)
    recipe = recipe_from_dict(
        {
            "stages": ["ingest", "c4_filter"],
            "c4": {"max_line_bytes": 16384, "split_bytes": 4096},  # the plain shard is read in two ranges
            "c4_filter": {"sources": ["c4"], "bad_words": str(words)},
        }
    ).with_sources({"c4": SourceSpec(input=[SHARDS])})
    output = tmp_path / "out"
    report = run_recipe(recipe, str(output), BEAM_TEST_ARGS, summary=False)
    ingest = read_manifest(str(output / "ingest" / "c4"))
    assert ingest.counts == {
        "read": 52, "kept": 42, "skipped:blank_line": 1, "rejected:oversize": 1, "rejected:bad_json": 1,
        "rejected:bad_encoding": 1, "rejected:not_an_object": 1, "rejected:no_text": 1, "rejected:bad_text": 1,
        "rejected:bad_timestamp": 1, "rejected:empty_text": 1, "rejected:bad_url": 1,
    }  # fmt: skip
    assert ingest.documents_in == 52 and ingest.documents_out == 42 and ingest.rejects == 9
    rejects = [
        json.loads(line)
        for part in sorted((output / "ingest" / "c4" / "_rejects").glob("*.jsonl"))
        for line in part.read_text().splitlines()
    ]
    where = {(Path(r["source_file"]).name, r["record_id"], r["offset"], r["reason"]) for r in rejects}
    assert ("c4-train.00000-of-00002.json.gz", "line 31", 17572, "oversize") in where
    assert ("c4-train.00001-of-00002.json", "line 16", 5131, "bad_url") in where
    expected = {
        o.id: o
        for path in sorted(SAMPLES.glob("c4-train.*"))
        for o in read_documents(str(path), max_line_bytes=16384)
        if isinstance(o, Document)
    }
    ingested = _documents(output / "ingest" / "c4")
    assert {k: (d.text, d.url, d.timestamp) for k, d in ingested.items()} == {
        k: (d.text, d.url, d.timestamp) for k, d in expected.items()
    }
    cleaned = read_manifest(str(output / "c4_filter" / "c4"))
    assert cleaned.counts["kept"] == 42 and cleaned.counts["line:passed"] == cleaned.counts["line:kept"]
    assert (
        not [k for k in cleaned.counts if k.startswith("dropped:")] and cleaned.counts["line:duplicate"] == 0
    )
    assert {k: d.text for k, d in _documents(output / "c4_filter" / "c4").items()} == {
        k: d.text for k, d in expected.items()
    }  # C4 as released passes C4's rules unchanged
    assert cleaned.extra["bad_words"] == {"file": str(words), "words": 4}
    assert report["stages"]["c4_filter/c4"]["ran"]
    again = run_recipe(recipe, str(output), BEAM_TEST_ARGS, summary=False)
    assert not again["stages"]["ingest/c4"]["ran"] and not again["stages"]["c4_filter/c4"]["ran"]
    words.write_text("badword\nsecond placeholder\n")  # the list is an input of the stage's key
    again = run_recipe(recipe, str(output), BEAM_TEST_ARGS, summary=False)
    assert not again["stages"]["ingest/c4"]["ran"] and again["stages"]["c4_filter/c4"]["ran"]


OWN = "Page {i} starts with its own words today. Its second sentence is here. A third one closes it."
NEWSLETTER = "Sign up for the newsletter to get new stories every week."


def _pages() -> list[Document]:
    """CommonCrawl-like pages: boilerplate around their text, and one page for each rule."""
    pages = []
    for i in range(12):
        lines = ["Home | News | Sport | Contact", OWN.format(i=i), NEWSLETTER]
        if i % 3 == 0:
            lines.insert(1, "This site uses cookies to give you the best experience of our pages.")
        if i % 4 == 1:
            lines.append("Please enable JavaScript in your browser to see the comments below.")
        if i == 5:
            lines.append(OWN.format(i=i).upper())  # a repeat inside the page
        url = None if i == 7 else f"https://site{i % 3}.example/story/{i}"
        pages.append(Document(id=f"cc-{i:02d}", source="commoncrawl", text="\n".join(lines), url=url))
    special = {
        "cc-lorem": f"{OWN.format(i=90)}\nLorem ipsum dolor sit amet, consectetur adipiscing elit.",
        "cc-curly": f"{OWN.format(i=91)}\nThe settings look like this {{ width: 10 }} in the file.",
        "cc-short": "Only a single sentence stands on this page.",
        "cc-long": OWN.format(i=92) + "\n" + "More text of the same kind goes on and on. " * 300,
        "cc-bad": f"{OWN.format(i=93)}\nThat was pure flapdoodle, the reviewer wrote.",
        "cc-copied": f"{OWN.format(i=0)}\n{NEWSLETTER}",  # everything here is also on cc-00
    }
    for id_, text in special.items():
        pages.append(Document(id=id_, source="commoncrawl", text=text, url=f"https://other.example/{id_}"))
    return pages


def _filter_job(tmp_path, name: str, force: bool = False, **config):
    folder = tmp_path / "ingest" / "commoncrawl"
    if not folder.is_dir():
        pages = sorted(_pages(), key=lambda d: d.id)
        folder.mkdir(parents=True)
        write_documents(str(folder / "part-00000-of-00002.parquet"), pages[:9])
        write_documents(str(folder / "part-00001-of-00002.parquet"), pages[9:])
    recipe = recipe_from_dict(
        {"c4_filter": {"bad_words": str(BAD_WORDS), "max_page_characters": 10_000, **config},
         "execution": {"output_shards": 2}}
    )  # fmt: skip
    output = tmp_path / name
    manifest, ran = run_one(
        C4_FILTER, recipe, {"documents": [str(folder)]}, str(output), BEAM_TEST_ARGS, force, "commoncrawl"
    )
    return manifest, ran, output, recipe


@pytest.mark.parametrize("dedup_lines", [True, False])
def test_the_job_matches_the_in_memory_rules(tmp_path, dedup_lines):
    manifest, ran, output, recipe = _filter_job(tmp_path, "c4", dedup_lines=dedup_lines)
    expected, counts = c4_filter_in_memory(_pages(), recipe.c4_filter, load_bad_words(str(BAD_WORDS)))
    kept = _documents(output)
    assert ran and {k: d.text for k, d in kept.items()} == {d.id: d.text for d in expected}
    assert {k: v for k, v in manifest.counts.items() if v and k != "read"} == dict(counts)
    assert manifest.documents_in == len(_pages()) and manifest.documents_out == len(expected)
    for reason in ("too_long_page", "lorem_ipsum", "curly_bracket", "too_few_sentences", "bad_words"):
        assert manifest.counts[f"dropped:{reason}"] == 1
    assert manifest.counts["line:policy"] == 4 and manifest.counts["line:javascript"] == 3
    assert manifest.counts["line:no_end_mark"] >= 12  # each page's menu line
    if dedup_lines:
        # the newsletter line stays on one page of the 13 holding it; of cc-00 and cc-copied, which share all
        # cc-copied's lines, the one with the larger md5(url) loses them: one page is left empty
        assert sum(NEWSLETTER in d.text for d in kept.values()) == 1
        assert manifest.counts["line:duplicate"] == 12 + 1 and manifest.counts["line:duplicate_in_page"] == 1
        assert manifest.counts["dropped:dedup_empty"] == 1 and ("cc-00" in kept) != ("cc-copied" in kept)
    else:
        assert (
            sum(NEWSLETTER in d.text for d in kept.values()) == 13 and "line:duplicate" not in manifest.counts
        )


def test_the_job_resumes_and_a_forced_rerun_writes_identical_bytes(tmp_path):
    _, _, output, _ = _filter_job(tmp_path, "c4")
    before = {p.name: p.read_bytes() for p in sorted(output.glob("part-*.parquet"))}
    assert len(before) == 2
    _, ran, _, _ = _filter_job(tmp_path, "c4")
    assert not ran
    _, ran, _, _ = _filter_job(tmp_path, "c4", force=True)
    assert ran and {p.name: p.read_bytes() for p in sorted(output.glob("part-*.parquet"))} == before


def test_cli_filter_c4(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    write_documents(str(folder / "part-00000-of-00001.parquet"), sorted(_pages(), key=lambda d: d.id))
    out = tmp_path / "out"
    argv = ["filter-c4", "--input", str(folder), "--output", str(out), "--bad-words", str(BAD_WORDS)]
    assert cli.main([*argv, *BEAM_TEST_ARGS]) == 0
    printed = capsys.readouterr().out
    assert "c4_filter:dropped:bad_words" in printed and "4 bad words from" in printed
    assert read_manifest(str(out)).counts["dropped:bad_words"] == 1
    missing = [
        "filter-c4",
        "--input",
        str(folder),
        "--output",
        str(tmp_path / "o2"),
        "--bad-words",
        "nope.txt",
    ]
    assert cli.main([*missing, *BEAM_TEST_ARGS]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "llama-data filter-c4: error: c4_filter.bad_words: file not found"
    )


def test_the_default_recipe_runs_c4_filter_on_commoncrawl_only():
    from beam_jobs.run import resolve

    recipe = recipe_from_dict(
        {
            "sources": {"commoncrawl": {"input": ["x"]}, "c4": {"input": ["y"]}},
            "stages": ["ingest", "c4_filter", "langid"],
        }
    )
    planned = {p.stage.name: p for p in resolve(recipe)}
    assert planned["c4_filter"].sources == ["commoncrawl"] == C4FilterConfig().sources
    langid = {s: stage.name for s, stage in planned["langid"].upstream["documents"].items()}
    assert langid == {"commoncrawl": "c4_filter", "c4": "ingest"}
