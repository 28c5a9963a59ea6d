"""StackExchange: archive.org dump archives (.7z) or extracted Posts.xml to question-and-answers Documents.

Inputs and site names (`input_kind`, `site_name`):
* `<site>.7z` (archive.org: `beer.stackexchange.com.7z`, every table of one site in one archive) and
  `<site>-<Table>.7z` (stackoverflow's tables come one per archive: `stackoverflow.com-Posts.7z`). Only the
  Posts table is read: `<site>-Users.7z` and the like are one Skip `skipped:not_posts`.
* an extracted `<folder>/Posts.xml`; any other file (Users.xml, PostLinks.xml, ...) is `skipped:not_posts`,
  so a dump folder without Posts.xml (the history.meta sample) reads as skips only.
* The site is the archive's name, or the folder's for a Posts.xml, lowercased, without a `-<Table>` suffix and
  cut at its first `_`: folders may carry the dump's date (`beer.stackexchange.com_2017`), and a host name
  has no `_`. What is left must be a dotted host name, else the file is a Reject `unknown_site`.

Reading (`plan_splits` makes the splits, `PostsReader` reads one):
* An extracted Posts.xml is split in byte ranges of `split_bytes`: every `<row .../>` of a dump is one line, a
  row belongs to the range its line starts in, and a range reads on past its end only to finish its last
  line, so the ranges of a file together read exactly what one whole-file read does. A .7z is one split.
* A .7z is never extracted to disk: the Posts.xml member (at the archive root, else the shallowest one) is
  decompressed by py7zr into a bounded queue that the reader consumes (a producer thread; py7zr pushes to a
  writer), so memory stays bounded (py7zr's pieces are at most 128 MB, typically a few MB) whatever the size
  of the member. Members with an absolute path, a drive or a `..` component are refused (`unsafe_member`) and
  never read. The uncompressed bytes decompressed to reach and read Posts.xml (members before it in a solid
  archive are decompressed too) are capped by `max_archive_bytes`, from the header before reading and by
  py7zr's own counter while reading: over it, the archive is a Reject `oversize_archive`. Damaged, encrypted
  or unsupported archives are one Reject (`corrupt_archive`, `encrypted_archive`, `unsupported_archive`) and
  the rows read before the damage stay. Offsets of a .7z's rejects are offsets in the uncompressed member.
* Lines are streamed and each `<row>` is parsed alone by lxml with `resolve_entities=False, no_network=True,
  load_dtd=False`, so a malformed row is one Reject `malformed_row` at its exact offset and the next row goes
  on (an iterparse over the whole range stops at the first malformed row and blames the next one: rows are
  parsed one by one at about 80% of iterparse's speed, see the benchmark). Nothing is ever expanded: a file
  whose head has a DOCTYPE is one Reject `xml_entities`, and an entity in a row is an error of that row. A
  row over `max_post_bytes` is a Reject `oversize`, streamed past, never held.
* A row: PostTypeId 1 is a question, 2 an answer (of its ParentId); other types (tag wikis and excerpts,
  moderator nominations, wiki placeholders, ...) are `skipped:other_post_type`, a row with a DeletionDate is
  `skipped:deleted`; a row without an integer Id, PostTypeId, Score, or an answer's ParentId, is a Reject
  `malformed_row`. `PostsReader.rows` counts every `<row` line, what RedPajama ranks the sites by.

Ranking (`rank_sites`): sites by rows, largest first, ties by name; the `top_sites` first are kept (LLaMA:
28), or exactly the configured `sites`.

Threads (`assemble_thread`): a question and its answers, answers sorted by integer score, highest first, ties
by answer id (RedPajama sorted the score strings: "9" before "10"). The text is

    Q: <title>

    <question body>

    A: <best answer>

    A: <next answer>

blocks separated by blank lines (a post's own paragraphs are too), RECIPE §3.5's `Q: ...\\nA: ...`. A question
whose answers are all missing or empty is `dropped:unanswered` unless `keep_unanswered` (then a Q-only
document, counted `kept_unanswered` too); answers without their question are counted `answers:orphan`.

HTML (`html_to_text`), parsed by lxml's HTML parser (HTML's own entities only, no network): paragraphs and
other blocks separated by blank lines; `<br>` a line break; `<li>` a `* ` bullet, `1. ` in an `<ol>` (from its
`start`), continuation and nested lists indented under the marker; `<pre>` blocks verbatim, newlines and
indentation kept, fenced with ``` (a longer fence when the code holds one) so code stays marked as code;
inline `<code>` in backticks; `<blockquote>` lines prefixed `> `; table rows as lines of cells joined by
` | `; links as their text; images, scripts and styles dropped; entities decoded; whitespace collapsed
outside code.
"""

