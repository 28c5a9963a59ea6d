"""The GitHub ingest on the DirectRunner, over the shipped samples (repository folders, tarballs, a zip, a
BigQuery-style export as JSON lines and Parquet): every file's outcome counted by reason, licences decided per
repository, hostile members skipped, bad records rejected with their line, the exact dedup across the whole
source, and byte-identical outputs across runs and worker counts."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from beam_jobs.run import run_recipe
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest
from tests.conftest import REPO

pytestmark = pytest.mark.slow
SAMPLES = REPO / "samples" / "github"
INPUTS = [str(SAMPLES / "repos" / "*"), str(SAMPLES / "github-export-*")]


def ingest(output: Path, beam_args: list[str], inputs: list[str] | None = None, **sections):
    recipe = recipe_from_dict(sections).with_sources({"github": SourceSpec(input=inputs or INPUTS)})
    run_recipe(recipe, str(output), beam_args, stages=["ingest", "exact_dedup"], summary=False)
    folder = output / "ingest" / "github"
    documents = {d.id: d for p in stage_parts(str(folder)) for d in iter_documents(p)}
    deduped = {
        d.id: d for p in stage_parts(str(output / "exact_dedup" / "github")) for d in iter_documents(p)
    }
    rejects = [
        json.loads(line)
        for f in sorted((folder / "_rejects").glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    return read_manifest(str(folder)), documents, deduped, rejects


def test_samples_every_outcome_counted_licences_per_repository(tmp_path, beam_args):
    manifest, documents, deduped, rejects = ingest(tmp_path / "out", beam_args)
    counts = manifest.counts
    assert {k: v for k, v in counts.items() if k.startswith("license:")} == {
        "license:mit": 2,  # kvstore, evil
        "license:bsd-3-clause": 1,  # ringbuf
        "license:apache-2.0": 1,  # httpmini
        "license:gpl-3.0": 1,  # gplcalc
        "license:other": 1,  # lgplfmt: LGPL text beside a LICENSE that says "see COPYING.LESSER"
        "license:none": 1,  # nolicense
    }
    assert counts["repositories"] == 7
    for reason in ("skipped:vendored", "skipped:not_whitelisted", "skipped:binary", "skipped:generated",
                   "skipped:license_file", "skipped:link", "skipped:unsafe_path", "dropped:license",
                   "dropped:no_license", "dropped:max_line_length", "dropped:avg_line_length",
                   "dropped:alnum_prop", "dropped:alpha_per_token", "dropped:empty"):  # fmt: skip
        assert counts.get(reason, 0) > 0, reason
    outcomes = sum(
        v for k, v in counts.items() if k.startswith(("kept", "skipped:", "dropped:", "rejected:"))
    )
    assert outcomes == counts["read"] == manifest.documents_in  # every file and record has one outcome
    assert counts["kept"] == len(documents) == manifest.documents_out
    assert sorted(r["reason"] for r in rejects) == ["bad_json", "no_content", "no_path"]
    assert all(r["record_id"].startswith("line ") and r["offset"] is not None for r in rejects)
    repos = Counter(d.meta["repo_name"] for d in documents.values())
    assert not {"gplcalc-2.0", "lgplfmt-1.1", "nolicense"} & set(repos)
    licences = {d.meta["license"] for d in documents.values()}
    assert licences <= {"mit", "apache-2.0", "bsd-2-clause", "bsd-3-clause"}
    by_path = {(d.meta["repo_name"], d.meta["path"]): d for d in documents.values()}
    store = by_path[("kvstore", "kvstore/store.py")]
    assert store.text.startswith("#!/usr/bin/env python3\n") and "copyright" not in store.text[:300].lower()
    assert store.meta["header_removed"] == "1" and store.meta["license_file"] == "LICENSE"
    header = by_path[("ringbuf-1.2.0", "ringbuf.h")]
    assert header.text.startswith("#include") and header.meta["header_removed"] == "0"  # RP's quirk, fixed
    assert ("evil-0.1", "ok.py") in by_path and not any("escape" in p or "abs" in p for _, p in by_path)
    assert not (tmp_path / "escape.py").exists() and not Path("/tmp/abs.py").exists()
    # Exact dedup: the same file in two repositories is kept once, across input files.
    manifest_dedup = read_manifest(str(tmp_path / "out" / "exact_dedup" / "github"))
    hashes = Counter(d.meta["content_hash"] for d in documents.values())
    copies = sum(n - 1 for n in hashes.values())
    assert copies >= 2 and manifest_dedup.counts["dropped:exact_duplicate"] == copies
    assert len(deduped) == len(hashes)
    assert {d.meta["copies"] for d in deduped.values() if hashes[d.meta["content_hash"]] > 1} == {"2"}


def test_an_export_record_is_decided_by_its_own_license_field(tmp_path, beam_args):
    _, documents, _, _ = ingest(tmp_path / "out", beam_args, [str(SAMPLES / "github-export-*")])
    assert documents
    for document in documents.values():
        assert document.meta["license"] in ("mit", "apache-2.0", "bsd-2-clause", "bsd-3-clause")
        assert document.url.startswith(f"https://github.com/{document.meta['repo_name']}/blob/")


def test_the_licence_patterns_are_the_recipes(tmp_path, beam_args):
    manifest, documents, _, _ = ingest(
        tmp_path / "out", beam_args, [str(SAMPLES / "repos" / "*")], github={"licenses": ["mit"]}
    )
    assert {d.meta["license"] for d in documents.values()} == {"mit"}
    assert manifest.counts["license:bsd-3-clause"] == 1 and manifest.counts["dropped:license"] > 0


def test_a_repository_over_the_size_cap_is_one_reject(tmp_path, beam_args):
    big = tmp_path / "big-1.0.tar.gz"
    with (
        tarfile.open(SAMPLES / "repos" / "ringbuf-1.2.0.tar.gz") as source,
        tarfile.open(big, "w:gz") as target,
    ):
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
        for i in range(3):  # 3 x 70 kB: each file under max_file_bytes, the repository over max_repo_bytes
            filler = tarfile.TarInfo(f"ringbuf-1.2.0/data{i}.c")
            filler.size = 70_000
            target.addfile(filler, io.BytesIO(b"int x;\n" * 10_000))
    manifest, documents, _, rejects = ingest(
        tmp_path / "out", beam_args, [str(big)], github={"max_repo_bytes": 200_000, "max_file_bytes": 100_000}
    )
    assert documents == {} and [r["reason"] for r in rejects] == ["archive_too_large"]
    assert manifest.counts["rejected:archive_too_large"] == 1


def test_outputs_are_byte_identical_across_runs_and_workers(tmp_path, beam_args):
    def digests(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))
        }

    ingest(tmp_path / "a", beam_args)
    ingest(tmp_path / "b", ["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    assert digests(tmp_path / "a") == digests(tmp_path / "b") != {}
