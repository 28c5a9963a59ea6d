"""The run report: one static, self-contained `OUT/report.html` built from what the stages already wrote.

Nothing is recomputed: the page reads the run report (`_RUN_REPORT.json`), every stage's `_MANIFEST.json`
(found on disk two levels down, and `train/LATEST`), a bounded number of column values from the stages'
Parquet parts (only the columns a plot needs), the rejects files, the mixture plan, the training log and
an optional ablation folder. A stage that is missing or partial gives a section that says "not run"; a
section that cannot be read says so and the page is still written. Plots are matplotlib SVGs inlined in the
page (no JavaScript, no network, no fonts); with a fixed `svg.hashsalt`, every SVG id prefixed by its figure's
id and no date, the same run gives the same bytes. Every text that comes from the data is HTML-escaped.
Stages are shown in pipeline order (the registry's, then after the stages their manifests name as inputs).

Sections and where each figure comes from (every plot is a `<figure class="plot" id=...>`):

    overview         documents read and kept, characters and tokens per source (run report, manifests)
    funnel           plot-funnel: documents after each stage per source; plot-drops: every drop counter
                     (`dropped:` / `rejected:` / `skipped:`) by stage and reason (manifest counts)
    rejects          per stage, reasons, links to `_rejects/*.jsonl` and their first records (rejects files)
    language         plot-language: documents by language per source (`language` of langid/<source> parts)
    perplexity       plot-perplexity-<source>: histograms per language with the bucket cutoffs
                     (`language`, `perplexity` of quality/<source> parts; cutoffs from its manifest)
    classifier       plot-classifier-<source>: `wiki_ref_prob` distribution with the filter's threshold
                     (classify/<source> parts; threshold from the recipe, else the classifier's manifest)
    dedup            plot-dedup-yield: documents and characters kept by exact, paragraph and MinHash dedup
                     (manifests); plot-minhash-clusters: cluster-size histogram (minhash/<source>/clusters)
    tokens & mixture plot-tokens: tokens per source and split (tokenize); plot-mixture: recipe weight against
                     sampled weight, target against available tokens, epochs per source (mix/plan.json)
    training         plot-loss: training loss and mean validation loss by step; plot-val-loss: validation
                     loss per source before and after, and by step (train_log.jsonl)
    ablation         plot-ablation: ablation/ablation.png embedded, or drawn from ablation/ablation.json
    samples          per stage and source, a few kept documents and a few dropped ones (input ids minus
                     output ids, when the input holds at most MAX_SAMPLE_IDS documents), first lines only

Reading is bounded: at most MAX_VALUES values per stage for a histogram (the page says when it stopped
early), MAX_SAMPLE_IDS ids per stage for the dropped sample, MAX_LOG_LINES lines of the training log.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import pyarrow.parquet as pq

from pipeline.errors import UserError
from pipeline.io import filesystem, is_remote, join, open_file, stage_parts, write_atomic

REPORT_FILE = "report.html"
RUN_REPORT = "_RUN_REPORT.json"  # beam_jobs.run.REPORT_NAME (not imported: that module imports Beam)
MANIFEST = "_MANIFEST.json"
REJECTS = "_rejects"
ABLATION = "ablation"
MAX_VALUES = 200_000  # column values read per stage for one histogram
MAX_SAMPLE_IDS = 5_000  # documents in a stage's input above which no dropped sample is drawn
MAX_LOG_LINES = 200_000  # lines of train_log.jsonl read
MAX_PLOT_POINTS = 2_000  # points per curve in a plot (the log is strided down to this)
MAX_EMBED_BYTES = 8 << 20  # the largest ablation.png embedded
SAMPLES = 3  # kept and dropped documents shown per stage
SAMPLE_LINES = 3  # first non-empty lines shown per document
SAMPLE_LINE_CHARS = 160
REJECT_SAMPLES = 5  # first records shown per stage's rejects
REJECT_READ_BYTES = 64 << 10
MAX_DROP_BARS = 40
DROP_PREFIXES = ("dropped:", "rejected:", "skipped:")
# The registry's order (beam_jobs/registry.py): the run report cannot give it (its keys are sorted).
STAGE_ORDER = (
    "ingest",
    "exact_dedup",
    "paragraph_dedup",
    "c4_filter",
    "langid",
    "train_quality",
    "quality",
    "train_classifier",
    "classify",
    "minhash",
    "filter",
    "train_tokenizer",
    "tokenize",
    "mix",
    "train",
)


@dataclass
class StageInfo:
    """One stage run as the report sees it: the run report's entry overlaid with its manifest."""

    label: str  # `stage/source`, or `stage` for a stage over all sources
    name: str
    source: str | None
    directory: str  # where its files are
    rel: str | None  # the folder relative to the output folder (links), None when outside it
    info: dict[str, Any] = field(default_factory=dict)
    has_manifest: bool = False

    def num(self, key: str) -> int:
        value = self.info.get(key, 0)
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0

    def counts(self) -> dict[str, int]:
        counts = self.info.get("counts")
        if not isinstance(counts, dict):
            return {}
        return {str(k): int(v) for k, v in counts.items() if isinstance(v, int | float)}


@dataclass
class Run:
    output: str
    report: dict[str, Any]
    stages: list[StageInfo]

    def by_name(self, name: str) -> list[StageInfo]:
        return [s for s in self.stages if s.name == name]

    def one(self, name: str) -> StageInfo | None:
        found = self.by_name(name)
        return found[0] if found else None

    def sources(self) -> list[str]:
        return sorted({s.source for s in self.stages if s.source})


# ---------------------------------------------------------------------------------------------- reading


def _exists(path: str) -> bool:
    try:
        fs, resolved = filesystem(path)
        return bool(fs.exists(resolved))
    except Exception:  # an unreachable bucket is a missing file here
        return False


def _read_json(path: str) -> Any:
    """The JSON at `path`, or None when it is missing or malformed (a partial stage)."""
    try:
        if not _exists(path):
            return None
        with open_file(path, "rb") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def _entries(path: str, kind: str) -> list[str]:
    """Names of the entries of one kind ("directory" or "file") directly in `path`, sorted; none when it is not
    a folder or cannot be listed."""
    try:
        fs, resolved = filesystem(path)
        if not fs.isdir(resolved):
            return []
        entries = fs.ls(resolved, detail=True)
    except Exception:
        return []
    return sorted(PurePosixPath(e["name"]).name for e in entries if e.get("type") == kind)


def _subfolders(path: str) -> list[str]:
    return _entries(path, "directory")


def _files(path: str) -> list[str]:
    return _entries(path, "file")


def _text_file(path: str) -> str | None:
    try:
        if not _exists(path):
            return None
        with open_file(path, "rb") as handle:
            return handle.read(64 << 10).decode("utf-8", "replace")
    except OSError:
        return None


def _parts(directory: str) -> list[str]:
    try:
        return stage_parts(directory)
    except Exception:
        return []


def _label(manifest: dict[str, Any]) -> str | None:
    stage = manifest.get("stage")
    if not isinstance(stage, str) or not stage:
        return None
    source = manifest.get("source")
    return stage if not source or source == "all" else f"{stage}/{source}"


def _from_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """The report-entry view of a manifest: its counters, its extras (flattened), its inputs and outputs."""
    info: dict[str, Any] = {}
    extra = manifest.get("extra")
    if isinstance(extra, dict):
        info.update(extra)
        if isinstance(extra.get("summary"), dict):  # the train stage keeps its summary one level down
            info.update(extra["summary"])
    for key in ("documents_in", "documents_out", "characters_in", "characters_out", "rejects", "counts"):
        if key in manifest:
            info[key] = manifest[key]
    info["inputs"] = manifest.get("inputs") if isinstance(manifest.get("inputs"), list) else []
    info["outputs"] = manifest.get("outputs") if isinstance(manifest.get("outputs"), list) else []
    return info


