"""One way to define and run a stage.

A stage declares its name, the artifacts it reads and writes (raw `sources`, `documents` per source, the
`tokenizer`, `tokens`, ...), the config it depends on, the modules that make up its code, and `run`, which
does one group of its work into a folder (a Beam pipeline, or plain Python). `run_stage` gives every stage the
same resume key, staging, groups, finalize, manifest, rejects layout and counts:

    key = (input fingerprints, hash of the declared config [+ seed if the stage uses it], code version)
    current when the manifest's key matches and every output it lists is there -> skipped
    otherwise: inputs cut into groups -> each uncommitted group runs into its own work folder and commits
               -> the groups' records are summed into one manifest -> finalize moves the files into place
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any

import apache_beam as beam

from beam_jobs.options import pipeline_options, runs_locally
from beam_jobs.stage import (
    CHARACTERS_IN,
    COUNTS,
    COUNTS_FILE,
    DOCUMENTS,
    DOCUMENTS_IN,
    OUTPUTS_FILE,
    REJECTS,
    ApplyStep,
    DocumentStep,
    PartLayout,
    ReadParts,
    WriteStageOutputs,
    stage_outputs,
)
from pipeline.config import Recipe
from pipeline.document import SOURCES
from pipeline.errors import UserError
from pipeline.io import (
    check_output_folder,
    file_size,
    filesystem,
    find_parts,
    join,
    parent_folder,
    read_json,
    stage_folders,
    write_atomic,
)
from pipeline.manifest import (
    ALL_SOURCES,
    StageManifest,
    code_version,
    fingerprint,
    key_hash,
    read_manifest,
    stale_reason,
    upstream_fingerprint,
)
from pipeline.progress import ProgressMonitor
from pipeline.quiet import quiet_beam_workers
from pipeline.staging import WorkArea

ARTIFACT_FOLDERS = {"references": "references"}  # artifacts that are a side output's folder in their stage's
PER_SOURCE_ARTIFACTS = ("documents", "references")  # one per source; every other artifact is one per run
ARTIFACT_ALIASES = {"against": "documents"}  # other sources' documents a stage compares with, never changes
AUTO_PART_BYTES = 1 << 30  # output_shards 0: one part per GiB of a group's input
FRAMEWORK_CODE = ("pipeline.document", "pipeline.io", "pipeline.parts", "beam_jobs.stage")


@dataclass(frozen=True)
class Stage:
    name: str  # as the recipe's `stages:` names it
    folder: str  # its output folder under the run's output root
    consumes: tuple[str, ...]  # artifacts it reads: "sources", "documents", "tokenizer", "tokens"
    produces: tuple[str, ...]  # artifacts it writes
    config: tuple[str, ...]  # recipe keys (sections or dotted) its output depends on
    code: tuple[str, ...]  # modules whose source is its code version (the framework's are added)
    run: Callable[[StageRun], dict[str, Any]]  # one group of work into run.work; returns the group record
    per_source: bool = False  # one run per source (else one over all sources)
    uses_seed: bool = False  # the seed enters its key only when it uses it
    groupable: bool = False  # its input units may be committed in groups (execution.group_files)
    ungrouped_sources: tuple[str, ...] = ()  # sources read as one group (StackExchange ranks all its sites)
    keep_work: bool = False  # an interrupted group's folder is resumed, not wiped (the trainer's checkpoints)
    # Each key (config, inputs, code) gets its own run folder under the stage folder, and a finished run is never
    # replaced: a changed `train:` section starts a new training run beside the old one (see place()).
    runs_by_key: bool = False
    describe: Callable[[StageManifest, str], dict[str, Any]] | None = None  # its entry in the run report
    # A per-source stage's extra config keys and code per source (each source's reader): editing one source's
    # reader, or its section, re-runs that source only.
    config_by_source: dict[str, tuple[str, ...]] = field(default_factory=dict)
    code_by_source: dict[str, tuple[str, ...]] = field(default_factory=dict)
    produces_by_source: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Wikipedia's `references`
    # The sources it works on (None: all the recipe's): CCNet's steps run on CommonCrawl only, and a later stage
    # reads each source's documents from the last stage that worked on that source.
    sources: Callable[[Recipe], Collection[str]] | None = None
    # Per consumed per-source artifact, the sources it is read from when not the stage's own (the reference
    # classifier reads Wikipedia's references).
    inputs_from: dict[str, Callable[[Recipe], Collection[str]]] = field(default_factory=dict)
    optional: tuple[str, ...] = ()  # artifacts it reads when an earlier stage produces them
    # Files outside its artifacts that its output depends on (a user's models, cutoffs beside them): their sizes
    # and mtimes join the key.
    extra_inputs: Callable[[StageRun], list[str]] | None = None
    # A check of the recipe that `run` makes for every stage it will run before any runs, so a mistake in a late
    # stage's config (a bad `train:` key, a missing word list) is one line now, not after hours of data stages.
    preflight: Callable[[Recipe], None] | None = None

    def code_version(self, source: str | None = None) -> str:
        return code_version(self.code + self.code_by_source.get(source or "", ()) + FRAMEWORK_CODE)

    def config_keys(self, source: str | None = None) -> tuple[str, ...]:
        return self.config + self.config_by_source.get(source or "", ())

    def label(self, source: str | None) -> str:
        return f"{self.name}/{source}" if source else self.name

    def works_on(self, recipe: Recipe) -> list[str]:
        """The recipe's sources this stage works on, sorted."""
        wanted = None if self.sources is None else set(self.sources(recipe))
        return [s for s in sorted(recipe.sources) if wanted is None or s in wanted]

    def reads_from(self, artifact: str, recipe: Recipe, source: str | None) -> list[str]:
        """The sources whose `artifact` this stage (for `source`, or over all its sources) reads."""
        if artifact in self.inputs_from:
            return sorted(set(self.inputs_from[artifact](recipe)) & set(recipe.sources) - {source})
        return [source] if source else self.works_on(recipe)


