"""Near-duplicate corpora built from real text, with their exact ground truth, to measure MinHash dedup against.

Method:
1. Text (`real_texts`). Real English prose read at run time from ../shared/data, never copied into the
   repository: C4 (`text` of the JSONL sample), English Wikipedia (both enwiki sample dumps, through
   `pipeline.sources.wikipedia.read_pages`) and Project Gutenberg books (every edition in each book folder).
   Each text is cut into consecutive documents of about `words` words, at the line break nearest the cut
   (within a quarter of `words`), keeping its line breaks; pieces under half of `words` are dropped. The
   sources are interleaved round-robin (C4, Wikipedia, Gutenberg), so any prefix mixes all three. The
   Gutenberg editions of one book and the two enwiki samples (the same articles, 2016 and 2022 revisions)
   are natural near-duplicates; `distinct_sources=True` keeps one edition per book, one revision per article
   title and one copy of any piece text.
2. Variants (`inject_near_duplicates`). A seeded `fraction` of the documents get 1-3 variants each. A variant
   draws a target Jaccard uniformly in [0.5, 0.95] and a mix of edits: word substitutions, insertions and
   deletions (at distinct random positions, new words taken from the same document), with some probability
   a reordering of its paragraphs (lines) and a boilerplate sentence prepended or appended. The number of
   word edits is then searched (bisection on a fixed random edit plan, the first m edits applied) until the
   variant's exact 5-gram shingle Jaccard to its original is nearest the target, so the measured Jaccards
   spread evenly over the range rather than over a guessed edit rate.
3. Ground truth (`duplicate_pairs`). Every unordered pair of the whole corpus whose exact shingle Jaccard
   (filters.minhash.shingles, sets) is >= threshold, found by prefix filtering (Chaudhuri et al. 2006,
   Bayardo et al. 2007 "All-Pairs") and verified exactly; see `duplicate_pairs` for why no pair is lost.
4. Scores. `cluster_pairs` turns a document -> cluster map into the pairs it claims; `evaluate` scores
   pairs against the truth (precision, recall, F1); `evaluate_kept` scores what a dedup kept: truth pairs
   left with both sides kept, documents dropped without any duplicate, duplicate groups dropped entirely.
5. Numbers (`number_variants`). Small families of documents that differ only in their numbers (tables of
   monthly figures for other years, notices with other dates and amounts), each number keeping its digit
   count, so that `digits="zero"` or `"strip"` makes a family identical while `"keep"` keeps it apart.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
import os
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from filters.minhash import jaccard, shingles

__all__ = [
    "SHARED_DATA",
    "cluster_pairs",
    "duplicate_pairs",
    "evaluate",
    "evaluate_kept",
    "inject_near_duplicates",
    "number_variants",
    "real_texts",
    "variant_jaccards",
]

Pair = tuple[str, str]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
C4_SAMPLE = Path("c4") / "c4_en_train00000_head_sample.jsonl"
WIKIPEDIA_SAMPLES = (
    Path("wikipedia") / "gensim_enwiki-pages-articles1-shortened.xml.bz2",
    Path("wikipedia") / "wp2txt_enwiki-sample-2022.xml.bz2",
)
GUTENBERG_GLOB = "gutenberg/*/*.txt"

TARGET_RANGE = (0.5, 0.95)  # the span the variants' Jaccard to their original is spread over
BOILERPLATE = (
    "Click here to subscribe to our newsletter and never miss another update from our team.",
    "This article was originally published by our partner site and is reproduced here with permission.",
    "All rights reserved. No part of this page may be reproduced without the written permission of the editors.",
    "Share this story with your friends and family using the buttons at the bottom of the page.",
    "We use cookies to improve your experience on this website; by continuing to browse you accept them.",
    "Comments are closed for this post, but you can still reach the authors through the contact form.",
)

# ---------------------------------------------------------------------------------------------------------
# 1. Real text.

_WORD_SEP = re.compile(r"(\S+)(\s*)")


def _cut(text: str, words: int) -> list[str]:
    """Consecutive pieces of about `words` words, each ending at the line break nearest its cut when one lies
    within words/4 of it (else mid-line); line breaks kept (at most one blank line), other runs of whitespace
    as one space; pieces under words/2 dropped."""
    tokens: list[str] = []
    seps: list[str] = []
    for match in _WORD_SEP.finditer(text):
        tokens.append(match.group(1))
        breaks = match.group(2).count("\n")
        seps.append("\n\n" if breaks >= 2 else "\n" if breaks else " ")
    line_ends = [i + 1 for i, sep in enumerate(seps) if sep != " "]  # a cut after word i keeps the break
    slack = max(words // 4, 0)
    pieces = []
    start = 0
    while start < len(tokens):
        end = start + words
        if end >= len(tokens):
            end = len(tokens)
        else:
            k = bisect.bisect_left(line_ends, end - slack)
            near = [e for e in line_ends[k : k + 2 * slack + 2] if start < e and abs(e - end) <= slack]
            if near:
                end = min(near, key=lambda e: (abs(e - end), e))
        if end - start >= words / 2:
            pieces.append(
                "".join(t + s for t, s in zip(tokens[start:end], seps[start:end], strict=True)).rstrip()
            )
        start = end
    return pieces


def _c4_texts(data: Path) -> Iterator[tuple[str, str]]:
    with open(data / C4_SAMPLE, encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if line.strip():
                yield f"c4:{i}", json.loads(line)["text"]


def _wikipedia_texts(data: Path) -> Iterator[tuple[str, str]]:
    from pipeline.document import Document
    from pipeline.sources.wikipedia import read_pages

    for sample in WIKIPEDIA_SAMPLES:
        path = data / sample
        for outcome, _urls in read_pages(str(path), 0, os.path.getsize(path), ["en"]):
            if isinstance(outcome, Document):
                yield outcome.meta.get("title") or outcome.text.split("\n", 1)[0], outcome.text


def _gutenberg_texts(data: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(data.glob(GUTENBERG_GLOB)):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        yield path.parent.name, text.replace("\r\n", "\n").replace("\r", "\n")


@functools.cache
def _sources(data: Path) -> tuple[tuple[tuple[str, str], ...], ...]:
    """(work, text) of each source, read once per process: the two Wikipedia samples take seconds. The work
    is what an extra copy shares: the article title, the book folder (a C4 record is its own)."""
    return tuple(tuple(read(data)) for read in (_c4_texts, _wikipedia_texts, _gutenberg_texts))


@functools.lru_cache(maxsize=8)
def _real_texts(data: Path, words: int, distinct: bool) -> tuple[str, ...]:
    streams = []
    for source in _sources(data):
        works: set[str] = set()
        stream = []
        for work, text in source:
            if distinct and work in works:
                continue
            works.add(work)
            stream.extend(_cut(text, words))
        streams.append(stream)
    out: list[str] = []
    seen: set[str] = set()
    for i in range(max(map(len, streams))):
        for stream in streams:
            if i < len(stream):
                piece = stream[i]
                if distinct:
                    key = " ".join(piece.split())
                    if key in seen:
                        continue
                    seen.add(key)
                out.append(piece)
    return tuple(out)


def real_texts(
    data: Path | None = None, words: int = 600, limit: int | None = None, distinct_sources: bool = False
) -> list[str]:
    """Documents of about `words` words of real C4, Wikipedia and Gutenberg text from `data` (../shared/data
    by default), in a fixed order; FileNotFoundError when the folder is absent (tests skip on
    `SHARED_DATA.is_dir()`). `distinct_sources` leaves out the natural near-duplicates' extra copies (other
    editions, the other enwiki sample's revision of an article, repeated pieces)."""
    data = Path(data) if data is not None else SHARED_DATA
    if not data.is_dir():
        raise FileNotFoundError(f"{data}: no shared data folder")
    texts = _real_texts(data.resolve(), words, distinct_sources)
    return list(texts if limit is None else texts[:limit])


