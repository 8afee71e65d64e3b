"""botec optimise: the vectorised search replays the plan's own formulas (a replayed candidate is
the same number a direct evaluation gives), the cheapest plan is the one a brute-force loop finds
and the report records, the front is a Pareto front, and bad input is refused by name."""

from __future__ import annotations

import itertools
import math

import pytest
from conftest import SCENARIOS, cli
from hypothesis import given, settings
from hypothesis import strategies as st

from botec.analysis.optimise import Layout, Space, _record, search
from botec.catalog import load_catalog
from botec.commands import ParameterError, optimise
from botec.core.errors import BotecInputError
from botec.core.replay import replay
from botec.core.sheet import Sheet
from botec.scenario import ServingPlanSection, ServingSection
from botec.stages.context import Context
from botec.stages.plan_steps import headroom_inputs, plan_steps
from botec.stages.serving import run_serving

CATALOG = load_catalog()
SERVED = ServingSection(
    model="llama-3.2-3b", gpu="h100-sxm", precision="fp16", input_tokens=500,
    output_tokens=500, engine="vllm", batch=1,
)  # fmt: skip
TRAFFIC = (300.0, 100.0)  # peak and average requests per second
KEYS = ("ttft_p99", "tpot_p50", "tpot_p99", "replica_request_rate", "serving_gpus")


def _direct(batch: int, chunk: int, plan: ServingPlanSection) -> dict[str, float]:
    """The plan's figures at one batch and chunk, evaluated directly (no replay)."""
    sheet = Sheet(samples=0)
    ctx = Context(sheet, CATALOG)
    served = run_serving(ctx, SERVED.model_copy(update={"batch": batch}))
    got = plan_steps(
        sheet, served,
        sheet.input("peak_requests_per_second", TRAFFIC[0], "req/s"),
        sheet.input("total_requests_per_second", TRAFFIC[1], "req/s"),
        sheet.input("usd_per_gpu_hour", 1.0, "USD/h"),
        chunk, headroom_inputs(ctx, plan.target_utilization, plan.spare_replicas),
    )  # fmt: skip
    return {k: float(got[k].value) for k in KEYS}


@given(batch=st.integers(1, 256), chunk=st.sampled_from([256, 512, 2048, 8192]))
@settings(max_examples=25, deadline=None)
def test_a_replayed_candidate_is_the_direct_evaluation(batch: int, chunk: int) -> None:
    plan = ServingPlanSection()
    recorded = _record(Context(Sheet(samples=0), CATALOG), SERVED, plan, TRAFFIC)
    assert recorded is not None
    results = recorded[0]
    got = replay([results[k] for k in KEYS], {"batch": batch, "prefill_chunk_tokens": chunk})
    direct = _direct(batch, chunk, plan)
    for key in KEYS:
        assert float(got[key]) == pytest.approx(direct[key], rel=1e-12), key


def _small_space() -> Space:
    return Space(
        gpus=("h100-sxm", "a100-80gb"), precisions=("fp16", "fp8"), engines=("vllm",),
        bases=("market", "aws-spot"), tensor_parallel=(1, 2), chunks=(0, 2048, 512),
    )  # fmt: skip


def test_the_search_finds_what_a_brute_force_loop_finds() -> None:
    plan = ServingPlanSection(ttft_p99=0.5, tpot_p99=0.03, max_batch=64)
    space = _small_space()
    found = search(Context(Sheet(samples=0), CATALOG), SERVED, plan, TRAFFIC, space)
    best = math.inf
    for gpu in space.gpus:
        for precision in space.precisions:
            for tp in space.tensor_parallel:
                srv = SERVED.model_copy(
                    update={"gpu": gpu, "precision": precision, "tensor_parallel": tp}
                )
                best = min(best, _brute_force(srv, plan, space))
    assert found.plans[0].cost == pytest.approx(best, rel=1e-12)


def _brute_force(srv: ServingSection, plan: ServingPlanSection, space: Space) -> float:
    """The cheapest monthly cost of one layout: every batch and chunk evaluated directly."""
    from botec.catalog import gpu_prices as gp

    best = math.inf
    for batch in range(1, (plan.max_batch or 0) + 1):
        for chunk in space.chunks:
            sheet = Sheet(samples=0)
            ctx = Context(sheet, CATALOG)
            served = run_serving(ctx, srv.model_copy(update={"batch": batch}))
            if not served or batch > served["max_batch"].value:
                break
            got = plan_steps(
                sheet, served,
                sheet.input("peak_requests_per_second", TRAFFIC[0], "req/s"),
                sheet.input("total_requests_per_second", TRAFFIC[1], "req/s"),
                sheet.input("usd_per_gpu_hour", 1.0, "USD/h"),
                chunk, headroom_inputs(ctx, None, 0),
            )  # fmt: skip
            if got["ttft_p99"].value > plan.ttft_p99 or got["tpot_p99"].value > plan.tpot_p99:
                continue
            for basis in space.bases:
                rate = gp.gpu_rate(CATALOG, srv.gpu, basis)
                if rate is not None:
                    best = min(best, got["serving_cost_per_month"].value * rate.usd_per_hour)
    return best


