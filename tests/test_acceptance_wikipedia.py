"""Every Wikipedia dump in ../shared/data/wikipedia parses: as many documents as pages, counted independently
with lxml, each labelled with its file's language, the latest revision of each page, no markup left in the
English samples, their cited URLs absolute http(s), and splits reading exactly what one range reads."""

from __future__ import annotations

import bz2
import re
from pathlib import Path

import pytest
from lxml import etree

from pipeline.document import Document
from pipeline.rejects import Reject, Skip
from pipeline.sources.wikipedia import LLAMA_LANGUAGES, clean_wikitext, plan_splits, read_pages

pytestmark = pytest.mark.acceptance

MARKUP = ("[[", "]]", "{{", "}}", "<ref", "'''")
ENWIKI_SAMPLES = (
    "gensim_enwiki-pages-articles1-shortened.xml.bz2",
    "wp2txt_enwiki-sample-2022.xml.bz2",
    "gensim_enwiki-table-markup.xml.bz2",
    "dbpedia_minidumps_llama20langs/enwiki_minidump.xml.bz2",
)
# (file, language) of every dump there; the languages read are the LLaMA 20 plus the dump's own.
DUMPS = [
    (f"dbpedia_minidumps_llama20langs/{lang}wiki_minidump.xml.bz2", lang) for lang in LLAMA_LANGUAGES
] + [
    ("gensim_bgwiki-pages-articles-shortened.UTF16.xml.bz2", "bg"),
    ("pywikibot_enwiki-export-Pear-multirev-0.10.xml", "en"),
    ("corus_ruwiki-pages-articles-sample.xml.bz2", "ru"),
    ("wp2txt_jawiki-sample-2022.xml.bz2", "ja"),
    ("dumpsterdive_ltgwiki-full-pages-articles.xml", "ltg"),
    ("gensim_enwiki-pages-articles1-shortened.xml.bz2", "en"),
    ("wp2txt_enwiki-sample-2022.xml.bz2", "en"),
    ("gensim_enwiki-table-markup.xml.bz2", "en"),
]


@pytest.fixture
def wiki(shared_data: Path) -> Path:
    folder = shared_data / "wikipedia"
    if not folder.is_dir():
        pytest.skip("../shared/data/wikipedia is absent")
    return folder


def expected_pages(path: Path) -> tuple[dict[str, tuple[str, str, str]], list[str]]:
    """page id -> (title, latest revision id, its text) of every namespace-0, non-redirect page with text,
    by lxml alone (entities unresolved, no network), and the siteinfo's File/Media/Category names. A dump
    cut after its last </page> (the wp2txt samples) is read to there."""
    pages: dict[str, tuple[str, str, str]] = {}
    names: list[str] = []
    with bz2.open(path, "rb") if path.suffix == ".bz2" else path.open("rb") as handle:
        try:
            events = etree.iterparse(
                handle, events=("end",), resolve_entities=False, no_network=True, huge_tree=True
            )
            for _, page in events:
                local = etree.QName(page).localname
                if local == "namespace" and page.get("key") in ("-2", "6", "14") and page.text:
                    names.append(page.text)
                if local != "page":
                    continue
                fields = {etree.QName(c).localname: c for c in page}
                if fields["ns"].text != "0" or "redirect" in fields:
                    page.clear()
                    continue
                revisions = [r for r in page if etree.QName(r).localname == "revision"]
                best = None
                for index, revision in enumerate(revisions):
                    parts = {etree.QName(c).localname: c for c in revision}
                    key = (parts["timestamp"].text, index)
                    if best is None or key >= best[0]:
                        best = (key, parts["id"].text, parts["text"].text or "")
                text = best[2]
                if text.strip() and not re.match(r"\s*#REDIRECT", text, re.I):
                    pages[fields["id"].text] = (fields["title"].text, best[1], text)
                page.clear()
        except etree.XMLSyntaxError as exc:
            assert "Premature end of data" in str(exc) or "EndTag" in str(exc), exc
    return pages, names


def read_whole(path: Path, languages: list[str]) -> list[tuple[object, list[str]]]:
    return list(read_pages(str(path), 0, path.stat().st_size, languages, 64 << 20))


@pytest.mark.parametrize(("name", "language"), DUMPS, ids=[d[0].rsplit("/", 1)[-1] for d in DUMPS])
def test_every_dump_parses(wiki: Path, name: str, language: str) -> None:
    path = wiki / name
    outcomes = read_whole(path, [*LLAMA_LANGUAGES, language])
    docs = [o for o, _ in outcomes if isinstance(o, Document)]
    rejects = [o for o, _ in outcomes if isinstance(o, Reject)]
    assert rejects == []
    expected, names = expected_pages(path)
    # A page whose wikitext is only markup (a table, a file gallery) cleans to nothing: dropped:empty.
    empty = {
        p for p, (title, _, text) in expected.items() if clean_wikitext(title, text, names) == title.strip()
    }
    assert len(docs) == len(expected) - len(empty) > 0
    assert sum(1 for o, _ in outcomes if isinstance(o, Skip) and o.reason == "dropped:empty") >= len(empty)
    for doc in docs:
        title, revision_id, _ = expected[doc.meta["page_id"]]
        assert doc.language == language and doc.url.startswith(f"https://{language}.wikipedia.org/wiki/")
        assert doc.meta["title"] == title and doc.meta["revision_id"] == revision_id
        assert doc.text.startswith(title) and doc.timestamp is not None


def test_pear_export_is_one_document_of_the_latest_revision(wiki: Path) -> None:
    """The Pear export (named multirev) holds one revision in this copy; several are the unit tests' case."""
    path = wiki / "pywikibot_enwiki-export-Pear-multirev-0.10.xml"
    ((doc, _),) = [item for item in read_whole(path, ["en"]) if isinstance(item[0], Document)]
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    revisions = [(r.findtext("{*}timestamp"), r.findtext("{*}id")) for r in root.iter("{*}revision")]
    assert revisions and doc.meta["revision_id"] == max(revisions)[1]
    assert doc.meta["title"] == "Pear"


def test_enwiki_samples_have_no_markup_and_absolute_cited_urls(wiki: Path) -> None:
    for name in ENWIKI_SAMPLES:
        outcomes = read_whole(wiki / name, ["en"])
        docs = [(o, urls) for o, urls in outcomes if isinstance(o, Document)]
        assert docs, name
        for doc, _ in docs:
            for marker in MARKUP:
                assert marker not in doc.text, (name, doc.meta["title"], marker)
        urls = [url for _, page_urls in docs for url in page_urls]
        assert urls, name
        assert all(re.match(r"https?://[^/\s]+\.[^/\s]+", url) for url in urls), name
        for _, page_urls in docs:
            assert len(page_urls) == len(set(page_urls))


@pytest.mark.parametrize(
    ("name", "split"),
    [
        ("gensim_enwiki-pages-articles1-shortened.xml.bz2", 150_000),
        ("dumpsterdive_ltgwiki-full-pages-articles.xml", 200_000),
    ],
)
def test_real_dumps_read_the_same_in_ranges(wiki: Path, name: str, split: int) -> None:
    path = wiki / name
    languages = ["en", "ltg"]
    whole = read_whole(path, languages)
    ranges = plan_splits(str(path), split)
    assert len(ranges) > 5
    parts = [
        item for source, start, end in ranges for item in read_pages(source, start, end, languages, 64 << 20)
    ]
    assert parts == whole
