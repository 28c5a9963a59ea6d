"""RedPajama's GitHub file filters (RECIPE.md §3.2, §6 item 7), and licence-header removal without its quirk.

A file is kept when its path ends with one of RP's whitelisted extensions (EXTENSIONS, matched as RP does,
with `str.endswith`: case-sensitive, so `.C` and `.H` are C++, and `Dockerfile` / `Makefile` match whole
names) and none of these holds, checked in this order (code_drop_reason names the first that does):
    dropped:empty            no text but whitespace (RP: empty text)
    dropped:max_line_length  longest line > 1000 characters
    dropped:avg_line_length  len(content) / line count > 100
    dropped:alnum_prop       alphanumeric characters / len(content) < 0.25
    dropped:alpha_per_token  alphabetic characters / tokens < 1.5
Statistics are computed on the text after header removal, as RP computes them.

alpha_per_token: RP counts tokens with the EleutherAI/pythia-6.9b-deduped (GPT-NeoX) BPE, which is not
available offline. We count the pieces of the GPT-2/NeoX pre-tokenizer regex instead (PRETOKENIZER). Every
piece becomes at least one BPE token, so our count is a LOWER BOUND on RP's and our ratio an upper bound on
RP's: this rule drops a subset of the files RP's rule drops (a file between the two is kept here and dropped
by RP).

Header removal (strip_license_header), after keeping a leading `#!` shebang, `<?php` and PEP 263 coding line:
* if the text then starts (after whitespace) with a C-style `/* ... */` block that mentions copyright, licence
  or SPDX, the block is cut;
* otherwise, in the leading run of `//`, `#` or `--` comment lines, paragraphs (split at blank lines) are
  dropped while they mention copyright, licence or SPDX; the first paragraph that does not stays.
C preprocessor lines (`#include`, `#define`, `#pragma`, `#if`...) are code, never comments, and a file whose
first comment is not a licence header is unchanged. RP's quirk (every leading `#`/`//`/`--` line dropped,
shebang and `#include` included, and any `/* copyright */` block in the first 100 lines cut) is not kept.

is_vendored / is_generated / is_binary: files that are not the repository's own source (a short list in the
spirit of GitHub linguist's vendor.yml and generated.rb); the caller counts them as `skipped:vendored`,
`skipped:generated`, `skipped:binary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

__all__ = [
    "EXTENSIONS",
    "PRETOKENIZER",
    "CodeThresholds",
    "allowed_extension",
    "code_drop_reason",
    "code_stats",
    "is_binary",
    "is_generated",
    "is_vendored",
    "strip_license_header",
]

# RP's extensions_whitelist (data_prep/github/github_run_filter.py), exactly.
# fmt: off
_WHITELIST = (
    ".asm", ".bat", ".cmd", ".c", ".h", ".cs", ".cpp", ".hpp", ".c++", ".h++", ".cc", ".hh", ".C", ".H",
    ".cmake", ".css", ".dockerfile", ".f90", ".f", ".f03", ".f08", ".f77", ".f95", ".for", ".fpp", ".go",
    ".hs", ".html", ".java", ".js", ".jl", ".lua", ".md", ".markdown", ".php", ".php3", ".php4", ".php5",
    ".phps", ".phpt", ".pl", ".pm", ".pod", ".perl", ".ps1", ".psd1", ".psm1", ".py", ".rb", ".rs", ".sql",
    ".scala", ".sh", ".bash", ".command", ".zsh", ".ts", ".tsx", ".tex", ".vb", "Dockerfile", "Makefile",
    ".xml", ".rst", ".m", ".smali",
)
# fmt: on
EXTENSIONS: frozenset[str] = frozenset(_WHITELIST)

# GPT-2's pre-tokenizer pattern, which GPT-NeoX's byte-level BPE also splits text with before merging.
PRETOKENIZER = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
)
# The same pattern for ASCII text, where \p{L}, \p{N} and \s are these classes: the stdlib's engine runs it about
# 2.5 times as fast (tests check that both give the same pieces).
ASCII_PRETOKENIZER = re.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^ \t\n\v\f\rA-Za-z0-9]+"""
    r"""|[ \t\n\v\f\r]+(?![^ \t\n\v\f\r])|[ \t\n\v\f\r]+"""
)


