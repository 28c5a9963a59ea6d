"""Small corpora for the CCNet stages' tests, written for this project: encyclopedic prose and web junk."""

from __future__ import annotations

import random
from pathlib import Path

from pipeline.document import Document
from pipeline.io import write_documents

SUBJECTS = ["The river", "The old town", "The cathedral", "The valley", "The railway", "The bridge", "The harbour",
            "The university", "The forest", "The castle", "The museum", "The lake"]  # fmt: skip
VERBS = ["was founded", "was rebuilt", "was first described", "was extended", "became a county seat",
         "was recorded", "was restored", "was surveyed"]  # fmt: skip
TIMES = ["in the twelfth century", "after the great flood", "during the industrial period", "by local merchants",
         "under the early kings", "in the late medieval period", "before the war", "by a royal charter"]  # fmt: skip
DETAILS = ["and it is known for its stone towers", "and its population grew steadily",
           "and it remains an important centre of trade", "and the name comes from an old word for ford",
           "and several churches were built along its banks", "and the surrounding hills are covered in oak",
           "and a market is held there every week", "and its archives hold many early maps"]  # fmt: skip
JUNK = ["Click here to buy cheap watches now", "Best price guaranteed free shipping", "Login | Register | Cart",
        "Home > Products > Sale > Deals", "Subscribe now and win a prize", "Casino bonus 100 free spins today",
        "Hot deals limited offer act now", "Share on Facebook Twitter Pinterest", "Add to cart buy now pay later",
        "Follow us for more amazing offers", "Terms | Privacy | Contact | Sitemap"]  # fmt: skip


def prose_line(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TIMES)}, {rng.choice(DETAILS)}."


def prose(rng: random.Random, lines: int = 6) -> str:
    return "\n".join(" ".join(prose_line(rng) for _ in range(3)) for _ in range(lines))


def junk(rng: random.Random, lines: int = 12) -> str:
    return "\n".join(" ".join(rng.sample(JUNK, 4)) for _ in range(lines))


def write_part(folder: Path, documents: list[Document], name: str = "part-00000-of-00001.parquet") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_documents(str(folder / name), documents)
    return folder


def wikipedia_documents(count: int = 150, seed: int = 0, language: str = "en") -> list[Document]:
    rng = random.Random(seed)
    return [
        Document(id=f"wikipedia-{language}-{i:04d}", source="wikipedia", text=prose(rng), language=language)
        for i in range(count)
    ]


SYLLABLES = ["ar", "bel", "cor", "dan", "el", "fen", "gar", "hol", "ist", "kar", "lin", "mor", "nes", "or"]
REGIONS = ["northern", "southern", "eastern", "western", "central", "coastal"]
TRADES = ["fishing", "farming", "timber", "wool", "tourism", "brewing", "shipbuilding", "pottery"]
BUILDINGS = ["church", "town hall", "castle", "bridge", "mill", "market hall", "abbey"]
JOBS = ["painter", "poet", "engineer", "botanist", "architect", "composer", "historian"]
COMPASS = ["north", "south", "east", "west"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _sentence(rng: random.Random, town: str) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"{town} is a town in the {rng.choice(REGIONS)} part of {_name(rng)}."
    if kind == 1:
        return (
            f"It lies on the {rng.choice(['left', 'right'])} bank of the {_name(rng)} river, about "
            f"{rng.randint(3, 90)} kilometres {rng.choice(COMPASS)} of {_name(rng)}."
        )
    if kind == 2:
        return (
            f"The town had a population of {rng.randint(900, 90000)} at the {rng.randint(1900, 2020)} census."
        )
    if kind == 3:
        first, second = rng.sample(TRADES, 2)
        return (
            f"Its economy has long been based on {first} and {second}, and a market is held there every week."
        )
    if kind == 4:
        return (
            f"The {rng.choice(BUILDINGS)} was built in the {rng.randint(11, 19)}th century and is one of the "
            f"oldest buildings in the {rng.choice(REGIONS)} part of the town."
        )
    return (
        f"The {rng.choice(JOBS)} {_name(rng)} {_name(rng)} was born in {town} in {rng.randint(1700, 1990)} "
        f"and lived there for most of the rest of his life."
    )


def town_paragraphs(seed: int, paragraphs: int) -> list[str]:
    """Seeded encyclopedic paragraphs about invented towns: a title line, then paragraphs of 3-6 sentences."""
    rng = random.Random(seed)
    lines: list[str] = []
    for _ in range(paragraphs):
        town = _name(rng)
        if rng.random() < 0.3:
            lines.append(town)
        lines.append(" ".join(_sentence(rng, town) for _ in range(rng.randint(3, 6))))
        lines.append("")
    return lines
