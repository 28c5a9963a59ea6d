"""Build the bundled CommonCrawl samples from the HTML pages in samples/commoncrawl/pages/.

    python samples/make_commoncrawl_samples.py

Writes three files in the layouts CommonCrawl publishes, with warcio, deterministically (fixed dates, record
ids derived from the URL, gzip headers without timestamps), so re-running gives byte-identical files:

* `crawl-00000.warc.gz`  gzip-per-record WARC: warcinfo, then request/response/metadata per page, plus the
  awkward cases a reader must survive: a too-short page, a PNG and a PDF response, a 404, a revisit, an
  11 MiB response (oversize), a response with a malformed HTTP header, pages whose charset is only in <meta> or only in the HTTP header
  (or wrong there), and one gzip member damaged in the middle of the file;
* `crawl-00001.warc.wet.gz`  WET: conversion records of further pages (text extracted with resiliparse),
  half with the post-2020 `WARC-Identified-Content-Language` header and half without;
* `crawl-00002.warc`  uncompressed WARC: responses with chunked transfer coding and a gzip content coding.

Each page is rendered with its site's boilerplate (`SITE_BOILERPLATE`, `with_boilerplate`), as real crawls are:
a section bar, a cookie notice and a "min read" line whose number varies from page to page (the same line once
cc_net's normalization turns digits into 0) above the text, and a share line, an email sign-up line and a
copyright line below it. They sit in plain <div>/<p> elements, so main-content extraction keeps them (it drops <nav>, <aside>
and <footer>, which the pages also have), and they repeat verbatim in every page of a site: what CCNet's
paragraph dedup removes. The files in pages/ hold only each page's own content.
"""

from __future__ import annotations

import gzip
import re
import struct
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent / "commoncrawl"
PAGES = HERE / "pages"
START = datetime(2023, 3, 20, 10, 0, 0, tzinfo=UTC)
SOFTWARE = "llama-data samples generator (warcio)"

# page name -> HTTP Content-Type; pages not listed get "text/html; charset=utf-8"
CONTENT_TYPES = {
    "de-brot": "text/html",  # ISO-8859-1 bytes, declared only by <meta charset>
    "fr-velo": "text/html; charset=windows-1252",  # declared only in the HTTP header
    "es-huerto": "text/html; charset=x-unknown-charset",  # wrong header; the page's <meta> says UTF-8
}
WARC_PAGES = [
    "en-allotment", "en-lighthouse", "en-sourdough", "en-bicycle", "en-tidepools", "en-chess", "en-volcano",
    "en-library", "en-beekeeping", "en-maps", "en-radio", "en-rainwater", "en-jazz", "en-bridges", "en-sleep",
    "en-birdwatching", "de-wandern", "de-stadtbaeume", "de-brot", "fr-marche", "fr-velo", "es-huerto",
    "es-cafe", "it-caffe",
]  # fmt: skip
WET_PAGES = [
    "en-running", "en-weaving", "en-rivers", "en-coffee", "en-astronomy", "en-repair", "de-energie",
    "fr-bibliotheque", "es-reciclaje", "it-borghi",
]  # fmt: skip
PLAIN_WARC_PAGES = ["en-camping", "en-letters", "en-transit", "de-chor", "fr-abeilles", "es-montana"]
CC_LANGUAGE = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita"}
DAMAGED_MEMBER = 31  # index of the gzip member (a request record) whose middle bytes are damaged


class Clock:
    """A fixed, advancing WARC-Date, so files do not depend on when they were made."""

    def __init__(self) -> None:
        self.now = START

    def tick(self) -> str:
        self.now += timedelta(seconds=37)
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")


def record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '#'.join(parts))}>"


def page_url(name: str) -> str:
    lang, slug = name.split("-", 1)
    return f"http://{lang}.sample-notebook.test/{slug}.html"


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def tiny_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def oversize_page() -> bytes:
    """11 MiB (a few KB compressed): over both the default (10 MiB) and the demo's (1 MiB) max_record_bytes."""
    return b"<html><body><p>An archive dump.</p>" + b" " * (11 * 1024 * 1024) + b"</body></html>"


