"""Our trained model's trainer_spec and normalizer_spec against LLaMA's, and thread-count-independent training."""

from __future__ import annotations

import io
import os

import pytest
import sentencepiece as spm
from token_fixtures import small_recipe, write_stage

from pipeline.io import find_parts
from tokenization.spm_model import (
    DIFFERENCE_REASONS,
    LLAMA_SPEC,
    SPEC_FIELDS,
    compare_trainer_spec,
    format_trainer_spec_comparison,
    read_spec,
    with_recorded_threads,
)
from tokenization.train import (
    RECORDED_THREADS,
    SHA_NAME,
    count_sources,
    plan_sample,
    sample_sentences,
    sample_weights,
    train_tokenizer,
    trainer_arguments,
    training_threads,
)

RECIPE = small_recipe(400)
# LLaMA's choices that our trainer must reproduce whatever the recipe says.
MUST_MATCH = [
    "trainer_spec.model_type",
    "trainer_spec.split_digits",
    "trainer_spec.byte_fallback",
    "trainer_spec.allow_whitespace_only_pieces",
    "trainer_spec.max_sentencepiece_length",
    "trainer_spec.split_by_unicode_script",
    "trainer_spec.split_by_whitespace",
    "trainer_spec.split_by_number",
    "trainer_spec.unk_id",
    "trainer_spec.bos_id",
    "trainer_spec.eos_id",
    "trainer_spec.pad_id",
    "trainer_spec.unk_piece",
    "trainer_spec.bos_piece",
    "trainer_spec.eos_piece",
    "normalizer_spec.name",
    "normalizer_spec.precompiled_charsmap",
    "normalizer_spec.add_dummy_prefix",
    "normalizer_spec.remove_extra_whitespaces",
    "normalizer_spec.escape_whitespaces",
]
# Where the small test recipe differs from LLaMA, each for a reason in DIFFERENCE_REASONS.
EXPECTED_DIFFERENCES = {
    "trainer_spec.vocab_size",
    "trainer_spec.character_coverage",
    "trainer_spec.input_sentence_size",
    "trainer_spec.shuffle_input_sentence",
    "trainer_spec.max_sentence_length",
    "trainer_spec.num_threads",
    "trainer_spec.hard_vocab_limit",
}


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> list[str]:
    stage = write_stage(
        tmp_path_factory.mktemp("ingest"), {"commoncrawl": 240, "wikipedia": 40, "github": 12}
    )
    return find_parts([str(stage)])


@pytest.fixture(scope="module")
def model(parts, tmp_path_factory) -> bytes:
    output = tmp_path_factory.mktemp("tokenizer")
    train_tokenizer(RECIPE, parts, str(output))
    return (output / "tokenizer.model").read_bytes()


def test_llama_choices_match(model):
    rows = {row.field: row for row in compare_trainer_spec(model)}
    assert set(rows) == set(LLAMA_SPEC)
    mismatched = [(name, rows[name].llama, rows[name].ours) for name in MUST_MATCH if not rows[name].matches]
    assert mismatched == []
    assert rows["trainer_spec.model_type"].ours == "BPE"
    assert rows["normalizer_spec.name"].ours == "identity"


def test_every_difference_has_a_reason(model):
    rows = compare_trainer_spec(model)
    differences = {row.field for row in rows if not row.matches}
    assert differences == EXPECTED_DIFFERENCES
    assert all(row.reason == DIFFERENCE_REASONS[row.field] for row in rows if not row.matches)
    assert all(row.reason is None for row in rows if row.matches)
    ours = {row.field: row.ours for row in rows}
    assert ours["trainer_spec.vocab_size"] == 400
    assert ours["trainer_spec.character_coverage"] == RECIPE.tokenizer.character_coverage
    assert ours["trainer_spec.max_sentence_length"] == RECIPE.tokenizer.max_sentence_length
    assert ours["trainer_spec.num_threads"] == RECORDED_THREADS


