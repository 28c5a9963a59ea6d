"""The run report (pipeline/report.py) over small fake run folders: what each section shows, escaping, links,
partial and corrupt runs, the ablation table, and byte-identical re-runs."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import report
from pipeline.document import Document
from pipeline.io import write_documents, write_json, write_jsonl
from pipeline.manifest import StageManifest, write_manifest

RECORDED = "/somewhere/else/run"  # where the fake run "ran": the report must relocate these paths
HOSTILE = "<script>alert('x')</script> & <b>bold</b>"

FULL_FIGURES = {
    "plot-funnel",
    "plot-drops",
    "plot-language",
    "plot-perplexity-commoncrawl",
    "plot-classifier-commoncrawl",
    "plot-dedup-yield",
    "plot-minhash-clusters",
    "plot-tokens",
    "plot-mixture",
    "plot-loss",
    "plot-val-loss",
}


def _doc(source: str, i: int, **fields) -> Document:
    text = fields.pop("text", f"document {i} of {source}\nsecond line\nthird line\nfourth line")
    return Document(
        id=f"{source}-{i:04d}", source=source, text=text, url=f"https://example.test/{i}", **fields
    )


def _stage(
    out: Path,
    folder: str,
    stage: str,
    source: str,
    docs: list[Document] | None,
    documents_in: int,
    counts: dict[str, int],
    inputs: list[str] = (),
    extra: dict | None = None,
    rejects: list[dict] | None = None,
) -> dict:
    """One stage folder: parts, rejects, manifest (its inputs recorded under RECORDED, as a moved run)."""
    directory = out / folder
    directory.mkdir(parents=True, exist_ok=True)
    outputs = []
    if docs is not None:
        stats = write_documents(str(directory / "part-00000-of-00001.parquet"), docs)
        outputs.append({"file": stats.file, "rows": stats.rows, "bytes": stats.bytes, "sha256": stats.sha256})
    if rejects:
        (directory / "_rejects").mkdir()
        stats = write_jsonl(str(directory / "_rejects" / "part-00000-of-00001.jsonl"), rejects)
        outputs.append({"file": f"_rejects/{stats.file}", "rows": stats.rows})
    manifest = StageManifest(
        stage=stage,
        source=source,
        inputs=[{"path": f"{RECORDED}/{p}", "manifest_sha256": "0" * 64} for p in inputs],
        config_hash="c",
        code_version="v",
        documents_in=documents_in,
        documents_out=len(docs or []),
        characters_in=documents_in * 40,
        characters_out=sum(len(d.text) for d in docs or []),
        counts=counts,
        outputs=outputs,
        rejects=len(rejects or []),
        extra=extra or {},
    )
    write_manifest(str(directory), manifest)
    entry = {
        k: getattr(manifest, k) for k in ("documents_in", "documents_out", "characters_in", "characters_out")
    }
    return {
        **entry,
        "ran": True,
        "directory": f"{RECORDED}/{folder}",
        "counts": counts,
        "rejects": manifest.rejects,
    }


def make_fake_run(out: Path, config: str | None = None) -> Path:
    """A whole small run: commoncrawl through ingest, langid, quality, classify, minhash and filter (which
    drops a document whose text is hostile HTML), books through ingest and minhash, then tokenize, mix, train."""
    stages: dict[str, dict] = {}
    languages = ["en"] * 8 + ["de"] * 3 + ["fr"]
    cc = [
        _doc(
            "commoncrawl",
            i,
            language=languages[i],
            perplexity=100.0 + 10 * i,
            bucket=["head", "middle", "tail"][i % 3],
        )
        for i in range(12)
    ]
    cc[5] = replace(cc[5], text=HOSTILE + "\nmore text")
    reject = {
        "source_file": "/data/crawl-0.warc.gz",
        "offset": 12,
        "reason": "corrupt_gzip",
        "detail": "bad <header> & stuff",
        "record_id": "record 3",
    }
    stages["ingest/commoncrawl"] = _stage(
        out,
        "ingest/commoncrawl",
        "ingest",
        "commoncrawl",
        [replace(d, language=None, perplexity=None, bucket=None) for d in cc],
        20,
        {"read": 20, "kept": 12, "skipped:request": 7, "rejected:corrupt_gzip": 1},
        rejects=[reject],
    )
    stages["langid/commoncrawl"] = _stage(
        out,
        "langid/commoncrawl",
        "langid",
        "commoncrawl",
        [replace(d, perplexity=None, bucket=None) for d in cc],
        12,
        {"read": 12, "kept": 12},
        ["ingest/commoncrawl"],
    )
    cutoffs = {
        "en": {"cutoffs": [120.0, 150.0], "documents": 8, "from": "data"},
        "de": {"cutoffs": [180.0, 195.0], "documents": 3, "from": "data"},
    }
    stages["quality/commoncrawl"] = _stage(
        out,
        "quality/commoncrawl",
        "quality",
        "commoncrawl",
        cc,
        12,
        {"read": 12, "kept": 12, "bucket:head": 4, "bucket:middle": 4, "bucket:tail": 4, "scored:en": 8},
        ["langid/commoncrawl", "quality_models"],
        {"cutoffs": cutoffs},
    )
    classified = [replace(d, signals={"wiki_ref_prob": (i % 10) / 10}) for i, d in enumerate(cc)]
    stages["classify/commoncrawl"] = _stage(
        out,
        "classify/commoncrawl",
        "classify",
        "commoncrawl",
        classified,
        12,
        {"read": 12, "kept": 12},
        ["quality/commoncrawl", "classifier"],
    )
    minhashed = classified[:10]
    stages["minhash/commoncrawl"] = _stage(
        out,
        "minhash/commoncrawl",
        "minhash",
        "commoncrawl",
        minhashed,
        12,
        {"read": 12, "kept": 10, "duplicate": 2, "clusters": 2},
        ["classify/commoncrawl"],
        {"threshold": 0.8, "bands": 16, "rows": 8},
    )
    clusters = out / "minhash/commoncrawl/clusters"
    clusters.mkdir()
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [
        {
            "id": "commoncrawl-0000",
            "cluster": "a",
            "kept": True,
            "reference": False,
            "size": 2,
            "jaccard_to_kept": 1.0,
        },
        {
            "id": "commoncrawl-0010",
            "cluster": "a",
            "kept": False,
            "reference": False,
            "size": 2,
            "jaccard_to_kept": 0.9,
        },
        {
            "id": "commoncrawl-0001",
            "cluster": "b",
            "kept": True,
            "reference": False,
            "size": 3,
            "jaccard_to_kept": 1.0,
        },
        {
            "id": "commoncrawl-0011",
            "cluster": "b",
            "kept": False,
            "reference": False,
            "size": 3,
            "jaccard_to_kept": 0.8,
        },
        {
            "id": "commoncrawl-0002",
            "cluster": "b",
            "kept": False,
            "reference": False,
            "size": 3,
            "jaccard_to_kept": 0.8,
        },
    ]
    pq.write_table(pa.Table.from_pylist(rows), str(clusters / "part-00000-of-00001.parquet"))
    kept = [d for d in minhashed if d.bucket != "tail" and d.id != "commoncrawl-0005"]
    stages["filter/commoncrawl"] = _stage(
        out,
        "filter/commoncrawl",
        "filter",
        "commoncrawl",
        kept,
        10,
        {
            "read": 10,
            "kept": len(kept),
            "dropped:bucket_tail": 3,
            "dropped:wiki_ref_prob": 10 - len(kept) - 3,
        },
        ["minhash/commoncrawl"],
    )
    books = [_doc("books", i, language="en") for i in range(3)]
    stages["ingest/books"] = _stage(out, "ingest/books", "ingest", "books", books, 3, {"read": 3, "kept": 3})
    stages["minhash/books"] = _stage(
        out,
        "minhash/books",
        "minhash",
        "books",
        books[:2],
        3,
        {"read": 3, "kept": 2, "duplicate": 1},
        ["ingest/books"],
    )
    held_out = {"documents": {"threshold": 0.3, "positives": 2, "negatives": 3, "kept": 2, "precision": 0.5}}
    stages["train_classifier"] = _stage(
        out,
        "classifier",
        "train_classifier",
        "all",
        None,
        12,
        {"read": 12},
        extra={"classifier": {"status": "trained", "positives": 4, "held_out": held_out}},
    )
    tokens = {"books": {"train": 3000, "validation": 300}, "commoncrawl": {"train": 9000, "validation": 900}}
    stages["tokenize"] = _stage(
        out, "tokens", "tokenize", "all", None, 8, {"tokens": 13200}, extra={"tokens_by_source": tokens}
    )
    stages["tokenize"]["tokens_by_source"] = tokens
    plan = {
        "max_epochs": 100.0,
        "token_budget": 20000,
        "warnings": ["arxiv: weight 5% but <no> tokens"],
        "rows": [
            {
                "source": "arxiv",
                "available_tokens": 0,
                "configured": 0.05,
                "weight": 0.0,
                "target_tokens": 0,
                "epochs": None,
            },
            {
                "source": "books",
                "available_tokens": 3000,
                "configured": 0.25,
                "weight": 0.26,
                "target_tokens": 5200,
                "epochs": 1.7,
            },
            {
                "source": "commoncrawl",
                "available_tokens": 9000,
                "configured": 0.7,
                "weight": 0.74,
                "target_tokens": 14800,
                "epochs": 1.6,
            },
        ],
    }
    stages["mix"] = _stage(out, "mix", "mix", "all", None, 0, {}, extra={"plan": "the plan as text"})
    write_json(str(out / "mix" / "plan.json"), plan)
    stages["mix"]["file"] = f"{RECORDED}/mix/plan.json"
    summary = {
        "log": "train_log.jsonl",
        "steps": 20,
        "checkpoint": "checkpoints/step-00000020",
        "val_loss_before": {"books": 7.0, "commoncrawl": 7.1},
        "val_loss_after": {"books": 5.0, "commoncrawl": 4.5},
    }
    stages["train"] = _stage(out, "train/run-abc", "train", "all", None, 0, {}, extra={"summary": summary})
    (out / "train" / "LATEST").write_text("run-abc\n")
    log = [{"step": 0, "val_loss": {"books": 7.0, "commoncrawl": 7.1}}]
    log += [{"step": s, "loss": 7.0 - s / 10, "lr": 1e-3, "tokens": s * 100} for s in range(2, 21, 2)]
    log += [{"step": 10, "val_loss": {"books": 6.0, "commoncrawl": 5.5}}]
    log += [{"step": 20, "val_loss": {"books": 5.0, "commoncrawl": 4.5}}]
    lines = [json.dumps(row) for row in log] + ["{not json"]
    (out / "train" / "run-abc" / "train_log.jsonl").write_text("\n".join(lines) + "\n")
    stages["train"].update(summary, log=f"{RECORDED}/train/run-abc/train_log.jsonl")
    write_json(
        str(out / "_RUN_REPORT.json"),
        {"recipe": "fake", "config": config, "output": RECORDED, "stages": stages},
    )
    return out


def _page(out: Path) -> str:
    path = report.write_report(str(out))
    assert path == str(out / "report.html")
    return Path(path).read_text(encoding="utf-8")


def _section(page: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">(.*?)</section>', page, re.S)
    assert match, anchor
    return match.group(1)


@pytest.fixture
def fake_run(tmp_path: Path) -> Path:
    return make_fake_run(tmp_path / "run")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One fake run and its page, shared by the tests that only read it (drawing takes a second or two)."""
    out = make_fake_run(tmp_path_factory.mktemp("shared") / "run")
    return out, _page(out)