class Crawl:
    """Writes request/response/metadata triples the way CommonCrawl's crawler does."""

    def __init__(self, writer: WARCWriter, clock: Clock):
        self.writer = writer
        self.clock = clock

    def warcinfo(self, filename: str) -> None:
        fields = (
            f"software: {SOFTWARE}\r\nformat: WARC File Format 1.0\r\nisPartOf: llama-data-samples\r\n"
            f"description: pages written for the llama-data project\r\n"
        ).encode()
        self.writer.write_record(
            self.writer.create_warc_record(
                "",
                "warcinfo",
                payload=BytesIO(fields),
                length=len(fields),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Date": self.clock.tick(),
                    "WARC-Record-ID": record_id(filename, "warcinfo"),
                    "WARC-Filename": filename,
                },
            )
        )

    def request(self, url: str, date: str) -> None:
        host = url.split("/")[2]
        path = "/" + url.split("/", 3)[3]
        headers = StatusAndHeaders(
            f"GET {path} HTTP/1.1",
            [("Host", host), ("User-Agent", "sample-bot/1.0"), ("Accept", "*/*")],
            is_http_request=True,
        )
        self.writer.write_record(
            self.writer.create_warc_record(
                url,
                "request",
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": record_id(url, "request")},
            )
        )

    def response(
        self, url: str, body: bytes, content_type: str, date: str, status: str = "200 OK", extra=()
    ) -> str:
        rid = record_id(url, "response")
        headers = StatusAndHeaders(
            status,
            [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra],
            protocol="HTTP/1.1",
        )
        self.writer.write_record(
            self.writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": rid},
            )
        )
        return rid

    def metadata(self, url: str, date: str, concurrent_to: str, language: str | None) -> None:
        lines = ["fetchTimeMs: 120", "charset-detected: UTF-8"]
        if language:
            lines.append(
                f'languages-cld2: {{"reliable":true,"languages":[{{"code":"{language[:2]}","text-covered":0.99}}]}}'
            )
        fields = ("\r\n".join(lines) + "\r\n").encode()
        self.writer.write_record(
            self.writer.create_warc_record(
                url,
                "metadata",
                payload=BytesIO(fields),
                length=len(fields),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Date": date,
                    "WARC-Record-ID": record_id(url, "metadata"),
                    "WARC-Concurrent-To": concurrent_to,
                },
            )
        )

    def fetch(self, url: str, body: bytes, content_type: str, language: str | None = None, **kwargs) -> None:
        date = self.clock.tick()
        self.request(url, date)
        rid = self.response(url, body, content_type, date, **kwargs)
        self.metadata(url, date, rid, language)


# the site's lines, per language: (section bar, cookie notice, reading time, sharing, sign-up, copyright)
SITE_BOILERPLATE = {
    "en": (
        "Home | Essays | Archive | About | Contact",
        "This site uses cookies to remember your settings and to count visits. By continuing to read, you agree to their use.",
        "Essays · {minutes} min read",
        "Share this essay: Email | Print | Copy link",
        "Enjoyed this essay? Sign up to receive a new one by email every Friday, free of charge.",
        "© 2023 The Weekly Notebook. All rights reserved.",
    ),
    "de": (
        "Startseite | Themen | Archiv | Über uns | Kontakt",
        "Diese Website verwendet Cookies, um Ihre Einstellungen zu speichern und Besuche zu zählen. Wenn Sie weiterlesen, stimmen Sie ihrer Verwendung zu.",
        "Themen · Lesezeit {minutes} Minuten",
        "Beitrag teilen: E-Mail | Drucken | Link kopieren",
        "Hat Ihnen dieser Beitrag gefallen? Abonnieren Sie unseren kostenlosen Newsletter und erhalten Sie jeden Freitag einen neuen Text.",
        "© 2023 Das Wochenheft. Alle Rechte vorbehalten.",
    ),
    "fr": (
        "Accueil | Rubriques | Archives | À propos | Contact",
        "Ce site utilise des cookies pour mémoriser vos préférences et mesurer sa fréquentation. En poursuivant votre lecture, vous acceptez leur utilisation.",
        "Rubriques · {minutes} min de lecture",
        "Partager cet article : Courriel | Imprimer | Copier le lien",
        "Vous avez aimé cet article ? Inscrivez-vous pour recevoir gratuitement un nouveau texte chaque vendredi par courriel.",
        "© 2023 Le Carnet. Tous droits réservés.",
    ),
    "es": (
        "Inicio | Temas | Archivo | Quiénes somos | Contacto",
        "Este sitio utiliza cookies para recordar sus preferencias y contar las visitas. Si sigue leyendo, acepta su uso.",
        "Temas · {minutes} min de lectura",
        "Compartir este artículo: Correo | Imprimir | Copiar enlace",
        "¿Le ha gustado este artículo? Suscríbase y reciba gratis un texto nuevo cada viernes por correo electrónico.",
        "© 2023 El Cuaderno. Todos los derechos reservados.",
    ),
    "it": (
        "Home | Rubriche | Archivio | Chi siamo | Contatti",
        "Questo sito utilizza i cookie per ricordare le tue preferenze e contare le visite. Continuando a leggere, ne accetti l'uso.",
        "Rubriche · {minutes} minuti di lettura",
        "Condividi questo articolo: Email | Stampa | Copia link",
        "Ti è piaciuto questo articolo? Iscriviti per ricevere gratis un nuovo testo ogni venerdì via email.",
        "© 2023 Il Quaderno. Tutti i diritti riservati.",
    ),
}
PAGE_ENCODINGS = {"de-brot": "iso-8859-1", "fr-velo": "windows-1252"}  # the others are UTF-8


