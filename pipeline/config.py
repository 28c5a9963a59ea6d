"""The recipe config: YAML, validated on load into typed sections.

Every key is checked: an unknown key, a wrong type or an out-of-range value raises ConfigError with the
key's dotted path, so the CLI can print one line that names it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import sys
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.document import SOURCES
from pipeline.errors import ConfigError

# LLaMA paper, Table 1: sampling proportions.
TABLE1_WEIGHTS: dict[str, float] = {
    "commoncrawl": 0.67,
    "c4": 0.15,
    "github": 0.045,
    "wikipedia": 0.045,
    "books": 0.045,
    "arxiv": 0.025,
    "stackexchange": 0.02,
}


@dataclass(frozen=True)
class SourceSpec:
    """Where one source's raw files are: local paths, globs or fsspec URLs."""

    input: list[str]

    def validate(self, where: str) -> None:
        if not self.input:
            raise ConfigError(f"{where}.input: give at least one path or glob")


@dataclass(frozen=True)
class IngestConfig:
    min_length: int = 300  # CCNet mine.py Config.min_len: documents shorter (chars) are dropped
    max_record_bytes: int = 10 * 1024 * 1024  # records over this go to rejects (oversize)
    split_bytes: int = 64 * 1024 * 1024  # byte range per read task, so one 1 GB WARC runs on ~16 workers

    def validate(self, where: str) -> None:
        _at_least(self.min_length, 0, f"{where}.min_length")
        _at_least(self.max_record_bytes, 1024, f"{where}.max_record_bytes")
        _at_least(self.split_bytes, 4096, f"{where}.split_bytes")


@dataclass(frozen=True)
class ExecutionConfig:
    """How document stages lay out their work; both change the output files, so both enter their key."""

    output_shards: int = (
        0  # part files per group of a stage (0: one per GiB of input); never depends on workers
    )
    group_files: int = 0  # input files (or upstream parts) per committed group, cc_net's shard groups; 0: one

    def validate(self, where: str) -> None:
        _at_least(self.output_shards, 0, f"{where}.output_shards")
        _at_least(self.group_files, 0, f"{where}.group_files")


WIKIPEDIA_LANGUAGES = (  # LLaMA §2.1: the 20 Wikipedia languages in Latin or Cyrillic script
    "bg", "ca", "cs", "da", "de", "en", "es", "fr", "hr", "hu", "it", "nl", "pl", "pt", "ro", "ru", "sl", "sr", "sv", "uk",
)  # fmt: skip


@dataclass(frozen=True)
class WikipediaConfig:
    languages: list[str] = field(
        default_factory=lambda: list(WIKIPEDIA_LANGUAGES)
    )  # dumps of other languages: dropped
    max_page_bytes: int = 20 * 1024 * 1024  # a page's XML over this is a reject (oversize), streamed past
    split_bytes: int = 64 * 1024 * 1024  # compressed bytes per read task (multistream: whole streams)

    def validate(self, where: str) -> None:
        _at_least(self.max_page_bytes, 1024, f"{where}.max_page_bytes")
        _at_least(self.split_bytes, 4096, f"{where}.split_bytes")


@dataclass(frozen=True)
class C4Config:
    """The C4 reader (`sources.c4`): allenai/c4 JSON lines, kept as released (LLaMA used C4 as published)."""

    max_line_bytes: int = 4 * 1024 * 1024  # a JSON line over this is a reject (oversize), streamed past
    split_bytes: int = 64 * 1024 * 1024  # bytes per read task of an uncompressed file (a .gz is one task)

    def validate(self, where: str) -> None:
        _at_least(self.max_line_bytes, 1024, f"{where}.max_line_bytes")
        _at_least(self.split_bytes, 4096, f"{where}.split_bytes")


