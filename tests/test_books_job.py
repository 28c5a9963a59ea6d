"""The Books ingest and the book-level dedup on the DirectRunner, over the shipped samples: Gutenberg files of
three layouts and encodings (one gzip), one without markers, Books3/PG19-style JSON lines with bad lines;
markers and encodings counted, ids unique across the corpora, and the edition that differs only in boilerplate,
encoding and wrapping removed by `minhash` with its Books settings (LLaMA's >90% content overlap)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from beam_jobs.run import run_recipe
from filters.minhash import hash_set, hash_set_containment, text_hashes
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest
from tests.conftest import REPO

pytestmark = pytest.mark.slow
SAMPLES = REPO / "samples" / "books"
INPUTS = [str(SAMPLES / "gutenberg" / "*"), str(SAMPLES / "books3-*.jsonl")]


def run(output: Path, beam_args: list[str], inputs: list[str] | None = None, **sections):
    recipe = recipe_from_dict({"stages": ["ingest", "minhash"], **sections})
    recipe = recipe.with_sources({"books": SourceSpec(input=inputs or INPUTS)})
    run_recipe(recipe, str(output), beam_args, summary=False)
    documents = {d.id: d for p in stage_parts(str(output / "ingest" / "books")) for d in iter_documents(p)}
    kept = {d.id: d for p in stage_parts(str(output / "minhash" / "books")) for d in iter_documents(p)}
    return documents, kept


def test_samples_read_stripped_counted_and_deduplicated(tmp_path, beam_args):
    documents, kept = run(tmp_path / "out", beam_args)
    manifest = read_manifest(str(tmp_path / "out" / "ingest" / "books"))
    counts = manifest.counts
    assert counts["read"] == 9 and counts["kept"] == 7 == len(documents)
    assert counts["kept:no_markers"] == 1  # book-c-nomarkers.txt (Books3 records are not counted)
    assert {k: v for k, v in counts.items() if k.startswith("encoding:")} == {
        "encoding:ascii": 1, "encoding:latin-1": 1, "encoding:utf-8": 1, "encoding:utf-8-sig": 1,
    }  # fmt: skip
    rejects = [json.loads(line) for f in (tmp_path / "out" / "ingest" / "books" / "_rejects").glob("*.jsonl")
               for line in f.read_text().splitlines()]  # fmt: skip
    assert sorted((r["reason"], r["record_id"]) for r in rejects) == [
        ("bad_json", "line 3"),
        ("empty_text", "line 4"),
    ]
    by_file = {}
    for document in documents.values():
        by_file.setdefault(document.meta["file"], []).append(document)
    assert {d.meta["corpus"] for d in by_file["books3-00.jsonl"]} == {"books3", "pg19"}
    for document in documents.values():
        assert "gutenberg" not in document.text.lower() and "*** start" not in document.text.lower()
    modern, old = by_file["pg90001.txt"][0], by_file["90001-8.txt"][0]
    assert "café" in modern.text and "café" in old.text  # Latin-1 decoded
    assert modern.url == old.url == "https://www.gutenberg.org/ebooks/90001"
    # Book dedup: the Latin-1 re-wrapped edition is one book with the UTF-8 one; so is Books3's copy of B.
    a, b = (hash_set(text_hashes(d.text)) for d in (modern, old))
    assert hash_set_containment(a, b) > 0.99
    assert len(kept) == 5 and (modern.id in kept) != (old.id in kept)
    clusters = pq.read_table(tmp_path / "out" / "minhash" / "books" / "clusters").to_pylist()
    assert sorted(r["size"] for r in clusters if r["kept"]) == [2, 2]


def test_ids_are_unique_across_corpora_and_outputs_byte_identical(tmp_path, beam_args):
    documents, _ = run(tmp_path / "a", beam_args)
    assert len({d.id for d in documents.values()}) == len(documents)
    run(tmp_path / "b", ["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    for stage in ("ingest", "minhash"):
        for part in sorted((tmp_path / "a" / stage / "books").glob("part-*.parquet")):
            twin = tmp_path / "b" / stage / "books" / part.name
            assert part.read_bytes() == twin.read_bytes(), part.name


def test_a_jaccard_threshold_keeps_a_copy_that_containment_removes(tmp_path, beam_args):
    _, kept = run(tmp_path / "out", beam_args, minhash={"by_source": {"books": {"threshold": 0.9}}})
    assert len(kept) == 6  # only the Latin-1 edition (Jaccard 1.0) goes; Books3's B (Jaccard 0.82) stays


def test_a_gzip_book_over_the_size_cap_is_a_reject(tmp_path, beam_args):
    documents, _ = run(tmp_path / "out", beam_args, [str(SAMPLES / "gutenberg" / "pg90002.txt.gz")],
                       books={"max_book_bytes": 4096})  # fmt: skip
    assert documents == {}
    assert read_manifest(str(tmp_path / "out" / "ingest" / "books")).counts["rejected:oversize"] == 1
