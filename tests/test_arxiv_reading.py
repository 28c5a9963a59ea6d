"""Reading arXiv papers as the bulk source dump has them: a tar, a gzip of one .tex, a plain .tex, a folder, and
the dump's own tar of many papers; only LaTeX is read, hostile members are skipped, damage is one reject."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

from pipeline.rejects import Reject, Skip
from pipeline.sources.arxiv import (
    PaperLimits,
    clean_paper,
    is_bulk_dump,
    paper_name,
    read_bulk_dump,
    read_paper,
)

PAPER = rb"""\documentclass{article}
\newcommand{\R}{\mathbb{R}}
\begin{document}
\title{T}\maketitle
\section{Intro}
Vectors in $\R^n$ are fine. % a comment
\end{document}
"""


def _tar_bytes(members: dict[str, bytes], compress: bool = True) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_paper_names_and_bulk_dump_names():
    assert paper_name("/d/1801.02634.tar.gz") == "1801.02634"
    assert paper_name("s3://arxiv/src/math0309136.gz") == "math0309136"
    assert paper_name("papers/astropy_arXiv1801.02634/") == "astropy_arXiv1801.02634"
    assert is_bulk_dump("/dump/arXiv_src_1801_001.tar") and not is_bulk_dump("/dump/1801.02634.tar")


def test_a_tar_a_gzip_a_tex_and_a_folder_are_each_one_paper(tmp_path: Path):
    tar = tmp_path / "2401.00001.tar.gz"
    tar.write_bytes(_tar_bytes({"main.tex": PAPER, "fig.png": b"\x89PNG\x00", "refs.bib": b"@x{}"}))
    single = tmp_path / "2401.00002.gz"
    single.write_bytes(gzip.compress(PAPER, mtime=0))
    plain = tmp_path / "2401.00003.tex"
    plain.write_bytes(PAPER)
    folder = tmp_path / "note_arXiv2401.00004"
    folder.mkdir()
    (folder / "paper.tex").write_bytes(PAPER)
    for path in (tar, single, plain, folder):
        files, counts = read_paper(str(path))
        document = clean_paper(files, paper_name(str(path))).outcome
        assert document.text.startswith("\\section{Intro}") and "comment" not in document.text, path
        assert "\\mathbb{R}^n" in document.text
        assert document.meta["arxiv_id"] == paper_name(str(path))[-10:]
    assert read_paper(str(tar))[1]["files:not_read"] == 2  # the figure and the .bib are never read


def test_hostile_members_are_skipped_and_a_damaged_tar_is_one_reject(tmp_path: Path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in ("../../escape.tex", "/tmp/abs.tex", "main.tex"):
            info = tarfile.TarInfo(name)
            info.size = len(PAPER)
            tar.addfile(info, io.BytesIO(PAPER))
        link = tarfile.TarInfo("link.tex")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    hostile = tmp_path / "2401.00006.tar.gz"
    hostile.write_bytes(buffer.getvalue())
    files, counts = read_paper(str(hostile))
    assert list(files) == ["main.tex"] and counts["skipped:unsafe_path"] == 2 and counts["skipped:link"] == 1
    damaged = tmp_path / "2401.00007.tar.gz"
    damaged.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    outcome = read_paper(str(damaged))
    assert isinstance(outcome, Reject) and outcome.reason == "corrupt_archive"
    too_big = read_paper(str(hostile), PaperLimits(max_file_bytes=1024, max_paper_bytes=1024, max_members=2))
    assert isinstance(too_big, Reject)


def test_the_bulk_dump_streams_its_papers_and_skips_pdfs(tmp_path: Path):
    dump = tmp_path / "arXiv_src_2401_001.tar"
    dump.write_bytes(
        _tar_bytes(
            {
                "2401/2401.00010.gz": _tar_bytes({"a.tex": PAPER}),
                "2401/2401.00011.gz": gzip.compress(PAPER, mtime=0),
                "2401/2401.00012.pdf": b"%PDF-1.4",
                "2401/2401.00013.gz": b"\x1f\x8b broken",
            },
            compress=False,
        )
    )
    papers = list(read_bulk_dump(str(dump)))
    assert [name for name, _ in papers] == [f"2401/2401.000{n}.{ext}" for n, ext in
                                            ((10, "gz"), (11, "gz"), (12, "pdf"), (13, "gz"))]  # fmt: skip
    (_, first), (_, second), (_, pdf), (_, broken) = papers
    assert isinstance(pdf, Skip) and pdf.reason == "skipped:pdf_only"
    assert (
        isinstance(broken, Reject) and broken.source_file == str(dump) and broken.record_id.endswith("13.gz")
    )
    for files in (first[0], second[0]):
        assert clean_paper(files, "2401.00010").outcome.text.startswith("\\section{Intro}")
    assert list(tmp_path.iterdir()) == [dump]  # nothing extracted beside it
