"""Books: Project Gutenberg plain-text files and Books3-style JSON-lines records to Documents (RECIPE.md §1.2,
§3.4, §6 item 8). Book-level near-dup dedup is not here: the MinHash stage does it on these Documents.

Gutenberg, one file at a time (`gutenberg_book`; the caller reads the bytes and ungzips `.txt.gz`):

1. Decode (`decode_book`), first rule that applies: a byte-order mark (UTF-32/UTF-16 LE/BE, UTF-8); UTF-16
   without a mark (NUL in every other byte); strict UTF-8 (`ascii` when every byte is < 0x80); the encoding the
   header declares (`Character set encoding: ISO-8859-1`; a Latin-1 label is read as cp1252, as browsers do,
   when the file holds cp1252's 0x80-0x9F punctuation); UTF-8 with its few bad bytes replaced
   (`utf-8-replaced`, when at most 5% of the non-ASCII characters are bad: a UTF-8 file with a stray byte,
   not a cp1252 one); cp1252; latin-1. Text holding a NUL, or over 30% control characters, is `not_text`; a
   marked UTF-16/32 file that does not decode is `bad_encoding`. CRLF and CR become LF; DOS end-of-file
   characters (^Z) at the end go.
2. Strip the licence (`strip_gutenberg`). The body starts after the last START-type marker in the first half
   of the text: `*** START OF THIS/THE [COPYRIGHTED] PROJECT GUTENBERG EBOOK X ***` (any case, any stars and
   spacing, `-tm`, the title wrapped onto the next lines up to the closing `***`) or the old small print's end
   `*END*THE SMALL PRINT! ...` / `*END THE SMALL PRINT`. Without one, a first-line header (`The Project
   Gutenberg EBook of X`, `Project Gutenberg's X`, `The Project Gutenberg Etext of X`) runs on while its
   paragraphs hold a header line (facts like `Title:`, `[EBook #N]`, lines naming Gutenberg or an
   etext/ebook), within the first 150 lines; a credit line there (`This etext was prepared by`, `Produced by`
   ...) after a mention of Project Gutenberg ends a header too. The body ends at the first END-type marker after its start: `*** END OF THIS/THE
   PROJECT GUTENBERG EBOOK`, `End of the Project Gutenberg EBook of`, `End of Project Gutenberg's`, `End of
   The Project Gutenberg Etext`, `***END OF THE PROJECT GUTENBERG`, German and French forms, and, in the
   second half only, `The Project Gutenberg Etext of`. Without one, the licence tail (`*** START: FULL
   LICENSE ***`, `Section 1. General Terms of Use`, `THE FULL PROJECT GUTENBERG LICENSE`) is cut from the
   earliest footer line within 4,000 characters before it (`This file should be named`, `This and all
   associated files`, `Updated editions will replace the previous one`, `Creating the works from`).
   Then up to 6 short paragraphs at the body's start are dropped while they are producer credits (`Produced
   by`, `This eBook was produced by`, `E-text prepared by`, `Transcribed from` ...) or Gutenberg notes (any
   paragraph naming Project Gutenberg, gutenberg.org, pgdp.net, Distributed Proofreaders, `Images of the
   original pages are available`). This is done for every book, markers or not: a file whose boilerplate was
   already removed keeps its text but loses a leading "Note: Project Gutenberg also has an HTML version".
   Guard: when the book is long (10,000 characters, not counting a removed licence tail) and stripping would
   leave under 10% of it or under 1,000 characters, a marker was misread: the whole text is kept and
   `markers` is `suspect`. `info["markers"]` is `start+end`, `start`, `end`, `none` (nothing found: the
   caller counts `kept:no_markers`) or `suspect`; `info["fallback"]` says which fallbacks found the header
   (`header`) or the footer (`licence`); `info["credits"]` how many front paragraphs went.
3. Tidy: trailing whitespace off every line, runs of 3+ blank lines to 2, blank lines at both ends off.
   Rejects: `oversize` (over max_book_bytes), `not_text`, `bad_encoding`, `empty_book` (nothing left).
   id = make_doc_id("books", file, "gutenberg"); url https://www.gutenberg.org/ebooks/N when the Gutenberg
   number is known, from the header (`[EBook #1342]`, `eBook #11`, `Etext #N`), else from the file name
   (`1342-0.txt`, `pg1342.txt`, `GITenberg_1342.txt`, `11-8.txt`, `<prefix>_28885-0_<suffix>.txt`).

Books3-style JSON lines, one record at a time (`books3_record`; the caller reads the lines): The Pile
(`{"text", "meta": {"pile_set_name"}}`: Books3 and Gutenberg (PG-19) are kept, other sets are
`skipped:pile_set`), HF the_pile_books3 (`{"title", "text"}`), HF pg19 (`{"short_book_title",
"publication_date", "url", "text"}`, corpus `pg19`). id = make_doc_id("books", file, "books3:<offset>"): never
equal to a Gutenberg id (RedPajama's pg19 and books3 ids collided, RECIPE §3.4). Text is stripped of
Gutenberg markers when it has them and tidied as above; a lone surrogate (a JSON `\\ud800` escape) becomes
U+FFFD (meta `repaired: surrogates`). Bad records: `not_an_object`, `no_text`, `bad_text`, `empty_text`,
`bad_title`.
"""

