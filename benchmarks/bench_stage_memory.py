"""Peak memory of a stage on a large input written to one output part: the bounded-memory claim, measured.

    python benchmarks/bench_stage_memory.py [--min-mb 1024] [--workers 2] [--sort-mb 256]

Builds a gzip-per-record WARC of at least --min-mb MB from the real response records of ../shared/data
(bench_commoncrawl's builder), then runs the ingest stage over it with `execution.output_shards: 1` in a child
process, sampling the resident memory of that process and all of its worker processes every 0.2 s, and prints
the peak of the sum and of the largest single process, beside the input and output sizes and the throughput.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_commoncrawl import DEFAULT_DATA, build_warc, response_members  # noqa: E402


def tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) resident bytes of `pid` and every descendant, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(statm[1]) * 4096
    total = largest = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        largest = max(largest, rss.get(current, 0))
        stack.extend(children.get(current, []))
    return total, largest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-mb", type=int, default=1024)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-stage-memory-") as tmp:
        root = Path(tmp)
        members = response_members(args.data)
        warc = root / "big.warc.gz"
        size = build_warc(members, args.min_mb << 20, warc)
        recipe = root / "recipe.yaml"
        recipe.write_text(
            yaml.safe_dump(
                {
                    "name": "memory",
                    "stages": ["ingest"],
                    "sources": {"commoncrawl": {"input": [str(warc)]}},
                    "execution": {"output_shards": 1},
                }
            )
        )
        command = [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            "--config",
            str(recipe),
            "--output",
            str(root / "out"),
            f"--direct_num_workers={args.workers}",
        ]
        started = time.monotonic()
        child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
        peak_sum = peak_one = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_sum, peak_one
            while not done.is_set():
                total, largest = tree_rss(child.pid)
                peak_sum, peak_one = max(peak_sum, total), max(peak_one, largest)
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        status = child.wait()
        done.set()
        sampler.join()
        seconds = time.monotonic() - started
        part = root / "out" / "ingest" / "commoncrawl" / "part-00000-of-00001.parquet"
        print(f"input: {size / 1e6:,.1f} MB gzip-per-record WARC ({len(members)} distinct real records)")
        print(f"ingest stage, {args.workers} workers, one output part: exit {status}, {seconds:,.1f} s")
        if part.is_file():
            print(f"output part: {part.stat().st_size / 1e6:,.1f} MB")
        print(f"peak RSS, all processes together: {peak_sum / 2**20:,.0f} MiB")
        print(f"peak RSS, largest single process: {peak_one / 2**20:,.0f} MiB")
        print(f"input MB per MiB of peak RSS: {size / 1e6 / (peak_sum / 2**20):.2f}")
    return status


if __name__ == "__main__":
    sys.exit(main())
