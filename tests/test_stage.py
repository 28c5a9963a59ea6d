"""The stage framework on a small stage of its own: parts, counts, rejects, fault isolation, side outputs,
the manifest, resume keys, output checks, committed groups and staging clean-up."""

from __future__ import annotations

import json
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pytest

import pipeline.manifest as manifest_module
from beam_jobs.framework import Stage, StageRun, run_beam, run_stage
from beam_jobs.options import check_beam_args, pipeline_options
from beam_jobs.stage import COUNTS, DOCUMENTS, REJECTS, SideOutput, StageDoFn, WriteStageOutputs
from pipeline.config import recipe_from_dict
from pipeline.document import Document, make_doc_id
from pipeline.errors import UserError
from pipeline.hashing import part_of
from pipeline.io import iter_documents, read_json, stage_parts
from pipeline.rejects import Reject
from pipeline.staging import WORK_DIR

pytestmark = pytest.mark.slow
SIDE = SideOutput(
    "lengths",
    pa.schema([pa.field("id", pa.string()), pa.field("length", pa.int64())]),
    sort_key=lambda row: row["id"],
    part_key=lambda row: row["id"],
)
GROUP_RUNS: list[int] = []
FAIL_GROUPS: set[int] = set()


class _KeepEven(StageDoFn):
    """Even numbers are kept, odd ones dropped, 7 is unparseable and 13 makes the step raise."""

    def handle(self, element: tuple[str, int]):
        name, n = element
        self.count("read")
        self.count("characters", n)  # a weighted count: n items in one call
        if n == 7:
            yield from self.reject(Reject(name, n * 10, "corrupt", "bad bytes"))
        elif n == 13:
            raise ValueError("thirteen is unlucky")
        elif n % 2:
            self.count("dropped:odd")
        else:
            self.count("kept")
            doc = Document(id=make_doc_id("c4", name, n), source="c4", text=f"doc {n}")
            yield doc
            yield beam.pvalue.TaggedOutput(SIDE.name, {"id": doc.id, "length": len(doc.text)})

    def locate(self, element):
        return element[0], element[1], None


def _numbers(path: str) -> list[tuple[str, int]]:
    return [(Path(path).name, int(n)) for n in Path(path).read_text().split()]


def _run_toy(run: StageRun) -> dict:
    GROUP_RUNS.append(run.group)
    if run.group in FAIL_GROUPS:
        raise RuntimeError(f"group {run.group} was killed")

    def build(pipeline, progress_dir):
        outputs = (
            pipeline
            | "Files" >> beam.Create(run.units)
            | "Numbers" >> beam.FlatMap(_numbers)
            | "Decide"
            >> beam.ParDo(_KeepEven(run.namespace)).with_outputs(REJECTS, COUNTS, SIDE.name, main=DOCUMENTS)
        )
        outputs = {name: outputs[name] for name in (DOCUMENTS, REJECTS, COUNTS, SIDE.name)}
        _ = outputs | WriteStageOutputs(run.work, run.layout, (SIDE,))

    return run_beam(run, build)


TOY = Stage(
    name="toy",
    folder="toy",
    consumes=("sources",),
    produces=("documents",),
    config=("execution",),
    code=("tests.test_stage",),
    run=_run_toy,
    per_source=True,
    groupable=True,
)


