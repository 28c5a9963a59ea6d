"""What a reader yields besides documents: a Reject (input that could not be parsed, kept with its location and
reason instead of crashing a job) or a Skip (a record left out on purpose, counted by reason)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Reject:
    source_file: str
    offset: int | None  # byte offset of the record in source_file, where known
    reason: str  # short, stable, counter-friendly: "corrupt_gzip", "bad_http_header", "oversize", ...
    detail: str = ""  # the exception text or a short excerpt, for a human reading the rejects file
    record_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def sort_key(self) -> tuple:
        offset = self.offset if self.offset is not None else -1
        return (self.source_file, offset, self.reason, self.detail, self.record_id or "")


@dataclass(frozen=True)
class Skip:
    """A record or document left out on purpose; `reason` is the counter name (`skipped:request`, ...).
    `repaired` names what was repaired on the way (as `Document.meta["repaired"]` does for a document)."""

    reason: str
    repaired: tuple[str, ...] = ()
