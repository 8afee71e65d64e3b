"""Attention data parallelism for a mixture of experts (``serving.attention_dp``): each GPU runs
attention for its own requests with a whole copy of the shared weights, the routed experts are
split over the GPUs, and every MoE layer all-gathers the batch's hidden states and
reduce-scatters the experts' outputs (TensorRT-LLM's ``enable_attention_dp``). Expected numbers
are worked by hand below from the model's published shape (Qwen/Qwen3-235B-A22B config.json:
94 layers, hidden 4,096, 4 KV heads of 128 dims, 128 experts, 8 per token) and the NVLink
all-reduce cost the catalog cites (nccl-tests on 8 x H200: a 30 us floor and 400 GB/s)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import botec
from botec.core.errors import BotecInputError
from botec.run import run_scenario
from botec.scenario import scenario_from_dict

QWEN = {
    "model": "qwen3-235b-a22b",
    "gpu": "h200",
    "precision": "fp8",
    "engine": "tensorrt-llm",
    "input_tokens": 128,
    "output_tokens": 2048,
}
LAYERS, HIDDEN, KV_HEADS, HEAD_DIM, EXPERTS, TOP_K = 94, 4096, 4, 128, 128, 8
LINK_LATENCY_S, LINK_BANDWIDTH = 30e-6, 400e9


def _sheet(**serving):
    return run_scenario(scenario_from_dict({"serving": {**QWEN, **serving}}), samples=0)


def _split(sheet):
    """(shared, routed expert) parameters from the total and active counts, by hand: a token
    skips (1 − k/E) of the routed experts, and that share is total − active."""
    total, active = float(sheet["params"]), float(sheet["active_params"])
    experts = (total - active) / (1 - TOP_K / EXPERTS)
    return total - experts, experts


def test_the_group_holds_the_shared_weights_once_per_gpu_and_the_experts_once():
    sheet = _sheet(tensor_parallel=8, attention_dp=True)
    shared, experts = _split(sheet)
    assert float(sheet["weights_held"]) == pytest.approx((8 * shared + experts) * 1.0)
    # Qwen3's shared part (attention, embeddings, router) is about 8B of the 235B
    assert 6e9 < shared < 10e9


def test_the_kv_cache_is_not_copied_and_the_batch_follows_the_held_weights():
    tp = _sheet(tensor_parallel=8)
    adp = _sheet(tensor_parallel=8, attention_dp=True)
    assert "kv_cache_per_token_replicated" in tp.steps  # TP 8 > 4 KV heads: 2 copies
    assert "kv_cache_per_token_replicated" not in adp.steps
    kv = 2 * LAYERS * KV_HEADS * HEAD_DIM * 1.0  # FP8 KV cache beside FP8 weights
    mean_context = 128 + 2048 / 2
    budget = 0.9 * (
        8 * (float(adp["gpu_memory"]) - float(adp["workspace_per_gpu"]))
        - float(adp["weights_held"])
    )
    assert float(adp["max_batch"]) == math.floor(budget / (kv * mean_context))


def test_a_decode_step_all_gathers_and_reduce_scatters_the_batch_in_every_layer():
    sheet = _sheet(tensor_parallel=8, attention_dp=True, batch=256)
    message = 256 * HIDDEN * 2  # one token per sequence, BF16 hidden states
    per_collective = LINK_LATENCY_S + 7 / 8 * message / LINK_BANDWIDTH
    assert float(sheet["batch_decode_sync_time"]) == pytest.approx(2 * LAYERS * per_collective)


def test_every_gpu_reads_its_own_shared_weights_each_step():
    sheet = _sheet(tensor_parallel=8, attention_dp=True, batch=64)
    shared, experts = _split(sheet)
    touched = 1 - (1 - TOP_K / EXPERTS) ** 64
    expected = 8 * shared + experts * touched
    assert float(sheet["batch_weights_read_per_step"]) == pytest.approx(expected)


def test_on_one_gpu_it_changes_nothing():
    plain = _sheet(tensor_parallel=1, precision="fp4", gpu="b200", output_tokens=128)
    adp = _sheet(tensor_parallel=1, precision="fp4", gpu="b200", output_tokens=128,
                 attention_dp=True)  # fmt: skip
    assert float(adp["output_throughput_per_gpu"]) == float(plain["output_throughput_per_gpu"])
    assert any("changes nothing" in n.text for n in adp.notes)


@pytest.mark.parametrize(
    ("serving", "field", "words"),
    [
        ({"model": "llama-3.1-8b", "precision": "fp16"}, "serving.attention_dp", "dense"),
        ({"model": "mixtral-8x7b", "engine": "llama.cpp", "gpu": "h100-sxm", "precision": "fp16"},
         "serving.attention_dp", "by layers"),
        ({"tensor_parallel": 3}, "serving.tensor_parallel", "128 routed experts"),
    ],
)  # fmt: skip
def test_layouts_it_cannot_describe_are_refused_by_name(serving, field, words):
    with pytest.raises(BotecInputError) as caught:
        _sheet(**{"tensor_parallel": 2, "attention_dp": True, **serving})
    assert caught.value.field == field and words in caught.value.allowed


def test_the_switch_takes_true_or_false_only():
    with pytest.raises(BotecInputError) as caught:
        _sheet(tensor_parallel=8, attention_dp="yes")
    assert "attention_dp" in caught.value.field


def test_the_seed_estimate_refuses_it():
    with pytest.raises(BotecInputError) as caught:
        botec.infer(params="7B", attention_dp=True, samples=0)
    assert "attention_dp" in caught.value.field


@settings(max_examples=15, deadline=None)
@given(batch=st.integers(1, 4096), tp=st.sampled_from([2, 4, 8]))
def test_it_moves_less_than_tensor_parallel_and_reads_more_weights(batch, tp):
    """Two collectives of (N−1)/N of the batch against TP's three all-reduces of 2(N−1)/N; and
    every GPU reads the shared weights, where TP splits them."""
    tp_sheet = _sheet(tensor_parallel=tp, batch=batch)
    adp_sheet = _sheet(tensor_parallel=tp, batch=batch, attention_dp=True)
    assert float(adp_sheet["batch_decode_sync_time"]) < float(tp_sheet["batch_decode_sync_time"])
    read_adp = float(adp_sheet["batch_weights_read_per_step"])
    assert read_adp > float(tp_sheet["batch_weights_read_per_step"])
