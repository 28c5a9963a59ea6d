"""CommonCrawl: WARC and WET files to Documents, with every unreadable record turned into a Reject.

The reader is written on zlib rather than on a WARC library because it must (1) start at any byte offset,
so one large file is read by many workers, (2) report where every record starts, and (3) survive corrupt
input: a damaged gzip member or a record whose Content-Length lies becomes a Reject, and reading goes on at
the next gzip member or the next `WARC/` line that follows a blank line.

Positions: in an uncompressed file a record's offset is where its `WARC/` line starts. In a gzip file it is
where the gzip member holding the record starts (one record per member in CommonCrawl's files); a member
that holds several records (a single-stream .gz) also gives each record's offset in the decompressed member.
Headers are read by name, never by position (post-2020 WET files add headers; RECIPE.md §2.2, §5 item 2).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding, map_encoding_to_html5
from resiliparse.parse.html import HTMLParserException, HTMLTree

from pipeline.document import Document, make_doc_id, parse_timestamp
from pipeline.io import filesystem, open_file
from pipeline.rejects import Reject

SOURCE = "commoncrawl"
GZIP_MAGIC = b"\x1f\x8b\x08"
CHUNK = 1 << 16
MAX_HEADER_LINE = 64 * 1024  # one WARC or HTTP header line (long URLs fit easily)
MAX_HEADER_BYTES = 1024 * 1024  # all WARC headers of one record
DEFAULT_MAX_RECORD_BYTES = 10 * 1024 * 1024
BODY_TYPES = frozenset({"response", "conversion"})  # record types whose content block we keep in memory
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_WARC_LINE = re.compile(rb"WARC/\d+\.\d+\r?\n")
_WARC_START = re.compile(rb"WARC/\d")
_RECORD_BOUNDARY = re.compile(rb"\n\r?\n(?=WARC/\d)")  # a blank line, then a WARC version line
_HTTP_STATUS = re.compile(rb"HTTP/\d(?:\.\d)?\s+(\d{3})")
_SCAN_OVERLAP = 16


@dataclass(frozen=True)
class WarcRecord:
    """One parsed WARC record: headers by lower-cased name, and the content block for BODY_TYPES."""

    offset: int  # file offset of the record (gzip: of the member holding it)
    inner: int  # offset inside the decompressed member; 0 for uncompressed files and one-record members
    headers: dict[str, str]
    block: bytes = b""

    @property
    def type(self) -> str:
        return self.headers.get("warc-type", "").lower()

    @property
    def key(self) -> str:
        """Where the record is, as a stable string: the document id is derived from it."""
        return str(self.offset) if self.inner == 0 else f"{self.offset}:{self.inner}"

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass(frozen=True)
class Skip:
    """A record or document left out on purpose; `reason` is the counter name (`skipped:request`, ...)."""

    reason: str


class _Corrupt(Exception):
    """The compressed stream is broken at `offset`: reading resumes at the next good gzip member."""

    def __init__(self, reason: str, offset: int, detail: str):
        super().__init__(detail)
        self.reason, self.offset, self.detail = reason, offset, detail


class _BadRecord(Exception):
    """One record cannot be parsed: reading resumes at the next record boundary after its start."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class _Stream:
    """The bytes of one WARC file, decompressed when gzipped, read one gzip member at a time.

    A gzip member is read only up to its end; moving on to the next member is explicit, so every record
    knows the member it started in. An uncompressed file is one member whose positions are file offsets.
    """

    def __init__(self, handle: IO[bytes], gzipped: bool):
        self.handle = handle
        self.gzipped = gzipped
        self.member_start = 0
        self.buf = b""
        self.i = 0
        self.origin = 0  # position (in the member) of buf[0]
        self.exhausted = False  # the current member has no more bytes
        self.decompressor = None
        self.pending = b""  # compressed bytes read but not yet fed to the decompressor
        self.pending_offset = 0  # file offset of pending[0]

    # ---- entering members -------------------------------------------------------------------------------
    def enter(self, offset: int) -> None:
        """Start reading at `offset`: a gzip member's first byte, or any offset of an uncompressed file."""
        self.handle.seek(offset)
        self.buf, self.i, self.exhausted = b"", 0, False
        if self.gzipped:
            self.member_start, self.origin = offset, 0
            self.pending, self.pending_offset = b"", offset
            self.decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        else:
            self.member_start, self.origin = 0, offset

    def next_member(self) -> int | None:
        """After a member is exhausted, enter the one that follows it; None at the end of the file."""
        if not self.gzipped:
            return None
        offset = self.pending_offset
        while len(self.pending) < len(GZIP_MAGIC):
            more = self.handle.read(CHUNK)
            if not more:
                break
            self.pending += more
        if not self.pending:
            return None
        if not self.pending.startswith(GZIP_MAGIC):
            if self._only_padding_left():
                return None
            raise _Corrupt("bad_gzip_member", offset, "bytes after a gzip member are not another gzip member")
        self.member_start, self.origin = offset, 0
        self.buf, self.i, self.exhausted = b"", 0, False
        self.decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        return offset

    def _only_padding_left(self) -> bool:
        """Some writers pad a file with NUL bytes; that is its end, not corruption."""
        data = self.pending
        while data:
            if data.strip(b"\x00\r\n"):
                return False
            data = self.handle.read(CHUNK)
        return True

    def scan_members(self, start: int, end: int) -> bool:
        """Enter the first gzip member in [start, end) that decompresses to a WARC record; False if none."""
        pos = start
        while pos < end:
            self.handle.seek(pos)
            window = self.handle.read(CHUNK)
            if len(window) < len(GZIP_MAGIC):
                return False
            k = window.find(GZIP_MAGIC)
            while k >= 0:
                candidate = pos + k
                if candidate >= end:
                    return False
                if self._member_starts_record(candidate):
                    self.enter(candidate)
                    return True
                k = window.find(GZIP_MAGIC, k + 1)
            pos += len(window) - (len(GZIP_MAGIC) - 1)
        return False

    def _member_starts_record(self, offset: int) -> bool:
        self.handle.seek(offset)
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out = b""
        try:
            for _ in range(4):
                data = decompressor.unconsumed_tail or self.handle.read(4096)
                if not data:
                    break
                out += decompressor.decompress(data, 64)
                if len(out) >= 16 or decompressor.eof:
                    break
        except zlib.error:
            return False
        return bool(_WARC_START.match(out.lstrip(b"\r\n")))

    def rewind(self, position: int) -> None:
        """Go back to `position` in the current member (re-decompressing a gzip member from its start)."""
        if not self.gzipped:
            self.enter(position)
            return
        self.enter(self.member_start)
        self.skip(position)

    # ---- reading inside the current member ------------------------------------------------------------
    def position(self) -> tuple[int, int]:
        """(offset, inner) of the next unread byte."""
        here = self.origin + self.i
        return (self.member_start, here) if self.gzipped else (here, 0)

    def _produce(self) -> bytes:
        if self.exhausted:
            return b""
        data = self._inflate() if self.gzipped else self.handle.read(CHUNK)
        if not data:
            self.exhausted = True
        return data

    def _inflate(self) -> bytes:
        decompressor = self.decompressor
        while not decompressor.eof:
            if not self.pending:
                self.pending = self.handle.read(CHUNK)
            fed = self.pending
            try:
                out = decompressor.decompress(fed, CHUNK)  # bounded: a gzip bomb never fills memory
            except zlib.error as exc:
                raise _Corrupt("corrupt_gzip", self.member_start, f"gzip member is damaged: {exc}") from None
            rest = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
            self.pending_offset += len(fed) - len(rest)
            self.pending = rest
            if out:
                return out
            if not fed:
                raise _Corrupt("truncated_gzip", self.member_start, "the file ends inside a gzip member")
        return b""

    def _refill(self) -> bool:
        """Replace the consumed buffer with the member's next bytes."""
        data = self._produce()
        if not data:
            return False
        self.origin += len(self.buf)
        self.buf, self.i = data, 0
        return True

    def peek(self, n: int) -> bytes:
        while len(self.buf) - self.i < n:
            data = self._produce()
            if not data:
                break
            self.origin += self.i
            self.buf, self.i = self.buf[self.i :] + data, 0
        return self.buf[self.i : self.i + n]

    def readline(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            j = self.buf.find(b"\n", self.i, self.i + limit - total)
            if j >= 0:
                parts.append(self.buf[self.i : j + 1])
                self.i = j + 1
                return b"".join(parts)
            piece = self.buf[self.i : self.i + limit - total]
            self.i += len(piece)
            parts.append(piece)
            total += len(piece)
            if total >= limit or (self.i >= len(self.buf) and not self._refill()):
                return b"".join(parts)

    def read(self, n: int) -> bytes:
        parts: list[bytes] = []
        while n > 0:
            if self.i >= len(self.buf) and not self._refill():
                break
            piece = self.buf[self.i : self.i + n]
            self.i += len(piece)
            n -= len(piece)
            parts.append(piece)
        return b"".join(parts)

    def skip(self, n: int) -> tuple[int, bytes]:
        """Discard n bytes without holding them; returns how many were skipped and the last two."""
        skipped, tail = 0, b""
        while n > 0:
            if self.i >= len(self.buf) and not self._refill():
                break
            take = min(n, len(self.buf) - self.i)
            tail = (tail + self.buf[max(self.i, self.i + take - 2) : self.i + take])[-2:]
            self.i += take
            n -= take
            skipped += take
        return skipped, tail

    def skip_newlines(self) -> bytes:
        """Consume CR and LF bytes; returns the last few of them (for the record-trailer check)."""
        seen = b""
        while True:
            if self.i >= len(self.buf) and not self._refill():
                return seen
            start = self.i
            while self.i < len(self.buf) and self.buf[self.i] in (10, 13):
                self.i += 1
            seen = (seen + self.buf[start : self.i])[-4:]
            if self.i < len(self.buf):
                return seen

    def find_boundary(self, min_position: int) -> bool:
        """Move to the first `WARC/` line after a blank line at or after `min_position` in this member."""
        while True:
            match = _RECORD_BOUNDARY.search(self.buf, self.i)
            while match and self.origin + match.end() < min_position:
                match = _RECORD_BOUNDARY.search(self.buf, match.start() + 1)
            if match:
                self.i = match.end()
                return True
            keep = max(self.i, len(self.buf) - _SCAN_OVERLAP)
            data = self._produce()
            if not data:
                self.i = len(self.buf)
                return False
            self.origin += keep
            self.buf, self.i = self.buf[keep:] + data, 0


def file_size(path: str) -> int:
    fs, resolved = filesystem(path)
    return int(fs.size(resolved) or 0)


def plan_splits(path: str, split_bytes: int) -> list[tuple[str, int, int]]:
    """Byte ranges [start, end) of one file, read by separate workers; each record belongs to the range
    holding its start. A single-stream gzip (not one member per record) cannot be split: one range."""
    size = file_size(path)
    if size <= split_bytes:
        return [(path, 0, size)]
    with open_file(path, "rb") as handle:
        if handle.read(2) == GZIP_MAGIC[:2] and not _first_member_ends_early(handle, size, split_bytes):
            return [(path, 0, size)]
    return [(path, start, min(start + split_bytes, size)) for start in range(0, size, split_bytes)]


def _first_member_ends_early(handle: IO[bytes], size: int, limit: int) -> bool:
    """Does the first gzip member end within `limit` compressed bytes and before the end of the file?"""
    handle.seek(0)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    fed = 0
    try:
        while not decompressor.eof and fed < limit:
            data = decompressor.unconsumed_tail or handle.read(CHUNK)
            if not data:
                return False
            if not decompressor.unconsumed_tail:
                fed += len(data)
            decompressor.decompress(data, CHUNK)
    except zlib.error:
        return True  # damaged first member: per-record reading resynchronises, so splitting is safe
    return decompressor.eof and fed - len(decompressor.unused_data) < size


def read_records(
    path: str,
    start: int = 0,
    end: int | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    body_types: frozenset[str] = BODY_TYPES,
) -> Iterator[WarcRecord | Reject]:
    """Every record whose start offset lies in [start, end), in file order, or a Reject where one cannot be read.

    Blocks of `body_types` records are returned; other blocks are skipped without being held in memory, and
    a block over `max_record_bytes` becomes an `oversize` Reject, also without being held.
    """
    end = float("inf") if end is None else end
    with open_file(path, "rb") as handle:
        gzipped = handle.read(2) == GZIP_MAGIC[:2]
        stream = _Stream(handle, gzipped)
        if not _locate(stream, start, end):
            return
        while True:
            offset, inner = stream.position()
            try:
                stream.skip_newlines()
                if not stream.peek(1):
                    if stream.next_member() is None:
                        return
                    continue
                offset, inner = stream.position()
                if offset >= end and _WARC_START.match(stream.peek(6)):
                    return  # the next range's first record
                yield _parse_record(stream, path, offset, inner, max_record_bytes, body_types)
            except _BadRecord as exc:
                where = f" (at byte {inner} of the member)" if inner else ""
                yield Reject(path, offset, exc.reason, exc.detail + where)
                failed_at = inner if gzipped else offset
                try:
                    stream.rewind(max(0, failed_at + 1 - _SCAN_OVERLAP))
                    stream.find_boundary(failed_at + 1)
                except _Corrupt as corrupt:
                    yield Reject(path, corrupt.offset, corrupt.reason, corrupt.detail)
                    if not stream.scan_members(corrupt.offset + 1, end):
                        return
            except _Corrupt as exc:
                yield Reject(path, exc.offset, exc.reason, exc.detail)
                if not stream.scan_members(exc.offset + 1, end):
                    return


def _locate(stream: _Stream, start: int, end: float) -> bool:
    """Position the stream on the first record boundary at or after `start`."""
    if start == 0:
        stream.enter(0)
        return True
    if stream.gzipped:
        return stream.scan_members(start, end)
    stream.enter(max(0, start - _SCAN_OVERLAP))
    return stream.find_boundary(start)


def _parse_record(
    stream: _Stream, path: str, offset: int, inner: int, max_record_bytes: int, body_types: frozenset[str]
) -> WarcRecord | Reject:
    first = stream.readline(MAX_HEADER_LINE)
    if not _WARC_LINE.fullmatch(first):
        raise _BadRecord("bad_warc_header", f"not a WARC record: {first[:40]!r}")
    headers = _read_warc_headers(stream)
    try:
        length = int(headers["content-length"])
    except (KeyError, ValueError):
        raise _BadRecord("bad_warc_header", "missing or invalid Content-Length") from None
    if length < 0 or "warc-type" not in headers:
        raise _BadRecord("bad_warc_header", "negative Content-Length or no WARC-Type")
    record_type = headers["warc-type"].lower()
    record_id = headers.get("warc-record-id")
    if length > max_record_bytes or record_type not in body_types:
        skipped, tail = stream.skip(length)
        block = b""
    else:
        block = stream.read(length)
        skipped, tail = len(block), block[-2:]
    if skipped < length:
        raise _BadRecord("truncated_record", f"content block has {skipped} of {length} bytes")
    _check_trailer(stream, tail)
    if length > max_record_bytes:
        return Reject(
            path, offset, "oversize", f"{length} bytes > max_record_bytes {max_record_bytes}", record_id
        )
    return WarcRecord(offset=offset, inner=inner, headers=headers, block=block)


def _read_warc_headers(stream: _Stream) -> dict[str, str]:
    headers: dict[str, str] = {}
    total = 0
    last = ""
    while True:
        line = stream.readline(MAX_HEADER_LINE)
        total += len(line)
        if not line.endswith(b"\n"):
            if len(line) >= MAX_HEADER_LINE:
                raise _BadRecord("bad_warc_header", "a header line is too long")
            raise _BadRecord("truncated_record", "the data ends inside the WARC headers")
        if total > MAX_HEADER_BYTES:
            raise _BadRecord("bad_warc_header", "WARC headers are too long")
        line = line.rstrip(b"\r\n")
        if not line:
            return headers
        if line[:1] in (b" ", b"\t") and last:
            headers[last] += " " + line.strip().decode("utf-8", "replace")
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise _BadRecord("bad_warc_header", f"header line without a name: {line[:60]!r}")
        last = name.strip().decode("latin-1").lower()
        headers.setdefault(last, value.strip().decode("utf-8", "replace"))


def _check_trailer(stream: _Stream, tail: bytes) -> None:
    """A record ends with a blank line and then the next `WARC/` line (or the end of its member)."""
    newlines = stream.skip_newlines()
    following = stream.peek(6)
    if not following:
        return
    if _WARC_START.match(following) and (tail + newlines).endswith((b"\n\n", b"\n\r\n")):
        return
    raise _BadRecord("bad_content_length", "the record does not end where its Content-Length says")


# ---- records to documents -------------------------------------------------------------------------------


class _BadPayload(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def parse_http_response(block: bytes) -> HttpResponse:
    """Split an HTTP response into status, headers (lower-cased names) and body; malformed → _BadPayload."""
    match = re.search(rb"\r?\n\r?\n", block[: MAX_HEADER_BYTES + 4])
    if match is None:
        raise _BadPayload("bad_http_header", "no end of the HTTP headers")
    head, body = block[: match.start()], block[match.end() :]
    lines = head.split(b"\n")
    status = _HTTP_STATUS.match(lines[0].strip())
    if status is None:
        raise _BadPayload("bad_http_header", f"bad HTTP status line: {lines[0][:60]!r}")
    headers: dict[str, str] = {}
    last = ""
    for raw in lines[1:]:
        line = raw.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and last:
            headers[last] += " " + line.strip().decode("latin-1")
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip() or b" " in name.strip():
            raise _BadPayload("bad_http_header", f"bad HTTP header line: {line[:60]!r}")
        last = name.strip().decode("latin-1").lower()
        headers.setdefault(last, value.strip().decode("latin-1"))
    return HttpResponse(int(status.group(1)), headers, body)


def _dechunk(body: bytes) -> bytes | None:
    """Undo HTTP chunked transfer coding; None when the body is not validly chunked (stored decoded)."""
    parts: list[bytes] = []
    i = 0
    while True:
        j = body.find(b"\n", i)
        if j < 0:
            return None
        try:
            size = int(body[i:j].split(b";")[0].strip(), 16)
        except ValueError:
            return None
        if size == 0:
            return b"".join(parts)
        chunk = body[j + 1 : j + 1 + size]
        parts.append(chunk)
        if len(chunk) < size:
            return b"".join(parts)  # truncated capture: keep what arrived
        i = j + 1 + size
        if body[i : i + 2] == b"\r\n":
            i += 2
        elif body[i : i + 1] == b"\n":
            i += 1


def _decompress_bounded(data: bytes, wbits: int, limit: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    out = decompressor.decompress(data, limit + 1)
    if len(out) > limit:
        raise _BadPayload("oversize", f"decoded payload exceeds max_record_bytes {limit}")
    return out


def decode_payload(response: HttpResponse, limit: int) -> bytes:
    """The payload with transfer and content codings undone (bounded), as a browser would see it."""
    body = response.body
    if "chunked" in response.headers.get("transfer-encoding", "").lower():
        dechunked = _dechunk(body)
        if dechunked is not None:
            body = dechunked
    coding = response.headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity", "none") or _looks_like_markup(body):
        return body  # many crawlers store the payload decoded but keep the header (ClueWeb09, CC)
    if coding in ("gzip", "x-gzip", "deflate"):
        for wbits in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):
            try:
                return _decompress_bounded(body, wbits, limit)
            except zlib.error:
                continue
    raise _BadPayload("undecodable_payload", f"cannot undo Content-Encoding {coding!r}")


def _looks_like_markup(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def payload_type(record: WarcRecord, response: HttpResponse) -> str:
    """The payload's MIME type: CommonCrawl's sniffed type, else the HTTP Content-Type, else sniffed here."""
    identified = (record.header("warc-identified-payload-type") or "").strip().lower()
    if identified:
        return identified
    declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if declared:
        return declared
    head = response.body[:1024].lstrip().lower()
    return "text/html" if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head else ""


def _declared_charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return map_encoding_to_html5(match.group(1), fallback_utf8=False) if match else None


def decode_html(payload: bytes, content_type: str = "") -> str:
    """Bytes to text: the charset from the HTTP header, else the page's <meta charset>, else detected.

    Never raises: an unknown or wrong charset falls back to UTF-8, then Windows-1252, then replacement.
    """
    encoding = _declared_charset(content_type) or detect_encoding(payload, from_html_meta=True)
    try:
        return bytes_to_str(payload, encoding, errors="replace")
    except (LookupError, UnicodeError, TypeError):
        return payload.decode("utf-8", errors="replace")


def html_to_text(html: str) -> str:
    """Main-content text of a page, one paragraph per line (the shape of CommonCrawl's WET text)."""
    tree = HTMLTree.parse(html)
    text = extract_plain_text(
        tree,
        main_content=True,
        alt_texts=False,
        list_bullets=False,
        links=False,
        form_fields=False,
        noscript=False,
    )
    return clean_lines(text)


def clean_lines(text: str) -> str:
    """One paragraph per line: white-space runs inside a line become one space, empty lines go."""
    return "\n".join(line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line)


def decode_wet_text(block: bytes) -> str:
    """WET text is UTF-8; a stray bad byte is replaced, never fatal."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        text = bytes_to_str(block, detect_encoding(block), errors="replace")
    return clean_lines(text)


def record_to_document(
    record: WarcRecord,
    source_file: str,
    min_length: int = 300,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Document | Skip | Reject:
    """A response or conversion record to a Document; every other outcome is a counted Skip or a Reject."""
    record_type = record.type
    if record_type == "response":
        outcome = _response_text(record, max_record_bytes)
    elif record_type == "conversion":
        outcome = decode_wet_text(record.block)
    else:
        return Skip(f"skipped:{record_type or 'unknown'}")
    if isinstance(outcome, Skip):
        return outcome
    if isinstance(outcome, _BadPayload):
        return Reject(
            source_file, record.offset, outcome.reason, outcome.detail, record.header("warc-record-id")
        )
    if len(outcome) < min_length:
        return Skip("dropped:too_short")
    return Document(
        id=make_doc_id(SOURCE, source_file, record.key),
        source=SOURCE,
        text=outcome,
        url=_target_uri(record),
        timestamp=parse_timestamp(record.header("warc-date")),
        meta=_record_meta(record, source_file),
    )


def _response_text(record: WarcRecord, max_record_bytes: int) -> str | Skip | _BadPayload:
    warc_content_type = (record.header("content-type") or "application/http").lower()
    if not warc_content_type.startswith("application/http"):
        return Skip("skipped:non_html")  # e.g. dns: records, stored as text/dns
    try:
        response = parse_http_response(record.block)
        if not 200 <= response.status < 300:
            return Skip("skipped:http_status")
        if payload_type(record, response) not in HTML_TYPES:
            return Skip("skipped:non_html")
        payload = decode_payload(response, max_record_bytes)
    except _BadPayload as exc:
        return exc
    try:
        return html_to_text(decode_html(payload, response.headers.get("content-type", "")))
    except HTMLParserException as exc:
        return _BadPayload("undecodable_payload", f"HTML parser failed: {exc}")


def _target_uri(record: WarcRecord) -> str | None:
    uri = record.header("warc-target-uri")
    return uri.strip("<>") if uri else None


def _record_meta(record: WarcRecord, source_file: str) -> dict[str, str]:
    meta = {
        "warc_record_id": record.header("warc-record-id", ""),
        "warc_type": record.type,
        "cc_segment": source_file.rstrip("/").rsplit("/", 1)[-1],
        "offset": record.key,
    }
    digest = record.header("warc-payload-digest") or record.header("warc-block-digest")
    if digest:
        meta["digest"] = digest
    language = record.header("warc-identified-content-language")
    if language:
        meta["cc_language"] = language
    return meta


def read_documents(
    path: str,
    start: int = 0,
    end: int | None = None,
    min_length: int = 300,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Iterator[tuple[WarcRecord | None, Document | Skip | Reject]]:
    """Read and extract a range of one file: (record, outcome) per record, (None, Reject) where reading failed."""
    for item in read_records(path, start, end, max_record_bytes):
        if isinstance(item, Reject):
            yield None, item
        else:
            yield item, record_to_document(item, path, min_length, max_record_bytes)
