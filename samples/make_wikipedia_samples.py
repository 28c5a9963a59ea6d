"""Write the Wikipedia samples: small pages-articles dumps in four of LLaMA's 20 languages (en, de, fr, ru).

    python samples/make_wikipedia_samples.py

Every page here was written for this project (no Wikipedia text is copied). Each dump holds two hand-written
articles with the markup the cleaner must remove (links with and without labels, File: and Category: links,
nested templates, a table, <ref> citations with URLs, comments, bold and italics, headings, lists), plus a
redirect and a talk page that the reader must drop; the English dump holds one page with two revisions (the
latest is kept). After them come GENERATED articles per language (`wikiprose`, seeded, so every run writes the
same ones): invented towns, rivers, species, people and buildings in the language's own prose, enough cleaned
text (over 150,000 characters a language) for the quality stage to train a SentencePiece model and a KenLM
model per language (`quality.min_characters`). Some of their <ref>s cite the URLs of the CommonCrawl sample
pages exactly (`CITED_PAGES`), as Wikipedia cites the web: the positives of the reference classifier.
Output: samples/wikipedia/<lang>wiki-20220701-pages-articles.xml.bz2 (bz2 of the same XML gives the same bytes).
"""

from __future__ import annotations

import bz2
import html
import re
from pathlib import Path
from xml.sax.saxutils import escape

from make_commoncrawl_samples import PAGES, page_url
from wikiprose import de, en, fr, generate, ru

OUT = Path(__file__).resolve().parent / "wikipedia"
EXPORT = "http://www.mediawiki.org/xml/export-0.10/"
SEED = 20220701  # the generated articles of language i come from random.Random(SEED + i)
GENERATED = {"en": (en, 150), "de": (de, 150), "fr": (fr, 150), "ru": (ru, 150)}  # module, articles
FIRST_GENERATED_ID = 1001  # page ids of the generated articles (the hand-written ones are 101...)

