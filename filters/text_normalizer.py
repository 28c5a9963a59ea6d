"""cc_net's two text normalizations (RECIPE.md §2.3, §2.5), so our line hashes and LM inputs match cc_net's.

    normalize_for_dedup(line): strip; lowercase; every digit -> 0; delete the Unicode punctuation listed
                               below and the control characters 0-31 and 127-159 (tabs, CR, ...)
    normalize(line):           strip; lowercase; strip accents (NFD, drop Mn); digits -> 0; map that
                               punctuation to ASCII; delete the control characters
    line_hash(line):           the first 8 bytes of SHA-1 of normalize_for_dedup(line), little-endian uint64
                               (cc_net reads them with numpy's native uint64)

cc_net's dedup normalization does not collapse runs of inner spaces, and neither does ours: matching its
hashes exactly is the point. Digits are Unicode digits (`\\d`), so full-width digits become 0 too.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
import unicodedata

# cc_net text_normalizer.UNICODE_PUNCT: each character and the ASCII it stands for.
UNICODE_PUNCT = {
    "，": ",", "。": ".", "、": ",", "„": '"', "”": '"', "“": '"', "«": '"', "»": '"', "１": '"',
    "」": '"', "「": '"', "《": '"', "》": '"', "´": "'", "∶": ":", "：": ":", "？": "?", "！": "!",
    "（": "(", "）": ")", "；": ";", "–": "-", "—": " - ", "．": ". ", "～": "~", "’": "'", "…": "...",
    "━": "-", "〈": "<", "〉": ">", "【": "[", "】": "]", "％": "%", "►": "-",
}  # fmt: skip
NON_PRINTING = "".join(map(chr, [*range(0, 32), *range(127, 160)]))

_DIGIT = re.compile(r"\d")
_NON_PRINTING = re.compile("[" + re.escape(NON_PRINTING) + "]")
_PUNCT_OR_NON_PRINTING = re.compile(
    "[" + "".join(map(re.escape, UNICODE_PUNCT)) + re.escape(NON_PRINTING) + "]"
)
_REPLACE_PUNCT = {ord(k): v for k, v in UNICODE_PUNCT.items()}


def normalize_for_dedup(line: str) -> str:
    """cc_net's `normalize_for_dedup`: the form two lines must share to count as the same paragraph."""
    line = line.strip()
    if not line:
        return line
    line = _DIGIT.sub("0", line.lower())
    return _PUNCT_OR_NON_PRINTING.sub("", line)


def normalize_lines_for_dedup(text: str) -> list[str]:
    """`normalize_for_dedup` of every line of a text, faster: lowercasing and digits once on the whole text."""
    lines = _DIGIT.sub("0", text.lower()).split("\n")
    return [_PUNCT_OR_NON_PRINTING.sub("", line.strip()) for line in lines]


def line_hash(line: str) -> int:
    """cc_net's `str_hash` of the normalized line: SHA-1's first 8 bytes as a little-endian uint64."""
    return _sha1_uint64(normalize_for_dedup(line))


def line_hashes(text: str) -> list[int]:
    """line_hash of every line of a text."""
    return [_sha1_uint64(line) for line in normalize_lines_for_dedup(text)]


def _sha1_uint64(normalized: str) -> int:
    return int.from_bytes(hashlib.sha1(normalized.encode("utf-8")).digest()[:8], "little")


@functools.cache
def _combining_marks() -> dict[int, None]:
    """Every code point of category Mn, to delete (built once, on the first non-ASCII line: ~0.2 s)."""
    return dict.fromkeys(c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Mn")


def strip_accents(line: str) -> str:
    """NFD, then drop the combining marks (category Mn): é -> e."""
    return unicodedata.normalize("NFD", line).translate(_combining_marks())


def normalize(line: str) -> str:
    """cc_net's `normalize` with its defaults (accent, case, numbers, punct=1): what its SentencePiece and
    KenLM models were trained on and score, one line at a time."""
    line = line.strip()
    if not line:
        return line
    line = line.lower()
    line = _DIGIT.sub("0", line)
    if not line.isascii():  # an ASCII line has no accents and none of the listed punctuation
        line = strip_accents(line).translate(_REPLACE_PUNCT)
    return _NON_PRINTING.sub("", line)


def normalize_lines(text: str) -> list[str]:
    """`normalize` of every line of a text, faster: lowercasing and digits are done once on the whole text
    (both act on each character alone, and no line end changes them), the rest line by line."""
    lines = _DIGIT.sub("0", text.lower()).split("\n")
    if text.isascii():
        return [_NON_PRINTING.sub("", line.strip()) for line in lines]
    out = []
    for line in lines:
        line = line.strip()
        if not line.isascii():
            line = strip_accents(line).translate(_REPLACE_PUNCT)
        out.append(_NON_PRINTING.sub("", line))
    return out