from __future__ import annotations

import contextlib
import html
import queue
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import py7zr
import py7zr.exceptions
import py7zr.io
from lxml import etree

from pipeline.config import StackExchangeConfig
from pipeline.document import Document, make_doc_id, parse_timestamp
from pipeline.io import file_size, open_file
from pipeline.rejects import Reject, Skip
from pipeline.sources.xml import safe_html_parser, safe_parser

__all__ = [
    "ANSWER",
    "DEFAULT_MAX_ARCHIVE_BYTES",
    "DEFAULT_MAX_POST_BYTES",
    "NOT_POSTS",
    "QUESTION",
    "SOURCE",
    "Post",
    "PostsReader",
    "SiteRank",
    "assemble_thread",
    "canonical_site",
    "html_to_text",
    "input_kind",
    "parse_row",
    "plan_splits",
    "rank_sites",
    "site_name",
]

SOURCE = "stackexchange"
DEFAULT_MAX_POST_BYTES = StackExchangeConfig().max_post_bytes
DEFAULT_MAX_ARCHIVE_BYTES = StackExchangeConfig().max_archive_bytes
NOT_POSTS = "skipped:not_posts"  # a file of the dump that is not its Posts table (one count per file)
QUESTION, ANSWER = 1, 2  # PostTypeId
CHUNK = 1 << 20  # bytes read (or handed over by the decompressor) at a time
HEAD_BYTES = 64 << 10  # bytes of an extracted Posts.xml searched for its declaration, DOCTYPE and root
QUEUE_PIECES = 8  # decompressed pieces of CHUNK bytes waiting for the reader, at most
TABLES = ("badges", "comments", "posthistory", "postlinks", "posts", "tags", "users", "votes")
_TABLE_SUFFIX = re.compile(r"-(" + "|".join(TABLES) + r")$")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_ROW_ID = re.compile(rb'\sId="(-?\d+)"')
_DECL_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*)")
BOM = b"\xef\xbb\xbf"

# ---------------------------------------------------------------------------------------------------------
# Inputs and site names.


def _base_and_folder(path: str) -> tuple[str, str]:
    parts = path.replace("\\", "/").rstrip("/").rsplit("/", 2)
    return parts[-1], (parts[-2] if len(parts) > 1 else "")


def input_kind(path: str) -> str | None:
    """`xml` for an extracted Posts.xml, `7z` for a site archive or a `-Posts` one, None for anything else."""
    base, _ = _base_and_folder(path)
    lower = base.lower()
    if lower == "posts.xml":
        return "xml"
    if lower.endswith(".7z"):
        table = _TABLE_SUFFIX.search(lower[:-3])
        return "7z" if table is None or table.group(1) == "posts" else None
    return None


def canonical_site(name: str) -> str:
    """A site's name as ranked and configured: lowercased, no `-<Table>` suffix, cut at its first `_`."""
    name = name.strip().lower()
    name = _TABLE_SUFFIX.sub("", name)
    return name.split("_", 1)[0]


def site_name(path: str) -> str | None:
    """The site a dump file holds, by the archive's name or the Posts.xml's folder; None if it names none."""
    base, folder = _base_and_folder(path)
    stem = base[:-3] if base.lower().endswith(".7z") else folder
    site = canonical_site(stem)
    return site if _HOST.fullmatch(site) else None


