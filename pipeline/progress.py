"""Live progress of a stage whose work runs in other processes (Beam's DirectRunner in multi_processing mode).

Beam's metrics reach the main process only when the pipeline ends, so the workers report through a local folder
instead: each `ProgressReporter` (one per DoFn instance, made in `setup()`) rewrites its own small JSON file with
its running totals, and the main process's `ProgressMonitor` sums those files in a background thread and shows
bytes done of the total, documents, documents/s and an ETA: a redrawn bar on a terminal, plain log lines
otherwise. The folder must be on a file system the workers share with the main process, so it suits local
runners only; elsewhere pass `None` and every reporter call is a no-op.

Environment: `LLAMA_DATA_PROGRESS=0` turns it off; `LLAMA_DATA_PROGRESS_INTERVAL` sets the seconds between log
lines when the stream is not a terminal (30 by default).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import threading
import time
from collections import deque
from datetime import timedelta
from typing import TextIO

ENV_ENABLED = "LLAMA_DATA_PROGRESS"
ENV_INTERVAL = "LLAMA_DATA_PROGRESS_INTERVAL"
DEFAULT_LOG_INTERVAL = 30.0  # seconds between plain log lines when the stream is not a terminal
TTY_REFRESH = 0.5  # seconds between redraws of the bar
POLL = 0.5  # seconds between reads of the reporter files (the rate window needs samples between log lines)
RATE_WINDOW = 30.0  # seconds of samples that documents/s and the ETA are measured over
BAR_WIDTH = 20


def progress_enabled() -> bool:
    """False when the user turned progress off with LLAMA_DATA_PROGRESS=0 (or false/no/off)."""
    return os.environ.get(ENV_ENABLED, "1").strip().lower() not in ("0", "false", "no", "off")


def log_interval() -> float:
    """Seconds between plain log lines: LLAMA_DATA_PROGRESS_INTERVAL, or 30; a bad value falls back to 30."""
    try:
        value = float(os.environ.get(ENV_INTERVAL, DEFAULT_LOG_INTERVAL))
    except ValueError:
        return DEFAULT_LOG_INTERVAL
    return value if value > 0 else DEFAULT_LOG_INTERVAL


class ProgressReporter:
    """Worker side. Created in a DoFn's setup() from a local folder path (or None: then every call is a no-op).

    `advance` only adds to two integers and, at most every `interval` seconds, rewrites this reporter's file;
    call `flush` in finish_bundle (and teardown) so the last counts land before the pipeline ends. A reporter
    never raises: progress must not fail a job, so a folder that cannot be written disables it.
    """

    def __init__(self, directory: str | None, interval: float = 0.5):
        self.directory = directory if directory and progress_enabled() else None
        self.interval = interval
        self.bytes = 0
        self.documents = 0
        self._last_flush = time.monotonic()
        self._dirty = False
        self._pid: int | None = None
        self.path: str | None = None  # named at the first flush, in the process that writes it

    def advance(self, nbytes: int = 0, documents: int = 0) -> None:
        if self.directory is None:
            return
        self.bytes += nbytes
        self.documents += documents
        self._dirty = True
        if time.monotonic() - self._last_flush >= self.interval:
            self.flush()

    def flush(self) -> None:
        """Write the totals so far to <directory>/<pid>-<random>.json atomically (temp file + os.replace)."""
        if self.directory is None:
            return
        self._last_flush = time.monotonic()
        if self._pid != os.getpid() or self.path is None:
            # Named here rather than in __init__: a reporter built in the main process and pickled to several
            # workers still gets one file per worker, never one that they overwrite in turn.
            self._pid = os.getpid()
            self.path = os.path.join(self.directory, f"{self._pid}-{secrets.token_hex(4)}.json")
        elif not self._dirty and os.path.exists(self.path):
            return
        temp = os.path.join(self.directory, f".{os.path.basename(self.path)}.tmp")
        payload = {"bytes": self.bytes, "documents": self.documents, "pid": os.getpid(), "time": time.time()}
        try:
            with open(temp, "w", encoding="utf-8") as handle:
                json.dump(payload, handle)
            os.replace(temp, self.path)
            self._dirty = False
        except OSError:
            # The monitor's folder is gone (the stage ended) or unwritable: stop trying, never fail the job,
            # and never re-create a folder that its owner removed.
            self.directory = None


def read_totals(directory: str) -> tuple[int, int]:
    """(bytes, documents) summed over every reporter file; missing, partial or corrupt files count as nothing."""
    total_bytes = total_docs = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0, 0
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(".json"):
            continue  # temp files of a write in progress, or anything else that lives there
        try:
            with open(entry.path, encoding="utf-8") as handle:
                data = json.load(handle)
            nbytes, docs = data["bytes"], data["documents"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if _count(nbytes) and _count(docs):
            total_bytes += nbytes
            total_docs += docs
    return total_bytes, total_docs


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def format_bytes(n: float) -> str:
    """Decimal units, three or four significant digits: 512 B, 41.2 kB, 412.3 MB, 1.02 GB."""
    if n < 1000:
        return f"{int(n)} B"
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        n /= 1000
        if n < 1000 or unit == "PB":
            return f"{n:.2f} {unit}" if n < 10 else f"{n:.1f} {unit}"
    raise AssertionError("unreachable")


def format_duration(seconds: float) -> str:
    return str(timedelta(seconds=max(0, int(seconds))))


def _format_rate(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.1f}"


class ProgressMonitor:
    """Main process. A context manager whose background thread sums every reporter file in `directory`
    and shows `label`: bytes done of total_bytes (%), documents, documents/s, ETA.

    On a terminal the line is redrawn in place about twice a second; otherwise one plain line is printed every
    `interval` seconds (default: LLAMA_DATA_PROGRESS_INTERVAL or 30). Give it a fresh folder: every `*.json`
    file in it is counted. Rates and the ETA are measured over the last 30 seconds of work, so Beam's
    start-up time does not drag them down. LLAMA_DATA_PROGRESS=0 turns it off entirely (no thread, no output).
    """

    def __init__(
        self,
        directory: str,
        label: str,
        total_bytes: int,
        stream: TextIO | None = None,
        interval: float | None = None,
    ):
        self.directory = directory
        self.label = label
        self.total_bytes = max(0, int(total_bytes))
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = progress_enabled()
        self.tty = _isatty(self.stream)
        self.interval = interval if interval is not None else (TTY_REFRESH if self.tty else log_interval())
        self.bytes = 0
        self.documents = 0
        self._samples: deque[tuple[float, int, int]] = deque()
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ProgressMonitor:
        self._start = time.monotonic()
        self._samples.clear()
        self._samples.append((self._start, 0, 0))
        if not self.enabled:
            return self
        os.makedirs(self.directory, exist_ok=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"progress-{self.label}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        """Stop the thread and print one final line: done (or stopped, on an exception), documents, elapsed."""
        if not self.enabled:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.sample()
        self._write(self.final_line(failed=bool(exc and exc[0] is not None)), final=True)

    def sample(self) -> tuple[int, int]:
        """Read the reporter files now; returns (bytes, documents) and records them for the rates."""
        nbytes, docs = read_totals(self.directory)
        now = time.monotonic()
        self.bytes, self.documents = nbytes, docs
        self._samples.append((now, nbytes, docs))
        samples = self._samples
        # The window starts at the last sample before any work was reported (Beam's start-up is not work) and
        # reaches back at most RATE_WINDOW seconds.
        while len(samples) > 2 and (samples[1][1:] == (0, 0) or now - samples[1][0] >= RATE_WINDOW):
            samples.popleft()
        return nbytes, docs

    def rates(self) -> tuple[float, float]:
        """(bytes/s, documents/s) over the last RATE_WINDOW seconds of samples."""
        t0, b0, d0 = self._samples[0]
        t1, b1, d1 = self._samples[-1]
        span = t1 - t0
        if span <= 0:
            return 0.0, 0.0
        return max(0, b1 - b0) / span, max(0, d1 - d0) / span

    def line(self, bar: bool = False) -> str:
        """The progress line, e.g. `ingest/commoncrawl: 412.3 MB of 1.02 GB (40%), 18,204 docs, 1,211 docs/s,
        ETA 0:01:12`; with `bar`, a `[####....]` bar after the label (on a terminal)."""
        byte_rate, doc_rate = self.rates()
        docs = f"{self.documents:,} docs, {_format_rate(doc_rate)} docs/s"
        if not self.total_bytes:
            return f"{self.label}: {docs}"
        filled = self.percent() * BAR_WIDTH // 100
        drawn = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] " if bar else ""
        if self.bytes >= self.total_bytes:
            eta = "0:00:00"
        elif byte_rate > 0:
            eta = format_duration((self.total_bytes - self.bytes) / byte_rate)
        else:
            eta = "?"
        return (
            f"{self.label}: {drawn}{format_bytes(self.bytes)} of {format_bytes(self.total_bytes)} "
            f"({self.percent()}%), {docs}, ETA {eta}"
        )

    def percent(self) -> int:
        """Whole percent done, floored and clamped to 0..100 (bytes done may exceed an estimated total)."""
        if not self.total_bytes:
            return 0
        return max(0, min(100, self.bytes * 100 // self.total_bytes))

    def final_line(self, failed: bool = False) -> str:
        elapsed = time.monotonic() - self._start
        rate = self.documents / elapsed if elapsed > 0 else 0.0
        size = f"{format_bytes(self.bytes)}, " if self.total_bytes else ""
        state = "stopped" if failed else "done"
        return (
            f"{self.label}: {state}, {size}{self.documents:,} docs in {format_duration(elapsed)} "
            f"({_format_rate(rate)} docs/s)"
        )

    def _run(self) -> None:
        next_output = time.monotonic() + self.interval
        while not self._stop.wait(min(POLL, self.interval)):
            try:
                self.sample()
                if time.monotonic() >= next_output:
                    next_output += self.interval
                    self._write(self.line(bar=self.tty and self._bar_fits()), final=False)
            except Exception:  # a closed stream or the like: the job matters more than its progress line
                return

    def _bar_fits(self) -> bool:
        return len(self.line()) + BAR_WIDTH + 3 <= _columns(self.stream)

    def _write(self, text: str, final: bool) -> None:
        """A terminal gets the line redrawn in place (cut to its width); anything else gets a new line."""
        try:
            if self.tty:
                self.stream.write("\r" + text[: _columns(self.stream)] + "\x1b[K" + ("\n" if final else ""))
            else:
                self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass


def _columns(stream: TextIO) -> int:
    """The width of the terminal that `stream` writes to, less one column so a line never wraps."""
    try:
        return os.get_terminal_size(stream.fileno()).columns - 1
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size((100, 20)).columns - 1


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


__all__ = [
    "ProgressMonitor",
    "ProgressReporter",
    "format_bytes",
    "format_duration",
    "log_interval",
    "progress_enabled",
    "read_totals",
]
