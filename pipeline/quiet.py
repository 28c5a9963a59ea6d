"""Keep Apache Beam's start-up chatter off the console, in the main process and in its worker processes.

On the DirectRunner in multi_processing mode every worker is a fresh `python -m ...sdk_worker_main` that writes to
the same stderr. Its first log record is a root-logger warning that Beam logs while importing its BigQuery
client (`apitools not found ...`); with no handler on the root logger yet, that call runs `logging.basicConfig()`,
so the worker now has a stderr handler that prints everything until the pipeline options lower the level,
`INFO:__main__:Logging handler created.` included, and that later prints every worker ERROR twice (once itself,
once relayed to the main process as `Worker: severity: ERROR timestamp {...}`). The main process prints the same
import warning once, because it also reaches the root logger, which `apache_beam`'s logger level does not cover.

`quiet_beam()` fixes both ends. Workers inherit the main process's environment, so it puts a folder holding a
small `sitecustomize.py` at the front of PYTHONPATH; Python runs that file at start-up, and in a Beam worker
(recognised by the LOGGING_API_SERVICE_DESCRIPTOR variable that Beam sets for it) it installs one stderr
handler at ERROR before Beam imports anything, so no implicit basicConfig happens, and errors still print once,
readable, with their tracebacks. Anything a worker writes to stderr itself (a crash, a C library) still shows.
In the main process it drops records under ERROR that Beam's modules send to the root logger, and the relayed
copies of worker records that the worker has already printed. Setting LLAMA_DATA_LOG_LEVEL (e.g. INFO) turns
all of this off, so everything Beam says is shown again.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile

ENV_LOG_LEVEL = "LLAMA_DATA_LOG_LEVEL"
ENV_QUIET_WORKERS = (
    "LLAMA_DATA_QUIET_WORKERS"  # set for the workers; the sitecustomize acts only when it is 1
)
RELAY_LOGGER = "apache_beam.runners.portability.local_job_service"  # relays subprocess workers' log records

# Run by every Python process started with our PYTHONPATH; it acts only in a Beam SDK worker subprocess, and then
# runs the sitecustomize it shadows (Python imports only the first one on sys.path), so nothing else changes.
SITECUSTOMIZE = '''\
"""llama-data: quiet Beam SDK worker start-up (see pipeline/quiet.py)."""
import os as _os
import sys as _sys


def _quiet_worker():
    import logging as _logging

    _handler = _logging.StreamHandler(_sys.stderr)
    _handler.setLevel(_logging.ERROR)
    _handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT))
    _logging.getLogger().addHandler(_handler)


def _run_shadowed():
    import importlib.machinery
    import importlib.util

    # Skip every folder of ours (a process that started another may have put its own in front), so the chain
    # reaches the first sitecustomize that is not one of these, once.
    ours = "llama-data-quiet-"
    path = [p for p in _sys.path if not _os.path.basename(_os.path.abspath(p or _os.curdir)).startswith(ours)]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is not None and spec.loader is not None:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


if not getattr(_sys, "_llama_data_quiet", False):
    _sys._llama_data_quiet = True
    if _os.environ.get("LLAMA_DATA_QUIET_WORKERS") == "1" and "LOGGING_API_SERVICE_DESCRIPTOR" in _os.environ:
        _quiet_worker()
    _run_shadowed()
'''

_site_dir: str | None = None


def quiet_requested() -> bool:
    """Quiet unless the user asked for Beam's logs by setting LLAMA_DATA_LOG_LEVEL (the CLI's own rule)."""
    return ENV_LOG_LEVEL not in os.environ


class _BeamRootNoise(logging.Filter):
    """Drops records under ERROR that Beam's own modules log through the root logger (import-time notes)."""

    marker = f"{os.sep}apache_beam{os.sep}"

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or self.marker not in record.pathname


class _RelayedWorkerRecords(logging.Filter):
    """Drops `Worker: ...` records relayed from subprocess workers, which print their errors themselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Worker: "))


def quiet_beam() -> None:
    """Silence Beam's start-up noise in this process and in the worker processes it starts from now on.

    Call it once, before `apache_beam` is first imported (for the main process's import warning) and in any case
    before a pipeline starts (for the workers). Idempotent; does nothing when LLAMA_DATA_LOG_LEVEL is set.
    """
    if not quiet_requested():
        return
    root = logging.getLogger()
    if not any(isinstance(f, _BeamRootNoise) for f in root.filters):
        root.addFilter(_BeamRootNoise())
    quiet_beam_workers()


def quiet_beam_workers() -> None:
    """Make Beam SDK worker subprocesses started from now on quiet (see the module's docstring).

    Sets LLAMA_DATA_QUIET_WORKERS=1 and puts a private folder holding the sitecustomize in front of PYTHONPATH
    (removed when this process exits); since such workers print their own errors, this process stops repeating
    them. Does nothing when LLAMA_DATA_LOG_LEVEL is set.
    """
    global _site_dir
    if not quiet_requested():
        return
    relay = logging.getLogger(RELAY_LOGGER)
    if not any(isinstance(f, _RelayedWorkerRecords) for f in relay.filters):
        relay.addFilter(_RelayedWorkerRecords())
    if _site_dir is None or not os.path.isfile(os.path.join(_site_dir, "sitecustomize.py")):
        _site_dir = tempfile.mkdtemp(prefix="llama-data-quiet-")  # private (0700): nobody else can plant code
        with open(os.path.join(_site_dir, "sitecustomize.py"), "w", encoding="utf-8") as handle:
            handle.write(SITECUSTOMIZE)
        atexit.register(shutil.rmtree, _site_dir, True)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if _site_dir not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([_site_dir, *paths])
    os.environ[ENV_QUIET_WORKERS] = "1"


__all__ = ["quiet_beam", "quiet_beam_workers", "quiet_requested"]
