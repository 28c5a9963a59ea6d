"""LLaMA's Wikipedia-reference classifier: choose examples (Beam), train fastText (one process), score every page.

train_classifier:
    References (Wikipedia's cited URLs, normalized, distinct) + Documents (CommonCrawl, >= min_characters,
    keyed by normalized URL) -> JoinUrls (CoGroupByKey) -> positives: pages Wikipedia cites, plus any crawled
    reference pages the recipe names (WARC/WET or Parquet); candidates: every other page
    -> DrawNegatives (seeded rank under 1.5x the rate that gives as many as positives; then exactly that many,
    the smallest ranks, choosing by (rank, id) alone) -> the `examples` table
    then, in one process: examples -> held-out split by id -> fastText on the training units at the recipe's
    granularity -> held-out precision / recall / AUC, per document and per paragraph scored alone (RP #62)
    -> `classifier.bin`, `classifier.json`. Too few positives: no model, said in one line and recorded; the
    classify stage then leaves documents unscored and the filter skips the classifier threshold.
    `classifier.model` names a model to use instead of training one.
classify: ReadParts -> ScoreWikiReference (signals["wiki_ref_prob"]) -> WriteStageOutputs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq

from beam_jobs.framework import Stage, StageRun, describe_files, print_counts, run_beam, run_one, run_steps
from beam_jobs.stage import (
    COUNTS,
    DOCUMENTS,
    REJECTS,
    ReadParts,
    SideOutput,
    StageDoFn,
    WriteStageOutputs,
    merge,
)
from filters.reference_classifier import (
    ReferenceClassifier,
    document_probability,
    evaluate,
    is_held_out,
    negative_rank,
    train_classifier,
    units,
)
from filters.thresholds import WIKI_REF_SIGNAL
from filters.urls import normalize_url
from pipeline.config import ClassifierConfig, Recipe, load_recipe
from pipeline.document import Document
from pipeline.errors import UserError
from pipeline.io import (
    copy_atomic,
    expand_inputs,
    filesystem,
    iter_documents,
    join,
    open_file,
    read_json,
    resolve_path,
    stage_parts,
    write_json,
)
from pipeline.rejects import Reject
from pipeline.sources.commoncrawl import read_documents

MODEL_FILE = "classifier.bin"
REPORT_FILE = "classifier.json"
EXAMPLES = SideOutput(
    "examples",
    pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("wiki", pa.bool_(), nullable=False),
            pa.field("origin", pa.string(), nullable=False),  # cited | reference_page | commoncrawl
            pa.field("url", pa.string()),
            pa.field("text", pa.string(), nullable=False),
        ]
    ),
    sort_key=lambda row: (row["id"], row["text"]),
    part_key=lambda row: row["id"],
)
MIN_MEANINGFUL = 20  # held-out examples per label under which the printed figures carry a warning
NEGATIVE_MARGIN = 1.5  # candidates drawn at 1.5x the needed rate, then cut to exactly as many as positives


# ---- choosing examples (Beam) ---------------------------------------------------------------------------


def _reference_urls(path: str) -> Iterator[str]:
    """The normalized URLs of one `references` part (Wikipedia's cited URLs)."""
    with open_file(path, "rb") as handle:  # through fsspec: local paths, gs://, memory://
        table = pq.read_table(handle, columns=["url"])
    for url in table.column("url").to_pylist():
        normalized = normalize_url(url or "")
        if normalized:
            yield normalized


def _example(document: Document, wiki: bool, origin: str) -> dict[str, Any]:
    return {"id": document.id, "wiki": wiki, "origin": origin, "url": document.url, "text": document.text}


class JoinUrls(StageDoFn):
    """One normalized URL, whether Wikipedia cites it, and the pages at it -> positives or candidates."""

    def handle(self, element):
        _, grouped = element
        cited = bool(grouped["cited"])
        for document in sorted(grouped["documents"], key=lambda d: d.id):
            if cited:
                self.count("positive:cited")
                yield _example(document, True, "cited")
            else:
                yield beam.pvalue.TaggedOutput("candidates", document)


class ReadReferencePages(StageDoFn):
    """A user's crawled reference pages: a WARC/WET file, or a Parquet part of documents -> positives."""

    def __init__(self, namespace: str, min_characters: int):
        super().__init__(namespace)
        self.min_characters = min_characters

    def handle(self, path: str):
        documents = iter_documents(path) if path.endswith(".parquet") else self._warc_documents(path)
        for document in documents:
            if isinstance(document, Reject):
                yield from self.reject(document)
            elif len(document.text) < self.min_characters:
                self.count("dropped:reference_page_too_short")
            else:
                self.count("positive:reference_page")
                yield _example(document, True, "reference_page")

    def _warc_documents(self, path: str):
        for _, outcome in read_documents(path, min_length=0):
            if isinstance(outcome, (Document, Reject)):
                yield outcome

    def locate(self, element):
        return str(element), None, None


class DrawNegatives(StageDoFn):
    """A candidate page, kept as a negative when its seeded rank falls under the rate that draws about
    NEGATIVE_MARGIN times as many pages as there are positives (the exact cut follows)."""

    def __init__(self, namespace: str, seed: int):
        super().__init__(namespace)
        self.seed = seed

    def process(self, element, positives, candidates):
        self.rate = min(1.0, NEGATIVE_MARGIN * positives / candidates) if candidates else 0.0
        yield from super().process(element)

    def handle(self, document: Document):
        rank = negative_rank(document.id, self.seed)
        if rank < self.rate:
            yield rank, document


def _first_ranks(ranks: list[tuple[float, str]], positives: int) -> set[str]:
    """The ids of the `positives` smallest (rank, id): only ids travel to one worker, never pages."""
    return {doc_id for _, doc_id in sorted(ranks)[:positives]}


def _negative(pair: tuple[float, Document], chosen: set[str]) -> Iterator[dict[str, Any]]:
    if pair[1].id in chosen:
        yield _example(pair[1], False, "commoncrawl")


def _long_enough(document: Document, min_characters: int) -> bool:
    return len(document.text) >= min_characters


def _keyed_by_url(document: Document):
    yield normalize_url(document.url or "") or f"\x00no-url:{document.id}", document


def select_examples(run: StageRun) -> dict[str, Any]:
    """The Beam part: the `examples` table (positives, then as many drawn negatives) in run.work."""
    config, seed = run.recipe.classifier, run.recipe.seed
    reference_parts = sorted(p for folder in run.input("references") for p in stage_parts(folder))
    reference_pages = (
        expand_inputs(config.reference_pages, run.recipe.folder) if config.reference_pages else []
    )

    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        documents = read[DOCUMENTS] | "LongEnough" >> beam.Filter(_long_enough, config.min_characters)
        cited = (
            pipeline
            | "ListReferences" >> beam.Create(reference_parts)
            | "ReferenceUrls" >> beam.FlatMap(_reference_urls)
            | "DistinctUrls" >> beam.Distinct()
            | "KeyUrls" >> beam.Map(lambda url: (url, True))
        )
        joined = (
            {"cited": cited, "documents": documents | "KeyByUrl" >> beam.FlatMap(_keyed_by_url)}
            | "JoinUrls" >> beam.CoGroupByKey()
            | "Positives"
            >> beam.ParDo(JoinUrls(run.namespace)).with_outputs(
                REJECTS, COUNTS, "candidates", main="positives"
            )
        )
        pages = (
            pipeline
            | "ListReferencePages" >> beam.Create(reference_pages)
            | "ReadReferencePages"
            >> beam.ParDo(ReadReferencePages(run.namespace, config.min_characters)).with_outputs(
                REJECTS, COUNTS, main="positives"
            )
        )
        positives = merge([joined["positives"], pages["positives"]], "AllPositives")
        n_positives = positives | "CountPositives" >> beam.combiners.Count.Globally()
        n_candidates = joined["candidates"] | "CountCandidates" >> beam.combiners.Count.Globally()
        drawn = joined["candidates"] | "DrawNegatives" >> beam.ParDo(
            DrawNegatives(run.namespace, seed),
            beam.pvalue.AsSingleton(n_positives),
            beam.pvalue.AsSingleton(n_candidates),
        ).with_outputs(REJECTS, COUNTS, main="drawn")
        chosen = (
            drawn["drawn"]
            | "Ranks" >> beam.Map(lambda pair: (pair[0], pair[1].id))
            | "CollectRanks" >> beam.combiners.ToList()
            | "FirstRanks" >> beam.Map(_first_ranks, beam.pvalue.AsSingleton(n_positives))
        )
        negatives = drawn["drawn"] | "CutNegatives" >> beam.FlatMap(
            _negative, beam.pvalue.AsSingleton(chosen)
        )
        outputs = {
            EXAMPLES.name: merge([positives, negatives], "AllExamples"),
            REJECTS: merge([read[REJECTS], joined[REJECTS], pages[REJECTS], drawn[REJECTS]], "MergeRejects"),
            COUNTS: merge([read[COUNTS], joined[COUNTS], pages[COUNTS], drawn[COUNTS]], "MergeCounts"),
        }
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout, (EXAMPLES,))

    return run_beam(run, build)


