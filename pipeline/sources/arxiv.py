"""arXiv: one paper's LaTeX sources (name -> bytes, as `pipeline.archives.iter_tree` reads them) to one Document
of its body text, the LLaMA recipe (RECIPE.md §1.2, following Minerva) with RedPajama's rules (§3.3) and the
bugs §6 item 9 names fixed: comments removed without eating the character before `%`, user macros expanded
with their arguments, every sectioning command (`\\paragraph` and `\\subparagraph` both) starting the body.

Everything below works on one tokenizer over TeX (`tokenize`), a single left-to-right pass of one regex whose
alternatives never overlap, so it is linear and has no backtracking to blow up: control words
`\\[A-Za-z@]+` (`@` is always a letter: macro files are written under `\\makeatletter`), control symbols `\\.`,
`{` `}` `[` `]` `*`, parameters `#1`..`#9` and `##`, runs of blanks, comments `%...` (to the end of the line)
and runs of other text. Verbatim material is one opaque token that no later step looks into: the
`verbatim`/`Verbatim`/`lstlisting`/`minted`/`comment`/`filecontents` environments (up to their `\\end`, else
the end of the text, as TeX reads them), `\\verb|..|` and `\\lstinline|..|` (delimiter on the same line), and
the URL argument of `\\url{..}` / `\\href{..}`, where `%` is no comment either. Tokens joined back give the text
again, with a space added where a control word would otherwise run into the letters that follow it.

A paper (`clean_paper`), in order:
1. Only `.tex` members are read (a paper that is one bare source, arXiv's gzip-only paper, is read whatever its
   name when it looks like LaTeX). Each is decoded (`decode_tex`): UTF-8, else the encoding its
   `\\usepackage[..]{inputenc}` declares (or another file of the paper declares), else cp1252 / Latin-1; text
   with NUL bytes or many control characters is no text. An undecodable file is left out and counted; the
   paper is a Reject `bad_encoding` only when nothing, or the main file, cannot be decoded.
2. Comments are removed from every file (`strip_comments`): a line that is only a comment goes with its line
   break, an inline comment from its `%` to the end of the line (the line break stays); `\\%` is text, `\\\\%` a
   line break and then a comment, `%` inside verbatim material is text. A `comment` environment is dropped.
3. The main file (`main_file`): a file with `\\documentclass` (or LaTeX 2.09's `\\documentstyle`) or
   `\\begin{document}`; among several, by rank: both markers, not `\\input` by another file, the most text
   reachable through its inputs (a paper beats its cover letter or its supplement), then the name.
4. `\\input{f}` / `\\input f` / `\\include{f}` / `\\subfile{f}` / `\\import{d}{f}` are inlined
   (`resolve_inputs`): `f.tex` then `f`, relative to the main file's folder, then to the including file's;
   never out of the paper. A file inlined that is a whole document itself (`\\subfile`) gives only its body.
   Depth is bounded, a file already being inlined is a cycle, a missing file is tolerated; each is counted.
5. Macros (`collect_macros`) from every `.tex` file of the paper, as RedPajama does (files not inlined first,
   so the paper's own definitions win): `\\newcommand`, `\\renewcommand` (override), `\\providecommand` (only
   when not yet defined), `\\DeclareRobustCommand`, starred or not, name braced or not, `[n]` arguments and a
   `[default]` for the first; `\\def` / `\\gdef` / `\\edef` / `\\xdef` with undelimited `#1#2..` parameters;
   `\\DeclareMathOperator` (`\\operatorname{..}`, starred `\\operatorname*`); `\\let\\a\\b` of a user macro. A
   definition may span lines (its braces balance). Definitions are removed from the text. A `\\def` with
   delimited parameters (`\\def\\foo#1.{..}`) is removed too but its uses are left as they are, counted.
   Sectioning, `\\begin`/`\\end`, `\\appendix`, bibliography and input commands are never taken as macros (a
   paper that restyles `\\section` still has sections to cut at). A trailing `\\xspace` is dropped.
6. The text before `\\begin{document}` is dropped, then the macros are expanded (`expand_macros`), as TeX
   would: arguments are brace groups (braces stripped) or single tokens, spaces before them skipped, an
   optional first argument `[..]`, else the default; the result is expanded again. Bounds: nesting depth
   (`max_expansion_depth`: deeper uses stay unexpanded, counted) and size (all substituted text together at
   most `max_output_factor` times the input, at least 64 KiB, at most `max_output_chars`: past it the paper is
   a Reject `expansion_limit`, so `\\newcommand{\\a}{\\a\\a}` ends in milliseconds). A macro missing its
   arguments stays unexpanded, counted. A macro whose body is TeX programming (`\\@ifnextchar`, `\\ifx`,
   `\\expandafter`, ...) stays as written, counted: inline expansion would expand every branch at once, and
   such macros often recurse through the branch TeX would not take (the HoTT book's `\\prd`). A definition
   that an expansion produced is collected, and the text expanded once more. Unlike TeX, the blanks after a
   macro without arguments are kept (`\\name is` reads "Name is", as its author meant) and the `{}` of
   `\\name{}` goes.
7. Everything before the first `\\part`, `\\chapter`, `\\section`, `\\subsection`, `\\subsubsection`,
   `\\paragraph` or `\\subparagraph` (`*` and `[short]` allowed, `{` must follow) is dropped; with none, the
   paper is a Skip `dropped:no_section` (RedPajama makes it an empty string). The bibliography is removed:
   `thebibliography` and `references` environments, `\\bibliography{..}`, `\\bibliographystyle{..}`,
   `\\printbibliography[..]`; the text after `\\end{document}` too. Appendices per `keep_appendices`.
8. Trailing blanks are stripped from lines, runs of blank lines become one. A paper left with no word
   outside control sequences (only headings, say) is a Reject `empty_paper`.

The Document: id `make_doc_id("arxiv", paper_name, "paper")`; `url` https://arxiv.org/abs/<id> when the paper's
name holds an arXiv id (`arxiv_id`); meta `arxiv_id` (when known), `yymm`, `files` (comma-joined, in the order
used), `main_file`, `encoding` (of the files used); signals with the main counts. `clean_paper` returns a
`CleanedPaper(outcome, counters)`: the Document, Skip or Reject and the paper's counters (`inputs:missing`,
`macros:expanded`, ...), for the Beam DoFn to add to its metrics.
"""

from __future__ import annotations

import os
import posixpath
import re
import tarfile
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from pipeline.archives import ArchiveLimits, Member, iter_tree
from pipeline.document import Document, make_doc_id
from pipeline.io import open_file
from pipeline.rejects import Reject, Skip

__all__ = [
    "SOURCE",
    "ArxivRules",
    "CleanedPaper",
    "ExpansionLimit",
    "Macro",
    "PaperLimits",
    "arxiv_id",
    "clean_paper",
    "collect_macros",
    "declared_encoding",
    "decode_tex",
    "expand_macros",
    "is_bulk_dump",
    "main_file",
    "paper_name",
    "read_bulk_dump",
    "read_paper",
    "resolve_inputs",
    "strip_comments",
    "tokenize",
    "want_member",
]

