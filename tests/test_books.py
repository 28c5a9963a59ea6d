"""The Books source: Gutenberg files decoded and stripped of their licence in every historical marker form, and
Books3 / pg19 JSON records, on short fake books composed here."""

from __future__ import annotations

import pytest

from pipeline.document import Document
from pipeline.rejects import Reject, Skip
from pipeline.sources.books import (
    books3_record,
    decode_book,
    gutenberg_book,
    gutenberg_id_from_name,
    strip_gutenberg,
    tidy,
)

FIRST = "CHAPTER I. The Voyage Out"
LAST = "And so the tale of the tall ship ends here."


def body(paragraphs: int = 6) -> str:
    """A book's text: a first and a last line the tests look for, plain prose between."""
    prose = [
        f"Paragraph {i}: the wind rose over the grey harbour, and the sailors of the brig, who had waited "
        f"{i + 2} days for it, hauled the sails while the captain watched from the deck."
        for i in range(paragraphs)
    ]
    return "\n\n".join([FIRST, *prose, LAST])


HEADER = """The Project Gutenberg EBook of The Tall Ship, by Ann Writer

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.org


Title: The Tall Ship
       and Other Tales

Author: Ann Writer

Posting Date: May 1, 2008 [EBook #4242]
Release Date: June, 1999

Language: English

Character set encoding: ASCII

"""

FOOTER_TAIL = """

***** This file should be named 4242.txt or 4242.zip *****
This and all associated files of various formats will be found in:
        http://www.gutenberg.org/4/2/4/4242/

Updated editions will replace the previous one--the old editions
will be renamed.

*** START: FULL LICENSE ***

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

Section 1.  General Terms of Use and Redistributing Project Gutenberg-tm
electronic works
"""

START = "*** START OF THIS PROJECT GUTENBERG EBOOK THE TALL SHIP ***"
END = "*** END OF THIS PROJECT GUTENBERG EBOOK THE TALL SHIP ***"


def book(
    start: str | None = START, end: str | None = END, header: str = HEADER, text: str | None = None
) -> str:
    parts = [header] if header else []
    if start is not None:
        parts.append(start + "\n\n\n")
    parts.append(text if text is not None else body())
    if end is not None:
        parts.append("\n\n\n\n" + end + FOOTER_TAIL)
    return "".join(parts)


def assert_clean(result: str) -> None:
    """Only the book is left: its first and last lines at both ends, no boilerplate."""
    assert result.strip().startswith(FIRST), result[:300]
    assert result.strip().endswith(LAST), result[-300:]
    for word in ("Gutenberg", "GUTENBERG", "LICENSE", "***", "eBook", "etext", "Produced by"):
        assert word not in result


# --- decoding -------------------------------------------------------------------------------------------------


