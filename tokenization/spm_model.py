"""The SentencePiece model file, read and rewritten without protobuf: its trainer_spec compared with LLaMA's,
its pieces, and the one field our trainer rewrites (num_threads, so model bytes do not depend on the machine).

The file is a protobuf ModelProto (google/sentencepiece src/sentencepiece_model.proto). The few fields needed
are decoded from the wire format directly: protobuf is not one of our dependencies, and sentencepiece's
generated sentencepiece_model_pb2 refuses a protobuf runtime older than its generator (0.2.3's needs 7.x, and
apache-beam keeps protobuf below 7). tests/test_tokenizer_spec.py checks the decoding against transformers'
own generated ModelProto.
"""

from __future__ import annotations

import json
import struct
from typing import Any, NamedTuple

TRAINER_SPEC = 2  # ModelProto.trainer_spec
NORMALIZER_SPEC = 3  # ModelProto.normalizer_spec
NUM_THREADS = 16  # TrainerSpec.num_threads
VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5  # wire types


class WireField(NamedTuple):
    number: int
    wire_type: int
    value: int | bytes  # a varint or fixed-width integer, or the payload of a length-delimited field
    raw: bytes  # the field exactly as serialized, tag included


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data):
            raise ValueError("truncated protobuf message")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def wire_fields(message: bytes) -> list[WireField]:
    """A protobuf message's top-level fields, in serialized order; a malformed message is a ValueError."""
    fields = []
    position = 0
    while position < len(message):
        start = position
        tag, position = _read_varint(message, position)
        number, wire_type = tag >> 3, tag & 7
        if wire_type == VARINT:
            value, position = _read_varint(message, position)
        elif wire_type in (FIXED64, FIXED32):
            width = 8 if wire_type == FIXED64 else 4
            value, position = int.from_bytes(message[position : position + width], "little"), position + width
        elif wire_type == LENGTH_DELIMITED:
            length, position = _read_varint(message, position)
            value, position = message[position : position + length], position + length
        else:
            raise ValueError(f"unsupported protobuf wire type {wire_type} (field {number})")
        if position > len(message):
            raise ValueError("truncated protobuf message")
        fields.append(WireField(number, wire_type, value, message[start:position]))
    return fields


def with_recorded_threads(model: bytes, threads: int) -> bytes:
    """The serialized model with trainer_spec.num_threads set to `threads`; every other byte as SentencePiece
    wrote it, so the result depends only on the trained pieces and the other settings."""
    out = bytearray()
    for wire in wire_fields(model):
        if wire.number != TRAINER_SPEC or wire.wire_type != LENGTH_DELIMITED:
            out += wire.raw
            continue
        assert isinstance(wire.value, bytes)
        recorded = _varint(NUM_THREADS << 3 | VARINT) + _varint(threads)
        spec = [recorded if f.number == NUM_THREADS else f.raw for f in wire_fields(wire.value)]
        if recorded not in spec:
            spec.append(recorded)
        body = b"".join(spec)
        out += _varint(TRAINER_SPEC << 3 | LENGTH_DELIMITED) + _varint(len(body)) + body
    return bytes(out)


class SpecField(NamedTuple):
    spec: int  # TRAINER_SPEC or NORMALIZER_SPEC
    number: int  # the field's number in sentencepiece_model.proto
    kind: str  # int, bool, float, string, bytes or model_type
    default: Any  # the proto2 default, for a field the model does not set