# ---------------------------------------------------------------------------------------------------------
# 2. Injected variants.


def _shingle_set(text: str, n: int = 5, digits: str = "keep") -> frozenset[str]:
    return frozenset(shingles(text, n=n, digits=digits))


def _variant(text: str, target: float, rng: random.Random) -> str:
    """One variant of `text` whose shingle Jaccard to it is nearest `target`, over a fixed random plan of
    edits of which the first m are applied (m by bisection: more edits, lower Jaccard)."""
    lines = [line.split() for line in text.split("\n")]
    flat = [w for line in lines for w in line]
    count = len(flat)
    if count == 0:
        return text
    bounds = [0]
    for line in lines:
        bounds.append(bounds[-1] + len(line))
    weights = [rng.random() + 0.05 for _ in range(3)]  # substitution, insertion, deletion
    kinds = rng.choices(("sub", "ins", "del"), weights=weights, k=count)
    positions = rng.sample(range(count), count)  # distinct: one edit per word, so edits never undo each other
    words = rng.choices(flat, k=count)
    filled = [i for i, line in enumerate(lines) if line]
    reorder = len(filled) >= 2 and rng.random() < 0.5
    swaps = [rng.sample(filled, 2) for _ in range(rng.randint(1, 2))] if reorder else []
    boiler = rng.choice(BOILERPLATE) if rng.random() < 0.4 else None
    prepend = rng.random() < 0.5
    original = _shingle_set(text)

    def build(m: int) -> str:
        tokens: list[str] = list(flat)
        for kind, pos, word in zip(kinds[:m], positions[:m], words[:m], strict=True):
            if kind == "sub":
                tokens[pos] = word if word != flat[pos] else word + "s"
            elif kind == "ins":
                tokens[pos] = word + " " + flat[pos]
            else:
                tokens[pos] = ""
        out = [" ".join(filter(None, tokens[bounds[i] : bounds[i + 1]])) for i in range(len(lines))]
        for a, b in swaps:
            out[a], out[b] = out[b], out[a]
        if boiler is not None:
            out = [boiler, *out] if prepend else [*out, boiler]
        return "\n".join(out)

    scores: dict[int, float] = {}

    def score(m: int) -> float:
        if m not in scores:
            scores[m] = jaccard(original, _shingle_set(build(m)))
        return scores[m]

    # Bracket lo < hi with score(lo) > target >= score(hi), starting from the rate a model predicts (each edit
    # breaks about n of the N shingles: S = (1 - m/N)^n shared, J = S / (2 - S)), then bisect.
    if score(0) <= target:
        return build(0)
    shared = 2 * target / (1 + target)
    guess = min(max(round(count * (1 - shared ** (1 / 5))), 1), count)
    step = max(guess // 8, 1)
    if score(guess) > target:
        lo, hi = guess, min(guess + step, count)
        while score(hi) > target and hi < count:
            lo, hi, step = hi, min(hi + step, count), step * 2
        if score(hi) > target:
            return build(hi)
    else:
        lo, hi = max(guess - step, 0), guess
        while score(lo) <= target:
            lo, hi, step = max(lo - step, 0), lo, step * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if score(mid) > target:
            lo = mid
        else:
            hi = mid
    return build(min((lo, hi), key=lambda m: (abs(score(m) - target), m)))


def inject_near_duplicates(
    texts: list[str], fraction: float, seed: int
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Every text as `doc-{i:06d}` plus, for a seeded `fraction` of them, 1-3 variants `doc-{i:06d}-v{k}`
    (k from 1) whose Jaccard to their original spreads over 0.5-0.95; returns (documents in id order,
    variant id -> original id). A variant depends only on (seed, i, k), not on the other texts."""
    rng = random.Random(seed)
    chosen = set(rng.sample(range(len(texts)), round(fraction * len(texts))))
    documents: list[tuple[str, str]] = []
    origin: dict[str, str] = {}
    for i, text in enumerate(texts):
        base = f"doc-{i:06d}"
        documents.append((base, text))
        if i not in chosen:
            continue
        for k in range(1, random.Random(f"{seed}:{i}").randint(1, 3) + 1):
            variant_rng = random.Random(f"{seed}:{i}:{k}")
            target = variant_rng.uniform(*TARGET_RANGE)
            documents.append((f"{base}-v{k}", _variant(text, target, variant_rng)))
            origin[f"{base}-v{k}"] = base
    return documents, origin


def variant_jaccards(
    documents: list[tuple[str, str]], origin: dict[str, str], n: int = 5, digits: str = "keep"
) -> dict[str, float]:
    """Each variant's exact shingle Jaccard to its original: what the calibration is measured by."""
    texts = dict(documents)
    return {
        v: jaccard(_shingle_set(texts[v], n, digits), _shingle_set(texts[o], n, digits))
        for v, o in origin.items()
    }


# ---------------------------------------------------------------------------------------------------------
# 3. Ground truth.


def duplicate_pairs(
    documents: list[tuple[str, str]], threshold: float = 0.8, n: int = 5, digits: str = "keep"
) -> set[Pair]:
    """Every unordered pair (a, b), a < b, of the whole corpus whose exact shingle Jaccard is >= threshold.

    Prefix filtering, exact: order all shingles by document frequency (rarest first, ties by first
    appearance) and index each document only under its prefix, its first p(x) = |x| - ceil(t|x|) + 1
    shingles in that order. If J(x, y) >= t then |x & y| >= t * |x | y| >= t|x|, so the common shingles C
    number at least ceil(t|x|) and at most ceil(t|x|) - 1 of x's shingles lie outside its prefix: some
    common shingle is in x's prefix, and so (the prefix holding x's smallest shingles) is min(C), the
    smallest common one. By the same argument min(C) is in y's prefix, so x and y meet in the index. Common
    shingles are therefore never needed: they sort last and enter prefixes only of documents made mostly of
    common shingles, which is the "skip shingles held by more than N documents" heuristic made safe. Each
    candidate pair then passes a size filter (|y| >= t|x| is implied by J >= t) and an exact intersection.
    Documents with no shingle (nothing left once normalized) pair with each other and with nothing else, as
    filters.minhash.jaccard has it (two empty sets: 1.0; their MinHash signatures agree too).
    """
    ids = [doc_id for doc_id, _ in documents]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate document ids")
    ident: dict[str, int] = {}  # each distinct shingle held once, as an int from here on
    docs = [
        [ident.setdefault(s, len(ident)) for s in shingles(text, n=n, digits=digits)] for _, text in documents
    ]
    frequency = [0] * len(ident)
    del ident
    for doc in docs:
        for s in doc:
            frequency[s] += 1
    rank = [0] * len(frequency)
    for r, s in enumerate(sorted(range(len(frequency)), key=frequency.__getitem__)):  # stable: first seen
        rank[s] = r
    ranked = [sorted({rank[s] for s in doc}) for doc in docs]
    del docs, rank, frequency
    index: dict[int, list[int]] = defaultdict(list)
    for d, doc in enumerate(ranked):
        prefix = len(doc) - math.ceil(threshold * len(doc) - 1e-9) + 1  # rounding down only lengthens it
        for r in doc[: max(prefix, 0)]:
            index[r].append(d)
    candidates: set[tuple[int, int]] = set()
    for posting in index.values():
        if len(posting) > 1:
            candidates.update((a, b) for i, a in enumerate(posting) for b in posting[i + 1 :])
    del index
    empty = [d for d, doc in enumerate(ranked) if not doc]
    candidates.update(itertools.combinations(empty, 2))
    as_sets: dict[int, set[int]] = {}
    pairs: set[Pair] = set()
    for a, b in candidates:
        la, lb = len(ranked[a]), len(ranked[b])
        if min(la, lb) < threshold * max(la, lb) - 1e-9:
            continue
        if not la:  # both empty (an empty set and a non-empty one fail the size filter)
            pairs.add((ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a]))
            continue
        sa = as_sets.get(a)
        if sa is None:
            sa = as_sets[a] = set(ranked[a])
        inter = len(sa.intersection(ranked[b]))
        if inter / (la + lb - inter) >= threshold:
            pairs.add((ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a]))
    return pairs


