"""C4's cleaning rules (T5 §2.2) as TFDS `c4_utils.py` implements them (RECIPE.md §4.2), so C4 can be rebuilt
from CommonCrawl documents; the `c4_filter` stage (beam_jobs/c4.py) runs them with the dedup in the shuffle.

Per page, in TFDS's order (`is_valid_length`, `clean_page`, `remove_duplicate_text`, `badwords_filter`):

1. A page longer than `max_page_characters` (1.9e5) is dropped (`dropped:too_long_page`).
2. Each line of `text.splitlines()`, stripped, in turn:
   * a whitespace token longer than `max_word_length` (1000): the line goes (`line:too_long_word`);
   * citation markers `[1]`, `[]`, `[edit]`, `[citation needed]` are removed (`line:citations_removed`, the
     lines that had one; the line goes on);
   * no terminal mark (`.` `?` `!` `"`) at its end, or an ellipsis `...`: the line goes (`line:no_end_mark`);
   * fewer than `min_words_per_line` (5) words: the line goes (`line:too_few_words`);
   * "lorem ipsum" (any case): the whole page goes (`dropped:lorem_ipsum`);
   * "javascript" (any case): the line goes (`line:javascript`);
   * `{`: the whole page goes (`dropped:curly_bracket`);
   * a policy phrase (terms of use, privacy policy, cookie policy, uses cookies, use of cookies, use cookies):
     the line goes (`line:policy`);
   * otherwise the line is kept (`line:passed`) and its sentences are counted.
   As in TFDS the page rules see only lines that passed the line rules before them: a `{` in a menu line
   without an end mark does not drop the page. A page dropped mid-way stops counting its lines there.
3. The page needs `min_sentences` (3) sentences over its kept lines (`dropped:too_few_sentences`); it becomes
   its kept lines joined by `\\n`.
4. Line dedup (`dedup_lines`, TFDS remove_duplicate_text): key md5(line.strip().lower()); of all pages holding
   a line, the one with the smallest md5(url) owns it (TFDS's Top.PerKey(1, key=md5(url), reverse=True); the
   document id stands in for a missing url, and the document key breaks ties between equal urls). Every other
   page loses the line (`line:duplicate`), and a page's repeats of a line it owns go too
   (`line:duplicate_in_page`). A page left empty (`dropped:dedup_empty`) or with fewer than min_sentences
   sentences (`dropped:dedup_too_few_sentences`) goes.
5. Bad words (`bad_words`, a file of one word or phrase per line, LDNOOBW's `en` in C4): the regex
   `(?:\\W|^)(w1|w2|...)(?:\\W|$)` (words escaped) searched in the lowercased page drops it
   (`dropped:bad_words`). No file: the rule is off. TFDS applies it after language ID, to English pages only;
   here it applies to every page the stage sees (C4's list is English).
Kept pages are counted `kept`, their lines `line:kept`. URL normalization and URL dedup (one page per URL),
and langdetect's English filter, are not part of this stage: the langid stage identifies languages.

Sentences (`count_sentences`). TFDS counts them with NLTK punkt (english), per kept line before dedup and
over the whole text after it. NLTK and its punkt data are not available offline here, so the count is a
documented approximation of punkt's decisions, per line (a kept line ends in a terminal mark):
    a token ending in `?` or `!` (closing quotes and brackets aside) ends a sentence;
    a token ending in `.` ends one unless it is an ellipsis, a known abbreviation (Mr., Dr., Inc., Jan.,
    Calif., e.g., U.S., ...: ABBREVIATIONS), or a single-letter initial, each of which ends one only when the
    next token is a frequent sentence starter (The, It, We, ...: punkt's orthographic heuristic, simplified);
    a period standing alone (`Ave . The`) ends one; so does a final mark followed in its token by closing
    quotes, brackets, `;`, `:` or `*` (punkt's NonWord characters);
    a number ending in `.` ends one unless the next token starts in lower case;
    the line's last sentence ends at the end of the line.
punkt also learned collocations and sentence starters from its training corpus, and splits tokens on
punctuation slightly differently. Measured on the first 1000 pages of C4 en (tests/test_acceptance_c4.py),
pages for which punkt said >= 3 (C4 kept them): this counter says >= 3 for 999 of them (99.9%). The one it
counts 2 is a one-line page, `... went hiking!! At night, ... of Hongkong!!`; our reading of punkt counts 2
there as well, so that page may come from a TFDS version without the post-dedup re-check. (A first version
of this counter, which took every dotted form for an abbreviation and knew no NonWord characters, said >= 3
for 993.) A published C4 sample holds only pages punkt kept, so how often this counter keeps a page punkt
would drop is not measured: it counts more sentences than punkt where punkt knows an abbreviation that
ABBREVIATIONS lacks, and fewer where the reverse holds.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from filters.paragraph_dedup import document_key
from pipeline.config import C4FilterConfig
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import filesystem, open_file, resolve_path

END_MARKS = (".", "?", "!", '"')
ELLIPSIS = "..."
POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")

KEPT = "kept"
TOO_LONG_PAGE = "dropped:too_long_page"
LOREM_IPSUM = "dropped:lorem_ipsum"
CURLY_BRACKET = "dropped:curly_bracket"
TOO_FEW_SENTENCES = "dropped:too_few_sentences"
DEDUP_EMPTY = "dropped:dedup_empty"
DEDUP_TOO_FEW_SENTENCES = "dropped:dedup_too_few_sentences"
BAD_WORDS = "dropped:bad_words"
LINE_TOO_LONG_WORD = "line:too_long_word"
LINE_CITATIONS = "line:citations_removed"
LINE_NO_END_MARK = "line:no_end_mark"
LINE_TOO_FEW_WORDS = "line:too_few_words"
LINE_JAVASCRIPT = "line:javascript"
LINE_POLICY = "line:policy"
LINE_PASSED = "line:passed"
LINE_DUPLICATE = "line:duplicate"
LINE_DUPLICATE_IN_PAGE = "line:duplicate_in_page"
LINE_KEPT = "line:kept"

# ---- sentences ------------------------------------------------------------------------------------------

_CLOSERS = "\"')]};:*@\u201d\u2019\u00bb"  # what may follow a final mark in its token (punkt's NonWord)
_OPENERS = "\"'([{\u201c\u2018\u00ab"
# Abbreviations as punkt's english model knows them (lowercased, without their final period): news-style
# titles, company forms, months and US states (the model was trained on newspaper text), a few Latin and
# dotted forms.
ABBREVIATIONS = frozenset((
    "mr", "mrs", "ms", "messrs", "dr", "prof", "rev", "hon", "sr", "jr", "st", "mt", "ft", "gen", "gov",
    "sen", "rep", "lt", "col", "capt", "sgt", "maj", "adm", "cmdr", "inc", "co", "corp", "ltd", "llc", "bros",
    "vs", "no",
    "jan", "feb", "aug", "sep", "sept", "oct", "nov", "dec",
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky",
    "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn",
    "tex", "va", "vt", "wash", "wis", "wyo",
    "e.g", "i.e", "u.s", "u.s.a", "u.k", "u.n", "a.m", "p.m", "d.c", "n.y", "n.j", "l.a",
))  # fmt: skip
# Words that start sentences so often that punkt's orthographic heuristic ends an abbreviation's sentence
# before them (lowercased).
SENTENCE_STARTERS = frozenset((
    "the", "a", "an", "it", "its", "this", "that", "these", "those", "there", "they", "their", "we", "our",
    "he", "his", "she", "her", "i", "you", "your", "in", "on", "at", "for", "but", "and", "if", "so", "when",
    "while", "after", "before", "as", "however", "also", "then", "what", "why", "how", "who", "many", "most",
    "some", "one", "all", "each",
))  # fmt: skip
_NUMBER = re.compile(r"^[+-]?[$\u00a3\u20ac]?\d[\d,.:/-]*(?:st|nd|rd|th|s|%)?$")


def _ends_sentence(token: str, following: str) -> bool:
    """Does `token` end a sentence, given the token after it (punkt's decision, approximated)?"""
    core = token.rstrip(_CLOSERS)
    if not core:
        return False
    last = core[-1]
    if last in "?!":
        return True
    if last != ".":
        return False
    if core.endswith(".."):  # an ellipsis
        return _starts_sentence(following)
    word = core[:-1].lstrip(_OPENERS)
    if not word:
        return True  # a period standing alone
    lower = word.lower()
    if lower in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):  # an abbreviation or an initial
        return _starts_sentence(following)
    if _NUMBER.match(word):
        return not following.lstrip(_OPENERS)[:1].islower()
    return True


