"""Token shards: the contract between the tokenize job and the trainer.

A shard is `<name>.ds` (raw little-endian token ids, uint16 when the vocabulary fits, else uint32, no header) and
`<name>.ds.index` (uint64 end offset of each document), the datatrove layout (TRAINER.md §4). One `manifest.json`
per dataset names the tokenizer, vocabulary, bos/eos ids, token size and, per shard, its source, split, counts and
sha256. The reader refuses a shard that breaks an invariant with a ShardError naming the file and the invariant.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from pipeline.errors import UserError
from pipeline.io import AtomicFile, filesystem, is_remote, join, read_json, write_json

MANIFEST_NAME = "manifest.json"
FORMAT_NAME = "llama-data-token-shards"
FORMAT_VERSION = 1
SPLITS = ("train", "validation")
INDEX_SUFFIX = ".index"
INDEX_DTYPE = np.dtype("<u8")
_DTYPES = {2: np.dtype("<u2"), 4: np.dtype("<u4")}
_CHUNK_BYTES = 8 << 20  # verification streams files in 8 MiB chunks
_OPEN_SHARDS = 256  # memory maps kept open at once (each holds a file descriptor)


class ShardError(UserError):
    """A shard or dataset manifest that breaks the format's invariants; the message names the file."""


def token_size_for(vocab_size: int) -> int:
    """Bytes per token: 2 (uint16) when every id fits, else 4 (uint32)."""
    return 2 if vocab_size <= 65536 else 4


def token_dtype(token_size: int) -> np.dtype:
    if token_size not in _DTYPES:
        raise ShardError(f"token_size must be 2 or 4, got {token_size}")
    return _DTYPES[token_size]


class ShardWriter:
    """Streams documents into `<directory>/<name>.ds` and its `.ds.index`; files appear only on close()."""

    def __init__(self, directory: str, name: str, token_size: int, vocab_size: int | None = None):
        self.dtype = token_dtype(token_size)
        self.file = f"{name}.ds"
        self.limit = vocab_size if vocab_size is not None else 1 << (8 * token_size)
        self._tokens_out = AtomicFile(join(directory, self.file))
        self._index_out = AtomicFile(join(directory, self.file + INDEX_SUFFIX))
        self._sha = self._index_sha = ""
        self.documents = 0
        self.tokens = 0
        self._closed = False

    def add_document(self, tokens: Any) -> None:
        ids = np.asarray(tokens)
        if ids.ndim != 1:
            raise ShardError(f"{self.file}: a document must be a 1-D sequence of token ids")
        if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= self.limit):
            raise ShardError(f"{self.file}: token id outside [0, {self.limit}) in document {self.documents}")
        self._tokens_out.handle.write(ids.astype(self.dtype, copy=False).tobytes())
        self.tokens += int(ids.size)
        self._index_out.handle.write(np.array([self.tokens], dtype=INDEX_DTYPE).tobytes())
        self.documents += 1

    def close(self) -> dict[str, Any]:
        """Move both files into place; returns the shard's manifest entry (less source and split)."""
        if not self._closed:
            _, self._sha = self._tokens_out.commit()
            _, self._index_sha = self._index_out.commit()
            self._closed = True
        return {
            "file": self.file,
            "documents": self.documents,
            "tokens": self.tokens,
            "sha256": self._sha,
            "index_sha256": self._index_sha,
        }


def write_dataset_manifest(
    directory: str,
    *,
    tokenizer: str,
    tokenizer_sha256: str,
    vocab_size: int,
    bos_id: int,
    eos_id: int,
    token_size: int,
    shards: list[dict],
    extra: dict | None = None,
) -> dict[str, Any]:
    """Write `manifest.json`, with shards sorted and per-source totals, so equal datasets give equal bytes;
    returns the manifest written."""
    path = join(directory, MANIFEST_NAME)
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "tokenizer": tokenizer,
        "tokenizer_sha256": tokenizer_sha256,
        "vocab_size": vocab_size,
        "bos_id": bos_id,
        "eos_id": eos_id,
        "token_size": token_size,
    }
    check_manifest({**header, "shards": shards}, path)
    ordered = sorted(shards, key=lambda e: (e["source"], SPLITS.index(e["split"]), e["file"]))
    totals: dict[str, dict[str, dict[str, int]]] = {}
    for entry in ordered:
        bucket = totals.setdefault(entry["source"], {}).setdefault(
            entry["split"], {"documents": 0, "tokens": 0}
        )
        bucket["documents"] += entry["documents"]
        bucket["tokens"] += entry["tokens"]
    manifest = {
        **header,
        "dtype": token_dtype(token_size).name,
        "totals": totals,
        "shards": ordered,
        "extra": extra or {},
    }
    write_json(path, manifest)
    return manifest


