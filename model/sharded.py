"""Training checkpoints as torch.distributed.checkpoint (DCP) folders: no process ever holds the full state.

Layout of a run folder:
    checkpoints/LATEST                  the name of the newest complete checkpoint, written last
    checkpoints/step-00000200/          one DCP folder per checkpoint:
        .metadata, __0_0.distcp, ...    model and optimizer, each rank writing its own shards
        train_state.pt                  step, sample index, RNG states, configs, and the sha256 of every file above

Every rank saves its shards (FSDP2 DTensors, or whole tensors on one process) and loads the pieces it needs, so
a checkpoint written by N processes resumes on M (DCP reshards). A checkpoint is complete once LATEST names it;
a crash mid-save leaves a folder LATEST does not name, which the next save removes.

Two things DCP does not do, done here:
- Deterministic bytes: DCP's .metadata records a random save id and the folder's path. Ours records neither,
  so identical runs write identical checkpoints.
- Safe loading: DCP unpickles .metadata with plain pickle, which can run any code. We read it with an unpickler
  that resolves only DCP's metadata classes, torch.Size and dtypes; tensors are raw bytes and other entries go
  through torch.load(weights_only=True), as DCP does.

Reading a checkpoint tensor by tensor (exports, generation) needs no process group and at most one tensor in
memory at a time: `tensor_shapes` lists them, `read_tensors` streams them.
"""

from __future__ import annotations

import hashlib
import pickle
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.metadata import Metadata, TensorStorageMetadata

from model.checkpoint import CheckpointError, read_payload, save_checkpoint
from pipeline.io import write_atomic

CHECKPOINTS_DIR = "checkpoints"
LATEST_NAME = "LATEST"
STATE_NAME = "train_state.pt"
METADATA_NAME = ".metadata"
MODEL_PREFIX = "model."


def step_name(step: int) -> str:
    return f"step-{step:08d}"


def latest_checkpoint(run_folder: str | Path) -> Path | None:
    """The newest complete checkpoint of a run folder (what LATEST names), or None."""
    pointer = Path(run_folder) / CHECKPOINTS_DIR / LATEST_NAME
    if not pointer.is_file():
        return None
    folder = pointer.parent / pointer.read_text().strip()
    if not (folder / STATE_NAME).is_file():
        raise CheckpointError(f"{pointer}: names {folder.name}, which is not a complete checkpoint")
    return folder


def is_sharded_checkpoint(path: str | Path) -> bool:
    return (Path(path) / METADATA_NAME).is_file() and (Path(path) / STATE_NAME).is_file()


# ---------------------------------------------------------------- saving


class _DeterministicWriter(dcp.FileSystemWriter):
    """DCP's writer without the random save id and path in .metadata."""

    def storage_meta(self):
        return None


def save_sharded(
    run_folder: str | Path,
    step: int,
    model_state: dict[str, Any],
    optimizer_state: dict[str, Any],
    train_state: dict[str, Any],
) -> Path:
    """Every rank calls this with its (sharded) states; rank 0 also writes train_state.pt and LATEST.

    train_state is rank 0's: it is saved with our checksummed format plus the sha256 of each DCP file."""
    root = Path(run_folder) / CHECKPOINTS_DIR
    folder = root / step_name(step)
    distributed = dist.is_available() and dist.is_initialized()
    rank = dist.get_rank() if distributed else 0
    if rank == 0:
        _remove(folder)  # a crash in an earlier save of this very step
    _barrier(distributed)
    folder.mkdir(parents=True, exist_ok=True)  # on every rank: machines without a shared disk each need it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # DCP's notes about single-process use
        dcp.save(
            {"model": model_state, "optimizer": optimizer_state},
            storage_writer=_DeterministicWriter(folder, sync_files=True),
            no_dist=not distributed,
        )
    # Each rank hashes the files it wrote (DCP names them __<rank>_<n>.distcp); rank 0 also the metadata.
    mine = sorted(p.name for p in folder.glob(f"__{rank}_*.distcp"))
    if rank == 0:
        mine.append(METADATA_NAME)
    digests = {name: file_sha256(folder / name) for name in mine}
    if distributed:
        gathered: list[dict[str, str] | None] = [None] * dist.get_world_size()
        dist.all_gather_object(gathered, digests)
        digests = {name: digest for part in gathered for name, digest in (part or {}).items()}
    if rank == 0:
        save_checkpoint(
            folder / STATE_NAME, {**train_state, "step": step, "files": dict(sorted(digests.items()))}
        )
        write_atomic(str(root / LATEST_NAME), f"{folder.name}\n".encode())
        for other in root.iterdir():  # older checkpoints, and any a crash left incomplete
            if other.is_dir() and other.name != folder.name:
                _remove(other)
    _barrier(distributed)
    return folder


# ---------------------------------------------------------------- loading