SOURCE = "arxiv"


@dataclass(frozen=True)
class ArxivRules:
    """How a paper is cleaned; every bound that keeps an adversarial paper cheap is here.

    `keep_appendices` defaults to True: LLaMA's text (§2.1) names only what comes before the first section
    and the bibliography as removed, and appendices of arXiv papers are mostly proofs, derivations and
    experimental detail, the mathematical text Minerva's data was gathered for. RedPajama drops them only as
    a side effect of cutting at the first `\\appendix` or bibliography marker (RECIPE §3.3); set False to
    reproduce that. (Whether Minerva kept appendices is not stated in what we have of its recipe.)
    """

    keep_appendices: bool = True
    max_input_depth: int = 8  # nested \input levels below the main file
    max_expansion_depth: int = 32  # nested macro expansions
    max_output_factor: float = 8.0  # substituted text at most this times the input (and max_output_chars)
    max_output_chars: int = 16 << 20  # also caps the .tex input and the inlined text


@dataclass(frozen=True)
class Macro:
    """A user macro: `body` as tokens, `#k` in it replaced by the k-th argument; `default` is the optional
    first argument's default (None: no optional argument). A `delimited` macro is known but never expanded."""

    name: str
    nargs: int = 0
    default: tuple[str, ...] | None = None
    body: tuple[str, ...] = ()
    delimited: bool = False
    kind: str = "newcommand"


@dataclass(frozen=True)
class CleanedPaper:
    """One paper's outcome and its counters (name -> count, sorted, no zeros) for the caller's metrics: a DoFn
    adds each to a Beam counter of that name and yields the outcome."""

    outcome: Document | Reject | Skip
    counters: dict[str, int] = field(default_factory=dict)


class ExpansionLimit(Exception):
    """Macro expansion went past its size budget (a runaway or recursive macro); `counters` so far."""

    def __init__(self, message: str, counters: Counter):
        super().__init__(message)
        self.counters = counters


# ---------------------------------------------------------------------------------------------------- tokens

_BLANKS = " \t\r\n\f\v"
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@")
_TOKEN = re.compile(
    r"\\(?:[A-Za-z@]+|.)|[{}\[\]*]|#[1-9#]?|[ \t\r\n\f\v]+|%[^\n]*|[^\\{}\[\]*#% \t\r\n\f\v]+", re.DOTALL
)
_VERBATIM_ENVS = frozenset(
    {
        "verbatim",
        "verbatim*",
        "Verbatim",
        "Verbatim*",
        "BVerbatim",
        "LVerbatim",
        "lstlisting",
        "minted",
        "comment",
        "filecontents",
        "filecontents*",
    }
)
_ENV_NAME = re.compile(r"[ \t]*\{([A-Za-z]+\*?)\}")
_INLINE_VERB = frozenset({"\\verb", "\\lstinline"})
_URL_COMMANDS = frozenset({"\\url", "\\href"})
_SPECIAL = re.compile(r"\\(?:begin|verb|lstinline|url|href)(?![A-Za-z@])")  # where verbatim may start


class _Verb(str):
    """Verbatim material: one token no step looks into (no comments, no macros, no braces)."""

    __slots__ = ()


def tokenize(tex: str) -> list[str]:
    """TeX tokens of `tex` (see the module docstring); `"".join(tokenize(t)) == t`. Linear time: the text
    between two possible verbatim starts is cut in one `findall`; each verbatim search runs once past its
    start, and a delimiter known to be missing from the rest of a line is not searched for again on it."""
    out: list[str] = []
    append = out.append
    match = _TOKEN.match
    findall = _TOKEN.findall
    special = _SPECIAL.search
    n = len(tex)
    pos = 0
    line_end = -1  # end of the line holding the last inline-verbatim search
    missing: dict[str, int] = {}  # delimiter -> end of the line it is known to be absent from, from there

    def find_on_line(delim: str, start: int) -> int:
        nonlocal line_end
        if start > line_end:
            line_end = tex.find("\n", start)
            if line_end < 0:
                line_end = n
        if missing.get(delim, -1) == line_end:
            return -1
        found = tex.find(delim, start, line_end)
        if found < 0:
            missing[delim] = line_end
        return found

    def one(pos: int) -> int:
        """The token at pos (a verbatim one where it starts one); the position after it."""
        m = match(tex, pos)
        if m is None:  # a lone backslash ending the text
            append(tex[pos:])
            return n
        tok = m.group()
        end = m.end()
        if tok == "\\begin":
            env = _ENV_NAME.match(tex, end)
            if env is not None and env.group(1) in _VERBATIM_ENVS:
                close = "\\end{" + env.group(1) + "}"
                stop = tex.find(close, env.end())
                stop = n if stop < 0 else stop + len(close)
                append(_Verb(tex[pos:stop]))
                return stop
        elif tok in _INLINE_VERB:
            start = end + 1 if tok == "\\verb" and tex.startswith("*", end) else end
            if start < n and tex[start] not in _LETTERS and tex[start] not in _BLANKS and tex[start] != "{":
                stop = find_on_line(tex[start], start + 1)
                if stop >= 0:
                    append(_Verb(tex[pos : stop + 1]))
                    return stop + 1
        elif tok in _URL_COMMANDS and tex.startswith("{", end):
            stop = find_on_line("}", end + 1)
            if stop >= 0 and "{" not in tex[end + 1 : stop]:
                append(_Verb(tex[pos : stop + 1]))
                return stop + 1
        append(tok)
        return end

    while pos < n:
        found = special(tex, pos)
        cut = found.start() if found else n
        if cut > pos:
            chunk = findall(tex, pos, cut)
            if sum(map(len, chunk)) != cut - pos or (chunk and chunk[-1][0] == "%"):
                # the cut split a token (a comment running past it, a backslash pair before it): one by one
                while pos <= cut and pos < n:
                    pos = one(pos)
                continue
            out.extend(chunk)
            pos = cut
            if pos >= n:
                break
        pos = one(pos)
    return out


def _is_word(tok: str) -> bool:
    """A control word (`\\foo`), the only token that would merge with letters written right after it."""
    return len(tok) > 1 and tok[0] == "\\" and tok[1] in _LETTERS and type(tok) is str


def _is_blank(tok: str) -> bool:
    return tok[0] in _BLANKS and type(tok) is str


def _is_cs(tok: str) -> bool:
    return len(tok) > 1 and tok[0] == "\\" and type(tok) is str


def _is_text(tok: str) -> bool:
    """A run of ordinary characters (splittable into single-character arguments)."""
    c = tok[0]
    return type(tok) is str and c not in "\\{}[]*#%" and c not in _BLANKS


def _join(tokens: Iterable[str]) -> str:
    """Tokens back to text; a space where a control word would run into following letters (which only
    happens where an expansion, an input or a removed definition put two tokens side by side)."""
    parts: list[str] = []
    append = parts.append
    letters = _LETTERS
    word = False
    for tok in tokens:
        if word and tok[0] in letters:
            append(" ")
        append(tok)
        word = tok[0] == "\\" and len(tok) > 1 and tok[1] in letters and type(tok) is str
    return "".join(parts)


