"""The tokenize job: kept documents to token shards (`.ds` + `.ds.index`) and one dataset `manifest.json`.

Read parts -> encode (bos + pieces + eos; SentencePiece loaded once per worker) -> per-source stats -> split
(held-out validation by hash) -> tokens per (source, split) -> shard by hash -> group -> write each shard in
seeded-hash order. Every step keys on document ids, so the bytes do not depend on bundles or workers.
"""

from __future__ import annotations

import argparse
import uuid
from pathlib import PurePosixPath
from typing import Any

import apache_beam as beam
from apache_beam import pvalue

from beam_jobs.options import pipeline_options
from beam_jobs.stage import (
    DECISIONS,
    REJECTS,
    REJECTS_FILE,
    collect_counts_and_rejects,
    decide,
    print_counts,
    reject,
    write_rejects_and_counts,
)
from pipeline import __version__
from pipeline.config import Recipe, load_recipe
from pipeline.document import SOURCES
from pipeline.io import filesystem, iter_documents, join, read_json, write_json
from pipeline.manifest import StageManifest
from pipeline.rejects import Reject
from tokenization.encode import (
    DocumentEncoder,
    load_processor,
    shard_count,
    shard_name,
    shard_of,
    split_hash,
    split_of,
    tokenizer_info,
    write_shard,
)
from tokenization.inputs import find_parts, inputs_record
from tokenization.shards import (
    INDEX_SUFFIX,
    read_dataset_manifest,
    remove_dataset_files,
    write_dataset_manifest,
)

NAMESPACE = "tokenize"
ENCODED = "encoded"
SHARDS_FILE = "_shards.json"


class EncodeDocuments(beam.DoFn):
    """One Parquet part in, (source, (id, split hash, token bytes)) out; the tokenizer loads once per worker."""

    def __init__(self, tokenizer_path: str, seed: int):
        self.tokenizer_path = tokenizer_path
        self.seed = seed
        self.encoder: DocumentEncoder | None = None

    def setup(self):
        self.encoder = DocumentEncoder(load_processor(self.tokenizer_path))

    def process(self, path: str):
        row = -1
        try:
            for row, doc in enumerate(iter_documents(path, columns=["id", "source", "text"])):
                yield decide(NAMESPACE, "read")
                if doc.source not in SOURCES:
                    yield from reject(NAMESPACE, Reject(path, row, "unknown_source", doc.source, doc.id))
                    continue
                if not doc.text:
                    yield decide(NAMESPACE, "dropped:empty_text")
                    continue
                tokens = self.encoder.encode(doc.text)
                yield decide(NAMESPACE, "encoded")
                yield pvalue.TaggedOutput(
                    ENCODED, (doc.source, (doc.id, split_hash(self.seed, doc.id), tokens))
                )
        except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) or OSError
            yield from reject(NAMESPACE, Reject(path, None, "unreadable_parquet", f"after row {row}: {exc}"))


class FirstOfSource(beam.CombineFn):
    """Per source: its document count and its lowest (split hash, id), for the one-validation-document rule."""

    def create_accumulator(self):
        return 0, None

    def add_input(self, accumulator, element):
        count, first = accumulator
        return count + 1, element if first is None else min(first, element)

    def merge_accumulators(self, accumulators):
        count, first = 0, None
        for other_count, other_first in accumulators:
            count += other_count
            if other_first is not None:
                first = other_first if first is None else min(first, other_first)
        return count, first

    def extract_output(self, accumulator):
        return accumulator


class AssignSplit(beam.DoFn):
    def __init__(self, seed: int, fraction: float):
        self.seed = seed
        self.fraction = fraction

    def process(self, element, stats: dict):
        source, (doc_id, _, tokens) = element
        count, first = stats[source]
        split = split_of(self.seed, doc_id, self.fraction, first, count)
        yield decide(NAMESPACE, f"split:{split}")
        yield (source, split), (doc_id, tokens)


class WriteShard(beam.DoFn):
    def __init__(self, staging: str, token_size: int, vocab_size: int, seed: int):
        self.staging = staging
        self.token_size = token_size
        self.vocab_size = vocab_size
        self.seed = seed

    def process(self, element):
        (source, split, index, count), documents = element
        name = shard_name(source, split, index, count)
        entry = write_shard(self.staging, name, self.token_size, self.vocab_size, self.seed, documents)
        yield {**entry, "source": source, "split": split}


def _with_shard(element, totals: dict, seed: int, shard_tokens: int):
    (source, split), (doc_id, tokens) = element
    count = shard_count(totals[(source, split)], shard_tokens)
    return (source, split, shard_of(seed, doc_id, count), count), (doc_id, tokens)


