"""The Hugging Face tokenizer export: AutoTokenizer loads it and encodes exactly as our SentencePiece model.

Like for like: transformers' encode(text) adds <s> and no </s> (LLaMA's setting); our documents are
<s> + pieces + </s> (tokenization/encode.py), so encode(text) + [eos] is compared with DocumentEncoder."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
import pytest
import sentencepiece as spm
from token_fixtures import EXTRAS, generated_text, small_recipe, write_stage

from pipeline.errors import UserError
from pipeline.io import find_parts
from tokenization.encode import DocumentEncoder
from tokenization.hf_tokenizer import (
    SPECIAL_TOKENS_MAP,
    TOKENIZER_CONFIG,
    TOKENIZER_JSON,
    TOKENIZER_MODEL,
    write_hf_tokenizer,
)
from tokenization.train import train_tokenizer, trainer_arguments

transformers = pytest.importorskip("transformers")

TEXTS = {
    "prose": "The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst of times.",
    "digits": "In 1999 there were 12,345 people; by 2024, 67890. Call 555-0199 at 3.14pm.",
    "leading space": " leading space",
    "leading spaces": "   three leading spaces and  two   inner",
    "only spaces": "    ",
    "one space": " ",
    "trailing spaces": "trailing spaces   ",
    "newlines": "line one\nline two\n\n\nafter blank lines\n",
    "leading newline": "\nstarts with a newline",
    "windows newlines": "crlf\r\nline\r\n",
    "tabs": "\tcol1\tcol2\t\tcol4",
    "code": "def main(argv):\n    if argv:\n        return 42  # answer\n    return 0\n",
    "cyrillic": "Привет, как дела? Москва — столица России.",
    "cjk": "東京は日本の首都です。中文也很好。",
    "emoji": "emoji 🙂 and 🚀 and 👩‍👩‍👧 family",
    "outside the vocabulary": "rare: ℵ₀ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ǅ ﬁ Ω Å ☃",
    "special tokens as text": "x <s> y </s> <unk> z",
    "special token alone": "<s>",
    "empty": "",
    "accents": "Il était une fois à Paris, déjà. Größe und Übermaß, straße.",
    "mixed": "naïve café 42 — 東京 🙂\n    indented",
}


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    stage = write_stage(
        tmp_path_factory.mktemp("ingest"), {"commoncrawl": 240, "wikipedia": 40, "github": 12}
    )
    output = tmp_path_factory.mktemp("tokenizer")
    train_tokenizer(small_recipe(600), find_parts([str(stage)]), str(output))
    return output / "tokenizer.model"


@pytest.fixture(scope="module")
def processor(model_path) -> spm.SentencePieceProcessor:
    return spm.SentencePieceProcessor(model_file=str(model_path))


@pytest.fixture(scope="module")
def hf_dir(model_path, tmp_path_factory) -> Path:
    """An export folder as model/checkpoint.py writes it: a llama config.json beside the tokenizer files."""
    directory = tmp_path_factory.mktemp("hf")
    (directory / "config.json").write_text(json.dumps({"model_type": "llama", "vocab_size": 600}))
    write_hf_tokenizer(model_path, directory)
    return directory


@pytest.fixture(scope="module")
def hf_tokenizer(hf_dir):
    return transformers.AutoTokenizer.from_pretrained(str(hf_dir))


def test_files_written(model_path, tmp_path):
    files = write_hf_tokenizer(model_path, tmp_path / "out")
    assert [f.name for f in files] == [TOKENIZER_MODEL, TOKENIZER_JSON, TOKENIZER_CONFIG, SPECIAL_TOKENS_MAP]
    assert (tmp_path / "out" / TOKENIZER_MODEL).read_bytes() == model_path.read_bytes()
    config = json.loads((tmp_path / "out" / TOKENIZER_CONFIG).read_text())
    assert config["add_bos_token"] is True and config["add_eos_token"] is False
    assert (config["bos_token"], config["eos_token"], config["unk_token"]) == ("<s>", "</s>", "<unk>")
    assert config["pad_token"] is None
    assert config["model_max_length"] == 2048
    assert json.loads((tmp_path / "out" / SPECIAL_TOKENS_MAP).read_text()) == {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
    }
    again = write_hf_tokenizer(model_path, tmp_path / "again")
    assert [f.read_bytes() for f in again] == [f.read_bytes() for f in files]
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left behind


def test_auto_tokenizer_loads_with_llama_ids(hf_tokenizer, processor):
    assert (hf_tokenizer.bos_token_id, hf_tokenizer.eos_token_id, hf_tokenizer.unk_token_id) == (1, 2, 0)
    assert hf_tokenizer.pad_token is None
    assert len(hf_tokenizer) == processor.get_piece_size()
    assert hf_tokenizer.convert_ids_to_tokens(list(range(3, 6))) == ["<0x00>", "<0x01>", "<0x02>"]


@pytest.mark.parametrize("name", list(TEXTS))
def test_encoding_equals_ours(hf_tokenizer, processor, name):
    text = TEXTS[name]
    ours = processor.encode(text)
    assert hf_tokenizer.encode(text) == [processor.bos_id(), *ours]
    assert hf_tokenizer.encode(text, add_special_tokens=False) == ours
    document = np.frombuffer(DocumentEncoder(processor).encode(text), dtype=np.uint16).tolist()
    assert [*hf_tokenizer.encode(text), hf_tokenizer.eos_token_id] == document


@pytest.mark.parametrize("name", list(TEXTS))
def test_decode_round_trips(hf_tokenizer, name):
    text = TEXTS[name]
    assert hf_tokenizer.decode(hf_tokenizer.encode(text), skip_special_tokens=True) == text


def test_generated_documents_encode_the_same(hf_tokenizer, processor):
    rng = random.Random(5)
    texts = [generated_text(rng) for _ in range(50)] + EXTRAS + [" " + line for line in EXTRAS]
    assert [hf_tokenizer.encode(t, add_special_tokens=False) for t in texts] == [
        processor.encode(t) for t in texts
    ]


def test_byte_fallback_pieces(hf_tokenizer, processor):
    ids = hf_tokenizer.encode("☃", add_special_tokens=False)
    assert hf_tokenizer.convert_ids_to_tokens(ids)[-3:] == ["<0xE2>", "<0x98>", "<0x83>"]
    assert processor.unk_id() not in ids


def test_batches_and_pairs(hf_tokenizer, processor):
    batch = hf_tokenizer(["hello world", " indented"])["input_ids"]
    assert batch == [[1, *processor.encode("hello world")], [1, *processor.encode(" indented")]]
    pair = hf_tokenizer("first", "second")["input_ids"]
    assert pair == [1, *processor.encode("first"), 1, *processor.encode("second")]


def test_loads_without_a_model_config(model_path, processor, tmp_path):
    write_hf_tokenizer(model_path, tmp_path)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(tmp_path))
    assert tokenizer.encode(TEXTS["leading spaces"]) == [1, *processor.encode(TEXTS["leading spaces"])]


def test_ids_must_agree_with_the_model(model_path, tmp_path):
    with pytest.raises(UserError, match="bos id is 1, the model's is 5"):
        write_hf_tokenizer(model_path, tmp_path, bos_id=5)
    with pytest.raises(UserError, match="eos id is 2, the model's is 0"):
        write_hf_tokenizer(model_path, tmp_path, eos_id=0)
    assert not list(tmp_path.iterdir())


def test_models_it_cannot_reproduce_are_refused(tmp_path):
    lines = ["one two three 12345", "four five six", "seven eight nine ten"] * 20
    model = io.BytesIO()
    arguments = {**trainer_arguments(small_recipe(300)), "normalization_rule_name": "nmt_nfkc"}
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model, **arguments)
    (tmp_path / "nfkc.model").write_bytes(model.getvalue())
    with pytest.raises(UserError, match="normalizer_spec.name is 'nmt_nfkc'"):
        write_hf_tokenizer(tmp_path / "nfkc.model", tmp_path / "out")
    (tmp_path / "junk.model").write_bytes(b"not a model")
    with pytest.raises(UserError, match="not a SentencePiece model"):
        write_hf_tokenizer(tmp_path / "junk.model", tmp_path / "out")
    with pytest.raises(UserError, match="tokenizer not found"):
        write_hf_tokenizer(tmp_path / "missing.model", tmp_path / "out")
