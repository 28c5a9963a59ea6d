"""Encoding documents into token shards: the decisions the tokenize job makes, as plain functions.

Every decision is a seeded hash of the document id, so none depends on bundles, workers or input order:
- split: a document is held out ("validation") when its split hash, as a fraction of 2^64, is below
  `tokenize.validation_fraction`. When the fraction is positive, the document of each source with the lowest
  split hash is held out as well, unless it is the source's only document, so every source with two or more
  documents has a validation set however small the corpus.
- shard: each (source, split) gets ceil(tokens / shard_tokens) shards; a document goes to shard
  hash(id) mod count, so shards hold about shard_tokens tokens each.
- order: inside a shard, documents are sorted by a seeded hash of their id (then the id), a deterministic shuffle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sentencepiece as spm

from pipeline.errors import UserError
from pipeline.hashing import part_of, unit_hash
from pipeline.io import open_file
from tokenization.inputs import file_sha256
from tokenization.shards import ShardWriter, token_dtype, token_size_for

SPLIT_SALT = "tokenize-split"
SHARD_SALT = "tokenize-shard"
ORDER_SALT = "tokenize-order"


@dataclass(frozen=True)
class TokenizerInfo:
    """What the dataset manifest records of the tokenizer."""

    path: str
    sha256: str
    vocab_size: int
    bos_id: int
    eos_id: int

    @property
    def token_size(self) -> int:
        return token_size_for(self.vocab_size)


def load_processor(path: str) -> spm.SentencePieceProcessor:
    """A SentencePiece model from a local path or fsspec URL; a file that is not one is a UserError."""
    try:
        with open_file(path, "rb") as handle:
            proto = handle.read()
    except FileNotFoundError:
        raise UserError(f"tokenizer not found: {path}") from None
    try:
        return spm.SentencePieceProcessor(model_proto=proto)
    except RuntimeError as exc:
        raise UserError(f"{path}: not a SentencePiece model ({str(exc).strip()})") from None


def tokenizer_info(path: str) -> TokenizerInfo:
    processor = load_processor(path)
    if processor.bos_id() < 0 or processor.eos_id() < 0:
        raise UserError(f"{path}: the tokenizer has no bos or eos piece; documents need both")
    return TokenizerInfo(
        path, file_sha256(path), processor.get_piece_size(), processor.bos_id(), processor.eos_id()
    )


class DocumentEncoder:
    """Text to bos + pieces + eos, as little-endian bytes of the dataset's token dtype."""

    def __init__(self, processor: spm.SentencePieceProcessor):
        self.processor = processor
        self.dtype = token_dtype(token_size_for(processor.get_piece_size()))
        self.bos = processor.bos_id()
        self.eos = processor.eos_id()

    def encode(self, text: str) -> bytes:
        ids = self.processor.encode(text)
        tokens = np.empty(len(ids) + 2, dtype=self.dtype)
        tokens[0] = self.bos
        tokens[1:-1] = ids
        tokens[-1] = self.eos
        return tokens.tobytes()


def split_hash(seed: int, doc_id: str) -> int:
    return unit_hash(seed, SPLIT_SALT, doc_id)


def split_of(
    seed: int, doc_id: str, fraction: float, source_first: tuple[int, str] | None, source_documents: int
) -> str:
    """'validation' or 'train'; `source_first` is the (split hash, id) that is lowest in the document's source."""
    value = split_hash(seed, doc_id)
    if value < fraction * 2.0**64:
        return "validation"
    if fraction > 0 and source_documents > 1 and source_first == (value, doc_id):
        return "validation"
    return "train"


def shard_count(tokens: int, shard_tokens: int) -> int:
    return max(1, -(-tokens // shard_tokens))


def shard_of(seed: int, doc_id: str, count: int) -> int:
    return part_of(count, seed, SHARD_SALT, doc_id)


def shard_name(source: str, split: str, index: int, count: int) -> str:
    return f"{source}-{split}-{index:05d}-of-{count:05d}"


def shard_order(seed: int, document: tuple[str, bytes]) -> tuple[int, str]:
    """Where an (id, tokens) document goes inside its shard: a seeded hash of its id, then the id."""
    return unit_hash(seed, ORDER_SALT, document[0]), document[0]


def write_shard(
    directory: str,
    name: str,
    token_size: int,
    vocab_size: int,
    documents: Iterable[tuple[str, bytes]],
) -> dict:
    """Write (id, token bytes) documents, already in shard_order, streaming; returns the shard's manifest entry."""
    dtype = token_dtype(token_size)
    writer = ShardWriter(directory, name, token_size, vocab_size=vocab_size)
    for _, tokens in documents:
        writer.add_document(np.frombuffer(tokens, dtype=dtype))
    return writer.close()