from __future__ import annotations

import codecs
import re

from pipeline.document import Document, make_doc_id
from pipeline.rejects import Reject, Skip
from pipeline.sources.jsonl import record_text

__all__ = [
    "DEFAULT_MAX_BOOK_BYTES",
    "MARKERS",
    "SOURCE",
    "books3_record",
    "decode_book",
    "gutenberg_book",
    "gutenberg_id_from_name",
    "strip_gutenberg",
    "tidy",
]

SOURCE = "books"
DEFAULT_MAX_BOOK_BYTES = 64 << 20
MARKERS = ("start+end", "start", "end", "none", "suspect")
GUTENBERG_URL = "https://www.gutenberg.org/ebooks/{}"
PILE_SETS = {"Books3": "books3", "Gutenberg (PG-19)": "pg19"}  # the Pile's book sets LLaMA used
_DETAIL = 200

# --- decoding -------------------------------------------------------------------------------------------------

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_HEAD_BYTES = 64 * 1024  # where a header's "Character set encoding:" line is looked for
_DECLARED = re.compile(rb"Character\s+set\s+encoding:[ \t]*([^\r\n]{1,60})", re.IGNORECASE)
_CODEC_ALIASES = {
    "ascii": "ascii",
    "usascii": "ascii",
    "utf8": "utf-8",
    "unicodeutf8": "utf-8",
    "unicode": "utf-8",
    "latin1": "latin-1",
    "isolatin1": "latin-1",
    "iso88591": "latin-1",
    "iso8859": "latin-1",
    "8859": "latin-1",
    "88591": "latin-1",
    "windows1252": "cp1252",
    "cp1252": "cp1252",
    "win1252": "cp1252",
    "codepage1252": "cp1252",
    "iso885915": "iso8859-15",
    "latin9": "iso8859-15",
    "isolatin9": "iso8859-15",
    "iso88592": "iso8859-2",
    "latin2": "iso8859-2",
    "isolatin2": "iso8859-2",
}
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f-\x9f]")  # \t \n \f \r and ^Z are text's
_MAX_CONTROL_SHARE = 0.30
_MAX_BAD_UTF8_SHARE = 0.05


def decode_book(data: bytes) -> tuple[str, str] | tuple[None, str]:
    """(text, encoding) or (None, reason): the rule order is in the module docstring."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return _finish(body.decode("utf-8" if codec == "utf-8-sig" else codec), codec)
            except UnicodeDecodeError:
                if codec != "utf-8-sig":
                    return None, "bad_encoding"
                repaired = _utf8_repaired(body)
                if repaired is not None:
                    return _finish(repaired, "utf-8-replaced")
                data = body  # a UTF-8 mark on bytes that are not UTF-8: judge the bytes
                break
    codec = _bomless_utf16(data)
    if codec:
        try:
            return _finish(data.decode(codec), codec)
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: its NULs make it not_text below
    try:
        return _finish(data.decode("utf-8"), "ascii" if data.isascii() else "utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(data)
    if declared not in (None, "ascii", "utf-8"):  # ASCII or UTF-8 it is not: strict UTF-8 failed
        if declared == "latin-1" and _C1_BYTES.search(data):
            declared = "cp1252"  # a Latin-1 label on Windows punctuation, as browsers read it
        try:
            return _finish(data.decode(declared), declared)
        except UnicodeDecodeError:
            pass
    repaired = _utf8_repaired(data)
    if repaired is not None:
        return _finish(repaired, "utf-8-replaced")
    try:
        return _finish(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:  # one of cp1252's five undefined bytes
        return _finish(data.decode("latin-1"), "latin-1")


def declared_encoding(data: bytes) -> str | None:
    """The Python codec of the header's `Character set encoding:` line, if it names one we know."""
    match = _DECLARED.search(data, 0, _HEAD_BYTES)
    if not match:
        return None
    label = match.group(1).decode("latin-1").strip()
    for candidate in (label, *re.split(r"[\s(),;/]+", label)):
        key = re.sub(r"[^a-z0-9]", "", candidate.lower())
        if key in _CODEC_ALIASES:
            return _CODEC_ALIASES[key]
        if candidate and _ascii_compatible(candidate):
            return codecs.lookup(candidate).name
    return None


