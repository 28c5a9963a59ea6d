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

import hashlib
import re
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
_UNICODE_PUNCT = re.compile("[" + "".join(map(re.escape, UNICODE_PUNCT)) + "]")
_NON_PRINTING = re.compile("[" + re.escape(NON_PRINTING) + "]")
_PUNCT_OR_NON_PRINTING = re.compile(
    "[" + "".join(map(re.escape, UNICODE_PUNCT)) + re.escape(NON_PRINTING) + "]"
)


def normalize_for_dedup(line: str) -> str:
    """cc_net's `normalize_for_dedup`: the form two lines must share to count as the same paragraph."""
    line = line.strip()
    if not line:
        return line
    line = _DIGIT.sub("0", line.lower())
    return _PUNCT_OR_NON_PRINTING.sub("", line)


def line_hash(line: str) -> int:
    """cc_net's `str_hash` of the normalized line: SHA-1's first 8 bytes as a little-endian uint64."""
    digest = hashlib.sha1(normalize_for_dedup(line).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def strip_accents(line: str) -> str:
    """NFD, then drop the combining marks (category Mn): é -> e."""
    decomposed = unicodedata.normalize("NFD", line)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def normalize(line: str) -> str:
    """cc_net's `normalize` with its defaults (accent, case, numbers, punct=1): what its SentencePiece and
    KenLM models were trained on and score, one line at a time."""
    line = line.strip()
    if not line:
        return line
    line = strip_accents(line.lower())
    line = _DIGIT.sub("0", line)
    line = _UNICODE_PUNCT.sub(lambda m: UNICODE_PUNCT[m.group()], line)
    return _NON_PRINTING.sub("", line)


def normalize_text(text: str) -> str:
    """`normalize` applied to every line of a document, lines kept."""
    return "\n".join(normalize(line) for line in text.split("\n"))
