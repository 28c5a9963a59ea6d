"""Fixtures shared by every test module: where the repository and the third-party samples are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
# Beam jobs in tests: one in-process worker keeps them quick and their logs readable.
BEAM_TEST_ARGS = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]

# Beam's multi-processing workers are fresh interpreters: let them import DoFns defined in test modules.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO), str(REPO / "tests"), os.environ.get("PYTHONPATH", "")) if p
)


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a clean skip when the checkout has no shared folder beside it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture
def beam_args() -> list[str]:
    return list(BEAM_TEST_ARGS)


def sample_config() -> dict:
    """configs/sample.yaml as a dict, every source's inputs made absolute (they are relative to configs/), so a
    test can write it anywhere."""
    import yaml

    config = yaml.safe_load((REPO / "configs" / "sample.yaml").read_text())
    for spec in config["sources"].values():
        spec["input"] = [str((REPO / "configs" / path).resolve()) for path in spec["input"]]
    return config
