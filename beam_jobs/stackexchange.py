"""StackExchange ingest: dump archives (.7z) or extracted Posts.xml to question-and-answers documents.

    ListFiles -> PlanSplits (byte ranges of a Posts.xml; a .7z is one split) -> Reshuffle -> ReadPosts
      rows per site -> SumSiteRows -> RankSites (one ranking: rows, largest first, ties by name) ─┐ side input
      posts ────────────────────────────────────────────────────────────────────────> KeepSites ┘
        -> questions and answers keyed (site, question id) -> CoGroupByKey -> AssembleThreads -> documents
      ranking + documents per site -> the `sites` table (side output) and counters

Ranking needs every row counted before any post is kept, so the posts wait for the count (the runner
materializes them); bodies stay HTML until after the shuffle and are stripped only for the kept sites. The
reading, the ranking and the document format are plain functions in pipeline/sources/stackexchange.py.
Counters (into the manifest): `site_rows:<site>` (Posts.xml rows) for every site read, `site_kept:<site>`
(documents) for every kept site with one, `sites:ranked`, `sites:kept`, `site_missing:<site>` (a configured
site the input lacks); `dropped:site_not_kept` and `answers:site_not_kept`; per thread `kept`,
`kept_unanswered`, `dropped:unanswered`, `dropped:empty`, `dropped:duplicate_question`, `answers:kept`,
`answers:orphan`, `answers:empty`, `answers:duplicate`, `answers:dropped_with_question`; per row `read`,
`read:question`, `read:answer`, `skipped:other_post_type`, `skipped:deleted`, `rejected:<reason>`; per file
`skipped:not_posts`.

The ranking is over every input file, so the ingest stage reads StackExchange as one group whatever
`execution.group_files` says (INGEST's ungrouped_sources); a run over only some of the files is refused unless
`stackexchange.sites` names the sites.
"""

from __future__ import annotations

from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam import pvalue

from beam_jobs.framework import StageRun
from beam_jobs.readers import read_ranges
from beam_jobs.stage import (
    COUNTS,
    DOCUMENTS,
    DOCUMENTS_IN,
    REJECTS,
    SideOutput,
    StageDoFn,
    merge,
)
from pipeline.config import StackExchangeConfig
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.rejects import Reject, Skip
from pipeline.sources.stackexchange import (
    NOT_POSTS,
    QUESTION,
    Post,
    PostsReader,
    SiteRank,
    assemble_thread,
    plan_splits,
    rank_sites,
)

SITE_ROWS = "site_rows"  # (site, rows) per read split
QUESTIONS, ANSWERS = "questions", "answers"
UNRANKED = 1 << 30  # the sort position of a configured site that the input lacks


def _site_order(row: dict[str, Any]) -> tuple[int, str]:
    return (row["rank"] if row["rank"] is not None else UNRANKED), row["site"]


def _site_part(row: dict[str, Any]) -> str:
    return row["site"]


# The input's sites ranked by Posts.xml rows (1 = most), whether each was kept, and its documents.
SITES = SideOutput(
    "sites",
    pa.schema(
        [
            pa.field("site", pa.string(), nullable=False),
            pa.field("rows", pa.int64(), nullable=False),
            pa.field("rank", pa.int64()),  # null: a configured site absent from the input
            pa.field("kept", pa.bool_(), nullable=False),
            pa.field("documents", pa.int64(), nullable=False),
        ]
    ),
    sort_key=_site_order,
    part_key=_site_part,
)


class ReadPostsRange(StageDoFn):
    """One split of one input to Posts (questions and answers, bodies still HTML), and its site's row count to
    the SITE_ROWS output."""

    def __init__(self, namespace: str, progress_dir: str | None, config: StackExchangeConfig):
        super().__init__(namespace, progress_dir)
        self.config = config

    def handle(self, split: tuple[str, int, int]):
        path, start, end = split
        reader = PostsReader(path, start, end, self.config.max_post_bytes, self.config.max_archive_bytes)
        for item in reader:
            if isinstance(item, Reject):
                yield from self.reject(item)
                continue
            if isinstance(item, Skip):
                self.count(item.reason)
                if item.reason != NOT_POSTS:  # a row; a whole file that is not a Posts table is not one
                    self.count("read")
                    self.count(DOCUMENTS_IN)
                continue
            self.count("read")
            self.count(DOCUMENTS_IN)
            self.count("read:question" if item.post_type == QUESTION else "read:answer")
            yield item
        if reader.site is not None:
            self.count(f"site_rows:{reader.site}", reader.rows)
            yield pvalue.TaggedOutput(SITE_ROWS, (reader.site, reader.rows))
        self.read_bytes(end - start)

    def locate(self, split):
        return split[0], split[1], None