@dataclass
class StageRun:
    """What one stage run reads and where it writes; `units`, `work` and `layout` are per group."""

    stage: Stage
    recipe: Recipe
    source: str | None
    inputs: dict[str, list[str]]  # artifact -> paths (raw files, upstream folders or files)
    directory: str  # the final output folder
    beam_args: list[str] = field(default_factory=list)
    force: bool = False
    units: list[str] = field(default_factory=list)  # this group's input units (files or parts)
    unit_bytes: int = 0
    work: str = ""
    layout: PartLayout = field(default_factory=lambda: PartLayout(1))
    group: int = 0

    @property
    def namespace(self) -> str:
        return self.stage.label(self.source)

    def input(self, artifact: str) -> list[str]:
        return self.inputs.get(artifact, [])


def stage_key(run: StageRun) -> dict[str, Any]:
    stage = run.stage
    inputs = []
    for artifact in stage.consumes + stage.optional:
        paths = run.input(artifact)
        if artifact == "sources":  # a raw file the glob found but cannot read is a reject, not an error
            inputs += [fingerprint(path) for path in paths]
            continue
        for path in paths:
            fs, resolved = filesystem(path)
            if not fs.exists(resolved):
                raise UserError(f"{artifact} not found: {path} (does the stage that writes it come first?)")
        if artifact in ARTIFACT_FOLDERS:  # a table inside its stage's folder: known by that stage's manifest
            inputs += [{**upstream_fingerprint(parent_folder(path)), "path": path} for path in paths]
            continue
        if not paths:
            continue
        folders = stage_folders(paths) if ARTIFACT_ALIASES.get(artifact, artifact) == "documents" else paths
        inputs += [upstream_fingerprint(path) for path in folders]
    if stage.extra_inputs is not None:
        inputs += [fingerprint(path) for path in stage.extra_inputs(run)]
    return {
        "inputs": inputs,
        "config_hash": run.recipe.config_hash(stage.config_keys(run.source), seed=stage.uses_seed),
        "code_version": stage.code_version(run.source),
    }


