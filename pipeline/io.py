"""Reading and writing stage files on local paths or any fsspec URL (gs://, s3://, ...)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.document import SCHEMA, Document
from pipeline.errors import UserError

PARQUET_COMPRESSION = "zstd"
ROW_GROUP_ROWS = 2048


def filesystem(path: str) -> tuple[fsspec.AbstractFileSystem, str]:
    """The fsspec filesystem for `path` and the path as that filesystem names it."""
    try:
        fs, resolved = fsspec.core.url_to_fs(path)  # no glob expansion here: expand_inputs globs itself
    except (ImportError, ValueError) as exc:
        raise UserError(f"cannot open {path}: {exc}") from None
    return fs, resolved


def join(base: str, *parts: str) -> str:
    """`base/part/...`; an empty base stays relative (never the filesystem root)."""
    tail = [p.strip("/") for p in parts]
    if base and not base.strip("/"):  # the root itself
        return "/" + "/".join(tail)
    return "/".join([base.rstrip("/"), *tail] if base else tail)


def parent_folder(path: str) -> str:
    """The folder holding `path` (a local path or a URL such as `gs://bucket/a/b` -> `gs://bucket/a`)."""
    return path.rstrip("/").rsplit("/", 1)[0]


def check_output_folder(path: str, option: str = "--output") -> None:
    """Refuse, before any job runs, an output that is empty, the filesystem root, a file, or not writable."""
    if not path or not path.strip():
        raise UserError(f"{option} is empty: name a folder to write to")
    fs, resolved = filesystem(path)
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    if protocol in ("file", "local") and os.path.abspath(resolved) == os.path.abspath(os.sep):
        raise UserError(f"{option} {path!r} is the filesystem root: name a folder to write to")
    if fs.exists(resolved) and not fs.isdir(resolved):
        raise UserError(f"{option} {path} is a file, not a folder")
    probe = join(path, f".llama-data-probe-{uuid.uuid4().hex[:8]}")
    try:
        fs.makedirs(resolved, exist_ok=True)
        write_atomic(probe, b"")
        fs.rm(filesystem(probe)[1])
    except OSError as exc:
        raise UserError(f"{option} {path}: cannot create or write it ({exc.strerror or exc})") from None


def is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def resolve_path(path: str, base_dir: str | None) -> str:
    """A relative local path taken from `base_dir` (a recipe's folder); absolute paths and URLs as given."""
    if base_dir and "://" not in path and not os.path.isabs(path):
        return str(Path(base_dir) / path)
    return path


def expand_inputs(patterns: Iterable[str], base_dir: str | None = None, trees: bool = False) -> list[str]:
    """Expand paths and globs to a sorted, de-duplicated list; a pattern that matches nothing is a UserError.

    A folder is expanded to the files under it (hidden and `_`-prefixed names left out), unless `trees`: then a
    folder, named or matched by a glob, is one input (a GitHub repository is read as one tree)."""
    found: set[str] = set()
    for pattern in patterns:
        pattern = resolve_path(pattern, base_dir)
        fs, resolved = filesystem(pattern)
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        if any(c in pattern for c in "*?["):
            matches = fs.glob(resolved)  # a folder matched where a file was meant is read, and rejected
        elif fs.isdir(resolved):
            matches = (
                [resolved]
                if trees
                else [p for p in fs.find(resolved) if not Path(p).name.startswith((".", "_"))]
            )
        else:
            matches = [resolved] if fs.exists(resolved) else []
        if not matches:
            raise UserError(f"input not found: {pattern}")
        for match in matches:
            found.add(match if protocol in ("file", "local") else f"{protocol}://{match}")
    return sorted(found)


def tree_files(folder: str) -> Iterator[tuple[str, os.stat_result]]:
    """The regular files under a local folder read as one input (a repository, a paper), sorted, with their
    lstat: links are neither followed nor counted, as the readers do not follow them."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            try:
                info = os.lstat(full)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                yield os.path.relpath(full, folder), info


def file_size(path: str) -> int:
    """Bytes of one file, or of the regular files under a local folder read as one input; 0 for one that
    cannot be read (its reader rejects it)."""
    if not is_remote(path) and os.path.isdir(path):
        return sum(info.st_size for _, info in tree_files(path))
    fs, resolved = filesystem(path)
    try:
        return int(fs.size(resolved) or 0)
    except OSError:
        return 0


def open_file(path: str, mode: str = "rb") -> IO[Any]:
    return fsspec.open(path, mode).open()


def write_atomic(path: str, data: bytes) -> None:
    """Write a small file whole, atomically (see AtomicFile)."""
    target = AtomicFile(path)
    target.handle.write(data)
    target.commit()


def write_json(path: str, obj: Any) -> None:
    write_atomic(path, (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode())


def read_json(path: str) -> Any:
    with open_file(path, "rb") as handle:
        return json.load(handle)


@dataclass(frozen=True)
class PartStats:
    """What the manifest records of one written file."""

    file: str
    rows: int
    characters: int
    bytes: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "characters": self.characters,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }


class _HashingWriter:
    """A binary file handle that hashes and counts what goes through it (for the manifest's sha256)."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0
        self.closed = False

    def write(self, data) -> int:
        data = bytes(data)
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data) or len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.handle.flush()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


class AtomicFile:
    """The one way files are written: under a temporary name beside `path`, hashed and counted as they are
    written; `commit()` renames the file into place, `abort()` removes it, so a reader never sees half a file.

    `with AtomicFile(path) as handle:` commits when the block ends and aborts on an exception;
    `AtomicFile(path, open_handle=False).temp` is a name for libraries that write to a file name themselves."""

    def __init__(self, path: str, open_handle: bool = True):
        self.fs, self.path = filesystem(path)
        self.fs.makedirs(str(PurePosixPath(self.path).parent), exist_ok=True)
        self.temp = f"{self.path}.tmp-{uuid.uuid4().hex[:8]}"
        self._raw = self.fs.open(self.temp, "wb") if open_handle else None
        self.handle = _HashingWriter(self._raw) if open_handle else None

    def __enter__(self) -> _HashingWriter:
        return self.handle

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()

    def commit(self) -> tuple[int, str]:
        """Close and rename; returns (bytes, sha256) of what went through the handle."""
        if self._raw is not None:
            self._raw.close()
        self.fs.mv(self.temp, self.path)
        if self.handle is None:
            return int(self.fs.size(self.path) or 0), ""
        return self.handle.size, self.handle.digest.hexdigest()

    def abort(self) -> None:
        if self._raw is not None:
            self._raw.close()
        if self.fs.exists(self.temp):
            self.fs.rm(self.temp)


@contextmanager
def atomic_name(path: str, fsync: bool = False) -> Iterator[str]:
    """A temporary file name beside `path` for a library that writes to a name (torch.save, safetensors);
    renamed to `path` when the block ends, removed if it raises. `fsync` flushes a local file to disk before
    the rename, so a crash cannot leave a renamed but empty file (checkpoints)."""
    target = AtomicFile(path, open_handle=False)
    try:
        yield target.temp
        if fsync and os.path.isfile(target.temp):
            descriptor = os.open(target.temp, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
    except BaseException:
        target.abort()
        raise
    target.commit()


def copy_atomic(source: str, target: str, sha256: str | None = None, chunk: int = 8 << 20) -> str:
    """Stream one file to another (local or fsspec, either side), atomically; returns the copy's sha256. With
    `sha256`, the copy is renamed into place only when it matches, so nothing unverified lands under the name."""
    writer = AtomicFile(target)
    try:
        with open_file(source, "rb") as reader:
            while data := reader.read(chunk):
                writer.handle.write(data)
    except BaseException:
        writer.abort()
        raise
    digest = writer.handle.digest.hexdigest()
    if sha256 is not None and digest != sha256:
        writer.abort()
    else:
        writer.commit()
    return digest


def write_parquet_part(
    path: str,
    rows: Iterable[dict[str, Any]],
    schema: pa.Schema = SCHEMA,
    characters: Callable[[dict[str, Any]], int] | None = None,
) -> PartStats:
    """Stream rows (already in order) into one Parquet file, a row group at a time."""
    target = AtomicFile(path)
    count = chars = 0
    try:
        writer = pq.ParquetWriter(target.handle, schema, compression=PARQUET_COMPRESSION)
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            count += 1
            chars += characters(row) if characters else 0
            if len(batch) == ROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        writer.close()
    except BaseException:
        target.abort()
        raise
    size, sha256 = target.commit()
    return PartStats(PurePosixPath(path).name, count, chars, size, sha256)


def write_documents(path: str, documents: Iterable[Document]) -> PartStats:
    """Documents (already in id order) to one Parquet part of the Document schema."""
    return write_parquet_part(path, (d.to_row() for d in documents), SCHEMA, lambda row: len(row["text"]))


def write_jsonl(path: str, rows: Iterable[dict[str, Any]]) -> PartStats:
    """Rows (already in order) to one JSON-lines file, streaming."""
    target = AtomicFile(path)
    count = 0
    try:
        for row in rows:
            target.handle.write(
                (json.dumps(row, sort_keys=True, ensure_ascii=False, default=str) + "\n").encode()
            )
            count += 1
    except BaseException:
        target.abort()
        raise
    size, sha256 = target.commit()
    return PartStats(PurePosixPath(path).name, count, 0, size, sha256)


def iter_documents(path: str, columns: list[str] | None = None, batch_size: int = 1024) -> Iterator[Document]:
    """Stream documents from one Parquet file, a batch at a time."""
    with open_file(path, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        for batch in parquet.iter_batches(batch_size=batch_size, columns=columns):
            for row in batch.to_pylist():
                yield Document.from_row(row)


def stage_parts(stage_dir: str) -> list[str]:
    """The Parquet part files of one stage/source folder, sorted."""
    fs, resolved = filesystem(stage_dir)
    if not fs.isdir(resolved):
        return []
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    parts = sorted(
        p
        for p in fs.ls(resolved, detail=False)
        if Path(p).name.startswith("part-") and p.endswith(".parquet")
    )
    return parts if protocol in ("file", "local") else [f"{protocol}://{p}" for p in parts]


def stage_folders(input_dirs: list[str]) -> list[str]:
    """Folders holding `part-*.parquet`: each given folder, or the per-source subfolders of a stage root.

    A folder that holds neither is a UserError, as is an empty list.
    """
    if not input_dirs:
        raise UserError("no input folders given")
    found: list[str] = []
    for directory in input_dirs:
        if stage_parts(directory):
            found.append(directory)
            continue
        fs, resolved = filesystem(directory)
        if not fs.isdir(resolved):
            raise UserError(f"input folder not found: {directory}")
        children = [
            join(directory, PurePosixPath(child).name)
            for child in sorted(fs.ls(resolved, detail=False))
            if not PurePosixPath(child).name.startswith(("_", ".")) and fs.isdir(child)
        ]
        holding = [child for child in children if stage_parts(child)]
        if not holding:
            raise UserError(f"{directory}: no part-*.parquet files here or in its source subfolders")
        found.extend(holding)
    return sorted(set(found))


def find_parts(input_dirs: list[str]) -> list[str]:
    """Every `part-*.parquet` of the folders stage_folders finds, sorted."""
    return sorted({part for folder in stage_folders(input_dirs) for part in stage_parts(folder)})
