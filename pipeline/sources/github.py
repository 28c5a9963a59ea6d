"""GitHub: source files to code Documents, from a BigQuery export or from repository trees (RECIPE.md §1.2,
§3.2, §6 item 7: permissive licences only, RedPajama's file filters, copyright headers stripped).

Inputs, told apart by `plan_repository`:
(a) the BigQuery `github_repos` export (RedPajama's `contents ⋈ files ⋈ licenses ⋈ languages`): JSON lines
    (maybe .gz) or Parquet, one record per file: `repo_name`, `path`, `content`, `license` (a licence key such as
    "mit", "apache-2.0", "bsd-3-clause"), optional `ref`, `mode`, `size`, `binary`, `copies`, `id`, `language`.
    `bigquery_record` turns one record into a Document, a Skip, or a Reject's (reason, detail):
        not_an_object  the record is not a mapping     no_repo_name / bad_repo_name  missing / not a string
        no_path / bad_path  missing / not a string, empty, NUL     no_content / bad_content  null / not text
        bad_license    `license` is not a string
    then Skip("dropped:no_license") for a null or empty licence, Skip("dropped:license") for one outside
    `rules.licenses` (fnmatch patterns: "mit" and "apache-*" keep "mit" and "apache-2.0", as RP's
    `LIKE 'mit%'`), then `code_file`.
(b) one repository per directory or archive (`.tar`, `.tar.gz`, `.zip`, ...), read by `pipeline.archives`
    (an archive with `strip_root=True`, so `repo-main/` of a GitHub zip goes; a directory is the checkout
    itself and keeps its names). Its licence is detected once from the licence-candidate files at its root or
    directly in `LICENSES/` (`filters.licenses.detect_license` over LICENSE, COPYING, README, ...).
    A repository whose licence is not allowed yields one Skip per file that would otherwise have been read
    (`dropped:license` for a named licence, `dropped:no_license` when none is found), so the funnel counts
    files in both layouts. The tree's own Skips (links, unsafe paths, oversize members) and its one Reject
    (corrupt, too large, ...) come through as they are; `.git/` is not part of the repository's files. The
    repository's name is `owner/name` from `.git/config`'s github.com `origin` when there is one, else the
    tree's file name without its archive suffix. A directory or zip is read twice (licence files first, then
    the files, only for an allowed licence); a tar, being a stream, once, with every file it wants. So a
    disallowed repository over `max_total_bytes` is `dropped:license` file by file as a directory or zip,
    and one `archive_too_large` Reject as a tar.

`code_file` (its `rules` give max_file_bytes and the thresholds), the checks in order, each its own counter:
    skipped:vendored         a vendored path (node_modules/, third_party/, ...: filters.code.is_vendored)
    skipped:license_file     a licence text anywhere (LICENSE, LICENSE-MIT, COPYING.lesser, NOTICE.md, ...;
                             RP: only the path `LICENSE`) or a `*.crt` file.
                             Checked before the extension, else RP's rule would never be counted: neither
                             `LICENSE` nor `.crt` is a whitelisted extension.
    skipped:not_whitelisted  an extension outside RP's whitelist (filters.code.allowed_extension)
    skipped:oversize_file    over rules.max_file_bytes (UTF-8 bytes)
    skipped:binary           a NUL byte or bytes that are not UTF-8 (filters.code.is_binary), or a record
                             marked `binary`
    skipped:bad_encoding     text with a lone surrogate (a JSON `\\ud800` escape): no Parquet writer takes one
    skipped:generated        a generated file (minified, lock files, "DO NOT EDIT", ...)
    then filters.code.strip_license_header, then filters.code.code_drop_reason on the cleaned text
    (`dropped:empty`, `dropped:max_line_length`, `dropped:avg_line_length`, `dropped:alnum_prop`,
    `dropped:alpha_per_token`, ...).
The Document: id = make_doc_id("github", base, f"{repo}/{path}") (base: the export file's or the tree's base
name), so ids are stable across runs and unique per file (an export holding one repo/path at two refs
would give both one id: RP's export has one ref per repository); text = the cleaned content; url =
`https://github.com/{repo}/blob/{ref or HEAD}/{path}` when repo is `owner/name`; meta: repo_name, path,
license, language (programming language: from the extension, else the record's), content_hash (sha256 hex of
the text: the key of the global exact dedup), header_removed ("1"/"0"), file (base), and the record's ref,
mode, copies, size and id (as blob_id) when present, and for a repository tree license_file; signals: RP's stats (line_count, max_line_length,
avg_line_length, alnum_prop, alpha_per_token).
"""

