"""The StackExchange reader without Beam: site names, splits, rows, .7z members (hostile ones too), the
ranking, HTML to text and the question-and-answers documents."""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections import Counter
from pathlib import Path

import py7zr
import pytest

from pipeline.rejects import Reject, Skip
from pipeline.sources.stackexchange import (
    NOT_POSTS,
    Post,
    PostsReader,
    SiteRank,
    assemble_thread,
    canonical_site,
    html_to_text,
    input_kind,
    parse_row,
    plan_splits,
    rank_sites,
    site_name,
)
from tests.conftest import REPO

SAMPLES = REPO / "samples" / "stackexchange"
HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n'


def row(**fields) -> str:
    return "  <row " + " ".join(f'{k}="{v}"' for k, v in fields.items()) + " />\n"


def q(pid, score=0, body="&lt;p&gt;q&lt;/p&gt;", title="T", **extra) -> str:
    return row(
        Id=pid,
        PostTypeId=1,
        CreationDate="2020-01-02T03:04:05.678",
        Score=score,
        Body=body,
        Title=title,
        **extra,
    )


def a(pid, parent, score=0, body="&lt;p&gt;a&lt;/p&gt;") -> str:
    return row(
        Id=pid, PostTypeId=2, ParentId=parent, CreationDate="2020-01-03T00:00:00.000", Score=score, Body=body
    )


def posts_xml(rows: list[str], head: str = HEAD) -> bytes:
    return (head + "".join(rows) + "</posts>\n").encode()


def write_site(tmp_path: Path, rows: list[str], folder: str = "tiny.stackexchange.com_2020", **kw) -> Path:
    path = tmp_path / folder / "Posts.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(posts_xml(rows, **kw))
    return path


def read(path, start=0, end=1 << 40, **kw) -> tuple[list, PostsReader]:
    reader = PostsReader(str(path), start, end, **kw)
    return list(reader), reader


def make_archive(path: Path, members: list[tuple[str, bytes]], rename: dict[str, str] | None = None) -> Path:
    """A .7z of `members`; `rename` then rewrites member names in the (unencoded) header, CRCs fixed, to make
    names py7zr refuses to write (`../Posts.xml`): a hostile archive as an attacker would craft it."""
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.set_encoded_header_mode(False)
        for name, data in members:
            archive.writestr(data, name)
    if rename:
        raw = bytearray(path.read_bytes())
        offset, size, _ = struct.unpack_from("<QQI", raw, 12)
        start = 32 + offset
        header = bytes(raw[start : start + size])
        for old, new in rename.items():
            old_b, new_b = old.encode("utf-16-le"), new.encode("utf-16-le")
            assert len(old_b) == len(new_b) and header.count(old_b) == 1
            header = header.replace(old_b, new_b)
        raw[start : start + size] = header
        struct.pack_into("<I", raw, 28, zlib.crc32(header))
        struct.pack_into("<I", raw, 8, zlib.crc32(bytes(raw[12:32])))
        path.write_bytes(bytes(raw))
    return path


# ---------------------------------------------------------------------------------------------------------
# Inputs and site names.


@pytest.mark.parametrize(
    ("path", "kind", "site"),
    [
        ("dumps/beer.stackexchange.com.7z", "7z", "beer.stackexchange.com"),
        ("dumps/stackoverflow.com-Posts.7z", "7z", "stackoverflow.com"),
        ("dumps/stackoverflow.com-Users.7z", None, "stackoverflow.com"),
        ("dumps/Meta.StackOverflow.com.7z", "7z", "meta.stackoverflow.com"),
        ("gs://bucket/se/math.meta.stackexchange.com.7z", "7z", "math.meta.stackexchange.com"),
        ("data/beer.stackexchange.com_2017/Posts.xml", "xml", "beer.stackexchange.com"),
        ("data/stackoverflow.com-Posts/Posts.xml", "xml", "stackoverflow.com"),
        ("data/beer.stackexchange.com_2017/PostLinks.xml", None, "beer.stackexchange.com"),
        (
            "data/history.meta.stackexchange.com_2024_noPosts/Users.xml",
            None,
            "history.meta.stackexchange.com",
        ),
        ("data/Posts.xml", "xml", None),  # a folder that is not a site: unknown_site
        ("Posts.xml", "xml", None),
        ("dumps/notes.txt", None, None),
    ],
)
def test_input_kind_and_site_name(path: str, kind: str | None, site: str | None) -> None:
    assert input_kind(path) == kind
    assert site_name(path) == site


