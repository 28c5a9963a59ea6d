"""LLaMA's extra CommonCrawl filter: a fastText linear classifier of pages Wikipedia cites vs random CC pages.

RedPajama's construction (RECIPE.md §3.7), with the unit made a choice (RP #62, RECIPE.md §5 item 5):

1. Examples. `__label__wiki`: crawled pages that Wikipedia articles cite (URLs matched by
   filters.urls.normalize_url), after cc_net. `__label__cc`: CommonCrawl pages, drawn in `negative_rank`
   order (a seeded hash of the document id; the n smallest ranks are taken), so the draw is the same on
   every run and runner. `is_held_out` (a seeded hash of a key) sets a fraction of both aside for metrics.
2. Text. `classifier_text`: cc_net's `normalize` on every line, empty lines dropped, the rest joined by
   single spaces (RedPajama joins lines with spaces).
3. Unit (GRANULARITIES). "document": a page is one unit, as RedPajama trains and scores: a junk paragraph
   inside a Wikipedia-like page scores like the page. "paragraph": every line of at least
   `min_paragraph_chars` characters (after normalization) is one unit. Training examples and scored units
   must share the granularity; a document's probability is the character-weighted mean of its units'.
4. Model. fastText supervised with RedPajama's settings, which are fastText's defaults (unigrams, lr 0.1,
   dim 100, 5 epochs, minCount 1, softmax), on one thread so that training is deterministic.
   fasttext 0.9.3 fills only `thread / 10` of the input matrix with random values and leaves the rest as
   uninitialized heap memory (`DenseMatrix::uniformThread` cuts the matrix in 10 blocks, one per thread; the
   matrix is an `AlignedVector` that nothing zeroes): with one thread, 90% of the word vectors start as
   garbage, so training gives NaN or a different model each run. `train_classifier` therefore hands
   fastText a seeded initial vector for every word of its vocabulary (`pretrainedVectors`), drawn like
   fastText's own (uniform in +-1/dim), and checks afterwards that fastText's vocabulary is exactly that.
5. Score. `wiki_prob` = P(`__label__wiki`) from the top-2 predictions (1 - P(cc) if only cc is returned);
   RedPajama keeps a page when wiki_prob >= 0.25.
6. Metrics on the held-out examples: ROC AUC (Mann-Whitney, ties counted half) and precision / recall at a
   threshold.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import fasttext
import numpy as np

from filters.text_normalizer import normalize_lines
from pipeline.errors import UserError
from pipeline.hashing import unit_fraction, unit_hash
from pipeline.io import copy_atomic, is_remote, open_file

WIKI_LABEL = "__label__wiki"
CC_LABEL = "__label__cc"
LABEL_PREFIX = "__label__"
EOS = "</s>"  # fastText's end-of-line word: every line has one, so it is in every vocabulary
GRANULARITIES = ("document", "paragraph")
DEFAULT_MIN_PARAGRAPH_CHARS = 100

HOLDOUT_SALT = "reference-classifier-holdout"
NEGATIVE_SALT = "reference-classifier-negative"
INIT_SALT = "reference-classifier-init"

# What fastText's reader splits words on (Dictionary::readWord); NUL is dropped rather than split on.
_FASTTEXT_SPACE = re.compile("[ \n\r\t\v\f]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnitScorer(Protocol):
    """Anything that gives a unit's P(wiki): a ReferenceClassifier, or a stand-in in tests."""

    def probability(self, unit_text: str) -> float: ...


# ---------------------------------------------------------------------------------------------------------
# Text and units.


def classifier_text(text: str) -> str:
    """What the classifier sees of a text: cc_net-normalized lines, empty ones dropped, joined by spaces."""
    return " ".join(line for line in normalize_lines(text) if line)


def units(text: str, granularity: str, min_paragraph_chars: int = DEFAULT_MIN_PARAGRAPH_CHARS) -> list[str]:
    """The units one document is trained or scored as: the whole page, or its long-enough paragraphs."""
    if granularity == "document":
        whole = classifier_text(text)
        return [whole] if whole else []
    if granularity == "paragraph":
        return [p for p in normalize_lines(text) if len(p) >= min_paragraph_chars]
    raise UserError(f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}")


def document_probability(
    classifier: UnitScorer,
    text: str,
    granularity: str,
    min_paragraph_chars: int = DEFAULT_MIN_PARAGRAPH_CHARS,
) -> float | None:
    """P(wiki) of a document: its units' probabilities weighted by their characters; None with no unit."""
    scored = units(text, granularity, min_paragraph_chars)
    if not scored:
        return None
    total = sum(len(unit) for unit in scored)
    return sum(len(unit) * classifier.probability(unit) for unit in scored) / total


