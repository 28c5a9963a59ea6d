"""The filter stage's decisions: the recipe's thresholds applied to signals already on each document.

    bucket    the perplexity bucket must be one the recipe keeps (RedPajama kept head + middle)
    wiki_ref  signals["wiki_ref_prob"] >= filter.min_wiki_ref_prob (RedPajama: 0.25), when the document was
              classified; a document the classifier never saw (the classifier was skipped) passes, counted

Nothing is recomputed here, so changing a threshold re-runs only this stage.
"""

from __future__ import annotations

from pipeline.config import FilterConfig
from pipeline.document import Document

WIKI_REF_SIGNAL = "wiki_ref_prob"


def filter_decision(document: Document, config: FilterConfig) -> str:
    """`kept`, `kept:unclassified`, or the first threshold the document fails (`dropped:bucket_<b>`,
    `dropped:wiki_ref_prob`)."""
    bucket = document.bucket or "all"
    if bucket not in config.buckets:
        return f"dropped:bucket_{bucket}"
    probability = document.signals.get(WIKI_REF_SIGNAL)
    if probability is None:
        return "kept:unclassified"
    if probability < config.min_wiki_ref_prob:
        return "dropped:wiki_ref_prob"
    return "kept"


class FilterStep:
    """filter_decision as a per-document step (beam_jobs.stage.DocumentStep)."""

    def __init__(self, config: FilterConfig):
        self.config = config

    def setup(self) -> None:
        pass

    def __call__(self, document: Document) -> tuple[str, Document | None]:
        decision = filter_decision(document, self.config)
        return decision, document if decision.startswith("kept") else None
