"""The CommonCrawl source without Beam: records to Documents, Skips and Rejects on the samples and on small
files written with warcio. Framing and damage are in test_warc.py, HTTP and charsets in test_http.py."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from cc_fixtures import PROSE, SAMPLE_PLAIN_WARC, SAMPLE_WARC, SAMPLE_WET, WarcBuilder, html_page
from warcio.statusandheaders import StatusAndHeaders

from pipeline.document import Document, make_doc_id
from pipeline.rejects import Reject
from pipeline.sources.commoncrawl import (
    Skip,
    WarcRecord,
    read_documents,
    record_to_document,
    repair_counters,
)


def outcomes(path: Path | str, **kwargs) -> list[Document | Skip | Reject]:
    return [outcome for _, outcome in read_documents(str(path), **kwargs)]


def documents(path: Path | str, **kwargs) -> list[Document]:
    return [o for o in outcomes(path, **kwargs) if isinstance(o, Document)]


def reasons(items) -> list[str]:
    return [o.reason for o in items if isinstance(o, (Skip, Reject))]


# ---- the bundled samples ----------------------------------------------------------------------------------


def test_sample_warc_yields_pages_skips_and_rejects_in_order():
    items = outcomes(SAMPLE_WARC)
    docs = [o for o in items if isinstance(o, Document)]
    assert len(docs) == 24
    counts = {r: reasons(items).count(r) for r in set(reasons(items))}
    assert counts["skipped:warcinfo"] == 1
    assert counts["skipped:non_html"] == 2  # the PNG and the PDF
    assert counts["skipped:http_status"] == 1
    assert counts["skipped:revisit"] == 1
    assert counts["dropped:too_short"] == 2  # a short page, and the page with a repaired HTTP header
    assert counts["corrupt_gzip"] == 1 and counts["oversize"] == 1 and "bad_http_header" not in counts
    corrupt = next(o for o in items if isinstance(o, Reject) and o.reason == "corrupt_gzip")
    assert corrupt.offset > 0 and corrupt.source_file == str(SAMPLE_WARC)
    # records after the damaged member are still read, up to the last one
    after = [d for d in docs if int(d.meta["offset"]) > corrupt.offset]
    assert len(after) >= 15
    assert any(d.url.endswith("/caffe.html") for d in after)


def test_sample_page_with_a_malformed_http_header_is_read_and_counted_as_repaired():
    (repaired,) = [o for o in outcomes(SAMPLE_WARC) if repair_counters(o)]
    assert repaired == Skip("dropped:too_short", ("http_header",))  # its text is one short sentence
    assert repair_counters(repaired) == ["repaired:http_header"]


def test_sample_wet_and_plain_warc():
    wet = documents(SAMPLE_WET)
    assert len(wet) == 10
    assert sum("cc_language" in d.meta for d in wet) == 5  # half carry the post-2020 header
    plain = documents(SAMPLE_PLAIN_WARC)
    assert len(plain) == 6
    texts = {d.url.rsplit("/", 1)[-1]: d.text for d in plain}
    assert "handwritten envelope" in texts["letters.html"]  # chunked transfer coding undone
    assert "Chorleiterin" in texts["chor.html"]  # gzip content coding undone


def test_document_fields():
    doc = documents(SAMPLE_WARC)[0]
    assert doc.id == make_doc_id("commoncrawl", str(SAMPLE_WARC), doc.meta["offset"])
    assert doc.source == "commoncrawl"
    assert doc.url.startswith("http://en.sample-notebook.test/")
    assert doc.timestamp is not None and doc.timestamp.year == 2023
    assert doc.meta["cc_segment"] == "crawl-00000.warc.gz"
    assert doc.meta["warc_record_id"].startswith("<urn:uuid:")
    assert doc.meta["digest"].startswith("sha1:")
    assert doc.meta["warc_type"] == "response"
    assert "repaired" not in doc.meta and repair_counters(doc) == []
    # main content only: the site's navigation and footer are not in the text
    assert "Newsletter" not in doc.text and "Privacy" not in doc.text
    assert doc.language is None  # language ID is a later step


def test_sample_charset_pages_decode_correctly():
    texts = {d.url.rsplit("/", 1)[-1]: d.text for d in documents(SAMPLE_WARC)}
    assert "Gärkörbchen" in texts["brot.html"]  # ISO-8859-1, declared by <meta> only
    assert "à vélo" in texts["velo.html"]  # windows-1252, declared by the HTTP header only
    assert "balcón" in texts["huerto.html"]  # unknown charset in the header, UTF-8 in <meta>


# ---- responses --------------------------------------------------------------------------------------------


def test_a_page_with_a_malformed_http_header_line_is_kept_and_marked(tmp_path):
    builder = WarcBuilder()
    http = StatusAndHeaders("200 OK\r\nContent-Type text/html", [("Server", "x")], protocol="HTTP/1.1")
    body = html_page().encode()
    builder.writer.write_record(
        builder.writer.create_warc_record(
            "http://example.test/repaired",
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http,
        )
    )
    builder.response("http://example.test/garbage-status", html_page().encode(), status="")
    items = outcomes(builder.write(tmp_path / "headers.warc.gz"))
    doc = items[0]
    assert isinstance(doc, Document) and PROSE in doc.text
    assert doc.meta["repaired"] == "http_header" and repair_counters(doc) == ["repaired:http_header"]
    assert reasons(items[1:]) == ["bad_http_header"]  # a status line that is garbage stays a Reject


def test_non_html_is_skipped_by_http_or_identified_type(tmp_path):
    builder = WarcBuilder()
    builder.response("http://example.test/data.json", b'{"a": 1}', content_type="application/json")
    builder.response(  # CC's sniffed payload type wins over what the server claimed
        "http://example.test/photo", b"\xff\xd8\xff\xe0", content_type="text/html",
        warc_extra={"WARC-Identified-Payload-Type": "image/jpeg"},
    )  # fmt: skip
    builder.response("http://example.test/no-type", html_page().encode(), content_type="")
    items = outcomes(builder.write(tmp_path / "types.warc.gz"))
    assert reasons(items) == ["skipped:non_html", "skipped:non_html"]
    assert isinstance(items[2], Document)  # no Content-Type: sniffed as HTML


def test_undecodable_content_encoding_is_a_reject(tmp_path):
    builder = WarcBuilder()
    builder.response(
        "http://example.test/br", b"\x8b\x02\x80\x1f\x00\x01", http_extra=[("Content-Encoding", "br")]
    )
    builder.response(
        "http://example.test/bad-gzip",
        b"\x1f\x8b\x08\x00" + b"\x00" * 20,
        http_extra=[("Content-Encoding", "gzip")],
    )
    assert reasons(outcomes(builder.write(tmp_path / "enc.warc.gz"))) == ["undecodable_payload"] * 2


def test_utf16_pages_become_text_not_markup(tmp_path):
    page = html_page()
    builder = WarcBuilder()
    builder.response("http://example.test/bom", b"\xff\xfe" + page.encode("utf-16-le"))  # says utf-8
    builder.response("http://example.test/nobom", page.encode("utf-16-le"), content_type="text/html")
    docs = outcomes(builder.write(tmp_path / "utf16.warc.gz"))
    assert [d.text for d in docs] == ["Morning at the harbour\n" + PROSE] * 2


# ---- WET --------------------------------------------------------------------------------------------------


def test_wet_headers_are_read_by_name_before_and_after_2020(tmp_path):
    builder = WarcBuilder()
    builder.conversion("http://example.test/old", PROSE)  # pre-2020 layout
    builder.conversion(  # post-2020: an extra header in the middle shifts every position
        "http://example.test/new", PROSE,
        warc_extra={"WARC-Identified-Content-Language": "eng,fra", "WARC-Refers-To": "<urn:uuid:x>"},
    )  # fmt: skip
    builder.conversion("http://example.test/short", "Too short.")
    docs = outcomes(builder.write(tmp_path / "seg.warc.wet.gz"))
    assert [type(d).__name__ for d in docs] == ["Document", "Document", "Skip"]
    assert "cc_language" not in docs[0].meta and docs[1].meta["cc_language"] == "eng,fra"
    assert docs[0].text == docs[1].text == PROSE
    assert docs[0].meta["digest"].startswith("sha1:")
    assert docs[2].reason == "dropped:too_short"


def test_min_length_is_configurable(tmp_path):
    path = WarcBuilder().conversion("http://example.test/a", "x" * 120).write(tmp_path / "a.wet.gz")
    assert reasons(outcomes(path)) == ["dropped:too_short"]
    assert len(documents(path, min_length=100)) == 1


def test_uncompressed_wet_with_lf_line_endings(tmp_path):
    body = PROSE.encode()
    record = (
        b"WARC/1.0\nWARC-Type: conversion\nWARC-Target-URI: http://example.test/lf\nWARC-Date: "
        + b"2019-03-18T00:00:00Z"
        b"\nContent-Type: text/plain\nContent-Length: " + str(len(body)).encode() + b"\n\n" + body + b"\n\n"
    )
    path = tmp_path / "lf.wet"
    path.write_bytes(record * 3)
    docs = documents(path)
    assert len(docs) == 3 and docs[0].text == PROSE
    assert [d.meta["offset"] for d in docs] == [str(i * len(record)) for i in range(3)]


def test_other_record_types_are_skipped_by_type():
    for record_type in ("request", "metadata", "revisit", "warcinfo", "resource"):
        record = WarcRecord(offset=0, inner=0, headers={"warc-type": record_type})
        assert record_to_document(record, "f.warc.gz") == Skip(f"skipped:{record_type}")


def test_an_empty_file_is_counted(tmp_path):
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    assert [(record, o.reason) for record, o in read_documents(str(path))] == [(None, "empty_file")]