def read_dataset_manifest(directory: str) -> dict[str, Any] | None:
    """The manifest as written, or None when the folder holds none (resume checks use this)."""
    path = join(directory, MANIFEST_NAME)
    fs, resolved = filesystem(path)
    return read_json(path) if fs.exists(resolved) else None


def remove_dataset_files(directory: str) -> None:
    """Remove a previous dataset's shards, indexes and manifest (only those) before a new one is written."""
    fs, resolved = filesystem(directory)
    if not fs.isdir(resolved):
        return
    for path in fs.ls(resolved, detail=False):
        name = path.rstrip("/").rsplit("/", 1)[-1]
        if name.endswith((".ds", ".ds" + INDEX_SUFFIX)) or name == MANIFEST_NAME:
            fs.rm(path)


def check_manifest(manifest: Any, label: str) -> dict[str, Any]:
    """Check every field a reader relies on, so a hand-edited or foreign manifest is one ShardError naming `label`
    (the manifest's path) and the field, never a KeyError or TypeError from deep in the reader; returns it.
    The writer runs it too, so it never writes a manifest the reader would refuse."""

    def fail(field: str, problem: str) -> NoReturn:
        raise ShardError(f"{label}: {field}: {problem}" if field else f"{label}: {problem}")

    def need(table: dict[str, Any], field: str, kind: str, optional: bool = False) -> Any:
        key = field.rsplit(".", 1)[-1]
        if key not in table:
            if optional:
                return None
            fail(field, "missing")
        expected, accepts = _FIELD_KINDS[kind]
        if not accepts(table[key]):
            fail(field, f"expected {expected}, got {_json_value(table[key])}")
        return table[key]

    if not isinstance(manifest, dict):
        fail("", f"expected an object at the top level, got {_json_value(manifest)}")
    vocab_size = need(manifest, "vocab_size", "positive")
    token_size = need(manifest, "token_size", "count")
    if token_size not in _DTYPES:
        fail("token_size", f"must be 2 or 4, got {token_size}")
    if vocab_size > 1 << (8 * token_size):
        fail("vocab_size", f"{vocab_size} does not fit token_size {token_size}")
    for field in ("bos_id", "eos_id"):
        if need(manifest, field, "count") >= vocab_size:
            fail(field, f"must be below vocab_size {vocab_size}, got {manifest[field]}")
    need(manifest, "tokenizer_sha256", "text")
    need(manifest, "tokenizer", "text", optional=True)
    first_listed: dict[str, int] = {}
    for i, entry in enumerate(need(manifest, "shards", "array")):
        where = f"shards[{i}]"
        if not isinstance(entry, dict):
            fail(where, f"expected an object, got {_json_value(entry)}")
        name = need(entry, f"{where}.file", "text")
        if not name or name in (".", "..") or "/" in name or "\\" in name:
            fail(f"{where}.file", f"expected a plain file name, got {_json_value(name)}")
        if name in first_listed:
            fail(f"{where}.file", f"{_json_value(name)} is already listed as shards[{first_listed[name]}]")
        first_listed[name] = i
        need(entry, f"{where}.source", "text")
        if need(entry, f"{where}.split", "text") not in SPLITS:
            fail(f"{where}.split", f"expected one of {', '.join(SPLITS)}, got {_json_value(entry['split'])}")
        for field in ("documents", "tokens"):
            need(entry, f"{where}.{field}", "count")
        need(entry, f"{where}.sha256", "text")
        need(entry, f"{where}.index_sha256", "text or null", optional=True)
    return manifest


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON's true is a Python int