@dataclass(frozen=True)
class C4FilterConfig:
    """C4's cleaning rules (T5 §2.2 as TFDS c4_utils.py implements them) as a stage, `c4_filter`, that can
    rebuild C4 from CommonCrawl documents. Defaults are TFDS's constants."""

    sources: list[str] = field(default_factory=lambda: ["commoncrawl"])
    min_words_per_line: int = 5  # _MIN_WORDS_PER_LINE
    min_sentences: int = 3  # _MIN_NUM_SENTENCES, counted before and after line dedup
    max_word_length: int = 1000  # _MAX_WORD_LENGTH: a line with a longer token is dropped
    max_page_characters: int = 190_000  # is_valid_length: longer pages are dropped (1.9e5)
    bad_words: str | None = None  # a word list, one per line (LDNOOBW's `en`); none: the rule is off
    dedup_lines: bool = True  # remove_duplicate_text: one deterministic owner per line

    def validate(self, where: str) -> None:
        _at_least(self.min_words_per_line, 0, f"{where}.min_words_per_line")
        _at_least(self.min_sentences, 0, f"{where}.min_sentences")
        _at_least(self.max_word_length, 1, f"{where}.max_word_length")
        _at_least(self.max_page_characters, 1, f"{where}.max_page_characters")


@dataclass(frozen=True)
class StackExchangeConfig:
    """The StackExchange reader (`sources.stackexchange`): archive.org dump archives or extracted Posts.xml."""

    top_sites: int = 28  # LLaMA §2.1: the 28 largest sites, ranked by Posts.xml rows (RedPajama's count)
    sites: list[str] | None = None  # an explicit site list instead of the computed top_sites
    # LLaMA's documents are questions with their answers sorted by score; an unanswered question has none, so it
    # is dropped by default (RedPajama kept them as Q-only documents; set true for that).
    keep_unanswered: bool = False
    max_post_bytes: int = 1024 * 1024  # a <row> over this is a reject (oversize)
    max_archive_bytes: int = 200 * 1024**3  # uncompressed bytes read from one .7z member, at most
    split_bytes: int = 64 * 1024 * 1024  # bytes per read task of an extracted Posts.xml (a .7z is one task)

    def validate(self, where: str) -> None:
        _at_least(self.top_sites, 1, f"{where}.top_sites")
        _at_least(self.max_post_bytes, 1024, f"{where}.max_post_bytes")
        _at_least(self.max_archive_bytes, 1024, f"{where}.max_archive_bytes")
        _at_least(self.split_bytes, 4096, f"{where}.split_bytes")


@dataclass(frozen=True)
class GithubConfig:
    """The GitHub reader (`sources.github`): BigQuery-export JSON lines or Parquet (one record per file), or
    repositories as folders, tarballs or zips (one each). Defaults are LLaMA's licences and RedPajama's filters."""

    # Licence keys kept, as fnmatch patterns: LLaMA kept Apache, BSD and MIT (RedPajama: LIKE 'apache%', ...).
    licenses: list[str] = field(default_factory=lambda: ["apache-*", "bsd-*", "mit"])
    license_threshold: float = 98.0  # licensee's confidence (Dice over word sets, 0-100) for a licence file
    max_line_length: int = 1000  # RedPajama's github_run_filter.py: a file with a longer line is dropped
    max_avg_line_length: float = 100.0  # len(content) / lines above this: dropped
    min_alnum_prop: float = 0.25  # alphanumeric characters / characters below this: dropped
    min_alpha_per_token: float = 1.5  # alphabetic characters / tokens below this: dropped
    max_file_bytes: int = 1024 * 1024  # a bigger source file is skipped (counted), never read whole
    max_repo_bytes: int = 1024**3  # bytes read from one repository tree, at most (else the tree is rejected)
    max_repo_members: int = 200_000  # entries of one repository tree, at most
    max_line_bytes: int = 64 * 1024 * 1024  # a BigQuery JSON line over this is a reject (oversize)
    split_bytes: int = 64 * 1024 * 1024  # bytes per read task of an uncompressed JSON-lines export

    def validate(self, where: str) -> None:
        if not self.licenses:
            raise ConfigError(
                f"{where}.licenses: name at least one licence pattern (LLaMA: apache-*, bsd-*, mit)"
            )
        _between(self.license_threshold, 50.0, 100.0, f"{where}.license_threshold")
        _at_least(self.max_line_length, 1, f"{where}.max_line_length")
        _at_least(self.max_avg_line_length, 1.0, f"{where}.max_avg_line_length")
        _between(self.min_alnum_prop, 0.0, 1.0, f"{where}.min_alnum_prop")
        _at_least(self.min_alpha_per_token, 0.0, f"{where}.min_alpha_per_token")
        _at_least(self.max_file_bytes, 1024, f"{where}.max_file_bytes")
        _at_least(self.max_repo_bytes, self.max_file_bytes, f"{where}.max_repo_bytes")
        _at_least(self.max_repo_members, 1, f"{where}.max_repo_members")
        _at_least(self.max_line_bytes, 1024, f"{where}.max_line_bytes")
        _at_least(self.split_bytes, 4096, f"{where}.split_bytes")


