"""Which licence a GitHub repository is under, offline, from its LICENSE / COPYING / README files: LLaMA kept
projects under Apache, BSD and MIT licences only (RECIPE.md §1.2); RedPajama took BigQuery's `licenses` table
(`license LIKE 'mit%' OR 'bsd%' OR 'apache%'`, §3.2), which GitHub computes with licensee. This module
reimplements licensee's matchers, so a repository from anywhere gets licensee's answer, or a safer one.

Licence texts: the SPDX texts of the `spdx` package (CC0), for a curated list of candidates (the
choosealicense.com set GitHub detects), keyed as licensee keys them (`mit`, `apache-2.0`, `bsd-3-clause`,
...), loaded once per process. On load, `<<var;...;original=X;...>>` becomes X (a variable part: a name), the
`<<beginOptional>>` segments are kept (copies have them), placeholders (`<year>`, `[fullname]`) become fields,
lines are wrapped at 78 columns as copies are, and a few texts are rewritten to the form repositories copy
(_TEXT_FIXES, _TEXT_PREFIXES). `epl-2.0`, `eupl-1.2` and `mit-0` have no text in the package: they are
named by reference only.

Normalization (licensee's `content_normalized`, applied to both sides): BOM, HTML (for .html files),
horizontal rules, comment markup (when every line has it), markdown headings and links, the title and version
lines stripped; lowercased; list numbering and bullets, `http:`, `&`, dash and quote variants, hyphenation
across lines, British/American spellings (`licence` -> `license`, ...) and span markup (`*`, `_`, `~`)
normalized; optional CC/CC0/Unlicense/MIT passages, borders, leading URLs, copyright and "all rights
reserved" lines (also a notice wrapped over up to three lines), block quotes, "developed by:" and everything
from "END OF TERMS AND CONDITIONS" on stripped; whitespace collapsed. Words: `(?:[\\w/-](?:'s|(?<=s)')?)+`,
ASCII, as a set, without single letters (list enumerators). Every pattern is bounded: no input makes one
backtrack quadratically.

One file (match_text), first that answers:
    copyright  the file is only copyright notices: no licence (key None)
    exact      its word set equals a licence's (and, for PERMISSIVE licences, passes the check below)
    dice       licensee's Sørensen-Dice of the word sets with its length penalty, licence L, file F, with
               d = max(0, |len L - len F| - 5 max(fields, alt segments)) (lengths in characters):
                   200 |L ∩ F| / (|L| + |F| - distinct fields(L) + d // 4)
               the best licence, if >= threshold (licensee's default 98); CC licences are not candidates for a
               file that starts with a NonCommercial / NoDerivatives title (licensee's false-positive rule).
               A match to a PERMISSIVE licence must also pass an order-aware check (word sets cannot see a
               clause rewritten from the licence's own words, nor a "not"): aligned word by word with the
               licence, at most max(MIN_CHANGES, MAX_CHANGES_PER_WORD x its length) words may differ outside
               its variable parts (names) and a short leading title, and no negation may be added or dropped
    spdx       an `SPDX-License-Identifier:` line (licensee's SPDX matcher)
    reference  (README licence sections, and licence files of at most REFERENCE_MAX_CHARS) the text names
               exactly one licence by title, key, nickname or URL ("Licensed under the MIT license"), has no
               restricting words (RESTRICTING) and is not itself a changed licence text (best Dice below
               REFERENCE_MAX_DICE); licensee's Reference matcher, which also runs on short files here
    none       key "other": a licence file we cannot name ("see LICENSE", a modified licence, ...)

A repository (detect_license): the candidate files of is_license_file, scored by name as licensee scores them
(LICENSE 1.0, LICENSE.md 0.95, COPYING 0.9, ..., PATENTS 0.3; a file directly in a top-level `licenses/` or
`LICENSES/` folder at least LICENSES_DIR_SCORE), plus the best-named top-level README's licence section. Files
that are only copyright notices do not count (licensee ignores COPYRIGHT files likewise); a README section
that names nothing (e.g. "see LICENSE") does not count either. Then:
    no file counts                key None; matcher "copyright" if some files were copyright-only, else "none"
    every file agrees             that key, from the best-scoring file
    GPL + LGPL in COPYING.lesser  the LGPL (licensee's rule: the LGPL is written as a GPL supplement)
    all keys in PERMISSIVE        (dual_permissive, default on) the key of the best-scoring file; all_keys has
                                  every key: LICENSE-APACHE + LICENSE-MIT (Rust's dual licence) is kept
    otherwise                     "other", matcher "conflict" (licensee's answer for differing licences)
Ties in score are broken by path, so the answer does not depend on the mapping's order.
"""

from __future__ import annotations

import difflib
import functools
import html
import importlib.resources
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

__all__ = [
    "CANDIDATE_KEYS",
    "LICENSES_DIR_SCORE",
    "PERMISSIVE",
    "REFERENCE_MAX_CHARS",
    "LicenseMatch",
    "detect_license",
    "is_license_file",
    "license_allowed",
    "license_section",
    "match_text",
    "name_score",
    "normalize",
]

