"""JSON lines, the format of C4, Books3/PG19 and the GitHub BigQuery export: one range of one file to one
outcome per line, every line that cannot be a record a Reject with its file, line number and byte offset.

A file is gzip when it starts with the gzip magic, whatever its name (one stream, or several members
back to back). Ranges (`plan_splits`): a gzip file is one range (a stream cannot be entered in the middle); an
uncompressed file is cut into `split_bytes` ranges. A range [start, end) reads the lines that start in it: from
the first full line at or after `start` (range 0: the first line) to the line that crosses `end`, read whole. So
the ranges of a file together read each line exactly once, as a whole-file read does.

Lines, streamed a chunk at a time: a line over `max_line_bytes` is an `oversize` Reject, streamed past and never
held. A blank line is `skipped:blank_line`. Every other line is decoded here (`bad_encoding`: not UTF-8, or a
`\\ud800`-style escape of a lone surrogate, valid JSON but no UTF-8 can carry it and the Parquet writer would fail
on it; `bad_json`: not one JSON value; `not_an_object`) and the object handed to the source's `parse` callback,
which returns a Document, a Skip, or a (reason, detail) pair for its Reject. A UTF-8 byte-order mark before the
first line is allowed. File-level Rejects (`FILE_REASONS`): `empty_file` (no byte at all, or a gzip of nothing),
`corrupt_gzip` (bad gzip data, trailing bytes that are not gzip, or a file named `.gz` that is not gzip at all),
`truncated_gzip` (the stream ends early). The lines read before a broken stream are kept; the line being read when
it broke is lost with the rest.

Positions: a Reject's `offset` is the line's byte offset: in the file, or for gzip in the decompressed stream (a
compressed stream has no byte offset per line). Its `record_id` is `line N` (1-based, counting every line, blank
ones too). A range that starts inside the file learns its first line number by counting the newlines before it,
and only when it has something to reject, so a clean range never reads more than its own bytes.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

from pipeline.document import Document
from pipeline.io import file_size, open_file
from pipeline.rejects import Reject, Skip

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20
FILE_REASONS = frozenset({"empty_file", "corrupt_gzip", "truncated_gzip"})  # not about one line
BLANK = Skip("skipped:blank_line")
DETAIL = 200  # characters of a bad line kept in its Reject
_DECODER = json.JSONDecoder()

# A source's record parser: (the JSON object, the file's base name, the line's offset) -> its outcome.
ParseRecord = Callable[[dict[str, Any], str, int], "Document | Skip | tuple[str, str]"]


def is_gzip(path: str) -> bool:
    with open_file(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def plan_splits(path: str, split_bytes: int) -> list[tuple[str, int, int]]:
    """Byte ranges [start, end) of one file; a gzip file (or one no larger than split_bytes) is one range."""
    size = file_size(path)
    if size <= split_bytes or path.endswith(".gz") or is_gzip(path):
        return [(path, 0, size)]
    return [(path, start, min(start + split_bytes, size)) for start in range(0, size, split_bytes)]


def parse_line(data: bytes, base: str, offset: int, parse: ParseRecord) -> Document | Skip | tuple[str, str]:
    """One line (without its newline) to its record's outcome, the blank-line Skip, or a (reason, detail)."""
    try:
        record = _DECODER.decode(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return "bad_encoding", f"{exc}: {excerpt(data)}"
    except (ValueError, RecursionError) as exc:  # JSONDecodeError; nesting too deep for the parser
        if not data.strip():
            return BLANK
        if data.startswith(b"\xef\xbb\xbf") and offset == 0:  # a byte-order mark before the first line
            return parse_line(data[3:], base, offset, parse)
        return "bad_json", f"{type(exc).__name__}: {exc}: {excerpt(data)}"[:2000]
    if type(record) is not dict:
        return "not_an_object", f"a JSON {type(record).__name__}: {excerpt(data)}"
    if (b"\\ud" in data or b"\\uD" in data) and _has_surrogate(record):  # only a \u escape makes one
        return "bad_encoding", "a lone surrogate escape (\\ud800-\\udfff) in a string: not UTF-8"
    return parse(record, base, offset)


def record_text(record: dict[str, Any]) -> str | tuple[str, str]:
    """A record's `text`, or the (reason, detail) of its Reject: no_text, bad_text (not a string) or empty_text."""
    if "text" not in record:
        return "no_text", f"keys: {', '.join(sorted(map(str, record)))[:DETAIL]}"
    text = record["text"]
    if type(text) is not str:
        return "bad_text", f"text is a JSON {type(text).__name__}"
    if not text or text.isspace():
        return "empty_text", f"text: {text[:DETAIL]!r}"
    return text


def _has_surrogate(value: Any) -> bool:
    """Does any string in a decoded JSON value hold a lone surrogate?"""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def read_lines(
    path: str, start: int, end: int | None, max_line_bytes: int, parse: ParseRecord
) -> Iterator[Document | Skip | Reject]:
    """The lines of one range of one file, in order: a Document, a Skip or a Reject per line, plus the
    file-level Rejects (FILE_REASONS) where the file itself is bad."""
    yield from _RangeReader(path, start, end, max_line_bytes, parse).read()


class _RangeReader:
    """Lines of [start, end) of one file, with their offsets and (lazily) line numbers."""

    def __init__(self, path: str, start: int, end: int | None, max_line_bytes: int, parse: ParseRecord):
        self.parse = parse
        self.path = path
        self.start = start
        self.end = end
        self.max_line_bytes = max_line_bytes
        self.base = path.rstrip("/").rsplit("/", 1)[-1]
        self.first_line: int | None = None  # number of the range's first line, once known
        self.first_offset = 0  # offset of the range's first line
        self.lines = 0  # lines of the range read so far, blank ones included

    def read(self) -> Iterator[Document | Skip | Reject]:
        with open_file(self.path, "rb") as raw:
            gzipped = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            if not gzipped and self.path.endswith(".gz"):
                if self.start == 0:
                    yield Reject(self.path, 0, "corrupt_gzip", "named .gz, but not gzip data (no gzip magic)")
                return
            if gzipped:
                if self.start > 0:
                    return  # a gzip stream is read whole, by the range that starts at 0
                self.first_line, self.end = 1, None
                yield from self._lines(_Gunzip(raw), 0, gzipped=True)
                return
            if self.start == 0:
                self.first_line = 1
                yield from self._lines(raw, 0, gzipped=False)
                return
            first = _next_line_start(raw, self.start - 1)  # the line holding start-1 is an earlier range's
            if first is not None:
                yield from self._lines(raw, first, gzipped=False)

    def _line_number(self) -> int:
        """The number of the line being read (1-based)."""
        if self.first_line is None:
            self.first_line = _count_newlines(self.path, self.first_offset) + 1
        return self.first_line + self.lines

    def _reject(self, offset: int, reason: str, detail: str) -> Reject:
        return Reject(self.path, offset, reason, detail, f"line {self._line_number()}")

    def _lines(self, handle: IO[bytes], offset: int, gzipped: bool) -> Iterator[Document | Skip | Reject]:
        """Every line from `offset` that starts before `end`, parsed (`offset`: the next line's start)."""
        self.first_offset = offset
        end, limit, path = self.end, self.max_line_bytes, self.path
        pending = b""  # the start of a line whose newline is not read yet
        carry = b""  # bytes after an oversize line, read while streaming past it
        seen_bytes = False
        while True:
            if carry:
                chunk, carry = carry, b""
            else:
                try:
                    chunk = handle.read(CHUNK)
                except _STREAM_ERRORS as exc:
                    yield self._broken(exc, offset, pending)
                    return
                if not chunk:
                    break
            seen_bytes = True
            pieces = (pending + chunk).split(b"\n") if pending else chunk.split(b"\n")
            pending = pieces.pop()
            for data in pieces:
                if end is not None and offset >= end:
                    return
                yield self._outcome(data, offset)
                offset += len(data) + 1
                self.lines += 1
            if len(pending) > limit:  # an oversize line: stream past it to its newline, never holding it
                if end is not None and offset >= end:
                    return
                try:
                    length, carry = _skip_line(handle, len(pending))
                except _STREAM_ERRORS as exc:
                    yield self._broken(exc, offset, pending)
                    return
                pending = b""
                yield self._reject(offset, "oversize", f"a line of {length:,} bytes (over {limit:,})")
                offset += length
                self.lines += 1
        if pending and (end is None or offset < end):  # a last line without its newline
            yield self._outcome(pending, offset)
            self.lines += 1
        elif not seen_bytes and self.start == 0:
            what = "a gzip stream of nothing" if gzipped else "0 bytes"
            yield Reject(path, 0, "empty_file", what)

    def _outcome(self, data: bytes, offset: int) -> Document | Skip | Reject:
        if len(data) > self.max_line_bytes:
            return self._reject(
                offset, "oversize", f"a line of {len(data) + 1:,} bytes (over {self.max_line_bytes:,})"
            )
        outcome = parse_line(data, self.base, offset, self.parse)
        return outcome if not isinstance(outcome, tuple) else self._reject(offset, *outcome)

    def _broken(self, exc: BaseException, offset: int, pending: bytes) -> Reject:
        """The Reject for a gzip stream that cannot be read on: the line being read is lost with it."""
        if isinstance(exc, EOFError):
            reason = "truncated_gzip"
        elif isinstance(exc, (zlib.error, _BadGzip)):
            reason = "corrupt_gzip"
        else:
            raise exc  # an I/O error is not the data's fault: the job's fault isolation reports it
        where = f" ({len(pending):,} bytes of the line read)" if pending else ""
        return self._reject(offset, reason, f"{type(exc).__name__}: {exc}{where}"[:2000])


class _BadGzip(Exception):
    """Bytes after a gzip member that are neither another member nor padding."""


_STREAM_ERRORS = (OSError, EOFError, zlib.error, _BadGzip)


class _Gunzip:
    """The decompressed bytes of a gzip file, member after member, as `read(n)` calls. Everything decompressed
    before damage is returned first: the damage (a zlib.error, `_BadGzip`, or EOFError for a stream that ends
    early) is raised by the read after it. Each read inflates at most CHUNK bytes of output."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self.pending = b""  # compressed bytes not yet given to the inflater
        self.done = False

    def read(self, size: int) -> bytes:
        while not self.done:
            if self.inflater.eof:
                self._next_member()
                continue
            if not self.pending:
                self.pending = self.handle.read(CHUNK)
                if not self.pending:
                    raise EOFError("compressed file ended before the end-of-stream marker was reached")
            out = self.inflater.decompress(self.pending, size)
            self.pending = self.inflater.unconsumed_tail or self.inflater.unused_data
            if out:
                return out
        return b""

    def _next_member(self) -> None:
        rest = self.inflater.unused_data or self.pending
        while len(rest) < 2:
            more = self.handle.read(CHUNK)
            if not more:
                break
            rest += more
        if rest[:2] == GZIP_MAGIC:
            self.inflater, self.pending = zlib.decompressobj(zlib.MAX_WBITS | 16), rest
            return
        while rest:  # some writers pad the end of a file with NUL bytes
            if rest.strip(b"\x00"):
                self.done = True
                raise _BadGzip("bytes after the last gzip member are not gzip data")
            rest = self.handle.read(CHUNK)
        self.done = True


def _next_line_start(handle: IO[bytes], position: int) -> int | None:
    """The offset after the first newline at or after `position` (the handle left there); None without one."""
    handle.seek(position)
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            return None
        at = chunk.find(b"\n")
        if at >= 0:
            handle.seek(position + at + 1)
            return position + at + 1
        position += len(chunk)


def _skip_line(handle: IO[bytes], held: int) -> tuple[int, bytes]:
    """Stream past the rest of a line of which `held` bytes are read: (its length with the newline, the bytes
    after the newline). At the end of the file the line ends there."""
    length = held
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            return length, b""
        at = chunk.find(b"\n")
        if at >= 0:
            return length + at + 1, chunk[at + 1 :]
        length += len(chunk)


def _count_newlines(path: str, offset: int) -> int:
    """Newlines in the first `offset` bytes of an uncompressed file."""
    count = 0
    with open_file(path, "rb") as handle:
        left = offset
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            count += chunk.count(b"\n")
            left -= len(chunk)
    return count


def excerpt(data: bytes) -> str:
    """The start of a bad line, printable, for its Reject."""
    return repr(data[:DETAIL])[2:-1]
