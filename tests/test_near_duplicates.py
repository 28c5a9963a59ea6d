"""The near-duplicate corpora and their ground truth (tests/near_duplicates.py), which MinHash dedup is scored
against: the truth must be exact, the variants must spread over the Jaccards a 0.8 threshold has to tell
apart, and the scores must be the textbook ones."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter

import near_duplicates as nd
import pytest

from filters.minhash import jaccard, shingles

VOCABULARY_TEXT = (
    "river stone market garden lantern harbour winter copper meadow violin ledger orchard signal basket "
    "timber velvet thunder pepper saddle marble compass ribbon kettle falcon quarry anchor blossom cellar "
    "engine feather gravel harvest island jacket ladder mirror needle oyster pillow rocket shadow tunnel "
    "walnut yellow zephyr bridge candle desert forest glacier hollow ivory jungle kernel lemon mango north "
    "ocean planet quiet raven silver tiger umbrella valley willow xylophone yonder zinc amber bronze cider "
    "dancer ember fossil granite hazel indigo jasper kiln lilac maple nectar olive prism quill rust sage"
)
VOCABULARY = VOCABULARY_TEXT.split()


def synthetic_texts(count: int, words: int = 150, seed: int = 0) -> list[str]:
    """Texts of random words from the list above, in lines of 8-20 words: rare shared 5-grams, no data needed."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        lines, left = [], words
        while left > 0:
            k = min(rng.randint(8, 20), left)
            lines.append(" ".join(rng.choices(VOCABULARY, k=k)))
            left -= k
        texts.append("\n".join(lines))
    return texts


def brute_force_jaccards(documents, n=5, digits="keep"):
    """Every pair's exact Jaccard by filters.minhash.jaccard, the definition duplicate_pairs must equal."""
    sets = [(doc_id, set(shingles(text, n=n, digits=digits))) for doc_id, text in documents]
    return {tuple(sorted((a, b))): jaccard(sa, sb) for (a, sa), (b, sb) in itertools.combinations(sets, 2)}


def above(jaccards, threshold):
    return {pair for pair, j in jaccards.items() if j >= threshold}


def histogram(values, width=0.05):
    counts = Counter(min(int(v / width), int(1 / width) - 1) for v in values)
    return "\n".join(
        f"{k * width:.2f}-{(k + 1) * width:.2f} {counts[k]:4d} {'#' * counts[k]}" for k in sorted(counts)
    )


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    if not nd.SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return nd.real_texts(limit=150, distinct_sources=True)


# ---------------------------------------------------------------------------------------------------------
# Pure parts: text written here.


def test_cut_keeps_line_breaks_and_drops_short_tails():
    text = "\n".join(" ".join(f"w{i}_{j}" for j in range(10)) for i in range(25))  # 25 lines of 10 words
    pieces = nd._cut(text, 60)
    assert [len(p.split()) for p in pieces] == [60, 60, 60, 60]  # the 10-word tail is under 30: dropped
    assert all(p.count("\n") == 5 for p in pieces)  # cut at line ends, lines kept
    assert "\n".join(pieces) == "\n".join(text.split("\n")[:24])
    one_line = " ".join(f"x{i}" for i in range(200))
    assert [len(p.split()) for p in nd._cut(one_line, 60)] == [60, 60, 60]  # no break near: cut mid-line


def test_injected_ids_origins_and_determinism():
    texts = synthetic_texts(40)
    documents, origin = nd.inject_near_duplicates(texts, 0.25, seed=3)
    assert documents == nd.inject_near_duplicates(texts, 0.25, seed=3)[0]
    assert documents != nd.inject_near_duplicates(texts, 0.25, seed=4)[0]
    ids = [doc_id for doc_id, _ in documents]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert [t for doc_id, t in documents if doc_id not in origin] == texts  # originals untouched, in order
    assert all(re.fullmatch(r"doc-\d{6}-v[123]", v) and v.startswith(o + "-v") for v, o in origin.items())
    families = Counter(origin.values())
    assert len(families) == 10 and set(families.values()) <= {1, 2, 3}
    variants = nd.variant_jaccards(documents, origin)
    assert all(0.45 <= j <= 0.97 for j in variants.values()), variants


def test_duplicate_pairs_equals_brute_force_on_synthetic_text():
    texts = synthetic_texts(60, words=80, seed=1)
    texts += [
        texts[0],
        texts[1] + "\nextra words at the very end of it",
        "too short",
        "",
    ]  # copies, tiny docs
    documents, _ = nd.inject_near_duplicates(texts, 0.6, seed=1)
    jaccards = brute_force_jaccards(documents)
    for threshold in (0.5, 0.8, 0.9, 1.0):
        assert nd.duplicate_pairs(documents, threshold) == above(jaccards, threshold), threshold
    assert ("doc-000000", "doc-000060") in nd.duplicate_pairs(documents, 1.0)


def test_number_variants_differ_only_in_numbers():
    documents = nd.number_variants(seed=0)
    assert documents == nd.number_variants(seed=0)
    families: dict[str, set[str]] = {}
    for doc_id, text in documents:
        families.setdefault(doc_id[:6], set()).add(re.sub(r"\d", "0", text))
    assert len(families) == 10 and all(len(forms) == 1 for forms in families.values())
    assert len(documents) == 30 and len({text for _, text in documents}) == 30
    within = {(a, b) for (a, _), (b, _) in itertools.combinations(documents, 2) if a[:6] == b[:6]}
    assert nd.duplicate_pairs(documents, 0.8, digits="keep") == set()
    assert nd.duplicate_pairs(documents, 0.8, digits="zero") == within
    assert nd.duplicate_pairs(documents, 0.8, digits="strip") == within