def test_ascii_and_utf8_are_told_apart():
    assert decode_book(b"plain words\n") == ("plain words\n", "ascii")
    assert decode_book("caf\u00e9 \u201cquoted\u201d".encode()) == ("caf\u00e9 \u201cquoted\u201d", "utf-8")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + "Caf\u00e9 au lait".encode(), "utf-8-sig"),
        (b"\xff\xfe" + "Caf\u00e9 au lait".encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + "Caf\u00e9 au lait".encode("utf-16-be"), "utf-16-be"),
        (b"\xff\xfe\x00\x00" + "Caf\u00e9 au lait".encode("utf-32-le"), "utf-32-le"),
        ("Caf\u00e9 au lait, a cup of it".encode("utf-16-le"), "utf-16-le"),  # no mark: NULs tell
        ("Caf\u00e9 au lait, a cup of it".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_byte_order_marks_and_utf16(data, encoding):
    text, found = decode_book(data)
    assert found == encoding and text.startswith("Caf\u00e9 au lait") and "\ufeff" not in text


def test_a_declared_latin1_book_is_read_as_latin1():
    data = (
        b"Title: Les Mis\xe9rables\r\nCharacter set encoding: ISO-8859-1\r\n\r\nJean Valjean \xe9tait l\xe0."
    )
    text, encoding = decode_book(data)
    assert encoding == "latin-1" and "Les Mis\u00e9rables" in text and "\u00e9tait l\u00e0" in text
    assert "\r" not in text


@pytest.mark.parametrize("label", ["ISO Latin-1", "ISO-8859-1", "Latin1", "iso-8859-1 (Latin-1)"])
def test_latin1_labels(label):
    data = f"Character set encoding: {label}\n\nna\u00efve".encode("latin-1")
    assert decode_book(data) == (f"Character set encoding: {label}\n\nna\u00efve", "latin-1")


def test_a_latin1_label_on_windows_punctuation_is_cp1252():
    data = b"Character set encoding: ISO-8859-1\n\n\x93Quoted,\x94 she said \x96 and left."
    text, encoding = decode_book(data)
    assert encoding == "cp1252" and "\u201cQuoted,\u201d" in text and "\u2013" in text


def test_undeclared_bytes_fall_back_to_cp1252_then_latin1():
    assert decode_book(b"\x93Na\xefve\x94") == ("\u201cNa\u00efve\u201d", "cp1252")
    assert decode_book(b"a \x81 b \xe9") == ("a \x81 b \u00e9", "latin-1")  # 0x81: not a cp1252 byte


def test_utf8_with_a_stray_byte_is_repaired_not_mojibake():
    data = ("\u201cCaf\u00e9\u201d " * 50).encode() + b"\xff" + " na\u00efve".encode()
    text, encoding = decode_book(data)
    assert encoding == "utf-8-replaced" and text.count("\ufffd") == 1 and "\u201cCaf\u00e9\u201d" in text


def test_a_declared_encoding_that_is_no_text_codec_is_ignored():
    assert decode_book(b"Character set encoding: hex\n\nna\xefve") == (
        "Character set encoding: hex\n\nna\u00efve",
        "cp1252",
    )
    assert decode_book(b"Character set encoding: UTF-16\n\nna\xefve")[1] == "cp1252"


def test_line_ends_and_dos_eof():
    assert decode_book(b"one\r\ntwo\rthree\n\x1a") == ("one\ntwo\nthree\n", "ascii")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"text with a \x00 NUL", "not_text"),
        (bytes(range(1, 9)) * 100 + b"some words", "not_text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_text"),
        (b"\xff\xfe" + "odd".encode("utf-16-le") + b"\x00", "bad_encoding"),  # odd length after the mark
        (b"\xff\xfe\x00\xd8a\x00", "bad_encoding"),  # a lone surrogate
    ],
)
def test_binary_and_broken_data(data, reason):
    assert decode_book(data) == (None, reason)


# --- stripping: start and end markers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        "*** START OF THIS PROJECT GUTENBERG EBOOK THE TALL SHIP ***",
        "*** START OF THE PROJECT GUTENBERG EBOOK THE TALL SHIP ***",
        "***START OF THE PROJECT GUTENBERG EBOOK THE TALL SHIP***",
        "*** start of the project gutenberg ebook the tall ship ***",
        "   *** START OF THIS PROJECT GUTENBERG EBOOK THE TALL SHIP ***   ",
        "*** START OF THE PROJECT GUTENBERG-tm EBOOK THE TALL SHIP ***",
        "*** START OF THE COPYRIGHTED PROJECT GUTENBERG EBOOK THE TALL SHIP ***",
        "*** START OF THE PROJECT GUTENBERG EBOOK THE TALL SHIP AND OTHER\nTALES OF THE SEA ***",
        "*** START OF THE PROJECT\nGUTENBERG EBOOK THE TALL SHIP ***",
        "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*",
        "*END THE SMALL PRINT! FOR PUBLIC DOMAIN EBOOKS*Ver.02/11/02*END*",
    ],
)
def test_every_start_marker_form(start):
    result, info = strip_gutenberg(book(start=start))
    assert_clean(result)
    assert info["markers"] == "start+end"


@pytest.mark.parametrize(
    "end",
    [
        "*** END OF THIS PROJECT GUTENBERG EBOOK THE TALL SHIP ***",
        "*** END OF THE PROJECT GUTENBERG EBOOK THE TALL SHIP ***",
        "***END OF THE PROJECT GUTENBERG EBOOK THE TALL SHIP***",
        "End of the Project Gutenberg EBook of The Tall Ship, by Ann Writer",
        "End of Project Gutenberg's The Tall Ship, by Ann Writer",
        "End of Project Gutenberg\u2019s The Tall Ship, by Ann Writer",
        "End of The Project Gutenberg Etext of The Tall Ship",
        "END OF PROJECT GUTENBERG EBOOK THE TALL SHIP",
        "  *** end of this project gutenberg ebook the tall ship ***",
        "*** END OF THE PROJECT GUTENBERG-tm EBOOK THE TALL SHIP ***",
        "Ende dieses Project Gutenberg Etextes",
    ],
)
def test_every_end_marker_form(end):
    result, info = strip_gutenberg(book(end=end))
    assert_clean(result)
    assert info["markers"] == "start+end"


