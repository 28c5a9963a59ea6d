"""One safe reader of untrusted file trees: a directory, a tar (plain, gzip, bzip2 or xz), a zip, a single
gzipped file (arXiv's bare-gzip paper) or a plain file, read as a sorted list of (name, bytes) members.

Kinds (`tree_kind`) come from magic bytes first and the name second: gzip `1f 8b`, bzip2 `BZh`, xz
`fd 37 7a 58 5a 00`, zip `PK\\x03\\x04` (or `PK\\x05\\x06`, an empty zip), tar `ustar` at byte 257. A compressed
stream whose first 512 decompressed bytes are a tar header (or one named `.tar.gz`, `.tgz`, `.tar.bz2`, ...) is a
"tar"; any other gzip is "gzip" (one member: the file's name without `.gz`); a `.zip` or `.tar` name is trusted
when the magic is missing (the reader then rejects it if it is not one). Anything else readable is "file".

Reading (`iter_tree`), one tree at a time in memory, at most `max_total_bytes` of member data:
* a tar is streamed (mode `r|`, behind our own gzip/bz2/lzma reader, which notices a truncated stream): never
  seeked, never extracted. Its wanted members are collected and sorted at the end. After the end-of-archive
  marker the rest of the stream is drained (a few MiB at most): non-zero data there means a damaged header that
  tarfile took for the end, so the tree is `corrupt_archive` rather than silently cut short.
* a zip is read through its central directory; each member is decompressed in 64 KiB chunks and never past
  `max_member_bytes` + 1, whatever its header declares (a zip bomb or a lying size stops there).
* a directory is walked through file descriptors (`openat` with `O_NOFOLLOW`): a symlink is never followed,
  not even one swapped in while the walk runs, and a fifo or device is never opened for reading.

Names are POSIX paths relative to the root: `./` and empty components dropped. `want(name)` is asked before a
member's data is read; a member it declines is neither read nor yielded (the caller counts it; the names are
appended to `unwanted` when a list is given). It may be asked twice about one tar member (see strip_root), so
it must be a pure function of the name. `strip_root=True` removes a single top-level folder that holds
everything (`six-1.16.0/` of an sdist, `repo-main/` of a GitHub zip). For a streamed tar the root is guessed
from the first entry; if a later entry falls outside it, the tar is read again without stripping.

Yields, sorted by member name (Skips sit at the name they came from):
    Member(name, data)
    Skip("skipped:unsafe_path")      absolute name, `..` component, drive letter, backslash, NUL
    Skip("skipped:bad_name")         a name that is not valid UTF-8
    Skip("skipped:link")             symlink or hardlink (tar, zip `external_attr`); a directory's symlink
                                     (its hard links are ordinary files: nothing tells them apart)
    Skip("skipped:special_file")     device, fifo, socket, unknown tar member type
    Skip("skipped:oversize_member")  over max_member_bytes by header, or found so while reading
    Skip("skipped:encrypted")        an encrypted zip member
    Skip("skipped:unsupported_compression")  a zip member in a method zipfile cannot decompress
    Skip("skipped:duplicate_name")   an earlier member of the same name (the last one wins, as in extraction)
    Skip("skipped:too_deep")         a directory nested deeper than MAX_DEPTH (directory trees only)
or, for damage to the tree as a whole, ONE Reject and nothing else (a half-read repository would get a wrong
licence decision, so what was read before is dropped): `too_many_members` (more than max_members entries of
any type), `archive_too_large` (member data over max_total_bytes), `corrupt_archive` (tarfile, zipfile or
compression errors, truncation), `unreadable` (the path cannot be opened or a file in a directory cannot be
read), `empty_tree` (no entry other than folders; for a gzip or plain file, no byte). A Reject's source_file is the tree's path, offset None,
record_id the member name where one is to blame.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import io
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from pipeline.io import is_remote, open_file
from pipeline.rejects import Reject, Skip

__all__ = [
    "MAX_DEPTH",
    "REJECT_REASONS",
    "SKIP_REASONS",
    "ArchiveLimits",
    "Member",
    "iter_tree",
    "safe_name",
    "tree_kind",
]

CHUNK = 64 << 10
MAX_DEPTH = 128  # directory nesting walked (each level holds a file descriptor open)
_TRAILER_BYTES = 4 << 20  # decompressed bytes checked after a tar's end-of-archive marker
GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_TAR_NAMES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz")
_DRIVE = re.compile(r"^[A-Za-z]:")

UNSAFE = Skip("skipped:unsafe_path")
BAD_NAME = Skip("skipped:bad_name")
LINK = Skip("skipped:link")
SPECIAL = Skip("skipped:special_file")
OVERSIZE = Skip("skipped:oversize_member")
ENCRYPTED = Skip("skipped:encrypted")
UNSUPPORTED = Skip("skipped:unsupported_compression")
DUPLICATE = Skip("skipped:duplicate_name")
TOO_DEEP = Skip("skipped:too_deep")
SKIP_REASONS = tuple(
    s.reason for s in (UNSAFE, BAD_NAME, LINK, SPECIAL, OVERSIZE, ENCRYPTED, UNSUPPORTED, DUPLICATE, TOO_DEEP)
)
REJECT_REASONS = (
    "too_many_members",
    "archive_too_large",
    "corrupt_archive",
    "unreadable",
    "empty_tree",
)
# What a broken archive or compressed stream raises while it is read.
_CORRUPT_ERRORS = (
    tarfile.TarError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    gzip.BadGzipFile,
    ValueError,  # bz2 "invalid data stream" is an OSError; a few tarfile/zipfile paths raise ValueError
    OSError,
    NotImplementedError,  # zipfile: a "zip file version" or compression method it lacks
)


@dataclass(frozen=True)
class ArchiveLimits:
    max_member_bytes: int = 10 << 20  # a bigger file is skipped (counted), never read whole
    max_total_bytes: int = 1 << 30  # decompressed member bytes read from one tree, in all
    max_members: int = 100_000  # entries (files, dirs, links) looked at in one tree


@dataclass(frozen=True)
class Member:
    name: str  # POSIX path relative to the tree root, normalized; never absolute, never with ".."
    data: bytes


class _TreeError(Exception):
    """Damage to the whole tree: becomes the one Reject that iter_tree yields."""

    def __init__(self, reason: str, detail: str = "", record_id: str | None = None):
        super().__init__(reason)
        self.reason, self.detail, self.record_id = reason, detail, record_id


class _Restart(Exception):
    """A streamed tar's guessed root folder turned out wrong: read it again without stripping."""


