"""MinHash signatures/s per core: filters/minhash.py's batch path against datasketch's per-document loop.

    python benchmarks/bench_minhash.py [--documents 10000] [--words 600] [--scheme affine32|legacy] [--repeat 3]
                                       [--data ../shared/data]

Builds --documents documents of --words words from the real C4 sample in ../shared/data/c4 (its paragraphs
shuffled and cut into windows, a new shuffle per pass over the sample: documents share paragraphs, and only a
few dozen pairs, cut from paragraphs longer than a document, are near-duplicates), then times in this one
process (CPU seconds, so per core):
  shingling     shingles() of every document (normalize + 5-grams, distinct)
  ours          MinHasher.signatures on those shingles' xxhash hashes, --batch documents at a time
  ours, sha1    the same with datasketch's sha1_hash32
  ours, texts   MinHasher.text_signatures from the texts (shingling included, hashed as bytes)
  datasketch    one MinHash per document, update_batch of its encoded shingles (sha1_hash32; permutations made
                once and passed in, as a tuned datasketch user does), on the same shingles
and prints signatures/s for each (the fastest of --repeat runs), with shingling and without, and the ratio to
datasketch (target >= 5x). The sha1 signatures are checked equal to datasketch's. Then the LSH banding
datasketch would pick for --threshold and --num-perm. Last (--job N...; default 10k, 30k, 100k documents), the
whole minhash stage on the DirectRunner with one worker over corpora of each size: documents/s, time per document
(it should grow no faster than the shuffle's n log n) and the process's peak resident memory. Before that
(unless --no-quality), precision, recall and F1 of the stage's clusters on every real text of ../shared/data
with 1-3 injected near-duplicates each (~10k documents), against exact Jaccard over all pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from filters.minhash import (  # noqa: E402
    MinHasher,
    describe_bands,
    optimal_bands,
    shingle_hashes,
    shingles,
    text_hashes,
)

DEFAULT_DATA = REPO.parent / "shared" / "data"
C4_SAMPLE = Path("c4") / "c4_en_train00000_head_sample.jsonl"


def build_corpus(data: Path, documents: int = 10_000, words: int = 600, seed: int = 0) -> list[str]:
    """`documents` texts of `words` words from the C4 sample's paragraphs: each pass shuffles all paragraphs
    (seeded) and cuts their words into consecutive windows, until there are enough."""
    with open(data / C4_SAMPLE, encoding="utf-8") as f:
        paragraphs = [
            line.split() for row in f for line in json.loads(row)["text"].split("\n") if line.strip()
        ]
    rng = np.random.default_rng(seed)
    out: list[str] = []
    while len(out) < documents:
        stream = [word for i in rng.permutation(len(paragraphs)) for word in paragraphs[i]]
        out.extend(" ".join(stream[i : i + words]) for i in range(0, len(stream) - words + 1, words))
    return out[:documents]


def timed(fn: Callable, *args, repeat: int = 1) -> tuple[object, float]:
    """The result and the least CPU seconds of `repeat` runs (the least is the one others' load slowed least)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        result = fn(*args)
        best = min(best, time.process_time() - start)
    return result, best


def batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def datasketch_signatures(
    shingle_lists: list[list[str]], num_perm: int, seed: int, scheme: str
) -> np.ndarray:
    from datasketch import MinHash

    perms = MinHash(num_perm, seed, scheme=scheme).permutations
    out = []
    for items in shingle_lists:
        m = MinHash(num_perm, seed, scheme=scheme, permutations=perms)
        m.update_batch([s.encode() for s in items])
        out.append(m.hashvalues)
    return np.array(out)


def bench_signatures(texts: list[str], args: argparse.Namespace) -> None:
    """Part 1: signatures/s per core, ours against datasketch, on the same shingles."""
    fast = MinHasher(args.num_perm, args.seed, "xxhash", args.scheme)
    compatible = MinHasher(args.num_perm, args.seed, "sha1", args.scheme)
    r = args.repeat
    shingle_lists, t_shingle = timed(lambda: [shingles(t) for t in texts], repeat=r)
    count = sum(map(len, shingle_lists))
    print(
        f"shingles: {count:,} ({count / len(texts):.0f} per document), {t_shingle:.2f} s "
        f"({len(texts) / t_shingle:,.0f} documents/s)"
    )

    def ours(hasher: MinHasher) -> Callable[[], np.ndarray]:
        return lambda: np.concatenate(
            [
                hasher.signatures([shingle_hashes(s, hasher.hash_name) for s in b])
                for b in batches(shingle_lists, args.batch)
            ]
        )

    _, t_ours = timed(ours(fast), repeat=r)
    sha1_signatures, t_sha1 = timed(ours(compatible), repeat=r)
    _, t_texts = timed(
        lambda: np.concatenate([fast.text_signatures(b) for b in batches(texts, args.batch)]), repeat=r
    )
    _, t_hash = timed(lambda: [text_hashes(t) for t in texts], repeat=r)
    reference, t_ds = timed(
        datasketch_signatures, shingle_lists, args.num_perm, args.seed, args.scheme, repeat=r
    )
    if not np.array_equal(sha1_signatures, reference):
        sys.exit("sha1 signatures differ from datasketch's")

    n = len(texts)
    groups = {
        "shingles given": [
            ("ours, xxhash", t_ours),
            ("ours, sha1", t_sha1),
            ("datasketch, sha1", t_ds),
        ],
        "texts given (shingling included)": [
            ("ours, xxhash, shingles() + signatures", t_shingle + t_ours),
            ("ours, xxhash, text_signatures", t_texts),
            ("datasketch, sha1, shingles() + MinHash", t_shingle + t_ds),
        ],
    }
    print(f"signatures/s per core (num_perm {args.num_perm}, scheme {args.scheme}, batches of {args.batch}):")
    for group, rows in groups.items():
        baseline = rows[-1][1]
        print(f"  {group}:")
        for label, seconds in rows:
            print(
                f"    {label:40s} {n / seconds:9,.0f} /s  {seconds:6.2f} s  {baseline / seconds:5.1f}x datasketch"
            )
    print(
        f"ratio, shingles given: {t_ds / t_ours:.1f}x (target >= 5x); texts given: "
        f"{(t_shingle + t_ds) / t_texts:.1f}x (text_hashes: {t_hash:.2f} s of text_signatures' {t_texts:.2f} s)"
    )
    print("sha1 signatures equal datasketch's: yes")
    bands, rows_per_band = optimal_bands(args.threshold, args.num_perm)
    print(f"LSH at threshold {args.threshold}: {describe_bands(args.threshold, bands, rows_per_band)}")


def bench_job(args: argparse.Namespace) -> None:
    """The whole minhash stage (1 worker, in-process DirectRunner) over growing corpora of the same kind: wall
    and CPU seconds, documents/s, time per document, and the peak resident memory after each run."""
    import resource
    import tempfile

    from beam_jobs.framework import run_one
    from beam_jobs.minhash import MINHASH
    from pipeline.config import recipe_from_dict
    from pipeline.document import Document
    from pipeline.io import write_documents

    print("\nthe minhash stage, DirectRunner, 1 worker (in_memory), verify exact, 5-grams, 128 permutations:")
    print(
        f"  {'documents':>10} {'wall s':>8} {'CPU s':>8} {'docs/s':>8} {'us/doc':>8} {'duplicates':>10} {'peak RSS':>9}"
    )
    recipe = recipe_from_dict({"minhash": {"num_perm": args.num_perm, "threshold": args.threshold}})
    for n in args.job:
        texts = build_corpus(args.data, n, args.words)
        with tempfile.TemporaryDirectory(prefix="bench-minhash-") as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            write_documents(
                str(folder / "part-00000-of-00001.parquet"),
                (Document(id=f"doc-{i:07d}", source="commoncrawl", text=t) for i, t in enumerate(texts)),
            )
            del texts
            wall, cpu = time.perf_counter(), time.process_time()
            manifest, _ = run_one(
                MINHASH, recipe, {"documents": [str(folder)]}, str(Path(tmp) / "out"),
                ["--direct_num_workers=1", "--direct_running_mode=in_memory"], source="commoncrawl",
            )  # fmt: skip
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"  {n:>10,} {wall:>8.1f} {cpu:>8.1f} {n / wall:>8,.0f} {wall / n * 1e6:>8,.0f} "
            f"{manifest.counts.get('duplicate', 0):>10,} {peak:>7,.0f} MB"
        )
    print("  target: >= 2,000 documents/s per core; text-dedup ~1,350, datatrove ~160 (PEERS.md)")


