"""Roofline serving: hand calculations for one configuration, TP, invariants, the CLI contract.

The unnamed 7B model takes botec's typical shape (33 layers, hidden 4,224 = 33 heads × 128, MHA):
d = round((128 · 7e9 / 12)^(1/3) / 128) · 128 = 4,224 and L = round(7e9 / (12 · 4,224²)) = 33.
A100 80GB: 312e12 FLOP/s dense FP16, 2.039e12 B/s, 85,100,068,864 B as CUDA sees it (deviceQuery in
thamada/nvidia-smi @b09ef139; sold as 80 GB); NVLink 3: 300e9 B/s, 2 µs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import botec
from botec.analysis.evaluate import evaluate
from botec.core.sheet import Sheet
from botec.run import run_scenario
from botec.scenario import scenario_from_dict

PEAK, BW, MEM = 312e12, 2.039e12, 85_100_068_864
L, D, P = 33, 4224, 7e9
KV = 2 * L * 33 * 128 * 2  # 557,568 B/token


def smooth_max(compute_s: float, memory_s: float, n: float = 3) -> float:
    """A kernel's roofline time: (tc^n + tm^n)^(1/n), n = 3 as measured on an H100."""
    return (compute_s**n + memory_s**n) ** (1 / n)


def _serving(**overrides: object) -> dict:
    section = {
        "params": "7B",
        "gpu": "a100-80gb",
        "precision": "fp16",
        "input_tokens": 128,
        "output_tokens": 128,
        "compute_efficiency": 0.5,
        "memory_efficiency": 0.8,
        "step_overhead": "0.2 ms",
        "request_overhead": "5 ms",
        "workspace_per_gpu": "1.5 GB",
        "roofline_sharpness": 3,
    }
    section.update(overrides)  # an override of None drops the field (the default applies)
    return {"serving": {k: v for k, v in section.items() if v is not None}}


def _run(**overrides: object):  # type: ignore[no-untyped-def]
    return run_scenario(scenario_from_dict(_serving(**overrides)))


def test_batch_one_latency_and_capacity_by_hand() -> None:
    sheet = _run()
    assert sheet.value("kv_cache_per_token") == KV
    # KV budget: 85.1 GB × 0.9 − 1.5 GB − 14 GB = 61.1 GB; 256 cached tokens per sequence
    assert sheet.value("max_batch") == math.floor((MEM * 0.9 - 1.5e9 - 14e9) / (KV * 256)) == 427
    # Prefill, two kernel groups run in turn, each its own roofline (half of peak, 80% of
    # bandwidth, a smooth max of the two times): matmuls 2·P·128 FLOPs vs reading 14 GB;
    # attention 2·L·d·128² FLOPs vs writing 128 tokens of KV cache.
    linear = smooth_max(2 * P * 128 / (PEAK * 0.5), 14e9 / (BW * 0.8))
    attention = smooth_max(2 * L * D * 128**2 / (PEAK * 0.5), 128 * KV / (BW * 0.8))
    prefill = linear + attention
    assert sheet.value("time_to_first_token") == pytest.approx(prefill + 5e-3)
    # Decode at batch 1, mean context 128 + 64 = 192: matmuls read 14 GB of weights, attention
    # reads one 192-token KV cache; both memory-bound, so the times add.
    linear = smooth_max(2 * P / (PEAK * 0.5), 14e9 / (BW * 0.8))
    attention = smooth_max(4 * L * D * 192 / (PEAK * 0.5), 192 * KV / (BW * 0.8))
    tpot = linear + attention + 0.2e-3
    assert sheet.value("time_per_output_token") == pytest.approx(tpot)
    assert sheet.value("end_to_end_latency") == pytest.approx(prefill + 5e-3 + 127 * tpot)


