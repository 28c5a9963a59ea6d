"""Training the SentencePiece BPE tokenizer with LLaMA's settings, on a sample drawn across sources by mixture.

The sample is drawn in one streaming pass: each document is kept when a seeded hash of its id falls below its
source's rate. The rates come from a first pass that counts documents and characters per source, so that each
source's share of the sample's characters follows the mixture weight (restricted to the sources present),
within `tokenizer.sample_documents` documents in all; a source too small for its share gives everything it has
and the others share what is left (water-filling). Documents are fed line by line; SentencePiece keeps the
sample's sentences in memory, so the sample size, not the corpus size, bounds memory.

Training runs on every core the process may use; the BPE merges do not depend on the thread count (the tests
train with different counts and compare bytes), but SentencePiece records num_threads in the model, so the
written model has that field set to a fixed value and its bytes do not depend on the machine.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sentencepiece as spm

from pipeline.config import MixtureConfig, Recipe
from pipeline.errors import UserError
from pipeline.hashing import unit_fraction
from pipeline.io import iter_documents, join, read_json, write_atomic, write_json
from tokenization.spm_model import with_recorded_threads

MODEL_NAME = "tokenizer.model"
CONFIG_NAME = "tokenizer.json"
SHA_NAME = "tokenizer.model.sha256"
SAMPLE_SALT = "tokenizer-sample"
RECORDED_THREADS = 1  # the num_threads every written model records, whatever the machine trained with


def trainer_arguments(recipe: Recipe) -> dict[str, Any]:
    """The SentencePieceTrainer arguments, recorded beside the model; LLaMA's choices unless noted.

    num_threads is the value the model records; training itself runs on `training_threads()` cores."""
    config = recipe.tokenizer
    return {
        "model_type": "bpe",  # LLaMA §2.1: BPE, SentencePiece implementation
        "vocab_size": config.vocab_size,  # 32,000 in LLaMA (Llama 2 §2.2: same tokenizer)
        "character_coverage": config.character_coverage,  # rarer characters are left to byte fallback
        "split_digits": True,  # LLaMA §2.1: all numbers are split into individual digits
        "byte_fallback": True,  # LLaMA §2.1: unknown UTF-8 characters decompose into bytes (<0x..> pieces)
        "unk_id": 0,  # LLaMA's ids: <unk>=0, <s>=1, </s>=2, no padding piece
        "bos_id": 1,
        "eos_id": 2,
        "pad_id": -1,
        "normalization_rule_name": "identity",  # no NFKC: the text is encoded exactly as written (lossless)
        "remove_extra_whitespaces": False,  # keep runs of spaces (code indentation) so decode(encode(x)) == x
        "add_dummy_prefix": True,  # a leading "▁" so a word has the same pieces at the start of a text
        "allow_whitespace_only_pieces": True,  # pieces of several spaces, for code
        "split_by_unicode_script": True,  # SentencePiece defaults, as LLaMA's model records them
        "split_by_whitespace": True,
        "split_by_number": True,
        "max_sentencepiece_length": 16,
        "max_sentence_length": config.max_sentence_length,  # lines are cut to this many bytes before training
        "input_sentence_size": 0,  # train on the whole drawn sample: we sample, SentencePiece does not
        "shuffle_input_sentence": False,  # input order is already deterministic; no trainer-side randomness
        "num_threads": RECORDED_THREADS,  # trains on all cores; the model records this fixed value instead
        "hard_vocab_limit": False,  # a small corpus may support fewer pieces than asked; never fail for it
        "minloglevel": 2,  # SentencePiece's own progress log off; we print a summary
    }


@dataclass
class SourceStats:
    documents: int = 0
    characters: int = 0


@dataclass
class SamplePlan:
    """Per-source sampling rates and what they are expected to draw."""

    weights: dict[str, float]
    rates: dict[str, float]
    stats: dict[str, SourceStats] = field(default_factory=dict)

    def expected_documents(self) -> float:
        return sum(self.rates.get(s, 0.0) * st.documents for s, st in self.stats.items())


def count_sources(parts: list[str]) -> dict[str, SourceStats]:
    """Documents and characters per source (first pass; streams, reads two columns)."""
    stats: dict[str, SourceStats] = {}
    for path in parts:
        for doc in iter_documents(path, columns=["id", "source", "text"]):
            entry = stats.setdefault(doc.source, SourceStats())
            entry.documents += 1
            entry.characters += len(doc.text)
    return dict(sorted(stats.items()))


def sample_weights(mixture: MixtureConfig, stats: dict[str, SourceStats]) -> dict[str, float]:
    """Each source's share of the sample's characters: the mixture's weights, or, for an epochs mixture, epochs
    times the source's characters (tokens are not counted yet; characters stand in for them)."""
    if mixture.epochs is not None:
        return {s: e * stats[s].characters for s, e in mixture.epochs.items() if s in stats}
    return mixture.source_weights()


