"""Source readers' throughput on one core, each against a floor of the plain decoding of the same file.

    python benchmarks/bench_sources.py [--sources wikipedia,c4,stackexchange,github,books,arxiv] [--min-mb 50]
                                       [--split-mb 0] [--repeat 3] [--data ../shared/data]

Each reader's input is built in a temporary folder by repeating real records of ../shared/data to at least
--min-mb MB, and timed beside its floor in this one process:
  wikipedia      floor: bz2 + lxml iterparse of every page    reader: read_pages (below)
  c4             floor: json.loads of every line               reader: read_documents, plain and .json.gz
  stackexchange  floor: lxml iterparse of every <row>          reader: rows to questions and answers, HTML
                                                                       to text, Q:/A: documents
  github         floor: tarfile stream read of every member    reader: repository_documents of the .tar.gz
                        json.loads of every export line                read_lines + bigquery_record
                        (and filters.code.code_stats alone over the Documents' texts: its share of the cost)
  books          floor: decode UTF-8 (replace) + splitlines    reader: gutenberg_book per file, in memory
                        json.loads of every Books3 line                read_lines + books3_record
  arxiv          floor: decode UTF-8 (replace) + arxiv.tokenize  reader: clean_paper per paper
                        of every .tex (the one pass clean_paper cannot avoid; a naive
                        findall(r"\\[A-Za-z@]+|.") is shown too, one match per character)

GitHub: the MIT/BSD/Apache sdists that `make install` fetches (REPO/build/sdists: six, idna, requests; the bench
is skipped without them) repeated as copy0001/..., copy0002/... under requests' Apache LICENSE at the root, as
one `bench-repo.tar.gz` of at least --min-mb MB of content and as a BigQuery-style `export.jsonl` of the same
files (repo_name, path, content, license "apache-2.0"). Books: the Gutenberg files of ../shared/data/gutenberg
read again and again in memory to --min-mb MB, and a Books3-style JSONL ({"text"} per line) of their texts.
arXiv: the paper folders of ../shared/data/arxiv (every file, as bytes) cleaned again and again until --min-mb MB
of .tex has been read; MB/s are of the .tex input.

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
import functools
import gzip
import io
import json
import math
import re
import shutil
import sys
import tarfile
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


PERMISSIVE_SDISTS = (
    "six",
    "idna",
    "requests",
)  # MIT, BSD-3-Clause, Apache-2.0: the licences the recipe keeps


def outcome_counts(outcomes) -> Counter:
    """Documents, Skips (by reason) and Rejects (`rejected:<reason>`) of a reader's outcomes."""
    counts: Counter = Counter()
    for outcome in outcomes:
        if isinstance(outcome, Document):
            counts["documents"] += 1
        elif isinstance(outcome, Reject):
            counts[f"rejected:{outcome.reason}"] += 1
        else:
            counts[outcome.reason] += 1
    return counts


def describe(counts: Counter, skip: tuple[str, ...] = ("documents",)) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()) if k not in skip)


def run_rounds(
    repeat: int, runs: list[tuple[str, object, tuple]]
) -> tuple[dict[str, float], dict[str, object]]:
    """Each (name, fn, args) run round robin `repeat` times: the best CPU seconds and the last result per name."""
    best: dict[str, float] = {}
    results: dict[str, object] = {}
    for _ in range(max(1, repeat)):
        for name, fn, fn_args in runs:
            results[name], seconds = timed(fn, *fn_args)
            best[name] = min(best.get(name, seconds), seconds)
    return best, results


def sdist_files(sdists: Path) -> tuple[list[tuple[str, bytes]], bytes] | str:
    """The regular files of the permissive sdists (name, bytes) and requests' LICENSE; or why not."""
    files: list[tuple[str, bytes]] = []
    license_text = b""
    for project in PERMISSIVE_SDISTS:
        found = sorted(sdists.glob(f"{project}-*.tar.gz"))
        if not found:
            return f"no {project}-*.tar.gz in {sdists} (run `make install`, which fetches the sdists)"
        with tarfile.open(found[-1], "r:gz") as tar:
            for info in tar:
                if info.isfile():
                    data = tar.extractfile(info).read()
                    files.append((info.name, data))
                    if project == "requests" and info.name.count("/") == 1 and info.name.endswith("/LICENSE"):
                        license_text = data
    if not license_text:
        return "requests' sdist holds no LICENSE at its top"
    return files, license_text