def bench_quality(args: argparse.Namespace) -> None:
    """Precision, recall and F1 of the stage's clusters at the threshold, against exact Jaccard over all pairs, on
    every real text of ../shared/data with 1-3 injected near-duplicates each (tests/near_duplicates.py)."""
    import tempfile

    sys.path.insert(0, str(REPO / "tests"))
    import pyarrow.parquet as pq
    from near_duplicates import (
        cluster_pairs,
        components,
        duplicate_pairs,
        evaluate,
        evaluate_kept,
        inject_near_duplicates,
        real_texts,
    )

    from beam_jobs.framework import run_one
    from beam_jobs.minhash import MINHASH
    from pipeline.config import recipe_from_dict
    from pipeline.document import Document
    from pipeline.io import iter_documents, stage_parts, write_documents

    documents, _ = inject_near_duplicates(real_texts(args.data, words=args.words), fraction=1.0, seed=1)
    start = time.perf_counter()
    truth = duplicate_pairs(documents, threshold=args.threshold)
    truth_seconds = time.perf_counter() - start
    closed = cluster_pairs(components(truth))
    with tempfile.TemporaryDirectory(prefix="bench-minhash-quality-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        write_documents(
            str(folder / "part-00000-of-00001.parquet"),
            [Document(id=doc_id, source="commoncrawl", text=text) for doc_id, text in documents],
        )
        recipe = recipe_from_dict({"minhash": {"num_perm": args.num_perm, "threshold": args.threshold}})
        run_one(
            MINHASH, recipe, {"documents": [str(folder)]}, str(Path(tmp) / "out"),
            ["--direct_num_workers=1", "--direct_running_mode=in_memory"], source="commoncrawl",
        )  # fmt: skip
        rows = pq.read_table(Path(tmp) / "out" / "clusters").to_pylist()
        kept = {
            d.id
            for p in stage_parts(str(Path(tmp) / "out"))
            for d in iter_documents(p, ["id", "source", "text"])
        }
    found = cluster_pairs({row["id"]: row["cluster"] for row in rows})
    print(
        f"\nquality at Jaccard {args.threshold}: {len(documents):,} documents (real text + injected near-duplicates), "
        f"{len(truth):,} exact pairs (ground truth in {truth_seconds:.1f} s), {len(closed):,} in their components"
    )
    for name, target in (("against the components", closed), ("against the exact pairs", truth)):
        m = evaluate(found, target)
        print(f"  {name:<24} precision {m['precision']:.4f}  recall {m['recall']:.4f}  F1 {m['f1']:.4f}")
    d = evaluate_kept(kept, documents, truth)
    print(
        f"  decisions: {d['residual_pairs']} duplicate pairs left, {d['wrongly_dropped']} wrongly dropped, "
        f"{d['lost_groups']} of {d['groups']} groups lost, {d['excess_kept']} kept beyond one per group"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scheme", choices=("affine32", "legacy"), default="affine32")
    parser.add_argument("--batch", type=int, default=1000, help="documents per signatures() call")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the fastest is reported")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--no-quality",
        dest="quality",
        action="store_false",
        help="skip the precision/recall run on real text with injected near-duplicates",
    )
    parser.add_argument(
        "--job",
        type=int,
        nargs="*",
        default=[10_000, 30_000, 100_000],
        metavar="N",
        help="also run the minhash stage on the DirectRunner over N documents (none: skip)",
    )
    args = parser.parse_args()
    if not (args.data / C4_SAMPLE).is_file():
        sys.exit(f"no C4 sample at {args.data / C4_SAMPLE} (give --data)")
    texts = build_corpus(args.data, args.documents, args.words)
    print(
        f"input: {len(texts):,} documents of {args.words} C4 words ({sum(map(len, texts)) / 1e6:.1f} M characters)"
    )
    bench_signatures(texts, args)
    if args.quality:
        bench_quality(args)
    if args.job:
        bench_job(args)


if __name__ == "__main__":
    main()
