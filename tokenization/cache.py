"""A local cache for remote inputs: token shards are memory-mapped and checkpoints are read with torch.load,
so a dataset or file behind an fsspec URL (gs://, s3://, memory://, ...) is copied to local disk first.

Root: `$LLAMA_DATA_CACHE`, else `~/.cache/llama-data`. Each URL gets a folder `<last part>-<sha256(url)[:16]>`:
- `datasets/<url key>/<sha256(manifest.json)[:16]>/`: manifest.json and every `.ds` / `.ds.index` it names. The
  manifest's hash is part of the name, so a changed dataset never reuses stale shards; an older version stays
  (a running trainer may still map it) until the folder is deleted by hand.
- `files/<url key of the folder>/`: single files (checkpoints, tokenizers), with `.versions.json` recording each
  one's fsspec ukey (size, times, etag...); a file whose remote ukey changed is fetched again.
- `train/<url key>/`: the trainer's working folder for a remote output (model/train.py).
A file is streamed to a temporary name while it is hashed, and renamed only once its sha256 matches the manifest,
so a file under its final name has been verified. Local paths and file:// URLs are never copied. Concurrent
processes (torchrun ranks) take a lock per folder: one downloads, the others find the files in place.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import UserError
from pipeline.io import copy_atomic, filesystem, is_remote, join, write_atomic
from tokenization.shards import (
    INDEX_DTYPE,
    INDEX_SUFFIX,
    MANIFEST_NAME,
    ShardError,
    check_manifest,
    token_dtype,
)

CACHE_ENV = "LLAMA_DATA_CACHE"
_VERSIONS = ".versions.json"


def cache_root() -> Path:
    """`$LLAMA_DATA_CACHE` if set, else `~/.cache/llama-data`."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "llama-data")


def cache_folder(kind: str, url: str) -> Path:
    """`<root>/<kind>/<last part of url>-<sha256(url)[:16]>`: stable per URL, readable in a listing."""
    stripped = url.rstrip("/")
    tail = re.sub(r"[^A-Za-z0-9._-]", "_", stripped.rsplit("/", 1)[-1])[:40] or "root"
    return cache_root() / kind / f"{tail}-{hashlib.sha256(stripped.encode()).hexdigest()[:16]}"


def resolve_local(path: str) -> str:
    """A local path as given, or a file:// URL as the local path it names (never copied)."""
    return filesystem(path)[1] if path.startswith("file://") else path


def cached_dataset(url: str) -> Path:
    """A local folder holding a verified copy of the tokenized dataset at `url` (manifest.json, .ds, .ds.index).

    Each shard file is checked against the manifest's `sha256` / `index_sha256` while it is copied; files already
    in the cache are kept. A mismatch is a ShardError naming the remote file, and nothing is left under its name.
    """
    if not is_remote(url):
        return Path(resolve_local(url))
    fs, root = filesystem(url)
    manifest_path = f"{root.rstrip('/')}/{MANIFEST_NAME}"
    try:
        raw = fs.cat_file(manifest_path)
    except FileNotFoundError:
        raise UserError(
            f"{url}: no {MANIFEST_NAME} here; is it a tokenized dataset (llama-data tokenize)?"
        ) from None
    label = join(url, MANIFEST_NAME)
    try:
        manifest = check_manifest(json.loads(raw), label)  # the one field-by-field check, before any download
    except ValueError as exc:
        raise ShardError(f"{label}: not valid JSON ({exc})") from None
    itemsize = token_dtype(manifest["token_size"]).itemsize
    files = []
    for entry in manifest["shards"]:
        name = _plain_name(entry["file"], label)
        files.append((name, entry["tokens"] * itemsize, entry["sha256"], "sha256"))
        files.append(
            (
                name + INDEX_SUFFIX,
                entry["documents"] * INDEX_DTYPE.itemsize,
                entry.get("index_sha256"),
                "index sha256",
            )
        )
    folder = cache_folder("datasets", url) / hashlib.sha256(raw).hexdigest()[:16]
    with _locked(folder):
        for name, size, sha256, label in files:
            local = folder / name
            if local.is_file() and local.stat().st_size == size:
                continue  # renamed into place only after its hash matched: verified
            shard = join(url, name.removesuffix(INDEX_SUFFIX))
            try:
                digest = copy_atomic(join(url, name), str(local), sha256)
            except FileNotFoundError:
                raise ShardError(f"shard {shard}: file missing: {join(url, name)}") from None
            if sha256 is not None and digest != sha256:
                raise ShardError(f"shard {shard}: {label} does not match the manifest")
        if not (folder / MANIFEST_NAME).is_file():
            write_atomic(str(folder / MANIFEST_NAME), raw)
    return folder


def cached_files(url: str, names: Iterable[str]) -> Path:
    """A local folder holding `<url>/<name>` for each name (a checkpoint folder's files, say); a file is fetched
    again only when its remote ukey changed since it was cached."""
    if not is_remote(url):
        return Path(resolve_local(url))
    fs, root = filesystem(url)
    folder = cache_folder("files", url)
    with _locked(folder):
        record_path = folder / _VERSIONS
        versions = json.loads(record_path.read_text()) if record_path.is_file() else {}
        for name in names:
            remote = f"{root.rstrip('/')}/{_plain_name(name, url)}"
            try:
                key = fs.ukey(remote)
            except FileNotFoundError:
                raise UserError(f"not found: {join(url, name)}") from None
            if versions.get(name) == key and (folder / name).is_file():
                continue
            copy_atomic(join(url, name), str(folder / name))
            versions[name] = key
            write_atomic(str(record_path), json.dumps(versions, indent=2, sort_keys=True).encode())
    return folder


def cached_file(url: str) -> Path:
    """One remote file through cached_files; a local path or file:// URL as it is."""
    if not is_remote(url):
        return Path(resolve_local(url))
    parent, name = url.rstrip("/").rsplit("/", 1)
    return cached_files(parent, [name]) / name


def _plain_name(name: str, where: str) -> str:
    """A file name with no folder part: a manifest must not send a copy outside the cache folder."""
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise ShardError(f"{where}: {name!r} is not a plain file name")
    return name


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Create `folder` and hold an exclusive lock on `<folder>.lock` (one downloader per folder at a time)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(folder.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