RUN_POINTER = "LATEST"  # in a runs_by_key stage's folder: the name of the run folder written last
RUN_PREFIX = "run-"


def place(run: StageRun) -> StageRun:
    """The run with its output folder: the stage folder, or for a runs_by_key stage the folder of this key
    inside it (`run-<key hash>`)."""
    if not run.stage.runs_by_key:
        return run
    return replace(run, directory=join(run.directory, RUN_PREFIX + key_hash(stage_key(run))[:12]))


def _announce_new_run(run: StageRun, say: Callable[[str], None]) -> None:
    """Say that a new run starts beside the finished ones it keeps (their config, inputs or code differ)."""
    root = parent_folder(run.directory)
    fs, resolved = filesystem(root)
    mine = run.directory.rstrip("/").rsplit("/", 1)[-1]
    entries = fs.ls(resolved, detail=False) if fs.isdir(resolved) else []
    names = (entry.rstrip("/").rsplit("/", 1)[-1] for entry in entries)
    others = sorted(
        name
        for name in names
        if name.startswith(RUN_PREFIX) and name != mine and read_manifest(join(root, name)) is not None
    )
    if others:
        say(
            f"{run.namespace}: config, inputs or code differ from the finished run{'s' if len(others) > 1 else ''} "
            f"{', '.join(join(root, o) for o in others)}; starting a new run in {run.directory} (the old "
            f"{'ones are' if len(others) > 1 else 'one is'} kept)"
        )


def run_stage(run: StageRun, say: Callable[[str], None] | None = None) -> tuple[StageManifest, bool]:
    """Run `run.stage` unless its manifest says it is current; returns (manifest, whether it ran).

    The input units (raw files, or upstream parts), with their sizes, are cut into groups of
    `execution.group_files` for a groupable stage; other stages run as one group.
    """
    say = say or _stderr
    stage, key = run.stage, stage_key(run)
    reason = "forced" if run.force else stale_reason(run.directory, key)
    if reason is None:
        return read_manifest(run.directory), False
    say(f"{run.namespace}: running ({reason})")
    if stage.runs_by_key and reason == "no manifest":
        _announce_new_run(run, say)
    area = WorkArea(run.directory, key)
    area.remove_stale()
    pending = area.pending()
    if pending is not None and not run.force:
        return area.complete(pending, pending.groups), True
    groups = _plan_groups(run, input_units(run))
    records = []
    for index, (members, layout) in enumerate(groups):
        record = None if run.force else area.committed(index)
        if record is None:
            work = area.resume(index) if stage.keep_work and not run.force else area.begin(index)
            group = replace(
                run,
                units=[path for path, _ in members],
                unit_bytes=sum(size for _, size in members),
                work=work,
                layout=layout,
                group=index,
            )
            if len(groups) > 1:
                say(f"{run.namespace}: group {index + 1} of {len(groups)} ({len(members)} inputs)")
            record = stage.run(group)
            area.commit(index, record)
        records.append(record)
    manifest = _merge(run, key, records)
    manifest = area.finalize(manifest, len(groups))
    if stage.runs_by_key:
        name = run.directory.rstrip("/").rsplit("/", 1)[-1]
        write_atomic(join(parent_folder(run.directory), RUN_POINTER), f"{name}\n".encode())
    return manifest, True


def run_one(
    stage: Stage,
    recipe: Recipe,
    inputs: dict[str, list[str]],
    directory: str,
    beam_args: list[str] | None = None,
    force: bool = False,
    source: str | None = None,
) -> tuple[StageManifest, bool]:
    """Run one stage outside a recipe's graph (its CLI command, tests): inputs named by artifact. A per-source
    stage takes its source from the upstream manifests when they all name one (a `minhash` run over Books
    documents gets `minhash.by_source.books`)."""
    check_output_folder(directory)
    if source is None and stage.per_source:
        source = upstream_source(inputs.get("documents", []))
    return run_stage(place(StageRun(stage, recipe, source, inputs, directory, list(beam_args or []), force)))