def with_boilerplate(name: str, html: str) -> str:
    """The page as its site serves it: the site's lines above and below the page's own text. A page without the
    site's layout (the short page) is served as it is."""
    if "</header>" not in html or "<aside" not in html:
        return html
    bar, cookies, reading, share, signup, copyright = SITE_BOILERPLATE[name[:2]]
    words = len(re.sub(r"<[^>]+>", " ", html.split("</header>", 1)[1].split("<aside", 1)[0]).split())
    minutes = max(1, round(words / 130))
    top = (
        f'<div class="crumbs"><p>{bar}</p></div>\n<div class="notice"><p>{cookies}</p></div>\n'
        f'<p class="byline">{reading.format(minutes=minutes)}</p>\n'
    )
    bottom = (
        f'<div class="share"><p>{share}</p></div>\n<div class="signup"><p>{signup}</p></div>\n'
        f'<div class="colophon"><p>{copyright}</p></div>\n'
    )
    head, rest = html.split("</header>\n", 1)
    body, tail = rest.split("<aside", 1)
    return f"{head}</header>\n{top}{body}{bottom}<aside{tail}"


def read_page(name: str) -> bytes:
    """The page's bytes as served: its own content (pages/<name>.html) with its site's boilerplate, in the page's
    own encoding."""
    encoding = PAGE_ENCODINGS.get(name, "utf-8")
    html = (PAGES / f"{name}.html").read_bytes().decode(encoding)
    return with_boilerplate(name, html).encode(encoding)


def write_gzip_warc(path: Path) -> None:
    buffer = BytesIO()
    crawl = Crawl(WARCWriter(buffer, gzip=True, warc_version="1.0"), Clock())
    crawl.warcinfo(path.name)
    specials = {
        4: lambda: crawl.fetch(page_url("en-short"), read_page("en-short"), "text/html; charset=utf-8", "en"),
        8: lambda: crawl.fetch("http://en.sample-notebook.test/images/logo.png", tiny_png(), "image/png"),
        12: lambda: crawl.fetch(
            "http://en.sample-notebook.test/missing.html",
            b"<html><body>Not found</body></html>",
            "text/html",
            status="404 Not Found",
        ),  # fmt: skip
        16: lambda: crawl.fetch("http://en.sample-notebook.test/guide.pdf", tiny_pdf(), "application/pdf"),
        20: lambda: write_bad_http_header(crawl),
        22: lambda: crawl.fetch(
            "http://en.sample-notebook.test/archive-dump.html", oversize_page(), "text/html", "en"
        ),
    }
    for index, name in enumerate(WARC_PAGES):
        if index in specials:
            specials[index]()
        crawl.fetch(
            page_url(name), read_page(name), CONTENT_TYPES.get(name, "text/html; charset=utf-8"), name[:2]
        )
    url = page_url("en-allotment")
    crawl.writer.write_record(
        crawl.writer.create_revisit_record(
            url,
            digest=record_payload_digest(buffer.getvalue(), url),
            refers_to_uri=url,
            refers_to_date=START.strftime("%Y-%m-%dT%H:%M:%SZ"),
            warc_headers_dict={"WARC-Date": crawl.clock.tick(), "WARC-Record-ID": record_id(url, "revisit")},
        )
    )
    path.write_bytes(damage_member(buffer.getvalue(), DAMAGED_MEMBER))