@dataclass(frozen=True)
class CodeThresholds:
    """RP's values (github_run_filter.py); a file at a threshold is kept."""

    max_line_length: int = 1000
    max_avg_line_length: float = 100.0
    min_alnum_prop: float = 0.25
    min_alpha_per_token: float = 1.5


def allowed_extension(path: str) -> bool:
    """RP's whitelist test: the path ends with a whitelisted extension or name (case-sensitive)."""
    return path.endswith(_WHITELIST)


def code_stats(content: str) -> dict[str, float]:
    """RP's file statistics (line_count, max_line_length, avg_line_length = len(content) / lines, alnum_prop)
    and alpha_per_token (alphabetic characters per pre-tokenizer piece); all 0 for an empty text."""
    lengths = [len(line) for line in content.splitlines()]
    if not lengths:
        return {
            "line_count": 0,
            "max_line_length": 0,
            "avg_line_length": 0.0,
            "alnum_prop": 0.0,
            "alpha_per_token": 0.0,
        }
    if content.isascii():  # most code: count by deleting bytes, in C, instead of a call per character
        tokens = len(ASCII_PRETOKENIZER.findall(content))
        data = content.encode("ascii")
        alpha = len(data) - len(data.translate(None, _ASCII_ALPHA))
        alnum = len(data) - len(data.translate(None, _ASCII_ALNUM))
    else:
        tokens = len(PRETOKENIZER.findall(content))
        alpha = sum(map(str.isalpha, content))
        alnum = sum(map(str.isalnum, content))
    return {
        "line_count": len(lengths),
        "max_line_length": max(lengths),
        "avg_line_length": len(content) / len(lengths),
        "alnum_prop": alnum / len(content),
        "alpha_per_token": alpha / tokens if tokens else 0.0,
    }


_ASCII_ALPHA = bytes(c for c in range(128) if chr(c).isalpha())
_ASCII_ALNUM = bytes(c for c in range(128) if chr(c).isalnum())


def code_drop_reason(
    content: str, stats: dict[str, float] | None = None, thresholds: CodeThresholds = CodeThresholds()
) -> str | None:
    """The first of RP's rules the text fails (`dropped:<rule>`, see the module docstring), or None to keep
    it. `stats`: code_stats(content), when the caller already has them."""
    if not content.strip():
        return "dropped:empty"
    if stats is None:
        stats = code_stats(content)
    if stats["max_line_length"] > thresholds.max_line_length:
        return "dropped:max_line_length"
    if stats["avg_line_length"] > thresholds.max_avg_line_length:
        return "dropped:avg_line_length"
    if stats["alnum_prop"] < thresholds.min_alnum_prop:
        return "dropped:alnum_prop"
    if stats["alpha_per_token"] < thresholds.min_alpha_per_token:
        return "dropped:alpha_per_token"
    return None


# --- header removal -----------------------------------------------------------------------------------------

_LICENSE_WORDS = re.compile(r"copyright|licen[sc]e|spdx|all rights reserved|\(c\)\s*\d{4}|\u00a9", re.I)
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")  # PEP 263
_PREPROCESSOR = re.compile(
    r"^\s*#\s*(?:include|define|undef|if|ifdef|ifndef|elif|else|endif|pragma|error|warning|line|import"
    r"|region|endregion)\b"
)
_COMMENT = re.compile(r"^\s*(?://|#|--)")
_MARKUP_PATH = re.compile(r"\.(?:md|markdown|rst|html|xml|tex)\Z", re.I)


def _split_prefix(lines: list[str]) -> int:
    """How many leading lines are kept whatever follows: a shebang, `<?php`, the PEP 263 coding line."""
    n = 0
    if n < len(lines) and (lines[n].startswith("#!") or lines[n].strip().lower().startswith("<?php")):
        n += 1
    if n < len(lines) and n < 2 and _CODING.match(lines[n]):
        n += 1
    return n


def strip_license_header(content: str, path: str | None = None) -> str:
    """The text without its leading licence header (see the module docstring); unchanged when there is none.
    `path`, when given, says whether `#` starts a comment (not in Markdown and other markup)."""
    lines = content.split("\n")
    keep = _split_prefix(lines)
    prefix, body = lines[:keep], "\n".join(lines[keep:])
    stripped = _strip_block(body)
    if stripped is None:
        hash_comments = path is None or not _MARKUP_PATH.search(path)
        stripped = _strip_line_comments(body, hash_comments)
    if stripped is None:
        return content
    return "\n".join([*prefix, stripped]) if prefix else stripped


