"""Parquet round trips, input expansion and stage manifests."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from pipeline.document import SCHEMA, Document, make_doc_id, parse_timestamp
from pipeline.errors import UserError
from pipeline.io import expand_inputs, iter_documents, stage_parts, write_documents
from pipeline.manifest import StageManifest, read_manifest, stage_dir, stale_reason, write_manifest


def _doc(n: int) -> Document:
    return Document(
        id=make_doc_id("commoncrawl", "seg.warc.gz", n),
        source="commoncrawl",
        text=f"text {n} é 漢字",
        url=f"https://example.org/{n}",
        timestamp=parse_timestamp("2020-08-08T17:25:04Z"),
        language="en",
        language_score=0.93,
        signals={"b": 2.0, "a": 1.0},
        meta={"warc_record_id": f"<urn:uuid:{n}>", "offset": str(n * 100)},
    )


def test_doc_ids_are_stable_and_ignore_the_folder():
    assert make_doc_id("c4", "/data/c4/en.json.gz", 7) == make_doc_id("c4", "gs://bucket/c4/en.json.gz", 7)
    assert make_doc_id("c4", "en.json.gz", 7) != make_doc_id("c4", "en.json.gz", 8)
    assert make_doc_id("c4", "en.json.gz", 7) != make_doc_id("github", "en.json.gz", 7)


def test_parquet_round_trip_and_schema(tmp_path):
    docs = [_doc(i) for i in range(5)]
    path = str(tmp_path / "part-00000-of-00001.parquet")
    stats = write_documents(path, docs)
    assert stats.rows == 5 and stats.characters == sum(len(d.text) for d in docs)
    assert stats.bytes == (tmp_path / "part-00000-of-00001.parquet").stat().st_size
    assert pq.read_schema(path).equals(SCHEMA, check_metadata=False)
    assert list(iter_documents(path, batch_size=2)) == docs


def test_parquet_bytes_do_not_depend_on_map_insertion_order(tmp_path):
    first, second = _doc(1), _doc(1)
    second.meta = dict(reversed(list(second.meta.items())))
    write_documents(str(tmp_path / "a.parquet"), [first])
    write_documents(str(tmp_path / "b.parquet"), [second])
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_expand_inputs(tmp_path):
    for name in ("b.warc.gz", "a.warc.gz", "c.wet"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.rsplit("/", 1)[-1] for p in expand_inputs([str(tmp_path / "*.warc.gz")])] == [
        "a.warc.gz",
        "b.warc.gz",
    ]
    assert len(expand_inputs(["*.warc.gz", "c.wet"], base_dir=str(tmp_path))) == 3
    assert len(expand_inputs([str(tmp_path)])) == 3
    with pytest.raises(UserError, match="input not found"):
        expand_inputs([str(tmp_path / "nothing-*.warc.gz")])


def test_manifest_matches_inputs_config_code_and_outputs(tmp_path):
    directory = stage_dir(str(tmp_path), "ingest", "commoncrawl")
    inputs = [{"path": "a", "size": 1, "mtime": "0"}]
    key = {"inputs": inputs, "config_hash": "hash1", "code_version": "v1"}
    assert read_manifest(directory) is None and stale_reason(directory, key) == "no manifest"
    stats = write_documents(f"{directory}/part-00000-of-00001.parquet", [_doc(2)])
    manifest = StageManifest("ingest", "commoncrawl", inputs, "hash1", "v1", counts={"kept": 3})
    manifest.outputs = [stats.to_json()]
    write_manifest(directory, manifest)
    assert stale_reason(directory, key) is None
    assert stale_reason(directory, {**key, "config_hash": "hash2"}) == "its config changed"
    assert stale_reason(directory, {**key, "code_version": "v2"}) == "its code changed"
    assert (
        stale_reason(directory, {**key, "inputs": [{"path": "a", "size": 2, "mtime": "0"}]})
        == "its inputs changed"
    )
    assert read_manifest(directory).counts == {"kept": 3}
    part = tmp_path / "ingest" / "commoncrawl" / "part-00000-of-00001.parquet"
    part.write_bytes(part.read_bytes()[:-1])
    assert "has" in stale_reason(directory, key) and "the manifest says" in stale_reason(directory, key)
    part.unlink()
    assert stale_reason(directory, key) == "output part-00000-of-00001.parquet is missing"
    write_documents(f"{directory}/part-00001-of-00002.parquet", [_doc(1)])
    write_documents(f"{directory}/part-00000-of-00002.parquet", [_doc(2)])
    assert [p.rsplit("/", 1)[-1] for p in stage_parts(directory)] == [
        "part-00000-of-00002.parquet",
        "part-00001-of-00002.parquet",
    ]


def test_runs_merge_in_order_and_in_passes_when_there_are_many(tmp_path, monkeypatch):
    import pipeline.parts as parts

    rows = [(i * 7919) % 1000 for i in range(1000)]
    runs = [parts.write_run(str(tmp_path / "runs"), sorted(rows[i : i + 10])) for i in range(0, 1000, 10)]
    assert list(parts.read_run(runs[0])) == sorted(rows[:10])
    monkeypatch.setattr(parts, "MAX_OPEN_RUNS", 7)  # 100 runs: merged in passes of 7
    assert list(parts.merged_runs(runs, lambda r: r, str(tmp_path / "scratch"))) == sorted(rows)
    assert list(parts.merged_runs([], lambda r: r, str(tmp_path / "scratch"))) == []


def test_a_small_output_whose_bytes_changed_but_not_its_size_is_stale(tmp_path):
    directory = stage_dir(str(tmp_path), "ingest", "commoncrawl")
    stats = write_documents(f"{directory}/part-00000-of-00001.parquet", [_doc(2)])
    manifest = StageManifest("ingest", "commoncrawl", [], "h", "v", outputs=[stats.to_json()])
    write_manifest(directory, manifest)
    key = {"inputs": [], "config_hash": "h", "code_version": "v"}
    assert stale_reason(directory, key) is None
    part = tmp_path / "ingest" / "commoncrawl" / "part-00000-of-00001.parquet"
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    assert stale_reason(directory, key) == "output part-00000-of-00001.parquet does not match its sha256"
