"""CCNet's quality stages: per-language models trained on Wikipedia, then perplexity and buckets for CommonCrawl.

train_quality (plain Python): Wikipedia documents -> one corpus per language (first `max_documents` documents,
    streamed to a temporary file) -> SentencePiece unigram + KenLM 5-gram per language with enough text
    (filters/quality_models.py) -> `<lang>.sp.model`, `<lang>.arpa.bin`, `models.json`.
quality (Beam): ReadParts -> ScorePerplexity (models loaded once per worker; `perplexity` and
    signals["perplexity"]) -> Histogram (CombinePerKey of (language, perplexity) counts: the cutoffs need no
    list of values) -> AssignBucket (cutoffs from the recipe, else `cutoffs.json` beside the models, else this
    input's own percentiles) -> WriteStageOutputs, plus `cutoffs.json`: each language's p0..p100 and the
    cutoffs used, with where they came from.
`llama-data cutoffs` writes `cutoffs.json` beside the models from scored documents (a reference sample).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from typing import Any

import apache_beam as beam

from beam_jobs.framework import Stage, StageRun, describe_files, print_counts, run_beam, run_one
from beam_jobs.stage import COUNTS, DOCUMENTS, REJECTS, ReadParts, StageDoFn, WriteStageOutputs, merge
from filters.perplexity import QualityModels, bucket_of, cutoffs_from_counts, percentile_table
from filters.quality_models import model_files, train_language_model
from pipeline.config import QualityConfig, Recipe, load_recipe
from pipeline.errors import UserError
from pipeline.io import (
    filesystem,
    find_parts,
    iter_documents,
    join,
    read_json,
    resolve_path,
    write_json,
)

MODELS_FILE = "models.json"
CUTOFFS_FILE = "cutoffs.json"
QUALITY_DIR = "quality_models"


# ---- train_quality --------------------------------------------------------------------------------------


def run_train_quality(run: StageRun) -> dict[str, Any]:
    config = run.recipe.quality
    counts: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    characters: Counter[str] = Counter()
    models: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="llama-data-quality-") as tmp:
        corpora: dict[str, Any] = {}
        try:
            for part in find_parts(run.input("documents")):
                for document in iter_documents(part, columns=["id", "source", "text", "language"]):
                    counts["documents_in"] += 1
                    counts["characters_in"] += len(document.text)
                    language = document.language or ""
                    if config.languages and language not in config.languages:
                        counts["skipped:language_not_asked"] += 1
                        continue
                    if documents[language] >= config.max_documents:
                        counts["skipped:max_documents"] += 1
                        continue
                    if language not in corpora:
                        corpora[language] = open(os.path.join(tmp, f"{language or 'none'}.txt"), "w")  # noqa: SIM115
                    corpora[language].write(document.text.strip("\n") + "\n")
                    documents[language] += 1
                    characters[language] += len(document.text)
        finally:
            for handle in corpora.values():
                handle.close()
        for language in sorted(corpora):
            if not language or characters[language] < config.min_characters:
                why = (
                    "documents without a language"
                    if not language
                    else (f"{characters[language]:,} characters < quality.min_characters")
                )
                skipped[language or "(none)"] = why
                counts[f"no_model:{language or 'none'}"] += documents[language]
                continue
            with open(os.path.join(tmp, f"{language}.txt")) as lines:  # the models go straight to run.work
                models[language] = train_language_model(
                    language,
                    (line.rstrip("\n") for line in lines),
                    run.work,
                    order=config.order,
                    vocab_size=config.vocab_size or None,
                    memory=config.lmplz_memory,
                    tmp_dir=tmp,
                )
            counts[f"trained:{language}"] += documents[language]
    for language, why in sorted(skipped.items()):
        print(f"train_quality: no model for {language}: {why}", file=sys.stderr)
    write_json(join(run.work, MODELS_FILE), {"models": models, "skipped": skipped})
    return {
        "counts": {k: v for k, v in sorted(counts.items()) if k not in ("documents_in", "characters_in")},
        "documents_in": counts["documents_in"],
        "characters_in": counts["characters_in"],
        "documents_out": sum(documents[lang] for lang in models),
        "characters_out": sum(characters[lang] for lang in models),
        "outputs": describe_files(run.work),
        "extra": {"languages": sorted(models), "skipped": skipped},
    }


def describe_models(manifest, directory: str) -> dict[str, Any]:
    return {"models": directory, "languages": manifest.extra.get("languages", [])}


TRAIN_QUALITY = Stage(
    name="train_quality",
    folder=QUALITY_DIR,
    consumes=("documents",),
    produces=("quality_models",),
    config=(
        "quality.languages",
        "quality.max_documents",
        "quality.min_characters",
        "quality.vocab_size",
        "quality.order",
        "quality.lmplz_memory",
    ),
    code=("beam_jobs.quality", "filters.quality_models", "filters.text_normalizer"),
    run=run_train_quality,
    sources=lambda recipe: ["wikipedia"],  # CCNet's models are trained on Wikipedia
    describe=describe_models,
)


# ---- quality: perplexity and buckets --------------------------------------------------------------------


class ScorePerplexity(StageDoFn):
    """A document's perplexity under its language's models (loaded once per worker)."""

    def __init__(self, namespace: str, models: QualityModels):
        super().__init__(namespace)
        self.models = models

    def setup(self):
        super().setup()
        self.models.setup()

    def teardown(self):
        self.models.close()
        super().teardown()

    def handle(self, document):
        language = document.language or "none"
        if language not in self.models.languages:
            self.count(f"no_model:{language}")
        else:
            document.perplexity = self.models.perplexity(document.text, document.language)
            if document.perplexity is None:
                self.count(f"unscored:{language}")  # no line left after normalization
            else:
                document.signals["perplexity"] = document.perplexity
                self.count(f"scored:{language}")
        yield document


class AssignBucket(StageDoFn):
    """head / middle / tail at the language's cutoffs (a side input); `all` without a perplexity or cutoffs."""

    def process(self, element, cutoffs):
        self.cutoffs = cutoffs
        yield from super().process(element)

    def handle(self, document):
        entry = self.cutoffs.get(document.language or "")
        document.bucket = bucket_of(document.perplexity, tuple(entry["cutoffs"]) if entry else None)
        self.count(f"bucket:{document.bucket}")
        self.count("kept")
        yield document


