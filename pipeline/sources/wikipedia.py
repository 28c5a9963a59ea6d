"""Wikipedia: MediaWiki pages-articles XML dumps to cleaned Documents, their cited URLs, Skips and Rejects.

Reading a range [start, end) of one dump (`plan_splits` makes the ranges, `read_pages` reads one):

1. Head. The file's beginning (up to its first `<page`, at most 4 MiB decompressed) gives the encoding (a
   BOM, else the XML declaration, else UTF-8), the siteinfo (`dbname`, namespace names) and the language
   (`dump_language`: the file name wins over the siteinfo). A head with a `<!DOCTYPE` is one Reject
   `xml_entities` for the whole file: real dumps never have a DTD, and entity declarations are how
   billion-laughs and external-entity files work. Nothing is ever expanded: pages are parsed by lxml with
   `resolve_entities=False, no_network=True, load_dtd=False`, so an entity reference is an error there.
2. Bytes. Decompressed bytes come in segments, each with the compressed offset it came from and whether the
   range owns it:
   * `.xml`: file bytes from `start`, owned up to `end`;
   * multistream `.xml.bz2` (an index `...-multistream-index.txt.bz2` beside it): whole bz2 streams from
     `start` (a stream start from the index), owned while the stream starts before `end`; a damaged stream is
     one Reject and reading resumes at the next stream header (`BZh?1AY&SY`, byte-aligned);
   * any other `.bz2`: bz2 blocks. A block starts with the 48-bit magic 0x314159265359 at any bit offset;
     the range owns the blocks whose magic starts in it. Each block is decoded alone, as a one-block stream
     rebuilt around its bits (`BZh9`, the block, the end-of-stream magic and the block's own CRC as the
     combined CRC), so a range starts at its first block without decoding what lies before, and a damaged
     block is one Reject with the blocks after it still read.
   A UTF-16 (or other non-UTF-8) dump is transcoded to UTF-8 on the way, and is one range.
3. Pages. `<page>`...`</page>` spans are cut from the byte stream (markup never holds a literal `<`, so the
   tags cannot occur inside text) and each page is parsed alone: bad XML inside one page is one Reject and
   the next page goes on; a page over `max_page_bytes` is an `oversize` Reject, streamed past, never held.
   A range yields the pages that start in segments it owns and reads on past `end` only to finish its last
   page, so the ranges of a file together yield exactly what a whole-file read yields.
4. Selection. Namespace 0 only (`skipped:namespace`); redirects (`<redirect>` or text starting with
   `#REDIRECT` or a localized variant) are `skipped:redirect`; of several revisions the one with the greatest
   timestamp (the last among equals) is read; a revision without text is a Reject `no_text`; a page whose
   cleaned text is empty is `dropped:empty`. A dump of a language outside `languages` is one Skip
   `skipped:language` for the whole file (yielded by the range that starts at 0).
5. Cleaning (`clean_wikitext`), by passes of regular expressions and str.find, each run only when its
   marker is in the text: comments; `<ref>` elements; templates (`{{...}}`, nested, by a linear brace
   matcher); tables (`{|...|}` at line starts, nested); behaviour switches (`__TOC__`); <gallery>, <math>,
   <table> and the like with their content, any other tag (<b>, <small>, <span>, <nowiki>, ...) keeping its
   text, <br> and block tags as line breaks; wikilinks innermost first (a file caption's links, then the
   file link): the label, else the target, nothing for File/Image/Media/Category links (with the namespace
   names of the 20 LLaMA languages, ja, and the dump's own siteinfo) and interlanguage links; external
   links become their label, bare URLs go; bold and italic quotes go; HTML entities are decoded. Then, line
   by line: headings become lines of their own, list markers and rules go, whitespace collapses, and the
   sections with a body are joined by blank lines under the title as the first line.
   mwparserfromhell (as RedPajama/HF use it) is not used: parsing pages with it, or only walking its C
   tokenizer's tokens after the passes above, held the reader at 25-30% of the speed of decompressing and
   XML-parsing the dump; these passes, at about 35 MB/s of wikitext, keep it near half of that.
6. Cited URLs (`cited_urls`): every absolute http(s) URL in the page's wikitext (in `<ref>`, citation
   templates, bracketed and bare external links), comments excluded, in order of first appearance.
"""

from __future__ import annotations

import bz2
import codecs
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO
from urllib.parse import quote

from lxml import etree

from pipeline.config import WIKIPEDIA_LANGUAGES, WikipediaConfig
from pipeline.document import Document, make_doc_id, parse_timestamp
from pipeline.io import file_size, filesystem, open_file
from pipeline.rejects import Reject, Skip
from pipeline.sources.xml import safe_parser

__all__ = [
    "DEFAULT_MAX_PAGE_BYTES",
    "LLAMA_LANGUAGES",
    "SOURCE",
    "cited_urls",
    "clean_wikitext",
    "dump_language",
    "plan_splits",
    "read_pages",
]

SOURCE = "wikipedia"
LLAMA_LANGUAGES = WIKIPEDIA_LANGUAGES  # the recipe's default `wikipedia.languages` (LLaMA §2.1)
DEFAULT_MAX_PAGE_BYTES = WikipediaConfig().max_page_bytes
CHUNK = 1 << 20
HEAD_LIMIT = 4 << 20  # decompressed bytes searched for the siteinfo and the first <page>
MAX_BLOCK_BYTES = 8 << 20  # compressed bytes searched for the end of one bz2 block (a real one is < 1 MiB)
SEARCH_WINDOW = 256 << 10  # compressed bytes searched at once for the next bz2 magic

# ---------------------------------------------------------------------------------------------------------
# Namespace names and magic words.