def test_canonical_site_names_configured_sites_like_inputs() -> None:
    assert canonical_site(" Beer.StackExchange.com_2017 ") == "beer.stackexchange.com"
    assert canonical_site("stackoverflow.com-Posts") == "stackoverflow.com"


def test_other_files_are_one_skip_and_no_site(tmp_path: Path) -> None:
    users = tmp_path / "tiny.stackexchange.com" / "Users.xml"
    users.parent.mkdir()
    users.write_text('<?xml version="1.0"?>\n<users>\n  <row Id="1" />\n</users>\n')
    items, reader = read(users)
    assert items == [Skip(NOT_POSTS)] and reader.site is None and reader.rows == 0
    assert plan_splits(str(users), 4096) == [(str(users), 0, users.stat().st_size)]


def test_a_posts_file_outside_a_site_folder_is_rejected(tmp_path: Path) -> None:
    path = write_site(tmp_path, [q(1)], folder="data")
    items, reader = read(path)
    assert [i.reason for i in items] == ["unknown_site"] and reader.site is None


# ---------------------------------------------------------------------------------------------------------
# Rows and splits.


def test_rows_questions_answers_other_types_deleted_and_malformed(tmp_path: Path) -> None:
    rows = [
        q(1, 3, title="Hello &amp; welcome", Tags="&lt;a&gt;&lt;b-c&gt;", AcceptedAnswerId=2),
        a(2, 1, -4),
        row(Id=3, PostTypeId=4, Score=0, Body=""),
        row(Id=4, PostTypeId=2, ParentId=1, Score=1, Body="x", DeletionDate="2020-01-01"),
        row(Id=5, PostTypeId=2, Score=1, Body="no parent"),
        row(Id=6, PostTypeId=1, Score="many", Body="x"),
        '  <row Id="7" PostTypeId="1" Body="&amp;nbsp; &custom;" />\n',
        '  <row Id="8" PostTypeId="1" Body="never closed />\n',
        "  <comment>not a row</comment>\n",
        row(PostTypeId=1, Body="no id"),
        q(9),
    ]
    path = write_site(tmp_path, rows)
    items, reader = read(path)
    assert reader.site == "tiny.stackexchange.com" and reader.rows == 10  # the <comment> line is no row
    posts = [i for i in items if isinstance(i, Post)]
    assert [(p.post_id, p.post_type, p.parent_id, p.score) for p in posts] == [
        (1, 1, None, 3),
        (2, 2, 1, -4),
        (9, 1, None, 0),
    ]
    first = posts[0]
    assert first.title == "Hello & welcome" and first.tags == "a,b-c" and first.accepted_answer_id == "2"
    assert first.body == "<p>q</p>" and first.created == "2020-01-02T03:04:05.678"
    assert first.offset == len(HEAD) and first.source_file == str(path)
    skips = [i.reason for i in items if isinstance(i, Skip)]
    assert skips == ["skipped:other_post_type", "skipped:deleted"]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [r.reason for r in rejects] == ["malformed_row"] * 6
    assert [r.record_id for r in rejects] == [f"tiny.stackexchange.com:{n}" for n in (5, 6, 7, 8)] + [
        None
    ] * 2
    data = path.read_bytes()
    for reject in rejects:  # each at the exact offset of its own line
        assert data[reject.offset :].lstrip().startswith((b"<row", b"<comment"))
    assert "custom" in rejects[2].detail  # an entity is an error of its row, never expanded


def test_the_2024_tag_format() -> None:
    post = parse_row(b'<row Id="1" PostTypeId="1" Score="0" Tags="|a|b|" />', "s.com", "f", 0)
    assert isinstance(post, Post) and post.tags == "a,b"


def test_bom_crlf_and_a_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "tiny.stackexchange.com" / "Posts.xml"
    path.parent.mkdir()
    text = "\ufeff" + HEAD.replace("\n", "\r\n") + q(1).replace("\n", "\r\n") + q(2).rstrip("\n")
    path.write_bytes(text.encode())
    items, reader = read(path)
    assert [i.post_id for i in items] == [1, 2] and reader.rows == 2