# What each kind of manifest field must hold: the words for the message, and the test.
_FIELD_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "count": ("a non-negative integer", lambda v: _is_integer(v) and v >= 0),
    "positive": ("a positive integer", lambda v: _is_integer(v) and v > 0),
    "text": ("a string", lambda v: isinstance(v, str)),
    "text or null": ("a string or null", lambda v: v is None or isinstance(v, str)),
    "array": ("an array", lambda v: isinstance(v, list)),
}


def _json_value(value: Any) -> str:
    """A value as the manifest spells it: scalars in JSON, containers by their kind (they can be long)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return json.dumps(value)


@dataclass
class Shard:
    """One shard as the manifest describes it; token and index arrays are memory-mapped on demand."""

    path: str
    source: str
    split: str
    documents: int
    tokens: int
    sha256: str
    index_sha256: str | None
    dtype: np.dtype
    origin: str | None = None  # the remote file this is a cached copy of, named in errors

    @property
    def file(self) -> str:
        return os.path.basename(self.path)

    def token_array(self) -> np.ndarray:
        if self.tokens == 0:
            return np.zeros(0, dtype=self.dtype)
        return np.memmap(self.path, dtype=self.dtype, mode="r")

    def document_ends(self) -> np.ndarray:
        if self.documents == 0:
            return np.zeros(0, dtype=INDEX_DTYPE)
        return np.memmap(self.path + INDEX_SUFFIX, dtype=INDEX_DTYPE, mode="r")

    def check(self, vocab_size: int, verify: bool) -> None:
        """The format's invariants; verify=True adds the full-file scans (sha256 of both files, token range)."""
        for path in (self.path, self.path + INDEX_SUFFIX):
            if not os.path.isfile(path):
                self._fail(f"file missing: {path}")
        size = os.path.getsize(self.path)
        if size % self.dtype.itemsize:
            self._fail(f"file size {size} is not a multiple of the token size {self.dtype.itemsize}")
        if size // self.dtype.itemsize != self.tokens:
            self._fail(f"holds {size // self.dtype.itemsize} tokens, the manifest says {self.tokens}")
        index_size = os.path.getsize(self.path + INDEX_SUFFIX)
        if index_size % INDEX_DTYPE.itemsize or index_size // INDEX_DTYPE.itemsize != self.documents:
            self._fail(
                f"index holds {index_size / INDEX_DTYPE.itemsize:g} entries, the manifest says {self.documents} documents"
            )
        ends = self.document_ends()
        last = int(ends[-1]) if len(ends) else 0
        if last != self.tokens:
            self._fail(f"last index entry {last} does not equal the token count {self.tokens}")
        if len(ends) > 1 and bool(np.any(ends[1:] < ends[:-1])):
            self._fail("index entries decrease (document ends must be non-decreasing)")
        if verify:
            self._verify_contents(vocab_size)

    def check_tokens(self, tokens: np.ndarray, vocab_size: int) -> None:
        if tokens.size and int(tokens.max()) >= vocab_size:
            self._fail(f"token id {int(tokens.max())} is not below the vocabulary size {vocab_size}")

    def _verify_contents(self, vocab_size: int) -> None:
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                digest.update(chunk)
                self.check_tokens(np.frombuffer(chunk, dtype=self.dtype), vocab_size)
        if digest.hexdigest() != self.sha256:
            self._fail("sha256 does not match the manifest")
        if self.index_sha256 is not None:
            with open(self.path + INDEX_SUFFIX, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != self.index_sha256:
                    self._fail("index sha256 does not match the manifest")

    def _fail(self, invariant: str) -> None:
        where = f"{self.origin} (cached at {self.path})" if self.origin else self.path
        raise ShardError(f"shard {where}: {invariant}")


class TokenDataset:
    """A tokenized dataset opened from its manifest: shards per (source, split), checked on open."""

    def __init__(
        self,
        directory: str,
        manifest: dict[str, Any],
        shards: list[Shard],
        local_directory: str | None = None,
    ):
        self.directory = directory  # as opened: a local path or a URL
        self.local_directory = local_directory or directory  # where the shards are mapped from
        self.manifest = manifest
        self.vocab_size: int = int(manifest["vocab_size"])
        self.bos_id: int = int(manifest["bos_id"])
        self.eos_id: int = int(manifest["eos_id"])
        self.token_size: int = int(manifest["token_size"])
        self.tokenizer: str = str(manifest.get("tokenizer", ""))
        self.tokenizer_sha256: str = str(manifest["tokenizer_sha256"])
        self.dtype = token_dtype(self.token_size)
        self._shards = shards
        self._open: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def open(cls, directory: str, verify: bool = True, manifest_only: bool = False) -> TokenDataset:
        """Read `<directory>/manifest.json` and check every shard; verify=True also hashes and scans the files.

        A remote directory (gs://, s3://, memory://, ...) is first copied to the local cache, each file verified
        against the manifest as it arrives (tokenization/cache.py), since shards are memory-mapped; a file://
        URL is read in place. `directory` stays as given, for messages and records. `manifest_only` reads the
        manifest alone (a mixture plan needs no shard): nothing is fetched, and no shard may be read."""
        local = directory
        if manifest_only:
            pass
        elif is_remote(directory):
            from tokenization.cache import cached_dataset  # imported here: cache.py imports this module

            local = str(cached_dataset(directory))
        elif directory.startswith("file://"):
            local = filesystem(directory)[1]
        path = join(local, MANIFEST_NAME)
        fs, resolved = filesystem(path)
        if not fs.isfile(resolved):
            raise UserError(
                f"{directory}: no {MANIFEST_NAME} here; is it a tokenized dataset (llama-data tokenize)?"
            )
        label = join(directory, MANIFEST_NAME) if local != directory else path
        try:
            raw = read_json(path)
        except ValueError as exc:
            raise ShardError(f"{label}: not valid JSON ({exc})") from None
        manifest = check_manifest(raw, label)
        dtype = token_dtype(manifest["token_size"])
        shards = []
        for entry in manifest["shards"]:
            shard = Shard(
                path=str(Path(local) / entry["file"]),
                source=entry["source"],
                split=entry["split"],
                documents=entry["documents"],
                tokens=entry["tokens"],
                sha256=entry["sha256"],
                index_sha256=entry.get("index_sha256"),
                dtype=dtype,
                origin=join(directory, entry["file"]) if is_remote(directory) else None,
            )
            if not manifest_only:
                shard.check(manifest["vocab_size"], verify)
            shards.append(shard)
        return cls(str(directory), manifest, shards, local_directory=local)

    def sources(self, split: str = "train") -> list[str]:
        """Sources with at least one token in `split`, sorted."""
        return sorted({s.source for s in self._shards if s.split == split and s.tokens > 0})

    def shards(self, source: str, split: str = "train") -> list[Shard]:
        """The source's shards of one split, in file-name order (the order their tokens are concatenated in)."""
        return sorted(
            (s for s in self._shards if s.source == source and s.split == split), key=lambda s: s.file
        )

    def tokens(self, source: str, split: str = "train") -> int:
        return sum(s.tokens for s in self.shards(source, split))

    def documents(self, source: str, split: str = "train") -> int:
        return sum(s.documents for s in self.shards(source, split))

    def token_array(self, shard: Shard) -> np.ndarray:
        """The shard's tokens, memory-mapped; a bounded number of maps stay open (each holds a descriptor)."""
        array = self._open.pop(shard.path, None)
        if array is None:
            array = shard.token_array()
        self._open[shard.path] = array
        while len(self._open) > _OPEN_SHARDS:
            self._open.popitem(last=False)
        return array

    def iter_documents(self, source: str, split: str = "train"):
        """Each document's tokens (bos ... eos), shard by shard, in stored order."""
        for shard in self.shards(source, split):
            tokens = self.token_array(shard)
            start = 0
            for end in shard.document_ends():
                yield np.asarray(tokens[start : int(end)])
                start = int(end)

    def __getstate__(self) -> dict[str, Any]:
        # Memory maps would pickle as full copies; a worker process re-opens them on first use.
        state = self.__dict__.copy()
        state["_open"] = OrderedDict()
        return state