def _starts_sentence(token: str) -> bool:
    word = token.lstrip(_OPENERS).rstrip(_CLOSERS + ".,!?")
    return word[:1].isupper() and word.lower() in SENTENCE_STARTERS


def line_sentences(line: str) -> int:
    """Sentences in one line (see the module docstring): 0 for a blank line."""
    tokens = line.split()
    if not tokens:
        return 0
    return 1 + sum(_ends_sentence(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1))


def count_sentences(text: str) -> int:
    """Sentences in a text: the sum over its lines (a kept line always ends a sentence)."""
    return sum(line_sentences(line) for line in text.split("\n"))


# ---- the per-page rules ---------------------------------------------------------------------------------


@dataclass
class PageResult:
    """What clean_page decided: `kept` or a `dropped:<reason>`, the cleaned text when kept, the line decisions
    (`line:<reason>` -> lines), and the sentences counted over the kept lines."""

    decision: str
    text: str | None = None
    lines: Counter = field(default_factory=Counter)
    sentences: int = 0


def clean_page(text: str, config: C4FilterConfig) -> PageResult:
    """TFDS's is_valid_length and clean_page on one page (module docstring, steps 1-3)."""
    lines: Counter = Counter()
    if len(text) > config.max_page_characters:
        return PageResult(TOO_LONG_PAGE, None, lines)
    max_word, min_words = config.max_word_length, config.min_words_per_line
    kept: list[str] = []
    sentences = 0
    for line in text.splitlines():
        line = line.strip()
        words = line.split()
        if any(len(word) > max_word for word in words):
            lines[LINE_TOO_LONG_WORD] += 1
            continue
        if "[" in line:
            cited = CITATION.sub("", line)
            if cited != line:
                lines[LINE_CITATIONS] += 1
                line, words = cited, cited.split()
        if not line.endswith(END_MARKS) or line.endswith(ELLIPSIS):
            lines[LINE_NO_END_MARK] += 1
            continue
        if len(words) < min_words:
            lines[LINE_TOO_FEW_WORDS] += 1
            continue
        lower = line.lower()
        if "lorem ipsum" in lower:
            return PageResult(LOREM_IPSUM, None, lines)
        if "javascript" in lower:
            lines[LINE_JAVASCRIPT] += 1
            continue
        if "{" in line:
            return PageResult(CURLY_BRACKET, None, lines)
        if any(policy in lower for policy in POLICY_SUBSTRINGS):
            lines[LINE_POLICY] += 1
            continue
        lines[LINE_PASSED] += 1
        sentences += 1 + sum(_ends_sentence(words[i], words[i + 1]) for i in range(len(words) - 1))
        kept.append(line)
    if sentences < config.min_sentences:
        return PageResult(TOO_FEW_SENTENCES, None, lines, sentences)
    return PageResult(KEPT, "\n".join(kept).strip(), lines, sentences)