def plan_sample(
    stats: dict[str, SourceStats], weights: dict[str, float], sample_documents: int
) -> SamplePlan:
    """Rates per source so characters follow the weights, within `sample_documents` documents (water-filling).

    With C the sample's characters per unit weight, a source draws min(1, w * C / chars) of its documents;
    C is the largest value whose expected document total is at most `sample_documents`.
    """
    present = {s: w for s, w in weights.items() if w > 0 and stats.get(s, SourceStats()).characters > 0}
    if not present:
        raise UserError(
            f"no documents of any source the mixture weights (present: {', '.join(stats) or 'none'}; "
            f"weighted: {', '.join(s for s, w in weights.items() if w > 0)})"
        )
    total = sum(present.values())
    present = {s: w / total for s, w in present.items()}
    budget = min(sample_documents, sum(stats[s].documents for s in present))
    # Sources saturate (rate 1) in order of chars / weight; solve for C on the remaining linear piece.
    order = sorted(present, key=lambda s: (stats[s].characters / present[s], s))
    saturated_docs = 0
    scale = 0.0
    for position, source in enumerate(order):
        linear = sum(stats[s].documents * present[s] / stats[s].characters for s in order[position:])
        candidate = (budget - saturated_docs) / linear
        if candidate <= stats[source].characters / present[source]:
            scale = candidate
            break
        saturated_docs += stats[source].documents
    else:
        scale = float("inf")
    rates = {s: min(1.0, present[s] * scale / stats[s].characters) for s in present}
    return SamplePlan(weights=present, rates=rates, stats=stats)


def sample_sentences(
    parts: list[str], plan: SamplePlan, seed: int, max_bytes: int, drawn: dict[str, int]
) -> Iterator[str]:
    """The drawn documents' non-empty lines, cut to at most `max_bytes` UTF-8 bytes; counts draws in `drawn`."""
    chunk_chars = max(1, max_bytes // 4)  # a character is at most 4 bytes in UTF-8
    for path in parts:
        for doc in iter_documents(path, columns=["id", "source", "text"]):
            rate = plan.rates.get(doc.source, 0.0)
            if rate <= 0.0 or (rate < 1.0 and unit_fraction(seed, SAMPLE_SALT, doc.id) >= rate):
                continue
            drawn[doc.source] = drawn.get(doc.source, 0) + 1
            for line in doc.text.split("\n"):
                if not line:
                    continue
                if len(line.encode("utf-8")) <= max_bytes:
                    yield line
                else:
                    for start in range(0, len(line), chunk_chars):
                        yield line[start : start + chunk_chars]


def training_threads() -> int:
    """The cores this process may run on (its CPU affinity where the platform has one): BPE training is
    faster with them and its result does not depend on how many there are."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def train_tokenizer(recipe: Recipe, parts: list[str], output_dir: str) -> dict[str, Any]:
    """Train `<output_dir>/tokenizer.model` on a sample of `parts`; returns what `tokenizer.json` records.

    Whether to train at all (resume) is the stage framework's decision (beam_jobs/tokenizer.py)."""
    arguments = trainer_arguments(recipe)
    stats = count_sources(parts)
    plan = plan_sample(stats, sample_weights(recipe.mixture, stats), recipe.tokenizer.sample_documents)
    drawn: dict[str, int] = {}
    model = io.BytesIO()
    sentences = sample_sentences(parts, plan, recipe.seed, recipe.tokenizer.max_sentence_length, drawn)
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=sentences,
            model_writer=model,
            **{**arguments, "num_threads": training_threads()},
        )
    except RuntimeError as exc:
        raise UserError(
            f"SentencePiece could not train on the sample ({str(exc).strip()}); "
            "lower tokenizer.vocab_size or tokenizer.character_coverage, or give it more text"
        ) from None
    model_bytes = with_recorded_threads(model.getvalue(), arguments["num_threads"])
    processor = spm.SentencePieceProcessor(model_proto=model_bytes)
    if processor.get_piece_size() < arguments["vocab_size"]:
        print(
            f"train-tokenizer: the sample supports {processor.get_piece_size()} pieces, fewer than "
            f"vocab_size {arguments['vocab_size']}; the model has {processor.get_piece_size()}",
            file=sys.stderr,
        )
    sha256 = _sha256(model_bytes)
    write_atomic(join(output_dir, MODEL_NAME), model_bytes)
    write_atomic(join(output_dir, SHA_NAME), f"{sha256}  {MODEL_NAME}\n".encode())
    config = {
        "model": MODEL_NAME,
        "sha256": sha256,
        "vocab_size": processor.get_piece_size(),
        "requested_vocab_size": arguments["vocab_size"],
        "trainer_arguments": arguments,
        "sample": {
            "seed": recipe.seed,
            "documents_requested": recipe.tokenizer.sample_documents,
            "weights": plan.weights,
            "rates": plan.rates,
            "available": {
                s: {"documents": st.documents, "characters": st.characters} for s, st in stats.items()
            },
            "drawn_documents": dict(sorted(drawn.items())),
        },
    }
    write_json(join(output_dir, CONFIG_NAME), config)
    return config


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_config(output_dir: str) -> dict[str, Any]:
    """The JSON written beside a trained model (trainer arguments, sample statistics, sha256)."""
    return read_json(join(output_dir, CONFIG_NAME))