def plan_splits(path: str, split_bytes: int) -> list[tuple[str, int, int]]:
    """Splits [start, end) of one input: byte ranges of an extracted Posts.xml, one split for a .7z or for any
    other file (which the reader then skips or rejects, so that it is counted)."""
    kind = input_kind(path)
    size = file_size(path)
    if kind != "xml" or size <= split_bytes:
        return [(path, 0, size)]
    return [(path, start, min(start + split_bytes, size)) for start in range(0, size, split_bytes)]


# ---------------------------------------------------------------------------------------------------------
# Rows.


@dataclass(frozen=True, slots=True)
class Post:
    """One question or answer row, its body still HTML (stripped only for the kept sites, after grouping)."""

    site: str
    post_id: int
    post_type: int  # QUESTION or ANSWER
    parent_id: int | None  # an answer's question
    score: int
    created: str
    title: str
    body: str
    tags: str
    accepted_answer_id: str
    license: str
    source_file: str
    offset: int

    @property
    def question_id(self) -> int:
        return self.post_id if self.post_type == QUESTION else int(self.parent_id or 0)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _tags(value: str) -> str:
    """`<a><b>` (older dumps) or `|a|b|` (2024 dumps) as `a,b`."""
    if not value:
        return ""
    names = value.replace("><", "|").strip("<>|").split("|")
    return ",".join(name.strip() for name in names if name.strip())


def parse_row(line: bytes, site: str, path: str, offset: int) -> Post | Skip | Reject:
    """One `<row .../>` line to a Post, a Skip (other post types, deleted rows) or a Reject."""
    found = _ROW_ID.search(line)
    record_id = f"{site}:{found.group(1).decode()}" if found else None
    try:
        element = etree.fromstring(line, safe_parser())
    except etree.XMLSyntaxError as exc:
        return Reject(path, offset, "malformed_row", str(exc)[:300], record_id)
    if element.tag != "row":
        return Reject(path, offset, "malformed_row", f"a <{element.tag}> element, not a <row>", record_id)
    attrib = element.attrib
    post_id, post_type = _int(attrib.get("Id")), _int(attrib.get("PostTypeId"))
    if post_id is None or post_type is None:
        return Reject(path, offset, "malformed_row", "a row without an integer Id and PostTypeId", record_id)
    if attrib.get("DeletionDate"):
        return Skip("skipped:deleted")
    if post_type not in (QUESTION, ANSWER):
        return Skip("skipped:other_post_type")
    score = _int(attrib.get("Score", "0"))
    if score is None:
        return Reject(
            path, offset, "malformed_row", f"Score {attrib.get('Score')!r} is not an integer", record_id
        )
    parent = None
    if post_type == ANSWER:
        parent = _int(attrib.get("ParentId"))
        if parent is None:
            return Reject(path, offset, "malformed_row", "an answer without an integer ParentId", record_id)
    return Post(
        site=site,
        post_id=post_id,
        post_type=post_type,
        parent_id=parent,
        score=score,
        created=attrib.get("CreationDate", ""),
        title=attrib.get("Title", "") if post_type == QUESTION else "",
        body=attrib.get("Body", ""),
        tags=_tags(attrib.get("Tags", "")),
        accepted_answer_id=attrib.get("AcceptedAnswerId", ""),
        license=attrib.get("ContentLicense", ""),
        source_file=path,
        offset=offset,
    )


