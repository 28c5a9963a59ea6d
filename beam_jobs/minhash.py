"""The minhash stage: near-duplicate documents removed with MinHash LSH, clusters written for inspection.

ReadParts (this source's documents) + ReadReference (other sources' documents and reference folders: compared
    with, never changed)
 -> Sign (batches: shingles, vectorized signatures and band keys; filters/minhash.py) -> members (node,
    signature, rank), band entries ((band, band key) -> (rank, node)), shingle-hash sets
 -> Buckets (GroupByKey of the band entries) -> LinkToSmallest: each member of a bucket is linked to
    the bucket's smallest node, so a bucket of thousands of identical pages gives as many edges, never n^2
 -> Verify (minhash.verify): each edge joined with both documents' shingle-hash sets (exact) or signatures
    (estimated), kept when their Jaccard >= threshold; the bands are then chosen with false positives weighted
    0.05, since a false positive costs only this check
 -> Components: min-label propagation over the undirected edges, `max_rounds` rounds unrolled in the graph;
    a label that still changes in the last round fails the stage (one line: raise minhash.max_rounds)
 -> Clusters: members grouped by their label; the kept member is a reference document if the cluster has one
    (then no new document of it is kept), else the lowest id or the best quality (lowest perplexity)
 -> `clusters` side output (id, cluster, kept, reference, jaccard_to_kept), and the decisions joined back to
    the documents: duplicates dropped (`duplicate`, `duplicate_of_reference`), the rest kept with
    signals["minhash_cluster_size"].
No worker holds all edges or all signatures: every step is a shuffle keyed by node, bucket or cluster.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, NamedTuple

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam import pvalue

from beam_jobs.framework import Stage, StageRun, run_beam, run_documents_command
from beam_jobs.stage import (
    COUNTS,
    DOCUMENTS,
    REJECTS,
    ReadParts,
    SideOutput,
    StageDoFn,
    WriteStageOutputs,
    describe_exception,
    merge,
)
from filters.minhash import (
    MinHasher,
    band_keys_batch,
    describe_bands,
    estimated_jaccard,
    hash_set,
    hash_set_containment,
    hash_set_jaccard,
    optimal_bands,
    text_hashes,
)
from pipeline.config import MinhashConfig, Recipe, load_recipe
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import find_parts, resolve_path
from pipeline.rejects import Reject

# Node keys: "n:<id>" for this source's documents, "r:<id>" for what it is compared with.
NEW, REFERENCE = "n", "r"
BANDS = "bands"  # Sign's band entries: ((band, band key), (rank, node))
SHINGLES = "shingles"  # Sign's side output for exact verification: (node, its sorted unique shingle hashes)
SIGN_BATCH = 256  # documents per vectorized signature batch
CLUSTERS = SideOutput(
    "clusters",
    pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("cluster", pa.string(), nullable=False),  # the id of the document kept for the cluster
            pa.field("kept", pa.bool_(), nullable=False),
            pa.field("reference", pa.bool_(), nullable=False),  # a document compared with, never changed
            pa.field("size", pa.int64(), nullable=False),
            pa.field("jaccard_to_kept", pa.float64(), nullable=False),  # estimated from the signatures
        ]
    ),
    sort_key=lambda row: (row["cluster"], row["id"], row["reference"]),
    part_key=lambda row: row["cluster"],
)


class Member(NamedTuple):
    node: str  # "n:<id>" or "r:<id>"
    rank: tuple  # smaller is kept: (not reference, quality, id)
    signature: bytes


CHECKED_FALSE_POSITIVE_WEIGHT = (
    0.05  # with verification a false positive costs a check, a false negative a miss
)


def bands_of(config: MinhashConfig) -> tuple[int, int]:
    """The recipe's bands x rows, else datasketch's choice for the threshold (false positives weighted less when
    candidates are verified)."""
    if config.bands:
        return config.bands, config.rows
    weight = 0.5 if config.verify == "none" else CHECKED_FALSE_POSITIVE_WEIGHT
    return optimal_bands(config.candidates or config.threshold, config.num_perm, weight, 1.0 - weight)


def _rank(document: Document, reference: bool, keep: str) -> tuple:
    """Smaller is kept: a reference first, then (keep: quality) the lowest perplexity or (keep: longest) the
    longest text, then the lowest id."""
    quality = 0.0
    if keep == "quality":
        quality = document.perplexity if document.perplexity is not None else float("inf")
    elif keep == "longest":
        quality = -float(len(document.text))
    return (not reference, quality, document.id)


class Sign(StageDoFn):
    """A batch of documents -> one Member per document with shingles (signatures computed together), its band
    entries ((band, band key), (rank, node)) and, for exact verification, its shingle-hash set."""

    def __init__(self, namespace: str, config: MinhashConfig, kind: str):
        super().__init__(namespace)
        self.config = config
        self.kind = kind
        self.bands, self.rows = bands_of(config)
        self.hasher: MinHasher | None = None

    def setup(self):
        super().setup()
        self.hasher = MinHasher(self.config.num_perm, self.config.seed, self.config.hash)

    def handle(self, batch: list[Document]):
        config, reference = self.config, self.kind == REFERENCE
        signed, hashes = [], []
        for document in batch:
            try:
                shingle_set = text_hashes(document.text, config.ngram, config.digits, config.hash)
            except Exception as exc:  # one bad document is one reject, never its batch
                yield from self.reject(
                    Reject(self.namespace, None, "exception", describe_exception(exc), document.id)
                )
                continue
            if not len(shingle_set):
                self.count("reference:no_shingles" if reference else "no_shingles")
                continue
            signed.append(document)
            hashes.append(shingle_set)
        if not signed:
            return
        signatures = self.hasher.signatures(hashes)
        band_keys = band_keys_batch(signatures, self.bands, self.rows)
        for document, signature, keys, shingle_set in zip(signed, signatures, band_keys, hashes, strict=True):
            self.count("reference:signed" if reference else "signed")
            member = Member(
                f"{self.kind}:{document.id}",
                _rank(document, reference, config.keep),
                signature.astype(np.uint32).tobytes(),
            )
            yield member
            for band, key in enumerate(keys.tolist()):  # only what linking needs crosses the bucket shuffle
                yield pvalue.TaggedOutput(BANDS, ((band, key), (member.rank, member.node)))
            if config.verify == "exact":
                yield pvalue.TaggedOutput(SHINGLES, (member.node, hash_set(shingle_set).tobytes()))

    def locate(self, element):
        return self.namespace, None, element[0].id if element else None


def _link_to_smallest(element) -> Iterator[tuple[str, str]]:
    """A bucket's members, each linked to the smallest (by rank): a star, n-1 edges however large the bucket."""
    _, entries = element
    unique = dict((node, rank) for rank, node in entries)
    if len(unique) < 2:
        return
    smallest = min(unique, key=lambda node: (unique[node], node))
    for node in sorted(unique):
        if node != smallest:
            yield (node, smallest) if node < smallest else (smallest, node)


