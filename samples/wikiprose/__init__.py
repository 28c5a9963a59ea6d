"""Generated encyclopedic articles for the Wikipedia samples (used by make_wikipedia_samples.py): the engine;
the words and templates of each language are in en.py, de.py, fr.py and ru.py.

Written for this project: a seeded generator (random.Random with a fixed seed, so the same seed gives the same
articles) that composes Wikipedia-style prose about invented towns, rivers, species, people and buildings, in
English, German, French and Russian. Every place, person and species is fictional; the sentence templates and
word lists are our own. Each language has its own templates (not translations word for word), with slots
filled from word lists so that articles vary, and with the markup a dump has: [[links]], '''bold''',
''italics'', == headings ==, {{templates}}, <ref>s with URLs (a few of them the URLs of the CommonCrawl sample
pages, so that a Wikipedia-reference classifier has positives), File: and Category: links, comments.

Template syntax: `${slot}` takes a value from the article's context; `⟨a|b|c⟩` takes the alternative for the
article's grammatical gender (0 masculine, 1 feminine, 2 neuter), after the slots are filled. A template list
entry that is a list is a set of alternatives, one of which is chosen.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

_GENDER = re.compile(r"⟨([^⟨⟩]*)⟩")
Templates = list[str | list[str]]


@dataclass
class Topic:
    """How to write one kind of article in one language."""

    make: Callable[[random.Random], dict]  # the context: title, gender, slots, category, infobox, ...
    lead: list[str]  # openers: one is chosen; it holds the title in '''bold'''
    lead_more: Templates  # one or two follow the opener
    sections: list[tuple[str, Templates | str, int, int]]  # heading, templates (or "@key"), fewest, most
    see_also: list[str] = field(default_factory=list)  # "See also" items (may hold slots)
    citations: list[str] = field(default_factory=list)  # CommonCrawl sample pages this topic cites first


@dataclass
class Language:
    code: str
    topics: dict[str, Topic]
    see_also: str  # the heading of the "See also" section
    references: str  # the heading of the references section
    further: str  # the heading of the external links section
    category: str  # the Category namespace name
    file: str  # the File namespace name
    thumb: str  # the thumbnail keyword
    ref_titles: list[str]  # titles of invented sources
    publishers: list[str]
    cite: str  # a citation template, with ${url} ${title} ${publisher} ${year}
    accessed: str  # "retrieved on" words for bracketed references


def fill(template: str, context: dict, gender: int) -> str:
    text = string.Template(template).substitute(context)
    text = _GENDER.sub(lambda m: m.group(1).split("|")[gender], text)
    for index, char in enumerate(text):  # a sentence starts with a capital, after any markup
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1 :]
        if char not in "'[{\"«„":
            break
    return text


def pick(rng: random.Random, entry: str | list[str]) -> str:
    return entry if isinstance(entry, str) else rng.choice(entry)


def choose(rng: random.Random, items: Templates, low: int, high: int) -> list[str]:
    """Between low and high templates, in their listed order (the order of a narrative)."""
    count = rng.randint(min(low, len(items)), min(high, len(items)))
    return [pick(rng, items[i]) for i in sorted(rng.sample(range(len(items)), count))]


def number(value: int, code: str) -> str:
    """A number as each Wikipedia writes it: 12,345 / 12.345 / 12&nbsp;345."""
    if value < 10000 and code in ("de", "fr", "ru"):
        return str(value)
    grouped = f"{value:,}"
    return {"en": grouped, "de": grouped.replace(",", "."), "fr": grouped.replace(",", "&nbsp;"),
            "ru": grouped.replace(",", "&nbsp;")}[code]  # fmt: skip


def roman(value: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for amount, letters in numerals:
        while value >= amount:
            out += letters
            value -= amount
    return out


def ordinal_en(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


class Names:
    """Unique invented names from parts; a name is never handed out twice in one language."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, build: Callable[[], str], unique: bool = True) -> str:
        for _ in range(1000):
            name = build()
            if not unique or name not in self.used:
                if unique:
                    self.used.add(name)
                return name
        raise RuntimeError("ran out of names")


def epithet(stem: str, gender: int) -> str:
    """A Latin specific epithet agreeing with its genus: `montan` -> montanus/montana/montanum, `silvestr*` ->
    silvestris/silvestre, `minor#` stays."""
    if stem.endswith("#"):
        return stem[:-1]
    if stem.endswith("*"):
        return stem[:-1] + ("e" if gender == 2 else "is")
    return stem + ("us", "a", "um")[gender]


