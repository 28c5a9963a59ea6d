"""CCNet's mining step (paragraph dedup + language ID + perplexity) in documents/s per core, against cc_net's 40.

    python benchmarks/bench_ccnet.py [--documents 20000] [--data ../shared/data] [--beam]

Reads the real CommonCrawl WARCs of ../shared/data/commoncrawl (text extracted as the ingest stage does, pages
under 300 characters dropped), repeats them to --documents documents (copy k's ids and the lines of every
copy carry k, so lines are not all duplicates of each other: about 1/4 of the lines repeat exactly, the rest
are unique), and trains English quality models on the enwiki samples of ../shared/data/wikipedia. Then, in
this one process (one core):
  dedup       line_keys (cc_net's normalization + SHA-1 of every line) and the count merge, over all documents
  langid      fastText lid.176 on every document dedup left (English kept)
  perplexity  SentencePiece + KenLM on every English document (cc_net's DocLM)
Each step works on what the one before it left, as in the pipeline and in cc_net's mine step: language ID on
the deduplicated documents, perplexity on the English ones; documents/s counts input documents. Prints documents/s per core for the three together and the ratio
to cc_net's ~40 documents/s per worker core for its mining step (CCNet paper §5.1: 16 workers, 40 docs/s
each), the share of time per step, the SentencePiece / KenLM split inside perplexity (cProfile), and the peak
resident memory. --beam also runs the paragraph_dedup, langid and quality stages on the DirectRunner with one
worker over the same documents and prints their documents/s (framework, Parquet and shuffle included).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from filters.langid import LanguageIdentifier  # noqa: E402
from filters.paragraph_dedup import document_key, keep_lines, line_keys, merge_counts, unique_line  # noqa: E402
from filters.perplexity import QualityModels  # noqa: E402
from filters.quality_models import train_language_model  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.sources.commoncrawl import read_documents  # noqa: E402
from pipeline.sources.wikipedia import read_pages  # noqa: E402

CCNET_DOCS_PER_CORE = 40.0  # CCNet paper §5.1: mining workers process ~40 documents/s each
DEFAULT_DATA = REPO.parent / "shared" / "data"


def crawl_documents(data: Path) -> list[Document]:
    documents = []
    for path in sorted((data / "commoncrawl").iterdir()):
        if ".warc" not in path.name or ".wat." in path.name:
            continue
        for _, outcome in read_documents(str(path), min_length=300):
            if isinstance(outcome, Document):
                documents.append(outcome)
    return documents


def letters(n: int) -> str:
    """n in base 26 as letters: cc_net's normalization maps every digit to 0, so digits would not tell apart."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
        if not n:
            return out


