"""The train_quality and quality stages on the DirectRunner: real SentencePiece + KenLM models, real buckets."""

from __future__ import annotations

import argparse
import json
import random

import pytest
from ccnet_fixtures import junk, prose, wikipedia_documents, write_part

from beam_jobs.framework import run_one
from beam_jobs.quality import CUTOFFS_FILE, MODELS_FILE, QUALITY, TRAIN_QUALITY, cutoffs_main
from filters.perplexity import bucket_of
from pipeline.config import recipe_from_dict
from pipeline.document import Document
from pipeline.io import iter_documents, stage_parts

QUALITY_CONFIG = {"min_characters": 20000, "vocab_size": 300, "lmplz_memory": "5%"}


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """en models trained once on 150 generated encyclopedic documents (de has too little text: no model)."""
    root = tmp_path_factory.mktemp("quality")
    wiki = write_part(
        root / "wikipedia", wikipedia_documents() + wikipedia_documents(2, seed=1, language="de")
    )
    recipe = recipe_from_dict({"quality": QUALITY_CONFIG})
    manifest, ran = run_one(TRAIN_QUALITY, recipe, {"documents": [str(wiki)]}, str(root / "models"))
    assert ran
    return root, manifest, recipe


def test_train_quality_writes_models_and_says_which_languages_have_none(models):
    root, manifest, recipe = models
    folder = root / "models"
    assert (folder / "en.sp.model").stat().st_size > 0 and (folder / "en.arpa.bin").stat().st_size > 0
    assert not (folder / "de.sp.model").exists()
    record = json.loads((folder / MODELS_FILE).read_text())
    assert record["models"]["en"]["lmplz_arguments"][:5] == ["lmplz", "-o", "5", "-S", "5%"]
    assert "min_characters" in record["skipped"]["de"]
    assert manifest.counts == {"no_model:de": 2, "trained:en": 150}
    files = {o["file"]: o for o in manifest.outputs}
    assert {"en.sp.model", "en.arpa.bin", MODELS_FILE} <= set(files)
    _, ran = run_one(TRAIN_QUALITY, recipe, {"documents": [str(root / "wikipedia")]}, str(folder))
    assert not ran  # the manifest matches: training is skipped


def _web_documents() -> list[Document]:
    rng = random.Random(7)
    docs = [
        Document(id=f"cc-prose-{i:03d}", source="commoncrawl", text=prose(rng, 3), language="en")
        for i in range(20)
    ]
    docs += [
        Document(id=f"cc-junk-{i:03d}", source="commoncrawl", text=junk(rng), language="en")
        for i in range(20)
    ]
    docs.append(Document(id="cc-es", source="commoncrawl", text="Una página en español.", language="es"))
    return docs


def _score(root, recipe, name: str, force: bool = False):
    cc = root / "cc"
    if not cc.exists():  # written once: a hand-written folder is known by its files' mtimes
        write_part(cc, _web_documents())
    inputs = {"documents": [str(cc)], "quality_models": [str(root / "models")]}
    output = root / name
    manifest, ran = run_one(
        QUALITY, recipe, inputs, str(output), ["--direct_num_workers=1"], force, "commoncrawl"
    )
    documents = {d.id: d for part in stage_parts(str(output)) for d in iter_documents(part)}
    return manifest, ran, documents, output


def test_perplexity_and_buckets_at_the_inputs_own_percentiles(models):
    root, _, recipe = models
    manifest, ran, documents, output = _score(root, recipe, "scored")
    assert ran and len(documents) == 41
    prose_pp = sorted(d.perplexity for i, d in documents.items() if i.startswith("cc-prose"))
    junk_pp = sorted(d.perplexity for i, d in documents.items() if i.startswith("cc-junk"))
    assert prose_pp[-1] < junk_pp[0]  # every encyclopedic page scores better than every junk page
    assert all(d.signals["perplexity"] == d.perplexity for i, d in documents.items() if i != "cc-es")
    assert documents["cc-es"].perplexity is None and documents["cc-es"].bucket == "all"
    table = json.loads((output / CUTOFFS_FILE).read_text())["languages"]["en"]
    assert table["from"] == "data" and len(table["percentiles"]) == 101
    head, tail = table["cutoffs"]
    assert (head, tail) == (table["percentiles"][30], table["percentiles"][60])
    for document in documents.values():
        if document.language == "en":
            assert document.bucket == bucket_of(document.perplexity, (head, tail))
    assert manifest.counts["no_model:es"] == 1
    assert manifest.counts["scored:en"] == 40
    assert sum(n for reason, n in manifest.counts.items() if reason.startswith("bucket:")) == 41
    assert manifest.extra["cutoffs"]["en"]["from"] == "data"


def test_cutoffs_from_the_recipe_then_beside_the_models(models):
    root, _, recipe = models
    given = recipe_from_dict({"quality": {**QUALITY_CONFIG, "cutoffs": {"en": [1.0, 1.1]}}})
    manifest, _, documents, _ = _score(root, given, "given")
    assert manifest.extra["cutoffs"]["en"] == {
        **manifest.extra["cutoffs"]["en"],
        "cutoffs": [1.0, 1.1],
        "from": "config",
    }
    assert {d.bucket for d in documents.values() if d.language == "en"} == {"tail"}

    _, _, _, scored = _score(root, recipe, "scored")
    args = argparse.Namespace(input=[str(scored)], models=str(root / "models"), percentiles=[10.0, 90.0])
    assert cutoffs_main(args, []) == 0
    beside = json.loads((root / "models" / CUTOFFS_FILE).read_text())
    manifest, ran, _, _ = _score(root, recipe, "scored")
    assert ran  # cutoffs.json beside the models is an input: the stage re-runs
    assert manifest.extra["cutoffs"]["en"]["from"] == "models"
    assert manifest.extra["cutoffs"]["en"]["cutoffs"] == beside["languages"]["en"]["cutoffs"]
    (root / "models" / CUTOFFS_FILE).unlink()


def test_scoring_is_byte_identical_on_force(models):
    root, _, recipe = models
    _, _, _, output = _score(root, recipe, "again")
    before = {p.name: p.read_bytes() for p in output.iterdir() if p.is_file()}
    _, ran, _, _ = _score(root, recipe, "again", force=True)
    assert ran
    assert {p.name: p.read_bytes() for p in output.iterdir() if p.is_file()} == before


def test_no_models_is_a_one_line_error(tmp_path):
    from pipeline.errors import UserError

    cc = write_part(tmp_path / "cc", _web_documents()[:1])
    with pytest.raises(UserError, match="list train_quality before quality"):
        run_one(
            QUALITY,
            recipe_from_dict({}),
            {"documents": [str(cc)]},
            str(tmp_path / "out"),
            source="commoncrawl",
        )