def run_documents_command(
    command: str, stage: Stage, recipe: Recipe, args: Any, beam_args: list[str]
) -> StageManifest:
    """A one-stage CLI command over documents (`--input DIR... --output DIR [--force]`): run it, or say that
    its manifest matches, then print its counters."""
    manifest, ran = run_one(
        stage, recipe, {"documents": list(args.input)}, args.output, beam_args, args.force
    )
    if not ran:
        print(f"{command}: {args.output} is up to date (its manifest matches); --force re-runs")
    print_counts(manifest)
    return manifest


def upstream_source(folders: list[str]) -> str | None:
    """The one source the upstream stage outputs were written for, or None (several, or no manifest)."""
    found = set()
    for folder in folders:
        manifest = read_manifest(folder)
        found.add(manifest.source if manifest else None)
    (source,) = found if len(found) == 1 else (None,)
    return source if source in SOURCES else None


def input_units(run: StageRun) -> list[tuple[str, int]]:
    """(path, bytes) of what the stage reads first: its raw files, or its upstream documents' parts."""
    artifact = run.stage.consumes[0] if run.stage.consumes else ""
    if artifact == "sources":
        paths = run.input("sources")
    elif artifact == "documents":
        paths = find_parts(run.input("documents"))
    else:
        return []
    return [(path, file_size(path)) for path in paths]