# ---- training and held-out figures (one process) --------------------------------------------------------


def _examples(work: str) -> Iterator[dict[str, Any]]:
    for part in stage_parts(join(work, EXAMPLES.name)):
        with open_file(part, "rb") as handle:
            for batch in pq.ParquetFile(handle).iter_batches(batch_size=1024):
                yield from batch.to_pylist()


def train_and_evaluate(work: str, config: ClassifierConfig, seed: int, threshold: float) -> dict[str, Any]:
    """fastText on the training examples' units; metrics on the held-out examples, per document (at the
    configured granularity) and per paragraph scored alone."""

    def held_out(row: dict[str, Any]) -> bool:
        return is_held_out(row["id"], config.holdout_fraction, seed)

    def training_units():
        for row in _examples(work):
            if not held_out(row):
                for unit in units(row["text"], config.granularity, config.min_paragraph_characters):
                    yield row["wiki"], unit

    with tempfile.TemporaryDirectory(prefix="llama-data-classifier-") as tmp:
        trained = train_classifier(
            training_units(),
            join(work, MODEL_FILE),
            seed=seed,
            epoch=config.epoch,
            lr=config.lr,
            dim=config.dim,
            word_ngrams=config.word_ngrams,
            tmp_dir=tmp,
        )
    classifier = ReferenceClassifier(join(work, MODEL_FILE))
    documents: tuple[list[float], list[bool]] = ([], [])
    paragraphs: tuple[list[float], list[bool]] = ([], [])
    for row in _examples(work):
        if not held_out(row):
            continue
        probability = document_probability(
            classifier, row["text"], config.granularity, config.min_paragraph_characters
        )
        if probability is not None:
            documents[0].append(probability)
            documents[1].append(row["wiki"])
        for unit in units(row["text"], "paragraph", config.min_paragraph_characters):
            paragraphs[0].append(classifier.probability(unit))
            paragraphs[1].append(row["wiki"])
    return {
        "training": trained,
        "held_out": {
            "documents": _metrics(documents, threshold),
            "paragraphs_scored_alone": _metrics(paragraphs, threshold),
        },
    }