# ---------------------------------------------------------------------------------------------------------
# 4. Scores.


def cluster_pairs(clusters: dict[str, str]) -> set[Pair]:
    """All unordered pairs (a < b) of documents that share a cluster id: the pairs a dedup's clusters claim
    are duplicates (pass every member, kept or dropped; singletons add nothing)."""
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, cluster in clusters.items():
        members[cluster].append(doc_id)
    pairs: set[Pair] = set()
    for group in members.values():
        group.sort()
        pairs.update((a, b) for i, a in enumerate(group) for b in group[i + 1 :])
    return pairs


def _normalized(pairs: Iterable[Pair]) -> set[Pair]:
    return {(a, b) if a < b else (b, a) for a, b in pairs if a != b}


def evaluate(found: set[Pair], truth: set[Pair]) -> dict[str, float | int]:
    """Pair precision, recall and F1 of `found` against `truth` (pairs in either order). Precision is 1 when
    nothing is found and recall 1 when there is nothing to find (no wrong claim, nothing missed)."""
    found, truth = _normalized(found), _normalized(truth)
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_positives": tp,
        "found": len(found),
        "truth": len(truth),
    }


def components(pairs: Iterable[Pair]) -> dict[str, str]:
    """Document -> the smallest document of its connected component in the graph of `pairs` (union-find): the
    ground truth closed as clusters are, since clusters are connected components."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def evaluate_kept(
    kept_ids: Iterable[str], documents: list[tuple[str, str]] | Iterable[str], truth: set[Pair]
) -> dict[str, float | int]:
    """What a dedup's output leaves, against the truth: pair scores miss that keeping one document of a
    group is the goal.

    residual_pairs / residual_fraction: truth pairs with both sides still kept (duplicates left in);
    wrongly_dropped: dropped documents that are in no truth pair (unique text lost);
    lost_groups: truth groups (connected components of the truth pairs) with no member kept (a text gone
    entirely); groups: their number; excess_kept: kept documents beyond one per group.
    """
    all_ids = [d if isinstance(d, str) else d[0] for d in documents]
    kept = set(kept_ids)
    unknown = kept - set(all_ids)
    if unknown:
        raise ValueError(f"kept ids not in documents: {sorted(unknown)[:5]}")
    truth = _normalized(truth)
    parent = components(truth)
    groups: dict[str, list[str]] = defaultdict(list)
    for x, root in parent.items():
        groups[root].append(x)
    residual = sum(1 for a, b in truth if a in kept and b in kept)
    dropped = [d for d in all_ids if d not in kept]
    return {
        "documents": len(all_ids),
        "kept": len(kept),
        "dropped": len(dropped),
        "residual_pairs": residual,
        "residual_fraction": residual / len(truth) if truth else 0.0,
        "wrongly_dropped": sum(1 for d in dropped if d not in parent),
        "groups": len(groups),
        "lost_groups": sum(1 for g in groups.values() if not kept.intersection(g)),
        "excess_kept": sum(max(len(kept.intersection(g)) - 1, 0) for g in groups.values()),
    }


# ---------------------------------------------------------------------------------------------------------
# 5. Documents that differ only in numbers.

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_TABLES = (
    ("Monthly rainfall recorded at the {place} weather station in {year}", "{month}: {n3} millimetres"),
    ("Visitors to the {place} public library, month by month, {year}", "{month} {n4} visitors"),
    ("Average price of a litre of milk at the {place} market during {year}", "{month} {n1}.{n2} dollars"),
    ("Electricity used by the {place} water treatment plant in {year}", "{month} usage {n3},{n3} kWh"),
    ("Passengers counted on the {place} harbour ferry in {year}", "{month}: {n4} passengers, {n2} trips"),
)
_NOTICES = (
    "Notice of annual meeting. The annual general meeting of the {place} Tenants Association will be held on "
    "{day} {month} {year} at {hour} pm in the community hall. Membership dues of ${n2} are payable before "
    "{day} {month}. Members owing more than ${n3} may not vote. Call 555-{n4} for details.",
    "Invoice number {n6} issued {day} {month} {year}. Amount due: ${n1},{n3}.{n2} for services rendered to "
    "the {place} office between {day} {month} and {day} {month} {year}. Payment is due within {n2} days; a "
    "late fee of {n1} per cent applies after that. Account {n4}-{n4}.",
    "Road closure. {place} Road will be closed between number {n2} and number {n3} from {day} {month} {year} "
    "until {day} {month} {year}, from {hour} am to {hour} pm, for resurfacing. Diversion via route {n2}. "
    "Expect delays of up to {n2} minutes. Reference {n6}.",
    "Lost property. A bicycle, frame number {n6}, was found near {place} station on {day} {month} {year} at "
    "about {hour} pm. It can be collected from desk {n2} before {day} {month} {year} with a receipt "
    "for ${n3}. Reference {n4}.",
    "Exam results for {place} school, {year}. Of the {n3} pupils entered, {n3} passed and {n2} received a "
    "distinction. The average mark was {n2} out of {n3}. Results can be appealed until {day} {month} {year} "
    "by writing to room {n3}.",
)
_TOTAL = "Total for {year}: {n5} (figures rounded; source: the {place} council)"
_PLACES = ("Millbrook", "Ashford", "Kingsley", "Harrowgate", "Riverside", "Fernhill", "Oakmont", "Westcliff")


def _fill(template: str, rng: random.Random, fixed: dict[str, str]) -> str:
    """Each {nK} becomes a fresh K-digit number (never a leading 0, so its digit count is fixed) and {day} a
    two-digit day; fields in `fixed` (the family's place and template words) stay."""

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in fixed:
            return fixed[name]
        if name == "day":
            return str(rng.randint(10, 28))
        if name == "hour":
            return str(rng.randint(1, 9))
        if name == "year":
            return str(rng.randint(1950, 2024))
        digits = int(name[1:])
        return str(rng.randint(10 ** (digits - 1), 10**digits - 1))

    return re.sub(r"\{(\w+)\}", number, template)


def number_variants(seed: int = 0, family_size: int = 3) -> list[tuple[str, str]]:
    """Ten families (five tables of monthly figures, five dated notices) of `family_size` documents
    `num-{f:02d}-{k}` that differ only in their numbers (years, dates, amounts, counts): identical once digits
    are zeroed or stripped, apart with digits kept (most shingles hold a number)."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    families = [("table", t) for t in _TABLES] + [("notice", t) for t in _NOTICES]
    for f, (kind, template) in enumerate(families):
        fixed = {"place": rng.choice(_PLACES)}
        if kind == "notice":
            fixed["month"] = rng.choice(_MONTHS)
        for k in range(family_size):
            if kind == "table":
                title, row = template
                year = str(rng.randint(1950, 2024))
                lines = [_fill(title, rng, {**fixed, "year": year})]
                lines += [_fill(row, rng, {**fixed, "month": month}) for month in _MONTHS]
                lines.append(_fill(_TOTAL, rng, {**fixed, "year": year}))
                text = "\n".join(lines)
            else:
                text = _fill(template, rng, fixed)
            out.append((f"num-{f:02d}-{k}", text))
    return out