def test_every_section_and_plot(rendered: tuple[Path, str]) -> None:
    page = rendered[1]
    assert page.startswith("<!DOCTYPE html>")
    for anchor, _, _ in report.SECTIONS:
        assert f'<section id="{anchor}">' in page
        assert f'<a href="#{anchor}">' in page  # the table of contents
    assert set(report.iter_figure_ids(page)) == FULL_FIGURES
    assert "could not" not in page
    assert "not run: no ablation" in page
    for figure in re.findall(r'<figure class="plot".*?</figure>', page, re.S):
        assert "<svg" in figure  # every plot is drawn, inline


def test_funnel_counts_drops_and_order(rendered: tuple[Path, str]) -> None:
    funnel = _section(rendered[1], "funnel")
    commoncrawl = funnel[funnel.index('id="funnel-commoncrawl"') :]
    stages = re.findall(r"<tr><td>(\w+)</td>", commoncrawl.split("</table>")[0])
    # the pipeline's order, from the manifests' inputs (the run report's keys are sorted)
    assert stages == ["ingest", "langid", "quality", "classify", "minhash", "filter"]
    assert "dropped:bucket_tail: 3" in commoncrawl
    assert "rejected:corrupt_gzip: 1" in commoncrawl
    assert 'id="funnel-all"' in funnel


