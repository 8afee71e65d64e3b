"""Golden tests: every number the seeds print, against an independent hand calculation.

Each expected value is worked out here from the seed's stated inputs (never pasted from botec's
output). Where the seed's arithmetic is right, the test also checks botec lands on the printed
figure within rounding; where it is wrong, the test asserts the right value and that the
scenario flags the erratum. Seeds: 000 = shared/seeds/000_3c66e8bcc3a03c34.txt (SmartPal), 002 =
shared/seeds/002_cf610741eb761b75.txt (estimation chapter).
"""

from __future__ import annotations

import math

import pytest
from conftest import scenario_results

GB, GiB, TB, DAY = 1e9, 2**30, 1e12, 86_400


def value(results: dict, name: str) -> float:
    return results["results"][name]["value"]


def checks(results: dict) -> dict[tuple[str, str], bool]:
    return {(c["result"], c["printed"]): c["matches"] for c in results["seed_checks"]}


def errata(results: dict) -> set[str]:
    return {c["result"] for c in results["seed_checks"] if not c["matches"]}


# -- seed 000: SmartPal ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def smartpal() -> dict:
    return scenario_results("smartpal")


def test_smartpal_storage(smartpal: dict) -> None:
    # 000 Step 1.1: 3B × 2 bytes = 6 GB
    assert value(smartpal, "model_storage") == 3e9 * 2
    # 000 Step 1.2: 100M users × 10 KB = 1 TB
    assert value(smartpal, "user_profile_storage") == pytest.approx(100e6 * 10e3)
    # 000 Step 1.3: 100M × 10 × 2 KB = 2 TB/day, +25% for indexing = 2.5 TB/day
    assert value(smartpal, "interaction_storage_per_day") == pytest.approx(100e6 * 10 * 2e3 * 1.25)
    # 000 Step 1.3: 2.5 TB/day × 30 days = 75 TB/month
    assert value(smartpal, "monthly_storage") == pytest.approx(2.5e12 * 30)


def test_smartpal_inference(smartpal: dict) -> None:
    # 000 Step 2.4: (100M × 10) / 86400 = 11,574 TRPS
    trps = 100e6 * 10 / 86_400
    assert value(smartpal, "total_requests_per_second") == pytest.approx(trps)
    assert round(trps) == 11_574
    # 000 Step 2.5: (3B × 2 × 500) / 312T = 9.6 ms
    t = 3e9 * 2 * 500 / 312e12
    assert value(smartpal, "inference_time") == pytest.approx(t)
    assert round(t * 1e3, 1) == 9.6
    # 000 Step 2.6: 1 / 9.6 ms = 104
    assert value(smartpal, "qps_per_gpu") == pytest.approx(1 / t)
    assert round(1 / t) == 104
    # 000 Step 2.7: 11,574 / 104 = ≈ 112 GPUs (rounded up)
    assert value(smartpal, "gpus_required") == math.ceil(trps / (1 / t)) == 112


def test_smartpal_bandwidth_and_erratum(smartpal: dict) -> None:
    # 000 Step 3.8: 11,574 × 2 KB = 23.15 MB/s; × 8 = 185.2 Mbit/s (the seed prints 186)
    ingress = 100e6 * 10 / 86_400 * 2e3 * 8
    assert value(smartpal, "ingress_bandwidth") == pytest.approx(ingress)
    assert round(ingress / 1e6, 1) == 185.2
    # 000 Step 3.9: 11,574 × 10 KB = 115.74 MB/s = 926 Mbit/s
    egress = 100e6 * 10 / 86_400 * 10e3 * 8
    assert value(smartpal, "egress_bandwidth") == pytest.approx(egress)
    assert round(egress / 1e6) == 926
    assert smartpal["results"]["ingress_bandwidth"]["unit"] == "bit/s"
    assert errata(smartpal) == {"ingress_bandwidth"}