def species_name(
    rng: random.Random, names: Names, families: list, epithets: list[str], describers: list[str]
):
    """(family, its common name, genus, describer, binomial): a binomial not handed out before; the epithet is
    a Latin adjective or the describer's name (hollowayi)."""
    chosen: dict = {}

    def build() -> str:
        family, common, genera = rng.choice(families)
        genus, gender = rng.choice(genera)
        describer = rng.choice(describers)
        eponym = describer.lower().translate(str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae"})) + "i#"
        chosen.update(family=family, common=common, genus=genus, describer=describer)
        return f"{genus} {epithet(rng.choice([*epithets, eponym]), gender)}"

    binomial = names.make(build)
    return chosen["family"], chosen["common"], chosen["genus"], chosen["describer"], binomial


def article(rng: random.Random, language: Language, topic: Topic, context: dict, sources: list[str]) -> str:
    """The wikitext of one article. `sources` are URLs to cite before invented ones (CommonCrawl pages)."""
    gender = context.get("gender", 0)
    refs: list[str] = []  # names of references already given, for <ref name=... />
    state = {"count": 0}

    def reference() -> str:
        state["count"] += 1
        if refs and rng.random() < 0.25:
            return f'<ref name="{rng.choice(refs)}" />'
        year = rng.randint(1998, 2021)
        if sources:
            url, title, publisher = sources.pop(0)
        else:
            slug = context["slug"]
            host = rng.choice(
                ["www.example.org", "archive.example.net", "example.com", f"example.{language.code}"]
            )
            url = f"https://{host}/{rng.choice(['history', 'records', 'notes', 'atlas', 'survey'])}/{slug}-{rng.randint(1, 99)}"
            title = fill(rng.choice(language.ref_titles), context, gender)
            publisher = rng.choice(language.publishers)
        values = {"url": url, "title": title, "publisher": publisher, "year": year}
        if rng.random() < 0.6:
            body = string.Template(language.cite).substitute(values)
        else:
            body = f"[{url} {title}]. {publisher}, {year}."
        if rng.random() < 0.4:
            name = f"{context['slug'][:6]}{state['count']}"
            refs.append(name)
            return f'<ref name="{name}">{body}</ref>'
        return f"<ref>{body}</ref>"

    def paragraph(templates: list[str]) -> str:
        sentences = []
        for template in templates:
            sentence = fill(template, context, gender)
            if sources or rng.random() < 0.18:
                sentence += reference()
            sentences.append(sentence)
        return " ".join(sentences)

    parts = []
    if context.get("infobox") and rng.random() < 0.7:
        parts.append(context["infobox"])
    lead = [rng.choice(topic.lead), *choose(rng, topic.lead_more, 1, 2)]
    parts.append(paragraph(lead))
    if rng.random() < 0.3:
        parts.append(f"[[{language.file}:{context['slug']}.jpg|{language.thumb}|{context['title']}]]")
    chosen = [s for s in topic.sections if rng.random() < 0.85] or topic.sections[:2]
    for heading, templates, low, high in chosen:
        if isinstance(templates, str):  # "@key": the article's own templates (a species group's, say)
            templates = context[templates[1:]]
        sentences = choose(rng, templates, low, high)
        if len(sentences) >= 4 and rng.random() < 0.5:
            middle = len(sentences) // 2
            body = paragraph(sentences[:middle]) + "\n\n" + paragraph(sentences[middle:])
        else:
            body = paragraph(sentences)
        if rng.random() < 0.08:
            body = (
                "<!-- " + rng.choice(["to be expanded", "check the dates", "source needed"]) + " -->\n" + body
            )
        parts.append(f"== {fill(heading, context, gender)} ==\n{body}")
    if topic.see_also and rng.random() < 0.5:
        items = [fill(item, context, gender) for item in choose(rng, topic.see_also, 1, 2)]
        parts.append(f"== {language.see_also} ==\n" + "\n".join(f"* [[{item}]]" for item in items))
    if state["count"]:
        parts.append(f"== {language.references} ==\n<references />")
    parts.append(f"[[{language.category}:{fill(context['category'], context, gender)}]]")
    return "\n\n".join(parts)


def generate(
    language: Language, count: int, seed: int, citations: dict[str, tuple[str, str, str]]
) -> list[tuple[str, str]]:
    """`count` (title, wikitext) articles, the topics in turn. `citations` maps a CommonCrawl sample page name to
    (url, title, publisher); each topic cites the pages in its `citations` list first, one per article."""
    rng = random.Random(seed)
    kinds = list(language.topics)
    waiting = {kind: [citations[name] for name in language.topics[kind].citations] for kind in kinds}
    out = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        topic = language.topics[kind]
        context = topic.make(rng)
        sources = [waiting[kind].pop(0)] if waiting[kind] else []
        out.append((context["title"], article(rng, language, topic, context, sources)))
    return out
