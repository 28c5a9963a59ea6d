"""Run under torchrun (or alone) by test_train_distributed.py: the trainer's model build, measured.

python tests/fsdp_worker.py init OUT.pt     the initial weights (gathered) of the trainer's build
python tests/fsdp_worker.py memory OUT.json  peak RSS of building the `1b` preset and one training step
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.config import TrainConfig, model_args_for  # noqa: E402
from model.train import build_model, configure_optimizer, setup_distributed  # noqa: E402

SEED = 1234


def main(mode: str, out: str) -> None:
    world, device = setup_distributed("cpu")
    cfg = TrainConfig(parallel="fsdp")
    if mode == "init":
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

        args = model_args_for("tiny", vocab_size=130)  # 130 rows: shards of uneven size on 2 ranks
        model = build_model(args, cfg, world, device, SEED)
        state = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
        if world.is_main:
            torch.save(state, out)
    else:
        args = model_args_for("1b", vocab_size=1024)
        model = build_model(args, cfg, world, device, SEED)
        optimizer = configure_optimizer(model, cfg, device)
        tokens = torch.randint(3, args.vocab_size, (1, 17), generator=torch.Generator().manual_seed(0))
        _, loss = model(tokens[:, :-1], tokens[:, 1:])
        loss.backward()
        optimizer.step()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
        peaks: list = [None] * world.world_size
        if world.world_size > 1:
            dist.all_gather_object(peaks, peak)
        else:
            peaks = [peak]
        if world.is_main:
            Path(out).write_text(json.dumps({"processes": world.world_size, "peak_rss_bytes": peaks}))
    if world.owns_group:
        dist.destroy_process_group()


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main(sys.argv[1], sys.argv[2])