def _skip_blanks(toks: list[str], j: int, par: bool = True) -> int:
    """The first index at or after j that is not blank (nor a comment); with par=False a blank line (a
    paragraph break, TeX's \\par) stops the skip, as it ends the search for a macro's argument."""
    n = len(toks)
    while j < n:
        tok = toks[j]
        if type(tok) is not str or (tok[0] not in _BLANKS and tok[0] != "%"):
            break
        if not par and tok.count("\n") > 1:
            break
        j += 1
    return j


def _match_braces(toks: list[str]) -> list[int]:
    """For each `{` and `}` the index of its partner (-1: unbalanced); other entries -1."""
    partner = [-1] * len(toks)
    stack: list[int] = []
    for i, tok in enumerate(toks):
        if tok == "{" and type(tok) is str:
            stack.append(i)
        elif tok == "}" and type(tok) is str and stack:
            j = stack.pop()
            partner[j] = i
            partner[i] = j
    return partner


def _match_brackets(toks: list[str]) -> dict[int, int]:
    """For each `[` the index of the first `]` after it at the same brace level (LaTeX's optional argument:
    brackets do not nest, braces protect); one right-to-left pass."""
    closing: dict[int, int] = {}
    levels: list[int] = [-1]
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        if type(tok) is not str:
            continue
        if tok == "}":
            levels.append(-1)
        elif tok == "{":
            if len(levels) > 1:
                levels.pop()
        elif tok == "]":
            levels[-1] = i
        elif tok == "[" and levels[-1] >= 0:
            closing[i] = levels[-1]
    return closing


def _group_text(toks: list[str], j: int, partner: list[int]) -> tuple[str, int] | None:
    """The text inside the brace group at j, and the index after it."""
    if j >= len(toks) or toks[j] != "{" or partner[j] < 0:
        return None
    return _join(toks[j + 1 : partner[j]]), partner[j] + 1


# -------------------------------------------------------------------------------------------------- encoding

