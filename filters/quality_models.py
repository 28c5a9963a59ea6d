"""Training CCNet's per-language quality models: a SentencePiece unigram model and a KenLM n-gram model on it.

As cc_net's Makefile does it (RECIPE.md §2.5), for one language:

1. Corpus. Each raw Wikipedia line (paragraph) is normalized with cc_net's `normalize`; empty lines go. The
   normalized lines stream to a temporary file, counted and hashed on the way (the corpus is never held).
2. SentencePiece. A unigram model (character_coverage 0.9995) is trained on that file, fed line by line, with
   the deterministic settings of tokenization/train.py (one thread, no shuffle, every sentence). The
   vocabulary is `vocab_size_for` the corpus unless given, as a soft limit (hard_vocab_limit False): a small
   corpus gets the pieces it supports instead of cc_net's failure and retry with 40,000.
3. KenLM. The corpus, encoded as space-joined pieces a line at a time, streams into
   `lmplz -o ORDER -S MEMORY -T TMP --discount_fallback`; its ARPA file goes through `build_binary` (probing,
   the default) into `<language>.arpa.bin`.
4. Files. `<language>.sp.model` and `<language>.arpa.bin` are renamed into the folder atomically; the corpus
   and the ARPA file are temporary and removed. The same input gives byte-identical files: the SentencePiece
   model is written from memory (fed by iterator, so no input path is recorded in it), lmplz's estimation
   does not depend on its memory or temporary folder, and build_binary's probing output is a function of the
   ARPA file alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sentencepiece as spm

from filters.text_normalizer import normalize
from pipeline.errors import UserError
from pipeline.io import atomic_name, copy_atomic, is_remote, join, write_atomic

SP_SUFFIX = ".sp.model"
LM_SUFFIX = ".arpa.bin"
MAX_VOCAB = 65_536  # cc_net's vocabulary on 1M Wikipedia documents
MIN_VOCAB = 1_000  # well past the ~100 characters of a Latin or Cyrillic alphabet
VOCAB_PER_SQRT_CHARACTER = 1.5  # see vocab_size_for
ENCODE_BATCH = 1_000  # lines per SentencePiece encode call


def model_files(language: str) -> tuple[str, str]:
    """(SentencePiece file name, KenLM file name) of a language, as cc_net names them."""
    return f"{language}{SP_SUFFIX}", f"{language}{LM_SUFFIX}"


def find_tool(name: str) -> str:
    """A KenLM tool: the one built next to this Python (the venv's bin), else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    raise UserError(f"{name} not found: `make install` builds KenLM's tools into .venv/bin")


def vocab_size_for(characters: int) -> int:
    """A vocabulary scaled to the corpus: 1.5 * sqrt(characters) pieces (vocabularies grow like the square
    root of the text, Heaps' law), rounded down to a multiple of 8 and kept within [1,000, 65,536].

    The factor is measured, not cc_net's: on this repository's enwiki samples (6.8M characters) about 4,000
    pieces separated held-out Wikipedia from CommonCrawl paragraphs best (AUC 0.80, against 0.73 at 1,000,
    0.73 at 10,500 and 0.72 at 20,000; 4,000 also beat 10,500 on three other hold-out draws). So a few
    hundred KB gets the floor of 1,000, which the unigram trainer fills from that much text; 100M characters
    get 15,000; the cap, cc_net's 65,536 on its 1M Wikipedia documents, comes at 1.9G characters.
    Reproducing cc_net's models means passing vocab_size=65536. Lines do not enter the rule: how a dump breaks
    paragraphs into lines says nothing of its vocabulary."""
    size = int(VOCAB_PER_SQRT_CHARACTER * math.sqrt(max(characters, 0))) // 8 * 8
    return max(MIN_VOCAB, min(MAX_VOCAB, size))


def sentencepiece_arguments(vocab_size: int) -> dict[str, Any]:
    """The exact SentencePieceTrainer arguments: cc_net's model, tokenization/train.py's determinism."""
    return {
        "model_type": "unigram",  # cc_net's Makefile
        "vocab_size": vocab_size,
        "character_coverage": 0.9995,  # cc_net's Makefile
        "hard_vocab_limit": False,  # a small corpus gets the pieces it supports, never a failure
        "input_sentence_size": 0,  # every line of the corpus: no sampling inside SentencePiece
        "shuffle_input_sentence": False,  # no trainer-side randomness
        "num_threads": 1,  # recorded in the model, and one thread keeps the EM steps in one order
        "minloglevel": 2,  # SentencePiece's progress log off
    }


def lmplz_arguments(order: int, memory: str) -> list[str]:
    """lmplz's arguments after the tool name (the temporary folder follows as `-T <tmp>`)."""
    return ["-o", str(order), "-S", memory, "--discount_fallback"]


def train_language_model(
    language: str,
    lines: Iterable[str],
    directory: str,
    *,
    order: int = 5,
    vocab_size: int | None = None,
    memory: str = "10%",
    tmp_dir: str | None = None,
) -> dict[str, Any]:
    """Train `<language>.sp.model` and `<language>.arpa.bin` into `directory` from raw text lines; returns the
    manifest entry (counts, corpus hash, vocabulary asked and obtained, the tools' arguments, file hashes)."""
    lmplz, build_binary = find_tool("lmplz"), find_tool("build_binary")  # fail before any work
    sp_name, lm_name = model_files(language)
    with tempfile.TemporaryDirectory(prefix=f"quality-{language}-", dir=tmp_dir) as work:
        corpus = os.path.join(work, "corpus.txt")
        count, characters, corpus_sha256 = _write_corpus(lines, corpus)
        if count == 0:
            raise UserError(f"quality model {language}: the corpus is empty after normalization")
        asked = vocab_size if vocab_size is not None else vocab_size_for(characters)
        sp_arguments = sentencepiece_arguments(asked)
        model = io.BytesIO()
        try:
            spm.SentencePieceTrainer.train(
                sentence_iterator=_read_lines(corpus), model_writer=model, **sp_arguments
            )
        except RuntimeError as exc:
            raise UserError(
                f"quality model {language}: SentencePiece could not train on {count} lines "
                f"({_one_line(str(exc))}); give it more text"
            ) from None
        model_bytes = model.getvalue()
        processor = spm.SentencePieceProcessor(model_proto=model_bytes)
        arpa = os.path.join(work, "lm.arpa")
        lm_arguments = lmplz_arguments(order, memory)
        _estimate(lmplz, [*lm_arguments, "-T", work], processor, corpus, arpa, f"{language} ({count} lines)")
        lm_file = _binarize(build_binary, arpa, join(directory, lm_name), work, language)
        os.remove(arpa)
        write_atomic(join(directory, sp_name), model_bytes)
        files = {
            sp_name: {"bytes": len(model_bytes), "sha256": hashlib.sha256(model_bytes).hexdigest()},
            lm_name: lm_file,
        }
    return {
        "language": language,
        "lines": count,
        "characters": characters,
        "corpus_sha256": corpus_sha256,
        "order": order,
        "vocab_size_requested": asked,
        "vocab_size": processor.get_piece_size(),
        "sentencepiece_arguments": sp_arguments,
        "lmplz_arguments": ["lmplz", *lm_arguments, "-T", "<tmp>"],
        "build_binary_arguments": ["build_binary", "<arpa>", lm_name],
        "files": files,
    }


def _write_corpus(lines: Iterable[str], path: str) -> tuple[int, int, str]:
    """Normalized non-empty lines to `path`, one per line; (lines, characters, sha256 of the file)."""
    digest = hashlib.sha256()
    count = characters = 0
    with open(path, "wb") as handle:
        for raw in lines:
            for part in raw.split("\n"):  # a "line" holding newlines is several lines
                line = normalize(part)
                if not line:
                    continue
                data = (line + "\n").encode("utf-8")
                handle.write(data)
                digest.update(data)
                count += 1
                characters += len(line)
    return count, characters, digest.hexdigest()


def _read_lines(path: str) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")


def _estimate(
    lmplz: str,
    arguments: list[str],
    processor: spm.SentencePieceProcessor,
    corpus: str,
    arpa: str,
    what: str,
) -> None:
    """Stream the corpus, as pieces, into lmplz; its ARPA output to `arpa`. stderr goes to a file, so a
    chatty lmplz cannot block on a full pipe while we write to it."""
    log_path = arpa + ".log"
    with open(arpa, "wb") as out, open(log_path, "wb") as log:
        process = subprocess.Popen([lmplz, *arguments], stdin=subprocess.PIPE, stdout=out, stderr=log)
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # lmplz stopped early: its status and log say why
            batch: list[str] = []
            for line in _read_lines(corpus):
                batch.append(line)
                if len(batch) == ENCODE_BATCH:
                    process.stdin.write(_pieces(processor, batch))
                    batch = []
            if batch:
                process.stdin.write(_pieces(processor, batch))
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        returncode = process.wait()
    if returncode != 0:
        message = _last_error(Path(log_path).read_text(errors="replace"))
        raise UserError(
            f"quality model {what}: lmplz failed ({message}); "
            f"if the corpus is too small for an order-{arguments[1]} model, give it more text"
        )


def _pieces(processor: spm.SentencePieceProcessor, lines: list[str]) -> bytes:
    encoded = processor.encode(lines, out_type=str)
    return "".join(" ".join(pieces) + "\n" for pieces in encoded).encode("utf-8")


def _binarize(build_binary: str, arpa: str, target: str, work: str, language: str) -> dict[str, Any]:
    """build_binary the ARPA file into `target`: straight into a temporary name beside a local target, or in
    the work folder and then copied to a remote one; returns the file's bytes and sha256."""

    def run(output: str) -> dict[str, Any]:
        result = subprocess.run([build_binary, arpa, output], capture_output=True, check=False)
        if result.returncode != 0:
            message = _last_error(result.stderr.decode(errors="replace"))
            raise UserError(f"quality model {language}: build_binary failed ({message})")
        return {"bytes": os.path.getsize(output), "sha256": _sha256_file(output)}

    if not is_remote(target):
        with atomic_name(target) as temp:
            return run(temp)
    local = os.path.join(work, "lm.arpa.bin")
    entry = run(local)
    copy_atomic(local, target, sha256=entry["sha256"])
    return entry


def _last_error(log: str) -> str:
    """The most telling line of a KenLM tool's log: the last one naming an error, else the last line."""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if "error" in line.lower() or "exception" in line.lower():
            return line
    return lines[-1] if lines else "no message"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sha256_file(path: str, chunk: int = 8 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while data := handle.read(chunk):
            digest.update(data)
    return digest.hexdigest()