def _histogram_key(document):
    if document.perplexity is not None:
        yield (document.language, document.perplexity), 1


def _by_language(histograms: list) -> dict[str, dict[float, int]]:
    table: dict[str, dict[float, int]] = {}
    for (language, perplexity), count in sorted(histograms):
        table.setdefault(language, {})[perplexity] = count
    return table


def resolve_cutoffs(
    histograms: dict[str, dict[float, int]], config: QualityConfig, beside_models: dict[str, Any]
) -> dict[str, Any]:
    """Per language: its percentile table over these documents, and the cutoffs to bucket with, and from where
    (the recipe's `quality.cutoffs`, then `cutoffs.json` beside the models, then this input's percentiles)."""
    percentiles = (config.percentiles[0], config.percentiles[1])
    languages = sorted(set(histograms) | set(config.cutoffs) | set(beside_models))
    table: dict[str, Any] = {}
    for language in languages:
        counts = histograms.get(language, {})
        entry: dict[str, Any] = {"documents": sum(counts.values())}
        if counts:
            entry["percentiles"] = percentile_table(counts)
        if language in config.cutoffs:
            entry["cutoffs"], entry["from"] = list(config.cutoffs[language]), "config"
        elif language in beside_models:
            entry["cutoffs"], entry["from"] = list(beside_models[language]["cutoffs"]), "models"
        elif counts:
            entry["cutoffs"], entry["from"] = list(cutoffs_from_counts(counts, percentiles)), "data"
        table[language] = entry
    return {"percentiles": list(percentiles), "languages": table}


def read_cutoffs(models_dir: str) -> dict[str, Any]:
    """The languages of `cutoffs.json` beside the models ({} when there is none)."""
    path = join(models_dir, CUTOFFS_FILE)
    fs, resolved = filesystem(path)
    return read_json(path).get("languages", {}) if fs.exists(resolved) else {}


def models_folder(run: StageRun) -> str:
    """train_quality's output, or the recipe's `quality.models`; a one-line error when there is neither."""
    upstream = run.input("quality_models")
    if upstream:
        return upstream[0]
    if run.recipe.quality.models:
        return resolve_path(run.recipe.quality.models, run.recipe.folder)
    raise UserError(
        "quality: no models to score with: list train_quality before quality in the recipe's stages, "
        "or set quality.models to a folder of <lang>.sp.model and <lang>.arpa.bin"
    )


def run_quality(run: StageRun) -> dict[str, Any]:
    models_dir = models_folder(run)
    models = QualityModels(models_dir)  # no model at all is allowed: every document is then counted, in `all`
    if not models.languages:
        print(
            f"quality: {models_dir} holds no <lang>.sp.model + <lang>.arpa.bin pair: every document "
            "gets bucket `all`",
            file=sys.stderr,
        )
    config, beside = run.recipe.quality, read_cutoffs(models_dir)
    work = run.work

    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        scored = read[DOCUMENTS] | "ScorePerplexity" >> beam.ParDo(
            ScorePerplexity(run.namespace, models)
        ).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        cutoffs = (
            scored[DOCUMENTS]
            | "HistogramKeys" >> beam.FlatMap(_histogram_key)
            | "Histogram" >> beam.CombinePerKey(sum)
            | "CollectHistogram" >> beam.combiners.ToList()
            | "Cutoffs" >> beam.Map(lambda pairs: resolve_cutoffs(_by_language(pairs), config, beside))
        )
        _ = cutoffs | "WriteCutoffs" >> beam.Map(lambda table: write_json(join(work, CUTOFFS_FILE), table))
        bucketed = scored[DOCUMENTS] | "AssignBucket" >> beam.ParDo(
            AssignBucket(run.namespace),
            beam.pvalue.AsSingleton(cutoffs | "Languages" >> beam.Map(_languages)),
        ).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
        outputs = {
            DOCUMENTS: bucketed[DOCUMENTS],
            REJECTS: merge([read[REJECTS], scored[REJECTS], bucketed[REJECTS]], "MergeRejects"),
            COUNTS: merge([read[COUNTS], scored[COUNTS], bucketed[COUNTS]], "MergeCounts"),
        }
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout)

    record = run_beam(run, build)
    record["outputs"] += describe_files(
        work, exclude=tuple(o["file"] for o in record["outputs"])
    )  # cutoffs.json
    table = read_json(join(work, CUTOFFS_FILE))
    record["extra"] = {
        "models": models_dir,
        "cutoffs": {lang: e for lang, e in table["languages"].items() if "cutoffs" in e},
    }
    return record