def test_cluster_pairs_and_evaluate_by_hand():
    clusters = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "2", "f": "3"}
    found = nd.cluster_pairs(clusters)
    assert found == {("a", "b"), ("a", "c"), ("b", "c"), ("d", "e")}
    truth = {("b", "a"), ("a", "c"), ("e", "f"), ("d", "f")}  # either order counts
    # tp = {ab, ac} = 2; precision 2/4, recall 2/4, f1 2 * 0.5 * 0.5 / 1.0 = 0.5
    assert nd.evaluate(found, truth) == {
        "precision": 0.5, "recall": 0.5, "f1": 0.5, "true_positives": 2, "found": 4, "truth": 4,
    }  # fmt: skip
    # found 1 of 3 right: precision 1/3, recall 1/2, f1 2 * (1/3) * (1/2) / (5/6) = 0.4
    scores = nd.evaluate({("a", "b"), ("c", "d"), ("x", "y")}, {("a", "b"), ("e", "f")})
    assert scores["precision"] == pytest.approx(1 / 3) and scores["recall"] == 0.5
    assert scores["f1"] == pytest.approx(0.4)
    assert nd.evaluate(set(), set())["f1"] == 1.0
    assert nd.evaluate(set(), {("a", "b")}) == {
        "precision": 1.0, "recall": 0.0, "f1": 0.0, "true_positives": 0, "found": 0, "truth": 1,
    }  # fmt: skip


def test_evaluate_kept_by_hand():
    documents = [(x, "") for x in "abcdefg"]
    truth = {("a", "b"), ("b", "c"), ("d", "e")}  # groups {a, b, c}, {d, e}; f and g unique
    kept = ["a", "c", "g"]  # a-c is no truth pair, but a and c are one group: one excess
    scores = nd.evaluate_kept(kept, documents, truth)
    assert scores == {
        "documents": 7, "kept": 3, "dropped": 4, "residual_pairs": 0, "residual_fraction": 0.0,
        "wrongly_dropped": 1, "groups": 2, "lost_groups": 1, "excess_kept": 1,
    }  # fmt: skip
    assert nd.evaluate_kept(["a", "b", "d", "f", "g"], documents, truth)["residual_pairs"] == 1
    with pytest.raises(ValueError):
        nd.evaluate_kept(["z"], documents, truth)


# ---------------------------------------------------------------------------------------------------------
# Real text from ../shared/data.


def test_real_texts_sizes_order_and_distinct():
    if not nd.SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    texts = nd.real_texts(words=600)
    assert texts == nd.real_texts(words=600)  # deterministic
    assert texts[:30] == nd.real_texts(words=600, limit=30)
    assert len(texts) > 3000
    sizes = [len(t.split()) for t in texts]
    assert min(sizes) >= 300 and max(sizes) <= 750
    assert sum(1 for t in texts if "\n" in t) > 0.9 * len(texts)  # line breaks kept
    distinct = nd.real_texts(words=600, distinct_sources=True)
    assert len({" ".join(t.split()) for t in distinct}) == len(distinct) < len(texts)


def test_variant_jaccard_spread(corpus):
    documents, origin = nd.inject_near_duplicates(corpus, 1.0, seed=0)
    values = sorted(nd.variant_jaccards(documents, origin).values())
    print(f"\n{len(values)} variants of {len(corpus)} real documents, Jaccard to their original:")
    print(histogram(values))
    assert len(values) >= len(corpus)
    assert values[0] >= 0.45 and values[-1] <= 0.97
    buckets = Counter(int(v * 20) for v in values if 0.5 <= v < 0.95)  # the nine 0.05-wide bins of 0.5-0.95
    assert len(buckets) == 9 and min(buckets.values()) >= 0.05 * len(values), buckets
    assert sum(1 for v in values if v >= 0.8) / len(values) == pytest.approx(1 / 3, abs=0.1)


def test_duplicate_pairs_equals_brute_force_on_real_text(corpus):
    documents, _ = nd.inject_near_duplicates(corpus[:120], 0.6, seed=2)
    assert len(documents) >= 250
    jaccards = brute_force_jaccards(documents)
    for threshold in (0.5, 0.8, 0.95):
        assert nd.duplicate_pairs(documents, threshold) == above(jaccards, threshold), threshold
    assert len(above(jaccards, 0.8)) > 20
    jaccards = brute_force_jaccards(documents, digits="zero")
    assert nd.duplicate_pairs(documents, 0.8, digits="zero") == above(jaccards, 0.8)


def test_natural_near_duplicates_are_found():
    """Gutenberg editions and the two enwiki samples hold near-copies: the truth over the whole corpus (not
    only within injected families) finds them, and distinct_sources leaves them out."""
    if not nd.SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    documents = [(f"doc-{i:06d}", t) for i, t in enumerate(nd.real_texts(limit=900))]
    assert len(nd.duplicate_pairs(documents)) > 20
    distinct = [(f"doc-{i:06d}", t) for i, t in enumerate(nd.real_texts(limit=900, distinct_sources=True))]
    assert nd.duplicate_pairs(distinct) == set()