from __future__ import annotations

import hashlib
import math
import posixpath
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from filters import code as code_filters
from filters.code import CodeThresholds
from filters.licenses import detect_license, is_license_file, license_allowed
from pipeline.archives import ArchiveLimits, Member, iter_tree, tree_kind
from pipeline.document import Document, make_doc_id
from pipeline.rejects import Reject, Skip

__all__ = [
    "LANGUAGES",
    "SOURCE",
    "GithubRules",
    "bigquery_record",
    "code_file",
    "input_layout",
    "plan_repository",
    "repo_name_for",
    "repository_documents",
    "rules_from_config",
]

SOURCE = "github"
LICENSE_COUNTER = "license:"  # a repository's detected licence, counted once per repository, not a file
_DETAIL = 200
_OWNER_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$")
_GITHUB_REMOTE = re.compile(r"github\.com[:/]+([A-Za-z0-9-]+/[A-Za-z0-9._-]+?)(?:\.git)?/?$")
_EXPORT_SUFFIXES = (".jsonl", ".json", ".ndjson", ".parquet", ".jsonl.gz", ".json.gz", ".ndjson.gz")
_ARCHIVE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz2", ".txz", ".tar", ".zip")
_LICENSE_TEXT = re.compile(r"^(?:(?:un)?licen[sc]es?|copying|copyright|notice|patents)(?:[-_.].*)?$", re.I)
_DOC_EXTENSIONS = (".md", ".markdown", ".rst", ".html", ".txt")

# Programming language by extension (lower-cased; whole names for extensionless files), for RP's whitelist.
LANGUAGES: dict[str, str] = {
    ".asm": "Assembly", ".bat": "Batchfile", ".cmd": "Batchfile", ".c": "C", ".h": "C", ".cs": "C#",
    ".cpp": "C++", ".hpp": "C++", ".c++": "C++", ".h++": "C++", ".cc": "C++", ".hh": "C++",
    ".cmake": "CMake", ".css": "CSS", ".dockerfile": "Dockerfile", "dockerfile": "Dockerfile",
    ".f90": "Fortran", ".f": "Fortran", ".f03": "Fortran", ".f08": "Fortran", ".f77": "Fortran",
    ".f95": "Fortran", ".for": "Fortran", ".fpp": "Fortran", ".go": "Go", ".hs": "Haskell", ".html": "HTML",
    ".java": "Java", ".js": "JavaScript", ".jl": "Julia", ".lua": "Lua", ".md": "Markdown",
    ".markdown": "Markdown", ".php": "PHP", ".php3": "PHP", ".php4": "PHP", ".php5": "PHP", ".phps": "PHP",
    ".phpt": "PHP", ".pl": "Perl", ".pm": "Perl", ".pod": "Perl", ".perl": "Perl", ".ps1": "PowerShell",
    ".psd1": "PowerShell", ".psm1": "PowerShell", ".py": "Python", ".rb": "Ruby", ".rs": "Rust",
    ".sql": "SQL", ".scala": "Scala", ".sh": "Shell", ".bash": "Shell", ".command": "Shell", ".zsh": "Shell",
    ".ts": "TypeScript", ".tsx": "TypeScript", ".tex": "TeX", ".vb": "Visual Basic", "makefile": "Makefile",
    ".xml": "XML", ".rst": "reStructuredText", ".m": "Objective-C", ".smali": "Smali",
}  # fmt: skip


@dataclass(frozen=True)
class GithubRules:
    """The GitHub source's settings (from config); the defaults are RedPajama's, i.e. LLaMA's as far as known."""

    licenses: tuple[str, ...] = ("apache-*", "bsd-*", "mit")  # fnmatch patterns over licence keys
    license_threshold: float = 98.0  # detect_license's match confidence, percent
    thresholds: CodeThresholds = field(default_factory=CodeThresholds)
    max_file_bytes: int = 1 << 20  # a bigger source file is skipped:oversize_file
    limits: ArchiveLimits = ArchiveLimits()


