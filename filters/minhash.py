"""MinHash near-duplicate detection as pure functions (numpy, no Beam), for the dedup stages to call.

    normalize:   lowercase; every punctuation (Unicode P*) and symbol (S*) character becomes a space; whitespace
                 runs fold to one space; the ends are stripped. Digits (Unicode Nd) follow `digits`:
                   "keep"   (default) digits stay: documents that differ only in their numbers stay different
                   "zero"   every digit becomes 0: numbers of the same shape match ("2024" ~ "1999", not "15")
                   "strip"  digits are removed (datatrove's rule): documents that differ only in numbers collapse
                 e.g. "Table 2024: 15 units, 3.5%" -> "table 2024 15 units 3 5" / "table 0000 00 units 0 0" /
                 "table units".
    shingles:    the word n-grams (n=5) of the normalized text, joined by one space, distinct, in first-seen
                 order; a text of fewer than n words is one shingle of all its words; an empty one has none.
    hashes:      a 32-bit hash of each shingle's UTF-8 bytes: "xxhash" (xxh32, seed 0: the fastest hash
                 callable from Python) or "sha1" (datasketch's sha1_hash32: the first 4 bytes of SHA-1, little
                 endian, for signatures identical to datasketch's).
    signature:   num_perm minima of permuted hashes, bit for bit datasketch's MinHash `hashvalues` for the same
                 seed, hash and scheme. Permutations are drawn as datasketch draws them (np.random.RandomState):
                   "affine32" (datasketch >= 2.0's default) fmix32(h) * a + b mod 2^32, a odd: a bijection,
                              stored as uint32
                   "legacy"   ((a * h + b) mod 2^64) mod (2^61 - 1), then the low 32 bits, stored as uint64
                 An empty document has the all-maximum signature (datasketch's initial value).
    LSH bands:   b bands of r rows, (b, r) minimizing datasketch MinHashLSH's weighted false-positive and
                 false-negative areas under 1 - (1 - J^r)^b; a band's key is a 64-bit splitmix64 chain over
                 (band index, its r values): stable across processes and machines. Two documents are candidates
                 when any band key matches.

Signatures of a batch are computed in one pass over all its hashes (permute a cache-sized window, then
np.minimum.reduceat per document), not one document at a time.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache

import numpy as np
from xxhash import xxh32_digest

DIGIT_MODES = ("keep", "zero", "strip")
HASHES = ("xxhash", "sha1")
SCHEMES = ("affine32", "legacy")

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint64((1 << 32) - 1)  # the legacy scheme's hash range and empty value
_MAX32 = np.uint32((1 << 32) - 1)
# hashes permuted at once, measured best at num_perm 128 and 256: legacy's nine uint64 passes want the block in L2
_WINDOW = {"affine32": 8192, "legacy": 512}
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_PANELS_NODES = 20  # Gauss-Legendre nodes per panel of the LSH error integrals

_ASCII_DIGITS = b"0123456789"
_ASCII_SPECIAL = bytes(c for c in range(128) if unicodedata.category(chr(c))[0] in "PS" or chr(c).isspace())


def _ascii_table(digits: str) -> bytes:
    table = bytearray(range(256))
    for c in _ASCII_SPECIAL:
        table[c] = ord(" ")
    if digits == "zero":
        for c in _ASCII_DIGITS:
            table[c] = ord("0")
    return bytes(table)


_ASCII_TABLES = {mode: _ascii_table(mode) for mode in DIGIT_MODES}
_ASCII_DELETE = {"keep": b"", "zero": b"", "strip": _ASCII_DIGITS}


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class body of these characters, as ranges."""
    points = sorted(map(ord, chars))
    parts, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


@cache
def _non_ascii_specials() -> tuple[frozenset[str], frozenset[str]]:
    """Non-ASCII characters that normalize rewrites: (P*, S* and whitespace; Nd digits). One scan of all code
    points per process (~0.3 s, on first use)."""
    spaces, digits = [], []
    for point in range(128, sys.maxunicode + 1):
        char = chr(point)
        category = unicodedata.category(char)
        if category[0] in "PS" or char.isspace():
            spaces.append(char)
        elif category == "Nd":
            digits.append(char)
    return frozenset(spaces), frozenset(digits)


