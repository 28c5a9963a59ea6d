"""The files `transformers.AutoTokenizer.from_pretrained(folder)` reads, for a SentencePiece model of ours.

`tokenizer.json` is the `tokenizers` pipeline that encodes exactly as `SentencePieceProcessor.encode` does:
- BPE over our vocabulary, merges ranked by piece score (SentencePiece merges the adjacent pair whose joined
  piece scores highest), byte fallback for characters outside the vocabulary;
- the normalizer Prepend("▁") + Replace(" ", "▁"): SentencePiece's dummy prefix, added even when the text
  starts with a space. Transformers 5's `LlamaTokenizer` class rebuilds its pipeline with a Metaspace
  pre-tokenizer, which leaves the prefix out before a leading space (" a" becomes "▁a", not "▁▁a"), so the
  config names `PreTrainedTokenizerFast`, which loads tokenizer.json as written (transformers 4 and 5 alike);
- `<s>`, `</s>` and `<unk>` written in the text are text (split_special_tokens), as SentencePiece reads them.
Encoding adds `<s>` and no `</s>`, as LLaMA's tokenizer does; our documents also end in `</s>`
(tokenization/encode.py), so `encode(text) + [eos]` are a document's tokens.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sentencepiece as spm

from pipeline.errors import UserError
from pipeline.io import open_file, write_atomic
from tokenization.spm_model import CONTROL, NORMAL, UNKNOWN, USER_DEFINED, Piece, model_pieces, read_spec

TOKENIZER_MODEL = "tokenizer.model"
TOKENIZER_JSON = "tokenizer.json"
TOKENIZER_CONFIG = "tokenizer_config.json"
SPECIAL_TOKENS_MAP = "special_tokens_map.json"
MODEL_MAX_LENGTH = 2048  # LLaMA-1's context length
# What the tokenizer.json pipeline assumes of the SentencePiece model; our trainer's settings (train.py).
REQUIRED_SPEC = {
    "trainer_spec.model_type": "BPE",
    "trainer_spec.byte_fallback": True,
    "trainer_spec.treat_whitespace_as_suffix": False,
    "normalizer_spec.name": "identity",
    "normalizer_spec.precompiled_charsmap": b"",
    "normalizer_spec.remove_extra_whitespaces": False,
    "normalizer_spec.escape_whitespaces": True,
}


def bpe_merges(pieces: list[Piece]) -> list[tuple[str, str]]:
    """Every (left, right) split of a normal piece into two normal pieces, best-scoring joined piece first
    (then by id): the order SentencePiece's BPE encoder applies them in. Control, byte and unknown pieces never
    come out of a merge, so `<s>` written in the text stays three pieces, as in SentencePiece."""
    normal = {p.piece: (-p.score, i) for i, p in enumerate(pieces) if p.type == NORMAL}
    ranked = []
    for piece, rank in normal.items():
        for split in range(1, len(piece)):
            left, right = piece[:split], piece[split:]
            if left in normal and right in normal:
                ranked.append((rank, left, right))
    return [(left, right) for _, left, right in sorted(ranked)]


def tokenizer_json(pieces: list[Piece], bos_id: int, add_dummy_prefix: bool, unk_id: int) -> str:
    """The `tokenizers` serialization: BPE with byte fallback, SentencePiece's whitespace handling, <s> first."""
    try:
        from tokenizers import AddedToken, Tokenizer, decoders, normalizers, processors
        from tokenizers.models import BPE
    except ImportError:
        raise UserError(
            "the Hugging Face tokenizer files need the tokenizers package (pip install tokenizers)"
        ) from None
    vocab = {p.piece: i for i, p in enumerate(pieces)}
    tokenizer = Tokenizer(
        BPE(
            vocab=vocab,
            merges=bpe_merges(pieces),
            unk_token=pieces[unk_id].piece,
            fuse_unk=True,
            byte_fallback=True,
            dropout=None,
        )
    )
    prefix = [normalizers.Prepend("▁")] if add_dummy_prefix else []
    tokenizer.normalizer = normalizers.Sequence([*prefix, normalizers.Replace(" ", "▁")])
    strip = [decoders.Strip(content=" ", left=1, right=0)] if add_dummy_prefix else []
    tokenizer.decoder = decoders.Sequence(
        [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), *strip]
    )
    bos = pieces[bos_id].piece
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0", pair=f"{bos}:0 $A:0 {bos}:1 $B:1", special_tokens=[(bos, bos_id)]
    )
    specials = [i for i, p in enumerate(pieces) if p.type in (UNKNOWN, CONTROL)]
    tokenizer.add_special_tokens(
        [AddedToken(pieces[i].piece, normalized=False, special=True) for i in specials]
    )
    return tokenizer.to_str(pretty=True)


