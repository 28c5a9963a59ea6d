"""The Books source on the real Gutenberg files in ../shared/data/gutenberg (skipped when it is absent).

Two books, four files each: two GITenberg copies with the Project Gutenberg header and footer (an ASCII and a
UTF-8 edition, CRLF), the current text with its boilerplate already removed, and another edition (also
stripped, but the Rackham Alice keeps its "End of Project Gutenberg's" line and the other Pride and Prejudice
its "Note: Project Gutenberg also has an HTML version" paragraph). Every file must decode; after
`gutenberg_book` no line may hold the licence's words; each body must start and end with the book's own
lines; the stripped files must come out all but unchanged. The 5-word-shingle Jaccard of every pair of files of
one book, after stripping, is printed (run with -s): the figures the book-level dedup threshold is set from.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path

import pytest

from filters.minhash import jaccard, shingles
from pipeline.document import Document
from pipeline.sources.books import decode_book, gutenberg_book, tidy

pytestmark = pytest.mark.acceptance

# Words found only in Gutenberg's boilerplate in these files. "etext" as a word: the books say "pretexts".
BOILERPLATE = re.compile(
    r"Project Gutenberg|PROJECT GUTENBERG|gutenberg\.org|\*\*\* ?START|\*\*\* ?END|"
    r"Small Print|SMALL PRINT|\betexts?\b|\bE-?BOOKS?\b|Gutenberg-tm",
    re.IGNORECASE,
)

# Each file's first and last lines once stripped (the book's own; the GITenberg copies end at "THE END").
EXPECTED = {
    "GITenberg_11-0.txt": ("utf-8-sig", "start+end", "ALICE\u2019S ADVENTURES IN WONDERLAND", "THE END"),
    "GITenberg_11.txt": ("ascii", "start+end", "ALICE'S ADVENTURES IN WONDERLAND", "THE END"),
    "gutenbergbooks_11-0_2024_noheader.txt": ("utf-8", "none", "[Illustration]", "THE END"),
    "gutenbergbooks_28885-0_rackham_edition_noheader.txt": (
        "utf-8",
        "end",
        "ALICE'S ADVENTURES IN WONDERLAND",
        "Page 153, added an apostrophe (What's in it?)",
    ),
    "GITenberg_1342-0.txt": (
        "utf-8-sig",
        "start+end",
        "PRIDE AND PREJUDICE",
        "her into Derbyshire, had been the means of uniting them.",
    ),
    "GITenberg_1342.txt": (
        "ascii",
        "start+end",
        "PRIDE AND PREJUDICE",
        "her into Derbyshire, had been the means of uniting them.",
    ),
    "gutenbergbooks_1342-0_2024_noheader.txt": (
        "utf-8",
        "none",
        "[Illustration:",
        "TOOKS COURT, CHANCERY LANE, LONDON.",
    ),
    "gutenbergbooks_42671-0_other_edition_noheader.txt": (
        "utf-8",
        "none",
        "Transcriber's note:",
        "been left as printed.",
    ),
}


@cache
def _read(root: Path) -> dict[Path, Document]:
    return {f: gutenberg_book(str(f), f.read_bytes()) for f in sorted(root.glob("*/*.txt"))}


@pytest.fixture
def books(shared_data: Path) -> dict[Path, Document]:
    root = shared_data / "gutenberg"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    read = _read(root)
    assert {f.name for f in read} == set(EXPECTED)
    return read


def test_every_file_decodes(books):
    for path in books:
        text, encoding = decode_book(path.read_bytes())
        print(f"{path.parent.name}/{path.name}: {encoding}")
        assert text is not None and "\r" not in text and "\ufffd" not in text
        assert encoding == EXPECTED[path.name][0]


def test_no_boilerplate_line_survives(books):
    for path, doc in books.items():
        assert isinstance(doc, Document), doc
        left = [line for line in doc.text.split("\n") if BOILERPLATE.search(line)]
        assert not left, (path.name, left)
        assert doc.meta["markers"] == EXPECTED[path.name][1], path.name


def test_the_book_starts_and_ends_with_its_own_lines(books):
    for path, doc in books.items():
        lines = [line.strip() for line in doc.text.split("\n") if line.strip()]
        _, _, first, last = EXPECTED[path.name]
        assert (lines[0], lines[-1]) == (first, last), path.name


def test_headers_give_the_facts(books):
    for path, doc in books.items():
        if path.name.startswith("GITenberg_"):
            number = "11" if "alice" in path.parent.name else "1342"
            assert (
                doc.meta["gutenberg_id"] == number and doc.url == f"https://www.gutenberg.org/ebooks/{number}"
            )
            assert doc.meta["language"] == "English" and doc.meta["author"] in (
                "Lewis Carroll",
                "Jane Austen",
            )
        else:  # no header: the number comes from the file name
            assert doc.meta["gutenberg_id"] == path.name.split("_")[1].split("-")[0]


def test_files_without_a_header_come_out_nearly_unchanged(books):
    for path, doc in books.items():
        if "noheader" not in path.name:
            continue
        original = tidy(decode_book(path.read_bytes())[0])
        assert original.endswith(doc.text) or original.startswith(doc.text), (
            path.name
        )  # only trimmed at an end
        assert len(doc.text) >= 0.995 * len(original), (path.name, len(doc.text), len(original))


def test_pairs_of_files_of_one_book(books):
    """Print each pair's 5-word-shingle Jaccard after stripping (and before, for comparison)."""
    by_book: dict[str, list[Path]] = {}
    for path in books:
        by_book.setdefault(path.parent.name, []).append(path)
    print()
    for name, paths in sorted(by_book.items()):
        stripped = {p: set(shingles(books[p].text)) for p in paths}
        raw = {p: set(shingles(decode_book(p.read_bytes())[0])) for p in paths}
        for a, b in itertools.combinations(sorted(paths), 2):
            after, before = jaccard(stripped[a], stripped[b]), jaccard(raw[a], raw[b])
            print(f"{name}: {a.name} ~ {b.name}: jaccard {after:.3f} (before stripping {before:.3f})")
            assert after >= before - 0.005  # stripping the licence never makes two copies less alike
        same_text = [p for p in paths if p.name.startswith("GITenberg_")]
        assert jaccard(stripped[same_text[0]], stripped[same_text[1]]) > 0.99  # ASCII vs UTF-8 edition
