"""C4 on real third-party data in ../shared/data (skipped when it is absent).

* c4/c4_en_train00000_head_sample.jsonl: the first 1000 pages of C4 en shard 00000, re-saved by its uploader.
  The reader keeps each exactly as released; in ranges too. C4's rules (filters/c4.py), run again on pages
  that already went through TFDS's, should keep nearly all of them: what they drop is where our rules differ
  from TFDS's, and is printed by reason with an excerpt.
* commoncrawl/: real WARC/WET files, read by our CommonCrawl reader; what C4's rules keep of them is printed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from beam_jobs.c4 import C4_FILTER
from beam_jobs.framework import run_one
from filters.c4 import (
    END_MARKS,
    POLICY_SUBSTRINGS,
    c4_filter_in_memory,
    clean_page,
    count_sentences,
    line_sentences,
)
from pipeline.config import C4FilterConfig, recipe_from_dict
from pipeline.document import Document
from pipeline.io import write_documents
from pipeline.sources import commoncrawl
from pipeline.sources.c4 import plan_splits, read_documents
from tests.conftest import BEAM_TEST_ARGS, SHARED_DATA

pytestmark = pytest.mark.acceptance

C4_SAMPLE = SHARED_DATA / "c4" / "c4_en_train00000_head_sample.jsonl"
CCNET_SAMPLES = sorted((SHARED_DATA / "c4").glob("ccnet_dolma_cc_en_head-*.jsonl"))
SHARED_CC = SHARED_DATA / "commoncrawl"
if not C4_SAMPLE.is_file():
    pytest.skip(f"shared C4 sample not found at {C4_SAMPLE}", allow_module_level=True)

RULES = C4FilterConfig()
# Of C4's own pages, the share C4's rules must keep again. Measured: 999 of 1000 (the one left is a page whose
# sentences punkt counts as 3 and ours as 2, see test_c4_pages_pass_c4_rules_again). 0.995 allows four more
# such sentence-count differences per 1000 pages before the test calls the counter wrong.
MIN_PASS_RATE = 0.995


@pytest.fixture(scope="module")
def c4_pages() -> list[Document]:
    outcomes = list(read_documents(str(C4_SAMPLE)))
    assert not [o for o in outcomes if not isinstance(o, Document)]
    return outcomes


def test_the_sample_reads_exactly_as_released_in_any_ranges(c4_pages):
    lines = C4_SAMPLE.read_bytes().split(b"\n")[:-1]
    assert len(c4_pages) == len(lines) == 1000 and len({d.id for d in c4_pages}) == 1000
    for line, page in zip(lines, c4_pages, strict=True):
        record = json.loads(line)
        assert (page.text, page.url) == (record["text"], record["url"])
        assert page.timestamp.strftime("%Y-%m-%d %H:%M:%S") == record["timestamp"]
    for split_bytes in (65_536, 1_000_000):
        ranges = [o for split in plan_splits(str(C4_SAMPLE), split_bytes) for o in read_documents(*split)]
        assert ranges == c4_pages


def test_c4_pages_pass_c4_rules_again(c4_pages, capsys):
    results = [(page, clean_page(page.text, RULES)) for page in c4_pages]
    failed = [(page, result) for page, result in results if result.decision != "kept"]
    lines = Counter()
    for _, result in results:
        lines.update(result.lines)
    changed = [page for page, result in results if result.text is not None and result.text != page.text]
    kept, counts = c4_filter_in_memory(c4_pages, RULES)  # the line dedup too, over the 1000 pages
    sentences = Counter(min(count_sentences(page.text), 6) for page in c4_pages)
    rate = 1 - len(failed) / len(c4_pages)
    with capsys.disabled():
        print(f"\nC4 rules on {len(c4_pages)} pages of C4 en (TFDS already applied them; bad words: no list)")
        print(f"  per-page rules keep {len(c4_pages) - len(failed)} ({rate:.1%}); by reason:")
        for reason, n in sorted(Counter(r.decision for _, r in failed).items()):
            print(f"    {reason}: {n}")
        for page, result in failed:
            print(f"    - {result.decision} ({result.sentences} sentences here): {page.text[:160]!r}")
        print(f"  line decisions: {dict(sorted(lines.items()))}")
        print(f"  pages whose text a second pass changes: {len(changed)} (lines left with a leading space")
        print("    where TFDS removed a citation marker after stripping: a second pass strips them)")
        print(f"  with line dedup across the 1000 pages: {len(kept)} kept; {dict(sorted(counts.items()))}")
        print(f"  sentences per page (ours; 6 = 6 or more): {dict(sorted(sentences.items()))}")
    assert rate >= MIN_PASS_RATE
    assert {r.decision for _, r in failed} <= {"dropped:too_few_sentences"}  # no other rule differs from TFDS
    assert set(lines) == {"line:passed"}  # every line C4 kept passes every line rule again
    assert all(result.sentences == 2 for _, result in failed)  # near misses of the counter, not rule failures
    for page in changed:  # only leading whitespace that TFDS left (strip, then citation removal) differs
        ours = clean_page(page.text, RULES).text
        assert ours.split("\n") == [line.strip() for line in page.text.split("\n")]
    assert counts.get("line:duplicate", 0) == 0 and counts.get("line:duplicate_in_page", 0) == 0  # C4 deduped
    assert len(kept) == len(c4_pages) - len(failed)


def test_the_c4_filter_job_agrees_with_the_rules_on_the_sample(c4_pages, tmp_path):
    folder = tmp_path / "ingest" / "c4"
    folder.mkdir(parents=True)
    write_documents(str(folder / "part-00000-of-00001.parquet"), sorted(c4_pages, key=lambda d: d.id))
    recipe = recipe_from_dict({"c4_filter": {"sources": ["c4"]}})
    manifest, ran = run_one(
        C4_FILTER, recipe, {"documents": [str(folder)]}, str(tmp_path / "out"), BEAM_TEST_ARGS
    )
    _, counts = c4_filter_in_memory(c4_pages, recipe.c4_filter)
    assert ran and {k: v for k, v in manifest.counts.items() if v and k != "read"} == dict(counts)


def _commoncrawl_files() -> list[Path]:
    if not SHARED_CC.is_dir():
        return []
    names = (".warc", ".warc.gz", ".wet.gz", ".wet.txt")
    return sorted(p for p in SHARED_CC.iterdir() if p.name.endswith(names) and ".wat." not in p.name)


def test_what_c4_rules_keep_of_real_commoncrawl_pages(capsys):
    files = _commoncrawl_files()
    if not files:
        pytest.skip(f"shared CommonCrawl data not found at {SHARED_CC}")
    rows, pages = [], []
    for path in files:
        documents = [o for _, o in commoncrawl.read_documents(str(path)) if isinstance(o, Document)]
        kept, counts = c4_filter_in_memory(documents, RULES)
        lines_in = sum(d.text.count("\n") + 1 for d in documents)
        rows.append((path.name, len(documents), len(kept), lines_in, counts.get("line:kept", 0), counts))
        pages += documents
    kept, counts = c4_filter_in_memory(pages, RULES)
    ccnet = [o for path in CCNET_SAMPLES for o in read_documents(str(path)) if isinstance(o, Document)]
    ccnet_kept, ccnet_counts = c4_filter_in_memory(ccnet, RULES)
    with capsys.disabled():
        print("\nC4 rules on the CommonCrawl samples (our CommonCrawl reader's documents), per file:")
        print(f"  {'file':<46} {'pages in':>8} {'out':>4} {'lines in':>8} {'kept':>5}  drops")
        for name, n_in, n_out, l_in, l_out, file_counts in rows:
            drops = {
                k.split(":", 1)[1]: v for k, v in sorted(file_counts.items()) if k.startswith("dropped:")
            }
            print(f"  {name:<46} {n_in:>8} {n_out:>4} {l_in:>8} {l_out:>5}  {drops}")
        lines_in = sum(d.text.count("\n") + 1 for d in pages)
        print(
            f"  all files together (dedup across them): {len(pages)} pages in, {len(kept)} out; {lines_in} lines"
        )
        print(f"    in, {counts.get('line:kept', 0)} kept; {dict(sorted(counts.items()))}")
        if ccnet:
            print(
                f"  CCNet head pages (c4/ccnet_dolma_*): {len(ccnet)} in, {len(ccnet_kept)} out; {dict(ccnet_counts)}"
            )
    assert pages and 0 < len(kept) < len(pages)
    assert counts["line:kept"] < lines_in and counts["line:no_end_mark"] > counts["line:kept"]
    for page in kept:  # what is kept obeys every rule
        assert count_sentences(page.text) >= RULES.min_sentences and "{" not in page.text
        for line in page.text.split("\n"):
            lower = line.lower()
            assert line == line.strip() and line.endswith(END_MARKS) and not line.endswith("...")
            assert len(line.split()) >= RULES.min_words_per_line and line_sentences(line) >= 1
            assert "javascript" not in lower and not any(p in lower for p in POLICY_SUBSTRINGS)
