"""pipeline/archives.py: untrusted trees (tar, zip, gzip, directories) read safely, in a stable order."""

from __future__ import annotations

import gzip
import io
import os
import stat
import struct
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from pipeline.archives import ArchiveLimits, Member, iter_tree, safe_name, tree_kind
from pipeline.rejects import Reject, Skip


def members(path, **kwargs) -> dict[str, bytes]:
    return {m.name: m.data for m in iter_tree(str(path), **kwargs) if isinstance(m, Member)}


def skips(path, **kwargs) -> list[str]:
    return sorted(s.reason for s in iter_tree(str(path), **kwargs) if isinstance(s, Skip))


def rejects(path, **kwargs) -> list[Reject]:
    return [r for r in iter_tree(str(path), **kwargs) if isinstance(r, Reject)]


def add_file(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def add_special(tar: tarfile.TarFile, name: str, kind: bytes, linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    tar.addfile(info)


def write_tar(path: Path, files: dict[str, bytes], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as tar:
        for name, data in files.items():
            add_file(tar, name, data)
    return path


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


# --- kinds -------------------------------------------------------------------------------------------------


def test_tree_kind_sniffs_magic_bytes_not_only_names(tmp_path):
    files = {"repo/a.py": b"print(1)\n"}
    assert tree_kind(str(tmp_path)) == "dir"
    assert tree_kind(str(write_tar(tmp_path / "a.tar", files))) == "tar"
    assert tree_kind(str(write_tar(tmp_path / "a.tar.gz", files, "w:gz"))) == "tar"
    assert tree_kind(str(write_tar(tmp_path / "a.tar.bz2", files, "w:bz2"))) == "tar"
    assert tree_kind(str(write_tar(tmp_path / "a.tar.xz", files, "w:xz"))) == "tar"
    assert tree_kind(str(write_tar(tmp_path / "no_suffix", files, "w:gz"))) == "tar"  # gzip of a tar
    assert tree_kind(str(write_zip(tmp_path / "misnamed.tar", files))) == "zip"
    assert tree_kind(str(write_zip(tmp_path / "a.bin", files))) == "zip"
    (tmp_path / "paper.gz").write_bytes(gzip.compress(b"\\documentclass{article}"))
    assert tree_kind(str(tmp_path / "paper.gz")) == "gzip"
    (tmp_path / "plain.txt").write_bytes(b"hello")
    assert tree_kind(str(tmp_path / "plain.txt")) == "file"
    assert tree_kind(str(tmp_path / "missing")) is None


def test_safe_name_normalizes_and_refuses_tricks():
    assert safe_name("./a//b/./c.py") == "a/b/c.py"
    assert safe_name("./") == ""
    for bad in ("../evil", "a/../../evil", "/etc/passwd", "C:evil", "c:/x", "a\\..\\b", "a\x00b"):
        assert safe_name(bad) == Skip("skipped:unsafe_path"), bad
    assert safe_name("bad\udcff.py") == Skip("skipped:bad_name")


# --- tar ---------------------------------------------------------------------------------------------------


def test_tar_unsafe_names_links_and_specials_are_skipped(tmp_path):
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        add_file(tar, "ok.py", b"x = 1\n")
        add_file(tar, "../evil", b"escape")
        add_file(tar, "/etc/x", b"absolute")
        add_file(tar, "a/../../evil2", b"escape")
        add_special(tar, "passwd", tarfile.SYMTYPE, "/etc/passwd")
        add_special(tar, "linkdir", tarfile.SYMTYPE, "/etc")
        add_special(tar, "hard", tarfile.LNKTYPE, "ok.py")
        add_special(tar, "fifo", tarfile.FIFOTYPE)
        add_special(tar, "dev", tarfile.CHRTYPE)
    assert members(path) == {"ok.py": b"x = 1\n"}
    assert skips(path) == sorted(
        ["skipped:unsafe_path"] * 3 + ["skipped:link"] * 3 + ["skipped:special_file"] * 2
    )
    assert not (tmp_path.parent / "evil").exists()


def test_tar_members_come_sorted_whatever_the_archive_order(tmp_path):
    files = {"z.py": b"z", "a/b.py": b"b", "m.py": b"m", "a/a.py": b"a"}
    items = list(iter_tree(str(write_tar(tmp_path / "t.tar", files))))
    assert [m.name for m in items] == ["a/a.py", "a/b.py", "m.py", "z.py"]
    again = list(iter_tree(str(tmp_path / "t.tar")))
    assert again == items


def test_tar_oversize_member_is_skipped_by_header(tmp_path):
    path = write_tar(tmp_path / "t.tar", {"big.bin": b"x" * 5000, "small.py": b"ok"})
    limits = ArchiveLimits(max_member_bytes=1000)
    assert members(path, limits=limits) == {"small.py": b"ok"}
    assert skips(path, limits=limits) == ["skipped:oversize_member"]


def test_tar_total_over_limit_rejects_the_whole_tree(tmp_path):
    path = write_tar(tmp_path / "t.tar", {f"f{i}.py": b"x" * 400 for i in range(5)})
    items = list(iter_tree(str(path), limits=ArchiveLimits(max_total_bytes=1000)))
    assert len(items) == 1 and items[0].reason == "archive_too_large"
    assert items[0].source_file == str(path) and items[0].offset is None


def test_too_many_members_rejects(tmp_path):
    files = {f"f{i}.py": b"x" for i in range(20)}
    for path in (write_tar(tmp_path / "t.tar", files), write_zip(tmp_path / "t.zip", files)):
        items = list(iter_tree(str(path), limits=ArchiveLimits(max_members=10)))
        assert [r.reason for r in items] == ["too_many_members"]


def test_truncated_tar_gz_is_corrupt(tmp_path):
    data = os.urandom(200_000)  # incompressible, so the cut lands inside a member
    whole = write_tar(tmp_path / "whole.tar.gz", {"a.bin": data, "b.bin": data}, "w:gz").read_bytes()
    for cut in (len(whole) // 2, len(whole) - 10):
        path = tmp_path / f"cut{cut}.tar.gz"
        path.write_bytes(whole[:cut])
        assert [r.reason for r in iter_tree(str(path))] == ["corrupt_archive"], cut


def test_damaged_tar_header_midway_is_corrupt_not_a_short_tree(tmp_path):
    raw = bytearray(write_tar(tmp_path / "t.tar", {"a.py": b"a" * 100, "b.py": b"b" * 100}).read_bytes())
    raw[1024 + 148 : 1024 + 156] = b"9999999\x00"  # second header's checksum
    (tmp_path / "bad.tar").write_bytes(bytes(raw))
    assert [r.reason for r in iter_tree(str(tmp_path / "bad.tar"))] == ["corrupt_archive"]


def test_garbage_named_tar_is_corrupt(tmp_path):
    (tmp_path / "x.tar.gz").write_bytes(b"this is not a tarball at all" * 10)
    assert [r.reason for r in iter_tree(str(tmp_path / "x.tar.gz"))] == ["corrupt_archive"]


def test_strip_root_removes_one_common_folder(tmp_path):
    files = {"six-1.16.0/setup.py": b"s", "six-1.16.0/six.py": b"x", "six-1.16.0/doc/i.rst": b"d"}
    tar = write_tar(tmp_path / "six.tar.gz", files, "w:gz")
    zipped = write_zip(tmp_path / "six.zip", {"six-1.16.0/": b"", **files})
    for path in (tar, zipped):
        assert sorted(members(path, strip_root=True)) == ["doc/i.rst", "setup.py", "six.py"]
        assert sorted(members(path)) == sorted(files)


def test_strip_root_keeps_names_when_no_single_folder_holds_all(tmp_path):
    files = {"repo/a.py": b"a", "repo/b.py": b"b", "stray.py": b"s"}  # the stray entry comes last
    for path in (write_tar(tmp_path / "t.tar", files), write_zip(tmp_path / "t.zip", files)):
        assert sorted(members(path, strip_root=True)) == ["repo/a.py", "repo/b.py", "stray.py"]
    clash = write_tar(tmp_path / "clash.tar", {"repo/a.py": b"a", "repo": b"a file named like the folder"})
    assert sorted(members(clash, strip_root=True)) == ["repo", "repo/a.py"]


def test_want_is_asked_before_reading_and_unwanted_names_are_reported(tmp_path):
    path = write_tar(tmp_path / "t.tar", {"r/LICENSE": b"MIT", "r/a.py": b"a", "r/b.bin": b"b"})
    asked: list[str] = []
    unwanted: list[str] = []

    def want(name: str) -> bool:
        asked.append(name)
        return name.endswith(".py") or name == "LICENSE"

    got = members(path, want=want, strip_root=True, unwanted=unwanted)
    assert got == {"LICENSE": b"MIT", "a.py": b"a"}
    assert sorted(asked) == ["LICENSE", "a.py", "b.bin"]
    assert unwanted == ["b.bin"]


def test_duplicate_tar_names_last_wins(tmp_path):
    path = tmp_path / "dup.tar"
    with tarfile.open(path, "w") as tar:
        add_file(tar, "a.py", b"first")
        add_file(tar, "./a.py", b"second")
    assert members(path) == {"a.py": b"second"}
    assert skips(path) == ["skipped:duplicate_name"]


# --- zip ---------------------------------------------------------------------------------------------------


def _mark_encrypted(raw: bytes, name: bytes) -> bytes:
    """Set the 'encrypted' flag bit of one member (zipfile cannot write encrypted members itself)."""
    data = bytearray(raw)
    for signature, flags, name_len, name_at in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            (length,) = struct.unpack_from("<H", data, start + name_len)
            if data[start + name_at : start + name_at + length] == name:
                data[start + flags] |= 0x1
            start += 4
    return bytes(data)


def test_zip_unsafe_names_symlinks_and_encrypted_members(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ok.py", b"ok")
        archive.writestr("../evil", b"escape")
        archive.writestr("/abs", b"absolute")
        archive.writestr("C:/win", b"drive")
        link = zipfile.ZipInfo("passwd")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, b"/etc/passwd")
        fifo = zipfile.ZipInfo("fifo")
        fifo.create_system = 3
        fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
        archive.writestr(fifo, b"")
        archive.writestr("secret.py", b"encrypted-bytes")
    path.write_bytes(_mark_encrypted(path.read_bytes(), b"secret.py"))
    assert members(path) == {"ok.py": b"ok"}
    assert skips(path) == sorted(
        ["skipped:unsafe_path"] * 3 + ["skipped:link", "skipped:special_file", "skipped:encrypted"]
    )


def _patch_declared_sizes(raw: bytes, size: int) -> bytes:
    """Rewrite every uncompressed-size field (local headers, central directory) to `size`: a lying zip."""
    data = bytearray(raw)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + offset : start + offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(data)


def test_zip_bomb_with_a_lying_size_is_never_decompressed_past_the_limit(tmp_path):
    huge = 256 << 20  # 256 MiB of zeros deflate to ~250 KiB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("bomb.txt", "w") as out:
        block = b"\x00" * (1 << 20)
        for _ in range(huge >> 20):
            out.write(block)
    path = tmp_path / "bomb.zip"
    path.write_bytes(_patch_declared_sizes(buffer.getvalue(), 100))
    tracemalloc.start()
    items = list(iter_tree(str(path), limits=ArchiveLimits(max_member_bytes=1 << 20)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not any(isinstance(m, Member) and len(m.data) > 100 for m in items)
    assert [getattr(m, "reason", None) for m in items] == ["corrupt_archive"]  # the CRC no longer matches
    assert items[0].record_id == "bomb.txt"
    assert peak < 32 << 20


def test_zip_member_over_the_limit_by_header_is_skipped_unread(tmp_path):
    path = write_zip(tmp_path / "z.zip", {"big.txt": b"\x00" * (4 << 20), "a.py": b"a"})
    limits = ArchiveLimits(max_member_bytes=1 << 20)
    assert members(path, limits=limits) == {"a.py": b"a"}
    assert skips(path, limits=limits) == ["skipped:oversize_member"]


def test_corrupt_zip_is_rejected(tmp_path):
    raw = write_zip(tmp_path / "ok.zip", {"a.py": b"print(1)\n" * 100}).read_bytes()
    (tmp_path / "cut.zip").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04" + b"\xff" * 100)
    for name in ("cut.zip", "junk.zip"):
        assert [r.reason for r in iter_tree(str(tmp_path / name))] == ["corrupt_archive"], name
    flipped = bytearray(raw)
    flipped[40] ^= 0xFF  # inside the compressed data
    (tmp_path / "flip.zip").write_bytes(bytes(flipped))
    assert [r.reason for r in iter_tree(str(tmp_path / "flip.zip"))] == ["corrupt_archive"]


# --- gzip, plain files, empty trees ------------------------------------------------------------------------


def test_single_gzip_file_is_one_member_named_without_gz(tmp_path):
    (tmp_path / "2101.00001.gz").write_bytes(gzip.compress(b"\\section{Intro}"))
    assert members(tmp_path / "2101.00001.gz") == {"2101.00001": b"\\section{Intro}"}
    (tmp_path / "cut.gz").write_bytes(gzip.compress(os.urandom(5000))[:2000])
    assert [r.reason for r in iter_tree(str(tmp_path / "cut.gz"))] == ["corrupt_archive"]
    (tmp_path / "big.gz").write_bytes(gzip.compress(b"\x00" * (8 << 20)))
    assert skips(tmp_path / "big.gz", limits=ArchiveLimits(max_member_bytes=1 << 20)) == [
        "skipped:oversize_member"
    ]


def test_gzip_of_a_tar_is_read_as_a_tar(tmp_path):
    inner = write_tar(tmp_path / "inner.tar", {"p/main.tex": b"tex", "p/fig.png": b"png"}).read_bytes()
    (tmp_path / "2101.00002").write_bytes(gzip.compress(inner))  # arXiv: no suffix at all
    assert tree_kind(str(tmp_path / "2101.00002")) == "tar"
    assert members(tmp_path / "2101.00002", strip_root=True) == {"fig.png": b"png", "main.tex": b"tex"}


def test_plain_file_is_one_member(tmp_path):
    (tmp_path / "x.tex").write_bytes(b"hello")
    assert members(tmp_path / "x.tex") == {"x.tex": b"hello"}


def test_empty_trees_are_rejected(tmp_path):
    (tmp_path / "empty_dir" / "sub").mkdir(parents=True)
    write_tar(tmp_path / "empty.tar", {})
    write_zip(tmp_path / "empty.zip", {})
    (tmp_path / "empty.gz").write_bytes(gzip.compress(b""))
    for name in ("empty_dir", "empty.tar", "empty.zip", "empty.gz"):
        assert [r.reason for r in iter_tree(str(tmp_path / name))] == ["empty_tree"], name
    assert [r.reason for r in iter_tree(str(tmp_path / "missing"))] == ["unreadable"]


# --- directories -------------------------------------------------------------------------------------------


def test_directory_symlinks_are_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "a.py").write_bytes(b"a")
    (repo / "passwd").symlink_to("/etc/passwd")
    (repo / "escape").symlink_to(outside)  # a symlinked directory: not walked
    (repo / "src" / "inner").symlink_to(repo / "src" / "a.py")  # even one inside the tree
    os.mkfifo(repo / "pipe")
    assert members(repo) == {"src/a.py": b"a"}
    assert skips(repo) == ["skipped:link"] * 3 + ["skipped:special_file"]


def test_directory_strip_root_and_limits(tmp_path):
    top = tmp_path / "checkout"
    (top / "repo-main" / "pkg").mkdir(parents=True)
    (top / "repo-main" / "pkg" / "m.py").write_bytes(b"m")
    (top / "repo-main" / "big.bin").write_bytes(b"x" * 2000)
    assert members(top, strip_root=True) == {"big.bin": b"x" * 2000, "pkg/m.py": b"m"}
    small = ArchiveLimits(max_member_bytes=1000)
    assert members(top, strip_root=True, limits=small) == {"pkg/m.py": b"m"}
    assert skips(top, strip_root=True, limits=small) == ["skipped:oversize_member"]
    assert members(top) == {"repo-main/big.bin": b"x" * 2000, "repo-main/pkg/m.py": b"m"}
    assert [r.reason for r in iter_tree(str(top), limits=ArchiveLimits(max_total_bytes=100))] == [
        "archive_too_large"
    ]


def test_same_tree_reads_alike_in_every_format(tmp_path):
    files = {"r/b.py": b"b", "r/a/c.py": b"c", "r/a.md": b"a"}
    src = tmp_path / "src"
    for name, data in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    expected = list(iter_tree(str(src), strip_root=True))
    assert [m.name for m in expected] == ["a.md", "a/c.py", "b.py"]
    for path in (write_tar(tmp_path / "t.tgz", files, "w:gz"), write_zip(tmp_path / "t.zip", files)):
        assert list(iter_tree(str(path), strip_root=True)) == expected


@pytest.mark.parametrize("count", [1, 3])
def test_members_are_whole_bytes(tmp_path, count):
    data = os.urandom(300_000)
    files = {f"f{i}.bin": data for i in range(count)}
    assert members(write_zip(tmp_path / "z.zip", files)) == files
    assert members(write_tar(tmp_path / "t.tar.xz", files, "w:xz")) == files
