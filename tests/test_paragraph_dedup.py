"""CCNet's paragraph dedup: cc_net's normalization and hash, its all-copies semantics, and the Beam job."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from beam_jobs.framework import run_one
from beam_jobs.paragraph_dedup import PARAGRAPH_DEDUP
from filters.paragraph_dedup import dedup_in_memory, keep_lines
from filters.text_normalizer import line_hash, normalize, normalize_for_dedup
from pipeline.config import recipe_from_dict
from pipeline.document import Document
from pipeline.io import iter_documents, stage_parts, write_documents


@pytest.mark.parametrize(
    ("line", "normalized"),
    [
        ("  Hello World  ", "hello world"),
        ("Price: 1,299 € (2023)", "price: 0,000 € (0000)"),  # digits to 0; ASCII punctuation stays
        ("«Quoted» — text…", "quoted  text"),  # the listed Unicode punctuation goes; spaces are not folded
        ("tab\there\r", "tabhere"),  # control characters 0-31 go
        ("next\x85line\x9f", "nextline"),  # and 127-159
        (
            "Ｆｕｌｌ１２３",
            "ｆｕｌｌ000",
        ),  # full-width digits are digits, and become 0 before the punctuation table sees "１"
        ("", ""),
    ],
)
def test_normalize_for_dedup_matches_cc_net(line, normalized):
    assert normalize_for_dedup(line) == normalized


def test_line_hash_is_the_first_eight_bytes_of_sha1_little_endian():
    expected = int.from_bytes(hashlib.sha1(b"hello world").digest()[:8], "little")
    assert line_hash("Hello World!".replace("!", "")) == expected
    assert expected == 0xB4CF4FC9356CAE2A  # sha1("hello world") = 2aae6c35c94fcfb4..., read little-endian
    assert line_hash("Page 1 of 20") == line_hash("page 7 of 99")  # digits do not tell lines apart


def test_normalize_for_the_language_model_strips_accents_and_maps_punctuation():
    assert normalize("Élève « 1er » – café…") == 'eleve " 0er " - cafe...'


def _doc(doc_id: str, text: str, segment: str = "seg-0.warc.gz") -> Document:
    return Document(id=doc_id, source="commoncrawl", text=text, meta={"cc_segment": segment})


def test_every_copy_of_a_repeated_line_goes_and_intra_document_repeats_too():
    docs = [
        _doc("a", "Shared menu\nUnique line of a\nShared menu"),
        _doc("b", "Shared menu\nUnique line of b"),
        _doc("c", "Repeated inside c\nrepeated inside C\nUnique line of c"),
        _doc("d", "Shared menu"),  # nothing left: dropped
    ]
    kept = {d.id: d for d in dedup_in_memory(docs)}
    assert sorted(kept) == ["a", "b", "c"]
    assert kept["a"].text == "Unique line of a"
    assert kept["b"].text == "Unique line of b"
    assert kept["c"].text == "Unique line of c"  # both copies of the in-document repeat went
    assert kept["a"].meta["original_nlines"] == "3"
    assert kept["a"].meta["original_length"] == str(len(docs[0].text))
    assert kept["a"].meta["line_ids"] == "1"


def test_scope_per_group_of_files_versus_the_whole_snapshot():
    docs = [_doc("a", "boilerplate\nalpha", "s0"), _doc("b", "boilerplate\nbeta", "s1")]
    per_file = {d.id: d.text for d in dedup_in_memory(docs, scope_files=1)}
    assert per_file == {"a": "boilerplate\nalpha", "b": "boilerplate\nbeta"}  # each file is its own scope
    whole = {d.id: d.text for d in dedup_in_memory(docs, scope_files=0)}
    assert whole == {"a": "alpha", "b": "beta"}
    assert {d.id: d.text for d in dedup_in_memory(docs, scope_files=2)} == whole


def test_keep_lines_with_nothing_kept_is_none():
    assert keep_lines(_doc("a", "x\ny"), []) is None


def _corpus(tmp_path: Path) -> tuple[Path, list[Document]]:
    sites, topics = ["alpha", "bravo", "charlie", "delta"], ["oak", "elm", "ash", "fir", "yew", "pine"]
    docs = []
    for segment, site in enumerate(sites):  # digits normalize to 0, so lines differ by words
        for i, topic in enumerate(topics):
            lines = [f"Navigation bar of site {site}", f"A unique sentence on {site} about the {topic} tree"]
            if i % 2:
                lines.append("Cookie policy: we use cookies to improve your experience")
            if i == 0:
                lines.append("Subscribe to our newsletter")  # once per file: a duplicate only across files
            if i == 5:
                lines.append(lines[1])  # repeated inside the document
            docs.append(_doc(f"cc-{segment}-{i}", "\n".join(lines), f"CC-MAIN-{segment:05d}.warc.wet.gz"))
    docs.append(
        _doc(
            "cc-boilerplate",
            "Cookie policy: we use cookies to improve your experience",
            "CC-MAIN-00000.warc.wet.gz",
        )
    )
    folder = tmp_path / "ingest" / "commoncrawl"
    folder.mkdir(parents=True)
    write_documents(str(folder / "part-00000-of-00002.parquet"), docs[:13])
    write_documents(str(folder / "part-00001-of-00002.parquet"), docs[13:])
    return folder, docs


def _dedup_job(tmp_path, beam_args, folder, scope_files: int, name: str, force: bool = False):
    recipe = recipe_from_dict(
        {"paragraph_dedup": {"scope_files": scope_files}, "execution": {"output_shards": 2}}
    )
    output = tmp_path / name
    manifest, ran = run_one(
        PARAGRAPH_DEDUP,
        recipe,
        {"documents": [str(folder)]},
        str(output),
        beam_args,
        force,
        source="commoncrawl",
    )
    kept = {d.id: d for part in stage_parts(str(output)) for d in iter_documents(part)}
    return manifest, ran, kept, output


@pytest.mark.parametrize("scope_files", [0, 2])
def test_the_beam_job_matches_the_in_memory_algorithm(tmp_path, beam_args, scope_files):
    folder, docs = _corpus(tmp_path)
    manifest, ran, kept, _ = _dedup_job(tmp_path, beam_args, folder, scope_files, "dedup")
    expected = {d.id: d for d in dedup_in_memory(docs, scope_files=scope_files)}
    assert ran
    assert {k: (d.text, d.meta) for k, d in kept.items()} == {
        k: (d.text, d.meta) for k, d in expected.items()
    }
    assert manifest.documents_in == len(docs)
    assert manifest.documents_out == len(expected)
    assert manifest.counts["dropped:all_lines_duplicated"] == len(docs) - len(expected)
    assert manifest.counts["kept"] == len(expected)
    removed = sum(d.text.count("\n") + 1 for d in docs) - sum(
        d.text.count("\n") + 1 for d in expected.values()
    )
    assert manifest.counts["lines_removed"] == removed


def test_the_whole_snapshot_scope_keeps_fewer_characters_than_per_file_groups(tmp_path, beam_args):
    folder, _ = _corpus(tmp_path)
    per_file, _, _, _ = _dedup_job(tmp_path, beam_args, folder, 1, "per-file")
    whole, _, _, _ = _dedup_job(tmp_path, beam_args, folder, 0, "whole")
    assert whole.characters_out < per_file.characters_out < per_file.characters_in


def test_the_job_resumes_and_rewrites_identical_bytes(tmp_path, beam_args):
    folder, _ = _corpus(tmp_path)
    _, _, _, output = _dedup_job(tmp_path, beam_args, folder, 0, "dedup")
    before = {p.name: p.read_bytes() for p in output.iterdir() if p.is_file()}
    _, ran, _, _ = _dedup_job(tmp_path, beam_args, folder, 0, "dedup")
    assert not ran
    _, ran, _, _ = _dedup_job(tmp_path, beam_args, folder, 0, "dedup", force=True)
    assert ran
    assert {p.name: p.read_bytes() for p in output.iterdir() if p.is_file()} == before


def test_normalize_lines_is_normalize_on_every_line():
    from filters.text_normalizer import normalize_lines

    text = "  Ünïcode Ｆｕｌｌ１２３ «quote»\n\x01 control first\nΟΔΟΣ ΣΟΦΙΑΣ\n\tTabbed 42\n\n…end\u2000"
    assert normalize_lines(text) == [normalize(line) for line in text.split("\n")]
    assert normalize_lines("ASCII Only 7\n  x  ") == ["ascii only 0", "x"]


def test_line_hashes_is_line_hash_on_every_line():
    from filters.text_normalizer import line_hashes

    text = "  Menu | Home 2024\n\x01 control first\nΣΟΦΙΑΣ «1»\n\n…"
    assert line_hashes(text) == [line_hash(line) for line in text.split("\n")]
