"""pipeline/sources/github.py: BigQuery records and repository trees to code Documents, with every Skip."""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from pipeline.archives import ArchiveLimits
from pipeline.document import Document
from pipeline.rejects import Reject, Skip
from pipeline.sources.github import (
    LICENSE_COUNTER,
    GithubRules,
    bigquery_record,
    code_file,
    plan_repository,
    repo_name_for,
    repository_documents,
)


def spdx_text(name: str) -> str:
    return (importlib.resources.files("spdx") / "data" / name).read_text(encoding="utf-8")


MIT = spdx_text("MIT.txt").replace("<year>", "2024").replace("<copyright holders>", "Jane Doe")
GPL3 = spdx_text("GPL-3.0.txt")
CODE = 'import os\n\n\ndef main():\n    """Print the working directory."""\n    print(os.getcwd())\n'
HEADER = "# Copyright (c) 2024 Jane Doe\n# Licensed under the MIT License.\n\n"
C_CODE = "/* Copyright 2020 ACME.\n * Licensed under the Apache License. */\n#include <stdio.h>\nint main(void) { return 0; }\n"


def record(**fields) -> dict:
    base = {"repo_name": "octo/hello", "path": "src/main.py", "content": CODE, "license": "mit"}
    base.update(fields)
    return base


def reason(result) -> str:
    return result.reason if isinstance(result, Skip) else type(result).__name__


# --- BigQuery records --------------------------------------------------------------------------------------


def test_bigquery_record_to_document_with_meta_and_signals():
    doc = bigquery_record(
        record(ref="refs/heads/master", mode=33188, copies=3, id="abc", size=len(CODE)),
        "github_000.jsonl.gz",
        10,
    )
    assert isinstance(doc, Document)
    assert doc.source == "github" and doc.text == CODE
    assert doc.url == "https://github.com/octo/hello/blob/master/src/main.py"
    assert doc.meta["repo_name"] == "octo/hello" and doc.meta["path"] == "src/main.py"
    assert doc.meta["license"] == "mit" and doc.meta["language"] == "Python"
    assert doc.meta["content_hash"] == hashlib.sha256(CODE.encode()).hexdigest()
    assert doc.meta["header_removed"] == "0"
    assert doc.meta["ref"] == "refs/heads/master" and doc.meta["mode"] == "33188"
    assert (
        doc.meta["copies"] == "3"
        and doc.meta["blob_id"] == "abc"
        and doc.meta["file"] == "github_000.jsonl.gz"
    )
    assert set(doc.signals) == {
        "line_count",
        "max_line_length",
        "avg_line_length",
        "alnum_prop",
        "alpha_per_token",
    }
    assert doc.signals["line_count"] == 6.0
    assert all(isinstance(v, str) for v in doc.meta.values())


def test_ids_are_stable_and_unique_per_file():
    a = bigquery_record(record(), "github_000.jsonl.gz", 0)
    again = bigquery_record(record(), "gs://bucket/export/github_000.jsonl.gz", 999)
    other_path = bigquery_record(record(path="src/other.py"), "github_000.jsonl.gz", 0)
    other_repo = bigquery_record(record(repo_name="octo/world"), "github_000.jsonl.gz", 0)
    assert a.id == again.id  # the offset and the folder do not enter the id
    assert len({a.id, other_path.id, other_repo.id}) == 3
    assert a.id.startswith("github-")


def test_bigquery_header_is_stripped_and_hashed_after():
    doc = bigquery_record(record(content=HEADER + CODE), "f.jsonl", 0)
    assert doc.text == CODE and doc.meta["header_removed"] == "1"
    assert doc.meta["content_hash"] == hashlib.sha256(CODE.encode()).hexdigest()
    c = bigquery_record(record(path="main.c", content=C_CODE, license="apache-2.0"), "f.jsonl", 0)
    assert c.text.startswith("#include <stdio.h>") and c.meta["language"] == "C"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"repo_name": None}, "no_repo_name"),
        ({"repo_name": 5}, "bad_repo_name"),
        ({"repo_name": ""}, "bad_repo_name"),
        ({"path": None}, "no_path"),
        ({"path": ["a"]}, "bad_path"),
        ({"path": "a\x00.py"}, "bad_path"),
        ({"content": None}, "no_content"),
        ({"content": 12}, "bad_content"),
        ({"license": 3}, "bad_license"),
    ],
)
def test_bigquery_malformed_records_are_reject_reasons(fields, expected):
    result = bigquery_record(record(**fields), "f.jsonl", 0)
    assert isinstance(result, tuple) and result[0] == expected
    assert isinstance(result[1], str)


