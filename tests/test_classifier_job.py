"""The Wikipedia-reference classifier stages and the filter on the DirectRunner, with real fastText models."""

from __future__ import annotations

import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ccnet_fixtures import junk, prose, write_part

from beam_jobs.classifier import CLASSIFY, MODEL_FILE, REPORT_FILE, TRAIN_CLASSIFIER
from beam_jobs.filter import FILTER
from beam_jobs.framework import run_one
from beam_jobs.ingest import REFERENCES
from filters.thresholds import filter_decision
from pipeline.config import FilterConfig, recipe_from_dict
from pipeline.document import Document
from pipeline.io import iter_documents, stage_parts

CLASSIFIER = {"min_positives": 20, "min_characters": 200, "holdout_fraction": 0.25}
BEAM = ["--direct_num_workers=1"]


def _corpus(root) -> tuple:
    """60 encyclopedic pages that Wikipedia cites (cited with other spellings of their URLs), 120 junk pages."""
    rng = random.Random(3)
    documents = [
        Document(
            id=f"cc-ref-{i:03d}", source="commoncrawl", text=prose(rng), url=f"https://example.org/ref/{i}"
        )
        for i in range(60)
    ]
    documents += [
        Document(id=f"cc-shop-{i:03d}", source="commoncrawl", text=junk(rng), url=f"https://shop.example/{i}")
        for i in range(120)
    ]
    cc = write_part(root / "cc", documents)
    rows = [
        {
            "id": f"wikipedia-{i}",
            "page_id": str(i),
            "language": "en",
            "url": f"http://WWW.example.org/ref/{i}/#cite",
        }
        for i in range(60)
    ]
    references = root / "references"
    references.mkdir()
    pq.write_table(
        pa.Table.from_pylist(rows, schema=REFERENCES.schema), references / "part-00000-of-00001.parquet"
    )
    return cc, references


def _documents(folder) -> dict[str, Document]:
    return {d.id: d for part in stage_parts(str(folder)) for d in iter_documents(part)}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("classifier")
    cc, references = _corpus(root)
    recipe = recipe_from_dict({"classifier": CLASSIFIER, "filter": {"min_wiki_ref_prob": 0.5}, "seed": 5})
    inputs = {"documents": [str(cc)], "references": [str(references)]}
    manifest, _ = run_one(TRAIN_CLASSIFIER, recipe, inputs, str(root / "classifier"), BEAM)
    return root, recipe, manifest, inputs


def test_cited_pages_are_positives_and_as_many_negatives_are_drawn(trained):
    root, _, manifest, _ = trained
    report = json.loads((root / "classifier" / REPORT_FILE).read_text())
    assert report["status"] == "trained" and report["positives"] == 60
    assert manifest.counts["positive:cited"] == 60
    examples = pq.read_table(root / "classifier" / "examples").to_pylist()
    assert sum(e["wiki"] for e in examples) == 60 and sum(not e["wiki"] for e in examples) == 60
    assert {e["origin"] for e in examples if not e["wiki"]} == {"commoncrawl"}
    assert all(e["id"].startswith("cc-shop") for e in examples if not e["wiki"])


def test_held_out_figures_per_document_and_per_paragraph(trained):
    root, *_ = trained
    held_out = json.loads((root / "classifier" / REPORT_FILE).read_text())["held_out"]
    documents = held_out["documents"]
    assert documents["auc"] > 0.9 and documents["positives"] > 0 and documents["negatives"] > 0
    assert {"precision", "recall", "threshold"} <= set(documents)
    assert "auc" in held_out["paragraphs_scored_alone"]


def test_training_is_byte_identical_on_force(trained):
    root, recipe, _, inputs = trained
    before = (root / "classifier" / MODEL_FILE).read_bytes()
    _, ran = run_one(TRAIN_CLASSIFIER, recipe, inputs, str(root / "classifier"), BEAM)
    assert not ran
    _, ran = run_one(TRAIN_CLASSIFIER, recipe, inputs, str(root / "classifier"), BEAM, force=True)
    assert ran and (root / "classifier" / MODEL_FILE).read_bytes() == before


def test_classify_then_filter_at_the_threshold(trained):
    root, recipe, _, inputs = trained
    run_one(
        CLASSIFY, recipe, {"documents": inputs["documents"], "classifier": [str(root / "classifier")]},
        str(root / "classify"), BEAM, source="commoncrawl",
    )  # fmt: skip
    scored = _documents(root / "classify")
    reference = [d.signals["wiki_ref_prob"] for i, d in scored.items() if i.startswith("cc-ref")]
    shop = [d.signals["wiki_ref_prob"] for i, d in scored.items() if i.startswith("cc-shop")]
    assert min(reference) > max(shop)
    manifest, _ = run_one(
        FILTER, recipe_from_dict({"filter": {"buckets": ["all"], "min_wiki_ref_prob": 0.5}}),
        {"documents": [str(root / "classify")]}, str(root / "filter"), BEAM, source="commoncrawl",
    )  # fmt: skip
    kept = _documents(root / "filter")
    assert manifest.counts["dropped:wiki_ref_prob"] == sum(p < 0.5 for p in reference + shop)
    assert all(d.signals["wiki_ref_prob"] >= 0.5 for d in kept.values())


