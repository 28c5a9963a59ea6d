"""MinHash near-dedup against exact Jaccard ground truth, on real text from ../shared/data with injected
near-duplicates (word edits, insertions, deletions, reordered paragraphs; Jaccard 0.5-0.95). Skipped when absent."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from near_duplicates import (
    SHARED_DATA,
    cluster_pairs,
    components,
    duplicate_pairs,
    evaluate,
    evaluate_kept,
    inject_near_duplicates,
    real_texts,
)

from beam_jobs.framework import run_one
from beam_jobs.minhash import MINHASH
from pipeline.config import recipe_from_dict
from pipeline.document import Document
from pipeline.io import iter_documents, stage_parts, write_documents

pytestmark = pytest.mark.acceptance

if not SHARED_DATA.is_dir():
    pytest.skip(f"shared data not found at {SHARED_DATA}", allow_module_level=True)

BEAM = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]


def test_duplicate_pairs_found_at_threshold_08_have_f1_at_least_095(tmp_path):
    documents, _ = inject_near_duplicates(real_texts(limit=400, distinct_sources=True), fraction=0.5, seed=7)
    truth = duplicate_pairs(documents, threshold=0.8)
    folder = tmp_path / "in"
    folder.mkdir()
    write_documents(
        str(folder / "part-00000-of-00001.parquet"),
        [Document(id=doc_id, source="commoncrawl", text=text) for doc_id, text in documents],
    )
    manifest, _ = run_one(
        MINHASH,
        recipe_from_dict({}),
        {"documents": [str(folder)]},
        str(tmp_path / "out"),
        BEAM,
        source="commoncrawl",
    )
    rows = pq.read_table(tmp_path / "out" / "clusters").to_pylist()
    found = cluster_pairs({row["id"]: row["cluster"] for row in rows})
    raw = evaluate(found, truth)
    # Clusters are connected components, so a cluster also pairs two variants of one page that are under 0.8 of
    # each other: the ground truth closed the same way (its connected components) is what clusters can match.
    metrics = evaluate(found, cluster_pairs(components(truth)))
    kept = {
        d.id
        for part in stage_parts(str(tmp_path / "out"))
        for d in iter_documents(part, columns=["id", "source", "text"])
    }
    print(
        f"\n{len(documents)} documents, {len(truth)} pairs at exact Jaccard >= 0.8 ({metrics['truth']} in their "
        f"connected components); found {metrics['found']}: "
        f"precision {metrics['precision']:.4f}, recall {metrics['recall']:.4f}, F1 {metrics['f1']:.4f}; "
        f"kept {len(kept)}, dropped {manifest.counts.get('duplicate', 0)}; bands {manifest.extra['bands']} x "
        f"rows {manifest.extra['rows']}; against the exact pairs themselves (not closed): precision "
        f"{raw['precision']:.4f}, recall {raw['recall']:.4f}, F1 {raw['f1']:.4f}"
    )
    decisions = evaluate_kept(kept, documents, truth)
    print(
        f"decisions: {decisions['residual_pairs']} duplicate pairs left with both kept, {decisions['wrongly_dropped']} "
        f"documents dropped that duplicate nothing, {decisions['lost_groups']} of {decisions['groups']} duplicate "
        f"groups lost entirely, {decisions['excess_kept']} kept beyond one per group"
    )
    assert metrics["f1"] >= 0.95
    assert decisions["wrongly_dropped"] == 0 and decisions["lost_groups"] == 0