_INPUTENC = re.compile(
    rb"\\usepackage[ \t]*\[([^\]\n]{1,200})\][ \t]*\{inputenc\}|\\inputencoding\{([^}\n]{1,40})\}"
)
_INPUTENC_CODECS = {
    "latin1": "latin-1",
    "latin9": "iso8859-15",
    "latin2": "iso8859-2",
    "latin3": "iso8859-3",
    "latin4": "iso8859-4",
    "latin5": "iso8859-9",
    "latin10": "iso8859-16",
    "ansinew": "cp1252",
    "cp1252": "cp1252",
    "cp1250": "cp1250",
    "cp1251": "cp1251",
    "cp1257": "cp1257",
    "cp850": "cp850",
    "cp852": "cp852",
    "cp437": "cp437",
    "koi8-r": "koi8-r",
    "koi8-u": "koi8-u",
    "applemac": "mac-roman",
    "macce": "mac-latin2",
}
_C1 = re.compile(rb"[\x80-\x9f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL = 0.005  # decoded text with more control characters than this is not text


def declared_encoding(data: bytes) -> str | None:
    """The Python codec of the 8-bit encoding a file declares through inputenc, if any."""
    for m in _INPUTENC.finditer(data):
        options = (m.group(1) or m.group(2) or b"").decode("ascii", "replace")
        for option in options.split(","):
            codec = _INPUTENC_CODECS.get(option.strip().lower())
            if codec:
                return codec
    return None


def decode_tex(data: bytes, hint: str | None = None) -> tuple[str, str] | tuple[None, str]:
    """(text, encoding), or (None, why not). UTF-8 (a byte-order mark dropped), else the inputenc encoding
    the file declares, else `hint` (what another file of the paper declares), else cp1252 when bytes
    0x80-0x9f occur (its curly quotes and dashes) and Latin-1 otherwise. Line breaks become `\\n`."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            return None, f"a UTF-16 byte-order mark, but {exc}"
    elif b"\x00" in data:
        return None, "NUL bytes: binary data, not text"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = None
            candidates = [
                declared_encoding(data),
                hint,
                "cp1252" if _C1.search(data) else "latin-1",
                "latin-1",
            ]
            for codec in candidates:
                if codec is None:
                    continue
                try:
                    text, encoding = data.decode(codec), codec
                    break
                except UnicodeDecodeError:
                    continue
            assert text is not None  # Latin-1 decodes any bytes
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > _MAX_CONTROL * max(len(text), 1):
        return None, f"{controls} control characters in {len(text)} decoded as {encoding}: not text"
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


# -------------------------------------------------------------------------------------------------- comments


def strip_comments(tex: str) -> str:
    """`tex` without its comments (see the module docstring: whole comment lines go with their line break,
    an inline comment leaves the line break and the text before it, verbatim material is untouched)."""
    out: list[str] = []
    eat_newline = False
    for tok in tokenize(tex):
        if eat_newline:
            eat_newline = False
            if _is_blank(tok) and tok[0] in "\r\n":
                tok = tok[2:] if tok.startswith("\r\n") else tok[1:]
                if not tok:
                    continue
        if tok[0] == "%" and type(tok) is str:
            if _trim_to_line_start(out):
                eat_newline = True
            continue
        if type(tok) is _Verb and tok.startswith("\\begin{comment}"):
            eat_newline = _trim_to_line_start(out)
            continue
        out.append(tok)
    return _join(out)


def _trim_to_line_start(out: list[str]) -> bool:
    """Drop the blanks ending `out`; True when they reach back to a line start (or to the text's start),
    i.e. the comment about to be dropped is a whole line, whose line break should go too."""
    k = len(out)
    while k > 0 and _is_blank(out[k - 1]) and "\n" not in out[k - 1]:
        k -= 1
    whole_line = k == 0 or (_is_blank(out[k - 1]) and "\n" in out[k - 1])
    del out[k:]
    if whole_line and out:
        last = out[-1]
        out[-1] = last[: last.rfind("\n") + 1]
    return whole_line


# ------------------------------------------------------------------------------------------------ main file

_INPUT_COMMANDS = frozenset({"\\input", "\\include", "\\subfile", "\\import", "\\subimport"})
_CLASS_COMMANDS = ("\\documentclass", "\\documentstyle")


def _env_at(toks: list[str], i: int, partner: list[int]) -> tuple[str, int] | None:
    """For `\\begin{name}` / `\\end{name}` at i: (name, index after it)."""
    group = _group_text(toks, _skip_blanks(toks, i + 1), partner)
    if group is None:
        return None
    return group[0].strip(), group[1]


def _has_begin_document(toks: list[str], partner: list[int]) -> bool:
    for i, tok in enumerate(toks):
        if tok == "\\begin" and type(tok) is str:
            env = _env_at(toks, i, partner)
            if env is not None and env[0] == "document":
                return True
    return False


def _input_target(toks: list[str], i: int, partner: list[int]) -> tuple[str, int] | None:
    """The file an input command at i names, and the index after the command."""
    cmd = toks[i]
    j = _skip_blanks(toks, i + 1, par=False)
    if cmd in ("\\import", "\\subimport"):
        folder = _group_text(toks, j, partner)
        if folder is None:
            return None
        name = _group_text(toks, _skip_blanks(toks, folder[1], par=False), partner)
        if name is None:
            return None
        return posixpath.join(folder[0].strip(), name[0].strip()), name[1]
    group = _group_text(toks, j, partner)
    if group is not None:
        return group[0].strip(), group[1]
    if cmd != "\\input":
        return None
    k = j  # plain TeX's `\input name`: the name runs to the next blank
    while k < len(toks) and (_is_text(toks[k]) or toks[k] == "*"):
        k += 1
    if k == j:
        return None
    return "".join(toks[j:k]), k


def _norm(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/")).lstrip("/")


class _Files:
    """Name lookup for input resolution: `f.tex` then `f`, from the main file's folder then the includer's."""

    def __init__(self, names: Iterable[str]):
        self.by_norm: dict[str, str] = {}
        for name in sorted(names):
            self.by_norm.setdefault(_norm(name), name)

    def find(self, target: str, main_dir: str, current_dir: str) -> str | None:
        target = target.strip().strip('"').strip()
        if not target or target.startswith("/") or "\x00" in target:
            return None
        for folder in dict.fromkeys((main_dir, current_dir)):
            path = posixpath.normpath(posixpath.join(folder, target))
            if path == ".." or path.startswith("../"):
                continue
            for candidate in (path,) if path.lower().endswith(".tex") else (path + ".tex", path):
                if candidate in self.by_norm:
                    return self.by_norm[candidate]
        return None


def main_file(names: Iterable[str], texts: Mapping[str, str]) -> str | None:
    """The main file among `names` (those with a text in `texts`), ranked as the module docstring says;
    None when no file has `\\documentclass` or `\\begin{document}`."""
    names = sorted(name for name in set(names) if name in texts)
    files = _Files(names)
    info: dict[str, tuple[bool, bool]] = {}
    edges: dict[str, list[str]] = {}
    referenced: set[str] = set()
    for name in names:
        toks = tokenize(texts[name])
        partner = _match_braces(toks)
        has_class = any(tok in _CLASS_COMMANDS for tok in toks)
        info[name] = (has_class, _has_begin_document(toks, partner))
        here = posixpath.dirname(_norm(name))
        targets = []
        for i, tok in enumerate(toks):
            if tok in _INPUT_COMMANDS and type(tok) is str:
                target = _input_target(toks, i, partner)
                found = files.find(target[0], here, here) if target else None
                if found is not None and found != name:
                    targets.append(found)
                    referenced.add(found)
        edges[name] = targets
    candidates = [name for name in names if info[name][0] or info[name][1]]
    if not candidates:
        return None

    def reachable_chars(name: str) -> int:
        seen = {name}
        stack = [name]
        while stack:
            for nxt in edges[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return sum(len(texts[other]) for other in seen)

    def rank(name: str) -> tuple:
        has_class, has_begin = info[name]
        return (
            not (has_class and has_begin),
            not has_class,
            name in referenced,
            -reachable_chars(name),
            name,
        )

    return min(candidates, key=rank)


# ---------------------------------------------------------------------------------------------------- inputs


def resolve_inputs(
    main: str, texts: Mapping[str, str], rules: ArxivRules | None = None
) -> tuple[str, list[str], Counter]:
    """The main file with its inputs inlined, recursively: (text, files used in order of first use, counters
    `inputs:resolved`, `inputs:missing`, `inputs:cycle`, `inputs:too_deep`, `inputs:size_limit`). A command
    that cannot be inlined is removed. Inputs inside comments are not seen (comments are tokens)."""
    rules = rules or ArxivRules()
    files = _Files(texts)
    main_dir = posixpath.dirname(_norm(main))
    used: list[str] = [main]
    counts: Counter = Counter()
    out: list[str] = []
    total = len(texts[main])
    parsed: dict[str, tuple[list[str], list[int]]] = {}  # a file input twice is tokenized once

    def inline(name: str, stack: list[str]) -> None:
        nonlocal total
        if name not in parsed:
            toks = tokenize(texts[name])
            partner = _match_braces(toks)
            parsed[name] = _document_part(toks, partner) if name != main else (toks, partner)
        toks, partner = parsed[name]
        here = posixpath.dirname(_norm(name))
        i = 0
        n = len(toks)
        while i < n:
            tok = toks[i]
            if tok not in _INPUT_COMMANDS or type(tok) is not str:
                out.append(tok)
                i += 1
                continue
            target = _input_target(toks, i, partner)
            if target is None:
                out.append(tok)
                i += 1
                continue
            i = target[1]
            found = files.find(target[0], main_dir, here)
            if found is None:
                counts["inputs:missing"] += 1
            elif found in stack:
                counts["inputs:cycle"] += 1
            elif len(stack) > rules.max_input_depth:
                counts["inputs:too_deep"] += 1
            elif total + len(texts[found]) > rules.max_output_chars:
                counts["inputs:size_limit"] += 1
            else:
                counts["inputs:resolved"] += 1
                total += len(texts[found])
                if found not in used:
                    used.append(found)
                inline(found, [*stack, found])
                out.append("\n")

    inline(main, [main])
    return _join(out), used, counts


def _document_part(toks: list[str], partner: list[int]) -> tuple[list[str], list[int]]:
    """Only the body of a file that is a whole document (`\\begin{document}` .. `\\end{document}`)."""
    start = end = None
    for i, tok in enumerate(toks):
        if (tok == "\\begin" or tok == "\\end") and type(tok) is str:
            env = _env_at(toks, i, partner)
            if env is None or env[0] != "document":
                continue
            if tok == "\\begin" and start is None:
                start = env[1]
            elif tok == "\\end" and start is not None:
                end = i
                break
    if start is None:
        return toks, partner
    toks = toks[start:end]
    return toks, _match_braces(toks)


# ---------------------------------------------------------------------------------------------------- macros

_NEWCOMMANDS = {
    "\\newcommand": "newcommand",
    "\\renewcommand": "renewcommand",
    "\\providecommand": "providecommand",
    "\\DeclareRobustCommand": "newcommand",
}
_DEFS = frozenset({"\\def", "\\gdef", "\\edef", "\\xdef"})
_PREFIXES = frozenset({"\\long", "\\global", "\\protected", "\\outer"})
_SECTIONS = frozenset(
    {"\\part", "\\chapter", "\\section", "\\subsection", "\\subsubsection", "\\paragraph", "\\subparagraph"}
)
_BIBLIOGRAPHY = frozenset(
    {"\\bibliography", "\\bibliographystyle", "\\nobibliography", "\\printbibliography"}
)
_PROTECTED = _SECTIONS | _BIBLIOGRAPHY | _INPUT_COMMANDS | {"\\begin", "\\end", "\\appendix", "\\item"}
_MAX_DEF_PARAMS = 64  # tokens of a \def's parameter text
_PARAMS = tuple(f"#{k}" for k in range(1, 10))


def collect_macros(
    tex: str, macros: Mapping[str, Macro] | None = None
) -> tuple[str, dict[str, Macro], Counter]:
    """(text without its definitions, macros: `macros` updated with those defined in `tex`, in order,
    counters `macros:defined`, `macros:delimited`, `macros:malformed`, `macros:kept` (a \\providecommand of a
    name already defined), `macros:protected`, `macros:aliased`)."""
    found: dict[str, Macro] = dict(macros or {})
    counts: Counter = Counter()
    toks = tokenize(tex)
    partner = _match_braces(toks)
    brackets = _match_brackets(toks)
    out: list[str] = []
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        parsed = None
        if type(tok) is str and tok[0] == "\\":
            if tok in _NEWCOMMANDS:
                parsed = _parse_newcommand(toks, i, partner, brackets, _NEWCOMMANDS[tok])
            elif tok in _DEFS:
                parsed = _parse_def(toks, i, partner)
            elif tok == "\\DeclareMathOperator":
                parsed = _parse_operator(toks, i, partner)
            elif tok == "\\let":
                parsed = _parse_let(toks, i, found)
                if parsed is None:  # \let to something that is not a user macro: TeX's business, kept
                    out.append(tok)
                    i += 1
                    continue
            else:
                out.append(tok)
                i += 1
                continue
            if parsed is None:
                counts["macros:malformed"] += 1
                out.append(tok)
                i += 1
                continue
            macro, i = parsed
            _drop_prefixes(out)
            if macro.name in _PROTECTED:
                counts["macros:protected"] += 1
            elif macro.kind == "providecommand" and macro.name in found:
                counts["macros:kept"] += 1
            else:
                found[macro.name] = macro
                counts["macros:aliased" if macro.kind == "let" else "macros:defined"] += 1
                if macro.delimited and macro.kind != "let":
                    counts["macros:delimited"] += 1
            continue
        out.append(tok)
        i += 1
    return _join(out), found, counts


def _drop_prefixes(out: list[str]) -> None:
    """Remove `\\long`, `\\global`, ... (and blanks between) written just before a removed definition."""
    k = len(out)
    cut = None
    while k > 0 and (_is_blank(out[k - 1]) or out[k - 1] in _PREFIXES):
        k -= 1
        if out[k] in _PREFIXES:
            cut = k
    if cut is not None:
        del out[cut:]


def _read_name(toks: list[str], j: int, partner: list[int]) -> tuple[str, int] | None:
    """A macro name: `{\\foo}` or `\\foo`."""
    j = _skip_blanks(toks, j)
    if j >= len(toks):
        return None
    if toks[j] == "{":
        end = partner[j]
        inner = [tok for tok in toks[j + 1 : end] if not _is_blank(tok)] if end > j else []
        if len(inner) != 1 or not _is_cs(inner[0]):
            return None
        return inner[0], end + 1
    if _is_cs(toks[j]):
        return toks[j], j + 1
    return None


def _read_body(toks: list[str], j: int, partner: list[int]) -> tuple[tuple[str, ...], int] | None:
    """A definition's body: a brace group (or, as TeX allows, one token); blanks holding a line break at its
    edges (left by `{%` line ends) and a final `\\xspace` dropped."""
    j = _skip_blanks(toks, j)
    if j >= len(toks):
        return None
    tok = toks[j]
    if tok == "{":
        if partner[j] < 0:
            return None
        body = toks[j + 1 : partner[j]]
        nxt = partner[j] + 1
    elif tok in ("}", "[", "]") or _is_blank(tok):
        return None
    else:
        body = [tok[0]] if _is_text(tok) else [tok]
        nxt = j + 1
        if len(tok) > 1 and _is_text(tok):
            toks[j] = tok[1:]
            nxt = j
    while body and _is_blank(body[0]) and "\n" in body[0]:
        body = body[1:]
    while body and _is_blank(body[-1]) and "\n" in body[-1]:
        body = body[:-1]
    if body and body[-1] == "\\xspace":
        body = body[:-1]
    return tuple(body), nxt


def _parse_newcommand(
    toks: list[str], i: int, partner: list[int], brackets: dict[int, int], kind: str
) -> tuple[Macro, int] | None:
    j = _skip_blanks(toks, i + 1)
    if j < len(toks) and toks[j] == "*":
        j += 1
    name = _read_name(toks, j, partner)
    if name is None:
        return None
    name, j = name
    nargs = 0
    default = None
    k = _skip_blanks(toks, j)
    if k < len(toks) and toks[k] == "[":
        close = brackets.get(k)
        count = _join(toks[k + 1 : close]).strip() if close is not None else ""
        if not (count.isdigit() and len(count) == 1):
            return None
        nargs = int(count)
        j = close + 1
        k = _skip_blanks(toks, j)
        if nargs and k < len(toks) and toks[k] == "[":
            close = brackets.get(k)
            if close is None:
                return None
            default = tuple(toks[k + 1 : close])
            j = close + 1
    body = _read_body(toks, j, partner)
    if body is None:
        return None
    return Macro(name, nargs, default, body[0], kind=kind), body[1]


def _parse_def(toks: list[str], i: int, partner: list[int]) -> tuple[Macro, int] | None:
    j = _skip_blanks(toks, i + 1)
    if j >= len(toks) or not _is_cs(toks[j]):
        return None
    name = toks[j]
    j += 1
    if _is_word(name):
        j = _skip_blanks(toks, j, par=False)  # TeX skips blanks after a control word
    k = j
    while k < len(toks) and toks[k] != "{" and toks[k] != "}" and k - j < _MAX_DEF_PARAMS:
        k += 1
    if k >= len(toks) or toks[k] != "{" or partner[k] < 0:
        return None
    params = toks[j:k]
    plain = tuple(params) == _PARAMS[: len(params)]
    body = _read_body(toks, k, partner)
    if body is None:
        return None
    if plain:
        return Macro(name, len(params), None, body[0], kind="def"), body[1]
    nargs = sum(1 for tok in params if tok in _PARAMS)
    return Macro(name, nargs, None, body[0], delimited=True, kind="def"), body[1]


def _parse_operator(toks: list[str], i: int, partner: list[int]) -> tuple[Macro, int] | None:
    j = _skip_blanks(toks, i + 1)
    star = j < len(toks) and toks[j] == "*"
    name = _read_name(toks, j + 1 if star else j, partner)
    if name is None:
        return None
    name, j = name
    j = _skip_blanks(toks, j)
    if j >= len(toks) or toks[j] != "{" or partner[j] < 0:
        return None
    body = ("\\operatorname", *(("*",) if star else ()), "{", *toks[j + 1 : partner[j]], "}")
    return Macro(name, 0, None, body, kind="operator"), partner[j] + 1


def _parse_let(toks: list[str], i: int, macros: Mapping[str, Macro]) -> tuple[Macro, int] | None:
    """`\\let\\a\\b` / `\\let\\a=\\b` where `\\b` is a user macro: `\\a` becomes a copy of it."""
    j = _skip_blanks(toks, i + 1)
    if j >= len(toks) or not _is_cs(toks[j]):
        return None
    name = toks[j]
    j = _skip_blanks(toks, j + 1)
    if j < len(toks) and toks[j][0] == "=" and type(toks[j]) is str:
        if len(toks[j]) > 1:
            return None
        j = _skip_blanks(toks, j + 1)
    if j >= len(toks) or toks[j] not in macros or not _is_cs(toks[j]):
        return None
    target = macros[toks[j]]
    return Macro(name, target.nargs, target.default, target.body, target.delimited, kind="let"), j + 1


# ------------------------------------------------------------------------------------------------- expansion

_MIN_BUDGET = 1 << 16  # substituted characters always allowed, however short the input
# TeX programming that chooses what comes next by looking at it (or builds names): every branch of such a body
# would be expanded at once, and these macros are often recursive through the branch not taken (the HoTT
# book's `\prd`), so a use is left as written.
_CONDITIONAL = frozenset(
    {
        "\\@ifnextchar",
        "\\kernel@ifnextchar",
        "\\@ifstar",
        "\\kernel@ifstar",
        "\\@ifundefined",
        "\\@ifpackageloaded",
        "\\@ifclassloaded",
        "\\futurelet",
        "\\afterassignment",
        "\\expandafter",
        "\\noexpand",
        "\\csname",
        "\\if",
        "\\ifx",
        "\\ifcat",
        "\\ifcase",
        "\\ifnum",
        "\\ifdim",
        "\\ifodd",
        "\\ifdefined",
        "\\ifcsname",
        "\\ifdef",
        "\\ifundef",
        "\\ifthenelse",
        "\\IfBooleanTF",
        "\\IfValueTF",
    }
)


def expand_macros(
    tex: str, macros: Mapping[str, Macro], rules: ArxivRules | None = None
) -> tuple[str, Counter]:
    """`tex` with its user macros expanded (see the module docstring), and counters `macros:expanded`,
    `macros:unexpanded_delimited`, `macros:missing_args`, `expansion:depth_limit`. Raises ExpansionLimit
    when the substituted text exceeds its budget."""
    rules = rules or ArxivRules()
    if not macros:
        return tex, Counter()
    toks = tokenize(tex)
    budget = min(rules.max_output_chars, max(int(len(tex) * rules.max_output_factor), _MIN_BUDGET))
    expander = _Expander(macros, rules.max_expansion_depth, budget)
    return _join(expander.expand(toks, 0)), expander.counts


class _Expander:
    def __init__(self, macros: Mapping[str, Macro], max_depth: int, budget: int):
        self.macros = macros
        self.max_depth = max_depth
        self.budget = budget
        self.spent = 0
        self.counts: Counter = Counter()
        self.conditional: dict[str, bool] = {}

    def is_conditional(self, macro: Macro) -> bool:
        known = self.conditional.get(macro.name)
        if known is None:
            known = self.conditional[macro.name] = any(tok in _CONDITIONAL for tok in macro.body)
        return known

    def expand(self, toks: list[str], depth: int) -> list[str]:
        out: list[str] = []
        partner: list[int] | None = None
        brackets: dict[int, int] = {}
        macros = self.macros
        counts = self.counts
        n = len(toks)
        i = 0
        while i < n:
            tok = toks[i]
            macro = macros.get(tok) if tok[0] == "\\" and type(tok) is str else None
            if macro is None:
                out.append(tok)
                i += 1
                continue
            if macro.delimited:
                counts["macros:unexpanded_delimited"] += 1
                out.append(tok)
                i += 1
                continue
            if self.is_conditional(macro):
                counts["macros:unexpanded_conditional"] += 1
                out.append(tok)
                i += 1
                continue
            if depth >= self.max_depth:
                counts["expansion:depth_limit"] += 1
                out.append(tok)
                i += 1
                continue
            if macro.nargs == 0:
                body = list(macro.body)
                j = i + 1
                if j + 1 < n and toks[j] == "{" and toks[j + 1] == "}" and _is_word(tok):
                    j += 2  # `\foo{}`: the empty group only ended the control word
            else:
                if partner is None:
                    partner = _match_braces(toks)
                    brackets = _match_brackets(toks)
                args = self._arguments(toks, i + 1, macro, partner, brackets)
                if args is None:
                    counts["macros:missing_args"] += 1
                    out.append(tok)
                    i += 1
                    continue
                values, j = args
                body = _substitute(macro.body, values)
            self.spent += sum(map(len, body)) + 1
            if self.spent > self.budget:
                counts["expansion:limit"] += 1
                raise ExpansionLimit(
                    f"macro expansion over {self.budget} characters (at {tok}, depth {depth})", counts
                )
            counts["macros:expanded"] += 1
            out.extend(self.expand(body, depth + 1))
            i = j
        return out

    def _arguments(
        self, toks: list[str], j: int, macro: Macro, partner: list[int], brackets: dict[int, int]
    ) -> tuple[list[list[str]], int] | None:
        """The arguments of a use whose name ends before j, and the index after them; None when they are
        missing (the token list is left as it was)."""
        values: list[list[str]] = []
        wanted = macro.nargs
        n = len(toks)
        if macro.default is not None:
            k = _skip_blanks(toks, j, par=False)
            close = brackets.get(k) if k < n and toks[k] == "[" else None
            if close is not None:
                value = toks[k + 1 : close]
                if len(value) > 1 and value[0] == "{" and partner[k + 1] == close - 1:
                    value = value[1:-1]  # TeX strips the braces around a whole delimited argument
                values.append(value)
                j = close + 1
            else:
                values.append(list(macro.default))
            wanted -= 1
        split: tuple[int, str] | None = None  # a text token whose first character was taken as an argument
        for _ in range(wanted):
            k = _skip_blanks(toks, j, par=False)
            tok = toks[k] if k < n else "}"
            if tok == "{" and partner[k] > k:
                values.append(toks[k + 1 : partner[k]])
                j = partner[k] + 1
            elif (tok in ("{", "}") and type(tok) is str) or (k < n and _is_blank(tok)):
                if split is not None:
                    toks[split[0]] = split[1]
                return None
            elif _is_text(tok) and len(tok) > 1:
                if split is None:
                    split = (k, tok)
                values.append([tok[0]])
                toks[k] = tok[1:]
                j = k
            else:
                values.append([tok])
                j = k + 1
        return values, j


_URL_PARAM = re.compile(r"#([1-9#])")


def _substitute(body: tuple[str, ...], values: list[list[str]]) -> list[str]:
    """The body with `#k` replaced by the k-th argument's tokens and `##` by `#`. A URL token (`\\url{..}`,
    `\\href{..}`, verbatim to the tokenizer) of a body gets its parameters too: TeX reads a macro's body with
    ordinary catcodes, so `\\href{http://x/#1}` in a definition is a parameter."""
    out: list[str] = []
    for tok in body:
        if type(tok) is _Verb and "#" in tok and tok.startswith(("\\url", "\\href")):
            out.append(_Verb(_URL_PARAM.sub(lambda m: _url_value(m.group(1), values), tok)))
            continue
        if len(tok) == 2 and tok[0] == "#" and type(tok) is str:
            if tok[1] == "#":
                out.append("#")
                continue
            k = ord(tok[1]) - 49
            if k < len(values):
                out.extend(values[k])
                continue
        out.append(tok)
    return out


def _url_value(param: str, values: list[list[str]]) -> str:
    if param == "#":
        return "#"
    k = int(param) - 1
    return _join(values[k]) if k < len(values) else "#" + param


# ---------------------------------------------------------------------------------------------- cut and tidy


def _document_body(tex: str) -> str:
    """The text after `\\begin{document}` (and before `\\end{document}`), or all of it without one."""
    toks = tokenize(tex)
    body, _ = _document_part(toks, _match_braces(toks))
    return _join(body)


def _first_section(toks: list[str]) -> int | None:
    """Index of the first sectioning command followed (after `*` and `[short]`) by `{`."""
    brackets = None
    n = len(toks)
    for i, tok in enumerate(toks):
        if tok not in _SECTIONS or type(tok) is not str:
            continue
        j = _skip_blanks(toks, i + 1)
        if j < n and toks[j] == "*":
            j = _skip_blanks(toks, j + 1)
        if j < n and toks[j] == "[":
            if brackets is None:
                brackets = _match_brackets(toks)
            close = brackets.get(j)
            if close is None:
                continue
            j = _skip_blanks(toks, close + 1)
        if j < n and toks[j] == "{":
            return i
    return None


_BIB_ENVS = frozenset({"thebibliography", "references", "REFERENCES"})
_APPENDIX_ENVS = frozenset({"appendix", "appendices"})


def _cut_tail(toks: list[str], keep_appendices: bool) -> tuple[list[str], Counter]:
    """Remove bibliography environments and commands, stop at `\\end{document}`, and (unless kept) at the
    appendices."""
    partner = _match_braces(toks)
    brackets: dict[int, int] | None = None
    counts: Counter = Counter()
    out: list[str] = []
    n = len(toks)
    i = 0
    while i < n:
        tok = toks[i]
        if type(tok) is not str or tok[0] != "\\":
            out.append(tok)
            i += 1
            continue
        if tok == "\\begin" or tok == "\\end":
            env = _env_at(toks, i, partner)
            name = env[0] if env else ""
            if tok == "\\end" and name == "document":
                break
            if tok == "\\begin" and name in _BIB_ENVS:
                counts["cut:bibliography"] += 1
                i = _after_env(toks, env[1], name, partner)
                continue
            if tok == "\\begin" and name in _APPENDIX_ENVS and not keep_appendices:
                counts["cut:appendix"] += 1
                break
        elif tok == "\\appendix" and not keep_appendices:
            counts["cut:appendix"] += 1
            break
        elif tok in _BIBLIOGRAPHY:
            counts["cut:bibliography"] += 1
            i += 1
            j = _skip_blanks(toks, i, par=False)
            if j < n and toks[j] == "[":  # \printbibliography[heading=..]
                brackets = brackets if brackets is not None else _match_brackets(toks)
                if j in brackets:
                    i = brackets[j] + 1
                    j = _skip_blanks(toks, i, par=False)
            if tok != "\\printbibliography":
                group = _group_text(toks, j, partner)
                i = group[1] if group is not None else i
            continue
        out.append(tok)
        i += 1
    return out, counts


def _after_env(toks: list[str], j: int, name: str, partner: list[int]) -> int:
    """The index after the `\\end{name}` that closes an environment whose body starts at j (the end of
    the tokens when it is never closed)."""
    for k in range(j, len(toks)):
        if toks[k] == "\\end" and type(toks[k]) is str:
            env = _env_at(toks, k, partner)
            if env is not None and env[0] == name:
                return env[1]
    return len(toks)


_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


# ------------------------------------------------------------------------------------------------- arXiv ids

_NEW_ID = re.compile(r"(?<![0-9])([0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5})(?:v[0-9]+)?(?![0-9])")
_OLD_ARCHIVES = sorted(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "q-fin",
        "quant-ph",
        "solv-int",
        "stat",
        "supr-con",
    ],
    key=lambda name: (-len(name), name),
)
_OLD_ID = re.compile(
    r"(?<![A-Za-z-])(" + "|".join(map(re.escape, _OLD_ARCHIVES)) + r")(?:\.[A-Za-z-]{2,12})?/?"
    r"([0-9]{2}(?:0[1-9]|1[0-2])[0-9]{3})(?:v[0-9]+)?(?![0-9])"
)


def arxiv_id(name: str) -> str | None:
    """The arXiv identifier a paper's file or folder name holds, without version: `1801.02634` (from
    `..._arXiv1801.02634`, `1801.02634v2.tar.gz`), old style as arXiv writes it, `math/0309136` (from
    `math.GT/0309136` or the source file name `math0309136`); None when there is none."""
    m = _NEW_ID.search(name)
    if m:
        return m.group(1)
    m = _OLD_ID.search(name)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    return None


def _yymm(identifier: str) -> str:
    return identifier.rsplit("/", 1)[-1][:4]


def want_member(name: str) -> bool:
    """Whether a member of a paper's archive is worth reading: `.tex`, or a bare source (arXiv's gzip-only
    paper becomes one member named after the paper, `1801.02634` or `math0309136`)."""
    base = name.rsplit("/", 1)[-1]
    if base.lower().endswith(".tex"):
        return True
    return "." not in base or _NEW_ID.fullmatch(base) is not None


# ------------------------------------------------------------------------------------------------ the paper

_MAIN_MARKERS = (b"\\documentclass", b"\\documentstyle", b"\\begin{document}")


def clean_paper(files: Mapping[str, bytes], paper_name: str, rules: ArxivRules | None = None) -> CleanedPaper:
    """One paper's files (name -> bytes) to its Document, or the Skip / Reject that says why not, with the
    paper's counters. Never raises on bad input."""
    rules = rules or ArxivRules()
    counts: Counter = Counter()
    identifier = arxiv_id(paper_name)

    def result(outcome: Document | Reject | Skip) -> CleanedPaper:
        return CleanedPaper(outcome, {key: int(value) for key, value in sorted(counts.items()) if value})

    def reject(reason: str, detail: str, record_id: str | None = None) -> CleanedPaper:
        return result(Reject(paper_name, None, reason, detail[:500], record_id or identifier))

    tex_names = sorted(name for name in files if name.lower().endswith(".tex"))
    if not tex_names and len(files) == 1:
        (only,) = files
        if any(marker in files[only] for marker in _MAIN_MARKERS):
            tex_names = [only]
            counts["files:bare_source"] += 1
    if not tex_names:
        return reject("no_tex", f"{len(files)} files, none of them .tex")
    counts["files:tex"] = len(tex_names)
    counts["files:other"] = len(files) - len(tex_names)
    size = sum(len(files[name]) for name in tex_names)
    if size > rules.max_output_chars:
        return reject("oversize", f"{size} bytes of .tex, over {rules.max_output_chars}")

    hint = next((enc for enc in map(declared_encoding, (files[n] for n in tex_names)) if enc), None)
    texts: dict[str, str] = {}
    encodings: dict[str, str] = {}
    undecodable: dict[str, str] = {}
    for name in tex_names:
        text, encoding = decode_tex(files[name], hint)
        if text is None:
            undecodable[name] = encoding
            counts["files:bad_encoding"] += 1
        else:
            texts[name] = text
            encodings[name] = encoding
            counts[f"encoding:{encoding}"] += 1
    if not texts:
        name = next(iter(undecodable))
        return reject("bad_encoding", f"{name}: {undecodable[name]}", name)

    stripped = {name: strip_comments(text) for name, text in texts.items()}
    main = main_file(tex_names, stripped)
    if main is None:
        for name, why in undecodable.items():
            if any(marker in files[name] for marker in _MAIN_MARKERS):
                return reject("bad_encoding", f"main file {name}: {why}", name)
        return reject("no_main_file", f"no \\documentclass or \\begin{{document}} in {len(texts)} .tex files")

    flat, used, found = resolve_inputs(main, stripped, rules)
    counts.update(found)
    macros: dict[str, Macro] = {}
    for name in sorted(set(stripped) - set(used)):  # RedPajama: macros of every file, used or not
        _, macros, found = collect_macros(stripped[name], macros)
        counts.update(found)
    body, macros, found = collect_macros(flat, macros)
    counts.update(found)
    body = _document_body(body)
    try:
        for round_ in range(2):
            body, found = expand_macros(body, macros, rules)
            counts.update(found)
            body, macros, found = collect_macros(body, macros)  # definitions an expansion produced
            del found["macros:malformed"]  # counted in the first pass already
            counts.update(found)
            if not found["macros:defined"] or round_:
                break
    except ExpansionLimit as exc:
        counts.update(exc.counters)
        return reject("expansion_limit", str(exc), main)

    toks = tokenize(body)
    start = _first_section(toks)
    if start is None:
        return result(Skip("dropped:no_section"))
    toks, found = _cut_tail(toks[start:], rules.keep_appendices)
    counts.update(found)
    text = _tidy(_join(toks))
    if not any(_is_text(tok) and any(c.isalnum() for c in tok) for tok in toks):
        return reject("empty_paper", f"no text outside commands: {text[:200]!r}", main)

    meta = {
        "files": ",".join(used),
        "main_file": main,
        "encoding": ",".join(sorted({encodings[name] for name in used})),
    }
    if identifier:
        meta["arxiv_id"] = identifier
        meta["yymm"] = _yymm(identifier)
    signals = {
        "macros_defined": float(counts["macros:defined"]),
        "macros_expanded": float(counts["macros:expanded"]),
        "inputs_resolved": float(counts["inputs:resolved"]),
        "inputs_missing": float(counts["inputs:missing"]),
        "files_used": float(len(used)),
    }
    document = Document(
        id=make_doc_id(SOURCE, paper_name, "paper"),
        source=SOURCE,
        text=text,
        url=f"https://arxiv.org/abs/{identifier}" if identifier else None,
        signals=signals,
        meta=meta,
    )
    return result(document)


