"""A sweep row reports what was evaluated for its label: for every categorical axis, each row
equals the same scenario run with that value set (and a plan's own comparison lists emptied,
since the row names the GPU or precision). compare ranks serving plans too; a sweep's default
table is the answer's figures and fits a 100-column terminal."""

from __future__ import annotations

import json

import pytest
from conftest import SCENARIOS, cli

from botec.commands import compare, report, sweep

PLAN = SCENARIOS / "llm-serving-plan.toml"
AXES = {
    "gpu": ("serving.gpu", ["h100-sxm", "l40s"]),
    "precision": ("serving.precision", ["fp16", "int8"]),
    "engine": ("serving.engine", ["vllm", "tensorrt-llm"]),
    "price_basis": ("cost.price_basis", ["market", "aws-on-demand"]),
}


@pytest.mark.parametrize("axis", sorted(AXES))
def test_every_categorical_row_is_the_scenario_run_at_that_value(axis: str) -> None:
    path, values = AXES[axis]
    base = ["cost.price_basis=market"]  # gives the scenario the [cost] section that axis sets
    grid = sweep(
        PLAN,
        vary=f"{axis}={','.join(values)}",
        results="serving_gpus,replica_request_rate",
        overrides=base,
    )
    rows = list(grid.records())
    for value in values:
        pins = [*base, f"{path}={value}"]  # later items win, as on the command line
        if path == "serving.gpu":
            pins.append("serving_plan.compare_gpus=[]")
        if path == "serving.precision":
            pins.append("serving_plan.compare_precisions=[]")
        alone = report(PLAN, overrides=pins, samples=0)
        row = next(r for r in rows if r[axis] == value)
        assert row["serving_gpus"] == float(alone["serving_gpus"]), (axis, value)
        rate = float(alone["replica_request_rate"])
        assert row["replica_request_rate"] == pytest.approx(rate), (axis, value)


def test_a_gpu_row_is_not_the_plan_its_comparison_would_pick() -> None:
    # Before the fix the h100-sxm row showed the cheapest of h100-sxm, l40s, l4 and a10g.
    grid = sweep(PLAN, vary="gpu=h100-sxm,l40s", results="serving_gpus")
    rows = {r["gpu"]: r["serving_gpus"] for r in grid.records()}
    h100 = report(PLAN, overrides=["serving.gpu=h100-sxm", "serving_plan.compare_gpus=[]"],
                  samples=0)  # fmt: skip
    assert rows["h100-sxm"] == float(h100["serving_gpus"])


def test_compare_ranks_gpus_for_a_serving_plan() -> None:
    options = compare(PLAN, gpus="h100-sxm,a100-80gb", samples=0)
    assert {o.gpu for o in options} == {"h100-sxm", "a100-80gb"}
    for o in options:
        alone = report(PLAN, overrides=[f"serving.gpu={o.gpu}", "serving_plan.compare_gpus=[]"],
                       samples=0)  # fmt: skip
        assert float(o.gpus) == float(alone["serving_gpus"])
        assert float(o.cost) == float(alone["serving_cost_per_month"])
    costs = [float(o.cost) for o in options]
    assert costs == sorted(costs)


def test_a_sweep_table_shows_the_answer_and_fits_100_columns() -> None:
    code, out, _ = cli("sweep", str(SCENARIOS / "smartpal.toml"), "--vary", "dau=1M,10M")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    header = next(line for line in out.splitlines() if "dau" in line)
    assert header.count("┃") <= 6  # the axis and at most three results


def test_a_whole_number_axis_spanning_10x_is_log_spaced() -> None:
    # the help says LOW..HIGH is log-spaced past 10x: 1..1,000,000 in 7 points is the powers of
    # ten, and 10..50 (5x) stays even
    from botec.analysis.sweep_axes import _whole_range

    assert _whole_range("1..1000000", "gpus", 7) == [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
    assert _whole_range("10..50:5", "steps", 3) == [10, 20, 30, 40, 50]


def test_a_token_count_axis_takes_whole_tokens() -> None:
    # 100..1000 in 3 log-spaced points is 100, 316.23 and 1,000: a prompt of 316.23 tokens is
    # refused in a scenario ("a whole number of tokens"), so the sweep evaluates 316
    code, out, err = cli(
        "sweep", str(SCENARIOS / "llm-serving-plan.toml"), "--vary",
        "serving.input_tokens=100..1000:3", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["100", "316", "1000"]


def test_an_error_at_one_point_of_a_sweep_names_the_point() -> None:
    # a T4 has no serving plan that meets smartpal-daily's targets: the error says it is the
    # t4 point's, not the sweep's as a whole
    from conftest import SCENARIOS

    from botec.commands import sweep
    from botec.core.errors import BotecInputError

    with pytest.raises(BotecInputError) as err:
        sweep(SCENARIOS / "smartpal-daily.toml", vary=["gpu=a100-80gb,t4"])
    assert "(at gpu=t4)" in err.value.field


def test_a_sweep_leaves_a_total_blank_where_no_price_covers_the_fleet() -> None:
    # SmartPal on CPUs: no price list has a CPU by the GPU-hour, so its "total" would be egress
    # and storage alone; the sweep leaves it blank (null in JSON) and names the device
    import json

    from conftest import SCENARIOS, cli

    code, out, err = cli("sweep", str(SCENARIOS / "smartpal.toml"), "--vary",
                         "gpu=cpu-modern,a100-80gb", "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    rows = {r["gpu"]: r for r in data["rows"]}
    assert rows["cpu-modern"]["total_monthly_cost"] is None
    assert rows["a100-80gb"]["total_monthly_cost"] > 100_000
    assert data["unpriced"] == ["Modern server CPU (seed 002 'CPU (modern)')"]


def test_a_point_with_no_price_names_the_device_and_keeps_the_columns() -> None:
    # The A10G has no market price, so llm-serving-plan's plan on it chooses nothing: its row
    # is blank in the plan's own columns (not other, unlisted ones) and the device is named.
    code, out, err = cli(
        "sweep", str(SCENARIOS / "llm-serving-plan.toml"), "--vary", "gpu=l4,a10g",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    columns = {"gpu"} | {o["name"] for o in data["outputs"]}
    assert all(set(row) == columns for row in data["rows"])
    assert data["rows"][1]["serving_gpus"] is None
    assert data["unpriced"] == ["NVIDIA A10G (AWS G5)"]
