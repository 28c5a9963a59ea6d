"""HTTP payloads to text without Beam: headers and their repair, codings, charsets, HTML and WET text."""

from __future__ import annotations

import gzip

import pytest
from cc_fixtures import html_page

from pipeline.sources.http import (
    BadPayload,
    HttpResponse,
    decode_html,
    decode_payload,
    decode_wet_text,
    parse_http_response,
    sniff_encoding,
)

GERMAN = "Größere Bäume spenden Schatten für die Straße. " * 8


def test_a_garbage_status_line_is_a_bad_payload():
    for block in (b"garbage\r\n\r\n<html></html>", b"HTTP/1.1 200 OK\r\nServer: x"):
        with pytest.raises(BadPayload, match="HTTP") as info:
            parse_http_response(block)
        assert info.value.reason == "bad_http_header"


def test_a_malformed_header_line_is_skipped_and_counted():
    block = (
        b"HTTP/1.1 200 OK\r\nContent-Type text/html\r\nBad Name: x\r\n  continued\r\n"
        b"Server: sample\r\nContent-Language: de\r\n\r\n<p>x</p>"
    )
    response = parse_http_response(block)
    assert response.status == 200 and response.body == b"<p>x</p>"
    assert response.headers == {"server": "sample", "content-language": "de"}
    assert response.bad_header_lines == 3  # no colon; a space in the name; the continuation of that line
    clean = parse_http_response(b"HTTP/1.1 200 OK\nContent-Type: text/html\n  ; charset=utf-8\n\n<p>x</p>")
    assert clean.headers["content-type"] == "text/html ; charset=utf-8" and clean.bad_header_lines == 0


def test_chunked_transfer_and_gzip_content_coding_are_undone():
    chunked = HttpResponse(
        200, {"transfer-encoding": "chunked"}, b"5\r\n<p>ab\r\n5;x=y\r\nc</p>\r\n0\r\n\r\n"
    )
    assert decode_payload(chunked, 1 << 20) == b"<p>abc</p>"
    zipped = HttpResponse(200, {"content-encoding": "gzip"}, gzip.compress(b"<p>zipped</p>", mtime=0))
    assert decode_payload(zipped, 1 << 20) == b"<p>zipped</p>"


def test_content_encoding_header_on_a_stored_decoded_body_is_tolerated():
    response = HttpResponse(200, {"content-encoding": "gzip"}, b"<html><body>already decoded</body></html>")
    assert decode_payload(response, 1 << 20) == response.body


def test_content_encoding_bomb_is_bounded():
    body = gzip.compress(b"<html>" + b" " * (8 << 20), mtime=0)
    response = HttpResponse(200, {"content-encoding": "gzip"}, body)
    with pytest.raises(BadPayload, match="max_record_bytes") as info:
        decode_payload(response, 1 << 20)
    assert info.value.reason == "oversize"


def test_charset_from_header_then_meta_then_detection():
    latin = html_page(GERMAN, charset_meta="iso-8859-1").encode("latin-1")
    assert "Größere Bäume" in decode_html(latin)  # <meta charset> only
    no_meta = html_page(GERMAN, charset_meta=None).encode("cp1252")
    assert "Größere Bäume" in decode_html(no_meta, "text/html; charset=windows-1252")  # HTTP header only
    assert "Größere Bäume" in decode_html(html_page(GERMAN).encode(), "text/html; charset=no-such-charset")
    assert "Größere Bäume" in decode_html(no_meta)  # nothing declared: detected
    assert isinstance(decode_html(b"\xff\xfe\x00\xd8 broken \x80\x81", "text/html; charset=utf-8"), str)


def test_a_byte_order_mark_wins_over_the_http_charset():
    page = html_page(GERMAN, charset_meta=None)
    assert decode_html(b"\xef\xbb\xbf" + page.encode(), "text/html; charset=iso-8859-1") == page
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")):
        assert decode_html(bom + page.encode(codec), "text/html; charset=utf-8") == page


def test_utf16_without_a_bom_is_recognised_from_its_nul_bytes():
    page = html_page(GERMAN, charset_meta=None)
    for codec in ("utf-16-le", "utf-16-be"):
        assert sniff_encoding(page.encode(codec), "text/html") == (codec, True)
        assert decode_html(page.encode(codec), "text/html") == page
        assert decode_html(page.encode(codec), "text/html; charset=iso-8859-1") == page
        assert decode_html(page.encode(codec)[:-1]).startswith(page[:-1])  # odd length: never raises
    chinese = html_page("北京的秋天很美，天空很高，风很轻。" * 20, charset_meta=None)
    assert decode_html(chinese.encode("utf-16-le")) == chinese


def test_a_utf16_label_that_the_bytes_contradict_is_ignored():
    page = html_page(GERMAN)  # UTF-8, with <meta charset="utf-8">
    assert decode_html(page.encode(), "text/html; charset=utf-16") == page


def test_wet_text_is_utf8_and_never_fails():
    assert decode_wet_text("Straße\n\n  zwei   Wörter \n".encode()) == "Straße\nzwei Wörter"
    assert isinstance(decode_wet_text(b"caf\xe9 \xff"), str)