def _inputs(tmp_path: Path, files: int = 1) -> list[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(files):
        path = tmp_path / f"input-{index}.txt"
        if not path.exists():
            path.write_text(" ".join(str(n) for n in range(index * 20, index * 20 + 20)))
        paths.append(str(path))
    return paths


def _run(tmp_path, beam_args, force=False, files=1, execution=None, seed=0):
    recipe = recipe_from_dict({"seed": seed, "execution": execution or {"output_shards": 3}})
    run = StageRun(
        TOY,
        recipe,
        "c4",
        {"sources": _inputs(tmp_path, files)},
        str(tmp_path / "out" / "toy" / "c4"),
        beam_args,
        force,
    )
    return run_stage(run, say=lambda message: None)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_outputs_counts_rejects_and_manifest(tmp_path, beam_args):
    manifest, ran = _run(tmp_path, beam_args)
    assert ran
    assert manifest.counts == {
        "characters": sum(range(20)),
        "dropped:odd": 8,
        "kept": 10,
        "read": 20,
        "rejected:corrupt": 1,
        "rejected:exception": 1,
    }
    assert manifest.documents_out == 10 and manifest.characters_out == sum(
        len(f"doc {n}") for n in range(0, 20, 2)
    )
    assert manifest.rejects == 2 and manifest.format == 2 and manifest.groups == 1
    folder = tmp_path / "out" / "toy" / "c4"
    parts = stage_parts(str(folder))
    assert [Path(p).name for p in parts] == [f"part-0000{i}-of-00003.parquet" for i in range(3)]
    for index, part in enumerate(parts):
        ids = [d.id for d in iter_documents(part)]
        assert ids == sorted(ids)  # each part is in id order
        assert all(part_of(3, doc_id) == index for doc_id in ids)  # and holds exactly its hash's documents
    assert sum(len(list(iter_documents(p))) for p in parts) == 10
    rejects = [
        json.loads(line)
        for f in sorted((folder / "_rejects").glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    by_reason = {r["reason"]: r for r in rejects}
    assert by_reason["corrupt"] == {
        "source_file": "input-0.txt",
        "offset": 70,
        "reason": "corrupt",
        "detail": "bad bytes",
        "record_id": None,
    }
    failure = by_reason["exception"]
    assert (failure["source_file"], failure["offset"]) == ("input-0.txt", 13)
    assert failure["detail"].startswith("ValueError: thirteen is unlucky (at test_stage.py:")
    side = sorted((folder / "lengths").glob("part-*.parquet"))
    assert [p.name for p in side] == ["part-00000-of-00001.parquet"]
    assert pa.parquet.read_table(side[0]).num_rows == 10
    listed = {o["file"] for o in manifest.outputs}
    assert listed == {
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "_MANIFEST.json"
    }
    assert not (folder / WORK_DIR).exists()


def test_resume_skips_force_rewrites_identical_bytes(tmp_path, beam_args):
    _run(tmp_path, beam_args)
    folder = tmp_path / "out" / "toy" / "c4"
    before = _snapshot(folder)
    _, ran = _run(tmp_path, beam_args)
    assert not ran
    _, ran = _run(tmp_path, ["--direct_num_workers=2", "--direct_running_mode=multi_processing"], force=True)
    assert ran and _snapshot(folder) == before


def test_seed_is_not_in_the_key_of_a_stage_that_does_not_use_it_but_code_is(tmp_path, beam_args, monkeypatch):
    _run(tmp_path, beam_args, seed=1)
    assert not _run(tmp_path, beam_args, seed=2)[1]
    source = manifest_module._module_source
    monkeypatch.setattr(
        manifest_module,
        "_module_source",
        lambda name: source(name) + (b"# edited" if name == "tests.test_stage" else b""),
    )
    assert _run(tmp_path, beam_args, seed=2)[1]


def test_missing_or_truncated_outputs_rerun_the_stage(tmp_path, beam_args):
    _run(tmp_path, beam_args)
    folder = tmp_path / "out" / "toy" / "c4"
    before = _snapshot(folder)
    (folder / "part-00001-of-00003.parquet").unlink()
    _, ran = _run(tmp_path, beam_args)
    assert ran and _snapshot(folder) == before
    part = folder / "part-00002-of-00003.parquet"
    part.write_bytes(part.read_bytes()[:-10])
    _, ran = _run(tmp_path, beam_args)
    assert ran and _snapshot(folder) == before


def test_a_killed_stage_reruns_only_its_unfinished_groups(tmp_path, beam_args):
    execution = {"output_shards": 1, "group_files": 1}
    straight, _ = _run(tmp_path / "a", beam_args, files=3, execution=execution)
    expected = _snapshot(tmp_path / "a" / "out" / "toy" / "c4")
    assert straight.groups == 3 and [o["file"] for o in straight.files("part-")] == [
        f"part-0000{i}-of-00003.parquet" for i in range(3)
    ]
    GROUP_RUNS.clear()
    FAIL_GROUPS.add(2)
    try:
        with pytest.raises(RuntimeError, match="group 2 was killed"):
            _run(tmp_path / "b", beam_args, files=3, execution=execution)
    finally:
        FAIL_GROUPS.clear()
    assert GROUP_RUNS == [0, 1, 2]
    GROUP_RUNS.clear()
    resumed, ran = _run(tmp_path / "b", beam_args, files=3, execution=execution)
    assert ran and GROUP_RUNS == [2]  # the two committed groups are reused
    got = _snapshot(tmp_path / "b" / "out" / "toy" / "c4")
    manifests = [json.loads(snapshot.pop("_MANIFEST.json")) for snapshot in (got, expected)]
    assert got == expected  # every part and reject file is byte-identical
    for manifest in manifests:
        manifest.pop("inputs")  # the two runs read their own copies of the inputs
    assert manifests[0] == manifests[1] and resumed.counts == straight.counts


def test_stale_work_folders_are_removed(tmp_path, beam_args):
    stale = tmp_path / "out" / "toy" / "c4" / WORK_DIR / "0123456789abcdef" / "group-00000"
    stale.mkdir(parents=True)
    (stale / "part-00000-of-00001.parquet").write_bytes(b"half written")
    _run(tmp_path, beam_args)
    assert not (tmp_path / "out" / "toy" / "c4" / WORK_DIR).exists()


def test_interrupted_finalize_is_completed_on_the_next_run(tmp_path, beam_args, monkeypatch):
    import pipeline.staging as staging

    _run(tmp_path, beam_args)
    folder = tmp_path / "out" / "toy" / "c4"
    expected = _snapshot(folder)

    def crash(directory, manifest):  # killed after the moves, before the manifest is written
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(staging, "write_manifest", crash)
        with pytest.raises(KeyboardInterrupt):
            _run(tmp_path, beam_args, force=True)
    assert not (folder / "_MANIFEST.json").exists()
    GROUP_RUNS.clear()
    _, ran = _run(tmp_path, beam_args)
    assert ran and GROUP_RUNS == []  # the pending manifest's moves are finished; nothing re-runs
    assert _snapshot(folder) == expected
    assert read_json(str(folder / "_MANIFEST.json"))["groups"] == 1


def test_unknown_beam_option_is_a_user_error():
    with pytest.raises(UserError, match="unknown option --no_such_flag"):
        check_beam_args(["--no_such_flag=1"])
    check_beam_args(
        ["--runner=DirectRunner", "--direct_num_workers=2", "--project=p", "--region=europe-west4"]
    )
    options = pipeline_options([]).get_all_options()
    assert options["runner"] == "FnApiRunner" and options["direct_running_mode"] == "multi_processing"
    assert pipeline_options(["--runner=DirectRunner"]).get_all_options()["runner"] == "FnApiRunner"


def test_portable_runner_against_a_local_job_service(tmp_path):
    """The protocol the Spark and Flink job servers speak: the same stage through a local job service."""
    manifest, ran = _run(
        tmp_path, ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"]
    )
    assert ran and manifest.documents_out == 10 and manifest.counts["rejected:corrupt"] == 1
