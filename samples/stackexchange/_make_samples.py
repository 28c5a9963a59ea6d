"""Write the StackExchange samples: three small fictional sites in the archive.org dump formats.

    python samples/stackexchange/_make_samples.py

Every post here was written for this project (no StackExchange text is copied). The sites, by Posts.xml rows:
* lighthouses.stackexchange.com_2024/Posts.xml (16 rows): an extracted dump folder named with its date, in
  the 2024 format (`|tag|` tags, ContentLicense), CRLF line ends and a BOM as the real dumps have; a Users.xml
  beside it (not a Posts table: skipped).
* pottery.stackexchange.com.7z (14 rows): the archive.org per-site archive, Users.xml and Tags.xml before
  Posts.xml in one solid LZMA2 stream, in the older format (`<tag>` tags), LF line ends.
* compilers.stackexchange.com-Posts.7z (9 rows): stackoverflow's one-table-per-archive naming; code-heavy
  posts (<pre><code> with entities, inline code, a code block that itself holds ```).
Each site has questions whose answer scores sort differently as strings and as integers (9, 10, -1, 2), an
equal-score pair, an unanswered question; among them a tag wiki and a wiki placeholder row (other post
types), a deleted answer, an orphan answer, an image-only answer, a row cut short (unterminated attribute) and
a row with an entity reference (both malformed rows). The expected figures are in
tests/test_stackexchange*.py.
"""

from __future__ import annotations

from pathlib import Path

import py7zr

OUT = Path(__file__).resolve().parent
BOM = "\ufeff"


