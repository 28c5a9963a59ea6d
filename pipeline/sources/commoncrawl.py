"""CommonCrawl: WARC and WET records to Documents; every other outcome is a counted Skip or a Reject.

Reading records (byte ranges, damage, locations) is `pipeline.sources.warc`; HTTP payloads to text is
`pipeline.sources.http`. What is CommonCrawl's own: which records become documents (`response` records whose
payload is HTML, `conversion` records of WET files), the document id (source file name + record offset), and
the meta fields. Headers are read by name, never by position (post-2020 WET files add headers; RECIPE.md
§2.2, §5 item 2).

Repairs: a page read despite a malformed HTTP header line is kept and marked, so the ingest job can count
`repaired:<what>` (see `repair_counters`).
"""

from __future__ import annotations

from collections.abc import Iterator

from resiliparse.parse.html import HTMLParserException

from pipeline.document import Document, make_doc_id, parse_timestamp
from pipeline.rejects import Reject, Skip
from pipeline.sources.http import (
    BadPayload,
    HttpResponse,
    declared_type,
    decode_html,
    decode_payload,
    decode_wet_text,
    html_to_text,
    looks_like_html,
    parse_http_response,
)
from pipeline.sources.warc import DEFAULT_MAX_RECORD_BYTES, WarcRecord, file_size, plan_splits, read_records

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "REPAIRED_META",
    "SOURCE",
    "Skip",
    "WarcRecord",
    "file_size",
    "payload_type",
    "plan_splits",
    "read_documents",
    "read_records",
    "record_to_document",
    "repair_counters",
]

SOURCE = "commoncrawl"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REPAIRED_META = "repaired"  # Document.meta key: comma-separated repairs made while reading the record
HTTP_HEADER = "http_header"  # a malformed HTTP header line was skipped


def repair_counters(outcome: Document | Skip | Reject) -> list[str]:
    """Counter names (`repaired:http_header`, ...) for the repairs made while reading one record."""
    if isinstance(outcome, Skip):
        repaired = outcome.repaired
    elif isinstance(outcome, Document) and outcome.meta.get(REPAIRED_META):
        repaired = tuple(outcome.meta[REPAIRED_META].split(","))
    else:
        repaired = ()
    return [f"repaired:{what}" for what in repaired]


def record_to_document(
    record: WarcRecord,
    source_file: str,
    min_length: int = 300,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
) -> Document | Skip | Reject:
    """A response or conversion record to a Document; every other outcome is a counted Skip or a Reject."""
    record_type = record.type
    repaired: tuple[str, ...] = ()
    if record_type == "response":
        outcome, repaired = _response_text(record, max_record_bytes)
    elif record_type == "conversion":
        outcome = decode_wet_text(record.block)
    else:
        return Skip(f"skipped:{record_type or 'unknown'}")
    if isinstance(outcome, Skip):
        return Skip(outcome.reason, repaired)
    if isinstance(outcome, BadPayload):
        return Reject(
            source_file, record.offset, outcome.reason, outcome.detail, record.header("warc-record-id")
        )
    if len(outcome) < min_length:
        return Skip("dropped:too_short", repaired)
    meta = _record_meta(record, source_file)
    if repaired:
        meta[REPAIRED_META] = ",".join(repaired)
    return Document(
        id=make_doc_id(SOURCE, source_file, record.key),
        source=SOURCE,
        text=outcome,
        url=_target_uri(record),
        timestamp=parse_timestamp(record.header("warc-date")),
        meta=meta,
    )


def payload_type(record: WarcRecord, response: HttpResponse) -> str:
    """The payload's MIME type: CommonCrawl's sniffed type, else the HTTP Content-Type, else sniffed here."""
    identified = (record.header("warc-identified-payload-type") or "").strip().lower()
    if identified:
        return identified
    return declared_type(response) or ("text/html" if looks_like_html(response.body) else "")


def _response_text(
    record: WarcRecord, max_record_bytes: int
) -> tuple[str | Skip | BadPayload, tuple[str, ...]]:
    """The main text of a response record (or why there is none), and the repairs made reading it."""
    warc_content_type = (record.header("content-type") or "application/http").lower()
    if not warc_content_type.startswith("application/http"):
        return Skip("skipped:non_html"), ()  # e.g. dns: records, stored as text/dns
    try:
        response = parse_http_response(record.block)
    except BadPayload as exc:
        return exc, ()
    repaired = (HTTP_HEADER,) if response.bad_header_lines else ()
    if not 200 <= response.status < 300:
        return Skip("skipped:http_status"), repaired
    if payload_type(record, response) not in HTML_TYPES:
        return Skip("skipped:non_html"), repaired
    try:
        payload = decode_payload(response, max_record_bytes)
        return html_to_text(decode_html(payload, response.headers.get("content-type", ""))), repaired
    except BadPayload as exc:
        return exc, repaired
    except HTMLParserException as exc:
        return BadPayload("undecodable_payload", f"HTML parser failed: {exc}"), repaired


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