def _order_key(stage: StageInfo) -> tuple[int, str]:
    index = STAGE_ORDER.index(stage.name) if stage.name in STAGE_ORDER else len(STAGE_ORDER)
    return index, stage.label


def load_run(output: str) -> Run:
    """Every stage the folder holds: the run report's entries in recipe order, then any other manifest found
    on disk (a `--stages` run rewrites the report with its subset only), each overlaid with its manifest."""
    report = _read_json(join(output, RUN_REPORT))
    report = report if isinstance(report, dict) else {}
    found: dict[str, StageInfo] = {}

    def add(rel: str) -> None:
        folder = join(output, rel)
        manifest = _read_json(join(folder, MANIFEST))
        if not isinstance(manifest, dict):
            return
        label = _label(manifest)
        if label is None or label in found:
            return
        source = manifest.get("source")
        found[label] = StageInfo(
            label=label,
            name=str(manifest["stage"]),
            source=str(source) if source and source != "all" else None,
            directory=folder,
            rel=rel,
            info=_from_manifest(manifest),
            has_manifest=True,
        )

    for top in _subfolders(output):
        if top.startswith((".", "_")):
            continue
        add(top)
        latest = (_text_file(join(output, top, "LATEST")) or "").strip()
        children = _subfolders(join(output, top))
        if latest in children:  # train/LATEST names the run the report is about
            children = [latest] + [c for c in children if c != latest]
        for child in children:
            if not child.startswith((".", "_")):
                add(f"{top}/{child}")

    recorded_output = str(report.get("output") or "")
    stages: list[StageInfo] = []
    entries = report.get("stages") if isinstance(report.get("stages"), dict) else {}
    for label, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        if label in found:
            stage = found.pop(label)
            stage.info = {**entry, **stage.info}
        else:
            name, _, source = str(label).partition("/")
            directory = _relocate(str(entry.get("directory") or ""), recorded_output, output)
            rel = _relative(directory, output)
            stage = StageInfo(str(label), name, source or None, directory, rel, dict(entry))
        stages.append(stage)
    stages.extend(found.values())
    return Run(output=output, report=report, stages=_in_order(stages, recorded_output, output))


def _in_order(stages: list[StageInfo], recorded: str, output: str) -> list[StageInfo]:
    """Stages in pipeline order: the registry's order, then each stage after the stages it read from (its
    manifest's inputs), so that a stage the registry list does not know still lands after its input. (The
    run report cannot give the order: it is written with sorted keys.)"""
    ordered = sorted(stages, key=_order_key)
    by_folder = {s.directory.rstrip("/"): s.label for s in ordered}
    after: dict[str, set[str]] = {s.label: set() for s in ordered}
    for stage in ordered:
        for entry in stage.info.get("inputs") or []:
            path = _relocate(str(entry.get("path", "")), recorded, output) if isinstance(entry, dict) else ""
            upstream = by_folder.get(path.rstrip("/"))
            if upstream and upstream != stage.label:
                after[stage.label].add(upstream)
    result: list[StageInfo] = []
    placed: set[str] = set()
    pending = list(ordered)
    while pending:  # the first stage, in registry order, whose inputs are all placed (a cycle: the first)
        ready = next((s for s in pending if after[s.label] <= placed), pending[0])
        pending.remove(ready)
        placed.add(ready.label)
        result.append(ready)
    return result


def _relocate(path: str, recorded: str, output: str) -> str:
    """A path the run recorded under its output folder, moved to where that folder is now."""
    if recorded and path.startswith(recorded.rstrip("/") + "/"):
        return join(output, path[len(recorded.rstrip("/")) + 1 :])
    return path


def _relative(path: str, output: str) -> str | None:
    if not path:
        return None
    prefix = output.rstrip("/") + "/"
    if path.startswith(prefix):
        return path[len(prefix) :]
    return None


def _column_values(
    parts: list[str], columns: list[str], limit: int = MAX_VALUES
) -> tuple[dict[str, list[Any]], bool]:
    """Up to `limit` rows of the named columns (only those), across parts in order; True when it stopped
    early. A column a part lacks reads as None."""
    values: dict[str, list[Any]] = {c: [] for c in columns}
    rows = 0
    for part in parts:
        with open_file(part, "rb") as handle:
            parquet = pq.ParquetFile(handle, buffer_size=1 << 20)
            present = [c for c in columns if c in parquet.schema_arrow.names]
            if not present:
                continue
            for batch in parquet.iter_batches(batch_size=4096, columns=present):
                take = min(batch.num_rows, limit - rows)
                for column in columns:
                    if column in present:
                        values[column].extend(batch.column(column).slice(0, take).to_pylist())
                    else:
                        values[column].extend([None] * take)
                rows += take
                if rows >= limit:
                    return values, True
    return values, False


def _first_documents(parts: list[str], columns: list[str], wanted: set[str] | None, count: int) -> list[dict]:
    """The first `count` rows (only `columns`) of the parts, or the first rows whose id is in `wanted`."""
    found: list[dict[str, Any]] = []
    for part in parts:
        with open_file(part, "rb") as handle:
            parquet = pq.ParquetFile(handle, buffer_size=1 << 20)
            present = [c for c in columns if c in parquet.schema_arrow.names]
            if "id" not in present:
                continue
            for batch in parquet.iter_batches(batch_size=16, columns=present):
                for row in batch.to_pylist():
                    if wanted is None or row["id"] in wanted:
                        found.append(row)
                        if len(found) >= count:
                            return found
    return found


def _ids(parts: list[str]) -> list[str]:
    values, _ = _column_values(parts, ["id"], limit=MAX_SAMPLE_IDS * 4)
    return [v for v in values["id"] if isinstance(v, str)]


# -------------------------------------------------------------------------------------------- rendering


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _n(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:,.4f}" if abs(value) < 1000 else f"{value:,.0f}"
    return _e(value)


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "–"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _href(rel: str) -> str:
    return quote(rel, safe="/")


_NUMERIC = re.compile(r"^(<b>)?[-+]?[\d,.]+%?(</b>)?$|^–$")


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    """A table whose cells are already HTML (callers escape data)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if _NUMERIC.match(c) else f"<td>{c}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _note(text: str) -> str:
    return f'<p class="note">{text}</p>'


def _not_run(what: str) -> str:
    return f'<p class="not-run">not run: {_e(what)}</p>'


def _new_figure(width: float, height: float, rows: int = 1, cols: int = 1) -> tuple[Any, list[Any]]:
    """A matplotlib Figure (no pyplot, so no global state) and its axes, flattened."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    axes = figure.subplots(rows, cols, squeeze=False)
    return figure, [ax for row in axes for ax in row]


