"""CommonCrawl read/extract/langid throughput on one core, against warcio as the I/O floor.

    python benchmarks/bench_commoncrawl.py [--min-mb 50] [--data ../shared/data/commoncrawl]

Builds a gzip-per-record WARC of at least --min-mb MB in a temporary folder by repeating the real response
records of the shared CommonCrawl samples (each record kept as its own gzip member, as CC publishes them),
then times, in this one process:
  (a) warcio reading every record and its content: the I/O floor;
  (r) our reader alone (parse every record, keep response blocks);
  (b) our reader + HTTP parsing, charset decoding and resiliparse main-text extraction;
  (c) (b) + fastText language ID on every extracted document.
and prints documents/s and MB/s of the input file for each, with the ratio of each to (a).
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--min-mb", type=float, default=50.0, help="size of the generated WARC (default 50)")
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
        identifier = LanguageIdentifier()
        modes = [
            ("(a) warcio read (I/O floor)", "records", run_warcio),
            ("(r) our reader", "records", run_reader),
            ("(b) read + extract", "documents", run_extract),
            ("(c) read + extract + langid", "documents", make_langid_run(identifier)),
        ]
        results = {}
        print(
            f"{'mode':<30} {'items':>9} {'seconds':>9} {'items/s':>10} {'MB/s/core':>10} {'time vs (a)':>12}"
        )
        for name, unit, run in modes:
            started = time.perf_counter()
            count = run(path)
            seconds = time.perf_counter() - started
            results[name[:3]] = seconds
            ratio = seconds / results["(a)"]
            print(
                f"{name:<30} {count:>9} {seconds:>9.2f} {count / seconds:>10.0f} {mb / seconds:>10.1f} {ratio:>11.1f}x  ({unit})"
            )
        print(f"ratio (c)/(a): {results['(c)'] / results['(a)']:.1f}x the time of reading alone "
              f"({mb / results['(c)']:.1f} vs {mb / results['(a)']:.1f} MB/s per core)")  # fmt: skip


if __name__ == "__main__":
    main()
