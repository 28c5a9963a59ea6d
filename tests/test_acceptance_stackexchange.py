"""Every Posts.xml in ../shared/data/stackexchange parses (rows counted independently with lxml); the real
Beam job on those folders gives as many documents as there are questions counted independently (with or
without the unanswered ones), each question's answers in integer-score order, checked on the questions whose
answer scores sort differently as strings; the folder without a Posts.xml (history.meta) is skipped, not a
crash."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import lxml.html
import pyarrow.parquet as pq
import pytest
from lxml import etree

from beam_jobs.run import run_recipe
from pipeline.config import SourceSpec, recipe_from_dict
from pipeline.io import iter_documents, stage_parts
from pipeline.manifest import read_manifest
from pipeline.rejects import Reject, Skip
from pipeline.sources.stackexchange import NOT_POSTS, Post, PostsReader, html_to_text

pytestmark = pytest.mark.acceptance
SITES = {
    "beer.stackexchange.com_2017": "beer.stackexchange.com",
    "coffee.stackexchange.com_2015": "coffee.stackexchange.com",
    "cstheory.meta.stackexchange.com_2019": "cstheory.meta.stackexchange.com",
}


@pytest.fixture
def se(shared_data: Path) -> Path:
    folder = shared_data / "stackexchange"
    if not folder.is_dir():
        pytest.skip("../shared/data/stackexchange is absent")
    return folder


def independent(path: Path) -> tuple[int, dict[int, dict], dict[int, list[tuple[int, int, str]]]]:
    """(rows, questions by id, answers by question as (score, id, body)) by lxml alone."""
    rows, questions, answers = 0, {}, defaultdict(list)
    for _, element in etree.iterparse(
        str(path), events=("end",), tag="row", resolve_entities=False, no_network=True
    ):
        rows += 1
        kind = element.get("PostTypeId")
        if kind == "1":
            questions[int(element.get("Id"))] = dict(element.attrib)
        elif kind == "2":
            answers[int(element.get("ParentId"))].append(
                (int(element.get("Score")), int(element.get("Id")), element.get("Body", ""))
            )
        element.clear()
    return rows, questions, answers


def has_text(body: str) -> bool:
    return bool(body.strip()) and bool(lxml.html.fromstring(f"<div>{body}</div>").text_content().strip())


def test_every_posts_xml_parses_and_the_folder_without_one_is_skipped(se: Path) -> None:
    for folder, site in SITES.items():
        path = se / folder / "Posts.xml"
        reader = PostsReader(str(path), 0, path.stat().st_size)
        items = list(reader)
        rows, questions, answers = independent(path)
        assert not [i for i in items if isinstance(i, Reject)], folder
        assert reader.site == site and reader.rows == rows
        posts = [i for i in items if isinstance(i, Post)]
        assert sum(p.post_type == 1 for p in posts) == len(questions)
        assert sum(p.post_type == 2 for p in posts) == sum(len(v) for v in answers.values())
        assert len(posts) + sum(isinstance(i, Skip) for i in items) == rows
    others = [p for p in (se / "history.meta.stackexchange.com_2024_noPosts").iterdir() if p.is_file()]
    assert others
    for path in others:
        assert list(PostsReader(str(path), 0, path.stat().st_size)) == [Skip(NOT_POSTS)]


@pytest.mark.parametrize("keep_unanswered", [False, True])
def test_the_job_gives_every_question_with_its_answers_in_score_order(
    se: Path, tmp_path: Path, beam_args: list[str], keep_unanswered: bool
) -> None:
    recipe = recipe_from_dict({"stackexchange": {"keep_unanswered": keep_unanswered}}).with_sources(
        {"stackexchange": SourceSpec(input=[str(se)])}
    )
    run_recipe(recipe, str(tmp_path), beam_args, stages=["ingest"], summary=False)
    folder = tmp_path / "ingest" / "stackexchange"
    manifest = read_manifest(str(folder))
    documents = {
        (d.meta["site"], int(d.meta["question_id"])): d
        for part in stage_parts(str(folder))
        for d in iter_documents(part)
    }
    assert (
        manifest.rejects == 0 and manifest.counts["skipped:not_posts"] == 7
    )  # history.meta's 6, a PostLinks
    expected, rows_by_site, disagreeing = {}, {}, 0
    for name, site in SITES.items():
        rows, questions, answers = independent(se / name / "Posts.xml")
        rows_by_site[site] = rows
        for qid, question in questions.items():
            kept = sorted((-score, aid, body) for score, aid, body in answers.get(qid, []) if has_text(body))
            asked = question.get("Title", "").strip() or has_text(question.get("Body", ""))
            if kept or (keep_unanswered and asked):
                expected[(site, qid)] = [(aid, body) for _, aid, body in kept]
            scores = [score for score, _, _ in answers.get(qid, [])]
            if sorted(map(str, scores), reverse=True) != [str(s) for s in sorted(scores, reverse=True)]:
                disagreeing += 1
    assert len(documents) == len(expected) == manifest.documents_out
    assert set(documents) == set(expected)
    assert disagreeing > 20  # questions where RedPajama's string sort would have put the answers wrong
    for (site, qid), answers in expected.items():
        document = documents[(site, qid)]
        assert document.meta["answer_ids"] == ",".join(str(aid) for aid, _ in answers), (site, qid)
        assert document.url == f"https://{site}/questions/{qid}"
        position = 0
        for aid, body in answers:  # each answer's block comes after the one before it
            position = document.text.index("\n\nA: " + html_to_text(body), position) + 1
            assert position > 0, (site, qid, aid)
    sites = [r for p in sorted((folder / "sites").glob("*.parquet")) for r in pq.read_table(p).to_pylist()]
    ranked = sorted(rows_by_site.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [(s["site"], s["rows"], s["rank"], s["kept"]) for s in sites] == [
        (site, rows, rank, True) for rank, (site, rows) in enumerate(ranked, 1)
    ]
    assert all(manifest.counts[f"site_rows:{site}"] == rows for site, rows in rows_by_site.items())
    unanswered = manifest.counts.get("kept_unanswered" if keep_unanswered else "dropped:unanswered", 0)
    questions = manifest.counts["read:question"]
    print(f"unanswered questions: {unanswered} of {questions} ({unanswered / questions:.1%})")