# ---- bad words ------------------------------------------------------------------------------------------


def bad_words_path(config: C4FilterConfig, base_dir: str | None) -> str | None:
    """The configured word list, taken from the recipe's folder if relative; None when the rule is off."""
    if not config.bad_words:
        return None
    return resolve_path(config.bad_words, base_dir)


def load_bad_words(path: str) -> list[str]:
    """The words of a list (one word or phrase per line, LDNOOBW's format), lowercased, blank lines skipped,
    each once in file order. A missing, unreadable or empty list is a UserError naming the file."""
    fs, resolved = filesystem(path)
    if not fs.isfile(resolved):
        raise UserError(f"c4_filter.bad_words: file not found: {path}")
    try:
        with open_file(path, "rb") as handle:
            data = handle.read()
        content = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"c4_filter.bad_words: cannot read {path}: {exc}") from None
    words = list(dict.fromkeys(w for w in (line.strip().lower() for line in content.splitlines()) if w))
    if not words:
        raise UserError(f"c4_filter.bad_words: {path} holds no words")
    return words


def bad_words_regex(words: Sequence[str]) -> re.Pattern[str] | None:
    """TFDS's `(?:\\W|^)(w1|w2|...)(?:\\W|$)`, searched in the lowercased page; None for no words."""
    if not words:
        return None
    return re.compile(r"(?:\W|^)({})(?:\W|$)".format("|".join(map(re.escape, words))))


def has_bad_words(text: str, regex: re.Pattern[str] | None) -> bool:
    return regex is not None and regex.search(text.lower()) is not None


# ---- line dedup -----------------------------------------------------------------------------------------

LineHash = bytes
Owner = tuple[str, str]  # (md5 of the page's url, or of its id without one; its document key)


def line_hash(line: str) -> LineHash:
    """TFDS's key of a line: md5 of the stripped, lowercased line."""
    return hashlib.md5(line.strip().lower().encode("utf-8")).digest()


def owner_rank(document: Document) -> Owner:
    """How a page competes for its lines: the smallest md5(url) wins, ties broken by the document key."""
    name = document.url if document.url else document.id
    return hashlib.md5(name.encode("utf-8")).hexdigest(), document_key(document)