def _svg(figure: Any, salt: str) -> str:
    """The figure as inline SVG: text kept as text, no date, ids salted by the figure's id, so that two
    figures on one page never share an id and re-running gives the same bytes."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "text.parse_math": False}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    # matplotlib names its groups `figure_1`, `axes_1`, ... in every figure: prefix every id, and every
    # reference to one, with the figure's id so that the page's ids stay unique
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{salt}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{salt}-{m.group(1)})", text)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{salt}-{m.group(1)}"', text)


def _plot(fig_id: str, draw: Callable[[], Any], caption: str) -> str:
    """One `<figure class="plot">`: the drawn figure, or a note when drawing failed."""
    import matplotlib

    try:
        with matplotlib.rc_context(
            {"text.parse_math": False, "font.size": 8, "axes.titlesize": 9, "svg.hashsalt": fig_id}
        ):
            figure = draw()
            body = _svg(figure, fig_id)
    except Exception as exc:  # a plot that cannot be drawn must not lose the page
        body = _note(f"this plot could not be drawn: {_e(type(exc).__name__)}: {_e(exc)}")
    return f'<figure class="plot" id="{_e(fig_id)}">{body}<figcaption>{_e(caption)}</figcaption></figure>'


def _image(fig_id: str, png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="plot" id="{_e(fig_id)}"><img alt="{_e(caption)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{_e(caption)}</figcaption></figure>'
    )


def _snippet(text: Any) -> str:
    """The first few non-empty lines of a document, each cut short, escaped."""
    if not isinstance(text, str):
        return ""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            lines.append(line if len(line) <= SAMPLE_LINE_CHARS else line[:SAMPLE_LINE_CHARS] + "…")
        if len(lines) >= SAMPLE_LINES:
            break
    more = "\n…" if len(text.splitlines()) > SAMPLE_LINES else ""
    return f"<pre>{_e(chr(10).join(lines) + more)}</pre>"


def _eng() -> Any:
    from matplotlib.ticker import EngFormatter

    return EngFormatter(sep="")


def _stride(points: list[Any]) -> list[Any]:
    if len(points) <= MAX_PLOT_POINTS:
        return points
    step = math.ceil(len(points) / MAX_PLOT_POINTS)
    return points[::step] + ([points[-1]] if (len(points) - 1) % step else [])


# --------------------------------------------------------------------------------------------- sections


def _overview(run: Run) -> str:
    rows = []
    report = run.report
    meta = [
        ["recipe", _e(report.get("recipe", "–"))],
        ["config", _e(report.get("config", "–"))],
        ["output", _e(run.output)],
        ["stages", _n(len(run.stages))],
    ]
    tokens = (run.one("tokenize") or StageInfo("", "", None, "", None)).info.get("tokens_by_source")
    tokens = tokens if isinstance(tokens, dict) else {}
    totals = [0, 0, 0, 0, 0, 0]
    for source in run.sources():
        chain = [s for s in run.stages if s.source == source]
        first, last = chain[0], chain[-1]
        split = tokens.get(source) if isinstance(tokens.get(source), dict) else {}
        values = [
            first.num("documents_in"),
            last.num("documents_out"),
            first.num("characters_out"),
            last.num("characters_out"),
            int(split.get("train", 0) or 0),
            int(split.get("validation", 0) or 0),
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append(
            [
                f'<a href="#funnel-{_slug(source)}">{_e(source)}</a>',
                _n(values[0]),
                _n(values[1]),
                _e(last.name),
                _n(values[2]),
                _n(values[3]),
                _n(values[4]),
                _n(values[5]),
            ]
        )
    if rows:
        rows.append(
            ["<b>all</b>", *(f"<b>{_n(v)}</b>" for v in totals[:2]), "", *(_n(v) for v in totals[2:])]
        )
    body = _table(["", ""], meta, "meta")
    if not run.stages:
        return body + _not_run("no stage outputs (no _RUN_REPORT.json and no _MANIFEST.json) in this folder")
    if rows:
        body += _table(
            [
                "source",
                "records read",
                "documents kept",
                "last stage",
                "characters after first stage",
                "characters kept",
                "train tokens",
                "validation tokens",
            ],
            rows,
        )
    steps = [
        [_e(s.label), "resumed (done before)" if s.info.get("ran") is False else "ran"]
        for s in run.stages
        if s.source is None
    ]
    if steps:
        body += "<h3>stages over all sources</h3>" + _table(["stage", "this run"], steps)
    return body


def _drops(stage: StageInfo) -> list[tuple[str, int]]:
    return sorted((k, v) for k, v in stage.counts().items() if k.startswith(DROP_PREFIXES) and v)


def _rejects_links(stage: StageInfo) -> list[str]:
    """Relative paths (from the output folder) of the stage's rejects files."""
    if stage.rel is None:
        return []
    names = [
        str(o.get("file"))
        for o in stage.info.get("outputs") or []
        if isinstance(o, dict) and str(o.get("file", "")).startswith(REJECTS + "/")
    ]
    if not names:
        names = [f"{REJECTS}/{n}" for n in _files(join(stage.directory, REJECTS))]
    return [f"{stage.rel}/{n}" for n in sorted(names)]


def _funnel(run: Run) -> str:
    document_stages = [s for s in run.stages if s.source]
    if not document_stages:
        return _not_run("no per-source stage outputs")
    body = ""
    sources = run.sources()

    def draw_funnel() -> Any:
        cols = 2 if len(sources) > 1 else 1
        rows = math.ceil(len(sources) / cols)
        figure, axes = _new_figure(9, 1.0 + 1.6 * rows, rows, cols)
        for ax, source in zip(axes, sources, strict=False):
            chain = [s for s in run.stages if s.source == source]
            labels = ["read"] + [s.name for s in chain]
            values = [chain[0].num("documents_in")] + [s.num("documents_out") for s in chain]
            positions = list(range(len(labels)))[::-1]
            ax.barh(positions, values, color="#4878a8")
            ax.set_yticks(positions, labels)
            ax.set_title(source)
            for y, v in zip(positions, values, strict=True):
                ax.text(v, y, f" {v:,}", va="center", fontsize=7)
            ax.margins(x=0.25)
        for ax in axes[len(sources) :]:
            ax.set_visible(False)
        figure.tight_layout()
        return figure

    body += _plot("plot-funnel", draw_funnel, "documents after each stage, per source (manifests)")

    drops = [(f"{s.label}: {reason}", n) for s in document_stages for reason, n in _drops(s)]
    if drops:
        shown = sorted(drops, key=lambda d: (-d[1], d[0]))[:MAX_DROP_BARS]

        def draw_drops() -> Any:
            figure, (ax,) = _new_figure(9, 0.8 + 0.18 * len(shown))
            positions = list(range(len(shown)))[::-1]
            ax.barh(positions, [n for _, n in shown], color="#c8643c")
            ax.set_yticks(positions, [label for label, _ in shown], fontsize=7)
            ax.set_xlabel("documents / records")
            figure.tight_layout()
            return figure

        caption = "every drop, reject and skip counter by stage and reason (manifest counts)"
        if len(drops) > len(shown):
            caption += f"; the {len(shown)} largest of {len(drops)}"
        body += _plot("plot-drops", draw_drops, caption)

    by_stage: dict[str, list[int]] = {}
    for stage in document_stages:
        totals = by_stage.setdefault(stage.name, [0, 0, 0, 0, 0])
        for i, key in enumerate(
            ("documents_in", "documents_out", "characters_in", "characters_out", "rejects")
        ):
            totals[i] += stage.num(key)
    rows = [
        [_e(name), _n(t[0]), _n(t[1]), _pct(t[1], t[0]), _n(t[2]), _n(t[3]), _pct(t[3], t[2]), _n(t[4])]
        for name, t in by_stage.items()
    ]
    headers = ["stage", "documents in", "out", "kept", "characters in", "out", "kept", "rejects"]
    body += '<h3 id="funnel-all">all sources</h3>' + _table(headers, rows)

    for source in sources:
        rows = []
        for stage in (s for s in run.stages if s.source == source):
            drops_html = "".join(f"<li>{_e(r)}: {_n(n)}</li>" for r, n in _drops(stage))
            explained = sum(n for r, n in _drops(stage) if not r.startswith("skipped:"))
            gap = stage.num("documents_in") - stage.num("documents_out") - explained
            if gap > 0 and stage.name != "ingest":
                drops_html += f"<li>other (see counters): {_n(gap)}</li>"
            counters = "".join(f"<li>{_e(k)}: {_n(v)}</li>" for k, v in sorted(stage.counts().items()))
            if counters:
                drops_html += f"<details><summary>all counters</summary><ul>{counters}</ul></details>"
            links = " ".join(
                f'<a href="{_href(rel)}">{_e(PurePosixPath(rel).name)}</a>' for rel in _rejects_links(stage)
            )
            state = "" if stage.has_manifest else " <i>(no manifest)</i>"
            rows.append(
                [
                    f"{_e(stage.name)}{state}",
                    _n(stage.num("documents_in")),
                    _n(stage.num("documents_out")),
                    _pct(stage.num("documents_out"), stage.num("documents_in")),
                    _n(stage.num("characters_in")),
                    _n(stage.num("characters_out")),
                    _n(stage.num("rejects")) + (f"<br>{links}" if links else ""),
                    f"<ul>{drops_html}</ul>" if drops_html else "",
                ]
            )
        headers = [
            "stage",
            "documents in",
            "out",
            "kept",
            "characters in",
            "out",
            "rejects",
            "drops by reason",
        ]
        body += f'<h3 id="funnel-{_slug(source)}">{_e(source)}</h3>' + _table(headers, rows)
    return body