def write_bad_http_header(crawl: Crawl) -> None:
    """A response whose HTTP header has a line without a colon: the reader skips the line as warcio does
    (`repaired:http_header`), and the short page is then dropped as too short. The body's wording predates that."""
    url = "http://en.sample-notebook.test/broken-header.html"
    date = crawl.clock.tick()
    body = b"<html><body><p>This response has a malformed HTTP header and must be rejected.</p></body></html>"
    headers = StatusAndHeaders(
        "200 OK\r\nContent-Type text/html", [("Server", "sample")], protocol="HTTP/1.1"
    )
    crawl.writer.write_record(
        crawl.writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": record_id(url, "response")},
        )
    )


def record_payload_digest(data: bytes, url: str) -> str:
    for record in ArchiveIterator(BytesIO(data)):
        if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
            return record.rec_headers.get_header("WARC-Payload-Digest")
    raise ValueError(f"no response for {url}")


def member_offsets(data: bytes) -> list[int]:
    offsets, pos = [], 0
    while pos < len(data):
        offsets.append(pos)
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        decompressor.decompress(data[pos:])
        pos = len(data) - len(decompressor.unused_data)
    return offsets


def damage_member(data: bytes, index: int) -> bytes:
    """Overwrite bytes in the middle of one gzip member, and check that it no longer decompresses."""
    offsets = member_offsets(data) + [len(data)]
    start, end = offsets[index], offsets[index + 1]
    middle = (start + end) // 2
    damaged = data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 6]) + data[middle + 6 :]
    try:
        gzip.decompress(damaged[start:end])
    except (OSError, zlib.error, EOFError):
        return damaged
    raise AssertionError("the damaged member still decompresses; pick another one")


def write_wet(path: Path) -> None:
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="1.0")
    clock = Clock()
    Crawl(writer, clock).warcinfo(path.name)
    for index, name in enumerate(WET_PAGES):
        url = page_url(name)
        tree = HTMLTree.parse_from_bytes(read_page(name), "utf-8")
        text = f"{tree.title}\n{extract_plain_text(tree, main_content=True, list_bullets=False)}".encode()
        headers = {
            "WARC-Date": clock.tick(),
            "WARC-Record-ID": record_id(url, "conversion"),
            "WARC-Refers-To": record_id(url, "response"),
        }
        if index % 2 == 0:  # post-2020 WET files name CC's language guess (RECIPE.md §2.2)
            headers["WARC-Identified-Content-Language"] = CC_LANGUAGE[name[:2]]
        writer.write_record(
            writer.create_warc_record(
                url,
                "conversion",
                payload=BytesIO(text),
                length=len(text),
                warc_content_type="text/plain",
                warc_headers_dict=headers,
            )  # fmt: skip
        )
    path.write_bytes(buffer.getvalue())


def write_plain_warc(path: Path) -> None:
    buffer = BytesIO()
    crawl = Crawl(WARCWriter(buffer, gzip=False, warc_version="1.0"), Clock())
    crawl.warcinfo(path.name)
    for index, name in enumerate(PLAIN_WARC_PAGES):
        body = read_page(name)
        extra: list[tuple[str, str]] = []
        if index == 1:
            body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (body[:700], body[700:])) + b"0\r\n\r\n"
            extra = [("Transfer-Encoding", "chunked")]
        elif index == 3:
            body = gzip.compress(body, mtime=0)
            extra = [("Content-Encoding", "gzip")]
        crawl.fetch(page_url(name), body, "text/html; charset=utf-8", name[:2], extra=extra)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    write_gzip_warc(HERE / "crawl-00000.warc.gz")
    write_wet(HERE / "crawl-00001.warc.wet.gz")
    write_plain_warc(HERE / "crawl-00002.warc")
    for path in sorted(HERE.glob("crawl-*")):
        print(f"{path.relative_to(HERE.parent)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