@cache
def _non_ascii_rules(digits: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex and a replacement table for the non-ASCII characters normalize rewrites. The class holds the
    Basic Multilingual Plane's characters and all astral ones: listing astral ranges would slow every
    character's test, and the table returns an astral character that needs no rewrite unchanged."""
    spaces, digit_chars = _non_ascii_specials()
    replace = dict.fromkeys(spaces, " ")
    if digits != "keep":
        replace.update(dict.fromkeys(digit_chars, "0" if digits == "zero" else ""))
    bmp = _char_class(c for c in replace if ord(c) < 0x10000)
    return re.compile(f"[{bmp}\U00010000-\U0010ffff]"), replace


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {allowed}, got {value!r}")


def _words(text: str, digits: str) -> list[bytes]:
    """The normalized text's words, as UTF-8 bytes. Non-ASCII characters are rewritten by one regex pass (none
    for ASCII text); ASCII ones by bytes.translate; bytes.split folds the spaces."""
    _check(digits, DIGIT_MODES, "digits")
    text = text.lower()
    if not text.isascii():
        pattern, replace = _non_ascii_rules(digits)
        text = pattern.sub(lambda m: replace.get(m.group(), m.group()), text)
    data = text.encode("utf-8", "surrogatepass")
    return data.translate(_ASCII_TABLES[digits], _ASCII_DELETE[digits]).split()


def normalize(text: str, digits: str = "keep") -> str:
    """The text shingles are cut from (the rule is in the module docstring)."""
    return b" ".join(_words(text, digits)).decode("utf-8", "surrogatepass")


def _ngrams(words: list, n: int, join: Callable) -> Iterable:
    """Every window of n words joined, or one of all the words when there are fewer (none for no words)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if len(words) < n:
        return [join(words)] if words else []
    return map(join, zip(*(words[i:] for i in range(n)), strict=False))


def shingles(text: str, n: int = 5, digits: str = "keep") -> list[str]:
    """Distinct word n-grams of the normalized text, in first-seen order."""
    return list(dict.fromkeys(_ngrams(normalize(text, digits).split(), n, " ".join)))


def _hash_bytes(items: Iterable[bytes], hash_name: str) -> np.ndarray:
    """32-bit hashes of byte strings as uint64. Digests are joined and read by numpy in one go, which is
    faster than converting one Python int per item."""
    if hash_name == "xxhash":
        return np.frombuffer(b"".join(map(xxh32_digest, items)), dtype=">u4").astype(np.uint64)
    if hash_name == "sha1":
        sha1 = hashlib.sha1
        digests = b"".join([sha1(item).digest() for item in items])
        return np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint64)
    raise ValueError(f"hash_name must be one of {HASHES}, got {hash_name!r}")


def shingle_hashes(shingles: Sequence[str], hash_name: str = "xxhash") -> np.ndarray:
    """One 32-bit hash per shingle, of its UTF-8 bytes (uint64, as datasketch holds them)."""
    try:
        encoded = list(map(str.encode, shingles))
    except UnicodeEncodeError:  # a lone surrogate: its code point's bytes, as normalize keeps them
        encoded = [s.encode("utf-8", "surrogatepass") for s in shingles]
    return _hash_bytes(encoded, hash_name)


def text_hashes(text: str, n: int = 5, digits: str = "keep", hash_name: str = "xxhash") -> np.ndarray:
    """shingle_hashes(shingles(text, n, digits)) as a set, faster: the shingles are hashed as bytes, never
    decoded, and repeats are kept (a repeat cannot change a minimum, so signatures are identical)."""
    return _hash_bytes(_ngrams(_words(text, digits), n, b" ".join), hash_name)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix for affine32); uint32 arithmetic wraps."""
    values = values ^ (values >> np.uint32(16))
    values *= np.uint32(0x85EBCA6B)
    values ^= values >> np.uint32(13)
    values *= np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


@cache
def permutations(num_perm: int, seed: int, scheme: str = "affine32") -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters (a, b) for this seed, drawn in its order from RandomState(seed)."""
    _check(scheme, SCHEMES, "scheme")
    if num_perm < 1:
        raise ValueError(f"num_perm must be positive, got {num_perm}")
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        pairs = [
            (gen.randint(1, MERSENNE_PRIME, dtype=np.uint64), gen.randint(0, MERSENNE_PRIME, dtype=np.uint64))
            for _ in range(num_perm)
        ]
        a, b = np.array(pairs, dtype=np.uint64).T
    else:
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = b.flags.writeable = False
    return a, b


class MinHasher:
    """Signatures of shingle-hash arrays, equal to datasketch.MinHash(num_perm, seed, scheme=scheme) fed the
    same hashes (hash_name says which hash texts get: signatures of different hashes are not comparable)."""

    def __init__(
        self, num_perm: int = 128, seed: int = 1, hash_name: str = "xxhash", scheme: str = "affine32"
    ):
        _check(hash_name, HASHES, "hash_name")
        self.num_perm, self.seed, self.hash_name, self.scheme = num_perm, seed, hash_name, scheme
        self.a, self.b = permutations(num_perm, seed, scheme)
        self.dtype = np.uint64 if scheme == "legacy" else np.uint32
        self.empty = MAX_HASH if scheme == "legacy" else _MAX32

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """num_perm minima of the permuted hashes; all maximum for no hashes."""
        return self.signatures([hashes])[0]

    def signatures(self, batch: Sequence[np.ndarray]) -> np.ndarray:
        """(len(batch), num_perm) signatures: all hashes concatenated, permuted a window at a time (a
        num_perm x window block, so the minimum per document runs along contiguous rows), reduced per
        document segment with np.minimum.reduceat and merged into the documents the window touches."""
        out = np.full((len(batch), self.num_perm), self.empty, dtype=self.dtype)
        lengths = np.fromiter((len(h) for h in batch), dtype=np.int64, count=len(batch))
        present = np.flatnonzero(lengths)  # empty documents keep the initial value
        if not len(present):
            return out
        hashes = np.concatenate([np.asarray(batch[i], dtype=np.uint64) for i in present])
        if hashes.max() > MAX_HASH:
            raise ValueError("hashes must be 32-bit values")
        if self.scheme == "affine32":
            hashes = _fmix32(hashes.astype(np.uint32))
        ends = np.cumsum(lengths[present])
        starts = ends - lengths[present]
        a, b = self.a[:, None], self.b[:, None]
        window = _WINDOW[self.scheme]
        block = np.empty((self.num_perm, min(window, len(hashes))), dtype=self.dtype)
        spare = np.empty_like(block) if self.scheme == "legacy" else None
        for lo in range(0, len(hashes), window):
            hi = min(lo + window, len(hashes))
            first, last = np.searchsorted(ends, lo, side="right"), np.searchsorted(ends, hi - 1, side="right")
            values = block[:, : hi - lo]
            np.multiply(a, hashes[lo:hi], out=values)
            values += b
            if spare is not None:
                _legacy_fold(values, spare[:, : hi - lo])
            segments = np.maximum(starts[first : last + 1], lo) - lo
            docs = present[first : last + 1]
            out[docs] = np.minimum(out[docs], np.minimum.reduceat(values, segments, axis=1).T)
        return out

    def text_signatures(self, texts: Iterable[str], n: int = 5, digits: str = "keep") -> np.ndarray:
        """Signatures of texts' shingles, hashed with this hasher's hash."""
        return self.signatures([text_hashes(t, n, digits, self.hash_name) for t in texts])


def _legacy_fold(values: np.ndarray, spare: np.ndarray) -> None:
    """values <- (values mod p) & (2^32 - 1) for p = 2^61 - 1, in place and without a division (bit for bit
    numpy's %): x = hi * 2^61 + lo is f = hi + lo (mod p) with f <= p + 7, so f - p is due when f >= p; then
    f - p and f + 1 share their low 32 bits, so adding (f + 1) >> 61 (1 exactly when f >= p) and masking does it."""
    np.bitwise_and(values, MERSENNE_PRIME, out=spare)
    values >>= np.uint64(61)
    values += spare  # f = hi + lo
    np.add(values, np.uint64(1), out=spare)
    spare >>= np.uint64(61)  # 1 when f >= p
    values += spare
    values &= MAX_HASH


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The signatures' estimate of their documents' Jaccard similarity: the fraction of equal values."""
    if len(a) != len(b):
        raise ValueError(f"signatures of different lengths: {len(a)} and {len(b)}")
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


def jaccard(a: set | list, b: set | list) -> float:
    """Exact Jaccard similarity of two shingle sets (1.0 for two empty ones, as their signatures agree)."""
    a, b = set(a), set(b)
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def hash_set(hashes: np.ndarray) -> np.ndarray:
    """A document's distinct shingle hashes as sorted uint32: what `hash_set_jaccard` compares."""
    return np.unique(hashes.astype(np.uint32))


def hash_set_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard of two `hash_set`s: exact up to 32-bit hash collisions (about 1e-4 per pair of 600-shingle
    documents), and far smaller to carry than the shingles."""
    shared = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - shared
    return shared / union if union else 1.0


def hash_set_containment(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the smaller `hash_set` found in the other: a book whose text is 95% inside another (an edition
    with a new preface, an anthology holding it) is that close to it, whatever the other's extra text."""
    smaller = min(len(a), len(b))
    return len(np.intersect1d(a, b, assume_unique=True)) / smaller if smaller else 1.0


def collision_probability(jaccard: float, bands: int, rows: int) -> float:
    """The chance that two documents of this Jaccard similarity share at least one band key."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


@cache
def _gauss_legendre(panels: int) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and weights on [0, 1]."""
    x, w = np.polynomial.legendre.leggauss(_PANELS_NODES)
    left = np.arange(panels)[:, None] / panels
    nodes = left + (x[None, :] + 1.0) / (2.0 * panels)
    return nodes.ravel(), np.broadcast_to(w / (2.0 * panels), (panels, len(w))).ravel()


def optimal_bands(
    threshold: float = 0.8,
    num_perm: int = 128,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """datasketch MinHashLSH's (bands, rows): over b * r <= num_perm, the least weighted sum of the false
    positive area (collision probability integrated over J in [0, threshold]) and the false negative area (its
    complement over [threshold, 1]), first minimum in datasketch's order (b, then r, ascending). datasketch
    integrates with scipy's quad; the integrands are polynomials of degree b * r, which composite Gauss-Legendre
    quadrature (20 nodes a panel, 2 + num_perm // 64 panels) integrates to ~1e-15, as quad does in practice, for
    all pairs at once."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if not (0.0 <= false_positive_weight <= 1.0 and 0.0 <= false_negative_weight <= 1.0):
        raise ValueError("weights must be in [0, 1]")
    if false_positive_weight + false_negative_weight != 1.0:
        raise ValueError("false_positive_weight + false_negative_weight must be 1.0")
    pairs = np.array(
        [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float
    )
    nodes, weights = _gauss_legendre(2 + num_perm // 64)
    below, above = nodes * threshold, threshold + nodes * (1.0 - threshold)
    errors = np.empty(len(pairs))
    for lo in range(0, len(pairs), 4096):  # bounded memory for large num_perm
        bands, rows = pairs[lo : lo + 4096, :1], pairs[lo : lo + 4096, 1:]
        false_positive = (1.0 - (1.0 - below**rows) ** bands) @ weights * threshold
        false_negative = ((1.0 - above**rows) ** bands) @ weights * (1.0 - threshold)
        errors[lo : lo + 4096] = (
            false_positive * false_positive_weight + false_negative * false_negative_weight
        )
    b, r = pairs[int(np.argmin(errors))]
    return int(b), int(r)


def describe_bands(threshold: float, bands: int, rows: int) -> str:
    """One line: the banding and its candidate probability 0.1 below, at and 0.1 above the threshold."""
    points = [min(max(threshold + d, 0.0), 1.0) for d in (-0.1, 0.0, 0.1)]
    chances = ", ".join(f"{j:.2g}: {collision_probability(j, bands, rows):.3f}" for j in points)
    return f"b={bands} bands x r={rows} rows; P(candidate) at J={chances}"


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, vectorized (uint64 arithmetic wraps)."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def band_keys_batch(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n_docs, bands) uint64 keys: band i of a signature is values [i * rows, (i + 1) * rows) (datasketch's
    hash ranges), keyed by k = mix(band seed ^ v) chained over its values, the seed coming from the index.
    Values are read as uint64, so uint32 and uint64 signatures of equal values give equal keys."""
    signatures = np.atleast_2d(np.asarray(signatures)).astype(np.uint64)
    if bands * rows > signatures.shape[1]:
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} values, got {signatures.shape[1]}")
    values = signatures[:, : bands * rows].reshape(len(signatures), bands, rows)
    keys = np.broadcast_to(
        _mix((np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _GOLDEN), values.shape[:2]
    )
    for row in range(rows):
        keys = _mix(keys ^ values[:, :, row])
    return keys


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signature's band keys (band_keys_batch's row)."""
    return band_keys_batch(np.asarray(signature)[None, :], bands, rows)[0].tolist()
