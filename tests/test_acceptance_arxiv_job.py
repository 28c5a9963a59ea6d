"""`llama-data ingest arxiv` (the Beam job) over the six real sources in ../shared/data/arxiv, each folder one
paper: six documents with their ids and files, nothing rejected, the cleaner's counts in the manifest, and the
same bytes with two workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from beam_jobs.run import run_recipe
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest

pytestmark = pytest.mark.acceptance


def ingest(folder: Path, output: Path, beam_args: list[str]):
    recipe = recipe_from_dict({"stages": ["ingest"]}).with_sources(
        {"arxiv": SourceSpec(input=[str(folder / "*")])}
    )
    run_recipe(recipe, str(output), beam_args, summary=False)
    out = output / "ingest" / "arxiv"
    return read_manifest(str(out)), {
        d.meta["main_file"] + d.id: d for p in stage_parts(str(out)) for d in iter_documents(p)
    }


def test_the_six_real_papers_through_the_job(shared_data: Path, tmp_path, beam_args):
    folder = shared_data / "arxiv"
    if not folder.is_dir():
        pytest.skip("../shared/data/arxiv is absent")
    manifest, documents = ingest(folder, tmp_path / "a", beam_args)
    counts = manifest.counts
    assert counts["read"] == counts["kept"] == 6 == len(documents) and manifest.rejects == 0
    ids = sorted(d.meta.get("arxiv_id", "") for d in documents.values())
    assert ids == ["", "", "1603.07285", "1801.02634", "1907.10121", "2006.10256"]
    assert (
        counts["inputs:missing"] >= 1 and counts["macros:expanded"] > 1000 and counts["cut:bibliography"] >= 5
    )
    for document in documents.values():
        assert "\\newcommand" not in document.text and "\\begin{thebibliography}" not in document.text
        assert document.meta["files"].split(",")[0] == document.meta["main_file"]
    _, again = ingest(
        folder, tmp_path / "b", ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]
    )
    for part in sorted((tmp_path / "a" / "ingest" / "arxiv").glob("part-*.parquet")):
        assert part.read_bytes() == (tmp_path / "b" / "ingest" / "arxiv" / part.name).read_bytes()
