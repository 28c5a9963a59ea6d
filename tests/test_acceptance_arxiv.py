"""The arXiv cleaner over the six real LaTeX sources in ../shared/data/arxiv (skipped when absent): every paper
becomes one Document with its body text, no comments, definitions or bibliography left, its macros expanded,
the SymPy draft's missing `authors` input counted, and the HoTT book's 400 macros expanded in bounded time."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.sources.arxiv import clean_paper
from pipeline.sources.arxiv import read_paper as read_paper_files

pytestmark = pytest.mark.acceptance

# folder -> (arXiv id, main file, words the body must hold, user macros that must be gone after expansion)
PAPERS = {
    "astropy_v2.0_arXiv1801.02634": (
        "1801.02634",
        "main.tex",
        ["Astropy", "coordinates", "community"],
        ["\\astropy", "\\package", "\\astropysubpkg"],
    ),
    "conv_arithmetic_arXiv1603.07285": (
        "1603.07285",
        "conv_arithmetic.tex",
        ["convolution", "padding", "strides"],
        ["\\todo"],
    ),
    "hott_book_macros": (
        None,
        "main.tex",
        ["univalence", "homotopy", "Martin-L"],
        ["\\jdeq", "\\defeq", "\\Coq"],
    ),
    "numpy_nature_arXiv2006.10256": ("2006.10256", "paper.tex", ["NumPy", "array", "broadcasting"], []),
    "scipy_1.0_arXiv1907.10121": ("1907.10121", "paper.tex", ["SciPy", "optimize", "sparse"], ["\\code"]),
    "sympy_paper_2016draft": (None, "paper.tex", ["SymPy", "symbolic", "Python"], []),
}
HOTT_SECONDS = 10.0
DEFINITION = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|DeclareMathOperator|def|gdef|edef|xdef)(?![A-Za-z@])"
)
VERBATIM = re.compile(
    r"\\begin\{(verbatim\*?|Verbatim|lstlisting|minted)\}.*?\\end\{\1\}|\\verb\*?([^A-Za-z\s]).*?\2"
    r"|\\(?:url|href)\{[^{}\n]*\}",
    re.DOTALL,
)
COMMENT = re.compile(r"(?<!\\)(?:\\\\)*%")  # a `%` after an even number of backslashes


def read_paper(folder: Path) -> dict[str, bytes]:
    """The paper's files as the reader reads them (pipeline.archives: .tex and bare sources only)."""
    files, _ = read_paper_files(str(folder))
    return files


@pytest.mark.parametrize("name", sorted(PAPERS))
def test_real_paper_is_cleaned(shared_data, name):
    folder = shared_data / "arxiv" / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    files = read_paper(folder)
    identifier, main, words, gone_macros = PAPERS[name]
    start = time.perf_counter()
    result = clean_paper(files, name)
    seconds = time.perf_counter() - start
    doc = result.outcome
    assert isinstance(doc, Document), (doc, result.counters)
    counts = result.counters
    chars_in = sum(len(data) for path, data in files.items() if path.endswith(".tex"))
    print(
        f"\n{name}: {chars_in} chars of .tex in, {len(doc.text)} out; macros defined "
        f"{counts.get('macros:defined', 0)}, expanded {counts.get('macros:expanded', 0)}; "
        f"inputs {counts.get('inputs:resolved', 0)} resolved, {counts.get('inputs:missing', 0)} missing; "
        f"{seconds:.2f} s"
    )
    text = doc.text
    outside_verbatim = VERBATIM.sub("", text)
    assert not [line for line in outside_verbatim.split("\n") if line.lstrip().startswith("%")]
    assert not COMMENT.search(outside_verbatim), COMMENT.search(outside_verbatim)
    assert not DEFINITION.search(text), DEFINITION.search(text)
    assert "\\begin{thebibliography}" not in text and "\\bibliography{" not in text
    assert "\\end{document}" not in text and "\\documentclass" not in text
    for word in words:
        assert word in text, word
    for macro in gone_macros:
        assert not re.search(re.escape(macro) + r"(?![A-Za-z@])", text), macro
    assert re.match(r"\\(part|chapter|section|subsection)\*?[\[{]", text)
    assert doc.meta["main_file"] == main and doc.meta["files"].split(",")[0] == main
    assert doc.meta.get("arxiv_id") == identifier
    assert doc.url == (f"https://arxiv.org/abs/{identifier}" if identifier else None)
    assert clean_paper(files, name) == result  # deterministic


def test_sympy_missing_authors_file_is_tolerated_and_counted(shared_data):
    folder = shared_data / "arxiv" / "sympy_paper_2016draft"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    result = clean_paper(read_paper(folder), folder.name)
    assert isinstance(result.outcome, Document)
    assert result.counters["inputs:missing"] == 1  # `\input{authors}`: the file is not in the repository
    used = result.outcome.meta["files"].split(",")
    assert "authors.tex" not in used and {"supplement.tex", "gruntz.tex", "tensors.tex"} <= set(used)


def test_hott_macros_expand_in_bounded_time(shared_data):
    folder = shared_data / "arxiv" / "hott_book_macros"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    files = read_paper(folder)
    start = time.perf_counter()
    result = clean_paper(files, folder.name)
    seconds = time.perf_counter() - start
    counts = result.counters
    print(
        f"\nHoTT: {seconds:.2f} s; macros defined {counts.get('macros:defined', 0)}, expanded "
        f"{counts.get('macros:expanded', 0)}, left as written: {counts.get('macros:unexpanded_conditional', 0)} "
        f"conditional, {counts.get('macros:unexpanded_delimited', 0)} delimited"
    )
    assert seconds < HOTT_SECONDS
    assert isinstance(result.outcome, Document), result
    assert "expansion:limit" not in counts
    assert counts["macros:defined"] >= 300 and counts["macros:expanded"] >= 1000
    assert counts["macros:delimited"] >= 5  # \def\@lamarg#1:#2\@endlamarg and friends
    assert result.outcome.meta["files"] == "main.tex,macros.tex,introduction.tex,preliminaries.tex"