DEFAULT_THRESHOLD = 98.0
REFERENCE_MAX_CHARS = 1000  # a licence file this short may name its licence instead of containing it,
REFERENCE_MAX_DICE = (
    50.0  # unless it is (a changed copy of) a licence text: "MIT License" over a modified MIT
)
MAX_TEXT_CHARS = 256 * 1024  # longer than any candidate (GPL-3.0 is 35k): matched by SPDX line only
LICENSES_DIR_SCORE = 0.5
# A match to a PERMISSIVE licence must be its text with at most max(MIN_CHANGES, MAX_CHANGES_PER_WORD x its
# words) words changed outside its variable parts and a title of at most LEADING_WORDS words, and no negation
# added or dropped: a false keep is a licence violation.
MAX_CHANGES_PER_WORD = 0.002
MIN_CHANGES = 2
LEADING_WORDS = 12
_NEGATIONS = frozenset({"not", "no", "nor", "neither", "never", "without", "except", "unless", "only"})
PERMISSIVE = frozenset(
    {
        "0bsd",
        "apache-2.0",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "bsd-4-clause",
        "bsl-1.0",
        "isc",
        "mit",
        "mit-0",
        "ncsa",
        "postgresql",
        "unlicense",
        "upl-1.0",
        "zlib",
    }
)
# Words that turn "MIT licensed" into something else; a short reference that has one names no licence.
RESTRICTING = re.compile(
    r"commons\s+clause|non-?\s?commercial|no\s+derivatives|not\s+(?:be\s+)?(?:permitted|allowed)|prohibited|"
    r"may\s+not\s+(?:sell|be\s+sold|redistribute)|\bmodified\b|\bbased\s+on\b",
    re.I,
)


@dataclass(frozen=True)
class LicenseMatch:
    """key: "mit", "apache-2.0", ..., "other" (a licence file we cannot name), None (no licence file, or only
    copyright notices); confidence 0..100 (for "other", the best Dice score seen); file: which file decided it
    (None for a conflict); matcher: "exact", "dice", "reference", "spdx", "copyright", "conflict" or "none";
    all_keys: every key the counted files gave, sorted (more than one for a permissive dual licence)."""

    key: str | None
    confidence: float
    file: str | None
    matcher: str
    all_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Spec:
    key: str
    spdx: str | None  # the text in the spdx package; None: matched by reference only
    title: str  # choosealicense.com's title, as licensee matches titles
    nickname: str | None = None
    source: str | None = None  # a URL that names the licence


