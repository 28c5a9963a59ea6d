"""Beam's start-up noise stays off the console; real errors still show, once; LLAMA_DATA_LOG_LEVEL shows all."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest

from pipeline import quiet

# What a Beam SDK worker does at start-up, without Beam: a root-logger warning while importing (Beam's
# `apitools not found`), the level raised to INFO, an INFO record, then a real error.
WORKER_START = textwrap.dedent(
    """
    import logging
    logging.warning("apitools not found, and bigquery client libraries are not available")
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("__main__").info("Logging handler created.")
    logging.getLogger("mine").error("a real error")
    """
)
WORKER_ENV = {"LOGGING_API_SERVICE_DESCRIPTOR": 'url: "localhost:1"'}

PIPELINE = textwrap.dedent(
    """
    import logging, sys
    logging.basicConfig(level="WARNING")
    logging.getLogger("apache_beam").setLevel(logging.ERROR)
    if sys.argv[1] == "quiet":
        from pipeline.quiet import quiet_beam
        quiet_beam()
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    class Complain(beam.DoFn):
        def process(self, x):
            logging.getLogger("mine").error("worker error for %s", x)
            yield x

    options = PipelineOptions(["--runner=DirectRunner", "--direct_running_mode=multi_processing",
        "--direct_num_workers=2", "--default_sdk_harness_log_level=ERROR"])
    with beam.Pipeline(options=options) as p:
        _ = p | beam.Create([7]) | beam.ParDo(Complain())
    print("pipeline finished", file=sys.stderr)
    """
)


@pytest.fixture
def env(monkeypatch):
    """A clean slate: quiet requested, and os.environ / the loggers' filters restored afterwards."""
    monkeypatch.delenv("LLAMA_DATA_LOG_LEVEL", raising=False)
    monkeypatch.delenv(quiet.ENV_QUIET_WORKERS, raising=False)
    monkeypatch.setenv("PYTHONPATH", os.environ.get("PYTHONPATH", ""))
    loggers = [logging.getLogger(), logging.getLogger(quiet.RELAY_LOGGER)]
    before = [list(lg.filters) for lg in loggers]
    yield monkeypatch
    for lg, filters in zip(loggers, before, strict=True):
        lg.filters[:] = filters


def _python(code: str, extra_env: dict[str, str] | None = None) -> str:
    env = {**os.environ, **(extra_env or {})}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_workers_print_only_errors(env):
    quiet.quiet_beam_workers()
    assert _python(WORKER_START, WORKER_ENV) == "ERROR:mine:a real error\n"


def test_other_processes_are_untouched(env):
    quiet.quiet_beam_workers()
    err = _python(WORKER_START)  # no LOGGING_API_SERVICE_DESCRIPTOR: not a Beam worker
    assert "WARNING:root:apitools not found" in err and "INFO:__main__:Logging handler created." in err


def test_without_it_workers_are_noisy(env):
    err = _python(WORKER_START, WORKER_ENV)
    assert "apitools not found" in err and "Logging handler created." in err


def test_a_shadowed_sitecustomize_still_runs(env, tmp_path):
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.stderr.write('shadowed ran\\n')\n")
    env.setenv("PYTHONPATH", str(tmp_path))
    quiet.quiet_beam_workers()
    assert _python("pass", WORKER_ENV) == "shadowed ran\n"


def test_idempotent_and_private(env):
    quiet.quiet_beam()
    quiet.quiet_beam()
    paths = os.environ["PYTHONPATH"].split(os.pathsep)
    site = paths[0]
    assert paths.count(site) == 1 and os.path.isfile(os.path.join(site, "sitecustomize.py"))
    assert os.stat(site).st_mode & 0o077 == 0
    assert os.environ[quiet.ENV_QUIET_WORKERS] == "1"
    assert sum(isinstance(f, quiet._BeamRootNoise) for f in logging.getLogger().filters) == 1


def test_log_level_opt_in_leaves_everything_alone(env):
    env.setenv("LLAMA_DATA_LOG_LEVEL", "INFO")
    pythonpath = os.environ["PYTHONPATH"]
    filters = list(logging.getLogger().filters)
    quiet.quiet_beam()
    assert os.environ["PYTHONPATH"] == pythonpath and quiet.ENV_QUIET_WORKERS not in os.environ
    assert logging.getLogger().filters == filters


def test_main_process_filters():
    def record(level: int, path: str, msg: str = "m") -> logging.LogRecord:
        return logging.LogRecord("root", level, path, 1, msg, None, None)

    beam_file = os.path.join(os.sep, "venv", "apache_beam", "io", "gcp", "__init__.py")
    noise = quiet._BeamRootNoise()
    assert not noise.filter(record(logging.WARNING, beam_file))
    assert noise.filter(record(logging.ERROR, beam_file))
    assert noise.filter(record(logging.WARNING, os.path.join(os.sep, "work", "pipeline", "io.py")))
    relay = quiet._RelayedWorkerRecords()
    assert not relay.filter(record(logging.ERROR, beam_file, "Worker: %s"))
    assert relay.filter(record(logging.ERROR, beam_file, "Pipeline failed"))


@pytest.mark.slow
def test_real_multi_processing_pipeline(tmp_path):
    """Two Beam runs on the DirectRunner's worker processes: as Beam leaves it, then with quiet_beam()."""
    script = tmp_path / "job.py"
    script.write_text(PIPELINE)
    env = {k: v for k, v in os.environ.items() if k not in ("LLAMA_DATA_LOG_LEVEL", quiet.ENV_QUIET_WORKERS)}
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH", "")) if p)

    def run(mode: str) -> str:
        done = subprocess.run(
            [sys.executable, str(script), mode], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    loud = run("loud")
    if "apitools not found" not in loud and "Logging handler created" not in loud:
        pytest.skip("this Beam version prints no start-up noise")
    assert "worker error for 7" in loud
    err = run("quiet")
    assert "apitools" not in err and "Logging handler created" not in err and "Worker: severity" not in err
    assert err.count("worker error for 7") == 1 and "ERROR:mine:worker error for 7" in err
    assert err.rstrip().endswith("pipeline finished")
