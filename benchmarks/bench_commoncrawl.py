"""CommonCrawl read/extract/langid throughput on one core, side by side with FastWARC and warcio.

    python benchmarks/bench_commoncrawl.py [--min-mb 50] [--repeat 5] [--data ../shared/data/commoncrawl]

Builds a gzip-per-record WARC of at least --min-mb MB in a temporary folder by repeating the real response
records of the shared CommonCrawl samples (each record kept as its own gzip member, as CC publishes them),
then times, in this one process:
  (a) FastWARC's own ArchiveIterator reading every record and its block: the speed to match;
  (a+) (a) plus each record's headers as a dict by lower-cased name (what any caller of (a) needs);
  (b) warcio reading every record and its content;
  (c) our reader alone (`read_records`: locate, parse, validate, keep response blocks);
  (d) our reader + HTTP parsing, charset decoding and resiliparse main-text extraction (`read_documents`);
  (e) (d) + fastText language ID on every extracted document.
Times are CPU seconds of this process (a busy machine disturbs them less than wall time). (a) to (c) run
--repeat rounds, round robin: each shows its best time and the median of its per-round ratios to (a), which
holds up on a shared machine where absolute times drift. (d) and (e) run once. Prints items/s and MB/s of
the input file for each.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastArchiveIterator
from warcio.archiveiterator import ArchiveIterator

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from filters.langid import LanguageIdentifier  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.sources.commoncrawl import read_documents, read_records  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "commoncrawl"


def response_members(data_dir: Path) -> list[bytes]:
    """Each real response record of the shared files as one gzip member, bytes as found where possible."""
    members = []
    for path in sorted(data_dir.iterdir()):
        if not path.name.endswith((".warc", ".warc.gz")) or ".wat." in path.name or ".wet." in path.name:
            continue
        data = path.read_bytes()
        iterator = ArchiveIterator(io.BytesIO(data))
        try:
            for record in iterator:
                if record.rec_type != "response":
                    continue
                record.content_stream().read()
                start = iterator.get_record_offset()
                raw = data[start : start + iterator.get_record_length()]
                members.append(raw if raw[:2] == b"\x1f\x8b" else gzip.compress(raw, mtime=0))
        except Exception as exc:  # a sample warcio cannot read is simply not used here
            print(f"  (skipping {path.name}: {exc})", file=sys.stderr)
    return members


def build_warc(members: list[bytes], min_bytes: int, path: Path) -> int:
    written = 0
    with path.open("wb") as out:
        while written < min_bytes:
            for member in members:
                out.write(member)
                written += len(member)
    return written


def run_fastwarc(path: Path) -> int:
    records = 0
    with path.open("rb") as handle:
        for record in FastArchiveIterator(handle, parse_http=False):
            record.reader.read()
            records += 1
    return records


def run_fastwarc_headers(path: Path) -> int:
    """(a) plus what any caller needs of a record: its headers as a dict by lower-cased name."""
    records = 0
    with path.open("rb") as handle:
        for record in FastArchiveIterator(handle, parse_http=False):
            {name.lower(): value for name, value in reversed(record.headers.astuples())}
            record.reader.read()
            records += 1
    return records


def run_warcio(path: Path) -> int:
    records = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            record.content_stream().read()
            records += 1
    return records


def run_reader(path: Path) -> int:
    return sum(1 for _ in read_records(str(path)))


def run_extract(path: Path) -> int:
    return sum(isinstance(o, Document) for _, o in read_documents(str(path)))


def make_langid_run(identifier: LanguageIdentifier) -> Callable[[Path], int]:
    def run(path: Path) -> int:
        documents = 0
        for _, outcome in read_documents(str(path)):
            if isinstance(outcome, Document):
                identifier.predict(outcome.text)
                documents += 1
        return documents

    return run


def cpu_seconds(run: Callable[[Path], int], path: Path) -> tuple[int, float]:
    started = time.process_time()
    count = run(path)
    return count, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--min-mb", type=float, default=50.0, help="size of the generated WARC (default 50)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of (a) to (c) (default 5)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of real WARC files to repeat")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no sample data at {args.data}")
    members = response_members(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        size = build_warc(members, int(args.min_mb * 1e6), path)
        mb = size / 1e6
        print(
            f"input: {mb:.1f} MB gzip-per-record WARC, {len(members)} distinct real response records repeated"
        )
        readers = [
            ("(a) FastWARC ArchiveIterator", "records", run_fastwarc),
            ("(a+) FastWARC + headers dict", "records", run_fastwarc_headers),
            ("(b) warcio ArchiveIterator", "records", run_warcio),
            ("(c) our reader", "records", run_reader),
        ]
        rounds: dict[str, list[float]] = {name: [] for name, _, _ in readers}
        counts = {}
        for _ in range(args.repeat):  # round robin, so a burst of load on the machine hits every reader
            for name, _, run in readers:
                counts[name], seconds = cpu_seconds(run, path)
                rounds[name].append(seconds)
        base = rounds[readers[0][0]]
        rows = []
        for name, unit, _ in readers:
            ratios = sorted(t / b for t, b in zip(rounds[name], base, strict=True))
            rows.append((name, unit, counts[name], min(rounds[name]), ratios[len(ratios) // 2]))
        identifier = LanguageIdentifier()
        for name, unit, run in [
            ("(d) read + extract", "documents", run_extract),
            ("(e) read + extract + langid", "documents", make_langid_run(identifier)),
        ]:
            count, seconds = cpu_seconds(run, path)
            rows.append((name, unit, count, seconds, seconds / min(base)))
        print(f"{'mode':<30} {'items':>9} {'CPU s':>9} {'items/s':>10} {'MB/s/core':>10} {'time vs (a)':>12}")
        for name, unit, count, seconds, ratio in rows:
            print(
                f"{name:<30} {count:>9} {seconds:>9.2f} {count / seconds:>10.0f} {mb / seconds:>10.1f} "
                f"{ratio:>11.2f}x  ({unit})"
            )
        print(
            "(a) to (c): best CPU seconds of the rounds; time vs (a): median of the per-round ratios. "
            "(d), (e): one run, against (a)'s best."
        )


if __name__ == "__main__":
    main()