def build_repository(
    files: list[tuple[str, bytes]], license_text: bytes, tarball: Path, export: Path, min_mb: float
) -> tuple[int, int, int]:
    """One repository (LICENSE at the root, then the files repeated as copy0001/..., copy0002/...) as a .tar.gz
    and as a BigQuery-style JSON-lines export of the same files: (files, content bytes, export records)."""
    one_copy = sum(len(data) for _, data in files)
    copies = max(1, math.ceil(min_mb * 1e6 / one_copy))
    members = [("LICENSE", license_text)] + [
        (f"copy{copy:04d}/{name}", data) for copy in range(1, copies + 1) for name, data in files
    ]
    with tarfile.open(tarball, "w:gz", compresslevel=6) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    records = 0
    with export.open("w", encoding="utf-8") as handle:
        for name, data in members:
            try:
                content = data.decode("utf-8")
            except UnicodeDecodeError:  # BigQuery's export has no text for a binary blob: left out
                continue
            record = {"repo_name": "bench/repo", "path": name, "content": content, "license": "apache-2.0"}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            records += 1
    return len(members), sum(len(data) for _, data in members), records


def bench_github(args: argparse.Namespace, tmp: str) -> None:
    from filters.code import code_stats
    from pipeline.sources.github import GithubRules, bigquery_record, repository_documents
    from pipeline.sources.jsonl import read_lines

    found = sdist_files(REPO / "build" / "sdists")
    if isinstance(found, str):
        print(f"github: skipped: {found}")
        return
    files, license_text = found
    tarball, export = Path(tmp) / "bench-repo.tar.gz", Path(tmp) / "export.jsonl"
    members, content, records = build_repository(files, license_text, tarball, export, args.min_mb)
    content_mb, export_mb = content / 1e6, export.stat().st_size / 1e6
    print(
        f"github: {tarball.name}: {members:,} files, {content_mb:.1f} MB of content "
        f"({tarball.stat().st_size / 1e6:.1f} MB .tar.gz; {', '.join(PERMISSIVE_SDISTS)} repeated); "
        f"{export.name}: {records:,} records, {export_mb:.1f} MB"
    )
    rules = GithubRules()
    parse = functools.partial(bigquery_record, rules=rules)

    def tar_floor(path: Path) -> int:
        count = 0
        with tarfile.open(path, "r|gz") as tar:
            for info in tar:
                if info.isfile():
                    tar.extractfile(info).read()
                    count += 1
        return count

    def tar_reader(path: Path) -> Counter:
        return outcome_counts(repository_documents(str(path), rules))

    def json_floor(path: Path) -> int:
        with path.open("rb") as handle:
            return sum(1 for line in handle if json.loads(line) is not None)

    def export_reader(path: Path) -> Counter:
        return outcome_counts(read_lines(str(path), 0, None, 64 << 20, parse))

    texts = [doc.text for doc in repository_documents(str(tarball), rules) if isinstance(doc, Document)]

    def stats_only(texts: list[str]) -> int:
        for text in texts:
            code_stats(text)
        return len(texts)

    best, results = run_rounds(
        args.repeat,
        [
            ("tar floor", tar_floor, (tarball,)),
            ("tar", tar_reader, (tarball,)),
            ("code_stats", stats_only, (texts,)),
            ("json floor", json_floor, (export,)),
            ("export", export_reader, (export,)),
        ],
    )
    tar_counts, export_counts = results["tar"], results["export"]
    assert results["tar floor"] == members and results["json floor"] == records, results
    assert tar_counts["documents"] == export_counts["documents"] == len(texts), (tar_counts, export_counts)
    text_mb = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    print("  the repository tarball (MB/s of the files' content, decompressed; items: files)")
    print_rows(
        [
            ("floor: tarfile r|gz, every member", best["tar floor"], members, ""),
            (
                "repository_documents",
                best["tar"],
                members,
                f"{tar_counts['documents']:,} Documents; " + describe(tar_counts),
            ),
            (
                "  of which code_stats alone",
                best["code_stats"],
                len(texts),
                f"over the {len(texts):,} Documents' texts ({text_mb:.1f} MB); items: texts",
            ),
        ],
        content_mb,
        "files/s",
    )
    print("  the BigQuery export (MB/s of the JSON lines; items: records)")
    print_rows(
        [
            ("floor: json.loads per line", best["json floor"], records, ""),
            (
                "read_lines + bigquery_record",
                best["export"],
                records,
                f"{export_counts['documents']:,} Documents; " + describe(export_counts),
            ),
        ],
        export_mb,
        "records/s",
    )