def _plan_groups(
    run: StageRun, units: list[tuple[str, int]]
) -> list[tuple[list[tuple[str, int]], PartLayout]]:
    """Consecutive groups of input units, and the part numbers each writes (known before any group runs)."""
    groupable = run.stage.groupable and run.source not in run.stage.ungrouped_sources
    per_group = run.recipe.execution.group_files if groupable else 0
    ordered = sorted(units)
    chunks = (
        [ordered[i : i + per_group] for i in range(0, len(ordered), per_group)] if per_group else [ordered]
    )
    requested = run.recipe.execution.output_shards
    counts = [
        requested if requested > 0 else max(1, -(-sum(s for _, s in chunk) // AUTO_PART_BYTES))
        for chunk in chunks
    ]
    total = sum(counts)
    offsets = [sum(counts[:i]) for i in range(len(counts))]
    return [
        (chunk, PartLayout(count, offset, total, group, len(chunks)))
        for group, (chunk, count, offset) in enumerate(zip(chunks, counts, offsets, strict=True))
    ]


def _merge(run: StageRun, key: dict[str, Any], records: list[dict[str, Any]]) -> StageManifest:
    """Sum the groups' records into the stage manifest."""
    counts: dict[str, int] = {}
    for record in records:
        for reason, n in record.get("counts", {}).items():
            counts[reason] = counts.get(reason, 0) + int(n)
    outputs = sorted((o for r in records for o in r.get("outputs", [])), key=lambda o: o["file"])
    extra: dict[str, Any] = {}
    for record in records:
        extra.update(record.get("extra", {}))
    documents = [o for o in outputs if o["file"].startswith("part-")]
    return StageManifest(
        stage=run.stage.name,
        source=run.source or ALL_SOURCES,
        inputs=key["inputs"],
        config_hash=key["config_hash"],
        code_version=key["code_version"],
        documents_in=sum(int(r.get("documents_in", 0)) for r in records),
        characters_in=sum(int(r.get("characters_in", 0)) for r in records),
        documents_out=sum(int(r.get("documents_out", 0)) for r in records)
        if any("documents_out" in r for r in records)
        else sum(o["rows"] for o in documents),
        characters_out=sum(int(r.get("characters_out", 0)) for r in records)
        if any("characters_out" in r for r in records)
        else sum(o["characters"] for o in documents),
        counts=dict(sorted(counts.items())),
        outputs=outputs,
        rejects=sum(o["rows"] for o in outputs if o["file"].startswith("_rejects/")),
        groups=len(records),
        extra=extra,
    )


def run_beam(run: StageRun, build: Callable[[beam.Pipeline, str | None], None]) -> dict[str, Any]:
    """Run one group's Beam pipeline, `build(pipeline, progress_dir)`, which must end in WriteStageOutputs
    into `run.work`; returns the group record (counts, documents and characters in, output files)."""
    options = pipeline_options(run.beam_args)
    quiet_beam_workers()
    progress_dir = tempfile.mkdtemp(prefix="llama-data-progress-") if runs_locally(options) else None
    pipeline = beam.Pipeline(options=options)
    build(pipeline, progress_dir)
    if progress_dir is None:
        pipeline.run().wait_until_finish()
    else:
        with ProgressMonitor(progress_dir, run.namespace, run.unit_bytes):
            pipeline.run().wait_until_finish()
    return group_record(run.work)


def run_steps(run: StageRun, steps: list[tuple[str, DocumentStep]]) -> dict[str, Any]:
    """The common shape of a per-document stage: ReadParts -> each named DocumentStep in turn (every decision
    counted, failures isolated) -> WriteStageOutputs."""

    def build(pipeline: beam.Pipeline, progress_dir: str | None) -> None:
        read = pipeline | "ReadParts" >> ReadParts(run.units, run.namespace, progress_dir)
        applied = [read]
        for label, step in steps:
            applied.append(
                applied[-1][DOCUMENTS]
                | label
                >> beam.ParDo(ApplyStep(run.namespace, step)).with_outputs(REJECTS, COUNTS, main=DOCUMENTS)
            )
        outputs = stage_outputs(applied[-1][DOCUMENTS], *applied)
        _ = outputs | "WriteOutputs" >> WriteStageOutputs(run.work, run.layout)

    return run_beam(run, build)


def group_record(work: str) -> dict[str, Any]:
    """The record of a group whose pipeline wrote `_counts.json` and `_outputs.json` into `work`."""
    fs, resolved = filesystem(work)
    counts = read_json(join(work, COUNTS_FILE)) if fs.exists(join(resolved, COUNTS_FILE)) else {}
    outputs = read_json(join(work, OUTPUTS_FILE)) if fs.exists(join(resolved, OUTPUTS_FILE)) else []
    return {
        "counts": {k: v for k, v in counts.items() if k not in (DOCUMENTS_IN, CHARACTERS_IN)},
        "documents_in": int(counts.get(DOCUMENTS_IN, 0)),
        "characters_in": int(counts.get(CHARACTERS_IN, 0)),
        "outputs": outputs,
    }


def describe_files(work: str, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Output entries (file, rows, characters, bytes, sha256) for files a plain-Python stage wrote."""
    fs, root = filesystem(work)
    root = root.rstrip("/")
    entries = []
    for path in sorted(fs.find(root)):
        relative = path[len(root) + 1 :]
        if relative.startswith("_") or relative in exclude:
            continue
        digest = hashlib.sha256()
        size = 0
        with fs.open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        entries.append(
            {"file": relative, "rows": 0, "characters": 0, "bytes": size, "sha256": digest.hexdigest()}
        )
    return entries


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def print_counts(manifest: StageManifest, out=None) -> None:
    """The end-of-stage table: documents and characters in and out, then every count, largest first."""
    out = out or sys.stdout  # looked up per call, so redirected stdout is honoured
    label = f"{manifest.stage}/{manifest.source}" if manifest.source != ALL_SOURCES else manifest.stage
    rows = [(f"{label}:{k}", v) for k, v in sorted(manifest.counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    width = max([len(name) for name, _ in rows] + [24])
    print(f"{'counter':<{width}}  {'count':>12}", file=out)
    for name, count in rows:
        print(f"{name:<{width}}  {count:>12,}", file=out)
    print(
        f"{label}: {manifest.documents_in:,} documents in ({manifest.characters_in:,} characters), "
        f"{manifest.documents_out:,} out ({manifest.characters_out:,} characters), {manifest.rejects:,} rejects",
        file=out,
    )
