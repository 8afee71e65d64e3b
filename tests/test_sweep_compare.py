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

import pytest
from conftest import ROOT, cli
from hypothesis import given, settings
from hypothesis import strategies as st

from botec.analysis.sweep import parse_vary, run_sweep
from botec.core.errors import BotecInputError
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
    assert rows[0] == ["params", "gpu", "cost [USD]"]
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
    costs = [row["cost"]["value"] for row in json.loads(out)]
    assert costs == sorted(costs)


def test_compare_budget_binds_when_over_it_and_unpriced_gpu_is_explained() -> None:
    code, out, _ = cli(
        "compare", SMARTPAL, "--gpu", "a100-80gb", "--budget", "$1000", "--format", "json"
    )
    assert code == 0 and json.loads(out)[0]["binds"] == "budget"
    # T4 has no market price: ranking it on the rest of the bill would be a silent wrong row
    code, _, err = cli("compare", SMARTPAL, "--gpu", "t4")
    assert code == 2 and "--gpu" in err and "usd_per_gpu_hour" in err and "aws-on-demand" in err


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


def test_html_report_embeds_the_charts_inline() -> None:
    code, out, _ = cli("report", SMARTPAL, "--format", "html", "--samples", "2000")
    assert code == 0
    assert "How sure is this?" in out
    assert out.count("<svg") == 2
    assert "<script" not in out and 'src="http' not in out and "<link" not in out
