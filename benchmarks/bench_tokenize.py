"""Tokenization throughput on real text: the Beam tokenize job against SentencePiece's own encode loop, and the
mixture sampler. Prints tokens/s and MB/s per core side by side, and their ratio, in one run.

Text: Project Gutenberg books and the C4 sample from ../shared/data (skipped when absent), copied into a
temporary stage folder only for the run.

    python benchmarks/bench_tokenize.py [--data ../shared/data] [--vocab-size 8000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import sentencepiece as spm

from beam_jobs.tokenize import tokenize_documents
from pipeline.config import recipe_from_dict
from pipeline.document import Document, make_doc_id
from pipeline.io import write_documents
from pipeline.manifest import part_name
from tokenization.sampler import MixtureSampler
from tokenization.shards import TokenDataset
from tokenization.train import train_tokenizer

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PARTS_PER_SOURCE = 4


def load_documents(data: Path, repeat: int) -> list[Document]:
    """Each Gutenberg file is one `books` document; each C4/CCNet JSON line one `c4` document; `repeat` copies
    (distinct ids) make the job long enough that the runner's start-up does not dominate."""
    docs = []
    for copy in range(repeat):
        for path in sorted((data / "gutenberg").glob("*/*.txt")):
            text = path.read_text(encoding="utf-8")
            docs.append(Document(id=make_doc_id("books", path.name, copy), source="books", text=text))
        for path in sorted((data / "c4").glob("*.jsonl")):
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle):
                    doc_id = make_doc_id("c4", path.name, f"{copy}/{number}")
                    docs.append(Document(id=doc_id, source="c4", text=json.loads(line)["text"]))
    return docs


def write_stage(docs: list[Document], root: Path) -> None:
    for source in sorted({d.source for d in docs}):
        mine = [d for d in docs if d.source == source]
        for part in range(PARTS_PER_SOURCE):
            write_documents(
                str(root / source / part_name(part, PARTS_PER_SOURCE)), mine[part::PARTS_PER_SOURCE]
            )


def encode_floor(model: str, docs: list[Document]) -> tuple[int, float]:
    """SentencePiece's own encode loop over the same texts, one core: tokens (with bos/eos) and seconds."""
    processor = spm.SentencePieceProcessor(model_file=model)
    started = time.perf_counter()
    tokens = sum(len(processor.encode(d.text)) + 2 for d in docs)
    return tokens, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seq-len", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=4, help="copies of the text (distinct ids)")
    args = parser.parse_args()
    if not (args.data / "gutenberg").is_dir() and not (args.data / "c4").is_dir():
        print(f"skipped: no gutenberg/ or c4/ under {args.data}")
        return 0
    docs = load_documents(args.data, args.repeat)
    megabytes = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    print(
        f"load average at start (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    sources = ", ".join(sorted({d.source for d in docs}))
    print(
        f"text: {len(docs)} documents, {megabytes:.2f} MB ({sources}; {args.repeat} copies) from {args.data}"
    )
    recipe = recipe_from_dict(
        {
            "seed": 0,
            "tokenizer": {"vocab_size": args.vocab_size, "sample_documents": 100_000},
            "tokenize": {"shard_tokens": 200_000, "validation_fraction": 0.01},
        }
    )
    with tempfile.TemporaryDirectory(prefix="bench-tokenize-") as tmp:
        root = Path(tmp)
        write_stage(docs, root / "ingest")
        started = time.perf_counter()
        model = train_tokenizer(recipe, [str(root / "ingest")], str(root / "tokenizer"))
        pieces = spm.SentencePieceProcessor(model_file=model).get_piece_size()
        print(
            f"train-tokenizer: {pieces} pieces (asked {args.vocab_size}), {time.perf_counter() - started:.1f} s on {megabytes:.2f} MB"
        )

        floor_tokens, floor_seconds = encode_floor(model, docs)
        floor_rate = floor_tokens / floor_seconds
        rows = [("sentencepiece encode loop (floor)", 1, floor_tokens, floor_seconds)]
        write_stage(docs[:1], root / "one")
        started = time.perf_counter()
        tokenize_documents(
            recipe,
            [str(root / "one")],
            model,
            str(root / "tokens-one"),
            True,
            ["--direct_num_workers=1", "--direct_running_mode=in_memory"],
        )
        print(f"beam job fixed cost (one document, in_memory): {time.perf_counter() - started:.2f} s")
        runs = [("beam job, in_memory", 1, ["--direct_num_workers=1", "--direct_running_mode=in_memory"])]
        if args.workers > 1:
            runs.append(
                (
                    f"beam job, multi_processing x{args.workers}",
                    args.workers,
                    [f"--direct_num_workers={args.workers}", "--direct_running_mode=multi_processing"],
                )
            )
        for label, cores, beam_args in runs:
            started = time.perf_counter()
            manifest, _ = tokenize_documents(
                recipe, [str(root / "ingest")], model, str(root / f"tokens-{cores}"), True, beam_args
            )
            seconds = time.perf_counter() - started
            tokens = sum(s["tokens"] for s in manifest["shards"])
            rows.append((label, cores, tokens, seconds))

        print(
            f"\n{'encode + write':<38} {'cores':>5} {'tokens':>10} {'seconds':>8} {'tok/s/core':>11} {'MB/s/core':>10} {'vs floor':>8}"
        )
        for label, cores, tokens, seconds in rows:
            per_core = tokens / seconds / cores
            print(
                f"{label:<38} {cores:>5} {tokens:>10,} {seconds:>8.2f} {per_core:>11,.0f} "
                f"{megabytes / seconds / cores:>10.3f} {per_core / floor_rate:>8.2f}"
            )

        dataset = TokenDataset.open(str(root / "tokens-1"))
        weights = {s: 1.0 for s in dataset.sources()}
        sampler = MixtureSampler(dataset, weights, seq_len=args.seq_len, seed=0)
        batch, batches = 64, 50
        sampler.batch(0, batch)
        started = time.perf_counter()
        for step in range(batches):
            sampler.batch(step * batch, batch)
        seconds = time.perf_counter() - started
        rate = batch * batches / seconds
        print(
            f"\nsampler: {rate:,.0f} sequences/s of {args.seq_len + 1} tokens ({rate * (args.seq_len + 1) / 1e6:.1f} M tokens/s), "
            f"batches of {batch}, one core, sources {', '.join(dataset.sources())}"
        )
    print(f"load average at end (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