def test_splits_read_exactly_what_one_read_does(tmp_path: Path) -> None:
    rows = [q(i, body="&lt;p&gt;" + "x" * (i * 37 % 300) + "&lt;/p&gt;") for i in range(1, 200)]
    rows.insert(50, '  <row Id="x" broken\n')
    path = write_site(tmp_path, rows)
    whole, reader = read(path)
    splits = plan_splits(str(path), 4096)
    assert len(splits) > 5 and splits[0][1] == 0 and splits[-1][2] == path.stat().st_size
    assert all(a[2] == b[1] for a, b in zip(splits, splits[1:], strict=False))
    parts, rows_read = [], 0
    for split in splits:
        items, part = read(*split)
        parts += items
        rows_read += part.rows
    assert parts == whole and rows_read == reader.rows == 200
    # a range starting exactly at a line start keeps that line
    cut = path.read_bytes().index(b'<row Id="100"') - 2
    left, _ = read(path, 0, cut)
    right, _ = read(path, cut, 1 << 40)
    assert left + right == whole


def test_an_oversize_row_is_rejected_and_streamed_past(tmp_path: Path) -> None:
    path = write_site(tmp_path, [q(1), q(2, body="y" * 5000), q(3)])
    items, reader = read(path, max_post_bytes=1024)
    assert [getattr(i, "post_id", None) or i.reason for i in items] == [1, "oversize", 3]
    assert reader.rows == 3
    with open(path, "rb") as handle:  # an oversize line across read chunks, in a 7z stream, is the same
        data = handle.read()
    from pipeline.sources.stackexchange import _lines

    chunks = [data[i : i + 700] for i in range(0, len(data), 700)]
    lines = list(_lines(chunks, 0, False, 1 << 40, 1024))
    assert [line is None for _, line in lines].count(True) == 1
    assert b"".join(line for _, line in lines if line) == data.replace(
        posts_xml([q(2, body="y" * 5000)], "")[:-9], b""
    )


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        ('<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY e "x">]>\n<posts>\n', "xml_entities"),
        ('<?xml version="1.0" encoding="utf-16"?>\n<posts>\n', "unsupported_encoding"),
        ('<?xml version="1.0" encoding="utf-8"?>\n<users>\n', "not_posts"),
    ],
)
def test_a_bad_head_is_one_reject_for_the_whole_file(tmp_path: Path, head: str, reason: str) -> None:
    path = write_site(tmp_path, [q(i, body="z" * 300) for i in range(40)], head=head)
    items, reader = read(path)
    assert [i.reason for i in items] == [reason] and reader.site is None
    later = plan_splits(str(path), 4096)[1]
    assert read(*later)[0] == []  # the range that holds the head reports it, once


def test_a_bad_head_inside_an_archive_is_one_reject_too(tmp_path: Path) -> None:
    dtd = '<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY a "b">]>\n<posts>\n'
    archive = make_archive(
        tmp_path / "dtd.stackexchange.com.7z", [("Posts.xml", posts_xml([q(1)], head=dtd))]
    )
    items, reader = read(archive)
    assert [i.reason for i in items] == ["xml_entities"] and reader.site is None and reader.rows == 0


def test_an_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "tiny.stackexchange.com" / "Posts.xml"
    path.parent.mkdir()
    path.write_bytes(b"")
    assert [i.reason for i in read(path)[0]] == ["empty_file"]


# ---------------------------------------------------------------------------------------------------------
# .7z archives.


def test_a_site_archive_is_streamed_from_its_posts_member(tmp_path: Path) -> None:
    data = posts_xml([q(1), a(2, 1, 5), row(Id=3, PostTypeId=5, Score=0, Body="")])
    archive = make_archive(
        tmp_path / "tiny.stackexchange.com.7z",
        [("Users.xml", b"<users>\n</users>\n"), ("Posts.xml", data), ("old/Posts.xml", b"<posts/>")],
    )
    items, reader = read(archive)
    assert [getattr(i, "post_id", None) or i.reason for i in items] == [1, 2, "skipped:other_post_type"]
    assert reader.site == "tiny.stackexchange.com" and reader.rows == 3
    assert items[1].offset == data.index(b'<row Id="2"') - 2  # offsets in the uncompressed member
    assert plan_splits(str(archive), 16) == [(str(archive), 0, archive.stat().st_size)]


