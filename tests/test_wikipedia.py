"""Wikipedia reader and cleaner on hand-written dumps: cleaning rules, page selection, language, hostile XML,
damage, and splits that together read exactly what a whole-file read reads."""

from __future__ import annotations

import bz2
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.document import Document, make_doc_id
from pipeline.rejects import Reject, Skip
from pipeline.sources.wikipedia import (
    cited_urls,
    clean_wikitext,
    dump_language,
    plan_splits,
    read_pages,
)

EXPORT_NS = "http://www.mediawiki.org/xml/export-0.11/"


def page_xml(
    title: str,
    text: str | None,
    page_id: int,
    ns: int = 0,
    redirect: bool = False,
    revisions: list[tuple[int, str, str]] | None = None,
) -> str:
    """One <page>; `revisions` as (revision id, timestamp, text), in file order."""
    if revisions is None:
        revisions = [(page_id * 10, "2022-06-01T00:00:00Z", text)]
    parts = [f"  <page>\n    <title>{_esc(title)}</title>\n    <ns>{ns}</ns>\n    <id>{page_id}</id>\n"]
    if redirect:
        parts.append('    <redirect title="Elsewhere" />\n')
    for rev_id, stamp, body in revisions:
        parts.append(f"    <revision>\n      <id>{rev_id}</id>\n      <timestamp>{stamp}</timestamp>\n")
        if body is not None:
            parts.append(f'      <text bytes="{len(body)}" xml:space="preserve">{_esc(body)}</text>\n')
        parts.append("    </revision>\n")
    parts.append("  </page>\n")
    return "".join(parts)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dump_xml(
    pages: list[str], dbname: str | None = "enwiki", namespace: str = EXPORT_NS, prolog: str = ""
) -> str:
    siteinfo = (
        "  <siteinfo>\n    <sitename>Wikipedia</sitename>\n"
        + (f"    <dbname>{dbname}</dbname>\n" if dbname else "")
        + '    <namespaces>\n      <namespace key="6" case="first-letter">Fail</namespace>\n'
        '      <namespace key="14" case="first-letter">Kateg</namespace>\n    </namespaces>\n  </siteinfo>\n'
    )
    return f'{prolog}<mediawiki xmlns="{namespace}" version="0.11" xml:lang="en">\n{siteinfo}{"".join(pages)}</mediawiki>\n'


def read_all(path: Path | str, languages: list[str] | None = None, max_page_bytes: int = 1 << 20) -> list:
    path = str(path)
    size = Path(path).stat().st_size
    return list(read_pages(path, 0, size, languages if languages is not None else ["en"], max_page_bytes))


def read_split(path: Path, split_bytes: int, languages: list[str] | None = None) -> list:
    out = []
    for source, start, end in plan_splits(str(path), split_bytes):
        out += list(read_pages(source, start, end, languages or ["en"], 1 << 20))
    return out


def documents(outcomes: list) -> list[Document]:
    return [o for o, _ in outcomes if isinstance(o, Document)]


def reasons(outcomes: list) -> list[str]:
    return [o.reason for o, _ in outcomes if isinstance(o, Skip | Reject)]


def comparable(outcomes: list) -> list:
    """Outcomes as comparable tuples (documents by id and text, skips and rejects by reason and offset)."""
    rows = []
    for outcome, urls in outcomes:
        if isinstance(outcome, Document):
            rows.append(("doc", outcome.id, outcome.text, tuple(urls)))
        elif isinstance(outcome, Reject):
            rows.append(("reject", outcome.reason, outcome.offset))
        else:
            rows.append(("skip", outcome.reason))
    return rows


WORDS = [
    *(
        "river",
        "castle",
        "mountain",
        "language",
        "history",
        "science",
        "music",
        "village",
        "bridge",
        "empire",
    ),
    *("ocean", "forest", "museum", "railway", "festival", "harbour", "painter", "novel", "treaty", "island"),
]


