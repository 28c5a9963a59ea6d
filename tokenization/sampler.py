"""The mixture sampler: training sequences drawn across sources by weight, a pure function of (seed, index).

How sample `i` is found, in O(1) and without state (so resuming needs only the index):

1. Sources by weight. Indices come in blocks of `block_size` slots; each source owns a fixed quota of slots per
   block (largest-remainder apportionment of its weight, at least one slot for a positive weight). A seeded
   bijection of the block's slots (a Feistel network with cycle walking) says which slot index `i` takes, so
   every block holds exactly the quotas, in an order that changes from block to block and seed to seed.
   Ratios therefore hold to 1/block_size over any whole number of blocks. The k-th draw of a source is its
   k-th occurrence in index order (quota per block times the block, plus its rank inside the block).
2. Packing within a source. A source's training tokens (its shards concatenated in file-name order; documents
   are already bos ... eos and shuffled inside each shard) are cut into non-overlapping windows of
   seq_len + 1 tokens (the last, shorter remainder is not used). A sequence never mixes sources, so token
   ratios equal sequence ratios.
3. Epochs. The k-th draw of a source reads window perm_e(k mod n) of epoch e = k // n, where perm_e is a
   seeded bijection of the source's n windows: every window is seen once per epoch, in a new order each
   epoch. A source smaller than one window repeats cyclically inside its single window.
"""

from __future__ import annotations

import hashlib

import numpy as np

from pipeline.errors import UserError
from tokenization.shards import Shard, TokenDataset

_ROUNDS = 4
_GOLDEN = 0x9E3779B97F4A7C15
DEFAULT_BLOCK_SIZE = 4096
_CACHED_BLOCKS = 8


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: a fast, well-spread 64-bit hash, vectorized (uint64 arithmetic wraps)."""
    z = values ^ (values >> 30)
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> 27)
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> 31)


def _base_keys(seed: int, purpose: str) -> np.ndarray:
    """Round keys for one purpose (block order, or one source's windows), from the seed by sha256."""
    digest = hashlib.sha256(f"llama-data-sampler\x1f{seed}\x1f{purpose}".encode()).digest()
    return np.frombuffer(digest, dtype="<u8")[:_ROUNDS].astype(np.uint64)


def _round_keys(base: np.ndarray, tweak: np.ndarray) -> list[np.ndarray]:
    """Per-element round keys: the purpose's keys mixed with a tweak (the block or the epoch number)."""
    tweak_hash = _mix(tweak.astype(np.uint64) + np.uint64(_GOLDEN))
    return [_mix(base[r] ^ tweak_hash) for r in range(_ROUNDS)]


def permute(values: np.ndarray, size: int, keys: list[np.ndarray]) -> np.ndarray:
    """A keyed bijection of [0, size), applied to `values`: a balanced Feistel network with cycle walking."""
    values = np.asarray(values, dtype=np.uint64)
    if size <= 1:
        return np.zeros_like(values)
    half = ((size - 1).bit_length() + 1) // 2
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)

    def encrypt(v: np.ndarray, round_keys: list[np.ndarray]) -> np.ndarray:
        left, right = v >> shift, v & mask
        for key in round_keys:
            left, right = right, left ^ (_mix(right ^ key) & mask)
        return (left << shift) | right

    result = encrypt(values, keys)
    outside = result >= np.uint64(size)
    while outside.any():
        result[outside] = encrypt(result[outside], [k[outside] if k.ndim else k for k in keys])
        outside = result >= np.uint64(size)
    return result


def apportion(weights: list[float], slots: int) -> np.ndarray:
    """Largest-remainder split of `slots` by weight; every positive weight gets at least one slot."""
    exact = np.asarray(weights, dtype=np.float64) / sum(weights) * slots
    quota = np.maximum(np.floor(exact).astype(np.int64), 1)
    remainders = exact - np.floor(exact)
    order = sorted(range(len(weights)), key=lambda s: (-remainders[s], s))
    position = 0
    while quota.sum() < slots:
        quota[order[position % len(order)]] += 1
        position += 1
    while quota.sum() > slots:  # only when the one-slot minimum overshoots: take from the largest
        quota[int(np.argmax(quota))] -= 1
    return quota


