"""Sweeps, hardware comparison and charts from the command line.

Expected numbers are hand calculations written here: training cost = 6·P·D / (N · peak · MFU)
seconds × N GPUs × price per hour / 3600.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT, cli
from hypothesis import given, settings
from hypothesis import strategies as st

from botec.analysis.sweep import parse_vary, run_sweep
from botec.commands import compare as botec_compare
from botec.commands import report
from botec.core.errors import BotecInputError
from botec.core.units import format_quantity
from botec.run import run_scenario
from botec.scenario import scenario_from_dict

A100_BF16 = 312e12


def _train_cost(params: float, tokens: float, gpus: int = 64, mfu: float = 0.4) -> float:
    seconds = 6 * params * tokens / (gpus * A100_BF16 * mfu)
    return seconds / 3600 * gpus * 2.0


TRAIN = {
    "training": {
        "params": "10B",
        "tokens": "200B",
        "gpus": 64,
        "mfu": "40%",
        "usd_per_gpu_hour": 2,
    }
}


def _copy(data: dict) -> dict:
    return json.loads(json.dumps(data))


def test_log_grid_of_the_training_cost_matches_hand_calculation() -> None:
    data = _copy(TRAIN)
    axis = parse_vary("params=1B..100B:3", data)
    assert axis.numeric and axis.values == pytest.approx([1e9, 1e10, 1e11])
    result = run_sweep(data, [axis], ["cost"])
    assert result.rows == 3
    for params, cost in zip(result.columns["params"], result.columns["cost"], strict=True):
        assert cost == pytest.approx(_train_cost(params, 200e9))
    # Seed 002 Q1's $53,400 sits in the middle of the grid
    assert result.columns["cost"][1] == pytest.approx(53_418, rel=1e-3)


def test_two_numeric_axes_and_a_categorical_one_make_the_full_grid() -> None:
    data = _copy(TRAIN)
    axes = [
        parse_vary("params=1B,10B", data),
        parse_vary("tokens=100B..200B:3", data),
        parse_vary("gpus=32,64", data),
    ]
    assert [a.numeric for a in axes] == [True, True, False]
    result = run_sweep(data, axes, ["cost", "wall_clock"])
    assert result.rows == 2 * 3 * 2
    for row in result.records():
        n = row["gpus"]
        assert row["cost"] == pytest.approx(_train_cost(row["params"], row["tokens"], n))
        seconds = 6 * row["params"] * row["tokens"] / (n * A100_BF16 * 0.4)
        assert row["wall_clock"] == pytest.approx(seconds)


@settings(max_examples=15, deadline=None)
@given(
    st.floats(1e3, 1e8),
    st.floats(1.5, 100.0),
    st.sampled_from(["a100-80gb", "h100-sxm", "l4"]),
)
def test_vectorised_sweep_equals_one_scalar_run_per_point(
    low: float, span: float, gpu: str
) -> None:
    data = {
        "users": {"daily_active_users": 1e6, "requests_per_user_per_day": 10, "peak_factor": 3},
        "requests": {"output_tokens": 300, "prompt_tokens": 700},
        "model": {"params": "7B", "layers": 32, "kv_heads": 8, "head_dim": 128},
        "inference": {"gpu": gpu},
        "cost": {},
    }
    axis = parse_vary(f"dau={low!r}..{low * span!r}:4", data)
    result = run_sweep(data, [axis], ["realistic_gpus_required", "total_monthly_cost"])
    for row in result.records():
        point = _copy(data)
        point["users"]["daily_active_users"] = row["dau"]
        sheet = run_scenario(scenario_from_dict(point))
        assert row["realistic_gpus_required"] == sheet.value("realistic_gpus_required")
        assert row["total_monthly_cost"] == pytest.approx(sheet.value("total_monthly_cost"))


def test_grid_that_crosses_a_branch_is_redone_point_by_point() -> None:
    # A 60B model in FP16 (120 GB) does not fit on a 24 GB L4, so the roofline stops there; the
    # grid's middle point (7.7B, 15.5 GB) fits. The vectorised pass follows the middle point, the
    # corner check catches the difference and the pass is evaluated one point at a time.
    data = {
        "users": {"daily_active_users": "1M", "requests_per_user_per_day": 10},
        "requests": {"output_tokens": 500},
        "model": {"params": "3B"},
        "inference": {"gpu": "l4"},
    }
    result = run_sweep(data, [parse_vary("params=1B..60B:3", data)], ["realistic_gpus_required"])
    gpus = result.columns["realistic_gpus_required"]
    assert result.pointwise_passes == 1
    assert not math.isnan(gpus[0]) and math.isnan(gpus[2])


@pytest.mark.parametrize(
    ("vary", "allowed"),
    [
        ("dau", "NAME=LOW..HIGH"),
        ("colour=red", "a short name"),
        ("tokens=1B..10B", "a field of a section this scenario has"),
        ("params=100B..1B", "LOW < HIGH"),
        ("params=1B..2B:1", "between 2 and"),
    ],
)
def test_bad_vary_names_what_is_allowed(vary: str, allowed: str) -> None:
    data = {"model": {"params": "7B"}}
    with pytest.raises(BotecInputError) as info:
        parse_vary(vary, data)
    assert allowed in str(info.value)


def test_sweep_value_out_of_bounds_is_refused() -> None:
    data = _copy(TRAIN)
    with pytest.raises(BotecInputError) as info:
        run_sweep(data, [parse_vary("mfu=50%..150%", data)], ["cost"])
    assert info.value.field == "training.mfu"


def test_sweep_cli_exports_csv_with_units_in_the_header(tmp_path: Path) -> None:
    scenario = tmp_path / "train.toml"
    scenario.write_text(
        '[training]\nparams = "10B"\ntokens = "200B"\ngpus = 64\nmfu = "40%"\n'
        "usd_per_gpu_hour = 2\n",
        encoding="utf-8",
    )
    plot = tmp_path / "curves.png"
    code, out, err = cli(
        "sweep", str(scenario), "--vary", "params=1B..100B:3", "--vary", "gpu=a100-80gb,h100-sxm",
        "--result", "cost", "--format", "csv", "--plot", str(plot),
    )  # fmt: skip
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["params [params]", "gpu", "cost [USD]"]  # every numeric column has its unit
    assert len(rows) == 1 + 3 * 2
    assert float(rows[2][2]) == pytest.approx(53_418, rel=1e-3)  # 10B on A100
    assert plot.read_bytes()[:4] == b"\x89PNG"
    code, _, err = cli("sweep", str(scenario), "--vary", "params=1B..2B", "--plot", str(plot))
    assert code == 2 and "--force" in err  # an existing chart is never overwritten silently


def test_sweep_html_is_one_page_with_the_curves_inline(tmp_path: Path) -> None:
    scenario = tmp_path / "train.toml"
    scenario.write_text('[training]\nparams = "10B"\ntokens = "200B"\n', encoding="utf-8")
    code, out, err = cli("sweep", str(scenario), "--vary", "params=1B..100B", "--format", "html")
    assert code == 0, err
    assert out.startswith("<!doctype html>") and out.count("<svg") == 1
    assert "<script" not in out and "<link" not in out
    assert "Training wall-clock time" in out and "days" in out


# -- compare ---------------------------------------------------------------------------------------

SMARTPAL = str(ROOT / "scenarios" / "smartpal.toml")


def test_compare_names_the_binding_constraint_by_hand_calculation() -> None:
    # SmartPal, 3B FP16 (Llama 3.2 3B shape: 28 layers, 24 heads of 128), 256 sequences of
    # 1,000 tokens, KV 114,688 B/token (28·8·128·2·2), mean decode context 750 tokens.
    # A100 80GB: memory reads (6 GB of weights + 256·750·114,688 B of KV cache) / (2.039 TB/s ·
    # 0.7) = 19.6 ms beat the compute side (2·3e9·256 + 4·28·3,072·750·256 FLOPs of matmuls and
    # attention) / (312e12 · 0.5 · 0.869 / √(0.869 · 0.803)) = 9.87 ms (50% scaled by the A100's
    # best-matmul share, D076, over the A100/H100 reference D076/D078): bandwidth binds.
    # L4 (23,570,219,008 B as CUDA sees it, deviceQuery in thamada/nvidia-smi; sold as 24 GB):
    # floor((23.57 GB·0.9 − 1.5 GB workspace − 6 GB) / (114,688 B · 1,000)) = 119 < 256: memory.
    eff = 0.5 * 0.869 / math.sqrt(0.869 * 0.803)
    memory_s = (6e9 + 256 * 750 * 114_688) / (2.039e12 * 0.7)
    compute_s = (2 * 3e9 * 256 + 4 * 28 * 3072 * 750 * 256) / (312e12 * eff)
    assert f"{memory_s * 1e3:.3g} ms" == "19.6 ms" and f"{compute_s * 1e3:.3g} ms" == "9.87 ms"
    assert math.floor((23_570_219_008 * 0.9 - 1.5e9 - 6e9) / (114_688 * 1000)) == 119
    code, out, err = cli("compare", SMARTPAL, "--gpu", "a100-80gb,l4", "--format", "json")
    assert code == 0, err
    ranked = {row["gpu"]: row for row in json.loads(out)}
    assert ranked["a100-80gb"]["binds"] == "bandwidth"
    assert "19.6 ms" in ranked["a100-80gb"]["why"] and "9.87 ms" in ranked["a100-80gb"]["why"]
    assert ranked["l4"]["binds"] == "memory" and "119 sequences" in ranked["l4"]["why"]
    costs = [row["cost"]["p50"] for row in json.loads(out)]
    assert costs == sorted(costs)


def test_a_model_split_over_its_plan_s_gpus_is_not_memory_bound_by_its_whole_weights(
    tmp_path: Path,
) -> None:
    # Llama 3.1 70B in FP16 is 141 GB of weights: more than one H200's 141 GB (as sold; 150 GB
    # as CUDA sees it) or one H100's, but the plans split it over 4 and 8 GPUs (35-18 GB each).
    # "Binds: memory, weights 141 GB exceed one GPU's 141 GB" was the whole model against one
    # GPU's as-sold memory.
    scenario = tmp_path / "70b.toml"
    scenario.write_text(
        "[users]\nrequests_per_second = 2\n[serving]\nmodel = 'llama-3.1-70b'\n"
        "gpu = 'h100-sxm'\nprecision = 'fp16'\ninput_tokens = 1000\noutput_tokens = 300\n"
        "engine = 'vllm'\n[serving_plan]\nttft_p99 = '2 s'\ntpot_p99 = '100 ms'\n"
    )
    code, out, err = cli(
        "compare", str(scenario), "--gpu", "h100-sxm,h200", "--samples", "0", "--format", "json"
    )
    assert code == 0, err
    for row in json.loads(out):
        assert row["binds"] != "memory" or "weights" not in row["why"], row


def _compare_rows(scenario: str, gpus: str) -> dict[str, Any]:
    """compare's JSON rows for a bundled scenario, by GPU."""
    code, out, err = cli(
        "compare", str(ROOT / "scenarios" / f"{scenario}.toml"), "--gpu", gpus,
        "--samples", "0", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    return {row["gpu"]: row for row in json.loads(out)}


def test_a_price_the_scenario_states_is_for_its_own_gpu_only() -> None:
    # train-70b-budget pays $2 per A100-hour. On an H100 that price no longer holds: the H100
    # costs its own market price (gpu_hours × the basis's rate), and an A10G with no market
    # price is not ranked, where both used to be billed at $2/h and the A10G ranked.
    from botec.catalog import gpu_prices as gp
    from botec.catalog import load_catalog

    rows = _compare_rows("train-70b-budget", "a100-80gb,h100-sxm,a10g")
    a100 = rows["a100-80gb"]  # the scenario's own GPU keeps its $2/h: 256 GPUs × hours × $2
    assert a100["cost"]["value"] == pytest.approx(2 * 256 * a100["latency"]["value"] / 3600)
    h100_rate = gp.gpu_rate(load_catalog(), "h100-sxm", "market").usd_per_hour
    h100 = rows["h100-sxm"]
    assert h100["cost"]["value"] == pytest.approx(h100_rate * 256 * h100["latency"]["value"] / 3600)
    assert rows["a10g"]["rank"] is None and rows["a10g"]["binds"] == "price"


def test_a_bandwidth_the_scenario_states_is_for_its_own_gpu_only() -> None:
    # llama-7b-a100-throughput pins the seed's 2,000 GB/s (an A100). Compared on an L4 and an
    # H100 each must read the 14 GB of FP16 weights at its own bandwidth (all three tied at
    # 7.0 ms before): L4 14e9 / 300e9 = 46.7 ms, H100 14e9 / 3.35e12 = 4.18 ms.
    rows = _compare_rows("llama-7b-a100-throughput", "a100-80gb,h100-sxm,l4")
    assert rows["a100-80gb"]["latency"]["value"] == pytest.approx(14e9 / 2000e9)
    assert rows["l4"]["latency"]["value"] == pytest.approx(14e9 / 300e9)
    assert rows["h100-sxm"]["latency"]["value"] == pytest.approx(14e9 / 3.35e12)
    assert rows["a100-80gb"]["dropped_settings"] == []
    assert rows["l4"]["dropped_settings"] == ["inference.memory_bandwidth = 2000 GB/s"]
    code, text, err = cli(
        "compare", str(ROOT / "scenarios" / "llama-7b-a100-throughput.toml"),
        "--gpu", "a100-80gb,l4", "--samples", "0",
    )  # fmt: skip
    assert code == 0, err
    assert "Set for the scenario's own GPU: inference.memory_bandwidth = 2000 GB/s" in text


def test_sweep_over_gpus_drops_the_own_gpu_settings_as_compare_does() -> None:
    # gpt3-175b-serving: 350 GB of FP16 weights over a TP-8 replica, the seed's 2 TB/s and
    # $3.5/h pinned for its A100. An H100 row reads at 8 × 3.35 TB/s: 350e9 / 26.8e12 = 13.1 ms,
    # and is billed at its own market price ($2.95/h, not the A100's $3.5/h: compare's basis)
    # for 30 days × 24 h.
    from botec.catalog import gpu_prices as gp
    from botec.catalog import load_catalog

    code, out, err = cli(
        "sweep", str(ROOT / "scenarios" / "gpt3-175b-serving.toml"),
        "--vary", "gpu=a100-80gb,h100-sxm",
        "--result", "time_per_token,total_gpus,gpu_cost_per_month", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    rows = {r["gpu"]: r for r in data["rows"]}
    assert rows["a100-80gb"]["time_per_token"] == pytest.approx(350e9 / (8 * 2e12))
    assert rows["h100-sxm"]["time_per_token"] == pytest.approx(350e9 / (8 * 3.35e12))
    rate = gp.gpu_rate(load_catalog(), "h100-sxm", "market").usd_per_hour
    assert abs(rate - 3.5) > 0.3  # the two bases differ enough to tell apart
    gpus = rows["h100-sxm"]["total_gpus"]
    assert rows["h100-sxm"]["gpu_cost_per_month"] == pytest.approx(gpus * rate * 720)
    assert rows["a100-80gb"]["gpu_cost_per_month"] == pytest.approx(
        rows["a100-80gb"]["total_gpus"] * 3.5 * 720
    )
    assert "cost.usd_per_gpu_hour = $3.5/h" in data["dropped_settings"]


def test_compare_budget_binds_when_over_it_and_unpriced_gpu_is_explained() -> None:
    code, out, _ = cli(
        "compare", SMARTPAL, "--gpu", "a100-80gb", "--budget", "$1000", "--format", "json"
    )
    assert code == 0 and json.loads(out)[0]["binds"] == "budget"
    # T4 has no market price: ranking it on the rest of the bill would be a silent wrong row
    code, _, err = cli("compare", SMARTPAL, "--gpu", "t4")
    assert code == 2 and "--gpu" in err and "usd_per_gpu_hour" in err and "aws-on-demand" in err


PLAN = str(ROOT / "scenarios" / "llm-serving-plan.toml")
# Market rental medians per GPU-hour (catalog gpu_prices.toml, 2026-08); botec's month is 720 h.
MARKET = {"a100-80gb": 1.715, "h100-sxm": 2.95, "l4": 0.49}


def test_compare_ranks_prints_and_exports_the_median() -> None:
    # One figure per column in every format: the median of the draws, which the rank follows;
    # the nominal point is exported too, named as such. A fleet's bill is GPUs × price × 720 h,
    # at the median as at the nominal point.
    code, out, err = cli("compare", PLAN, "--gpu", "h100-sxm,a100-80gb,l4", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    medians = [float(r["cost_p50"]) for r in rows]
    assert medians == sorted(medians)
    for r in rows:
        hourly = MARKET[r["gpu"]] * 720
        assert float(r["cost_p50"]) == pytest.approx(float(r["gpus_p50"]) * hourly)
        assert float(r["cost"]) == pytest.approx(float(r["gpus"]) * hourly)
        assert float(r["cost_p5"]) <= float(r["cost_p50"]) <= float(r["cost_p95"])
    _, js, _ = cli("compare", PLAN, "--gpu", "h100-sxm,a100-80gb,l4", "--format", "json")
    assert [(o["gpu"], o["cost"]["p50"]) for o in json.loads(js)] == [
        (r["gpu"], float(r["cost_p50"])) for r in rows
    ]
    _, text, _ = cli("compare", PLAN, "--gpu", "h100-sxm,a100-80gb,l4")
    best = next(line for line in text.splitlines() if "│    1 │" in line)
    assert format_quantity(medians[0], "USD/month") in best


def test_compare_says_where_the_nominal_point_orders_gpus_otherwise() -> None:
    # At the nominal inputs the plan sizes 1 H100 (1 × $2.95 × 720 h = $2,124) and 2 A100s
    # (2 × $1.715 × 720 h = $2,469.60): the H100 is cheaper there, which is where `report`'s
    # [serving_plan] chooses; compare ranks by the median, and must say the two differ.
    code, out, err = cli("compare", PLAN, "--gpu", "h100-sxm,a100-80gb", "--format", "csv")
    assert code == 0, err
    rows = {r["gpu"]: r for r in csv.DictReader(io.StringIO(out))}
    assert float(rows["h100-sxm"]["cost"]) == pytest.approx(1 * 2.95 * 720)
    assert float(rows["a100-80gb"]["cost"]) == pytest.approx(2 * 1.715 * 720)
    chosen = next(n.text for n in report(PLAN, samples=0).notes if n.text.startswith("Chosen"))
    assert chosen.startswith("Chosen: NVIDIA H100 SXM")
    # By the median of the draws the order flips (A100 first): the text says so, naming both.
    assert rows["a100-80gb"]["rank"] == "1" and rows["h100-sxm"]["rank"] == "2"
    assert float(rows["a100-80gb"]["cost_p50"]) < float(rows["h100-sxm"]["cost_p50"])
    _, text, _ = cli("compare", PLAN, "--gpu", "h100-sxm,a100-80gb")
    note = " ".join(text.split())
    assert "At the nominal inputs (the point at which a [serving_plan] chooses" in note
    assert "NVIDIA H100 SXM comes first instead: $2,120/month against $2,470/month" in note


def test_ranking_follows_the_median_not_the_nominal_point() -> None:
    # Two options whose nominal points and medians order them oppositely: A costs $100 at the
    # nominal point but $300 at the median of its draws (100, 300, 300), B $50 and $400.
    from botec.analysis.compare import Option, nominal_note, rank_options
    from botec.catalog import load_catalog
    from botec.core.sheet import Sheet, Value
    from botec.report.compare_view import render_compare

    def option(gpu: str, nominal: float, draws: list[float]) -> Option:
        cost = Value("cost", nominal, "USD", "Cost", "step", samples=np.array(draws))
        return Option(gpu, gpu.upper(), Sheet(), None, cost, None, "compute", "FLOPs")

    ranked = rank_options(
        [option("b", 50, [50, 400, 400]), option("a", 100, [100, 300, 300])], None, load_catalog()
    )
    assert [(o.gpu, o.rank) for o in ranked] == [("a", 1), ("b", 2)]
    rows = list(csv.DictReader(io.StringIO(render_compare(ranked, "csv"))))
    assert [(r["cost_p50"], r["cost"]) for r in rows] == [
        ("300.0", "100.0"), ("400.0", "50.0"),
    ]  # fmt: skip
    assert "B comes first instead: $50.0 against $100" in nominal_note(ranked)
    assert "| 1 | A | — | $300 (" in render_compare(ranked, "markdown")  # the median first


def test_one_header_per_column_and_the_budget_names_the_cost_shown() -> None:
    # Training rows carry the GPU's name in their count's title ('AMD Instinct MI300X GPUs'):
    # the column header must not be one row's.
    code, out, err = cli(
        "compare", str(ROOT / "scenarios" / "two-million-llm.toml"),
        "--gpu", "h100-sxm,a100-80gb,b200,rtx-4090,l4,mi300x", "--format", "markdown",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0].split(" | ")[2] == "GPUs"
    assert "MI300X GPUs" not in out.splitlines()[0]
    _, table, _ = cli(
        "compare", str(ROOT / "scenarios" / "two-million-llm.toml"),
        "--gpu", "h100-sxm,a100-80gb,b200,rtx-4090,l4,mi300x", "--format", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["rank"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    costs = [float(r["cost_p50"]) for r in rows]
    assert costs == sorted(costs)
    # 10B params on 200B tokens over 64 A100s at $2/h; MFU 40% nominal, a lognormal 20% – 60%
    # (90% range) whose median is √(0.2 × 0.6) = 34.64%. Cost ∝ 1/MFU, so its median is
    # $53,418 × 0.4 / 0.3464 = $61,682: over a $55K budget though the nominal $53,418 is under.
    scenario = {"training": {**TRAIN["training"], "mfu": "40% (20% to 60%)"}}
    assert _train_cost(10e9, 200e9) == pytest.approx(53_418, rel=1e-4)
    median = _train_cost(10e9, 200e9, mfu=math.sqrt(0.2 * 0.6))
    assert median == pytest.approx(61_682, rel=1e-4)
    (option,) = botec_compare(scenario, gpus="a100-80gb", budget="$55K")
    assert option.cost is not None
    assert option.cost.percentiles()[1] == pytest.approx(median, rel=0.02)  # 10,000 draws
    assert option.binding == "budget"
    figure = option.why.split(" is over the budget")[0]
    assert figure == format_quantity(option.cost.percentiles()[1], "USD")


def test_unpriced_gpu_is_not_ranked_and_says_it_has_no_price() -> None:
    # The T4 has no market rental price (catalog: only AWS lists it): the plan cannot price a
    # fleet, so the row has no cost, no rank, and says so rather than 'nothing runs on the GPU'.
    code, out, err = cli("compare", PLAN, "--gpu", "t4,h100-sxm", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["gpu"], r["rank"]) for r in rows] == [("h100-sxm", 1), ("t4", None)]
    t4 = rows[1]
    assert t4["cost"] is None and t4["binds"] == "price"
    assert t4["why"].startswith("not ranked: no price for NVIDIA T4 on the market rental median")
    assert "aws-on-demand" in t4["why"] and "nothing in this scenario" not in t4["why"]


def test_weights_that_need_more_gpus_than_a_replica_has_are_not_feasible() -> None:
    # GPT-3 175B in FP16 is 350 GB, sharded over 8 GPUs per replica. An L4 as CUDA sees it holds
    # 23,570,219,008 B: ⌈350e9 / 23.57e9⌉ = 15 GPUs > 8. An H100 (85.0 GB available): 5 ≤ 8.
    assert math.ceil(350e9 / 23_570_219_008) == 15
    options = botec_compare(
        ROOT / "scenarios" / "gpt3-175b-serving.toml", gpus="l4,h100-sxm", samples=0
    )
    assert [(o.gpu, o.rank, o.feasible) for o in options] == [
        ("h100-sxm", 1, True), ("l4", None, False),
    ]  # fmt: skip
    l4 = options[1]
    assert l4.cost is None and l4.gpus is None and l4.binding == "memory"
    assert l4.why == "not feasible: the weights need at least 15 of these GPUs; a replica has 8"


def test_gpus_a_stated_rate_makes_equal_share_a_rank() -> None:
    # The scenario states 600 batched tokens/s per GPU, bills the batched count, at $3/h:
    # 2,604 tokens/s at peak need ⌈4.34⌉ = 5 GPUs on any GPU, 5 × $3 × 720 h = $10,800/month.
    # Neither GPU is cheaper, and the GPU column is the count the bill pays for (not the 18
    # unbatched GPUs, which no figure in the row is computed from).
    assert math.ceil(100_000 * 0.3 * 5 / 86_400 * 3 * 500 / 600) == 5
    code, out, err = cli(
        "compare", str(ROOT / "scenarios" / "llm-serving-100k-mau.toml"), "--gpu", "h100-sxm,l4"
    )
    assert code == 0, err
    assert out.startswith("Cheapest: NVIDIA H100 SXM, NVIDIA L4 (tied): 5 GPUs, $10,800/month")
    assert out.count("│    1 │") == 2 and "nothing in this scenario runs" not in out
    assert "tokens per second per GPU set these" in out


# -- charts ----------------------------------------------------------------------------------------


def test_report_plot_writes_tornado_and_distributions(tmp_path: Path) -> None:
    plot = tmp_path / "smartpal.svg"
    code, _, err = cli("report", SMARTPAL, "--plot", str(plot), "--samples", "2000")
    assert code == 0, err
    assert plot.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert (tmp_path / "smartpal-distributions.svg").exists()


def test_plot_of_an_exact_scenario_is_refused_with_a_reason(tmp_path: Path) -> None:
    code, _, err = cli("memory", "--params", "7B", "--plot", str(tmp_path / "x.png"))
    assert code == 2 and "nothing varies" in err


@pytest.mark.parametrize("samples", ["0", "1"])
def test_plot_without_draws_blames_the_sample_count(tmp_path: Path, samples: str) -> None:
    # llama-2-7b's serving has range inputs (engine efficiencies): one draw or none charts nothing
    plot = tmp_path / "x.png"
    code, _, err = cli("infer", "--model", "llama-2-7b", "--samples", samples, "--plot", str(plot))
    assert code == 2 and f"--samples: got {samples}; expected at least 2 with --plot" in err
    assert not plot.exists()


def test_html_report_embeds_the_charts_inline() -> None:
    code, out, _ = cli("report", SMARTPAL, "--format", "html", "--samples", "2000")
    assert code == 0
    assert "How sure is this?" in out
    assert out.count("<svg") == 2
    assert "<script" not in out and 'src="http' not in out and "<link" not in out


def test_a_device_with_no_plan_meeting_the_targets_is_not_ranked() -> None:
    # A server CPU misses llm-serving-plan's targets even at batch 1 (TTFT p99 2.29 s > 1 s):
    # it was ranked "Fastest" by its batch-1 first token, with "nothing in this scenario runs
    # on the GPU" as the reason.
    code, out, err = cli(
        "compare", str(ROOT / "scenarios" / "llm-serving-plan.toml"), "--gpu", "cpu-modern",
        "--samples", "0", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["rank"] is None and row["binds"] == "latency"
    assert row["why"].startswith("not feasible: No option meets the targets")


# -- the seed's figures under a change -------------------------------------------------------------

THROUGHPUT = str(ROOT / "scenarios" / "llama-7b-a100-throughput.toml")


def test_a_set_that_removes_a_seed_checked_result_runs_without_the_seed_checks() -> None:
    # batch 1 computes no batched rate, which one of the file's [[seed_check]] names: the run was
    # refused on seed_check.result, a field the user never typed. The seed's figures are for the
    # file's own inputs, so with --set they are left out, as compare leaves them out per GPU.
    code, out, err = cli(
        "report", THROUGHPUT, "--set", "inference.batch_size=1", "--samples", "0",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["seed_checks"] == []
    code, out, err = cli("report", THROUGHPUT, "--samples", "0", "--format", "json")
    assert code == 0 and len(json.loads(out)["seed_checks"]) == 8  # its eight [[seed_check]]


def test_a_sweep_through_a_point_without_a_seed_checked_result_runs() -> None:
    code, _out, err = cli("sweep", THROUGHPUT, "--vary", "inference.batch_size=1,16")
    assert code == 0, err
    assert "seed_check" not in err
