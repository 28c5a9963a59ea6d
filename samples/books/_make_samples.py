"""Write the Books samples: five short original stories in the layouts the Books reader reads.

    .venv/bin/python samples/books/_make_samples.py

Every story, and every line of the Gutenberg-style headers, small print and licence footers, was written for
this project: no book text and no Project Gutenberg boilerplate is copied (the marker lines keep their exact
form, which is what the reader keys on). The books: A "The Lamplighter's Ledger" (Honora Vell, 5 chapters),
B "The Salt Road to Merrow" (Caspian Teague, 6 chapters), C "A Winter at Hollin Fell" (Edith Marrable, 5
chapters), D "The Night Bakery" (Lena Osterholt, 3 numbered parts), E "On the Keeping of Bees in a Small
Garden" (a short essay). Outputs are byte-deterministic (gzip with mtime 0 and no file name).

gutenberg/
* `pg90001.txt`: book A in the modern (2020s) layout: UTF-8 with a BOM, CRLF line ends, typographer's quotes
  and em dashes, wrapped at 72 columns. Header `The Project Gutenberg eBook of The Lamplighter's Ledger, by
  Honora Vell`, a notice paragraph, `Title:`, `Author:`, `Release date: March 3, 2024 [eBook #90001]`,
  `Language: English`, `Credits: Produced by ...`; then `*** START OF THE PROJECT GUTENBERG EBOOK THE
  LAMPLIGHTER'S LEDGER ***` (curly apostrophe), the body, `*** END OF THE PROJECT GUTENBERG EBOOK ... ***`,
  `Updated editions will replace the previous one...`, and a licence footer (`*** START: FULL LICENSE ***`,
  `THE FULL PROJECT GUTENBERG LICENSE`, `Section 1. General Terms of Use ...`, sections 2 and 3).
  Markers start+end; encoding utf-8 (BOM); gutenberg_id 90001 from the header.
* `90001-8.txt`: the same body as pg90001 in the 2000s layout: ISO-8859-1 (the body's `café` and `naïve` hold
  bytes E9 and EF, so the file is not UTF-8; no byte in 0x80-0x9F, so it stays latin-1
  rather than cp1252), LF line ends, straight quotes and `--`, wrapped at 66 columns. Header `The Project
  Gutenberg EBook of ...`, `Release Date: ... [EBook #90001]`, `Character set encoding: ISO-8859-1`, then
  `*** START OF THIS PROJECT GUTENBERG EBOOK ... ***`, a `Produced by` credit paragraph (stripped as a
  credit), the body, `End of the Project Gutenberg EBook of ...` (the first END-type marker), `*** END OF
  THIS PROJECT GUTENBERG EBOOK ... ***`, `This file should be named 90001-8.txt`, a short footer. It differs
  from pg90001 only in boilerplate, encoding, punctuation and wrapping: book dedup must find the pair.
* `pg90002.txt.gz` (gzip): book B as a 1990s etext: ASCII, CRLF, `**The Project Gutenberg Etext of ...**`
  header lines, a small print that opens with `**START**THE SMALL PRINT!...` (not a START marker) and ends
  with `*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*` (the START-type marker), the body
  at 70 columns, `End of Project Gutenberg's The Salt Road to Merrow, by Caspian Teague`, and a DOS
  end-of-file byte (^Z) after the last line. gutenberg_id 90002 from `[Etext #90002]`.
* `book-c-nomarkers.txt`: book C with no Gutenberg markers or header at all (UTF-8 without a BOM, LF,
  typographer's quotes): kept whole, counted kept:no_markers (markers `none`).

`books3-00.jsonl` (JSON lines, ASCII with \\u escapes as the Pile writes them):
  1. book B as Books3 has it, `{"text", "meta": {"pile_set_name": "Books3"}}`: one paragraph per line, a
     copyright/dedication front-matter paragraph first, chapter IV ("The Ferryman") missing.
  2. book D (Books3).
  3. a line cut short (not JSON): rejected.
  4. `{"text": ""}` (Books3): rejected empty_text.
  5. book E in HF pg19's layout, `{"short_book_title", "publication_date": 1911, "url":
     "http://www.gutenberg.org/ebooks/90005", "text"}`: corpus pg19, gutenberg_id 90005 from the url.

Dedup figures (printed by this script): exact Jaccard of 5-word shingle sets (filters.minhash.shingles:
lowercased, punctuation and symbols to spaces):
    A: pg90001 body vs 90001-8 body                      1.0000  (the reader's stripped bodies: 1.0000)
    A: pg90001 vs 90001-8, whole files with boilerplate  0.8742  (what stripping the boilerplate is worth)
    B: pg90002 body vs books3 line 1                     0.8463  (the reader's stripped texts: 0.8463)
The A pair is a duplicate at any threshold once the boilerplate is stripped; the B pair sits just below
LLaMA's 90% overlap and above the minhash stage's default 0.8 threshold, so which way it goes depends on
the threshold a test sets.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import textwrap
from pathlib import Path

OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(OUT.parent.parent))  # the repository root, for filters.minhash

A_TITLE, A_AUTHOR = "The Lamplighter's Ledger", "Honora Vell"
B_TITLE, B_AUTHOR = "The Salt Road to Merrow", "Caspian Teague"
C_TITLE, C_AUTHOR = "A Winter at Hollin Fell", "Edith Marrable"
D_TITLE, D_AUTHOR = "The Night Bakery", "Lena Osterholt"
E_TITLE = "On the Keeping of Bees in a Small Garden"


# --- text shaping -----------------------------------------------------------------------------------------


def chapters(source: str) -> list[tuple[str, str, list[str]]]:
    """(numeral, title, paragraphs) from the `# N | Title` source form; a paragraph's lines are joined."""
    out: list[tuple[str, str, list[str]]] = []
    for block in re.split(r"^# ", source.strip("\n"), flags=re.M):
        if not block.strip():
            continue
        head, _, rest = block.partition("\n")
        numeral, _, title = (part.strip() for part in head.partition("|"))
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", rest) if p.strip()]
        out.append((numeral, title, paragraphs))
    return out


