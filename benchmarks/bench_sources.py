"""Source readers' throughput on one core, each against a floor of the plain decoding of the same file.

    python benchmarks/bench_sources.py [--sources wikipedia,c4,stackexchange] [--min-mb 50] [--split-mb 0]
                                       [--repeat 3] [--data ../shared/data]

Each reader's input is built in a temporary folder by repeating real records of ../shared/data to at least
--min-mb MB, and timed beside its floor in this one process:
  wikipedia      floor: bz2 + lxml iterparse of every page    reader: read_pages (below)
  c4             floor: json.loads of every line               reader: read_documents, plain and .json.gz
  stackexchange  floor: lxml iterparse of every <row>          reader: rows to questions and answers, HTML
                                                                       to text, Q:/A: documents

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
import gzip
import json
import re
import shutil
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


def bench_wikipedia(args: argparse.Namespace, tmp: str) -> None:
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
        ("floor: bz2 + lxml iterparse", best["floor"], pages, ""),
        (
            "read_pages, cleaning on",
            best["reader"],
            pages,
            ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())),
        ),
    ]
    if ranges:
        assert results["split"] == counts, (results["split"], counts)
        rows.append((f"read_pages, {len(ranges)} ranges", best["split"], pages, "same outcomes as one range"))
    print_rows(rows, size_mb, "pages/s")


def print_rows(rows: list[tuple[str, float, int, str]], size_mb: float, unit: str) -> None:
    """One line per timed run: CPU seconds, MB/s, items/s and the share of the floor's speed (row 0)."""
    floor_s = rows[0][1]
    print(f"{'':34s} {'CPU s':>7s} {'MB/s':>7s} {unit:>10s} {'of floor':>9s}")
    for name, seconds, items, note in rows:
        share = floor_s / seconds * 100
        print(
            f"{name:34s} {seconds:7.2f} {size_mb / seconds:7.2f} {items / seconds:10,.0f} {share:8.0f}%  {note}"
        )


def repeat_file(source: Path, out: Path, min_mb: float) -> int:
    """Write `source`'s bytes (newline-terminated) repeatedly to `out` until it holds min_mb MB; its size."""
    data = source.read_bytes()
    data += b"" if data.endswith(b"\n") else b"\n"
    copies = max(1, round(min_mb * 1e6 / len(data)))
    with out.open("wb") as handle:
        for _ in range(copies):
            handle.write(data)
    return out.stat().st_size


def bench_c4(args: argparse.Namespace, tmp: str) -> None:
    from pipeline.sources.c4 import read_documents

    plain = Path(tmp) / "c4-train.00000-of-01024.json"
    size = repeat_file(args.data / "c4" / "c4_en_train00000_head_sample.jsonl", plain, args.min_mb)
    packed = plain.with_suffix(".json.gz")
    with plain.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as target:
        shutil.copyfileobj(source, target, 1 << 24)
    print(f"c4: {plain.name}: {size / 1e6:.1f} MB JSON lines ({packed.stat().st_size / 1e6:.1f} MB as .gz)")

    def json_floor(path: Path) -> int:
        with path.open("rb") as handle:
            return sum(1 for line in handle if json.loads(line) is not None)

    def c4_reader(path: Path) -> int:
        return sum(1 for outcome in read_documents(str(path)) if isinstance(outcome, Document))

    best: dict[str, float] = {}
    counts: dict[str, int] = {}
    for _ in range(max(1, args.repeat)):
        for name, fn, path in (
            ("floor", json_floor, plain),
            ("plain", c4_reader, plain),
            ("gz", c4_reader, packed),
        ):
            counts[name], seconds = timed(fn, path)
            best[name] = min(best.get(name, seconds), seconds)
    assert counts["plain"] == counts["gz"] == counts["floor"], counts
    print_rows(
        [
            ("floor: json.loads per line", best["floor"], counts["floor"], ""),
            ("read_documents, plain", best["plain"], counts["plain"], "Documents with ids, urls, timestamps"),
            ("read_documents, .json.gz", best["gz"], counts["gz"], "MB/s of the JSON, decompressed"),
        ],
        size / 1e6,
        "docs/s",
    )