def test_throughput_at_the_largest_batch_by_hand() -> None:
    sheet = _run()
    b = 256  # 427 fit (above), capped at the generic engine's concurrency cap of 256
    prefill = smooth_max(b * 2 * P * 128 / (PEAK * 0.5), 14e9 / (BW * 0.8)) + smooth_max(
        b * 2 * L * D * 128**2 / (PEAK * 0.5), b * 128 * KV / (BW * 0.8)
    )
    # At batch 256 the matmuls are compute-bound and attention memory-bound: a single max()
    # over the sums would hide the KV reads behind the matmuls.
    assert b * 2 * P / (PEAK * 0.5) > 14e9 / (BW * 0.8)
    step = smooth_max(b * 2 * P / (PEAK * 0.5), 14e9 / (BW * 0.8)) + smooth_max(
        b * 4 * L * D * 192 / (PEAK * 0.5), b * 192 * KV / (BW * 0.8)
    )
    expected = b * 128 / (prefill + 5e-3 + 128 * (step + 0.2e-3))
    assert sheet.value("max_output_throughput") == pytest.approx(expected)


def test_roofline_is_a_smooth_max_of_compute_and_memory_time() -> None:
    # Batch-1 prefill matmuls: 2·P·128 FLOPs at half of peak = 11.5 ms, reading 14 GB at 80% of
    # bandwidth = 8.58 ms, close to the ridge. The largest n allowed, 16, is within 0.1% of the
    # plain max here ((1 + 0.746^16)^(1/16) = 1.0006); n = 3 takes (11.5³ + 8.58³)^(1/3) =
    # 13.2 ms; n = 1 would add the two.
    compute, memory = 2 * P * 128 / (PEAK * 0.5), 14e9 / (BW * 0.8)
    sharp = _run(roofline_sharpness=16).value("prefill_linear_roofline_time")
    assert sharp == pytest.approx(max(compute, memory), rel=1e-3)
    smooth = _run().value("prefill_linear_roofline_time")
    assert smooth == pytest.approx((compute**3 + memory**3) ** (1 / 3))
    assert max(compute, memory) < smooth < 2 ** (1 / 3) * max(compute, memory)


def test_draws_where_the_weights_leave_no_room_batch_nothing() -> None:
    # Llama 2 7B in FP16 (13.5 GB) on a 24 GB RTX 4090: 21.6 GB usable, minus a workspace of
    # 2 to 12 GB, sometimes leaves nothing for the KV cache. Those draws fit no sequence (0),
    # never a negative batch.
    sheet = evaluate(
        scenario_from_dict(
            {
                "serving": {
                    "model": "llama-2-7b",
                    "gpu": "rtx-4090",
                    "precision": "fp16",
                    "input_tokens": 512,
                    "output_tokens": 512,
                    "workspace_per_gpu": "2 GB to 12 GB",
                }
            }
        ),
        samples=2_000,
        seed=0,
    )
    batches = sheet.steps["max_batch"].samples
    assert batches.min() == 0
    assert (batches > 0).any()


def test_compute_efficiency_scales_with_the_gpus_best_matmul_share() -> None:
    # The generic engine's 50% is for A100s and H100s (best BF16 matmuls 86.9% and 80.3% of
    # peak, D076 and D078). An MI300X's best reaches 51.4% (D082): 50% × 0.514 / √(0.869 ×
    # 0.803) = 30.8% of its 1,300 TFLOP/s.
    mi300x = _run(gpu="mi300x", compute_efficiency=None)
    expected = 0.5 * 0.514 / math.sqrt(0.869 * 0.803)
    assert mi300x.value("gpu_compute_efficiency") == pytest.approx(expected)
    assert expected == pytest.approx(0.308, abs=5e-4)
    # No published share for the L40S: the factor stays as the engine gives it.
    assert "gpu_compute_efficiency" not in _run(gpu="l40s", compute_efficiency=None).steps
    # A scenario that states the efficiency states it for its own GPU: no rescaling.
    assert "gpu_compute_efficiency" not in _run(gpu="mi300x").steps