class SourceStream:
    """One source's tokens of one split as a single stream over its shards (memory-mapped, read by slices)."""

    def __init__(self, dataset: TokenDataset, shards: list[Shard]):
        self.dataset = dataset
        self.shards = [s for s in shards if s.tokens > 0]
        self.ends = np.cumsum([s.tokens for s in self.shards], dtype=np.int64)
        self.total = int(self.ends[-1]) if len(self.ends) else 0

    def read(self, start: int, length: int) -> np.ndarray:
        """Tokens [start, start + length) of the stream, wrapping around its end; int64."""
        out = np.empty(length, dtype=np.int64)
        filled, position = 0, start % self.total
        while filled < length:
            index = int(np.searchsorted(self.ends, position, side="right"))
            shard = self.shards[index]
            shard_start = int(self.ends[index]) - shard.tokens
            take = min(length - filled, int(self.ends[index]) - position)
            piece = self.dataset.token_array(shard)[position - shard_start : position - shard_start + take]
            shard.check_tokens(piece, self.dataset.vocab_size)
            out[filled : filled + take] = piece
            filled += take
            position = (position + take) % self.total
        return out


class MixtureSampler:
    """Training sequences of seq_len + 1 tokens (inputs and shifted targets), drawn across sources by weight."""

    def __init__(
        self,
        dataset: TokenDataset,
        weights: dict[str, float],
        seq_len: int,
        seed: int,
        split: str = "train",
        block_size: int = DEFAULT_BLOCK_SIZE,
    ):
        if seq_len < 1:
            raise UserError(f"seq_len must be at least 1, got {seq_len}")
        positive = {s: float(w) for s, w in sorted(weights.items()) if w > 0}
        if not positive:
            raise UserError("the mixture gives no source a positive weight")
        available = dataset.sources(split)
        missing = [s for s in positive if s not in available]
        if missing:
            raise UserError(
                f"the mixture weights {', '.join(missing)} but the dataset at {dataset.directory} has no {split} "
                f"tokens for {'it' if len(missing) == 1 else 'them'} (available: {', '.join(available) or 'none'}); "
                "set its weight to 0 or tokenize that source"
            )
        if block_size < len(positive):
            raise UserError(f"block_size {block_size} is smaller than the number of sources {len(positive)}")
        self.dataset = dataset
        self.split = split
        self.seq_len = seq_len
        self.window = seq_len + 1
        self.seed = seed
        self.block_size = block_size
        self.source_names = list(positive)
        self.quota = apportion(list(positive.values()), block_size)
        self.slot_ends = np.cumsum(self.quota)
        self.slot_starts = self.slot_ends - self.quota
        self.effective_weights = {
            s: int(q) / block_size for s, q in zip(self.source_names, self.quota, strict=True)
        }
        self.streams = [SourceStream(dataset, dataset.shards(s, split)) for s in self.source_names]
        self.windows = {
            s: max(1, st.total // self.window) for s, st in zip(self.source_names, self.streams, strict=True)
        }
        self._block_keys = _base_keys(seed, "blocks")
        self._window_keys = [_base_keys(seed, f"windows/{s}") for s in self.source_names]
        self._tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _block_table(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        """For each position of one block: its source, and how many earlier positions drew that source."""
        table = self._tables.get(block)
        if table is None:
            positions = np.arange(self.block_size, dtype=np.int64)
            keys = _round_keys(self._block_keys, np.full(self.block_size, block, dtype=np.int64))
            slots = permute(positions, self.block_size, keys).astype(np.int64)
            sources = np.searchsorted(self.slot_ends, slots, side="right")
            order = np.argsort(sources, kind="stable")
            ranks = np.empty(self.block_size, dtype=np.int64)
            ranks[order] = positions - self.slot_starts[sources[order]]
            table = (sources, ranks)
            if len(self._tables) >= _CACHED_BLOCKS:
                self._tables.pop(next(iter(self._tables)))
            self._tables[block] = table
        return table

    def _locate(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each sample index: its source (position in source_names) and which draw of that source it is."""
        if indices.size and int(indices.min()) < 0:
            raise IndexError("sample indices start at 0")
        blocks, positions = np.divmod(indices, self.block_size)
        sources = np.empty_like(indices)
        draws = np.empty_like(indices)
        for block in np.unique(blocks).tolist():
            chosen = blocks == block
            block_sources, ranks = self._block_table(block)
            sources[chosen] = block_sources[positions[chosen]]
            draws[chosen] = block * self.quota[sources[chosen]] + ranks[positions[chosen]]
        return sources, draws

    def _windows_of(self, sources: np.ndarray, draws: np.ndarray) -> np.ndarray:
        """Which window of its source each draw reads: a fresh seeded order of the windows every epoch."""
        result = np.empty_like(draws)
        for position, name in enumerate(self.source_names):
            chosen = sources == position
            if not chosen.any():
                continue
            count = self.windows[name]
            epochs, offsets = np.divmod(draws[chosen], count)
            keys = _round_keys(self._window_keys[position], epochs)
            result[chosen] = permute(offsets, count, keys).astype(np.int64)
        return result

    def batch(self, start: int, size: int) -> np.ndarray:
        """Samples start .. start + size - 1 as an int64 array of shape (size, seq_len + 1)."""
        indices = np.arange(start, start + size, dtype=np.int64)
        sources, draws = self._locate(indices)
        windows = self._windows_of(sources, draws)
        out = np.empty((size, self.window), dtype=np.int64)
        for row, (source, window) in enumerate(zip(sources.tolist(), windows.tolist(), strict=True)):
            out[row] = self.streams[source].read(window * self.window, self.window)
        return out

    def __getitem__(self, index: int) -> np.ndarray:
        return self.batch(int(index), 1)[0]

    def source_of(self, index: int) -> str:
        return self.sources_of(int(index), 1)[0]

    def sources_of(self, start: int, size: int) -> list[str]:
        """The source of each sample start .. start + size - 1 (cheap: reads no tokens)."""
        sources, _ = self._locate(np.arange(start, start + size, dtype=np.int64))
        return [self.source_names[s] for s in sources.tolist()]

    def epochs_at(self, index: int) -> dict[str, float]:
        """How many passes over each source the samples before `index` make (for logs and the plan)."""
        blocks, rest = divmod(int(index), self.block_size)
        seen = {name: blocks * int(q) for name, q in zip(self.source_names, self.quota, strict=True)}
        for name in self.sources_of(blocks * self.block_size, rest) if rest else []:
            seen[name] += 1
        return {name: seen[name] / self.windows[name] for name in self.source_names}


def validation_windows(dataset: TokenDataset, source: str, seq_len: int, max_windows: int) -> np.ndarray:
    """Non-overlapping seq_len + 1 windows of the source's held-out split, spread evenly over it; int64.

    Deterministic (no seed): the same dataset gives the same evaluation set. A source whose validation split is
    shorter than one window yields an empty (0, seq_len + 1) array.
    """
    if source not in dataset.sources("train") + dataset.sources("validation"):
        raise UserError(f"source {source!r} is not in the dataset at {dataset.directory}")
    window = seq_len + 1
    stream = SourceStream(dataset, dataset.shards(source, "validation"))
    available = stream.total // window
    count = min(max_windows, available)
    out = np.empty((count, window), dtype=np.int64)
    for row, index in enumerate((np.arange(count, dtype=np.int64) * available // max(count, 1)).tolist()):
        out[row] = stream.read(index * window, window)
    return out