def build_pipeline(
    pipeline: beam.Pipeline,
    parts: list[str],
    tokenizer_path: str,
    recipe: Recipe,
    staging: str,
    token_size: int,
    vocab_size: int,
) -> None:
    seed, config = recipe.seed, recipe.tokenize
    outputs = (
        pipeline
        | "ListParts" >> beam.Create(parts)
        | "SpreadParts" >> beam.Reshuffle()
        | "ReadAndEncode"
        >> beam.ParDo(EncodeDocuments(tokenizer_path, seed)).with_outputs(ENCODED, REJECTS, DECISIONS)
    )
    encoded = outputs[ENCODED]
    stats = (
        encoded
        | "FirstKeyPerSource" >> beam.Map(lambda kv: (kv[0], (kv[1][1], kv[1][0])))
        | "SourceStats" >> beam.CombinePerKey(FirstOfSource())
    )
    split = encoded | "AssignSplit" >> beam.ParDo(
        AssignSplit(seed, config.validation_fraction), stats=beam.pvalue.AsDict(stats)
    ).with_outputs(DECISIONS, main="documents")
    documents = split["documents"]
    totals = (
        documents
        | "TokensOf" >> beam.Map(lambda kv: (kv[0], len(kv[1][1])))
        | "TokensPerSplit" >> beam.CombinePerKey(sum)
        | "BytesToTokens" >> beam.MapTuple(lambda key, size: (key, size // token_size))
    )
    entries = (
        documents
        | "AssignShard"
        >> beam.Map(
            _with_shard, totals=beam.pvalue.AsDict(totals), seed=seed, shard_tokens=config.shard_tokens
        )
        | "GroupByShard" >> beam.GroupByKey()
        | "WriteShards" >> beam.ParDo(WriteShard(staging, token_size, vocab_size, seed))
    )
    _ = (
        entries
        | "CollectShards" >> beam.combiners.ToList()
        | "WriteShardList"
        >> beam.Map(lambda es: write_json(join(staging, SHARDS_FILE), sorted(es, key=lambda e: e["file"])))
    )
    decisions = (outputs[DECISIONS], split[DECISIONS]) | "MergeDecisions" >> beam.Flatten()
    write_rejects_and_counts(outputs[REJECTS], decisions, staging)


def tokenize_documents(
    recipe: Recipe,
    input_dirs: list[str],
    tokenizer_path: str,
    output_dir: str,
    force: bool,
    beam_args: list[str],
) -> tuple[dict, bool]:
    """Encode the documents of `input_dirs` into `output_dir`; returns the dataset manifest and whether it ran.

    Skipped (resume) when `output_dir/manifest.json` records the same inputs, tokenizer sha256, tokenize
    config and code version, unless `force`.
    """
    parts = find_parts(input_dirs)
    tokenizer = tokenizer_info(tokenizer_path)
    record = {
        "inputs": inputs_record(parts),
        "config_hash": recipe.section_hash("tokenize"),
        "tokenizer_sha256": tokenizer.sha256,
        "code_version": __version__,
    }
    existing = read_dataset_manifest(output_dir)
    if (
        not force
        and existing is not None
        and all(existing.get("extra", {}).get(k) == v for k, v in record.items())
    ):
        return existing, False
    staging = join(output_dir, f"_staging-{uuid.uuid4().hex[:8]}")
    with beam.Pipeline(options=pipeline_options(beam_args)) as pipeline:
        build_pipeline(
            pipeline, parts, tokenizer_path, recipe, staging, tokenizer.token_size, tokenizer.vocab_size
        )
    return _finalize(recipe, output_dir, staging, tokenizer, record), True


def _finalize(recipe: Recipe, output_dir: str, staging: str, tokenizer, record: dict[str, Any]) -> dict:
    """Replace the previous dataset's files with the staged ones, then write manifest.json last."""
    fs, staging_path = filesystem(staging)
    _, output_path = filesystem(output_dir)
    shards = read_json(join(staging, SHARDS_FILE)) if fs.exists(join(staging_path, SHARDS_FILE)) else []
    remove_dataset_files(output_dir)
    counts, rejects = collect_counts_and_rejects(staging, join(output_dir, REJECTS_FILE))
    for path in fs.ls(staging_path, detail=False):
        name = PurePosixPath(path).name
        if name.endswith((".ds", ".ds" + INDEX_SUFFIX)):
            fs.mv(path, join(output_path, name))
    fs.rm(staging_path, recursive=True)
    write_dataset_manifest(
        output_dir,
        tokenizer=tokenizer.path,
        tokenizer_sha256=tokenizer.sha256,
        vocab_size=tokenizer.vocab_size,
        bos_id=tokenizer.bos_id,
        eos_id=tokenizer.eos_id,
        token_size=tokenizer.token_size,
        shards=shards,
        extra={
            **record,
            "counts": counts,
            "rejects": rejects,
            "seed": recipe.seed,
            "shard_tokens": recipe.tokenize.shard_tokens,
            "validation_fraction": recipe.tokenize.validation_fraction,
        },
    )
    return read_dataset_manifest(output_dir)


def print_dataset(manifest: dict, out=None) -> None:
    """Per source and split: shards, documents and tokens."""
    print(f"{'source':<14} {'split':<10} {'shards':>6} {'documents':>12} {'tokens':>14}", file=out)
    for source, splits in manifest["totals"].items():
        for split, total in splits.items():
            shards = sum(1 for s in manifest["shards"] if s["source"] == source and s["split"] == split)
            print(
                f"{source:<14} {split:<10} {shards:>6} {total['documents']:>12,} {total['tokens']:>14,}",
                file=out,
            )


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    recipe = load_recipe(args.config) if args.config else Recipe()
    manifest, ran = tokenize_documents(recipe, args.input, args.tokenizer, args.output, args.force, beam_args)
    if not ran:
        print(
            f"tokenize: {args.output} is up to date (manifest matches inputs, tokenizer and config); --force re-runs"
        )
    extra = manifest.get("extra", {})
    print_counts(
        StageManifest(
            NAMESPACE,
            "all",
            extra.get("inputs", []),
            extra.get("config_hash", ""),
            counts=extra.get("counts", {}),
        ),
        NAMESPACE,
    )
    print_dataset(manifest)
    if extra.get("rejects"):
        print(f"tokenize: {extra['rejects']} rejects in {join(args.output, REJECTS_FILE)}")
    return 0