def _lines(
    chunks: Iterable[bytes], origin: int, skip_partial: bool, end: int, max_line: int
) -> Iterator[tuple[int, bytes | None]]:
    """(offset, line) of each line that starts before `end`, from chunks whose first byte is at `origin`;
    `skip_partial` drops the bytes up to the first newline (a line of the previous range). A line over
    `max_line` bytes comes as (offset, None) and is streamed past, never held."""
    buf, base = b"", origin  # base: the offset of buf[0]
    skipping, oversize = skip_partial, False
    for chunk in chunks:
        buf = buf + chunk if buf else chunk
        pos = 0
        if skipping or oversize:
            i = buf.find(b"\n")
            if i < 0:
                base, buf = base + len(buf), b""
                continue
            pos, skipping, oversize = i + 1, False, False
        while True:
            if base + pos >= end:
                return
            i = buf.find(b"\n", pos)
            if i < 0:
                break
            if i + 1 - pos > max_line:
                yield base + pos, None
            else:
                yield base + pos, buf[pos : i + 1]
            pos = i + 1
        base, buf = base + pos, buf[pos:]
        if len(buf) > max_line:
            yield base, None
            base, buf, oversize = base + len(buf), b"", True
    if buf and not skipping and not oversize and base < end:
        yield base, buf


def _file_chunks(path: str, start: int) -> Iterator[bytes]:
    with open_file(path, "rb") as handle:
        handle.seek(start)
        while chunk := handle.read(CHUNK):
            yield chunk


def _head_problem(head: bytes) -> tuple[str, str] | None:
    """(reason, detail) when the bytes before the first row say the file must not be read as rows."""
    head = head.removeprefix(BOM)
    declared = _DECL_ENCODING.match(head[:200])
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        return (
            "unsupported_encoding",
            f"declared encoding {declared.group(1).decode('ascii')}: dumps are UTF-8",
        )
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return "xml_entities", "the file has a DTD (entity declarations are refused)"
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S)
    root = _ROOT.search(body)
    if root and root.group(1) not in (b"posts", b"row"):
        return "not_posts", f"the root element is <{root.group(1).decode('ascii', 'replace')}>, not <posts>"
    return None


# ---------------------------------------------------------------------------------------------------------
# .7z archives.


def _unsafe(name: str) -> bool:
    """A member name that would leave an extraction folder: absolute, with a drive, or with a `..` part."""
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


class _End:
    def __init__(self, error: BaseException | None):
        self.error = error


class _Stopped(Exception):
    """Raised in the decompressing thread when the reader has stopped reading."""


