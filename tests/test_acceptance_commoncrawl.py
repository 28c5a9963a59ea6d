"""The CommonCrawl reader on real third-party files in ../shared/data/commoncrawl (skipped when absent)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cc_fixtures import SHARED_CC, exact_reader_only, whole_file
from warcio.archiveiterator import ArchiveIterator

from filters.langid import LanguageIdentifier
from pipeline.document import Document
from pipeline.rejects import Reject
from pipeline.sources import warc
from pipeline.sources.commoncrawl import Skip, plan_splits, read_documents, read_records

pytestmark = pytest.mark.acceptance

if not SHARED_CC.is_dir():
    pytest.skip(f"shared CommonCrawl data not found at {SHARED_CC}", allow_module_level=True)

ARCHIVES = sorted(
    p
    for p in SHARED_CC.iterdir()
    if p.name.endswith((".warc", ".warc.gz", ".wet.gz", ".wet.txt")) and ".wat." not in p.name
)


def warcio_types(path: Path) -> dict[str, int] | None:
    """Record types as warcio counts them; None where warcio itself cannot read the file."""
    counts: dict[str, int] = {}
    try:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                counts[record.rec_type] = counts.get(record.rec_type, 0) + 1
    except Exception:  # warcio raises its own parse errors on non-conforming files
        return None
    return counts


@pytest.mark.parametrize("path", ARCHIVES, ids=lambda p: p.name)
def test_every_file_reads_without_a_crash_and_like_warcio(path):
    outcomes = list(read_documents(str(path)))
    assert all(isinstance(o, (Document, Skip, Reject)) for _, o in outcomes)
    ours: dict[str, int] = {}
    for record, _ in outcomes:
        if record is not None:
            ours[record.type] = ours.get(record.type, 0) + 1
    expected = warcio_types(path)
    if expected is not None:
        assert ours == expected
        assert not [o for _, o in outcomes if isinstance(o, Reject) and o.reason != "bad_http_header"]


@pytest.mark.parametrize("path", ARCHIVES, ids=lambda p: p.name)
def test_ranges_read_the_same_records_as_the_whole_file(path):
    whole = whole_file(path)
    for split_bytes in (4096, 30_000):
        ranges = [
            i for _, s, e in plan_splits(str(path), split_bytes) for i in whole_file(path, start=s, end=e)
        ]
        assert ranges == whole


@pytest.mark.parametrize("path", ARCHIVES, ids=lambda p: p.name)
def test_fastwarc_reads_what_the_exact_reader_reads(path, monkeypatch):
    with_fastwarc = whole_file(path)
    monkeypatch.setattr(warc._RangeReader, "_fast", exact_reader_only)
    assert whole_file(path) == with_fastwarc


def cld2_labels(path: Path) -> dict[str, str]:
    """CommonCrawl's own CLD2 language per response record id, from the `metadata` records."""
    labels = {}
    for record in read_records(str(path), body_types=frozenset({"metadata"})):
        for line in record.block.decode("utf-8", "replace").splitlines():
            if line.startswith("languages-cld2:"):
                detected = json.loads(line.split(":", 1)[1]).get("languages") or []
                if detected:
                    labels[record.header("warc-concurrent-to")] = detected[0]["code"].split("-")[0]
    return labels


def test_language_agrees_with_commoncrawl_cld2():
    path = SHARED_CC / "resiliparse_CC-MAIN-2020-34_excerpt.warc.gz"
    labels = cld2_labels(path)
    identifier = LanguageIdentifier()
    docs = [o for _, o in read_documents(str(path), min_length=300) if isinstance(o, Document)]
    compared = [(identifier.predict(d.text)[0], labels[d.meta["warc_record_id"]]) for d in docs]
    assert len(compared) >= 8
    agree = sum(ours == theirs for ours, theirs in compared)
    assert agree / len(compared) >= 0.9, compared


def test_text_from_warc_matches_commoncrawl_wet():
    warc = [
        o
        for _, o in read_documents(str(SHARED_CC / "whirlwind_CC-MAIN-2024-22.warc.gz"))
        if isinstance(o, Document)
    ]
    wet = [
        o
        for _, o in read_documents(str(SHARED_CC / "whirlwind_CC-MAIN-2024-22.warc.wet.gz"))
        if isinstance(o, Document)
    ]
    assert len(warc) == len(wet) == 1 and warc[0].url == wet[0].url
    assert wet[0].meta["cc_language"] == "spa"

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    ours, theirs = words(warc[0].text), set(words(wet[0].text))
    assert len(ours) > 100
    assert sum(w in theirs for w in ours) / len(ours) >= 0.8