def _reject_records(path: str) -> list[dict[str, Any]]:
    records = []
    try:
        with open_file(path, "rb") as handle:
            data = handle.read(REJECT_READ_BYTES)
    except OSError:
        return []
    for line in data.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
        if len(records) >= REJECT_SAMPLES:
            break
    return records


def _rejects(run: Run) -> str:
    body = ""
    for stage in run.stages:
        links = _rejects_links(stage)
        reasons = {k: v for k, v in stage.counts().items() if k.startswith("rejected:")}
        if not stage.num("rejects") and not links:
            continue
        body += f"<h3>{_e(stage.label)}: {_n(stage.num('rejects'))} rejects</h3>"
        if reasons:
            body += (
                "<ul>" + "".join(f"<li>{_e(k)}: {_n(v)}</li>" for k, v in sorted(reasons.items())) + "</ul>"
            )
        if links:
            body += "<p>files: " + " ".join(f'<a href="{_href(rel)}">{_e(rel)}</a>' for rel in links) + "</p>"
        records: list[dict[str, Any]] = []
        for rel in links:
            records.extend(_reject_records(join(run.output, rel)))
            if len(records) >= REJECT_SAMPLES:
                break
        rows = [
            [
                _e(r.get("reason", "")),
                _e(r.get("record_id", "")),
                _e(PurePosixPath(str(r.get("source_file", ""))).name),
                _e(r.get("offset", "")),
                _e(str(r.get("detail", ""))[:300]),
            ]
            for r in records[:REJECT_SAMPLES]
        ]
        if rows:
            body += _table(["reason", "record", "file", "offset", "detail"], rows, "samples")
    return body or _note("no stage rejected a record")