def test_smartpal_reality_check(smartpal: dict) -> None:
    # 104 req/s × 500 tokens = 52,000 tokens/s per GPU. A decode step takes at least
    # 6 GB / 2.039 TB/s (A100 80GB SXM datasheet) = 2.94 ms, so the batch must be 52,000 × 2.94 ms.
    batch = (312e12 / (2 * 3e9 * 500)) * 500 * 6e9 / 2.039e12
    assert value(smartpal, "batch_needed") == pytest.approx(batch)
    assert 150 < batch < 156
    # KV cache of that batch, Llama 3.2 3B shape: 2 × 28 × 8 × 128 × 2 B per token, 1,000 tokens
    kv_per_token = 2 * 28 * 8 * 128 * 2
    assert value(smartpal, "kv_cache_per_token") == kv_per_token == 114_688
    assert value(smartpal, "kv_cache_for_batch_needed") == pytest.approx(
        kv_per_token * 1000 * batch
    )
    # The serving roofline (the same phases as [serving]) at batch 256, vLLM's default cap: the
    # KV budget is 85.1 GB (the A100 80GB as CUDA sees it: 85,100,068,864 B, deviceQuery in
    # thamada/nvidia-smi) × 0.9 − 1.5 GB workspace − 6 GB weights = 69.1 GB, which holds
    # floor(69.1e9 / (114,688 × 1,000)) = 602 sequences. The generic engine: 50% compute and
    # 70% memory efficiency, 8 ms per request, 0.5 ms per decode step. The 50% is for the A100s
    # and H100s the factors come from (MAMF 86.9% and 80.3% of peak, D076 and D078); this A100
    # gets 50% × 0.869 / √(0.869 × 0.803) = 52.0%. Each kernel group (weight matmuls, attention)
    # takes the smooth max (n = 3, measured on an H100) of its compute and memory time; the
    # groups add. Llama 3.2 3B attention width: 24 heads × 128 = 3,072.
    budget = 85_100_068_864 * 0.9 - 1.5e9 - 6e9
    assert value(smartpal, "max_batch") == math.floor(budget / (kv_per_token * 1000)) == 602
    eff_c = 0.5 * 0.869 / math.sqrt(0.869 * 0.803)

    def roof(flops: float, bytes_: float) -> float:
        return ((flops / (312e12 * eff_c)) ** 3 + (bytes_ / (2.039e12 * 0.7)) ** 3) ** (1 / 3)

    b, s_in, s_out, width = 256, 500, 500, 24 * 128
    prefill = (
        roof(b * 2 * 3e9 * s_in, 6e9)
        + roof(b * 2 * 28 * width * s_in**2, b * s_in * kv_per_token)
        + 8e-3
    )
    step = roof(b * 2 * 3e9, 6e9) + roof(b * 4 * 28 * width * 750, b * 750 * kv_per_token) + 0.5e-3
    qps = b * s_out / (prefill + s_out * step) / s_out
    assert value(smartpal, "batch_prefill_time") == pytest.approx(prefill)
    assert value(smartpal, "batch_decode_step_time") == pytest.approx(step)
    assert value(smartpal, "realistic_qps_per_gpu") == pytest.approx(qps)
    assert value(smartpal, "realistic_gpus_required") == math.ceil(100e6 * 10 / 86_400 / qps)
    # The realistic figure is several times the seed's 112 GPUs.
    assert value(smartpal, "realistic_gpus_required") > 4 * 112


def test_smartpal_prints_a_total_for_each_gpu_count(smartpal: dict) -> None:
    # The seed's 112 GPUs and the roofline's count, each at the A100 80GB's market price,
    # (Lambda $14.32/8 + RunPod $1.64) / 2 = $1.715/h, 720 h a month; the other lines (storage,
    # egress) are the same in both totals. The 1 TB of profiles (100M × 10 KB) is stored too, at
    # S3's $0.023/GB-month: $23 a month.
    price, hours = (14.32 / 8 + 1.64) / 2, 720
    assert value(smartpal, "profile_storage_cost_per_month") == pytest.approx(1_000 * 0.023)
    rest = (
        value(smartpal, "interaction_storage_cost_per_month")
        + value(smartpal, "egress_cost_per_month")
        + 1_000 * 0.023
    )
    assert value(smartpal, "total_monthly_cost") == pytest.approx(112 * price * hours + rest)
    roofline = value(smartpal, "realistic_gpus_required") * price * hours + rest
    assert value(smartpal, "total_monthly_cost_roofline") == pytest.approx(roofline)
    titles = {r["title"] for r in smartpal["results"].values()}
    assert "Total monthly cost (the seed's GPU count)" in titles
    assert "Total monthly cost (roofline GPU count)" in titles
    assert any("Plan with the roofline total" in n["text"] for n in smartpal["notes"])


# -- seed 002: fraud detection ---------------------------------------------------------------------


