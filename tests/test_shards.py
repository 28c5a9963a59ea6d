"""Token shards: writer and reader agree, and every broken invariant is refused with the file named."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from token_fixtures import write_token_dataset

from pipeline.errors import UserError
from tokenization.shards import (
    MANIFEST_NAME,
    ShardError,
    ShardWriter,
    TokenDataset,
    token_size_for,
    write_dataset_manifest,
)


def test_token_size_follows_vocabulary():
    assert token_size_for(32000) == 2
    assert token_size_for(65536) == 2
    assert token_size_for(65537) == 4
    assert token_size_for(128256) == 4


@pytest.mark.parametrize("token_size", [2, 4])
def test_writer_and_reader_round_trip(tmp_path: Path, token_size: int):
    vocab = 70000 if token_size == 4 else 500
    docs = [[1, 5, 6, 2], [1, vocab - 1, 2], [], [1, 2]]
    writer = ShardWriter(str(tmp_path), "books-train-00000", token_size)
    for doc in docs:
        writer.add_document(doc)
    entry = writer.close()
    assert entry["file"] == "books-train-00000.ds"
    assert (entry["documents"], entry["tokens"]) == (4, 9)
    raw = (tmp_path / "books-train-00000.ds").read_bytes()
    assert len(raw) == 9 * token_size
    assert entry["sha256"] == hashlib.sha256(raw).hexdigest()
    ends = np.fromfile(tmp_path / "books-train-00000.ds.index", dtype="<u8")
    assert ends.tolist() == [4, 7, 7, 9]
    write_dataset_manifest(
        str(tmp_path),
        tokenizer="t.model",
        tokenizer_sha256="a" * 64,
        vocab_size=vocab,
        bos_id=1,
        eos_id=2,
        token_size=token_size,
        shards=[{**entry, "source": "books", "split": "train"}],
    )
    dataset = TokenDataset.open(str(tmp_path))
    assert (dataset.vocab_size, dataset.bos_id, dataset.eos_id, dataset.token_size) == (
        vocab,
        1,
        2,
        token_size,
    )
    assert dataset.sources() == ["books"]
    assert dataset.sources("validation") == []
    assert (dataset.tokens("books"), dataset.documents("books")) == (9, 4)
    assert [d.tolist() for d in dataset.iter_documents("books")] == docs


def test_writer_refuses_ids_that_do_not_fit(tmp_path: Path):
    writer = ShardWriter(str(tmp_path), "x", 2)
    with pytest.raises(ShardError, match="outside"):
        writer.add_document([1, 70000])
    writer = ShardWriter(str(tmp_path), "y", 2, vocab_size=100)
    with pytest.raises(ShardError, match="outside"):
        writer.add_document([100])


def test_manifest_is_deterministic(tmp_path: Path):
    first = write_token_dataset(tmp_path / "a", {"c4": 10, "books": 6})
    second = write_token_dataset(tmp_path / "b", {"books": 6, "c4": 10})
    assert (first / MANIFEST_NAME).read_bytes() == (second / MANIFEST_NAME).read_bytes()
    manifest = json.loads((first / MANIFEST_NAME).read_text())
    assert manifest["totals"]["c4"]["train"]["documents"] == 10
    assert [s["source"] for s in manifest["shards"]] == ["books"] * 3 + ["c4"] * 3


def _dataset(tmp_path: Path) -> tuple[Path, Path]:
    directory = write_token_dataset(tmp_path / "ds", {"wikipedia": 20}, vocab_size=1000)
    return directory, directory / "wikipedia-train-00000.ds"


def _rewrite_sha(directory: Path, shard: Path) -> None:
    """Make the manifest agree with a tampered file, so the structural check is what refuses it."""
    manifest = json.loads((directory / MANIFEST_NAME).read_text())
    for entry in manifest["shards"]:
        if entry["file"] == shard.name:
            entry["sha256"] = hashlib.sha256(shard.read_bytes()).hexdigest()
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest))


def test_truncated_shard_is_refused(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    shard.write_bytes(shard.read_bytes()[:-1])
    with pytest.raises(
        ShardError, match=r"wikipedia-train-00000\.ds: file size \d+ is not a multiple of the token size 2"
    ):
        TokenDataset.open(str(directory), verify=False)


def test_shard_missing_a_token_is_refused(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    shard.write_bytes(shard.read_bytes()[:-2])
    with pytest.raises(ShardError, match="wikipedia-train-00000.ds: holds"):
        TokenDataset.open(str(directory), verify=False)


def test_token_outside_vocabulary_is_refused(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    tokens = np.fromfile(shard, dtype="<u2")
    tokens[3] = 1000
    tokens.tofile(shard)
    _rewrite_sha(directory, shard)
    with pytest.raises(
        ShardError, match="wikipedia-train-00000.ds: token id 1000 is not below the vocabulary size 1000"
    ):
        TokenDataset.open(str(directory))


def test_token_outside_vocabulary_is_refused_when_read_unverified(tmp_path: Path):
    from tokenization.sampler import MixtureSampler

    directory, shard = _dataset(tmp_path)
    tokens = np.fromfile(shard, dtype="<u2")
    tokens[:] = 999
    tokens[0] = 4000
    tokens.tofile(shard)
    dataset = TokenDataset.open(str(directory), verify=False)
    sampler = MixtureSampler(dataset, {"wikipedia": 1.0}, seq_len=16, seed=0)
    with pytest.raises(ShardError, match="not below the vocabulary size"):
        sampler.batch(0, sampler.windows["wikipedia"])


def test_index_whose_last_entry_is_wrong_is_refused(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    index = Path(str(shard) + ".index")
    ends = np.fromfile(index, dtype="<u8")
    ends[-1] -= 1
    ends.tofile(index)
    with pytest.raises(ShardError, match="last index entry .* does not equal the token count"):
        TokenDataset.open(str(directory), verify=False)


def test_decreasing_index_is_refused(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    index = Path(str(shard) + ".index")
    ends = np.fromfile(index, dtype="<u8")
    ends[1], ends[2] = ends[2], ends[1]
    ends.tofile(index)
    with pytest.raises(ShardError, match="index entries decrease"):
        TokenDataset.open(str(directory), verify=False)


def test_index_with_a_missing_entry_is_refused(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    index = Path(str(shard) + ".index")
    index.write_bytes(index.read_bytes()[8:])
    with pytest.raises(ShardError, match="index holds 9 entries, the manifest says 10 documents"):
        TokenDataset.open(str(directory), verify=False)


def test_sha_mismatch_is_refused_only_when_verifying(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    tokens = np.fromfile(shard, dtype="<u2")
    tokens[5] = (int(tokens[5]) + 1) % 1000
    tokens.tofile(shard)
    with pytest.raises(ShardError, match="wikipedia-train-00000.ds: sha256 does not match the manifest"):
        TokenDataset.open(str(directory))
    TokenDataset.open(str(directory), verify=False)


def test_missing_shard_and_missing_manifest(tmp_path: Path):
    directory, shard = _dataset(tmp_path)
    shard.unlink()
    with pytest.raises(ShardError, match="file missing"):
        TokenDataset.open(str(directory), verify=False)
    with pytest.raises(UserError, match="no manifest.json"):
        TokenDataset.open(str(tmp_path / "nowhere"))


def _rename_file(manifest: dict) -> None:
    manifest["shards"][0]["name"] = manifest["shards"][0].pop("file")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_rename_file, "shards[0].file: missing"),
        (
            lambda m: m["shards"][2].update(documents="x7"),
            'shards[2].documents: expected a non-negative integer, got "x7"',
        ),
        (
            lambda m: m["shards"][0].update(tokens=-5),
            "shards[0].tokens: expected a non-negative integer, got -5",
        ),
        (
            lambda m: m["shards"][0].update(tokens=7.0),
            "shards[0].tokens: expected a non-negative integer, got 7.0",
        ),
        (
            lambda m: m["shards"][1].update(documents=True),
            "shards[1].documents: expected a non-negative integer, got true",
        ),
        (lambda m: m.update(shards=None), "shards: expected an array, got null"),
        (lambda m: m.update(shards={}), "shards: expected an array, got an object"),
        (lambda m: m["shards"].__setitem__(1, "x"), 'shards[1]: expected an object, got "x"'),
        (lambda m: m.update(token_size=3), "token_size: must be 2 or 4, got 3"),
        (lambda m: m.update(token_size="2"), 'token_size: expected a non-negative integer, got "2"'),
        (lambda m: m.pop("vocab_size"), "vocab_size: missing"),
        (lambda m: m.update(vocab_size=0), "vocab_size: expected a positive integer, got 0"),
        (lambda m: m.update(vocab_size=70000), "vocab_size: 70000 does not fit token_size 2"),
        (lambda m: m.update(eos_id=1000), "eos_id: must be below vocab_size 1000, got 1000"),
        (lambda m: m.update(tokenizer_sha256=None), "tokenizer_sha256: expected a string, got null"),
        (
            lambda m: m["shards"][0].update(split="test"),
            'shards[0].split: expected one of train, validation, got "test"',
        ),
        (
            lambda m: m["shards"][0].update(file="../x.ds"),
            'shards[0].file: expected a plain file name, got "../x.ds"',
        ),
        (
            lambda m: m["shards"][1].update(file=m["shards"][0]["file"]),
            'shards[1].file: "wikipedia-train-00000.ds" is already listed as shards[0]',
        ),
        (
            lambda m: m["shards"][0].update(index_sha256=5),
            "shards[0].index_sha256: expected a string or null, got 5",
        ),
    ],
)
def test_a_manifest_with_wrong_fields_is_one_error_naming_the_file_and_field(tmp_path: Path, change, message):
    directory, _ = _dataset(tmp_path)
    manifest = json.loads((directory / MANIFEST_NAME).read_text())
    change(manifest)
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ShardError) as caught:
        TokenDataset.open(str(directory), verify=False)
    assert str(caught.value) == f"{directory / MANIFEST_NAME}: {message}"


def test_a_manifest_that_is_not_an_object_is_refused(tmp_path: Path):
    directory, _ = _dataset(tmp_path)
    (directory / MANIFEST_NAME).write_text("[1, 2]")
    with pytest.raises(ShardError) as caught:
        TokenDataset.open(str(directory))
    assert (
        str(caught.value) == f"{directory / MANIFEST_NAME}: expected an object at the top level, got an array"
    )


def test_the_writer_refuses_a_manifest_the_reader_would_refuse(tmp_path: Path):
    entry = {"file": "a.ds", "source": "books", "split": "train", "documents": 1, "tokens": -1, "sha256": ""}
    with pytest.raises(
        ShardError, match=r"manifest.json: shards\[0\].tokens: expected a non-negative integer"
    ):
        write_dataset_manifest(
            str(tmp_path),
            tokenizer="t.model",
            tokenizer_sha256="a" * 64,
            vocab_size=100,
            bos_id=1,
            eos_id=2,
            token_size=2,
            shards=[entry],
        )
    assert not (tmp_path / MANIFEST_NAME).exists()