@dataclass(frozen=True)
class BooksConfig:
    """The Books reader (`sources.books`): Project Gutenberg plain-text files (one book each, `.txt` or
    `.txt.gz`) and Books3/PG19-style JSON lines (one book per line)."""

    max_book_bytes: int = 64 * 1024 * 1024  # a bigger book (file, or JSON line) is a reject (oversize)
    split_bytes: int = 256 * 1024 * 1024  # bytes per read task of an uncompressed JSON-lines file

    def validate(self, where: str) -> None:
        _at_least(self.max_book_bytes, 1024, f"{where}.max_book_bytes")
        _at_least(self.split_bytes, 4096, f"{where}.split_bytes")


@dataclass(frozen=True)
class ArxivConfig:
    """The ArXiv reader (`sources.arxiv`): papers as the bulk source dump has them (a tar, a gzip of one .tex,
    a plain .tex, or a folder, one paper each; or the dump's own `arXiv_src_YYMM_NNN.tar` of many papers)."""

    # LLaMA names only the text before the first section and the bibliography as removed; RedPajama also drops
    # the appendices, as a side effect of where it cuts (RECIPE §3.3). Ours: appendices kept; false is RedPajama.
    keep_appendices: bool = True
    max_input_depth: int = 8  # nested \input / \include levels below the main file
    max_expansion_depth: int = 32  # nested macro expansions (deeper uses stay as written, counted)
    max_output_factor: float = 8.0  # substituted text at most this times the paper's .tex, else a reject
    max_output_chars: int = 16 * 1024 * 1024  # also caps the .tex read and the text after \input
    max_file_bytes: int = 64 * 1024 * 1024  # a bigger member of a paper is skipped (counted)
    max_paper_bytes: int = 256 * 1024 * 1024  # bytes read from one paper's archive, at most (else a reject)
    max_members: int = 10_000  # entries of one paper's tar, at most (else a reject)

    def validate(self, where: str) -> None:
        _between(self.max_input_depth, 0, 64, f"{where}.max_input_depth")
        _between(self.max_expansion_depth, 1, 256, f"{where}.max_expansion_depth")
        _between(self.max_output_factor, 1.0, 1000.0, f"{where}.max_output_factor")
        _at_least(self.max_output_chars, 1024, f"{where}.max_output_chars")
        _at_least(self.max_file_bytes, 1024, f"{where}.max_file_bytes")
        _at_least(self.max_paper_bytes, self.max_file_bytes, f"{where}.max_paper_bytes")
        _at_least(self.max_members, 1, f"{where}.max_members")


@dataclass(frozen=True)
class ExactDedupConfig:
    """Exact dedup (`exact_dedup` stage): byte-identical documents of a source kept once. LLaMA: GitHub's
    file-level exact-match dedup."""

    sources: list[str] = field(default_factory=lambda: ["github"])

    def validate(self, where: str) -> None:
        _known_sources(self.sources, f"{where}.sources")


@dataclass(frozen=True)
class LangIdConfig:
    threshold: float = 0.5  # CCNet lang_threshold / RedPajama: LID score < 0.5 discarded
    languages: list[str] = field(default_factory=lambda: ["en"])  # kept languages; [] keeps all
    # Sources whose language the dump states (a Wikipedia page's is its wiki's): fastText's label and score are
    # recorded as signals, and neither the threshold nor `languages` applies (fastText confuses hr/sr/bs).
    trusted_sources: list[str] = field(default_factory=lambda: ["wikipedia"])
    # Sources labelled but never filtered by language: LLaMA took C4 as released (already English by its own
    # langdetect >= 0.99 filter) and StackExchange's 28 largest sites whatever their language (RedPajama
    # recorded the label without filtering); GitHub (code), Books (Gutenberg in every language) and ArXiv (RedPajama
    # records arXiv's language, never filters): the paper filters none of them by language. fastText's label and
    # score become the document's language.
    kept_sources: list[str] = field(
        default_factory=lambda: ["c4", "stackexchange", "github", "books", "arxiv"]
    )

    def validate(self, where: str) -> None:
        _between(self.threshold, 0.0, 1.0, f"{where}.threshold")