def _languages(table: dict[str, Any]) -> dict[str, Any]:
    return table["languages"]


def _quality_inputs(run: StageRun) -> list[str]:
    """Files beside the models that change the output: `cutoffs.json`, and a user's models themselves."""
    try:
        models_dir = models_folder(run)
    except UserError:
        return []
    files = [join(models_dir, CUTOFFS_FILE)]
    if not run.input("quality_models"):
        for language in QualityModels(models_dir).languages:
            files += [join(models_dir, name) for name in model_files(language)]
    return files


def describe_quality(manifest, directory: str) -> dict[str, Any]:
    return {"cutoffs": manifest.extra.get("cutoffs", {})}


QUALITY = Stage(
    name="quality",
    folder="quality",
    consumes=("documents",),
    optional=("quality_models",),
    produces=("documents",),
    config=("quality.models", "quality.percentiles", "quality.cutoffs", "execution.output_shards"),
    code=("beam_jobs.quality", "filters.perplexity", "filters.text_normalizer"),
    run=run_quality,
    per_source=True,
    sources=lambda recipe: recipe.quality.sources,
    extra_inputs=_quality_inputs,
    describe=describe_quality,
)


# ---- commands -------------------------------------------------------------------------------------------


def train_main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data train-quality --input DIR... --output DIR [--lang xx ...] [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    if args.lang:
        recipe = replace(recipe, quality=replace(recipe.quality, languages=list(args.lang)))
    manifest, ran = run_one(TRAIN_QUALITY, recipe, {"documents": list(args.input)}, args.output)
    if not ran:
        print(f"train-quality: {args.output} is up to date (its manifest matches); --force re-trains")
    models = read_json(join(args.output, MODELS_FILE))
    print(f"{'language':<9} {'lines':>10} {'characters':>13} {'vocab':>7}  files")
    for language, entry in models["models"].items():
        sp_name, lm_name = model_files(language)
        print(
            f"{language:<9} {entry['lines']:>10,} {entry['characters']:>13,} {entry['vocab_size']:>7,}  "
            f"{join(args.output, sp_name)}, {join(args.output, lm_name)}"
        )
    for language, why in models["skipped"].items():
        print(f"{language:<9} no model: {why}")
    return 0


def score_main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data score --input DIR... --models DIR --output DIR [--config YAML] [--force]`."""
    recipe = load_recipe(args.config) if args.config else Recipe()
    recipe = replace(recipe, quality=replace(recipe.quality, models=args.models))
    manifest, ran = run_one(
        QUALITY, recipe, {"documents": list(args.input)}, args.output, beam_args, args.force
    )
    if not ran:
        print(f"score: {args.output} is up to date (its manifest matches); --force re-runs")
    print_counts(manifest)
    for language, entry in manifest.extra.get("cutoffs", {}).items():
        print(f"cutoffs {language}: {entry['cutoffs'][0]:g} / {entry['cutoffs'][1]:g} (from {entry['from']})")
    return 0


def cutoffs_main(args: argparse.Namespace, beam_args: list[str]) -> int:
    """`llama-data cutoffs --input DIR... --models DIR [--percentiles 30 60]`: cutoffs.json beside the models,
    from the perplexities of scored documents (a reference sample), streamed."""
    histograms: dict[str, Counter[float]] = {}
    for part in find_parts(list(args.input)):
        for document in iter_documents(part, columns=["id", "source", "text", "language", "perplexity"]):
            if document.perplexity is not None:
                histograms.setdefault(document.language or "", Counter())[document.perplexity] += 1
    if not histograms:
        raise UserError(
            f"cutoffs: no scored documents in {' '.join(args.input)} (run `llama-data score` first)"
        )
    config = QualityConfig(percentiles=[float(p) for p in args.percentiles])
    config.validate("--percentiles")
    table = resolve_cutoffs({k: dict(v) for k, v in histograms.items()}, config, {})
    table["reference"] = list(args.input)
    write_json(join(args.models, CUTOFFS_FILE), table)
    for language, entry in table["languages"].items():
        print(
            f"{language}: p{config.percentiles[0]:g} {entry['cutoffs'][0]:g}, "
            f"p{config.percentiles[1]:g} {entry['cutoffs'][1]:g} ({entry['documents']:,} documents)"
        )
    print(f"wrote {join(args.models, CUTOFFS_FILE)}")
    return 0


__all__ = ["QUALITY", "TRAIN_QUALITY", "cutoffs_main", "score_main", "train_main"]