def _strip_block(body: str) -> str | None:
    """The body without a leading `/* ... */` licence block, or None when it does not start with one."""
    start = len(body) - len(body.lstrip())
    if not body.startswith("/*", start):
        return None
    end = body.find("*/", start + 2)
    if end < 0 or not _LICENSE_WORDS.search(body, start, end):
        return None
    rest = body[end + 2 :]
    first_line = rest.split("\n", 1)[0]
    return rest.lstrip(" \t") if first_line.strip() else _drop_blank_lines(rest)


def _drop_blank_lines(text: str) -> str:
    """The text from its first line with something on it."""
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _is_comment(line: str, hash_comments: bool) -> bool:
    if _PREPROCESSOR.match(line) or not _COMMENT.match(line):
        return False
    return hash_comments or not line.lstrip().startswith("#")


def _strip_line_comments(body: str, hash_comments: bool) -> str | None:
    """The body without the licence paragraphs of its leading comment lines, or None when nothing goes."""
    lines = body.split("\n")
    cut = 0  # lines[:cut] are dropped
    i = 0
    while i < len(lines):
        while i < len(lines) and not lines[i].strip():
            i += 1
        j = i
        while j < len(lines) and lines[j].strip() and _is_comment(lines[j], hash_comments):
            j += 1
        if j == i:
            break  # code (or the end): the comment lines are over
        if not any(_LICENSE_WORDS.search(line) for line in lines[i:j]):
            break
        cut = i = j
    if cut == 0:
        return None
    return _drop_blank_lines("\n".join(lines[cut:]))


# --- not the repository's own source ------------------------------------------------------------------------

_VENDORED = re.compile(
    r"(?:^|/)(?:node_modules|bower_components|jspm_packages|vendors?|third[_-]?party|3rd[_-]?party"
    r"|Pods|Carthage"
    r"|Godeps/_workspace|site-packages|\.venv|venv|\.yarn)/"
    r"|(?:^|/)dist/.*\.(?:js|css|mjs)\Z"
    r"|[.-]min\.(?:js|css)\Z|\.bundle\.js\Z|(?:^|/)(?:jquery|bootstrap)[^/]*\.(?:js|css)\Z",
    re.I,
)
_GENERATED_PATH = re.compile(
    r"_pb2(?:_grpc)?\.py\Z|\.pb\.(?:go|cc|h)\Z|\.pb\.gw\.go\Z|_grpc\.pb\.go\Z|\.designer\.cs\Z|\.g\.dart\Z"
    r"|(?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|Gemfile\.lock"
    r"|poetry\.lock|Pipfile\.lock|composer\.lock|go\.sum|mix\.lock|Podfile\.lock|flake\.lock)\Z",
    re.I,
)
_GENERATED_MARK = re.compile(
    r"code generated .{0,200}?do not edit|@generated|auto-?generated|automatically generated"
    r"|generated by .{0,200}?do not (?:edit|modify)|do not (?:edit|modify) (?:this file|manually)"
    r"|this file (?:is|was|has been) (?:auto(?:matically)?[- ]?)?generated",
    re.I,
)
GENERATED_HEAD_LINES = 10
_BINARY_PROBE = 8192


def is_vendored(path: str) -> bool:
    """Third-party code copied into the repository: node_modules/, vendor/, third_party/, bower_components/,
    minified or bundled JavaScript and CSS, dist/ bundles, jQuery/Bootstrap copies."""
    return bool(_VENDORED.search(path.replace("\\", "/")))


def is_generated(path: str, content: str) -> bool:
    """Generated code: protobuf/gRPC outputs, designer files, lock files, or a "Code generated ... DO NOT
    EDIT", "@generated" or "autogenerated" marker in the first GENERATED_HEAD_LINES lines."""
    if _GENERATED_PATH.search(path.replace("\\", "/")):
        return True
    head = "\n".join(content[:4096].split("\n")[:GENERATED_HEAD_LINES])
    return bool(_GENERATED_MARK.search(head))


def is_binary(data: bytes) -> bool:
    """A NUL byte in the first 8 KiB, or bytes that are not UTF-8."""
    if b"\0" in data[:_BINARY_PROBE]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
