"""Per-GPU training memory: ZeRO paper Figure 1, Korthikanti et al. 2022 activations, LoRA/QLoRA
counts, and the smallest layout that fits. GB here is 10⁹ bytes, as in the ZeRO paper."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet
from botec.estimators import memory
from botec.estimators import training_memory as tm
from botec.modelspec import get_model

GB = 1e9


# ---- model states: ZeRO paper (Rajbhandari et al. SC'20, arXiv 1910.02054), Figure 1 -----------
# Ψ = 7.5e9 params, Nd = 64, K = 12, mixed precision (2 B weights + 2 B grads + 12 B optimizer):
#   baseline  (2 + 2 + 12)·Ψ          = 16 · 7.5e9              = 120e9 B    -> 120 GB
#   P_os      2Ψ + 2Ψ + 12Ψ/64        = 15e9 + 15e9 + 1.40625e9 = 31.41e9 B  -> 31.4 GB
#   P_os+g    2Ψ + (2 + 12)Ψ/64       = 15e9 + 1.640625e9       = 16.64e9 B  -> 16.6 GB
#   P_os+g+p  (2 + 2 + 12)Ψ/64        = 120e9 / 64              = 1.875e9 B  -> 1.9 GB (printed)
ZERO_FIGURE_1 = [(0, 120e9, "120"), (1, 31.40625e9, "31.4"), (2, 16.640625e9, "16.6")]
ZERO_FIGURE_1 += [(3, 1.875e9, "1.88")]


def _states_sheet(stage: int | str, params: float = 7.5e9, dp: int = 64) -> Sheet:
    sheet = Sheet()
    tm.model_states(
        sheet,
        sheet.input("params", params, "params"),
        "mixed-adam",
        stage,
        sheet.input("data_parallel", dp, "GPUs"),
        sheet.input("tensor_parallel", 1, "GPUs"),
        sheet.input("pipeline_parallel", 1, "GPUs"),
    )
    return sheet


@pytest.mark.parametrize(("stage", "exact", "printed"), ZERO_FIGURE_1)
def test_zero_paper_figure_1(stage: int, exact: float, printed: str) -> None:
    sheet = _states_sheet(stage)
    total = sheet.value("model_state_bytes_per_gpu")
    assert total == pytest.approx(exact, rel=1e-12)
    assert f"{total / GB:.3g}" == printed
    if stage == 3:
        assert f"{total / GB:.2g}" == "1.9"  # the paper prints 1.9 GB


def test_zero_sheet_shows_the_sharding_in_the_formula() -> None:
    sheet = _states_sheet(1)
    step = sheet.steps["optimizer_bytes_per_gpu"]
    assert "data_parallel^optimizer_sharded" in step.formula_text()
    assert sheet.value("optimizer_sharded") == 1 and sheet.value("weights_sharded") == 0
    assert sheet.value("optimizer_bytes_per_param") == 12


def test_conventions_bytes_per_param() -> None:
    totals = {k: c.bytes_per_param for k, c in tm.CONVENTIONS.items()}
    assert totals == {
        "fp32-adam": 16,  # 4 + 4 + 8
        "mixed-adam": 16,  # 2 + 2 + 12 (ZeRO K = 12)
        "mixed-adam-fp32-grads": 18,  # 2 + 4 + 4 + 8 (seed 002)
        "adam-8bit": 10,  # 2 + 2 + 2 + 4
        "sgd-momentum": 12,  # 4 + 4 + 4
    }
    # The same two conventions memory.py uses for the single-GPU breakdown.
    seed, zero = memory.CONVENTIONS["seed-18"], memory.CONVENTIONS["zero-16"]
    assert 2 + seed.gradient_bytes_per_param + seed.optimizer_bytes_per_param == 18
    assert 2 + zero.gradient_bytes_per_param + zero.optimizer_bytes_per_param == 16
    assert all(c.source for c in tm.CONVENTIONS.values())


def test_fsdp_strategies_are_zero_stages() -> None:
    assert tm.sharding_flags("fsdp-full-shard") == tm.sharding_flags(3)
    assert tm.sharding_flags("fsdp-shard-grad-op") == tm.sharding_flags(2)
    assert tm.sharding_flags("fsdp-no-shard") == tm.sharding_flags(0)


def test_tensor_and_pipeline_parallel_split_every_state() -> None:
    whole = tm.model_state_bytes(70e9, "mixed-adam", 0)
    split = tm.model_state_bytes(70e9, "mixed-adam", 0, tensor_parallel=8, pipeline_parallel=4)
    assert whole["total_bytes"] == 16 * 70e9
    assert split["total_bytes"] == pytest.approx(16 * 70e9 / 32)


@settings(max_examples=60, deadline=None)
@given(
    params=st.floats(1e6, 2e12),
    d1=st.integers(1, 1024),
    d2=st.integers(1, 1024),
    convention=st.sampled_from(sorted(tm.CONVENTIONS)),
)
def test_more_gpus_or_a_higher_stage_never_adds_memory(
    params: float, d1: int, d2: int, convention: str
) -> None:
    small, large = sorted((d1, d2))
    previous = math.inf
    for stage in range(4):
        fewer = tm.model_state_bytes(params, convention, stage, small)["total_bytes"]
        more = tm.model_state_bytes(params, convention, stage, large)["total_bytes"]
        assert more <= fewer * (1 + 1e-12)
        assert fewer <= previous * (1 + 1e-12)
        previous = fewer


# ---- activations: Korthikanti et al. 2022 (arXiv 2205.05198), Table 2 --------------------------
# GPT-3 175B shape: h = 12,288, a = 96, L = 96, s = 2,048, b = 1, 16-bit activations.
S, B, H, A, LAYERS = 2048, 1, 12288, 96, 96
SBH = S * B * H  # 25,165,824
SCORES = 5 * A * S / H  # 5·96·2048/12288 = 80


@pytest.mark.parametrize(
    ("recompute", "sp", "t", "per_layer"),
    [
        ("none", False, 1, SBH * (34 + 80)),  # sbh(34 + 5as/h) = 2,868,903,936 B
        ("none", False, 8, SBH * (10 + 24 / 8 + 80 / 8)),  # sbh(10 + 24/t + 5as/(ht)) = 23·sbh
        ("none", True, 8, SBH * (34 / 8 + 80 / 8)),  # sbh(34/t + 5as/(ht)) = 14.25·sbh
        ("selective", False, 8, SBH * (10 + 24 / 8)),  # sbh(10 + 24/t) = 13·sbh
        ("selective", True, 8, SBH * 34 / 8),  # 34sbh/t = 4.25·sbh
        ("full", False, 8, 2 * SBH),  # the layer input only
        ("full", True, 8, 2 * SBH / 8),  # sequence-sharded between layers
    ],
)
def test_activations_gpt3_shape(recompute: str, sp: bool, t: int, per_layer: float) -> None:
    one = tm.activation_bytes(S, B, H, A, 1, t, recompute=recompute, sequence_parallel=sp)
    assert one == pytest.approx(per_layer, rel=1e-12)
    every = tm.activation_bytes(S, B, H, A, LAYERS, t, recompute=recompute, sequence_parallel=sp)
    assert every == pytest.approx(LAYERS * per_layer, rel=1e-12)


def test_activations_famous_form_and_sheet() -> None:
    assert SBH * (34 + SCORES) == 2_868_903_936  # ≈ 2.87 GB per layer, 275 GB for 96 layers
    sheet = Sheet()
    shape = {
        "seq_len": sheet.input("seq_len", S, "tokens"),
        "micro_batch": sheet.input("micro_batch", B, "sequences"),
        "hidden_size": sheet.input("hidden_size", H, "dims"),
        "heads": sheet.input("heads", A, "heads"),
        "layers": sheet.input("layers", LAYERS, "layers"),
        "tensor_parallel": sheet.input("tensor_parallel", 8, "GPUs"),
        "pipeline_parallel": sheet.input("pipeline_parallel", 8, "GPUs"),
        "micro_batches": sheet.input("micro_batches", 64, "micro-batches"),
    }
    total = tm.activations(sheet, shape, "selective", sequence_parallel=True)
    assert sheet.value("activation_bytes_per_layer") == SBH * 34 / 8
    # 1F1B: the first of 8 stages holds 96/8 layers for min(8, 64) micro-batches = 96 layers.
    assert total.value == pytest.approx(96 * SBH * 34 / 8)


def test_pipeline_with_fewer_micro_batches_than_stages() -> None:
    # p = 8 stages, m = 2 micro-batches in flight: the first stage holds 12 layers × 2.
    got = tm.activation_bytes(S, B, H, A, LAYERS, 1, 8, micro_batches=2, recompute="full")
    assert got == pytest.approx(2 * SBH * 12 * 2)


@settings(max_examples=80, deadline=None)
@given(
    s=st.integers(1, 131072),
    b=st.integers(1, 64),
    heads=st.integers(1, 128),
    head_dim=st.sampled_from([64, 80, 128, 256]),
    t=st.sampled_from([1, 2, 4, 8]),
    sp=st.booleans(),
)
def test_recomputation_order(s: int, b: int, heads: int, head_dim: int, t: int, sp: bool) -> None:
    def acts(mode: str, seq_par: bool = sp) -> float:
        return tm.activation_bytes(s, b, heads * head_dim, heads, 1, t, 1, 1, mode, seq_par)

    assert acts("full") < acts("selective") < acts("none")
    for mode in tm.RECOMPUTE:
        assert acts(mode, True) <= acts(mode, False)


# ---- LoRA / QLoRA -------------------------------------------------------------------------------


def test_lora_llama2_7b_rank_8_on_q_v() -> None:
    # 32 layers × 2 matrices × r 8 × (4,096 + 4,096) = 4,194,304: PEFT's "trainable params".
    assert tm.lora_param_count(get_model("Llama-2-7b"), 8, ("q", "v")) == 4_194_304
    assert 32 * 2 * 8 * (4096 + 4096) == 4_194_304


def test_lora_llama2_7b_all_linear() -> None:
    # q, k, v, o: 4 × (4,096 + 4,096); gate, up, down: 3 × (4,096 + 11,008) -> 78,080 per layer.
    assert tm.lora_dims_per_layer(get_model("Llama-2-7b"), tm.LORA_TARGETS) == 78_080
    assert tm.lora_param_count(get_model("Llama-2-7b"), 8, tm.LORA_TARGETS) == 32 * 8 * 78_080


def test_lora_gqa_projections_are_narrower() -> None:
    # Llama 2 70B: 8 KV heads × 128 = 1,024 wide k and v; q is 8,192 wide.
    spec = get_model("Llama-2-70b")
    assert tm.lora_dims_per_layer(spec, ("q", "v")) == (8192 + 8192) + (8192 + 1024)


def test_qlora_memory_on_a_sheet() -> None:
    spec = get_model("Llama-2-7b")
    sheet = Sheet()
    result = tm.lora_memory(
        sheet,
        sheet.input("params", spec.params_total, "params"),
        sheet.input("layers", spec.layers, "layers"),
        sheet.input("lora_rank", 8, "rank"),
        sheet.input("lora_dims_per_layer", tm.lora_dims_per_layer(spec, ("q", "v")), "dims/layer"),
        "nf4",
        sheet.input("activation_bytes_per_gpu", 0, "B"),
    )
    # NF4 + double quantization: 4 + 8/64 + 32/(64·256) = 4.126953125 bits/param.
    assert round(tm.BASE_WEIGHT_BITS["nf4"], 3) == 4.127
    frozen = 6_738_415_616 * 4.126953125 / 8  # ≈ 3.48 GB
    adapters = 4_194_304 * 16  # mixed-adam: 67,108,864 B
    assert result.adapter_params.value == 4_194_304
    assert result.frozen_weights.value == pytest.approx(frozen)
    assert result.adapter_states.value == adapters
    assert result.total.value == pytest.approx(frozen + adapters)


def test_lora_bad_input() -> None:
    with pytest.raises(BotecInputError) as targets:
        tm.lora_dims_per_layer(get_model("Llama-2-7b"), ("q", "qkv"))
    with pytest.raises(BotecInputError) as rank:
        tm.lora_param_count(get_model("Llama-2-7b"), 0)
    with pytest.raises(BotecInputError) as base:
        sheet = Sheet()
        one = sheet.input("one", 1, "x")
        tm.lora_memory(sheet, one, one, one, one, "nf3", one)
    with pytest.raises(BotecInputError) as mla:
        tm.lora_dims_per_layer(get_model("deepseek-v3"))
    fields = [e.value.field for e in (targets, rank, base, mla)]
    assert fields == ["lora.targets", "lora.rank", "lora.base_format", "model.attention"]


# ---- the smallest layout ------------------------------------------------------------------------


def test_7b_without_zero_needs_two_gpus() -> None:
    # 16 B/param × 7e9 = 112e9 B > 0.9 × 80e9 = 72e9 B: not on one GPU; split 2 ways: 56e9 B.
    layout = tm.smallest_layout(7e9, 80e9, sharding=0)
    assert layout is not None
    assert layout.gpus == 2 and layout.data_parallel == 1
    assert (layout.tensor_parallel, layout.pipeline_parallel) == (2, 1)  # TP before PP
    assert layout.total_bytes == pytest.approx(56e9)
    assert layout.usable_bytes == pytest.approx(72e9)
    assert tm.smallest_layout(7e9, 80e9, sharding=0, max_gpus=1) is None


def test_7b_with_zero3_prefers_data_parallel() -> None:
    # ZeRO-3 over Nd = 2: 112e9 / 2 = 56e9 B < 72e9 B. Same GPU count as TP = 2, so DP wins.
    layout = tm.smallest_layout(7e9, 80e9, sharding=3)
    assert layout is not None
    assert (layout.tensor_parallel, layout.pipeline_parallel, layout.data_parallel) == (1, 1, 2)
    assert layout.total_bytes == pytest.approx(56e9)
    # ZeRO-3 traffic: (N−1)/N × Ψ × (2 B grads reduce-scatter + 2 × 2 B weight all-gathers)
    # = 1/2 × 7e9 × 6 = 21e9 B, 1.5× the 2 × 2 B all-reduce of plain data parallelism.
    assert layout.dp_comm_bytes_per_step == pytest.approx(21e9)


def test_70b_with_zero3_needs_16_gpus() -> None:
    # ⌈16 × 70e9 / 72e9⌉ = ⌈15.6⌉ = 16 GPUs for the model states alone.
    layout = tm.smallest_layout(70e9, 80e9, sharding=3)
    assert layout is not None
    assert layout.gpus == math.ceil(16 * 70e9 / 72e9) == 16
    assert layout.data_parallel == 16
    assert layout.notes  # no model shape: activations not counted


def test_llama2_70b_layout_with_activations_and_traffic() -> None:
    spec = get_model("Llama-2-70b")
    layout = tm.smallest_layout(None, 80e9, model=spec, sharding=1, seq_len=4096)
    assert layout is not None
    assert layout.total_bytes <= layout.usable_bytes
    parts = layout.weights_bytes + layout.gradients_bytes + layout.optimizer_bytes
    assert layout.total_bytes == pytest.approx(parts + layout.activations_bytes)
    t, d = layout.tensor_parallel, layout.data_parallel
    assert (t, layout.pipeline_parallel, d) == (8, 1, 4)
    # Selective recompute + SP, t = 8: 34·s·b·h/t per layer × 80 layers.
    assert layout.activations_bytes == pytest.approx(80 * 34 * 4096 * 8192 / 8)
    # TP: 4 all-reduces × 80 layers × 1 micro-batch × 2·7/8 × (4,096 × 8,192 × 2 B) = 37.58e9 B.
    assert layout.tp_comm_bytes_per_step == pytest.approx(4 * 80 * 2 * 7 / 8 * 4096 * 8192 * 2)
    assert layout.pp_comm_bytes_per_step == 0
    # ZeRO-1: reduce-scatter 2 B grads + all-gather 2 B weights, (4−1)/4 of this GPU's slice.
    assert layout.dp_comm_bytes_per_step == pytest.approx(3 / 4 * spec.params_total / 8 * 4)


def test_pipeline_traffic() -> None:
    spec = get_model("Llama-2-7b")  # fits on 2 GPUs without ZeRO; force PP with 1 GPU per node
    layout = tm.smallest_layout(None, 80e9, model=spec, gpus_per_node=1)
    assert layout is not None
    assert (layout.tensor_parallel, layout.pipeline_parallel) == (1, 2)
    # 2 micro-batches (= PP) × (forward activations + backward gradients) × 2,048 × 4,096 × 2 B.
    assert layout.pp_comm_bytes_per_step == pytest.approx(2 * 2 * 2048 * 4096 * 2)
    assert layout.tp_comm_bytes_per_step == 0


@settings(max_examples=40, deadline=None)
@given(
    params=st.floats(1e8, 3e11),
    memory_gb=st.sampled_from([24, 40, 80, 141]),
    stage=st.integers(0, 3),
    max_gpus=st.integers(1, 64),
)
def test_layout_is_the_smallest_that_fits(
    params: float, memory_gb: int, stage: int, max_gpus: int
) -> None:
    layout = tm.smallest_layout(params, memory_gb * GB, sharding=stage, max_gpus=max_gpus)
    usable = 0.9 * memory_gb * GB

    def fits(t: int, p: int, d: int) -> bool:
        return tm.model_state_bytes(params, "mixed-adam", stage, d, t, p)["total_bytes"] <= usable

    layouts = [
        (t * p * d, t, p, d)
        for t in (1, 2, 4, 8)
        for p in (1, 2, 4, 8, 16, 32, 64)
        for d in range(1, max_gpus + 1)
        if t * p * d <= max_gpus
    ]
    fitting = [g for g, t, p, d in layouts if fits(t, p, d)]
    if layout is None:
        assert not fitting
    else:
        assert layout.total_bytes <= usable
        assert layout.gpus == layout.tensor_parallel * layout.pipeline_parallel * (
            layout.data_parallel
        )
        assert layout.gpus == min(fitting) <= max_gpus


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"params": -7e9}, "training.params"),
        ({"params": float("nan")}, "training.params"),
        ({"params": None}, "training.params"),
        ({"gpu_memory_bytes": 0}, "gpu.memory"),
        ({"usable_memory_fraction": 1.5}, "gpu.usable_memory_fraction"),
        ({"sharding": 5}, "training.sharding"),
        ({"convention": "adafactor"}, "training.convention"),
        ({"recompute": "partial"}, "training.recompute"),
        ({"max_gpus": 0}, "training.max_gpus"),
        ({"seq_len": 1.5}, "training.seq_len"),
        ({"micro_batches": 0}, "training.micro_batches"),
    ],
)
def test_layout_bad_input(kwargs: dict, field: str) -> None:
    args = {"params": 7e9, "gpu_memory_bytes": 80e9} | kwargs
    with pytest.raises(BotecInputError) as error:
        tm.smallest_layout(args.pop("params"), args.pop("gpu_memory_bytes"), **args)
    assert error.value.field == field


def test_formulas_vectorise() -> None:
    # Monte Carlo reuses the definitions: arrays in, arrays out, equal element by element.
    dp = np.array([1.0, 8.0, 64.0])
    env = {"params": 7.5e9, "data_parallel": dp, "tensor_parallel": 1, "pipeline_parallel": 1}
    env |= {"optimizer_bytes_per_param": 12, "optimizer_sharded": 1}
    got = tm.OPTIMIZER_BYTES_PER_GPU.parsed.evaluate(env)
    assert np.allclose(got, 12 * 7.5e9 / dp)


def test_split_for_gpus_prefers_data_parallelism_until_memory_forces_tp() -> None:
    from botec.estimators.training_memory import split_for_gpus

    shape = {"layers": 40, "hidden_size": 5120, "heads": 40, "seq_len": 4096}
    # 13B on 256 GPUs, ZeRO-1, selective recomputation, TP 1: model states
    # 13e9 × (2 + 2 + 12/256) = 52.6 GB plus activations 4,096 × 5,120 × 34 × 40 = 28.5 GB
    # = 81.1 GB > 72 GB usable; TP 2 halves the states' weights/grads and the activations.
    assert 13e9 * (4 + 12 / 256) + 4096 * 5120 * 34 * 40 > 72e9
    assert split_for_gpus(256, 13e9, shape, 72e9) == (2, 1, 128)
    # with 200 GB usable, TP 1 fits: all 256 GPUs are data parallel
    assert split_for_gpus(256, 13e9, shape, 200e9) == (1, 1, 256)