def test_fraud_detection() -> None:
    r = scenario_results("fraud-detection")
    avg = 10e6 * 3 / 86_400  # 002: ~347 QPS
    assert value(r, "total_requests_per_second") == pytest.approx(avg)
    assert value(r, "peak_requests_per_second") == pytest.approx(avg * 5)  # ~1,736
    cores = avg * 5 / (1 / 0.002)  # 500 requests/s per core; 002: ~3.5 cores
    assert value(r, "cores_needed") == pytest.approx(cores)
    assert value(r, "cores_with_headroom") == math.ceil(cores * 3) == 11
    assert value(r, "machines") == 4  # the seed's 4 × 8-core; capacity alone needs 2
    assert value(r, "user_feature_bytes") == pytest.approx(10e6 * 50 * 4)  # 002: 2 GB
    assert value(r, "raw_retained_bytes") == pytest.approx(10e6 * 3 * 365 * 200)  # 2.19 TB
    assert value(r, "compressed_retained_bytes") == pytest.approx(10e6 * 3 * 365 * 200 / 4)
    assert value(r, "object_storage_cost_per_month") == pytest.approx(547.5 * 0.023)  # $12.60
    assert value(r, "cpu_serving_cost_per_month") == pytest.approx(4 * 0.40 * 720)  # ~$1,150
    assert errata(r) == set()
    notes = " ".join(n["text"] for n in r["notes"])
    assert "CPU-served, no GPU needed" in notes


# -- seed 002: LLM serving ---------------------------------------------------------------------


def test_llm_serving_qps_does_not_follow_from_its_inputs() -> None:
    r = scenario_results("llm-serving-100k-mau")
    avg = 100_000 * 0.3 * 5 / 86_400  # 1.736 QPS; the seed prints ~0.52
    assert value(r, "total_requests_per_second") == pytest.approx(avg)
    assert value(r, "peak_requests_per_second") == pytest.approx(avg * 3)
    assert value(r, "peak_output_tokens_per_second") == pytest.approx(avg * 3 * 500)
    assert value(r, "gpus_for_tokens") == math.ceil(avg * 3 * 500 / 150) == 18
    assert value(r, "gpus_for_tokens_batched") == math.ceil(avg * 3 * 500 / 600) == 5
    assert value(r, "gpu_cost_per_month") == pytest.approx(5 * 3 * 24 * 30)
    assert {
        "total_requests_per_second",
        "peak_requests_per_second",
        "average_output_tokens_per_second",
        "peak_output_tokens_per_second",
        "gpus_for_tokens",
        "gpus_for_tokens_batched",
        "gpu_cost_per_month",
    } == errata(r)


def test_gpt3_serving() -> None:
    r = scenario_results("gpt3-175b-serving")
    assert value(r, "weights_memory") == 175e9 * 2  # 350 GB
    assert value(r, "gpus_to_fit_weights") == math.ceil(350e9 / 80e9) == 5
    per_token = 350e9 / (8 * 2e12)  # 21.9 ms; the seed says ≈ 22 ms
    assert value(r, "time_per_token") == pytest.approx(per_token)
    assert value(r, "tokens_per_second_per_replica") == pytest.approx(1 / per_token)  # 45.7
    replicas = math.ceil(100 * 200 / (1 / per_token))
    assert value(r, "replicas_for_tokens") == replicas == 438  # the seed rounds 45.7 to 45: 444
    assert value(r, "total_gpus") == replicas * 8 == 3504
    assert errata(r) == {"replicas_for_tokens", "total_gpus"}


def test_llama7b_memory_bound_throughput() -> None:
    r = scenario_results("llama-7b-a100-throughput")
    per_token = 7e9 * 2 / 2000e9  # 7.0 ms at 2,000 GB/s
    assert value(r, "time_per_token") == pytest.approx(per_token)
    assert value(r, "requests_per_second_per_replica") == pytest.approx(1 / per_token / 100)
    batched = 1 / per_token * 16 / 100  # 22.9 requests/s
    assert value(r, "batched_requests_per_second_per_replica") == pytest.approx(batched)
    assert value(r, "gpus_required") == math.ceil(1000 / batched) == 44
    # Q2: 2 FLOPs per FP16 weight of 2 bytes = 1 FLOP/byte; ridge 312e12 / 2e12 = 156 FLOP/byte
    assert value(r, "arithmetic_intensity") == pytest.approx(1.0)
    assert value(r, "ridge_point") == pytest.approx(156)
    assert "ridge_point" not in errata(r)
    assert {"weights_memory", "time_per_token", "arithmetic_intensity", "gpus_required"} <= errata(
        r
    )


