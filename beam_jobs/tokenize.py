"""The tokenize job: kept documents to token shards (`.ds` + `.ds.index`) and one dataset `manifest.json`.

Read parts -> encode (bos + pieces + eos; SentencePiece loaded once per worker) -> per-source stats -> split
(held-out validation by hash) -> tokens per (source, split) -> shard by hash -> sorted runs spilled by the
workers -> each shard a streamed merge of its runs, in seeded-hash order (beam_jobs.stage.SortedParts). Every step
keys on document ids, so the bytes do not depend on bundles or workers.
"""

from __future__ import annotations

import argparse
from typing import Any

import apache_beam as beam

from beam_jobs.framework import Stage, StageRun, describe_files, print_counts, run_beam, run_one
from beam_jobs.stage import (
    COUNTS,
    DOCUMENTS,
    REJECTS,
    ReadParts,
    SortedParts,
    StageDoFn,
    WriteStageOutputs,
    merge,
)
from pipeline.config import Recipe, load_recipe
from pipeline.document import SOURCES, Document
from pipeline.io import join, read_json, write_json
from pipeline.manifest import REJECTS_DIR, StageManifest
from pipeline.rejects import Reject
from tokenization.encode import (
    DocumentEncoder,
    TokenizerInfo,
    load_processor,
    shard_count,
    shard_name,
    shard_of,
    shard_order,
    split_hash,
    split_of,
    tokenizer_info,
    write_shard,
)
from tokenization.shards import INDEX_DTYPE, INDEX_SUFFIX, read_dataset_manifest, write_dataset_manifest
from tokenization.train import MODEL_NAME

SHARDS_FILE = "_shards.json"


class EncodeDocuments(StageDoFn):
    """Documents in, (source, (id, split hash, token bytes)) out; the tokenizer loads once per worker."""

    def __init__(self, namespace: str, tokenizer_path: str, seed: int):
        super().__init__(namespace)
        self.tokenizer_path = tokenizer_path
        self.seed = seed
        self.encoder: DocumentEncoder | None = None

    def setup(self):
        super().setup()
        self.encoder = DocumentEncoder(load_processor(self.tokenizer_path))

    def handle(self, doc: Document):
        if doc.source not in SOURCES:
            yield from self.reject(Reject(self.namespace, None, "unknown_source", doc.source, doc.id))
            return
        if not doc.text:
            self.count("dropped:empty_text")
            return
        tokens = self.encoder.encode(doc.text)
        self.count("encoded")
        self.count("tokens", len(tokens) // self.encoder.dtype.itemsize)
        yield doc.source, (doc.id, split_hash(self.seed, doc.id), tokens)


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


class AssignSplit(StageDoFn):
    def __init__(self, namespace: str, seed: int, fraction: float):
        super().__init__(namespace)
        self.seed = seed
        self.fraction = fraction

    def process(self, element, stats: dict):  # a side input: not through handle()
        source, (doc_id, _, tokens) = element
        count, first = stats[source]
        split = split_of(self.seed, doc_id, self.fraction, first, count)
        self.count(f"split:{split}")
        yield (source, split), (doc_id, tokens)


class ShardOrder:
    """The sort key of (id, tokens) documents inside a shard (a seeded hash of the id)."""

    def __init__(self, seed: int):
        self.seed = seed

    def __call__(self, document: tuple[str, bytes]) -> tuple[int, str, bytes]:
        return (*shard_order(self.seed, document), document[1])  # the tokens break ties between equal ids


class WriteShardFile:
    """One shard's documents, in ShardOrder, to `.ds` + `.ds.index`; yields its dataset-manifest entry."""

    def __init__(self, folder: str, token_size: int, vocab_size: int):
        self.folder = folder
        self.token_size = token_size
        self.vocab_size = vocab_size

    def __call__(self, key: tuple[str, str, int, int], documents):
        source, split, index, count = key
        name = shard_name(source, split, index, count)
        entry = write_shard(self.folder, name, self.token_size, self.vocab_size, documents)
        yield {**entry, "source": source, "split": split}


def _token_bytes(document: tuple[str, bytes]) -> int:
    return 100 + len(document[1])


def _with_shard(element, totals: dict, seed: int, shard_tokens: int):
    (source, split), (doc_id, tokens) = element
    count = shard_count(totals[(source, split)], shard_tokens)
    return (source, split, shard_of(seed, doc_id, count), count), (doc_id, tokens)


def build_pipeline(
    pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None, tokenizer: TokenizerInfo
) -> None:
    seed, config, namespace = run.recipe.seed, run.recipe.tokenize, run.namespace
    token_size = tokenizer.token_size
    read = pipeline | "ReadParts" >> ReadParts(run.units, namespace, progress_dir, ["id", "source", "text"])
    encoded = read[DOCUMENTS] | "Encode" >> beam.ParDo(
        EncodeDocuments(namespace, tokenizer.path, seed)
    ).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
    stats = (
        encoded[DOCUMENTS]
        | "FirstKeyPerSource" >> beam.Map(lambda kv: (kv[0], (kv[1][1], kv[1][0])))
        | "SourceStats" >> beam.CombinePerKey(FirstOfSource())
    )
    split = encoded[DOCUMENTS] | "AssignSplit" >> beam.ParDo(
        AssignSplit(namespace, seed, config.validation_fraction), stats=beam.pvalue.AsDict(stats)
    ).with_outputs(COUNTS, main=DOCUMENTS)
    documents = split[DOCUMENTS]
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
        | "WriteShards"
        >> SortedParts(
            run.work,
            "shards",
            ShardOrder(seed),
            WriteShardFile(run.work, token_size, tokenizer.vocab_size),
            size_of=_token_bytes,
        )
    )
    _ = (
        entries
        | "CollectShards" >> beam.combiners.ToList()
        | "WriteShardList"
        >> beam.Map(lambda es: write_json(join(run.work, SHARDS_FILE), sorted(es, key=lambda e: e["file"])))
    )
    outputs = {
        REJECTS: merge([read[REJECTS], encoded[REJECTS]], "MergeRejects"),
        COUNTS: merge([read[COUNTS], encoded[COUNTS], split[COUNTS]], "MergeCounts"),
    }
    _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout)