def _language(run: Run) -> str:
    stages = [s for s in run.by_name("langid") if s.source]
    if not stages:
        return _not_run("no langid stage output")
    mix: dict[str, Counter[str]] = {}
    notes = []
    for stage in stages:
        values, truncated = _column_values(_parts(stage.directory), ["language"])
        mix[stage.source or ""] = Counter(
            v if isinstance(v, str) and v else "none" for v in values["language"]
        )
        if truncated:
            notes.append(
                f"{stage.source}: the first {MAX_VALUES:,} of {stage.num('documents_out'):,} documents"
            )
    overall: Counter[str] = Counter()
    for counter in mix.values():
        overall.update(counter)
    mix["all"] = overall
    top = [lang for lang, _ in sorted(overall.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
    names = list(mix)

    def draw() -> Any:
        figure, (ax,) = _new_figure(9, 0.9 + 0.32 * len(names))
        positions = list(range(len(names)))[::-1]
        left = [0.0] * len(names)
        for lang in top + ["other"]:
            shares = []
            for name in names:
                counter, total = mix[name], sum(mix[name].values()) or 1
                count = (
                    counter.get(lang, 0)
                    if lang != "other"
                    else sum(n for k, n in counter.items() if k not in top)
                )
                shares.append(count / total)
            if lang == "other" and not any(shares):
                continue
            ax.barh(positions, shares, left=left, label=lang)
            left = [a + b for a, b in zip(left, shares, strict=True)]
        ax.set_yticks(positions, names)
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of documents")
        ax.legend(ncol=min(9, len(top) + 1), loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=7)
        figure.tight_layout()
        return figure

    body = _plot("plot-language", draw, "documents by language per source and overall (langid outputs)")
    rows = []
    for name in names:
        total = sum(mix[name].values())
        shares = ", ".join(
            f"{_e(k)} {_pct(v, total)}" for k, v in sorted(mix[name].items(), key=lambda kv: (-kv[1], kv[0]))
        )
        rows.append([_e(name), _n(total), shares])
    body += _table(["source", "documents", "languages"], rows)
    if notes:
        body += _note("read " + _e("; ".join(notes)))
    return body


def _cutoffs(stage: StageInfo) -> dict[str, Any]:
    cutoffs = stage.info.get("cutoffs")
    if not isinstance(cutoffs, dict):
        data = _read_json(join(stage.directory, "cutoffs.json"))
        cutoffs = data.get("languages") if isinstance(data, dict) else None
    return cutoffs if isinstance(cutoffs, dict) else {}


def _perplexity(run: Run) -> str:
    stages = [s for s in run.by_name("quality") if s.source]
    if not stages:
        return _not_run("no quality stage output")
    body = ""
    for stage in stages:
        values, truncated = _column_values(_parts(stage.directory), ["language", "perplexity"])
        by_language: dict[str, list[float]] = {}
        for lang, value in zip(values["language"], values["perplexity"], strict=True):
            if isinstance(value, int | float) and math.isfinite(value):
                by_language.setdefault(lang or "none", []).append(float(value))
        cutoffs = _cutoffs(stage)
        source = stage.source or ""
        body += f"<h3>{_e(source)}</h3>"
        if by_language:
            shown = sorted(by_language, key=lambda k: (-len(by_language[k]), k))[:6]

            def draw(
                shown: list[str] = shown, by_language: dict = by_language, cutoffs: dict = cutoffs
            ) -> Any:
                cols = min(3, len(shown))
                rows = math.ceil(len(shown) / cols)
                figure, axes = _new_figure(9, 0.6 + 2.0 * rows, rows, cols)
                for ax, lang in zip(axes, shown, strict=False):
                    data = by_language[lang]
                    entry = cutoffs.get(lang) if isinstance(cutoffs.get(lang), dict) else {}
                    cuts = sorted(c for c in entry.get("cutoffs") or [] if isinstance(c, int | float))[:2]
                    low, high = min(data + cuts), max(data + cuts)
                    pad = (high - low) * 0.02 or 1.0
                    ax.hist(data, bins=30, range=(low - pad, high + pad), color="#4878a8", zorder=2)
                    edges = [low - pad, *cuts, high + pad]
                    for start, end, name, color in zip(
                        edges, edges[1:], _BUCKETS, _BUCKET_COLORS, strict=False
                    ):
                        ax.axvspan(start, end, color=color, alpha=0.25, zorder=1, label=name)
                    for cut in cuts:
                        ax.axvline(cut, color="#444", linestyle="--", linewidth=0.8, zorder=3)
                    title = f"{lang} ({len(data):,} documents)"
                    if cuts:
                        title += "\ncutoffs " + ", ".join(f"{c:g}" for c in cuts)
                        ax.legend(fontsize=6, loc="upper right")
                    ax.set_title(title)
                    ax.set_xlabel("perplexity")
                for ax in axes[len(shown) :]:
                    ax.set_visible(False)
                figure.tight_layout()
                return figure

            body += _plot(
                f"plot-perplexity-{_slug(source)}",
                draw,
                f"{source}: perplexity per language with the head/middle/tail cutoffs (quality outputs)",
            )
        else:
            body += _note("no document has a perplexity (no language model for its languages)")
        counts = stage.counts()
        rows = []
        for lang in sorted(set(cutoffs) | set(by_language)):
            entry = cutoffs.get(lang) if isinstance(cutoffs.get(lang), dict) else {}
            cuts = ", ".join(f"{c:g}" for c in entry.get("cutoffs") or [] if isinstance(c, int | float))
            rows.append(
                [
                    _e(lang),
                    _n(len(by_language.get(lang, []))),
                    _e(cuts or "–"),
                    _e(entry.get("from", "–")),
                    _n(counts.get(f"scored:{lang}", counts.get(f"no_model:{lang}", 0))),
                ]
            )
        if rows:
            body += _table(["language", "documents read", "cutoffs", "cutoffs from", "scored"], rows)
        buckets = ", ".join(
            f"{_e(k[7:])}: {_n(v)}" for k, v in sorted(counts.items()) if k.startswith("bucket:")
        )
        if buckets:
            body += f"<p>buckets: {buckets}</p>"
        if truncated:
            body += _note(f"read the first {MAX_VALUES:,} of {stage.num('documents_out'):,} documents")
    return body


_BUCKETS = ("head", "middle", "tail")
_BUCKET_COLORS = ("#6a9a58", "#e0c060", "#c8643c")


def _threshold(run: Run) -> tuple[float | None, str]:
    """The filter's `min_wiki_ref_prob`: the recipe's (its config file), else the classifier's evaluation."""
    config = run.report.get("config")
    if isinstance(config, str) and config and _exists(config):
        try:
            from pipeline.config import load_recipe

            return float(
                load_recipe(config).filter.min_wiki_ref_prob
            ), f"filter.min_wiki_ref_prob in {config}"
        except Exception:  # an edited or broken config: fall back to what the run recorded
            pass
    stage = run.one("train_classifier")
    if stage is not None:
        try:
            value = stage.info["classifier"]["held_out"]["documents"]["threshold"]
            return float(value), "the classifier's held-out evaluation"
        except (KeyError, TypeError, ValueError):
            pass
    return None, ""


def _classifier(run: Run) -> str:
    stages = [s for s in run.by_name("classify") if s.source]
    trained = run.one("train_classifier")
    if not stages and trained is None:
        return _not_run("no classifier stage output")
    threshold, where = _threshold(run)
    body = ""
    for stage in stages:
        values, truncated = _column_values(_parts(stage.directory), ["signals"])
        scores = []
        for signals in values["signals"]:
            for key, value in signals or []:
                if key == "wiki_ref_prob" and isinstance(value, int | float) and math.isfinite(value):
                    scores.append(float(value))
        source = stage.source or ""
        body += f"<h3>{_e(source)}</h3>"
        if not scores:
            body += _note("no document has a wiki_ref_prob signal")
            continue

        def draw(scores: list[float] = scores) -> Any:
            figure, (ax,) = _new_figure(9, 2.6)
            ax.hist(scores, bins=40, range=(0.0, 1.0), color="#4878a8")
            if threshold is not None:
                ax.axvline(threshold, color="#c8643c", linestyle="--")
                ax.text(threshold, ax.get_ylim()[1], f" threshold {threshold:g}", va="top", fontsize=7)
            ax.set_xlabel("wiki_ref_prob")
            ax.set_ylabel("documents")
            figure.tight_layout()
            return figure

        body += _plot(
            f"plot-classifier-{_slug(source)}",
            draw,
            f"{source}: classifier score distribution with the filter's threshold (classify outputs)",
        )
        if threshold is not None:
            above = sum(1 for s in scores if s >= threshold)
            body += (
                f"<p>{_n(above)} of {_n(len(scores))} documents ({_pct(above, len(scores))}) at or above "
                f"the threshold {threshold:g} ({_e(where)})</p>"
            )
        else:
            body += _note("threshold unknown (no readable config and no classifier evaluation)")
        if truncated:
            body += _note(f"read the first {MAX_VALUES:,} of {stage.num('documents_out'):,} documents")
    if trained is not None:
        classifier = (
            trained.info.get("classifier") if isinstance(trained.info.get("classifier"), dict) else {}
        )
        held_out = classifier.get("held_out") if isinstance(classifier.get("held_out"), dict) else {}
        rows = [
            [
                _e(unit),
                *(
                    _n(metrics.get(k))
                    for k in ("positives", "negatives", "kept", "precision", "recall", "auc")
                ),
            ]
            for unit, metrics in sorted(held_out.items())
            if isinstance(metrics, dict)
        ]
        body += "<h3>training</h3>" + f"<p>status: {_e(classifier.get('status', '–'))}, positives: "
        body += f"{_n(classifier.get('positives', '–'))}</p>"
        if rows:
            body += _table(["held out", "positives", "negatives", "kept", "precision", "recall", "auc"], rows)
    return body


def _clusters(stage: StageInfo) -> tuple[Counter[int], bool]:
    """How many clusters of each size (sizes >= 2) the MinHash stage's cluster table holds."""
    values, truncated = _column_values(_parts(join(stage.directory, "clusters")), ["cluster", "size"])
    sizes: dict[str, int] = {}
    for cluster, size in zip(values["cluster"], values["size"], strict=True):
        if isinstance(cluster, str) and isinstance(size, int):
            sizes[cluster] = size
    return Counter(sizes.values()), truncated


def _dedup(run: Run) -> str:
    stages = [s for s in run.stages if s.source and s.name in ("exact_dedup", "paragraph_dedup", "minhash")]
    if not stages:
        return _not_run("no dedup stage output")
    body = ""

    def draw_yield() -> Any:
        figure, (ax,) = _new_figure(9, 0.9 + 0.36 * len(stages))
        positions = list(range(len(stages)))[::-1]
        docs = [s.num("documents_out") / (s.num("documents_in") or 1) for s in stages]
        chars = [s.num("characters_out") / (s.num("characters_in") or 1) for s in stages]
        ax.barh([p + 0.2 for p in positions], docs, height=0.4, label="documents kept")
        ax.barh([p - 0.2 for p in positions], chars, height=0.4, label="characters kept")
        ax.set_yticks(positions, [s.label for s in stages])
        ax.set_xlim(0, 1.05)
        ax.legend(fontsize=7, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
        figure.tight_layout()
        return figure

    body += _plot("plot-dedup-yield", draw_yield, "share of documents and characters each dedup stage kept")
    rows = []
    for stage in stages:
        counts = stage.counts()
        detail = []
        if stage.name == "paragraph_dedup":
            detail.append(
                f"lines removed {_n(counts.get('lines_removed', 0))} of {_n(counts.get('lines_in', 0))}"
            )
        if stage.name == "exact_dedup":
            detail.append(f"duplicates dropped {_n(counts.get('dropped:exact_duplicate', 0))}")
        if stage.name == "minhash":
            extra = ", ".join(
                f"{k} {_n(stage.info[k])}" for k in ("threshold", "bands", "rows") if k in stage.info
            )
            detail.append(
                f"clusters {_n(counts.get('clusters', 0))}, duplicates {_n(counts.get('duplicate', 0))}"
                + (f"; {_e(extra)}" if extra else "")
            )
        rows.append(
            [
                _e(stage.label),
                _n(stage.num("documents_in")),
                _n(stage.num("documents_out")),
                _n(stage.num("characters_in")),
                _n(stage.num("characters_out")),
                _pct(stage.num("characters_out"), stage.num("characters_in")),
                "; ".join(detail),
            ]
        )
    body += _table(
        ["stage", "documents in", "out", "characters in", "out", "characters kept", "detail"], rows
    )

    histograms: dict[str, Counter[int]] = {}
    notes = []
    for stage in run.by_name("minhash"):
        if not stage.source:
            continue
        counter, truncated = _clusters(stage)
        histograms[stage.source] = counter
        if truncated:
            notes.append(f"{stage.source}: the first {MAX_VALUES:,} clustered documents")
    body += "<h3>MinHash clusters</h3>"
    if any(histograms.values()):
        sizes = sorted({size for c in histograms.values() for size in c})
        names = [n for n, c in histograms.items() if c]

        def draw_clusters() -> Any:
            figure, (ax,) = _new_figure(9, 2.6)
            width = 0.8 / len(names)
            for i, name in enumerate(names):
                xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(sizes))]
                ax.bar(xs, [histograms[name].get(size, 0) for size in sizes], width=width, label=name)
            ax.set_xticks(range(len(sizes)), [str(s) for s in sizes])
            ax.set_xlim(-0.5 - 0.5 * (len(sizes) < 4), len(sizes) - 0.5 + 0.5 * (len(sizes) < 4))
            ax.set_xlabel("cluster size (documents)")
            ax.set_ylabel("clusters")
            ax.legend(fontsize=7)
            figure.tight_layout()
            return figure

        body += _plot(
            "plot-minhash-clusters", draw_clusters, "MinHash cluster sizes per source (clusters tables)"
        )
    rows = [
        [
            _e(name),
            _n(sum(c.values())),
            _n(sum(k * v for k, v in c.items())),
            _e(", ".join(f"{k}: {v}" for k, v in sorted(c.items()))),
        ]
        for name, c in histograms.items()
    ]
    if rows:
        body += _table(["source", "clusters", "documents in clusters", "clusters by size"], rows)
        if not any(histograms.values()):
            body += _note("no near-duplicate clusters were found")
    else:
        body += _not_run("no minhash stage output")
    if notes:
        body += _note("read " + _e("; ".join(notes)))
    return body


def _plan(run: Run, stage: StageInfo) -> dict[str, Any] | None:
    for path in (join(stage.directory, "plan.json"), str(stage.info.get("file") or "")):
        if path:
            data = _read_json(_relocate(path, str(run.report.get("output") or ""), run.output))
            if isinstance(data, dict):
                return data
    return None


def _tokens(run: Run) -> str:
    body = ""
    tokenize = run.one("tokenize")
    tokens = tokenize.info.get("tokens_by_source") if tokenize else None
    if isinstance(tokens, dict) and tokens:
        names = sorted(tokens)
        split = {n: tokens[n] if isinstance(tokens[n], dict) else {} for n in names}

        def draw_tokens() -> Any:
            figure, (ax,) = _new_figure(9, 0.9 + 0.32 * len(names))
            positions = list(range(len(names)))[::-1]
            train = [int(split[n].get("train", 0) or 0) for n in names]
            validation = [int(split[n].get("validation", 0) or 0) for n in names]
            ax.barh(positions, train, label="train")
            ax.barh(positions, validation, left=train, label="validation")
            ax.set_yticks(positions, names)
            ax.set_xlabel("tokens")
            ax.xaxis.set_major_formatter(_eng())
            ax.legend(fontsize=7, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
            figure.tight_layout()
            return figure

        body += _plot("plot-tokens", draw_tokens, "tokens per source and split (tokenize)")
        rows = [
            [_e(n), _n(int(split[n].get("train", 0) or 0)), _n(int(split[n].get("validation", 0) or 0))]
            for n in names
        ]
        train = sum(int(split[n].get("train", 0) or 0) for n in names)
        validation = sum(int(split[n].get("validation", 0) or 0) for n in names)
        rows.append(["<b>all</b>", f"<b>{_n(train)}</b>", f"<b>{_n(validation)}</b>"])
        body += _table(["source", "train tokens", "validation tokens"], rows)
    else:
        body += _not_run("no tokenize stage output")

    mix = run.one("mix")
    plan = _plan(run, mix) if mix else None
    body += "<h3>mixture plan</h3>"
    if plan is None:
        text = mix.info.get("plan") if mix else None
        return body + (f"<pre>{_e(text)}</pre>" if isinstance(text, str) else _not_run("no mix stage output"))
    plan_rows = [
        r for r in plan.get("rows") or [] if isinstance(r, dict) and isinstance(r.get("source"), str)
    ]
    if plan_rows:

        def draw_mixture() -> Any:
            figure, axes = _new_figure(10, 0.9 + 0.3 * len(plan_rows), 1, 3)
            names = [r["source"] for r in plan_rows]
            positions = list(range(len(names)))[::-1]
            configured = [float(r.get("configured") or 0) for r in plan_rows]
            sampled = [float(r.get("weight") or 0) for r in plan_rows]
            axes[0].barh([p + 0.2 for p in positions], configured, height=0.4, label="recipe")
            axes[0].barh([p - 0.2 for p in positions], sampled, height=0.4, label="sampled")
            axes[0].set_title("weight")
            axes[0].legend(fontsize=7, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.08))
            target = [int(r.get("target_tokens") or 0) for r in plan_rows]
            available = [int(r.get("available_tokens") or 0) for r in plan_rows]
            axes[1].barh([p + 0.2 for p in positions], target, height=0.4, label="target")
            axes[1].barh([p - 0.2 for p in positions], available, height=0.4, label="available")
            axes[1].set_title("tokens (log scale)")
            if any(target + available):
                axes[1].set_xscale("log")
            axes[1].xaxis.set_major_formatter(_eng())
            axes[1].legend(fontsize=7, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.08))
            epochs = [
                float(r["epochs"]) if isinstance(r.get("epochs"), int | float) else 0.0 for r in plan_rows
            ]
            axes[2].barh(positions, epochs, color="#6a9a58")
            for y, r, value in zip(positions, plan_rows, epochs, strict=True):
                axes[2].text(
                    value,
                    y,
                    f" {value:.2f}" if r.get("epochs") is not None else " missing",
                    va="center",
                    fontsize=7,
                )
            axes[2].set_title("epochs")
            axes[2].margins(x=0.25)
            for ax in axes:
                ax.set_yticks(positions, names if ax is axes[0] else [""] * len(names))
            figure.tight_layout()
            return figure

        body += _plot(
            "plot-mixture", draw_mixture, "the mixture plan against the recipe: weights, tokens, epochs"
        )
        rows = [
            [
                _e(r["source"]),
                _n(r.get("available_tokens")),
                f"{100 * float(r.get('configured') or 0):.2f}%",
                f"{100 * float(r.get('weight') or 0):.2f}%",
                _n(r.get("target_tokens")),
                f"{float(r['epochs']):.2f}" if isinstance(r.get("epochs"), int | float) else "missing",
            ]
            for r in plan_rows
        ]
        body += _table(["source", "available tokens", "recipe", "sampled", "target tokens", "epochs"], rows)
    budget = plan.get("token_budget")
    if budget is not None:
        body += f"<p>token budget: {_n(budget)}; max epochs: {_n(plan.get('max_epochs', '–'))}</p>"
    warnings = [w for w in plan.get("warnings") or [] if isinstance(w, str)]
    if warnings:
        body += '<ul class="warnings">' + "".join(f"<li>{_e(w)}</li>" for w in warnings) + "</ul>"
    return body