# ---------------------------------------------------------------------------------------------- the reading

BULK_DUMP = re.compile(
    r"^arXiv_src_\d{4}_\d{3,}\.tar$"
)  # the bulk source dump's tars: arXiv_src_1801_001.tar
_PAPER_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar", ".gz", ".tex")


@dataclass(frozen=True)
class PaperLimits:
    """Bounds on one paper's files (they reach `pipeline.archives.iter_tree` as its ArchiveLimits)."""

    max_file_bytes: int = 64 << 20  # a bigger member is skipped (counted), never read whole
    max_paper_bytes: int = 256 << 20  # the .tex read from one paper, in all; over it the paper is one reject
    max_members: int = 10_000  # entries of one paper's tar


def paper_name(path: str) -> str:
    """A paper's name, from its file or folder: `1801.02634.gz` -> `1801.02634`; ids come from it."""
    base = path.rstrip("/").rsplit("/", 1)[-1]
    for suffix in _PAPER_SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return base


def is_bulk_dump(path: str) -> bool:
    """Is this one of the bulk dump's tars of many papers (by its name, as arXiv publishes them)?"""
    return BULK_DUMP.match(path.rstrip("/").rsplit("/", 1)[-1]) is not None


def read_paper(path: str, limits: PaperLimits = PaperLimits()) -> tuple[dict[str, bytes], Counter] | Reject:
    """One paper (a tar, a gzip of one file, a plain `.tex`, or a folder) to its wanted files and the counts of
    what was skipped, or the one Reject of a damaged or oversize tree (pipeline.archives)."""
    archive_limits = ArchiveLimits(limits.max_file_bytes, limits.max_paper_bytes, limits.max_members)
    files: dict[str, bytes] = {}
    counts: Counter = Counter()
    unwanted: list[str] = []
    for item in iter_tree(path, archive_limits, want=want_member, unwanted=unwanted):
        if isinstance(item, Reject):
            return item
        if isinstance(item, Member):
            files[item.name] = item.data
        else:
            counts[item.reason] += 1
    if unwanted:
        counts["files:not_read"] += len(unwanted)
    return files, counts


