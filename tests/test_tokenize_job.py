"""The tokenize Beam job on the DirectRunner: shards, manifest, held-out split, rejects, determinism, resume."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sentencepiece as spm
import yaml
from token_fixtures import small_recipe, write_stage

from beam_jobs.tokenize import tokenize_documents
from beam_jobs.tokenizer import train_tokenizer_stage
from pipeline.cli import main as cli_main
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import iter_documents, write_documents
from pipeline.manifest import read_manifest
from tokenization.shards import TokenDataset, read_dataset_manifest

pytestmark = pytest.mark.slow

BEAM_ARGS = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]
TOKENIZE = {"shard_tokens": 15_000, "validation_fraction": 0.05}
RECIPE = small_recipe(400, tokenize=TOKENIZE)


@pytest.fixture(scope="module")
def stage(tmp_path_factory) -> Path:
    root = write_stage(tmp_path_factory.mktemp("ingest"), {"commoncrawl": 150, "wikipedia": 12, "github": 1})
    write_documents(
        str(root / "wikipedia" / "part-00005-of-00006.parquet"),
        [
            Document(id="empty-doc", source="wikipedia", text=""),
            Document(id="odd-doc", source="usenet", text="hello"),
        ],
    )
    (root / "commoncrawl" / "part-00009-of-00010.parquet").write_bytes(b"PAR1 this is not parquet")
    return root


@pytest.fixture(scope="module")
def tokenizer(stage, tmp_path_factory) -> str:
    return train_tokenizer_stage(
        RECIPE, [str(stage / "wikipedia"), str(stage / "github")], str(tmp_path_factory.mktemp("tok"))
    )[0]


@pytest.fixture(scope="module")
def first_run(stage, tokenizer, tmp_path_factory) -> tuple[Path, dict, bool]:
    output = tmp_path_factory.mktemp("tokens")
    _, ran = tokenize_documents(RECIPE, [str(stage)], tokenizer, str(output), False, BEAM_ARGS)
    return output, read_dataset_manifest(str(output)), ran


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir()) if p.is_file()
    }


def _texts(stage: Path, source: str) -> dict[str, str]:
    texts = {}
    for part in sorted((stage / source).glob("part-0000[0-1]-of-00002.parquet")):
        texts.update({d.id: d.text for d in iter_documents(str(part))})
    return texts


def test_manifest_and_shards(first_run, tokenizer):
    output, manifest, ran = first_run
    assert ran
    processor = spm.SentencePieceProcessor(model_file=tokenizer)
    assert manifest["vocab_size"] == processor.get_piece_size() == 400
    assert (manifest["token_size"], manifest["dtype"], manifest["bos_id"], manifest["eos_id"]) == (
        2,
        "uint16",
        1,
        2,
    )
    assert manifest["tokenizer_sha256"] == hashlib.sha256(Path(tokenizer).read_bytes()).hexdigest()
    dataset = TokenDataset.open(str(output))
    assert dataset.sources() == ["commoncrawl", "github", "wikipedia"]
    assert len(dataset.shards("commoncrawl")) > 1
    for entry in manifest["shards"]:
        assert (output / entry["file"]).is_file() and (output / (entry["file"] + ".index")).is_file()
    assert (
        sum(dataset.documents(s, split) for s in dataset.sources() for split in ("train", "validation"))
        == 163
    )


def test_documents_decode_to_their_text_with_bos_and_eos(first_run, stage, tokenizer):
    output, _, _ = first_run
    dataset = TokenDataset.open(str(output))
    processor = spm.SentencePieceProcessor(model_file=tokenizer)
    texts = set(_texts(stage, "wikipedia").values())
    decoded = set()
    for split in ("train", "validation"):
        for document in dataset.iter_documents("wikipedia", split):
            assert document[0] == 1 and document[-1] == 2
            decoded.add(processor.decode(document[1:-1].tolist()))
    assert decoded == texts


def test_validation_split_is_held_out(first_run, stage):
    output, _, _ = first_run
    dataset = TokenDataset.open(str(output))
    for source in ("commoncrawl", "wikipedia"):
        train = {d.tobytes() for d in dataset.iter_documents(source, "train")}
        held_out = {d.tobytes() for d in dataset.iter_documents(source, "validation")}
        assert held_out and not train & held_out
    assert dataset.documents("github", "validation") == 0
    assert dataset.documents("github", "train") == 1


def test_every_decision_is_counted_and_bad_input_rejected(first_run):
    output, _, _ = first_run
    manifest = read_manifest(str(output))
    counts = manifest.counts
    assert counts["read"] == 165
    assert counts["encoded"] == 163
    assert counts["dropped:empty_text"] == 1
    assert counts["rejected:unknown_source"] == 1
    assert counts["rejected:unreadable_parquet"] == 1
    assert counts["split:train"] + counts["split:validation"] == 163
    rejects = [
        json.loads(line) for f in (output / "_rejects").glob("*.jsonl") for line in f.read_text().splitlines()
    ]
    assert {r["reason"] for r in rejects} == {"unknown_source", "unreadable_parquet"}
    assert manifest.rejects == 2 and counts["tokens"] == sum(
        s["tokens"] for s in read_dataset_manifest(str(output))["shards"]
    )


def test_rerun_is_byte_identical_and_resume_skips(first_run, stage, tokenizer, tmp_path, capsys):
    output, manifest, _ = first_run
    before = _snapshot(output)
    _, ran = tokenize_documents(RECIPE, [str(stage)], tokenizer, str(output), False, BEAM_ARGS)
    assert not ran and read_dataset_manifest(str(output)) == manifest and _snapshot(output) == before
    config = tmp_path / "recipe.yaml"
    config.write_text(yaml.safe_dump({"seed": RECIPE.seed, "tokenize": TOKENIZE}))
    command = [
        "tokenize",
        "--input",
        str(stage),
        "--tokenizer",
        tokenizer,
        "--output",
        str(output),
        "--config",
        str(config),
    ]
    status = cli_main([*command, *BEAM_ARGS])
    assert status == 0 and "up to date" in capsys.readouterr().out
    fresh = tmp_path / "fresh"
    _, ran = tokenize_documents(
        RECIPE,
        [str(stage / s) for s in ("wikipedia", "github", "commoncrawl")],
        tokenizer,
        str(fresh),
        True,
        BEAM_ARGS,
    )
    assert ran and _snapshot(fresh) == before


def test_missing_tokenizer_is_a_user_error(stage, tmp_path):
    with pytest.raises(UserError, match="tokenizer not found"):
        tokenize_documents(
            RECIPE, [str(stage)], str(tmp_path / "none.model"), str(tmp_path / "out"), False, BEAM_ARGS
        )