def _train_log(path: str) -> tuple[list[tuple[float, float]], list[tuple[float, dict[str, float]]]]:
    losses: list[tuple[float, float]] = []
    evals: list[tuple[float, dict[str, float]]] = []
    with open_file(path, "rb") as handle:
        for number, line in enumerate(handle):
            if number >= MAX_LOG_LINES:
                break
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if not isinstance(row, dict) or not isinstance(row.get("step"), int | float):
                continue
            if isinstance(row.get("loss"), int | float) and math.isfinite(row["loss"]):
                losses.append((float(row["step"]), float(row["loss"])))
            if isinstance(row.get("val_loss"), dict):
                values = {
                    str(k): float(v)
                    for k, v in row["val_loss"].items()
                    if isinstance(v, int | float) and math.isfinite(v)
                }
                evals.append((float(row["step"]), values))
    return losses, evals


def _training(run: Run) -> str:
    stage = run.one("train")
    if stage is None:
        return _not_run("no train stage output")
    body = ""
    log = str(stage.info.get("log") or "")
    candidates = [
        join(stage.directory, log) if log and not os.path.isabs(log) and not is_remote(log) else log
    ]
    candidates += [
        _relocate(log, str(run.report.get("output") or ""), run.output),
        join(stage.directory, "train_log.jsonl"),
    ]
    path = next((c for c in candidates if c and _exists(c)), None)
    losses: list[tuple[float, float]] = []
    evals: list[tuple[float, dict[str, float]]] = []
    if path is not None:
        losses, evals = _train_log(path)
    if losses:

        def draw_loss() -> Any:
            figure, (ax,) = _new_figure(9, 3.0)
            points = _stride(losses)
            ax.plot([s for s, _ in points], [v for _, v in points], label="training loss")
            means = [(s, sum(v.values()) / len(v)) for s, v in evals if v]
            if means:
                ax.plot([s for s, _ in means], [v for _, v in means], "o--", label="validation loss (mean)")
            ax.set_xlabel("step")
            ax.set_ylabel("loss")
            ax.legend(fontsize=7)
            figure.tight_layout()
            return figure

        body += _plot(
            "plot-loss", draw_loss, "training loss by step, and mean validation loss (train_log.jsonl)"
        )
    else:
        body += _note("no training loss logged" + ("" if path else " (no train_log.jsonl found)"))
    before = stage.info.get("val_loss_before") if isinstance(stage.info.get("val_loss_before"), dict) else {}
    after = stage.info.get("val_loss_after") if isinstance(stage.info.get("val_loss_after"), dict) else {}
    if not before and evals:
        before = evals[0][1]
    if not after and len(evals) > 1:
        after = evals[-1][1]
    names = sorted(set(before) | set(after))
    if names:

        def draw_val() -> Any:
            series = [(s, v) for s, v in evals if v]
            cols = 2 if len(series) > 2 else 1
            figure, axes = _new_figure(9, 0.9 + 0.3 * len(names) if cols == 1 else 3.0, 1, cols)
            positions = list(range(len(names)))[::-1]
            ax = axes[0]
            b = [float(before.get(n, float("nan"))) for n in names]
            a = [float(after.get(n, float("nan"))) for n in names]
            ax.barh([p + 0.2 for p in positions], b, height=0.4, label="before")
            ax.barh([p - 0.2 for p in positions], a, height=0.4, label="after")
            ax.set_yticks(positions, names)
            ax.set_xlabel("validation loss")
            ax.legend(fontsize=7, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
            if cols == 2:
                for name in names:
                    pts = [(s, v[name]) for s, v in series if name in v]
                    axes[1].plot([s for s, _ in pts], [v for _, v in pts], marker=".", label=name)
                axes[1].set_xlabel("step")
                axes[1].set_ylabel("validation loss")
                axes[1].legend(fontsize=6)
            figure.tight_layout()
            return figure

        body += _plot("plot-val-loss", draw_val, "validation loss per source before and after training")
        rows = [[_e(n), _n(before.get(n)), _n(after.get(n))] for n in names]
        body += _table(["source", "before", "after"], rows)
    facts = [f"{k}: {_n(stage.info[k])}" for k in ("steps",) if isinstance(stage.info.get(k), int | float)]
    if isinstance(stage.info.get("checkpoint"), str):
        facts.append(f"checkpoint: {_e(stage.info['checkpoint'])}")
    if facts:
        body += "<p>" + "; ".join(facts) + "</p>"
    return body


def _ablation(run: Run) -> str:
    folder = join(run.output, ABLATION)
    data = _read_json(join(folder, "ablation.json"))
    if not isinstance(data, dict):
        return _not_run("no ablation/ablation.json")
    listed = data.get("runs")
    runs = [r for r in listed if isinstance(r, dict)] if isinstance(listed, list) else []
    body = (
        "<p>"
        + "; ".join(f"{_e(k)}: {_n(data[k])}" for k in ("preset", "budget", "seed") if k in data)
        + "</p>"
    )
    sources = sorted({str(s) for r in runs if isinstance(r.get("val_loss"), dict) for s in r["val_loss"]})
    mixture_sources = sorted(
        {str(s) for r in runs if isinstance(r.get("mixture"), dict) for s in r["mixture"]}
    )

    def loss(r: dict[str, Any], key: str, source: str) -> float | None:
        table = r.get(key)
        value = table.get(source) if isinstance(table, dict) else None
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    png = None
    png_path = join(folder, "ablation.png")
    try:
        if _exists(png_path):
            fs, resolved = filesystem(png_path)
            if int(fs.size(resolved) or 0) <= MAX_EMBED_BYTES:
                with open_file(png_path, "rb") as handle:
                    png = handle.read()
    except OSError:
        png = None
    if png and png.startswith(b"\x89PNG"):
        body += _image(
            "plot-ablation", png, "ablation: per-source validation loss per mixture (ablation.png)"
        )
    elif runs and sources:

        def draw() -> Any:
            figure, (ax,) = _new_figure(9, 3.0)
            width = 0.8 / len(runs)
            for i, r in enumerate(runs):
                xs = [j + (i - (len(runs) - 1) / 2) * width for j in range(len(sources))]
                ys = [loss(r, "val_loss", s) for s in sources]
                ax.bar(
                    xs, [y if y is not None else 0.0 for y in ys], width=width, label=str(r.get("name", i))
                )
            ax.set_xticks(range(len(sources)), sources)
            ax.set_ylabel("validation loss")
            ax.legend(fontsize=7)
            figure.tight_layout()
            return figure

        body += _plot(
            "plot-ablation", draw, "ablation: per-source validation loss per mixture (ablation.json)"
        )
    rows = []
    for i, r in enumerate(runs):
        mixture = r.get("mixture") if isinstance(r.get("mixture"), dict) else {}
        cells = [_e(r.get("name", f"run {i}"))]
        cells += [
            _pct(float(mixture[s]), 1.0) if isinstance(mixture.get(s), int | float) else "–"
            for s in mixture_sources
        ]
        for s in sources:
            now, was = loss(r, "val_loss", s), loss(r, "val_loss_before", s)
            cells.append(
                ("–" if now is None else f"{now:.4f}")
                + ("" if was is None else f" <small>(from {was:.4f})</small>")
            )
        cells += [_n(r.get("steps", "–")), _n(r.get("tokens", "–"))]
        log = r.get("log")
        if (
            isinstance(log, str)
            and log
            and ":" not in log
            and not log.startswith("/")
            and ".." not in log.split("/")
        ):
            cells.append(f'<a href="{_href(f"{ABLATION}/{log}")}">{_e(log)}</a>')
        else:
            cells.append(_e(log or ""))
        rows.append(cells)
    headers = ["run", *(f"{_e(s)} weight" for s in mixture_sources), *(f"{_e(s)} val loss" for s in sources)]
    body += (
        _table(headers + ["steps", "tokens", "log"], rows) if rows else _note("ablation.json lists no runs")
    )
    return body


def _samples(run: Run) -> str:
    blocks = []
    for stage in run.stages:
        if stage.source:
            try:
                block = _stage_samples(run, stage)
            except Exception as exc:  # one unreadable part loses that stage's samples only
                block = f"<h4>{_e(stage.label)}</h4>" + _note(
                    f"its samples could not be read: {_e(type(exc).__name__)}: {_e(exc)}"
                )
            if block:
                blocks.append(block)
    if not blocks:
        return _not_run("no stage wrote documents")
    return _note("stages that dropped documents are open; click a stage to see what it kept") + "".join(
        blocks
    )


def _stage_samples(run: Run, stage: StageInfo) -> str:
    """A few kept and a few dropped documents of one stage, in a <details> block (open when some dropped)."""
    parts = _parts(stage.directory)
    if not parts:
        return ""
    columns = ["id", "text", "url", "language", "bucket", "perplexity"]
    body = "<h4>kept</h4>" + _documents(_first_documents(parts, columns, None, SAMPLES))
    dropped_count = stage.num("documents_in") - stage.num("documents_out")
    recorded = str(run.report.get("output") or "")
    inputs = [
        _relocate(str(i.get("path")), recorded, run.output)
        for i in stage.info.get("inputs") or []
        if isinstance(i, dict) and i.get("path")
    ]
    input_parts = [p for folder in inputs for p in _parts(folder)] if stage.name != "ingest" else []
    shown = False
    if stage.name == "ingest":
        body += _note("ingest reads raw files: what it left out is counted in the funnel, rejects are above")
    elif dropped_count <= 0:
        body += _note("no document dropped")
    elif not input_parts:
        body += _note(f"{dropped_count:,} dropped; its input parts are not here, so none is shown")
    elif stage.num("documents_in") > MAX_SAMPLE_IDS:
        body += _note(
            f"{dropped_count:,} dropped; its input holds {stage.num('documents_in'):,} documents, more than "
            f"{MAX_SAMPLE_IDS:,}: no dropped sample is drawn, to keep the report cheap"
        )
    else:
        out_ids = set(_ids(parts))
        missing: list[str] = []
        for doc_id in _ids(input_parts):
            if doc_id not in out_ids:
                missing.append(doc_id)
                if len(missing) >= SAMPLES:
                    break
        dropped = _first_documents(input_parts, columns, set(missing), SAMPLES)
        body += f"<h4>dropped ({_n(dropped_count)} in all)</h4>" + _documents(dropped)
        shown = bool(dropped)
    summary = f"{_e(stage.label)}: {_n(stage.num('documents_out'))} kept, {_n(max(dropped_count, 0))} dropped"
    if stage.name == "ingest":
        summary = f"{_e(stage.label)}: {_n(stage.num('documents_out'))} kept of {_n(stage.num('documents_in'))} read"
    return (
        f'<details class="samples" id="samples-{_slug(stage.label)}"{" open" if shown else ""}>'
        f"<summary>{summary}</summary>{body}</details>"
    )


def _documents(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return _note("none")
    cells = []
    for row in rows:
        facts = [f"<code>{_e(row.get('id', ''))}</code>"]
        for key in ("language", "bucket"):
            if row.get(key):
                facts.append(f"{key} {_e(row[key])}")
        if isinstance(row.get("perplexity"), int | float):
            facts.append(f"perplexity {row['perplexity']:.1f}")
        if row.get("url"):
            facts.append(_e(str(row["url"])[:200]))
        cells.append([" · ".join(facts) + _snippet(row.get("text"))])
    return _table(["document"], cells, "samples")


# ---------------------------------------------------------------------------------------------- the page

SECTIONS: list[tuple[str, str, Callable[[Run], str]]] = [
    ("overview", "Overview", _overview),
    ("funnel", "Funnel", _funnel),
    ("rejects", "Rejects", _rejects),
    ("language", "Language mix", _language),
    ("perplexity", "Perplexity", _perplexity),
    ("classifier", "Classifier", _classifier),
    ("dedup", "Dedup", _dedup),
    ("tokens", "Tokens and mixture", _tokens),
    ("training", "Training", _training),
    ("ablation", "Ablation", _ablation),
    ("samples", "Samples", _samples),
]

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 1em 4em; color: #222; }
h1 { margin-top: 0.8em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
nav ol { columns: 3; } table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
td ul { margin: 0; padding-left: 1.2em; } details.samples { margin: 0.3em 0; }
details.samples > summary { font-weight: 600; cursor: pointer; }
pre { white-space: pre-wrap; margin: 2px 0; font-size: 12px; background: #f8f8f8; padding: 2px 4px; }
figure.plot { margin: 0.5em 0 1.5em; } figure.plot svg, figure.plot img { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; } .note { color: #555; font-style: italic; }
.not-run { color: #8a5a00; } ul.warnings { color: #8a5a00; }
"""


def render_report(output: str) -> str:
    """The page for one output folder, as a string; never raises on missing or partial stages."""
    try:
        run = load_run(output)
    except Exception as exc:  # an unreadable folder still gives a page that says so
        run = Run(output=output, report={}, stages=[])
        failure = f"{type(exc).__name__}: {exc}"
    else:
        failure = ""
    parts = []
    for anchor, title, build in SECTIONS:
        try:
            content = build(run)
        except Exception as exc:  # one unreadable section must not lose the others
            content = _note(f"this section could not be read: {_e(type(exc).__name__)}: {_e(exc)}")
        parts.append(f'<section id="{anchor}"><h2>{_e(title)}</h2>{content}</section>')
    toc = "".join(f'<li><a href="#{anchor}">{_e(title)}</a></li>' for anchor, title, _ in SECTIONS)
    title = f"llama-data run report: {run.report.get('recipe', PurePosixPath(output.rstrip('/')).name)}"
    head = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
    )
    warning = _note(f"the output folder could not be read: {_e(failure)}") if failure else ""
    return f"{head}<h1>{_e(title)}</h1>{warning}<nav><ol>{toc}</ol></nav>{''.join(parts)}</body></html>\n"


def write_report(output_dir: str) -> str:
    """Write `<output_dir>/report.html` (atomically) and return its path."""
    path = join(output_dir, REPORT_FILE)
    write_atomic(path, render_report(output_dir).encode("utf-8"))
    return path


def iter_figure_ids(page: str) -> Iterator[str]:
    """The ids of the page's plots, in order (tests and the browser check count them)."""
    yield from re.findall(r'<figure class="plot" id="([^"]+)"', page)


def main(args: Any, beam_args: list[str] | None = None) -> int:
    """`llama-data report OUT`: write OUT/report.html from what the run's stages wrote."""
    fs, resolved = filesystem(args.output)
    if not fs.isdir(resolved):
        raise UserError(f"{args.output} is not a run's output folder")
    print(f"report: {write_report(args.output)}")
    return 0
