"""Stage manifests: what a stage read, with which config and code, what it wrote, and every decision counted.

Every stage, Beam job or not, writes one `_MANIFEST.json` in its output folder, last. A stage is current (and
skipped on re-run) only when its manifest's key matches (the inputs' fingerprints, the hash of the config it
depends on, the version of its code) and every output the manifest lists is there with its recorded size, and,
for files up to 16 MiB (where that is cheap), its recorded sha256.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any

from pipeline import __version__
from pipeline.io import filesystem, is_remote, join, read_json, stage_parts, tree_files, write_json

MANIFEST_NAME = "_MANIFEST.json"
MANIFEST_FORMAT = 2
REJECTS_DIR = "_rejects"
CHECKSUM_MAX_BYTES = 16 << 20  # outputs up to this size are checked by sha256 on resume; larger ones by size
ALL_SOURCES = "all"  # the `source` of a stage that reads every source at once


def stage_dir(output: str, directory: str, source: str | None = None) -> str:
    """`<out>/<stage folder>[/<source>]`: where one stage run writes its outputs and manifest."""
    return join(output, directory, source) if source else join(output, directory)


@dataclass
class StageManifest:
    stage: str
    source: str
    inputs: list[dict[str, Any]]
    config_hash: str
    code_version: str
    documents_in: int = 0
    characters_in: int = 0
    documents_out: int = 0
    characters_out: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    outputs: list[dict[str, Any]] = field(default_factory=list)  # file (relative), rows, bytes, sha256
    rejects: int = 0
    groups: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    format: int = MANIFEST_FORMAT

    def key(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "config_hash": self.config_hash, "code_version": self.code_version}

    def files(self, prefix: str = "") -> list[dict[str, Any]]:
        """The outputs whose relative path starts with `prefix` (e.g. `part-`, `_rejects/`)."""
        return [o for o in self.outputs if o["file"].startswith(prefix)]


def key_hash(key: dict[str, Any]) -> str:
    """A short, stable name for a resume key (work folders are named by it)."""
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:16]


def code_version(modules: tuple[str, ...]) -> str:
    """The package version plus a hash of the named modules' source files: edit the code, re-run the stage."""
    digest = hashlib.sha256(__version__.encode())
    for name in sorted(set(modules)):
        digest.update(b"\x1f" + name.encode() + b"\x1f" + _module_source(name))
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _module_source(name: str) -> bytes:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin or not spec.has_location:
        return b""
    with open(spec.origin, "rb") as handle:
        return handle.read()


def fingerprint(path: str) -> dict[str, Any]:
    """What a manifest records of one raw input file: enough to notice it changed, without reading it."""
    fs, resolved = filesystem(path)
    try:
        info = fs.info(resolved)
    except OSError as exc:  # unreadable: the stage will reject it; the key still notes what was there
        return {"path": path, "error": type(exc).__name__}
    mtime = info.get("mtime") or info.get("updated") or info.get("LastModified") or info.get("created")
    if info.get("type") == "directory" and not is_remote(path):
        return {"path": path, "tree": _tree_fingerprint(resolved)}
    return {"path": path, "size": int(info.get("size") or 0), "mtime": str(mtime)}


def _tree_fingerprint(folder: str) -> str:
    """A folder read as one input (a GitHub repository): sha256 over every file's relative path, size and mtime,
    so that editing any file inside it changes the key."""
    digest = hashlib.sha256()
    for relative, info in tree_files(folder):
        digest.update(f"{relative}\x1f{info.st_size}\x1f{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def upstream_fingerprint(path: str) -> dict[str, Any]:
    """What a manifest records of an upstream stage's output (its folder, or a file in it): the sha256 of that
    stage's manifest.

    A forced re-run rewrites the upstream parts with the same bytes and the same manifest, so the stages after
    it keep byte-identical manifests and stay resumable. Files and folders written by hand (no manifest) are
    known by their sizes and mtimes.
    """
    fs, resolved = filesystem(path)
    folder = resolved if fs.isdir(resolved) else str(PurePosixPath(resolved).parent)
    manifest = f"{folder.rstrip('/')}/{MANIFEST_NAME}"
    if fs.exists(manifest):
        with fs.open(manifest, "rb") as handle:
            return {"path": path, "manifest_sha256": hashlib.sha256(handle.read()).hexdigest()}
    if not fs.isdir(resolved):
        return fingerprint(path)
    return {"path": path, "parts": [fingerprint(p) for p in stage_parts(path)]}


def manifest_path(directory: str) -> str:
    return join(directory, MANIFEST_NAME)


def write_manifest(directory: str, manifest: StageManifest) -> None:
    write_json(manifest_path(directory), asdict(manifest))


def read_manifest(directory: str) -> StageManifest | None:
    """The manifest in `directory`, or None when there is none or it is of an older format."""
    path = manifest_path(directory)
    fs, resolved = filesystem(path)
    if not fs.exists(resolved):
        return None
    try:
        data = read_json(path)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    known = set(StageManifest.__dataclass_fields__)
    return StageManifest(**{k: v for k, v in data.items() if k in known})


def stale_reason(directory: str, key: dict[str, Any]) -> str | None:
    """None when the stage in `directory` is current for `key`; otherwise why it must run."""
    manifest = read_manifest(directory)
    if manifest is None:
        return "no manifest"
    mine = manifest.key()
    for part, label in (("code_version", "code"), ("config_hash", "config"), ("inputs", "inputs")):
        if mine[part] != key[part]:
            return f"its {label} changed"
    return missing_output(directory, manifest)


def missing_output(directory: str, manifest: StageManifest) -> str | None:
    """The first output the manifest lists that is missing or has another size; None when all are there."""
    fs, root = filesystem(directory)
    sizes: dict[str, int] = {}
    for folder in sorted({str(PurePosixPath(o["file"]).parent) for o in manifest.outputs}):
        where = root if folder == "." else f"{root.rstrip('/')}/{folder}"
        if fs.isdir(where):
            for info in fs.ls(where, detail=True):
                name = PurePosixPath(info["name"]).name
                sizes[name if folder == "." else f"{folder}/{name}"] = int(info.get("size") or 0)
    for output in manifest.outputs:
        size = sizes.get(output["file"])
        if size is None:
            return f"output {output['file']} is missing"
        if size != output["bytes"]:
            return f"output {output['file']} has {size} bytes, the manifest says {output['bytes']}"
    for output in manifest.outputs:  # contents too, where that is cheap: small files are read whole
        if output["bytes"] <= CHECKSUM_MAX_BYTES and output.get("sha256"):
            with fs.open(f"{root.rstrip('/')}/{output['file']}", "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != output["sha256"]:
                    return f"output {output['file']} does not match its sha256"
    return None
