"""Stage manifests: what a stage read, with which config, what it wrote and every drop by reason.

A stage whose manifest matches its inputs and config is complete and is skipped on re-run (resume).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
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


def fingerprint(path: str) -> dict[str, Any]:
    """What a manifest records of one input: enough to notice it changed, without reading it.

    A raw input is known by its size and mtime. A part written by an earlier stage is known by its size and
    the sha256 of that stage's manifest: a forced re-run rewrites the part (new mtime) with the same bytes and
    the same manifest, so the stages after it keep byte-identical manifests and stay resumable.
    """
    fs, resolved = filesystem(path)
    info = fs.info(resolved)
    record: dict[str, Any] = {"path": path, "size": int(info.get("size") or 0)}
    upstream = str(PurePosixPath(resolved).parent / MANIFEST_NAME)
    if PurePosixPath(resolved).name.startswith("part-") and fs.exists(upstream):
        with fs.open(upstream, "rb") as handle:
            record["stage_manifest_sha256"] = hashlib.sha256(handle.read()).hexdigest()
    else:
        mtime = info.get("mtime") or info.get("updated") or info.get("LastModified") or info.get("created")
        record["mtime"] = str(mtime)
    return record


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