def test_tensor_parallel_splits_memory_and_pays_all_reduces() -> None:
    one, two = _run(), _run(tensor_parallel=2)
    # Two GPUs: budget 2 × (72 GB − 1.5 GB) − 14 GB = 127 GB
    assert two.value("kv_cache_budget") == pytest.approx(2 * (MEM * 0.9 - 1.5e9) - 14e9)
    assert one.value("decode_sync_time") == 0
    # Batch-1 decode over NVLink 3: 2 all-reduces × 33 layers × (45 µs NCCL floor
    # + 2·(2−1)/2 · 4,224 · 2 B at 180 GB/s bus bandwidth), from 8 × A100 nccl-tests
    sync = 2 * L * (45e-6 + 1 * D * 2 / 180e9)
    assert two.value("decode_sync_time") == pytest.approx(sync)
    assert two.value("max_output_throughput") > one.value("max_output_throughput")


def test_a_model_that_does_not_fit_says_so() -> None:
    sheet = _run(params="70B")  # 140 GB of FP16 weights on one 80 GB GPU
    assert sheet.value("max_batch") < 1
    assert "max_output_throughput" not in sheet.steps
    assert any(n.level == "bad" and "do not fit" in n.text for n in sheet.notes)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200))
def test_more_batch_never_lowers_throughput_until_memory_runs_out(a: int, b: int) -> None:
    small, large = sorted((a, b))
    fits = _run().value("max_batch")
    if large > fits:
        return
    t_small = _run(batch=small).value("max_output_throughput")
    t_large = _run(batch=large).value("max_output_throughput")
    assert t_large >= t_small * (1 - 1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(16, 8000), st.integers(1, 4000))
def test_longer_context_never_shrinks_the_kv_cache(prompt: int, extra: int) -> None:
    short = _run(input_tokens=prompt)
    long = _run(input_tokens=prompt + extra)
    per_seq = short.value("kv_cache_per_token") * short.value("cached_tokens")
    per_seq_long = long.value("kv_cache_per_token") * long.value("cached_tokens")
    assert per_seq_long >= per_seq
    assert long.value("max_batch") <= short.value("max_batch")


@pytest.fixture
def faster_a100(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    # The same 80 GB of memory with 1.5× the bandwidth and 2× the FP16 peak.
    extra = tmp_path / "fast.toml"
    extra.write_text(
        '[hardware.fast-a100]\nname = "Faster A100"\nkind = "gpu"\nmemory_bytes = 80e9\n'
        "memory_bandwidth_bytes_per_s = 3.0585e12\ntdp_w = 400\n"
        'interconnect = "nvlink3"\nsource = "test fixture"\nas_of = "2025"\n'
        "[hardware.fast-a100.peak_flop_per_s]\nfp16 = 624e12\nbf16 = 624e12\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BOTEC_CATALOG", str(extra))
    yield "fast-a100"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(16, 4000), st.integers(1, 2000), st.integers(1, 300))
def test_a_faster_gpu_never_makes_a_step_slower(
    faster_a100: str, prompt: int, output: int, batch: int
) -> None:
    base = _run(input_tokens=prompt, output_tokens=output, batch=batch)
    fast = _run(input_tokens=prompt, output_tokens=output, batch=batch, gpu=faster_a100)
    for name in ("time_to_first_token", "time_per_output_token"):
        assert fast.value(name) <= base.value(name)
    if "batch_decode_step_time" in base.steps and "batch_decode_step_time" in fast.steps:
        assert fast.value("batch_decode_step_time") <= base.value("batch_decode_step_time")


def test_engine_ranges_give_percentiles() -> None:
    data = _serving()
    for key in ("compute_efficiency", "memory_efficiency", "step_overhead", "request_overhead"):
        del data["serving"][key]
    data["serving"]["engine"] = "vllm"
    sheet = evaluate(scenario_from_dict(data), samples=2000)
    p5, _, p95 = sheet.steps["time_per_output_token"].percentiles()
    assert p5 < sheet.value("time_per_output_token") < p95
    # Batch-1 decode of a 7B model is memory-bound: bandwidth efficiency drives TPOT most.
    assert sheet.sensitivity["decode_tokens_per_second"].drivers[0].name == "memory_efficiency"