def test_an_unexplained_difference_is_flagged(tmp_path):
    lines = ["one two three 12345", "four five six", "seven eight nine ten"] * 20
    model = io.BytesIO()
    arguments = {**trainer_arguments(small_recipe(300)), "split_digits": False}
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model, **arguments)
    rows = {row.field: row for row in compare_trainer_spec(model.getvalue())}
    assert rows["trainer_spec.split_digits"].reason is None and not rows["trainer_spec.split_digits"].matches
    table = format_trainer_spec_comparison(list(rows.values()))
    assert "| trainer_spec.split_digits | `true` | `false` | **unexplained difference** |" in table


def test_comparison_table(model):
    rows = compare_trainer_spec(model)
    table = format_trainer_spec_comparison(rows).splitlines()
    assert table[:2] == ["| field | LLaMA | ours | why |", "|---|---|---|---|"]
    assert len(table) == 2 + len(rows)
    assert '| trainer_spec.model_type | `"BPE"` | `"BPE"` |  |' in table
    assert '| trainer_spec.unk_surface | `" ⁇ "` | `" ⁇ "` |  |' in table
    assert (
        f"| trainer_spec.num_threads | `80` | `1` | {DIFFERENCE_REASONS['trainer_spec.num_threads']} |"
        in table
    )


def test_spec_reader_agrees_with_protobuf(model):
    """Our wire-format reader against transformers' generated sentencepiece_model_pb2 (protobuf)."""
    pb2 = pytest.importorskip("transformers.utils.sentencepiece_model_pb2_new")
    proto = pb2.ModelProto()
    proto.ParseFromString(model)
    ours = read_spec(model)
    for name in SPEC_FIELDS:
        message, field = name.split(".")
        value = getattr(getattr(proto, message), field)
        if field == "model_type":
            value = pb2.TrainerSpec.ModelType.Name(value)
        elif isinstance(value, float):
            value = float(f"{value:.7g}")
        assert ours[name] == value, name


def test_training_uses_every_core(monkeypatch, parts, tmp_path):
    assert training_threads() == (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    )
    seen = []
    train = spm.SentencePieceTrainer.train

    def spy(**kwargs):
        seen.append(kwargs["num_threads"])
        return train(**kwargs)

    monkeypatch.setattr(spm.SentencePieceTrainer, "train", spy)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(6)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    train_tokenizer(RECIPE, parts, str(tmp_path))
    assert seen == [6]


@pytest.mark.parametrize("cores", [[1, 2], [1, 4, 8]])
def test_model_bytes_do_not_depend_on_the_core_count(monkeypatch, parts, model, tmp_path, cores):
    written = {}
    for count in cores:
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid, n=count: set(range(n)), raising=False)
        monkeypatch.setattr(os, "cpu_count", lambda n=count: n)
        output = tmp_path / str(count)
        train_tokenizer(RECIPE, parts, str(output))
        written[count] = [
            (output / name).read_bytes() for name in ("tokenizer.model", SHA_NAME, "tokenizer.json")
        ]
    assert all(files == written[cores[0]] for files in written.values())
    assert written[cores[0]][0] == model
    assert read_spec(model)["trainer_spec.num_threads"] == RECORDED_THREADS


def test_the_written_model_is_what_one_thread_writes(parts, model):
    """Rewriting num_threads keeps every other byte: the file equals single-threaded SentencePiece output."""
    stats = count_sources(parts)
    plan = plan_sample(stats, sample_weights(RECIPE.mixture, stats), RECIPE.tokenizer.sample_documents)
    sentences = sample_sentences(parts, plan, RECIPE.seed, RECIPE.tokenizer.max_sentence_length, {})
    single = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=sentences, model_writer=single, **{**trainer_arguments(RECIPE), "num_threads": 1}
    )
    assert single.getvalue() == model
    assert with_recorded_threads(model, RECORDED_THREADS) == model
    rewritten = with_recorded_threads(model, 80)
    assert read_spec(rewritten)["trainer_spec.num_threads"] == 80
    assert spm.SentencePieceProcessor(model_proto=rewritten).encode("12 ab") == spm.SentencePieceProcessor(
        model_proto=model
    ).encode("12 ab")


def test_malformed_models_are_value_errors():
    with pytest.raises(ValueError, match="truncated"):
        read_spec(b"\x12\x05\x08")
    with pytest.raises(ValueError, match="wire type"):
        read_spec(b"\x0f")
