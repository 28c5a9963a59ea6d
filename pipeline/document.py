"""The Document record and its one Arrow schema, shared by every stage's Parquet output."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

SOURCES = ("commoncrawl", "c4", "github", "wikipedia", "books", "arxiv", "stackexchange")

SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("timestamp", pa.timestamp("us", tz="UTC")),
        pa.field("language", pa.string()),
        pa.field("language_score", pa.float64()),
        pa.field("perplexity", pa.float64()),
        pa.field("bucket", pa.string()),
        pa.field("signals", pa.map_(pa.string(), pa.float64())),
        pa.field("meta", pa.map_(pa.string(), pa.string())),
    ]
)


def make_doc_id(source: str, source_file: str, record_key: str | int) -> str:
    """Stable id from where the document came from, never from run order.

    Only the file's base name enters the hash, so the same file read from a local path or a
    bucket URL yields the same ids.
    """
    base = source_file.rstrip("/").rsplit("/", 1)[-1]
    digest = hashlib.sha1(f"{source}\x1f{base}\x1f{record_key}".encode()).hexdigest()[:20]
    return f"{source}-{digest}"


@dataclass
class Document:
    id: str
    source: str
    text: str
    url: str | None = None
    timestamp: datetime | None = None
    language: str | None = None
    language_score: float | None = None
    perplexity: float | None = None
    bucket: str | None = None
    signals: dict[str, float] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        """A row for `pa.Table.from_pylist(rows, schema=SCHEMA)`; maps are sorted for byte-stable files."""
        return {
            "id": self.id,
            "source": self.source,
            "text": self.text,
            "url": self.url,
            "timestamp": self.timestamp,
            "language": self.language,
            "language_score": self.language_score,
            "perplexity": self.perplexity,
            "bucket": self.bucket,
            "signals": sorted((k, float(v)) for k, v in self.signals.items()),
            "meta": sorted((k, str(v)) for k, v in self.meta.items()),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Document:
        def as_dict(value: Any) -> dict:
            if value is None:
                return {}
            return dict(value) if not isinstance(value, dict) else value

        ts = row.get("timestamp")
        if ts is not None and ts.tzinfo is None:
            ts = ts.replace(tzinfo=UTC)
        return cls(
            id=row["id"],
            source=row["source"],
            text=row["text"],
            url=row.get("url"),
            timestamp=ts,
            language=row.get("language"),
            language_score=row.get("language_score"),
            perplexity=row.get("perplexity"),
            bucket=row.get("bucket"),
            signals=as_dict(row.get("signals")),
            meta=as_dict(row.get("meta")),
        )


def parse_timestamp(value: str | None) -> datetime | None:
    """ISO-8601 (as in WARC-Date) to an aware UTC datetime; None when absent or unparseable."""
    if not value:
        return None
    try:
        ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