def _metrics(scored: tuple[list[float], list[bool]], threshold: float) -> dict[str, Any] | str:
    scores, labels = scored
    if not any(labels) or all(labels):
        return f"needs both labels among held-out units (got {sum(labels)} wiki of {len(labels)})"
    return evaluate(scores, labels, threshold)


def run_train_classifier(run: StageRun) -> dict[str, Any]:
    config = run.recipe.classifier
    if config.model:
        sha256 = copy_atomic(given_model(run.recipe), join(run.work, MODEL_FILE))
        report = {"status": "given", "model": config.model, "sha256": sha256}
        print(f"train_classifier: using the model the recipe names ({config.model})", file=sys.stderr)
        write_json(join(run.work, REPORT_FILE), report)
        return {"counts": {}, "outputs": describe_files(run.work), "extra": {"classifier": report}}
    record = select_examples(run)
    positives = sum(n for k, n in record["counts"].items() if k.startswith("positive:"))
    if positives < config.min_positives:
        reason = (
            f"{positives} positive pages (Wikipedia-cited pages in the input, plus classifier.reference_pages) "
            f"< classifier.min_positives {config.min_positives}"
        )
        print(
            f"train_classifier: skipped, no classifier trained: {reason}; the filter will not apply the "
            "classifier threshold (set classifier.model to use a trained one)",
            file=sys.stderr,
        )
        report: dict[str, Any] = {"status": "skipped", "reason": reason, "positives": positives}
    else:
        report = {"status": "trained", "positives": positives}
        report.update(
            train_and_evaluate(run.work, config, run.recipe.seed, run.recipe.filter.min_wiki_ref_prob)
        )
    write_json(join(run.work, REPORT_FILE), report)
    record["outputs"] = sorted(
        record["outputs"] + describe_files(run.work, exclude=tuple(o["file"] for o in record["outputs"])),
        key=lambda e: e["file"],
    )
    record["documents_out"] = 0
    record["characters_out"] = 0
    record["extra"] = {"classifier": {k: v for k, v in report.items() if k != "training"}}
    return record


def given_model(recipe: Recipe) -> str:
    """The fastText model the recipe names (`classifier.model`), taken from the recipe's folder if relative."""
    return resolve_path(recipe.classifier.model, recipe.folder)


def _classifier_inputs(run: StageRun) -> list[str]:
    config = run.recipe.classifier
    files = [given_model(run.recipe)] if config.model else []
    if config.reference_pages:
        files += expand_inputs(config.reference_pages, run.recipe.folder)
    return files


def describe_classifier(manifest, directory: str) -> dict[str, Any]:
    return {"classifier": manifest.extra.get("classifier", {})}