def _base_name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def safe_name(raw: str) -> str | Skip:
    """The normalized POSIX name of an archive entry, or the Skip that says why it is unsafe.
    "" is the root itself (`./`)."""
    if "\x00" in raw or "\\" in raw or raw.startswith("/") or _DRIVE.match(raw):
        return UNSAFE
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if ".." in parts:
        return UNSAFE
    name = "/".join(parts)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # tarfile's and os's surrogateescape for undecodable bytes
        return BAD_NAME
    return name


def _head(handle: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = handle.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _decompressor(magic: bytes) -> Callable[[IO[bytes]], IO[bytes]] | None:
    if magic.startswith(GZIP_MAGIC):
        return lambda raw: gzip.GzipFile(fileobj=raw, mode="rb")
    if magic.startswith(BZ2_MAGIC):
        return lambda raw: bz2.BZ2File(raw, mode="rb")
    if magic.startswith(XZ_MAGIC):
        return lambda raw: lzma.LZMAFile(raw, mode="rb")
    return None


def _is_tar_header(block: bytes) -> bool:
    return block[257:262] == b"ustar"


def tree_kind(path: str) -> str | None:
    """The kind of tree at `path`: "dir", "tar", "zip", "gzip" (one gzipped file), "file", or None when it
    cannot be read."""
    if not is_remote(path):
        if os.path.isdir(path):
            return "dir"
        if not os.path.isfile(path):
            return None
    name = _base_name(path).lower()
    try:
        with open_file(path, "rb") as raw:
            head = _head(raw, 512)
            opener = _decompressor(head)
            inner = b""
            if opener is not None:
                raw.seek(0)
                try:
                    inner = _head(opener(raw), 512)
                except _CORRUPT_ERRORS:
                    inner = b""
    except (OSError, ValueError):
        return None
    if name.endswith(_TAR_NAMES) and not head.startswith(ZIP_MAGICS):
        return "tar"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if opener is not None:
        if _is_tar_header(inner):
            return "tar"
        return "gzip" if head.startswith(GZIP_MAGIC) else "file"
    if _is_tar_header(head):
        return "tar"
    if name.endswith(".zip"):
        return "zip"
    return "file"


class _Collector:
    """Members and Skips of one tree, with the limits enforced as they arrive."""

    def __init__(self, limits: ArchiveLimits, want: Callable[[str], bool] | None, root: str | None):
        self.limits = limits
        self.want = want
        self.root = root  # the folder to strip, or None
        self.entries = 0
        self.total = 0
        self.members: dict[str, bytes] = {}
        self.skips: list[tuple[str, Skip]] = []
        self.unwanted: list[str] = []

    def entry(self, name: str) -> None:
        """Count one entry of any type (before it is looked at)."""
        self.entries += 1
        if self.entries > self.limits.max_members:
            raise _TreeError("too_many_members", f"more than {self.limits.max_members} entries", name)

    def name(self, raw: str, is_dir: bool = True) -> str | Skip:
        """The member name (root stripped; "" for the root itself), or the Skip for an unsafe one."""
        name = safe_name(raw)
        if isinstance(name, Skip) or self.root is None or not name:
            return name
        if name == self.root:
            if not is_dir:  # a file named like the root folder: there is no single root folder
                raise _Restart
            return ""
        if not name.startswith(self.root + "/"):
            raise _Restart
        return name[len(self.root) + 1 :]

    def skip(self, name: str, skip: Skip) -> None:
        self.skips.append((name, skip))

    def wanted(self, name: str) -> bool:
        if self.want is None or self.want(name):
            return True
        self.unwanted.append(name)
        return False

    def oversize(self, size: int) -> bool:
        return size > self.limits.max_member_bytes

    def read(self, name: str, handle: IO[bytes]) -> bool:
        """Read one member in chunks, never past the member or total limits; False when it is oversize."""
        limit = self.limits.max_member_bytes
        parts: list[bytes] = []
        size = 0
        while True:
            chunk = handle.read(min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                return False
            if self.total + size > self.limits.max_total_bytes:
                raise _TreeError(
                    "archive_too_large", f"member data over {self.limits.max_total_bytes} bytes", name
                )
            parts.append(chunk)
        self.add(name, b"".join(parts))
        return True

    def add(self, name: str, data: bytes) -> None:
        if name in self.members:
            self.total -= len(self.members[name])
            self.skip(name, DUPLICATE)
        self.total += len(data)
        self.members[name] = data

    def results(self) -> list[Member | Skip]:
        items: list[tuple[str, int, Member | Skip]] = [(n, 1, Member(n, d)) for n, d in self.members.items()]
        items += [(n, 0, s) for n, s in self.skips]
        items.sort(key=lambda item: (item[0], item[1], getattr(item[2], "reason", "")))
        return [item for _, _, item in items]


def iter_tree(
    path: str,
    limits: ArchiveLimits = ArchiveLimits(),
    want: Callable[[str], bool] | None = None,
    strip_root: bool = False,
    unwanted: list[str] | None = None,
) -> Iterator[Member | Skip | Reject]:
    """The regular files of one tree, sorted by name, or one Reject (see the module docstring)."""
    kind = tree_kind(path)
    try:
        if kind is None:
            raise _TreeError("unreadable", "no such file or directory, or not readable")
        if kind == "dir" and is_remote(path):
            raise _TreeError("unreadable", "a remote directory is not read as a tree")
        reader = {
            "dir": _read_dir,
            "tar": _read_tar,
            "zip": _read_zip,
            "gzip": _read_gzip,
            "file": _read_file,
        }
        collector = reader[kind](path, limits, want, strip_root)
        single = kind in ("gzip", "file") and collector.members and not any(collector.members.values())
        if single or not (collector.members or collector.skips or collector.unwanted):
            raise _TreeError("empty_tree", f"a {kind} with no file (or no byte) in it")
    except _TreeError as exc:
        yield Reject(path, None, exc.reason, exc.detail[:500], exc.record_id)
        return
    if unwanted is not None:
        unwanted.extend(sorted(collector.unwanted))
    yield from collector.results()


def _corrupt(exc: BaseException, name: str | None = None) -> _TreeError:
    return _TreeError("corrupt_archive", f"{type(exc).__name__}: {exc}", name)


# --- tar ---------------------------------------------------------------------------------------------------


def _read_tar(path: str, limits: ArchiveLimits, want, strip_root: bool) -> _Collector:
    if strip_root:
        root = _first_tar_root(path)
        if root is not None:
            try:
                return _read_tar_once(path, _Collector(limits, want, root))
            except _Restart:
                pass
    return _read_tar_once(path, _Collector(limits, want, None))


def _open_tar_stream(raw: IO[bytes]) -> IO[bytes]:
    head = _head(raw, 6)
    raw.seek(0)
    opener = _decompressor(head)
    return opener(raw) if opener is not None else raw


def _first_tar_root(path: str) -> str | None:
    """The top-level folder of a tar's first named entry (the guess that strip_root checks as it reads)."""
    try:
        with open_file(path, "rb") as raw, tarfile.open(fileobj=_open_tar_stream(raw), mode="r|") as tar:
            for info in tar:
                name = safe_name(info.name)
                if isinstance(name, Skip) or not name:
                    continue
                if "/" in name or info.isdir():
                    return name.split("/", 1)[0]
                return None
    except _CORRUPT_ERRORS:
        return None  # the reading pass reports the damage
    return None


def _read_tar_once(path: str, out: _Collector) -> _Collector:
    try:
        with open_file(path, "rb") as raw, tarfile.open(fileobj=_open_tar_stream(raw), mode="r|") as tar:
            info = None
            try:
                for info in tar:
                    _tar_member(tar, info, out)
            except _CORRUPT_ERRORS as exc:
                raise _corrupt(exc, info.name if info is not None else None) from None
            _check_trailer(tar.fileobj)  # tarfile's own stream: it holds a buffered record
    except (_TreeError, _Restart):
        raise
    except _CORRUPT_ERRORS as exc:
        raise _corrupt(exc) from None
    return out


def _tar_member(tar: tarfile.TarFile, info: tarfile.TarInfo, out: _Collector) -> None:
    out.entry(info.name)
    name = out.name(info.name, info.isdir())
    if isinstance(name, Skip):
        out.skip(info.name, name)
        return
    if info.isdir() or not name:
        return
    if info.issym() or info.islnk():
        out.skip(name, LINK)
    elif not info.isreg():
        out.skip(name, SPECIAL)
    elif out.oversize(info.size):
        out.skip(name, OVERSIZE)
    elif out.wanted(name):
        handle = tar.extractfile(info)
        if handle is None or not out.read(name, handle):
            out.skip(name, OVERSIZE)


def _check_trailer(stream: IO[bytes]) -> None:
    """After the end-of-archive marker only zero padding may follow; reading it also makes a compressed
    stream check its own end (a truncated gzip raises EOFError here)."""
    seen = 0
    while seen < _TRAILER_BYTES:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        if chunk.count(0) != len(chunk):
            raise _TreeError("corrupt_archive", "data after the end-of-archive marker (a damaged header?)")
        seen += len(chunk)


# --- zip ---------------------------------------------------------------------------------------------------


def _zip_root(infos: list[zipfile.ZipInfo]) -> str | None:
    names = [n for n in (safe_name(i.orig_filename) for i in infos) if isinstance(n, str) and n]
    if not names:
        return None
    root = names[0].split("/", 1)[0]
    below = False
    for info, name in zip(infos, (safe_name(i.orig_filename) for i in infos), strict=True):
        if not isinstance(name, str) or not name:
            continue
        if name == root:
            if not info.is_dir():
                return None
        elif name.startswith(root + "/"):
            below = True
        else:
            return None
    return root if below else None


def _read_zip(path: str, limits: ArchiveLimits, want, strip_root: bool) -> _Collector:
    try:
        with open_file(path, "rb") as raw, zipfile.ZipFile(raw) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_members:
                raise _TreeError("too_many_members", f"{len(infos)} entries > {limits.max_members}")
            out = _Collector(limits, want, _zip_root(infos) if strip_root else None)
            for info in infos:
                _zip_member(archive, info, out)
            return out
    except _TreeError:
        raise
    except _CORRUPT_ERRORS as exc:
        raise _corrupt(exc) from None


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: _Collector) -> None:
    out.entry(info.orig_filename)
    name = out.name(info.orig_filename)  # orig_filename: zipfile cuts `filename` at a NUL
    if isinstance(name, Skip):
        out.skip(info.orig_filename, name)
        return
    mode = info.external_attr >> 16
    if info.is_dir() or not name or (mode and stat.S_ISDIR(mode)):
        return
    if mode and stat.S_ISLNK(mode):
        out.skip(name, LINK)
    elif mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        out.skip(name, SPECIAL)
    elif info.flag_bits & 0x1:
        out.skip(name, ENCRYPTED)
    elif out.oversize(info.file_size):
        out.skip(name, OVERSIZE)
    elif out.wanted(name):
        try:
            with archive.open(info) as handle:
                if not out.read(name, handle):
                    out.skip(name, OVERSIZE)
        except NotImplementedError:  # a compression method zipfile lacks (deflate64, ...)
            out.skip(name, UNSUPPORTED)
        except _CORRUPT_ERRORS as exc:
            raise _corrupt(exc, name) from None


# --- a single gzipped file, a plain file -------------------------------------------------------------------


def _read_gzip(path: str, limits: ArchiveLimits, want, strip_root: bool) -> _Collector:
    base = _base_name(path)
    name = base[:-3] if base.lower().endswith(".gz") and len(base) > 3 else base
    return _read_single(path, name, limits, want, compressed=True)


def _read_file(path: str, limits: ArchiveLimits, want, strip_root: bool) -> _Collector:
    return _read_single(path, _base_name(path), limits, want, compressed=False)


def _read_single(path: str, raw_name: str, limits: ArchiveLimits, want, compressed: bool) -> _Collector:
    out = _Collector(limits, want, None)
    out.entry(raw_name)
    name = out.name(raw_name)
    if isinstance(name, Skip) or not name:
        out.skip(raw_name, name if isinstance(name, Skip) else BAD_NAME)
        return out
    if not out.wanted(name):
        return out
    try:
        with open_file(path, "rb") as raw:
            handle = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
            if not out.read(name, handle):
                out.skip(name, OVERSIZE)
    except _TreeError:
        raise
    except _CORRUPT_ERRORS as exc:
        if not compressed:
            raise _TreeError("unreadable", f"{type(exc).__name__}: {exc}", name) from None
        raise _corrupt(exc, name) from None
    return out


# --- a directory -------------------------------------------------------------------------------------------

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _read_dir(path: str, limits: ArchiveLimits, want, strip_root: bool) -> _Collector:
    try:
        top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))  # the named root
    except OSError as exc:
        raise _TreeError("unreadable", f"{type(exc).__name__}: {exc}") from None
    try:
        root = None
        if strip_root:
            with os.scandir(top) as listing:
                entries = list(listing)
            if len(entries) == 1 and entries[0].is_dir(follow_symlinks=False):
                root = entries[0].name
        out = _Collector(limits, want, root)
        _walk(top, "", 0, out)
        return out
    finally:
        os.close(top)