def test_every_plan_meets_the_targets_and_the_front_is_pareto() -> None:
    plan = ServingPlanSection(ttft_p99=1.0, tpot_p99=0.05)
    found = search(Context(Sheet(samples=0), CATALOG), SERVED, plan, TRAFFIC, _small_space())
    assert found.plans and found.candidates > 0
    for p in found.plans:
        assert p.metrics["ttft_p99"] <= 1.0 and p.metrics["tpot_p99"] <= 0.05
        assert 1 <= p.batch <= min(p.max_batch, p.cap)
    front = found.front
    latencies = [p.metrics["latency"] for p in front]
    costs = [p.cost for p in front]
    assert latencies == sorted(latencies)  # fastest first ...
    assert all(a > b for a, b in itertools.pairwise(costs))  # ... each one cheaper
    assert costs[-1] == pytest.approx(found.plans[0].cost)  # the cheapest plan ends the front
    for p in found.plans:  # no plan is both faster and cheaper than a front point
        assert not any(
            p.metrics["tpot_p99"] < f.metrics["latency"] and p.cost < f.cost for f in front
        )


def test_a_layout_that_cannot_fit_is_left_out_with_its_reason() -> None:
    big = SERVED.model_copy(update={"model": "llama-3.1-70b"})
    space = Space(gpus=("l4",), precisions=("fp16",), engines=("vllm",), bases=("market",),
                  tensor_parallel=(1,))  # fmt: skip
    found = search(Context(Sheet(samples=0), CATALOG), big, ServingPlanSection(), TRAFFIC, space)
    assert found.plans == []
    assert "do not fit" in found.rejected[Layout("l4", "fp16", "vllm", 1)]


def test_optimise_records_the_cheapest_plan_with_the_same_figures() -> None:
    found = optimise(
        SCENARIOS / "smartpal-daily.toml", gpus="a100-80gb,h100-sxm", precisions="fp16,fp8",
        bases="market", samples=0,
    )  # fmt: skip
    best = found.search.plans[0]
    sheet = found.sheet
    assert sheet.value("serving_gpus") == best.metrics["serving_gpus"]
    assert sheet.value("serving_cost_per_month") == pytest.approx(best.cost, rel=1e-9)
    assert sheet.value("batch") == best.batch
    assert sheet.sections[0] == "Optimisation"
    saving = next(t for t in sheet.tables if t.title.startswith("What each change saves"))
    yours = saving.rows[0]
    assert yours[0] == "Your plan" and yours[9] == "same"
    # every other row's saving is its cost against the first row's, by hand
    own = found.search.cheapest(gpu="a100-80gb", precision="fp16", engine="vllm", basis="market")
    for row in saving.rows[1:]:
        plan = next(p for p in found.search.plans if _money(p.cost) == row[8])
        assert row[9] == f"−{(own.cost - plan.cost) / own.cost:.0%}"


def _money(usd: float) -> str:
    from botec.core.units import format_quantity

    return format_quantity(usd, "USD/month")


def test_the_seed_scenario_is_optimised_with_default_targets() -> None:
    # smartpal.toml has no [serving]: its [model], [requests] and [inference] make the problem,
    # and with no latency target the MLPerf server bar applies (TTFT p99 2 s, TPOT p99 200 ms).
    found = optimise(SCENARIOS / "smartpal.toml", gpus="a100-80gb,h100-sxm,l4", samples=0)
    notes = " ".join(n.text for n in found.sheet.notes)
    assert "MLPerf" in notes and "typical shape" in notes
    best = found.search.plans[0]
    assert best.metrics["ttft_p99"] <= 2.0 and best.metrics["tpot_p99"] <= 0.2
    yours = found.search.cheapest(gpu="a100-80gb", precision="fp16", engine="generic",
                                  basis="market")  # fmt: skip
    assert yours is not None and best.cost <= yours.cost


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"users": None}, "users"),
        ({"model": None, "inference": None}, "FILE"),
        ({"requests": {"prompt_tokens": 500}}, "requests.output_tokens"),
    ],
)
def test_a_scenario_without_the_problem_is_refused_by_name(change: dict, field: str) -> None:
    import tomllib

    data = tomllib.loads((SCENARIOS / "smartpal.toml").read_text())
    data.update({k: v for k, v in change.items() if v is not None})
    for key in [k for k, v in change.items() if v is None]:
        data.pop(key)
    data.pop("storage", None)
    with pytest.raises(BotecInputError) as err:
        optimise(data, gpus="a100-80gb", samples=0)
    assert err.value.field == field