def tokenizer_config(
    pieces: list[Piece], bos_id: int, eos_id: int, unk_id: int, model_max_length: int
) -> dict[str, Any]:
    """tokenizer_config.json: LLaMA's settings (<s> added, no </s>, no pad token), kept exact (see the module)."""
    specials = {i: p.piece for i, p in enumerate(pieces) if i in (unk_id, bos_id, eos_id)}
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",  # loads tokenizer.json as written, in transformers 4 and 5
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": pieces[bos_id].piece,
        "eos_token": pieces[eos_id].piece,
        "unk_token": pieces[unk_id].piece,
        "pad_token": None,
        # Were tokenizer.json gone, transformers 5 would rebuild it from tokenizer.model; legacy keeps the dummy
        # prefix before a leading space there too (non-legacy uses Metaspace, which drops it).
        "legacy": True,
        "split_special_tokens": True,  # "<s>" in the text is text, as SentencePiece reads it
        "clean_up_tokenization_spaces": False,  # decode gives the text back exactly
        "model_max_length": model_max_length,
        "added_tokens_decoder": {
            str(i): {
                "content": piece,
                "lstrip": False,
                "normalized": False,
                "rstrip": False,
                "single_word": False,
                "special": True,
            }
            for i, piece in sorted(specials.items())
        },
    }


def _check_model(spec: dict[str, Any], pieces: list[Piece], bos_id: int, eos_id: int, where: str) -> None:
    """Refuse a model the tokenizer.json pipeline would not encode exactly like SentencePiece."""
    for name, expected in REQUIRED_SPEC.items():
        if spec[name] != expected:
            raise UserError(f"{where}: {name} is {spec[name]!r}; the Hugging Face export needs {expected!r}")
    if any(p.type == USER_DEFINED for p in pieces):
        raise UserError(f"{where}: user-defined pieces are not supported by the Hugging Face export")
    for name, wanted in (("bos", bos_id), ("eos", eos_id)):
        if spec[f"trainer_spec.{name}_id"] != wanted:
            raise UserError(
                f"{where}: the tokenizer's {name} id is {spec[f'trainer_spec.{name}_id']}, the model's is {wanted}"
            )
    if not 0 <= spec["trainer_spec.unk_id"] < len(pieces):
        raise UserError(f"{where}: the tokenizer has no unk piece")


def write_hf_tokenizer(
    model_path: str | Path,
    directory: str | Path,
    bos_id: int = 1,
    eos_id: int = 2,
    model_max_length: int = MODEL_MAX_LENGTH,
) -> list[Path]:
    """Write tokenizer.model, tokenizer.json, tokenizer_config.json and special_tokens_map.json into
    `directory` (each atomically); returns their paths. `bos_id`/`eos_id` are the model config's, checked."""
    try:
        with open_file(str(model_path), "rb") as handle:
            model = handle.read()
    except FileNotFoundError:
        raise UserError(f"tokenizer not found: {model_path}") from None
    try:
        spm.SentencePieceProcessor(model_proto=model)
        spec, pieces = read_spec(model), model_pieces(model)
    except (RuntimeError, ValueError) as exc:
        raise UserError(f"{model_path}: not a SentencePiece model ({str(exc).strip()})") from None
    _check_model(spec, pieces, bos_id, eos_id, str(model_path))
    unk_id = spec["trainer_spec.unk_id"]
    config = tokenizer_config(pieces, bos_id, eos_id, unk_id, model_max_length)
    special_map = {key: config[key] for key in ("bos_token", "eos_token", "unk_token")}
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        TOKENIZER_MODEL: model,
        TOKENIZER_JSON: (
            tokenizer_json(pieces, bos_id, spec["normalizer_spec.add_dummy_prefix"], unk_id) + "\n"
        ).encode(),
        TOKENIZER_CONFIG: _json_bytes(config),
        SPECIAL_TOKENS_MAP: _json_bytes(special_map),
    }
    for name, data in files.items():
        write_atomic(str(directory / name), data)
    return [directory / name for name in files]


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode()
