"""A serving plan over a day: autoscaling, serverless and the break-even, by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from conftest import SCENARIOS
from hypothesis import given, settings
from hypothesis import strategies as st

import botec


def _served(
    per_second: float = 5, peak: float = 3, plan: dict | None = None, **deployment: object
) -> botec.Sheet:
    """Llama 3.1 8B on H100s with vLLM for ``per_second`` requests (peak × ``peak``), planned for
    TTFT p99 1 s and TPOT p99 50 ms (and ``plan``), followed through a day (``deployment``)."""
    scenario = {
        "users": {"requests_per_second": per_second, "peak_factor": peak},
        "serving": {"model": "llama-3.1-8b", "gpu": "h100-sxm", "precision": "bf16",
                    "input_tokens": 500, "output_tokens": 300, "engine": "vllm"},
        "serving_plan": {"ttft_p99": "1 s", "tpot_p99": "50 ms", **(plan or {})},
        "deployment": deployment,
    }  # fmt: skip
    return botec.evaluate(botec.scenario_from_dict(scenario), samples=0)


def _day(**deployment: object) -> botec.Sheet:
    return _served(**deployment)


def test_a_days_gpu_hours_under_autoscaling_by_hand() -> None:
    # half the day at 2× the mean, half at nothing: each busy hour (and the hour before it,
    # which provisions for the rise) needs ceil(5 × 2 / (rate × 0.7)) replicas, the rest the floor
    profile = [2.0] * 12 + [0.0] * 12
    sheet = _day(hourly_profile=profile, min_replicas=0)
    rate = sheet["replica_request_rate"].value
    busy = math.ceil(5 * 2 / (rate * 0.7))
    hours = [busy if (profile[h] or profile[(h + 1) % 24]) else 0 for h in range(24)]
    assert hours.count(busy) == 13  # the 12 busy hours and the one before them
    assert sheet["autoscaled_gpu_hours_per_day"].value == sum(hours)
    assert sheet["peak_sized_gpu_hours_per_day"].value == sheet["replicas"].value * 24


def _at(per_second: float) -> botec.Sheet:
    return _served(per_second)


def test_the_break_even_is_where_the_two_costs_cross() -> None:
    # solved on the replayed formulas; checked here by evaluating the scenario itself a little
    # below and a little above it: serverless cheaper below, dearer above
    even = _day()["break_even_requests_per_day"].value
    assert 10 < even < 1e6
    below, above = _at(even * 0.95 / 86_400), _at(even * 1.05 / 86_400)
    assert below["serverless_cost_per_day"].value < below["autoscaled_cost_per_day"].value
    assert above["serverless_cost_per_day"].value > above["autoscaled_cost_per_day"].value


def _billed_hour(lam: float, latency: float, cold: float, window: float = 60.0) -> float:
    """One hour at a trickle by hand: each request's latency, a cold start for the share e^(-λw)
    that finds nothing warm, and after each request that ends a busy spell (none arrives during
    its latency) the wait for the next arrival, at most the window: E[min(gap, w)] =
    (1 − e^(−λw))/λ, so λ·E = 1 − e^(−λw) of each second."""
    share = math.exp(-lam * window)
    use = 3600 * lam * (latency + share * cold)
    idle = 3600 * math.exp(-lam * latency) * (1 - share)
    return use + idle


def test_serverless_at_a_trickle_is_cold_starts_and_latency_hour_by_hour() -> None:
    # One request every 10 minutes on average, shaped by the default consumer day: each hour is
    # billed at its own rate (a quiet hour starts cold more often than the day's mean says).
    from botec.estimators.deployment import DIURNAL_PROFILE

    trickle = _served(1 / 600, serverless_usd_per_gpu_hour=4.0)
    lam, latency = 1 / 600, trickle["end_to_end_latency"].value
    cold = 16.06e9 / 1.5e9 + 40  # Llama 3.1 8B's 16.06 GB at 1.5 GB/s, then 40 s of start-up
    assert latency * lam * 3 < 1  # never two requests at once: each holds its GPU alone
    per_day = sum(_billed_hour(lam * w, latency, cold) for w in DIURNAL_PROFILE)
    assert trickle["cold_start_time"].value == pytest.approx(cold, rel=1e-3)
    assert trickle["serverless_gpu_seconds_per_day"].value == pytest.approx(per_day, rel=1e-3)
    assert trickle["serverless_cost_per_day"].value == pytest.approx(per_day / 3600 * 4.0, 1e-3)
    # the same requests spread evenly over the day cost more: at the mean rate every hour pays
    # the cold starts and idle windows a busy hour shares out
    flat = _served(1 / 600, serverless_usd_per_gpu_hour=4.0, hourly_profile=[1.0] * 24)
    even = 24 * _billed_hour(lam, latency, cold)
    assert flat["serverless_gpu_seconds_per_day"].value == pytest.approx(even, rel=1e-3)
    assert even > per_day


def test_an_hour_without_requests_costs_nothing_and_a_busy_one_no_more_than_kept_warm() -> None:
    # Office hours only: the night bills nothing (serverless scales to zero); and at 3 requests
    # a second in the busy hours the containers never sleep, so an hour bills what the load
    # needs kept warm all hour (at least one container), not use + idle windows on top of it.
    profile = [0.0] * 8 + [3.0] * 8 + [0.0] * 8
    quiet = _served(1.0, hourly_profile=profile)
    for h in (0, 7, 16, 23):
        assert quiet[f"serverless_gpu_seconds_{h:02d}"].value == 0
    rate, tp = quiet["replica_request_rate"].value, quiet["tensor_parallel"].value
    busy = quiet["serverless_gpu_seconds_12"].value
    assert busy == pytest.approx(3600 * tp * max(1.0, 3.0 / (rate * 0.7)))


def test_a_profile_must_have_24_hours() -> None:
    with pytest.raises(botec.BotecInputError) as err:
        _day(hourly_profile=[1.0] * 23)
    assert err.value.field == "deployment.hourly_profile"


def test_a_deployment_needs_a_plan() -> None:
    with pytest.raises(botec.BotecInputError) as err:
        botec.evaluate(botec.scenario_from_dict({"deployment": {}}), samples=0)
    assert err.value.field == "deployment"


def test_a_hosted_api_day_and_its_break_even_by_hand() -> None:
    # DeepInfra's list price for Llama 3.1 8B (the catalog's cheapest for that model):
    # $0.03 per million input tokens, $0.05 per million output tokens
    sheet = _day()
    per_request = (500 * 0.03 + 300 * 0.05) / 1e6  # $3.0e-5 a request
    assert sheet["hosted_cost_per_day"].value == pytest.approx(5 * 86_400 * per_request)
    assert sheet["hosted_usd_per_million_tokens"].value == pytest.approx(
        (500 * 0.03 + 300 * 0.05) / 800
    )
    # one always-on replica's day (TP 1 here) over one request's API price
    expected = 24 * sheet["usd_per_gpu_hour"].value / per_request
    assert sheet["hosted_break_even_requests_per_day"].value == pytest.approx(expected)
    assert "deepinfra" in sheet.inputs["hosted_usd_per_million_input_tokens"].source.lower()


def test_your_own_api_price_wins_and_none_leaves_it_out() -> None:
    sheet = _day(hosted_usd_per_million_input_tokens="$1/Mtoken",
                 hosted_usd_per_million_output_tokens="$2/Mtoken")  # fmt: skip
    assert sheet["hosted_cost_per_day"].value == pytest.approx(5 * 86_400 * (500 + 600) / 1e6)
    verdict = next(n.text for n in sheet.notes if n.text.startswith("Cheaper"))
    assert "the autoscaled fleet is cheaper above about" in verdict  # $1.38/Mtoken is dear
    assert "hosted_cost_per_day" not in _day(hosted_api="none").steps
    with pytest.raises(botec.BotecInputError) as err:
        _day(hosted_usd_per_million_input_tokens="$1/Mtoken")
    assert err.value.field == "deployment.hosted_usd_per_million_output_tokens"
    with pytest.raises(botec.BotecInputError) as err:
        _day(hosted_api="llama-3.1-8b@nowhere")
    assert err.value.field == "deployment.hosted_api"


@pytest.mark.parametrize(
    ("delay", "share"),
    [
        ("0 s", {12: 1}),
        ("10 min", {11: 1 / 6, 12: 1}),
        ("90 min", {10: 0.5, 11: 1, 12: 1}),
        ("3 h", {9: 1, 10: 1, 11: 1, 12: 1}),
    ],
)
def test_the_scale_up_delay_decides_how_early_a_spike_is_provisioned(
    delay: str, share: dict[int, float]
) -> None:
    # One busy hour at noon. With instant scaling only noon carries it. A replica that takes
    # 10 minutes to start must be running from 11:50: a sixth of 11:00's hour. 90 minutes: all of
    # 11:00 and the second half of 10:00. Three hours: from 09:00.
    profile = [0.0] * 12 + [24.0] + [0.0] * 11  # the day's mean is 1
    sheet = _day(hourly_profile=profile, min_replicas=0, scale_up_delay=delay)
    rate = sheet["replica_request_rate"].value
    spike = math.ceil(5 * 24 / (rate * 0.7))
    hours = [sheet[f"replicas_{h:02d}"].value for h in range(24)]
    assert hours == pytest.approx([spike * share.get(h, 0) for h in range(24)])


def test_serverless_never_gets_cheaper_as_a_trickle_grows_into_a_stream() -> None:
    # More requests never cost less than a tenth fewer did: the idle window is billed after
    # every request that ends a busy spell, not only after cold ones (a red-team finding: at 8K
    # requests a day it was billed as a third of 2K's).
    costs = []
    for per_second in (2e-3, 1e-2, 2.5e-2, 5e-2, 1e-1, 0.3, 1.0):
        sheet = _served(per_second)
        costs.append(sheet["serverless_cost_per_day"].value)
    assert all(later >= 0.9 * earlier for earlier, later in itertools.pairwise(costs))


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(1e-4, 50.0),
    more=st.floats(1.0, 100.0),
    profile=st.lists(st.floats(0.0, 5.0), min_size=24, max_size=24).filter(lambda p: sum(p) > 0),
)
def test_an_hour_billed_by_the_second_never_costs_less_for_more_requests(
    low: float, more: float, profile: list[float]
) -> None:
    # Hour by hour, more requests never bill fewer serverless GPU-seconds: use grows with
    # traffic, cold starts and idle windows only give way to use, and a busy hour is capped at
    # the containers its load keeps warm, which also grows with traffic.
    from botec.core.replay import replay

    sheet = _served(1.0, hourly_profile=profile)
    billed = sheet["serverless_gpu_seconds_per_day"]
    got = replay([billed], {"total_requests_per_second": np.array([low, low * more])})
    seconds = np.broadcast_to(got["serverless_gpu_seconds_per_day"], (2,))
    assert seconds[1] >= seconds[0] * (1 - 1e-9)


def test_the_hosted_break_even_counts_every_gpu_of_a_replica() -> None:
    # a TP-2 replica costs two GPUs' hours: the traffic at which one always-on replica costs
    # what the API does doubles against TP 1
    sheet = _served(plan={"tensor_parallel": 2},
                    hosted_usd_per_million_input_tokens="$10/Mtoken",
                    hosted_usd_per_million_output_tokens="$10/Mtoken")  # fmt: skip
    assert sheet["tensor_parallel"].value == 2
    per_request = 800 * 10 / 1e6
    assert sheet["hosted_break_even_requests_per_day"].value == pytest.approx(
        1 * 2 * 24 * sheet["usd_per_gpu_hour"].value / per_request
    )


def test_a_day_busier_than_the_peak_fleet_is_flagged() -> None:
    # peak_factor 1.2 sizes the peak fleet for 120 req/s; a stated day that reaches 3× the mean
    # (300 req/s) at 20:00 needs more replicas in its busiest hour than the "peak" fleet has
    from botec.estimators.deployment import DIURNAL_PROFILE

    sheet = _served(100, peak=1.2, hourly_profile=list(DIURNAL_PROFILE))
    busiest = max(sheet[f"replicas_{h:02d}"].value for h in range(24))
    assert busiest > sheet["replicas"].value
    warning = next(n.text for n in sheet.notes if "busiest hour" in n.text)
    assert "3.00× the mean where users.peak_factor is 1.20×" in warning
    assert not any("busiest hour" in n.text for n in _day().notes)  # 3× peak agrees


def test_the_default_day_peaks_at_the_stated_peak_factor() -> None:
    # the bundled day reshaped (w^k, renormalised) so its busiest hour is users.peak_factor ×
    # the mean: 1.2 here, so no hour needs more than the peak fleet and autoscaling saves >= 0
    sheet = _served(100, peak=1.2)
    weights = [sheet[f"hour_weight_{h:02d}"].value for h in range(24)]
    assert max(weights) == pytest.approx(1.2) and sum(weights) / 24 == pytest.approx(1.0)
    busiest = max(sheet[f"replicas_{h:02d}"].value for h in range(24))
    assert busiest <= sheet["replicas"].value
    assert sheet["autoscaling_saving"].value >= 0
    assert not any("busiest hour" in n.text for n in sheet.notes)


def test_no_api_beside_api_prices_is_a_contradiction() -> None:
    with pytest.raises(botec.BotecInputError) as err:
        _day(hosted_api="none", hosted_usd_per_million_input_tokens="$1/Mtoken",
             hosted_usd_per_million_output_tokens="$1/Mtoken")  # fmt: skip
    assert err.value.field == "deployment.hosted_api"


def test_every_range_where_serverless_is_cheaper_is_named() -> None:
    # The steady API's costs cross more than once (the fleet steps by whole replicas): each
    # stretch the verdict names must be one where the replayed costs agree, at its middle.
    import numpy as np

    from botec.commands import report
    from botec.stages.deployment import _cheaper, _flips

    sheet = report(SCENARIOS / "provisioned-steady-api.toml", samples=0)
    cheap_first, flips = _flips(sheet)
    assert cheap_first and len(flips) >= 3
    cheaper = _cheaper(sheet, "serverless_cost_per_day", "autoscaled_cost_per_day")
    edges = [1.0, *flips, 1e12]
    for i in range(len(edges) - 1):
        middle = (edges[i] * edges[i + 1]) ** 0.5
        assert bool(cheaper(np.array([middle]))[0]) == (i % 2 == 0)
    verdict = next(n.text for n in sheet.notes if n.text.startswith("Cheaper"))
    from botec.core.units import format_quantity

    first = format_quantity(flips[0], "req/day")  # the verdict names the replayed crossings
    assert f"serverless is cheaper below about {first} and from about" in verdict


@pytest.mark.parametrize("users", ["1100000", "1050000", "900000"])
def test_the_ranges_the_verdict_names_hold_at_the_scenario_s_own_traffic(users: str) -> None:
    # Near 4M requests a day the fleet's whole replicas make serverless and the autoscaled
    # fleet trade places every few per cent; a grid of 20 points a decade (12% apart) missed
    # crossings closer than that and called serverless dearer at 4.4M req/day, where it is not.
    # Replaying both costs at the scenario's own traffic must agree with the crossings found.
    import numpy

    from botec.stages.deployment import _cheaper, _flips

    path = SCENARIOS / "serverless-internal-tool.toml"
    sheet = botec.commands.report(path, samples=0, overrides=[f"users.daily_active_users={users}"])
    per_day = float(sheet["total_requests_per_second"]) * 86_400
    cheap_first, flips = _flips(sheet)
    said = cheap_first != (sum(f < per_day for f in flips) % 2 == 1)
    cheaper = bool(_cheaper(sheet, "serverless_cost_per_day", "autoscaled_cost_per_day")(
        numpy.array([per_day]))[0])  # fmt: skip
    assert said == cheaper


def test_a_hosted_api_for_another_model_is_said_to_be_one() -> None:
    # The scenario serves Llama 3.1 8B; Groq's Llama 3.3 70B price is another model's.
    path = SCENARIOS / "serverless-internal-tool.toml"
    sheet = botec.commands.report(
        path, samples=0, overrides=["deployment.hosted_api=llama-3.3-70b@groq"]
    )
    assert any(
        n.verdict and "serves llama-3.3-70b, not llama-3.1-8b" in n.text for n in sheet.notes
    )
    same = botec.commands.report(
        path, samples=0, overrides=["deployment.hosted_api=llama-3.1-8b@groq"]
    )
    assert not any("not like for like" in n.text for n in same.notes)