def bench_books(args: argparse.Namespace, tmp: str) -> None:
    from pipeline.sources.books import books3_record, decode_book, gutenberg_book
    from pipeline.sources.jsonl import read_lines

    paths = sorted((args.data / "gutenberg").glob("*/*.txt"))
    if not paths:
        print(f"books: skipped: no {args.data / 'gutenberg'}/*/*.txt")
        return
    books = [(f"{path.parent.name}/{path.name}", path.read_bytes()) for path in paths]
    one_pass = sum(len(data) for _, data in books)
    passes = max(1, math.ceil(args.min_mb * 1e6 / one_pass))
    size_mb = passes * one_pass / 1e6
    print(
        f"books: {len(books)} Gutenberg files ({one_pass / 1e6:.1f} MB) read {passes} times: {size_mb:.1f} MB"
    )

    def text_floor() -> int:
        count = 0
        for _ in range(passes):
            for _, data in books:
                data.decode("utf-8", "replace").splitlines()
                count += 1
        return count

    def gutenberg_reader() -> Counter:
        return outcome_counts(gutenberg_book(name, data) for _ in range(passes) for name, data in books)

    jsonl = Path(tmp) / "books3.jsonl"
    block = "".join(
        json.dumps({"text": decode_book(data)[0]}, ensure_ascii=False) + "\n" for _, data in books
    )
    copies = max(1, math.ceil(args.min_mb * 1e6 / len(block.encode("utf-8"))))
    with jsonl.open("w", encoding="utf-8") as handle:
        for _ in range(copies):
            handle.write(block)
    jsonl_mb, records = jsonl.stat().st_size / 1e6, copies * len(books)
    print(f"books: {jsonl.name}: {records:,} Books3-style {{'text'}} records, {jsonl_mb:.1f} MB")

    def json_floor(path: Path) -> int:
        with path.open("rb") as handle:
            return sum(1 for line in handle if json.loads(line) is not None)

    def books3_reader(path: Path) -> Counter:
        return outcome_counts(read_lines(str(path), 0, None, 64 << 20, books3_record))

    best, results = run_rounds(
        args.repeat,
        [
            ("text floor", text_floor, ()),
            ("gutenberg", gutenberg_reader, ()),
            ("json floor", json_floor, (jsonl,)),
            ("books3", books3_reader, (jsonl,)),
        ],
    )
    gutenberg, books3 = results["gutenberg"], results["books3"]
    assert results["text floor"] == passes * len(books) and results["json floor"] == records, results
    print("  Gutenberg files, in memory (MB/s of the files' bytes)")
    print_rows(
        [
            ("floor: decode utf-8 + splitlines", best["text floor"], passes * len(books), ""),
            (
                "gutenberg_book",
                best["gutenberg"],
                passes * len(books),
                f"{gutenberg['documents']:,} Documents"
                + (f"; {describe(gutenberg)}" if len(gutenberg) > 1 else ""),
            ),
        ],
        size_mb,
        "books/s",
    )
    print("  Books3-style JSON lines (MB/s of the JSON)")
    print_rows(
        [
            ("floor: json.loads per line", best["json floor"], records, ""),
            (
                "read_lines + books3_record",
                best["books3"],
                records,
                f"{books3['documents']:,} Documents" + (f"; {describe(books3)}" if len(books3) > 1 else ""),
            ),
        ],
        jsonl_mb,
        "books/s",
    )


NAIVE_TEX_TOKEN = re.compile(r"\\[A-Za-z@]+|.", re.S)


def bench_arxiv(args: argparse.Namespace, tmp: str) -> None:
    from pipeline.sources.arxiv import clean_paper, tokenize

    folders = sorted(path for path in (args.data / "arxiv").glob("*/") if path.is_dir())
    if not folders:
        print(f"arxiv: skipped: no paper folders in {args.data / 'arxiv'}")
        return
    papers = [
        (
            folder.name,
            {
                p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*"))
                if p.is_file()
            },
        )
        for folder in folders
    ]
    tex = [data for _, files in papers for name, data in files.items() if name.lower().endswith(".tex")]
    one_pass = sum(map(len, tex))
    passes = max(1, math.ceil(args.min_mb * 1e6 / one_pass))
    size_mb, count = passes * one_pass / 1e6, passes * len(papers)
    print(
        f"arxiv: {len(papers)} papers ({len(tex)} .tex files, {one_pass / 1e6:.2f} MB) read {passes} times: "
        f"{size_mb:.1f} MB of .tex"
    )

    def token_floor(split) -> int:
        for _ in range(passes):
            for data in tex:
                split(data.decode("utf-8", "replace"))
        return count

    def naive(text: str) -> list[str]:
        return NAIVE_TEX_TOKEN.findall(text)

    def reader() -> Counter:
        return outcome_counts(
            clean_paper(files, name).outcome for _ in range(passes) for name, files in papers
        )

    best, results = run_rounds(
        args.repeat,
        [("floor", token_floor, (tokenize,)), ("naive", token_floor, (naive,)), ("reader", reader, ())],
    )
    counts = results["reader"]
    assert sum(counts.values()) == count, counts
    print_rows(
        [
            ("floor: decode + arxiv.tokenize", best["floor"], count, "every .tex file, one tokenizer pass"),
            (
                "decode + findall(\\\\[A-Za-z@]+|.)",
                best["naive"],
                count,
                "a match per character outside commands",
            ),
            (
                "clean_paper",
                best["reader"],
                count,
                f"{counts['documents']:,} Documents" + (f"; {describe(counts)}" if len(counts) > 1 else ""),
            ),
        ],
        size_mb,
        "papers/s",
    )


BENCHES = {
    "wikipedia": bench_wikipedia,
    "c4": bench_c4,
    "stackexchange": bench_stackexchange,
    "github": bench_github,
    "books": bench_books,
    "arxiv": bench_arxiv,
}


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