def test_kv_cache_example() -> None:
    r = scenario_results("kv-cache-7b")
    per_token = 2 * 32 * 32 * 128 * 2  # K and V × layers × heads × head_dim × FP16
    assert value(r, "kv_cache_per_token") == per_token == 524_288
    kv = per_token * 4096 * 10
    assert value(r, "kv_cache_memory") == kv == 20 * GiB  # the seed's "20 GB" is 20 GiB
    assert value(r, "serving_memory") == pytest.approx(14e9 + kv)  # 35.5 GB, not 34
    assert errata(r) == {"kv_cache_memory", "serving_memory"}
    assert any("Does not fit" in n["text"] and n["level"] == "bad" for n in r["notes"])


# -- seed 002: storage -----------------------------------------------------------------------------


def test_feature_store_recsys() -> None:
    r = scenario_results("feature-store-recsys")
    raw = 50e6 * 100 * 4 + 1e9 * 50 * 4 + (50e6 + 1e9) * 256 * 4
    assert value(r, "feature_store_raw") == pytest.approx(raw)  # 1,295 GB
    assert value(r, "feature_store_memory") == pytest.approx(2 * raw)
    # int(total_gib × 1.2 / 64) + 1 in the seed; ceil of the same with 64 GiB nodes
    assert value(r, "feature_store_nodes") == math.ceil(2 * raw * 1.2 / (64 * GiB)) == 46


def test_feature_store_100m_users() -> None:
    r = scenario_results("feature-store-100m-users")
    raw = 100e6 * 200 * 4 + 100e6 * 512 * 4  # 80 GB + 204.8 GB
    assert value(r, "feature_store_memory") == pytest.approx(2 * raw)  # ~560 GB in the seed
    assert value(r, "feature_store_nodes") == math.ceil(2 * raw * 1.2 / (64 * GiB)) == 10
    offline = 80e9 * 365 / 4  # 7.3 TB
    assert value(r, "compressed_retained_bytes") == pytest.approx(offline)
    assert value(r, "object_storage_cost_per_month") == pytest.approx(offline / 1e9 * 0.023)
    assert errata(r) == set()


def test_netflix_training_data() -> None:
    r = scenario_results("netflix-training-data")
    per_day = 50e6 * 100 * 200  # 1.0 TB; the seed prints 931.3 "GB" (GiB)
    assert value(r, "raw_bytes_per_day") == pytest.approx(per_day)
    assert per_day / GiB == pytest.approx(931.3, abs=0.05)
    assert value(r, "raw_retained_bytes") == pytest.approx(per_day * 365)  # 365 TB
    assert value(r, "compressed_retained_bytes") == pytest.approx(per_day * 365 / 4)  # 91.25 TB
    assert value(r, "object_storage_cost_per_month") == pytest.approx(91_250 * 0.023)  # $2,099
    assert errata(r) == {
        "raw_bytes_per_day",
        "raw_retained_bytes",
        "compressed_retained_bytes",
        "object_storage_cost_per_month",
    }


# -- seed 002: training ----------------------------------------------------------------------------


def _training_hand(params: float, tokens: float, gpus: int, mfu: float = 0.4, price: float = 2.0):
    flops = 6 * params * tokens
    seconds = flops / (gpus * 312e12 * mfu)
    gpu_hours = gpus * seconds / 3600
    return flops, seconds, gpu_hours, gpu_hours * price


def test_q1_10b_on_200b_tokens() -> None:
    r = scenario_results("train-10b-200b")
    flops, seconds, _hours, cost = _training_hand(10e9, 200e9, 64)
    assert value(r, "total_flops") == pytest.approx(flops) == pytest.approx(1.2e22)
    assert value(r, "wall_clock") == pytest.approx(seconds)
    assert seconds / DAY == pytest.approx(17.4, abs=0.05)  # 002 Q1: ≈ 17.4 days
    assert value(r, "cost") == pytest.approx(cost)
    assert cost == pytest.approx(53_400, rel=0.005)  # 002 Q1: ≈ $53,400
    assert value(r, "chinchilla_tokens") == pytest.approx(200e9)
    assert errata(r) == set()