def test_bigquery_missing_keys_and_non_objects():
    assert bigquery_record({"path": "a.py", "content": "x", "license": "mit"}, "f", 0)[0] == "no_repo_name"
    assert bigquery_record({"repo_name": "a/b", "content": "x", "license": "mit"}, "f", 0)[0] == "no_path"
    assert bigquery_record({"repo_name": "a/b", "path": "a.py", "license": "mit"}, "f", 0)[0] == "no_content"
    assert bigquery_record([1, 2], "f", 0)[0] == "not_an_object"


def test_bigquery_licence_filter():
    assert isinstance(bigquery_record(record(license="apache-2.0"), "f", 0), Document)
    assert isinstance(bigquery_record(record(license="bsd-3-clause"), "f", 0), Document)
    assert isinstance(bigquery_record(record(license="MIT"), "f", 0), Document)
    assert bigquery_record(record(license="gpl-3.0"), "f", 0) == Skip("dropped:license")
    assert bigquery_record(record(license="other"), "f", 0) == Skip("dropped:license")
    assert bigquery_record(record(license=None), "f", 0) == Skip("dropped:no_license")
    assert bigquery_record(record(license=""), "f", 0) == Skip("dropped:no_license")
    only_mit = GithubRules(licenses=("mit",))
    assert bigquery_record(record(license="apache-2.0"), "f", 0, only_mit) == Skip("dropped:license")


@pytest.mark.parametrize(
    ("path", "content", "expected"),
    [
        ("node_modules/x/index.js", "var a = 1;\n", "skipped:vendored"),
        ("LICENSE", MIT, "skipped:license_file"),
        ("docs/LICENSE.md", MIT, "skipped:license_file"),
        ("certs/ca.crt", "-----BEGIN CERTIFICATE-----\n", "skipped:license_file"),
        ("data/table.csv", "a,b\n1,2\n", "skipped:not_whitelisted"),
        ("src/main.PY", CODE, "skipped:not_whitelisted"),  # RP's whitelist is case-sensitive
        ("src/blob.py", "x = 1\x00\x01\n", "skipped:binary"),
        ("src/bad.py", "x = '\ud800'\n", "skipped:bad_encoding"),
        ("src/pb_pb2.py", CODE, "skipped:generated"),
        ("src/gen.go", "// Code generated by protoc. DO NOT EDIT.\npackage main\n", "skipped:generated"),
        ("src/empty.py", "   \n\n", "dropped:empty"),
        ("src/long.py", "x = '" + "a" * 1200 + "'\n", "dropped:max_line_length"),
        ("src/avg.py", ("y = '" + "b" * 150 + "'\n") * 3, "dropped:avg_line_length"),
        ("src/sym.py", "{}[]();,.+-*/=<>!&|^%~\n" * 10, "dropped:alnum_prop"),
        ("src/digits.py", "0 1 2 3 4 5 6 7 8 9\n" * 10, "dropped:alpha_per_token"),
    ],
)
def test_every_file_skip_reason(path, content, expected):
    assert reason(bigquery_record(record(path=path, content=content), "f", 0)) == expected


def test_oversize_and_record_binary_flag():
    big = "x = 1\n" * 200
    rules = GithubRules(max_file_bytes=1000)
    assert bigquery_record(record(content=big), "f", 0, rules) == Skip("skipped:oversize_file")
    assert bigquery_record(record(binary=True), "f", 0) == Skip("skipped:binary")
    assert isinstance(bigquery_record(record(binary=False), "f", 0), Document)


def test_license_named_source_files_are_code():
    doc = bigquery_record(record(path="tools/license_check.py"), "f", 0)
    assert isinstance(doc, Document)


def test_code_file_takes_bytes_and_strips_a_bom():
    doc = code_file("octo/hello", "a.py", b"\xef\xbb\xbf" + CODE.encode(), "mit", {}, "repo.tar.gz")
    assert isinstance(doc, Document) and doc.text == CODE
    assert code_file("octo/hello", "a.py", b"caf\xe9 = 1\n", "mit", {}, "r") == Skip("skipped:binary")


def test_url_only_for_owner_slash_name_and_quoted():
    doc = code_file("localrepo", "a.py", CODE, "mit", {}, "localrepo.tar")
    assert doc.url is None
    doc = code_file("o/r", "dir with space/a.py", CODE, "mit", {"ref": "v1.0"}, "o")
    assert doc.url == "https://github.com/o/r/blob/v1.0/dir%20with%20space/a.py"


# --- repository trees --------------------------------------------------------------------------------------

REPO_FILES = {
    "LICENSE": MIT,
    "README.md": "# Hello\n\nA tiny project that prints things for the tests of this module.\n",
    "src/main.py": HEADER + CODE,
    "src/util.c": C_CODE,
    "data/table.csv": "a,b\n1,2\n",
    "node_modules/dep/index.js": "module.exports = function () { return 1; };\n",
    "src/empty.py": "\n",
}


