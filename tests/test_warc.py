"""WARC framing without Beam: offsets, byte-range splits, damaged input, resynchronisation, FastWARC's path."""

from __future__ import annotations

import gzip
import random
import re
import tracemalloc
import zlib
from pathlib import Path

import pytest
from cc_fixtures import (
    PROSE,
    SAMPLE_FILES,
    SAMPLE_PLAIN_WARC,
    SAMPLE_WARC,
    SAMPLE_WET,
    WarcBuilder,
    build_pages,
    exact_reader_only,
    html_page,
    warcio_offsets,
    whole_file,
)

from pipeline.rejects import Reject
from pipeline.sources import warc
from pipeline.sources.warc import WarcRecord, plan_splits, read_records


def records(path: Path | str, **kwargs) -> list[WarcRecord | Reject]:
    return list(read_records(str(path), **kwargs))


def reasons(items) -> list[str]:
    return [o.reason for o in items if isinstance(o, Reject)]


def pages(items) -> list[str]:
    """Target URIs of the response records read."""
    return [r.header("warc-target-uri") for r in items if isinstance(r, WarcRecord) and r.type == "response"]


def ranges_read(path: Path, split_bytes: int) -> list[tuple]:
    return [
        item for _, s, e in plan_splits(str(path), split_bytes) for item in whole_file(path, start=s, end=e)
    ]


def every_split_agrees(path: Path, step: int = 1) -> None:
    """Cutting the file in two at any offset reads what the whole file reads."""
    whole = whole_file(path)
    size = path.stat().st_size
    for cut in range(1, size, step):
        halves = whole_file(path, start=0, end=cut) + whole_file(path, start=cut, end=size)
        assert halves == whole, f"cut at {cut}"


# ---- offsets and the FastWARC path ------------------------------------------------------------------------


def test_record_offsets_match_warcio(tmp_path):
    built = build_pages(4).write(tmp_path / "built.warc.gz")
    for path in (SAMPLE_PLAIN_WARC, SAMPLE_WET, built):
        assert [r.offset for r in records(path)] == warcio_offsets(path.read_bytes())


def test_gzip_members_are_read_by_fastwarc(monkeypatch):
    """FastWARC parses every record of a clean gzip-per-record file; the exact reader only re-reads the last
    two members, to notice what FastWARC does not (a truncated final member)."""
    fast, exact = [], []
    fast_item, parse = warc._RangeReader._fast_item, warc._RangeReader._parse
    monkeypatch.setattr(
        warc._RangeReader, "_fast_item", lambda self, rec, pos: fast.append(pos) or fast_item(self, rec, pos)
    )
    monkeypatch.setattr(warc._RangeReader, "_parse", lambda self, o, i: exact.append(o) or parse(self, o, i))
    items = records(SAMPLE_WET)
    assert len(items) == 11 and [r.offset for r in items] == fast
    assert exact == fast[-2:]


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
    reason, n_pages = EXPECTED_DAMAGE[case]
    items = records(path)
    rejects = [o for o in items if isinstance(o, Reject)]
    assert [r.reason for r in rejects] == [reason]
    assert rejects[0].source_file == str(path) and rejects[0].offset is not None
    assert len(pages(items)) == n_pages
    if case not in ("truncated_last_member", "plain_truncated"):
        assert "http://example.test/page-5" in pages(items)


def test_fastwarc_path_reads_what_the_exact_reader_reads(tmp_path, monkeypatch):
    paths = [*SAMPLE_FILES, *damaged_cases(tmp_path).values(), mixed_members_file(tmp_path)]
    with_fastwarc = {p: whole_file(p) for p in paths}
    monkeypatch.setattr(warc._RangeReader, "_fast", exact_reader_only)
    exact = {p: whole_file(p) for p in paths}
    assert with_fastwarc == exact


# ---- splits -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("split_bytes", [4096, 7919, 20_000, 1 << 20])
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_reading_all_ranges_equals_reading_the_whole_file(path, split_bytes):
    splits = plan_splits(str(path), split_bytes)
    assert splits[0][1] == 0 and splits[-1][2] == path.stat().st_size
    assert all(a[2] == b[1] for a, b in zip(splits, splits[1:], strict=False))
    assert ranges_read(path, split_bytes) == whole_file(path)


