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