def _hash_set_jaccard(a: bytes, b: bytes) -> float:
    return hash_set_jaccard(np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32))


def _hash_set_containment(a: bytes, b: bytes) -> float:
    return hash_set_containment(np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32))


def _signature_jaccard(a: bytes, b: bytes) -> float:
    return estimated_jaccard(np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32))


class Verify(StageDoFn):
    """An edge whose two documents are under `threshold` (Jaccard, exact or estimated, or the exact containment of
    the smaller in the larger) is no near-duplicate."""

    def __init__(self, namespace: str, threshold: float, exact: bool, overlap: str = "jaccard"):
        super().__init__(namespace)
        self.threshold = threshold
        if overlap == "containment":
            self.similarity = _hash_set_containment
        else:
            self.similarity = _hash_set_jaccard if exact else _signature_jaccard

    def handle(self, element):
        edge, ends = element  # ends: (node, payload) of the edge's two documents
        payloads = dict(ends)
        if len(payloads) != 2:
            return
        a, b = edge
        if self.similarity(payloads[a], payloads[b]) >= self.threshold:
            self.count("edges_verified")
            yield edge
        else:
            self.count("edges_rejected")

    def locate(self, element):
        return self.namespace, None, str(element[0])


def _ends(edge: tuple[str, str]) -> Iterator[tuple[str, tuple[str, str]]]:
    yield edge[0], edge
    yield edge[1], edge


def _payload_to_edges(element) -> Iterator[tuple[tuple[str, str], tuple[str, bytes]]]:
    """A node's payload to each of its edges: every payload crosses the join once, then only along edges."""
    node, grouped = element
    for payload in grouped["payload"]:
        for edge in grouped["edge"]:
            yield edge, (node, payload)


def _undirected(edge: tuple[str, str]) -> Iterator[tuple[str, str]]:
    a, b = edge
    yield a, b
    yield b, a


def _initial_state(element) -> tuple[str, tuple[str, list[str]]]:
    """(node, (label, neighbours)): a node starts labelled with the smallest of itself and its neighbours."""
    node, neighbours = element
    neighbours = sorted(set(neighbours))
    return node, (min(node, neighbours[0]), neighbours)


def _send_labels(element) -> Iterator[tuple[str, tuple[str, list[str] | None]]]:
    """A node's state to itself, and its label to every neighbour (min-label propagation)."""
    node, (label, neighbours) = element
    yield node, (label, neighbours)
    for neighbour in neighbours:
        yield neighbour, (label, None)