def test_a_model_the_recipe_names_is_used_instead_of_training(trained, tmp_path):
    root, _, _, inputs = trained
    recipe = recipe_from_dict({"classifier": {**CLASSIFIER, "model": str(root / "classifier" / MODEL_FILE)}})
    manifest, _ = run_one(TRAIN_CLASSIFIER, recipe, inputs, str(tmp_path / "given"), BEAM)
    assert json.loads((tmp_path / "given" / REPORT_FILE).read_text())["status"] == "given"
    assert (tmp_path / "given" / MODEL_FILE).read_bytes() == (root / "classifier" / MODEL_FILE).read_bytes()


def test_too_few_positives_skips_the_classifier_and_the_filter_says_so(tmp_path, capsys):
    cc, _ = _corpus(tmp_path)
    recipe = recipe_from_dict({"classifier": CLASSIFIER})
    manifest, _ = run_one(
        TRAIN_CLASSIFIER, recipe, {"documents": [str(cc)]}, str(tmp_path / "classifier"), BEAM
    )
    assert "train_classifier: skipped, no classifier trained: 0 positive pages" in capsys.readouterr().err
    report = json.loads((tmp_path / "classifier" / REPORT_FILE).read_text())
    assert report["status"] == "skipped" and manifest.extra["classifier"]["status"] == "skipped"
    assert not (tmp_path / "classifier" / MODEL_FILE).exists()
    manifest, _ = run_one(
        CLASSIFY, recipe, {"documents": [str(cc)], "classifier": [str(tmp_path / "classifier")]},
        str(tmp_path / "classify"), BEAM, source="commoncrawl",
    )  # fmt: skip
    assert manifest.counts["kept:no_classifier"] == 180
    manifest, _ = run_one(
        FILTER, recipe_from_dict({"filter": {"buckets": ["all"]}}), {"documents": [str(tmp_path / "classify")]},
        str(tmp_path / "filter"), BEAM, source="commoncrawl",
    )  # fmt: skip
    assert manifest.counts["kept:unclassified"] == 180


@pytest.mark.parametrize(
    ("bucket", "signals", "decision"),
    [
        ("head", {"wiki_ref_prob": 0.3}, "kept"),
        ("middle", {"wiki_ref_prob": 0.25}, "kept"),  # RedPajama keeps wiki_prob >= 0.25
        ("middle", {"wiki_ref_prob": 0.2499}, "dropped:wiki_ref_prob"),
        ("tail", {"wiki_ref_prob": 0.9}, "dropped:bucket_tail"),
        ("all", {}, "dropped:bucket_all"),
        ("head", {}, "kept:unclassified"),
    ],
)
def test_filter_decisions(bucket, signals, decision):
    document = Document(id="d", source="commoncrawl", text="x", bucket=bucket, signals=signals)
    assert filter_decision(document, FilterConfig()) == decision


def test_crawled_reference_pages_the_recipe_names_are_positives(tmp_path):
    """RedPajama's route: a crawl of the cited URLs, as WARC/WET files or Parquet documents."""
    from conftest import REPO

    cc, _ = _corpus(tmp_path)
    rng = random.Random(11)
    pages = [Document(id=f"ref-page-{i}", source="commoncrawl", text=prose(rng)) for i in range(30)]
    write_part(tmp_path / "crawl", pages, "pages.parquet")
    warc = REPO / "samples" / "commoncrawl" / "crawl-00000.warc.gz"
    recipe = recipe_from_dict(
        {
            "classifier": {
                **CLASSIFIER,
                "reference_pages": [str(tmp_path / "crawl" / "pages.parquet"), str(warc)],
            }
        }
    )
    manifest, _ = run_one(
        TRAIN_CLASSIFIER, recipe, {"documents": [str(cc)]}, str(tmp_path / "classifier"), BEAM
    )
    from_warc = manifest.counts["positive:reference_page"] - 30
    assert from_warc > 0  # the sample WARC's pages of at least 200 characters
    assert manifest.counts.get("positive:cited", 0) == 0
    report = json.loads((tmp_path / "classifier" / REPORT_FILE).read_text())
    assert report["status"] == "trained" and report["positives"] == 30 + from_warc
    examples = pq.read_table(tmp_path / "classifier" / "examples").to_pylist()
    assert sum(not e["wiki"] for e in examples) == 30 + from_warc
