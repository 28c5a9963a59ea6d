"""filters/minhash.py: normalization rules, shingles, signatures bit for bit datasketch's, LSH banding."""

from __future__ import annotations

import numpy as np
import pytest
import xxhash
from datasketch import MinHash, MinHashLSH
from datasketch.hashfunc import sha1_hash32

from filters.minhash import (
    DIGIT_MODES,
    MinHasher,
    band_keys,
    band_keys_batch,
    collision_probability,
    describe_bands,
    estimated_jaccard,
    jaccard,
    normalize,
    optimal_bands,
    shingle_hashes,
    shingles,
    text_hashes,
)

TABLE = "Table 2024: 15 units, 3.5%"


def words(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(2000)] + ["Über", "naïve", "日本語", "état"]
    return [vocabulary[i] for i in rng.integers(0, len(vocabulary), count)]


def document(count: int, seed: int) -> str:
    return " ".join(words(count, seed))


@pytest.mark.parametrize(
    ("digits", "expected"),
    [("keep", "table 2024 15 units 3 5"), ("zero", "table 0000 00 units 0 0"), ("strip", "table units")],
)
def test_digit_modes(digits: str, expected: str) -> None:
    assert normalize(TABLE, digits) == expected


def test_default_keeps_digits() -> None:
    assert normalize(TABLE) == normalize(TABLE, "keep")
    assert DIGIT_MODES == ("keep", "zero", "strip")


def test_normalize_rules() -> None:
    assert normalize("  Hello,\tWORLD!\n\n  Foo_bar  ") == "hello world foo bar"
    # Unicode punctuation (P*) and symbols (S*) are spaces; letters and marks stay
    assert normalize("“Ünïcode” — price €5 😀 ok") == "ünïcode price 5 ok"
    assert normalize("a\u00a0b\u3000c\u2028d") == "a b c d"  # Unicode whitespace folds too
    assert normalize("日本語、テキスト。") == "日本語 テキスト"
    # non-ASCII digits (Nd) follow the mode as ASCII ones do
    assert normalize("x ١٢ ３", "zero") == "x 00 0"
    assert normalize("x ١٢ ３", "strip") == "x"
    assert normalize("x ١٢ ３") == "x ١٢ ３"
    assert normalize("") == normalize(" .,;! ") == ""


def test_bad_mode_rejected() -> None:
    with pytest.raises(ValueError, match="digits"):
        normalize("x", "drop")


def test_shingles_edge_cases() -> None:
    assert shingles("") == [] and shingles(" --- ") == []
    assert shingles("Two words.") == ["two words"]  # fewer than n: one shingle of all words
    assert shingles("one two three four five") == ["one two three four five"]
    assert shingles("a b a b a b", n=2) == ["a b", "b a"]  # distinct, first-seen order
    assert shingles("1 2 3", n=1, digits="zero") == ["0"]
    assert len(shingles(document(100, 0))) <= 96
    with pytest.raises(ValueError):
        shingles("a b", n=0)


def test_hashes() -> None:
    items = shingles(document(50, 1))
    sha1 = shingle_hashes(items, "sha1")
    assert sha1.dtype == np.uint64
    assert sha1.tolist() == [sha1_hash32(s.encode()) for s in items]
    assert shingle_hashes(items).tolist() == [xxhash.xxh32_intdigest(s.encode()) for s in items]
    for hash_name in ("xxhash", "sha1"):
        for n in (1, 5, 80):
            text = document(60, 2) + " 3.5%"
            assert set(text_hashes(text, n, "zero", hash_name).tolist()) == set(
                shingle_hashes(shingles(text, n, "zero"), hash_name).tolist()
            )
    assert len(text_hashes("")) == 0
    with pytest.raises(ValueError, match="hash_name"):
        shingle_hashes(items, "md5")


DATASKETCH_SCHEME = getattr(MinHash(1), "scheme", "legacy")  # its default: affine32 since 2.0, legacy before


def datasketch_values(items: list[str], num_perm: int, seed: int, scheme: str) -> np.ndarray:
    if scheme != DATASKETCH_SCHEME and not hasattr(MinHash(1), "scheme"):
        pytest.skip(f"datasketch before 2.0 has no {scheme} scheme")
    extra = {} if scheme == DATASKETCH_SCHEME else {"scheme": scheme}
    m = MinHash(num_perm, seed, **extra)
    m.update_batch([s.encode() for s in items])
    return m.hashvalues


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize(("num_perm", "seed"), [(16, 1), (128, 1), (128, 7), (256, 42)])
def test_signatures_equal_datasketch(scheme: str, num_perm: int, seed: int) -> None:
    # the long document spans several permutation windows; the empty one keeps datasketch's initial value
    docs = [shingles(document(count, k)) for k, count in enumerate((300, 3, 1, 0, 9000, 600))]
    hasher = MinHasher(num_perm, seed, "sha1", scheme)
    batch = hasher.signatures([shingle_hashes(d, "sha1") for d in docs])
    assert batch.shape == (len(docs), num_perm)
    for row, items in zip(batch, docs, strict=True):
        expected = datasketch_values(items, num_perm, seed, scheme)
        assert row.dtype == expected.dtype
        np.testing.assert_array_equal(row, expected)
        np.testing.assert_array_equal(hasher.signature(shingle_hashes(items, "sha1")), row)
    text_batch = hasher.text_signatures([document(300, 0), ""])
    np.testing.assert_array_equal(text_batch, batch[[0, 3]])