def test_bad_parameters_are_refused_by_name() -> None:
    path = SCENARIOS / "smartpal-daily.toml"
    with pytest.raises(ParameterError, match="latency"):
        optimise(path, latency="p42", samples=0)
    with pytest.raises(ParameterError, match="gpus"):
        optimise(path, gpus=" , ", samples=0)
    with pytest.raises(BotecInputError, match="h100"):  # a "did you mean"
        optimise(path, gpus="h100-sxn", samples=0)


def test_the_cli_prints_the_plans_and_the_search_speed(tmp_path) -> None:
    chart = tmp_path / "front.svg"
    code, out, err = cli(
        "optimise", str(SCENARIOS / "smartpal-daily.toml"), "--gpus", "a100-80gb,h100-sxm",
        "--samples", "0", "--plot", str(chart),
    )  # fmt: skip
    assert code == 0, err
    assert "Cheapest plan meeting" in out.splitlines()[1] or "Cheapest plan meeting" in out
    assert "candidate plans in" in err
    assert chart.read_text().startswith("<?xml")


def test_emit_prints_the_cheapest_plan_this_engine_runs() -> None:
    code, out, err = cli(
        "optimise", str(SCENARIOS / "smartpal-daily.toml"), "--gpus", "a100-80gb,h100-sxm",
        "--bases", "market", "--samples", "0", "--emit", "vllm",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("# vLLM") and "vllm serve meta-llama/Llama-3.2-3B" in out
    assert "sized with" not in out  # searched on vLLM's own factors, not another engine's
    code, out, err = cli(
        "optimise", str(SCENARIOS / "smartpal-daily.toml"), "--gpus", "h100-sxm",
        "--bases", "market", "--samples", "0", "--emit", "trtllm",
    )  # fmt: skip
    assert code == 0, err
    assert "trtllm-serve meta-llama/Llama-3.2-3B" in out


def test_a_committed_basis_of_your_own_is_searched(tmp_path) -> None:
    # a one-year reserved H100 at $2.35/h (SemiAnalysis, March 2026), below the market's rate
    catalog = tmp_path / "reserved.toml"
    catalog.write_text(
        '[prices.basis.reserved-1yr]\nname = "1-year reserved"\nkind = "on-demand"\n'
        'as_of = "2026-03"\nsource = "SemiAnalysis via techreaderdaily.com"\n\n'
        "[prices.gpu.h100-sxm]\nreserved_1yr_usd_per_hour = 2.35\n"
    )
    found = optimise(SCENARIOS / "smartpal-daily.toml", gpus="h100-sxm", precisions="fp16",
                     engines="vllm", bases="reserved-1yr,market", samples=0,
                     catalog_files=[catalog])  # fmt: skip
    reserved = found.search.cheapest(gpu="h100-sxm", basis="reserved-1yr")
    market = found.search.cheapest(gpu="h100-sxm", basis="market")
    assert reserved is not None and market is not None
    # the same plan on both bases: the cost scales with the price per GPU-hour
    assert reserved.batch == market.batch
    assert reserved.cost / market.cost == pytest.approx(2.35 / market.usd_per_gpu_hour)


def test_your_plan_is_the_one_the_report_chooses_among_its_compared_options() -> None:
    # llm-serving-plan.toml serves on an A100 and compares H100, L40S, L4, A10G and int8/fp8:
    # `botec report` picks among all of them, so the saving is measured against that choice,
    # not against the A100 the [serving] section names first.
    import tomllib

    from botec import commands

    path = SCENARIOS / "llm-serving-plan.toml"
    report = commands.report(path, samples=0)
    chosen = next(n.text for n in report.notes if n.verdict and n.text.startswith("Chosen"))
    found = optimise(tomllib.loads(path.read_text()), samples=0)
    yours = next(n.text for n in found.sheet.notes if "Against your plan" in n.text)
    gpu, precision = chosen.split(": ", 1)[1].split(", ")[:2]
    assert f"Against your plan ({gpu} · {precision} · " in yours
    cost = report.value("serving_cost_per_month")
    mine = yours.split("Against your plan (")[1]
    said = float(mine.split("$")[1].split("/month")[0].replace(",", ""))
    assert said == pytest.approx(cost, rel=0.005)  # printed to 3 significant figures


def test_lists_that_leave_out_your_cheaper_plan_say_so() -> None:
    # --gpus l4 searches L4s only; the scenario's own plan (H100 fp16, as `botec report` picks
    # it) is cheaper than any of them: the verdict says so rather than measuring a "saving"
    # against an L4 layout the scenario never chose.
    import tomllib

    data = tomllib.loads((SCENARIOS / "llm-serving-plan.toml").read_text())
    found = optimise(data, gpus="l4", samples=0)
    verdict = next(n.text for n in found.sheet.notes if n.verdict and "Cheapest plan" in n.text)
    assert "Your own plan (NVIDIA H100 SXM · fp16 · vllm" in verdict
    assert "it saves" not in verdict


def test_the_lists_given_are_the_search_and_your_plan_stays_yours() -> None:
    # --gpus h100-sxm leaves the scenario's A100 out of the candidates, but "your plan" is still
    # the A100 one, at the TP the scenario fixes
    import tomllib

    data = tomllib.loads((SCENARIOS / "smartpal-daily.toml").read_text())
    data["serving_plan"]["tensor_parallel"] = 2
    found = optimise(data, gpus="h100-sxm", precisions="fp16", engines="vllm", bases="market",
                     samples=0)  # fmt: skip
    assert {p.layout.gpu for p in found.search.plans} == {"h100-sxm"}
    saving = next(t for t in found.sheet.tables if t.title.startswith("What each change"))
    assert saving.rows[0][1] == "NVIDIA A100 80GB SXM · fp16 · vllm · TP 2"
    notes = " ".join(n.text for n in found.sheet.notes)
    assert "Not part of the search: [deployment]" in notes


@pytest.mark.parametrize(
    ("gpu", "precision", "engine", "why"),
    [
        ("a100-80gb", "fp8", "tensorrt-llm", "only on GPUs with fp8 tensor cores"),
        ("v100", "fp8", "vllm", "no weight-only fp8 kernels before Ampere"),
        ("t4", "fp16", "tensorrt-llm", "no longer supports GPUs before Ampere"),
        ("mi300x", "fp16", "tensorrt-llm", "NVIDIA GPUs only"),
    ],
)
def test_a_layout_the_engine_cannot_run_is_refused_with_why(
    gpu: str, precision: str, engine: str, why: str
) -> None:
    space = Space(gpus=(gpu,), precisions=(precision,), engines=(engine,),
                  bases=("market", "aws-on-demand"), tensor_parallel=(1,))  # fmt: skip
    found = search(Context(Sheet(samples=0), CATALOG), SERVED, ServingPlanSection(), TRAFFIC,
                   space)  # fmt: skip
    assert found.plans == []
    assert why in found.rejected[Layout(gpu, precision, engine, 1)]


def test_the_scenario_basis_needs_a_scenario_price() -> None:
    with pytest.raises(BotecInputError) as err:
        optimise(SCENARIOS / "smartpal-daily.toml", bases="scenario", samples=0)
    assert err.value.field == "--bases"


def test_a_day_without_ranges_still_draws_its_two_charts(tmp_path) -> None:
    chart = tmp_path / "day.svg"
    code, _, err = cli("report", str(SCENARIOS / "smartpal-daily.toml"), "--samples", "0",
                       "--plot", str(chart))  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "day-day.svg").is_file() and (tmp_path / "day-break-even.svg").is_file()
    assert not chart.exists()  # no range input: no tornado to draw


def test_a_search_that_finds_nothing_neither_titles_nor_emits_an_optimised_plan() -> None:
    # A CPU has no price on any basis and TensorRT-LLM does not build for it: nothing is
    # searched, so the report is the user's own plan and no launch command is printed for it.
    found = optimise(SCENARIOS / "llm-serving-plan.toml", gpus="cpu-modern", samples=0)
    assert found.search.plans == []
    assert found.sheet.title.startswith("No optimised plan found")
    with pytest.raises(BotecInputError) as err:
        optimise(SCENARIOS / "llm-serving-plan.toml", gpus="cpu-modern", samples=0,
                 for_engine="vllm")  # fmt: skip
    assert err.value.field == "--emit"


@pytest.mark.parametrize(
    ("flag", "value"), [("--gpus", "h100-sxm,H100-SXM"), ("--precisions", "fp16,fp16")]
)
def test_a_name_listed_twice_is_refused_as_compare_refuses_it(flag: str, value: str) -> None:
    code, _out, err = cli("optimise", str(SCENARIOS / "llm-serving-plan.toml"), flag, value)
    assert code == 2 and "listed twice" in err