def run_tokenize(run: StageRun) -> dict[str, Any]:
    """Encode the documents into token shards in run.work, then write the dataset's manifest.json there."""
    (tokenizer_path,) = run.input("tokenizer")
    tokenizer = tokenizer_info(tokenizer_model(tokenizer_path))
    record = run_beam(run, lambda pipeline, progress: build_pipeline(pipeline, run, progress, tokenizer))
    shards = read_json(join(run.work, SHARDS_FILE))
    dataset = write_dataset_manifest(
        run.work,
        tokenizer=tokenizer.path,
        tokenizer_sha256=tokenizer.sha256,
        vocab_size=tokenizer.vocab_size,
        bos_id=tokenizer.bos_id,
        eos_id=tokenizer.eos_id,
        token_size=tokenizer.token_size,
        shards=shards,
        extra={
            "seed": run.recipe.seed,
            "shard_tokens": run.recipe.tokenize.shard_tokens,
            "validation_fraction": run.recipe.tokenize.validation_fraction,
        },
    )
    # The shard writers hashed every file as they wrote it: only manifest.json is left to describe.
    written = [entry for shard in shards for entry in _shard_outputs(shard, tokenizer.token_size)]
    record["outputs"] += written + describe_files(run.work, exclude=tuple(o["file"] for o in written))
    record["documents_out"] = sum(int(s["documents"]) for s in shards)
    record["characters_out"] = 0
    totals = dataset["totals"]
    record["extra"] = {
        "tokens_by_source": {
            s: {split: t["tokens"] for split, t in splits.items()} for s, splits in totals.items()
        }
    }
    return record


def _shard_outputs(shard: dict, token_size: int) -> list[dict[str, Any]]:
    """Output entries (file, rows, bytes, sha256) of one shard's `.ds` and `.ds.index`."""
    return [
        {
            "file": shard["file"],
            "rows": shard["documents"],
            "characters": 0,
            "bytes": shard["tokens"] * token_size,
            "sha256": shard["sha256"],
        },
        {
            "file": shard["file"] + INDEX_SUFFIX,
            "rows": shard["documents"],
            "characters": 0,
            "bytes": shard["documents"] * INDEX_DTYPE.itemsize,
            "sha256": shard["index_sha256"],
        },
    ]


def tokenizer_model(directory: str) -> str:
    """The tokenizer a stage folder (or a model path) names."""
    return directory if directory.endswith(".model") else join(directory, MODEL_NAME)


def describe(manifest: StageManifest, directory: str) -> dict[str, Any]:
    return {"tokens_by_source": manifest.extra.get("tokens_by_source", {})}


TOKENIZE = Stage(
    name="tokenize",
    folder="tokens",
    consumes=("documents", "tokenizer"),
    produces=("tokens",),
    config=("tokenize",),
    code=("beam_jobs.tokenize", "tokenization.encode", "tokenization.shards"),
    run=run_tokenize,
    uses_seed=True,
    describe=describe,
)


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


def tokenize_documents(
    recipe: Recipe,
    input_dirs: list[str],
    tokenizer: str,
    output: str,
    force: bool = False,
    beam_args: list[str] | None = None,
) -> tuple[StageManifest, bool]:
    """The stage over stage folders `input_dirs` with `tokenizer` (a model file or a tokenizer stage folder)."""
    inputs = {"documents": list(input_dirs), "tokenizer": [tokenizer]}
    return run_one(TOKENIZE, recipe, inputs, output, beam_args, force)


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data tokenize --input DIR... --tokenizer MODEL --output DIR [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    stage_manifest, ran = tokenize_documents(
        recipe, args.input, args.tokenizer, args.output, args.force, beam_args
    )
    if not ran:
        print(
            f"tokenize: {args.output} is up to date (its manifest matches inputs, tokenizer and config); --force re-runs"
        )
    print_counts(stage_manifest)
    print_dataset(read_dataset_manifest(args.output))
    if stage_manifest.rejects:
        print(f"tokenize: {stage_manifest.rejects} rejects in {join(args.output, REJECTS_DIR)}/")
    return 0
