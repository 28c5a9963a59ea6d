"""HTTP payloads of WARC records to text: status and headers, transfer and content codings, charset, HTML.

Headers: a malformed header line (no colon, or white space in the name) is skipped and counted in
`HttpResponse.bad_header_lines`, as warcio skips it; only a garbage status line, or no end of the headers,
makes the payload unreadable (`bad_http_header`).

Charset, in HTML5's encoding-sniffing order: a byte-order mark; then UTF-16 recognised from the pattern of NUL
bytes (HTML markup is mostly ASCII, so every other byte is NUL); then the transport layer's charset (HTTP
Content-Type); then the page's <meta charset>; then detection. A UTF-16 label that the bytes contradict is
ignored. Decoding never raises: bytes invalid in the chosen encoding fall back to UTF-8, then Windows-1252,
then replacement characters.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding, map_encoding_to_html5
from resiliparse.parse.html import HTMLTree

MAX_HEAD_BYTES = 1024 * 1024  # the HTTP status line and headers of one response
_HTTP_STATUS = re.compile(rb"HTTP/\d(?:\.\d)?\s+(\d{3})")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_UTF16_SNIFF_BYTES = 1024


class BadPayload(Exception):
    """The payload cannot be read; `reason` is the Reject reason."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names, the first of repeated ones
    body: bytes = b""
    bad_header_lines: int = 0  # malformed header lines skipped (a repair to count)


def parse_http_response(block: bytes) -> HttpResponse:
    """Split an HTTP response into status, headers and body; a garbage status line → BadPayload."""
    match = _HEAD_END.search(block, 0, MAX_HEAD_BYTES + 4)  # endpos, not a slice: no copy of the body
    if match is None:
        raise BadPayload("bad_http_header", "no end of the HTTP headers")
    head, body = block[: match.start()], block[match.end() :]
    lines = head.split(b"\n")
    status = _HTTP_STATUS.match(lines[0].strip())
    if status is None:
        raise BadPayload("bad_http_header", f"bad HTTP status line: {lines[0][:60]!r}")
    headers: dict[str, str] = {}
    last = ""
    bad = 0
    for raw in lines[1:]:
        line = raw.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and last:
            headers[last] += " " + line.strip().decode("latin-1")
            continue
        name, colon, value = line.partition(b":")
        name = name.strip()
        if not colon or not name or b" " in name or b"\t" in name:
            bad, last = bad + 1, ""
            continue
        last = name.decode("latin-1").lower()
        headers.setdefault(last, value.strip().decode("latin-1"))
    return HttpResponse(int(status.group(1)), headers, body, bad)


def declared_type(response: HttpResponse) -> str:
    """The MIME type of the HTTP Content-Type header, without parameters; '' when there is none."""
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def decode_payload(response: HttpResponse, limit: int) -> bytes:
    """The payload with transfer and content codings undone (bounded by `limit`), as a browser would see it."""
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
    raise BadPayload("undecodable_payload", f"cannot undo Content-Encoding {coding!r}")


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
        raise BadPayload("oversize", f"decoded payload exceeds max_record_bytes {limit}")
    return out


def _looks_like_markup(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def sniff_encoding(payload: bytes, content_type: str = "") -> tuple[str, bool]:
    """The encoding to decode a page with, and whether the bytes themselves said so (a BOM or UTF-16's
    NUL pattern, which no label can overrule)."""
    for bom, encoding in _BOMS:
        if payload.startswith(bom):
            return encoding, True
    utf16 = _utf16_from_nuls(payload)
    if utf16:
        return utf16, True
    declared = _declared_charset(content_type)
    if declared and not declared.startswith("utf-16"):  # UTF-16 without its NUL pattern is a wrong label
        return declared, False
    return detect_encoding(payload, from_html_meta=True), False


def _utf16_from_nuls(payload: bytes) -> str | None:
    """UTF-16 without a BOM: many NULs in the odd (LE) or even (BE) bytes and almost none in the others."""
    sample = payload[: _UTF16_SNIFF_BYTES & ~1]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _declared_charset(content_type: str) -> str | None:
    match = _CHARSET.search(content_type)
    return map_encoding_to_html5(match.group(1), fallback_utf8=False) if match else None


def decode_html(payload: bytes, content_type: str = "") -> str:
    """Bytes to text in the encoding `sniff_encoding` picks; never raises (see the module docstring)."""
    encoding, from_bytes = sniff_encoding(payload, content_type)
    fallbacks = () if from_bytes else ("utf-8", "cp1252")  # a BOM or NUL pattern is not second-guessed
    try:
        return bytes_to_str(payload, encoding, errors="replace", fallback_encodings=fallbacks)
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