def test_rejects_are_linked_and_escaped(rendered: tuple[Path, str]) -> None:
    fake_run, page = rendered
    link = "ingest/commoncrawl/_rejects/part-00000-of-00001.jsonl"
    assert f'href="{link}"' in page
    assert (fake_run / link).is_file()  # relative to report.html, which sits in the output folder
    rejects = _section(page, "rejects")
    assert "corrupt_gzip" in rejects and "record 3" in rejects
    assert "bad &lt;header&gt; &amp; stuff" in rejects


def test_document_text_is_escaped(rendered: tuple[Path, str]) -> None:
    page = rendered[1]
    assert "<script" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;no&gt; tokens" in page  # the plan's warnings come from data too


def test_samples_show_kept_and_dropped(rendered: tuple[Path, str]) -> None:
    samples = _section(rendered[1], "samples")
    block = re.search(
        r'<details class="samples" id="samples-filter-commoncrawl" open>(.*?)</details>', samples, re.S
    )
    assert block, "the filter dropped documents: its block is open"
    kept, dropped = block.group(1).split("<h4>dropped")
    assert "commoncrawl-0000" in kept
    assert "commoncrawl-0002" in dropped  # a tail-bucket document the filter dropped
    assert "second line" in kept and "fourth line" not in kept  # first lines only
    minhash = re.search(r'id="samples-minhash-books"(.*?)</details>', samples, re.S).group(1)
    assert "books-0002" in minhash.split("<h4>dropped")[1]
    assert 'id="samples-langid-commoncrawl">' in samples  # nothing dropped: closed