def article(rng: random.Random, n: int) -> str:
    """A wikitext article with links, templates, refs and headings, of about n words."""
    out = []
    for i in range(n):
        word = rng.choice(WORDS) + str(rng.randrange(1000))
        roll = rng.random()
        if roll < 0.05:
            out.append(f"[[{word}]]")
        elif roll < 0.08:
            out.append(f"[[{word}|{rng.choice(WORDS)}]]")
        elif roll < 0.09:
            out.append(f"{{{{cite|{word}}}}}")
        elif roll < 0.10:
            out.append(f"<ref>[http://example.org/{word} {word}]</ref>")
        else:
            out.append(word)
        if i % 80 == 79:
            out.append(f"\n\n== {rng.choice(WORDS).title()} ==\n")
    return " ".join(out)


def varied_dump(n_pages: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    pages = []
    for i in range(1, n_pages + 1):
        roll = i % 10
        if roll == 3:
            pages.append(page_xml(f"Talk:Page {i}", "talk", i, ns=1))
        elif roll == 6:
            pages.append(page_xml(f"Old {i}", "#REDIRECT [[Page 1]]", i, redirect=True))
        else:
            pages.append(page_xml(f"Page {i}", article(rng, rng.randrange(50, 400)), i))
    return dump_xml(pages)


# ----------------------------------------------------------------------------------------------- cleaning


def test_links_become_their_text() -> None:
    text = clean_wikitext(
        "T", "[[Paris]] is in [[France|the French Republic]]; [[bus]]es and [[Foo (bar)|]]."
    )
    assert text == "T\n\nParis is in the French Republic; buses and Foo (bar)."


def test_file_category_and_language_links_are_removed() -> None:
    wikitext = (
        "[[File:Map.png|thumb|A map of [[Europe]] in [[1900|the year 1900]]]]Start. "
        "[[Image:X.jpg]][[Datei:Karte.png|mini|Karte]][[Файл:Ф.jpg|thumb|подпись]][[Fichier:F.png|vignette]]"
        "Middle.[[Category:Cities]][[Kategorie:Stadt]][[Категория:Города]][[Catégorie:Villes]]"
        "[[Categoría:Ciudades]]\n[[de:Paris]][[fr:Paris]][[zh-yue:Paris]] End [[:de:Paris|(German)]] "
        "[[:Category:Cities]]."
    )
    assert clean_wikitext("T", wikitext) == "T\n\nStart. Middle.\nEnd (German) Category:Cities."


def test_siteinfo_namespace_names_are_removed_too() -> None:
    assert clean_wikitext("T", "a [[Fail:x.png|thumb|c]] b [[Kateg:Y]]", ["Fail", "Kateg"]) == "T\n\na b"


def test_nested_templates_tables_refs_and_comments_are_removed() -> None:
    wikitext = (
        "{{Infobox|name={{nowrap|X}}|map={{{{a}}}}}}Lead<!-- hidden [[x]] -->.<ref name=a>{{cite web"
        "|url=http://r.org}}</ref> More.<ref name=a/> <ref>plain</ref>\n"
        "{| class=wikitable\n|-\n| a || b\n|-\n|\n{|\n| inner\n|}\n|}\nAfter table.\n"
        "{{unclosed template text"
    )
    assert clean_wikitext("T", wikitext) == "T\n\nLead. More.\n\nAfter table.\nunclosed template text"


def test_headings_sections_lists_and_formatting() -> None:
    wikitext = (
        "'''Bold''' and ''italic'' and '''''both'''''.\n\n"
        "== History ==\nOld times.\n* one\n** two\n# three\n; term : definition\n----\n"
        "=== Empty ===\n{{stub}}\n"
        "==Later==\n<small>small</small> <b>b</b> <span style='x'>span</span> <nowiki>literal</nowiki>"
        " x<sup>2</sup> <math>e^{i\\pi}</math><gallery>\nA.jpg|cap\n</gallery> a<br/>b &amp; c&nbsp;d &lt;3\n"
    )
    assert clean_wikitext("Title", wikitext) == (
        "Title\n\nBold and italic and both.\n\nHistory\nOld times.\none\ntwo\nthree\nterm : definition\n\n"
        "Later\nsmall b span literal x2 a\nb & c d <3"
    )


def test_external_links_keep_their_label() -> None:
    text = clean_wikitext("T", "See [http://a.org/x Label one], [https://b.org] and http://c.org/y here.")
    assert text == "T\n\nSee Label one, and here."


def test_no_markup_survives_messy_wikitext() -> None:
    wikitext = (
        "{{a|{{b|[[c]]}}}} ]] }} [[ {{ '''x'' <ref>unclosed [[d|e]] {| table\n|}\n"
        "[[File:x|[[y|[[z]]]]]] <div>d</div> [[a|b|c]] ''' [[link with '''bold''']]"
    )
    text = clean_wikitext("T", wikitext)
    for marker in ("[[", "]]", "{{", "}}", "<ref", "'''", "<div"):
        assert marker not in text, (marker, text)


def test_a_page_that_is_only_markup_cleans_to_its_title() -> None:
    assert clean_wikitext("T", "{{Infobox}}\n[[Category:X]]\n{|\n|a\n|}") == "T"


def test_cited_urls() -> None:
    wikitext = (
        "x<ref>{{cite web|url=https://news.example.com/a?b=1&amp;c=2|title=A}}</ref> "
        "[http://example.org/page Label] see http://bare.example.net/x. and (http://paren.org/a_(b)) "
        "<!-- http://hidden.org/ --> [//relative.org/x rel] http://localhost/x ftp://f.org/x "
        "[http://example.org/page again] ''http://italic.org/z''"
    )
    assert cited_urls(wikitext) == [
        "https://news.example.com/a?b=1&c=2",
        "http://example.org/page",
        "http://bare.example.net/x",
        "http://paren.org/a_(b)",
        "http://italic.org/z",
    ]


# ----------------------------------------------------------------------------------------------- language


@pytest.mark.parametrize(
    ("name", "dbname", "expected"),
    [
        ("enwiki-20220601-pages-articles.xml.bz2", None, "en"),
        ("bgwiki_minidump.xml.bz2", "enwiki", "bg"),
        ("gensim_bgwiki-pages-articles-shortened.UTF16.xml.bz2", "bgwiki", "bg"),
        ("pywikibot_enwiki-export-Pear-multirev-0.10.xml", None, "en"),
        ("dumpsterdive_ltgwiki-full-pages-articles.xml", None, "ltg"),
        ("gs://bucket/dumps/dewiki-20220701-pages-articles-multistream.xml.bz2", "enwiki", "de"),
        ("zh_yuewiki-20220601-pages-articles.xml.bz2", None, "zh-yue"),
        ("dump.xml", "frwiki", "fr"),
        ("dump.xml", None, None),
    ],
)
def test_dump_language(name: str, dbname: str | None, expected: str | None) -> None:
    assert dump_language(name, dbname) == expected


def test_file_name_wins_over_siteinfo_and_siteinfo_fills_in(tmp_path: Path) -> None:
    xml = dump_xml([page_xml("Berlin", "Berlin ist eine Stadt.", 5)], dbname="enwiki")
    named = tmp_path / "dewiki_minidump.xml"
    named.write_text(xml)
    (doc,) = documents(read_all(named, ["de"]))
    assert doc.language == "de" and doc.url == "https://de.wikipedia.org/wiki/Berlin"
    assert doc.meta["dbname"] == "enwiki"
    anonymous = tmp_path / "dump.xml"
    anonymous.write_text(dump_xml([page_xml("Lyon", "Lyon est une ville.", 6)], dbname="frwiki"))
    (doc,) = documents(read_all(anonymous, ["fr"]))
    assert doc.language == "fr"


def test_other_languages_are_one_skip_per_file(tmp_path: Path) -> None:
    path = tmp_path / "jawiki-20220601-pages-articles.xml"
    path.write_text(varied_dump(40))
    assert comparable(read_all(path, ["en", "de"])) == [("skip", "skipped:language")]
    assert read_split(path, 2000, ["en"]) == [(Skip("skipped:language"), [])]
    assert documents(read_all(path, ["ja"])) and documents(read_all(path, []))


# ----------------------------------------------------------------------------------------------- pages


def test_document_fields(tmp_path: Path) -> None:
    path = tmp_path / "enwiki-20220601-pages-articles.xml"
    path.write_text(
        dump_xml([page_xml("Côte d'Ivoire", "It is a '''country'''.<ref>http://cite.org/x</ref>", 42)])
    )
    ((doc, urls),) = read_all(path)
    assert doc == Document(
        id=make_doc_id("wikipedia", str(path), "42"),
        source="wikipedia",
        text="Côte d'Ivoire\n\nIt is a country.",
        url="https://en.wikipedia.org/wiki/C%C3%B4te_d%27Ivoire",  # as MediaWiki writes it
        timestamp=datetime(2022, 6, 1, tzinfo=UTC),
        language="en",
        meta={
            "title": "Côte d'Ivoire",
            "page_id": "42",
            "revision_id": "420",
            "dump": path.name,
            "dbname": "enwiki",
        },
    )
    assert urls == ["http://cite.org/x"]


def test_namespaces_redirects_and_empty_pages_are_counted(tmp_path: Path) -> None:
    pages = [
        page_xml("Kept", "Text.", 1),
        page_xml("Talk:Kept", "Talk.", 2, ns=1),
        page_xml("Template:T", "{{x}}", 3, ns=10),
        page_xml("Old", "#REDIRECT [[Kept]]", 4, redirect=True),
        page_xml("Old2", "#redirect [[Kept]]", 5),
        page_xml("Alt", "#WEITERLEITUNG [[Kept]]", 6),
        page_xml("Alt2", "  #Перенаправление [[Kept]]", 7),
        page_xml("Blank", "", 8),
        page_xml("Markup only", "{{Infobox}}[[Category:X]]", 9),
        page_xml("Hashtag", "#1 hit single.", 10),
    ]
    path = tmp_path / "enwiki-x.xml"
    path.write_text(dump_xml(pages))
    outcomes = read_all(path)
    assert [d.meta["title"] for d in documents(outcomes)] == ["Kept", "Hashtag"]
    assert reasons(outcomes) == ["skipped:namespace"] * 2 + ["skipped:redirect"] * 4 + ["dropped:empty"] * 2


def test_latest_revision_is_read(tmp_path: Path) -> None:
    revisions = [
        (11, "2022-06-02T00:00:00Z", "Middle."),
        (13, "2022-08-01T00:00:00Z", "Newest."),
        (12, "2022-07-01T00:00:00Z", "Older."),
        (10, "2021-01-01T00:00:00Z", "Oldest."),
    ]
    path = tmp_path / "enwiki-x.xml"
    path.write_text(dump_xml([page_xml("P", None, 1, revisions=revisions)]))
    (doc,) = documents(read_all(path))
    assert doc.text == "P\n\nNewest." and doc.meta["revision_id"] == "13"
    assert doc.timestamp == datetime(2022, 8, 1, tzinfo=UTC)


@pytest.mark.parametrize("namespace", ["http://www.mediawiki.org/xml/export-0.10/", EXPORT_NS, ""])
def test_any_export_version(tmp_path: Path, namespace: str) -> None:
    path = tmp_path / "enwiki-x.xml"
    xml = dump_xml([page_xml("A", "Alpha.", 1)], namespace=namespace)
    path.write_text(xml if namespace else xml.replace(' xmlns=""', ""))
    assert [d.text for d in documents(read_all(path))] == ["A\n\nAlpha."]


def test_utf16_dump(tmp_path: Path) -> None:
    xml = dump_xml([page_xml("София", "София е столицата на [[България]].", 1), page_xml("B", "Бе.", 2)])
    xml = '<?xml version="1.0" encoding="UTF-16"?>\n' + xml
    path = tmp_path / "bgwiki-x.xml.bz2"
    path.write_bytes(bz2.compress(xml.encode("utf-16")))
    assert [d.text for d in documents(read_all(path, ["bg"]))] == [
        "София\n\nСофия е столицата на България.",
        "B\n\nБе.",
    ]
    assert len(plan_splits(str(path), 10)) == 1


def test_malformed_page_is_one_reject_and_the_rest_go_on(tmp_path: Path) -> None:
    bad = "  <page>\n    <title>Bad</title>\n    <ns>0</ns>\n    <id>2</id>\n    <revision><text>x</revision>\n  </page>\n"
    entity = page_xml("Entity", "x", 3).replace("<title>Entity", "<title>&undefined;")
    no_text = page_xml("NoText", None, 4)
    xml = dump_xml([page_xml("One", "First.", 1), bad, entity, no_text, page_xml("Five", "Fifth.", 5)])
    path = tmp_path / "enwiki-x.xml"
    path.write_text(xml)
    outcomes = read_all(path)
    assert [d.meta["title"] for d in documents(outcomes)] == ["One", "Five"]
    rejects = [o for o, _ in outcomes if isinstance(o, Reject)]
    assert [r.reason for r in rejects] == ["bad_xml", "bad_xml", "no_text"]
    data = path.read_bytes()
    assert rejects[0].offset == data.index(b"<page>\n    <title>Bad")
    assert rejects[2].offset == data.index(b"<page>\n    <title>NoText") and rejects[2].record_id.endswith(
        ":4"
    )
    assert all(r.source_file == str(path) for r in rejects)


def test_oversize_page_is_rejected_and_streamed_past(tmp_path: Path) -> None:
    big = page_xml("Big", "word " * 50_000, 2)
    path = tmp_path / "enwiki-x.xml"
    path.write_text(dump_xml([page_xml("A", "Alpha.", 1), big, page_xml("C", "Gamma.", 3)]))
    outcomes = read_all(path, max_page_bytes=10_000)
    assert [d.meta["title"] for d in documents(outcomes)] == ["A", "C"]
    assert reasons(outcomes) == ["oversize"]


# ----------------------------------------------------------------------------------------------- hostile XML

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE mediawiki [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


@pytest.mark.parametrize(
    "prolog",
    [
        BILLION_LAUGHS,
        '<?xml version="1.0"?>\n<!DOCTYPE mediawiki [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
        '<?xml version="1.0"?>\n<!DOCTYPE mediawiki SYSTEM "http://example.invalid/evil.dtd">\n',
    ],
)
def test_entity_files_are_rejected_not_expanded(tmp_path: Path, prolog: str) -> None:
    entity = "&lol9;" if "lol9" in prolog else "&xxe;"
    xml = dump_xml(
        [page_xml("A", "Alpha.", 1).replace("Alpha.", entity), page_xml("B", "Beta.", 2)], prolog=prolog
    )
    for name, data in (("enwiki-x.xml", xml.encode()), ("enwiki-y.xml.bz2", bz2.compress(xml.encode()))):
        path = tmp_path / name
        path.write_bytes(data)
        began = time.process_time()
        outcomes = read_all(path)
        assert time.process_time() - began < 2
        assert comparable(outcomes) == [("reject", "xml_entities", 0)]
        assert read_split(path, 64) == outcomes


def test_entity_reference_without_dtd_is_a_bad_page(tmp_path: Path) -> None:
    xml = dump_xml([page_xml("A", "x", 1).replace(">x<", ">&xxe;<"), page_xml("B", "Beta.", 2)])
    path = tmp_path / "enwiki-x.xml"
    path.write_text(xml)
    outcomes = read_all(path)
    assert reasons(outcomes) == ["bad_xml"] and [d.meta["title"] for d in documents(outcomes)] == ["B"]


# ----------------------------------------------------------------------------------------------- damage


def test_truncated_bz2_keeps_the_pages_before_the_damage(tmp_path: Path) -> None:
    xml = varied_dump(300).encode()
    whole = tmp_path / "enwiki-whole.xml.bz2"
    whole.write_bytes(bz2.compress(xml, 1))  # 100 kB blocks
    data = whole.read_bytes()
    cut = tmp_path / "enwiki-cut.xml.bz2"
    cut.write_bytes(data[: len(data) * 2 // 3])
    full, short = read_all(whole), read_all(cut)
    assert reasons(short).count("truncated_bz2") == 1 and not [
        r for r in reasons(short) if r.startswith("corrupt")
    ]
    kept = [
        (type(o), o.text if isinstance(o, Document) else o) for o, _ in short if not isinstance(o, Reject)
    ]
    expected = [(type(o), o.text if isinstance(o, Document) else o) for o, _ in full]
    assert 0 < len(kept) < len(expected)
    assert kept == expected[: len(kept)]  # every page before the damage, in order
    per_block = 100_000 * len(expected) // len(xml) + 2  # pages in one 100 kB block
    assert len(kept) > len(expected) * 2 // 3 - 2 * per_block  # only the incomplete block's pages are lost


def test_corrupt_bz2_block_is_one_reject_and_later_blocks_are_read(tmp_path: Path) -> None:
    xml = varied_dump(300).encode()
    good = tmp_path / "enwiki-good.xml.bz2"
    good.write_bytes(bz2.compress(xml, 1))
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    bad = tmp_path / "enwiki-bad.xml.bz2"
    bad.write_bytes(bytes(data))
    full, damaged = read_all(good), read_all(bad)
    assert reasons(damaged).count("corrupt_bz2") == 1 and "truncated_bz2" not in reasons(damaged)
    docs_full = [d.text for d in documents(full)]
    docs_damaged = [d.text for d in documents(damaged)]
    per_block = 100_000 * 300 // len(xml) + 2  # pages in one 100 kB block
    assert len(docs_full) - per_block < len(docs_damaged) < len(docs_full)
    assert docs_damaged[-1] == docs_full[-1]  # read on to the end
    assert set(docs_damaged) <= set(docs_full)


def test_truncated_xml_page_is_one_reject(tmp_path: Path) -> None:
    xml = dump_xml([page_xml("A", "Alpha.", 1), page_xml("B", "Beta.", 2)])
    path = tmp_path / "enwiki-x.xml"
    path.write_text(xml[: xml.index("Beta")])
    outcomes = read_all(path)
    assert [d.meta["title"] for d in documents(outcomes)] == ["A"] and reasons(outcomes) == ["truncated_page"]


def test_empty_file_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "enwiki-x.xml.bz2"
    path.write_bytes(b"")
    assert comparable(read_all(path)) == [("reject", "empty_file", 0)]


def test_dump_without_closing_mediawiki_tag_is_fine(tmp_path: Path) -> None:
    xml = dump_xml([page_xml("A", "Alpha.", 1)])
    path = tmp_path / "enwiki-x.xml.bz2"
    path.write_bytes(bz2.compress(xml.replace("</mediawiki>\n", "").encode()))
    assert comparable(read_all(path))[0][0] == "doc" and reasons(read_all(path)) == []


# ----------------------------------------------------------------------------------------------- splits


def test_xml_splits_read_exactly_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "enwiki-x.xml"
    path.write_text(varied_dump(120))
    whole = comparable(read_all(path))
    assert len(whole) == 120
    for split in (97, 1000, 4096, 33_333):
        ranges = plan_splits(str(path), split)
        assert len(ranges) > 1 and ranges[0][1] == 0 and ranges[-1][2] == path.stat().st_size
        assert comparable(read_split(path, split)) == whole, split


def test_plain_bz2_splits_by_blocks(tmp_path: Path) -> None:
    path = tmp_path / "enwiki-x.xml.bz2"
    path.write_bytes(bz2.compress(varied_dump(400).encode(), 1))
    whole = comparable(read_all(path))
    assert len(whole) == 400
    for split in (5000, 20_000, 50_000):
        ranges = plan_splits(str(path), split)
        assert len(ranges) > 3
        per_range = [comparable(list(read_pages(p, s, e, ["en"], 1 << 20))) for p, s, e in ranges]
        assert sum(per_range, []) == whole, split
        assert sum(1 for rows in per_range if rows) > 2  # several ranges own blocks with pages


def test_concatenated_bz2_streams_without_index(tmp_path: Path) -> None:
    """Several bz2 streams in one file (as pbzip2 writes), no index: read block by block across streams."""
    xml = varied_dump(200).encode()
    cuts = [0, len(xml) // 5, len(xml) // 2, len(xml) * 4 // 5, len(xml)]
    path = tmp_path / "enwiki-x.xml.bz2"
    path.write_bytes(b"".join(bz2.compress(xml[a:b], 1) for a, b in zip(cuts, cuts[1:], strict=False)))
    whole = comparable(read_all(path))
    assert len(whole) == 200
    for split in (3000, 40_000):
        assert comparable(read_split(path, split)) == whole


def test_multistream_splits_by_index(tmp_path: Path) -> None:
    xml = varied_dump(250)
    head_end = xml.index("  <page>")
    pages = [p + "  </page>\n" for p in xml[head_end:].split("  </page>\n") if "<page>" in p]
    streams = (
        [xml[:head_end]] + ["".join(pages[i : i + 20]) for i in range(0, len(pages), 20)] + ["</mediawiki>\n"]
    )
    path = tmp_path / "enwiki-20220601-pages-articles-multistream.xml.bz2"
    index_lines, offset, blob = [], 0, bytearray()
    for number, stream in enumerate(streams):
        if 0 < number < len(streams) - 1:
            for page in stream.split("  </page>\n")[:-1]:
                page_id = page.split("<id>", 1)[1].split("<", 1)[0]
                title = page.split("<title>", 1)[1].split("<", 1)[0]
                index_lines.append(f"{offset}:{page_id}:{title}")
        compressed = bz2.compress(stream.encode())
        blob += compressed
        offset += len(compressed)
    path.write_bytes(bytes(blob))
    index = tmp_path / "enwiki-20220601-pages-articles-multistream-index.txt.bz2"
    index.write_bytes(bz2.compress("\n".join(index_lines).encode() + b"\n"))
    whole = comparable(read_all(path))
    assert len(whole) == 250
    for split in (1, 30_000, 100_000):
        ranges = plan_splits(str(path), split)
        starts = {int(line.split(":", 1)[0]) for line in index_lines} | {0}
        assert {start for _, start, _ in ranges} <= starts and len(ranges) > 1
        assert comparable(read_split(path, split)) == whole, split
    assert len(plan_splits(str(path), 1)) == len(streams) - 1  # every page stream, the last with the footer


def test_multistream_damaged_stream_is_one_reject(tmp_path: Path) -> None:
    pages = [page_xml(f"P{i}", f"Text {i}.", i) for i in range(1, 61)]
    head = dump_xml([])[: dump_xml([]).index("</mediawiki>")]
    streams = [head] + ["".join(pages[i : i + 10]) for i in range(0, 60, 10)] + ["</mediawiki>\n"]
    compressed = [bytearray(bz2.compress(s.encode())) for s in streams]
    compressed[3][20:30] = bytes(10)  # damage the third page stream
    path = tmp_path / "enwiki-x-pages-articles-multistream.xml.bz2"
    path.write_bytes(b"".join(compressed))
    offsets, lines = 0, []
    for number, data in enumerate(compressed):
        if 0 < number < len(compressed) - 1:
            lines += [f"{offsets}:{(number - 1) * 10 + k + 1}:P" for k in range(10)]
        offsets += len(data)
    (tmp_path / "enwiki-x-pages-articles-multistream-index.txt.bz2").write_bytes(
        bz2.compress("\n".join(lines).encode())
    )
    outcomes = read_all(path)
    titles = [d.meta["title"] for d in documents(outcomes)]
    assert reasons(outcomes) == ["corrupt_bz2"]
    assert titles == [f"P{i}" for i in range(1, 61) if not 21 <= i <= 30]
    assert comparable(read_split(path, 1)) == comparable(outcomes)
