"""Staging and finalize: the one path by which every stage's outputs come into place.

A stage run writes into `<stage folder>/_work/<key hash>/group-NNNNN/`, one folder per group of inputs. A group
is committed when its `_GROUP.json` (its counts and the files it wrote) is written, last. A re-run with the same
key reuses the committed groups and runs only the others (cc_net's shard groups), so a stage killed after most
of its groups re-runs only the rest; work folders of any other key are removed, never left to accumulate.

Finalize, when every group is committed: the new manifest is written to the work folder first (`_PENDING.json`),
then the old outputs are removed, the groups' files are moved into the stage folder, `_MANIFEST.json` is written
and the work folder is removed. A crash anywhere in between leaves `_PENDING.json`, and the next run completes
the same moves, so the stage folder always ends up as one run wrote it.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import PurePosixPath
from typing import Any

from pipeline.io import filesystem, join, read_json, write_json
from pipeline.manifest import MANIFEST_NAME, REJECTS_DIR, StageManifest, key_hash, write_manifest

WORK_DIR = "_work"
GROUP_RECORD = "_GROUP.json"
PENDING = "_PENDING.json"


def group_name(index: int) -> str:
    return f"group-{index:05d}"


class WorkArea:
    """The work folder of one stage run, keyed by what its output depends on."""

    def __init__(self, directory: str, key: dict[str, Any]):
        self.directory = directory
        self.root = join(directory, WORK_DIR)
        self.path = join(self.root, key_hash(key))
        self.fs, _ = filesystem(directory)

    @staticmethod
    def _resolved(path: str) -> str:
        return filesystem(path)[1]

    def remove_stale(self) -> list[str]:
        """Remove the work folders of other keys (a failed run with another config, input or code)."""
        root = self._resolved(self.root)
        if not self.fs.isdir(root):
            return []
        mine = self._resolved(self.path).rstrip("/")
        removed = []
        for entry in self.fs.ls(root, detail=False):
            if entry.rstrip("/") != mine:
                self.fs.rm(entry, recursive=True)
                removed.append(entry)
        return removed

    def group_dir(self, index: int) -> str:
        return join(self.path, group_name(index))

    def committed(self, index: int) -> dict[str, Any] | None:
        """The record of a committed group, or None (a group without one is re-run from scratch)."""
        record = join(self.group_dir(index), GROUP_RECORD)
        if not self.fs.exists(self._resolved(record)):
            return None
        try:
            return read_json(record)
        except ValueError:
            return None

    def begin(self, index: int) -> str:
        """An empty folder for group `index` (whatever an interrupted attempt left there is removed)."""
        folder = self.group_dir(index)
        resolved = self._resolved(folder)
        if self.fs.exists(resolved):
            self.fs.rm(resolved, recursive=True)
        self.fs.makedirs(resolved, exist_ok=True)
        return folder

    def resume(self, index: int) -> str:
        """The folder of group `index` as an interrupted attempt left it (created if there is none)."""
        folder = self.group_dir(index)
        self.fs.makedirs(self._resolved(folder), exist_ok=True)
        return folder

    def commit(self, index: int, record: dict[str, Any]) -> None:
        """Mark group `index` done; `record` must list its files under `outputs` (paths relative to it)."""
        write_json(join(self.group_dir(index), GROUP_RECORD), record)

    def pending(self) -> StageManifest | None:
        path = join(self.path, PENDING)
        if not self.fs.exists(self._resolved(path)):
            return None
        return StageManifest(**read_json(path))

    def finalize(self, manifest: StageManifest, groups: int) -> StageManifest:
        """Move every group's files into the stage folder and write the manifest, as described above."""
        write_json(join(self.path, PENDING), asdict(manifest))
        return self.complete(manifest, groups)

    def complete(self, manifest: StageManifest, groups: int) -> StageManifest:
        fs = self.fs
        final = self._resolved(self.directory).rstrip("/")
        manifest_file = f"{final}/{MANIFEST_NAME}"
        if fs.exists(manifest_file):
            fs.rm(manifest_file)
        wanted = {o["file"]: o for o in manifest.outputs}
        for entry in fs.ls(final, detail=False) if fs.isdir(final) else []:
            name = PurePosixPath(entry).name
            if name != WORK_DIR and name not in {f.split("/", 1)[0] for f in wanted}:
                fs.rm(entry, recursive=True)
        for index in range(groups):
            group = self._resolved(self.group_dir(index)).rstrip("/")
            for relative in _files_below(fs, group):
                top = relative.split("/", 1)[0]
                if top.startswith("_") and top != REJECTS_DIR:
                    continue  # the group's own bookkeeping (_GROUP.json, staged counts, sort runs)
                target = f"{final}/{relative}"
                fs.makedirs(str(PurePosixPath(target).parent), exist_ok=True)
                fs.mv(f"{group}/{relative}", target)
        write_manifest(self.directory, manifest)
        root = self._resolved(self.root)
        if fs.exists(root):
            fs.rm(root, recursive=True)
        return manifest


def _files_below(fs, folder: str) -> list[str]:
    """Paths of every file under `folder`, relative to it, sorted."""
    if not fs.isdir(folder):
        return []
    prefix = folder.rstrip("/") + "/"
    return sorted(path[len(prefix) :] for path in fs.find(folder) if path.startswith(prefix))
