"""Stage manifests: what a stage read, with which config, what it wrote and every drop by reason.

A stage whose manifest matches its inputs and config is complete and is skipped on re-run (resume).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline import __version__
from pipeline.io import filesystem, join, read_json, write_json

MANIFEST_NAME = "_MANIFEST.json"


def stage_dir(output: str, stage: str, source: str) -> str:
    """`<out>/<stage>/<source>`: where a stage writes one source's parts and manifest."""
    return join(output, stage, source)


def rejects_dir(output: str, stage: str) -> str:
    return join(output, stage, "_rejects")


def part_name(index: int, total: int, suffix: str = ".parquet") -> str:
    return f"part-{index:05d}-of-{total:05d}{suffix}"


@dataclass
class StageManifest:
    stage: str
    source: str
    inputs: list[dict[str, Any]]
    config_hash: str
    code_version: str = __version__
    documents_in: int = 0
    documents_out: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    rejects: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def matches(self, inputs: list[dict[str, Any]], config_hash: str) -> bool:
        return self.inputs == inputs and self.config_hash == config_hash and self.code_version == __version__


def manifest_path(directory: str) -> str:
    return join(directory, MANIFEST_NAME)


def write_manifest(directory: str, manifest: StageManifest) -> None:
    write_json(manifest_path(directory), asdict(manifest))


def read_manifest(directory: str) -> StageManifest | None:
    path = manifest_path(directory)
    fs, resolved = filesystem(path)
    if not fs.exists(resolved):
        return None
    data = read_json(path)
    known = set(StageManifest.__dataclass_fields__)
    return StageManifest(**{k: v for k, v in data.items() if k in known})


def is_complete(directory: str, inputs: list[dict[str, Any]], config_hash: str) -> bool:
    manifest = read_manifest(directory)
    return manifest is not None and manifest.matches(inputs, config_hash)