CONTRACT = (
    "weights_memory",
    "kv_cache_per_token",
    "max_batch",
    "time_to_first_token",
    "time_per_output_token",
    "max_output_throughput",
)


def test_infer_json_contract() -> None:
    code, out, err = cli(
        "infer", "--params", "7B", "--gpu", "h100-sxm", "--precision", "fp16",
        "--input-tokens", "128", "--output-tokens", "128", "--tp", "1",
        "--engine", "tensorrt-llm", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads(out)["results"]
    units = {"weights_memory": "B", "kv_cache_per_token": "B/token", "max_batch": "sequences"}
    units |= {"time_to_first_token": "s", "time_per_output_token": "s"}
    units |= {"max_output_throughput": "token/s"}
    for name in CONTRACT:
        assert results[name]["unit"] == units[name]
    assert results["weights_memory"]["value"] == 14e9
    for name in CONTRACT:  # each with p5/p50/p95; the exact ones are their own percentiles
        r = results[name]
        assert r["p5"] <= r["p50"] <= r["p95"], name
    for name in CONTRACT[:2]:
        assert results[name]["p5"] == results[name]["p95"] == results[name]["value"]
    for name in CONTRACT[2:]:  # everything downstream of an engine factor carries a range
        assert results[name]["p5"] < results[name]["p95"], name


def test_infer_with_batch_and_unknown_engine() -> None:
    code, out, _ = cli(
        "infer", "--params", "7B", "--input-tokens", "512", "--batch", "8", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["inputs"]["batch"]["value"] == 8
    code, _, err = cli("infer", "--params", "7B", "--input-tokens", "512", "--engine", "tgi2")
    assert code == 2 and "engine" in err


def test_each_user_sees_one_token_per_decode_step_of_the_batch() -> None:
    # At the engine's batch (256 of the 427 that fit) a decode step takes smooth_max(compute,
    # weights) + KV reads + 0.2 ms overhead, as in the throughput test above; each sequence gets
    # one token per step.
    sheet = _run()
    b = 256  # 427 fit (above), capped at the generic engine's concurrency cap of 256
    step = (
        smooth_max(b * 2 * P / (PEAK * 0.5), 14e9 / (BW * 0.8))
        + smooth_max(b * 4 * L * D * 192 / (PEAK * 0.5), b * 192 * KV / (BW * 0.8))
        + 0.2e-3
    )
    assert sheet.value("tokens_per_second_per_user") == pytest.approx(1 / step)
    # and per-user speed times the batch is the decode-only throughput, above the static-batch
    # figure that also pays for the prefill
    assert b / step > sheet.value("max_output_throughput")


def test_fp8_without_fp8_tensor_cores_reads_one_byte_and_multiplies_at_fp16() -> None:
    # A100: no FP8 peak in its datasheet (published-figures.csv D003/D004), so FP8 weights are
    # dequantised: the decode step reads 6,738,415,616 B (1 byte per Llama 2 7B weight) and the
    # matmuls run at the 312 TFLOP/s FP16 peak with no FP8 efficiency ratio.
    from botec.run import run_scenario
    from botec.scenario import scenario_from_dict

    serving = {"model": "llama-2-7b", "gpu": "a100-80gb", "precision": "fp8"}
    sheet = run_scenario(
        scenario_from_dict({"serving": {**serving, "input_tokens": 128, "output_tokens": 128}})
    )
    assert sheet.value("weights_memory") == 6_738_415_616
    assert sheet.inputs["peak_flop_per_s"].value == 312e12
    assert "matmul_efficiency_ratio" not in sheet.inputs
    assert any("dequantised" in n.text for n in sheet.notes)
    # B200 multiplies FP4 natively: its FP4 peak (9 PFLOP/s dense) and the low-precision ratio
    serving = {"model": "llama-2-7b", "gpu": "b200", "precision": "fp4"}
    sheet = run_scenario(
        scenario_from_dict({"serving": {**serving, "input_tokens": 128, "output_tokens": 128}})
    )
    assert sheet.inputs["peak_flop_per_s"].value == 9000e12
    assert sheet.inputs["matmul_efficiency_ratio"].value == 0.88


def _serve(**serving: object) -> Sheet:
    from botec.run import run_scenario
    from botec.scenario import scenario_from_dict

    base = {"model": "llama-2-7b", "gpu": "a100-80gb", "input_tokens": 512, "output_tokens": 256}
    return run_scenario(scenario_from_dict({"serving": {**base, **serving}}))


def test_each_engine_sizes_and_fills_its_kv_cache_by_its_own_rule() -> None:
    # Llama 2 7B FP16: 13,476,831,232 B of weights, 524,288 B of KV per token; A100 85.1 GB,
    # 1.5 GB workspace (the catalog's nominal), 0.9 the engines' documented default share.
    weights, kv, mem, work = 6_738_415_616 * 2, 524_288, 85_100_068_864, 1.5e9
    # generic: a share of all memory; every sequence holds its whole 768-token context
    generic = _serve(engine="generic")
    assert generic.value("kv_cache_budget") == pytest.approx(mem * 0.9 - work - weights)
    assert generic.value("max_batch") == math.floor((mem * 0.9 - work - weights) / (kv * 768))
    # vLLM: the same share, but paged blocks: sequences hold their average 512 + 128 tokens
    vllm = _serve(engine="vllm")
    assert vllm.value("max_batch") == math.floor((mem * 0.9 - work - weights) / (kv * 640))
    # TensorRT-LLM: 0.9 of the memory left after weights and workspace, paged
    trt = _serve(engine="tensorrt-llm")
    budget = 0.9 * (mem - work - weights)
    assert trt.value("kv_cache_budget") == pytest.approx(budget)
    assert trt.value("max_batch") == math.floor(budget / (kv * 640))


def test_the_kv_cache_type_follows_the_engine_with_low_bit_weights() -> None:
    # FP8 weights on an H100: TensorRT-LLM's FP8 checkpoints carry an FP8 KV cache (1 byte per
    # value: 2 × 32 × 32 × 128 × 1 B per token); vLLM keeps the 16-bit default.
    trt = _serve(engine="tensorrt-llm", gpu="h100-sxm", precision="fp8")
    assert trt.value("kv_cache_per_token") == 2 * 32 * 32 * 128 * 1
    assert trt.inputs["kv_bytes_per_value"].kind == "assumption"
    vllm = _serve(engine="vllm", gpu="h100-sxm", precision="fp8")
    assert vllm.value("kv_cache_per_token") == 2 * 32 * 32 * 128 * 2
    # An A100 has no FP8 math and TensorRT-LLM no weight-only FP8 kernel (its support matrix
    # lists FP8 for Ada, Hopper and Blackwell): refused, naming why. vLLM dequantises FP8 weights
    # there (Marlin) and keeps its 16-bit KV cache.
    with pytest.raises(botec.BotecInputError) as err:
        _serve(engine="tensorrt-llm", precision="fp8")
    assert "fp8 tensor cores" in err.value.allowed
    assert _serve(engine="vllm", precision="fp8").value("kv_cache_per_token") == (
        2 * 32 * 32 * 128 * 2
    )
    # A stated KV type always wins.
    stated = _serve(engine="vllm", gpu="h100-sxm", precision="fp8", kv_precision="fp8")
    assert stated.value("kv_cache_per_token") == 2 * 32 * 32 * 128 * 1


def test_an_moe_model_under_tensor_parallelism_pays_the_expert_all_to_alls() -> None:
    # Mixtral 8x7B (32 layers, hidden 4,096) on 2 × A100 over NVLink 3: each layer has one
    # all-reduce after attention, then the experts' dispatch and combine: 3 collectives, each at
    # the 45 µs NCCL floor + 2·(2−1)/2 · 4,096 · 2 B at 180 GB/s for one decoding sequence.
    sheet = _serve(model="mixtral-8x7b", tensor_parallel=2, input_tokens=128, output_tokens=128)
    assert sheet.value("allreduces_per_layer") == 3
    assert sheet.value("decode_sync_time") == pytest.approx(3 * 32 * (45e-6 + 4096 * 2 / 180e9))
    dense = _serve(model="llama-2-7b", tensor_parallel=2)
    assert dense.value("allreduces_per_layer") == 2


def test_infer_runs_an_moe_config_json(tmp_path: Path) -> None:
    # Regression: a config.json MoE model records its per-expert count ('expert_params', from
    # the config's shape) and serving records the routed experts of the whole model: one name
    # each. Four layers of four SwiGLU experts, 3 · 1,024 · 2,048 = 6,291,456 parameters each:
    # 4 · 4 · 6,291,456 = 100,663,296 in the routed experts, half of them used per token (k = 2).
    config = {
        "architectures": ["MixtralForCausalLM"],
        "model_type": "mixtral",
        "hidden_size": 1024,
        "intermediate_size": 2048,
        "num_attention_heads": 8,
        "num_key_value_heads": 8,
        "num_hidden_layers": 4,
        "num_local_experts": 4,
        "num_experts_per_tok": 2,
        "vocab_size": 1000,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    sheet = botec.infer(model=str(path), gpu="h100-sxm", samples=0)
    assert sheet.value("expert_params") == 3 * 1024 * 2048
    assert sheet.value("all_expert_params") == pytest.approx(4 * 4 * 3 * 1024 * 2048)
    assert sheet.value("time_to_first_token") > 0


def test_an_engine_with_a_per_sequence_cost_pays_it_for_every_sequence_past_the_first() -> None:
    # llama.cpp's 2023 builds: the 3 ms step overhead plus 4.2 ms for each of the other 7
    # sequences of a batch of 8 = 32.4 ms a step; at batch 1 nothing is added, so its batch-1
    # decode is today's llama.cpp's.
    old = _serve(engine="llama.cpp-2023", batch=8)
    assert old.value("batch_step_overhead") == pytest.approx(3e-3 + 7 * 4.2e-3)
    assert old.value("batch_decode_step_time") == pytest.approx(
        old.value("batch_decode_roofline_time") + 3e-3 + 7 * 4.2e-3
    )
    new = _serve(engine="llama.cpp", batch=8)
    assert "batch_step_overhead" not in new.steps
    assert old.value("time_per_output_token") == pytest.approx(new.value("time_per_output_token"))


def test_an_moe_step_pays_its_routing_kernels_in_every_layer() -> None:
    # Mixtral 8x7B has 32 layers; TensorRT-LLM's step overhead is 100 µs and botec's MoE layer
    # cost 50 µs (assumptions.toml, set on fit row B421): 100 µs + 32 × 50 µs = 1.7 ms a step,
    # added to the roofline and all-reduces. A dense model pays only the engine's 100 µs, and a
    # step overhead the scenario states is taken as the whole of it.
    sheet = _serve(model="mixtral-8x7b", engine="tensorrt-llm", tensor_parallel=2)
    assert sheet.value("moe_step_overhead") == pytest.approx(100e-6 + 32 * 50e-6)
    assert sheet.value("time_per_output_token") == pytest.approx(
        sheet.value("decode_roofline_time") + sheet.value("decode_sync_time") + 1.7e-3
    )
    dense = _serve(model="llama-2-7b", engine="tensorrt-llm")
    assert "moe_step_overhead" not in dense.steps
    stated = _serve(
        model="mixtral-8x7b", engine="tensorrt-llm", tensor_parallel=2, step_overhead="2 ms"
    )
    assert "moe_step_overhead" not in stated.steps


def test_infer_keeps_the_engines_cap_and_says_when_a_batch_passes_it() -> None:
    # vLLM's max_num_seqs is 256: the batch is the largest that fits up to it, and an explicit
    # --batch past it is run as asked, with a warning.
    code, out, _ = cli("infer", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--engine",
                       "vllm", "--input-tokens", "100", "--output-tokens", "100", "--samples",
                       "0", "--format", "json")  # fmt: skip
    assert code == 0
    results = json.loads(out)["results"]
    assert results["max_batch"]["value"] > 256  # more would fit ...
    assert results["batch"]["value"] == 256  # ... but vLLM runs 256
    code, out, _ = cli("infer", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--engine",
                       "vllm", "--input-tokens", "100", "--output-tokens", "100", "--batch",
                       "512", "--samples", "0")  # fmt: skip
    assert code == 0 and "past vLLM" in out and "concurrency cap of 256" in out


def test_plan_tries_batches_up_to_the_engines_own_cap() -> None:
    code, out, _ = cli("plan", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--engine",
                       "tensorrt-llm", "--qps", "50", "--samples", "0")  # fmt: skip
    assert code == 0 and "cap 2,048" in out


def test_tensor_parallelism_past_a_node_crosses_the_cluster_network() -> None:
    # TP 16 on H100s spans two 8-GPU nodes: the all-reduces cross InfiniBand NDR, 400 Gb/s =
    # 50 GB/s per GPU, of which NCCL's bus reaches the catalog's default 0.6: 30 GB/s (not
    # NVLink's); a GB200 NVL72 rack keeps TP 16 inside its NVLink domain
    one_node = botec.infer(model="llama-3.1-70b", gpu="h100-sxm", tp=8, samples=0)
    two_nodes = botec.infer(model="llama-3.1-70b", gpu="h100-sxm", tp=16, samples=0)
    assert two_nodes["allreduce_bandwidth"].value == pytest.approx(0.6 * 400e9 / 8)
    assert one_node["allreduce_bandwidth"].value > 4 * two_nodes["allreduce_bandwidth"].value
    assert any("TP 16 spans 2 nodes" in n.text for n in two_nodes.notes)
    rack = botec.infer(model="llama-3.1-70b", gpu="gb200", tp=16, samples=0)
    assert not any("spans" in n.text for n in rack.notes)


def test_draws_where_not_one_request_fits_are_counted_and_said() -> None:
    # output tokens drawn from 1 to 10^6: Llama 3.1 8B's KV cache is 128 KiB a token (2 × 32
    # layers × 8 KV heads × 128 × 2 B), so a few hundred thousand tokens of one sequence no
    # longer fit beside 16 GB of weights on an 80 GB H100;
    # the nominal request (about 1,000 tokens) fits, some draws do not, and the report says so
    sheet = botec.infer(model="llama-3.1-8b", gpu="h100-sxm", output_tokens="1 to 1e6",
                        samples=2000)  # fmt: skip
    note = next(n.text for n in sheet.notes if "of the draws not even one request" in n.text)
    share = float(note.split("%")[0].removeprefix("In "))
    assert 0 < share < 50
    fixed = botec.infer(model="llama-3.1-8b", gpu="h100-sxm", samples=2000)
    assert not any("of the draws" in n.text for n in fixed.notes)


@pytest.mark.parametrize("tp", [3, 5, 6])
def test_an_mla_model_s_tensor_parallel_degree_splits_its_query_heads(tp: int) -> None:
    # DeepSeek-V3 has 128 attention heads (config.json num_attention_heads) and one shared MLA
    # latent, no KV heads: TP must divide 128 (vLLM refuses --tensor-parallel-size 6), as it
    # must for GQA models; MLA used to skip the check.
    code, _out, err = cli(
        "plan", "--model", "deepseek-v3", "--gpu", "h200", "--precision", "fp8", "--qps", "5",
        "--tp", str(tp), "--samples", "0",
    )  # fmt: skip
    assert code == 2
    assert "splits the 128 attention heads evenly: 1, 2, 4, 8, 16, 32, 64, 128" in err
