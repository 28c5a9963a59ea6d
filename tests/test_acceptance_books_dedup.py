"""Book-level dedup on the real Gutenberg editions in ../shared/data/gutenberg, through the Beam ingest and
`minhash` with its Books settings (LLaMA: books with more than 90% content overlap removed; here the share of
the smaller book's 5-word shingles found in the other, checked exactly on LSH candidates).

The copies of one text that differ only in boilerplate or encoding (GITenberg's ASCII and UTF-8 files, the 2024
text without the licence) are one book. The other editions (Alice's Rackham edition, Pride and Prejudice's
42671) are decided by their measured overlap, printed: both are over 90% (0.95-0.96) and go too."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from beam_jobs.run import run_recipe
from filters.minhash import hash_set, hash_set_containment, hash_set_jaccard, text_hashes
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts

pytestmark = pytest.mark.acceptance


def test_editions_of_one_book_are_one_book(shared_data: Path, tmp_path, beam_args):
    folder = shared_data / "gutenberg"
    if not folder.is_dir():
        pytest.skip("../shared/data/gutenberg is absent")
    recipe = recipe_from_dict({"stages": ["ingest", "minhash"]})
    recipe = recipe.with_sources({"books": SourceSpec(input=[str(folder / "*" / "*.txt")])})
    run_recipe(recipe, str(tmp_path), beam_args, summary=False)
    books = [d for p in stage_parts(str(tmp_path / "ingest" / "books")) for d in iter_documents(p)]
    kept = {d.id for p in stage_parts(str(tmp_path / "minhash" / "books")) for d in iter_documents(p)}
    assert len(books) == 8
    shingles = {d.meta["file"]: hash_set(text_hashes(d.text)) for d in books}
    alice = {d.meta["file"]: d for d in books if "alice" in d.text[:2000].lower()}
    pride = {d.meta["file"]: d for d in books if "pride" in d.text[:2000].lower()}
    assert len(alice) == len(pride) == 4
    for group in (alice, pride):
        for a, b in combinations(sorted(group), 2):
            overlap, jaccard = (
                hash_set_containment(shingles[a], shingles[b]),
                hash_set_jaccard(shingles[a], shingles[b]),
            )
            print(f"{a:52s} {b:52s} overlap {overlap:.3f} jaccard {jaccard:.3f}")
    clusters = pq.read_table(tmp_path / "minhash" / "books" / "clusters").to_pylist()
    assert sorted(r["size"] for r in clusters if r["kept"]) == [
        4,
        4,
    ]  # each book's four files are one cluster
    assert len(kept) == 2
    for group in (alice, pride):
        assert len(kept & {d.id for d in group.values()}) == 1  # the longest of the four
        same_text = [f for f in group if "edition" not in f]
        for a, b in combinations(same_text, 2):
            assert hash_set_containment(shingles[a], shingles[b]) > 0.95
    other = "gutenbergbooks_42671-0_other_edition_noheader.txt"
    overlap = max(hash_set_containment(shingles[other], shingles[f]) for f in pride if f != other)
    print(f"Pride and Prejudice, the other edition (42671): overlap {overlap:.3f} with the closest copy")
    assert overlap > 0.9
