"""Serving plan: fleet formulas by hand, the batch/TP search, the seeds' answers, CLI and errors."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from botec.cli import main
from botec.core.sheet import Sheet
from botec.run import run_scenario
from botec.scenario import scenario_from_dict
from botec.stages.plan import plan_steps


def _served(sheet: Sheet, batch: int = 256) -> dict:
    i = sheet.input
    return {
        "decode_step_time": i("decode_step", 0.020, "s", "step"),
        "prefill_roofline_time": i("prefill_roofline_time", 0.015, "s", "prefill"),
        "prefill_sync_time": i("prefill_sync_time", 0.0, "s", "sync"),
        "time_to_first_token": i("time_to_first_token", 0.025, "s", "ttft"),
        "output_tokens": i("output_tokens", 300, "tokens/req", "out"),
        "input_tokens": i("input_tokens", 1000, "tokens/req", "in"),
        # one sequence per request: the same lengths as the engine holds them
        "output_tokens_per_sequence": i("output_tokens_per_sequence", 300, "tokens/sequence", "o"),
        "input_tokens_per_sequence": i("input_tokens_per_sequence", 1000, "tokens/sequence", "i"),
        "batch": i("batch", batch, "sequences", "batch"),
        "tensor_parallel": i("tensor_parallel", 1, "GPUs", "tp"),
    }


def test_plan_formulas_by_hand() -> None:
    sheet = Sheet()
    served = _served(sheet)
    peak = sheet.input("peak_requests_per_second", 1e6 * 10 / 86400 * 3, "req/s", "peak")
    avg = sheet.input("total_requests_per_second", 1e6 * 10 / 86400, "req/s", "avg")
    price = sheet.input("usd_per_gpu_hour", 12.29, "USD/h", "price")
    headroom = (
        sheet.input("target_utilization", 0.7, "fraction", "target"),
        sheet.input("spare_replicas", 1, "replicas", "N+1"),
    )
    plan_steps(sheet, served, peak, avg, price, 2048, headroom)
    v = sheet.value
    # lifetime = 300 × 20 ms + 256 × 15 ms = 6 s + 3.84 s
    assert v("request_lifetime") == pytest.approx(9.84)
    assert v("replica_request_rate") == pytest.approx(256 / 9.84)
    share = 3.84 / 9.84
    assert v("prefill_share") == pytest.approx(share)
    # p50: below half the time prefilling there is no median queueing wait
    assert v("ttft_p50") == pytest.approx(0.025 + 0.010)
    # p99: M/M/1 tail wait s/(1 − ρ)·ln(ρ/0.01) on top of prefill and a whole decode step
    assert v("ttft_p99") == pytest.approx(
        0.025 + 0.020 + 0.015 / (1 - share) * math.log(share / 0.01)
    )
    assert v("tpot_p50") == pytest.approx(9.84 / 300)
    assert v("tpot_p99") == pytest.approx(0.020 + 0.015)  # 1,000-token prompt fits one chunk
    # at most 70% of each replica's 26.0 req/s at peak: ⌈347.2 / 18.2⌉ = ⌈19.07⌉ = 20, + 1 spare
    assert v("replicas") == math.ceil(347.222 / (256 / 9.84 * 0.7)) + 1 == 21
    assert v("serving_gpus") == 21
    assert v("fleet_load") == pytest.approx(115.741 / (21 * 256 / 9.84), rel=1e-4)
    assert v("serving_cost_per_month") == pytest.approx(21 * 12.29 * 720)
    tokens = 1e6 * 10 / 86400 * 300 * 30 * 86400  # 9e10 output tokens a month
    assert v("usd_per_million_output_tokens") == pytest.approx(21 * 12.29 * 720 / tokens * 1e6)


def test_chunked_prefill_bounds_the_worst_step() -> None:
    sheet = Sheet()
    served = _served(sheet, batch=16)
    one = sheet.input("one", 1.0, "req/s", "x")
    plan_steps(sheet, served, one, one, one, 250, (one, one))  # a 1,000-token prompt in 4 chunks
    # 16 prompts per lifetime of 300 steps: 0.8 ms of prefill a step on average, under a chunk's
    # 3.75 ms, so the worst step is a decode step plus one chunk
    assert sheet.value("tpot_p50") == pytest.approx((300 * 0.020 + 16 * 0.015) / 300)
    assert sheet.value("tpot_p99") == pytest.approx(0.020 + 0.015 / 4)


def test_the_worst_steps_carry_at_least_the_average_prefill() -> None:
    # 256 prompts per 300 steps: 12.8 ms of prefill a step on average, more than one 250-token
    # chunk (3.75 ms), so no step is as short as a decode step plus one chunk: p99 ≥ p50
    sheet = Sheet()
    one = sheet.input("one", 1.0, "req/s", "x")
    plan_steps(sheet, _served(sheet), one, one, one, 250, (one, one))
    assert sheet.value("tpot_p99") == pytest.approx((300 * 0.020 + 256 * 0.015) / 300)


@given(
    batch=st.integers(1, 4096),
    chunk=st.sampled_from([0, 256, 512, 2048, 8192]),
)
@settings(max_examples=60, deadline=None)
def test_tpot_p99_is_never_below_p50(batch: int, chunk: int) -> None:
    sheet = Sheet()
    one = sheet.input("one", 1.0, "req/s", "x")
    plan_steps(sheet, _served(sheet, batch=batch), one, one, one, chunk, (one, one))
    assert sheet.value("tpot_p99") >= sheet.value("tpot_p50")


def _scenario(**plan: object) -> dict:
    return {
        "title": "plan",
        "users": {"requests_per_second": 50, "peak_factor": 2},
        "serving": {
            "model": "llama-3.1-8b",
            "gpu": "h100-sxm",
            "precision": "bf16",
            "input_tokens": 1000,
            "output_tokens": 300,
        },
        "serving_plan": plan,
    }


def _run(data: dict) -> Sheet:
    return run_scenario(scenario_from_dict(data))


def test_plan_picks_a_batch_that_meets_targets_and_sizes_for_peak() -> None:
    sheet = _run(_scenario(tpot_p99="60 ms", ttft_p99="2 s"))
    assert sheet.value("tpot_p99") <= 0.060
    assert sheet.value("ttft_p99") <= 2.0
    batch = sheet.value("batch")
    assert 1 <= batch <= min(256, sheet.value("max_batch"))
    # replicas = ceil(peak / (rate × 70%)): at peak no replica carries over 70% of its rate,
    # and one replica fewer would
    rate = sheet.value("replica_request_rate") * 0.7
    assert sheet.value("replicas") * rate >= 100
    assert (sheet.value("replicas") - 1) * rate < 100
    assert any("Chosen:" in n.text for n in sheet.notes)


def test_tighter_tpot_target_means_smaller_batch() -> None:
    loose = _run(_scenario(tpot_p99="200 ms", tensor_parallel=1))
    tight = _run(_scenario(tpot_p99="25 ms", tensor_parallel=1))
    assert tight.value("batch") < loose.value("batch")
    assert tight.value("serving_gpus") >= loose.value("serving_gpus")


@settings(max_examples=8, deadline=None)
@given(st.floats(min_value=0.02, max_value=0.2))
def test_a_tighter_target_never_makes_the_plan_cheaper(tpot: float) -> None:
    loose = _run(_scenario(tpot_p99=tpot * 1.5, tensor_parallel=1))
    tight = _run(_scenario(tpot_p99=tpot, tensor_parallel=1))
    if any(n.level == "bad" for n in tight.notes):
        return  # nothing meets the tighter target
    assert tight.value("serving_cost_per_month") >= loose.value("serving_cost_per_month")


def test_unreachable_target_is_said_not_hidden() -> None:
    sheet = _run(_scenario(tpot_p99="1 ms"))
    bad = [n.text for n in sheet.notes if n.level == "bad"]
    assert bad and "No option meets the targets" in bad[0] and "TPOT p99" in bad[0]


def test_seed_methods_bracket_the_plan() -> None:
    """Seed 000 (compute-bound at peak) needs far fewer GPUs; seed 002 (batch 1) far more."""
    sheet = _run(_scenario(tpot_p99="60 ms", tensor_parallel=1))
    plan = sheet.value("serving_gpus")
    assert sheet.value("seed_compute_bound_gpus") < plan < sheet.value("seed_memory_bound_replicas")
    # seed 000 by hand: 2 × 8.03B × 300 tokens / 989 TFLOP/s = 4.87 ms → 205 req/s per GPU
    assert sheet.value("seed_compute_bound_time") == pytest.approx(
        2 * 8_030_261_248 * 300 / 989e12, rel=1e-3
    )


def test_comparison_table_lists_every_option() -> None:
    sheet = _run(
        _scenario(tpot_p99="60 ms", compare_gpus=["a100-80gb", "l4"], compare_precisions=["fp8"])
    )
    table = sheet.tables[0]  # the comparison comes first (the launch settings after it)
    assert len(table.rows) == 6  # 3 GPUs × 2 precisions
    verdicts = [r[-1] for r in table.rows]
    assert verdicts.count("chosen") == 1
    # The A100 has no FP8 tensor cores: its FP8 option is planned with the weights dequantised
    # (read at 1 byte, multiplied at the FP16 peak), not refused.
    a100_fp8 = [r for r in table.rows if r[0].startswith("NVIDIA A100") and r[1] == "fp8"]
    assert a100_fp8 and a100_fp8[0][3] != "–"


def test_cli_plan_json_contract() -> None:
    res = CliRunner().invoke(
        main,
        [
            "plan",
            "--model",
            "llama-3.1-8b",
            "--gpu",
            "h100-sxm,l40s",
            "--precision",
            "bf16",
            "--qps",
            "20",
            "--input-tokens",
            "1000",
            "--output-tokens",
            "300",
            "--ttft-p99",
            "2s",
            "--tpot-p99",
            "60ms",
            "--samples",
            "500",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    r = data["results"]
    for name, unit in [
        ("serving_gpus", "GPUs"),
        ("serving_cost_per_month", "USD/month"),
        ("usd_per_million_output_tokens", "USD/Mtoken"),
        ("ttft_p99", "s"),
        ("tpot_p99", "s"),
        ("replicas", "replicas"),
    ]:
        assert r[name]["unit"] == unit
        assert r[name]["p5"] <= r[name]["p50"] <= r[name]["p95"]
    assert data["tables"][0]["header"][0] == "GPU"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--model", "llama-3.1-8b"], "--qps/--dau"),
        (["--model", "llama-3.1-8b", "--qps", "-3"], "--qps"),
        (["--model", "llama-3.1-8b", "--qps", "5", "--tpot-p99", "fast"], "--tpot-p99"),
        (["--model", "llama-3.1-8b", "--qps", "5", "--tpot-p99", "1 to 2 s"], "--tpot-p99"),
        (["--model", "llama-3.1-8b", "--qps", "5", "--gpu", "h100-sxm,h900"], "h900"),
    ],
)
def test_cli_plan_bad_input(args: list[str], needle: str) -> None:
    res = CliRunner().invoke(main, ["plan", *args])
    assert res.exit_code == 2, res.output
    assert needle in res.output
    assert "Traceback" not in res.output


def test_plan_needs_traffic_and_a_serving_section() -> None:
    from botec.core.errors import BotecInputError

    data = _scenario()
    del data["users"]
    with pytest.raises(BotecInputError, match="no traffic"):
        _run(data)
    data = _scenario()
    del data["serving"]
    with pytest.raises(BotecInputError, match="serving"):
        _run(data)


def test_bundled_plan_scenario() -> None:
    from botec.examples import example_path
    from botec.scenario import load_scenario

    sheet = run_scenario(load_scenario(example_path("llm-serving-plan")))
    # 100K MAU × 30% × 5 requests / 86,400 s × 3 = 5.21 req/s at peak (seed 002's traffic)
    assert sheet.value("peak_requests_per_second") == pytest.approx(1e5 * 0.3 * 5 / 86400 * 3)
    assert sheet.value("tpot_p99") <= 0.050 and sheet.value("ttft_p99") <= 1.0


def test_the_plan_tries_batches_up_to_the_engines_own_cap() -> None:
    # llama.cpp runs one slot unless told: the plan's batches stop at 1 (cap 1), where vLLM's
    # 256 applies to the generic engine; a stated --max-batch wins over either.
    def chosen(*args: str) -> str:
        result = CliRunner().invoke(
            main, ["plan", "--model", "llama-3.1-8b", "--qps", "10", "--samples", "0", *args]
        )
        assert result.exit_code == 0, result.output
        return next(line for line in result.output.splitlines() if "Chosen:" in line)

    assert "batch 1 (of" in chosen("--engine", "llama.cpp") and "cap 1)" in chosen(
        "--engine", "llama.cpp"
    )
    assert "cap 256)" in chosen()
    assert "cap 8)" in chosen("--engine", "llama.cpp", "--max-batch", "8")


def test_n_plus_one_and_a_stated_target_utilisation_through_the_cli() -> None:
    # Half the load of the 70% default: twice the replicas before rounding; N+1 adds one.
    def replicas(*extra: str) -> float:
        out = CliRunner().invoke(
            main,
            ["plan", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--qps", "50",
             "--peak-factor", "2", "--samples", "0", "--format", "json", *extra],
        )  # fmt: skip
        r = json.loads(out.stdout)["results"]
        return r["replicas"]["value"], r["replica_request_rate"]["value"]

    n, rate = replicas("--target-utilization", "35%", "--spare-replicas", "1")
    assert n == math.ceil(100 / (rate * 0.35)) + 1
    n, rate = replicas()
    assert n == math.ceil(100 / (rate * 0.70))


def test_the_plan_takes_the_largest_prefill_chunk_that_meets_the_targets() -> None:
    # Each chunk after the first costs the prompt a decode step of waiting (chunked prefill
    # spreads it over steps that also decode the batch), and the worst step carries one chunk's
    # prefill: TTFT p99 += (⌈input / chunk⌉ − 1) × step, TPOT p99 = step + prefill × chunk / input.
    sheet = Sheet()
    # 1,000-token prompts, a 20 ms step, 15 ms of prefill per prompt; 16 in flight, so a step
    # carries less than a chunk's prefill on average (TPOT p99 is never below p50)
    served = _served(sheet, batch=16)
    one = sheet.input("one", 1.0, "req/s", "x")
    got = plan_steps(sheet, served, one, one, one, 256, (one, one))
    base = plan_steps(Sheet(), _served(Sheet(), batch=16), one, one, one, 0, (one, one))
    assert float(got["ttft_p99"]) == pytest.approx(float(base["ttft_p99"]) + 3 * 0.020)
    assert float(got["tpot_p99"]) == pytest.approx(0.020 + 0.015 * 256 / 1000)

    # A 70B model with 8,000-token prompts: unchunked, a step carrying a whole prompt breaks a
    # 40 ms TPOT p99; the search settles on the largest chunk that meets both targets.
    data = _scenario(ttft_p99="3 s", tpot_p99="40 ms")
    data["serving"] = {**data["serving"], "model": "llama-3.1-70b", "gpu": "h100-sxm",
                       "precision": "fp8", "input_tokens": 8000}  # fmt: skip
    data["serving_plan"]["tensor_parallel"] = 8
    chosen = _run(data)
    chunk = chosen.value("prefill_chunk_tokens")
    assert chunk < 8000 and chosen.value("tpot_p99") <= 0.040 and chosen.value("ttft_p99") <= 3
    # the next larger chunk would break the TPOT target (or the plan would have taken it)
    step, prefill = chosen.value("batch_decode_step_time"), chosen.value("prefill_gpu_time")
    assert step + prefill * min(1, 2 * chunk / 8000) > 0.040
    # a stated chunk is kept (without the TPOT target it breaks: a plan that meets no target
    # sizes no fleet and records no chunk)
    data["serving_plan"]["prefill_chunk_tokens"] = 4096
    del data["serving_plan"]["tpot_p99"]
    assert _run(data).value("prefill_chunk_tokens") == 4096


def test_an_option_that_misses_the_targets_has_no_fleet_size() -> None:
    sheet = _run(_scenario(tpot_p99="1 ms", compare_gpus=["l40s"]))  # nothing meets 1 ms
    table = next(t for t in sheet.tables if t.title.startswith("Options compared"))
    gpus = table.header.index("GPUs")
    assert all(row[gpus] == "–" for row in table.rows)


def test_cost_per_million_tokens_in_and_out_when_always_busy_by_hand() -> None:
    # The hand scenario: one GPU at $12.29/h serving 256 / 9.84 s = 26.0 requests a second of
    # 1,000 prompt + 300 answer tokens: 12.29 / 3,600 / (26.0 × 1,300) × 1e6 = $0.101 per
    # million tokens, the figure to set beside a hosted API's per-token price.
    sheet = Sheet()
    served = _served(sheet)
    one = sheet.input("one", 1.0, "req/s", "x")
    price = sheet.input("usd_per_gpu_hour", 12.29, "USD/h", "price")
    plan_steps(sheet, served, one, one, price, 2048, (one, one))
    expected = 12.29 / 3600 / (256 / 9.84 * 1300) * 1e6
    assert sheet.value("usd_per_million_tokens_at_full_load") == pytest.approx(expected)


def test_a_plan_whose_options_are_all_unpriced_chooses_none_and_says_why() -> None:
    # Gaudi 3 and T4 have no price on the market basis: options that meet the targets are
    # listed with their fewest-GPU layout, none is marked chosen, and the verdict asks for a price
    import botec

    sheet = botec.plan(model="llama-3.2-3b", gpu="gaudi3,t4", qps=100, ttft_p99="1s",
                       tpot_p99="50ms", engine="vllm", samples=0)  # fmt: skip
    verdict = next(n.text for n in sheet.notes if n.verdict and n.level == "bad")
    assert "meet the targets but have no price" in verdict
    table = next(t for t in sheet.tables if t.title.startswith("Options compared"))
    assert not any(row[-1] == "chosen" for row in table.rows)
    gaudi = next(row for row in table.rows if row[0].startswith("Intel Gaudi 3"))
    priced = botec.plan(model="llama-3.2-3b", gpu="gaudi3", qps=100, ttft_p99="1s",
                        tpot_p99="50ms", engine="vllm", price="$3/h", samples=0)  # fmt: skip
    # with a price the same GPU's cheapest layout is its fewest GPUs (one price per GPU-hour)
    assert gaudi[2] == str(int(priced["tensor_parallel"].value))


def test_a_device_or_format_named_twice_is_one_option() -> None:
    # h100 is an alias of h100-sxm and half of fp16: two GPUs' names and four formats' name one
    # GPU and three formats, so three options
    import botec

    sheet = botec.plan(model="llama-2-7b", qps=5, gpu="h100-sxm,h100",
                       precision="fp16,q4_k_m,half,fp8", samples=0)  # fmt: skip
    table = next(t for t in sheet.tables if t.title.startswith("Options compared"))
    assert sorted(row[1] for row in table.rows) == ["fp16", "fp8", "q4_k_m"]
