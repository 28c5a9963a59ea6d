"""The `llama-data` command line.

Each command's options are declared here, so `--help` is instant; its work lives in the module named in
COMMANDS and is imported only when the command runs. Commands that run Beam jobs pass every option they do
not know to Beam untouched (--runner, --direct_num_workers, Dataflow, Spark and Flink options).
A user's mistake ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable

from pipeline.document import SOURCES
from pipeline.errors import UserError
from pipeline.quiet import quiet_beam

BEAM_NOTE = (
    "Unknown options are passed to Apache Beam (e.g. --runner=DataflowRunner --project=... --region=...)."
)


def _ingest(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", choices=SOURCES, help="which source's reader to use")
    p.add_argument(
        "--input",
        nargs="+",
        required=True,
        metavar="GLOB",
        help="files, folders or globs (local or fsspec URLs)",
    )
    p.add_argument(
        "--output", required=True, metavar="DIR", help="output root; writes <DIR>/ingest/<source>/"
    )
    p.add_argument(
        "--config", metavar="YAML", help="recipe whose ingest/langid sections apply (default: built-in)"
    )
    p.add_argument("--force", action="store_true", help="re-run even when the stage's manifest matches")


def _run(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, metavar="YAML", help="the recipe, e.g. configs/sample.yaml")
    p.add_argument("--output", required=True, metavar="DIR", help="output root for every stage")
    p.add_argument("--force", action="store_true", help="re-run stages even when their manifests match")
    p.add_argument("--stages", metavar="A,B", help="run only these stages (default: the recipe's list)")


def _documents_stage(p: argparse.ArgumentParser, what: str) -> None:
    """--input/--output/--config/--force, shared by the commands that run one document stage."""
    p.add_argument("--input", nargs="+", required=True, metavar="DIR", help="stage outputs holding documents")
    p.add_argument("--output", required=True, metavar="DIR", help=f"folder for the {what} documents")
    p.add_argument("--config", metavar="YAML", help="recipe whose sections apply (default: built-in)")
    p.add_argument("--force", action="store_true", help="re-run even when the stage's manifest matches")


def _dedup_paragraphs(p: argparse.ArgumentParser) -> None:
    _documents_stage(p, "deduplicated")
    p.add_argument(
        "--scope-files",
        type=int,
        metavar="N",
        help="dedup within groups of N input files (0: the whole input)",
    )


def _filter_c4(p: argparse.ArgumentParser) -> None:
    _documents_stage(p, "C4-cleaned")
    p.add_argument(
        "--bad-words",
        metavar="FILE",
        help="a word list, one per line (C4 used LDNOOBW's `en`); pages with one are dropped (default: off)",
    )


def _dedup_exact(p: argparse.ArgumentParser) -> None:
    _documents_stage(p, "exactly deduplicated")


def _dedup_minhash(p: argparse.ArgumentParser) -> None:
    _documents_stage(p, "near-deduplicated")
    p.add_argument(
        "--reference",
        nargs="+",
        metavar="DIR",
        help="an already deduplicated corpus: compared with, never changed",
    )


def _train_quality(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--input", nargs="+", required=True, metavar="DIR", help="Wikipedia documents (a stage output)"
    )
    p.add_argument(
        "--output", required=True, metavar="DIR", help="folder for <lang>.sp.model and <lang>.arpa.bin"
    )
    p.add_argument(
        "--lang", nargs="+", metavar="XX", help="languages to train (default: all with enough text)"
    )
    p.add_argument(
        "--config", metavar="YAML", help="recipe whose quality section applies (default: built-in)"
    )
    p.add_argument("--force", action="store_true", help="re-train even when the manifest matches")


def _score(p: argparse.ArgumentParser) -> None:
    _documents_stage(p, "scored")
    p.add_argument("--models", required=True, metavar="DIR", help="folder of quality models (train-quality)")


def _cutoffs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--input", nargs="+", required=True, metavar="DIR", help="scored documents: the reference sample"
    )
    p.add_argument(
        "--models", required=True, metavar="DIR", help="the models' folder; cutoffs.json is written there"
    )
    p.add_argument("--percentiles", nargs=2, type=float, default=[30.0, 60.0], metavar=("HEAD", "TAIL"))


def _train_classifier(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--input", nargs="+", required=True, metavar="DIR", help="CommonCrawl documents (a stage output)"
    )
    p.add_argument("--output", required=True, metavar="DIR", help="folder for classifier.bin and its report")
    p.add_argument(
        "--references", nargs="+", metavar="DIR", help="Wikipedia's cited URLs (ingest's references/)"
    )
    p.add_argument(
        "--reference-pages", nargs="+", metavar="FILE", help="crawled reference pages (WARC/WET, Parquet)"
    )
    p.add_argument(
        "--config", metavar="YAML", help="recipe whose classifier section applies (default: built-in)"
    )
    p.add_argument("--force", action="store_true", help="re-train even when the manifest matches")


def _train_tokenizer(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--input", nargs="+", required=True, metavar="DIR", help="stage outputs holding kept documents"
    )
    p.add_argument("--output", required=True, metavar="DIR", help="folder for tokenizer.model and its config")
    p.add_argument("--config", metavar="YAML", help="recipe whose tokenizer and mixture sections apply")
    p.add_argument(
        "--force", action="store_true", help="re-train even when the recorded config and inputs match"
    )


def _tokenize(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--input", nargs="+", required=True, metavar="DIR", help="stage outputs holding kept documents"
    )
    p.add_argument("--tokenizer", required=True, metavar="MODEL", help="SentencePiece model file")
    p.add_argument("--output", required=True, metavar="DIR", help="folder for token shards and manifest.json")
    p.add_argument("--config", metavar="YAML", help="recipe whose tokenize section applies")
    p.add_argument("--force", action="store_true", help="re-run even when the manifest matches")


def _mix(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tokens", required=True, metavar="DIR", help="a tokenized dataset (folder with manifest.json)"
    )
    p.add_argument("--config", metavar="YAML", help="recipe whose mixture section applies (default: Table 1)")
    p.add_argument("--token-budget", type=int, metavar="N", help="override the mixture's token budget")
    p.add_argument("--materialize", metavar="DIR", help="write the fixed mixture to new shards in DIR")


def _train(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, metavar="YAML", help="recipe with a train section")
    p.add_argument(
        "--tokens", metavar="DIR", help="tokenized dataset (default: the recipe run's tokens folder)"
    )
    p.add_argument("--output", metavar="DIR", help="checkpoint and log folder")
    p.add_argument("--resume", action="store_true", help="continue from the latest checkpoint in --output")
    p.add_argument("--max-steps", type=int, metavar="N", help="stop after N optimizer steps")
    p.add_argument("--device", metavar="DEV", help="cpu, cuda, cuda:1 ... (default: cuda when available)")


def _generate(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--checkpoint", required=True, metavar="PATH", help="our checkpoint, a Meta or a Hugging Face folder"
    )
    p.add_argument("--prompt", required=True, help="text to continue")
    p.add_argument(
        "--tokenizer", metavar="MODEL", help="SentencePiece model (default: the one the checkpoint names)"
    )
    p.add_argument("--max-new-tokens", type=int, default=64)
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--top-p", type=float, default=0.95)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", metavar="DEV")


def _ablate(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tokens", required=True, metavar="DIR", help="a tokenized dataset (a tokenize stage output)"
    )
    p.add_argument(
        "--mixture",
        action="append",
        required=True,
        metavar="YAML",
        help="a mixture file (name:, mixture:); two or more",
    )
    p.add_argument(
        "--budget", type=int, metavar="N", help="training tokens per run (default: the --config's length)"
    )
    p.add_argument(
        "--preset", metavar="P", help="model preset (default: the --config's train.preset, else tiny)"
    )
    p.add_argument(
        "--output", metavar="DIR", help="writes DIR/ablation/ (default: the tokens folder's parent)"
    )
    p.add_argument(
        "--config", metavar="YAML", help="base recipe: its train section and mixture defaults apply"
    )
    p.add_argument("--seed", type=int, help="default: the --config's seed, else 0")
    p.add_argument("--force", action="store_true", help="retrain the named runs from scratch")
    p.add_argument(
        "--max-steps", type=int, metavar="N", help="stop each run after N steps; a later call continues"
    )
    p.add_argument("--device", metavar="DEV", help="cpu, cuda, ... (default: cuda when available)")


def _report(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "output", metavar="OUT", help="a run's output folder (what `llama-data run --output` wrote)"
    )


def _export(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--checkpoint",
        required=True,
        metavar="PATH",
        help="a train stage or run folder, a checkpoint, or a Meta or Hugging Face folder",
    )
    p.add_argument("--format", required=True, choices=("hf", "meta"), help="the layout to write")
    p.add_argument("--output", required=True, metavar="DIR", help="a new (or empty) folder")
    p.add_argument(
        "--dtype", default="float32", choices=("float32", "bfloat16", "float16"), help="weights' dtype"
    )
    p.add_argument(
        "--tokenizer", metavar="MODEL", help="SentencePiece model (default: the one the checkpoint names)"
    )


# name: (help, argument builder, "module:function" handler, passes unknown options to Beam)
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], str, bool]] = {
    "ingest": ("read one source's raw files into documents (Beam)", _ingest, "beam_jobs.ingest:main", True),
    "run": ("run a recipe's stages in order, resuming finished ones", _run, "beam_jobs.run:main", True),
    "dedup-paragraphs": (
        "CCNet's paragraph dedup: remove every line repeated within a scope (Beam)",
        _dedup_paragraphs,
        "beam_jobs.paragraph_dedup:main",
        True,
    ),
    "filter-c4": (
        "C4's cleaning rules (TFDS c4_utils): line and page filters, line dedup, bad words (Beam)",
        _filter_c4,
        "beam_jobs.c4:main",
        True,
    ),
    "dedup-exact": (
        "remove byte-identical documents, one copy kept (LLaMA's GitHub file-level dedup) (Beam)",
        _dedup_exact,
        "beam_jobs.exact_dedup:main",
        True,
    ),
    "dedup-minhash": (
        "remove near-duplicate documents with MinHash LSH; clusters written for inspection (Beam)",
        _dedup_minhash,
        "beam_jobs.minhash:main",
        True,
    ),
    "train-quality": (
        "train CCNet's per-language SentencePiece + KenLM quality models on Wikipedia documents",
        _train_quality,
        "beam_jobs.quality:train_main",
        False,
    ),
    "score": (
        "perplexity and head/middle/tail bucket of every document (Beam)",
        _score,
        "beam_jobs.quality:score_main",
        True,
    ),
    "cutoffs": (
        "bucket cutoffs from the perplexities of scored documents, written beside the models",
        _cutoffs,
        "beam_jobs.quality:cutoffs_main",
        False,
    ),
    "train-classifier": (
        "train LLaMA's Wikipedia-reference page classifier (fastText) and print held-out figures (Beam)",
        _train_classifier,
        "beam_jobs.classifier:main",
        True,
    ),
    "train-tokenizer": (
        "train the SentencePiece BPE tokenizer",
        _train_tokenizer,
        "beam_jobs.tokenizer:main",
        False,
    ),
    "tokenize": ("encode documents into token shards (Beam)", _tokenize, "beam_jobs.tokenize:main", True),
    "mix": (
        "plan or materialize a data mixture over token shards",
        _mix,
        "tokenization.commands:mix_main",
        False,
    ),
    "train": ("train the bundled LLaMA model on a mixture", _train, "model.train:main", False),
    "generate": ("sample text from a checkpoint", _generate, "model.generate:main", False),
    "export": (
        "write a checkpoint in Hugging Face's layout (lm-evaluation-harness) or Meta's",
        _export,
        "model.export:main",
        False,
    ),
    "ablate": (
        "train one model per mixture from the same token shards and budget; per-source validation loss side by side",
        _ablate,
        "model.ablate:main",
        False,
    ),
    "report": (
        "write OUT/report.html: the funnel, language, quality, dedup, mixture and training of a run, one file",
        _report,
        "pipeline.report:main",
        False,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llama-data",
        description="The LLaMA-1 data pipeline on Apache Beam, and a trainer that consumes it. "
        "Stages: ingest -> langid -> train-tokenizer -> tokenize -> mix -> train.",
        epilog=BEAM_NOTE,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (help_text, add_args, _, beam) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=BEAM_NOTE if beam else None)
        add_args(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    _, add_args, target, passes_beam = COMMANDS[args.command]
    if extra and not passes_beam:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    # Beam logs every worker start and stop at INFO; its errors still show (and --default_sdk_harness_log_level
    # or LLAMA_DATA_LOG_LEVEL=INFO bring the rest back).
    logging.basicConfig(level=os.environ.get("LLAMA_DATA_LOG_LEVEL", "WARNING").upper())
    if "LLAMA_DATA_LOG_LEVEL" not in os.environ:
        logging.getLogger("apache_beam").setLevel(logging.ERROR)
    quiet_beam()  # before the first `import apache_beam`: its import already warns
    module_name, func_name = target.split(":")
    try:
        handler = getattr(importlib.import_module(module_name), func_name)
        return int(handler(args, extra) or 0)
    except UserError as exc:
        print(f"llama-data {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("llama-data: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
