"""Progress across processes: reporters write their totals to a folder, the monitor sums and shows them."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import re
import sys
import time

import pytest

from pipeline.progress import (
    ProgressMonitor,
    ProgressReporter,
    format_bytes,
    format_duration,
    read_totals,
)

LINE = re.compile(
    r"^ingest/commoncrawl: [\d.]+ [kMG]?B of [\d.]+ [kMG]?B \(\d+%\), [\d,]+ docs, [\d,.]+ docs/s, "
    r"ETA (\d+:\d\d:\d\d|\?)$"
)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _default_env(monkeypatch):
    monkeypatch.delenv("LLAMA_DATA_PROGRESS", raising=False)
    monkeypatch.delenv("LLAMA_DATA_PROGRESS_INTERVAL", raising=False)


def _write_report(directory, name: str, nbytes: int, documents: int) -> None:
    with open(os.path.join(directory, name), "w") as handle:
        json.dump({"bytes": nbytes, "documents": documents}, handle)


def _worker(where: str | ProgressReporter, steps: int, nbytes: int) -> None:
    """What a Beam worker does: a reporter made in setup() (or unpickled), advanced per record, flushed in
    finish_bundle."""
    reporter = ProgressReporter(where, interval=0.01) if isinstance(where, str) else where
    for _ in range(steps):
        reporter.advance(nbytes=nbytes, documents=1)
        time.sleep(0.005)
    reporter.flush()


def test_reporters_in_one_process_sum_into_the_folder(tmp_path):
    reporters = [ProgressReporter(str(tmp_path), interval=3600) for _ in range(3)]
    for i, reporter in enumerate(reporters):
        reporter.advance(nbytes=100 * (i + 1), documents=i + 1)
    assert read_totals(str(tmp_path)) == (0, 0)  # the interval has not passed: nothing written yet
    for reporter in reporters:
        reporter.flush()
    assert read_totals(str(tmp_path)) == (600, 6)
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 3 and all(re.fullmatch(rf"{os.getpid()}-[0-9a-f]{{8}}\.json", n) for n in names)
    reporters[0].advance(nbytes=50, documents=4)
    reporters[0].flush()
    assert read_totals(str(tmp_path)) == (650, 10)  # a flush rewrites the totals, never appends


def test_reporter_flushes_by_itself_once_the_interval_has_passed(tmp_path):
    reporter = ProgressReporter(str(tmp_path), interval=0)
    reporter.advance(nbytes=10, documents=1)
    assert read_totals(str(tmp_path)) == (10, 1)


def test_reporters_in_subprocesses_and_the_monitor_lines(tmp_path):
    """Beam's workers are processes: three of them report into one folder while the monitor logs."""
    out = io.StringIO()
    spawn = multiprocessing.get_context("spawn")
    with ProgressMonitor(
        str(tmp_path), "ingest/commoncrawl", total_bytes=3 * 20 * 1000, stream=out, interval=0.1
    ):
        shared = ProgressReporter(str(tmp_path), interval=0.01)  # pickled to two workers: still two files
        procs = [spawn.Process(target=_worker, args=(w, 20, 1000)) for w in (str(tmp_path), shared, shared)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(30)
        assert [proc.exitcode for proc in procs] == [0, 0, 0]
        time.sleep(0.25)  # at least one more log line after every worker is done
    lines = out.getvalue().splitlines()
    assert len(lines) >= 3
    *progress, final = lines
    assert all(LINE.match(line) for line in progress), progress
    assert progress[-1].startswith("ingest/commoncrawl: 60.0 kB of 60.0 kB (100%), 60 docs, ")
    assert re.fullmatch(r"ingest/commoncrawl: done, 60\.0 kB, 60 docs in 0:00:\d\d \([\d.,]+ docs/s\)", final)
    assert read_totals(str(tmp_path)) == (60_000, 60) and len(os.listdir(tmp_path)) == 3


def test_line_format_rates_and_eta(tmp_path):
    monitor = ProgressMonitor(
        str(tmp_path), "ingest/commoncrawl", total_bytes=1_020_000_000, stream=io.StringIO()
    )
    monitor._samples.append((time.monotonic() - 10, 0, 0))
    _write_report(tmp_path, "1-aaaa.json", 400_000_000, 18_000)
    _write_report(tmp_path, "2-bbbb.json", 12_300_000, 204)
    monitor.sample()
    line = monitor.line()
    assert line.startswith(
        "ingest/commoncrawl: 412.3 MB of 1.02 GB (40%), 18,204 docs, 1,820 docs/s, ETA 0:00:1"
    )
    assert LINE.match(line)
    # 41.23 MB/s for the remaining 607.7 MB: about 15 s.
    assert line.endswith("ETA 0:00:14") or line.endswith("ETA 0:00:15")
    assert "[" not in line and "[####" in monitor.line(bar=True)


def test_bytes_beyond_the_total_clamp_the_percentage(tmp_path):
    monitor = ProgressMonitor(str(tmp_path), "ingest/commoncrawl", total_bytes=1000, stream=io.StringIO())
    monitor._samples.append((time.monotonic() - 1, 0, 0))
    _write_report(tmp_path, "1-a.json", 2500, 3)
    monitor.sample()
    assert monitor.percent() == 100
    assert monitor.line().startswith("ingest/commoncrawl: 2.50 kB of 1.00 kB (100%), 3 docs, ")
    assert monitor.line().endswith("ETA 0:00:00")
    assert monitor.line(bar=True).startswith("ingest/commoncrawl: [" + "#" * 20 + "] ")


def test_no_total_shows_documents_only(tmp_path):
    out = io.StringIO()
    with ProgressMonitor(str(tmp_path), "tokenize/all", total_bytes=0, stream=out, interval=0.05) as monitor:
        _write_report(tmp_path, "1-a.json", 123, 7)
        time.sleep(0.2)
        assert re.fullmatch(r"tokenize/all: 7 docs, [\d.,]+ docs/s", monitor.line())
    lines = out.getvalue().splitlines()
    assert lines and all(" of " not in line and "ETA" not in line for line in lines)
    assert re.fullmatch(r"tokenize/all: done, 7 docs in 0:00:00 \([\d.,]+ docs/s\)", lines[-1])


def test_missing_partial_and_corrupt_files_are_ignored(tmp_path):
    _write_report(tmp_path, "1-good.json", 100, 2)
    (tmp_path / "2-corrupt.json").write_text("{not json")
    (tmp_path / "3-partial.json").write_text('{"bytes": 5')
    (tmp_path / "4-wrong.json").write_text('{"bytes": "many", "documents": -1}')
    (tmp_path / "5-list.json").write_text("[1, 2]")
    (tmp_path / "6-empty.json").write_text("")
    (tmp_path / ".7-temp.json.tmp").write_text('{"bytes": 1000, "documents": 1000}')
    (tmp_path / "notes.txt").write_text('{"bytes": 1000, "documents": 1000}')
    (tmp_path / "8-dir.json").mkdir()
    assert read_totals(str(tmp_path)) == (100, 2)
    assert read_totals(str(tmp_path / "absent")) == (0, 0)
    out = io.StringIO()
    with ProgressMonitor(str(tmp_path), "x", total_bytes=100, stream=out, interval=0.05):
        time.sleep(0.15)
    assert out.getvalue().splitlines()[-1].startswith("x: done, 100 B, 2 docs in ")


def test_disabled_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LLAMA_DATA_PROGRESS", "0")
    out = io.StringIO()
    with ProgressMonitor(str(tmp_path / "p"), "x", total_bytes=10, stream=out, interval=0.01) as monitor:
        reporter = ProgressReporter(str(tmp_path / "p"), interval=0)
        reporter.advance(nbytes=5, documents=1)
        reporter.flush()
        time.sleep(0.05)
        assert monitor._thread is None
    assert out.getvalue() == ""
    assert not (tmp_path / "p").exists()


def test_reporter_without_folder_or_with_a_vanished_one_never_raises(tmp_path):
    none = ProgressReporter(None, interval=0)
    none.advance(nbytes=1, documents=1)
    none.flush()
    gone = ProgressReporter(str(tmp_path / "removed"), interval=0)
    gone.advance(nbytes=1, documents=1)  # the folder does not exist: the reporter gives up quietly
    gone.flush()
    assert not (tmp_path / "removed").exists()


def test_interval_from_environment(tmp_path, monkeypatch):
    assert ProgressMonitor(str(tmp_path), "x", 1, stream=io.StringIO()).interval == 30
    monkeypatch.setenv("LLAMA_DATA_PROGRESS_INTERVAL", "7.5")
    assert ProgressMonitor(str(tmp_path), "x", 1, stream=io.StringIO()).interval == 7.5
    assert ProgressMonitor(str(tmp_path), "x", 1, stream=io.StringIO(), interval=2).interval == 2
    assert ProgressMonitor(str(tmp_path), "x", 1, stream=FakeTerminal()).interval == 0.5
    monkeypatch.setenv("LLAMA_DATA_PROGRESS_INTERVAL", "soon")
    assert ProgressMonitor(str(tmp_path), "x", 1, stream=io.StringIO()).interval == 30


def test_terminal_gets_one_redrawn_bar(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for the bar, whatever terminal runs the tests
    term = FakeTerminal()
    with ProgressMonitor(str(tmp_path), "ingest/cc", total_bytes=1000, stream=term, interval=0.05):
        _write_report(tmp_path, "1-a.json", 500, 5)
        time.sleep(0.2)
    text = term.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")  # one line, redrawn with \r, ended by the final line
    assert "\ringest/cc: [##########..........] 500 B of 1.00 kB (50%), 5 docs, " in text
    assert text.rsplit("\r", 1)[1].startswith("ingest/cc: done, 500 B, 5 docs in ")


def test_stream_defaults_to_the_current_stderr_and_an_error_says_stopped(tmp_path, capsys):
    with pytest.raises(RuntimeError), ProgressMonitor(str(tmp_path), "x", total_bytes=0, interval=60):
        raise RuntimeError("the pipeline failed")
    assert capsys.readouterr().err.startswith("x: stopped, 0 docs in 0:00:00")


def test_formatting_helpers():
    assert [format_bytes(n) for n in (0, 999, 1000, 41_230, 412_300_000, 1_020_000_000, 3 * 10**15)] == [
        "0 B",
        "999 B",
        "1.00 kB",
        "41.2 kB",
        "412.3 MB",
        "1.02 GB",
        "3.00 PB",
    ]
    assert format_duration(72.9) == "0:01:12" and format_duration(-3) == "0:00:00"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
