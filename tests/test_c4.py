"""The C4 reader (pipeline/sources/c4.py) and C4's cleaning rules (filters/c4.py), without Beam: the shipped
samples, ranges that read each line once, every malformed line a Reject with its line and offset, damaged
gzip, oversize lines streamed past; each TFDS rule, the sentence counter, bad words and the line dedup."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

import pipeline.sources.c4 as c4
import pipeline.sources.jsonl as jsonl
from filters.c4 import (
    C4Rules,
    bad_words_regex,
    c4_filter_in_memory,
    choose_owner,
    clean_page,
    count_sentences,
    has_bad_words,
    line_hash,
    load_bad_words,
    owner_candidates,
    owner_rank,
    remove_duplicate_lines,
)
from pipeline.config import C4FilterConfig
from pipeline.document import Document, make_doc_id
from pipeline.errors import UserError
from pipeline.rejects import Reject, Skip
from tests.conftest import REPO

SAMPLES = REPO / "samples" / "c4"
GZ = SAMPLES / "c4-train.00000-of-00002.json.gz"
PLAIN = SAMPLES / "c4-train.00001-of-00002.json"
BAD_WORDS = SAMPLES / "badwords-sample.txt"
SAMPLE_MAX_LINE = 16384  # under the sample's one 50 KB page
RULES = C4FilterConfig()
PROSE = (
    "The ferry left the harbour at nine in the morning. Passengers crowded the rail to watch the gulls. "
    "By noon the island was in sight."
)


def _read(path, start=0, end=None, max_line_bytes=c4.DEFAULT_MAX_LINE_BYTES) -> list:
    return list(c4.read_documents(str(path), start, end, max_line_bytes))


def _whole(path, max_line_bytes=SAMPLE_MAX_LINE) -> list:
    return _read(path, max_line_bytes=max_line_bytes)


def _line(text: str = PROSE, **fields) -> bytes:
    return json.dumps(
        {"text": text, "timestamp": "2019-04-25T12:57:54Z", "url": "https://a.example/", **fields}
    ).encode()


# ---- the reader ---------------------------------------------------------------------------------------


def test_the_gzip_sample_reads_as_released_with_the_oversize_page_rejected():
    raw = gzip.decompress(GZ.read_bytes()).split(b"\n")[:-1]
    outcomes = _whole(GZ)
    documents = [o for o in outcomes if isinstance(o, Document)]
    assert len(documents) == 30 and len(outcomes) == 31
    offset = 0
    for line, document in zip(raw, documents, strict=False):
        record = json.loads(line)
        assert document.text == record["text"] and document.url == record["url"]  # exactly as released
        assert document.timestamp == datetime.fromisoformat(record["timestamp"]).astimezone(UTC)
        assert document.source == "c4" and document.language is None
        assert document.id == make_doc_id("c4", GZ.name, offset)
        assert document.meta == {"file": GZ.name, "offset": str(offset)}
        offset += len(line) + 1
    (oversize,) = [o for o in outcomes if isinstance(o, Reject)]
    assert (oversize.reason, oversize.record_id, oversize.offset) == ("oversize", "line 31", offset)
    assert "50,192 bytes" in oversize.detail
    assert len([o for o in _read(GZ) if isinstance(o, Document)]) == 31  # the default 4 MiB keeps it


def test_every_malformed_line_is_a_reject_with_its_line_number_and_byte_offset():
    data = PLAIN.read_bytes()
    outcomes = _whole(PLAIN)
    rejects = [o for o in outcomes if isinstance(o, Reject)]
    assert [r.reason for r in rejects] == [
        "bad_json", "bad_encoding", "not_an_object", "no_text", "bad_text", "bad_timestamp", "empty_text",
        "bad_url",
    ]  # fmt: skip
    lines = data.split(b"\n")
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    for reject in rejects:
        number = int(reject.record_id.removeprefix("line "))
        assert reject.offset == starts[number - 1] and reject.source_file == str(PLAIN)
    assert [r.record_id for r in rejects] == [f"line {n}" for n in (2, 4, 6, 8, 10, 12, 14, 16)]
    assert outcomes.count(Skip("skipped:blank_line")) == 1
    documents = [o for o in outcomes if isinstance(o, Document)]
    assert len(documents) == 12 and not data.endswith(b"\n")  # the last line has no newline, and is read
    assert all("\\/" not in d.url and d.url.startswith("https://") for d in documents)  # `\/` is JSON's `/`
    first = json.loads(lines[0])
    assert documents[0].timestamp == datetime.fromisoformat(first["timestamp"]).replace(tzinfo=UTC)
    assert first["timestamp"][10] == " "  # the re-saved form


@pytest.mark.parametrize("split_bytes", [1, 97, 512, 700, 4096])
def test_ranges_read_every_line_once_and_number_it_as_a_whole_read_does(split_bytes):
    whole = _whole(PLAIN)
    splits = c4.plan_splits(str(PLAIN), split_bytes)
    assert len(splits) == -(-PLAIN.stat().st_size // split_bytes)
    pieces = [o for split in splits for o in c4.read_documents(*split, SAMPLE_MAX_LINE)]
    assert pieces == whole  # documents, rejects (their `line N` too) and skips, in order


def test_a_gzip_file_is_one_range_and_a_later_range_of_it_reads_nothing():
    assert c4.plan_splits(str(GZ), 100) == [(str(GZ), 0, GZ.stat().st_size)]
    assert _read(GZ, 100, 200) == []


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_oversize_lines_are_streamed_past_whatever_the_chunk_size(tmp_path, monkeypatch, chunk):
    path = tmp_path / "c4-big.json"
    lines = [_line(), _line("x " * 3000), _line(), _line("y" * 1500), b"", _line(url="https://b.example/")]
    path.write_bytes(b"\n".join(lines) + b"\n")
    expected = _read(path, max_line_bytes=1024)
    assert [getattr(o, "reason", "doc") for o in expected] == [
        "doc", "oversize", "doc", "oversize", "skipped:blank_line", "doc",
    ]  # fmt: skip
    assert [o.record_id for o in expected if isinstance(o, Reject)] == ["line 2", "line 4"]
    monkeypatch.setattr(jsonl, "CHUNK", chunk)
    assert _read(path, max_line_bytes=1024) == expected
    for split_bytes in (100, 3000, 5000):
        pieces = [o for s in c4.plan_splits(str(path), split_bytes) for o in c4.read_documents(*s, 1024)]
        assert pieces == expected


def test_an_oversize_last_line_without_a_newline(tmp_path, monkeypatch):
    path = tmp_path / "c4.json"
    path.write_bytes(_line() + b"\n" + _line("z " * 2000))
    monkeypatch.setattr(jsonl, "CHUNK", 256)
    outcomes = _read(path, max_line_bytes=1024)
    assert isinstance(outcomes[0], Document) and outcomes[1].reason == "oversize"


def test_damaged_gzip_keeps_the_lines_before_and_rejects_the_rest(tmp_path):
    lines = [_line(f"{PROSE} Page {i}.") for i in range(200)]
    data = gzip.compress(b"\n".join(lines) + b"\n", mtime=0)
    truncated = tmp_path / "truncated.json.gz"
    truncated.write_bytes(data[: len(data) // 2])
    outcomes = _read(truncated)
    assert isinstance(outcomes[0], Document) and outcomes[-1].reason == "truncated_gzip"
    assert all(isinstance(o, Document) for o in outcomes[:-1]) and 0 < len(outcomes) - 1 < 200
    assert outcomes[-1].record_id == f"line {len(outcomes)}"
    corrupt = tmp_path / "corrupt.json.gz"
    corrupt.write_bytes(data[:40] + bytes(b ^ 0x55 for b in data[40:400]) + data[400:])
    assert _read(corrupt)[-1].reason == "corrupt_gzip"
    garbage = tmp_path / "garbage.json.gz"
    garbage.write_bytes(data + b"this is not gzip")
    outcomes = _read(garbage)
    assert len(outcomes) == 201 and outcomes[-1].reason == "corrupt_gzip"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.json", b"", "empty_file"),
        ("nothing.json.gz", gzip.compress(b"", mtime=0), "empty_file"),
        ("fake.json.gz", b'{"text": "not compressed at all"}\n', "corrupt_gzip"),
    ],
)
def test_bad_files_are_one_reject(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    (outcome,) = _read(path)
    assert isinstance(outcome, Reject) and outcome.reason == reason and outcome.offset == 0


def test_parse_line_forms():
    doc = c4.parse_line(_line(), "dir/c4-x.json.gz", 7)
    assert doc.timestamp == datetime(2019, 4, 25, 12, 57, 54, tzinfo=UTC) and doc.id == make_doc_id(
        "c4", "c4-x.json.gz", 7
    )
    bare = c4.parse_line(json.dumps({"text": PROSE}).encode() + b"\r", "f", 0)  # CRLF files; no url, no date
    assert isinstance(bare, Document) and bare.url is None and bare.timestamp is None
    assert c4.parse_line(b"[" * 100_000 + b"]" * 100_000, "f", 0)[0] == "bad_json"  # too deep for json
    assert c4.parse_line(_line(timestamp=20190425), "f", 0)[0] == "bad_timestamp"
    assert c4.parse_line(b"  \t", "f", 0) == Skip("skipped:blank_line")
    assert c4.parse_line(_line(None), "f", 0)[0] == "bad_text"
    assert c4.parse_line(b'{"text": "A lone \\ud800 surrogate."}', "f", 0)[0] == "bad_encoding"
    assert isinstance(c4.parse_line(b'{"text": "A pair \\ud83d\\ude00 is fine."}', "f", 0), Document)
    assert isinstance(c4.parse_line(b"\xef\xbb\xbf" + _line(), "f", 0), Document)  # a BOM, first line only
    assert c4.parse_line(b"\xef\xbb\xbf" + _line(), "f", 10)[0] == "bad_json"


# ---- the rules ----------------------------------------------------------------------------------------


def _clean(*lines: str, **config):
    return clean_page("\n".join(lines), C4FilterConfig(**config))


def test_each_line_rule_drops_the_line_with_its_own_counter():
    result = _clean(
        "  Home | About | Contact  ",
        "Far too few words.",
        "It ends without any terminal mark at all",
        "It trails off into an ellipsis like this...",
        "Please enable JavaScript to view the comments on this page.",
        "By using this site you agree to our Terms of Use and our rules.",
        "A word " + "w" * 1001 + " is far too long for any line.",
        "The moon rose over the quiet bay[1] and the boats came home.[citation needed]",
        PROSE,
    )
    assert result.decision == "kept"
    assert result.text == "The moon rose over the quiet bay and the boats came home.\n" + PROSE
    assert result.lines == Counter(
        {
            "line:no_end_mark": 3, "line:too_few_words": 1, "line:javascript": 1, "line:policy": 1,
            "line:too_long_word": 1, "line:citations_removed": 1, "line:passed": 2,
        }
    )  # fmt: skip
    assert result.sentences == 4


def test_page_rules_see_only_lines_that_passed_the_line_rules_before_them():
    assert _clean(PROSE, "Lorem ipsum dolor sit amet, consectetur adipiscing elit.").decision == (
        "dropped:lorem_ipsum"
    )
    assert _clean(PROSE, "The config block looks like this { a: 1 } in the file.").decision == (
        "dropped:curly_bracket"
    )
    assert _clean(PROSE, "function f() { return 1 }", "lorem ipsum").decision == "kept"  # no end mark / short
    assert _clean("Only one short sentence here, sadly.").decision == "dropped:too_few_sentences"
    assert _clean(PROSE, max_page_characters=50).decision == "dropped:too_long_page"
    assert _clean(PROSE, min_sentences=4).decision == "dropped:too_few_sentences"
    assert _clean("Four words only here.", "Four words only here.", "Yes four words here.",
                  min_words_per_line=4).decision == "kept"  # fmt: skip


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        ("One sentence here.", 1),
        ("Is it? Yes! It is.", 3),
        ("Mr. Smith met Dr. Jones at St. Mary's on Jan. 5 in Calif. last year.", 1),
        ("He moved to the U.S. The move was hard.", 2),
        ("See e.g. the manual, or ask J. R. Hartley.", 1),
        ("Prices rose 5. percent, they said. Then they fell.", 2),
        ("It cost $35. Everyone paid.", 2),
        ("The law, O.C.G.A. Section 12, applies. Call us.", 3),  # unknown dotted forms end one, as in punkt
        ('He said "stop." Then he left. "Why?" she asked.', 4),
        ("Chgo Zion can be found at 6551 W Montrose Ave . The list follows.", 2),
        ("Wait... What happened next? Nobody knew.", 3),
        ("Mondal, K.C.; Kostakis, G.E.; Powell, A.K.", 3),
        ("", 0),
    ],
)
def test_sentence_counter(line, sentences):
    assert count_sentences(line) == sentences


def test_bad_words_match_whole_words_and_phrases_in_the_lowercased_page():
    words = load_bad_words(str(BAD_WORDS))
    assert words == ["badword", "flapdoodle", "gobbledygook", "mumbo jumbo"]
    regex = bad_words_regex(words)
    assert has_bad_words("A BADWORD appears.", regex) and has_bad_words("Pure Mumbo Jumbo!", regex)
    assert has_bad_words("flapdoodle", regex)  # at the start and the end of the page
    assert not has_bad_words("badwords and gobbledygooks are other words.", regex)
    assert not has_bad_words("mumbo, jumbo.", regex) and not has_bad_words("anything", None)
    assert has_bad_words("I like c++ a lot.", bad_words_regex(["c++"]))  # words are escaped


def test_a_missing_or_empty_word_list_is_a_one_line_user_error(tmp_path):
    with pytest.raises(UserError, match=r"^c4_filter.bad_words: file not found: .*nope.txt$"):
        load_bad_words(str(tmp_path / "nope.txt"))
    (tmp_path / "empty.txt").write_text("\n  \n")
    with pytest.raises(UserError, match="holds no words"):
        load_bad_words(str(tmp_path / "empty.txt"))


# ---- line dedup ---------------------------------------------------------------------------------------


def _doc(id_: str, text: str, url: str | None) -> Document:
    return Document(id=id_, source="commoncrawl", text=text, url=url)


def test_the_page_with_the_smallest_md5_url_owns_a_line_and_others_lose_it():
    shared = "Subscribe to our weekly newsletter for more stories like this one."
    pages = [
        _doc(
            f"cc-{i}", f"Page {i} opens here today. It has a second sentence. And a third one.\n{shared}", url
        )
        for i, url in enumerate(["https://s0.example/", "https://s1.example/", None, "https://s3.example/"])
    ]
    owner = min(pages, key=lambda d: hashlib.md5((d.url or d.id).encode()).hexdigest())
    candidates = [rank for d in pages for h, rank in owner_candidates(d) if h == line_hash(shared)]
    assert choose_owner(candidates) == owner_rank(owner) and len(candidates) == 4
    kept, counts = c4_filter_in_memory(pages, RULES)
    assert [shared in d.text for d in kept] == [d.id == owner.id for d in kept]
    assert counts["line:duplicate"] == 3 and counts["kept"] == 4 and counts["line:kept"] == 5


def test_repeats_inside_a_page_go_and_pages_are_checked_again():
    page = _doc("a", f"{PROSE}\n{PROSE.upper()}\nA last line with enough words in it.", None)
    owned = [line_hash(line) for line in page.text.split("\n")]
    result = remove_duplicate_lines(page, owned, 3)
    assert result.decision == "kept" and result.repeated == 1 and result.document.text.count("\n") == 1
    assert remove_duplicate_lines(page, owned[2:], 3).decision == "dropped:dedup_too_few_sentences"
    assert remove_duplicate_lines(page, [], 3).decision == "dropped:dedup_empty"
    assert owner_rank(page)[0] == hashlib.md5(b"a").hexdigest()  # no url: the id stands in


def test_rules_pickle_without_their_compiled_regex():
    import pickle

    rules = C4Rules(RULES, ["badword"])
    assert rules.final(_doc("x", "A badword here.", None)) == "dropped:bad_words"
    again = pickle.loads(pickle.dumps(rules))
    assert again._regex is None and again.final(_doc("x", "A badword here.", None)) == "dropped:bad_words"


def test_the_shipped_pages_are_clean_c4_and_pass_every_rule():
    documents = [o for path in (GZ, PLAIN) for o in _read(path) if isinstance(o, Document)]
    assert len(documents) == 43  # 42 pages and the long glossary page, read with the default limit
    kept, counts = c4_filter_in_memory(documents, RULES, load_bad_words(str(BAD_WORDS)))
    assert len(kept) == 43 and {d.id: d.text for d in kept} == {d.id: d.text for d in documents}
    assert (
        set(counts) == {"kept", "line:passed", "line:kept"} and counts["line:passed"] == counts["line:kept"]
    )


def test_sample_files_are_what_the_generator_writes(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_c4_samples", SAMPLES / "_make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", Path(tmp_path))
    module.main()
    for name in (GZ.name, PLAIN.name):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes()
