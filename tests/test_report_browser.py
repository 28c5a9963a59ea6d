"""The run report in a real headless browser: the page loads with no console message, every plot is in the
rendered DOM, and a screenshot is written. Skipped when no Chromium is installed (Debian: `apt-get install
chromium`).

Chromium prints each console message of the page (any level, uncaught exceptions included) to stderr as
`INFO:CONSOLE:<line>] "<message>", source: <url> (<line>)` with `--enable-logging=stderr --v=0`; older
builds wrote `CONSOLE(<line>)`. The first test loads a page with a deliberate error to prove the check sees it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline import report
from tests.test_report import FULL_FIGURES, make_fake_run

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
CONSOLE = re.compile(r"CONSOLE[(:]|Uncaught|ERROR:CONSOLE")
TIMEOUT_S = 60


@pytest.fixture(scope="module")
def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium installed (apt-get install chromium)")


def _run(browser: str, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [browser, *FLAGS, *args, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{browser} did not finish within {TIMEOUT_S}s")


def _console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def test_the_console_check_sees_errors(browser: str, tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<html><body><script>console.error("boom"); notDefined();</script></body></html>')
    lines = _console_lines(_run(browser, page, "--dump-dom").stderr)
    assert any("boom" in line for line in lines), lines
    assert any("notDefined" in line for line in lines), lines


def test_report_loads_cleanly_with_every_plot(browser: str, tmp_path: Path) -> None:
    out = make_fake_run(tmp_path / "run")
    page = Path(report.write_report(str(out)))
    screenshot = tmp_path / "report.png"
    shot = _run(browser, page, f"--screenshot={screenshot}", "--window-size=1280,4000")
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert _console_lines(shot.stderr) == []
    assert screenshot.is_file() and screenshot.stat().st_size > 50_000  # a blank 1280x4000 PNG is ~20 KB
    assert screenshot.read_bytes().startswith(b"\x89PNG")

    dom = _run(browser, page, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert _console_lines(dom.stderr) == []
    figures = dict(re.findall(r'<figure class="plot" id="([^"]+)">(.*?)</figure>', dom.stdout, re.S))
    assert set(figures) == FULL_FIGURES
    for fig_id, body in figures.items():
        assert "<svg" in body and "<path" in body, fig_id
