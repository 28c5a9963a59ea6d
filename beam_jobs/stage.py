"""What every stage job shares: counted decisions, the deterministic Parquet sink, rejects, the manifest and resume.

A job's DoFns emit three tagged outputs: documents (main), `rejects` and `decisions` (one reason string per
decision). Decisions also increment a Beam counter `<namespace>:<reason>` for live monitoring; the exact counts
that land in the manifest come from the decisions collection, so they are the same on every runner.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from beam_jobs.options import pipeline_options
from pipeline.document import Document
from pipeline.io import filesystem, join, read_json, write_documents, write_json, write_jsonl
from pipeline.manifest import (
    StageManifest,
    fingerprint,
    is_complete,
    part_name,
    read_manifest,
    rejects_dir,
    write_manifest,
)
from pipeline.rejects import Reject

REJECTS = "rejects"
DECISIONS = "decisions"
COUNTS_FILE = "_counts.json"  # staged by write_rejects_and_counts
REJECTS_FILE = "_rejects.jsonl"
AUTO_SHARD_INPUT_BYTES = 1 << 30  # output_shards=0: one part per GiB of input


def decide(namespace: str, reason: str) -> pvalue.TaggedOutput:
    """Count one decision: a Beam counter now, and an element that the manifest's counts are built from."""
    Metrics.counter(namespace, reason).inc()
    return pvalue.TaggedOutput(DECISIONS, reason)


def reject(namespace: str, item: Reject) -> list[pvalue.TaggedOutput]:
    """Send an unparseable input to the rejects output, counted as `rejected:<reason>`."""
    return [decide(namespace, f"rejected:{item.reason}"), pvalue.TaggedOutput(REJECTS, item)]


def shard_of(doc_id: str, num_shards: int) -> int:
    """Which part a document lands in: a hash of its id, so it never depends on bundles or workers."""
    return int.from_bytes(hashlib.sha1(doc_id.encode()).digest()[:8], "big") % num_shards


