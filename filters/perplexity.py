"""Perplexity under CCNet's per-language quality models, and cc_net's head/middle/tail buckets.

Scoring (cc_net's DocLM, RECIPE.md §2.5): each line of a text is normalized with cc_net's `normalize`; empty
lines are skipped; the rest are encoded as SentencePiece pieces joined by spaces and scored by KenLM with
sentence boundaries (log10). A text's perplexity is 10 ** (-sum of scores / sum of lengths), a line's length
being its pieces plus one (for </s>), rounded to 0.1; a text with no scored line has none.

Buckets (cc_net's PerplexityBucket, §2.6): with the language's 30th and 60th percentile cutoffs (p30, p60),
pp < p30 is `head`, pp < p60 is `middle`, anything else `tail`; no perplexity or no cutoffs is `all`.

Cutoffs come from a histogram of perplexities (value -> count), so a combine can merge counts instead of
holding every value. The q-th percentile is nearest-rank: the smallest value v whose cumulative count reaches
q% of the total (at least one item, so p0 is the minimum and p100 the maximum).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any

import kenlm
import sentencepiece as spm

from filters.quality_models import LM_SUFFIX, SP_SUFFIX, model_files
from filters.text_normalizer import normalize_lines
from pipeline.io import copy_atomic, filesystem, is_remote, join

BUCKETS = ("head", "middle", "tail")
NO_BUCKET = "all"
CUTOFF_PERCENTILES = (30, 60)


def pp(log_score: float, length: int) -> float:
    """cc_net's perplexity from a log10 score over `length` predicted tokens."""
    return 10.0 ** (-log_score / length)


class LanguageModel:
    """One language's SentencePiece and KenLM models, loaded from local files."""

    def __init__(self, sp_model_path: str, lm_path: str):
        self.sp = spm.SentencePieceProcessor(model_file=sp_model_path)
        self.lm = kenlm.Model(lm_path)

    def score_lines(self, text: str) -> tuple[float, int]:
        """(sum of log10 scores, sum of lengths) over the text's non-empty normalized lines."""
        lines = [line for line in normalize_lines(text) if line]
        log_score, length = 0.0, 0
        for pieces in self.sp.encode(lines, out_type=str) if lines else []:  # one call per text: C++ loops
            log_score += self.lm.score(" ".join(pieces), bos=True, eos=True)
            length += len(pieces) + 1
        return log_score, length

    def perplexity(self, text: str) -> float | None:
        """The text's perplexity rounded to 0.1; None when no line scores."""
        log_score, length = self.score_lines(text)
        return round(pp(log_score, length), 1) if length else None


class QualityModels:
    """The languages with both model files in a folder (local or fsspec URL), each model loaded on first use.

    Constructing it only lists the folder, so it pickles cheaply (Beam pickles DoFns); the loaded models are
    left out of the pickle and load again where it is unpickled. kenlm reads local files only, so the files
    of a remote folder are copied once to a local temporary folder before loading."""

    def __init__(self, directory: str):
        self.directory = directory
        self.languages = _languages(directory)
        self._models: dict[str, LanguageModel] = {}
        self._local: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"directory": self.directory, "languages": self.languages}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.directory = state["directory"]
        self.languages = state["languages"]
        self._models = {}
        self._local = None

    def setup(self) -> None:
        """Load every language's models now (a DoFn's setup), instead of on first use."""
        for language in self.languages:
            self.model(language)

    def model(self, language: str | None) -> LanguageModel | None:
        """The language's models, loaded once; None when the folder has none for it."""
        if language not in self.languages:
            return None
        loaded = self._models.get(language)
        if loaded is None:
            sp_name, lm_name = model_files(language)
            loaded = LanguageModel(self._path(sp_name), self._path(lm_name))
            self._models[language] = loaded
        return loaded

    def perplexity(self, text: str, language: str | None) -> float | None:
        """The text's perplexity under its language's models; None without a model or a scored line."""
        model = self.model(language)
        return model.perplexity(text) if model is not None else None

    def _path(self, name: str) -> str:
        """A local path for one model file, copying it from a remote folder the first time."""
        if not is_remote(self.directory):
            return os.path.join(filesystem(self.directory)[1], name)  # file:// URLs too
        if self._local is None:
            self._local = tempfile.mkdtemp(prefix="quality-models-")
            weakref.finalize(self, shutil.rmtree, self._local, True)  # the copies go with this object
        local = os.path.join(self._local, name)
        if not os.path.exists(local):
            copy_atomic(join(self.directory, name), local)
        return local

    def close(self) -> None:
        """Drop the loaded models and any local copies (a DoFn's teardown)."""
        self._models = {}
        if self._local is not None:
            shutil.rmtree(self._local, ignore_errors=True)
            self._local = None


def _languages(directory: str) -> tuple[str, ...]:
    """Sorted languages with both `<language>.sp.model` and `<language>.arpa.bin` in the folder."""
    fs, resolved = filesystem(directory)
    if not fs.isdir(resolved):
        return ()
    names = {PurePosixPath(path).name for path in fs.ls(resolved, detail=False)}
    languages = {name.removesuffix(SP_SUFFIX) for name in names if name.endswith(SP_SUFFIX)}
    return tuple(sorted(lang for lang in languages if lang and f"{lang}{LM_SUFFIX}" in names))


def bucket_of(perplexity: float | None, cutoffs: tuple[float, float] | None) -> str:
    """cc_net's bucket: `head` below p30, `middle` below p60, else `tail`; `all` without a perplexity or
    cutoffs."""
    if perplexity is None or cutoffs is None:
        return NO_BUCKET
    head, tail = cutoffs
    if perplexity < head:
        return "head"
    if perplexity < tail:
        return "middle"
    return "tail"


def percentile(counts: Mapping[float, int], q: float) -> float:
    """Nearest-rank percentile of a histogram: the smallest value v with count(values <= v) >= q% of the
    total, counting at least one item (so q=0 is the minimum, q=100 the maximum)."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside [0, 100]")
    items = sorted((value, count) for value, count in counts.items() if count > 0)
    if not items:
        raise ValueError("no values to take a percentile of")
    total = sum(count for _, count in items)
    rank = max(1, math.ceil(Fraction(q) * total / 100))
    seen = 0
    for value, count in items:
        seen += count
        if seen >= rank:
            return value
    return items[-1][0]


def cutoffs_from_counts(
    counts: Mapping[float, int], percentiles: tuple[float, float] = CUTOFF_PERCENTILES
) -> tuple[float, float]:
    """The (head, tail) cutoffs bucket_of takes: p30 and p60 by default, as cc_net's code uses them."""
    return percentile(counts, percentiles[0]), percentile(counts, percentiles[1])


def percentile_table(counts: Mapping[float, int]) -> list[float]:
    """p0 .. p100 (101 values), one language's column of cc_net's cutoff.csv."""
    return [percentile(counts, q) for q in range(101)]