def test_q5_70b_against_500k_budget() -> None:
    r = scenario_results("train-70b-budget")
    _flops, seconds, _hours, cost = _training_hand(70e9, 1.4e12, 256)
    assert value(r, "total_flops") == pytest.approx(5.88e23)
    assert seconds / DAY == pytest.approx(213, abs=0.5)  # 002 Q5: ≈ 213 days
    assert value(r, "cost") == pytest.approx(cost)
    assert cost == pytest.approx(2.6e6, rel=0.01)  # 002 Q5: ≈ $2.6M
    assert value(r, "budget_ratio") == pytest.approx(cost / 500e3)  # ≈ 5.2×
    # What $500K buys: 250,000 GPU-hours of 312 TFLOP/s × 40%; C = 6·N·(20·N) -> N = √(C/120)
    affordable = 500e3 / 2 * 3600 * 312e12 * 0.4
    assert value(r, "compute_optimal_params") == pytest.approx(math.sqrt(affordable / 120))
    assert 30e9 < value(r, "compute_optimal_params") < 31e9
    assert errata(r) == {"compute_optimal_params"}
    notes = " ".join(n["text"] for n in r["notes"])
    assert "one order of magnitude off" in notes


def test_llama7b_training_ignores_its_own_mfu() -> None:
    r = scenario_results("llama-7b-training")
    flops, _seconds, hours, cost = _training_hand(7e9, 1e12, 64)
    assert value(r, "total_flops") == pytest.approx(4.2e22)
    assert flops / (1e15 * DAY) == pytest.approx(486.1, abs=0.05)  # 002: petaflop_days 486.1
    assert value(r, "gpu_hours") == pytest.approx(hours)  # 93,483, not 1,574 days × 24
    assert value(r, "wall_clock") / DAY == pytest.approx(60.9, abs=0.05)  # not 24.6
    assert value(r, "cost") == pytest.approx(cost)
    assert cost == pytest.approx(186_966, rel=1e-4)  # not $75,072, not $1.7M
    # Without the MFU the seed's printout is recovered (within its own rounding):
    assert cost * 0.4 == pytest.approx(75_072, rel=0.01)
    assert errata(r) == {"gpu_hours", "wall_clock", "cost"}


def test_llama13b_training() -> None:
    r = scenario_results("llama-13b-training")
    *_, cost = _training_hand(13e9, 1.4e12, 64)
    assert value(r, "cost") == pytest.approx(cost) == pytest.approx(486_111, rel=1e-4)
    assert value(r, "chinchilla_tokens") == pytest.approx(260e9)  # not 1.4T
    assert errata(r) == {"cost", "chinchilla_tokens"}


def test_llama2_13b_training_against_published_hours() -> None:
    r = scenario_results("llama-2-13b-training")
    _, _, hours, cost = _training_hand(13e9, 2e12, 64)
    assert value(r, "gpu_hours") == pytest.approx(hours)
    # Llama 2 model card: 368,640 A100-80GB GPU-hours for 13B (published-figures.csv A002)
    assert hours == pytest.approx(368_640, rel=0.10)
    assert value(r, "cost") == pytest.approx(cost)
    assert errata(r) == {"cost"}  # the seed's "$6M"


def test_training_memory_7b_seed_convention() -> None:
    r = scenario_results("training-memory-7b")
    assert value(r, "weights_memory") == 7e9 * 2
    assert value(r, "gradient_memory") == 7e9 * 4  # FP32 gradients in the seed's convention
    assert value(r, "optimizer_memory") == 7e9 * 12  # master + two moments
    assert value(r, "activation_memory") == pytest.approx(0.1 * 7e9 * 2)
    total = 7e9 * 18 + 0.1 * 7e9 * 2
    assert value(r, "training_memory") == pytest.approx(total)  # 127.4 GB
    assert total / GiB == pytest.approx(118.65, abs=0.01)  # the seed prints 118.3 "GB"
    assert errata(r) == {
        "weights_memory",
        "optimizer_memory",
        "gradient_memory",
        "activation_memory",
        "training_memory",
    }


def test_off_by_ten_redis_example_needs_seven_nodes() -> None:
    # 002 'Off-By-Ten Errors': "400 GB of RAM, which requires a 6-node Redis cluster at 64 GB per
    # node with 10% headroom". 400 × 1.1 / 64 = 6.9, so 7 nodes (6 × 64 = 384 GB < 400 GB).
    from botec.estimators.feature_store import NODES

    nodes = NODES.parsed.evaluate(
        {"feature_store_memory": 400e9, "headroom": 0.10, "node_memory": 64e9}
    )
    assert nodes == math.ceil(400 * 1.1 / 64) == 7