def test_hostile_member_names_are_refused_and_never_read(tmp_path: Path) -> None:
    archive = make_archive(
        tmp_path / "evil.stackexchange.com.7z",
        [("XXXPosts.xml", posts_xml([q(1)])), ("Posts.xml", posts_xml([q(2)])), ("YYYYYPosts.xml", b"")],
        rename={"XXXPosts.xml": "../Posts.xml", "YYYYYPosts.xml": "/tmp/Posts.xml"},
    )
    items, reader = read(archive)
    rejects = [i for i in items if isinstance(i, Reject)]
    assert sorted(r.reason for r in rejects) == ["unsafe_member", "unsafe_member"]
    assert [i.post_id for i in items if isinstance(i, Post)] == [2]  # the safe Posts.xml only
    worse = tmp_path / "worse.stackexchange.com.7z"
    only_evil = make_archive(worse, [("XXXPosts.xml", posts_xml([q(1)]))], {"XXXPosts.xml": "../Posts.xml"})
    items, reader = read(only_evil)
    assert [i.reason for i in items] == ["unsafe_member", "no_posts"] and reader.site is None


def test_an_archive_over_the_cap_is_rejected_before_decompressing(tmp_path: Path) -> None:
    big = posts_xml([q(i, body="w" * 200) for i in range(100)])  # ~30 KB that compress to little
    archive = make_archive(tmp_path / "big.stackexchange.com.7z", [("Posts.xml", big)])
    assert archive.stat().st_size < 2048
    items, reader = read(archive, max_archive_bytes=16 * 1024)
    assert [i.reason for i in items] == ["oversize_archive"] and reader.rows == 0
    assert len(read(archive, max_archive_bytes=1 << 20)[0]) == 100
    # the members decompressed before Posts.xml count towards the cap too
    solid = make_archive(
        tmp_path / "solid.stackexchange.com.7z",
        [("Votes.xml", b"v" * 20000), ("Posts.xml", posts_xml([q(1)]))],
    )
    assert [i.reason for i in read(solid, max_archive_bytes=16 * 1024)[0]] == ["oversize_archive"]


def test_damaged_and_fake_archives_are_one_reject(tmp_path: Path) -> None:
    good = make_archive(
        tmp_path / "good.stackexchange.com.7z", [("Posts.xml", posts_xml([q(i) for i in range(50)]))]
    )
    data = good.read_bytes()
    cut = tmp_path / "cut.stackexchange.com.7z"
    cut.write_bytes(data[: len(data) // 2])
    fake = tmp_path / "fake.stackexchange.com.7z"
    fake.write_bytes(b"this is not an archive")
    flipped = tmp_path / "flipped.stackexchange.com.7z"
    flipped.write_bytes(data[:40] + bytes([data[40] ^ 0xFF]) + data[41:])
    for path in (cut, fake, flipped):
        items, _ = read(path)
        rejects = [i for i in items if isinstance(i, Reject)]
        assert len(rejects) == 1 and rejects[0].reason == "corrupt_archive", (path.name, items)
    no_posts = make_archive(tmp_path / "none.stackexchange.com.7z", [("Users.xml", b"<users/>")])
    assert [i.reason for i in read(no_posts)[0]] == ["no_posts"]


def test_stopping_early_stops_the_decompressing_thread(tmp_path: Path, monkeypatch) -> None:
    from pipeline.sources import stackexchange

    monkeypatch.setattr(stackexchange, "CHUNK", 1024)  # small pieces, so the decompressor waits on the reader
    monkeypatch.setattr(stackexchange, "QUEUE_PIECES", 2)
    archive = make_archive(
        tmp_path / "long.stackexchange.com.7z", [("Posts.xml", posts_xml([q(i) for i in range(3000)]))]
    )

    def decompressing() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "stackexchange-7z"]

    reader = iter(PostsReader(str(archive), 0, 1 << 40))
    assert next(reader).post_id == 0
    assert decompressing()  # blocked on the full queue
    reader.close()
    deadline = time.time() + 10
    while decompressing() and time.time() < deadline:
        time.sleep(0.02)
    assert not decompressing()


def test_the_shipped_samples() -> None:
    counts = {}
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_file() and not path.name.startswith("_"):
            items, reader = read(path)
            counts[path.name] = (
                reader.site,
                reader.rows,
                Counter(getattr(i, "reason", "post") for i in items),
            )
    assert counts["pottery.stackexchange.com.7z"] == (
        "pottery.stackexchange.com", 14,
        Counter(post=9, **{"skipped:other_post_type": 2, "malformed_row": 2, "skipped:deleted": 1}),
    )  # fmt: skip
    assert counts["compilers.stackexchange.com-Posts.7z"] == (
        "compilers.stackexchange.com",
        9,
        Counter(post=9),
    )
    assert counts["Posts.xml"] == (
        "lighthouses.stackexchange.com", 16,
        Counter(post=14, **{"skipped:other_post_type": 1, "malformed_row": 1}),
    )  # fmt: skip
    assert counts["Users.xml"] == (None, 0, Counter({NOT_POSTS: 1}))
    assert sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file()) < 200_000