def attr(value: str) -> str:
    """An XML attribute value as the dumps write it (newlines as &#xA;)."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#xD;")
        .replace("\n", "&#xA;")
    )


def row(**fields: str) -> str:
    return "  <row " + " ".join(f'{key}="{attr(value)}"' for key, value in fields.items()) + " />"


def question(pid, score, created, title, body, tags, answers, accepted="", license_="", owner="7") -> str:
    fields = {"Id": str(pid), "PostTypeId": "1"}
    if accepted:
        fields["AcceptedAnswerId"] = accepted
    fields.update(CreationDate=created, Score=str(score), ViewCount="120", Body=body, OwnerUserId=owner)
    fields.update(
        LastActivityDate=created, Title=title, Tags=tags, AnswerCount=str(answers), CommentCount="0"
    )
    if license_:
        fields["ContentLicense"] = license_
    return row(**fields)


def answer(pid, parent, score, created, body, license_="", owner="8", **extra) -> str:
    fields = {"Id": str(pid), "PostTypeId": "2", "ParentId": str(parent), "CreationDate": created}
    fields.update(Score=str(score), Body=body, OwnerUserId=owner, LastActivityDate=created, CommentCount="0")
    fields.update(extra)
    if license_:
        fields["ContentLicense"] = license_
    return row(**fields)


def document(rows: list[str], newline: str, bom: bool) -> bytes:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>", *rows, "</posts>"]
    return ((BOM if bom else "") + newline.join(lines) + newline).encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# lighthouses.stackexchange.com (2024 format)

CC = "CC BY-SA 4.0"
LIGHTHOUSES = [
    question(
        1,
        14,
        "2024-02-03T09:12:44.120",
        "Why do lighthouses flash in different patterns?",
        "<p>Driving along the coast at night I noticed that one lighthouse flashes twice every ten "
        "seconds while the next one along shows a long steady beam. Why don&#39;t they all use the same "
        "pattern?</p>\n",
        "|navigation|light-characteristics|",
        4,
        accepted="3",
        license_=CC,
    ),
    answer(
        2,
        1,
        9,
        "2024-02-03T10:01:02.500",
        "<p>Each light has a <em>characteristic</em> so that a navigator can tell which light they are "
        "looking at. The pattern is printed on the chart next to the light, for example:</p>\n<ul>\n"
        "<li><strong>Fl(2) 10s</strong>: two flashes every ten seconds</li>\n"
        "<li><strong>Oc 6s</strong>: occulting, mostly on with one short eclipse</li>\n"
        "<li><strong>Iso 4s</strong>: equal light and dark</li>\n</ul>\n"
        "<p>Neighbouring lights never share a characteristic.</p>\n",
        license_=CC,
    ),
    answer(
        3,
        1,
        10,
        "2024-02-03T11:30:00.000",
        '<p>It is a code, and the code is published. The <a href="https://example.org/list-of-lights">'
        "List of Lights</a> gives for each station:</p>\n<ol>\n<li>its position,</li>\n<li>its height "
        "&amp; range,</li>\n<li>its characteristic.</li>\n</ol>\n<p>A skipper who sees two flashes, counts "
        "ten seconds and sees two more can look it up and know where they are &mdash; no radio needed.</p>\n",
        license_=CC,
    ),
    answer(
        4,
        1,
        -1,
        "2024-02-04T08:00:00.000",
        "<p>I think they just use whatever lamp the builder had.</p>\n",
        license_=CC,
    ),
    answer(
        5,
        1,
        2,
        "2024-02-05T14:45:10.000",
        "<blockquote>\n<p>Why don't they all use the same pattern?</p>\n</blockquote>\n<p>Because then "
        "they would be useless at night.<br>\nA light you cannot identify is only a hazard marker.</p>\n",
        license_=CC,
    ),
    question(
        6,
        5,
        "2024-03-10T18:20:00.000",
        "How were lighthouse lenses kept turning before electricity?",
        "<p>The big Fresnel lenses weigh several tonnes. What turned them?</p>\n",
        "|history|fresnel-lens|",
        2,
        license_=CC,
    ),
    answer(
        7,
        6,
        5,
        "2024-03-10T19:00:00.000",
        "<p>A clockwork drive, wound by the keeper:</p>\n<ul>\n<li>a weight hung in the tower&#39;s central "
        "column\n<ul>\n<li>it fell a few metres an hour</li>\n<li>the keeper wound it back up with a crank"
        "</li>\n</ul>\n</li>\n<li>the lens floated in a bath of mercury, so little force was needed</li>\n"
        "</ul>\n",
        license_=CC,
    ),
    answer(
        8,
        6,
        5,
        "2024-03-11T07:15:00.000",
        "<p>See the table of typical rotation periods:</p>\n<table>\n<tr><th>Order</th><th>Period</th></tr>"
        "\n<tr><td>First</td><td>30&nbsp;s</td></tr>\n<tr><td>Fourth</td><td>10&nbsp;s</td></tr>\n</table>\n",
        license_=CC,
    ),
    question(
        9,
        2,
        "2024-04-01T12:00:00.000",
        "Are any lighthouses still staffed?",
        "<p>Is there anywhere that still has a resident keeper?</p>\n",
        "|keepers|",
        0,
        license_=CC,
    ),
    question(
        10,
        1,
        "2024-04-02T12:00:00.000",
        "What does this daymark mean?",
        "<p>Black and white bands, photo below.</p>\n",
        "|daymarks|",
        1,
        license_=CC,
    ),
    answer(
        11,
        10,
        1,
        "2024-04-02T13:00:00.000",
        '<p><a href="https://example.org/daymark.png"><img src="https://example.org/daymark.png" '
        'alt="enter image description here"></a></p>\n',
        license_=CC,
    ),
    # a wiki placeholder (PostTypeId 7): another post type
    row(
        Id="12",
        PostTypeId="7",
        CreationDate="2024-01-01T00:00:00.000",
        Score="0",
        Body="",
        LastActivityDate="2024-01-01T00:00:00.000",
        ContentLicense=CC,
    ),
    # an entity reference inside the attribute: a malformed row, and nothing is expanded
    '  <row Id="13" PostTypeId="2" ParentId="1" CreationDate="2024-02-06T00:00:00.000" Score="1" '
    'Body="&lt;p&gt;See &lighthouse; for details&lt;/p&gt;" ContentLicense="CC BY-SA 4.0" />',
    question(
        14,
        3,
        "2024-05-05T05:05:05.000",
        "Tom & Jerry's light: which island is it on?",
        "<p>My grandfather called it &quot;Tom &amp; Jerry&#39;s light&quot;.&nbsp;It stood on a small "
        "island.</p>\n",
        "|identification|",
        1,
        license_=CC,
    ),
    answer(
        15,
        14,
        3,
        "2024-05-05T06:00:00.000",
        "<p>That nickname was used for the twin lights on <b>Gull Rock</b>; the second tower was "
        "demolished in 1931.</p>\n<hr>\n<p>Source: the local harbour museum.</p>\n",
        license_=CC,
    ),
    # an answer whose question is not in the dump: an orphan
    answer(
        16, 900, 4, "2024-06-01T00:00:00.000", "<p>An answer to a question that is gone.</p>\n", license_=CC
    ),
]

LIGHTHOUSE_USERS = (
    '<?xml version="1.0" encoding="utf-8"?>\r\n<users>\r\n'
    '  <row Id="7" Reputation="101" CreationDate="2024-01-01T00:00:00.000" DisplayName="keeper" />\r\n'
    "</users>\r\n"
)

# ---------------------------------------------------------------------------------------------------------
# pottery.stackexchange.com (older format)

POTTERY = [
    question(
        101,
        12,
        "2016-05-02T08:00:00.000",
        "Why do my mugs crack in the kiln?",
        "<p>Three of my last five mugs came out of the bisque firing with hairline cracks where the "
        "handle joins the body. I use a mid-fire stoneware and fire to cone 04.</p>\n"
        "<p>What am I doing wrong?</p>\n",
        "<kiln><cracking>",
        4,
        accepted="103",
    ),
    answer(
        102,
        101,
        9,
        "2016-05-02T09:00:00.000",
        "<p>The handle dries faster than the mug. Wrap the handle in plastic for a day so the two dry "
        "together.</p>\n",
    ),
    answer(
        103,
        101,
        10,
        "2016-05-02T10:00:00.000",
        "<p>Two things cause most handle cracks:</p>\n<ol>\n<li>attaching the handle when the body is "
        "already too dry;</li>\n<li>drying unevenly.</li>\n</ol>\n<p>Score and slip <em>both</em> "
        "surfaces, join them at leather-hard, and dry slowly under plastic.</p>\n",
    ),
    answer(
        104,
        101,
        -1,
        "2016-05-03T08:00:00.000",
        "<p>Buy better clay.</p>\n",
    ),
    answer(
        105,
        101,
        2,
        "2016-05-04T08:00:00.000",
        "<p>Also check your firing schedule: go slowly through 100&deg;C &lt; T &lt; 600&deg;C.</p>\n",
    ),
    question(
        106,
        6,
        "2016-06-11T15:30:00.000",
        "What is the difference between bisque and glaze firing?",
        "<p>Books talk about <i>two</i> firings. Why not one?</p>\n",
        "<firing><glaze>",
        2,
    ),
    answer(
        107,
        106,
        5,
        "2016-06-11T16:00:00.000",
        "<p>The bisque firing turns greenware into something you can handle and glaze without it "
        "dissolving; the glaze firing melts the glaze.</p>\n",
    ),
    answer(
        108,
        106,
        5,
        "2016-06-11T17:00:00.000",
        "<p>Single firing is possible (raw glazing) but risky:</p>\n<ul>\n<li>the pot can crack when the "
        "wet glaze goes on</li>\n<li>gases from the clay must escape through the glaze</li>\n</ul>\n",
    ),
    question(
        109,
        1,
        "2016-07-01T12:00:00.000",
        "Can air-dry clay go in a kiln?",
        "<p>I have a bag of air-dry clay. Can I fire it?</p>\n",
        "<air-dry-clay>",
        0,
    ),
    # a tag wiki excerpt and a tag wiki (PostTypeIds 4 and 5): other post types
    row(
        Id="110",
        PostTypeId="4",
        CreationDate="2016-05-01T00:00:00.000",
        Score="0",
        Body="<p>For questions about kilns.</p>\n",
        LastActivityDate="2016-05-01T00:00:00.000",
        CommentCount="0",
    ),
    row(
        Id="111",
        PostTypeId="5",
        CreationDate="2016-05-01T00:00:00.000",
        Score="0",
        Body="<p>A kiln is an oven for firing clay.</p>\n",
        LastActivityDate="2016-05-01T00:00:00.000",
        CommentCount="0",
    ),
    # a deleted answer
    answer(
        112, 106, 0, "2016-06-12T00:00:00.000", "<p>Deleted.</p>\n", DeletionDate="2016-06-13T00:00:00.000"
    ),
    # a row cut short: the Body's quote never closes
    '  <row Id="113" PostTypeId="2" ParentId="109" CreationDate="2016-07-02T00:00:00.000" Score="3" '
    'Body="&lt;p&gt;No: it is not made to survive the heat',
    # an answer without a ParentId: malformed
    '  <row Id="114" PostTypeId="2" CreationDate="2016-07-03T00:00:00.000" Score="1" '
    'Body="&lt;p&gt;Which question?&lt;/p&gt;" />',
]

POTTERY_USERS = (
    '<?xml version="1.0" encoding="utf-8"?>\n<users>\n'
    '  <row Id="7" Reputation="55" CreationDate="2016-05-01T00:00:00.000" DisplayName="potter" />\n</users>\n'
)
POTTERY_TAGS = (
    '<?xml version="1.0" encoding="utf-8"?>\n<tags>\n'
    '  <row Id="1" TagName="kiln" Count="1" ExcerptPostId="110" WikiPostId="111" />\n</tags>\n'
)

# ---------------------------------------------------------------------------------------------------------
# compilers.stackexchange.com (stackoverflow's naming: one table per archive)

COMPILERS = [
    question(
        201,
        7,
        "2019-09-09T09:09:09.000",
        "Why does my lexer loop forever on an empty match?",
        "<p>My tokenizer uses <code>re.match</code> in a loop:</p>\n<pre><code>pos = 0\n"
        "while pos &lt; len(src):\n    m = TOKEN.match(src, pos)\n    pos = m.end()\n</code></pre>\n"
        "<p>With the pattern <code>\\s*</code> it never ends. Why?</p>\n",
        "<python><lexer><regex>",
        3,
        accepted="203",
    ),
    answer(
        202,
        201,
        9,
        "2019-09-09T10:00:00.000",
        "<p><code>\\s*</code> matches the empty string, so <code>m.end() == pos</code> and "
        "<code>pos</code> never moves. Require progress:</p>\n<pre><code>if m.end() == pos:\n"
        "    raise SyntaxError(f&quot;unexpected {src[pos]!r} at {pos}&quot;)\n</code></pre>\n",
    ),
    answer(
        203,
        201,
        10,
        "2019-09-09T11:00:00.000",
        "<p>Never let a token pattern match nothing. Use <code>\\s+</code> for whitespace and make sure "
        "every alternative consumes at least one character:</p>\n<pre><code>TOKEN = re.compile(r&quot;\\s+"
        "|\\d+|[A-Za-z_]\\w*|&amp;&amp;|\\|\\||[-+*/&lt;&gt;=()]&quot;)\n</code></pre>\n",
    ),
    answer(
        204,
        201,
        -1,
        "2019-09-10T00:00:00.000",
        "<p>Use a parser generator instead.</p>\n",
    ),
    question(
        205,
        3,
        "2019-10-01T10:00:00.000",
        "How do I show a Markdown code fence in generated docs?",
        "<p>My doc generator writes this into the output:</p>\n<pre>```\ncode\n```\n</pre>\n"
        "<p>How do I escape it?</p>\n",
        "<documentation>",
        1,
    ),
    answer(
        206,
        205,
        2,
        "2019-10-01T11:00:00.000",
        "<p>Use a longer fence around it, e.g. four backticks: <code>````</code>.</p>\n",
    ),
    question(
        207,
        0,
        "2019-11-11T11:11:11.000",
        "Is a recursive descent parser always LL(1)?",
        "<p>Or can it backtrack?</p>\n",
        "<parsing>",
        0,
    ),
    answer(
        208,
        207,
        1,
        "2019-11-11T12:00:00.000",
        "<p>No: with backtracking it accepts more than LL(1).</p>\n",
    ),
    answer(
        209,
        207,
        4,
        "2019-11-11T13:00:00.000",
        "<p>A recursive descent parser <em>without</em> backtracking that decides on one token of lookahead "
        "is LL(1); one that tries alternatives in turn is not limited to LL(1) grammars.</p>\n",
    ),
]


def write_archive(path: Path, members: list[tuple[str, bytes]]) -> None:
    with py7zr.SevenZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(data, name)


def main() -> None:
    folder = OUT / "lighthouses.stackexchange.com_2024"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Posts.xml").write_bytes(document(LIGHTHOUSES, "\r\n", bom=True))
    (folder / "Users.xml").write_bytes((BOM + LIGHTHOUSE_USERS).encode("utf-8"))
    write_archive(
        OUT / "pottery.stackexchange.com.7z",
        [
            ("Users.xml", POTTERY_USERS.encode()),
            ("Tags.xml", POTTERY_TAGS.encode()),
            ("Posts.xml", document(POTTERY, "\n", bom=False)),
        ],
    )
    write_archive(
        OUT / "compilers.stackexchange.com-Posts.7z", [("Posts.xml", document(COMPILERS, "\n", True))]
    )


if __name__ == "__main__":
    main()
