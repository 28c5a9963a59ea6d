"""The ArXiv ingest on the DirectRunner, over the shipped samples: papers as tars, a gzip-only paper in Latin-1,
a plain .tex, a folder with a cover letter, one without sections, a hostile one with a runaway macro, and a
bulk-dump tar of three; every paper's outcome counted, rejects naming their input file, byte-identical
outputs across worker counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beam_jobs.run import run_recipe
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest
from tests.conftest import REPO

pytestmark = pytest.mark.slow
SAMPLES = REPO / "samples" / "arxiv"
INPUTS = [str(SAMPLES / "2401.*"), str(SAMPLES / "numerics-note_*"), str(SAMPLES / "arXiv_src_*.tar")]


def ingest(output: Path, beam_args: list[str], **sections):
    recipe = recipe_from_dict({"stages": ["ingest"], **sections}).with_sources(
        {"arxiv": SourceSpec(input=INPUTS)}
    )
    run_recipe(recipe, str(output), beam_args, summary=False)
    folder = output / "ingest" / "arxiv"
    documents = {d.meta["arxiv_id"]: d for p in stage_parts(str(folder)) for d in iter_documents(p)}
    rejects = [
        json.loads(line)
        for f in sorted((folder / "_rejects").glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    return read_manifest(str(folder)), documents, rejects


def test_samples_every_paper_counted_and_cleaned(tmp_path, beam_args):
    manifest, documents, rejects = ingest(tmp_path / "out", beam_args)
    counts = manifest.counts
    assert sorted(documents) == [
        "2401.00001",
        "2401.00002",
        "2401.00003",
        "2401.00004",
        "2401.00007",
        "2401.00008",
    ]
    assert counts["read"] == 8 and counts["kept"] == 6 and counts["dropped:no_section"] == 1
    assert (
        counts["skipped:pdf_only"] == 1 and counts["skipped:unsafe_path"] == 2 and counts["skipped:link"] == 1
    )
    assert [(r["reason"], Path(r["source_file"]).name) for r in rejects] == [
        ("expansion_limit", "2401.00006.tar.gz")
    ]
    first = documents["2401.00001"]
    assert first.meta["files"] == "main.tex,sections/intro.tex,sections/method.tex"
    assert "\\left\\| x \\right\\|_{2}" in first.text and "\\newcommand" not in first.text
    assert "50\\%" in first.text and "\\bibliography" not in first.text and "\\appendix" in first.text
    assert (
        documents["2401.00002"].meta["encoding"] == "latin-1" and "Poincaré" in documents["2401.00002"].text
    )
    assert documents["2401.00004"].meta["main_file"] == "paper.tex"
    assert all(d.url == f"https://arxiv.org/abs/{i}" for i, d in documents.items())
    assert counts["inputs:missing"] == 1 and counts["macros:unexpanded_delimited"] == 1


def test_appendices_go_with_keep_appendices_false(tmp_path, beam_args):
    manifest, documents, _ = ingest(tmp_path / "out", beam_args, arxiv={"keep_appendices": False})
    assert "\\appendix" not in documents["2401.00001"].text and manifest.counts["cut:appendix"] >= 1


def test_outputs_are_byte_identical_across_workers(tmp_path, beam_args):
    ingest(tmp_path / "a", beam_args)
    ingest(tmp_path / "b", ["--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    parts = sorted((tmp_path / "a" / "ingest" / "arxiv").glob("part-*.parquet"))
    assert parts and all(
        p.read_bytes() == (tmp_path / "b" / "ingest" / "arxiv" / p.name).read_bytes() for p in parts
    )
