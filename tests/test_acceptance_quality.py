"""Quality models on real data in ../shared/data (skipped when it is absent): English models trained on the enwiki
samples separate held-out Wikipedia paragraphs from the paragraphs of real CommonCrawl pages by perplexity,
and CCNet's own output (Dolma's cc_en_head shards, carrying cc_net's perplexity and bucket) is scored and
bucketed with cc_net's English cutoffs and with cutoffs from the real CommonCrawl pages, the agreement printed."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from filters.langid import LanguageIdentifier
from filters.perplexity import BUCKETS, QualityModels, bucket_of, cutoffs_from_counts, pp
from filters.quality_models import train_language_model
from filters.reference_classifier import roc_auc
from filters.text_normalizer import normalize
from pipeline.document import Document
from pipeline.hashing import unit_fraction
from pipeline.sources.commoncrawl import read_documents
from pipeline.sources.wikipedia import read_pages

pytestmark = pytest.mark.acceptance

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
if not SHARED.is_dir():
    pytest.skip(f"shared data not found at {SHARED}", allow_module_level=True)

ENWIKI = [
    SHARED / "wikipedia" / "gensim_enwiki-pages-articles1-shortened.xml.bz2",
    SHARED / "wikipedia" / "wp2txt_enwiki-sample-2022.xml.bz2",
]
COMMONCRAWL = SHARED / "commoncrawl"
CCNET = sorted((SHARED / "c4").glob("ccnet_dolma_cc_en_head-*.jsonl"))
HOLDOUT_SALT = "quality-holdout"
HOLDOUT_RATE = 0.1  # of pages, by page id: the two samples share most articles, so both copies go together
MIN_PARAGRAPH = 200  # characters
CCNET_EN_CUTOFFS = (340.0, 520.0)  # cc_net's cutoff.csv, English p30 and p60
# Measured 0.808 with this salt (models on 6.8M characters, not cc_net's 1M documents). The margin is thin and
# the draw matters: holding out other pages (other salts) gave 0.70 to 0.82 with the same recipe.
AUC_FLOOR = 0.8


def separation_auc(lower: list[float], higher: list[float]) -> float:
    """P(a value of `lower` < a value of `higher`), ties counting half: the AUC of separating them."""
    return roc_auc([-v for v in lower] + [-v for v in higher], [True] * len(lower) + [False] * len(higher))


def _paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if len(line) >= MIN_PARAGRAPH]


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> tuple[QualityModels, list[str], dict]:
    """English models trained on ~90% of the enwiki samples' pages; the held-out pages' paragraphs."""
    missing = [p for p in ENWIKI if not p.is_file()]
    if missing:
        pytest.skip(f"enwiki samples absent: {missing}")
    held_out: set[str] = set()

    def training_lines() -> Iterator[str]:
        for path in ENWIKI:
            for outcome, _ in read_pages(str(path), 0, os.path.getsize(path), []):
                if not isinstance(outcome, Document):
                    continue
                if unit_fraction(HOLDOUT_SALT, outcome.meta["page_id"]) < HOLDOUT_RATE:
                    held_out.update(_paragraphs(outcome.text))
                else:
                    yield from outcome.text.split("\n")

    folder = tmp_path_factory.mktemp("quality-en")
    entry = train_language_model("en", training_lines(), str(folder))
    print(
        f"\nen model: {entry['lines']} lines, {entry['characters']} characters, "
        f"vocab {entry['vocab_size']}, {entry['files']['en.arpa.bin']['bytes']} bytes of KenLM"
    )
    return QualityModels(str(folder)), sorted(held_out), entry


def commoncrawl_english() -> list[str]:
    """The English documents of the real WARC/WET files, each text once (revisits repeat pages)."""
    identifier = LanguageIdentifier()
    found: set[str] = set()
    for path in sorted(COMMONCRAWL.iterdir()):
        if not path.name.endswith((".warc", ".warc.gz", ".wet.gz")) or ".wat." in path.name:
            continue
        for _, outcome in read_documents(str(path)):
            if isinstance(outcome, Document) and identifier.predict(outcome.text)[0] == "en":
                found.add(outcome.text)
    return sorted(found)


def commoncrawl_paragraphs() -> list[str]:
    """Paragraphs of the English documents of the real WARC/WET files (unique)."""
    return sorted({p for text in commoncrawl_english() for p in _paragraphs(text)})


def test_held_out_wikipedia_has_lower_perplexity_than_commoncrawl(english):
    if not COMMONCRAWL.is_dir():
        pytest.skip("../shared/data/commoncrawl is absent")
    models, held_out, _ = english
    web = commoncrawl_paragraphs()
    assert len(held_out) >= 200 and len(web) >= 200
    wiki_pp = [models.perplexity(p, "en") for p in held_out]
    web_pp = [models.perplexity(p, "en") for p in web]
    auc = separation_auc(wiki_pp, web_pp)
    wiki_median, web_median = sorted(wiki_pp)[len(wiki_pp) // 2], sorted(web_pp)[len(web_pp) // 2]
    print(
        f"\nAUC {auc:.4f}: {len(held_out)} held-out Wikipedia paragraphs (median pp {wiki_median}) vs "
        f"{len(web)} CommonCrawl paragraphs (median pp {web_median}); "
        f"CommonCrawl p30/p60 {cutoffs_from_counts(Counter(web_pp))}"
    )
    assert auc >= AUC_FLOOR


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    for rank, index in enumerate(order):
        ranks[index] = float(rank)
    return ranks


def _spearman(a: list[float], b: list[float]) -> float:
    ra, rb = _ranks(a), _ranks(b)
    mean = (len(a) - 1) / 2
    cov = sum((x - mean) * (y - mean) for x, y in zip(ra, rb, strict=True))
    var = sum((x - mean) ** 2 for x in ra)
    return cov / var


def test_ccnet_documents_bucketed_with_ccnet_cutoffs(english):
    if not CCNET:
        pytest.skip("../shared/data/c4/ccnet_dolma_cc_en_head-*.jsonl are absent")
    models, _, _ = english
    docs = [json.loads(line) for path in CCNET for line in path.read_text().splitlines() if line.strip()]
    theirs = [doc["metadata"]["perplexity"] for doc in docs]
    ours = [models.perplexity(doc["text"], "en") for doc in docs]
    assert all(isinstance(value, float) for value in ours)
    buckets = [bucket_of(value, CCNET_EN_CUTOFFS) for value in ours]
    assert all(bucket in BUCKETS for bucket in buckets)
    agree = sum(b == doc["metadata"]["bucket"] for b, doc in zip(buckets, docs, strict=True)) / len(docs)
    # Our models' perplexities are on another scale than cc_net's: cutoffs from our own reference sample (the
    # real CommonCrawl pages' document perplexities, p30/p60) are the comparable ones.
    reference = (
        Counter(models.perplexity(text, "en") for text in commoncrawl_english())
        if COMMONCRAWL.is_dir()
        else None
    )
    own_cutoffs = cutoffs_from_counts(reference) if reference else None
    own = [bucket_of(value, own_cutoffs) for value in ours]
    agree_own = sum(b == doc["metadata"]["bucket"] for b, doc in zip(own, docs, strict=True)) / len(docs)
    # cc_net's mine.py normalizes a whole document at once, which deletes its newlines (they are control
    # characters), so it scores the document as one line; ours scores line by line. Shown for comparison.
    model = models.model("en")
    assert model is not None
    whole = []
    for doc in docs:
        pieces = model.sp.encode(normalize(doc["text"]), out_type=str)
        whole.append(round(pp(model.lm.score(" ".join(pieces)), len(pieces) + 1), 1))
    agree_whole = sum(
        bucket_of(value, CCNET_EN_CUTOFFS) == doc["metadata"]["bucket"]
        for value, doc in zip(whole, docs, strict=True)
    ) / len(docs)
    print(
        f"\nCCNet cc_en_head documents: {len(docs)}, their buckets {Counter(d['metadata']['bucket'] for d in docs)}; "
        f"ours with cutoffs {CCNET_EN_CUTOFFS}: {Counter(buckets)}, agreement {agree:.2f} "
        f"(with our own cutoffs {own_cutoffs} from {sum(reference.values()) if reference else 0} CommonCrawl pages: "
        f"{Counter(own)}, agreement {agree_own:.2f}) "
        f"(scored as one line, as mine.py does: {agree_whole:.2f}); "
        f"Spearman of our perplexity with theirs {_spearman(ours, theirs):.2f} "
        f"(one line: {_spearman(whole, theirs):.2f}); "
        f"perplexity median ours {sorted(ours)[len(ours) // 2]} vs theirs {sorted(theirs)[len(theirs) // 2]}"
    )