def test_xxhash_mode_is_datasketch_with_xxh32() -> None:
    items = shingles(document(300, 4))
    m = MinHash(128, 1, hashfunc=xxhash.xxh32_intdigest)
    m.update_batch([s.encode() for s in items])
    hasher = MinHasher(scheme=DATASKETCH_SCHEME)
    np.testing.assert_array_equal(hasher.signature(shingle_hashes(items)), m.hashvalues)


def test_out_of_range_hashes_rejected() -> None:
    with pytest.raises(ValueError, match="32-bit"):
        MinHasher().signature(np.array([1 << 40], dtype=np.uint64))


def test_xxhash_signatures_deterministic_and_accurate() -> None:
    base = words(400, 3)
    changed = [f"x{i}" if i % 45 == 0 else w for i, w in enumerate(base)]
    a, b = shingles(" ".join(base)), shingles(" ".join(changed))
    exact = jaccard(a, b)
    assert 0.75 < exact < 0.85
    hasher = MinHasher(num_perm=256)
    sig_a, sig_b = hasher.signatures([shingle_hashes(a), shingle_hashes(b)])
    np.testing.assert_array_equal(MinHasher(num_perm=256).signature(shingle_hashes(a)), sig_a)
    assert abs(estimated_jaccard(sig_a, sig_b) - exact) < 0.1
    assert estimated_jaccard(sig_a, sig_a) == 1.0
    assert jaccard([], []) == 1.0 and jaccard({"a"}, {"b"}) == 0.0


@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_optimal_bands_equal_datasketch(num_perm: int) -> None:
    for threshold in (0.5, 0.7, 0.8, 0.9):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert optimal_bands(threshold, num_perm) == (lsh.b, lsh.r)
    lsh = MinHashLSH(threshold=0.8, num_perm=num_perm, weights=(0.3, 0.7))
    assert optimal_bands(0.8, num_perm, 0.3, 0.7) == (lsh.b, lsh.r)


def test_band_probabilities() -> None:
    assert collision_probability(0.8, 9, 13) == pytest.approx(1 - (1 - 0.8**13) ** 9)
    assert collision_probability(1.0, 9, 13) == 1.0 and collision_probability(0.0, 9, 13) == 0.0
    line = describe_bands(0.8, 9, 13)
    assert line.startswith("b=9 bands x r=13 rows; P(candidate) at J=0.7: ")
    assert ", 0.8: " in line and ", 0.9: " in line and "\n" not in line


def test_band_keys() -> None:
    signature = np.arange(1, 129, dtype=np.uint32) * np.uint32(2654435761)
    keys = band_keys(signature, 9, 13)
    assert len(keys) == 9 and all(0 <= k < 1 << 64 for k in keys)
    assert band_keys(signature.copy(), 9, 13) == keys
    assert band_keys(signature.astype(np.uint64), 9, 13) == keys  # values, not their dtype
    changed = signature.copy()
    changed[13 * 4 + 2] += 1  # a row of band 4
    assert [k != c for k, c in zip(keys, band_keys(changed, 9, 13), strict=True)] == [
        i == 4 for i in range(9)
    ]
    repeated = np.tile(np.arange(4, dtype=np.uint32), 2)
    first, second = band_keys(repeated, 2, 4)
    assert first != second  # the band index is part of the key
    # stable across processes and machines (no hash()): pinned values
    assert band_keys(np.arange(8, dtype=np.uint64), 2, 4) == PINNED_KEYS
    batch = band_keys_batch(np.stack([signature, changed]), 9, 13)
    assert batch.dtype == np.uint64 and batch.shape == (2, 9) and batch[0].tolist() == keys
    with pytest.raises(ValueError):
        band_keys(signature, 10, 13)


PINNED_KEYS = [125763799316124876, 11586613533489832305]


@pytest.mark.parametrize("hash_name", ["xxhash", "sha1"])
def test_numbers_only_differences(hash_name: str) -> None:
    body = document(200, 5)
    one = f"In 2023 we sold 15 units at 3.5% off. {body} Call 555-0100 before 2024."
    other = f"In 1999 we sold 42 units at 7.1% off. {body} Call 555-0199 before 2025."
    wider = f"In 1999 we sold 420 units at 7.1% off. {body} Call 555-0199 before 2025."
    hasher = MinHasher(hash_name=hash_name)

    def same(a: str, b: str, digits: str) -> bool:
        return bool(np.array_equal(*hasher.text_signatures([a, b], digits=digits)))

    assert same(one, other, "strip") and same(one, wider, "strip")
    assert not same(one, other, "keep")
    assert same(one, other, "zero") and not same(one, wider, "zero")
