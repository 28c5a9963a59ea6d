"""The exact_dedup stage on the DirectRunner: one copy of each identical text kept, the same one whatever the
input order or the number of input files, the copies counted; and the per-source MinHash settings for books."""

from __future__ import annotations

import pytest
from ccnet_fixtures import write_part

from beam_jobs.exact_dedup import EXACT_DEDUP
from beam_jobs.framework import run_one
from pipeline.config import Recipe, recipe_from_dict
from pipeline.document import Document
from pipeline.errors import ConfigError
from pipeline.io import iter_documents, stage_parts

BEAM = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]


def _doc(doc_id: str, text: str, content_hash: str | None = None) -> Document:
    meta = {"path": f"{doc_id}.py", **({"content_hash": content_hash} if content_hash else {})}
    return Document(id=doc_id, source="github", text=text, meta=meta)


def _run(tmp_path, parts: list[list[Document]], name: str = "out"):
    folder = tmp_path / f"{name}-in"
    for i, documents in enumerate(parts):
        write_part(folder, documents, f"part-{i:05d}-of-{len(parts):05d}.parquet")
    manifest, _ = run_one(
        EXACT_DEDUP, Recipe(), {"documents": [str(folder)]}, str(tmp_path / name), BEAM, False, "github"
    )
    kept = {d.id: d for part in stage_parts(str(tmp_path / name)) for d in iter_documents(part)}
    return manifest, kept


def test_identical_files_across_input_files_are_kept_once_with_their_copies(tmp_path):
    license_header_free = "def add(a, b):\n    return a + b\n"
    parts = [
        [_doc("github-c", license_header_free), _doc("github-x", "print('x')\n")],
        [_doc("github-a", license_header_free), _doc("github-y", "print('y')\n")],
        [_doc("github-b", license_header_free), _doc("github-z", "print('x')\n")],
    ]
    manifest, kept = _run(tmp_path, parts)
    assert sorted(kept) == ["github-a", "github-x", "github-y"]  # the smallest id of each text
    assert kept["github-a"].meta["copies"] == "3" and kept["github-y"].meta["copies"] == "1"
    assert manifest.counts["dropped:exact_duplicate"] == 3
    assert manifest.counts["kept"] == 3 and manifest.counts["kept:had_duplicates"] == 2
    assert manifest.documents_in == 6 and manifest.documents_out == 3


def test_the_kept_copy_does_not_depend_on_input_order(tmp_path):
    docs = [_doc(f"github-{i:02d}", "same text\n") for i in range(12)]
    _, forward = _run(tmp_path, [docs[:6], docs[6:]], "forward")
    _, backward = _run(tmp_path, [docs[::-1][:5], docs[::-1][5:]], "backward")
    assert list(forward) == list(backward) == ["github-00"]


def test_a_readers_content_hash_is_the_key_when_it_set_one(tmp_path):
    parts = [[_doc("github-1", "a\n", "h1"), _doc("github-2", "b\n", "h1"), _doc("github-3", "a\n", "h3")]]
    _, kept = _run(tmp_path, parts)
    assert sorted(kept) == ["github-1", "github-3"]


def test_books_get_their_own_minhash_threshold_and_others_the_shared_one():
    recipe = recipe_from_dict({"minhash": {"threshold": 0.7, "by_source": {"books": {"threshold": 0.95}}}})
    assert recipe.minhash.for_source("books").threshold == 0.95
    assert recipe.minhash.for_source("commoncrawl").threshold == 0.7
    books = Recipe().minhash.for_source("books")  # LLaMA: more than 90% content overlap
    assert (books.threshold, books.overlap, books.keep) == (0.9, "containment", "longest")
    assert "books" in Recipe().minhash.sources


@pytest.mark.parametrize(
    ("by_source", "message"),
    [
        ({"bookz": {"threshold": 0.9}}, "minhash.by_source.bookz: unknown source"),
        ({"books": {"threshold": 1.5}}, "minhash.by_source.books.threshold: must be between"),
        ({"books": {"sources": ["books"]}}, "minhash.by_source.books.sources: not a per-source setting"),
        ({"books": {"thresold": 0.9}}, "minhash.by_source.books.thresold: unknown key"),
    ],
)
def test_bad_per_source_minhash_settings_name_their_key(by_source, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        recipe_from_dict({"minhash": {"by_source": by_source}})