def write_dir(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def write_tar(
    path: Path, files: dict[str, str | bytes], root: str = "hello-main/", mode: str = "w:gz"
) -> Path:
    with tarfile.open(path, mode) as tar:
        for name, data in files.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(root + name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


def write_zip(path: Path, files: dict[str, str | bytes], root: str = "hello-main/") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(root + name, data)
    return path


def outcome(items) -> tuple[dict[str, Document], Counter]:
    """Documents by path, and the count of every Skip and Reject but the repository's one licence counter."""
    docs = {d.meta["path"]: d for d in items if isinstance(d, Document)}
    counts = Counter(i.reason for i in items if isinstance(i, Skip | Reject))
    for reason in [r for r in counts if r.startswith(LICENSE_COUNTER)]:
        assert counts.pop(reason) == 1  # once per repository
    return docs, counts


def licence_counter(items) -> str:
    (reason,) = [i.reason for i in items if isinstance(i, Skip) and i.reason.startswith(LICENSE_COUNTER)]
    return reason


def test_mit_repository_directory(tmp_path):
    repo = write_dir(tmp_path / "hello", REPO_FILES)
    items = list(repository_documents(str(repo)))
    docs, counts = outcome(items)
    assert licence_counter(items) == "license:mit"
    assert sorted(docs) == ["README.md", "src/main.py", "src/util.c"]
    assert counts == Counter(
        {"skipped:license_file": 1, "skipped:not_whitelisted": 1, "skipped:vendored": 1, "dropped:empty": 1}
    )
    main = docs["src/main.py"]
    assert main.text == CODE and main.meta["header_removed"] == "1"
    assert main.meta["license"] == "mit" and main.meta["license_file"] == "LICENSE"
    assert main.meta["repo_name"] == "hello" and main.url is None
    assert items == list(repository_documents(str(repo)))  # deterministic


@pytest.mark.parametrize("kind", ["tar.gz", "zip", "tar"])
def test_same_repository_as_an_archive_gives_the_same_documents(tmp_path, kind):
    directory = list(repository_documents(str(write_dir(tmp_path / "hello-main", REPO_FILES))))
    if kind == "zip":
        path = write_zip(tmp_path / "hello-main.zip", REPO_FILES)
    else:
        path = write_tar(
            tmp_path / f"hello-main.{kind}", REPO_FILES, mode="w:gz" if kind == "tar.gz" else "w"
        )
    archived = list(repository_documents(str(path)))
    assert outcome(archived)[1] == outcome(directory)[1]
    docs, _ = outcome(archived)
    assert {p: d.text for p, d in docs.items()} == {p: d.text for p, d in outcome(directory)[0].items()}
    assert all(d.meta["repo_name"] == "hello-main" for d in docs.values())
    # the id hashes the tree's base name: one repository's files differ, and re-reading gives the same ids
    assert len({d.id for d in docs.values()}) == len(docs)
    assert [d.id for d in outcome(repository_documents(str(path)))[0].values()] == [
        d.id for d in docs.values()
    ]


@pytest.mark.parametrize("layout", ["dir", "tar.gz", "zip"])
def test_gpl_repository_is_dropped_file_by_file(tmp_path, layout):
    files = {**REPO_FILES, "LICENSE": GPL3}
    if layout == "dir":
        path = write_dir(tmp_path / "gpl", files)
    elif layout == "zip":
        path = write_zip(tmp_path / "gpl.zip", files)
    else:
        path = write_tar(tmp_path / "gpl.tar.gz", files)
    items = list(repository_documents(str(path)))
    docs, counts = outcome(items)
    assert docs == {} and licence_counter(items) == "license:gpl-3.0"
    assert counts == Counter({"dropped:license": len(files)})


def test_repository_without_licence_is_dropped_as_no_license(tmp_path):
    files = {k: v for k, v in REPO_FILES.items() if k != "LICENSE"}
    docs, counts = outcome(list(repository_documents(str(write_dir(tmp_path / "r", files)))))
    assert docs == {} and counts == Counter({"dropped:no_license": len(files)})


def test_readme_licence_section_counts(tmp_path):
    files = {
        "README.md": "# Tool\n\nDoes things.\n\n## License\n\nLicensed under the MIT license.\n",
        "tool.py": CODE,
    }
    docs, _ = outcome(list(repository_documents(str(write_dir(tmp_path / "r", files)))))
    assert sorted(docs) == ["README.md", "tool.py"] and docs["tool.py"].meta["license"] == "mit"


def test_licence_only_at_the_root_decides(tmp_path):
    files = {"vendored/LICENSE": MIT, "tool.py": CODE}
    docs, counts = outcome(list(repository_documents(str(write_dir(tmp_path / "r", files)))))
    assert docs == {} and counts == Counter({"dropped:no_license": 2})


def test_git_config_names_the_repository_and_git_internals_are_not_files(tmp_path):
    files = {
        "LICENSE": MIT,
        "a.py": CODE,
        ".git/config": '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:octo/hello.git\n',
        ".git/objects/ab/cdef": b"\x78\x9c binary",
        ".git/HEAD": "ref: refs/heads/main\n",
    }
    items = list(repository_documents(str(write_dir(tmp_path / "checkout", files))))
    docs, counts = outcome(items)
    assert sorted(docs) == ["a.py"]
    assert counts == Counter({"skipped:license_file": 1})
    assert docs["a.py"].meta["repo_name"] == "octo/hello"
    assert docs["a.py"].url == "https://github.com/octo/hello/blob/HEAD/a.py"


def test_repo_name_for():
    assert repo_name_for("/x/six-1.16.0.tar.gz") == "six-1.16.0"
    assert repo_name_for("/x/hello.zip") == "hello"
    assert repo_name_for("/x/hello") == "hello"
    config = b'[remote "origin"]\n\turl = https://github.com/psf/requests.git\n'
    assert repo_name_for("/x/requests", config) == "psf/requests"
    assert repo_name_for("/x/r", b'[remote "origin"]\n\turl = https://gitlab.com/a/b.git\n') == "r"


def test_tarball_with_traversal_members_does_not_escape(tmp_path):
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (("LICENSE", MIT), ("a.py", CODE), ("../../escape.py", CODE), ("/abs.py", CODE)):
            raw = data.encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
        link = tarfile.TarInfo("passwd.py")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    docs, counts = outcome(list(repository_documents(str(path))))
    assert sorted(docs) == ["a.py"]
    assert counts == Counter({"skipped:unsafe_path": 2, "skipped:link": 1, "skipped:license_file": 1})
    assert not (tmp_path.parent / "escape.py").exists()


def test_corrupt_or_oversized_repository_is_one_reject(tmp_path):
    whole = write_tar(tmp_path / "ok.tar.gz", {**REPO_FILES, "big.py": "x = 1\n" * 50_000}).read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(whole[: len(whole) // 2])
    items = list(repository_documents(str(tmp_path / "cut.tar.gz")))
    assert [(type(i).__name__, i.reason) for i in items] == [("Reject", "corrupt_archive")]
    small = GithubRules(limits=ArchiveLimits(max_total_bytes=10_000))
    items = list(repository_documents(str(tmp_path / "ok.tar.gz"), small))
    assert [i.reason for i in items] == ["archive_too_large"]
    items = list(repository_documents(str(tmp_path / "missing.tar.gz")))
    assert [i.reason for i in items] == ["not_a_repository"]


def test_plan_repository(tmp_path):
    assert plan_repository(str(write_dir(tmp_path / "r", {"a.py": CODE})))
    assert plan_repository(str(write_tar(tmp_path / "r.tar.gz", {"a.py": CODE})))
    assert plan_repository(str(write_zip(tmp_path / "r.zip", {"a.py": CODE})))
    (tmp_path / "github_000.jsonl").write_text('{"repo_name": "a/b"}\n')
    (tmp_path / "github_001.json.gz").write_bytes(b"\x1f\x8b" + b"\x00" * 20)
    (tmp_path / "part.parquet").write_bytes(b"PAR1")
    for name in ("github_000.jsonl", "github_001.json.gz", "part.parquet"):
        assert not plan_repository(str(tmp_path / name)), name


# --- acceptance: licensee's real-world licence fixtures ----------------------------------------------------

# filters.licenses keeps a repository whose licence files are all permissive (Apache-2.0 LICENSE.md beside
# LICENSES/MIT.txt), where licensee answers "other": a deliberate choice of that module, not of this one.
_DUAL_PERMISSIVE = {"licenses-dir-with-top-level-license"}


@pytest.mark.acceptance
def test_licensee_fixture_repositories_keep_or_drop_as_their_licence_says(shared_data):
    import yaml

    from filters.licenses import license_allowed

    root = shared_data / "github_code" / "licensee_license_detection"
    if not root.is_dir():
        pytest.skip("licensee fixtures absent")
    expected = yaml.safe_load((root / "fixtures.yml").read_text())
    checked = 0
    for name, spec in sorted(expected.items()):
        if not (root / name).is_dir() or name in _DUAL_PERMISSIVE:
            continue
        items = list(repository_documents(str(root / name)))
        assert not any(isinstance(i, Reject) for i in items), name
        reasons = Counter(i.reason for i in items if isinstance(i, Skip))
        del reasons[licence_counter(items)]
        dropped = reasons["dropped:license"] + reasons["dropped:no_license"]
        if license_allowed(spec.get("key"), GithubRules().licenses):
            assert dropped == 0, (name, reasons)
        else:
            assert dropped > 0 and dropped == sum(reasons.values()), (name, reasons)
        checked += 1
    assert checked >= 50