# --- shared checks -----------------------------------------------------------------------------------------


def _allowed(key: str | None, rules: GithubRules) -> bool:
    return license_allowed(key, rules.licenses)


def _license_skip(key: str | None) -> Skip:
    return Skip("dropped:license") if key else Skip("dropped:no_license")


def _is_license_text(path: str) -> bool:
    """A licence text (LICENSE, LICENSE-MIT, COPYING.lesser, NOTICE.md, ...) or a certificate: kept out of
    the corpus, as RP keeps out the path `LICENSE` and `*.crt`. A source file such as `license_check.py` is
    not one: a whitelisted extension other than a document's (.md, .rst, .html) rules it out."""
    base = posixpath.basename(path)
    if base.lower().endswith(".crt"):
        return True
    if not _LICENSE_TEXT.match(base):
        return False
    return posixpath.splitext(base)[1].lower() in _DOC_EXTENSIONS or not code_filters.allowed_extension(base)


def language_of(path: str) -> str | None:
    base = posixpath.basename(path)
    lower = base.lower()
    if lower in LANGUAGES:
        return LANGUAGES[lower]
    ext = posixpath.splitext(base)[1]
    return LANGUAGES.get(ext.lower()) if ext else None


def _blob_url(repo: str, path: str, ref: str | None) -> str | None:
    if not _OWNER_NAME.match(repo):
        return None
    ref = ref or "HEAD"
    for prefix in ("refs/heads/", "refs/tags/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
    quote = urllib.parse.quote
    return f"https://github.com/{repo}/blob/{quote(ref, safe='/')}/{quote(path, safe='/')}"


def _signals(stats: Mapping[str, Any]) -> dict[str, float]:
    """The numeric stats, finite ones only (an empty text's ratios may be NaN)."""
    out: dict[str, float] = {}
    for key, value in stats.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if math.isfinite(float(value)):
            out[key] = float(value)
    return out


def code_file(
    repo: str,
    path: str,
    data: bytes | str,
    license_key: str,
    extra_meta: Mapping[str, str],
    base: str,
    record_key: str | None = None,
    rules: GithubRules | None = None,
) -> Document | Skip:
    """One source file of an allowed repository to a Document, or the Skip that says why not (see the
    module docstring for the order of the checks). `record_key` defaults to f"{repo}/{path}"."""
    rules = rules if rules is not None else GithubRules()
    if code_filters.is_vendored(path):
        return Skip("skipped:vendored")
    if _is_license_text(path):
        return Skip("skipped:license_file")
    if not code_filters.allowed_extension(path):
        return Skip("skipped:not_whitelisted")
    try:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    except UnicodeEncodeError:  # a lone surrogate from a JSON \ud800 escape
        return Skip("skipped:bad_encoding")
    if len(raw) > rules.max_file_bytes:
        return Skip("skipped:oversize_file")
    if str(extra_meta.get("binary", "")).lower() in ("1", "true") or code_filters.is_binary(raw):
        return Skip("skipped:binary")
    try:
        content = data if isinstance(data, str) else raw.decode("utf-8")
    except UnicodeDecodeError:
        return Skip("skipped:bad_encoding")
    content = content.removeprefix("\ufeff")
    if code_filters.is_generated(path, content):
        return Skip("skipped:generated")
    text = code_filters.strip_license_header(content, path)
    stats = code_filters.code_stats(text)
    reason = code_filters.code_drop_reason(text, stats, rules.thresholds)
    if reason is not None:
        return Skip(reason)
    meta = {k: str(v) for k, v in extra_meta.items() if v is not None and k != "binary"}
    language = language_of(path) or meta.get("language")
    meta.pop("language", None)
    if language:
        meta["language"] = language
    meta.update(
        repo_name=repo,
        path=path,
        license=license_key,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        header_removed="1" if text != content else "0",
        file=_base(base),
    )
    return Document(
        id=make_doc_id(SOURCE, base, record_key if record_key is not None else f"{repo}/{path}"),
        source=SOURCE,
        text=text,
        url=_blob_url(repo, path, meta.get("ref")),
        signals=_signals(stats),
        meta=meta,
    )


def _base(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


# --- (a) the BigQuery export -------------------------------------------------------------------------------

_MISSING = object()
_EXTRA_FIELDS = {"ref": "ref", "mode": "mode", "size": "size", "copies": "copies", "id": "blob_id"}


def bigquery_record(
    record: Any, base: str, offset: int, rules: GithubRules = GithubRules()
) -> Document | Skip | tuple[str, str]:
    """One export record (a JSON object or a Parquet row) to a Document, a Skip, or a Reject's (reason,
    detail). `offset` is where the record is in its file; ids do not use it (they use repo and path)."""
    if not isinstance(record, Mapping):
        return "not_an_object", f"a {type(record).__name__}"
    repo = record.get("repo_name", _MISSING)
    if repo is _MISSING or repo is None:
        return "no_repo_name", _keys(record)
    if not isinstance(repo, str) or not repo.strip() or "\x00" in repo:
        return "bad_repo_name", f"repo_name: {str(repo)[:_DETAIL]!r}"
    path = record.get("path", _MISSING)
    if path is _MISSING or path is None:
        return "no_path", f"repo_name: {repo[:_DETAIL]}"
    if not isinstance(path, str) or not path.strip() or "\x00" in path:
        return "bad_path", f"path: {str(path)[:_DETAIL]!r}"
    content = record.get("content")
    if content is None:
        return "no_content", f"{repo[:_DETAIL]}/{path[:_DETAIL]}"
    if not isinstance(content, str | bytes):
        return "bad_content", f"content is a {type(content).__name__}"
    key = record.get("license")
    if key is not None and not isinstance(key, str):
        return "bad_license", f"license is a {type(key).__name__}"
    key = (key or "").strip().lower() or None
    if not key or not _allowed(key, rules):
        return _license_skip(key)
    extra: dict[str, str] = {}
    for name, meta_key in _EXTRA_FIELDS.items():
        value = record.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            extra[meta_key] = str(value)
    if record.get("binary") in (True, 1, "true", "True", "1"):
        extra["binary"] = "true"
    language = record.get("language")
    if isinstance(language, str) and language:
        extra["language"] = language
    return code_file(repo, path, content, key, extra, base, f"{repo}/{path}", rules)


def _keys(record: Mapping) -> str:
    return f"keys: {', '.join(sorted(map(str, record)))[:_DETAIL]}"


# --- (b) repository trees ----------------------------------------------------------------------------------


def input_layout(path: str) -> str:
    """How one input is read: "jsonl" or "parquet" (a BigQuery export file) or "repository" (a tree)."""
    if plan_repository(path):
        return "repository"
    return "parquet" if _base(path).lower().endswith(".parquet") else "jsonl"


def rules_from_config(config: Any) -> GithubRules:
    """GithubRules from the recipe's `github:` section (pipeline.config.GithubConfig)."""
    return GithubRules(
        licenses=tuple(config.licenses),
        license_threshold=config.license_threshold,
        thresholds=CodeThresholds(
            max_line_length=config.max_line_length,
            max_avg_line_length=config.max_avg_line_length,
            min_alnum_prop=config.min_alnum_prop,
            min_alpha_per_token=config.min_alpha_per_token,
        ),
        max_file_bytes=config.max_file_bytes,
        limits=ArchiveLimits(
            max_member_bytes=config.max_file_bytes,
            max_total_bytes=config.max_repo_bytes,
            max_members=config.max_repo_members,
        ),
    )


def plan_repository(path: str) -> bool:
    """Is `path` one repository (a directory, tar or zip) rather than a BigQuery export file?"""
    name = _base(path).lower()
    if name.endswith(_EXPORT_SUFFIXES):
        return False
    return tree_kind(path) in ("dir", "tar", "zip")


def repo_name_for(path: str, git_config: bytes | None = None) -> str:
    """`owner/name` from a github.com `origin` in .git/config, else the tree's name without its suffix."""
    if git_config:
        remote = _origin_url(git_config.decode("utf-8", "replace"))
        match = _GITHUB_REMOTE.search(remote) if remote else None
        if match:
            return match.group(1)
    name = _base(path)
    for suffix in _ARCHIVE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _origin_url(config: str) -> str | None:
    section = None
    for line in config.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line.strip("[]").strip()
        elif section == 'remote "origin"' and line.split("=", 1)[0].strip() == "url" and "=" in line:
            return line.split("=", 1)[1].strip()
    return None


def _path_skip(name: str) -> Skip | None:
    """The path-only checks of code_file, asked before a file is read, so a skipped file is never read."""
    if code_filters.is_vendored(name):
        return Skip("skipped:vendored")
    if _is_license_text(name):
        return Skip("skipped:license_file")
    if not code_filters.allowed_extension(name):
        return Skip("skipped:not_whitelisted")
    return None


def _in_git(name: str) -> bool:
    return name == ".git" or name.startswith(".git/")


def _want_files(name: str) -> bool:
    if _in_git(name):
        return name == ".git/config"
    return is_license_file(name) or _path_skip(name) is None


def _want_license(name: str) -> bool:
    return name == ".git/config" or is_license_file(name)


def _read(
    path: str, kind: str, rules: GithubRules, want: Callable[[str], bool]
) -> tuple[dict[str, bytes], list[Skip], list[str]] | Reject:
    """One pass over the tree: its wanted members, its own Skips, the names want() declined. An archive's
    single top folder goes (`repo-main/`); a directory is the checkout itself, so nothing is stripped from it
    (a repository holding only `LICENSES/` must keep the folder's name)."""
    members: dict[str, bytes] = {}
    skips: list[Skip] = []
    unwanted: list[str] = []
    strip = kind != "dir"
    for item in iter_tree(path, rules.limits, want=want, strip_root=strip, unwanted=unwanted):
        if isinstance(item, Reject):
            return item
        if isinstance(item, Member):
            members[item.name] = item.data
        else:
            skips.append(item)
    return members, skips, unwanted


def repository_documents(path: str, rules: GithubRules = GithubRules()) -> Iterator[Document | Skip | Reject]:
    """One repository tree to its code Documents and Skips, sorted by path, or its one Reject."""
    kind = tree_kind(path)
    if kind not in ("dir", "tar", "zip"):
        yield Reject(
            path, None, "not_a_repository", f"a {kind or 'missing'} path, not a directory or archive"
        )
        return
    first = _read(path, kind, rules, _want_files if kind == "tar" else _want_license)
    if isinstance(first, Reject):
        yield first
        return
    members, skips, unwanted = first
    candidates = {
        name: data.decode("utf-8", "replace") for name, data in members.items() if is_license_file(name)
    }
    match = detect_license(candidates, threshold=rules.license_threshold)
    key = match.key
    yield Skip(f"{LICENSE_COUNTER}{key or 'none'}")  # once per repository: which licence it was found to have
    if not (key and _allowed(key, rules)):
        if kind != "tar":  # the licence pass read only the candidates: list the rest by name
            names_pass = _read(path, kind, rules, lambda name: False)
            if isinstance(names_pass, Reject):
                yield names_pass
                return
            _, skips, unwanted = names_pass
            members = {}
        files = [n for n in [*members, *unwanted] if not _in_git(n)]
        yield from skips
        for _ in files:
            yield _license_skip(key)
        return
    if kind != "tar":
        full = _read(path, kind, rules, _want_files)
        if isinstance(full, Reject):
            yield full
            return
        members, skips, unwanted = full
    repo = repo_name_for(path, members.get(".git/config"))
    base = _base(path)
    extra = {"license_file": match.file} if match.file else {}
    yield from skips
    results: list[tuple[str, Document | Skip]] = []
    for name in unwanted:
        if not _in_git(name):
            results.append((name, _path_skip(name) or Skip("skipped:not_whitelisted")))
    for name, data in members.items():
        if not _in_git(name):
            results.append((name, code_file(repo, name, data, key, extra, base, f"{repo}/{name}", rules)))
    results.sort(key=lambda item: item[0])
    for _, item in results:
        yield item