def _walk(fd: int, prefix: str, depth: int, out: _Collector) -> None:
    try:
        with os.scandir(fd) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        raise _TreeError("unreadable", f"{type(exc).__name__}: {exc}", prefix or None) from None
    for entry in entries:
        raw = prefix + entry.name
        out.entry(raw)
        name = out.name(raw)
        if isinstance(name, Skip):
            out.skip(raw, name)
            continue
        try:
            if entry.is_symlink():
                out.skip(name, LINK)
            elif entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_DEPTH:
                    out.skip(name, TOO_DEEP)
                    continue
                child = _open_at(entry.name, fd, _DIR_FLAGS, name, out)
                if child is not None:
                    try:
                        _walk(child, raw + "/", depth + 1, out)
                    finally:
                        os.close(child)
            elif not entry.is_file(follow_symlinks=False):
                out.skip(name, SPECIAL)
            else:
                _dir_file(fd, entry.name, name, out)
        except OSError as exc:
            raise _TreeError("unreadable", f"{type(exc).__name__}: {exc}", name) from None


def _open_at(entry: str, fd: int, flags: int, name: str, out: _Collector) -> int | None:
    """os.open relative to a directory descriptor; a symlink swapped in after the listing is skipped."""
    try:
        return os.open(entry, flags, dir_fd=fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            out.skip(name, LINK)
            return None
        raise


def _dir_file(fd: int, entry: str, name: str, out: _Collector) -> None:
    size = os.stat(entry, dir_fd=fd, follow_symlinks=False).st_size
    if out.oversize(size):
        out.skip(name, OVERSIZE)
        return
    if not out.wanted(name):
        return
    handle = _open_at(entry, fd, _FILE_FLAGS, name, out)
    if handle is None:
        return
    with io.FileIO(handle, "rb", closefd=True) as file:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            out.skip(name, SPECIAL)
        elif not out.read(name, file):
            out.skip(name, OVERSIZE)