def auto_shards(input_bytes: int, requested: int) -> int:
    return requested if requested > 0 else max(1, -(-input_bytes // AUTO_SHARD_INPUT_BYTES))


class _WritePart(beam.DoFn):
    """Write one part: its documents sorted by id, so the file's bytes depend only on its contents."""

    def __init__(self, staging: str, num_shards: int):
        self.staging = staging
        self.num_shards = num_shards

    def process(self, keyed):
        index, docs = keyed
        rows = sorted((d for d in docs if d is not None), key=lambda d: d.id)
        name = part_name(index, self.num_shards)
        count = write_documents(join(self.staging, name), rows)
        yield {"file": name, "documents": count}


class WriteStageOutputs(beam.PTransform):
    """Documents to `part-NNNNN-of-MMMMM.parquet`, plus `_parts.json`, `_rejects.jsonl` and `_counts.json`."""

    def __init__(self, staging: str, num_shards: int):
        super().__init__()
        self.staging = staging
        self.num_shards = num_shards

    def expand(self, outputs):
        docs, rejects, decisions = outputs[None], outputs[REJECTS], outputs[DECISIONS]
        n, staging = self.num_shards, self.staging
        keyed = docs | "KeyByShard" >> beam.Map(lambda d: (shard_of(d.id, n), d))
        every_shard = docs.pipeline | "AllShards" >> beam.Create([(i, None) for i in range(n)])
        parts = (
            (keyed, every_shard)
            | "MergeShards" >> beam.Flatten()
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteParts" >> beam.ParDo(_WritePart(staging, n))
        )
        _ = (
            parts
            | "CollectParts" >> beam.combiners.ToList()
            | "WritePartList"
            >> beam.Map(
                lambda ps: write_json(join(staging, "_parts.json"), sorted(ps, key=lambda p: p["file"]))
            )
        )
        write_rejects_and_counts(rejects, decisions, staging)
        return parts


def write_rejects_and_counts(rejects, decisions, staging: str) -> None:
    """The two outputs every stage has, whatever it writes as its main output."""
    _ = (
        rejects
        | "CollectRejects" >> beam.combiners.ToList()
        | "WriteRejects"
        >> beam.Map(
            lambda rs: write_jsonl(
                join(staging, REJECTS_FILE), [r.to_json() for r in sorted(rs, key=Reject.sort_key)]
            )
        )
    )
    _ = (
        decisions
        | "CountReasons" >> beam.combiners.Count.PerElement()
        | "CollectCounts" >> beam.combiners.ToList()
        | "WriteCounts" >> beam.Map(lambda kvs: write_json(join(staging, COUNTS_FILE), dict(sorted(kvs))))
    )


@dataclass
class StageRun:
    """One stage over one source: where it reads and writes, and what its output depends on."""

    output: str
    stage: str
    source: str
    inputs: list[str]
    config_hash: str
    force: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def directory(self) -> str:
        return join(self.output, self.stage, self.source)

    def fingerprints(self) -> list[dict]:
        return [fingerprint(p) for p in self.inputs]


def run_stage(
    run: StageRun,
    beam_args: list[str],
    build: Callable[[beam.Pipeline, str], None],
    documents_in_reason: str = "read",
    documents_out_reason: str = "kept",
) -> tuple[StageManifest, bool]:
    """Run `build(pipeline, staging_dir)` unless a matching manifest says the stage is done.

    Returns the manifest and whether the stage ran (False: skipped on resume). Outputs are written to a
    staging folder and moved into place when the pipeline has finished; the manifest is written last.
    """
    inputs = run.fingerprints()
    if not run.force and is_complete(run.directory, inputs, run.config_hash):
        return read_manifest(run.directory), False
    staging = join(run.output, run.stage, f"_staging-{run.source}-{uuid.uuid4().hex[:8]}")
    with beam.Pipeline(options=pipeline_options(beam_args)) as pipeline:
        build(pipeline, staging)
    return _finalize(run, staging, inputs, documents_in_reason, documents_out_reason), True


def collect_counts_and_rejects(staging: str, rejects_target: str) -> tuple[dict[str, int], int]:
    """Read the staged decision counts, and move the staged rejects to `rejects_target`.

    Returns (counts, number of rejects). With no rejects, a rejects file left by an earlier run is removed,
    so what sits at `rejects_target` always belongs to the latest run.
    """
    fs, staging_path = filesystem(staging)
    counts_file = join(staging_path, COUNTS_FILE)
    counts = read_json(join(staging, COUNTS_FILE)) if fs.exists(counts_file) else {}
    _, target = filesystem(rejects_target)
    rejects, staged = 0, join(staging_path, REJECTS_FILE)
    if fs.exists(staged):
        with fs.open(staged, "rb") as handle:
            rejects = sum(1 for _ in handle)
    if rejects:
        fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        fs.mv(staged, target)
    elif fs.exists(target):
        fs.rm(target)
    return counts, rejects


def _finalize(
    run: StageRun, staging: str, inputs: list[dict], in_reason: str, out_reason: str
) -> StageManifest:
    fs, staging_path = filesystem(staging)
    counts, rejects = collect_counts_and_rejects(
        staging, join(rejects_dir(run.output, run.stage), f"{run.source}.jsonl")
    )
    parts_file = join(staging_path, "_parts.json")
    parts = read_json(join(staging, "_parts.json")) if fs.exists(parts_file) else []
    _, final_path = filesystem(run.directory)
    if fs.exists(final_path):
        fs.rm(final_path, recursive=True)
    fs.makedirs(final_path, exist_ok=True)
    for name in sorted(fs.ls(staging_path, detail=False)):
        base = name.rsplit("/", 1)[-1]
        if not base.startswith("_"):
            fs.mv(name, join(final_path, base))
    manifest = StageManifest(
        stage=run.stage,
        source=run.source,
        inputs=inputs,
        config_hash=run.config_hash,
        documents_in=int(counts.get(in_reason, 0)),
        documents_out=sum(p["documents"] for p in parts) if parts else int(counts.get(out_reason, 0)),
        counts=counts,
        outputs=parts,
        rejects=rejects,
        extra=run.extra,
    )
    write_manifest(run.directory, manifest)
    if fs.exists(staging_path):
        fs.rm(staging_path, recursive=True)
    return manifest


def print_counts(manifest: StageManifest, namespace: str, out=None) -> None:
    """The end-of-run summary: every counter of the stage, largest first."""
    out = out or sys.stdout  # looked up per call, so redirected stdout is honoured
    width = max([len(f"{namespace}:{k}") for k in manifest.counts] + [20])
    print(f"{'counter':<{width}}  {'count':>10}", file=out)
    for reason, count in sorted(manifest.counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{namespace + ':' + reason:<{width}}  {count:>10}", file=out)


__all__ = [
    "DECISIONS",
    "REJECTS",
    "Document",
    "StageRun",
    "WriteStageOutputs",
    "auto_shards",
    "decide",
    "print_counts",
    "reject",
    "run_stage",
    "shard_of",
    "write_rejects_and_counts",
]
