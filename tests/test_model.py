"""The LLaMA-1 model: Hugging Face logits parity, preset dimensions and sizes, the KV cache."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from model_fixtures import TINY, random_model

from model.checkpoint import export_hf, hf_config, to_hf_state_dict, unpermute_rotary
from model.config import PRESETS, model_args_for
from model.flops import flops_per_token, non_embedding_params
from model.generate import generate, sample_next
from model.model import RMSNorm, Transformer, count_parameters
from pipeline.errors import ConfigError

transformers = pytest.importorskip("transformers")


def _hf_logits(directory, tokens: torch.Tensor) -> torch.Tensor:
    hf = transformers.LlamaForCausalLM.from_pretrained(
        directory, attn_implementation="eager", dtype=torch.float32
    )
    with torch.no_grad():
        return hf.eval()(tokens).logits


def test_logits_match_hugging_face_through_our_exporter(tmp_path):
    model = random_model()
    export_hf(model.state_dict(), TINY, tmp_path)
    tokens = torch.randint(0, TINY.vocab_size, (2, 48), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ours, _ = model(tokens)
    theirs = _hf_logits(tmp_path, tokens)
    assert (ours - theirs).abs().max().item() <= 1e-4


def test_exporting_without_the_rope_permutation_breaks_parity(tmp_path):
    model = random_model()
    state = to_hf_state_dict(model.state_dict(), TINY)
    for name in state:  # undo the permutation: the weights as a converter that forgot it would write them
        if name.endswith(("q_proj.weight", "k_proj.weight")):
            state[name] = unpermute_rotary(state[name], TINY.n_heads)
    hf = transformers.LlamaForCausalLM(
        transformers.LlamaConfig(**hf_config(TINY), attn_implementation="eager")
    )
    hf.load_state_dict(state, strict=True)
    tokens = torch.randint(0, TINY.vocab_size, (2, 48), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        ours, _ = model(tokens)
        theirs = hf.eval()(tokens).logits
    assert (ours - theirs).abs().max().item() > 1e-2


@pytest.mark.parametrize(
    ("preset", "hidden"), [("7B", 11008), ("13B", 13824), ("33B", 17920), ("65B", 22016)]
)
def test_swiglu_hidden_sizes(preset, hidden):
    assert PRESETS[preset].hidden_dim == hidden


@pytest.mark.parametrize(("preset", "billions"), [("7B", 6.7), ("13B", 13.0), ("33B", 32.5), ("65B", 65.2)])
def test_preset_parameter_counts_on_the_meta_device(preset, billions):
    with torch.device("meta"):
        model = Transformer(PRESETS[preset])
    assert all(p.device.type == "meta" for p in model.parameters())  # nothing allocated
    assert abs(count_parameters(model) / 1e9 - billions) / billions < 0.01
    assert count_parameters(model, non_embedding=True) == non_embedding_params(PRESETS[preset])


def test_paper_presets_norm_eps_and_vocabulary():
    assert [PRESETS[p].norm_eps for p in ("7B", "13B", "33B", "65B")] == [1e-6, 1e-6, 1e-6, 1e-5]
    assert all(PRESETS[p].vocab_size == 32000 for p in ("7B", "13B", "33B", "65B"))
    assert model_args_for("tiny", vocab_size=1000).vocab_size == 1000
    with pytest.raises(ConfigError, match="train.preset: 7B has the paper's 32000"):
        model_args_for("7B", vocab_size=1000)


def test_flops_per_token_is_torchtitans_formula():
    args = PRESETS["7B"]
    expected = 6 * non_embedding_params(args) + 12 * 32 * 32 * 128 * 2048
    assert flops_per_token(args, 2048) == expected


def test_rmsnorm_computes_in_fp32_under_bf16_input():
    norm = RMSNorm(64, eps=1e-6)
    x = torch.randn(2, 3, 64) * 100
    reference = x / x.pow(2).mean(-1, keepdim=True).add(1e-6).sqrt()
    out = norm(x.bfloat16())
    assert out.dtype == torch.float32  # bf16 normalised, times the fp32 gain
    assert torch.allclose(out, reference, atol=2e-2)


def test_kv_cache_decoding_matches_the_full_forward():
    model = random_model()
    tokens = torch.randint(0, TINY.vocab_size, (1, 20), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        full, _ = model(tokens)
        model.setup_cache(batch_size=1, max_seq_len=20)
        prefill, _ = model(tokens[:, :12], start_pos=0)
        steps = [model(tokens[:, i : i + 1], start_pos=i)[0] for i in range(12, 20)]
        chunk, _ = model(tokens[:, 15:20], start_pos=15)  # a multi-token chunk after the cache: explicit mask
        model.clear_cache()
    assert torch.allclose(prefill, full[:, :12], atol=1e-5)
    assert torch.allclose(torch.cat(steps, dim=1), full[:, 12:], atol=1e-5)
    assert torch.allclose(chunk, full[:, 15:20], atol=1e-5)


def test_greedy_generation_is_the_argmax_continuation():
    model = random_model()
    prompt = [1, 5, 9, 17]
    new = generate(model, prompt, max_new_tokens=6, temperature=0.0)
    sequence = list(prompt)
    with torch.no_grad():
        for _ in range(6):
            logits, _ = model(torch.tensor([sequence]))
            sequence.append(int(logits[0, -1].argmax()))
    assert new == sequence[len(prompt) :]


def test_top_p_keeps_only_the_nucleus():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    generator = torch.Generator().manual_seed(0)
    draws = {sample_next(logits, 1.0, 0.7, generator) for _ in range(200)}
    assert draws == {0, 1}  # 0.5 + 0.3 reaches 0.7; tokens 2 and 3 are cut


def test_model_args_validation_names_the_key():
    with pytest.raises(ConfigError, match="model.dim"):
        Transformer(dataclasses.replace(TINY, n_heads=5))


def test_activation_checkpointing_gives_the_same_gradients():
    model = random_model()
    model.train()
    tokens = torch.randint(0, TINY.vocab_size, (2, 33), generator=torch.Generator().manual_seed(2))
    grads = []
    for checkpointing in (False, True):
        model.activation_checkpointing = checkpointing
        model.zero_grad()
        model(tokens[:, :-1], tokens[:, 1:])[1].backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(*grads, strict=True))


def test_bf16_autocast_keeps_fp32_logits_and_a_close_loss():
    model = random_model()
    tokens = torch.randint(0, TINY.vocab_size, (2, 33), generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        _, reference = model(tokens[:, :-1], tokens[:, 1:])
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits, loss = model(tokens[:, :-1], tokens[:, 1:])
    assert logits.dtype == torch.float32  # the head's output is upcast before the softmax
    assert abs(loss.item() - reference.item()) < 0.05
