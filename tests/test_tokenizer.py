"""The SentencePiece BPE tokenizer: LLaMA's settings, lossless round trips, deterministic training and resume."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sentencepiece as spm
from token_fixtures import small_recipe, write_stage

from beam_jobs.tokenizer import train_tokenizer_stage
from pipeline.config import MixtureConfig
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import write_documents
from tokenization.train import (
    CONFIG_NAME,
    SHA_NAME,
    SourceStats,
    plan_sample,
    sample_weights,
    trainer_arguments,
)

ROUND_TRIP_TEXTS = [
    "In 1999 there were 12,345 people; by 2024, 67890.",
    "emoji 🙂🚀 and 👩‍👩‍👧 family",
    "東京は日本の首都です。中文",
    "rare: ℵ₀ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ǅ ﬁ Ω Å",
    "  two leading spaces,\ttab,   runs   of   spaces\nnew line\r\nwindows line  ",
    "def f(x):\n        return x ** 2  # comment\n",
    "",
    " ",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_stage(tmp_path_factory.mktemp("ingest"), {"commoncrawl": 240, "wikipedia": 40, "github": 12})


def train_tokenizer(recipe, input_dirs: list[str], output: str, force: bool = False) -> str:
    """The train_tokenizer stage over stage folders, as `llama-data train-tokenizer` runs it."""
    return train_tokenizer_stage(recipe, input_dirs, output, force)[0]


@pytest.fixture(scope="module")
def model_dir(corpus, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("tokenizer")
    train_tokenizer(small_recipe(500), [str(corpus)], str(output))
    return output


@pytest.fixture(scope="module")
def processor(model_dir) -> spm.SentencePieceProcessor:
    return spm.SentencePieceProcessor(model_file=str(model_dir / "tokenizer.model"))


@pytest.mark.parametrize("text", ROUND_TRIP_TEXTS)
def test_round_trip_is_lossless(processor, text):
    assert processor.decode(processor.encode(text)) == text


def test_llama_special_ids_and_vocabulary(processor):
    assert processor.get_piece_size() == 500
    assert (processor.unk_id(), processor.bos_id(), processor.eos_id(), processor.pad_id()) == (0, 1, 2, -1)
    assert processor.id_to_piece(3) == "<0x00>"


def test_digits_are_split(processor):
    pieces = processor.encode("12345 67890 and 2024", out_type=str)
    digit_pieces = [p for p in pieces if any(c.isdigit() for c in p)]
    assert len(digit_pieces) == 14
    assert all(sum(c.isdigit() for c in piece) == 1 for piece in digit_pieces)


def test_characters_outside_the_vocabulary_fall_back_to_bytes(processor):
    pieces = processor.encode("ℵ", out_type=str)
    assert pieces[-3:] == ["<0xE2>", "<0x84>", "<0xB5>"]
    assert processor.unk_id() not in processor.encode("ℵ 𝔘 ǅ")


def test_config_and_sha_are_written_beside_the_model(model_dir):
    model = (model_dir / "tokenizer.model").read_bytes()
    sha = hashlib.sha256(model).hexdigest()
    assert (model_dir / SHA_NAME).read_text() == f"{sha}  tokenizer.model\n"
    config = json.loads((model_dir / CONFIG_NAME).read_text())
    assert config["sha256"] == sha
    assert config["trainer_arguments"] == trainer_arguments(small_recipe(500))
    arguments = config["trainer_arguments"]
    assert arguments["model_type"] == "bpe" and arguments["split_digits"] and arguments["byte_fallback"]
    assert config["sample"]["drawn_documents"] == {"commoncrawl": 240, "github": 12, "wikipedia": 40}


def test_training_is_deterministic_and_resumes(corpus, model_dir, tmp_path):
    recipe = small_recipe(500)
    again = Path(
        train_tokenizer(
            recipe,
            [str(corpus / "commoncrawl"), str(corpus / "github"), str(corpus / "wikipedia")],
            str(tmp_path),
        )
    )
    assert again.read_bytes() == (model_dir / "tokenizer.model").read_bytes()
    stamp = again.stat().st_mtime_ns
    train_tokenizer(recipe, [str(corpus)], str(tmp_path))
    assert again.stat().st_mtime_ns == stamp
    train_tokenizer(recipe, [str(corpus)], str(tmp_path), force=True)
    assert again.stat().st_mtime_ns != stamp
    assert again.read_bytes() == (model_dir / "tokenizer.model").read_bytes()


def test_changed_config_retrains(corpus, tmp_path):
    first = Path(train_tokenizer(small_recipe(400), [str(corpus)], str(tmp_path)))
    assert spm.SentencePieceProcessor(model_file=str(first)).get_piece_size() == 400
    train_tokenizer(small_recipe(450), [str(corpus)], str(tmp_path))
    assert spm.SentencePieceProcessor(model_file=str(first)).get_piece_size() == 450


def test_small_corpus_with_a_large_vocabulary_gives_fewer_pieces(tmp_path):
    stage = write_stage(tmp_path / "ingest", {"books": 3})
    model = train_tokenizer(small_recipe(5000), [str(stage)], str(tmp_path / "tok"))
    size = spm.SentencePieceProcessor(model_file=model).get_piece_size()
    assert 259 < size < 5000


def test_missing_and_empty_inputs_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="documents not found: .*nope"):
        train_tokenizer(small_recipe(), [str(tmp_path / "nope")], str(tmp_path / "out"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="no part-\\*.parquet files"):
        train_tokenizer(small_recipe(), [str(tmp_path / "empty")], str(tmp_path / "out"))


def test_sources_without_weight_are_an_error(tmp_path):
    write_documents(
        str(tmp_path / "c4" / "part-00000-of-00001.parquet"), [Document(id="a", source="c4", text="hello")]
    )
    recipe = small_recipe(mixture={"weights": {"commoncrawl": 1.0}})
    with pytest.raises(UserError, match="no documents of any source the mixture weights"):
        train_tokenizer(recipe, [str(tmp_path)], str(tmp_path / "out"))


def test_sample_rates_follow_weights_in_characters():
    stats = {"commoncrawl": SourceStats(1000, 1_000_000), "books": SourceStats(100, 2_000_000)}
    plan = plan_sample(stats, {"commoncrawl": 0.8, "books": 0.2}, sample_documents=220)
    drawn_chars = {s: plan.rates[s] * stats[s].characters for s in stats}
    assert drawn_chars["commoncrawl"] / drawn_chars["books"] == pytest.approx(4.0)
    assert plan.expected_documents() == pytest.approx(220)


def test_small_sources_give_all_they_have_and_the_rest_is_shared():
    stats = {"commoncrawl": SourceStats(1000, 1_000_000), "wikipedia": SourceStats(10, 5_000)}
    plan = plan_sample(stats, {"commoncrawl": 0.9, "wikipedia": 0.1}, sample_documents=200)
    assert plan.rates["wikipedia"] == 1.0
    assert plan.rates["commoncrawl"] == pytest.approx(0.19)
    everything = plan_sample(stats, {"commoncrawl": 0.9, "wikipedia": 0.1}, sample_documents=10_000)
    assert everything.rates == {"commoncrawl": 1.0, "wikipedia": 1.0}


def test_epochs_mixture_weights_the_sample_by_epochs_times_characters():
    stats = {
        "books": SourceStats(documents=10, characters=1000),
        "wikipedia": SourceStats(documents=10, characters=3000),
    }
    weights = sample_weights(MixtureConfig(epochs={"books": 2.0, "wikipedia": 1.0, "arxiv": 1.0}), stats)
    assert weights == {"books": 2000.0, "wikipedia": 3000.0}
    assert sample_weights(MixtureConfig(weights={"books": 1.0}), stats) == {"books": 1.0}