CCNET_SOURCES = [
    "commoncrawl"
]  # CCNet's steps (paragraph dedup, perplexity, the reference classifier) run on CC
BUCKETS = ("head", "middle", "tail", "all")  # cc_net's perplexity buckets; `all`: a language without a model


@dataclass(frozen=True)
class ParagraphDedupConfig:
    sources: list[str] = field(default_factory=lambda: list(CCNET_SOURCES))
    # Dedup scope: consecutive input files (WARC/WET, by name) whose lines are compared; 0 compares the whole
    # snapshot. cc_net compares a shard against the hashes of 50 of its 1,600 shards (hash_in_mem), about 3% of
    # a snapshot; 2,000 of a 64,000-file snapshot is the same share. RedPajama deduped within each shard.
    scope_files: int = 2000

    def validate(self, where: str) -> None:
        _known_sources(self.sources, f"{where}.sources")
        _at_least(self.scope_files, 0, f"{where}.scope_files")


@dataclass(frozen=True)
class QualityConfig:
    sources: list[str] = field(default_factory=lambda: list(CCNET_SOURCES))  # documents that get a perplexity
    # Languages to train a model for from the Wikipedia documents ([]: every language there with enough text).
    languages: list[str] = field(default_factory=list)
    models: str = ""  # a folder of <lang>.sp.model + <lang>.arpa.bin to score with instead of train_quality's
    max_documents: int = 1_000_000  # per language: cc_net's NDOC_FOR_LM
    min_characters: int = (
        100_000  # a language with less Wikipedia text than this gets no model (bucket `all`)
    )
    vocab_size: int = 0  # SentencePiece unigram vocabulary; 0 scales it to the corpus (cc_net: 65,536)
    order: int = 5  # cc_net: lmplz -o 5
    lmplz_memory: str = "10%"  # lmplz -S (cc_net: 8G)
    percentiles: list[float] = field(
        default_factory=lambda: [30.0, 60.0]
    )  # cc_net's PerplexityBucket cutoffs
    # Cutoffs per language, [p30, p60] perplexity (cc_net's cutoff.csv gives en [340, 520], for its own
    # models). Languages not listed take the `cutoffs.json` beside the models (`llama-data cutoffs`), else the
    # percentiles of the documents being scored.
    cutoffs: dict[str, list[float]] = field(default_factory=dict)

    def validate(self, where: str) -> None:
        _known_sources(self.sources, f"{where}.sources")
        _at_least(self.max_documents, 1, f"{where}.max_documents")
        _at_least(self.min_characters, 1, f"{where}.min_characters")
        if self.vocab_size:
            _at_least(self.vocab_size, 100, f"{where}.vocab_size")
        _between(self.order, 2, 6, f"{where}.order")  # the set-up builds KenLM with KENLM_MAX_ORDER=6
        _two_increasing(self.percentiles, f"{where}.percentiles", 0.0, 100.0)
        for language, pair in self.cutoffs.items():
            _two_increasing(pair, f"{where}.cutoffs.{language}", 0.0, _FLOAT_MAX)