def _ascii_compatible(label: str) -> bool:
    """Is `label` a text codec that reads ASCII as ASCII (not UTF-16, not base64): one a header may name?"""
    try:
        info = codecs.lookup(label)
        return getattr(info, "_is_text_encoding", True) and "Title: 1".encode(info.name) == b"Title: 1"
    except (LookupError, UnicodeError, TypeError, ValueError):
        return False


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a mark: mostly-ASCII text has a NUL in every other byte, and few in the others."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 8 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.4 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _utf8_repaired(data: bytes) -> str | None:
    """UTF-8 with its bad bytes replaced by U+FFFD, when they are few among the non-ASCII characters (a UTF-8
    file with a stray byte; a cp1252 file has no valid multi-byte sequence at all)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # less the U+FFFD the file itself holds
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    good = non_ascii - bad
    return text if good > 0 and bad <= _MAX_BAD_UTF8_SHARE * non_ascii else None


def _finish(text: str, codec: str) -> tuple[str, str] | tuple[None, str]:
    if "\x00" in text or len(_CONTROLS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        return None, "not_text"
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\x1a")
    return text, codec


# --- stripping ------------------------------------------------------------------------------------------------

_W = r"[\s*]+"  # between the words of a marker: spaces, a newline (a wrapped marker), stars
_START = re.compile(
    rf"^[ \t]*(?:\*+[ \t]*START{_W}OF{_W}(?:TH(?:E|IS){_W})?(?:COPYRIGHTED{_W})?PROJECT{_W}GUTENBERG"
    rf"|\*+[ \t]*END[ \t*]*THE{_W}SMALL{_W}PRINT)",
    re.IGNORECASE | re.MULTILINE,
)
_END = re.compile(
    rf"^[ \t]*\**[ \t]*(?:END{_W}OF{_W}(?:TH(?:E|IS){_W})?(?:COPYRIGHTED{_W})?PROJECT{_W}GUTENBERG"
    r"|ENDE\s+DIESE[SR]?\s+PROJE[CK]T\s+GUTENBERG"
    r"|FIN\s+(?:DE|DEL|DU)\s+(?:PROJECT|PROYECTO|PROJET)\s+GUTENBERG)",
    re.IGNORECASE | re.MULTILINE,
)
_END_LATE = re.compile(r"^\W*The\s+Project\s+Gutenberg\s+Etext\s+of\b", re.IGNORECASE | re.MULTILINE)
_LICENCE = re.compile(
    r"^[ \t]*(?:\*+[ \t]*START:\s*FULL\s+LICEN[CS]E|Section\s+1\.\s+General\s+Terms\s+of\s+Use"
    r"|THE\s+FULL\s+PROJECT\s+GUTENBERG(?:-tm)?\s+LICEN[CS]E)",
    re.IGNORECASE | re.MULTILINE,
)
_FOOTER_LINES = re.compile(
    r"^[ \t]*\**[ \t]*(?:This\s+file\s+should\s+be\s+named|This\s+and\s+all\s+associated\s+files"
    r"|Updated\s+editions\s+will\s+replace\s+the\s+previous\s+one|Creating\s+the\s+works\s+from)",
    re.IGNORECASE | re.MULTILINE,
)
_FOOTER_REACH = 4000  # characters before the licence heading where its footer lines may begin
_FIRST_LINE = re.compile(
    r"\W*(?:The\s+)?Project\s+Gutenberg(?:['’]s\b|(?:-tm)?\s+(?:e-?book|e-?text)s?\s+of\b)", re.IGNORECASE
)
_TITLE_LINE = re.compile(
    r"\W*(?:The\s+)?Project\s+Gutenberg(?:['’]s|(?:-tm)?\s+(?:e-?book|e-?text)\s+of)\s+(.+?)"
    r"(?:,\s+by\s+(.+?))?[\s*]*$",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(
    r"^\s*(?:Title|Author|Translator|Editor|Illustrator|Release\s+Date|Posting\s+Date|\[?Last\s+Updated"
    r"|\[?Most\s+recently\s+updated|Language|Character\s+set\s+encoding|Edition|Credits)\s*:"
    r"|gutenberg|\be-?(?:book|text)s?\b|\bThis\s+eBook\s+is\s+for\s+the\s+use",
    re.IGNORECASE,
)
_HEADER_LINES = 150
_CREDIT = re.compile(
    r"\s*(?:Produced\s+by|Credits\s*:|This\s+e-?(?:book|text)\s+(?:was|has\s+been)\s+"
    r"(?:produced|prepared|created|made|transcribed|scanned)|E-?(?:text|book)s?\s+(?:was\s+)?"
    r"(?:prepared|produced|created|scanned|transcribed)\s+by|(?:Prepared|Transcribed|Scanned|Proofread)\s+"
    r"(?:by|from)|Transcriber\s+Credits)",
    re.IGNORECASE,
)
_PG_NOTE = re.compile(
    r"Project\s+Gutenberg|gutenberg\.org|pgdp\.net|Distributed\s+Proof|Online\s+Distributed"
    r"|Images\s+of\s+the\s+original\s+pages\s+are\s+available",
    re.IGNORECASE,
)
_CREDIT_PARAGRAPHS = 6
_CREDIT_CHARS = 2000  # a longer paragraph is the book, not a credit
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")
_BLANKS = re.compile(r"(?:[ \t]*\n)+")
_LONG_BOOK = 10_000
_MIN_SHARE = 0.10
_MIN_BODY = 1000
_FACTS = {
    "title": re.compile(r"^[ \t]*Title:[ \t]*(.+(?:\n[ \t]+\S.*)*)", re.IGNORECASE | re.MULTILINE),
    "author": re.compile(r"^[ \t]*Authors?:[ \t]*(.+(?:\n[ \t]+\S.*)*)", re.IGNORECASE | re.MULTILINE),
    "language": re.compile(r"^[ \t]*Language:[ \t]*(.+)", re.IGNORECASE | re.MULTILINE),
    "release_date": re.compile(r"^[ \t]*Release\s+Date:[ \t]*(.+)", re.IGNORECASE | re.MULTILINE),
    "encoding": re.compile(r"^[ \t]*Character\s+set\s+encoding:[ \t]*(.+)", re.IGNORECASE | re.MULTILINE),
}
_GUTENBERG_ID = re.compile(r"\b(?:e-?book|e-?text)\s*(?:#|No\.)\s*(\d{1,6})\b", re.IGNORECASE)
_FACT_CHARS = 300


def strip_gutenberg(text: str) -> tuple[str, dict[str, str]]:
    """(body, info): the text between the Gutenberg header and footer, and what was found (module docstring)."""
    half = len(text) // 2
    info: dict[str, str] = {}
    fallbacks = []
    start = 0
    for match in _START.finditer(text, 0, half):  # the last one: old files have several
        start = _marker_end(text, match.end())
    found_start = start > 0
    if not found_start:
        start = _header_end(text)
        if start:
            found_start = True
            fallbacks.append("header")
    if found_start:
        info.update(_header_facts(text[:start]))
    end = len(text)
    found_end = False
    match = _END.search(text, start)
    late = _END_LATE.search(text, max(start, half))
    if match or late:
        end = min(m.start() for m in (match, late) if m)
        found_end = True
    else:
        licence = _LICENCE.search(text, max(start, half))
        if licence:
            earliest = _FOOTER_LINES.search(
                text, max(start, licence.start() - _FOOTER_REACH), licence.start()
            )
            end = earliest.start() if earliest else licence.start()
            found_end = True
            fallbacks.append("licence")
    body_start, credits = _strip_credits(text, start, end)
    body = text[body_start:end]
    if credits:
        info["credits"] = str(credits)
    if fallbacks:
        info["fallback"] = "+".join(fallbacks)
    markers = {(True, True): "start+end", (True, False): "start", (False, True): "end"}.get(
        (found_start, found_end), "none"
    )
    if markers != "none":
        tail = text[end:]
        reference = len(text) - (len(tail) if _LICENCE.search(tail) else 0)
        kept = len(body.strip())
        if reference >= _LONG_BOOK and (kept < _MIN_BODY or kept < _MIN_SHARE * reference):
            info["markers"] = "suspect"
            return text, info
    info["markers"] = markers
    return body, info


def _marker_end(text: str, pos: int) -> int:
    """Where the body may start after a marker matched up to `pos`: after its line, or after the line that
    closes it with stars when its title wraps (at most 2 more lines, none blank)."""
    line_end = _line_end(text, pos)
    line_start = text.rfind("\n", 0, pos) + 1
    if not text[line_start:pos].lstrip().startswith("*") or "*" in text[pos:line_end]:
        return line_end
    at = line_end
    for _ in range(2):
        nxt = _line_end(text, at)
        line = text[at:nxt].strip()
        if not line:
            break
        if line.endswith("*"):
            return nxt
        at = nxt
    return line_end


def _line_end(text: str, pos: int) -> int:
    """The offset after the newline that ends the line holding `pos` (the text's end without one)."""
    at = text.find("\n", pos)
    return len(text) if at < 0 else at + 1


def _header_end(text: str) -> int:
    """A header without a START marker: where it ends (0 when there is none). A Gutenberg title line as the
    first non-blank line starts one, which runs on while its paragraphs hold header lines; a credit line in
    the first 150 lines after a mention of Project Gutenberg ends one (the credit itself goes with the
    credits)."""
    lines = text.split("\n", _HEADER_LINES)[:_HEADER_LINES]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return 0
    end = 0
    if _FIRST_LINE.match(lines[first]):
        pos = 0
        while pos < len(text):
            blanks = _BLANKS.match(text, pos)
            start = blanks.end() if blanks else pos
            stop = _PARAGRAPH_END.search(text, start)
            last = stop.start() + 1 if stop else len(text)
            if start >= len(text) or not any(map(_HEADER_LINE.search, text[start:last].split("\n"))):
                break
            pos = end = last
            if text.count("\n", 0, pos) >= _HEADER_LINES:
                break
    for i, line in enumerate(lines):
        if _CREDIT.match(line) and _PG_NOTE.search("\n".join(lines[:i])):
            end = max(end, sum(len(line) + 1 for line in lines[:i]))
            break
    return end


def _strip_credits(text: str, pos: int, end: int) -> tuple[int, int]:
    """Past the producer credits and Gutenberg notes at the body's start: (new start, paragraphs dropped)."""
    dropped = 0
    for _ in range(_CREDIT_PARAGRAPHS):
        blanks = _BLANKS.match(text, pos, end)
        first = blanks.end() if blanks else pos
        if first >= end:
            break
        stop = _PARAGRAPH_END.search(text, first, end)
        last = stop.start() + 1 if stop else end
        paragraph = text[first:last]
        if len(paragraph) > _CREDIT_CHARS or not (_CREDIT.match(paragraph) or _PG_NOTE.search(paragraph)):
            break
        pos, dropped = last, dropped + 1
    return pos, dropped


def _header_facts(header: str) -> dict[str, str]:
    """The header's facts: Gutenberg number, title, author, language, release date, declared encoding."""
    facts = {}
    number = _GUTENBERG_ID.search(header)
    if number:
        facts["gutenberg_id"] = str(int(number.group(1)))
    for key, pattern in _FACTS.items():
        match = pattern.search(header)
        if match:
            value = " ".join(match.group(1).split())
            if key == "release_date":
                value = re.sub(r"\s*\[[^\]]*\]?", "", value).strip()
            if value:
                facts[key] = value[:_FACT_CHARS]
    if "title" not in facts:
        first = next((line for line in header.split("\n") if line.strip()), "")
        match = _TITLE_LINE.match(first)
        if match:
            facts["title"] = match.group(1).strip()[:_FACT_CHARS]
            if match.group(2) and "author" not in facts:
                facts["author"] = match.group(2).strip()[:_FACT_CHARS]
    return facts


# --- documents ------------------------------------------------------------------------------------------------

_BLANK_RUNS = re.compile(r"\n{4,}")
_NAME_ID = re.compile(r"(?:.*?_)??(?:pg)?(\d{1,6})(?:-\d)?(?:[_.].*)?", re.IGNORECASE)
_NAME_SUFFIXES = (".gz", ".txt", ".utf8", ".utf-8")


def tidy(text: str) -> str:
    """Trailing whitespace off each line, 3+ blank lines to 2, and no blank lines at either end."""
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n\n", lines).strip("\n")


def gutenberg_id_from_name(name: str) -> str | None:
    """The Gutenberg number in a file name: `1342-0.txt`, `pg1342.txt`, `GITenberg_1342.txt`, `11-8.txt`."""
    stem = name.rstrip("/").rsplit("/", 1)[-1]
    lowered = stem.lower()
    changed = True
    while changed:
        changed = False
        for suffix in _NAME_SUFFIXES:
            if lowered.endswith(suffix):
                stem, lowered, changed = stem[: -len(suffix)], lowered[: -len(suffix)], True
    match = _NAME_ID.fullmatch(stem)
    return str(int(match.group(1))) if match else None


def gutenberg_book(
    path: str, data: bytes, max_book_bytes: int = DEFAULT_MAX_BOOK_BYTES
) -> Document | Skip | Reject:
    """One Gutenberg plain-text file's bytes to its Document, or the Reject that says why not."""
    base = path.rstrip("/").rsplit("/", 1)[-1]
    if len(data) > max_book_bytes:
        return Reject(path, 0, "oversize", f"{len(data):,} bytes (over {max_book_bytes:,})")
    text, encoding = decode_book(data)
    if text is None:
        return Reject(path, 0, encoding, f"{len(data):,} bytes: {repr(data[:_DETAIL])[2:-1]}")
    body, info = strip_gutenberg(text)
    body = tidy(body)
    if not body:
        return Reject(path, 0, "empty_book", f"nothing left (markers {info['markers']}, {len(text):,} chars)")
    number = info.get("gutenberg_id") or gutenberg_id_from_name(base)
    meta = {"corpus": "gutenberg", "file": base, "encoding": encoding, "markers": info["markers"]}
    if "encoding" in info:
        meta["declared_encoding"] = info["encoding"]
    for key in ("title", "author", "language", "release_date", "fallback", "credits"):
        if key in info:
            meta[key] = info[key]
    if number:
        meta["gutenberg_id"] = number
    return Document(
        id=make_doc_id(SOURCE, path, "gutenberg"),
        source=SOURCE,
        text=body,
        url=GUTENBERG_URL.format(number) if number else None,
        meta=meta,
    )


def books3_record(record: dict, base: str, offset: int) -> Document | Skip | tuple[str, str]:
    """One Books3 / the_pile_books3 / pg19 JSON record to a Document, a Skip, or its Reject's (reason, detail)."""
    if type(record) is not dict:
        return "not_an_object", f"a JSON {type(record).__name__}"
    pile_meta = record.get("meta")
    pile_meta = pile_meta if type(pile_meta) is dict else {}
    pile_set = pile_meta.get("pile_set_name")
    if pile_set is not None and (type(pile_set) is not str or pile_set not in PILE_SETS):
        return Skip("skipped:pile_set")
    text = record_text(record)
    if isinstance(text, tuple):
        return text
    is_pg19 = pile_set == "Gutenberg (PG-19)" or "short_book_title" in record or "publication_date" in record
    title = record.get("title", record.get("short_book_title", pile_meta.get("title")))
    if title is not None and type(title) is not str:
        return "bad_title", f"title is a JSON {type(title).__name__}"
    file = base.rstrip("/").rsplit("/", 1)[-1]
    meta = {"corpus": "pg19" if is_pg19 else "books3", "file": file, "offset": str(offset)}
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \\ud800 escape: no UTF-8 (nor Parquet) can carry it
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        meta["repaired"] = "surrogates"
    body, info = strip_gutenberg(text.replace("\r\n", "\n").replace("\r", "\n"))
    body = tidy(body)
    if not body:
        return "empty_text", f"nothing left after stripping (markers {info['markers']})"
    meta["markers"] = info["markers"]
    if title and title.strip():
        meta["title"] = " ".join(title.split())[:_FACT_CHARS]
    elif "title" in info:
        meta["title"] = info["title"]
    url = record.get("url")
    url = url if type(url) is str and url else None
    number = info.get("gutenberg_id") or (_pg19_number(url) if url else None)
    if number:
        meta["gutenberg_id"] = number
    date = record.get("publication_date")
    if date is not None and type(date) in (int, str):
        meta["publication_date"] = str(date)
    return Document(
        id=make_doc_id(SOURCE, base, f"books3:{offset}"), source=SOURCE, text=body, url=url, meta=meta
    )


def _pg19_number(url: str) -> str | None:
    """pg19's `url` is the book's Gutenberg page: `http://www.gutenberg.org/ebooks/10146`."""
    match = re.search(r"gutenberg\.org/(?:ebooks|etext)/(\d{1,6})\b", url)
    return match.group(1) if match else None
