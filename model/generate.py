"""Sample text from a checkpoint (ours, Meta's or Hugging Face's layout): `llama-data generate`.
The checkpoint and tokenizer may be fsspec URLs: they are copied to the local cache first.

Temperature and nucleus (top-p) sampling, with a KV cache: the prompt runs through the model once (prefill),
then each new token is a forward pass over that one token against the cached keys and values.
"""

from __future__ import annotations

from typing import Any

import torch

from model.checkpoint import find_tokenizer, load_model, local_checkpoint
from model.model import Transformer
from pipeline.errors import UserError


@torch.no_grad()
def generate(
    model: Transformer,
    prompt: list[int],
    max_new_tokens: int,
    temperature: float = 0.8,
    top_p: float = 0.95,
    eos_id: int | None = None,
    generator: torch.Generator | None = None,
) -> list[int]:
    """The prompt's continuation (new token ids only); stops early at eos_id. temperature 0 is greedy."""
    if not prompt:
        raise UserError("the prompt is empty (it needs at least the bos token)")
    device = next(model.parameters()).device
    total = len(prompt) + max_new_tokens
    model.setup_cache(batch_size=1, max_seq_len=total)
    try:
        tokens = torch.tensor([prompt], dtype=torch.long, device=device)  # (1, P)
        logits, _ = model(tokens, start_pos=0)  # prefill: (1, P, vocab)
        position = len(prompt)
        new_tokens: list[int] = []
        for _ in range(max_new_tokens):
            next_token = sample_next(logits[0, -1], temperature, top_p, generator)
            if next_token == eos_id:
                break
            new_tokens.append(next_token)
            logits, _ = model(
                torch.tensor([[next_token]], device=device), start_pos=position
            )  # (1, 1, vocab)
            position += 1
        return new_tokens
    finally:
        model.clear_cache()


def sample_next(
    logits: torch.Tensor, temperature: float, top_p: float, generator: torch.Generator | None
) -> int:
    """One token from logits (vocab,): the smallest set of most likely tokens whose probability reaches top_p,
    renormalised (Holtzman et al. 2020), after dividing the logits by the temperature."""
    if temperature <= 0:
        return int(logits.argmax())
    probs = torch.softmax(logits.float() / temperature, dim=-1)
    sorted_probs, order = probs.sort(descending=True)
    # Keep a token if the mass before it is below top_p; the most likely token is always kept.
    keep = sorted_probs.cumsum(-1) - sorted_probs < top_p
    sorted_probs = sorted_probs * keep
    choice = torch.multinomial(sorted_probs / sorted_probs.sum(), 1, generator=generator)
    return int(order[choice])


def main(args: Any, beam_args: list[str]) -> int:
    """`llama-data generate`: print the prompt and its sampled continuation."""
    import sentencepiece as spm

    if args.max_new_tokens < 1:
        raise UserError(f"--max-new-tokens must be at least 1, got {args.max_new_tokens}")
    if not 0 < args.top_p <= 1:
        raise UserError(f"--top-p must be in (0, 1], got {args.top_p}")
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    checkpoint = local_checkpoint(args.checkpoint)
    model, info = load_model(checkpoint, device)
    tokenizer_path = find_tokenizer(checkpoint, info, args.tokenizer)
    if tokenizer_path is None:
        raise UserError("no tokenizer found (the checkpoint names none); pass --tokenizer MODEL")
    sp = spm.SentencePieceProcessor(model_file=str(tokenizer_path))
    if sp.vocab_size() != model.args.vocab_size:
        raise UserError(f"{tokenizer_path}: {sp.vocab_size()} tokens, the model has {model.args.vocab_size}")
    bos_id = info.get("bos_id") if info.get("bos_id") is not None else sp.bos_id()
    eos_id = info.get("eos_id") if info.get("eos_id") is not None else sp.eos_id()
    prompt = [bos_id, *sp.encode(args.prompt)]
    generator = torch.Generator(device=device).manual_seed(args.seed)
    new_tokens = generate(model, prompt, args.max_new_tokens, args.temperature, args.top_p, eos_id, generator)
    print(args.prompt + _continuation(sp, prompt[1:], new_tokens))
    return 0


def _continuation(sp: Any, prompt: list[int], new_tokens: list[int]) -> str:
    """Decode prompt + new tokens together and strip the prompt's text, so the join keeps its spacing
    (SentencePiece marks a word's leading space on the word's own piece)."""
    full, head = sp.decode(prompt + new_tokens), sp.decode(prompt)
    return full[len(head) :] if full.startswith(head) else " " + sp.decode(new_tokens)
