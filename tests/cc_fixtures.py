"""Shared helpers for the CommonCrawl tests: the bundled samples, the shared real data, and small WARCs
written with warcio (an independent writer) so the reader is tested on files it did not produce."""

from __future__ import annotations

import uuid
import zlib
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.rejects import Reject
from pipeline.sources.warc import WarcRecord, read_records

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "commoncrawl"
SAMPLE_WARC = SAMPLES / "crawl-00000.warc.gz"
SAMPLE_WET = SAMPLES / "crawl-00001.warc.wet.gz"
SAMPLE_PLAIN_WARC = SAMPLES / "crawl-00002.warc"
SAMPLE_FILES = [SAMPLE_WARC, SAMPLE_WET, SAMPLE_PLAIN_WARC]
SHARED_CC = Path(__file__).resolve().parents[2] / "shared" / "data" / "commoncrawl"
FAST_BEAM = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]
DATE = "2024-05-18T01:58:10Z"

PROSE = (
    "The harbour was quiet in the early morning, and the fishing boats rocked gently at their moorings. "
    "A few gulls circled above the market hall, waiting for the first crates of the day to be unloaded. "
    "Along the quay, the cafe owner set out chairs and wiped the tables, while the baker next door pulled "
    "trays of warm bread from the oven and stacked them in the window for the early customers."
)


def html_page(text: str = PROSE, charset_meta: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>Harbour</title></head><body>"
        f"<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
        f"<article><h1>Morning at the harbour</h1><p>{text}</p></article>"
        f"<footer>Copyright notice</footer></body></html>"
    )


class WarcBuilder:
    """Writes records with warcio into memory; `data()` is the file's bytes."""

    def __init__(self, gzip: bool = True):
        self.buffer = BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip, warc_version="1.0")
        self.count = 0

    def _headers(self, url: str, extra: dict[str, str] | None) -> dict[str, str]:
        self.count += 1
        rid = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{url}#{self.count}')}>"
        return {"WARC-Date": DATE, "WARC-Record-ID": rid, **(extra or {})}

    def response(
        self,
        url: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        status: str = "200 OK",
        http_extra: list[tuple[str, str]] | None = None,
        warc_extra: dict[str, str] | None = None,
    ) -> WarcBuilder:
        http = StatusAndHeaders(
            status, [("Content-Type", content_type), *(http_extra or [])], protocol="HTTP/1.1"
        )
        record = self.writer.create_warc_record(
            url, "response", payload=BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict=self._headers(url, warc_extra),
        )  # fmt: skip
        self.writer.write_record(record)
        return self

    def conversion(self, url: str, text: str, warc_extra: dict[str, str] | None = None) -> WarcBuilder:
        body = text.encode()
        record = self.writer.create_warc_record(
            url, "conversion", payload=BytesIO(body), length=len(body), warc_content_type="text/plain",
            warc_headers_dict=self._headers(url, warc_extra),
        )  # fmt: skip
        self.writer.write_record(record)
        return self

    def request(self, url: str) -> WarcBuilder:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True)
        self.writer.write_record(
            self.writer.create_warc_record(
                url, "request", http_headers=http, warc_headers_dict=self._headers(url, None)
            )
        )
        return self

    def data(self) -> bytes:
        return self.buffer.getvalue()

    def write(self, path: Path) -> Path:
        path.write_bytes(self.data())
        return path


def signature(item: WarcRecord | Reject) -> tuple:
    """What must be equal between a whole-file read and a read of all its ranges."""
    if isinstance(item, Reject):
        return ("reject", item.offset, item.reason, item.detail, item.record_id)
    return (item.key, tuple(sorted(item.headers.items())), len(item.block), zlib.crc32(item.block))


def whole_file(path: Path | str, **kwargs) -> list[tuple]:
    return [signature(item) for item in read_records(str(path), **kwargs)]


def build_pages(n: int, gzip: bool = True) -> WarcBuilder:
    """n request + response pairs of long-enough HTML pages."""
    builder = WarcBuilder(gzip=gzip)
    for i in range(n):
        url = f"http://example.test/page-{i}"
        builder.request(url).response(url, html_page(f"Page number {i}. {PROSE}").encode())
    return builder


def warcio_offsets(data: bytes) -> list[int]:
    """Record offsets as warcio reports them (gzip: of the member holding the record)."""
    iterator = ArchiveIterator(BytesIO(data))
    offsets = []
    for _ in iterator:
        offsets.append(iterator.get_record_offset())
    return offsets


def exact_reader_only(self, entry: int):
    """Stands in for `warc._RangeReader._fast` (monkeypatched): FastWARC reads nothing, so the exact reader
    reads every record."""
    return entry, None
    yield  # makes this a generator, as `_fast` is
