"""GitHub ingest: BigQuery-export records and repository trees to code documents (pipeline/sources/github.py).

    ListFiles (export files, and repositories: folders, tarballs, zips) -> PlanSplits (a JSON-lines export in
    byte ranges, a Parquet export by row group, a repository whole) -> Reshuffle -> ReadGithubSplit
      export record -> licence (the record's `license` key) -> code_file    } -> documents, every skip and drop
      repository   -> licence (LICENSE/COPYING/README, licensee's matcher) -> code_file per file } counted by reason
Exact dedup of the files across the whole corpus is the next stage, `exact_dedup` (a shuffle on the content
hash), which `llama-data ingest github` runs too. Counters: `read` (records, or files of a repository), `kept`,
`skipped:<why>` (vendored, not_whitelisted, binary, generated, license_file, oversize_file, link, unsafe_path,
...), `dropped:<rule>` (license, no_license, max_line_length, avg_line_length, alnum_prop, alpha_per_token,
empty), `rejected:<reason>`; per repository `repositories`, `license:<key>` (the detected licence).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import apache_beam as beam
import pyarrow.parquet as pq

from beam_jobs.framework import StageRun
from beam_jobs.readers import read_ranges
from beam_jobs.stage import StageDoFn
from pipeline.config import GithubConfig
from pipeline.io import file_size, open_file
from pipeline.rejects import Reject, Skip
from pipeline.sources import jsonl
from pipeline.sources.github import (
    LICENSE_COUNTER,
    GithubRules,
    bigquery_record,
    input_layout,
    repository_documents,
    rules_from_config,
)

PARQUET_BATCH = 256  # rows of a Parquet export converted at a time


def plan_github(path: str, split_bytes: int) -> list[tuple[str, int, int]]:
    """A JSON-lines export in byte ranges, a Parquet export by row group, a repository tree whole."""
    layout = input_layout(path)
    if layout == "jsonl":
        return jsonl.plan_splits(path, split_bytes)
    if layout == "parquet":
        with open_file(path, "rb") as handle:
            groups = pq.ParquetFile(handle).num_row_groups
        return [(path, group, group + 1) for group in range(groups)]
    return [(path, 0, file_size(path))]


class ReadGithubSplit(StageDoFn):
    """One split of one input to code documents; every record or file is counted, and so is its outcome."""

    def __init__(self, namespace: str, progress_dir: str | None, config: GithubConfig):
        super().__init__(namespace, progress_dir)
        self.config = config
        self.rules: GithubRules | None = None

    def setup(self):
        super().setup()
        self.rules = rules_from_config(self.config)

    def handle(self, split: tuple[str, int, int]):
        path, start, end = split
        layout = input_layout(path)
        if layout == "jsonl":
            parse = partial(bigquery_record, rules=self.rules)
            outcomes = jsonl.read_lines(path, start, end, self.config.max_line_bytes, parse)
        elif layout == "parquet":
            outcomes = self._parquet(path, start)
        else:
            self.count("repositories")
            outcomes = repository_documents(path, self.rules)
        for outcome in outcomes:
            if isinstance(outcome, Skip) and outcome.reason.startswith(LICENSE_COUNTER):
                self.count(outcome.reason)  # the repository's licence, once per repository: not a file
                continue
            yield from self.emit_read(outcome, jsonl.FILE_REASONS)
        # A Parquet split is a row group (its range counts groups): the file's bytes go with the first one.
        self.read_bytes((file_size(path) if start == 0 else 0) if layout == "parquet" else end - start)

    def _parquet(self, path: str, group: int):
        """The rows of one row group, each through bigquery_record; the offset is the row's index in the file."""
        base = path.rstrip("/").rsplit("/", 1)[-1]
        with open_file(path, "rb") as handle:
            parquet = pq.ParquetFile(handle)
            offset = sum(parquet.metadata.row_group(g).num_rows for g in range(group))
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH, row_groups=[group]):
                for row in batch.to_pylist():
                    outcome = bigquery_record(row, base, offset, self.rules)
                    if isinstance(outcome, tuple):
                        outcome = Reject(path, None, outcome[0], outcome[1], f"row {offset}")
                    yield outcome
                    offset += 1

    def locate(self, split):
        return split[0], split[1], None


def read_github(pipeline: beam.Pipeline, run: StageRun, progress_dir: str | None) -> dict[str, Any]:
    config = run.recipe.github
    read = ReadGithubSplit(run.namespace, progress_dir, config)
    return read_ranges(pipeline, run, plan_github, config.split_bytes, read)


__all__ = ["plan_github", "read_github"]
