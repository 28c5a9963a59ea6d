"""Every stage `llama-data run` knows, by the name a recipe's `stages:` list uses. A new stage is one module
with its `Stage` declaration, plus its line here."""

from __future__ import annotations

from beam_jobs.c4 import C4_FILTER
from beam_jobs.classifier import CLASSIFY, TRAIN_CLASSIFIER
from beam_jobs.exact_dedup import EXACT_DEDUP
from beam_jobs.filter import FILTER
from beam_jobs.framework import Stage
from beam_jobs.ingest import INGEST
from beam_jobs.langid import LANGID
from beam_jobs.minhash import MINHASH
from beam_jobs.mix import MIX
from beam_jobs.paragraph_dedup import PARAGRAPH_DEDUP
from beam_jobs.quality import QUALITY, TRAIN_QUALITY
from beam_jobs.tokenize import TOKENIZE
from beam_jobs.tokenizer import TRAIN_TOKENIZER
from beam_jobs.train import TRAIN

REGISTRY: dict[str, Stage] = {
    s.name: s
    for s in (
        INGEST,
        EXACT_DEDUP,  # GitHub: the same file in many repositories, kept once (LLaMA)
        PARAGRAPH_DEDUP,
        C4_FILTER,  # C4's rules on CommonCrawl pages; TFDS cleans and dedups, then identifies languages
        LANGID,
        TRAIN_QUALITY,
        QUALITY,
        TRAIN_CLASSIFIER,
        CLASSIFY,
        MINHASH,
        FILTER,
        TRAIN_TOKENIZER,
        TOKENIZE,
        MIX,
        TRAIN,
    )
}
