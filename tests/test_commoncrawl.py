"""The CommonCrawl reader and extractor, without Beam: samples, splits, damage, headers, charsets, WET."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from cc_fixtures import (
    PROSE,
    SAMPLE_FILES,
    SAMPLE_PLAIN_WARC,
    SAMPLE_WARC,
    SAMPLE_WET,
    WarcBuilder,
    html_page,
    whole_file,
)
from warcio.archiveiterator import ArchiveIterator

from pipeline.document import Document, make_doc_id
from pipeline.rejects import Reject
from pipeline.sources.commoncrawl import (
    HttpResponse,
    Skip,
    decode_html,
    decode_payload,
    parse_http_response,
    plan_splits,
    read_documents,
    read_records,
    record_to_document,
)


def outcomes(path: Path | str, **kwargs) -> list[Document | Skip | Reject]:
    return [outcome for _, outcome in read_documents(str(path), **kwargs)]


def documents(path: Path | str, **kwargs) -> list[Document]:
    return [o for o in outcomes(path, **kwargs) if isinstance(o, Document)]


def reasons(items) -> list[str]:
    return [o.reason for o in items if isinstance(o, (Skip, Reject))]


def warcio_offsets(data: bytes) -> list[int]:
    iterator = ArchiveIterator(BytesIO(data))
    offsets = []
    for _ in iterator:
        offsets.append(iterator.get_record_offset())
    return offsets


def build_pages(n: int, gzip: bool = True) -> WarcBuilder:
    builder = WarcBuilder(gzip=gzip)
    for i in range(n):
        url = f"http://example.test/page-{i}"
        builder.request(url).response(url, html_page(f"Page number {i}. {PROSE}").encode())
    return builder


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
    assert counts["dropped:too_short"] == 1
    assert counts["corrupt_gzip"] == 1 and counts["bad_http_header"] == 1 and counts["oversize"] == 1
    corrupt = next(o for o in items if isinstance(o, Reject) and o.reason == "corrupt_gzip")
    assert corrupt.offset > 0 and corrupt.source_file == str(SAMPLE_WARC)
    # records after the damaged member are still read, up to the last one
    after = [d for d in docs if int(d.meta["offset"]) > corrupt.offset]
    assert len(after) >= 15
    assert any(d.url.endswith("/caffe.html") for d in after)


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
    # main content only: the site's navigation and footer are not in the text
    assert "Newsletter" not in doc.text and "Privacy" not in doc.text
    assert doc.language is None  # language ID is a later step


def test_response_offsets_match_warcio():
    data = SAMPLE_PLAIN_WARC.read_bytes()
    ours = [r.offset for r in read_records(str(SAMPLE_PLAIN_WARC))]
    assert ours == warcio_offsets(data)


# ---- splits -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("split_bytes", [4096, 7919, 20_000, 1 << 20])
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_reading_all_ranges_equals_reading_the_whole_file(path, split_bytes):
    splits = plan_splits(str(path), split_bytes)
    assert splits[0][1] == 0 and splits[-1][2] == path.stat().st_size
    assert all(a[2] == b[1] for a, b in zip(splits, splits[1:], strict=False))
    from_ranges = [item for _, start, end in splits for item in whole_file(path, start=start, end=end)]
    assert from_ranges == whole_file(path)


def test_large_files_split_into_many_ranges():
    assert len(plan_splits(str(SAMPLE_WARC), 8192)) == -(-SAMPLE_WARC.stat().st_size // 8192)
    assert len(plan_splits(str(SAMPLE_PLAIN_WARC), 8192)) > 1


def test_single_stream_gzip_is_one_range_with_inner_offsets(tmp_path):
    path = tmp_path / "single.warc.gz"
    path.write_bytes(gzip.compress(SAMPLE_PLAIN_WARC.read_bytes(), mtime=0))
    assert plan_splits(str(path), 4096) == [(str(path), 0, path.stat().st_size)]
    records = list(read_records(str(path)))
    plain = list(read_records(str(SAMPLE_PLAIN_WARC)))
    assert [r.inner for r in records] == [r.offset for r in plain]
    assert [r.block for r in records] == [r.block for r in plain]
    assert len({d.id for d in documents(path)}) == 6


# ---- damaged input ----------------------------------------------------------------------------------------


def damaged_cases(tmp_path: Path) -> dict[str, Path]:
    """Files with one kind of damage each, next to good records before and after it."""
    data = build_pages(6).data()
    offsets = warcio_offsets(data) + [len(data)]
    member = 5  # the third page's response
    start, end = offsets[member], offsets[member + 1]
    middle = (start + end) // 2
    cases = {
        "corrupt_member": data[:middle] + b"\x00" * 8 + data[middle + 8 :],
        "garbage_between_members": data[:start] + b"this is not gzip" * 4 + data[start:],
        "truncated_last_member": data[: len(data) - 40],
    }
    plain = build_pages(6, gzip=False).data()
    poffsets = warcio_offsets(plain)
    second = plain[poffsets[3] : poffsets[4]]
    length = int(second.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    longer = second.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length + 50), 1)
    cases["plain_long_content_length"] = plain[: poffsets[3]] + longer + plain[poffsets[4] :]
    cases["plain_missing_content_length"] = plain[: poffsets[3]] + second.replace(
        b"Content-Length: ", b"X-Length: ", 1
    ) + plain[poffsets[4] :]  # fmt: skip
    cases["plain_truncated"] = plain[:-100]
    paths = {}
    for name, content in cases.items():
        suffix = ".warc" if name.startswith("plain") else ".warc.gz"
        paths[name] = tmp_path / f"{name}{suffix}"
        paths[name].write_bytes(content)
    return paths


EXPECTED_DAMAGE = {
    "corrupt_member": ("corrupt_gzip", 5),
    "garbage_between_members": ("bad_gzip_member", 6),
    "truncated_last_member": ("truncated_gzip", 5),
    "plain_long_content_length": ("bad_content_length", 5),
    "plain_missing_content_length": ("bad_warc_header", 5),
    "plain_truncated": ("truncated_record", 5),
}


@pytest.mark.parametrize("case", sorted(EXPECTED_DAMAGE))
def test_damage_becomes_one_reject_and_reading_goes_on(tmp_path, case):
    path = damaged_cases(tmp_path)[case]
    reason, pages = EXPECTED_DAMAGE[case]
    items = outcomes(path)
    rejects = [o for o in items if isinstance(o, Reject)]
    assert [r.reason for r in rejects] == [reason]
    assert rejects[0].source_file == str(path) and rejects[0].offset is not None
    assert len([o for o in items if isinstance(o, Document)]) == pages
    if case != "truncated_last_member" and case != "plain_truncated":
        assert any(d.url == "http://example.test/page-5" for d in items if isinstance(d, Document))


@pytest.mark.parametrize("split_bytes", [4096, 5000, 9999])
def test_ranges_agree_with_whole_file_on_damaged_files(tmp_path, split_bytes):
    for path in damaged_cases(tmp_path).values():
        whole = whole_file(path)
        ranges = [
            i for _, s, e in plan_splits(str(path), split_bytes) for i in whole_file(path, start=s, end=e)
        ]
        assert ranges == whole, path.name


def test_files_that_are_not_warc_never_raise(tmp_path):
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"hello\n\nnot a warc at all\n" * 50)
    fake_gz = tmp_path / "junk.warc.gz"
    fake_gz.write_bytes(b"\x1f\x8b\x08" + b"\xff" * 500)
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert reasons(outcomes(junk)) == ["bad_warc_header"]
    assert reasons(outcomes(fake_gz)) == ["corrupt_gzip"]
    assert outcomes(empty) == []


def test_oversize_records_are_rejected_without_reading_them(tmp_path):
    builder = WarcBuilder()
    builder.response("http://example.test/big", html_page(PROSE * 20).encode())
    builder.response("http://example.test/small", html_page().encode())
    path = builder.write(tmp_path / "big.warc.gz")
    items = outcomes(path, max_record_bytes=4096)
    assert reasons(items) == ["oversize"]
    assert items[0].record_id and "max_record_bytes" in items[0].detail
    assert [d.url for d in items if isinstance(d, Document)] == ["http://example.test/small"]


def test_padding_after_the_last_member_is_the_end_of_the_file(tmp_path):
    path = tmp_path / "padded.warc.gz"
    path.write_bytes(build_pages(2).data() + b"\x00" * 512)
    assert reasons(outcomes(path)) == ["skipped:request", "skipped:request"]


# ---- HTTP, content types and charsets ---------------------------------------------------------------------


def test_bad_http_status_line_or_header_is_a_reject():
    for block in (b"garbage\r\n\r\n<html></html>", b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n<html></html>"):
        with pytest.raises(Exception, match="HTTP") as info:
            parse_http_response(block)
        assert info.value.reason == "bad_http_header"
    response = parse_http_response(b"HTTP/1.1 200 OK\nContent-Type: text/html\n  ; charset=utf-8\n\n<p>x</p>")
    assert response.status == 200 and response.headers["content-type"] == "text/html ; charset=utf-8"
    assert response.body == b"<p>x</p>"


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


def test_content_encoding_header_on_a_stored_decoded_body_is_tolerated():
    response = HttpResponse(200, {"content-encoding": "gzip"}, b"<html><body>already decoded</body></html>")
    assert decode_payload(response, 1 << 20) == response.body


def test_charset_from_header_then_meta_then_detection():
    text = "Größere Bäume spenden Schatten für die Straße. " * 8
    latin = html_page(text, charset_meta="iso-8859-1").encode("latin-1")
    assert "Größere Bäume" in decode_html(latin)  # <meta charset> only
    no_meta = html_page(text, charset_meta=None).encode("cp1252")
    assert "Größere Bäume" in decode_html(no_meta, "text/html; charset=windows-1252")  # HTTP header only
    assert "Größere Bäume" in decode_html(html_page(text).encode(), "text/html; charset=no-such-charset")
    assert "Größere Bäume" in decode_html(no_meta)  # nothing declared: detected
    assert isinstance(decode_html(b"\xff\xfe\x00\xd8 broken \x80\x81", "text/html; charset=utf-8"), str)


def test_sample_charset_pages_decode_correctly():
    texts = {d.url.rsplit("/", 1)[-1]: d.text for d in documents(SAMPLE_WARC)}
    assert "Gärkörbchen" in texts["brot.html"]  # ISO-8859-1, declared by <meta> only
    assert "à vélo" in texts["velo.html"]  # windows-1252, declared by the HTTP header only
    assert "balcón" in texts["huerto.html"]  # unknown charset in the header, UTF-8 in <meta>


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
        from pipeline.sources.commoncrawl import WarcRecord

        record = WarcRecord(offset=0, inner=0, headers={"warc-type": record_type})
        assert record_to_document(record, "f.warc.gz") == Skip(f"skipped:{record_type}")


def test_oversize_block_is_streamed_past_in_bounded_memory(tmp_path):
    """A 64 MB block (a few KB compressed) with max_record_bytes=1 MB never sits in memory."""
    size = 64 * 1024 * 1024
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:big>\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % size
    )
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    path = tmp_path / "bomb.warc.gz"
    with path.open("wb") as out:
        out.write(compressor.compress(head))
        chunk = b"a" * (1 << 20)
        for _ in range(size // len(chunk)):
            out.write(compressor.compress(chunk))
        out.write(compressor.compress(b"\r\n\r\n") + compressor.flush())
        out.write(WarcBuilder().response("http://example.test/after", html_page().encode()).data())
    tracemalloc.start()
    items = outcomes(path, max_record_bytes=1 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert reasons(items) == ["oversize"] and isinstance(items[1], Document)
    assert peak < 4 * 1024 * 1024


def test_content_encoding_bomb_is_bounded():
    body = gzip.compress(b"<html>" + b" " * (8 << 20), mtime=0)
    response = HttpResponse(200, {"content-encoding": "gzip"}, body)
    with pytest.raises(Exception, match="max_record_bytes") as info:
        decode_payload(response, 1 << 20)
    assert info.value.reason == "oversize"
