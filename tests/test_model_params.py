"""Parameter counting as formulas, against hand calculations from published configs.

Every expected number is worked out in the test from the config.json values (fixtures in
tests/data/configs hold the real config.json of the named Hugging Face repository) and compared
with the published size; none is pasted from the code's output.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from botec.core.sheet import Formula, Sheet
from botec.estimators import model_params as mp
from botec.estimators.model_params import ParamShape
from botec.modelspec import from_hf_config, get_model
from botec.stages.model_params import record_param_count

CONFIGS = Path(__file__).parent / "data" / "configs"


def _sheet_for(fixture: str, **kwargs: object) -> tuple[Sheet, float]:
    sheet = Sheet()
    value = record_param_count(sheet, from_hf_config(CONFIGS / f"{fixture}.json"), **kwargs)
    return sheet, value.value


# ---- the formulas on their own -------------------------------------------------------------


def test_formulas_evaluate_on_plain_numbers() -> None:
    # Llama 2 7B: hidden 4096, 32 heads of 128, SwiGLU MLP 11008 wide
    env = {"hidden_size": 4096, "heads": 32, "kv_heads": 32, "head_dim": 128}
    assert mp.ATTENTION_PROJECTIONS.parsed.evaluate(env) == 4 * 4096 * 4096
    assert mp.MLP.parsed.evaluate({"mlp_matrices": 3, "hidden_size": 4096, "ffn_size": 11008}) == (
        3 * 4096 * 11008
    )
    # GQA: 8 KV heads shrink K and V to an eighth of Q's width (Llama 2 70B)
    gqa = {"hidden_size": 8192, "heads": 64, "kv_heads": 8, "head_dim": 128}
    q_and_o, k_and_v = 2 * 8192 * 64 * 128, 2 * 8192 * 8 * 128
    assert mp.ATTENTION_PROJECTIONS.parsed.evaluate(gqa) == q_and_o + k_and_v
    assert mp.NORM.parsed.evaluate({"norm_vectors": 2, "hidden_size": 5120}) == 10240


def test_llama_2_7b_counts_to_its_published_total() -> None:
    # meta-llama/Llama-2-7b-hf config.json: vocab 32000, hidden 4096, 32 layers, 32 heads
    # (no GQA), intermediate 11008, untied output head. The Hub lists 6.74B parameters and the
    # safetensors total is 6,738,415,616.
    embedding = 32000 * 4096
    attention = 4096 * (32 + 2 * 32) * 128 + 32 * 128 * 4096  # Q, K, V, O
    mlp = 3 * 4096 * 11008  # gate, up, down
    norms = 2 * 4096  # RMSNorm before attention and before the MLP
    layer = attention + mlp + norms
    total = embedding + 32 * layer + 4096 + 32000 * 4096  # + final norm + output head
    assert total == 6_738_415_616
    spec = from_hf_config(CONFIGS / "llama-2-7b.json")
    assert (spec.params_total, spec.params_active) == (total, total)
    sheet, value = _sheet_for("llama-2-7b")
    assert value == total
    assert sheet["embedding_params"].value == embedding
    assert sheet["attention_projection_params"].value == attention
    assert sheet["mlp_params"].value == mlp
    assert sheet["layer_norm_params"].value == norms
    assert sheet["layer_params"].value == layer
    assert sheet["dense_stack_params"].value == 32 * layer
    assert sheet["lm_head_params"].value == 32000 * 4096
    assert sheet["params"].value == total


def test_the_sheet_shows_how_the_count_was_made() -> None:
    sheet, _ = _sheet_for("llama-2-7b")
    attention = sheet["attention_projection_params"]
    assert attention.formula_text() == (
        "hidden_size × (heads + 2 × kv_heads) × head_dim + heads × head_dim × hidden_size"
    )
    assert attention.substitution().startswith("4,096 dims × (32 heads + 2 × 32 heads)")
    total = sheet["params"]
    assert total.formula_text() == (
        "embedding_params + dense_stack_params + final_norm_params + lm_head_params"
    )
    assert total.unit == "params" and total.formatted() == "6.74B params"
    assert sheet["dense_stack_params"].formula_text() == "layers × layer_params"
    assert sheet["mlp_matrices"].value == 3  # gated SwiGLU
    assert "config.json" in sheet["hidden_size"].source


def test_gqa_llama_2_70b_by_hand() -> None:
    # meta-llama/Llama-2-70b-hf: hidden 8192, 80 layers, 64 heads, 8 KV heads, MLP 28672
    attention = 8192 * 64 * 128 * 2 + 8192 * 8 * 128 * 2
    layer = attention + 3 * 8192 * 28672 + 2 * 8192
    total = 80 * layer + 2 * 32000 * 8192 + 8192
    # The Hub's safetensors total, 68,976,653,312, also counts 80 rotary inv_freq buffers of 64
    assert total == 68_976_653_312 - 80 * 64
    sheet, value = _sheet_for("llama-2-70b")
    assert sheet["attention_projection_params"].value == attention
    assert value == total


def test_tied_embedding_has_no_output_head() -> None:
    # meta-llama/Llama-3.2-1B: tied embeddings, vocab 128256, hidden 2048, 16 layers,
    # 32 heads / 8 KV heads of 64, MLP 8192; model card: 1.23B parameters
    layer = 2048 * (32 + 2 * 8) * 64 + 32 * 64 * 2048 + 3 * 2048 * 8192 + 2 * 2048
    total = 128256 * 2048 + 16 * layer + 2048
    assert total == pytest.approx(1.23e9, rel=0.01)
    sheet, value = _sheet_for("llama-3.2-1b")
    assert value == total
    assert "lm_head_params" not in sheet


def test_plain_mlp_biases_and_learned_positions_opt_13b() -> None:
    # facebook/opt-13b: hidden 5120, 40 layers, 40 heads, ReLU MLP 20480, vocab 50272,
    # learned positions 2048 + 2 (OPT's offset), LayerNorm with bias, biases everywhere, tied
    h = 5120
    attention = 4 * h * h + 3 * h + h  # Q, K, V, O weights; Q, K, V biases; O bias
    mlp = 2 * h * 20480 + 20480 + h  # up and down, with their biases
    layer = attention + mlp + 2 * (2 * h)
    total = 50272 * h + 2050 * h + 40 * layer + 2 * h
    assert total == pytest.approx(13e9, rel=0.02)  # OPT paper Table 1: 13B
    sheet, value = _sheet_for("opt-13b")
    assert value == total
    assert sheet["mlp_matrices"].value == 2 and sheet["norm_vectors"].value == 2
    assert sheet["position_params"].value == 2050 * h
    assert sheet["qkv_bias_params"].value == 3 * h and sheet["o_bias_params"].value == h


def test_gpt_j_one_norm_per_layer_and_a_biased_head() -> None:
    # EleutherAI/gpt-j-6B: hidden 4096, 28 layers, 16 heads, MLP 4 x 4096, vocab 50400,
    # parallel attention and MLP behind one LayerNorm, unbiased attention, untied head with bias
    h = 4096
    layer = 4 * h * h + 2 * h * 4 * h + 4 * h + h + 2 * h
    total = 50400 * h + 28 * layer + 2 * h + 50400 * h + 50400
    assert total == pytest.approx(6_053_381_344, rel=1e-3)  # GPT-J model card
    _, value = _sheet_for("gpt-j-6b")
    assert value == total


def test_mixtral_total_and_active_by_hand() -> None:
    # mistralai/Mixtral-8x7B-v0.1: 32 layers, hidden 4096, 32 heads / 8 KV heads of 128,
    # 8 experts of width 14336, 2 per token, vocab 32000, untied
    attention = 4096 * (32 + 2 * 8) * 128 + 32 * 128 * 4096
    shared = attention + 2 * 4096 + 4096 * 8  # + norms + router
    expert = 3 * 4096 * 14336
    outside = 2 * 32000 * 4096 + 4096
    total = outside + 32 * (shared + 8 * expert)
    active = outside + 32 * (shared + 2 * expert)
    assert total == pytest.approx(46.7e9, rel=0.01)  # Mixtral paper
    assert active == pytest.approx(12.9e9, rel=0.01)
    sheet = Sheet()
    spec = from_hf_config(CONFIGS / "mixtral-8x7b.json")
    assert record_param_count(sheet, spec).value == total
    # the active count reuses the steps the total recorded
    used = record_param_count(sheet, spec, active=True)
    assert (used.name, used.value) == ("active_params", active)
    assert sheet["expert_params"].value == expert
    assert sheet["routed_expert_params"].value == 8 * expert
    assert sheet["routed_active_params"].value == 2 * expert
    assert "layer_params" not in sheet  # every layer is an MoE layer


def test_deepseek_v3_mla_shared_expert_and_dense_layers_by_hand() -> None:
    # deepseek-ai/DeepSeek-V3: hidden 7168, 128 heads, q_lora_rank 1536, kv_lora_rank 512,
    # qk_nope 128, qk_rope 64, v_head 128; 61 layers, the first 3 dense (MLP 18432), then
    # 256 routed experts of 2048 (8 per token), 1 shared expert of 2048, router bias; vocab
    # 129280, untied. Paper: 671B total, 37B activated (without the MTP module).
    h = 7168
    query = h * 1536 + 1536 + 1536 * 128 * (128 + 64)
    kv = h * (512 + 64) + 512 + 512 * 128 * (128 + 128)
    attention = query + kv + 128 * 128 * h
    norms = 2 * h
    dense = attention + norms + 3 * h * 18432
    shared = attention + norms + h * 256 + 256 + 3 * h * 2048
    expert = 3 * h * 2048
    outside = 2 * 129280 * h + h
    total = outside + 3 * dense + 58 * (shared + 256 * expert)
    active = outside + 3 * dense + 58 * (shared + 8 * expert)
    assert total == pytest.approx(671e9, rel=0.01)
    assert active == pytest.approx(37e9, rel=0.02)
    sheet, value = _sheet_for("deepseek-v3")
    assert value == total
    assert sheet["mla_query_params"].value == query
    assert sheet["mla_kv_params"].value == kv
    assert sheet["attention_params"].value == attention
    assert sheet["dense_layers"].value == 3
    assert sheet["moe_shared_params"].value == shared
    assert record_param_count(
        sheet, from_hf_config(CONFIGS / "deepseek-v3.json"), active=True
    ).value == (active)


def test_qwen3_query_key_norms() -> None:
    # Qwen/Qwen3-235B-A22B: hidden 4096, 64 heads / 4 KV heads of 128 (head_dim from the config,
    # so the attention is 8192 wide), plus a 128-wide RMSNorm on queries and one on keys
    attention = 4096 * (64 + 2 * 4) * 128 + 64 * 128 * 4096 + 2 * 128
    sheet, _ = _sheet_for("qwen3-235b-a22b")
    assert sheet["qk_norm_params"].value == 2 * 128
    assert sheet["attention_params"].value == attention


def test_bloom_norm_after_the_embedding() -> None:
    # bigscience/bloom: LayerNorm (weight + bias) right after the word embedding
    sheet, value = _sheet_for("bloom-176b")
    assert sheet["embedding_norm_params"].value == 2 * 14336
    assert value == pytest.approx(176_247e6, rel=0.001)  # BLOOM paper: 176,247M


# ---- one plan, two evaluations -------------------------------------------------------------


@pytest.mark.parametrize("fixture", sorted(p.stem for p in CONFIGS.glob("*.json")))
def test_sheet_and_plain_numbers_evaluate_the_same_formulas(fixture: str) -> None:
    spec = from_hf_config(CONFIGS / f"{fixture}.json")
    assert spec.architecture is not None
    plan = mp.param_plan(spec.architecture)
    sheet = Sheet()
    total = record_param_count(sheet, spec)
    active = record_param_count(sheet, spec, active=True)
    assert (total.value, active.value) == (spec.params_total, spec.params_active)
    named = {v for v in vars(mp).values() if isinstance(v, Formula)}
    for name, step in plan.steps.items():
        assert step.formula in named or step.formula.expr == " + ".join(
            src for _, src in step.args
        ), name  # a module-level formula, or a sum of earlier steps
        recorded = sheet.steps.get(name) or sheet.steps.get(
            {plan.total: "params", plan.active: "active_params"}.get(name, "")
        )
        if recorded is not None:
            assert recorded.formula is step.formula, name


def test_count_params_without_a_sheet() -> None:
    # a two-layer toy: vocab 10, hidden 4, 2 heads of 2 (1 KV head), gated MLP 6 wide
    shape = ParamShape(
        layers=2, hidden_size=4, heads=2, kv_heads=1, head_dim=2, ffn_size=6, vocab_size=10
    )
    layer = 4 * (2 + 2 * 1) * 2 + 2 * 2 * 4 + 3 * 4 * 6 + 2 * 4
    assert mp.count_params(shape) == (10 * 4 + 2 * layer + 4 + 10 * 4,) * 2
    tied = replace(shape, tied=True, gated=False)
    plain_layer = layer - 4 * 6
    assert mp.count_params(tied)[0] == 10 * 4 + 2 * plain_layer + 4


# ---- recording on a sheet ------------------------------------------------------------------


def test_a_catalog_model_records_its_stated_count_with_the_source() -> None:
    spec = get_model("llama-2-7b")
    sheet = Sheet()
    value = record_param_count(sheet, spec)
    assert (value.name, value.kind, value.value) == ("params", "input", 6_738_415_616)
    assert value.source == f"{spec.name}: {spec.source}"
    assert list(sheet.steps) == []
    moe = get_model("mixtral-8x7b")
    active = record_param_count(sheet, moe, active=True, prefix="serving_")
    assert (active.name, active.value) == ("serving_active_params", moe.params_active)
    assert active.title.startswith("Active parameters per token")
    # a dense model's active count is its total
    assert record_param_count(Sheet(), spec, active=True).name == "params"


def test_prefix_keeps_two_models_apart() -> None:
    sheet = Sheet()
    small = record_param_count(sheet, from_hf_config(CONFIGS / "llama-3.2-1b.json"))
    big = record_param_count(
        sheet, from_hf_config(CONFIGS / "llama-2-7b.json"), prefix="training_", name="params"
    )
    assert (small.name, big.name) == ("params", "training_params")
    assert sheet["hidden_size"].value == 2048 and sheet["training_hidden_size"].value == 4096
    assert big.value == 6_738_415_616
    with pytest.raises(ValueError, match="recorded twice"):
        record_param_count(sheet, from_hf_config(CONFIGS / "llama-2-7b.json"), name="other")


def test_a_changed_count_falls_back_to_the_stated_number() -> None:
    spec = from_hf_config(CONFIGS / "llama-2-7b.json")
    edited = replace(spec, params_total=7_000_000_000, params_active=7_000_000_000)
    sheet = Sheet()
    value = record_param_count(sheet, edited)
    assert (value.kind, value.value) == ("input", 7e9)