def paragraphs(source: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", source.strip("\n")) if p.strip()]


def smarten(text: str) -> str:
    """Typographer's quotes and em dashes, as a modern UTF-8 edition has them."""
    text = text.replace("--", "\u2014")
    text = re.sub(r'(^|[\s(\u2014])"', "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"(^|[\s(\u2014\u201c])'", "\\1\u2018", text)
    return text.replace("'", "\u2019")


def smart(chs) -> list[tuple[str, str, list[str]]]:
    return [(n, smarten(t), [smarten(p) for p in ps]) for n, t, ps in chs]


def wrap(paragraph: str, width: int) -> list[str]:
    return textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False)


def render(title: str, author: str, chs, width: int | None, heading=("CHAPTER {n}.", "{TITLE}")) -> list[str]:
    """A book's lines: title block, then each chapter's heading and its paragraphs, wrapped at `width`
    (None: one line per paragraph, as a Books3 text has them)."""
    lines = [title, "", f"By {author}", "", ""]
    for numeral, chapter_title, paras in chs:
        head = heading[1].format(title=chapter_title, TITLE=chapter_title.upper())
        lines += ["", heading[0].format(n=numeral), "", head, ""]
        for para in paras:
            lines += (wrap(para, width) if width else [para]) + [""]
    return lines


def body_text(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n") + "\n"


# --- Gutenberg boilerplate, written for these samples -----------------------------------------------------

MODERN_NOTICE = (
    "This eBook is for the use of anyone anywhere. It costs nothing, and there are very few limits on "
    "what you may do with it: copy it, pass it on, or use it again as the Project Gutenberg License "
    "allows. The License comes at the end of this file and can also be read at www.gutenberg.org. "
    "Readers outside the United States should make sure that the laws where they live allow them to use "
    "it."
)

MODERN_LICENCE = [
    "*** START: FULL LICENSE ***",
    "",
    "THE FULL PROJECT GUTENBERG LICENSE",
    "PLEASE READ THIS BEFORE YOU SHARE OR USE THIS WORK",
    "",
    "The Project Gutenberg\u2122 mission is to make electronic works free to everyone. To help with that, "
    "this work is shared under the terms below. By using or sharing it, or any other work linked with "
    "the phrase \u201cProject Gutenberg\u201d, you agree to these terms.",
    "",
    "Section 1. General Terms of Use and Redistributing Project Gutenberg\u2122 electronic works",
    "",
    "1.A. If you do not agree to these terms, stop using the work and delete or destroy every copy you "
    "hold. If you paid a fee for your copy, you may ask for it back from the person or group you paid.",
    "",
    "1.B. \u201cProject Gutenberg\u201d is a registered trademark. It may only be used on or with an "
    "electronic work by people who agree to be bound by the terms of this agreement. There are a few "
    "things you can do with most Project Gutenberg\u2122 works even without following every term below.",
    "",
    "1.C. Most works in the collection are in the public domain in the United States. Nothing here "
    "claims a right to stop you copying, sharing, performing, displaying or building on such a work "
    "there, as long as every reference to Project Gutenberg is removed.",
    "",
    "Section 2. Information about the Mission of Project Gutenberg\u2122",
    "",
    "Project Gutenberg\u2122 stands for free access to electronic works in formats that the widest range "
    "of computers can read, old, middle-aged and new. It exists because of the effort of hundreds of "
    "volunteers and the gifts of people in all walks of life.",
    "",
    "Section 3. Information about the Project Gutenberg Literary Archive Foundation",
    "",
    "The Foundation is a non-profit educational corporation. Gifts to it are tax deductible to the extent "
    "that the law allows. Its website is www.gutenberg.org.",
]

OLD_NOTICE = MODERN_NOTICE

SMALL_PRINT = [
    "**START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***",
    'What is this "Small Print!" doing here? It is here so that you know what you may and may not do with this '
    "etext, and so that nobody can say they were not told. It is short, and we have tried to keep it "
    "plain.",
    "",
    "*FIRST!* BEFORE YOU READ OR SHARE THIS ETEXT",
    "By using or reading any part of this PROJECT GUTENBERG-tm etext, you agree to this small print. If "
    "you do not agree, you may ask whoever gave you your copy for your money back, if you paid any, and "
    "you should then delete the copy.",
    "",
    "ABOUT PROJECT GUTENBERG-TM ETEXTS",
    "This etext was made from a public domain work. Volunteers typed or scanned it and read it over many "
    "times, but it may still hold mistakes, a damaged disk, or a virus that our scanners missed. We can "
    "promise nothing about it except that we meant well.",
    "",
    "LIMITED WARRANTY; DISCLAIMER OF DAMAGES",
    "If you find a fault in this etext within ninety days of receiving it, tell us and we may send a "
    'replacement. Beyond that, the etext is given to you "AS-IS", and we cannot be held responsible '
    "for anything that happens because you used it.",
    "",
    'DISTRIBUTION UNDER "PROJECT GUTENBERG-tm"',
    "You may share copies of this etext in any form, electronically or on paper, for free, as long as "
    "this small print comes with it and the text itself is not changed except for its line breaks.",
    "",
    "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*",
]


def wrap_all(lines: list[str], width: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += wrap(line, width) if len(line) > width and not line.startswith("*") else [line]
    return out


def book_a_utf8(body: list[str]) -> bytes:
    """pg90001.txt: the modern layout (2020s): BOM, UTF-8, CRLF, `*** START OF THE PROJECT GUTENBERG EBOOK`."""
    title = smarten(A_TITLE)
    marker = title.upper()
    lines = [f"The Project Gutenberg eBook of {title}, by {A_AUTHOR}", "", *wrap(MODERN_NOTICE, 72), ""]
    lines += [
        "",
        f"Title: {title}",
        "",
        f"Author: {A_AUTHOR}",
        "",
        "Release date: March 3, 2024 [eBook #90001]",
        "                Most recently updated: March 3, 2024",
        "",
        "Language: English",
        "",
        "Credits: Produced by Imogen Sallow and the llama-data sample makers",
        "",
        "",
        f"*** START OF THE PROJECT GUTENBERG EBOOK {marker} ***",
        "",
        "",
        *body,
        "",
        "",
        f"*** END OF THE PROJECT GUTENBERG EBOOK {marker} ***",
        "",
        "",
        *wrap(
            "Updated editions will replace the previous one\u2014the old editions will be given new names.",
            72,
        ),
        "",
        *wrap_all(MODERN_LICENCE, 72),
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def book_a_latin1(body: list[str]) -> bytes:
    """90001-8.txt: the 2000s layout: ISO-8859-1, LF, `*** START OF THIS PROJECT GUTENBERG EBOOK`, credits after
    the marker, `End of the Project Gutenberg EBook of` before the END marker, a short footer."""
    marker = A_TITLE.upper()
    lines = [f"The Project Gutenberg EBook of {A_TITLE}, by {A_AUTHOR}", "", *wrap(OLD_NOTICE, 70), "", ""]
    lines += [
        f"Title: {A_TITLE}",
        "",
        f"Author: {A_AUTHOR}",
        "",
        "Release Date: August 12, 2004 [EBook #90001]",
        "",
        "Language: English",
        "",
        "Character set encoding: ISO-8859-1",
        "",
        f"*** START OF THIS PROJECT GUTENBERG EBOOK {marker} ***",
        "",
        "",
        "",
        "",
        "Produced by Imogen Sallow",
        "",
        "",
        "",
        "",
        *body,
        "",
        "",
        "",
        "",
        "",
        f"End of the Project Gutenberg EBook of {A_TITLE}, by {A_AUTHOR}",
        "",
        f"*** END OF THIS PROJECT GUTENBERG EBOOK {marker} ***",
        "",
        "***** This file should be named 90001-8.txt or 90001-8.zip *****",
        "This and all associated files of various formats will be found in:",
        "        http://www.gutenberg.org/9/0/0/0/90001/",
        "",
        "Produced by Imogen Sallow",
        "",
        *wrap(
            "Updated editions will replace the previous one--the old editions will be given new names. "
            "The Project Gutenberg License at www.gutenberg.org/license says what you may do with this "
            "file; in short, almost anything, as long as you do not charge for the name.",
            70,
        ),
    ]
    return ("\n".join(lines) + "\n").encode("latin-1")


def book_b_old(body: list[str]) -> bytes:
    """pg90002.txt (gzipped): a 1990s etext: ASCII, CRLF, the small print ending `*END*THE SMALL PRINT!`,
    `End of Project Gutenberg's` at the end, a DOS end-of-file byte (^Z) after it."""
    lines = [
        f"**The Project Gutenberg Etext of {B_TITLE}, by {B_AUTHOR}**",
        "",
        *wrap(
            "Copyright laws differ from one country to another. Please check the laws of yours before "
            "you copy or share this or any other Project Gutenberg file.",
            70,
        ),
        "",
        "Please leave this header in place when you share the file.",
        "",
        "**Free Plain-Text Books, Readable by People and by Machines Alike**",
        "",
        "*These Etexts Were Typed and Checked by Volunteers*",
        "",
        "",
        B_TITLE,
        "",
        f"by {B_AUTHOR}",
        "",
        "March, 1994  [Etext #90002]",
        "",
        "",
        f"**The Project Gutenberg Etext of {B_TITLE}, by {B_AUTHOR}**",
        "*****This file should be named saltr10.txt or saltr10.zip******",
        "",
        *wrap_all(SMALL_PRINT, 70),
        "",
        "",
        "",
        *body,
        "",
        "",
        f"End of Project Gutenberg's {B_TITLE}, by {B_AUTHOR}",
        "",
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("ascii") + b"\x1a"
    return gzip.compress(data, compresslevel=9, mtime=0)


# --- the outputs ------------------------------------------------------------------------------------------

BOOKS3_FRONT = (
    "Copyright \u00a9 2019 by Caspian Teague. All rights reserved. No part of this book may be reproduced "
    "without the written permission of the publisher, except for brief quotations in reviews. This is a "
    "work of fiction: the marsh road, the town of Merrow and everyone who travels between them are "
    "invented, and any likeness to real places or people is a coincidence. First published by Saltcote "
    "Press. Cover design by the author. For my sister, who asked for a story about a horse."
)


def jaccard_of(a: str, b: str) -> float:
    from filters.minhash import jaccard, shingles

    return jaccard(shingles(a), shingles(b))


def main() -> None:
    (OUT / "gutenberg").mkdir(exist_ok=True)
    a_ch, b_ch, c_ch = chapters(BOOK_A), chapters(BOOK_B_CHAPTERS), chapters(BOOK_C)

    # Book A, twice: the same body, UTF-8 with typographer's punctuation at 72 columns, Latin-1 with plain
    # punctuation at 66.
    a_modern = render(smarten(A_TITLE).upper(), A_AUTHOR, smart(a_ch), 72)
    a_old = render(A_TITLE.upper(), A_AUTHOR, a_ch, 66)
    pg90001 = book_a_utf8(a_modern)
    latin = book_a_latin1(a_old)
    (OUT / "gutenberg" / "pg90001.txt").write_bytes(pg90001)
    (OUT / "gutenberg" / "90001-8.txt").write_bytes(latin)

    # Book B: the 1990s etext (gzipped), and its Books3 copy with front matter and without chapter IV.
    b_old = render(B_TITLE.upper(), B_AUTHOR, b_ch, 70)
    (OUT / "gutenberg" / "pg90002.txt.gz").write_bytes(book_b_old(b_old))
    b3_lines = render(
        B_TITLE, B_AUTHOR, smart(c for c in b_ch if c[0] != "IV"), None, ("Chapter {n}", "{title}")
    )
    b3_text = re.sub(r"\n{3,}", "\n\n", "\n".join([BOOKS3_FRONT, ""] + b3_lines).strip("\n"))

    # Book C: no Gutenberg markers at all (UTF-8, LF, typographer's quotes).
    c_lines = render(C_TITLE.upper(), C_AUTHOR, smart(c_ch), 72)
    (OUT / "gutenberg" / "book-c-nomarkers.txt").write_bytes(body_text(c_lines).encode("utf-8"))

    # books3-00.jsonl: B's Books3 copy, D, a line that is not JSON, an empty text, E in pg19's layout.
    d_lines = render(D_TITLE, D_AUTHOR, smart(chapters(BOOK_D)), None, ("{n}", "{title}"))
    d_text = re.sub(r"\n{3,}", "\n\n", "\n".join(d_lines).strip("\n"))
    e_text = "\n\n".join("\n".join(wrap(p, 70)) for p in paragraphs(TEXT_E)) + "\n"
    records = [
        json.dumps({"text": b3_text, "meta": {"pile_set_name": "Books3"}}),
        json.dumps({"text": d_text, "meta": {"pile_set_name": "Books3"}}),
        '{"text": "The Orchard Keeper\'s Daughter\\n\\nChapter One\\n\\nThe frost came early that year, and',
        json.dumps({"text": "", "meta": {"pile_set_name": "Books3"}}),
        json.dumps(
            {
                "short_book_title": E_TITLE,
                "publication_date": 1911,
                "url": "http://www.gutenberg.org/ebooks/90005",
                "text": e_text,
            }
        ),
    ]
    (OUT / "books3-00.jsonl").write_bytes(("\n".join(records) + "\n").encode("ascii"))

    # The dedup figures: 5-word shingles after minhash.normalize (lowercase, punctuation to spaces).
    a_body_modern, a_body_old = body_text(a_modern), body_text(a_old)
    b_body = body_text(b_old)
    whole_a = pg90001.decode("utf-8-sig"), latin.decode("latin-1")
    print(
        f"A (pg90001 body) vs A (90001-8 body):           Jaccard {jaccard_of(a_body_modern, a_body_old):.4f}"
    )
    print(f"A vs A, whole files with their boilerplate:     Jaccard {jaccard_of(*whole_a):.4f}")
    print(f"B (pg90002 body) vs B (books3, front + no IV):  Jaccard {jaccard_of(b_body, b3_text):.4f}")
    words = {"A": a_body_old, "B": b_body, "C": body_text(c_lines), "D": d_text, "E": e_text}
    print("words:", ", ".join(f"{k} {len(v.split()):,}" for k, v in words.items()))
    for path in sorted(p for p in OUT.rglob("*") if p.is_file() and not p.name.startswith("_")):
        print(f"{path.stat().st_size:>8,}  {path.relative_to(OUT)}")


# --- the stories ---------------------------------------------------------------------------------------

BOOK_A = """
# I | The Ledger

The town of Wrenmouth kept its street lamps burning on oil for forty years after every other harbour on
the coast had gone over to gas, and it was generally agreed that this was the fault of Abel Fenn. He had
lit the lamps since he was a boy of twelve--carrying the short ladder on his shoulder and the can of oil
in his left hand, and he had never once in all that time missed a night. When the council talked of gas
he went to the meetings and sat in the front row with his arms folded, saying nothing, and somehow the
talk always came to nothing too.

He died in the first week of March, in the chair by his kitchen stove, with his boots still on. His
granddaughter Nell found him there when she came in from the bakery at six. The lamps of Wrenmouth were
dark that night for the first time in living memory, and people stood at their windows and looked out
at the black streets as if something had been stolen from them.

Nell was nineteen. She had lived with her grandfather since she was small, and she had walked the round
with him more times than she could count, but she had never thought of the lamps as anything but his.
After the funeral the vicar's wife took her hand and said, "You'll be wanting to sell the ladder, I
suppose, dear. The council will put the gas in now." Nell said that she supposed they would.

It was the solicitor, Mr Pardew, who gave her the ledger. He came to the cottage on a wet afternoon with
a parcel wrapped in oilcloth under his arm and set it down on the kitchen table between the teapot and
the bread.

"Your grandfather left this with me a year ago," he said. "He was most particular that it should come to
you and to nobody else. I confess I have not looked inside it. He made me promise."

The ledger was bound in green cloth gone grey at the corners, and it was as thick as a family Bible.
When Nell opened it she saw her grandfather's handwriting, small and upright, running down page after
page in columns. Each line began with a date and a number. The numbers went from one to forty-four,
which was the number of lamps in Wrenmouth. After the number came the hour of lighting and the hour of
putting out, and after that, in a narrower column, there was sometimes a note.

"Lamp 9. Wick trimmed. Mrs Albery's cat asleep on the post again."

"Lamp 17. Two lads from the Mary Rose walking home, singing. Left them to it."

"Lamp 31. Lit early. She was waiting."

Nell read until the light went out of the window and she had to light the kitchen lamp to go on. The
ledger went back forty-one years. Every night was there. Some of the notes were about the weather and
some were about the lamps, but most of them were about people, and she knew nearly all of them: the
fishermen and their wives, the schoolmaster, the boys who had grown up and gone to sea, the old women
who had died. Her grandfather had never been a talker. It seemed that he had been saving it all up.

# II | Lamp Thirty-One

She did not mean to light the lamps. She told herself afterwards that she had only gone out to look at
them. But the ladder was in the shed where it had always been, and the oil can was full, and when she
had walked to the end of Quay Lane and stood under the first post in the dusk, it seemed a foolish thing
to have come so far and go home again with nothing done.

So she lit Lamp 1, at the corner by the chandler's, and then Lamp 2, and by the time she reached the
church she had stopped thinking about it at all. Her hands knew the work. They had watched it for years.
Open the little door in the glass, turn up the wick, strike the match in the cup of the palm against the
wind, close the door, down the ladder, on to the next. People came out of their houses and watched her
go by. Nobody said anything, but old Mr Tullis at the post office took off his cap.

It was nearly nine when she came to Lamp 31. It stood at the top of the harbour steps, where the road
turned down to the water, and it was the only lamp in Wrenmouth that had a bench beneath it. Nell had
always thought the bench was there for the view. She set the ladder against the post and climbed up and
lit the wick, and when she came down again there was a woman sitting on the bench with her hands in her
lap.

"You're late," the woman said. "He was never late."

She was small and very upright, with white hair pinned up under a black hat that had gone out of fashion
before Nell was born. Nell knew her by sight. Everybody did. She was Mrs Castellane, who kept the little
café at the bottom of the steps, and who had come to Wrenmouth from somewhere in the south of France
before the war and never gone back.

"I'm sorry," said Nell. "I'm not very good at it yet."

"No," said Mrs Castellane. "But you came. That is something." She looked up at the lamp, and then out
over the harbour, where the last light was going off the water. "Did he tell you why he lit this one
first? Before all the others, in the winter, when it was dark at four?"

Nell thought of the ledger. Lamp 31. Lit early. She was waiting. It was written on so many pages that
she had stopped noticing it.

"No," she said. "He never told me anything."

"Then I will tell you," said Mrs Castellane, "but not tonight. Tonight you have thirteen more lamps to
light, and the wind is getting up. Come to the café tomorrow, when you have finished at the bakery. I
will make you a coffee, and you can decide whether you want to hear an old woman's story."

# III | The Café on the Steps

The café had four tables and a counter and a window that looked straight out at the harbour wall. It
smelled of coffee and burnt sugar, and there were photographs on every wall, brown with age, of people
Nell did not know standing in front of buildings she had never seen. Mrs Castellane set a cup in front
of her and sat down on the other side of the table.

"My husband was a sailor," she said. "Not a fisherman. A real sailor, on the big ships that go round the
world. He was English, from this town, and when we were married he brought me here because he said it
was the quietest place on earth and I would be safe in it while he was away. I was very young and very
naïve. I believed that a place could keep you safe."

She turned her cup round on its saucer.

"He sailed in the autumn of the year we came. He was to be gone eight months. Every night I walked up the
steps and sat on the bench under the lamp, because from there you can see the whole mouth of the harbour,
and I thought that if I watched every night then I would be the first to see his ship come in. It was a
child's idea. Ships do not come into Wrenmouth. They are far too big. He would have come home on the
train like anybody else."

"But you waited anyway," said Nell.

"I waited anyway. And one night in November, when it was very dark and very cold, a boy came up the
steps with a ladder on his shoulder. He was perhaps fifteen. He lit the lamp over my head and then he
stood there looking at me, and he said, 'You'll catch your death, missus.' And I said I was waiting for
my husband's ship. And he did not laugh at me. He only nodded, and went on to the next lamp."

"That was my grandfather."

"That was your grandfather. The next night he came an hour early, before any of the other lamps were lit,
so that I would not have to wait in the dark. And the night after that. All winter. He never said one
word more about it, and I never thanked him, because I did not understand then what he was doing. I
thought it was his job."

Nell looked at her coffee. She found that she did not want to ask the next question, but Mrs Castellane
answered it anyway.

"The ship was lost in the spring, off the Cape. The letter came in May. After that there was no reason to
wait any more, but I found that I could not stop. I went up to the bench every evening, just for a
little while, and every evening the lamp was already lit. Forty years, Miss Fenn. Through the war, when
the lamps were supposed to be dark, he used to come and light it for five minutes with a cloth over the
glass, so that I could see it was there, and then put it out again. I think they would have put him in
prison if anybody had found out."

She smiled then, for the first time.

"It is a very stupid thing to cry over a lamp," she said. "I have been telling myself so all week."

When Nell walked home that evening she stopped under Lamp 31 and stood looking up at it for a long time.
It was only an iron post and a box of glass--she could not see what was special about it. But she went
home and took out the ledger and turned to the very first page, and there it was--in a boy's handwriting
that was bigger and rounder than the one she knew: "Lamp 31. A lady sitting in the cold. Came back at
four." And below it, the next night: "Lamp 31. Lit first."

# IV | The Council

The notice went up on the board outside the town hall at the end of March. The council would meet on the
second Tuesday in April to consider the tender of the Southern Counties Gas Company for the lighting of
the streets of Wrenmouth, and any ratepayer who wished to speak might do so.

"You'll not stop it," said Mr Tullis, when Nell went in for stamps. "Your grandad held them off by
glaring at them. They were frightened of him. They're not frightened of you, love, if you don't mind me
saying so."

Nell did not mind. She was not frightened of herself either. She had been lighting the lamps every night
for five weeks now, and she was getting faster at it. She had learned that Lamp 22 needed a tap on the
glass before its door would open, and that Lamp 40 smoked unless the wick was cut square, and that the
Hennessy twins would follow her from Fish Street to the chapel asking questions if she let them. She had
started writing in the ledger herself, in the narrow column, though she felt like a thief doing it.

The council chamber on the second Tuesday was fuller than anybody could remember. The gas company had
sent a young man in a grey suit with a great many drawings, and he stood at the front and explained, very
pleasantly, how the new lamps would be lit by a clockwork valve and would need nobody at all to tend
them, and how much money this would save, and how much brighter the streets would be. He showed them a
picture of the promenade at Brightling with its rows of white lights. People murmured. It did look very
fine.

"Does anybody wish to speak against the proposal?" asked the mayor, in the voice of a man who hoped that
nobody did.

Nell stood up. She had the ledger under her arm. She had meant to say something clever about the cost of
the pipes, which she had worked out on the back of a flour bag, but when she opened her mouth what came
out instead was: "I'd like to read you something, if I may."

She did not wait for the mayor to say yes. She opened the ledger where she had marked it with a strip of
paper, and read.

"The fourth of January, nineteen thirty-one. Lamp 12. Dr Marsh's trap went by at midnight toward the
Hollins' farm. Left the lamp up till he came back at three. Boy or girl?"

Somebody near the back laughed, and then stopped. A big man in a fisherman's jersey was staring at his
boots. His name was Tom Hollin, and he was forty years old this year.

Nell turned the pages.

"The ninth of October, nineteen forty-four. Lamp 3. Mrs Dunn stood at her gate an hour. No telegram
today. Told her so."

"The twentieth of August, nineteen fifty. Lamp 27. The Reverend's boy and the Parry girl on the wall
again. Turned the wick down a bit."

There was laughter at that one, proper laughter, and the Reverend's boy, who was now the Reverend
himself and sat on the council, went very red and then began to laugh too.

Nell read for a quarter of an hour. She read the nights of the great storm, when her grandfather had kept
every lamp on the harbour side burning until dawn so that the boats could find the entrance. She read
about lost dogs and found children, about weddings and wakes, about the night the chapel roof caught
fire. She did not read anything about Lamp 31. That was not hers to read.

When she stopped, nobody said anything for a while. Then the young man from the gas company cleared his
throat.

"It's very moving, miss," he said, and he sounded as if he meant it. "But you know, the new lamps will
be far brighter. Nobody will need to stand in the dark waiting for anything."

"I know," said Nell. "That's not what the book is about. It's not about the light. It's about somebody
being there to see."

# V | The Last Round

The council voted for the gas, of course. Nell had known it would. The young man was right: the new
lamps were brighter and cheaper, and you could not run a town on a green ledger full of other people's
secrets. But when the vote had been taken and written down, the Reverend stood up, still a little pink
about the ears, and proposed an amendment.

It was a small one. It said that one lamp of the old pattern should be kept, and tended by hand, for as
long as there was anybody willing to tend it, and that the council would pay for its oil. He proposed
that it should be the lamp at the top of the harbour steps. He did not say why. Perhaps he knew, or
perhaps he only guessed. The amendment was carried without a single voice against it.

The gas came to Wrenmouth in the autumn. Men dug up the streets and laid the pipes, and one by one the old
posts were taken down and the new ones put up, tall and grey with their little clockwork hearts, and on
the first night of October they all came on at once, by themselves, at exactly half past five. People
stood in the streets and cheered. Nell stood with them. It was very beautiful, she thought. It was
like a string of pearls laid along the hill.

Then she went home and fetched the short ladder and the can of oil, and walked down to the harbour steps.

Mrs Castellane was waiting on the bench, in her black hat, with her hands folded in her lap. She did not
look up at the new lamps. She watched Nell climb the ladder, and open the little door, and turn up the
wick, and strike the match in the cup of her hand.

"You are early," she said.

"I know," said Nell. "I thought I would come first tonight. Before all the others."

She came down the ladder and sat on the end of the bench, and for a while the two of them looked out at
the mouth of the harbour, where there was nothing to see but the dark water and the bright, steady line
of the new lights running away along the quay. After a while Mrs Castellane reached over and patted her
hand, just once, the way you might pat a dog that has done well.

When Nell got home she opened the ledger to the next clean page and wrote the date, and the number, and
the hour. Then, in the narrow column, she wrote: "Lamp 31. Lit first. She was waiting. So was I."

She kept the ledger for fifty-two years. It is in the museum at Wrenmouth now, in a glass case by the
door, and the lamp still stands at the top of the harbour steps, though it runs on electricity these
days, like everything else. But there is a little brass plate on the post, put there by the town, and
if you go in the evening, when the light is going off the water, you can read it from the bench.
"""


BOOK_B_CHAPTERS = """
# I | The Cart

Joss Harrow had carried salt from the pans at Saltcote to the market town of Merrow every autumn for
thirty-four years, and in all that time he had never taken a boy with him. He said boys were a nuisance.
They asked questions and they ate the bread and they fell off the cart at the first pothole. So when his
sister's husband came up the lane in the last week of October leading a thin, sharp-faced child by the
hand, Joss stood in the yard with his arms folded and said no before either of them had spoken a word.

"He's ten," said his brother-in-law. "He can lift a sack. He doesn't talk much. His mother wants him
out from under her feet until the baby comes, and you're going to Merrow anyway."

"I go alone," said Joss.

"You go alone because nobody will go with you," said his brother-in-law, who had known him a long time.
"Take him. Feed him. Bring him back. That's all."

The boy's name was Pim. He did not talk much, that was true. He stood in the yard while the two men
argued and looked at the cart, which was loaded high with grey sacks under a tarpaulin, and at the horse,
a big patient bay mare called Duchess, and at the long flat country beyond the gate, where the marsh ran
away toward the sea under a sky the colour of a pewter plate. When the argument was over, and Joss had
lost it, Pim climbed up on the seat without being told and sat there with his hands between his knees.

"You'll be sorry," Joss told him.

"Yes, sir," said Pim.

They left at first light the next morning. The salt road ran along the top of the old sea wall for six
miles and then dropped down onto the causeway that crossed the marsh to Merrow, eleven miles more. In
summer it was a pleasant drive, with larks going up on every side and the smell of the samphire coming
off the mud. In autumn it was a different thing. The spring tides came over the causeway at the new moon
and the full, and if you were caught on it you could lose a cart, and a horse, and yourself. Joss had
done the sums before they started. They had four days before the big tide, and the journey took two.
There was time enough, if nothing went wrong.

# II | The Causeway

Nothing went wrong on the first day. The weather held grey and dry, and Duchess walked along the top of
the sea wall at her own pace, which was the only pace she had. Pim sat beside Joss and watched the
country go by, and when Joss handed him the reins after the first hour to see what he would do, he took
them as if they were made of glass and held them exactly as he had been shown.

At noon they stopped at the Five Gates to rest the mare and eat. Joss cut bread and cheese with his
knife and gave Pim half, which was more than he had meant to. The boy ate it slowly, looking out at the
marsh.

"What's that?" he said, pointing. Far off, where the grey land met the grey sky, there was a line of
something darker, like a pencil mark.

"That's Merrow," said Joss. "The church tower. You can see it from anywhere on the marsh, if the day's
clear. The old carters used to steer by it."

"It doesn't look very far."

"It's seventeen miles by the road," said Joss, "and about four as the crow flies. The road goes round.
Everything on the marsh goes round. You can't go straight across, because of the creeks and the soft
ground. A man tried it once, when my father was a boy. They found his hat."

Pim thought about this for a while.

"Did they find the rest of him?" he asked.

"Not that I heard," said Joss, and was surprised to find that he was almost smiling.

In the afternoon they came down off the sea wall onto the causeway. It was a raised road of stone and
packed earth, just wide enough for one cart, with a ditch on either side full of black water and reeds.
Here and there were wooden posts painted white at the top, so that you could find the road in the dark,
and every mile there was a taller post with a bell on it, for the fog. Pim counted the posts aloud until
Joss told him to stop. Then he counted them under his breath.

They slept that night at the halfway house, which was a stone hut with a fireplace and a stable,
built by the salt company a hundred years before for exactly this purpose. Joss lit a fire and made tea
and fried bacon, and Pim went to sleep sitting up against the wall with his mug still in his hand. Joss
took it from him and put a coat over him and sat for a long time looking into the fire.

# III | The Fog

In the morning the fog had come.

It came off the sea in the night, the way it did in autumn, thick and white and wet, and when Joss opened
the door of the hut he could not see the stable twenty yards away. He stood in the doorway and swore,
quietly and thoroughly, and behind him Pim woke up and asked what was the matter.

"We can't go on in this," said Joss. "We'll have to wait for it to lift."

"How long does it take?"

"An hour. A day. Three days, once, when I was your age." He did not say what they both knew, because
the boy had been listening when he did his sums: that they had three days until the big tide, and that if
the fog sat on the marsh for three days they would be caught in the middle of the causeway with the sea
coming in.

They waited. Joss mended a strap on the harness that did not need mending, and Pim sat in the doorway
and looked at the fog. At noon it was just as thick. At four it began to get dark, and it was thicker
still. They ate the last of the bacon for supper, and neither of them said very much.

In the night Joss woke and found the boy standing in the open doorway.

"Listen," Pim said.

Joss listened. At first he heard nothing but the drip of water from the roof. Then, very faint, from far
away to the east, he heard a bell. It rang once, and then again, slowly, like someone walking.

"That's the post bell," said Joss. "The wind moves it."

"There isn't any wind," said Pim.

It was true. The fog hung perfectly still. Joss stood beside the boy and listened, and the bell went on
ringing, slowly and steadily, somewhere out on the causeway ahead of them.

They stood there until the cold drove them back to the fire. Pim lay down again under the coat, but Joss
could tell from his breathing that he was not asleep. After a while the boy said, into the dark, "My
mother says there's people on the marsh that aren't people." Joss told him that his mother talked a lot
of nonsense, which was true, and that the bell was the wind, which was not, and that he should go to
sleep, because they had a long way to go tomorrow whatever the weather did. Then he lay awake himself
until the window turned grey, listening, and the bell did not stop until it was light.

# IV | The Ferryman

In the morning the fog was thinner, though not gone, and they could see the white tops of the posts for
fifty yards ahead. Joss decided they would try it. He walked at Duchess's head with a lantern, and Pim sat
on the cart with the reins and called out each post as it came out of the fog.

At the third bell post they found an old man sitting on a stone, with a long pole across his knees. He
wore a coat made of sacking and a hat with a brim so wide that it came down over his ears. He did not
look surprised to see them.

"You'll be the salt," he said.

"We will," said Joss, who had never seen him before in his life. "Who are you?"

"Ferryman," said the old man. "The Long Creek's over the road, a mile on. Been over since the last
tide. You'll not get the cart through it without me." He stood up, and stretched, and set off along the
causeway ahead of them without waiting to see if they would follow. After a moment Joss followed.

It was as the old man said. A mile on, the Long Creek had broken through the side of the causeway and
there was a gap in the road twenty feet wide, full of brown moving water. The old man walked into it up
to his knees, feeling the bottom with his pole, and showed Joss where the stones still held. Duchess
went through with the water at her belly, snorting, and the cart lurched and swayed and came out the
other side with the salt still dry under the tarpaulin.

When Joss turned round to thank the old man he was already walking back the way they had come, his pole
over his shoulder, and in a moment the fog had taken him.

"Was that who was ringing the bell?" asked Pim.

"I expect so," said Joss. He did not know what else to say.

# V | The Flood Tide

They had lost a day to the fog, and the crossing at the Long Creek had cost them most of the morning.
Joss did the sums again as they went, and did not like them. The big tide would come in on the evening
of the next day. If they went on through the night they could be in Merrow by dawn, with the whole day to
spare. If they stopped, they would be racing the sea.

"We'll go on," he said.

The fog lifted at last in the afternoon, all at once, the way it sometimes does, and the marsh lay open
around them under a cold yellow sky. They could see the church tower of Merrow plainly now, black against
the light, and it looked no nearer than it had from the Five Gates. Pim looked at it and said nothing.

They drove on into the dark. Joss lit the lantern and hung it from the shaft, and the white tops of the
posts came up out of the night one after another and slid away behind them. Duchess was tired. She
walked with her head low, and twice she stopped and would not go on until Joss got down and walked at
her head and talked to her. Pim fell asleep against Joss's shoulder and woke up and fell asleep again.

Some time after midnight, Joss heard the water.

It was a soft sound, a kind of whispering, coming from both sides of the road at once. He held up the
lantern and looked, and saw that the ditches on either side of the causeway were full to the brim and
that the water in them was moving, flowing past them toward Merrow, faster than the mare could walk. He
looked at the sky. There was a moon, low over the sea behind them, and it was very nearly full.

He had got the sums wrong. He had counted from the wrong new moon. He sat on the cart with the reins in
his hands and felt something cold settle in his stomach, the way it had not done since he was a young
man.

"Pim," he said. "Wake up. I want you to do something for me."

The boy woke at once. Joss gave him the lantern and told him to walk ahead of the mare and call out every
post, and to keep on the crown of the road, and to shout if his feet got wet. Then he got down himself
and took Duchess by the bridle, and they went on like that, the three of them, with the water rising on
either side of them and the little light going ahead.

By three in the morning the water was over the road. It was only an inch deep at first, a thin black
skin over the stones, but it was deepening, and it pulled at Joss's boots as it went past. Pim walked
ahead with the lantern held high and called out the posts in a high, steady voice, and did not once look
back. Joss thought that he had never seen anything so brave in his life.

# VI | Merrow

They came up out of the water onto the hard road at the edge of Merrow just as the sky began to go grey
in the east. The water was over Joss's knees by then, and the cart was floating behind the mare as much
as rolling, and Duchess was walking with her nose held up like a swimming dog. Then the road rose under
them, and the water fell away, and they were standing on dry cobbles at the bottom of Merrow High Street
with the church tower above them and a baker's shop opening its shutters on the corner.

Joss sat down on the kerb. He found that his legs would not hold him. Pim stood beside him with the
lantern, which had gone out at some point without either of them noticing, and looked back at the marsh.
It was all water now, silver and flat under the dawn, as far as they could see. The road they had come
along had vanished as if it had never been there.

"Is the salt all right?" Pim asked.

Joss got up, slowly, and went to look. The bottom row of sacks was soaked, and would be worth nothing.
The rest was dry.

"Most of it," he said.

They sold it in the market that afternoon for a better price than Joss had ever had, because the tide
had cut Merrow off from the other salt roads and there was nobody else selling. Joss bought the boy a
pork pie and a pair of boots that fitted him, and a toy boat carved out of wood that he saw him looking
at in a shop window. Pim held the boat all through supper at the inn and did not say thank you, but Joss
did not mind. He had never been much for thank you himself.

They went home a week later, when the tides were low again and the causeway was dry. At the Long Creek
there was a new wooden bridge, put up by the salt company while they were in Merrow, and there was no
sign of the old man with the pole, and nobody at Saltcote had ever heard of a ferryman on the marsh road.
Joss asked. He asked for years afterward, and nobody ever had.

The next autumn, in the last week of October, Joss Harrow walked down the lane to his sister's house
with his hands in his pockets and knocked on the door. When his brother-in-law opened it, Joss looked at
his boots for a while and then asked if the boy might be spared for a few days, as he was going to Merrow
anyway and could do with the company.

"He's been waiting at the gate since Tuesday," said his brother-in-law. "Go on with you."
"""


BOOK_C = """
# I | The Post

Agnes Ridley took the post at Hollin Fell because nobody else would have it, and because she was
twenty-six and had begun to think that nothing was ever going to happen to her. The advertisement in the
Teachers' Gazette had been very short. It asked for a mistress for a school of eleven children at a
farming settlement in the northern fells, for the winter term only, at a salary which was generous for
the work and which Agnes suspected was generous for a reason. She wrote that evening. The reply came
within the week, in a large careful hand, from a Mr Daniel Thwaite, who signed himself Chairman of the
Managers. The post was hers if she wanted it. She was to come by the train to Kirkby Lowther and she
would be met.

She was met by Mr Thwaite himself, who turned out to be a broad quiet man of about sixty with a face like
weathered oak and a flat cart drawn by a grey pony. He shook her hand, put her trunk in the back of the
cart as if it weighed nothing, and did not speak again for nine miles. The road climbed the whole way.
At first it ran between stone walls and small green fields, and then the fields gave out and the walls
gave out and there was nothing on either side but rough brown grass and rock and the enormous sky. The
wind blew steadily from the west and smelled of rain.

"It's a lonely place," said Agnes at last, because somebody had to say something.

Mr Thwaite considered this. "It is," he said. "That's why you're paid as you are. The last mistress
stayed three weeks. The one before her, a fortnight." He glanced at her sideways. "You look to have more
sense than either."

"I hope so," said Agnes.

"So do I," said Mr Thwaite, and that was all he said until they came over the last rise and saw Hollin
Fell below them: a scatter of grey stone farmhouses along the side of a narrow valley, with a beck
running down the middle of it, a chapel, and a low building with a bell on its roof that she knew at
once must be the school.

# II | The School-House

The school-house was one long room with a stove at one end and the teacher's lodging built onto the
other, two small rooms with a fireplace and a bed and a window that looked straight up the valley to
the head of the fell. Somebody had lit the fire and put milk and bread and a fruit cake in the cupboard,
and there was a jug of late heather on the table. Agnes never found out who had done it. It was the kind
of thing that happened at Hollin Fell, and that nobody ever mentioned afterward.

The eleven children came on the Monday morning. They ranged in age from five to thirteen, and they were
mostly Thwaites and Dents and Harkers, which were the three families of the valley, and they stood in a
row at the back of the room and looked at her with an expression that she recognised from the faces of
sheep. She had taught in a town school of two hundred for four years. She had been frightened of the
town children, at first, because they were loud. She saw at once that these children were going to be
far more difficult, because they were silent.

It took her a fortnight to make any of them speak above a whisper. She tried everything she knew. She
read to them, and they listened politely and said nothing. She asked them questions, and they looked at
their boots. At last, in despair, on a wet Thursday afternoon, she gave up the lesson she had planned
and asked them to tell her how you knew when a ewe was going to lamb.

There was a silence. Then Jack Harker, who was twelve and the eldest of the Harkers, put up his hand.

"It depends on the ewe, miss," he said.

By four o'clock she had filled both sides of the blackboard. She learned about lambing and clipping and
dipping, about the different breeds and which were hardiest on the high fell, about how you found a sheep
that was buried in a drift by the hole its breath made in the snow. She learned that the children all
knew the name of every sheep their family owned, and that there were over nine hundred of them. In
return she taught them to write it all down, and to add up what the wool would fetch at market, and to
find Hollin Fell on the map of England, which none of them had ever seen. After that they were friends.

There were other lessons, too, that she had not planned. She learned that the Dents and the Harkers had
not spoken to one another for a generation over a boundary wall, and that the children of the two
families had agreed among themselves to ignore this entirely, except when their parents were watching.
She learned that Mr Thwaite, who had no children of his own, had paid for the school's new slates out of
his own pocket and would be extremely angry if she thanked him for it. She learned to bank the stove at
night so that it was still warm at seven, and to break the ice on the water butt with the poker, and to
tell from the sound of the beck whether there had been rain on the tops. By the end of November she
could walk from one end of the valley to the other without once getting lost, which the children
considered a great achievement for somebody from a town.

# III | The Snow

The snow came in the first week of December. It began in the afternoon, while the children were at their
lessons, a few fine flakes drifting past the window, and by the time they went home at three it was
falling so thickly that Agnes could not see the chapel across the road. It snowed all that night and all
the next day. When it stopped, on the third morning, the valley was a white bowl under a white sky, and
the road to Kirkby Lowther was gone under eight feet of drift.

"We'll not see the post till February, likely," said Mr Thwaite, who had come down the valley on foot to
make sure she had coal. He said it with satisfaction, as a man might mention that the harvest was in.
"You'll be snowed in with us, Miss Ridley. I hope you're not sorry."

Agnes found, somewhat to her surprise, that she was not. The school went on as before, for the children
came through the snow on foot whatever the weather, with their dinners in their pockets and their boots
tied over with sacking. In the evenings she was asked to supper at one farm or another, and sat by great
fires while the men talked about sheep and the women knitted and the old people told stories of winters
worse than this. Once she was asked to a dance in the Dents' barn, and danced until one in the morning
with every man in the valley in turn, including Mr Thwaite, who turned out to be surprisingly light on
his feet. She walked home under a sky so full of stars that it seemed to be crowded, with the snow
creaking under her boots, and thought that she had never been so happy in her life.

Christmas came and went with the snow still lying. There was a service in the chapel, with the whole
valley packed into the pews in their best clothes and the smell of wet wool rising from them like steam,
and afterward the children performed a play that Agnes had written for them about the shepherds in
Bethlehem. The shepherds were played by Jack Harker and two of the Dent boys, who were rather scornful of
the shepherds in the Bible for leaving their flocks on the hill to go and look at a baby, and said so in
the middle of the performance. Nobody minded. Mrs Harker laughed until she had to be helped outside. On
Boxing Day Agnes was given, by various people who would not admit to it, a pair of sheepskin mittens, a
pound of butter, a walking stick cut from a holly tree, and a small black-and-white sheepdog puppy, who
was the runt of the Thwaites' litter and who she named Gazette, after the paper in which she had first
read the advertisement. Gazette slept on her feet every night for the rest of the winter and chewed the
corner of every exercise book in the school.

# IV | The Lost Lamb

The trouble came in the middle of January, on a day when the sky was low and yellow and the old men said
there was more snow coming. Jack Harker did not come to school. At noon his mother came instead, walking
fast down the valley with her shawl over her head, and her face made Agnes put down her chalk.

"Is Jack here?" she said. "Has he been here at all?"

He had not. It came out in pieces, standing in the doorway with the snow blowing in. A ewe had gone
missing from the Harkers' flock the night before, an old ewe that Jack had reared himself as a lamb, and
he had been upset about it. When his father said it was not worth searching for one ewe with the weather
turning, Jack had said nothing. But he had not been in his bed that morning, and his coat was gone, and
his crook.

By one o'clock every man in Hollin Fell was out on the fell. Agnes kept the younger children in the
school, because there was nothing else she could do, and read to them from the only book she had with
her that they had not heard, and watched the window. At two it began to snow again. By three it was
nearly dark. She had stopped reading by then. The children sat round the stove without speaking, and she
knew from their faces that they understood exactly what the snow meant.

From time to time somebody came down from the fell to the school door to ask if there was news, and went
away again without taking off his cap. Once it was Mr Harker himself, white from head to foot, who stood
on the step and looked at the children round the stove as if he were counting them, and then turned and
went back up the hill without a word. The men were searching the high ground to the west, where the
flock had been grazing. They were working in lines, Agnes was told, a few yards apart, calling to each
other so as not to lose themselves. They had lanterns, and ropes, and the dogs. They had been up there
for three hours.

At half past three little Sarah Dent, who was six, came and stood by Agnes's chair.

"Jack's gone to the sheepfold at Cragg End," she said. "The old one. He told me. He said if a ewe was
lost on the top she'd go there, because it was where she was born."

Agnes looked at her. "Did you tell anybody, Sarah?"

"Nobody asked me," said Sarah.

# V | The Thaw

Agnes never afterward remembered very clearly how she got to Cragg End. She remembered leaving the older
girls in charge of the school, and running up the valley to the Thwaites' farm through snow to her knees,
and Mrs Thwaite sending her youngest boy out to find the men. She remembered that she did not wait for
them. She had been to the old fold once, in the autumn, on a Sunday walk, and she thought she knew the
way. She took a lantern from the Thwaites' kitchen and went up the side of the fell in the dark, following
the line of the wall, because she had been told that in a snowstorm you must never leave the wall.

It was the wall that saved her, and the lantern that saved Jack. He was in the lee of the old fold with
the ewe pressed against him, both of them half buried, and he had been trying to shout for hours, he
said afterward, but the wind had taken it. He saw the light coming along the wall and thought at first
that he was dreaming it. When Agnes reached him she could not get him up. His legs would not work. So she
did what she had learned from the children, months before, on a wet Thursday at the blackboard: she dug
them both a hollow in the drift with her hands, and got in beside him, and put the ewe between them, and
held the lantern up above the snow so that its light would show.

The men found them at a little after nine. Mr Thwaite was the first over the wall. He said afterward,
when he could be persuaded to say anything, that he had seen the light from half a mile off, and that he
had never in his life been so glad to see anything.

They carried Jack down the fell on a hurdle, wrapped in every coat the men had between them, and Agnes
walked beside it with the ewe on a rope, because nobody else could make it move. The whole valley was
waiting at the Harkers' door. Mrs Harker did not say anything to Agnes at all. She only took both her
hands and held them, very hard, for a long time, and then went in to her son.

Jack Harker lost two toes on his left foot to the frost, and was proud of it for the rest of his life.
The ewe lambed in April, twins, and both of them lived. And Agnes Ridley, who had come to Hollin Fell
for one winter term because nobody else would have it, stood in the school-room on the last day of
March, with the snow going off the fell at last in a hundred roaring becks and the curlews coming back
over the valley, and told Mr Thwaite and the Managers that if they were agreeable she would stay for the
summer term as well.

"We thought you might," said Mr Thwaite. "We took the liberty of not advertising."

She stayed for the summer term, and the winter term after that, and the one after that. She was at Hollin
Fell for thirty-one years, and she taught every child in the valley to read, and most of their children
after them. When she retired they gave her a silver teapot and a fleece from every farm, and Jack Harker,
grey-haired by then, made a speech that nobody could hear the end of because he had to sit down. She
lived in the school-house until she died, and she is buried in the chapel yard, facing up the valley
toward the fell, where the wall still runs up the hillside to the old fold at Cragg End.
"""


BOOK_D = """
# 1 | Four in the Morning

The bakery on Canal Street opened at seven, but Ruth Okafor started work at a quarter to four, and for
the first two hours of every day the only other living thing in the building was the sourdough. She had
named the starter Gerald, years ago, as a joke, and the name had stuck so firmly that the new apprentices
assumed it was the name of the founder. There had never been a founder. There had only been Ruth, and a
bank loan, and a second-hand deck oven that she had bought from a hotel that was closing down, and which
still had the hotel's name stamped on the door in flaking gold letters.

She liked the early hours. The city outside the steamed-up windows was as quiet as it ever got: a taxi
now and then, a street sweeper, the first bus going past empty with its lights on. Inside there was the
hum of the proving cabinet and the tick of the oven as it heated, and the radio turned down low, and the
work. She weighed the flour for the first batch and mixed it by hand, because she had never trusted the
big mixer with the sourdough, and she thought, as she did most mornings, that this was the only part of
the day when she knew exactly what she was doing.

At ten past five somebody knocked on the back door.

# 2 | The Boy at the Door

It was a boy of about sixteen, in a thin jacket with the hood up, standing in the alley with his hands
in his pockets. Ruth had seen him before. He had been sitting on the bench by the canal lock three or
four mornings that week when she came to work, and she had taken him for somebody waiting for a friend,
or somebody who had nowhere better to be.

"Sorry," he said. "I could smell the bread. I wondered if you had any old stuff. From yesterday. I can
pay." He held out a hand with some coins in it. It was not very much.

Ruth looked at him for a moment. Then she stood back from the door.

"It's cold," she said. "Come in and shut that. You can sit on the flour sacks. Don't touch anything."

He sat on the flour sacks and did not touch anything. She gave him yesterday's loaf, which she had meant
to turn into breadcrumbs, and a lump of butter on a saucer, and a mug of tea, and went back to her
dough. He ate the whole loaf, slowly, watching her work. When she began to shape the first batch of
rolls he got up and came to stand by the bench.

"How do you know how much to fold it?" he asked.

"You feel it," said Ruth. "When it's ready it stops fighting you."

"Can I try?"

She almost said no. Then she cut off a piece of dough and pushed it across the bench to him, and showed
him how to stretch it and fold it and turn it, using the heel of the hand and not the fingers, and how
to tuck the seam underneath so that the top came up smooth and tight. His first roll was a disaster. His
fifth was not bad. By half past six he had shaped a tray of twenty, and she could not have told which of
them were his.

"You've done this before," she said.

"No," he said. "Never." He looked at his hands, which were white to the wrists. "I like it, though."

He left before the first customers came, when the sky over the canal was turning grey. He did not say
where he was going and Ruth did not ask. But the next morning at ten past five there was a knock on the
back door again.

# 3 | Gerald

His name was Danny. That was all she found out about him for a month. He came every morning at ten past
five, and she let him in, and he ate whatever was left from the day before and then worked beside her
until the sky got light. He learned fast. He learned to weigh and mix, to read the dough, to load the
oven with the long wooden peel without burning his arms. He asked questions about everything, and
remembered the answers, and never asked the same one twice. He was, Ruth thought, the best apprentice she
had ever had, and she had never offered him a job.

She told herself there were good reasons for that. The bakery made enough to pay her and the two girls
who worked the counter, and not a great deal more. The oven was twenty years old and had begun to make a
noise like a kettle when it reached full heat. She did not know where Danny went after half past six, or
whether he went to school, or whether anybody anywhere was expecting him home. There were forms that had
to be filled in, she supposed, if you gave a job to a boy of sixteen, and people who would want to know
things about him that she did not know herself. And there was the plain fact, which she did not like to
look at too closely, that she had run the place alone for twelve years and had grown used to it. The
early mornings had been hers. She had not noticed them stop being hers, exactly. She only noticed that
on the one morning he was late, by a quarter of an hour, she burned a whole tray of rolls because she
kept going to the back door to look down the alley.

It was Gerald that settled it. One morning in the middle of February Ruth came in at a quarter to four
and found the starter dead in its jar, grey and flat and smelling of nail varnish. The heating in the
kitchen had failed in the night, and the temperature had dropped below freezing, and twelve years of
Gerald had simply given up. Ruth stood and looked at the jar for a long time. It was only flour and
water. She knew that. She could make another one in a week. But she sat down on the flour sacks and put
her face in her hands, and that was how Danny found her at ten past five.

He did not say anything. He looked at the jar, and then at her, and then he went out of the back door
again and was gone for twenty minutes. When he came back he was carrying a small plastic tub with a lid,
which he put down on the bench in front of her.

"I took some," he said. "Last month. When you were showing me how to feed it. I've been keeping it in my
room. I didn't know if I'd be allowed." He pushed the tub a little closer. "It's Gerald," he said. "Sort
of. Half of him, anyway."

Ruth opened the lid. The starter inside was pale and bubbly and smelled of apples and yoghurt, the way
it was supposed to. She looked at it, and then at Danny, who was standing very straight with his hands in
his pockets, the way he had stood in the alley on the first morning.

"You have a room?" she said.

"A hostel," said Danny. "On Mill Lane. They let you stay till you're eighteen."

"And after that?"

He shrugged.

Ruth put the lid back on the tub. She got up and washed her face at the sink and dried it on a tea towel
and put on her apron. Then she took a second apron from the hook by the door, the one that had belonged
to her last apprentice, who had left to open a cake shop in the suburbs, and held it out to him.

"Starts at a quarter to four," she said. "Not ten past five. Minimum wage to begin with and you get all
the bread you can eat. If you're late more than twice I'll sack you."

Danny took the apron. He put it on. It was too big for him, and he had to wrap the strings twice around
his waist. Then he went to the bench and began, without being told, to weigh out the flour for the first
batch.

They fed the new Gerald that morning, the two of them, and by the end of the week he was strong enough to
bake with. The bread was a little different, Ruth thought. A little sharper. Danny said it was exactly
the same. They argued about it for years.
"""


TEXT_E = """
ON THE KEEPING OF BEES IN A SMALL GARDEN

It is commonly supposed that bees require a great deal of room, and that nobody should attempt to keep
them who has not an orchard or a meadow at his disposal. This is not so. I have kept two hives for eleven
years in a town garden of no more than forty feet by twenty, with a brick wall on three sides and a
railway cutting on the fourth, and I have never yet had a summer in which they did not give me honey
enough for my own table and something over for my neighbours.

The first thing to understand is that the bee does not live in your garden. She lives in the whole
country for a mile or more around it. Your garden is only her lodging. She will fly over the wall and
across the railway and into the lime trees in the cemetery, and the clover on the common, and the
window-boxes of a hundred houses whose owners have never given a thought to her, and she will bring home
the best of all of it. What the small garden must provide is not food but shelter: a dry stand for the
hive, out of the wind, with its entrance facing the morning sun, and a clear line of flight that does not
take the bees across the path where your family walks.

The second thing is water. Bees drink a great deal, especially in hot weather, and if you do not give
them water they will find it for themselves, very likely in your neighbour's birdbath or his child's
paddling pool, and you will hear about it. A shallow dish with a few stones in it, so that they do not
drown, placed near the hive and kept filled, will save a great deal of trouble.

The third thing, and the most important, is temper. I do not mean the temper of the bees, though that
matters, and a beekeeper in a town should be ready to change a queen whose daughters are quick to sting.
I mean the temper of the keeper. Bees dislike hurry, noise, and the smell of fear, and they know a
nervous man at once. Go to the hive on a fine warm day, in the middle of the morning, when most of the
workers are out. Move slowly. Do not stand in front of the entrance. Use a little smoke, not a great
deal. If a bee settles on your hand, let her alone; she is only curious, and will go away. If one should
sting you, scrape the sting out with a fingernail and go on with what you were doing, and do not think
about it. It is, after all, much worse for the bee.

I will add only this. A small garden with bees in it is not the same place as a small garden without
them. There is a sound in it, all summer, that you will not notice until it stops in the autumn, and
then you will notice nothing else. And there is the pleasure, which I have never found in any other
kind of husbandry, of having helped to bring in a harvest from fields you have never seen, gathered by
creatures who do not know your name, and who would, I think, be quite indifferent to it if they did.
"""


if __name__ == "__main__":
    main()