def _fasttext_line(text: str) -> str:
    """A text as one fastText line, the same for training and scoring: words split as fastText splits them,
    NUL and lone surrogates removed, and words that fastText would read as labels (`__label__x`) dropped."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return " ".join(w for w in _FASTTEXT_SPACE.split(text) if w and not w.startswith(LABEL_PREFIX))


# ---------------------------------------------------------------------------------------------------------
# Which examples: held out, and which negatives.


def is_held_out(key: str, fraction: float, seed: int) -> bool:
    """Whether the example with this key (a URL, a document id) is kept out of training for metrics."""
    if not 0.0 <= fraction <= 1.0:
        raise UserError(f"held-out fraction must be in [0, 1], got {fraction}")
    return unit_fraction(HOLDOUT_SALT, seed, key) < fraction


def negative_rank(doc_id: str, seed: int) -> float:
    """The document's place in the seeded random order CommonCrawl negatives are drawn in (smallest first)."""
    return unit_fraction(NEGATIVE_SALT, seed, doc_id)


# ---------------------------------------------------------------------------------------------------------
# Training.


def train_classifier(
    examples: Iterable[tuple[bool, str]],
    path: str,
    *,
    seed: int,
    epoch: int = 5,
    lr: float = 0.1,
    dim: int = 100,
    word_ngrams: int = 1,
    min_count: int = 1,
    tmp_dir: str | None = None,
) -> dict[str, Any]:
    """Train on (is_wiki, classifier_text) examples, in the order given; save the .bin atomically at `path`.

    The defaults are fastText's, which RedPajama used (`fasttext supervised` with no options, unigrams).
    Deterministic: the same examples, settings and seed give a byte-identical model file (one thread, and
    seeded initial vectors for every word, see the module docstring). Empty texts are skipped and counted.
    Returns the settings used, the examples per label and the model's sha256."""
    if word_ngrams != 1:
        raise UserError(
            "word_ngrams must be 1: with word n-grams fastText 0.9.3 leaves most hashed n-gram vectors "
            "uninitialized (it fills thread/10 of its input matrix), so training is neither sound nor repeatable"
        )
    if epoch < 1 or dim < 1 or min_count < 1 or not lr > 0:
        raise UserError(
            f"epoch, dim and min_count must be >= 1 and lr > 0 (got {epoch}, {dim}, {min_count}, {lr})"
        )
    fasttext_seed = unit_hash(INIT_SALT, "fasttext", seed) % 2**31
    with tempfile.TemporaryDirectory(prefix="reference-classifier-", dir=tmp_dir) as work:
        train_file = os.path.join(work, "train.txt")
        counts, skipped, vocabulary = _write_training_file(examples, train_file)
        if not counts["wiki"] or not counts["cc"]:
            raise UserError(
                f"the reference classifier needs examples of both labels, got {counts['wiki']} wiki and "
                f"{counts['cc']} cc ({skipped} empty skipped)"
            )
        words = sorted(w for w, count in vocabulary.items() if count >= min_count)
        init_file = os.path.join(work, "init.vec")
        _write_initial_vectors(init_file, words, dim, seed)
        try:
            model = fasttext.train_supervised(
                input=train_file,
                lr=lr,
                dim=dim,
                epoch=epoch,
                wordNgrams=word_ngrams,
                minCount=min_count,
                loss="softmax",
                thread=1,
                seed=fasttext_seed,
                verbose=0,
                pretrainedVectors=init_file,
            )
        except RuntimeError as exc:  # fastText's "Encountered NaN.": the training diverged
            raise UserError(
                f"fastText training failed ({exc}); a lower lr usually fixes a divergence"
            ) from None
        trained_words = model.f.getVocab("strict")[0]
        if len(trained_words) != len(words) or set(trained_words) != set(words):
            raise RuntimeError(
                f"fastText's vocabulary ({len(trained_words)} words) is not the one initialized "
                f"({len(words)}): some word vectors started uninitialized"
            )
        local_model = os.path.join(work, "model.bin")
        model.save_model(local_model)
        sha256 = copy_atomic(local_model, path)
    return {
        "path": path,
        "seed": seed,
        "fasttext_seed": fasttext_seed,
        "epoch": epoch,
        "lr": lr,
        "dim": dim,
        "word_ngrams": word_ngrams,
        "min_count": min_count,
        "loss": "softmax",
        "thread": 1,
        "labels": {WIKI_LABEL: counts["wiki"], CC_LABEL: counts["cc"]},
        "examples": counts["wiki"] + counts["cc"],
        "skipped_empty": skipped,
        "vocabulary": len(words),
        "sha256": sha256,
    }


def _write_training_file(
    examples: Iterable[tuple[bool, str]], path: str
) -> tuple[dict[str, int], int, Counter[str]]:
    """One `__label__x words...` line per non-empty example; returns counts per label, empties skipped and
    the word counts fastText will find (EOS once per line)."""
    counts = {"wiki": 0, "cc": 0}
    skipped = 0
    vocabulary: Counter[str] = Counter()
    with open(path, "w", encoding="utf-8") as handle:
        for is_wiki, text in examples:
            line = _fasttext_line(text)
            if not line:
                skipped += 1
                continue
            handle.write(f"{WIKI_LABEL if is_wiki else CC_LABEL} {line}\n")
            counts["wiki" if is_wiki else "cc"] += 1
            vocabulary.update(line.split(" "))
    vocabulary[EOS] = counts["wiki"] + counts["cc"]
    return counts, skipped, vocabulary