TRAIN_CLASSIFIER = Stage(
    name="train_classifier",
    folder="classifier",
    consumes=("documents",),
    optional=("references",),
    produces=("classifier",),
    config=("classifier", "filter.min_wiki_ref_prob"),
    code=("beam_jobs.classifier", "filters.reference_classifier", "filters.urls", "filters.text_normalizer"),
    run=run_train_classifier,
    uses_seed=True,
    sources=lambda recipe: recipe.classifier.sources,
    inputs_from={"references": lambda recipe: ["wikipedia"]},
    extra_inputs=_classifier_inputs,
    describe=describe_classifier,
)


# ---- classify -------------------------------------------------------------------------------------------


class ClassifyStep:
    """signals["wiki_ref_prob"] of a document at the classifier's granularity; with no model, the document
    passes unscored (counted), so the filter knows the classifier was skipped."""

    def __init__(self, model: str | None, config: ClassifierConfig):
        self.classifier = ReferenceClassifier(model) if model else None
        self.config = config

    def setup(self) -> None:
        if self.classifier is not None:
            self.classifier.load()

    def __call__(self, document: Document) -> tuple[str, Document | None]:
        if self.classifier is None:
            return "kept:no_classifier", document
        probability = document_probability(
            self.classifier, document.text, self.config.granularity, self.config.min_paragraph_characters
        )
        if probability is None:
            return "kept:no_unit", document
        document.signals[WIKI_REF_SIGNAL] = round(probability, 6)
        return "kept", document


def classifier_model(run: StageRun) -> str | None:
    """The classifier train_classifier wrote (None when it skipped training), or the recipe's model."""
    folders = run.input("classifier")
    if folders:
        path = join(folders[0], MODEL_FILE)
        fs, resolved = filesystem(path)
        return path if fs.exists(resolved) else None
    if run.recipe.classifier.model:
        return given_model(run.recipe)
    raise UserError(
        "classify: no classifier: list train_classifier before classify in the recipe's stages, "
        "or set classifier.model to a fastText model"
    )


def run_classify(run: StageRun) -> dict[str, Any]:
    model = classifier_model(run)
    record = run_steps(run, [("ScoreWikiReference", ClassifyStep(model, run.recipe.classifier))])
    record["extra"] = {"classifier": model or "none (train_classifier skipped)"}
    return record


CLASSIFY = Stage(
    name="classify",
    folder="classify",
    consumes=("documents",),
    optional=("classifier",),
    produces=("documents",),
    config=("classifier.model", "classifier.granularity", "classifier.min_paragraph_characters", "execution"),
    code=("beam_jobs.classifier", "filters.reference_classifier", "filters.text_normalizer"),
    run=run_classify,
    per_source=True,
    groupable=True,
    sources=lambda recipe: recipe.classifier.sources,
    extra_inputs=lambda run: (
        [given_model(run.recipe)] if run.recipe.classifier.model and not run.input("classifier") else []
    ),
)


# ---- command --------------------------------------------------------------------------------------------


def main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data train-classifier --input DIR... --output DIR [--references DIR] [--reference-pages F...]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    if args.reference_pages:
        recipe = replace(
            recipe, classifier=replace(recipe.classifier, reference_pages=list(args.reference_pages))
        )
    inputs = {"documents": list(args.input), "references": list(args.references or [])}
    manifest, ran = run_one(TRAIN_CLASSIFIER, recipe, inputs, args.output, beam_args, args.force)
    if not ran:
        print(f"train-classifier: {args.output} is up to date (its manifest matches); --force re-trains")
    print_counts(manifest)
    report = read_json(join(args.output, REPORT_FILE))
    print_report(report)
    return 0


def print_report(report: dict[str, Any]) -> None:
    if report["status"] != "trained":
        print(f"classifier: {report['status']}: {report.get('reason', report.get('model', ''))}")
        return
    training = report["training"]
    print(f"classifier: trained on {training['labels']} units ({training['vocabulary']:,} words)")
    for name, metrics in report["held_out"].items():
        if isinstance(metrics, str):
            print(f"held-out {name}: {metrics}")
            continue
        print(
            f"held-out {name}: AUC {metrics['auc']:.3f}, precision {metrics['precision']:.3f}, recall "
            f"{metrics['recall']:.3f} at wiki_ref_prob >= {metrics['threshold']:g} "
            f"({metrics['positives']} wiki, {metrics['negatives']} cc"
            f"{'; too few to mean much' if min(metrics['positives'], metrics['negatives']) < MIN_MEANINGFUL else ''})"
        )


__all__ = ["CLASSIFY", "TRAIN_CLASSIFIER", "main"]