@dataclass(frozen=True)
class ClassifierConfig:
    sources: list[str] = field(
        default_factory=lambda: list(CCNET_SOURCES)
    )  # documents that get wiki_ref_prob
    # Crawled reference pages (WARC/WET files, or Parquet documents) to use as positives besides the
    # CommonCrawl pages whose URL Wikipedia cites (RedPajama crawled 300K of enwiki's cited URLs).
    reference_pages: list[str] = field(default_factory=list)
    model: str = ""  # a fastText model to use instead of training one (or when there are too few positives)
    granularity: str = "document"  # train and score whole documents, or paragraphs (RedPajama #62)
    min_characters: int = 1000  # RedPajama: positives are documents of >= 1000 characters
    min_paragraph_characters: int = 100  # paragraph granularity: shorter lines are not units
    min_positives: int = 100  # fewer: no classifier is trained (the filter is skipped, or `model` is used)
    holdout_fraction: float = 0.1  # held-out examples for precision, recall and AUC
    epoch: int = 5  # fastText supervised defaults, as RedPajama trained it (unigrams)
    lr: float = 0.1
    dim: int = 100
    word_ngrams: int = 1

    def validate(self, where: str) -> None:
        _known_sources(self.sources, f"{where}.sources")
        if self.granularity not in ("document", "paragraph"):
            raise ConfigError(
                f"{where}.granularity: expected document or paragraph, got {self.granularity!r}"
            )
        _at_least(self.min_characters, 0, f"{where}.min_characters")
        _at_least(self.min_paragraph_characters, 1, f"{where}.min_paragraph_characters")
        _at_least(self.min_positives, 1, f"{where}.min_positives")
        _between(self.holdout_fraction, 0.01, 0.5, f"{where}.holdout_fraction")
        _at_least(self.epoch, 1, f"{where}.epoch")
        _between(self.lr, 1e-6, 10.0, f"{where}.lr")
        _at_least(self.dim, 1, f"{where}.dim")
        _between(self.word_ngrams, 1, 5, f"{where}.word_ngrams")


@dataclass(frozen=True)
class FilterConfig:
    sources: list[str] = field(default_factory=lambda: list(CCNET_SOURCES))
    buckets: list[str] = field(default_factory=lambda: ["head", "middle"])  # RedPajama kept head + middle
    min_wiki_ref_prob: float = 0.25  # RedPajama's filter/cc_classifier.sh: keep wiki_prob >= 0.25

    def validate(self, where: str) -> None:
        _known_sources(self.sources, f"{where}.sources")
        for i, bucket in enumerate(self.buckets):
            if bucket not in BUCKETS:
                raise ConfigError(
                    f"{where}.buckets[{i}]: unknown bucket {bucket!r}; expected some of {', '.join(BUCKETS)}"
                )
        _between(self.min_wiki_ref_prob, 0.0, 1.0, f"{where}.min_wiki_ref_prob")