def read_bulk_dump(
    path: str, limits: PaperLimits = PaperLimits()
) -> Iterator[tuple[str, tuple[dict[str, bytes], Counter] | Reject | Skip]]:
    """The papers of one bulk-dump tar (`YYMM/<id>.gz` members: each a gzip of a tar or of one .tex), streamed
    one at a time: (the member's name, its files, its Reject, or the Skip of a member that is no paper). Each member is copied to a private temporary
    file, at most max_paper_bytes, and read there as one paper; a `.pdf` member (a paper without sources) and
    links are counted and skipped. The outer tar's names never become paths: only its base name is used."""
    with tempfile.TemporaryDirectory(prefix="arxiv-") as scratch, open_file(path, "rb") as raw:
        try:
            with tarfile.open(fileobj=raw, mode="r|") as tar:
                for info in tar:
                    name = info.name
                    if not info.isfile():
                        if not info.isdir():
                            yield (
                                name,
                                Skip(
                                    "skipped:link" if info.issym() or info.islnk() else "skipped:special_file"
                                ),
                            )
                        continue
                    if name.lower().endswith(".pdf"):
                        yield name, Skip("skipped:pdf_only")
                        continue
                    if info.size > limits.max_paper_bytes:
                        yield name, Reject(path, None, "oversize", f"{info.size:,} bytes", name)
                        continue
                    base = re.sub(r"[^A-Za-z0-9._-]", "_", name.rsplit("/", 1)[-1]) or "paper"
                    local = posixpath.join(scratch, base)
                    member = tar.extractfile(info)
                    with open(local, "wb") as out:
                        while chunk := member.read(1 << 20):
                            out.write(chunk)
                    paper = read_paper(local, limits)
                    os.unlink(local)
                    if isinstance(paper, Reject):
                        paper = Reject(path, None, paper.reason, paper.detail, name)
                    yield name, paper
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            yield path, Reject(path, None, "corrupt_archive", f"{type(exc).__name__}: {exc}"[:500])