class KeepSites(StageDoFn):
    """The kept sites' posts keyed (site, question id): questions to the main output, answers to ANSWERS."""

    def process(self, element, kept: frozenset[str]):
        self._kept = kept
        yield from super().process(element)

    def handle(self, post: Post):
        question = post.post_type == QUESTION
        if post.site not in self._kept:
            self.count("dropped:site_not_kept" if question else "answers:site_not_kept")
            return
        key = (post.site, post.question_id)
        yield (key, post) if question else pvalue.TaggedOutput(ANSWERS, (key, post))

    def locate(self, post: Post):
        return post.source_file, post.offset, f"{post.site}:{post.post_id}"


class AssembleThreads(StageDoFn):
    """One question's posts, as the shuffle grouped them, to its document (answers by score, no HTML)."""

    def __init__(self, namespace: str, progress_dir: str | None, keep_unanswered: bool):
        super().__init__(namespace, progress_dir)
        self.keep_unanswered = keep_unanswered

    def handle(self, keyed):
        (site, question_id), groups = keyed
        document, counts = assemble_thread(
            site, question_id, groups[QUESTIONS], groups[ANSWERS], self.keep_unanswered
        )
        for reason, n in counts:
            self.count(reason, n)
        if document is not None:
            self.progress.advance(0, 1)
            yield document

    def locate(self, keyed):
        site, question_id = keyed[0]
        return site, None, f"{site}:{question_id}"


class SitesTable(StageDoFn):
    """The ranking to the `sites` table's rows, with each site's documents, and its counters."""

    def process(self, element, documents: dict[str, int]):
        self._documents = documents
        yield from super().process(element)

    def handle(self, ranking: list[SiteRank]):
        for site in ranking:
            documents = int(self._documents.get(site.site, 0))
            if site.rank is None:
                self.count(f"site_missing:{site.site}")
            else:
                self.count("sites:ranked")
            if site.kept:
                self.count("sites:kept")
            yield {
                "site": site.site,
                "rows": site.rows,
                "rank": site.rank,
                "kept": site.kept,
                "documents": documents,
            }

    def locate(self, ranking):
        return "sites", None, None


def _rank(config: StackExchangeConfig):
    def rank(rows: list[tuple[str, int]]) -> list[SiteRank]:
        return rank_sites(dict(rows), config.top_sites, config.sites)

    return rank


def _kept_sites(ranking: list[SiteRank]) -> frozenset[str]:
    return frozenset(site.site for site in ranking if site.kept)


def _document_site(document: Document) -> str:
    return document.meta.get("site", "")


def read_stackexchange(pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None) -> dict[str, Any]:
    config = run.recipe.stackexchange
    if config.sites is None and len(set(run.units)) < len(set(run.input("sources"))):
        raise UserError(
            "stackexchange ranks its sites over all its input files, but execution.group_files cuts them "
            "into groups: set execution.group_files to 0 for this source, or name the sites in "
            "stackexchange.sites"
        )
    ns = run.namespace
    read = ReadPostsRange(ns, progress_dir, config)
    posts = read_ranges(pipeline, run, plan_splits, config.split_bytes, read, (SITE_ROWS,))
    ranking = (
        posts[SITE_ROWS]
        | "SumSiteRows" >> beam.CombinePerKey(sum)
        | "CollectSiteRows" >> beam.combiners.ToList()
        | "RankSites" >> beam.Map(_rank(config))
    )
    kept = ranking | "KeptSites" >> beam.Map(_kept_sites)
    keyed = posts[DOCUMENTS] | "KeepSites" >> beam.ParDo(
        KeepSites(ns), pvalue.AsSingleton(kept)
    ).with_outputs(ANSWERS, REJECTS, COUNTS, main=QUESTIONS)
    threads = (
        {QUESTIONS: keyed[QUESTIONS], ANSWERS: keyed[ANSWERS]}
        | "GroupByQuestion" >> beam.CoGroupByKey()
        | "AssembleThreads"
        >> beam.ParDo(AssembleThreads(ns, progress_dir, config.keep_unanswered)).with_outputs(
            REJECTS, COUNTS, main=DOCUMENTS
        )
    )
    documents = threads[DOCUMENTS]
    per_site = (
        documents
        | "DocumentSites" >> beam.Map(_document_site)
        | "DocumentsPerSite" >> beam.combiners.Count.PerElement()
    )
    sites = ranking | "SitesTable" >> beam.ParDo(SitesTable(ns), pvalue.AsDict(per_site)).with_outputs(
        REJECTS, COUNTS, main=SITES.name
    )
    return {
        DOCUMENTS: documents,
        REJECTS: merge(
            [posts[REJECTS], keyed[REJECTS], threads[REJECTS], sites[REJECTS]], "MergeStackExchangeRejects"
        ),
        COUNTS: merge(
            [posts[COUNTS], keyed[COUNTS], threads[COUNTS], sites[COUNTS]], "MergeStackExchangeCounts"
        ),
        SITES.name: sites[SITES.name],
    }
