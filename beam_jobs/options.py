"""Beam pipeline options: every option passes through to the runner; the default is a local DirectRunner."""

from __future__ import annotations

import argparse
import os

from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.errors import UserError

LOCAL_RUNNERS = ("DirectRunner", "direct", "FnApiRunner", "SwitchingDirectRunner")


def _all_option_classes() -> list[type]:
    seen: list[type] = []
    stack = [PipelineOptions]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


def check_beam_args(beam_args: list[str]) -> None:
    """Refuse options that no Beam runner knows, with one clear line (Beam itself only logs and drops them)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    for cls in _all_option_classes():
        try:
            cls._add_argparse_args(parser)
        except argparse.ArgumentError:
            continue  # two option classes declare the same flag: one is enough here
    _, unknown = parser.parse_known_args(beam_args)
    flags = [arg.split("=", 1)[0] for arg in unknown if arg.startswith("--")]
    if flags:
        raise UserError(f"unknown option {flags[0]} (not a llama-data or Apache Beam pipeline option)")
    if unknown:
        raise UserError(f"unexpected argument {unknown[0]!r}")


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    """Options for one job: the user's flags as given, with the local default filled in when no runner is named.

    Default (and for `--runner=DirectRunner`): Beam's FnApiRunner, the DirectRunner's batch engine, in
    multi-processing mode on all cores.
    """
    check_beam_args(beam_args)
    args = [a for a in beam_args if not (a.startswith("--runner=") and a.split("=", 1)[1] in LOCAL_RUNNERS)]
    named = {a.split("=", 1)[0] for a in args if a.startswith("--")}
    runner = _value_of(args, "--runner")
    if runner in LOCAL_RUNNERS:  # `--runner DirectRunner` (two words)
        index = args.index("--runner")
        del args[index : index + 2]
        runner = None
    if runner is None:
        # Beam's DirectRunner first tries to download and start Prism from GitHub: the FnApiRunner it falls
        # back to for batch pipelines is named directly, so no run ever reaches the network.
        args.append("--runner=FnApiRunner")
    if "--default_sdk_harness_log_level" not in named:
        args.append("--default_sdk_harness_log_level=ERROR")  # workers' INFO chatter buries the counts table
    if runner is None:
        if "--direct_running_mode" not in named:
            args.append("--direct_running_mode=multi_processing")
        if "--direct_num_workers" not in named:
            args.append(f"--direct_num_workers={os.cpu_count() or 1}")
    return PipelineOptions(args)


def _value_of(args: list[str], flag: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def runs_locally(options: PipelineOptions) -> bool:
    """Whether the workers share this machine (DirectRunner, or a portable runner's LOOPBACK workers), so they
    can report progress through a local folder."""
    all_options = options.get_all_options()
    return str(all_options.get("runner") or "FnApiRunner") in LOCAL_RUNNERS