# ---------------------------------------------------------------------------------------------------------
# Ranking.


def test_sites_ranked_by_rows_ties_by_name_and_the_override() -> None:
    rows = {"b.example.com": 5, "a.example.com": 5, "c.example.com": 9, "d.example.com": 1}
    assert rank_sites(rows, 2) == [
        SiteRank("c.example.com", 9, 1, True),
        SiteRank("a.example.com", 5, 2, True),
        SiteRank("b.example.com", 5, 3, False),
        SiteRank("d.example.com", 1, 4, False),
    ]
    chosen = rank_sites(rows, 2, ["D.example.com_2020", "gone.example.com"])
    assert [(s.site, s.kept, s.rank) for s in chosen if s.kept or s.rank is None] == [
        ("d.example.com", True, 4),
        ("gone.example.com", False, None),
    ]
    assert not any(s.kept for s in rank_sites(rows, 28, []))
    assert all(s.kept for s in rank_sites(rows, 28))


# ---------------------------------------------------------------------------------------------------------
# HTML to text.


def test_paragraphs_links_entities_and_whitespace() -> None:
    body = (
        "<p>Tom &amp; Jerry   like\n<a href='https://x.example'>this  link</a>&nbsp;a&lt;b &eacute;</p>\n"
        "<p>second<br>line<br/>third</p><h2>Heading</h2><hr><div>block</div>tail text"
    )
    assert html_to_text(body) == (
        "Tom & Jerry like this link a<b é\n\nsecond\nline\nthird\n\nHeading\n\nblock\n\ntail text"
    )


def test_lists_are_bullets_ordered_lists_numbered_nested_lists_indented() -> None:
    body = (
        "<ul><li>one</li><li>two <b>bold</b>\n<ul><li>inner</li></ul></li><li><p>para a</p><p>para b</p></li>"
        "</ul><ol start='3'><li>three</li><li>four</li></ol><li>stray item</li><ol><li></li><li>x</li></ol>"
    )
    assert html_to_text(body) == (
        "* one\n* two bold\n  * inner\n* para a\n  para b\n\n3. three\n4. four\n\n* stray item\n\n2. x"
    )


def test_code_blocks_are_verbatim_and_fenced_inline_code_in_backticks() -> None:
    body = (
        "<p>Use <code>a &lt; b</code> or <code>x`y</code>:</p>\n"
        "<pre><code>for i in range(3):\n    if i &lt; 2 &amp;&amp; ok:\n\n        print(i)   # spaces kept\n"
        "</code></pre>\n<pre>line<br>next</pre><pre>```\nfenced\n```</pre><pre>   </pre>"
    )
    assert html_to_text(body) == (
        "Use `a < b` or `` x`y ``:\n\n"
        "```\nfor i in range(3):\n    if i < 2 && ok:\n\n        print(i)   # spaces kept\n```\n\n"
        "```\nline\nnext\n```\n\n"
        "````\n```\nfenced\n```\n````"
    )


def test_blockquotes_tables_images_scripts_and_comments() -> None:
    body = (
        "<blockquote><p>quoted</p><p>twice</p></blockquote><img src='x.png' alt='junk alt'>"
        "<script>alert(1)</script><style>p{}</style><!-- hidden -->"
        "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td><p>2</p></td></tr>"
        "</tbody></table><p><a href='/x'><img src='y.png'></a></p>"
    )
    assert html_to_text(body) == "> quoted\n>\n> twice\n\na | b\n1 | 2"


