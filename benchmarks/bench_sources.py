"""Source readers' throughput on one core, each against a floor of the plain decoding of the same file.

    python benchmarks/bench_sources.py [--min-mb 50] [--split-mb 0] [--repeat 3] [--data ../shared/data]

Wikipedia: builds a `.xml.bz2` dump of at least --min-mb MB (compressed) in a temporary folder by repeating the
real pages of the shared enwiki samples (redirects and other namespaces included, as a real dump has them)
under one siteinfo, then times, in this one process:
  (floor) bz2 decompression + lxml iterparse of every page, elements cleared: the speed to match;
  (reader) `read_pages` over the whole file, cleaning on: framing, per-page parsing, latest revision,
           filtering, cleaning, cited URLs, Documents;
  (split) the same in ranges of --split-mb MB read one after the other (0: skipped), which decodes each bz2
          block alone.
Times are CPU seconds of this process, the best of --repeat rounds run round robin (a shared machine
disturbs the best time least). Prints MB/s of the compressed file and pages/s (every page read,
whatever its outcome) for each, and the reader's pages/s as a share of the floor's (the target is 50%).
"""

from __future__ import annotations

import argparse
import bz2
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.document import Document  # noqa: E402
from pipeline.rejects import Reject  # noqa: E402
from pipeline.sources.wikipedia import plan_splits, read_pages  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"
WIKI_SAMPLES = (
    "wikipedia/gensim_enwiki-pages-articles1-shortened.xml.bz2",
    "wikipedia/wp2txt_enwiki-sample-2022.xml.bz2",
    "wikipedia/gensim_enwiki-table-markup.xml.bz2",
    "wikipedia/dbpedia_minidumps_llama20langs/enwiki_minidump.xml.bz2",
)
PAGE_RE = re.compile(rb"<page>.*?</page>", re.S)


def build_wiki_dump(data_dir: Path, out: Path, min_mb: float) -> tuple[int, int]:
    """Repeat the samples' pages into one bz2 dump of at least min_mb MB; (pages, decompressed bytes)."""
    pages: list[bytes] = []
    header = b""
    for name in WIKI_SAMPLES:
        raw = bz2.decompress((data_dir / name).read_bytes())
        if not header:
            header = raw[: raw.find(b"<page>")]
        pages += PAGE_RE.findall(raw)
    compressor = bz2.BZ2Compressor(9)
    written = count = plain = 0
    with out.open("wb") as handle:
        handle.write(compressor.compress(header))
        while written < min_mb * 1e6:
            for page in pages:
                chunk = b"  " + page + b"\n"
                written += handle.write(compressor.compress(chunk))
                plain += len(chunk)
                count += 1
        handle.write(compressor.compress(b"</mediawiki>\n"))
        handle.write(compressor.flush())
    return count, plain


def floor(path: Path) -> int:
    pages = 0
    with bz2.open(path, "rb") as handle:
        for _, element in etree.iterparse(
            handle, events=("end",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
        ):
            if element.tag.endswith("}page"):
                pages += 1
                element.clear()
                parent = element.getparent()
                while element.getprevious() is not None:
                    del parent[0]
    return pages


def reader(ranges: list[tuple[str, int, int]]) -> Counter:
    counts: Counter = Counter()
    for path, start, end in ranges:
        for outcome, urls in read_pages(path, start, end, ["en"], 64 << 20):
            if isinstance(outcome, Document):
                counts["documents"] += 1
                counts["urls"] += len(urls)
            elif isinstance(outcome, Reject):
                counts[f"rejected:{outcome.reason}"] += 1
            else:
                counts[outcome.reason] += 1
    return counts


def timed(fn, *args):
    start = time.process_time()
    result = fn(*args)
    return result, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-mb", type=float, default=50.0)
    parser.add_argument("--split-mb", type=float, default=0.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "enwiki-20220601-pages-articles.xml.bz2"
        pages, plain = build_wiki_dump(args.data, dump, args.min_mb)
        size_mb = dump.stat().st_size / 1e6
        print(f"wikipedia: {dump.name}: {size_mb:.1f} MB bz2 ({plain / 1e6:.1f} MB XML), {pages:,} pages")
        whole = [(str(dump), 0, dump.stat().st_size)]
        ranges = plan_splits(str(dump), int(args.split_mb * 1e6)) if args.split_mb > 0 else []
        best: dict[str, float] = {}
        results: dict[str, object] = {}
        for _ in range(max(1, args.repeat)):
            for name, fn, arg in (
                ("floor", floor, dump),
                ("reader", reader, whole),
                ("split", reader, ranges),
            ):
                if name == "split" and not ranges:
                    continue
                results[name], seconds = timed(fn, arg)
                best[name] = min(best.get(name, seconds), seconds)
        assert results["floor"] == pages, (results["floor"], pages)
        counts = results["reader"]
        assert sum(v for k, v in counts.items() if k != "urls") == pages, counts
        rows = [
            ("floor: bz2 + lxml iterparse", best["floor"], ""),
            (
                "read_pages, cleaning on",
                best["reader"],
                ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())),
            ),
        ]
        if ranges:
            assert results["split"] == counts, (results["split"], counts)
            rows.append((f"read_pages, {len(ranges)} ranges", best["split"], "same outcomes as one range"))
        floor_s = best["floor"]
        print(f"{'':32s} {'CPU s':>7s} {'MB/s':>7s} {'pages/s':>9s} {'of floor':>9s}")
        for name, seconds, note in rows:
            share = floor_s / seconds * 100
            print(
                f"{name:32s} {seconds:7.2f} {size_mb / seconds:7.2f} {pages / seconds:9,.0f} {share:8.0f}%  {note}"
            )


if __name__ == "__main__":
    main()
