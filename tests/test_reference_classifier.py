"""The Wikipedia-reference classifier: text and units, the seeded splits, metrics, and a tiny real training."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest

from filters.reference_classifier import (
    CC_LABEL,
    WIKI_LABEL,
    ReferenceClassifier,
    classifier_text,
    document_probability,
    evaluate,
    is_held_out,
    negative_rank,
    roc_auc,
    train_classifier,
    units,
)
from pipeline.errors import UserError

SEED = 11

# Encyclopedic prose and web junk, from a few templates each; a seeded random fills them in.
PLACES = [
    "the northern province",
    "the river valley",
    "the coastal plain",
    "the old harbour",
    "the highlands",
]
THINGS = ["cathedral", "university", "railway", "treaty", "monastery", "observatory", "canal", "museum"]
PEOPLE = ["a french engineer", "the local bishop", "a dutch architect", "the royal society", "two botanists"]
CENTURIES = ["twelfth", "fifteenth", "seventeenth", "eighteenth", "nineteenth"]
WIKI_TEMPLATES = [
    "The {thing} was founded in the {century} century by {person} and is located in {place}.",
    "According to contemporary records, the {thing} in {place} was rebuilt after a fire in {year}.",
    "Historians describe the {thing} as one of the earliest examples of its kind in {place}.",
    "In {year} {person} published a detailed survey of the {thing}, which remains a standard reference.",
    "The population of {place} grew steadily during the {century} century, largely because of the {thing}.",
]
JUNK_WORDS = [
    "click here", "buy now", "free shipping", "login", "sign up", "add to cart", "best deals", "subscribe",
    "home", "contact us", "privacy policy", "cheap", "discount", "follow us", "limited offer", "shop",
    "my account", "checkout", "newsletter", "sale", "top 10", "hot", "win", "register",
]  # fmt: skip
JUNK_TEMPLATES = [
    "{a} | {b} | {c} | {d} | {e} | {f}",
    "{a}!!! {b} {c} - {d} {e} >> {f}",
    "{a} {b} {c} {d} {e} {f} {g} {h}",
    "BEST {a} {b} TODAY {c} {d} {e} {f} 100% {g}",
    "{a} {thing} tickets {b} cheap hotels near {place} {c} {d}",  # shares words with the encyclopedic side
]


def wiki_paragraph(rng: random.Random) -> str:
    return " ".join(
        rng.choice(WIKI_TEMPLATES).format(
            thing=rng.choice(THINGS),
            place=rng.choice(PLACES),
            person=rng.choice(PEOPLE),
            century=rng.choice(CENTURIES),
            year=rng.randint(1100, 1950),
        )
        for _ in range(rng.randint(2, 3))
    )


def junk_paragraph(rng: random.Random) -> str:
    fill = {k: rng.choice(JUNK_WORDS) for k in "abcdefgh"}
    fill.update(thing=rng.choice(THINGS), place=rng.choice(PLACES))
    return " ".join(rng.choice(JUNK_TEMPLATES).format(**fill) for _ in range(rng.randint(2, 4)))


def corpus(seed: int, count: int = 100) -> list[tuple[str, bool, str]]:
    """(doc_id, is_wiki, text): `count` documents of each kind, 2-4 paragraphs each."""
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        docs.append((f"wiki-{i}", True, "\n".join(wiki_paragraph(rng) for _ in range(rng.randint(2, 4)))))
        docs.append((f"cc-{i}", False, "\n".join(junk_paragraph(rng) for _ in range(rng.randint(2, 4)))))
    return docs


def split(granularity: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """(train, held-out) examples at a granularity, held out by document id."""
    train, held = [], []
    for doc_id, is_wiki, text in corpus(SEED):
        target = held if is_held_out(doc_id, 0.3, SEED) else train
        target.extend((is_wiki, unit) for unit in units(text, granularity))
    return train, held


@pytest.fixture(scope="module")
def document_model(tmp_path_factory) -> tuple[str, dict, list[tuple[bool, str]]]:
    folder = tmp_path_factory.mktemp("reference")
    train, held = split("document")
    info = train_classifier(train, str(folder / "model.bin"), seed=SEED, tmp_dir=str(folder))
    return str(folder / "model.bin"), info, held


@pytest.fixture(scope="module")
def paragraph_model(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("reference-paragraph")
    train, _ = split("paragraph")
    train_classifier(train, str(folder / "model.bin"), seed=SEED, tmp_dir=str(folder))
    return str(folder / "model.bin")


class Fixed:
    """A stand-in scorer: a fixed probability per unit."""

    def __init__(self, scores: dict[str, float]):
        self.scores = scores

    def probability(self, unit_text: str) -> float:
        return self.scores[unit_text]


# ---------------------------------------------------------------------------------------------------------
# Text and units.


def test_classifier_text_normalizes_each_line_and_joins_with_spaces():
    text = "  Hello World  \n\n\tÉté 2023 — “quoted”\n   \nLast"
    assert classifier_text(text) == 'hello world ete 0000  -  "quoted" last'
    assert classifier_text("") == "" and classifier_text("\n \n") == ""


def test_units_document_and_paragraph():
    long_line = "A" * 120
    text = f"short line\n{long_line}\n\n{'b' * 99}\n{'C' * 100}"
    assert units(text, "document") == [classifier_text(text)]
    assert units(text, "paragraph") == ["a" * 120, "c" * 100]
    assert units(text, "paragraph", min_paragraph_chars=5) == ["short line", "a" * 120, "b" * 99, "c" * 100]
    assert units("", "document") == [] and units(" \n ", "paragraph") == []
    with pytest.raises(UserError, match="granularity"):
        units(text, "sentence")


def test_document_probability_is_the_character_weighted_mean():
    text = f"{'x' * 100}\n{'y' * 300}\nshort"
    scorer = Fixed({"x" * 100: 1.0, "y" * 300: 0.0, classifier_text(text): 0.6})
    assert document_probability(scorer, text, "paragraph") == pytest.approx(0.25)  # 100 * 1 / 400
    assert document_probability(scorer, text, "document") == pytest.approx(0.6)
    assert document_probability(scorer, "short\nlines", "paragraph") is None
    assert document_probability(scorer, "", "document") is None


# ---------------------------------------------------------------------------------------------------------
# Seeded choices.


def test_held_out_is_a_seeded_fraction():
    keys = [f"doc-{i}" for i in range(4000)]
    held = [k for k in keys if is_held_out(k, 0.2, 1)]
    assert 0.17 < len(held) / len(keys) < 0.23
    assert held == [k for k in keys if is_held_out(k, 0.2, 1)]
    assert held != [k for k in keys if is_held_out(k, 0.2, 2)]
    assert not any(is_held_out(k, 0.0, 1) for k in keys) and all(is_held_out(k, 1.0, 1) for k in keys)
    with pytest.raises(UserError):
        is_held_out("x", 1.5, 1)


def test_negative_rank_is_a_seeded_order_independent_of_the_split():
    ids = [f"cc-{i}" for i in range(1000)]
    ranks = [negative_rank(i, 3) for i in ids]
    assert all(0.0 <= r < 1.0 for r in ranks) and len(set(ranks)) == len(ranks)
    assert ranks == [negative_rank(i, 3) for i in ids] and ranks != [negative_rank(i, 4) for i in ids]
    first = sorted(ids, key=lambda i: negative_rank(i, 3))[:10]
    assert first == sorted(reversed(ids), key=lambda i: negative_rank(i, 3))[:10]  # input order is irrelevant
    # a salt of its own: the draw order is not the held-out hash under another name
    assert [negative_rank(i, 3) < 0.5 for i in ids] != [is_held_out(i, 0.5, 3) for i in ids]


# ---------------------------------------------------------------------------------------------------------
# Metrics.


def test_roc_auc_by_hand():
    assert roc_auc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert roc_auc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0
    assert roc_auc([0.5, 0.5, 0.5, 0.5], [True, False, True, False]) == 0.5
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    # pairs (pos, neg): (.5,.5) tie = 1/2, (.5,.2) = 1, (.8,.5) = 1, (.8,.2) = 1 -> 3.5 / 4
    assert roc_auc([0.5, 0.5, 0.2, 0.8], [True, False, False, True]) == 0.875


def test_roc_auc_refuses_one_label_and_mismatched_lengths():
    with pytest.raises(UserError, match="both labels"):
        roc_auc([0.1, 0.2], [True, True])
    with pytest.raises(ValueError):
        roc_auc([0.1, 0.2], [True])


def test_evaluate_by_hand():
    scores = [0.9, 0.6, 0.3, 0.2, 0.7, 0.1]
    labels = [True, True, True, False, False, False]
    result = evaluate(scores, labels, threshold=0.5)
    # kept: 0.9 (T), 0.6 (T), 0.7 (F) -> precision 2/3; recall 2 of 3 positives
    assert result["precision"] == pytest.approx(2 / 3) and result["recall"] == pytest.approx(2 / 3)
    assert result["positives"] == 3 and result["negatives"] == 3 and result["kept"] == 3
    assert result["threshold"] == 0.5
    # pairs: 0.9 beats all 3, 0.6 beats 0.2 and 0.1, 0.3 beats 0.2 and 0.1 -> 7 of 9
    assert result["auc"] == pytest.approx(7 / 9)
    assert evaluate(scores, labels, threshold=0.3)["recall"] == 1.0  # the threshold itself is kept
    nothing = evaluate(scores, labels, threshold=0.95)
    assert nothing["precision"] == 0.0 and nothing["recall"] == 0.0 and nothing["kept"] == 0


# ---------------------------------------------------------------------------------------------------------
# Training and scoring.


def test_trained_model_separates_held_out_documents(document_model):
    path, info, held = document_model
    classifier = ReferenceClassifier(path)
    scores = [classifier.probability(text) for _, text in held]
    labels = [label for label, _ in held]
    result = evaluate(scores, labels, threshold=0.25)
    assert result["positives"] > 15 and result["negatives"] > 15
    assert result["auc"] > 0.9 and result["recall"] > 0.9
    assert info["labels"][WIKI_LABEL] + info["labels"][CC_LABEL] == info["examples"] == 200 - len(held)
    assert (info["thread"], info["dim"], info["epoch"], info["lr"], info["word_ngrams"]) == (
        1,
        100,
        5,
        0.1,
        1,
    )


def test_training_is_byte_identical(document_model, tmp_path):
    path, info, _ = document_model
    train, _ = split("document")
    again = train_classifier(train, str(tmp_path / "again.bin"), seed=SEED, tmp_dir=str(tmp_path))
    assert (tmp_path / "again.bin").read_bytes() == Path(path).read_bytes()
    assert again["sha256"] == info["sha256"]
    assert not [p for p in tmp_path.iterdir() if p.name != "again.bin"]  # the temporary files are gone


def test_one_label_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="both labels"):
        train_classifier([(True, "a wiki page"), (True, "another")], str(tmp_path / "m.bin"), seed=1)
    with pytest.raises(UserError, match="both labels"):
        train_classifier([(True, "a wiki page"), (False, "  ")], str(tmp_path / "m.bin"), seed=1)
    assert not (tmp_path / "m.bin").exists()


def test_word_ngrams_other_than_one_is_refused(tmp_path):
    with pytest.raises(UserError, match="word_ngrams"):
        train_classifier([(True, "a"), (False, "b")], str(tmp_path / "m.bin"), seed=1, word_ngrams=2)


def test_classifier_loads_lazily_pickles_and_never_raises_on_empty(document_model):
    path, _, held = document_model
    classifier = ReferenceClassifier(path)
    copy = pickle.loads(pickle.dumps(classifier))
    assert copy._model is None
    assert classifier.probability("") == 0.0 and classifier.probability(" \n\t ") == 0.0
    assert classifier._model is None  # an empty text does not even load the model
    p = copy.probability(held[0][1])
    assert 0.0 <= p <= 1.0 and copy.probability(held[0][1]) == p
    assert pickle.loads(pickle.dumps(copy))._model is None  # loaded, it still pickles without the model
    assert 0.0 <= classifier.probability("__label__wiki") <= 1.0


def test_missing_or_foreign_model_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not found"):
        ReferenceClassifier(str(tmp_path / "nope.bin")).probability("text")
    (tmp_path / "junk.bin").write_bytes(b"not a model")
    with pytest.raises(UserError, match="not a fastText model"):
        ReferenceClassifier(str(tmp_path / "junk.bin")).probability("text")


def test_paragraph_model_scores_junk_paragraphs_below_encyclopedic_ones(paragraph_model):
    classifier = ReferenceClassifier(paragraph_model)
    rng = random.Random(SEED + 1)
    wiki = [classifier_text(wiki_paragraph(rng)) for _ in range(20)]
    junk = [classifier_text(junk_paragraph(rng)) for _ in range(20)]
    wiki_scores = [classifier.probability(p) for p in wiki]
    junk_scores = [classifier.probability(p) for p in junk]
    assert max(junk_scores) < min(wiki_scores)
    assert roc_auc(wiki_scores + junk_scores, [True] * 20 + [False] * 20) == 1.0
    # a page of one encyclopedic and one junk paragraph: the mean of the two, weighted by their lengths
    page = f"{wiki_paragraph(rng)}\n{junk_paragraph(rng)}"
    a, b = units(page, "paragraph")
    expected = (len(a) * classifier.probability(a) + len(b) * classifier.probability(b)) / (len(a) + len(b))
    assert document_probability(classifier, page, "paragraph") == pytest.approx(expected)
    assert (
        classifier.probability(b)
        < document_probability(classifier, page, "paragraph")
        < classifier.probability(a)
    )