def test_the_usual_footer_pair_goes_whole():
    text = book(end="End of Project Gutenberg's The Tall Ship, by Ann Writer\n\n" + END)
    result, info = strip_gutenberg(text)
    assert_clean(result)
    assert info["markers"] == "start+end"


def test_the_old_small_print_header_with_its_first_line():
    old = (
        "**The Project Gutenberg Etext of The Tall Ship**\n"
        "*This 1st edition should be labeled tship10.txt*\n\n"
        "**Welcome To The World of Free Plain Vanilla Electronic Texts**\n\n"
        "*SMALL PRINT! for COPYRIGHT PROTECTED ETEXTS*\nThe licence says many things here.\n\n"
    )
    text = book(
        header=old,
        start="*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n"
        "This etext was prepared by A. Volunteer, volunteer@example.org.",
        end="End of The Project Gutenberg Etext of The Tall Ship",
    )
    result, info = strip_gutenberg(text)
    assert_clean(result)
    assert info["markers"] == "start+end" and info["credits"] == "1"


def test_the_last_start_marker_wins():
    text = book(start=START + "\n\nMore licence text.\n\n*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*END*")
    result, _ = strip_gutenberg(text)
    assert_clean(result)


def test_a_first_line_header_without_start_marker():
    result, info = strip_gutenberg(book(start=None))
    assert_clean(result)
    assert info["markers"] == "start+end" and info["fallback"] == "header"
    assert info["title"] == "The Tall Ship and Other Tales" and info["gutenberg_id"] == "4242"


def test_a_credit_line_after_a_gutenberg_mention_ends_a_header():
    header = "This is a Project Gutenberg text, free to share.\nIt has no usual first line.\n\n"
    text = book(header=header, start=None, text="This etext was prepared by Jo Typist.\n\n" + body())
    result, info = strip_gutenberg(text)
    assert_clean(result)
    assert info["fallback"] == "header"


def test_start_only_and_end_only():
    result, info = strip_gutenberg(book(end=None))
    assert_clean(result)
    assert info["markers"] == "start"
    result, info = strip_gutenberg(book(start=None, header=""))
    assert_clean(result)
    assert info["markers"] == "end"


def test_the_licence_tail_without_an_end_marker():
    text = HEADER + START + "\n\n" + body() + "\n\n" + FOOTER_TAIL
    result, info = strip_gutenberg(text)
    assert_clean(result)
    assert info["markers"] == "start+end" and info["fallback"] == "licence"
    assert "Updated editions" not in result and "This file should be named" not in result


def test_a_book_without_markers_is_unchanged():
    text = body()
    assert strip_gutenberg(text) == (text, {"markers": "none"})


def test_a_misread_marker_keeps_the_whole_book_as_suspect():
    long_body = body(paragraphs=120)  # about 21,000 characters
    text = HEADER + START + "\n\nA short preface.\n\n" + END + "\n\n" + long_body
    result, info = strip_gutenberg(text)
    assert info["markers"] == "suspect" and result == text
    assert len(long_body) > 20_000


def test_a_short_book_behind_a_long_licence_is_not_suspect():
    licence = "\n".join(f"1.{i}. A term of the licence that goes on for a while." for i in range(400))
    text = book(text=FIRST + "\n\nA very short book.\n\n" + LAST) + licence
    result, info = strip_gutenberg(text)
    assert info["markers"] == "start+end" and result.strip().endswith(LAST)


def test_a_start_marker_in_the_second_half_is_not_a_start():
    text = body(paragraphs=30) + "\n\n" + START + "\n\n" + body(paragraphs=2)
    result, info = strip_gutenberg(text)
    assert info["markers"] == "none" and result == text


# --- stripping: credits and notes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "credit",
    [
        "Produced by Anonymous Volunteers",
        "Produced by Jo Typist, Al Reader and the Online Distributed\nProofreading Team at http://www.pgdp.net",
        "This eBook was produced by Jo Typist.",
        "E-text prepared by Jo Typist\nfrom page images generously made available by Internet Archive",
        "Transcribed from the 1890 edition by Jo Typist, email jo@example.org",
        "Note: Project Gutenberg also has an HTML version of this\n      file which includes the original "
        "illustrations.\n      See 4242-h.htm or 4242-h.zip:",
        "Produced by Jo Typist\n\n\n\nNote: Images of the original pages are available through\n"
        "      Internet Archive. See\n      https://archive.org/details/tallship00writ",
    ],
)
def test_producer_credits_after_the_start_go(credit):
    result, info = strip_gutenberg(book(text=credit + "\n\n\n" + body()))
    assert_clean(result)
    assert int(info["credits"]) >= 1


