"""GitHub ingest over real repositories: sdists from PyPI, fetched by `make install` into build/sdists (the tests
never touch the network), read as tarballs by the Beam job. The permissive ones (MIT, BSD-3-Clause, Apache-2.0)
are kept with the right licence; the copyleft ones (GPL-3.0, LGPL-2.1) are dropped whole."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from beam_jobs.run import run_recipe
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest
from tests.conftest import REPO

pytestmark = pytest.mark.acceptance
SDISTS = REPO / "build" / "sdists"
EXPECTED = {  # sdist -> the licence its LICENSE / COPYING says, or None: dropped
    "six-1.16.0": "mit",
    "idna-3.7": "bsd-3-clause",
    "requests-2.32.3": "apache-2.0",
    "yamllint-1.35.1": None,  # GPL-3.0
    "chardet-5.2.0": None,  # LGPL-2.1
}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, list]:
    tarballs = [SDISTS / f"{name}.tar.gz" for name in EXPECTED]
    if not all(t.is_file() for t in tarballs):
        pytest.skip("the sdists are not in build/sdists (make install fetches them)")
    output = tmp_path_factory.mktemp("github-sdists")
    recipe = recipe_from_dict({}).with_sources({"github": SourceSpec(input=[str(t) for t in tarballs])})
    run_recipe(recipe, str(output), ["--direct_num_workers=1", "--direct_running_mode=in_memory"],
               stages=["ingest", "exact_dedup"], summary=False)  # fmt: skip
    folder = output / "exact_dedup" / "github"
    documents = [d for p in stage_parts(str(folder)) for d in iter_documents(p)]
    return output, documents


def test_permissive_sdists_are_kept_and_copyleft_ones_dropped(ingested):
    output, documents = ingested
    by_repo = Counter(d.meta["repo_name"] for d in documents)
    licences = {d.meta["repo_name"]: d.meta["license"] for d in documents}
    print({repo: (licences[repo], n) for repo, n in sorted(by_repo.items())})
    kept = {name for name, key in EXPECTED.items() if key}
    assert set(by_repo) == kept
    assert all(licences[name] == EXPECTED[name] for name in kept)
    manifest = read_manifest(str(output / "ingest" / "github"))
    print({k: v for k, v in sorted(manifest.counts.items())})
    assert manifest.counts["dropped:license"] > 0
    assert manifest.counts["license:gpl-3.0"] == 1 and manifest.counts["license:lgpl-2.1"] == 1


def test_kept_files_are_whitelisted_source_with_no_licence_header_left(ingested):
    _, documents = ingested
    assert documents
    for document in documents:
        path = document.meta["path"]
        assert not path.endswith((".txt", ".cfg", ".toml", ".in", ".json")), path
        head = document.text[:400].lower()
        assert "permission is hereby granted" not in head, path  # the MIT header of six.py is cut
    six = next(d for d in documents if d.meta["path"] == "six.py")
    assert six.text.lstrip().startswith('"""Utilities for writing code that runs on Python 2 and 3"""')
