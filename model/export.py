"""`llama-data export`: a checkpoint in Hugging Face's layout (for transformers and lm-evaluation-harness) or
Meta's (for facebookresearch/llama's code).

Any checkpoint load_model reads is accepted: a train stage or run folder (its LATEST pointers are followed), a
sharded checkpoint, a single-file checkpoint.pt, or a Meta or HF folder (converting one layout to the other).
A sharded checkpoint is read one tensor at a time, so exporting a 65B model needs one output file's worth of
memory, not the model's. The tokenizer goes with the weights: the one the checkpoint records (verified by its
sha256), or --tokenizer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from model.checkpoint import (
    export_hf,
    export_meta,
    find_tokenizer,
    local_checkpoint,
    open_checkpoint,
)
from pipeline.errors import UserError

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def main(args: Any, beam_args: list[str]) -> int:
    folder = export_checkpoint(args.checkpoint, args.format, args.output, args.dtype, args.tokenizer)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    size = sum(p.stat().st_size for p in files)
    print(f"exported {args.format} layout to {folder}: {len(files)} files, {size / 1e6:,.1f} MB")
    if args.format == "hf":
        print(
            f"evaluate with: lm_eval --model hf --model_args pretrained={folder},dtype={args.dtype} "
            "--tasks hellaswag,arc_easy --batch_size 8"
        )
    return 0


def export_checkpoint(
    checkpoint: str, layout: str, output: str, dtype: str = "float32", tokenizer: str | None = None
) -> Path:
    """Write `checkpoint` to `output` in `layout` (hf or meta); returns the folder."""
    if layout not in ("hf", "meta"):
        raise UserError(f"--format: expected hf or meta, got {layout!r}")
    if dtype not in DTYPES:
        raise UserError(f"--dtype: expected one of {', '.join(DTYPES)}, got {dtype!r}")
    target = Path(output)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"--output {output}: exists and is not an empty folder; choose another")
    path = local_checkpoint(checkpoint)
    args, source, info = open_checkpoint(path)
    tokenizer_path = find_tokenizer(path, info, tokenizer)
    if tokenizer_path is None:
        print(
            f"note: {checkpoint} names no tokenizer that exists here; the export has none (pass --tokenizer)"
        )
    bos_id = info.get("bos_id") if info.get("bos_id") is not None else 1
    eos_id = info.get("eos_id") if info.get("eos_id") is not None else 2
    if layout == "hf":
        return export_hf(source, args, target, bos_id, eos_id, DTYPES[dtype], tokenizer=tokenizer_path)
    return export_meta(source, args, target, DTYPES[dtype], tokenizer=tokenizer_path)