def test_dropped_sample_skipped_when_the_input_is_large(
    fake_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "MAX_SAMPLE_IDS", 2)
    samples = _section(_page(fake_run), "samples")
    assert "no dropped sample is drawn" in samples
    assert "<h4>dropped" not in samples


def test_perplexity_classifier_mixture_training(rendered: tuple[Path, str]) -> None:
    page = rendered[1]
    perplexity = _section(page, "perplexity")
    assert "120, 150" in perplexity and "180, 195" in perplexity  # the cutoffs, per language
    classifier = _section(page, "classifier")
    assert "threshold 0.3" in classifier and "held-out evaluation" in classifier
    tokens = _section(page, "tokens")
    assert "9,000" in tokens and "missing" in tokens and "74.00%" in tokens
    training = _section(page, "training")
    assert "4.5000" in training and "checkpoints/step-00000020" in training
    language = _section(page, "language")
    assert "en 66.7%" in language


def test_threshold_comes_from_the_recipe(tmp_path: Path) -> None:
    config = tmp_path / "recipe.yaml"
    config.write_text(
        'name: t\nsources:\n  commoncrawl:\n    input: ["x/*"]\nfilter:\n  min_wiki_ref_prob: 0.4\n'
    )
    classifier = _section(_page(make_fake_run(tmp_path / "run", str(config))), "classifier")
    assert "threshold 0.4" in classifier and "filter.min_wiki_ref_prob" in classifier