def read_train_state(folder: str | Path, verify: bool = True) -> dict[str, Any]:
    """train_state.pt of a checkpoint folder, checksums verified; with `verify`, also the DCP files' sha256
    (spread over the ranks when a process group is up)."""
    folder = Path(folder)
    state = read_payload(folder / STATE_NAME)
    files = state.get("files")
    if not isinstance(files, dict) or METADATA_NAME not in files:
        raise CheckpointError(f"{folder / STATE_NAME}: lists no checkpoint files (the file is corrupt)")
    if verify:
        distributed = dist.is_available() and dist.is_initialized()
        rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
        names = sorted(files)
        problems = [_check_file(folder, name, files[name]) for name in names[rank::world]]
        problems = [p for p in problems if p]
        if distributed:
            gathered: list[list[str] | None] = [None] * world
            dist.all_gather_object(gathered, problems)
            problems = [p for part in gathered for p in (part or [])]
        if problems:
            raise CheckpointError(sorted(problems)[0])
    return state


def _check_file(folder: Path, name: str, digest: str) -> str | None:
    path = folder / name
    if not path.is_file():
        return f"{path}: missing (the checkpoint is incomplete)"
    if file_sha256(path) != digest:
        return f"{path}: does not match its sha256 in {STATE_NAME} (the file is corrupt)"
    return None


def load_sharded(folder: str | Path, model_state: dict[str, Any], optimizer_state: dict[str, Any]) -> None:
    """Fill these (sharded) states in place from the checkpoint; every rank calls it."""
    distributed = dist.is_available() and dist.is_initialized()
    state = {"model": model_state, "optimizer": optimizer_state}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        dcp.load(state, storage_reader=SafeReader(folder), no_dist=not distributed)


def tensor_shapes(
    folder: str | Path, prefix: str = MODEL_PREFIX
) -> dict[str, tuple[torch.Size, torch.dtype]]:
    """Name (without `prefix`) -> (shape, dtype) of every tensor under `prefix`, from the metadata alone."""
    metadata: Metadata = SafeReader(folder).read_metadata()
    return {
        name[len(prefix) :]: (item.size, item.properties.dtype)
        for name, item in metadata.state_dict_metadata.items()
        if name.startswith(prefix) and isinstance(item, TensorStorageMetadata)
    }


def read_tensors(folder: str | Path, names: list[str] | None = None) -> Iterator[tuple[str, torch.Tensor]]:
    """(name, tensor) of the model's tensors, one read at a time: memory holds one tensor, not the model."""
    shapes = tensor_shapes(folder)
    for name in names if names is not None else list(shapes):
        shape, dtype = shapes[name]
        tensor = torch.empty(shape, dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            dcp.load({"model": {name: tensor}}, storage_reader=SafeReader(folder), no_dist=True)
        yield name, tensor


# ---------------------------------------------------------------- safe metadata


def _allowed_globals() -> dict[tuple[str, str], Any]:
    from torch.distributed.checkpoint import filesystem, metadata

    allowed: dict[tuple[str, str], Any] = {("torch", "Size"): torch.Size}
    allowed.update(
        {
            ("torch", n): getattr(torch, n)
            for n in dir(torch)
            if isinstance(getattr(torch, n, None), torch.dtype)
        }
    )
    allowed[("torch.serialization", "_get_layout")] = torch.serialization._get_layout
    for name in (
        "Metadata",
        "MetadataIndex",
        "StorageMeta",
        "TensorProperties",
        "TensorStorageMetadata",
        "BytesStorageMetadata",
        "ChunkStorageMetadata",
        "_MEM_FORMAT_ENCODING",
    ):
        allowed[("torch.distributed.checkpoint.metadata", name)] = getattr(metadata, name)
    allowed[("torch.distributed.checkpoint.filesystem", "_StorageInfo")] = filesystem._StorageInfo
    allowed[("pathlib", "PosixPath")] = Path  # DCP's own checkpoints record their path
    return allowed


class _MetadataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _allowed_globals().get((module, name))
        if found is None:
            raise CheckpointError(f"refers to {module}.{name}, which a DCP metadata file never holds")
        return found


class SafeReader(dcp.FileSystemReader):
    """DCP's reader, with .metadata unpickled by an allowlist instead of plain pickle."""

    def __init__(self, path: str | Path):
        super().__init__(str(path))
        self._folder = Path(path)

    def read_metadata(self, *args: Any, **kwargs: Any) -> Metadata:
        path = self._folder / METADATA_NAME
        try:
            with open(path, "rb") as handle:
                metadata = _MetadataUnpickler(handle).load()
        except CheckpointError as exc:
            raise CheckpointError(f"{path}: {exc}") from None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            raise CheckpointError(f"{path}: corrupt or unreadable checkpoint metadata ({exc})") from None
        if not isinstance(metadata, Metadata):
            raise CheckpointError(f"{path}: not a DCP metadata file")
        from torch.distributed.checkpoint.metadata import StorageMeta

        metadata.storage_meta = metadata.storage_meta or StorageMeta()
        metadata.storage_meta.load_id = self.load_id
        return metadata


# ---------------------------------------------------------------- helpers


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _barrier(distributed: bool) -> None:
    if distributed:
        dist.barrier()


def load_model_state(folder: str | Path, model: torch.nn.Module) -> None:
    """Fill a plain (unsharded) model's parameters in place from a checkpoint, with no process group."""
    state = model.state_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        dcp.load({"model": state}, storage_reader=SafeReader(folder), no_dist=True)
