"""The minhash stage on the DirectRunner: clusters, keepers, huge buckets, references, digits, determinism."""

from __future__ import annotations

import random

import pyarrow.parquet as pq
import pytest
from ccnet_fixtures import prose, write_part

from beam_jobs.framework import run_one
from beam_jobs.minhash import MINHASH
from pipeline.config import recipe_from_dict
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import iter_documents, stage_parts

BEAM = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]


def _doc(doc_id: str, text: str, perplexity: float | None = None) -> Document:
    return Document(id=doc_id, source="commoncrawl", text=text, perplexity=perplexity)


def _edit(text: str, rng: random.Random, fraction: float) -> str:
    """The text with about `fraction` of its words replaced (a near-duplicate when small)."""
    words = text.split(" ")
    for i in rng.sample(range(len(words)), int(len(words) * fraction)):
        words[i] = f"edited{i}"
    return " ".join(words)


def _run(tmp_path, documents, name="out", minhash=None, beam=None, reference=None, force=False):
    folder = tmp_path / f"{name}-in"
    if not folder.exists():
        write_part(folder, documents)
    config = {"minhash": {**(minhash or {}), **({"reference": [str(reference)]} if reference else {})}}
    output = tmp_path / name
    manifest, _ = run_one(
        MINHASH,
        recipe_from_dict(config),
        {"documents": [str(folder)]},
        str(output),
        beam or BEAM,
        force,
        "commoncrawl",
    )
    kept = {d.id: d for part in stage_parts(str(output)) for d in iter_documents(part)}
    clusters_dir = output / "clusters"
    clusters = pq.read_table(clusters_dir).to_pylist() if clusters_dir.exists() else []
    return manifest, kept, clusters, output


def _corpus(seed: int = 0) -> list[Document]:
    rng = random.Random(seed)
    documents = []
    for i in range(30):
        original = prose(rng, 8)
        documents.append(_doc(f"doc-{i:03d}", original))
        if i % 3 == 0:  # a near-duplicate (1% of words edited) and an exact copy
            documents.append(_doc(f"doc-{i:03d}-near", _edit(original, rng, 0.01)))
            documents.append(_doc(f"doc-{i:03d}-copy", original))
    return documents


def test_near_duplicates_go_one_per_cluster_is_kept_and_clusters_say_why(tmp_path):
    documents = _corpus()
    manifest, kept, clusters, _ = _run(tmp_path, documents)
    assert sorted(kept) == sorted(d.id for d in documents if "-" not in d.id.removeprefix("doc-"))
    assert manifest.counts["duplicate"] == 20 and manifest.counts["kept"] == 30
    assert kept["doc-000"].signals["minhash_cluster_size"] == 3.0
    assert kept["doc-001"].signals["minhash_cluster_size"] == 1.0
    by_id = {row["id"]: row for row in clusters}
    assert by_id["doc-000-near"] == {**by_id["doc-000-near"], "cluster": "doc-000", "kept": False, "size": 3}
    assert by_id["doc-000"]["kept"] and by_id["doc-000"]["jaccard_to_kept"] == 1.0
    assert 0.8 <= by_id["doc-000-near"]["jaccard_to_kept"] < 1.0
    assert "doc-001" not in by_id  # a document with no near-duplicate is in no cluster


def test_a_huge_bucket_of_identical_pages_is_one_star_not_n_squared_pairs(tmp_path):
    boilerplate = "Welcome to our website. Please log in to continue. " * 20
    documents = [_doc(f"page-{i:04d}", boilerplate) for i in range(1500)]
    manifest, kept, clusters, _ = _run(tmp_path, documents)
    assert list(kept) == ["page-0000"]
    assert manifest.counts["duplicate"] == 1499 and manifest.counts["clusters"] == 1
    assert manifest.counts["edges_verified"] == 1499  # one edge per member, to the bucket's smallest
    assert len(clusters) == 1500


def test_keep_by_quality_keeps_the_lowest_perplexity(tmp_path):
    text = prose(random.Random(5), 8)
    documents = [_doc("a", text, 300.0), _doc("b", text, 120.0), _doc("c", text, None)]
    _, kept, _, _ = _run(tmp_path, documents, minhash={"keep": "quality"})
    assert list(kept) == ["b"]


def test_a_reference_corpus_is_compared_with_and_never_changed(tmp_path):
    rng = random.Random(9)
    old = [_doc(f"old-{i}", prose(rng, 8)) for i in range(5)]
    reference = write_part(tmp_path / "last-year", old)
    new = [
        _doc("new-dup-of-old", old[0].text),
        _doc("new-a", prose(rng, 8)),
    ]
    new.append(_doc("new-a-copy", new[1].text))
    manifest, kept, clusters, _ = _run(tmp_path, new, reference=reference)
    assert sorted(kept) == ["new-a"]
    assert manifest.counts["duplicate_of_reference"] == 1 and manifest.counts["duplicate"] == 1
    assert manifest.documents_in == 3  # the reference is not this stage's input
    row = {r["id"]: r for r in clusters}["old-0"]
    assert row["reference"] and row["kept"] and row["cluster"] == "old-0"