SE_IDS = re.compile(rb'( (?:Id|ParentId|AcceptedAnswerId)=")(\d+)(")')


def build_posts_xml(source: Path, out: Path, min_mb: float) -> int:
    """A Posts.xml of at least min_mb MB: the source's rows repeated, their ids shifted per copy so that every
    copy is new questions and answers; its size."""
    rows = [line.strip() for line in source.read_bytes().splitlines() if line.strip().startswith(b"<row")]
    size = sum(len(row) + 3 for row in rows)
    with out.open("wb") as handle:
        handle.write(b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\r\n<posts>\r\n')
        for copy in range(max(1, round(min_mb * 1e6 / size))):
            shift = copy * 10_000_000

            def bump(match: re.Match, shift: int = shift) -> bytes:
                return match.group(1) + str(int(match.group(2)) + shift).encode() + match.group(3)

            handle.write(b"".join(b"  " + SE_IDS.sub(bump, row) + b"\r\n" for row in rows))
        handle.write(b"</posts>")
    return out.stat().st_size


def bench_stackexchange(args: argparse.Namespace, tmp: str) -> None:
    from pipeline.sources.stackexchange import Post, PostsReader, assemble_thread

    site = Path(tmp) / "bench.stackexchange.com"
    site.mkdir()
    path = site / "Posts.xml"
    size = build_posts_xml(
        args.data / "stackexchange" / "beer.stackexchange.com_2017" / "Posts.xml", path, args.min_mb
    )
    print(f"stackexchange: {path}: {size / 1e6:.1f} MB (the beer site's rows repeated with new ids)")

    def iterparse_floor(path: Path) -> int:
        rows = 0
        for _, element in etree.iterparse(
            str(path), events=("end",), tag="row", resolve_entities=False, no_network=True, huge_tree=True
        ):
            dict(element.attrib)
            rows += 1
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        return rows

    def row_reader(path: Path) -> int:
        return sum(1 for item in PostsReader(str(path), 0, size) if isinstance(item, Post))

    def documents(path: Path) -> int:
        """Rows to posts, grouped by question in a dict (the shuffle's stand-in), then each question's
        document: answers sorted by score, HTML to text, the Q:/A: format."""
        questions, answers = {}, {}
        for item in PostsReader(str(path), 0, size):
            if isinstance(item, Post):
                if item.post_type == 1:
                    questions[item.post_id] = item
                else:
                    answers.setdefault(item.parent_id, []).append(item)
        kept = 0
        for qid, question in questions.items():
            document, _ = assemble_thread(question.site, qid, [question], answers.get(qid, ()), False)
            kept += document is not None
        return kept

    best: dict[str, float] = {}
    counts: dict[str, int] = {}
    for _ in range(max(1, args.repeat)):
        for name, fn in (("floor", iterparse_floor), ("rows", row_reader), ("documents", documents)):
            counts[name], seconds = timed(fn, path)
            best[name] = min(best.get(name, seconds), seconds)
    print_rows(
        [
            ("floor: lxml iterparse of <row>s", best["floor"], counts["floor"], "rows/s"),
            ("PostsReader: rows to posts", best["rows"], counts["rows"], "posts/s"),
            ("documents: group, sort, HTML, Q:/A:", best["documents"], counts["documents"], "documents/s"),
        ],
        size / 1e6,
        "items/s",
    )


BENCHES = {"wikipedia": bench_wikipedia, "c4": bench_c4, "stackexchange": bench_stackexchange}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", default=",".join(BENCHES), help="comma-separated: " + ", ".join(BENCHES))
    parser.add_argument("--min-mb", type=float, default=50.0)
    parser.add_argument("--split-mb", type=float, default=0.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    for name in [s.strip() for s in args.sources.split(",") if s.strip()]:
        if name not in BENCHES:
            parser.error(f"--sources: unknown source {name!r}; expected some of {', '.join(BENCHES)}")
        with tempfile.TemporaryDirectory() as tmp:
            BENCHES[name](args, tmp)
        print()


if __name__ == "__main__":
    main()
