"""CCNet's paragraph dedup (RECIPE.md §2.3) as pure functions, so a Beam job can keep its state in the shuffle.

    line keys:  each `\\n`-separated line of a document -> (scope, line_hash(line)), where line_hash is
                cc_net's (normalize_for_dedup, SHA-1, first 8 bytes) and scope is which group of
                `scope_files` consecutive input files (by name) the document came from (0: one scope)
    counts:     per line key, how many times it occurs in its scope, across documents and inside one, together
                with the smallest (document key, line index) that holds it: a fixed-size accumulator
    keep:       a line survives when its key occurs exactly once, so every copy of a repeated line goes, the
                first included (cc_net's DuplicatesRemover); a document left with no line is dropped. A kept
                document records `original_nlines`, `original_length` and the `line_ids` it kept.

Nothing holds all hashes in one place: counts are a CombinePerKey, and the surviving (document, line) pairs
are joined back to their documents by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from filters.text_normalizer import line_hashes
from pipeline.document import Document
from pipeline.hashing import unit_hash

LineRef = tuple[str, int]  # (document key, line index)
LineCount = tuple[int, LineRef | None]  # (occurrences, the smallest LineRef seen)

SEGMENT_META = "cc_segment"  # the input file a CommonCrawl document came from (its base name)


def document_key(document: Document) -> str:
    """The key a document's lines are joined back under: its id, plus its text's hash so that two documents
    that share an id (the same file name read twice) never mix their lines."""
    return f"{document.id}\x1f{unit_hash(document.text):016x}"


def segment_of(document: Document) -> str:
    """The input file a document came from: CommonCrawl's segment, else the document's own id."""
    return document.meta.get(SEGMENT_META) or document.id


def scope_of(segment: str, ranks: Mapping[str, int], scope_files: int) -> int:
    """The dedup scope of an input file: its rank among the sorted input files // scope_files (0: one scope)."""
    return ranks[segment] // scope_files if scope_files else 0


def scope_ranks(segments: Iterable[str]) -> dict[str, int]:
    return {segment: rank for rank, segment in enumerate(sorted(set(segments)))}


def line_keys(document: Document, scope: int) -> Iterator[tuple[tuple[int, int], LineCount]]:
    """One ((scope, line hash), (1, (document key, line index))) per line, for the counting combine."""
    key = document_key(document)
    for index, digest in enumerate(line_hashes(document.text)):
        yield (scope, digest), (1, (key, index))


def merge_counts(counts: Iterable[LineCount]) -> LineCount:
    """Sum occurrences; keep the smallest holder (any order of merging gives the same result)."""
    total, owner = 0, None
    for n, ref in counts:
        total += n
        if ref is not None and (owner is None or ref < owner):
            owner = ref
    return total, owner


def unique_line(count: LineCount) -> LineRef | None:
    """The line's holder when it occurs exactly once in its scope, else None (all copies are removed)."""
    occurrences, owner = count
    return owner if occurrences == 1 else None


def keep_lines(document: Document, kept: Sequence[int]) -> Document | None:
    """The document with only the lines at `kept` (in order), recording what it was; None when none is left."""
    if not kept:
        return None
    lines = document.text.split("\n")
    ids = sorted(set(kept))
    meta = dict(document.meta)
    meta["original_nlines"] = str(len(lines))
    meta["original_length"] = str(len(document.text))
    meta["line_ids"] = ",".join(map(str, ids))
    return replace(document, text="\n".join(lines[i] for i in ids), meta=meta, signals=dict(document.signals))


def dedup_in_memory(documents: Sequence[Document], scope_files: int = 0) -> list[Document]:
    """The same algorithm over a list, in one process: the reference the Beam job is tested against, and the
    way to dedup a small corpus without Beam."""
    ranks = scope_ranks(segment_of(d) for d in documents)
    counts: dict[tuple[int, int], list[LineCount]] = {}
    for document in documents:
        for key, count in line_keys(document, scope_of(segment_of(document), ranks, scope_files)):
            counts.setdefault(key, []).append(count)
    kept: dict[str, list[int]] = {}
    for values in counts.values():
        owner = unique_line(merge_counts(values))
        if owner is not None:
            kept.setdefault(owner[0], []).append(owner[1])
    out = [keep_lines(d, kept.get(document_key(d), [])) for d in documents]
    return [d for d in out if d is not None]