def test_a_leading_gutenberg_note_goes_from_a_book_without_markers():
    note = "Note: Project Gutenberg also has an HTML version of this\n      file.\n\n"
    result, info = strip_gutenberg(note + body())
    assert result.strip() == body() and info == {"markers": "none", "credits": "1"}


def test_book_text_after_the_start_is_never_taken_for_a_credit():
    text = book(text="PREFACE\n\nProduced by the hand of its author, this book is his last.\n\n" + body())
    result, info = strip_gutenberg(text)
    assert result.strip().startswith("PREFACE") and "credits" not in info


# --- header facts ---------------------------------------------------------------------------------------------


def test_header_facts():
    header = HEADER.replace("Release Date: June, 1999", "Release Date: June, 1999 [eBook #4243]")
    header = header.replace("Character set encoding: ASCII", "Character set encoding: ISO-8859-1")
    _, info = strip_gutenberg(book(header=header))
    assert info == {
        "gutenberg_id": "4242",
        "title": "The Tall Ship and Other Tales",
        "author": "Ann Writer",
        "language": "English",
        "release_date": "June, 1999",
        "encoding": "ISO-8859-1",
        "markers": "start+end",
    }


def test_title_and_author_from_the_first_line_when_the_header_has_no_fields():
    header = "The Project Gutenberg Etext of The Tall Ship, by Ann Writer\n[Etext #77]\n\n"
    _, info = strip_gutenberg(book(header=header))
    assert (info["title"], info["author"], info["gutenberg_id"]) == ("The Tall Ship", "Ann Writer", "77")


# --- gutenberg_book -------------------------------------------------------------------------------------------


def test_a_gutenberg_book_document(tmp_path):
    data = book(start=START, end=END).replace("\n", "\r\n").encode("ascii")
    doc = gutenberg_book(str(tmp_path / "some" / "4242.txt"), data)
    assert isinstance(doc, Document) and doc.source == "books"
    assert doc.text.startswith(FIRST) and doc.text.endswith(LAST) and "\r" not in doc.text
    assert doc.url == "https://www.gutenberg.org/ebooks/4242"
    assert doc.meta == {
        "corpus": "gutenberg",
        "file": "4242.txt",
        "encoding": "ascii",
        "declared_encoding": "ASCII",
        "markers": "start+end",
        "gutenberg_id": "4242",
        "title": "The Tall Ship and Other Tales",
        "author": "Ann Writer",
        "language": "English",
        "release_date": "June, 1999",
    }
    again = gutenberg_book("gs://bucket/elsewhere/4242.txt", data)
    assert again == doc  # the id and everything else depend on the file's name only


def test_the_text_is_tidied():
    text = "  Indented first line   \n\n\n\n\n\nline two\t \n\n\n\nline three\n\n\n"
    assert tidy("\n\n" + text) == "  Indented first line\n\n\nline two\n\n\nline three"


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("1342-0.txt", "1342"),
        ("pg1342.txt", "1342"),
        ("pg1342.txt.gz", "1342"),
        ("GITenberg_1342.txt", "1342"),
        ("11-8.txt", "11"),
        ("11.txt", "11"),
        ("mirror_28885-0_rackham_edition.txt", "28885"),
        ("alice30.txt", None),
        ("the_tall_ship.txt", None),
    ],
)
def test_gutenberg_number_from_the_file_name(name, number):
    assert gutenberg_id_from_name(name) == number
    doc = gutenberg_book(name, body().encode())
    assert doc.meta.get("gutenberg_id") == number and doc.meta["markers"] == "none"
    assert doc.url == (f"https://www.gutenberg.org/ebooks/{number}" if number else None)


def test_the_header_number_wins_over_the_file_name():
    assert gutenberg_book("999.txt", book().encode()).meta["gutenberg_id"] == "4242"


def test_a_latin1_book_end_to_end():
    header = HEADER.replace("ASCII", "ISO-8859-1")
    text = book(header=header, text=body().replace("grey harbour", "gr\u00e8ve du havre"))
    doc = gutenberg_book("4242-8.txt", text.encode("latin-1"))
    assert doc.meta["encoding"] == "latin-1" and "gr\u00e8ve du havre" in doc.text


def test_a_utf16_book_end_to_end():
    doc = gutenberg_book("4242-0.txt", b"\xff\xfe" + book().encode("utf-16-le"))
    assert doc.meta["encoding"] == "utf-16-le" and doc.text.startswith(FIRST)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"binary\x00data", "not_text"),
        (b"\xfe\xff\x00", "bad_encoding"),
        (b"", "empty_book"),
        (b"\n\n   \n", "empty_book"),
        ((HEADER + START + "\n\nProduced by Jo Typist\n\n" + END + FOOTER_TAIL).encode(), "empty_book"),
    ],
)
def test_gutenberg_book_rejects(data, reason):
    outcome = gutenberg_book("dir/4242.txt", data)
    assert isinstance(outcome, Reject) and outcome.reason == reason
    assert outcome.source_file == "dir/4242.txt" and outcome.offset == 0