def _receive_labels(element) -> tuple[str, tuple[str, list[str]]]:
    node, messages = element
    neighbours: list[str] = []
    label = node
    for received, adjacent in messages:
        label = min(label, received)
        if adjacent is not None:
            neighbours = adjacent
    return node, (label, neighbours)


def _changed(element) -> Iterator[str]:
    node, grouped = element
    if set(grouped["before"]) != set(grouped["after"]):
        yield node


def components(edges, max_rounds: int):
    """(node, label) for every node of the edge graph: the smallest node of its connected component, after
    `max_rounds` rounds of min-label propagation (one shuffle each: a node's state travels with the labels it
    receives); also the nodes whose label changed in the last round."""
    state = (
        edges
        | "Undirected" >> beam.FlatMap(_undirected)
        | "Neighbours" >> beam.GroupByKey()
        | "InitialState" >> beam.Map(_initial_state)
    )
    previous = state
    for i in range(max_rounds):
        previous = state
        state = state | f"Send{i}" >> beam.FlatMap(_send_labels) | f"Receive{i}" >> beam.GroupByKey()
        state = state | f"Relabel{i}" >> beam.Map(_receive_labels)
    labels = state | "Labels" >> beam.Map(lambda kv: (kv[0], kv[1][0]))
    changed = (
        {"before": previous | "PreviousLabels" >> beam.Map(lambda kv: (kv[0], kv[1][0])), "after": labels}
        | "CompareLastRound" >> beam.CoGroupByKey()
        | "Changed" >> beam.FlatMap(_changed)
    )
    return labels, changed


class Decide(StageDoFn):
    """One cluster's members -> its rows for the `clusters` table, and each new member's fate."""

    def handle(self, element):
        label, members = element
        members = sorted({m.node: m for m in members}.values(), key=lambda m: (m.rank, m.node))
        keeper = members[0]
        keeper_signature = np.frombuffer(keeper.signature, dtype=np.uint32)
        cluster_id = keeper.node.split(":", 1)[1]
        has_reference = keeper.node.startswith(REFERENCE)
        for member in members:
            kind, doc_id = member.node.split(":", 1)
            kept = member is keeper
            jaccard = estimated_jaccard(np.frombuffer(member.signature, dtype=np.uint32), keeper_signature)
            yield pvalue.TaggedOutput(
                CLUSTERS.name,
                {
                    "id": doc_id,
                    "cluster": cluster_id,
                    "kept": kept,
                    "reference": kind == REFERENCE,
                    "size": len(members),
                    "jaccard_to_kept": round(float(jaccard), 6),
                },
            )
            if kind == NEW:
                fate = "kept" if kept else ("duplicate_of_reference" if has_reference else "duplicate")
                yield doc_id, (fate, len(members))
        self.count("clusters")
        self.count("clustered_documents", len(members))

    def locate(self, element):
        return self.namespace, None, str(element[0])


class Apply(StageDoFn):
    """A document and its cluster's decision: dropped as a duplicate, or kept with its cluster size."""

    def handle(self, element):
        _, grouped = element
        decisions = grouped["decision"]
        for document in grouped["document"]:
            fate, size = decisions[0] if decisions else ("kept", 1)
            if fate != "kept":
                self.count(fate)
                continue
            self.count("kept")
            yield replace(document, signals={**document.signals, "minhash_cluster_size": float(size)})

    def locate(self, element):
        return self.namespace, None, str(element[0])


def _batches(label: str):
    return label >> beam.BatchElements(min_batch_size=SIGN_BATCH, max_batch_size=SIGN_BATCH)