ARTICLES: dict[str, list[tuple[str, str]]] = {
    "en": [
        (
            "Harbour Lantern",
            """{{Short description|Lighthouse in a small fishing town}}
{{Infobox building|name=Harbour Lantern|built={{circa|1862}}|height=18 m}}
The '''Harbour Lantern''' is a small stone [[lighthouse]] at the end of the north quay of a fishing town.
It was lit for the first time in 1862 and guided boats into the harbour for more than a century.<ref>{{cite web
|url=https://example.org/lanterns/harbour |title=Lanterns of the coast |date=2019}}</ref>
<!-- The keeper's cottage is described below. -->

== History ==
The tower was built by local masons from granite taken from the [[Quarry Hill|quarry on the hill]].
A keeper lived in the cottage beside it until the light was automated in ''1968''.<ref name="town">[http://example.com/town-history Town history society]</ref>

=== Restoration ===
In 2004 volunteers repainted the lantern room and replaced the glass.<ref name="town" />
The work is remembered each summer with a small festival on the quay.

== Design ==
{| class="wikitable"
! Part !! Material
|-
| Tower || Granite
|-
| Lantern room || Iron and glass
|}
* The tower is eighteen metres tall.
* The light could be seen from twelve nautical miles.

[[File:Harbour lantern at dusk.jpg|thumb|The lantern at dusk]]
== See also ==
* [[List of lighthouses]]

== External links ==
* [https://example.net/visit Visitor information]
[[Category:Lighthouses]]
[[de:Hafenlaterne]]""",
        ),
        (
            "Orchard Bees",
            """'''Orchard bees''' are solitary bees that nest in hollow stems and help to pollinate fruit trees.
They are active early in spring, when the weather is still too cold for many other insects.{{citation needed|date=May 2022}}

== Nesting ==
A female collects mud to build small cells, and in each cell she leaves pollen and a single egg.
Gardeners often hang bundles of [[Bamboo|cane]] or drilled wood to give them places to nest.<ref>Smith, J. ''Bees of the garden''. See http://example.org/bees/garden-guide for the notes.</ref>

== Importance ==
Because they fly in cool weather, orchard bees are valued by growers of [[apple]]s and [[cherry|cherries]].
{{Main|Pollination}}

== References ==
<references />""",
        ),
    ],
    "de": [
        (
            "Stadtbibliothek am Markt",
            """Die '''Stadtbibliothek am Markt''' ist eine öffentliche [[Bibliothek]] in einer kleinen Stadt.
Sie wurde im Jahr 1911 in einem ehemaligen Kaufhaus eröffnet.<ref>[https://example.de/chronik Chronik der Stadt]</ref>

== Geschichte ==
Nach einem Brand im Jahr 1950 wurde das Gebäude wieder aufgebaut und um einen Lesesaal erweitert.
<!-- Quelle fehlt noch -->Heute besuchen jedes Jahr viele Leser die Räume im ersten Stock.

== Bestand ==
{{Infobox Bibliothek|Bestand=40.000 Bände}}
Die Sammlung umfasst Romane, Sachbücher, Zeitschriften und eine kleine Abteilung für ''Heimatgeschichte''.
[[Datei:Lesesaal.jpg|mini|Der Lesesaal]]
[[Kategorie:Bibliothek]]""",
        ),
        (
            "Wintergarten im Stadtpark",
            """Der '''Wintergarten im Stadtpark''' ist ein Gewächshaus aus Glas und Eisen.
Im Winter wachsen dort Palmen, Farne und Orangenbäume, die im Sommer vor dem Haus stehen.

== Bau ==
Das Haus wurde nach dem Vorbild größerer Anlagen in [[Berlin]] gebaut.
Ein Verein kümmert sich um die Pflanzen und öffnet das Haus an Sonntagen für Besucher.""",
        ),
    ],
    "fr": [
        (
            "Moulin de la Rivière",
            """Le '''moulin de la Rivière''' est un ancien [[moulin à eau]] situé au bord d'une petite rivière.
Il servait à moudre le blé des fermes voisines jusqu'au milieu du vingtième siècle.<ref>{{Lien web|url=https://example.fr/moulins|titre=Les moulins du pays}}</ref>

== Histoire ==
Le moulin appartenait à une famille de meuniers qui l'a agrandi en 1880.
Une association l'a restauré et la roue tourne de nouveau pendant les journées du patrimoine.

== Architecture ==
Le bâtiment est construit en pierre et couvert de tuiles. ''La roue'' mesure quatre mètres de diamètre.
[[Fichier:Moulin.jpg|vignette|Le moulin en été]]
[[Catégorie:Moulin à eau]]""",
        ),
        (
            "Marché du samedi",
            """Le '''marché du samedi''' se tient chaque semaine sur la place de l'église.
Les producteurs de la région y vendent des légumes, du fromage, du miel et du pain.

== Organisation ==
Les étals sont installés tôt le matin et la place est rendue aux voitures à midi.
En été, des musiciens jouent près de la fontaine.""",
        ),
    ],
    "ru": [
        (
            "Старая пристань",
            """'''Старая пристань''' — деревянный причал на берегу [[Река|реки]] в небольшом городе.
Пристань построили в 1895 году для пароходов, которые возили пассажиров и зерно.<ref>[https://example.ru/history История города]</ref>

== История ==
В середине двадцатого века пароходы перестали ходить, и причал пришёл в упадок.
Жители города восстановили его, и теперь летом здесь останавливаются прогулочные лодки.

== Описание ==
{{Карточка сооружения|Название=Старая пристань}}
Длина причала составляет около шестидесяти метров. Рядом стоит небольшой павильон с ''расписанием''.
[[Файл:Пристань.jpg|мини|Пристань летом]]
[[Категория:Пристани]]""",
        ),
        (
            "Городской сад",
            """'''Городской сад''' — парк в центре города с аллеями, прудом и летней эстрадой.
Весной в саду цветут яблони и сирень, а осенью здесь проходит ярмарка.

== Устройство ==
Сад разбит на несколько частей: липовую аллею, цветник и детскую площадку.
Садовники ухаживают за клумбами с апреля до октября.""",
        ),
    ],
}

REDIRECTS = {"en": ("Harbor Lantern", "Harbour Lantern"), "de": ("Hafenbibliothek", "Stadtbibliothek am Markt"),
             "fr": ("Moulin de la riviere", "Moulin de la Rivière"), "ru": ("Пристань", "Старая пристань")}  # fmt: skip