def repeat(documents: list[Document], total: int) -> list[Document]:
    """Copies of the documents: in copy k, three lines of four carry k (unique), every fourth is as read."""
    out = []
    for k in range(total // len(documents) + 1):
        for d in documents:
            lines = [
                line if i % 4 == 3 else f"{line} ({letters(k)} {letters(i)})"
                for i, line in enumerate(d.text.split("\n"))
            ]
            out.append(Document(id=f"{d.id}-{k}", source=d.source, text="\n".join(lines), meta=dict(d.meta)))
            if len(out) == total:
                return out
    return out


def wikipedia_lines(data: Path):
    for name in ("gensim_enwiki-pages-articles1-shortened.xml.bz2", "wp2txt_enwiki-sample-2022.xml.bz2"):
        path = data / "wikipedia" / name
        for item, _ in read_pages(str(path), 0, path.stat().st_size, ["en"]):
            if isinstance(item, Document):
                yield from item.text.split("\n")


def timed(label: str, times: dict[str, float], fn, *args):
    start = time.process_time()
    result = fn(*args)
    times[label] = time.process_time() - start
    return result


def dedup(documents: list[Document]) -> list[Document]:
    """cc_net's dedup over the whole input: count every line key, then keep the lines seen once."""
    counts: dict = {}
    for document in documents:
        for key, count in line_keys(document, 0):
            previous = counts.get(key)
            counts[key] = count if previous is None else merge_counts((previous, count))
    kept: dict[str, list[int]] = {}
    for count in counts.values():
        owner = unique_line(count)
        if owner is not None:
            kept.setdefault(owner[0], []).append(owner[1])
    out = [keep_lines(d, kept.get(document_key(d), [])) for d in documents]
    return [d for d in out if d is not None]


def langid(documents: list[Document], identifier: LanguageIdentifier) -> list[Document]:
    """lid.176 on what dedup left; English kept, as the paper's CommonCrawl path keeps."""
    return [d for d in documents if identifier.predict(d.text)[0] == "en"]


def perplexity(documents: list[Document], models: QualityModels) -> int:
    return sum(1 for d in documents if models.perplexity(d.text, "en") is not None)


def breakdown(documents: list[Document], models: QualityModels) -> str:
    """CPU shares of cc_net's normalization, SentencePiece and KenLM, timed one after the other."""
    from filters.text_normalizer import normalize

    model = models.model("en")
    lines = [line for d in documents for line in d.text.split("\n")]
    times: dict[str, float] = {}
    normalized = [n for n in timed("normalize", times, lambda: [normalize(x) for x in lines]) if n]
    pieces = timed(
        "SentencePiece", times, lambda: [" ".join(model.sp.encode(x, out_type=str)) for x in normalized]
    )
    timed("KenLM", times, lambda: [model.lm.score(x, bos=True, eos=True) for x in pieces])
    total = sum(times.values())
    return ", ".join(f"{name} {seconds / total:.0%}" for name, seconds in times.items())


def beam_stages(documents: list[Document], models_dir: str, work: Path) -> list[tuple[str, float, int]]:
    from beam_jobs.framework import run_one
    from beam_jobs.langid import LANGID
    from beam_jobs.paragraph_dedup import PARAGRAPH_DEDUP
    from beam_jobs.quality import QUALITY
    from pipeline.config import recipe_from_dict
    from pipeline.io import write_documents

    folder = work / "ingest"
    folder.mkdir(parents=True)
    write_documents(str(folder / "part-00000-of-00001.parquet"), documents)
    recipe = recipe_from_dict({"paragraph_dedup": {"scope_files": 0}, "langid": {"languages": []}})
    beam = ["--direct_num_workers=1", "--direct_running_mode=in_memory"]
    rows, upstream = [], str(folder)
    for stage, extra in ((PARAGRAPH_DEDUP, {}), (LANGID, {}), (QUALITY, {"quality_models": [models_dir]})):
        start = time.perf_counter()
        manifest, _ = run_one(
            stage,
            recipe,
            {"documents": [upstream], **extra},
            str(work / stage.name),
            beam,
            source="commoncrawl",
        )
        rows.append((stage.name, time.perf_counter() - start, manifest.documents_in))
        upstream = str(work / stage.name)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--beam", action="store_true", help="also time the three Beam stages (1 worker)")
    args = parser.parse_args()
    if not (args.data / "commoncrawl").is_dir():
        sys.exit(f"no CommonCrawl samples at {args.data / 'commoncrawl'} (give --data)")
    base = crawl_documents(args.data)
    documents = repeat(base, args.documents)
    lines = sum(d.text.count("\n") + 1 for d in documents)
    characters = sum(len(d.text) for d in documents)
    print(
        f"input: {len(base)} real CommonCrawl documents, repeated to {len(documents):,} ({lines:,} lines, "
        f"{characters / 1e6:.1f} M characters)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-ccnet-") as tmp:
        start = time.perf_counter()
        entry = train_language_model("en", wikipedia_lines(args.data), tmp, vocab_size=None, memory="10%")
        print(
            f"en quality model: {entry['lines']:,} Wikipedia lines, vocabulary {entry['vocab_size']:,}, "
            f"trained in {time.perf_counter() - start:.1f} s"
        )
        identifier, models = LanguageIdentifier(), QualityModels(tmp)
        models.setup()
        times: dict[str, float] = {}
        deduped = timed("dedup", times, dedup, documents)
        english = timed("langid", times, langid, deduped, identifier)
        scored = timed("perplexity", times, perplexity, english, models)
        total = sum(times.values())
        rate = len(documents) / total
        kept = sum(len(d.text) for d in deduped)
        print(
            f"after dedup: {len(deduped):,} documents, {kept / characters:.0%} of the characters; "
            f"English: {len(english):,}; scored: {scored:,}"
        )
        print(f"\n{'step':<12} {'documents':>10} {'CPU s':>8} {'docs/s':>10} {'share':>7}")
        for (step, seconds), n in zip(times.items(), (documents, deduped, english), strict=True):
            print(
                f"{step:<12} {len(n):>10,} {seconds:>8.2f} {len(n) / seconds:>10,.0f} {seconds / total:>7.0%}"
            )
        print(f"{'all three':<12} {len(documents):>10,} {total:>8.2f} {rate:>10,.0f}")
        print(
            f"\ndocuments/s per core: {rate:,.0f}; cc_net's mining step: ~{CCNET_DOCS_PER_CORE:.0f}; "
            f"ratio {rate / CCNET_DOCS_PER_CORE:.0f}x (target >= 10x)"
        )

        print(
            f"\ninside perplexity ({len(documents) // 10:,} documents): "
            + breakdown(documents[: len(documents) // 10], models)
        )
        if args.beam:
            print("\nBeam stages, DirectRunner, 1 worker (wall time):")
            for name, seconds, n in beam_stages(documents, tmp, Path(tmp) / "beam"):
                print(f"  {name:<16} {seconds:>7.1f} s {n / seconds:>9,.0f} docs/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