def owner_candidates(document: Document) -> Iterator[tuple[LineHash, Owner]]:
    """(line hash, this page as a candidate owner), once per distinct line of the page."""
    rank = owner_rank(document)
    for digest in dict.fromkeys(line_hash(line) for line in document.text.split("\n")):
        yield digest, rank


def choose_owner(candidates: Iterable[Owner]) -> Owner:
    """The owner of a line among its candidates: the smallest; any order of merging gives the same one."""
    return min(candidates)


@dataclass
class DedupResult:
    decision: str  # `kept`, `dropped:dedup_empty` or `dropped:dedup_too_few_sentences`
    document: Document | None
    removed: int  # lines another page owns
    repeated: int  # repeats inside the page of a line it owns
    lines: int  # lines of the page left


def remove_duplicate_lines(document: Document, owned: Iterable[LineHash], min_sentences: int) -> DedupResult:
    """The page with only the lines it owns, each once (TFDS's _remove_lines_from_text); the page needs
    min_sentences sentences again afterwards."""
    owned = set(owned)
    seen: set[LineHash] = set()
    kept: list[str] = []
    removed = repeated = 0
    for line in document.text.split("\n"):
        digest = line_hash(line)
        if digest not in owned:
            removed += 1
        elif digest in seen:
            repeated += 1
        else:
            seen.add(digest)
            kept.append(line)
    text = "\n".join(kept)
    if not text:
        return DedupResult(DEDUP_EMPTY, None, removed, repeated, 0)
    if count_sentences(text) < min_sentences:
        return DedupResult(DEDUP_TOO_FEW_SENTENCES, None, removed, repeated, len(kept))
    cleaned = document if text == document.text else replace(document, text=text)
    return DedupResult(KEPT, cleaned, removed, repeated, len(kept))


# ---- the stage's steps, in one process -----------------------------------------------------------------


class C4Rules:
    """The per-page rules with the bad-words regex compiled: `clean(document)` for step 1-3 and
    `final(document)` for step 5. Picklable (the regex is compiled again on a worker)."""

    def __init__(self, config: C4FilterConfig, bad_words: Sequence[str] = ()):
        self.config = config
        self.bad_words = list(bad_words)
        self._regex: re.Pattern[str] | None = None

    def __getstate__(self):
        return {"config": self.config, "bad_words": self.bad_words}

    def __setstate__(self, state):
        self.config, self.bad_words, self._regex = state["config"], state["bad_words"], None

    def regex(self) -> re.Pattern[str] | None:
        if self._regex is None and self.bad_words:
            self._regex = bad_words_regex(self.bad_words)
        return self._regex

    def clean(self, document: Document) -> tuple[PageResult, Document | None]:
        result = clean_page(document.text, self.config)
        if result.text is None:
            return result, None
        return result, replace(document, text=result.text)

    def final(self, document: Document) -> str:
        """`kept`, or `dropped:bad_words`."""
        return BAD_WORDS if has_bad_words(document.text, self.regex()) else KEPT


def c4_filter_in_memory(
    documents: Sequence[Document], config: C4FilterConfig, bad_words: Sequence[str] = ()
) -> tuple[list[Document], Counter]:
    """The whole stage over a list, in one process: the reference the Beam job is tested against, and the way
    to filter a small corpus without Beam. Returns the kept documents (by id) and every count."""
    rules = C4Rules(config, bad_words)
    counts: Counter = Counter()
    cleaned: list[Document] = []
    for document in documents:
        result, page = rules.clean(document)
        counts.update(result.lines)
        if page is None:
            counts[result.decision] += 1
        else:
            cleaned.append(page)
    if config.dedup_lines:
        owners: dict[LineHash, Owner] = {}
        for page in cleaned:
            for digest, rank in owner_candidates(page):
                owners[digest] = choose_owner([rank, owners[digest]]) if digest in owners else rank
        owned: dict[str, list[LineHash]] = {}
        for digest, (_, key) in owners.items():
            owned.setdefault(key, []).append(digest)
        deduped = []
        for page in cleaned:
            result = remove_duplicate_lines(page, owned.get(document_key(page), ()), config.min_sentences)
            counts[LINE_DUPLICATE] += result.removed
            counts[LINE_DUPLICATE_IN_PAGE] += result.repeated
            if result.document is None:
                counts[result.decision] += 1
            else:
                deduped.append(result.document)
        cleaned = deduped
    kept = []
    for page in cleaned:
        decision = rules.final(page)
        counts[decision] += 1
        if decision == KEPT:
            counts[LINE_KEPT] += page.text.count("\n") + 1
            kept.append(page)
    return sorted(kept, key=lambda d: d.id), +counts