@dataclass(frozen=True)
class MinhashConfig:
    # Each is deduplicated on its own: CommonCrawl (near-duplicate pages), Books (LLaMA's book-level dedup).
    sources: list[str] = field(default_factory=lambda: [*CCNET_SOURCES, "books"])
    # Sources whose documents each source above is also compared with, and never changed (CommonCrawl against
    # C4); `reference` adds folders of an already deduplicated corpus (last year's), treated the same way.
    against: list[str] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)
    ngram: int = 5  # word n-gram shingles
    digits: str = "keep"  # keep: documents that differ only in numbers stay apart; zero: digits -> 0; strip
    num_perm: int = 128
    hash: str = "xxhash"  # or sha1: datasketch's default, whose signatures ours equal
    seed: int = 1  # the permutations' seed (datasketch's default)
    threshold: float = 0.8  # target Jaccard; bands x rows are chosen from it unless given
    bands: int = 0
    rows: int = 0
    # Candidate pairs are checked before they link: exact (Jaccard of the two shingle-hash sets), estimated (from
    # the signatures), or none. With a check, a false positive costs only the check, so the bands are chosen
    # with false positives weighted 0.05 (else datasketch's 0.5): recall near the threshold goes from 40% to 95%.
    verify: str = "exact"
    # What the check measures: jaccard (of the shingle sets), or containment (the share of the smaller document's
    # shingles found in the other; needs verify: exact). With containment the bands are tuned for `candidates`.
    overlap: str = "jaccard"
    candidates: float = 0.0  # the Jaccard the LSH bands are tuned for (0: threshold)
    # Which document of a cluster is kept: lowest_id, quality (lowest perplexity) or longest (the most text).
    keep: str = "lowest_id"
    max_rounds: int = 16  # rounds of min-label propagation for the clusters (connected components)
    # Settings of one source that differ from the above. Books: LLaMA removed books with more than 90% content
    # overlap: a book is a duplicate when 90% of its shingles are in another, checked exactly on LSH candidates
    # found at Jaccard 0.7 (a 90%-contained book of 80% the other's length has Jaccard 0.67), the longest kept.
    by_source: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            "books": {
                "threshold": 0.9,
                "overlap": "containment",
                "candidates": 0.7,
                "verify": "exact",
                "keep": "longest",
            }
        }
    )

    def for_source(self, source: str) -> MinhashConfig:
        """This config with `by_source[source]` applied (checked in validate)."""
        override = self.by_source.get(source)
        if not override:
            return self
        values = parse_section(MinhashConfig, {**override, "by_source": {}}, f"minhash.by_source.{source}")
        return dataclasses.replace(self, **{key: getattr(values, key) for key in override})

    def validate(self, where: str) -> None:
        _known_sources(self.sources, f"{where}.sources")
        for source, override in self.by_source.items():
            if source not in SOURCES:
                raise ConfigError(
                    f"{where}.by_source.{source}: unknown source; expected one of {', '.join(SOURCES)}"
                )
            shared = sorted(set(override) & {"sources", "against", "reference", "by_source"})
            if shared:
                raise ConfigError(f"{where}.by_source.{source}.{shared[0]}: not a per-source setting")
            parse_section(MinhashConfig, {**override, "by_source": {}}, f"{where}.by_source.{source}")
        _known_sources(self.against, f"{where}.against")
        _at_least(self.ngram, 1, f"{where}.ngram")
        if self.digits not in ("keep", "zero", "strip"):
            raise ConfigError(f"{where}.digits: expected keep, zero or strip, got {self.digits!r}")
        _between(self.num_perm, 2, 8192, f"{where}.num_perm")
        if self.hash not in ("xxhash", "sha1"):
            raise ConfigError(f"{where}.hash: expected xxhash or sha1, got {self.hash!r}")
        _between(self.threshold, 0.01, 1.0, f"{where}.threshold")
        if (self.bands > 0) != (self.rows > 0):
            raise ConfigError(f"{where}: give both bands and rows, or neither")
        if self.bands and self.bands * self.rows > self.num_perm:
            raise ConfigError(
                f"{where}: bands x rows ({self.bands * self.rows}) exceeds num_perm ({self.num_perm})"
            )
        if self.verify not in ("exact", "estimated", "none"):
            raise ConfigError(f"{where}.verify: expected exact, estimated or none, got {self.verify!r}")
        if self.keep not in ("lowest_id", "quality", "longest"):
            raise ConfigError(f"{where}.keep: expected lowest_id, quality or longest, got {self.keep!r}")
        if self.overlap not in ("jaccard", "containment"):
            raise ConfigError(f"{where}.overlap: expected jaccard or containment, got {self.overlap!r}")
        if self.overlap == "containment" and self.verify != "exact":
            raise ConfigError(
                f"{where}.overlap: containment is measured on the shingle sets; set verify: exact"
            )
        if self.candidates:
            _between(self.candidates, 0.01, 1.0, f"{where}.candidates")
        _between(self.max_rounds, 1, 64, f"{where}.max_rounds")


@dataclass(frozen=True)
class TokenizerConfig:
    vocab_size: int = 32000  # Llama 2 paper §2.2: same tokenizer as Llama 1, 32k
    character_coverage: float = 0.99995
    sample_documents: int = 1_000_000  # documents drawn across sources, in mixture proportion
    max_sentence_length: int = 16384  # bytes; longer lines are split before training

    def validate(self, where: str) -> None:
        _at_least(self.vocab_size, 260, f"{where}.vocab_size")
        _between(self.character_coverage, 0.9, 1.0, f"{where}.character_coverage")
        _at_least(self.sample_documents, 1, f"{where}.sample_documents")
        _at_least(self.max_sentence_length, 64, f"{where}.max_sentence_length")


@dataclass(frozen=True)
class TokenizeConfig:
    # Target per shard: a (source, split) gets ceil(tokens / shard_tokens) shards.
    shard_tokens: int = 100_000_000
    validation_fraction: float = 0.001  # hash-based held-out split per source (TFDS C4 uses 0.1%)

    def validate(self, where: str) -> None:
        _at_least(self.shard_tokens, 1, f"{where}.shard_tokens")
        _between(self.validation_fraction, 0.0, 0.5, f"{where}.validation_fraction")