def test_an_oversize_book_is_rejected_before_decoding():
    outcome = gutenberg_book("big.txt", b"x" * 101, max_book_bytes=100)
    assert isinstance(outcome, Reject) and outcome.reason == "oversize" and "101" in outcome.detail


def test_the_same_bytes_give_the_same_document():
    data = book().encode()
    assert gutenberg_book("a/1.txt", data) == gutenberg_book("b/1.txt", data)


# --- books3_record --------------------------------------------------------------------------------------------


def test_a_pile_books3_record():
    record = {"text": body(), "meta": {"pile_set_name": "Books3"}}
    doc = books3_record(record, "data/00.jsonl", 120)
    assert isinstance(doc, Document) and doc.text == body() and doc.url is None
    assert doc.meta == {"corpus": "books3", "file": "00.jsonl", "offset": "120", "markers": "none"}


def test_other_pile_sets_are_skipped():
    assert books3_record({"text": "x", "meta": {"pile_set_name": "Pile-CC"}}, "00.jsonl", 0) == Skip(
        "skipped:pile_set"
    )
    assert books3_record({"text": "x", "meta": {"pile_set_name": ["Books3"]}}, "00.jsonl", 0) == Skip(
        "skipped:pile_set"
    )
    pg = books3_record({"text": body(), "meta": {"pile_set_name": "Gutenberg (PG-19)"}}, "00.jsonl", 0)
    assert pg.meta["corpus"] == "pg19"


def test_an_hf_books3_record_with_a_title():
    doc = books3_record({"title": "  The  Tall Ship\n", "text": body()}, "books3.jsonl", 0)
    assert doc.meta["title"] == "The Tall Ship" and doc.meta["corpus"] == "books3"


def test_a_pg19_record():
    record = {
        "short_book_title": "The Tall Ship",
        "publication_date": 1907,
        "url": "http://www.gutenberg.org/ebooks/10146",
        "text": body(),
    }
    doc = books3_record(record, "pg19-train.jsonl", 0)
    assert doc.meta == {
        "corpus": "pg19",
        "file": "pg19-train.jsonl",
        "offset": "0",
        "markers": "none",
        "title": "The Tall Ship",
        "gutenberg_id": "10146",
        "publication_date": "1907",
    }
    assert doc.url == "http://www.gutenberg.org/ebooks/10146"


def test_a_record_with_gutenberg_markers_is_stripped():
    doc = books3_record({"title": "The Tall Ship", "text": book().replace("\n", "\r\n")}, "b.jsonl", 7)
    assert doc.text.startswith(FIRST) and doc.text.endswith(LAST) and doc.meta["markers"] == "start+end"
    assert doc.meta["gutenberg_id"] == "4242"


def test_a_lone_surrogate_is_replaced():
    doc = books3_record({"text": body() + " \ud800"}, "b.jsonl", 0)
    assert doc.text.endswith("\ufffd") and doc.meta["repaired"] == "surrogates"
    doc.text.encode("utf-8")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (["text"], "not_an_object"),
        ({"title": "T"}, "no_text"),
        ({"text": 12}, "bad_text"),
        ({"text": None}, "bad_text"),
        ({"text": ""}, "empty_text"),
        ({"text": " \n\t "}, "empty_text"),
        ({"text": HEADER + START + "\n\n" + END}, "empty_text"),
        ({"text": "words", "title": 5}, "bad_title"),
        ({"text": "words", "short_book_title": ["a"]}, "bad_title"),
    ],
)
def test_bad_records(record, reason):
    outcome = books3_record(record, "b.jsonl", 0)
    assert isinstance(outcome, tuple) and outcome[0] == reason and isinstance(outcome[1], str)


def test_ids_are_unique_across_corpora_and_records():
    name = "1342.txt"  # the same base name for a Gutenberg file and a JSON-lines file
    ids = {
        gutenberg_book(name, book().encode()).id,
        books3_record({"text": body()}, name, 0).id,
        books3_record({"text": body()}, name, 1).id,
        books3_record({"text": body()}, "other.jsonl", 0).id,
        gutenberg_book("1343.txt", book().encode()).id,
    }
    assert len(ids) == 5 and all(i.startswith("books-") for i in ids)