def test_large_files_split_into_many_ranges():
    assert len(plan_splits(str(SAMPLE_WARC), 8192)) == -(-SAMPLE_WARC.stat().st_size // 8192)
    assert len(plan_splits(str(SAMPLE_PLAIN_WARC), 8192)) > 1


def test_single_stream_gzip_is_one_range_with_inner_offsets(tmp_path):
    path = tmp_path / "single.warc.gz"
    path.write_bytes(gzip.compress(SAMPLE_PLAIN_WARC.read_bytes(), mtime=0))
    assert plan_splits(str(path), 4096) == [(str(path), 0, path.stat().st_size)]
    single = records(path)
    plain = records(SAMPLE_PLAIN_WARC)
    assert [r.inner for r in single] == [r.offset for r in plain]
    assert [r.block for r in single] == [r.block for r in plain]


def mixed_members_file(tmp_path: Path) -> Path:
    """Gzip per record, except one member in the middle and the last one holding three records each
    (FastWARC's offsets are wrong inside such members)."""
    plain = SAMPLE_PLAIN_WARC.read_bytes()
    bounds = [*warcio_offsets(plain), len(plain)]
    raw = [plain[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    groups = [[r] for r in raw[:4]] + [raw[4:7]] + [[r] for r in raw[7:-3]] + [raw[-3:]]
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(b"".join(gzip.compress(b"".join(g), mtime=0) for g in groups))
    return path


def test_members_holding_several_records_get_inner_offsets(tmp_path):
    path = mixed_members_file(tmp_path)
    items = records(path)
    assert len(items) == 19 and not reasons(items)
    keys = [r.key for r in items]
    assert len(set(keys)) == 19
    assert sum(":" in k for k in keys) == 4  # the 2nd and 3rd record of each three-record member
    assert [r.block for r in items] == [r.block for r in records(SAMPLE_PLAIN_WARC)]
    for split_bytes in (500, 1500, 4096):
        assert ranges_read(path, split_bytes) == whole_file(path)


# ---- damaged input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("split_bytes", [4096, 5000, 9999])
def test_ranges_agree_with_whole_file_on_damaged_files(tmp_path, split_bytes):
    for path in damaged_cases(tmp_path).values():
        assert ranges_read(path, split_bytes) == whole_file(path), path.name


def test_files_that_are_not_warc_never_raise(tmp_path):
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"hello\n\nnot a warc at all\n" * 50)
    fake_gz = tmp_path / "junk.warc.gz"
    fake_gz.write_bytes(b"\x1f\x8b\x08" + b"\xff" * 500)
    assert reasons(records(junk)) == ["bad_warc_header"]
    assert reasons(records(fake_gz)) == ["corrupt_gzip"]


@pytest.mark.parametrize("content", [b"", gzip.compress(b"", mtime=0), gzip.compress(b"\r\n", mtime=0)])
def test_an_empty_file_is_one_empty_file_reject(tmp_path, content):
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(content)
    splits = plan_splits(str(path), 1 << 20)
    assert splits == [(str(path), 0, len(content))]
    items = [i for _, s, e in splits for i in records(path, start=s, end=e)]
    assert [(r.reason, r.offset, r.source_file) for r in items] == [("empty_file", 0, str(path))]
    assert records(SAMPLE_WET, start=0, end=0) == []  # an empty range of a file with records is no empty file


def test_every_bad_record_in_a_row_is_its_own_reject(tmp_path):
    """Records whose Content-Lengths all lie (as in cc_net's hand-written WET sample): one Reject each."""
    body = PROSE.encode()
    record = b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n" % (
        len(body) - 7,
        body,
    )
    path = tmp_path / "lying.wet"
    path.write_bytes(record * 4)
    items = records(path)
    assert [(r.reason, r.offset) for r in items] == [
        ("bad_content_length", i * len(record)) for i in range(4)
    ]
    every_split_agrees(path, step=37)


def test_oversize_records_are_rejected_without_reading_them(tmp_path):
    builder = WarcBuilder()
    builder.response("http://example.test/big", html_page(PROSE * 20).encode())
    builder.response("http://example.test/small", html_page().encode())
    path = builder.write(tmp_path / "big.warc.gz")
    items = records(path, max_record_bytes=4096)
    assert reasons(items) == ["oversize"]
    assert items[0].record_id and "max_record_bytes" in items[0].detail
    assert pages(items) == ["http://example.test/small"]


def test_padding_after_the_last_member_is_the_end_of_the_file(tmp_path):
    path = tmp_path / "padded.warc.gz"
    path.write_bytes(build_pages(2).data() + b"\x00" * 512)
    items = records(path)
    assert not reasons(items) and len(items) == 4


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
    items = records(path, max_record_bytes=1 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert reasons(items) == ["oversize"] and pages(items) == ["http://example.test/after"]
    assert peak < 4 * 1024 * 1024


def test_trailing_nul_bytes_inside_a_member_keep_the_record(tmp_path):
    """A good record followed by MBs of NUL bytes in its own gzip member: the record is read by its
    Content-Length, the NULs are one `trailing_garbage` Reject, streamed past in bounded memory."""
    good = WarcBuilder(gzip=False).response("http://example.test/first", html_page().encode()).data()
    garbage = 8 * 1024 * 1024
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    member = compressor.compress(good)
    for _ in range(garbage // (1 << 20)):
        member += compressor.compress(b"\x00" * (1 << 20))
    member += compressor.flush()
    before, after = build_pages(1).data(), build_pages(2).data()
    path = tmp_path / "nul.warc.gz"
    path.write_bytes(before + member + after)
    tracemalloc.start()
    items = records(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    urls = ["http://example.test/page-0", "http://example.test/first", "http://example.test/page-0"]
    assert pages(items) == [*urls, "http://example.test/page-1"]
    (reject,) = [r for r in items if isinstance(r, Reject)]
    assert reject.reason == "trailing_garbage" and reject.offset == len(before)
    assert f"{garbage} bytes at byte {len(good)} of the gzip member" in reject.detail
    assert items[2].offset == len(before) and items[3] is reject
    assert peak < 2 * 1024 * 1024
    for split_bytes in (
        len(before) // 2,
        len(before),
        len(before) + len(member) // 2,
        len(before) + len(member),
    ):
        assert ranges_read(path, split_bytes) == whole_file(path), split_bytes


def test_trailing_garbage_in_an_uncompressed_file(tmp_path):
    first = WarcBuilder(gzip=False).response("http://example.test/first", html_page().encode()).data()
    path = tmp_path / "garbage.warc"
    path.write_bytes(first + b"<p>stray bytes</p>\r\n" * 5 + b"\r\n" + build_pages(1, gzip=False).data())
    items = records(path)
    assert pages(items) == ["http://example.test/first", "http://example.test/page-0"]
    assert [(r.reason, r.offset) for r in items if isinstance(r, Reject)] == [
        ("trailing_garbage", len(first))
    ]
    every_split_agrees(path, step=41)


def randomly_damaged(data: bytes, rng: random.Random) -> bytes:
    """One to three of: a flipped bit, a cut, inserted look-alikes or junk, NUL runs, a duplicated span, a
    Content-Length moved by up to 20."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out))
        kind = rng.choice(["flip", "cut", "insert", "nul", "dup", "length"])
        if kind == "flip":
            out[i] ^= 1 << rng.randrange(8)
        elif kind == "cut":
            del out[i : i + rng.randint(1, 300)]
        elif kind == "insert":
            out[i:i] = rng.choice(
                [b"WARC/1.0\r\n", b"\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\n", b"\x1f\x8b\x08"]
            )
        elif kind == "nul":
            out[i:i] = b"\x00" * rng.randint(1, 2000)
        elif kind == "dup":
            j = rng.randrange(len(out))
            out[i:i] = out[j : j + rng.randint(1, 500)]
        elif lengths := list(re.finditer(rb"Content-Length: (\d+)", bytes(out))):
            found = rng.choice(lengths)
            out[found.start(1) : found.end(1)] = b"%d" % max(0, int(found.group(1)) + rng.randint(-20, 20))
    return bytes(out)


def test_random_damage_never_raises_and_every_split_agrees(tmp_path, monkeypatch):
    rng = random.Random(7)
    originals = [
        (SAMPLE_PLAIN_WARC.read_bytes(), ".warc"),
        (build_pages(8).data(), ".warc.gz"),
        (SAMPLE_WET.read_bytes(), ".wet.gz"),
    ]
    paths = []
    for trial in range(12):
        data, suffix = originals[trial % 3]
        paths.append(tmp_path / f"damaged-{trial}{suffix}")
        paths[-1].write_bytes(randomly_damaged(data, rng))
        every_split_agrees(paths[-1], step=paths[-1].stat().st_size // 60)
    with_fastwarc = [whole_file(p) for p in paths]
    monkeypatch.setattr(warc._RangeReader, "_fast", exact_reader_only)
    assert [whole_file(p) for p in paths] == with_fastwarc


# ---- a page that quotes a WARC record ---------------------------------------------------------------------


def quoting_page() -> bytes:
    """An HTML page whose body shows a WARC record: once with a Content-Length that lands inside the page,
    once with one that lies."""
    quoted = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>" + PROSE.encode() + b"</body></html>"
    )
    example = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:quoted>\r\n"
        b"WARC-Target-URI: http://quoted.test/\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(quoted), quoted)
    )
    lying = re.sub(rb"Content-Length: \d+", b"Content-Length: 12", example)
    return (
        b"<html><body><h1>How a WARC record looks</h1><pre>\r\n\r\n%s</pre><p>%s</p><pre>\r\n\r\n%s</pre></body></html>"
        % (
            example,
            PROSE.encode(),
            lying,
        )
    )


@pytest.mark.parametrize("kind", ["warc", "wet"])
def test_a_split_inside_a_page_that_quotes_a_record_invents_nothing(tmp_path, kind):
    builder = WarcBuilder(gzip=False)
    builder.response("http://example.test/before", html_page().encode())
    if kind == "warc":
        builder.response("http://example.test/quoting", quoting_page())
    else:
        builder.conversion("http://example.test/quoting", quoting_page().decode())
    builder.response("http://example.test/after", html_page().encode())
    path = builder.write(tmp_path / f"quoting.{kind}")
    items = records(path)
    assert not reasons(items) and len(items) == 3
    assert "http://quoted.test/" not in [r.header("warc-target-uri") for r in items]
    every_split_agrees(path, step=7)