def _put(pipe: queue.Queue, item: Any, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            pipe.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
    raise _Stopped()


class _QueueWriter(py7zr.io.Py7zIO):
    """Hands what py7zr decompresses to the reader, through a bounded queue, in pieces of at most CHUNK bytes."""

    def __init__(self, pipe: queue.Queue, stop: threading.Event):
        self.pipe, self.stop, self.written = pipe, stop, 0

    def write(self, data) -> int:
        view = memoryview(data)
        for at in range(0, len(view), CHUNK):
            _put(self.pipe, bytes(view[at : at + CHUNK]), self.stop)
        self.written += len(view)
        return len(view)

    def read(self, size=None) -> bytes:
        return b""

    def seek(self, offset, whence=0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.written


class _QueueFactory(py7zr.io.WriterFactory):
    def __init__(self, pipe: queue.Queue, stop: threading.Event):
        self.pipe, self.stop = pipe, stop

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        return _QueueWriter(self.pipe, self.stop)


def _archive_error(path: str, exc: BaseException, offset: int) -> Reject:
    errors = py7zr.exceptions
    detail = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, errors.PasswordRequired):
        return Reject(path, offset, "encrypted_archive", detail)
    if isinstance(exc, errors.DecompressionBombError):
        return Reject(path, offset, "oversize_archive", detail)
    if isinstance(exc, errors.UnsupportedCompressionMethodError):
        return Reject(path, offset, "unsupported_archive", detail)
    return Reject(path, offset, "corrupt_archive", detail)


def _archive_chunks(path: str, max_archive_bytes: int) -> Iterator[bytes | Reject]:
    """The Posts.xml member of a .7z as decompressed chunks, then Rejects for whatever went wrong."""
    handle = open_file(path, "rb")
    try:
        try:
            archive = py7zr.SevenZipFile(handle, "r", max_extract_size=max_archive_bytes)
        except Exception as exc:  # py7zr raises its own errors, lzma's, EOFError, ValueError, KeyError...
            yield _archive_error(path, exc, 0)
            return
        with archive:
            yield from _member_chunks(archive, path, max_archive_bytes)
    finally:
        handle.close()


def _member_chunks(
    archive: py7zr.SevenZipFile, path: str, max_archive_bytes: int
) -> Iterator[bytes | Reject]:
    members = [m for m in archive.list() if not m.is_directory and m.filename]
    posts = []
    for member in members:
        if _unsafe(member.filename):
            yield Reject(path, None, "unsafe_member", f"member {member.filename[:200]!r} is refused")
        elif PurePosixPath(member.filename.replace("\\", "/")).name.lower() == "posts.xml":
            posts.append(member)
    if not posts:
        yield Reject(path, None, "no_posts", "the archive has no Posts.xml member")
        return
    depth = min(member.filename.count("/") for member in posts)
    chosen = sorted(m.filename for m in posts if m.filename.count("/") == depth)
    if len(chosen) > 1 or sum(m.filename == chosen[0] for m in posts) > 1:
        yield Reject(path, None, "ambiguous_posts", f"several Posts.xml members: {chosen[:5]}")
        return
    target = chosen[0]
    index = next(i for i, m in enumerate(members) if m.filename == target)
    needed = sum(int(m.uncompressed or 0) for m in members[: index + 1])
    if needed > max_archive_bytes:
        yield Reject(
            path,
            None,
            "oversize_archive",
            f"{needed} uncompressed bytes to read {target} (max_archive_bytes {max_archive_bytes})",
        )
        return
    pipe: queue.Queue = queue.Queue(maxsize=QUEUE_PIECES)
    stop = threading.Event()

    def produce() -> None:
        error: BaseException | None = None
        try:
            archive.extract(targets=[target], factory=_QueueFactory(pipe, stop))
        except BaseException as exc:  # handed to the reader: nothing may die silently in this thread
            error = exc
        with contextlib.suppress(_Stopped):
            _put(pipe, _End(error), stop)

    worker = threading.Thread(target=produce, name="stackexchange-7z", daemon=True)
    worker.start()
    read = 0
    try:
        while True:
            item = pipe.get()
            if isinstance(item, _End):
                if item.error is not None and not isinstance(item.error, _Stopped):
                    yield _archive_error(path, item.error, read)
                return
            read += len(item)
            yield item
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                pipe.get_nowait()
        worker.join(timeout=60)


# ---------------------------------------------------------------------------------------------------------
# Reading one split.


class PostsReader:
    """The posts of one split [start, end) of one input, as Post, Skip and Reject; after iterating, `site` is
    the input's site (None when it names none or is not a Posts table) and `rows` the `<row` lines read."""

    def __init__(
        self,
        path: str,
        start: int,
        end: int,
        max_post_bytes: int = DEFAULT_MAX_POST_BYTES,
        max_archive_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES,
    ):
        self.path, self.start, self.end = path, start, end
        self.max_post_bytes, self.max_archive_bytes = max_post_bytes, max_archive_bytes
        self.kind = input_kind(path)
        self.site: str | None = None
        self.rows = 0
        self._archive_rejects: list[Reject] = []

    def __iter__(self) -> Iterator[Post | Skip | Reject]:
        path = self.path
        if self.kind is None:
            yield Skip(NOT_POSTS)
            return
        site = site_name(path)
        if site is None:
            if self.start == 0:
                yield Reject(path, 0, "unknown_site", "the archive or folder name is not a site's host name")
            return
        if self.kind == "7z":
            yield from self._rows(site, self._archive(site), 0, False, sys.maxsize)
            return
        try:
            with open_file(path, "rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError as exc:
            if self.start == 0:
                yield Reject(path, 0, "unreadable_input", str(exc)[:300])
            return
        if not head:
            if self.start == 0:
                yield Reject(path, 0, "empty_file", "0 bytes")
            return
        first_row = head.find(b"<row")
        problem = _head_problem(head if first_row < 0 else head[:first_row])
        if problem is not None:
            if self.start == 0:
                yield Reject(path, 0, *problem)
            return
        self.site = site
        origin = max(0, self.start - 1)
        yield from self._rows(site, _file_chunks(path, origin), origin, self.start > 0, self.end)

    def _archive(self, site: str) -> Iterator[bytes]:
        """The member's chunks; its Rejects are kept for after the rows read before them. The site is the
        input's once its Posts.xml gives bytes (an archive without one ranks nothing)."""
        for item in _archive_chunks(self.path, self.max_archive_bytes):
            if isinstance(item, Reject):
                self._archive_rejects.append(item)
            else:
                self.site = site
                yield item

    def _rows(
        self, site: str, chunks: Iterator[bytes], origin: int, skip_partial: bool, end: int
    ) -> Iterator[Post | Skip | Reject]:
        path, rows, in_head = self.path, 0, origin == 0
        try:
            for offset, line in _lines(chunks, origin, skip_partial, end, self.max_post_bytes):
                if line is None:
                    rows += 1
                    yield Reject(path, offset, "oversize", f"a row over {self.max_post_bytes} bytes")
                    continue
                stripped = line.strip()
                if offset == 0:
                    stripped = stripped.removeprefix(BOM)
                if stripped.startswith(b"<row"):
                    rows += 1
                    in_head = False
                    yield parse_row(stripped, site, path, offset)
                elif not stripped or stripped.startswith((b"<posts", b"</posts", b"<!--")):
                    continue
                elif in_head and (problem := _head_problem(stripped)) is not None:
                    self.site = None  # a .7z's member, whose head is only seen here: nothing to rank
                    yield Reject(path, offset, *problem)
                    return
                elif not (in_head and stripped.startswith(b"<?xml")):
                    yield Reject(path, offset, "malformed_row", f"not a <row> line: {stripped[:80]!r}")
            yield from self._archive_rejects
        finally:
            self.rows = rows
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # stops a .7z's decompressing thread when the reading stops early


# ---------------------------------------------------------------------------------------------------------
# Ranking.


@dataclass(frozen=True)
class SiteRank:
    site: str
    rows: int
    rank: int | None  # 1 = most rows; None for a configured site absent from the input
    kept: bool


def rank_sites(rows: dict[str, int], top_sites: int, sites: list[str] | None = None) -> list[SiteRank]:
    """Sites by Posts.xml rows, largest first, ties by name; kept: the `top_sites` first, or exactly the
    configured `sites` (canonical names), listed with rows 0 and no rank when the input lacks them."""
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    wanted = None if sites is None else {canonical_site(s) for s in sites}
    ranking = [
        SiteRank(site, n, rank, rank <= top_sites if wanted is None else site in wanted)
        for rank, (site, n) in enumerate(ordered, 1)
    ]
    missing = sorted((wanted or set()) - set(rows))
    return ranking + [SiteRank(site, 0, None, False) for site in missing]


# ---------------------------------------------------------------------------------------------------------
# HTML to text.

BLOCKS = frozenset(
    ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl", "dt", "dd", "figure", "figcaption",
     "details", "summary", "section", "article", "header", "footer", "center", "address", "main", "aside",
     "nav", "caption")
)  # fmt: skip
DROP = frozenset(
    ("script", "style", "img", "svg", "math", "iframe", "object", "embed", "video", "audio", "canvas",
     "input", "button", "select", "textarea", "head", "title", "meta", "link", "noscript", "template", "map",
     "area", "source", "track")
)  # fmt: skip
MAX_DEPTH = 120  # deeper markup is read as plain text (libxml2's HTML parser itself stops at 256)
_BR = "\ue000"  # a <br> inside inline text, until whitespace is collapsed


def _squash(text: str) -> str:
    """Inline text with its whitespace collapsed; a <br> stays a line break."""
    if _BR not in text:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.split(_BR)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _verbatim(element: Any, out: list[str]) -> None:
    """The text of a <pre>, as written: tags go, <br> is a newline, nothing else changes."""
    if element.text:
        out.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            if child.tag == "br":
                out.append("\n")
            elif child.tag not in DROP:
                _verbatim(child, out)
        if child.tail:
            out.append(child.tail)


def _fence(code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}\n{code}\n{fence}"


class _Renderer:
    """Blocks of text from a tree of HTML elements (see the module's docstring for the rules)."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        if self.inline:
            text = _squash("".join(self.inline))
            self.inline = []
            if text:
                self.blocks.append(text)

    def render(self, element: Any, depth: int) -> list[str]:
        self.walk(element, depth)
        self.flush()
        return self.blocks

    def walk(self, element: Any, depth: int) -> None:
        if element.text:
            self.inline.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                self.child(child, child.tag.lower(), depth + 1)
            if child.tail:
                self.inline.append(child.tail)

    def child(self, element: Any, tag: str, depth: int) -> None:
        if tag in DROP:
            return
        if depth > MAX_DEPTH:
            self.inline.append(" " + " ".join(element.itertext()) + " ")
        elif tag == "br":
            self.inline.append(_BR)
        elif tag == "code":
            code = " ".join("".join(element.itertext()).split())
            if code:
                self.inline.append(f"`` {code} ``" if "`" in code else f"`{code}`")
        elif tag == "pre":
            self.flush()
            out: list[str] = []
            _verbatim(element, out)
            code = "".join(out).replace("\r\n", "\n").removeprefix("\n").rstrip()
            if code.strip():
                self.blocks.append(_fence(code))
        elif tag in ("ul", "ol", "li"):
            self.flush()
            text = self.list(element, tag, depth) if tag != "li" else self.item("* ", element, depth)
            if text:
                self.blocks.append(text)
        elif tag == "blockquote":
            self.flush()
            inner = "\n\n".join(_Renderer().render(element, depth))
            if inner:
                self.blocks.append("\n".join(f"> {line}" if line else ">" for line in inner.split("\n")))
        elif tag == "table":
            self.flush()
            text = self.table(element, depth)
            if text:
                self.blocks.append(text)
        elif tag in BLOCKS:
            self.flush()
            self.walk(element, depth)
            self.flush()
        else:  # inline (a, em, strong, span, kbd, sup, ...) and unknown tags: transparent
            self.walk(element, depth)

    def item(self, marker: str, element: Any, depth: int) -> str:
        body = "\n".join(_Renderer().render(element, depth))
        if not body:
            return ""
        pad = " " * len(marker)
        first, *rest = body.split("\n")
        return "\n".join([marker + first] + [pad + line if line else "" for line in rest])

    def list(self, element: Any, tag: str, depth: int) -> str:
        number = _int(element.get("start")) if tag == "ol" else None
        number = 1 if number is None else number
        lines = []
        if element.text and element.text.strip():
            lines.append(_squash(element.text))
        for child in element:
            if isinstance(child.tag, str) and child.tag.lower() not in DROP:
                if child.tag.lower() == "li":
                    marker = f"{number}. " if tag == "ol" else "* "
                    number += 1
                    text = self.item(marker, child, depth + 1)
                else:
                    text = "\n".join(_Renderer().render(child, depth + 1))
                if text:
                    lines.append(text)
            if child.tail and child.tail.strip():
                lines.append(_squash(child.tail))
        return "\n".join(lines)

    def table(self, element: Any, depth: int) -> str:
        sections = [element] + [
            c for c in element if isinstance(c.tag, str) and c.tag in ("thead", "tbody", "tfoot")
        ]
        rows = []
        for section in sections:
            for row in section:
                if not (isinstance(row.tag, str) and row.tag == "tr"):
                    continue
                cells = [
                    " ".join(" ".join(_Renderer().render(cell, depth + 2)).split())
                    for cell in row
                    if isinstance(cell.tag, str) and cell.tag in ("td", "th")
                ]
                if any(cells):
                    rows.append(" | ".join(cells))
        return "\n".join(rows)


_TAG = re.compile(r"<[^<>]*>")
_DOCUMENT_TAGS = re.compile(r"</?(?:html|body|head)\b[^>]*>", re.I)


def html_to_text(body: str) -> str:
    """A post's HTML body as text (the rules are in the module's docstring)."""
    if not body or not body.strip():
        return ""
    if "<" not in body and "&" not in body:
        return _squash(body)
    if "</" in body:  # libxml2 drops what follows a stray </html>: a post's own document tags go first
        body = _DOCUMENT_TAGS.sub("", body)
    try:
        root = etree.fromstring(f"<div>{body}</div>", safe_html_parser())
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:  # nothing the HTML parser could read: the text between the tags
        return _squash(html.unescape(_TAG.sub(" ", body)))
    container = root.find("body")
    blocks = _Renderer().render(container if container is not None else root, 0)
    return "\n\n".join(blocks)


# ---------------------------------------------------------------------------------------------------------
# Threads.


def _post_order(post: Post) -> tuple[str, int]:
    return post.source_file, post.offset


def _answer_order(post: Post) -> tuple[int, int, str, int]:
    return -post.score, post.post_id, post.source_file, post.offset


def assemble_thread(
    site: str,
    question_id: int,
    questions: Iterable[Post],
    answers: Iterable[Post],
    keep_unanswered: bool,
) -> tuple[Document | None, list[tuple[str, int]]]:
    """One question's document and the counts of what was decided: its posts in any order (a shuffle's), the
    same result whatever the order. Of several rows of one question (the same site given twice) the first by
    (file, offset) is read; of several rows of one answer, likewise."""
    counts: list[tuple[str, int]] = []
    questions = sorted(questions, key=_post_order)
    answers = sorted(answers, key=_answer_order)
    if not questions:
        counts.append(("answers:orphan", len(answers)))
        return None, counts
    if len(questions) > 1:
        counts.append(("dropped:duplicate_question", len(questions) - 1))
    question = questions[0]
    unique, seen = [], set()
    for answer in answers:
        if answer.post_id in seen:
            counts.append(("answers:duplicate", 1))
            continue
        seen.add(answer.post_id)
        unique.append(answer)
    texts = []
    for answer in unique:
        text = html_to_text(answer.body)
        if text:
            texts.append((answer, text))
        else:
            counts.append(("answers:empty", 1))
    title = " ".join(question.title.split())
    body = html_to_text(question.body)
    asked = "\n\n".join(part for part in (title, body) if part)
    if not asked:
        counts.append(("dropped:empty", 1))
        counts.append(("answers:dropped_with_question", len(texts)))
        return None, counts
    if not texts:
        if not keep_unanswered:
            counts.append(("dropped:unanswered", 1))
            return None, counts
        counts.append(("kept_unanswered", 1))
    counts += [("kept", 1), ("answers:kept", len(texts)), (f"site_kept:{site}", 1)]
    text = "\n\n".join([f"Q: {asked}"] + [f"A: {answer_text}" for _, answer_text in texts])
    meta = {
        "site": site,
        "question_id": str(question_id),
        "question_score": str(question.score),
        "answers": str(len(texts)),
        "answer_ids": ",".join(str(answer.post_id) for answer, _ in texts),
        "answer_scores": ",".join(str(answer.score) for answer, _ in texts),
        "title": title,
        "dump": _dump_name(question.source_file),
    }
    for key, value in (
        ("tags", question.tags),
        ("accepted_answer_id", question.accepted_answer_id),
        ("license", question.license),
    ):
        if value:
            meta[key] = value
    document = Document(
        id=make_doc_id(SOURCE, site, question_id),
        source=SOURCE,
        text=text,
        url=f"https://{site}/questions/{question_id}",
        timestamp=parse_timestamp(question.created),
        meta=meta,
    )
    return document, counts


def _dump_name(path: str) -> str:
    """The archive's name, or the folder of a Posts.xml (`beer.stackexchange.com_2017`)."""
    base, folder = _base_and_folder(path)
    return folder if input_kind(path) == "xml" and folder else base
