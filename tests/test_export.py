"""`llama-data export` and the layouts it writes: Hugging Face's (loaded by transformers, tokenizer included) and
Meta's (params.json as Meta's own loader takes it)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import sentencepiece as spm
import torch
import transformers
from model_fixtures import TINY, random_model, tiny_recipe, write_sentencepiece_dataset

import model.checkpoint as checkpoint_module
from model.checkpoint import (
    META_PARAMS,
    OURS_NAME,
    export_hf,
    export_meta,
    import_hf,
    import_meta,
    load_model,
)
from model.sharded import latest_checkpoint
from model.train import train_from_recipe
from pipeline.cli import main as cli_main

TEXTS = [
    "the data model trains on every token shard",
    "  Leading spaces, digits 2023 and 3.14159, and\nnew lines",
    "def f(x):\n    return x  # code keeps its indentation",
    "Привет, мир. 你好，世界。 Emoji: 🦙",
    "",
]


@dataclass
class MetaModelArgs:
    """Meta's LLaMA-1 ModelArgs, field for field (facebookresearch/llama @57b0eb6, llama/model.py); its loader
    (example.py) calls ModelArgs(max_seq_len=..., max_batch_size=..., **params), so an unknown key in
    params.json is a TypeError there."""

    dim: int = 512
    n_layers: int = 8
    n_heads: int = 8
    vocab_size: int = -1
    multiple_of: int = 256
    norm_eps: float = 1e-5
    max_batch_size: int = 32
    max_seq_len: int = 2048


def test_meta_params_json_holds_only_the_keys_metas_loader_accepts(tmp_path):
    model = random_model()
    export_meta(model.state_dict(), TINY, tmp_path)
    params = json.loads((tmp_path / "params.json").read_text())
    assert set(params) == set(META_PARAMS) <= {f.name for f in dataclasses.fields(MetaModelArgs)}
    meta_args = MetaModelArgs(max_seq_len=512, max_batch_size=1, **params)
    assert (meta_args.dim, meta_args.n_layers, meta_args.vocab_size) == (
        TINY.dim,
        TINY.n_layers,
        TINY.vocab_size,
    )
    with pytest.raises(TypeError):  # what the rope_theta key we used to write did to Meta's loader
        MetaModelArgs(**params, rope_theta=TINY.rope_theta)
    ours = json.loads((tmp_path / OURS_NAME).read_text())
    assert ours == {
        "rope_theta": TINY.rope_theta,
        "max_seq_len": TINY.max_seq_len,
        "rope_layout": "interleaved",
    }
    args, state = import_meta(tmp_path)
    assert args == TINY and all(torch.equal(state[k], v) for k, v in model.state_dict().items())


def test_meta_export_splits_into_model_parallel_shards_that_import_joins(tmp_path, monkeypatch):
    monkeypatch.setitem(checkpoint_module.META_SHARDS, TINY.dim, 2)  # as Meta's 13B release: two files
    model = random_model()
    export_meta(model.state_dict(), TINY, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.pth")) == ["consolidated.00.pth", "consolidated.01.pth"]
    first = torch.load(tmp_path / "consolidated.00.pth", weights_only=True)
    assert first["layers.0.attention.wq.weight"].shape == (TINY.dim // 2, TINY.dim)  # column-parallel rows
    assert first["layers.0.attention.wo.weight"].shape == (TINY.dim, TINY.dim // 2)  # row-parallel columns
    _, state = import_meta(tmp_path)
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


def test_hf_export_in_several_safetensors_files_loads_in_transformers(tmp_path):
    model = random_model()
    export_hf(model.state_dict(), TINY, tmp_path, shard_bytes=64 * 1024)
    files = sorted(p.name for p in tmp_path.glob("*.safetensors"))
    assert len(files) > 2 and files[0] == f"model-00001-of-{len(files):05d}.safetensors"
    index = json.loads((tmp_path / "model.safetensors.index.json").read_text())
    assert set(index["weight_map"].values()) == set(files)
    hf = transformers.LlamaForCausalLM.from_pretrained(tmp_path, dtype=torch.float32)
    tokens = torch.randint(0, TINY.vocab_size, (2, 16), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.allclose(hf(tokens).logits, model(tokens)[0], atol=1e-5)
    args, state = import_hf(tmp_path)
    assert args == TINY and all(torch.equal(state[k], v) for k, v in model.state_dict().items())


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A short training run on a real SentencePiece tokenizer: its run folder."""
    root = tmp_path_factory.mktemp("trained")
    tokens = write_sentencepiece_dataset(root)
    train_from_recipe(tiny_recipe(max_steps=6, lr=1e-2), str(tokens), str(root / "run"))
    return root


@pytest.mark.slow
def test_export_hf_from_a_run_folder_is_what_transformers_and_lm_eval_load(trained, tmp_path, capsys):
    out = tmp_path / "hf"
    assert (
        cli_main(["export", "--checkpoint", str(trained / "run"), "--format", "hf", "--output", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    assert f"lm_eval --model hf --model_args pretrained={out}" in printed
    ours, info = load_model(trained / "run")
    assert info["layout"] == "sharded" and info["step"] == 6

    hf = transformers.AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32)
    assert isinstance(hf, transformers.LlamaForCausalLM)
    tokenizer = transformers.AutoTokenizer.from_pretrained(out)
    sp = spm.SentencePieceProcessor(model_file=str(trained / "tok.model"))
    for text in TEXTS:
        ids = tokenizer.encode(text)
        assert ids == [1, *sp.encode(text)], text  # <s>, then exactly our pieces
        assert tokenizer.decode(ids, skip_special_tokens=True) == text
    batch = torch.tensor([tokenizer.encode(TEXTS[0] + " " + TEXTS[1])])
    with torch.no_grad():
        assert torch.allclose(hf(batch).logits, ours(batch)[0], atol=1e-5)


@pytest.mark.slow
def test_export_meta_then_back_to_hf_keeps_the_model(trained, tmp_path):
    meta, hf = tmp_path / "meta", tmp_path / "hf"
    assert (
        cli_main(["export", "--checkpoint", str(trained / "run"), "--format", "meta", "--output", str(meta)])
        == 0
    )
    assert (meta / "tokenizer.model").read_bytes() == (trained / "tok.model").read_bytes()
    assert cli_main(["export", "--checkpoint", str(meta), "--format", "hf", "--output", str(hf)]) == 0
    ours, _ = load_model(latest_checkpoint(trained / "run"))
    from_meta, _ = load_model(meta)
    from_hf, _ = load_model(hf)
    tokens = torch.randint(0, ours.args.vocab_size, (1, 24), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = ours(tokens)[0]
        assert torch.equal(from_meta(tokens)[0], expected) and torch.equal(from_hf(tokens)[0], expected)


@pytest.mark.slow
def test_export_mistakes_are_one_line(trained, tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "file").write_text("x")
    cases = [
        (
            ["--checkpoint", str(trained / "run"), "--format", "hf", "--output", str(taken)],
            "not an empty folder",
        ),
        (
            ["--checkpoint", str(tmp_path / "none"), "--format", "hf", "--output", str(tmp_path / "o")],
            "not found",
        ),
    ]
    for argv, message in cases:
        assert cli_main(["export", *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err