def test_documents_that_differ_only_in_numbers_follow_the_digit_rule(tmp_path):
    rows = "\n".join(
        f"Month {m}: {{v{m}}} units sold, {{p{m}}} percent of the regional total." for m in range(12)
    )
    rng = random.Random(3)
    documents = [
        _doc(
            f"report-{year}",
            rows.format(**{f"{k}{m}": rng.randint(100, 999) for k in "vp" for m in range(12)}),
        )
        for year in range(2015, 2020)
    ]
    _, kept, _, _ = _run(tmp_path, documents, name="keep", minhash={"digits": "keep"})
    assert len(kept) == 5  # keep: tables of different figures are different documents
    _, kept, _, _ = _run(tmp_path, documents, name="strip", minhash={"digits": "strip"})
    assert len(kept) == 1  # strip (datatrove's choice): they collapse into one


def test_the_same_kept_set_and_clusters_with_other_worker_counts(tmp_path):
    documents = _corpus(seed=2)
    _, kept, clusters, output = _run(tmp_path, documents, name="one")
    _, kept2, clusters2, output2 = _run(
        tmp_path,
        documents,
        name="two",
        beam=["--direct_num_workers=2", "--direct_running_mode=multi_processing"],
    )
    assert sorted(kept) == sorted(kept2) and clusters == clusters2
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*.parquet")}  # noqa: E731
    assert files(output) == files(output2)


def test_too_few_rounds_for_the_clusters_is_a_one_line_error(tmp_path):
    """A path of 12 documents (each shares half its text with the next, nothing with the others) needs about 11
    rounds of label propagation; one round is not enough, and the stage says so instead of a wrong answer."""
    rng = random.Random(4)
    halves = [prose(rng, 6) for _ in range(13)]
    path = [_doc(f"path-{i:02d}", halves[i] + "\n" + halves[i + 1]) for i in range(12)]
    with pytest.raises(UserError, match="did not converge in minhash.max_rounds=1"):
        _run(tmp_path, path, minhash={"max_rounds": 1, "verify": "none", "threshold": 0.3})
    _, kept, clusters, _ = _run(tmp_path, path, name="enough", minhash={"verify": "none", "threshold": 0.3})
    assert list(kept) == ["path-00"] and {row["cluster"] for row in clusters} == {"path-00"}


def test_against_another_source_drops_only_this_sources_copies(tmp_path):
    """CommonCrawl against C4: a CommonCrawl page that duplicates a C4 page goes; C4 is read, never written."""
    rng = random.Random(12)
    c4 = [Document(id=f"c4-{i}", source="c4", text=prose(rng, 8)) for i in range(4)]
    c4_folder = write_part(tmp_path / "c4", c4)
    cc = [_doc("cc-copy-of-c4", c4[2].text), _doc("cc-own", prose(rng, 8))]
    cc_folder = write_part(tmp_path / "cc", cc)
    recipe = recipe_from_dict({"minhash": {"against": ["c4"]}})
    inputs = {"documents": [str(cc_folder)], "against": [str(c4_folder)]}
    manifest, _ = run_one(MINHASH, recipe, inputs, str(tmp_path / "out"), BEAM, source="commoncrawl")
    kept = [d.id for part in stage_parts(str(tmp_path / "out")) for d in iter_documents(part)]
    assert kept == ["cc-own"] and manifest.counts["duplicate_of_reference"] == 1
    assert manifest.counts["reference:signed"] == 4


def test_the_recipe_graph_reads_the_sources_it_is_compared_with():
    from beam_jobs.run import resolve

    recipe = recipe_from_dict(
        {
            "sources": {"commoncrawl": {"input": ["x"]}, "c4": {"input": ["y"]}},
            "stages": ["ingest", "minhash"],
            "minhash": {"sources": ["commoncrawl"], "against": ["c4"]},
        }
    )
    minhash = {p.stage.name: p for p in resolve(recipe)}["minhash"]
    assert minhash.sources == ["commoncrawl"]
    assert {s: stage.name for s, stage in minhash.upstream["against"].items()} == {"c4": "ingest"}


def test_containment_catches_a_text_inside_a_longer_one_and_keeps_the_longest(tmp_path):
    rng = random.Random(11)
    book = prose(rng, 40)
    preface = prose(rng, 12)  # a new edition: the same book behind a preface of its own
    edition = preface + "\n" + book
    documents = [_doc("a-book", book), _doc("b-edition", edition), _doc("c-other", prose(rng, 40))]
    settings = {"threshold": 0.9, "overlap": "containment", "candidates": 0.7, "keep": "longest"}
    manifest, kept, clusters, _ = _run(tmp_path, documents, minhash=settings)
    assert sorted(kept) == ["b-edition", "c-other"]
    assert manifest.counts["duplicate"] == 1
    _, jaccard_kept, _, _ = _run(tmp_path, documents, name="jaccard", minhash={"threshold": 0.9})
    assert sorted(jaccard_kept) == [
        "a-book",
        "b-edition",
        "c-other",
    ]  # Jaccard 0.86: two books by that measure