def _write_initial_vectors(path: str, words: list[str], dim: int, seed: int, chunk: int = 4096) -> None:
    """A .vec file giving every word a seeded vector, uniform over +-1/dim like fastText's own initialization.

    Values are written as fixed-width `+01234e-6` numbers built in numpy (a vocabulary can have millions of
    words): m * 10**-q with m uniform in [-M, M], M = 10**q // dim, q the smallest giving M >= 10**4."""
    q = math.ceil(math.log10(dim * 10**4))
    bound = 10**q // dim
    digits = len(str(bound))
    suffix = np.frombuffer(f"e-{q} ".encode(), dtype=np.uint8)
    width = 1 + digits + len(suffix)
    powers = 10 ** np.arange(digits - 1, -1, -1, dtype=np.int64)
    rng = np.random.default_rng(unit_hash(INIT_SALT, seed))
    with open(path, "wb") as handle:
        handle.write(f"{len(words)} {dim}\n".encode())
        for start in range(0, len(words), chunk):
            batch = words[start : start + chunk]
            values = rng.integers(-bound, bound, size=(len(batch), dim), endpoint=True, dtype=np.int64)
            text = np.empty((len(batch), dim, width), dtype=np.uint8)
            text[..., 0] = np.where(values < 0, ord("-"), ord("+"))
            text[..., 1 : 1 + digits] = (np.abs(values)[..., None] // powers) % 10 + ord("0")
            text[..., 1 + digits :] = suffix
            rows = text.reshape(len(batch), dim * width)
            handle.write(
                b"".join(
                    word.encode() + b" " + row[:-1].tobytes() + b"\n"
                    for word, row in zip(batch, rows, strict=True)
                )
            )


# ---------------------------------------------------------------------------------------------------------
# Scoring.


class ReferenceClassifier:
    """P(wiki) of a unit from a trained model; the model loads on first use, so an unloaded instance pickles
    (a Beam DoFn can carry it to workers). A model on a remote filesystem is copied to a local file first."""

    def __init__(self, path: str):
        self.path = path
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "_model": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def load(self) -> None:
        """Load the model now (a DoFn's setup); checks that it is a wiki/cc model."""
        if self._model is not None:
            return
        if is_remote(self.path):
            with tempfile.TemporaryDirectory(prefix="reference-classifier-") as work:
                local = os.path.join(work, "model.bin")
                with open_file(self.path, "rb") as source, open(local, "wb") as target:
                    shutil.copyfileobj(source, target)
                model = fasttext.load_model(local)
        else:
            if not Path(self.path).is_file():
                raise UserError(f"reference classifier model not found: {self.path}")
            try:
                model = fasttext.load_model(self.path)
            except ValueError as exc:
                raise UserError(f"{self.path} is not a fastText model: {exc}") from None
        labels = set(model.f.getLabels("strict")[0])
        if labels != {WIKI_LABEL, CC_LABEL}:
            raise UserError(f"{self.path} is not a reference classifier: its labels are {sorted(labels)}")
        self._model = model

    def probability(self, unit_text: str) -> float:
        """P(wiki) of one unit (already classifier_text); 0.0 for an empty text."""
        line = _fasttext_line(unit_text)
        if not line:
            return 0.0
        self.load()
        predictions = self._model.f.predict(line + "\n", 2, 0.0, "strict")
        for score, label in predictions:
            if label == WIKI_LABEL:
                return min(max(float(score), 0.0), 1.0)
        for score, label in predictions:
            if label == CC_LABEL:
                return min(max(1.0 - float(score), 0.0), 1.0)
        return 0.0


# ---------------------------------------------------------------------------------------------------------
# Metrics.


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """ROC AUC as the Mann-Whitney U statistic: P(a positive outscores a negative), a tie counting half."""
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores for {len(labels)} labels")
    if any(math.isnan(s) for s in scores):
        raise ValueError("a score is NaN")
    positives = sum(1 for label in labels if label)
    negatives = len(labels) - positives
    if not positives or not negatives:
        raise UserError(f"AUC needs both labels, got {positives} positives and {negatives} negatives")
    order = sorted(range(len(scores)), key=scores.__getitem__)
    positive_ranks = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        mean_rank = (start + end) / 2 + 1  # 1-based ranks start+1 .. end+1, averaged over the tie
        positive_ranks += mean_rank * sum(1 for i in order[start : end + 1] if labels[i])
        start = end + 1
    return (positive_ranks - positives * (positives + 1) / 2) / (positives * negatives)


def evaluate(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> dict[str, Any]:
    """Held-out metrics at a threshold (kept when score >= threshold, as RedPajama's filter keeps pages)."""
    auc = roc_auc(scores, labels)
    kept = [score >= threshold for score in scores]
    true_positives = sum(1 for k, label in zip(kept, labels, strict=True) if k and label)
    predicted = sum(kept)
    positives = sum(1 for label in labels if label)
    return {
        "threshold": threshold,
        "positives": positives,
        "negatives": len(labels) - positives,
        "kept": predicted,
        "precision": true_positives / predicted if predicted else 0.0,
        "recall": true_positives / positives,
        "auc": auc,
    }
