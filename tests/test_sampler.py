"""The mixture sampler: a pure function of (seed, index), with the weights' ratios holding."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from token_fixtures import write_token_dataset

from pipeline.config import TABLE1_WEIGHTS
from pipeline.errors import UserError
from tokenization.sampler import MixtureSampler, apportion, permute, validation_windows
from tokenization.shards import TokenDataset

ALL_SOURCES = {source: 60 for source in TABLE1_WEIGHTS}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> TokenDataset:
    directory = write_token_dataset(tmp_path_factory.mktemp("tokens"), {**ALL_SOURCES, "commoncrawl": 200})
    return TokenDataset.open(str(directory))


def test_same_seed_same_samples_and_resume_gives_the_tail(dataset):
    first = MixtureSampler(dataset, TABLE1_WEIGHTS, seq_len=64, seed=3)
    again = MixtureSampler(dataset, TABLE1_WEIGHTS, seq_len=64, seed=3)
    full = first.batch(0, 300)
    assert full.shape == (300, 65) and full.dtype == np.int64
    assert np.array_equal(full, again.batch(0, 300))
    assert np.array_equal(full[137:], again.batch(137, 163))
    assert np.array_equal(full[42], again[42])
    assert [first.source_of(i) for i in range(200, 260)] == again.sources_of(200, 60)


def test_different_seeds_differ(dataset):
    one = MixtureSampler(dataset, TABLE1_WEIGHTS, seq_len=64, seed=1)
    two = MixtureSampler(dataset, TABLE1_WEIGHTS, seq_len=64, seed=2)
    assert one.sources_of(0, 500) != two.sources_of(0, 500)
    assert not np.array_equal(one.batch(0, 50), two.batch(0, 50))


def test_empirical_ratios_match_the_weights(dataset):
    for seed in (0, 1, 2):
        sampler = MixtureSampler(dataset, TABLE1_WEIGHTS, seq_len=64, seed=seed)
        counts = Counter(sampler.sources_of(0, 10_000))
        for source, weight in TABLE1_WEIGHTS.items():
            assert abs(counts[source] / 10_000 - weight) < 0.01, (seed, source)


def test_sequences_come_from_one_source_and_are_windows_of_it(dataset):
    sampler = MixtureSampler(dataset, {"books": 1.0, "arxiv": 1.0}, seq_len=32, seed=0)
    streams = {s: np.concatenate(list(dataset.iter_documents(s))) for s in ("books", "arxiv")}
    for index in range(100):
        window = sampler[index]
        stream = streams[sampler.source_of(index)]
        starts = np.flatnonzero(stream[: len(stream) - 32] == window[0])
        assert any(np.array_equal(stream[s : s + 33], window) for s in starts)


def test_each_window_is_seen_once_per_epoch(dataset):
    sampler = MixtureSampler(dataset, {"wikipedia": 1.0}, seq_len=50, seed=5)
    windows = sampler.windows["wikipedia"]
    batch = sampler.batch(0, 2 * windows)
    first, second = batch[:windows], batch[windows:]
    assert len({row.tobytes() for row in first}) == windows
    assert {row.tobytes() for row in first} == {row.tobytes() for row in second}
    assert not np.array_equal(first, second)
    assert sampler.epochs_at(windows)["wikipedia"] == pytest.approx(1.0)


def test_missing_source_with_positive_weight_is_a_clear_error(tmp_path: Path):
    directory = write_token_dataset(tmp_path, {"commoncrawl": 10, "c4": 10})
    dataset = TokenDataset.open(str(directory))
    with pytest.raises(
        UserError,
        match=r"weights github but the dataset at .* has no train tokens for it \(available: c4, commoncrawl\)",
    ):
        MixtureSampler(dataset, {"commoncrawl": 0.9, "github": 0.1}, seq_len=16, seed=0)
    sampler = MixtureSampler(dataset, {"commoncrawl": 0.9, "c4": 0.1, "github": 0.0}, seq_len=16, seed=0)
    assert set(sampler.sources_of(0, 100)) == {"commoncrawl", "c4"}


def test_source_shorter_than_a_window_repeats_inside_it(tmp_path: Path):
    directory = write_token_dataset(tmp_path, {"stackexchange": 2}, shards_per_source=1)
    dataset = TokenDataset.open(str(directory))
    total = dataset.tokens("stackexchange")
    sampler = MixtureSampler(dataset, {"stackexchange": 1.0}, seq_len=total + 10, seed=0)
    window = sampler[0]
    assert np.array_equal(window[total:], window[: total + 11 - total])


def test_sampler_pickles_without_its_memory_maps(dataset):
    sampler = MixtureSampler(dataset, TABLE1_WEIGHTS, seq_len=64, seed=9)
    expected = sampler.batch(10, 20)
    clone = pickle.loads(pickle.dumps(sampler))
    assert np.array_equal(clone.batch(10, 20), expected)
    assert len(pickle.dumps(sampler)) < 100_000


def test_validation_windows_are_deterministic_and_disjoint(dataset):
    windows = validation_windows(dataset, "c4", seq_len=20, max_windows=5)
    assert windows.shape[1] == 21 and 0 < len(windows) <= 5
    assert np.array_equal(windows, validation_windows(dataset, "c4", seq_len=20, max_windows=5))
    stream = np.concatenate(list(dataset.iter_documents("c4", "validation")))
    for row in windows:
        assert any(np.array_equal(stream[s : s + 21], row) for s in range(0, len(stream) - 20, 21))
    assert validation_windows(dataset, "c4", seq_len=100_000, max_windows=5).shape == (0, 100_001)
    with pytest.raises(UserError, match="not in the dataset"):
        validation_windows(dataset, "nosuch", seq_len=20, max_windows=5)


def test_permute_is_a_bijection():
    keys = [np.uint64(k) for k in (1, 2, 3, 4)]
    for size in (1, 2, 3, 7, 100, 1000, 4097):
        values = permute(np.arange(size), size, [np.full(size, k) for k in keys])
        assert sorted(values.tolist()) == list(range(size))


def test_apportion_sums_and_keeps_small_weights():
    quota = apportion([0.67, 0.15, 0.045, 0.045, 0.045, 0.025, 0.02], 4096)
    assert quota.sum() == 4096 and quota.min() > 0
    assert apportion([1.0, 1e-9], 16).tolist() == [15, 1]