TALK = {"en": "Talk:Harbour Lantern", "de": "Diskussion:Stadtbibliothek am Markt",
        "fr": "Discussion:Moulin de la Rivière", "ru": "Обсуждение:Старая пристань"}  # fmt: skip


def revision(revision_id: int, timestamp: str, text: str) -> str:
    return (
        f"    <revision>\n      <id>{revision_id}</id>\n      <timestamp>{timestamp}</timestamp>\n"
        f"      <contributor><username>Sample</username><id>1</id></contributor>\n"
        f"      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
        f'      <text bytes="{len(text.encode())}" xml:space="preserve">{escape(text)}</text>\n    </revision>\n'
    )


def page(title: str, namespace: int, page_id: int, revisions: list[str], redirect: str | None = None) -> str:
    head = f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{namespace}</ns>\n    <id>{page_id}</id>\n"
    if redirect:
        head += f'    <redirect title="{escape(redirect)}" />\n'
    return head + "".join(revisions) + "  </page>\n"


def cited_pages() -> dict[str, tuple[str, str, str]]:
    """CommonCrawl sample page name -> (its URL, its title, its site), for the generated articles to cite."""
    out = {}
    for path in sorted(PAGES.glob("*.html")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # the pages in ISO-8859-1 and windows-1252
            text = data.decode("cp1252")
        match = re.search(r"<title>([^<]*)</title>", text)
        if match and " - " in match.group(1):
            title, site = html.unescape(match.group(1)).rsplit(" - ", 1)
            out[path.stem] = (page_url(path.stem), title, site)
    return out


def generated_pages(language: str, citations: dict[str, tuple[str, str, str]]) -> list[str]:
    module, count = GENERATED[language]
    seed = SEED + list(GENERATED).index(language)
    pages = []
    for number, (title, text) in enumerate(generate(module.language(), count, seed, citations)):
        page_id = FIRST_GENERATED_ID + number
        stamp = f"2022-{1 + number % 6:02d}-{1 + number % 28:02d}T{number % 24:02d}:{number % 60:02d}:00Z"
        pages.append(page(title, 0, page_id, [revision(200000 + page_id, stamp, text)]))
    return pages


def dump(language: str, citations: dict[str, tuple[str, str, str]]) -> str:
    parts = [
        f'<mediawiki xmlns="{EXPORT}" version="0.10" xml:lang="{language}">\n'
        f"  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <dbname>{language}wiki</dbname>\n"
        f"    <generator>MediaWiki 1.39.0-wmf.19</generator>\n  </siteinfo>\n"
    ]
    page_id = 100
    for number, (title, text) in enumerate(ARTICLES[language]):
        page_id += 1
        revisions = [revision(1000 + page_id * 10, "2022-06-20T08:00:00Z", text)]
        if language == "en" and number == 0:  # an older revision first: the reader keeps the latest
            older = "The '''Harbour Lantern''' is a lighthouse. [[Category:Stub]]"
            revisions.insert(0, revision(1000 + page_id * 10 - 1, "2021-03-02T10:00:00Z", older))
        parts.append(page(title, 0, page_id, revisions))
    source, target = REDIRECTS[language]
    parts.append(
        page(
            source,
            0,
            page_id + 1,
            [revision(9001, "2022-06-21T09:00:00Z", f"#REDIRECT [[{target}]]")],
            target,
        )
    )
    parts.append(
        page(
            TALK[language],
            1,
            page_id + 2,
            [revision(9002, "2022-06-22T09:00:00Z", "== Sources ==\nPlease add one. ~~~~")],
        )
    )
    parts.extend(generated_pages(language, citations))
    parts.append("</mediawiki>\n")
    return "".join(parts)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    citations = cited_pages()
    for language in ARTICLES:
        path = OUT / f"{language}wiki-20220701-pages-articles.xml.bz2"
        path.write_bytes(bz2.compress(dump(language, citations).encode("utf-8"), 9))
        print(f"wrote {path.relative_to(OUT.parent.parent)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