@dataclass(frozen=True)
class MixtureConfig:
    weights: dict[str, float] | None = None  # per-source sampling weights; default Table 1
    epochs: dict[str, float] | None = None  # or per-source epochs; weights then follow from tokens
    token_budget: int | None = None  # training tokens the plan is sized for
    max_epochs: float = 4.0  # warn when a source must repeat more often than this
    seq_len: int = 2048  # Llama 2 paper, Table 1: Llama 1 context length

    def validate(self, where: str) -> None:
        if self.weights is not None and self.epochs is not None:
            raise ConfigError(f"{where}: give either weights or epochs, not both")
        for name, table in (("weights", self.weights), ("epochs", self.epochs)):
            for source, value in (table or {}).items():
                if source not in SOURCES:
                    raise ConfigError(
                        f"{where}.{name}.{source}: unknown source; expected one of {', '.join(SOURCES)}"
                    )
                _at_least(value, 0.0, f"{where}.{name}.{source}")
            if table is not None and not any(v > 0 for v in table.values()):
                raise ConfigError(f"{where}.{name}: at least one source needs a positive value")
        if self.token_budget is not None:
            _at_least(self.token_budget, 1, f"{where}.token_budget")
        _at_least(self.max_epochs, 0.0, f"{where}.max_epochs")
        _at_least(self.seq_len, 1, f"{where}.seq_len")

    def source_weights(self) -> dict[str, float]:
        """Normalised weights; Table 1 unless the recipe says otherwise (epochs are resolved by the planner)."""
        table = self.weights or TABLE1_WEIGHTS
        total = sum(table.values())
        return {s: v / total for s, v in table.items() if v > 0}


DEFAULT_STAGES = ("ingest", "exact_dedup", "langid", "train_tokenizer", "tokenize", "mix", "train")
SEED_LIMIT = 2**64  # seeds feed numpy and torch generators, which take at most 64 bits


