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
class LangIdConfig:
    threshold: float = 0.5  # CCNet lang_threshold / RedPajama: LID score < 0.5 discarded
    languages: list[str] = field(default_factory=lambda: ["en"])  # kept languages; [] keeps all
    # Sources whose language the dump states (a Wikipedia page's is its wiki's): fastText's label and score are
    # recorded as signals, and neither the threshold nor `languages` applies (fastText confuses hr/sr/bs).
    trusted_sources: list[str] = field(default_factory=lambda: ["wikipedia"])

    def validate(self, where: str) -> None:
        _between(self.threshold, 0.0, 1.0, f"{where}.threshold")


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


DEFAULT_STAGES = ("ingest", "langid", "train_tokenizer", "tokenize", "mix", "train")
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
    langid: LangIdConfig = field(default_factory=LangIdConfig)
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


def _between(value: float, low: float, high: float, where: str) -> None:
    if not low <= value <= high:
        raise ConfigError(f"{where}: must be between {low} and {high}, got {value}")
