"""WARC framing: the records of a byte range of one WARC/WET file, and a Reject with its location for every
part of the file that cannot be read.

A file is cut into byte ranges (`plan_splits`); a record belongs to the range that holds its start (gzip: the
start of the member holding it). Reading a range [start, end):

1. Locate: range 0 starts at byte 0. Any other range starts at the first *validated* candidate at or after
   `start`: a gzip member (`1f 8b 08`) or, uncompressed, a `WARC/` line after a blank line. A candidate is
   validated by parsing it: a version line, headers with WARC-Type and Content-Length, and the Content-Length
   landing on the next record (a blank line, then `WARC/`) or on the end of the member or file. So a page that
   quotes a WARC record is not taken for one.
2. Read: records follow one another by their Content-Length (gzip: member by member). Gzip members are read
   by FastWARC's ArchiveIterator (its inflater is about 2.5x faster than Python's zlib). A record it yields is
   trusted once the next one starts in a later member; whatever FastWARC cannot vouch for (an error, which it
   gives without a location; a header it would read differently; a member holding several records, where its
   offsets are wrong; the end of the file, where it does not notice a truncated member) hands the rest of the
   range to the exact reader below, from the last member FastWARC read cleanly. Uncompressed files and
   single-stream gzip are read by the exact reader throughout: a Python zlib/buffer parser that knows where
   every byte is.
3. Damage: a record that fails where one must be (reached by following Content-Lengths or gzip members, or
   by resynchronising) is a Reject (`corrupt_gzip`, `truncated_gzip`, `bad_gzip_member`, `bad_warc_header`,
   `bad_content_length`, `truncated_record`). Reading then resynchronises on the next place that looks like a
   record (a version line, and headers with WARC-Type and Content-Length: enough to make that record's own
   damage its own Reject). A record whose Content-Length ends at a blank line followed by something that is
   not a record is kept, and the bytes after it become one `trailing_garbage` Reject (streamed past, never
   held). A block over `max_record_bytes` is an `oversize` Reject, also streamed past. A file with no record
   and no damage at all (0 bytes, or a gzip of nothing) is one `empty_file` Reject.
4. Stop: at the first record at or after `end` (gzip: opening its member) that validates: the next range's
   first record. Until then this range also reads, and rejects, what lies past `end`, so the ranges of a file
   together read exactly what a whole-file read reads, each record once.

Positions: uncompressed, a record's offset is where its `WARC/` line starts; gzip, it is where the member
holding it starts, and `inner` is its offset in the decompressed member (0 for the member's first record).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO

from fastwarc.warc import ArchiveIterator
from fastwarc.warc import WarcRecord as FastWarcRecord

from pipeline.io import file_size, open_file
from pipeline.rejects import Reject

GZIP_MAGIC = b"\x1f\x8b\x08"
CHUNK = 1 << 16
MAX_HEADER_LINE = 64 * 1024  # one WARC header line (long URLs fit easily)
MAX_HEADER_BYTES = 1024 * 1024  # all WARC headers of one record
DEFAULT_MAX_RECORD_BYTES = 10 * 1024 * 1024
BODY_TYPES = frozenset({"response", "conversion"})  # record types whose content block is kept in memory

_WARC_LINE = re.compile(rb"WARC/\d+\.\d+\r?\n")
_WARC_VERSION = re.compile(r"WARC/\d+\.\d+")
_WARC_START = re.compile(rb"WARC/\d")
_RECORD_BOUNDARY = re.compile(rb"\n\r?\n(?=WARC/\d)")  # a blank line, then a WARC version line
_SCAN_OVERLAP = 16


@dataclass(frozen=True)
class WarcRecord:
    """One parsed WARC record: headers by lower-cased name, and the content block for body types."""

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


class _Corrupt(Exception):
    """The compressed stream is broken at `offset`: reading resumes at the next good gzip member."""

    def __init__(self, reason: str, offset: int, detail: str):
        super().__init__(detail)
        self.reason, self.offset, self.detail = reason, offset, detail


class _BadRecord(Exception):
    """One record cannot be parsed: reading resumes at the next validated record after its start."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class _Stream:
    """The bytes of one WARC file, decompressed when gzipped, read one gzip member at a time.

    A gzip member is read only up to its end; moving on to the next member is explicit, so every record
    knows the member it started in. An uncompressed file is one member whose positions are file offsets.
    Decompression is bounded (CHUNK at a time), so a gzip bomb never fills memory.
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
        """Some writers pad a file with NUL bytes after its last member; that is its end, not corruption."""
        data = self.pending
        while data:
            if data.strip(b"\x00\r\n"):
                return False
            data = self.handle.read(CHUNK)
        return True

    def rewind(self, position: int) -> None:
        """Go back to `position` in the current member (re-decompressing a gzip member from its start)."""
        if not self.gzipped:
            self.enter(position)
            return
        self.enter(self.member_start)
        self.skip(position)

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
                out = decompressor.decompress(fed, CHUNK)
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
    with open_file(path, "rb") as handle:
        reader = _RangeReader(handle, path, start, end, max_record_bytes, body_types)
        yield from reader.read()


@dataclass(frozen=True)
class _Parsed:
    """A record read whole; `clean` is False when bytes that are not a record follow its end."""

    item: WarcRecord | Reject
    clean: bool


_Positioned = tuple[int, int, WarcRecord | Reject]  # (offset, inner, item): where the exact reader found it


class _RangeReader:
    """Reads one range [start, end) of one file: FastWARC for runs of clean gzip members, the exact reader
    for everything else (see the module docstring)."""

    def __init__(
        self,
        handle: IO[bytes],
        path: str,
        start: int,
        end: int | None,
        max_record_bytes: int,
        body_types: frozenset[str],
    ):
        self.handle = handle
        self.path = path
        self.start = start
        self.end: float = float("inf") if end is None else end
        self.max_record_bytes = max_record_bytes
        self.body_types = body_types
        self.reached_eof = False  # the exact reader read to the end of the file
        handle.seek(0)
        self.stream = _Stream(handle, handle.read(2) == GZIP_MAGIC[:2])

    def read(self) -> Iterator[WarcRecord | Reject]:
        items = self._read()
        first = next(items, None)
        if first is None:
            if self.start == 0 and self.reached_eof:
                detail = "the file holds no WARC record (no bytes, or a gzip of nothing)"
                yield Reject(self.path, 0, "empty_file", detail)
            return
        yield first
        yield from items

    def _read(self) -> Iterator[WarcRecord | Reject]:
        if not self.stream.gzipped:
            for _, _, item in self._exact(self.start, trusted=self.start == 0):
                yield item
            return
        entry = 0
        if self.start > 0:
            if not self._scan_members(self.start, strict=True):
                return
            entry = self.stream.member_start
        resume, after = yield from self._fast(entry)
        for offset, inner, item in self._exact(resume, trusted=True):
            if after is None or (offset, inner) > after:
                yield item

    # ---- FastWARC over clean gzip members -------------------------------------------------------------
    def _fast(self, entry: int) -> Generator[WarcRecord | Reject, None, tuple[int, tuple[int, int] | None]]:
        """Yield what FastWARC reads from the member at `entry` on, each record once the next one starts in a
        later member; return where the exact reader takes over, and the last position already yielded."""
        self.handle.seek(entry)
        held: tuple[int, WarcRecord | Reject] | None = None
        last: int | None = None
        try:
            # headers over half a line's limit are the exact reader's to judge (its limits: a line, all lines)
            records = ArchiveIterator(
                self.handle, parse_http=False, max_header_len=MAX_HEADER_LINE // 2, inplace=True
            )
            for record in records:
                position = record.stream_pos
                if held is None and position != entry:
                    break
                if held is not None:
                    if position <= held[0]:
                        break  # several records in one member: FastWARC's offsets are not the member's
                    if held[0] >= self.end:
                        return held[0], None  # a member start past the range: the exact reader decides
                    yield held[1]
                    last = held[0]
                item = self._fast_item(record, position)
                if item is None:
                    break
                held = (position, item)
        except OSError:
            pass  # FastWARC says what went wrong but not where: the exact reader finds out
        return (entry, None) if last is None else (last, (last, 0))

    def _fast_item(self, record: FastWarcRecord, position: int) -> WarcRecord | Reject | None:
        """A FastWARC record as the exact reader would return it; None where they might disagree."""
        headers = {name.lower(): value for name, value in reversed(record.headers.astuples())}  # first wins
        if (
            "" in headers
            or "warc-type" not in headers
            or not _WARC_VERSION.fullmatch(record.headers.status_line or "")
        ):
            return None
        try:
            length = int(headers["content-length"])
        except (KeyError, ValueError):
            return None
        if length != record.content_length or length < 0:
            return None
        keep = length <= self.max_record_bytes and headers["warc-type"].lower() in self.body_types
        block = record.reader.read() if keep else b""
        if (len(block) if keep else record.reader.consume()) != length:
            return None
        if length > self.max_record_bytes:
            return self._oversize(position, length, headers)
        return WarcRecord(offset=position, inner=0, headers=headers, block=block)

    def _oversize(self, offset: int, length: int, headers: dict[str, str]) -> Reject:
        detail = f"{length} bytes > max_record_bytes {self.max_record_bytes}"
        return Reject(self.path, offset, "oversize", detail, headers.get("warc-record-id"))

    # ---- the exact reader -----------------------------------------------------------------------------
    def _exact(self, entry: int, trusted: bool) -> Iterator[_Positioned]:
        """Records and Rejects from `entry` (a record or member start when `trusted`, else any offset of an
        uncompressed file to locate from) to the end of the range, each with the position it was found at."""
        stream = self.stream
        if trusted:
            stream.enter(entry)
        elif not self._scan_plain(entry, strict=True):
            return
        first = True  # the next record opens its gzip member: inner 0, and a place where a range may start
        while True:
            offset, inner = stream.position()
            key = 0 if first else inner
            try:
                stream.skip_newlines()
                if not stream.peek(1):
                    if stream.next_member() is None:
                        self.reached_eof = True
                        return
                    first = True
                    continue
                offset, inner = stream.position()
                key = 0 if first else inner
                parsed = self._parse(offset, key)
            except _BadRecord as exc:
                where = f" (at byte {key} of the member)" if key else ""
                yield offset, key, Reject(self.path, offset, exc.reason, exc.detail + where)
                first = False
                resumed = yield from self._resync(offset, inner, rewind=True)
                if resumed is None:
                    return
                first = resumed
                continue
            except _Corrupt as exc:
                yield offset, key, Reject(self.path, exc.offset, exc.reason, exc.detail)
                if not self._scan_members(exc.offset + 1, strict=False):
                    return
                first = True
                continue
            if parsed.clean and offset >= self.end and (first or not stream.gzipped):
                return  # the next range's first record
            first = False
            yield offset, key, parsed.item
            if not parsed.clean:
                garbage, at = stream.position()
                resumed = yield from self._resync(garbage, at, rewind=False)
                if resumed is None:
                    return
                first = resumed

    def _resync(self, offset: int, inner: int, rewind: bool) -> Generator[_Positioned, None, bool | None]:
        """After a bad record (`rewind`: the stream is past its start) or at trailing garbage: go to the next
        place that holds a record. Returns whether that place opens a gzip member, or None at the end.

        Trailing garbage becomes one `trailing_garbage` Reject; a gzip member that turns out to be corrupt
        on the way, a `corrupt_gzip` one."""
        stream = self.stream
        try:
            if not stream.gzipped:
                if not rewind:
                    detail = "the bytes after a record's end are not a WARC record"
                    yield offset, 0, Reject(self.path, offset, "trailing_garbage", detail)
                return False if self._scan_plain(offset + 1, strict=False) else None
            found = self._scan_inner(inner + 1 if rewind else inner, rewind)
            if not rewind:
                upto = stream.position()[1]
                detail = f"{upto - inner} bytes at byte {inner} of the gzip member are not a WARC record"
                yield offset, inner, Reject(self.path, offset, "trailing_garbage", detail)
            return not found  # False: a record inside this member; True: the member's end, then the next one
        except _Corrupt as exc:
            yield offset, inner, Reject(self.path, exc.offset, exc.reason, exc.detail)
            return True if self._scan_members(exc.offset + 1, strict=False) else None

    def _parse(self, offset: int, inner: int) -> _Parsed:
        """The record at the stream's position; raises _BadRecord or _Corrupt where it cannot be read."""
        stream = self.stream
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
        if length > self.max_record_bytes or headers["warc-type"].lower() not in self.body_types:
            skipped, tail = stream.skip(length)
            block = b""
        else:
            block = stream.read(length)
            skipped, tail = len(block), block[-2:]
        if skipped < length:
            raise _BadRecord("truncated_record", f"content block has {skipped} of {length} bytes")
        clean = _check_trailer(stream, tail)
        if length > self.max_record_bytes:
            return _Parsed(self._oversize(offset, length, headers), clean)
        return _Parsed(WarcRecord(offset=offset, inner=inner, headers=headers, block=block), clean)

    def _validates(self) -> bool:
        """Does the record at the stream's position parse, with its Content-Length landing on the next record
        or the end of the member or file? (Consumes it.)"""
        offset, inner = self.stream.position()
        try:
            return self._parse(offset, inner).clean
        except (_BadRecord, _Corrupt):
            return False

    def _looks_like_record(self) -> bool:
        """A version line and headers with WARC-Type and Content-Length at the stream's position, so that
        damage further on is this record's to report. (Reads nothing: the headers are peeked at.)"""
        probe = _Stream(io.BytesIO(self.stream.peek(MAX_HEADER_LINE)), gzipped=False)
        if not _WARC_LINE.fullmatch(probe.readline(MAX_HEADER_LINE)):
            return False
        try:
            headers = _read_warc_headers(probe)
            return "warc-type" in headers and int(headers["content-length"]) >= 0
        except (_BadRecord, KeyError, ValueError):
            return False

    def _scan_members(self, start: int, strict: bool) -> bool:
        """Enter the first gzip member at or after `start` that holds a record: `strict`, one that validates
        and starts before `end` (where a range starts); else one that looks like a record (resynchronising)."""
        limit = self.end if strict else float("inf")
        position = start
        while position < limit:
            self.handle.seek(position)
            window = self.handle.read(CHUNK)
            if len(window) < len(GZIP_MAGIC):
                return False
            k = window.find(GZIP_MAGIC)
            while k >= 0:
                candidate = position + k
                if candidate >= limit:
                    return False
                self.stream.enter(candidate)
                try:
                    self.stream.skip_newlines()
                    holds = self._validates() if strict else self._looks_like_record()
                except _Corrupt:
                    holds = False
                if holds:
                    self.stream.enter(candidate)
                    return True
                k = window.find(GZIP_MAGIC, k + 1)
            position += len(window) - (len(GZIP_MAGIC) - 1)
        return False

    def _scan_plain(self, start: int, strict: bool) -> bool:
        """Move to the first record of an uncompressed file at or after `start`, as `_scan_members` picks."""
        stream = self.stream
        stream.enter(max(0, start - _SCAN_OVERLAP))
        while stream.find_boundary(start):
            offset, _ = stream.position()
            if strict and offset >= self.end:
                return False
            if not strict and self._looks_like_record():
                return True
            if strict and self._validates():
                stream.enter(offset)
                return True
            start = offset + 1
            if strict:
                stream.enter(max(0, start - _SCAN_OVERLAP))
        return False

    def _scan_inner(self, start: int, rewind: bool) -> bool:
        """Move to the first place at or after `start` in the current gzip member that looks like a record;
        False (at the member's end) if there is none. `rewind` first goes back to `start`."""
        stream = self.stream
        if rewind:
            stream.rewind(max(0, start - _SCAN_OVERLAP))
        while stream.find_boundary(start):
            if self._looks_like_record():
                return True
            start = stream.position()[1] + 1
        return False


def _read_warc_headers(stream: _Stream) -> dict[str, str]:
    """Headers by lower-cased name (the first of repeated names); a line without a colon is skipped, as
    FastWARC and warcio skip it."""
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
        if not colon:
            last = ""
            continue
        if not name.strip():
            raise _BadRecord("bad_warc_header", f"header line without a name: {line[:60]!r}")
        last = name.strip().decode("latin-1").lower()
        headers.setdefault(last, value.strip().decode("utf-8", "replace"))


def _check_trailer(stream: _Stream, tail: bytes) -> bool:
    """A record ends with a blank line and then the next `WARC/` line or the end of its member: True.
    False when the blank line is followed by something else (trailing garbage after a good record)."""
    newlines = stream.skip_newlines()
    following = stream.peek(6)
    if not following:
        return True
    terminated = (tail + newlines).endswith((b"\n\n", b"\n\r\n"))
    if terminated and _WARC_START.match(following):
        return True
    if terminated:
        return False
    raise _BadRecord("bad_content_length", "the record does not end where its Content-Length says")