# File (6), Media (-2) and Category (14) namespace names and their aliases in the 20 LLaMA languages (+ ja).
# The dump's own siteinfo names are added per file; these cover files whose siteinfo is wrong or absent.
MEDIA_NAMES = {
    "en": ("File", "Image", "Media"),
    "bg": ("Файл", "Картинка", "Медия"),
    "ca": ("Fitxer", "Imatge", "Arxiu", "Multimèdia"),
    "cs": ("Soubor", "Obrázek", "Média"),
    "da": ("Fil", "Billede", "Medie"),
    "de": ("Datei", "Bild", "Medium"),
    "es": ("Archivo", "Imagen", "Medio"),
    "fr": ("Fichier", "Image", "Média"),
    "hr": ("Datoteka", "Slika", "Mediji"),
    "hu": ("Fájl", "Kép", "Média"),
    "it": ("File", "Immagine", "Media"),
    "nl": ("Bestand", "Afbeelding", "Media"),
    "pl": ("Plik", "Grafika", "Media"),
    "pt": ("Ficheiro", "Arquivo", "Imagem", "Multimédia"),
    "ro": ("Fișier", "Fişier", "Imagine", "Media"),
    "ru": ("Файл", "Изображение", "Медиа"),
    "sl": ("Slika", "Datoteka", "Media"),
    "sr": ("Датотека", "Слика", "Медиј", "Datoteka", "Slika", "Medij"),
    "sv": ("Fil", "Bild", "Media"),
    "uk": ("Файл", "Зображення", "Медіа"),
    "ja": ("ファイル", "画像", "メディア"),
}
CATEGORY_NAMES = {
    "en": ("Category",),
    "bg": ("Категория",),
    "ca": ("Categoria",),
    "cs": ("Kategorie",),
    "da": ("Kategori",),
    "de": ("Kategorie",),
    "es": ("Categoría",),
    "fr": ("Catégorie",),
    "hr": ("Kategorija",),
    "hu": ("Kategória",),
    "it": ("Categoria",),
    "nl": ("Categorie",),
    "pl": ("Kategoria",),
    "pt": ("Categoria",),
    "ro": ("Categorie",),
    "ru": ("Категория",),
    "sl": ("Kategorija",),
    "sr": ("Категорија", "Kategorija"),
    "sv": ("Kategori",),
    "uk": ("Категорія",),
    "ja": ("カテゴリ",),
}
REDIRECT_WORDS = (
    "REDIRECT", "WEITERLEITUNG", "REDIRECTION", "REDIRECCIÓN", "REDIRECCION", "REDIRECCIÓ", "RINVIA",
    "DOORVERWIJZING", "PATRZ", "PRZEKIERUJ", "TAM", "REDIRECIONAMENTO", "REDIRECIONAR", "REDIRECTEAZA",
    "REDIRECTEAZĂ", "ПЕРЕНАПРАВЛЕНИЕ", "ПЕРЕНАПР", "ПЕРЕНАПРАВЛЕННЯ", "ПРЕНАСОЧВАНЕ", "ВИЖ",
    "PŘESMĚRUJ", "OMDIRIGERING", "PREUSMJERI", "ÁTIRÁNYÍTÁS", "PREUSMERITEV", "ПРЕУСМЕРИ", "PREUSMERI",
    "転送", "リダイレクト", "ПАРАНАКІРАВАННЕ", "PĀRADRESĀCIJA",
)  # fmt: skip
_REDIRECT_RE = re.compile(
    r"\s*#\s*(?:" + "|".join(sorted(map(re.escape, REDIRECT_WORDS), key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
# Interwiki prefixes of 2-3 letters that are inline links to sister projects, not interlanguage links.
_NOT_LANGUAGES = frozenset({"mw", "voy", "wmf", "doi", "rfc", "iso"})
_LANGUAGE_PREFIX = re.compile(r"(?:[a-z]{2,3}(?:-[a-z0-9]{1,8})*|simple)")
# Multi-part dbnames (zh_yue -> zh-yue); any other `xx_yywiki` is "something_yy".
_MULTIPART_DBNAMES = frozenset(
    {"zh_yue", "zh_min_nan", "zh_classical", "be_x_old", "roa_rup", "roa_tara", "map_bms", "nds_nl",
     "fiu_vro", "bat_smg", "cbk_zam"}
)  # fmt: skip


def _ns_key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


_BASE_DROP_PREFIXES = frozenset(
    _ns_key(n) for table in (MEDIA_NAMES, CATEGORY_NAMES) for names in table.values() for n in names
)

# ---------------------------------------------------------------------------------------------------------
# Language.

_FILE_LANG_RE = re.compile(r"(?:^|[^a-z0-9])([a-z][a-z0-9_]*?)wiki(?=$|[^a-z])")


def _dbname_language(dbname: str) -> str | None:
    match = re.fullmatch(r"([a-z][a-z0-9_]*)wiki", dbname.strip().lower())
    return match.group(1).replace("_", "-") if match else None


def dump_language(path: str, siteinfo_dbname: str | None) -> str | None:
    """The dump's language: the `xx` of `xxwiki` in the file name, else the siteinfo dbname's.

    The file name wins because renamed or re-packaged dumps (the DBpedia minidumps) keep a wrong siteinfo.
    In `gensim_bgwiki-...` the part before `wiki` after the last `_` is the language, except for the
    multi-part dbnames (`zh_yuewiki`)."""
    base = path.rstrip("/").rsplit("/", 1)[-1].lower()
    for match in _FILE_LANG_RE.finditer(base):
        token = match.group(1)
        if token in _MULTIPART_DBNAMES:
            return token.replace("_", "-")
        code = token.rsplit("_", 1)[-1]
        if code and len(code) <= 12:
            return code
    return _dbname_language(siteinfo_dbname) if siteinfo_dbname else None


# ---------------------------------------------------------------------------------------------------------
# Cleaning.

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_REF_RE = re.compile(r"<ref\b[^>]*?(?:/\s*>|>.*?</ref\s*>)", re.S | re.I)
_REF_TAG_RE = re.compile(r"</?ref\b[^>]*>", re.I)
_REF_CLOSE_RE = re.compile(r"</ref\s*>", re.I)
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_MAGIC_RE = re.compile(r"__((?:[^\W_]|_(?!_))+)__")
_SIMPLE_LINK_RE = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_EXTERNAL_LINK_RE = re.compile(r"\[(?:https?:|ftp:|mailto:|//)[^\s\]\[]*(?:[ \t]+([^\]\[]*))?\]", re.I)
_BARE_URL_RE = re.compile(r"https?://[^\s<>\[\]{}|\"]+")
# Tags dropped with their content; any other tag is removed and keeps its text.
DROP_TAGS = (
    "ref", "references", "gallery", "math", "chem", "ce", "hiero", "imagemap", "inputbox", "score", "timeline",
    "graph", "templatedata", "categorytree", "section", "mapframe", "maplink", "table", "includeonly",
    "templatestyles", "indicator", "style", "script",
)  # fmt: skip
_DROP_TAG_RE = re.compile(
    r"<(" + "|".join(DROP_TAGS) + r")\b[^>]*?(?:/\s*>|>.*?(?:</\1\s*>|\Z))", re.S | re.I
)  # an unclosed one hides the rest of the page, as the wiki does
_BREAK_TAG_RE = re.compile(r"<(?:br|hr|p|li|dt|dd|div|/p|/li|/div|/dd|/dt)\b[^<>]*>", re.I)
_TAG_RE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_EMPTY_PARENS_RE = re.compile(r"\(\s*[,;:]?\s*\)")
_URL_TRAIL = ".,;:!?)’”"
_URL_RE = re.compile(
    r"https?://[^\s<>\[\]{}|\"'`^\\/?#]+\.[^\s<>\[\]{}|\"'`^\\/?#]+(?:[/?#][^\s<>\[\]{}|\"'`^\\]*)?"
)


def _strip_balanced_braces(text: str) -> str:
    """Remove every template (`{{...}}`, nested ones with their outer one) in one pass of str.find: a regex
    scan for the two-character tokens is several times slower. An unmatched `}}` goes as a token; an
    unmatched `{{` too (the wiki shows it as text, and its text then stays)."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    i, j = text.find("{{"), text.find("}}")
    while i >= 0 or j >= 0:
        if i >= 0 and (j < 0 or i < j):
            stack.append(i)
            i = text.find("{{", i + 2)
        else:
            if stack:
                begin = stack.pop()
                if not stack:
                    spans.append((begin, j + 2))
            else:
                spans.append((j, j + 2))
            nxt = j + 2
            j = text.find("}}", nxt)
            if 0 <= i < nxt:
                i = text.find("{{", nxt)
    spans.extend((begin, begin + 2) for begin in stack)
    return _cut(text, spans)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the (possibly nested or overlapping) spans."""
    if not spans:
        return text
    spans.sort()
    out, pos = [], 0
    for begin, end in spans:
        if end <= pos:
            continue
        if begin > pos:
            out.append(text[pos:begin])
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def _strip_tables(text: str) -> str:
    """Remove `{| ... |}` tables (nested ones with their outer one), found by str.find and kept where they
    open or close a line (after spaces or `:` indents); an unclosed table goes up to the next blank line, and
    an unmatched `|}` as a token."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for at, opening in _line_tokens(text):
        if opening:
            stack.append(at)
        elif stack:
            begin = stack.pop()
            if not stack:
                spans.append((begin, at + 2))
        else:
            spans.append((at, at + 2))
    for begin in stack:
        blank = _BLANK_LINE_RE.search(text, begin)
        spans.append((begin, blank.start() if blank else len(text)))
    return _cut(text, spans)


def _line_tokens(text: str) -> list[tuple[int, bool]]:
    """Positions of `{|` and `|}` that start a line (after spaces, tabs or, for `{|`, colons), in order."""
    found = []
    for token, opening, indent in (("{|", True, " \t:"), ("|}", False, " \t")):
        i = text.find(token)
        while i >= 0:
            j = i
            while j > 0 and text[j - 1] in indent:
                j -= 1
            if j == 0 or text[j - 1] == "\n":
                found.append((i, opening))
            i = text.find(token, i + 2)
    found.sort()
    return found


def _strip_refs(text: str) -> str:
    """Remove `<ref .../>` and `<ref ...>...</ref>` by str.find (twice as fast as the regex); an unclosed
    `<ref>` loses only its tag. Upper-case ones are left to `_REF_RE`."""
    out, pos = [], 0
    i = text.find("<ref")
    while i >= 0:
        if text[i + 4 : i + 5].isalnum():  # <references>, <refname>: not a ref
            i = text.find("<ref", i + 4)
            continue
        gt = text.find(">", i)
        if gt < 0:
            break
        out.append(text[pos:i])
        if text[gt - 1] == "/":
            pos = gt + 1
        else:
            close = _REF_CLOSE_RE.search(text, gt)
            pos = close.end() if close else gt + 1
        i = text.find("<ref", pos)
    out.append(text[pos:])
    return "".join(out)


def _magic_word(match: re.Match) -> str:
    return "" if match.group(1).upper() == match.group(1) else match.group()


def _link_text(title: str, label: str | None, drop_prefixes: frozenset[str]) -> str:
    """What a wikilink shows: its label, else its target; nothing for file, category and language links."""
    if ":" in title:
        target = title.strip()
        if target.startswith(":"):  # [[:Category:X]], [[:de:X]]: an inline link, shown
            return label if label and label.strip() else target[1:].strip()
        prefix = target.partition(":")[0]
        key = _ns_key(prefix)
        if key in drop_prefixes:
            return ""
        if key not in _NOT_LANGUAGES and _LANGUAGE_PREFIX.fullmatch(prefix.strip()):
            return ""
    if label and label.strip():
        return label
    return title.strip()


def _links(text: str, drop_prefixes: frozenset[str]) -> str:
    """Wikilinks innermost first (a file caption's links, then the file link itself)."""

    def replace(match: re.Match) -> str:
        title, label = match.groups()
        if label is None and ":" not in title:
            return title
        return _link_text(title, label, drop_prefixes)

    for _ in range(4):
        text, count = _SIMPLE_LINK_RE.subn(replace, text)
        if not count or "[[" not in text:
            break
    return text


def _external_link(match: re.Match) -> str:
    return match.group(1) or ""


def _markup_to_text(wikitext: str, drop_prefixes: frozenset[str]) -> str:
    """Everything but the line structure: each pass runs only when its marker is in the text."""
    text = wikitext
    if "<!--" in text:
        text = _COMMENT_RE.sub("", text)
    if "<ref" in text:
        text = _strip_refs(text)
    if "<REF" in text or "<Ref" in text:
        text = _REF_TAG_RE.sub("", _REF_RE.sub("", text))
    if "{{" in text or "}}" in text:
        text = _strip_balanced_braces(text)
    if "{|" in text:
        text = _strip_tables(text)
    if "__" in text:
        text = _MAGIC_RE.sub(_magic_word, text)
    if "<" in text:
        text = _DROP_TAG_RE.sub("", text)
        text = _BREAK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if "[[" in text:
        text = _links(text, drop_prefixes)
    if "[" in text:
        text = _EXTERNAL_LINK_RE.sub(_external_link, text)
    if "http" in text:
        text = _BARE_URL_RE.sub("", text)
    if "''" in text:  # bold-italic, bold, italic; a fourth apostrophe stays, as on the wiki
        text = text.replace("'''''", "").replace("'''", "").replace("''", "")
    for leftover in ("[[", "]]", "{{", "}}"):
        if leftover in text:
            text = text.replace(leftover, "")
    if "&" in text:
        text = html.unescape(text)
    if "(" in text:
        text = _EMPTY_PARENS_RE.sub("", text)
    return text


def _sections(text: str) -> Iterator[tuple[str, list[str]]]:
    """(heading, lines) per section: list markers, rules and runs of whitespace go; blank lines collapse."""
    heading, lines = "", []
    for line in text.split("\n"):
        if line[:1] == "=" and line.rstrip()[-1:] == "=":
            words = line.strip().strip("=").split()
            if words:
                yield heading, lines
                heading, lines = " ".join(words), []
                continue
        if line[:1] in ("*", "#", ":", ";"):
            line = line.lstrip("*#:;")
        elif line[:4] == "----":
            line = line.lstrip("-")
        if "  " in line or "\t" in line or "\xa0" in line or "\u2009" in line:
            line = " ".join(line.split())
        else:
            line = line.strip()
        if line:
            lines.append(line)
        elif lines and lines[-1]:
            lines.append("")
    yield heading, lines


def clean_body(wikitext: str, drop_prefixes: frozenset[str] = _BASE_DROP_PREFIXES) -> str:
    """The plain text of a page's wikitext, without its title: sections with a body, by blank lines."""
    parts = []
    for heading, lines in _sections(_markup_to_text(wikitext, drop_prefixes)):
        while lines and not lines[-1]:
            lines.pop()
        if lines:
            body = "\n".join(lines)
            parts.append(f"{heading}\n{body}" if heading else body)
    return "\n\n".join(parts)


def clean_wikitext(title: str, wikitext: str, extra_prefixes: Iterable[str] = ()) -> str:
    """The document text: the title as the first line, then the cleaned sections, separated by blank lines.
    `extra_prefixes` adds namespace names (the dump's own File and Category names) whose links are removed."""
    prefixes = (
        _BASE_DROP_PREFIXES | {_ns_key(p) for p in extra_prefixes} if extra_prefixes else _BASE_DROP_PREFIXES
    )
    body = clean_body(wikitext, prefixes)
    title = title.strip()
    return f"{title}\n\n{body}" if body else title


def cited_urls(wikitext: str) -> list[str]:
    """Absolute http(s) URLs the page cites, comments excluded, de-duplicated in order of appearance.
    The pattern asks for a dotted host, so `http://localhost` and a bare `http://` are not taken."""
    text = _COMMENT_RE.sub("", wikitext) if "<!--" in wikitext else wikitext
    seen: dict[str, None] = {}
    for url in _URL_RE.findall(text):
        if url[-1] in _URL_TRAIL:
            while url and url[-1] in _URL_TRAIL:
                if url[-1] == ")" and url.count("(") >= url.count(")"):
                    break
                url = url[:-1]
        cut = url.find("''")
        if cut >= 0:
            url = url[:cut]
        if "&amp;" in url:
            url = url.replace("&amp;", "&")
        host = url.split("//", 1)[1].split("/", 1)[0]
        if "." in host.strip("."):
            seen.setdefault(url, None)
    return list(seen)


# ---------------------------------------------------------------------------------------------------------
# The head of a dump.


@dataclass
class _Head:
    encoding: str = "utf-8"
    dbname: str | None = None
    namespace_names: tuple[str, ...] = ()  # the siteinfo's File, Media and Category names
    dtd: bool = False
    error: str | None = None  # why the head could not be read (an empty or non-bz2 file, ...)


_DECL_ENCODING_RE = re.compile(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")


def _sniff_encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    declared = _DECL_ENCODING_RE.match(data[:200])
    if declared:
        name = codecs.lookup(declared.group(1).decode("ascii")).name
        return "utf-8" if name == "utf-8" else name
    return "utf-8"


def _is_bz2(path: str) -> bool:
    with open_file(path, "rb") as handle:
        return handle.read(3) == b"BZh"


def _read_head(path: str) -> _Head:
    """The bytes before the first <page> (at most HEAD_LIMIT of them, decompressed), fed in small pieces so
    that damage further on does not hide the head."""
    raw = bytearray()
    piece = 64 << 10
    try:
        with open_file(path, "rb") as handle:
            first = handle.read(piece)
            if first[:3] == b"BZh":
                decompressor = bz2.BZ2Decompressor()
                data = first
                while data and len(raw) < HEAD_LIMIT:
                    raw += decompressor.decompress(data, HEAD_LIMIT)
                    if b"<page" in raw or b"<\x00p\x00a\x00g\x00e" in raw or decompressor.eof:
                        break
                    data = handle.read(piece) if decompressor.needs_input else b""
            else:
                raw += first + handle.read(HEAD_LIMIT - len(first))
    except (OSError, EOFError, ValueError) as exc:
        if not raw:
            return _Head(error=f"cannot read the head: {exc}")
    head = _Head(encoding=_sniff_encoding(bytes(raw[:4096])))
    text = bytes(raw).decode(head.encoding, errors="replace")
    cut = text.find("<page")
    text = text if cut < 0 else text[:cut]
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        head.dtd = True
        return head
    begin, end = text.find("<siteinfo"), text.find("</siteinfo>")
    if begin >= 0 and end > begin:
        try:
            siteinfo = etree.fromstring(text[begin : end + len("</siteinfo>")].encode(), safe_parser())
        except etree.XMLSyntaxError:
            return head
        names = []
        for element in siteinfo.iter():
            local = _local(element.tag)
            if local == "dbname" and element.text:
                head.dbname = element.text.strip()
            elif local == "namespace" and element.get("key") in ("-2", "6", "14") and element.text:
                names.append(element.text.strip())
        head.namespace_names = tuple(names)
    return head


# ---------------------------------------------------------------------------------------------------------
# Compressed bytes.


class _Source:
    """Random access to a file's bytes through one forward-moving buffer."""

    def __init__(self, handle: IO[bytes], size: int):
        self.handle, self.size = handle, size
        self.base, self.buf = 0, bytearray()

    def get(self, start: int, stop: int) -> bytes:
        stop = min(stop, self.size)
        if start >= stop:
            return b""
        end = self.base + len(self.buf)
        if start < self.base or start > end:
            self.handle.seek(start)
            self.base, self.buf = start, bytearray()
        elif start - self.base > (4 << 20):
            del self.buf[: start - self.base]
            self.base = start
        end = self.base + len(self.buf)
        if stop > end:
            self.handle.seek(end)
            self.buf += self.handle.read(max(stop - end, CHUNK))
        return bytes(self.buf[start - self.base : stop - self.base])


BLOCK_MAGIC = 0x314159265359
EOS_MAGIC = 0x177245385090
_MAGIC_BITS = 48
_STREAM_RE = re.compile(rb"BZh[1-9]1AY&SY")


def _magic_patterns(magic: int) -> list[tuple[int, bytes, int, int, int]]:
    """For each bit shift s: (s, fixed middle bytes, their offset, value and mask of the 7-byte window)."""
    patterns = []
    for shift in range(8):
        value = magic << (8 - shift)
        mask = ((1 << _MAGIC_BITS) - 1) << (8 - shift)
        window = value.to_bytes(7, "big")
        if shift == 0:
            patterns.append((0, window[:6], 0, value, mask))
        else:
            patterns.append((shift, window[1:6], 1, value, mask))
    return patterns


_BLOCK_PATTERNS = _magic_patterns(BLOCK_MAGIC)
_EOS_PATTERNS = _magic_patterns(EOS_MAGIC)


def _find_magic(source: _Source, bit: int, limit_bytes: int) -> tuple[int, str] | None:
    """The first block or end-of-stream magic at a bit offset >= `bit`, within `limit_bytes`: (bit, kind).

    The end-of-stream magic is looked for only before a block magic that opens a new stream (just after a
    `BZh?` header) or where no block magic follows: a block's end is otherwise the next block's magic."""
    start = bit // 8
    stop_at = min(source.size, start + limit_bytes)
    pos = start
    while pos < stop_at:
        window = source.get(pos, min(pos + SEARCH_WINDOW + 16, source.size))
        if len(window) < 6:
            return None
        found = _search(window, pos, bit, _BLOCK_PATTERNS, len(window))
        if found is None or (
            found % 8 == 0 and found // 8 - pos >= 4 and _is_header(window, found // 8 - pos - 4)
        ):
            eos = _search(
                window, pos, bit, _EOS_PATTERNS, len(window) if found is None else found // 8 - pos + 1
            )
            if eos is not None:
                return eos, "eos"
        if found is not None:
            return found, "block"
        pos += len(window) - 16  # a magic with its stream header (10 bytes) lies whole in one window
        if len(window) < SEARCH_WINDOW:
            break
    return None


def _is_header(window: bytes, at: int) -> bool:
    return window[at : at + 3] == b"BZh" and 0x31 <= window[at + 3] <= 0x39


def _search(window: bytes, pos: int, bit: int, patterns: list, limit: int) -> int | None:
    """The smallest bit offset >= `bit` of any of `patterns` starting in window[:limit]."""
    best = None
    for shift, middle, at, value, mask in patterns:
        i = window.find(middle, 0, limit + at + len(middle))
        while i >= 0:
            first = i - at
            cand = (pos + first) * 8 + shift
            if first >= 0 and cand >= bit:
                chunk = window[first : first + 7]
                if len(chunk) == 6:
                    chunk += b"\0"
                if len(chunk) == 7 and int.from_bytes(chunk, "big") & mask == value:
                    if best is None or cand < best:
                        best = cand
                    break
            i = window.find(middle, i + 1, limit + at + len(middle))
    return best


def _decode_block(source: _Source, begin: int, end: int) -> bytes:
    """Decode the bz2 block in bits [begin, end) alone, as a one-block stream. Raises OSError/ValueError."""
    first, last = begin // 8, (end + 7) // 8
    raw = source.get(first, last)
    nbits = end - begin
    value = int.from_bytes(raw, "big") >> (last * 8 - end)
    value &= (1 << nbits) - 1
    crc = (value >> (nbits - _MAGIC_BITS - 32)) & 0xFFFFFFFF
    value = (((value << _MAGIC_BITS) | EOS_MAGIC) << 32) | crc
    nbits += _MAGIC_BITS + 32
    pad = -nbits % 8
    stream = b"BZh9" + (value << pad).to_bytes((nbits + pad) // 8, "big")
    decompressor = bz2.BZ2Decompressor()
    data = decompressor.decompress(stream)
    if not decompressor.eof:
        raise EOFError("block ends early")
    return data


@dataclass
class _Segment:
    data: bytes
    origin: int  # compressed offset of the stream or block (for .xml: the file offset of data[0])
    owned: int  # how many leading bytes of data the range owns
    reset: bool = False  # data does not continue what came before (damage in between)
    exact: bool = False  # origin is the file offset of data[0] (uncompressed), not of its stream or block


def _xml_segments(source: _Source, start: int, end: int) -> Iterator[_Segment | Reject]:
    pos = start
    while pos < source.size:
        data = source.get(pos, pos + CHUNK)
        yield _Segment(data, pos, max(0, min(len(data), end - pos)), exact=True)
        pos += len(data)


def _stream_segments(source: _Source, path: str, start: int, end: int) -> Iterator[_Segment | Reject]:
    """Whole bz2 streams from `start` (multistream dumps): a damaged stream is one Reject, then the next
    stream header is found and reading goes on."""
    pos, reset = start, False
    while pos < source.size:
        if source.get(pos, pos + 3) != b"BZh":
            found = _find_stream(source, pos)
            yield Reject(
                path, pos, "trailing_garbage" if found is None else "corrupt_bz2", "not a bz2 stream here"
            )
            if found is None:
                return
            pos, reset = found, True
        stream, decompressor, fed = pos, bz2.BZ2Decompressor(), pos
        owned = stream < end
        try:
            while not decompressor.eof:
                if decompressor.needs_input:
                    data = source.get(fed, fed + CHUNK)
                    if not data:
                        yield Reject(path, stream, "truncated_bz2", "the file ends inside this bz2 stream")
                        return
                    fed += len(data)
                else:
                    data = b""
                out = decompressor.decompress(data, CHUNK)
                if out:
                    yield _Segment(out, stream, len(out) if owned else 0, reset)
                    reset = False
        except (OSError, EOFError, ValueError) as exc:
            yield Reject(path, stream, "corrupt_bz2", str(exc))
            found = _find_stream(source, stream + 4)
            if found is None:
                return
            pos, reset = found, True
            continue
        pos = fed - len(decompressor.unused_data)


def _find_stream(source: _Source, pos: int) -> int | None:
    while pos < source.size:
        window = source.get(pos, pos + CHUNK + 10)
        match = _STREAM_RE.search(window)
        if match:
            return pos + match.start()
        if len(window) < CHUNK:
            return None
        pos += len(window) - 10
    return None


def _block_segments(source: _Source, path: str, start: int, end: int) -> Iterator[_Segment | Reject]:
    """The bz2 blocks whose magic starts at or after byte `start`, each decoded alone; owned while it starts
    before byte `end`."""
    if start == 0 and source.get(0, 3) != b"BZh":
        yield Reject(path, 0, "corrupt_bz2", "no bz2 stream header")
        return
    found = _find_magic(source, start * 8, source.size)
    reset = False
    while found is not None:
        bit, kind = found
        if kind == "eos":  # end of a stream: another may follow, byte-aligned
            after = (bit + _MAGIC_BITS + 32 + 7) // 8
            if after >= source.size:
                return
            if source.get(after, after + 10)[:3] != b"BZh" or not _STREAM_RE.match(
                source.get(after, after + 10)
            ):
                yield Reject(path, after, "trailing_garbage", "bytes after the last bz2 stream")
                return
            found = (after * 8 + 32, "block")
            continue
        nxt = _find_magic(source, bit + _MAGIC_BITS, MAX_BLOCK_BYTES)
        stop = nxt[0] if nxt else source.size * 8
        owned = bit < end * 8
        try:
            data = _decode_block(source, bit, stop)
        except (OSError, EOFError, ValueError) as exc:
            if nxt is None:
                yield Reject(path, bit // 8, "truncated_bz2", f"the file ends inside a bz2 block ({exc})")
                return
            yield Reject(path, bit // 8, "corrupt_bz2", f"bz2 block at bit {bit}: {exc}")
            reset = True
            found = nxt
            continue
        yield _Segment(data, bit // 8, len(data) if owned else 0, reset)
        reset = False
        if nxt is None:
            yield Reject(
                path, bit // 8, "truncated_bz2", "the file ends without the bz2 end-of-stream marker"
            )
            return
        found = nxt


def _transcode(segments: Iterator[_Segment | Reject], encoding: str) -> Iterator[_Segment | Reject]:
    """A non-UTF-8 dump's segments as UTF-8 (such a dump is one range, so every byte is owned)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for item in segments:
        if isinstance(item, Reject):
            yield item
            continue
        data = decoder.decode(item.data).encode("utf-8")
        yield _Segment(data, item.origin, len(data) if item.owned else 0, item.reset)


# ---------------------------------------------------------------------------------------------------------
# Pages.


@dataclass
class _RawPage:
    data: bytes
    origin: int


class _Framer:
    """Cuts <page>...</page> spans out of a stream of segments; stops at the first page the range does not
    own. A page over `max_page_bytes` becomes an `oversize` Reject and is streamed past.

    `pending` holds the bytes not yet consumed from `cursor` on (consumed bytes are compacted away now and
    then, not per page); `marks` say, per segment, where its bytes begin in `pending`."""

    def __init__(self, path: str, max_page_bytes: int):
        self.path, self.max_page_bytes = path, max_page_bytes
        self.pending = bytearray()
        self.cursor = 0  # pending[:cursor] is consumed
        self.searched = 0  # where the search for the open page's end goes on
        # per segment: (index in pending, origin, owned bytes, origin is the offset of that very byte)
        self.marks: list[tuple[int, int, int, bool]] = []
        self.open = False  # a page opens at cursor
        self.skipping = False  # inside an oversize page, looking for its end
        self.origin = 0
        self.done = False

    def feed(self, segment: _Segment) -> Iterator[_RawPage | Reject]:
        if segment.reset:
            self.pending.clear()
            self.marks.clear()
            self.cursor = self.searched = 0
            self.open = self.skipping = False
        elif self.cursor > (1 << 20) and self.cursor * 2 > len(self.pending):
            self._compact()
        self.marks.append((len(self.pending), segment.origin, segment.owned, segment.exact))
        self.pending += segment.data
        yield from self._scan()
        if not self.open and not self.skipping and not segment.owned:
            self.done = True  # past the range and no page open: nothing more is ours

    def _compact(self) -> None:
        count = self.cursor
        del self.pending[:count]
        marks = []
        for at, origin, owned, exact in self.marks:
            at -= count
            if at < 0:
                origin, owned = (origin - at if exact else origin), max(0, owned + at)
                at = 0
                if marks and marks[-1][0] == 0:
                    marks.pop()
            marks.append((at, origin, owned, exact))
        self.marks = marks
        self.cursor, self.searched = 0, max(0, self.searched - count)

    def _owner(self, index: int) -> tuple[int, bool]:
        """The reported offset of the byte at `index` of pending, and whether the range owns it."""
        origin, owned = 0, False
        for at, seg_origin, seg_owned, exact in self.marks:
            if at > index:
                break
            origin = seg_origin + (index - at if exact else 0)
            owned = index - at < seg_owned
        return origin, owned

    def _scan(self) -> Iterator[_RawPage | Reject]:
        pending = self.pending
        while not self.done:
            if self.skipping:
                i = pending.find(b"</page>", max(self.cursor, self.searched))
                if i < 0:
                    self.cursor = self.searched = max(self.cursor, len(pending) - 6)
                    return
                self.cursor = i + 7
                self.skipping = False
            if not self.open:
                i = self._find_open()
                if i < 0:
                    self.cursor = max(self.cursor, len(pending) - 5)
                    return
                origin, owned = self._owner(i)
                if not owned:
                    self.done = True
                    return
                self.cursor = self.searched = i
                self.open, self.origin = True, origin
            j = pending.find(b"</page>", max(self.cursor, self.searched))
            if j < 0:
                self.searched = max(self.cursor, len(pending) - 6)
                if len(pending) - self.cursor > self.max_page_bytes:
                    yield Reject(self.path, self.origin, "oversize", f"page over {self.max_page_bytes} bytes")
                    self.open, self.skipping = False, True
                    continue
                return
            end = j + 7
            if end - self.cursor > self.max_page_bytes:
                yield Reject(self.path, self.origin, "oversize", f"page of {end - self.cursor} bytes")
            else:
                yield _RawPage(bytes(pending[self.cursor : end]), self.origin)
            self.cursor = self.searched = end
            self.open = False

    def _find_open(self) -> int:
        i = self.pending.find(b"<page", self.cursor)
        while i >= 0:
            nxt = self.pending[i + 5 : i + 6]
            if not nxt:
                return -1  # cannot tell yet
            if nxt in (b">", b" ", b"\n", b"\t", b"\r", b"/"):
                return i
            i = self.pending.find(b"<page", i + 1)
        return -1

    def finish(self) -> Iterator[Reject]:
        if self.open and not self.done:
            yield Reject(self.path, self.origin, "truncated_page", "the dump ends inside this page")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@dataclass
class _Page:
    title: str
    ns: str
    page_id: str
    redirect: bool
    revision_id: str
    timestamp: str
    text: str | None


def _parse_page(data: bytes) -> _Page:
    """The page's fields and its latest revision. Raises ValueError on a page that is not one."""
    root = etree.fromstring(data, safe_parser())
    title = ns = page_id = None
    redirect = False
    best: tuple[str, int] | None = None
    best_rev = None
    for index, child in enumerate(root):
        name = _local(child.tag)
        if name == "title":
            title = child.text or ""
        elif name == "ns":
            ns = (child.text or "").strip()
        elif name == "id":
            page_id = (child.text or "").strip()
        elif name == "redirect":
            redirect = True
        elif name == "revision":
            stamp = ""
            for sub in child:
                if _local(sub.tag) == "timestamp":
                    stamp = (sub.text or "").strip()
                    break
            if best is None or (stamp, index) >= best:
                best, best_rev = (stamp, index), child
    if title is None or page_id is None:
        raise ValueError("a page without <title> or <id>")
    revision_id, text, stamp = "", None, best[0] if best else ""
    if best_rev is not None:
        for sub in best_rev:
            local = _local(sub.tag)
            if local == "id":
                revision_id = (sub.text or "").strip()
            elif local == "text" and sub.get("deleted") is None:
                text = sub.text or ""
    return _Page(title, ns if ns is not None else "0", page_id, redirect, revision_id, stamp, text)


def _page_url(language: str, title: str) -> str:
    """The article's URL as MediaWiki writes it: spaces as underscores, the rest percent-encoded."""
    return f"https://{language}.wikipedia.org/wiki/" + quote(
        title.strip().replace(" ", "_"), safe=";@$!*(),/~:"
    )


def _page_outcome(
    raw: _RawPage, path: str, language: str, head: _Head, prefixes: frozenset[str]
) -> tuple[Document | Skip | Reject, list[str]]:
    try:
        page = _parse_page(raw.data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return Reject(path, raw.origin, "bad_xml", str(exc)[:300]), []
    record_id = f"{path.rsplit('/', 1)[-1]}:{page.page_id}"
    if page.ns != "0":
        return Skip("skipped:namespace"), []
    if page.redirect or (page.text and _REDIRECT_RE.match(page.text)):
        return Skip("skipped:redirect"), []
    if page.text is None:
        return Reject(
            path, raw.origin, "no_text", f"page {page.page_id}: revision without text", record_id
        ), []
    text = page.text
    body = clean_body(text, prefixes) if text.strip() else ""
    if not body:
        return Skip("dropped:empty"), []
    title = page.title.strip()
    base = path.rstrip("/").rsplit("/", 1)[-1]
    document = Document(
        id=make_doc_id(SOURCE, path, page.page_id),
        source=SOURCE,
        text=f"{title}\n\n{body}",
        url=_page_url(language, title),
        timestamp=parse_timestamp(page.timestamp),
        language=language,
        meta={
            "title": title,
            "page_id": page.page_id,
            "revision_id": page.revision_id,
            "dump": base,
            "dbname": head.dbname or f"{language.replace('-', '_')}wiki",
        },
    )
    return document, cited_urls(text)


# ---------------------------------------------------------------------------------------------------------
# Splits and reading.


def _index_candidates(path: str) -> list[str]:
    names = []
    multi = re.sub(r"multistream(\d*)\.xml(-p\d+p\d+)?\.bz2$", r"multistream-index\1.txt\2.bz2", path)
    if multi != path:
        names.append(multi)
    if path.endswith(".xml.bz2"):
        names.append(path[: -len(".xml.bz2")] + "-index.txt.bz2")
    names += [n[: -len(".bz2")] for n in names]
    return list(dict.fromkeys(names))


def _index_path(path: str) -> str | None:
    """The multistream index beside the dump, by name (`...-multistream-index.txt.bz2`), if there is one."""
    for candidate in _index_candidates(path):
        fs, resolved = filesystem(candidate)
        try:
            if fs.exists(resolved):
                return candidate
        except OSError:
            continue
    return None


def _index_offsets(index: str) -> list[int]:
    """The distinct stream offsets of a multistream index (`offset:pageid:title` lines), streamed."""
    offsets: list[int] = []
    with open_file(index, "rb") as raw:
        handle = bz2.BZ2File(raw) if index.endswith(".bz2") else raw
        last = -1
        for line in handle:
            head, colon, _ = line.partition(b":")
            if not colon:
                continue
            try:
                offset = int(head)
            except ValueError:
                continue
            if offset != last:
                offsets.append(offset)
                last = offset
    return sorted(set(offsets))


def plan_splits(path: str, split_bytes: int) -> list[tuple[str, int, int]]:
    """Ranges [start, end) of one dump, read by separate workers; each page belongs to the range it starts in.

    Multistream: consecutive streams from the index, about `split_bytes` of them each. Other `.bz2`: byte
    ranges, each owning the bz2 blocks that start in it. `.xml`: byte ranges. A non-UTF-8 dump: one range."""
    size = file_size(path)
    if size <= 0:
        return [(path, 0, size)]
    compressed = _is_bz2(path)
    index = _index_path(path) if compressed else None
    if index is not None:
        offsets = [o for o in _index_offsets(index) if 0 < o < size]
        ranges, begin = [], 0
        for offset in offsets:
            if offset - begin >= split_bytes:
                ranges.append((path, begin, offset))
                begin = offset
        ranges.append((path, begin, size))
        return ranges
    if size <= split_bytes or _read_head(path).encoding != "utf-8":
        return [(path, 0, size)]
    return [(path, start, min(start + split_bytes, size)) for start in range(0, size, split_bytes)]


def read_pages(
    path: str,
    start: int,
    end: int,
    languages: list[str],
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
) -> Iterator[tuple[Document | Skip | Reject, list[str]]]:
    """Every page that starts in [start, end) of the dump, as (outcome, cited URLs); the URLs are [] unless
    the outcome is a Document. `languages` empty reads every language."""
    head = _read_head(path)
    if head.error:
        if start == 0:
            yield Reject(path, 0, "unreadable", head.error), []
        return
    if head.dtd:
        if start == 0:
            yield Reject(path, 0, "xml_entities", "the dump has a DTD (entity declarations are refused)"), []
        return
    language = dump_language(path, head.dbname)
    if language is None:
        if start == 0:
            yield Reject(path, 0, "unknown_language", "neither the file name nor the siteinfo names one"), []
        return
    if languages and language not in languages:
        if start == 0:
            yield Skip("skipped:language"), []
        return
    prefixes = _BASE_DROP_PREFIXES | {_ns_key(n) for n in head.namespace_names}
    size = file_size(path)
    if size == 0:
        if start == 0:
            yield Reject(path, 0, "empty_file", "0 bytes"), []
        return
    with open_file(path, "rb") as handle:
        source = _Source(handle, size)
        if source.get(0, 3) == b"BZh":
            if _index_path(path) is not None:
                segments = _stream_segments(source, path, start, end)
            else:
                segments = _block_segments(source, path, start, end)
        else:
            segments = _xml_segments(source, start, end)
        if head.encoding != "utf-8":
            segments = _transcode(segments, head.encoding)
        framer = _Framer(path, max_page_bytes)
        damaged = False
        for item in segments:
            if isinstance(item, Reject):
                damaged = True
                if item.offset is None or item.offset < end:
                    yield item, []
                continue
            for raw in framer.feed(item):
                if isinstance(raw, Reject):
                    yield raw, []
                else:
                    yield _page_outcome(raw, path, language, head, prefixes)
            if framer.done:
                break
        if not damaged:
            for reject in framer.finish():
                yield reject, []