_SPECS = (
    _Spec("afl-3.0", "AFL-3.0", "Academic Free License v3.0"),
    _Spec(
        "agpl-3.0",
        "AGPL-3.0",
        "GNU Affero General Public License v3.0",
        "GNU AGPLv3",
        "https://www.gnu.org/licenses/agpl-3.0",
    ),
    _Spec(
        "apache-2.0", "Apache-2.0", "Apache License 2.0", None, "https://www.apache.org/licenses/LICENSE-2.0"
    ),
    _Spec("artistic-2.0", "Artistic-2.0", "Artistic License 2.0"),
    _Spec(
        "bsd-2-clause",
        "BSD-2-Clause",
        'BSD 2-Clause "Simplified" License',
        None,
        "https://opensource.org/licenses/BSD-2-Clause",
    ),
    _Spec(
        "bsd-3-clause",
        "BSD-3-Clause",
        'BSD 3-Clause "New" or "Revised" License',
        "Modified BSD License",
        "https://opensource.org/licenses/BSD-3-Clause",
    ),
    _Spec("bsd-3-clause-clear", "BSD-3-Clause-Clear", "BSD 3-Clause Clear License", "Clear BSD"),
    _Spec("bsd-4-clause", "BSD-4-Clause", 'BSD 4-Clause "Original" or "Old" License'),
    _Spec("0bsd", "0BSD", "BSD Zero Clause License"),
    _Spec("bsl-1.0", "BSL-1.0", "Boost Software License 1.0", None, "https://www.boost.org/LICENSE_1_0.txt"),
    _Spec(
        "cc-by-4.0",
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0 International",
        None,
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    _Spec(
        "cc-by-sa-4.0",
        "CC-BY-SA-4.0",
        "Creative Commons Attribution Share Alike 4.0 International",
        None,
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    _Spec(
        "cc0-1.0",
        "CC0-1.0",
        "Creative Commons Zero v1.0 Universal",
        None,
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    _Spec("cecill-2.1", "CECILL-2.1", "CeCILL Free Software License Agreement v2.1"),
    _Spec("ecl-2.0", "ECL-2.0", "Educational Community License v2.0"),
    _Spec("epl-1.0", "EPL-1.0", "Eclipse Public License 1.0", None, "https://www.eclipse.org/legal/epl-v10"),
    _Spec("epl-2.0", None, "Eclipse Public License 2.0", None, "https://www.eclipse.org/legal/epl-2.0"),
    _Spec("eupl-1.1", "EUPL-1.1", "European Union Public License 1.1"),
    _Spec("eupl-1.2", None, "European Union Public License 1.2"),
    _Spec("gfdl-1.3", "GFDL-1.3", "GNU Free Documentation License v1.3"),
    _Spec("gpl-2.0", "GPL-2.0", "GNU General Public License v2.0", "GNU GPLv2"),
    _Spec("gpl-3.0", "GPL-3.0", "GNU General Public License v3.0", "GNU GPLv3"),
    _Spec("isc", "ISC", "ISC License"),
    _Spec("lgpl-2.1", "LGPL-2.1", "GNU Lesser General Public License v2.1", "GNU LGPLv2.1"),
    _Spec("lgpl-3.0", "LGPL-3.0", "GNU Lesser General Public License v3.0", "GNU LGPLv3"),
    _Spec("lppl-1.3c", "LPPL-1.3c", "LaTeX Project Public License v1.3c"),
    _Spec("mit", "MIT", "MIT License", None, "https://opensource.org/licenses/MIT"),
    _Spec("mit-0", None, "MIT No Attribution"),
    _Spec("mpl-2.0", "MPL-2.0", "Mozilla Public License 2.0", None, "https://mozilla.org/MPL/2.0/"),
    _Spec("ms-pl", "MS-PL", "Microsoft Public License"),
    _Spec("ms-rl", "MS-RL", "Microsoft Reciprocal License"),
    _Spec("ncsa", "NCSA", "University of Illinois/NCSA Open Source License", "UIUC/NCSA"),
    _Spec("odbl-1.0", "ODbL-1.0", "Open Data Commons Open Database License v1.0", "ODbL"),
    _Spec("ofl-1.1", "OFL-1.1", "SIL Open Font License 1.1"),
    _Spec("osl-3.0", "OSL-3.0", "Open Software License 3.0"),
    _Spec("postgresql", "PostgreSQL", "PostgreSQL License"),
    _Spec("unlicense", "Unlicense", "The Unlicense", None, "https://unlicense.org"),
    _Spec("upl-1.0", "UPL-1.0", "Universal Permissive License v1.0"),
    _Spec("vim", "Vim", "Vim License"),
    _Spec("wtfpl", "WTFPL", "Do What The F*ck You Want To Public License"),
    _Spec("zlib", "Zlib", "zlib License"),
)
CANDIDATE_KEYS = tuple(sorted(spec.key for spec in _SPECS))

# Where SPDX's text differs from the one repositories copy, rewrite it to the copied form: ISC as published by
# ISC itself names ISC where copies say "the author"; PostgreSQL's names its university; CC's legal code links
# its considerations pages.
_CC_CONSIDERATIONS = (
    (
        "More considerations for licensors.",
        "More considerations for licensors:\nwiki.creativecommons.org/Considerations_for_licensors",
    ),
    (
        "More considerations for the public.",
        "More considerations for the public:\nwiki.creativecommons.org/Considerations_for_licensees",
    ),
)
_TEXT_FIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "ISC": (("ISC DISCLAIMS", "THE AUTHOR DISCLAIMS"), ("SHALL ISC BE LIABLE", "SHALL THE AUTHOR BE LIABLE")),
    "PostgreSQL": (  # SPDX keeps PostgreSQL's own names where the licence, as others use it, has the holder's
        (
            "PostgreSQL Database Management System\n(formerly known as Postgres, then as Postgres95)",
            "PostgreSQL License",
        ),
        ("Portions Copyright (c) 1996-2010, The PostgreSQL Global Development Group\n\n", ""),
        (
            "Portions Copyright (c) 1994, The Regents of the University of California",
            "Copyright (c) [year], [fullname]",
        ),
        ("THE UNIVERSITY OF CALIFORNIA", "[fullname]"),
    ),
    "CC-BY-4.0": _CC_CONSIDERATIONS,
    "CC-BY-SA-4.0": _CC_CONSIDERATIONS,
}

# The OFL's own notice, which every copy of it starts with and SPDX's text leaves out.
_TEXT_PREFIXES = {
    "OFL-1.1": "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
    "This license is copied below, and is also available with a FAQ at:\nhttp://scripts.sil.org/OFL\n\n",
}

# --- normalization (licensee's ContentHelper) -------------------------------------------------------------

_BLANKS = re.compile(r"[ \t\f\v\u00a0]+")
_TRAILING_BLANKS = re.compile(r" \n")
_BLANK_LINES = re.compile(r"\n(?: ?\n)+")
_HR = re.compile(r"^\s*[=\-*]{3,}\s*$", re.M)
_COMMENT_MARKUP = re.compile(r"^\s*?[/*]{1,2}", re.M)
_MARKDOWN_HEADINGS = re.compile(r"^\s*#+", re.M)
_LINK_MARKUP = re.compile(r"\[([^\[\]\n]{1,400})\]\([^()\n]{1,400}\)")
_VERSION = re.compile(r"\A\s*version.*$", re.I | re.M)
_SPAN_MARKUP = re.compile(r"[_*~]+")  # licensee keeps what is between pairs of runs: the same words
_BLOCK_MARKUP = re.compile(r"^\s*>", re.M)
_BORDER_MARKUP = re.compile(r"^[*-](.*?)[*-]$", re.M)
_URL = re.compile(r"\A\s*https?://[^ ]+\n")
_BULLET = re.compile(r"\n\n\s*(?:[*-]|\(?[\da-z]{1,2}[).])\s+", re.I)
_DEVELOPED_BY = re.compile(r"\A\s*developed by:.*?\n\n", re.I | re.S)
_CC_DEDICATION = re.compile(
    r"the\s+text\s+of\s+the\s+creative\s+commons.{0,4000}?public\s+domain\s+dedication\.", re.I | re.S
)
_CC_WIKI = re.compile(r"wiki\.creativecommons\.org", re.I)
_CC_LEGAL_CODE = re.compile(r"^\s*creative commons legal code\s*$", re.I | re.M)
_CC0_INFO = re.compile(r"for more information, please see\s*\S+zero\S+", re.I | re.S)
_CC0_DISCLAIMER = re.compile(r"creative commons corporation.{0,4000}?\n\n", re.I | re.S)
_UNLICENSE_INFO = re.compile(r"for more information, please.{0,1000}\S+unlicense\S+", re.I | re.S)
_MIT_OPTIONAL = re.compile(r"\(including the next paragraph\)", re.I)
_END_OF_TERMS = re.compile(r"^[\s#*_]*end of (?:the )?terms and conditions[\s#*_]*$", re.I | re.M)
_COPYRIGHT_SYMBOLS = r"(?:copyright|\(c\)|\u00a9)"
_COPYRIGHT = re.compile(
    r"\A(?:[_*\-\s]*"
    + _COPYRIGHT_SYMBOLS
    + r".*$(?:\n[ \t]+\d{4}[^\n]*)*(?:[_*\-\s]*with reserved font name.*$)*)+$",
    re.I | re.M,
)
_ALL_RIGHTS_RESERVED = r"\A\s*all rights reserved\.?$"
# A copyright notice wrapped over up to three lines and closed by "All rights reserved." (licensee's regex
# takes one line per notice; a long holder name wraps).
_WRAPPED_COPYRIGHT = (
    r"\A[_*\-\s]*" + _COPYRIGHT_SYMBOLS + r".*(?:\n[^\n]+){0,2}?\n[_*\s]*all rights reserved\.?[_*]*[ \t]*$"
)
_COPYRIGHT_OR_RESERVED = re.compile(
    "|".join((_WRAPPED_COPYRIGHT, _COPYRIGHT.pattern, _ALL_RIGHTS_RESERVED)), re.I | re.M
)
_NORMALIZATIONS = (
    (re.compile(r"^\s*(?:\d\.|[*-])(?: [*_]{0,2}\(?[\da-z]\)[*_]{0,2})?\s+([^\n])", re.M), r"- \1"),  # lists
    (re.compile(r"http:"), "https:"),
    (re.compile(r"&"), "and"),
    (re.compile(r"(?<!^)([\u2014\u2013-]+)(?!$)", re.M), "-"),  # dashes
    (re.compile(r"[`'\"\u2018\u201c\u2019\u201d]"), "'"),  # quotes
    (re.compile(r"(\w)-[ \t]*\n\s*(?=\w)"), r"\1-"),  # hyphenated across a line break
)
_VARIETAL_WORDS = {
    "acknowledgment": "acknowledgement",
    "analogue": "analog",
    "analyse": "analyze",
    "artefact": "artifact",
    "authorisation": "authorization",
    "authorised": "authorized",
    "calibre": "caliber",
    "cancelled": "canceled",
    "capitalisations": "capitalizations",
    "catalogue": "catalog",
    "categorise": "categorize",
    "centre": "center",
    "emphasised": "emphasized",
    "favour": "favor",
    "favourite": "favorite",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "initialise": "initialize",
    "judgment": "judgement",
    "labelling": "labeling",
    "labour": "labor",
    "licence": "license",
    "maximise": "maximize",
    "modelled": "modeled",
    "modelling": "modeling",
    "offence": "offense",
    "optimise": "optimize",
    "organisation": "organization",
    "organise": "organize",
    "practise": "practice",
    "programme": "program",
    "realise": "realize",
    "recognise": "recognize",
    "signalling": "signaling",
    "sub-license": "sublicense",
    "sub license": "sublicense",
    "utilisation": "utilization",
    "whilst": "while",
    "wilful": "wilfull",
    "non-commercial": "noncommercial",
    "per cent": "percent",
    "copyright owner": "copyright holder",
}
_SPELLING = re.compile(
    r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _VARIETAL_WORDS) + r")\b"
)
_WORD = re.compile(r"(?:[\w/-](?:'s|(?<=s)')?)+", re.ASCII)
# `<year>`, `<copyright holders>`, `[fullname]`, `[yyyy]`: template fields, removed from both sides.
_PLACEHOLDER = re.compile(r"<[a-z][a-z ,]{0,60}>|\[[a-z][a-z ,]{0,60}\]", re.I)
_FIELD = "xlicensefield"
_FIELD_MARK = re.compile(_FIELD + r"\d+x")
_CC_FALSE_POSITIVE = re.compile(
    r"^(?:creative commons )?attribution-(?:noncommercial|noderivatives)", re.I | re.M
)
_HTML_DROP = re.compile(r"<(script|style|head)\b.{0,100000}?</\1\s*>", re.I | re.S)
_HTML_BLOCK = re.compile(r"<\s*/?\s*(?:p|br|div|h[1-6]|li|ul|ol|tr|table|pre|blockquote|hr)\b[^>]*>", re.I)
_HTML_TAG = re.compile(r"<[^<>]{0,2000}>")


def _strip(text: str, regex: re.Pattern[str]) -> str:
    """licensee's `strip`: each match becomes a space, runs of spaces are squeezed, the ends trimmed."""
    return re.sub(r" {2,}", " ", regex.sub(" ", text)).strip()


def _html_to_text(text: str) -> str:
    """Block tags to blank lines, other tags dropped, entities decoded: enough for a licence page."""
    text = _HTML_DROP.sub(" ", text)
    text = _HTML_BLOCK.sub("\n\n", text)
    return html.unescape(_HTML_TAG.sub("", text))


def _without_title_and_version(text: str, is_html: bool = False) -> str:
    s = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if is_html:
        s = _html_to_text(s)
    # Runs of blanks made short first (the words stay the same): no pattern below backtracks over a long one.
    s = _BLANKS.sub(" ", s)
    s = _BLANK_LINES.sub("\n\n", _TRAILING_BLANKS.sub("\n", s)).strip()
    s = _strip(s, _HR)
    lines = s.split("\n")
    if len(lines) > 1 and all(_COMMENT_MARKUP.match(line) for line in lines):
        s = _strip(s, _COMMENT_MARKUP)
    s = _strip(s, _MARKDOWN_HEADINGS)
    s = _LINK_MARKUP.sub(r"\1", s)
    s = _strip_title(s)
    return _strip(s, _VERSION)


def _strip_title(s: str) -> str:
    return _strip_repeated(s, _title_regex())


def _strip_repeated(s: str, regex: re.Pattern[str]) -> str:
    while regex.search(s):
        stripped = _strip(s, regex)
        if stripped == s:
            break
        s = stripped
    return s


def normalize(text: str, is_html: bool = False) -> str:
    """licensee's `content_normalized` of a licence text (see the module docstring), placeholders removed."""
    s = _without_title_and_version(text, is_html).lower()
    for regex, replacement in _NORMALIZATIONS:
        s = regex.sub(replacement, s)
    s = _SPELLING.sub(lambda m: _VARIETAL_WORDS[" ".join(m.group(0).split())], s)
    s = _SPAN_MARKUP.sub("", s)
    s = _BULLET.sub("\n\n- ", s)
    s = re.sub(r"\)\s+\(", ")(", s)
    s = s.lstrip("\ufeff")
    if "creative commons" in s:
        s = _strip(_strip(s, _CC_DEDICATION), _CC_WIKI)
    if "associating cc0" in s:
        s = _strip(_strip(_strip(s, _CC_LEGAL_CODE), _CC0_INFO), _CC0_DISCLAIMER)
    if "unlicense" in s:
        s = _strip(s, _UNLICENSE_INFO)
    s = _BORDER_MARKUP.sub(r"\1", s)
    s = _strip_title(s)
    s = _strip(s, _VERSION)
    s = _strip(s, _URL)
    s = _strip_repeated(s, _COPYRIGHT_OR_RESERVED)
    s = _strip_title(s)
    s = _strip(s, _BLOCK_MARKUP)
    s = _strip(s, _DEVELOPED_BY)
    s = _END_OF_TERMS.split(s, maxsplit=1)[0]
    s = re.sub(r"\s+", " ", s).strip()
    return _strip(s, _MIT_OPTIONAL)


# --- titles, for stripping and for references (licensee's License#title_regex) ------------------------------


def _title_patterns(spec: _Spec) -> list[str]:
    """licensee's simple, normalized, key and nickname title regexes of one licence."""
    name = spec.title.lower().replace("*", "u").strip('"')
    simple = re.escape(name)
    s = re.sub(r"\Athe ", "", name)
    s = re.sub(r",? version ", " ", s, count=1)
    s = re.sub(r"v(\d+\.\d+)", r"\1", s, count=1)
    s = re.escape(s)
    s = re.sub(r"\\ licen[sc]e", lambda _: r"(?:\ licen[sc]e)?", s, count=1)
    version = re.search(r"\d+\\\.(\d+)", s)
    if version:
        optional_minor = version.group(1) == "0"
        s = re.sub(
            r"\\ (\d+)(\\\.\d+)",
            lambda m: (
                r",?\s+(?:version\ |v(?:\.\ )?)?"
                + m.group(1)
                + (f"(?:{m.group(2)})?" if optional_minor else m.group(2))
            ),
            s,
            count=1,
        )
    s = re.sub(r"\bgnu\\ ", lambda _: r"(?:gnu\ )?", s, count=1)
    key = spec.key.replace("-", "[- ]", 1).replace(".", r"\.", 1) + r"(?:\ licen[sc]e)?"
    parts = [simple, s, key]
    if spec.nickname:
        parts.append(
            "(?-i:" + re.sub(r"\bGNU ", "(?:GNU )?", re.escape(spec.nickname).replace("\\ ", " ")) + ")"
        )
    return parts


def _name_without_version(title: str) -> str:
    match = re.search(r"\s+v?\d\.\d", title, re.I)
    return title[: match.start()] if match else title


@functools.cache
def _title_regex() -> re.Pattern[str]:
    """Any candidate's title at the start of a text, with the rest of its line (licensee's title_regex)."""
    parts = []
    for spec in _SPECS:
        parts.extend(_title_patterns(spec))
        if _name_without_version(spec.title) != spec.title:
            parts.append(re.escape(_name_without_version(spec.title).lower()))
    return re.compile(r"\A\s*\(?(?:the )?(?:" + "|".join(parts) + r").*?$", re.I | re.M)


@functools.cache
def _reference_regexes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per licence: its title, key, nickname or source URL as a whole word (licensee's Reference matcher)."""
    out = []
    for spec in _SPECS:
        parts = _title_patterns(spec)
        if spec.source:
            source = re.sub(r"\Ahttps?://(?:www\.)?", "", spec.source).rstrip("/")
            parts.append(r"https?://(?:www\.)?" + re.escape(source) + r"(?:\.html?|\.txt|/)?")
        out.append((spec.key, re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.I)))
    return tuple(out)


# --- the candidate licences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Template:
    key: str
    wordset: frozenset[str]  # without fields
    length: int
    n_fields: int
    n_field_names: int
    alt_segments: int
    tokens: tuple[str, ...]  # the text's significant words in order, for the modification check
    variable: tuple[bool, ...]  # per token: inside a field or an SPDX variable (a name, filled in by copies)


_VAR = re.compile(r"<<var;[^>]*?original=(.*?);match=[^>]*>>", re.S)
_VAR_BEGIN, _VAR_END = "\x01", "\x02"  # one column wide each, so wrapping is as if they were not there
_TOKEN = re.compile(_WORD.pattern + "|[\x01\x02]", re.ASCII)


def _template_text(raw: str, spdx_id: str) -> tuple[str, int]:
    """An SPDX template as plain text, its variables between marker words, and its count of alternative
    segments."""
    alt_segments = raw.count("<<var") + raw.count("<<beginOptional")
    text = _VAR.sub(lambda m: f" {_VAR_BEGIN} {m.group(1)} {_VAR_END} ", raw)
    text = re.sub(r"<<[^>]*>>", " ", text)
    for old, new in _TEXT_FIXES.get(spdx_id, ()):
        text = text.replace(old, new)
    return _TEXT_PREFIXES.get(spdx_id, "") + text, alt_segments


def _words(normalized: str) -> frozenset[str]:
    """The word set; single letters are left out, as they are mostly list enumerators ("a.", "(b)"), which
    copies of one licence write in different ways."""
    return frozenset(w for w in _WORD.findall(normalized) if len(w) > 1 or not w.isalpha())


_ENUMERATOR = re.compile(r"\A(?:[a-z]|[ivx]{1,4}|[-/]+)\Z")


def _significant(words: Sequence[str]) -> list[str]:
    """Words in order without list enumerators and dashes, which copies write in different ways."""
    return [w for w in words if not _ENUMERATOR.match(w)]


def _template(spec: _Spec) -> _Template | None:
    if spec.spdx is None:
        return None
    path = importlib.resources.files("spdx") / "data" / f"{spec.spdx}.txt"
    if not path.is_file():
        return None
    text, alt_segments = _template_text(path.read_text(encoding="utf-8"), spec.spdx)
    names: dict[str, int] = {}

    def mark(match: re.Match[str]) -> str:
        index = names.setdefault(match.group(0).lower(), len(names))
        return f" {_FIELD}{index}x "

    text = _PLACEHOLDER.sub(mark, text)
    # SPDX writes a paragraph per line; copies wrap at ~80 columns, and title, version and copyright lines are
    # stripped a line at a time, so wrap the same way (else "The Educational Community License version 2.0
    # ... consists of" would go with its whole paragraph).
    lines = (
        textwrap.fill(line, 78, break_on_hyphens=False, break_long_words=False) for line in text.split("\n")
    )
    normalized = normalize("\n".join(lines))
    tokens, variable, inside = [], [], False
    for word in _significant(_TOKEN.findall(normalized)):
        if word in (_VAR_BEGIN, _VAR_END):
            inside = word == _VAR_BEGIN
            continue
        tokens.append(word)
        variable.append(inside or bool(_FIELD_MARK.fullmatch(word)))
    placeholders = {f"{_FIELD}{index}x": name for name, index in names.items()}
    fields = [placeholders[mark] for mark in _FIELD_MARK.findall(normalized)]
    plain = _FIELD_MARK.sub(" ", normalized.replace(_VAR_BEGIN, " ").replace(_VAR_END, " "))
    plain = re.sub(r" {2,}", " ", plain).strip()
    return _Template(
        key=spec.key,
        wordset=_words(plain),
        # as licensee counts it: with each field's placeholder text, which a copy replaces with a name
        length=len(plain) + sum(len(field) + 1 for field in fields),
        n_fields=len(fields),
        n_field_names=len(set(fields)),
        alt_segments=alt_segments,
        tokens=tuple(tokens),
        variable=tuple(variable),
    )


def _unexplained_changes(template: _Template, normalized: str) -> int:
    """How many words a copy changed outside what copies may change: the template's variables and fields
    (names), and a title or URL of at most LEADING_WORDS words before the text. Word order counts here, unlike
    in Dice: a licence with one clause rewritten from the same words (Pixar's "modified Apache") is not the
    licence, and neither is one with a negation (`_NEGATIONS`) added or dropped, however long it is."""
    words = _significant(_WORD.findall(normalized))
    variable = template.variable
    changed = 0
    matcher = difflib.SequenceMatcher(None, template.tokens, words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "insert" and i1 == 0 and j2 <= LEADING_WORDS):
            continue
        own = [w for w, v in zip(template.tokens[i1:i2], variable[i1:i2], strict=True) if not v]
        if _NEGATIONS.intersection(own) or (
            not any(variable[max(i1 - 1, 0) : i2 + 1]) and _NEGATIONS.intersection(words[j1:j2])
        ):
            return len(
                template.tokens
            )  # a "not" added or dropped turns a licence around, whatever its length
        if i2 == i1:  # words added: free beside a variable (a longer name), else each counts
            changed += 0 if any(variable[max(i1 - 1, 0) : i1 + 1]) else j2 - j1
            continue
        fixed = variable[i1:i2].count(False)  # the licence's own words that were replaced or dropped
        changed += fixed if fixed < i2 - i1 else max(fixed, j2 - j1)
    return changed


@functools.cache
def _templates() -> tuple[_Template, ...]:
    """The candidates that have a text, loaded and normalized once per process."""
    return tuple(t for t in (_template(spec) for spec in _SPECS) if t is not None)


def _similarity(template: _Template, wordset: frozenset[str], length: int) -> float:
    """licensee's License#similarity(file): Dice over word sets, less a penalty for the length difference."""
    overlap = len(template.wordset & wordset)
    total = len(template.wordset) + len(wordset) - template.n_field_names
    delta = abs(template.length - length) - max(template.n_fields, template.alt_segments) * 5
    denominator = total + max(delta, 0) // 4
    return overlap * 200.0 / denominator if denominator > 0 else 0.0


# --- one file -----------------------------------------------------------------------------------------------

_SPDX_LINE = re.compile(
    r"SPDX-License-Identifier:[ \t]*([A-Za-z0-9.+\-() ]{1,200}?)[ \t]*(?:\*/|-->|$)", re.M
)
_SPDX_TOKEN = re.compile(r"[A-Za-z0-9.+\-]+")
_SPDX_ALIASES = {
    "gpl-2.0+": "gpl-2.0",
    "gpl-3.0+": "gpl-3.0",
    "lgpl-2.1+": "lgpl-2.1",
    "lgpl-3.0+": "lgpl-3.0",
}
_ONLY_COPYRIGHT = re.compile(
    r"\A(?:[_*\-\s]*"
    + _COPYRIGHT_SYMBOLS
    + r".*$(?:\n[ \t]+\d{4}[^\n]*)*(?:[_*\-\s]*with reserved font name.*$)*)+\Z",
    re.I | re.M,
)


def _unmodified(key: str, normalized: str) -> bool:
    """The check after an exact or Dice match, for PERMISSIVE licences only (where a false match keeps a
    repository): equal word sets can still differ by a "not"."""
    if key not in PERMISSIVE:
        return True
    template = next(t for t in _templates() if t.key == key)
    budget = max(MIN_CHANGES, math.ceil(MAX_CHANGES_PER_WORD * len(template.tokens)))
    return _unexplained_changes(template, normalized) <= budget


def _spdx_key(identifier: str) -> str:
    """One SPDX id to a candidate key ("GPL-3.0-or-later" -> "gpl-3.0"), or "other"."""
    key = identifier.lower()
    key = _SPDX_ALIASES.get(key, key)
    key = re.sub(r"-(?:only|or-later)$", "", key).rstrip("+")
    return key if key in CANDIDATE_KEYS else "other"


def _spdx_keys(text: str) -> set[str]:
    """The keys an `SPDX-License-Identifier:` expression names (exceptions after WITH are not licences)."""
    keys: set[str] = set()
    for match in _SPDX_LINE.finditer(text[:MAX_TEXT_CHARS]):
        tokens = _SPDX_TOKEN.findall(match.group(1))
        for i, token in enumerate(tokens):
            if token.upper() in ("AND", "OR", "WITH") or (i and tokens[i - 1].upper() == "WITH"):
                continue
            keys.add(_spdx_key(token))
    return keys


def _reference_keys(text: str) -> set[str]:
    """The licences a short text names, each by its longest mention: "GNU Lesser General Public License v3"
    names lgpl-3.0 only, though "General Public License v3" inside it is gpl-3.0's title."""
    spans = []
    for key, regex in _reference_regexes():
        for match in regex.finditer(text):
            if match.end() > match.start():
                spans.append((match.start(), match.end(), key))
    keys = set()
    for start, end, key in spans:
        inside = any(s <= start and end <= e and (e - s) > (end - start) and k != key for s, e, k in spans)
        if not inside:
            keys.add(key)
    return keys


def _pick(keys: set[str], dual_permissive: bool) -> str | None:
    """One key for a set of keys from one file or repository, or None when they conflict."""
    if len(keys) == 1:
        return next(iter(keys))
    if keys and dual_permissive and keys <= PERMISSIVE:
        return min(keys)
    return None


def match_text(
    text: str,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    filename: str | None = None,
    reference: bool | None = None,
    dual_permissive: bool = True,
) -> LicenseMatch:
    """One licence file's (or README licence section's) text to its licence. `reference`: whether naming a
    licence is enough (None: for texts of at most REFERENCE_MAX_CHARS). `filename` picks HTML handling."""
    base = (filename or "").rsplit("/", 1)[-1]
    stripped = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip()
    if stripped and _ONLY_COPYRIGHT.match(stripped[:MAX_TEXT_CHARS]):
        return LicenseMatch(None, 100.0, filename, "copyright")
    best_key, best = None, 0.0
    if len(stripped) <= MAX_TEXT_CHARS:
        normalized = normalize(stripped, is_html=bool(re.search(r"\.html?$", base, re.I)))
        wordset = _words(normalized)
        if wordset:
            false_positive = bool(_CC_FALSE_POSITIVE.match(stripped))
            candidates = [t for t in _templates() if not (false_positive and t.key.startswith("cc-"))]
            for template in candidates:
                if template.wordset == wordset and _unmodified(template.key, normalized):
                    return LicenseMatch(template.key, 100.0, filename, "exact", (template.key,))
            for template in sorted(candidates, key=lambda t: t.key):
                score = _similarity(template, wordset, len(normalized))
                if score > best:
                    best_key, best = template.key, score
            if best_key is not None and best >= threshold and _unmodified(best_key, normalized):
                return LicenseMatch(best_key, round(min(best, 100.0), 2), filename, "dice", (best_key,))
    spdx = _spdx_keys(stripped)
    if spdx:
        key = _pick(spdx, dual_permissive)
        if key is not None and key != "other":
            return LicenseMatch(key, 100.0, filename, "spdx", tuple(sorted(spdx)))
        return LicenseMatch("other", 0.0, filename, "spdx", tuple(sorted(spdx)))
    if reference is None:
        reference = len(stripped) <= REFERENCE_MAX_CHARS
    keys: set[str] = set()
    if reference and best < REFERENCE_MAX_DICE and not RESTRICTING.search(stripped):
        keys = _reference_keys(stripped)
        key = _pick(keys, dual_permissive)
        if key is not None:
            return LicenseMatch(key, 90.0, filename, "reference", tuple(sorted(keys)))
    return LicenseMatch("other", round(min(best, 100.0), 2), filename, "none", tuple(sorted(keys)))


# --- a repository -------------------------------------------------------------------------------------------

_PREFERRED_EXT = r"\.(?:md|markdown|txt|html)\Z"
_OTHER_EXT = r"\.(?!spdx|header|gemspec)[^./]+\Z"
_LICENSE = r"(?:un)?licen[sc]e"
_COPYING = r"copy(?:ing|right)"
_NAME_SCORES = tuple(
    (re.compile(pattern, flags), score)
    for pattern, flags, score in (
        (rf"\A{_LICENSE}\Z", re.I, 1.00),
        (rf"\A{_LICENSE}{_PREFERRED_EXT}", re.I, 0.95),
        (rf"\A{_COPYING}\Z", re.I, 0.90),
        (rf"\A{_COPYING}{_PREFERRED_EXT}", re.I, 0.85),
        (rf"\A{_LICENSE}{_OTHER_EXT}", re.I, 0.80),
        (rf"\A{_COPYING}{_OTHER_EXT}", re.I, 0.75),
        (rf"\A{_LICENSE}[-_]", re.I, 0.70),
        (rf"\A{_COPYING}[-_]", re.I, 0.65),
        (rf"[-_]{_LICENSE}", re.I, 0.60),
        (rf"[-_]{_COPYING}", re.I, 0.55),
        (rf"\Aofl{_PREFERRED_EXT}", re.I, 0.50),
        (rf"\Aofl{_OTHER_EXT}", re.I, 0.45),
        (r"\Aofl\Z", re.I, 0.40),
        (r"\Apatents\Z", re.I, 0.35),
        (rf"\Apatents{_OTHER_EXT}", re.I, 0.30),
    )
)
_README = re.compile(r"\Areadme(?:\.(?:md|markdown|mdown|txt|rdoc|rst))?\Z", re.I)
_LICENSES_DIRS = ("licenses", "LICENSES")
_SECTION = re.compile(
    r"^(?:[#=]+\s*\**licen[sc]es?:?\**\s*[#=]*|licen[sc]es?:?\n[-=]+)$\n?"  # the heading
    r"(.*?)(?=^(?:[#=]+|[^\n]+\n[-=]+\s*$)|\Z)",  # up to the next heading
    re.I | re.M | re.S,
)


def _clean_path(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def name_score(path: str) -> float:
    """licensee's preference for a licence file by name (LICENSE 1.0 ... PATENTS.txt 0.3), 0 for anything
    else; files directly in a top-level licenses/ folder score at least LICENSES_DIR_SCORE."""
    parts = _clean_path(path).split("/")
    if len(parts) == 1:
        name = parts[0]
        return next((score for regex, score in _NAME_SCORES if regex.search(name)), 0.0)
    if len(parts) == 2 and parts[0] in _LICENSES_DIRS and parts[1]:
        score = next((score for regex, score in _NAME_SCORES if regex.search(parts[1])), 0.0)
        return max(score, LICENSES_DIR_SCORE)
    return 0.0


def _readme_score(path: str) -> float:
    path = _clean_path(path)
    if "/" in path or not _README.match(path):
        return 0.0
    return 1.0 if "." not in path else 0.9


def is_license_file(path: str) -> bool:
    """Whether detect_license reads this file: a licence file by licensee's names at the top level or directly
    in licenses/ (LICENSES/), or a top-level README (for its licence section)."""
    return name_score(path) > 0 or _readme_score(path) > 0


def license_section(readme: str) -> str | None:
    """A README's licence section ("## License", "License\\n=======", "= License ="), or None."""
    text = readme.replace("\r\n", "\n").replace("\r", "\n")
    match = _SECTION.search(text)
    if not match:
        return None
    section = match.group(1).strip()
    return section or None


def detect_license(
    files: Mapping[str, str], threshold: float = DEFAULT_THRESHOLD, *, dual_permissive: bool = True
) -> LicenseMatch:
    """A repository's licence from its files (path relative to the root -> decoded text); other files in the
    mapping are ignored, so a caller may pass a whole tree or only the is_license_file ones."""
    scored: list[tuple[float, str, LicenseMatch]] = []
    copyright_only: list[str] = []
    for path in sorted(files):
        score = name_score(path)
        if score <= 0:
            continue
        text = _as_text(files[path])
        match = match_text(text, threshold, filename=_clean_path(path), dual_permissive=dual_permissive)
        if match.matcher == "copyright":
            copyright_only.append(_clean_path(path))
            continue
        scored.append((score, _clean_path(path), match))
    readmes = sorted((-_readme_score(p), p) for p in files if _readme_score(p) > 0)
    if readmes:
        path = readmes[0][1]
        section = license_section(_as_text(files[path])[:MAX_TEXT_CHARS])
        if section is not None:
            match = match_text(
                section,
                threshold,
                filename=_clean_path(path),
                reference=True,
                dual_permissive=dual_permissive,
            )
            if match.key not in (None, "other"):
                scored.append((0.0, _clean_path(path), match))
    if not scored:
        if copyright_only:
            return LicenseMatch(None, 100.0, copyright_only[0], "copyright")
        return LicenseMatch(None, 0.0, None, "none")
    scored.sort(key=lambda item: (-item[0], item[1]))
    keys = {m.key for _, _, m in scored if m.key is not None}
    all_keys = tuple(sorted({k for _, _, m in scored for k in (m.key, *m.all_keys) if k is not None}))
    if len(keys) == 1:
        return _with_keys(scored[0][2], all_keys)
    lgpl = _lgpl(scored, keys)
    if lgpl is not None:
        return _with_keys(lgpl, all_keys)
    if dual_permissive and keys <= PERMISSIVE:
        return _with_keys(scored[0][2], all_keys)
    return LicenseMatch("other", 0.0, None, "conflict", all_keys)


def _as_text(value: str | bytes) -> str:
    """The caller's decoded text; bytes are decoded leniently rather than refused."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)


def _with_keys(match: LicenseMatch, all_keys: tuple[str, ...]) -> LicenseMatch:
    return LicenseMatch(match.key, match.confidence, match.file, match.matcher, all_keys)


def _lgpl(scored: list[tuple[float, str, LicenseMatch]], keys: set[str]) -> LicenseMatch | None:
    """licensee's LGPL rule: a GPL text beside the LGPL in COPYING.lesser means the LGPL."""
    if len(keys) != 2 or not any(k.startswith("gpl-") for k in keys):
        return None
    for _, path, match in scored:
        if (
            match.key
            and match.key.startswith("lgpl-")
            and path.rsplit("/", 1)[-1].lower() == "copying.lesser"
        ):
            return match
    return None


def license_allowed(key: str | None, allowed: Sequence[str]) -> bool:
    """Whether a detected key is one the recipe keeps; `allowed` holds fnmatch patterns (["apache-*", "bsd-*",
    "mit"], RedPajama's `LIKE 'mit%'`). "other" and None are never allowed, whatever the patterns."""
    if not key or key == "other":
        return False
    key = key.lower()
    return any(fnmatchcase(key, pattern.lower()) for pattern in allowed)