def run_minhash(run: StageRun) -> dict[str, Any]:
    config = run.recipe.minhash.for_source(run.source)
    bands, rows = bands_of(config)
    references = run.input("against") + reference_folders(run.recipe)
    reference_parts = find_parts(references) if references else []
    print(
        f"{run.namespace}: {describe_bands(config.candidates or config.threshold, bands, rows)}",
        file=sys.stderr,
    )

    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        documents = read[DOCUMENTS]
        new = (
            documents
            | _batches("BatchNew")
            | "SignNew"
            >> beam.ParDo(Sign(run.namespace, config, NEW)).with_outputs(
                REJECTS, COUNTS, BANDS, SHINGLES, main="m"
            )
        )
        rejects, counts = [read[REJECTS], new[REJECTS]], [read[COUNTS], new[COUNTS]]
        members, band_entries, shingle_sets = [new["m"]], [new[BANDS]], [new[SHINGLES]]
        if reference_parts:
            refs = pipeline | "ReadReference" >> ReadParts(
                reference_parts, f"{run.namespace}/reference", None
            )
            signed = (
                refs[DOCUMENTS]
                | _batches("BatchReference")
                | "SignReference"
                >> beam.ParDo(Sign(run.namespace, config, REFERENCE)).with_outputs(
                    REJECTS, COUNTS, BANDS, SHINGLES, main="m"
                )
            )
            members.append(signed["m"])
            band_entries.append(signed[BANDS])
            shingle_sets.append(signed[SHINGLES])
            rejects += [refs[REJECTS], signed[REJECTS]]
            # the reference's own reads are not this stage's input: count them under their own names
            counts.append(
                refs[COUNTS] | "RenameReferenceCounts" >> beam.Map(lambda kv: (f"reference:{kv[0]}", kv[1]))
            )
            counts.append(signed[COUNTS])
        every = merge(members, "AllMembers")
        edges = (
            merge(band_entries, "AllBandEntries")
            | "Buckets" >> beam.GroupByKey()
            | "LinkToSmallest" >> beam.FlatMap(_link_to_smallest)
            | "DistinctEdges" >> beam.Distinct()
        )
        if config.verify == "exact":
            signatures = merge(shingle_sets, "AllShingleSets")
        else:
            signatures = every | "SignatureByNode" >> beam.Map(lambda m: (m.node, m.signature))
        if config.verify != "none":
            verified = (
                {"edge": edges | "EdgeEnds" >> beam.FlatMap(_ends), "payload": signatures}
                | "JoinPayloads" >> beam.CoGroupByKey()
                | "PayloadToEdges" >> beam.FlatMap(_payload_to_edges)
                | "EdgeWithEnds" >> beam.GroupByKey()
                | "Verify"
                >> beam.ParDo(
                    Verify(run.namespace, config.threshold, config.verify == "exact", config.overlap)
                ).with_outputs(REJECTS, COUNTS, main="e")
            )
            edges = verified["e"]
            rejects.append(verified[REJECTS])
            counts.append(verified[COUNTS])
        labels, changed = components(edges, config.max_rounds)
        unconverged = changed | "Unconverged" >> beam.Map(lambda node: ("unconverged", 1))
        decided = (
            {"label": labels, "member": every | "MemberByNode" >> beam.Map(lambda m: (m.node, m))}
            | "JoinLabels" >> beam.CoGroupByKey()
            | "ByCluster" >> beam.FlatMap(_by_cluster)
            | "Clusters" >> beam.GroupByKey()
            | "Decide"
            >> beam.ParDo(Decide(run.namespace)).with_outputs(REJECTS, COUNTS, CLUSTERS.name, main="d")
        )
        applied = (
            {
                "document": documents | "DocumentById" >> beam.Map(lambda d: (d.id, d)),
                "decision": decided["d"],
            }
            | "JoinDecisions" >> beam.CoGroupByKey()
            | "Apply" >> beam.ParDo(Apply(run.namespace)).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        )
        outputs = {
            DOCUMENTS: applied[DOCUMENTS],
            CLUSTERS.name: decided[CLUSTERS.name],
            REJECTS: merge([*rejects, decided[REJECTS], applied[REJECTS]], "MergeRejects"),
            COUNTS: merge([*counts, unconverged, decided[COUNTS], applied[COUNTS]], "MergeCounts"),
        }
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout, (CLUSTERS,))

    record = run_beam(run, build)
    if record["counts"].pop("unconverged", 0):
        raise UserError(
            f"{run.namespace}: the clusters did not converge in minhash.max_rounds={config.max_rounds} rounds "
            "of label propagation; raise it"
        )
    record["extra"] = {"bands": bands, "rows": rows, "threshold": config.threshold}
    return record


def reference_folders(recipe: Recipe) -> list[str]:
    """`minhash.reference`, each taken from the recipe's folder when relative."""
    return [resolve_path(folder, recipe.folder) for folder in recipe.minhash.reference]


def _by_cluster(element) -> Iterator[tuple[str, Member]]:
    """Members that are in the edge graph go to their label's cluster; the others are no cluster at all."""
    _, grouped = element
    for label in grouped["label"]:
        for member in grouped["member"]:
            yield label, member


MINHASH = Stage(
    name="minhash",
    folder="minhash",
    consumes=("documents",),
    optional=("against",),
    produces=("documents",),
    config=("minhash", "execution.output_shards"),
    code=("beam_jobs.minhash", "filters.minhash"),
    run=run_minhash,
    per_source=True,
    sources=lambda recipe: recipe.minhash.sources,
    inputs_from={"against": lambda recipe: recipe.minhash.against},
    extra_inputs=lambda run: [p for folder in reference_folders(run.recipe) for p in find_parts([folder])],
)


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data dedup-minhash --input DIR... --output DIR [--reference DIR...] [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    if args.reference:
        recipe = replace(recipe, minhash=replace(recipe.minhash, reference=list(args.reference)))
    run_documents_command("dedup-minhash", MINHASH, recipe, args, beam_args)
    return 0


__all__ = ["CLUSTERS", "MINHASH", "main"]