def test_odd_html_never_fails() -> None:
    assert html_to_text("") == "" and html_to_text("  \n ") == ""
    assert html_to_text("plain   text\n") == "plain text"
    assert html_to_text("<p>unclosed <b>bold <i>and") == "unclosed bold and"
    assert html_to_text("</div></body></html><p>after</p>") == "after"
    deep = "<div>" * 3000 + "deep" + "</div>" * 3000
    assert "deep" in html_to_text(deep) or html_to_text(deep) == ""
    nested = "<blockquote>" * 150 + "q" + "</blockquote>" * 150
    assert html_to_text(nested).endswith("q")
    assert html_to_text("<p>&bogus; &#0; \x00</p>") == "&bogus; \ufffd \ufffd"


# ---------------------------------------------------------------------------------------------------------
# Threads.


def post(pid, kind, score=0, parent=None, body="<p>text</p>", title="", source="f", offset=0) -> Post:
    return Post(
        site="s.example.com", post_id=pid, post_type=kind, parent_id=parent, score=score,
        created="2020-05-06T07:08:09.100", title=title, body=body, tags="a,b", accepted_answer_id="",
        license="", source_file=source, offset=offset or pid,
    )  # fmt: skip


def test_answers_sorted_by_integer_score_then_id_and_the_format() -> None:
    question = post(1, 1, 7, title="  Why   9 < 10? ", body="<p>Body.</p>")
    answers = [
        post(pid, 2, score, 1, body=f"<p>answer {pid}</p>")
        for pid, score in ((2, 9), (3, 10), (4, -1), (5, 2), (6, 10))
    ]
    assert sorted(answers, key=lambda p: str(p.score), reverse=True)[0].score == 9  # RedPajama's order
    document, counts = assemble_thread("s.example.com", 1, [question], reversed(answers), False)
    assert document.text == (
        "Q: Why 9 < 10?\n\nBody.\n\nA: answer 3\n\nA: answer 6\n\nA: answer 2\n\nA: answer 5\n\nA: answer 4"
    )
    assert document.meta["answer_ids"] == "3,6,2,5,4" and document.meta["answer_scores"] == "10,10,9,2,-1"
    assert document.meta["question_score"] == "7" and document.meta["answers"] == "5"
    assert document.meta["site"] == "s.example.com" and document.meta["tags"] == "a,b"
    assert document.url == "https://s.example.com/questions/1" and document.source == "stackexchange"
    assert document.timestamp.isoformat() == "2020-05-06T07:08:09.100000+00:00"
    again, _ = assemble_thread("s.example.com", 1, [question], answers, False)
    assert again == document and document.id.startswith("stackexchange-")
    assert dict(counts) == {"kept": 1, "answers:kept": 5, "site_kept:s.example.com": 1}


def test_unanswered_orphans_duplicates_and_empty_posts() -> None:
    question = post(1, 1, title="Alone")
    assert assemble_thread("s", 1, [question], [], False) == (None, [("dropped:unanswered", 1)])
    kept, counts = assemble_thread("s", 1, [question], [post(2, 2, 1, 1, body="<img src=x>")], True)
    assert kept.text == "Q: Alone\n\ntext" and kept.meta["answers"] == "0"
    assert dict(counts) == {
        "answers:empty": 1,
        "kept_unanswered": 1,
        "kept": 1,
        "answers:kept": 0,
        "site_kept:s": 1,
    }
    assert assemble_thread("s", 9, [], [post(2, 2, 0, 9), post(3, 2, 0, 9)], True) == (
        None,
        [("answers:orphan", 2)],
    )
    twice = [post(1, 1, title="Second", source="z"), post(1, 1, title="First", source="a")]
    answer_twice = [post(2, 2, 1, 1, source="z"), post(2, 2, 1, 1, source="a")]
    document, counts = assemble_thread("s", 1, twice, answer_twice, False)
    assert document.meta["title"] == "First" and document.meta["answers"] == "1"
    assert ("dropped:duplicate_question", 1) in counts and ("answers:duplicate", 1) in counts
    empty, counts = assemble_thread("s", 1, [post(1, 1, body="<p> </p>")], [post(2, 2, 1, 1)], True)
    assert empty is None and ("dropped:empty", 1) in counts
