"""The Beam stage sink shared by every job: deterministic parts, counts, rejects, manifest and resume."""

from __future__ import annotations

import json

import apache_beam as beam
import pytest

from beam_jobs.options import check_beam_args, pipeline_options
from beam_jobs.stage import DECISIONS, REJECTS, StageRun, WriteStageOutputs, decide, reject, run_stage
from pipeline.document import Document, make_doc_id
from pipeline.errors import UserError
from pipeline.io import iter_documents, stage_parts
from pipeline.rejects import Reject

pytestmark = pytest.mark.slow


class _KeepEven(beam.DoFn):
    """A toy decision so the sink sees all three outputs: even numbers are kept, 7 is unparseable."""

    def process(self, n: int):
        yield decide("test", "read")
        if n == 7:
            yield from reject("test", Reject("input.txt", n * 10, "corrupt", "bad bytes"))
        elif n % 2:
            yield decide("test", "dropped:odd")
        else:
            yield decide("test", "kept")
            yield Document(id=make_doc_id("c4", "input.txt", n), source="c4", text=f"doc {n}")


def _run(tmp_path, beam_args, force=False, shards=3):
    source = tmp_path / "input.txt"
    if not source.exists():
        source.write_text("0..19\n")

    def build(pipeline, staging):
        outputs = (
            pipeline
            | "Numbers" >> beam.Create(list(range(20)))
            | "Decide" >> beam.ParDo(_KeepEven()).with_outputs(REJECTS, DECISIONS, main="docs")
        )
        _ = {
            None: outputs.docs,
            REJECTS: outputs[REJECTS],
            DECISIONS: outputs[DECISIONS],
        } | WriteStageOutputs(staging, shards)

    run = StageRun(str(tmp_path / "out"), "ingest", "c4", [str(source)], "cfg", force=force)
    return run_stage(run, beam_args, build)


def test_sink_writes_parts_counts_rejects_and_manifest(tmp_path, beam_args):
    manifest, ran = _run(tmp_path, beam_args)
    assert ran
    assert manifest.counts == {"read": 20, "kept": 10, "dropped:odd": 9, "rejected:corrupt": 1}
    assert manifest.documents_in == 20 and manifest.documents_out == 10 and manifest.rejects == 1
    parts = stage_parts(str(tmp_path / "out" / "ingest" / "c4"))
    assert [p.rsplit("/", 1)[-1] for p in parts] == [f"part-0000{i}-of-00003.parquet" for i in range(3)]
    ids = [d.id for p in parts for d in iter_documents(p)]
    assert len(ids) == 10 and all(sorted(ids[i : i + 1]) for i in range(10))
    rejects = [
        json.loads(line)
        for line in (tmp_path / "out" / "ingest" / "_rejects" / "c4.jsonl").read_text().splitlines()
    ]
    assert rejects == [
        {
            "source_file": "input.txt",
            "offset": 70,
            "reason": "corrupt",
            "detail": "bad bytes",
            "record_id": None,
        }
    ]
    assert not list((tmp_path / "out" / "ingest").glob("_staging-*"))


def test_resume_skips_and_force_rewrites_identical_bytes(tmp_path, beam_args):
    _run(tmp_path, beam_args)
    stage = tmp_path / "out" / "ingest" / "c4"
    before = {p.name: p.read_bytes() for p in sorted(stage.iterdir())}
    _, ran = _run(tmp_path, beam_args)
    assert not ran
    _, ran = _run(tmp_path, ["--direct_num_workers=2", "--direct_running_mode=multi_processing"], force=True)
    assert ran
    assert {p.name: p.read_bytes() for p in sorted(stage.iterdir())} == before


def test_unknown_beam_option_is_a_user_error():
    with pytest.raises(UserError, match="unknown option --no_such_flag"):
        check_beam_args(["--no_such_flag=1"])
    check_beam_args(
        ["--runner=DirectRunner", "--direct_num_workers=2", "--project=p", "--region=europe-west4"]
    )
    options = pipeline_options([]).get_all_options()
    assert options["runner"] == "DirectRunner" and options["direct_running_mode"] == "multi_processing"


def test_portable_runner_against_a_local_job_service(tmp_path):
    """The protocol the Spark and Flink job servers speak: the same job through a local job service."""
    manifest, ran = _run(
        tmp_path, ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"]
    )
    assert ran and manifest.documents_out == 10 and manifest.counts["rejected:corrupt"] == 1