# The fields compared with LLaMA's model. Left out: input/model_prefix/input_format (paths of their run), the
# unigram-only seed_sentencepiece_size/shrinking_factor/num_sub_iterations, and the differential-privacy ones.
SPEC_FIELDS: dict[str, SpecField] = {
    "trainer_spec.model_type": SpecField(TRAINER_SPEC, 3, "model_type", "UNIGRAM"),
    "trainer_spec.vocab_size": SpecField(TRAINER_SPEC, 4, "int", 8000),
    "trainer_spec.character_coverage": SpecField(TRAINER_SPEC, 10, "float", 0.9995),
    "trainer_spec.input_sentence_size": SpecField(TRAINER_SPEC, 11, "int", 0),
    "trainer_spec.shuffle_input_sentence": SpecField(TRAINER_SPEC, 19, "bool", True),
    "trainer_spec.max_sentence_length": SpecField(TRAINER_SPEC, 18, "int", 4192),
    "trainer_spec.num_threads": SpecField(TRAINER_SPEC, NUM_THREADS, "int", 16),
    "trainer_spec.max_sentencepiece_length": SpecField(TRAINER_SPEC, 20, "int", 16),
    "trainer_spec.split_by_unicode_script": SpecField(TRAINER_SPEC, 21, "bool", True),
    "trainer_spec.split_by_whitespace": SpecField(TRAINER_SPEC, 22, "bool", True),
    "trainer_spec.split_by_number": SpecField(TRAINER_SPEC, 23, "bool", True),
    "trainer_spec.treat_whitespace_as_suffix": SpecField(TRAINER_SPEC, 24, "bool", False),
    "trainer_spec.split_digits": SpecField(TRAINER_SPEC, 25, "bool", False),
    "trainer_spec.allow_whitespace_only_pieces": SpecField(TRAINER_SPEC, 26, "bool", False),
    "trainer_spec.byte_fallback": SpecField(TRAINER_SPEC, 35, "bool", False),
    "trainer_spec.required_chars": SpecField(TRAINER_SPEC, 36, "string", ""),
    "trainer_spec.vocabulary_output_piece_score": SpecField(TRAINER_SPEC, 32, "bool", True),
    "trainer_spec.hard_vocab_limit": SpecField(TRAINER_SPEC, 33, "bool", True),
    "trainer_spec.use_all_vocab": SpecField(TRAINER_SPEC, 34, "bool", False),
    "trainer_spec.train_extremely_large_corpus": SpecField(TRAINER_SPEC, 49, "bool", False),
    "trainer_spec.unk_id": SpecField(TRAINER_SPEC, 40, "int", 0),
    "trainer_spec.bos_id": SpecField(TRAINER_SPEC, 41, "int", 1),
    "trainer_spec.eos_id": SpecField(TRAINER_SPEC, 42, "int", 2),
    "trainer_spec.pad_id": SpecField(TRAINER_SPEC, 43, "int", -1),
    "trainer_spec.unk_piece": SpecField(TRAINER_SPEC, 45, "string", "<unk>"),
    "trainer_spec.bos_piece": SpecField(TRAINER_SPEC, 46, "string", "<s>"),
    "trainer_spec.eos_piece": SpecField(TRAINER_SPEC, 47, "string", "</s>"),
    "trainer_spec.pad_piece": SpecField(TRAINER_SPEC, 48, "string", "<pad>"),
    "trainer_spec.unk_surface": SpecField(TRAINER_SPEC, 44, "string", " \u2047 "),
    "normalizer_spec.name": SpecField(NORMALIZER_SPEC, 1, "string", ""),
    "normalizer_spec.precompiled_charsmap": SpecField(NORMALIZER_SPEC, 2, "bytes", b""),
    "normalizer_spec.add_dummy_prefix": SpecField(NORMALIZER_SPEC, 3, "bool", True),
    "normalizer_spec.remove_extra_whitespaces": SpecField(NORMALIZER_SPEC, 4, "bool", True),
    "normalizer_spec.escape_whitespaces": SpecField(NORMALIZER_SPEC, 5, "bool", True),
}
MODEL_TYPES = {1: "UNIGRAM", 2: "BPE", 3: "WORD", 4: "CHAR"}

# As reported from the released LLaMA tokenizer.model trainer_spec and normalizer_spec, printed with
# sentencepiece_model_pb2.ModelProto from meta-llama's tokenizer.model (the same file ships with Llama 2); the
# dump is quoted in huggingface/transformers and google/sentencepiece issue threads and many READMEs. Fields its
# dump does not print (escape_whitespaces) are the proto defaults. character_coverage is a float32 there
# (0.9999499917030334), compared here at float32 precision.
LLAMA_SPEC: dict[str, Any] = {
    "trainer_spec.model_type": "BPE",
    "trainer_spec.vocab_size": 32000,
    "trainer_spec.character_coverage": 0.99995,
    "trainer_spec.input_sentence_size": 200_000_000,
    "trainer_spec.shuffle_input_sentence": True,
    "trainer_spec.max_sentence_length": 4192,
    "trainer_spec.num_threads": 80,
    "trainer_spec.max_sentencepiece_length": 16,
    "trainer_spec.split_by_unicode_script": True,
    "trainer_spec.split_by_whitespace": True,
    "trainer_spec.split_by_number": True,
    "trainer_spec.treat_whitespace_as_suffix": False,
    "trainer_spec.split_digits": True,
    "trainer_spec.allow_whitespace_only_pieces": True,
    "trainer_spec.byte_fallback": True,
    "trainer_spec.required_chars": "",
    "trainer_spec.vocabulary_output_piece_score": True,
    "trainer_spec.hard_vocab_limit": True,
    "trainer_spec.use_all_vocab": False,
    "trainer_spec.train_extremely_large_corpus": False,
    "trainer_spec.unk_id": 0,
    "trainer_spec.bos_id": 1,
    "trainer_spec.eos_id": 2,
    "trainer_spec.pad_id": -1,
    "trainer_spec.unk_piece": "<unk>",
    "trainer_spec.bos_piece": "<s>",
    "trainer_spec.eos_piece": "</s>",
    "trainer_spec.pad_piece": "<pad>",
    "trainer_spec.unk_surface": " \u2047 ",
    "normalizer_spec.name": "identity",
    "normalizer_spec.precompiled_charsmap": b"",
    "normalizer_spec.add_dummy_prefix": True,
    "normalizer_spec.remove_extra_whitespaces": False,
    "normalizer_spec.escape_whitespaces": True,
}

