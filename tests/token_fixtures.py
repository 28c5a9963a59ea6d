"""Shared helpers for the tokenization tests: generated multilingual text, stage folders of Parquet parts,
a small trained tokenizer and synthetic token datasets."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from pipeline.config import Recipe, recipe_from_dict
from pipeline.document import Document, make_doc_id
from pipeline.io import write_documents
from pipeline.parts import part_name
from tokenization.shards import ShardWriter, write_dataset_manifest

SYLLABLES = [
    "ka",
    "to",
    "ri",
    "sen",
    "mo",
    "la",
    "vi",
    "dor",
    "ne",
    "pu",
    "shi",
    "ra",
    "ex",
    "qua",
    "the",
    "and",
]
EXTRAS = [
    "Il était une fois à Paris, déjà.",
    "Größe und Übermaß, straße.",
    "東京は日本の首都です。中文也很好。",
    "Привет, как дела?",
    "emoji 🙂 and 🚀 in text",
    "def main():\n    return 42\n",
    "In 1999 there were 12,345 people; in 2024, 67890.",
]


def generated_text(rng: random.Random, paragraphs: int = 3) -> str:
    """Pseudo-language paragraphs with numbers, punctuation, code and some non-Latin lines."""
    out = []
    for _ in range(paragraphs):
        words = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(20, 60))
        ]
        for position in range(0, len(words), 9):
            words[position] = str(rng.randint(0, 100_000))
        line = " ".join(words) + "."
        if rng.random() < 0.4:
            line += " " + rng.choice(EXTRAS)
        out.append(line)
    return "\n\n".join(out)


def write_stage(root: Path, documents_per_source: dict[str, int], seed: int = 0, parts: int = 2) -> Path:
    """`<root>/<source>/part-*.parquet` with generated documents; returns root (a stage root folder)."""
    rng = random.Random(seed)
    for source, count in sorted(documents_per_source.items()):
        docs = [
            Document(id=make_doc_id(source, f"gen-{seed}.txt", i), source=source, text=generated_text(rng))
            for i in range(count)
        ]
        for part in range(parts):
            write_documents(str(root / source / part_name(part, parts)), docs[part::parts])
    return root


def small_recipe(vocab_size: int = 600, **sections: dict) -> Recipe:
    """A recipe with a small vocabulary and sample, so tests train in seconds."""
    data = {
        "seed": 7,
        "tokenizer": {"vocab_size": vocab_size, "sample_documents": 2000, "character_coverage": 0.9995},
    }
    data.update(sections)
    return recipe_from_dict(data)


def write_token_dataset(
    directory: Path | str,
    documents_per_source: dict[str, int],
    vocab_size: int = 1000,
    seed: int = 0,
    validation_documents: int = 4,
    shards_per_source: int = 2,
) -> Path | str:
    """A dataset of random-token documents (bos ... eos), several shards per source, plus validation shards.
    `directory` may be an fsspec URL (memory://, file://): the writer goes through fsspec."""
    rng = np.random.default_rng(seed)
    entries = []
    for source, count in sorted(documents_per_source.items()):
        for split, docs, shard_count in (
            ("train", count, shards_per_source),
            ("validation", validation_documents, 1),
        ):
            for shard in range(shard_count):
                writer = ShardWriter(str(directory), f"{source}-{split}-{shard:05d}", 2)
                for _ in range(docs // shard_count):
                    body = rng.integers(3, vocab_size, int(rng.integers(5, 400)))
                    writer.add_document(np.concatenate([[1], body, [2]]))
                entries.append({**writer.close(), "source": source, "split": split})
    write_dataset_manifest(
        str(directory),
        tokenizer="test.model",
        tokenizer_sha256="0" * 64,
        vocab_size=vocab_size,
        bos_id=1,
        eos_id=2,
        token_size=2,
        shards=entries,
    )
    return directory
