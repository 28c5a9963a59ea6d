"""C4: allenai/c4 JSON lines to Documents, kept exactly as released (LLaMA used C4 as published, RECIPE.md
§1.2, §3.6, §6 item 6); every line that cannot be one is a Reject with its file, line number and byte offset.

Files: `c4-train.NNNNN-of-01024.json.gz` (one gzip stream per file) or the same lines uncompressed. A file is
gzip when it starts with the gzip magic, whatever its name. One JSON object per line: `text`, `url`,
`timestamp` (ISO, `2019-04-25T12:57:54Z`, or as some re-saved copies have it, `2019-04-25 12:57:54`; both are
UTC). Other keys are ignored.

The lines are read by pipeline/sources/jsonl.py (ranges, gzip, oversize and blank lines, bad encoding and JSON,
file-level rejects, positions); this module turns each object into a Document or a Reject:
    no_text         no `text` key                   bad_text        `text` is not a string
    empty_text      `text` is empty or only whitespace
    bad_url         `url` is not a string           bad_timestamp   `timestamp` not a string, or unparseable
A missing `url` or `timestamp` is allowed (the field is left empty).
A Document's id is make_doc_id("c4", file, offset): split-independent, as every id in the pipeline; its meta
holds `file` (base name) and `offset`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.document import Document, make_doc_id, parse_timestamp
from pipeline.rejects import Reject, Skip
from pipeline.sources import jsonl
from pipeline.sources.jsonl import DETAIL, FILE_REASONS, is_gzip, plan_splits

__all__ = [
    "DEFAULT_MAX_LINE_BYTES",
    "FILE_REASONS",
    "SOURCE",
    "is_gzip",
    "parse_line",
    "plan_splits",
    "read_documents",
]

SOURCE = "c4"
DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024


def parse_line(data: bytes, source_file: str, offset: int) -> Document | Skip | tuple[str, str]:
    """One line (without its newline) to a Document, the blank-line Skip, or its Reject's (reason, detail)."""
    return jsonl.parse_line(data, source_file.rstrip("/").rsplit("/", 1)[-1], offset, parse_record)


def parse_record(record: dict[str, Any], base: str, offset: int) -> Document | tuple[str, str]:
    """One C4 object to a Document, exactly as released, or its Reject's (reason, detail)."""
    text = jsonl.record_text(record)
    if isinstance(text, tuple):
        return text
    url = record.get("url")
    if url is not None and type(url) is not str:
        return "bad_url", f"url is a JSON {type(url).__name__}"
    stamp = record.get("timestamp")
    timestamp = None
    if stamp is not None:
        timestamp = parse_timestamp(stamp) if type(stamp) is str else None
        if timestamp is None:
            return "bad_timestamp", f"timestamp: {str(stamp)[:DETAIL]!r}"
    return Document(
        id=make_doc_id(SOURCE, base, offset),
        source=SOURCE,
        text=text,
        url=url or None,
        timestamp=timestamp,
        meta={"file": base, "offset": str(offset)},
    )


def read_documents(
    path: str, start: int = 0, end: int | None = None, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[Document | Skip | Reject]:
    """The lines of one range of one file, in order: a Document, a Skip or a Reject per line, plus the
    file-level Rejects (FILE_REASONS) where the file itself is bad."""
    yield from jsonl.read_lines(path, start, end, max_line_bytes, parse_record)