# Why our model may differ from LLaMA's in a field; a difference in any other field is unexplained.
DIFFERENCE_REASONS = {
    "trainer_spec.vocab_size": "tokenizer.vocab_size from the recipe: LLaMA's 32,000 by default, scaled down "
    "in demos and tests",
    "trainer_spec.character_coverage": "tokenizer.character_coverage from the recipe (default LLaMA's 0.99995)",
    "trainer_spec.input_sentence_size": "we train on all of our own seeded, mixture-weighted document sample "
    "(tokenizer.sample_documents); SentencePiece's sampling would pick sentences, blind to sources",
    "trainer_spec.shuffle_input_sentence": "no effect without input_sentence_size; off so that no trainer-side "
    "randomness (std::random_device unless seeded) can enter",
    "trainer_spec.max_sentence_length": "tokenizer.max_sentence_length from the recipe: we feed documents line "
    "by line and cut longer lines to this many bytes, so none is dropped (SentencePiece skips, does not cut, "
    "longer sentences); a larger limit cuts fewer lines mid-word",
    "trainer_spec.num_threads": "training uses every core, but the model records a fixed value so its bytes "
    "do not depend on the machine (the merges do not depend on it); LLaMA's 80 is its machine's",
    "trainer_spec.hard_vocab_limit": "a small sample that supports fewer pieces trains instead of failing; "
    "a full-size sample gives exactly vocab_size pieces either way",
}


class SpecRow(NamedTuple):
    """One compared field: LLaMA's value, ours, and why ours differs (None when it matches or is unexplained)."""

    field: str
    llama: Any
    ours: Any
    reason: str | None

    @property
    def matches(self) -> bool:
        return self.llama == self.ours


def _decode(kind: str, wire: WireField) -> Any:
    value = wire.value
    if kind == "string":
        assert isinstance(value, bytes)
        return value.decode("utf-8")
    if kind == "bytes":
        return value
    assert isinstance(value, int)
    if kind == "float":  # float32: 7 significant digits, so 0.99995 reads back as 0.99995
        return float(f"{struct.unpack('<f', value.to_bytes(4, 'little'))[0]:.7g}")
    if kind == "bool":
        return bool(value)
    if kind == "model_type":
        return MODEL_TYPES.get(value, str(value))
    return value - (1 << 64) if value >= 1 << 63 else value  # int32 -1 is a 10-byte varint


def read_spec(model: bytes) -> dict[str, Any]:
    """The SPEC_FIELDS values of a serialized SentencePiece model (proto defaults where it sets none)."""
    messages: dict[int, dict[int, WireField]] = {TRAINER_SPEC: {}, NORMALIZER_SPEC: {}}
    for wire in wire_fields(model):
        if wire.number in messages and wire.wire_type == LENGTH_DELIMITED:
            assert isinstance(wire.value, bytes)
            messages[wire.number].update({f.number: f for f in wire_fields(wire.value)})  # last one wins
    values = {}
    for name, spec in SPEC_FIELDS.items():
        found = messages[spec.spec].get(spec.number)
        values[name] = spec.default if found is None else _decode(spec.kind, found)
    return values


def compare_trainer_spec(model: bytes) -> list[SpecRow]:
    """A serialized SentencePiece model's trainer_spec and normalizer_spec against LLaMA's, field by field."""
    ours = read_spec(model)
    rows = []
    for name, llama in LLAMA_SPEC.items():
        reason = None if llama == ours[name] else DIFFERENCE_REASONS.get(name)
        rows.append(SpecRow(name, llama, ours[name], reason))
    return rows


def _show(value: Any) -> str:
    """A value as proto text format prints it (true/false, quoted strings), as Markdown code."""
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bytes):
        text = f"<{len(value)} bytes>" if value else '""'
    else:
        text = str(value)
    return f"`{text}`"


def format_trainer_spec_comparison(rows: list[SpecRow]) -> str:
    """The comparison as a Markdown table (field, LLaMA, ours, why); an unexplained difference says so."""
    lines = ["| field | LLaMA | ours | why |", "|---|---|---|---|"]
    for row in rows:
        why = "" if row.matches else row.reason or "**unexplained difference**"
        lines.append(f"| {row.field} | {_show(row.llama)} | {_show(row.ours)} | {why} |")
    return "\n".join(lines) + "\n"


NORMAL, UNKNOWN, CONTROL, USER_DEFINED = 1, 2, 3, 4  # SentencePiece.Type in sentencepiece_model.proto
PIECES = 1  # ModelProto.pieces


class Piece(NamedTuple):
    piece: str
    score: float
    type: int


def model_pieces(model: bytes) -> list[Piece]:
    """The pieces of a serialized SentencePiece model, in id order (SentencePiece message: piece, score, type)."""
    pieces = []
    for entry in wire_fields(model):
        if entry.number != PIECES or entry.wire_type != LENGTH_DELIMITED:
            continue
        assert isinstance(entry.value, bytes)
        fields = {f.number: f.value for f in wire_fields(entry.value)}
        text, score, kind = fields.get(1, b""), fields.get(2, 0), fields.get(3, NORMAL)
        assert isinstance(text, bytes) and isinstance(score, int) and isinstance(kind, int)
        pieces.append(Piece(text.decode("utf-8"), struct.unpack("<f", score.to_bytes(4, "little"))[0], kind))
    return pieces
