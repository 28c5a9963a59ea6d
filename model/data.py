"""Batches for the trainer: torch tensors around the mixture sampler over token shards.

The sampler is a pure function of (seed, sample index), so the loader keeps no state: the batch of optimizer
step s, micro step m on rank r is a fixed slice of sample indices counted from where the run (or its resume)
started, and resuming needs only the checkpoint's step and sample index. The sample index, not the step, is
the position: a resume under another process count (so another batch, when batch_tokens is unset) continues
at the recorded sample. Within one step the global batch is split rank-major per micro step, so ranks read
disjoint samples and the same global batch is seen whatever the number of processes (for a fixed batch_tokens).
"""

from __future__ import annotations

import torch

from tokenization.sampler import MixtureSampler, validation_windows
from tokenization.shards import TokenDataset


class MixtureBatches:
    """(inputs, targets) pairs of shape (micro_batch_size, seq_len) for one process."""

    def __init__(
        self,
        sampler: MixtureSampler,
        micro_batch_size: int,
        grad_accum: int,
        rank: int,
        world_size: int,
        device: torch.device,
        start_step: int = 0,
        start_sample: int = 0,
    ):
        self.sampler = sampler
        self.micro_batch_size = micro_batch_size
        self.grad_accum = grad_accum
        self.rank = rank
        self.world_size = world_size
        self.device = device
        self.samples_per_step = micro_batch_size * grad_accum * world_size
        self.start_step, self.start_sample = start_step, start_sample  # where this run (or resume) began

    def sample_index(self, step: int) -> int:
        """The first sample of optimizer step `step` (= the samples read before it, over all processes)."""
        return self.start_sample + (step - self.start_step) * self.samples_per_step

    def first_index(self, step: int, micro_step: int) -> int:
        """The sample index of the first row this process reads at (step, micro_step)."""
        return self.sample_index(step) + (micro_step * self.world_size + self.rank) * self.micro_batch_size

    def get(self, step: int, micro_step: int) -> tuple[torch.Tensor, torch.Tensor]:
        windows = self.sampler.batch(self.first_index(step, micro_step), self.micro_batch_size)  # (B, T + 1)
        return to_device(torch.from_numpy(windows), self.device)


def to_device(windows: torch.Tensor, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows (B, T + 1) -> inputs and next-token targets, each (B, T), on `device`."""
    if device.type == "cuda":
        # Pinned host memory lets the copy run asynchronously while the GPU is still busy.
        windows = windows.pin_memory().to(device, non_blocking=True)
    else:
        windows = windows.to(device)
    return windows[:, :-1], windows[:, 1:]


def validation_sets(dataset: TokenDataset, seq_len: int, max_windows: int) -> dict[str, torch.Tensor]:
    """Held-out windows (n, T + 1) per source with a validation split at least one window long."""
    sets = {}
    for source in dataset.sources("validation"):
        windows = validation_windows(dataset, source, seq_len, max_windows)
        if len(windows):
            sets[source] = torch.from_numpy(windows)
    return sets
