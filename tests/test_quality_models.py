"""Training the per-language quality models (filters/quality_models.py) on small seeded prose: both files and
the manifest entry, byte-identical files across runs, and one-line UserErrors for an empty corpus or a
missing or failing KenLM tool."""

from __future__ import annotations

import hashlib
import os
import sys

import fsspec
import kenlm
import pytest
import sentencepiece as spm
from ccnet_fixtures import town_paragraphs

from filters import quality_models
from filters.quality_models import (
    MAX_VOCAB,
    MIN_VOCAB,
    find_tool,
    model_files,
    train_language_model,
    vocab_size_for,
)
from filters.text_normalizer import normalize
from pipeline.errors import UserError

CORPUS = town_paragraphs(seed=1, paragraphs=300)


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_model_files_names_them_as_cc_net_does():
    assert model_files("en") == ("en.sp.model", "en.arpa.bin")


def test_training_writes_both_files_and_the_manifest_entry(tmp_path):
    out, work = tmp_path / "models", tmp_path / "work"
    work.mkdir()
    entry = train_language_model("en", CORPUS, str(out), order=4, tmp_dir=str(work))
    normalized = [normalize(line) for line in CORPUS if normalize(line)]
    corpus_bytes = "".join(line + "\n" for line in normalized).encode()
    assert entry["language"] == "en" and entry["order"] == 4
    assert entry["lines"] == len(normalized)
    assert entry["characters"] == sum(len(line) for line in normalized)
    assert entry["corpus_sha256"] == hashlib.sha256(corpus_bytes).hexdigest()
    assert entry["vocab_size_requested"] == vocab_size_for(entry["characters"]) == MIN_VOCAB
    assert 100 < entry["vocab_size"] <= entry["vocab_size_requested"]
    arguments = entry["sentencepiece_arguments"]
    assert arguments["model_type"] == "unigram" and arguments["character_coverage"] == 0.9995
    assert arguments["num_threads"] == 1 and arguments["hard_vocab_limit"] is False
    assert entry["lmplz_arguments"] == ["lmplz", "-o", "4", "-S", "10%", "--discount_fallback", "-T", "<tmp>"]
    assert entry["build_binary_arguments"][0] == "build_binary"
    assert sorted(os.listdir(out)) == ["en.arpa.bin", "en.sp.model"]  # nothing half-written left beside
    assert os.listdir(work) == []  # corpus and ARPA removed
    for name, recorded in entry["files"].items():
        assert recorded == {"bytes": (out / name).stat().st_size, "sha256": _sha256(out / name)}
    processor = spm.SentencePieceProcessor(model_file=str(out / "en.sp.model"))
    assert processor.get_piece_size() == entry["vocab_size"]
    model = kenlm.Model(str(out / "en.arpa.bin"))
    assert model.order == 4
    sentence = " ".join(processor.encode(normalize("The town had a population of 1200."), out_type=str))
    shuffled = " ".join(reversed(sentence.split()))
    assert model.score(sentence) > model.score(shuffled)


def test_the_same_input_gives_byte_identical_files(tmp_path):
    first = train_language_model("en", CORPUS, str(tmp_path / "a"), tmp_dir=str(tmp_path))
    second = train_language_model("en", iter(CORPUS), str(tmp_path / "b"), tmp_dir=str(tmp_path))
    assert first == second
    for name in model_files("en"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_remote_folder_gets_the_same_files(tmp_path):
    local = train_language_model("xx", CORPUS[:200], str(tmp_path / "local"), order=3)
    remote = train_language_model("xx", CORPUS[:200], "memory://quality-test/models", order=3)
    assert remote == local
    fs = fsspec.filesystem("memory")
    try:
        for name in model_files("xx"):
            assert fs.cat(f"/quality-test/models/{name}") == (tmp_path / "local" / name).read_bytes()
    finally:
        fs.rm("/quality-test", recursive=True)


@pytest.mark.parametrize("lines", [[], ["", "   ", "\t\x07"]], ids=["no lines", "blank lines"])
def test_an_empty_corpus_is_a_user_error(tmp_path, lines):
    with pytest.raises(UserError, match="corpus is empty") as caught:
        train_language_model("en", lines, str(tmp_path / "models"))
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "models").exists()


def test_a_missing_tool_is_a_user_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match=r"lmplz not found: `make install` builds KenLM's tools"):
        find_tool("lmplz")
    with pytest.raises(UserError, match="not found"):
        train_language_model("en", CORPUS, str(tmp_path / "models"))
    assert not (tmp_path / "models").exists()


def test_find_tool_prefers_the_one_beside_python(tmp_path, monkeypatch):
    tool = tmp_path / "lmplz"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert find_tool("lmplz") == str(tool)


def test_a_failing_lmplz_is_a_one_line_user_error(tmp_path, monkeypatch):
    fake = tmp_path / "lmplz"
    fake.write_text(
        "#!/bin/sh\ncat > /dev/null\necho 'Loading' >&2\necho 'ERROR: not enough n-grams' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    real = find_tool
    monkeypatch.setattr(
        quality_models, "find_tool", lambda name: str(fake) if name == "lmplz" else real(name)
    )
    with pytest.raises(UserError, match="lmplz failed \\(ERROR: not enough n-grams\\)") as caught:
        train_language_model("en", CORPUS, str(tmp_path / "models"))
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "models" / "en.arpa.bin").exists()


def test_vocab_size_scales_with_the_corpus_within_its_bounds():
    assert vocab_size_for(0) == MIN_VOCAB
    assert vocab_size_for(300_000) == MIN_VOCAB  # a few hundred KB: the floor
    assert vocab_size_for(6_840_000) == 3_920  # this repository's enwiki samples
    assert vocab_size_for(10**8) == 15_000
    assert vocab_size_for(10**11) == MAX_VOCAB == 65_536
    sizes = [vocab_size_for(10**k) for k in range(4, 12)]
    assert sizes == sorted(sizes) and all(size % 8 == 0 for size in sizes)