def test_same_run_same_bytes(fake_run: Path) -> None:
    first = _page(fake_run)
    second = _page(fake_run)
    assert first == second
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert len(ids) == len(set(ids)), "two elements share an id (two SVGs' clip paths?)"


def test_self_contained(rendered: tuple[Path, str]) -> None:
    page = rendered[1]
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert not re.search(r"url\((?!#)", page), "only references inside the page (SVG clip paths)"
    assert "@import" not in page and "<link" not in page
    assert all(src.startswith("data:") for src in re.findall(r'\bsrc="([^"]*)"', page))


def test_empty_folder_gives_a_page(tmp_path: Path) -> None:
    page = _page(tmp_path)
    assert list(report.iter_figure_ids(page)) == []
    assert page.count("not run:") >= 8
    assert "could not" not in page


def test_ingest_only_run(tmp_path: Path) -> None:
    """A run that stopped after ingest (no report file, no training): the page says what did not run."""
    _stage(
        tmp_path,
        "ingest/c4",
        "ingest",
        "c4",
        [_doc("c4", 0)],
        2,
        {"read": 2, "kept": 1, "rejected:bad_json": 1},
    )
    page = _page(tmp_path)
    assert set(report.iter_figure_ids(page)) == {"plot-funnel", "plot-drops"}
    for what in ("no quality stage", "no train stage", "no tokenize stage", "no langid stage"):
        assert f"not run: {what}" in page


def test_corrupt_files_do_not_lose_the_page(fake_run: Path) -> None:
    (fake_run / "quality/commoncrawl/part-00000-of-00001.parquet").write_bytes(b"not parquet")
    (fake_run / "langid/commoncrawl/_MANIFEST.json").write_text("{broken")
    (fake_run / "mix/plan.json").write_text("[1, 2")
    page = _page(fake_run)
    assert "could not be read" in _section(page, "perplexity")
    samples = _section(page, "samples")
    assert 'quality/commoncrawl</h4><p class="note">its samples could not be read' in samples
    assert 'id="samples-filter-commoncrawl" open>' in samples  # the other stages' samples are still there
    assert "the plan as text" in _section(page, "tokens")  # the plan's text, from its manifest
    assert "plot-funnel" in set(report.iter_figure_ids(page))


def test_ablation_table_and_drawn_plot(fake_run: Path) -> None:
    runs = [
        {
            "name": "baseline",
            "mixture": {"books": 0.3, "commoncrawl": 0.7},
            "val_loss": {"books": 5.0, "commoncrawl": 4.5},
            "val_loss_before": {"books": 7.0},
            "steps": 20,
            "tokens": 4000,
            "log": "baseline/train_log.jsonl",
        },
        {
            "name": "<no-books>",
            "mixture": {"commoncrawl": 1.0},
            "val_loss": {"commoncrawl": 4.2},
            "log": "../x",
        },
        {"val_loss": "garbage"},
    ]
    write_json(str(fake_run / "ablation" / "ablation.json"), {"runs": runs, "budget": 4000, "preset": "tiny"})
    ablation = _section(_page(fake_run), "ablation")
    assert 'id="plot-ablation"' in ablation and "<svg" in ablation
    assert "&lt;no-books&gt;" in ablation and "(from 7.0000)" in ablation
    assert 'href="ablation/baseline/train_log.jsonl"' in ablation
    assert 'href="ablation/../x"' not in ablation  # a path out of the folder is shown, not linked
    assert "preset: tiny" in ablation


def test_ablation_png_is_embedded(fake_run: Path) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.subplots().plot([0, 1], [1, 0])
    (fake_run / "ablation").mkdir()
    figure.savefig(fake_run / "ablation" / "ablation.png", format="png")
    write_json(str(fake_run / "ablation" / "ablation.json"), {"runs": []})
    ablation = _section(_page(fake_run), "ablation")
    assert re.search(
        r'<figure class="plot" id="plot-ablation"><img [^>]*src="data:image/png;base64,', ablation
    )
    assert "lists no runs" in ablation
