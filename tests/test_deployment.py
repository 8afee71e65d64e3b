"""A serving plan over a day: autoscaling, serverless and the break-even, by hand."""

from __future__ import annotations

import itertools
import math

import pytest

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


def test_serverless_at_a_trickle_is_cold_starts_and_latency() -> None:
    sheet = _day(serverless_usd_per_gpu_hour=4.0)
    # rescale to a trickle: one request every 10 minutes
    trickle = _served(1 / 600, serverless_usd_per_gpu_hour=4.0)
    lam, latency = 1 / 600, trickle["end_to_end_latency"].value
    cold = 16.06e9 / 1.5e9 + 40  # Llama 3.1 8B's 16.06 GB at 1.5 GB/s, then 40 s of start-up
    share = math.exp(-lam * 60)  # a request finds it cold when the last came over 60 s before
    # after each request that ends a busy spell (none arrives during its latency), the container
    # waits for the next arrival, at most the 60 s window: E[min(gap, 60 s)] = (1 − e^(−60λ))/λ
    idle = math.exp(-lam * latency) * (1 - share) / lam
    per_day = 86_400 * lam * (latency + share * cold + idle)
    assert trickle["cold_start_time"].value == pytest.approx(cold, rel=1e-3)
    assert trickle["serverless_gpu_seconds_per_day"].value == pytest.approx(per_day, rel=1e-3)
    assert trickle["serverless_cost_per_day"].value == pytest.approx(per_day / 3600 * 4.0, 1e-3)
    assert sheet["serverless_cost_per_day"].value > 0


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
    assert "provisioning can beat the hosted API" in verdict  # $1.38/Mtoken is dear
    assert "hosted_cost_per_day" not in _day(hosted_api="none").steps
    with pytest.raises(botec.BotecInputError) as err:
        _day(hosted_usd_per_million_input_tokens="$1/Mtoken")
    assert err.value.field == "deployment.hosted_usd_per_million_output_tokens"
    with pytest.raises(botec.BotecInputError) as err:
        _day(hosted_api="llama-3.1-8b@nowhere")
    assert err.value.field == "deployment.hosted_api"


@pytest.mark.parametrize(("delay", "ready_from"), [("0 s", 12), ("10 min", 11), ("3 h", 9)])
def test_the_scale_up_delay_decides_how_early_a_spike_is_provisioned(
    delay: str, ready_from: int
) -> None:
    # one busy hour at noon: with instant scaling only noon carries it; a delay of up to an hour
    # needs it from 11:00, three hours from 09:00 (each hour provisioned for the busiest it reaches)
    profile = [0.0] * 12 + [24.0] + [0.0] * 11  # the day's mean is 1
    sheet = _day(hourly_profile=profile, min_replicas=0, scale_up_delay=delay)
    rate = sheet["replica_request_rate"].value
    spike = math.ceil(5 * 24 / (rate * 0.7))
    hours = [sheet[f"replicas_{h:02d}"].value for h in range(24)]
    assert hours == [spike if ready_from <= h <= 12 else 0 for h in range(24)]


def test_serverless_never_gets_cheaper_as_a_trickle_grows_into_a_stream() -> None:
    # More requests never cost less than a tenth fewer did: the idle window is billed after
    # every request that ends a busy spell, not only after cold ones (a red-team finding: at 8K
    # requests a day it was billed as a third of 2K's).
    costs = []
    for per_second in (2e-3, 1e-2, 2.5e-2, 5e-2, 1e-1, 0.3, 1.0):
        sheet = _served(per_second)
        costs.append(sheet["serverless_cost_per_day"].value)
    assert all(later >= 0.9 * earlier for earlier, later in itertools.pairwise(costs))


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
    # peak_factor 1.2 sizes the peak fleet for 120 req/s; the default day reaches 3× the mean
    # (300 req/s) at 20:00, so its busiest hour needs more replicas than the "peak" fleet has
    sheet = _served(100, peak=1.2)
    busiest = max(sheet[f"replicas_{h:02d}"].value for h in range(24))
    assert busiest > sheet["replicas"].value
    warning = next(n.text for n in sheet.notes if "busiest hour" in n.text)
    assert "3.00× the mean where users.peak_factor is 1.20×" in warning
    assert not any("busiest hour" in n.text for n in _day().notes)  # 3× peak agrees


def test_no_api_beside_api_prices_is_a_contradiction() -> None:
    with pytest.raises(botec.BotecInputError) as err:
        _day(hosted_api="none", hosted_usd_per_million_input_tokens="$1/Mtoken",
             hosted_usd_per_million_output_tokens="$1/Mtoken")  # fmt: skip
    assert err.value.field == "deployment.hosted_api"