@dataclass(frozen=True)
class Recipe:
    name: str = "recipe"
    seed: int = 0
    stages: list[str] = field(
        default_factory=lambda: list(DEFAULT_STAGES)
    )  # checked against the stage registry
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    execution: ExecutionConfig = field(default_factory=ExecutionConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    wikipedia: WikipediaConfig = field(default_factory=WikipediaConfig)
    c4: C4Config = field(default_factory=C4Config)
    c4_filter: C4FilterConfig = field(default_factory=C4FilterConfig)
    stackexchange: StackExchangeConfig = field(default_factory=StackExchangeConfig)
    github: GithubConfig = field(default_factory=GithubConfig)
    books: BooksConfig = field(default_factory=BooksConfig)
    arxiv: ArxivConfig = field(default_factory=ArxivConfig)
    exact_dedup: ExactDedupConfig = field(default_factory=ExactDedupConfig)
    langid: LangIdConfig = field(default_factory=LangIdConfig)
    paragraph_dedup: ParagraphDedupConfig = field(default_factory=ParagraphDedupConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    minhash: MinhashConfig = field(default_factory=MinhashConfig)
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    mixture: MixtureConfig = field(default_factory=MixtureConfig)
    train: dict[str, Any] = field(default_factory=dict)  # validated by model/ (its own TrainConfig)
    path: str = ""  # where the recipe was loaded from; relative inputs resolve against its folder

    def validate(self, where: str) -> None:
        _between(self.seed, 0, SEED_LIMIT - 1, "seed")
        for source in self.sources:
            if source not in SOURCES:
                raise ConfigError(f"sources.{source}: unknown source; expected one of {', '.join(SOURCES)}")

    def parse_extension(self, cls: type, name: str) -> Any:
        """A section another package validates (the trainer's `train:`), with errors naming the recipe file."""
        try:
            return parse_section(cls, getattr(self, name), name)
        except ConfigError as exc:
            raise ConfigError(f"{self.path}: {exc}" if self.path else str(exc)) from None

    @property
    def folder(self) -> str | None:
        """The recipe file's folder: relative paths in it (inputs, models, references) are taken from there."""
        return str(Path(self.path).parent) if self.path else None

    def with_sources(self, sources: dict[str, SourceSpec]) -> Recipe:
        return dataclasses.replace(self, sources=sources)

    def config_hash(self, keys: tuple[str, ...], seed: bool = False) -> str:
        """sha256 of the named config (sections, or dotted keys inside one), plus the seed when `seed`:
        exactly what a stage's output depends on, so changing anything else does not re-run it."""
        payload: dict[str, Any] = {"seed": self.seed} if seed else {}
        for key in keys:
            value: Any = self
            for part in key.split("."):
                value = getattr(value, part)
            payload[key] = _plain(value)
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def load_recipe(path: str | Path) -> Recipe:
    """Read and validate a recipe; every problem is a ConfigError naming the file and key."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}: line {line}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    try:
        data = yaml.load(text, Loader=_RecipeLoader)  # a SafeLoader: plain data only, like safe_load
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    try:
        recipe = parse_section(Recipe, {k: v for k, v in data.items() if k != "path"}, "")
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return dataclasses.replace(recipe, path=str(path.resolve()))


class _RecipeLoader(yaml.SafeLoader):
    """yaml.safe_load's loader, except that a key given twice in one mapping is a ConfigError naming its line:
    plain YAML keeps the last value silently, so a second `lr:` would quietly override the first."""

    def construct_document(self, node: yaml.Node) -> Any:
        self._paths: dict[int, str] = {}
        self._record_paths(node, "")
        return super().construct_document(node)

    def _record_paths(self, node: yaml.Node, where: str) -> None:
        """The dotted key path of every mapping, so a duplicate can say which section it is in."""
        if id(node) in self._paths:
            return  # an alias: named by its first occurrence
        if isinstance(node, yaml.MappingNode):
            self._paths[id(node)] = where
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                self._record_paths(value_node, _join(where, str(key)))
        elif isinstance(node, yaml.SequenceNode):
            self._paths[id(node)] = where
            for i, item in enumerate(node.value):
                self._record_paths(item, f"{where}[{i}]")

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` then a key of its own is an override, not a duplicate
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # unhashable: SafeLoader's own construct_mapping refuses it below
            if duplicate:
                section = self._paths.get(id(node), "")
                inside = f" in {section}" if section else ""
                raise ConfigError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}{inside}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def recipe_from_dict(data: dict[str, Any]) -> Recipe:
    """Validate an in-memory recipe (tests, programmatic use)."""
    return parse_section(Recipe, data, "")


def parse_section(cls: type, data: Any, where: str) -> Any:
    """Build dataclass `cls` from a mapping, checking keys and types; `where` is the dotted key path."""
    label = where or "the config"
    if not isinstance(data, dict):
        raise ConfigError(f"{label}: expected a mapping, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    for key in data:
        if key not in fields:
            raise ConfigError(
                f"{_join(where, key)}: unknown key; expected one of {', '.join(sorted(fields))}"
            )
    values = {key: _coerce(hints[key], value, _join(where, key)) for key, value in data.items()}
    obj = cls(**values)
    if hasattr(obj, "validate"):
        obj.validate(label)
    return obj


_FLOAT_MAX = sys.float_info.max  # a larger integer has no float (float() would raise OverflowError)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce(inner, value, where)
    if dataclasses.is_dataclass(hint):
        return parse_section(hint, value, where)
    if origin is list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        return [_coerce(args[0], v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}")
        return {str(k): _coerce(args[1], v, _join(where, str(k))) for k, v in value.items()}
    if hint is Any:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        # YAML's `.inf` and `.nan`: nan passes every range check (each comparison is False), inf every lower bound.
        if abs(value) > _FLOAT_MAX or not math.isfinite(value):
            raise ConfigError(f"{where}: must be a finite number, got {value}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported type {hint}")


def _plain(value: Any) -> Any:
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _at_least(value: float, low: float, where: str) -> None:
    if value < low:
        raise ConfigError(f"{where}: must be at least {low}, got {value}")


def _known_sources(sources: list[str], where: str) -> None:
    for i, source in enumerate(sources):
        if source not in SOURCES:
            raise ConfigError(
                f"{where}[{i}]: unknown source {source!r}; expected one of {', '.join(SOURCES)}"
            )


def _two_increasing(values: list[float], where: str, low: float, high: float) -> None:
    if len(values) != 2 or not low <= values[0] < values[1] <= high:
        raise ConfigError(
            f"{where}: expected two increasing values between {low:g} and {high:g}, got {values}"
        )


def _between(value: float, low: float, high: float, where: str) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{where}: must be between {low} and {high}, got {value}")
