"""The set-up builds KenLM's lmplz and build_binary from the kenlm source distribution: check they really work."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kenlm
import pytest

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name if (BIN / name).is_file() else shutil.which(name)
    if not path:
        pytest.skip(f"{name} is not built here (`make install` builds it into .venv/bin)")
    return str(path)


def test_lmplz_and_build_binary_make_a_model_kenlm_loads(tmp_path):
    corpus = "\n".join(
        ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog sat together"] * 20
    )
    arpa, binary = tmp_path / "lm.arpa", tmp_path / "lm.binary"
    subprocess.run(
        [_tool("lmplz"), "-o", "3", "--discount_fallback", "-S", "10%", "-T", str(tmp_path)],
        input=corpus.encode(),
        stdout=arpa.open("wb"),
        stderr=subprocess.DEVNULL,
        check=True,
    )
    assert arpa.read_text().startswith("\n\\data\\") or "\\data\\" in arpa.read_text()[:20]
    subprocess.run([_tool("build_binary"), str(arpa), str(binary)], capture_output=True, check=True)
    for path in (arpa, binary):
        model = kenlm.Model(str(path))
        assert model.order == 3
        assert model.score("the cat sat on the mat") > model.score("mat the on sat cat the")
