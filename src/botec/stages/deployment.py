"""The [deployment] stage: the serving plan over a day, hour by hour with autoscaling, and the
same traffic on serverless GPUs billed by the second, with the break-even between them."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.core.units import format_quantity
from botec.estimators import deployment as dp
from botec.estimators._constants import seconds_per_day, seconds_per_hour
from botec.estimators._sums import sum_of
from botec.scenario.workloads import DeploymentSection
from botec.stages._inputs import assumed
from botec.stages.context import Context
from botec.stages.deployment_hosted import hosted_api

FIELD = "deployment"
HOURS = 24


def run_deployment(ctx: Context, sec: DeploymentSection, model: str = "") -> None:
    """The day, serverless, and a hosted API for ``model`` (the [serving] model's name)."""
    sheet = ctx.sheet
    if "replica_request_rate" not in sheet.steps or not ctx.plan_gpu:
        raise BotecInputError(
            FIELD, "no serving plan",
            "a [serving_plan] that meets its targets (with [serving] and [users]): the day is "
            "that plan's replicas hour by hour",
        )  # fmt: skip
    plan = {
        "total_requests_per_second": ctx.average_rps,
        "replica_request_rate": sheet.steps["replica_request_rate"],
        "tensor_parallel": sheet.inputs["tensor_parallel"],
        "target_utilization": sheet.inputs["target_utilization"],
        "usd_per_gpu_hour": sheet.inputs["usd_per_gpu_hour"],
    }
    hours_per_day = sheet.constant("hours_per_day", HOURS, "h/day", "Hours a day", "definition")
    minimum = sheet.input(
        "min_replicas", sec.min_replicas, "replicas", "Minimum replicas (autoscaling floor)",
        "scenario",
    )  # fmt: skip
    replica_hours = _day(sheet, sec, plan, minimum)
    _autoscaled(sheet, plan, replica_hours, hours_per_day)
    _check_peak(sheet, sec)
    options = _serverless(ctx, sec, plan, minimum, hours_per_day)
    hosted = hosted_api(ctx, sec, model, plan["usd_per_gpu_hour"], hours_per_day)
    if hosted is not None:
        options["a hosted API"] = hosted
    _verdict(sheet, options)


def _weights(sheet: Sheet, sec: DeploymentSection) -> list[float]:
    """The day's hourly weights (× the mean): the scenario's profile, else the default day
    reshaped to peak at [users] peak_factor, so the busiest hour is the peak the fleet is sized
    for (the default's own 3.0× when no peak factor is stated)."""
    if sec.hourly_profile is None:
        factor = sheet.inputs.get("peak_factor")
        if factor is None or float(point(factor.value)) <= 1:
            return list(dp.DIURNAL_PROFILE) if factor is None else [1.0] * HOURS
        return dp.shaped_day(float(point(factor.value)))
    if len(sec.hourly_profile) != HOURS or sum(sec.hourly_profile) <= 0:
        raise BotecInputError(
            f"{FIELD}.hourly_profile", f"{len(sec.hourly_profile)} values",
            "24 non-negative values, one an hour from midnight, not all zero",
        )  # fmt: skip
    mean = sum(sec.hourly_profile) / HOURS
    return [w / mean for w in sec.hourly_profile]


def _day(sheet: Sheet, sec: DeploymentSection, plan: dict, minimum: Value) -> Value:
    """Replicas hour by hour: each hour's traffic (or the next hour's) at the plan's rate."""
    weights = _weights(sheet, sec)
    cite = (
        "scenario"
        if sec.hourly_profile
        else "default day (botec.estimators.deployment), peaking at users.peak_factor"
    )
    inputs = [
        sheet.input(f"hour_weight_{h:02d}", weights[h], "x", f"Traffic {h:02d}:00 (× mean)", cite)
        for h in range(HOURS)
    ]
    delay = sheet.input("scale_up_delay", sec.scale_up_delay, "s",
                        "Time a new replica takes to serve", "scenario" if "scale_up_delay" in
                        sec.model_fields_set else "default: one hour ahead")  # fmt: skip
    # a delay of `reach` whole hours and a `lead` share of one more; a day ahead is the most a
    # daily profile can say
    reach, lead = divmod(min(float(sec.scale_up_delay), (HOURS - 1) * 3600.0) / 3600, 1)
    reach = int(reach)
    shown = format_quantity(float(delay.value), "s")
    lead_share = sheet.input(
        "lead_share", lead, "fraction", "Share of each hour the hour after the delay is in reach",
        f"the scale-up delay ({shown}) past its whole hours, as a share of an hour",
    )  # fmt: skip

    def hourly_inputs(name: str, value: Any, title: Any, source: Any) -> list[Value]:
        return [sheet.input(f"{name}_{h:02d}", value(h), "x", title(h), source(h))
                for h in range(HOURS)]  # fmt: skip

    ahead = hourly_inputs(
        "ahead_weight",
        lambda h: max([weights[(h + k) % HOURS] for k in range(1, reach + 1)], default=weights[h]),
        lambda h: f"Busiest traffic {h:02d}:00 must be ready for (× mean)",
        lambda h: f"the largest hourly weight within the scale-up delay's whole hours ({reach})",
    )
    later = hourly_inputs(
        "later_weight",
        lambda h: weights[(h + reach + 1) % HOURS] if lead > 0 else weights[h],
        lambda h: f"Traffic {(h + reach + 1) % HOURS:02d}:00, ready by the end of {h:02d}:00",
        lambda h: f"the hour the scale-up delay ({shown}) reaches into before {h:02d}:00 ends",
    )
    hourly = _each_hour(
        sheet, dp.HOURLY_REPLICAS, "replicas", "Replicas",
        lambda h: {"hour_weight": inputs[h], "ahead_weight": ahead[h], "later_weight": later[h],
                   "lead_share": lead_share},
        min_replicas=minimum, total_requests_per_second=plan["total_requests_per_second"],
        replica_request_rate=plan["replica_request_rate"],
        target_utilization=plan["target_utilization"],
    )  # fmt: skip
    return sum_of(
        sheet, "replica_count_sum", "The hourly replica counts added up", "replicas", hourly
    )


def _each_hour(
    sheet: Sheet, formula: Any, name: str, title: str, own: Any, **common: Value
) -> list[Value]:
    """One step of ``formula`` for each hour of the day, ``name_HH``: the inputs every hour
    shares, and ``own(h)``, the hour's own."""
    return [
        sheet.step(formula, name=f"{name}_{h:02d}", title=f"{title} {h:02d}:00", **common, **own(h))
        for h in range(HOURS)
    ]


def _autoscaled(sheet: Sheet, plan: dict, replica_hours: Value, hours_per_day: Value) -> None:
    peak = sheet.step(
        dp.PEAK_GPU_HOURS, replicas=sheet.steps["replicas"],
        tensor_parallel=plan["tensor_parallel"], hours_per_day=hours_per_day,
    )  # fmt: skip
    auto = sheet.step(
        dp.AUTOSCALED_GPU_HOURS, replica_count_sum=replica_hours,
        tensor_parallel=plan["tensor_parallel"],
        hour_per_slot=sheet.input("hour_per_slot", 1, "h/day", "Hours a day each count holds",
                                  "one count for each hour of the day"),
    )  # fmt: skip
    sheet.step(dp.SAVING, autoscaled_gpu_hours_per_day=auto, peak_sized_gpu_hours_per_day=peak)
    sheet.step(dp.AUTOSCALED_COST, autoscaled_gpu_hours_per_day=auto,
               usd_per_gpu_hour=plan["usd_per_gpu_hour"])  # fmt: skip


def _serverless(
    ctx: Context, sec: DeploymentSection, plan: dict, minimum: Value, hours_per_day: Value
) -> None:
    sheet = ctx.sheet
    price = _serverless_price(ctx, sec)
    latency = sheet.steps["end_to_end_latency"]
    one = sheet.constant("one_request", 1, "req", "One request", "definition")
    window = sheet.input("scale_down_window", sec.scale_down_window, "s",
                         "Idle time kept warm after a request", "scenario")  # fmt: skip
    cold = sheet.step(
        dp.COLD_START, weights_memory=sheet.steps["weights_memory"],
        weights_load_bandwidth=assumed(ctx, "weights_load_bandwidth", sec.weights_load_bandwidth,
                                       "B/s", "Rate a cold replica reads its weights"),
        engine_startup_time=assumed(ctx, "engine_startup_time", sec.engine_startup_time, "s",
                                    "Engine start-up besides the weights"),
    )  # fmt: skip
    sheet.step(
        dp.COLD_SHARE, total_requests_per_second=plan["total_requests_per_second"],
        scale_down_window=window, one_request=one,
    )  # fmt: skip
    sheet.step(
        dp.REQUESTS_PER_DAY, total_requests_per_second=plan["total_requests_per_second"],
        seconds_per_day=seconds_per_day(sheet),
    )  # fmt: skip
    seconds = _serverless_hours(sheet, plan, latency, one, window, cold)
    serverless = sheet.step(
        dp.SERVERLESS_COST, serverless_gpu_seconds_per_day=seconds,
        seconds_per_hour=seconds_per_hour(sheet), serverless_usd_per_gpu_hour=price,
    )  # fmt: skip
    _break_even(sheet, sec)
    return {
        "serverless": serverless,
        "provisioned, autoscaled": sheet.steps["autoscaled_cost_per_day"],
    }


def _serverless_hours(
    sheet: Sheet, plan: dict, latency: Value, one: Value, window: Value, cold: Value
) -> Value:
    """Serverless GPU-seconds hour by hour, each hour at its own rate, added up for the day."""
    hour_seconds = sheet.input("hour_seconds", 3600, "s/day", "Seconds in each hour of the day",
                               "definition: each hour comes once a day")  # fmt: skip
    hourly = _each_hour(
        sheet, dp.HOURLY_SERVERLESS_SECONDS, "serverless_gpu_seconds", "Serverless GPU-seconds",
        lambda h: {"hour_weight": sheet.inputs[f"hour_weight_{h:02d}"]},
        hour_seconds=hour_seconds, total_requests_per_second=plan["total_requests_per_second"],
        tensor_parallel=plan["tensor_parallel"], replica_request_rate=plan["replica_request_rate"],
        target_utilization=plan["target_utilization"], end_to_end_latency=latency,
        one_request=one, scale_down_window=window, cold_start_time=cold,
    )  # fmt: skip
    return sum_of(
        sheet, "serverless_gpu_seconds_per_day",
        "Serverless GPU-seconds billed a day (use, cold starts, idle windows), hour by hour",
        "s/day", hourly,
    )  # fmt: skip


def _break_even(sheet: Sheet, sec: DeploymentSection) -> None:
    """The always-on minimum, and the traffic where serverless stops being cheaper."""
    sheet.constant(
        "always_on_replicas",
        max(1, sec.min_replicas),
        "replicas",
        "Replicas always on (at least one)",
        "the minimum fleet, or one replica",
    )
    crossing = sheet.input(
        "serverless_crossing_requests_per_day", _crossing(sheet), "req/day",
        "Traffic where serverless and the autoscaled fleet cost the same",
        "solved: the two costs per day replayed over 1 to 10^12 requests a day, the first where "
        "serverless stops being cheaper, refined by bisection to 0.1% (0: serverless is never "
        "cheaper; 10^12: always; the verdict names every range where it is)",
    )  # fmt: skip
    sheet.step(dp.BREAK_EVEN, serverless_crossing_requests_per_day=crossing)


GRID_LOW, GRID_HIGH = 1.0, 1e12  # requests a day the crossings are looked for between


def _cheaper(sheet: Sheet, one: str, other: str) -> Any:
    """A function of requests a day (an array): whether the cost step ``one`` is below
    ``other`` there, both replayed from their recorded formulas."""
    import numpy

    from botec.core.replay import replay

    costs = [sheet.steps[one], sheet.steps[other]]

    def cheaper(per_day: Any) -> Any:
        got = replay(costs, {"total_requests_per_second": per_day / (HOURS * 3600)})
        return numpy.broadcast_to(got[one] < got[other], numpy.shape(per_day))

    return cheaper


def _flips(
    sheet: Sheet, one: str = "serverless_cost_per_day", other: str = "autoscaled_cost_per_day"
) -> tuple[bool, list[float]]:
    """Whether ``one`` is cheaper than ``other`` at the grid's low end, and every traffic
    (requests a day, to 0.1%) where which is cheaper flips, in order: the costs can cross more
    than once (the fleet's whole replicas step, serverless bills the same work at another rate)."""
    import numpy

    cheaper = _cheaper(sheet, one, other)
    # 200 points a decade (1.2% apart): whole replicas step the fleet's cost every few per cent,
    # and crossings closer than the grid step would be missed
    grid = numpy.geomspace(GRID_LOW, GRID_HIGH, 2401)
    ok = cheaper(grid)
    flips = []
    for i in numpy.flatnonzero(ok[:-1] != ok[1:]):
        low, high, first = float(grid[i]), float(grid[i + 1]), bool(ok[i])
        while high / low > 1.001:
            middle = (low * high) ** 0.5
            low, high = (middle, high) if bool(cheaper(numpy.array([middle]))[0]) == first else (
                low, middle)  # fmt: skip
        flips.append((low * high) ** 0.5)
    return bool(ok[0]), flips


def _crossing(sheet: Sheet) -> float:
    """Requests a day where serverless first stops being cheaper than the autoscaled fleet
    (0: never cheaper; 10^12: cheaper throughout)."""
    cheap_first, flips = _flips(sheet)
    if not cheap_first:
        return 0.0
    return flips[0] if flips else GRID_HIGH


def _cheaper_ranges(sheet: Sheet, what: str, one: str, other: str) -> str:
    """Where cost ``one`` is below ``other``, in words, every range of traffic."""
    cheap, flips = _flips(sheet, one, other)
    if not flips:
        return (
            f"{what} is cheaper at any traffic from 1 to 10^12 requests a day"
            if cheap
            else f"{what} is never cheaper, from 1 to 10^12 requests a day"
        )
    edges = [None, *(format_quantity(f, "req/day") for f in flips), None]
    spans = [(edges[i], edges[i + 1]) for i in range(len(edges) - 1) if (i % 2 == 0) == cheap]
    if len(spans) > 3:  # whole replicas make the costs cross back and forth: give the span
        spans = [spans[0], (f"stretches from about {spans[1][0]}", spans[-1][1])]
        tail = f" (the two costs cross {len(flips)} times)"
    else:
        tail = ""
    ranges = [
        f"below about {high}" if low is None
        else f"in {low} up" if low.startswith("stretches") and high is None
        else f"above about {low}" if high is None
        else f"in {low} to {high}" if low.startswith("stretches")
        else f"from about {low} to {high}"
        for low, high in spans
    ]  # fmt: skip
    return f"{what} is cheaper " + " and ".join(ranges) + tail


def _check_peak(sheet: Sheet, sec: DeploymentSection) -> None:
    """The day's busiest hour against the fleet sized for peak: a profile that peaks above
    [users] peak_factor (or a floor above the peak fleet) makes the "saving" a loss."""
    busiest = max(float(sheet.steps[f"replicas_{h:02d}"]) for h in range(HOURS))
    peak = float(sheet.steps["replicas"])
    if busiest <= peak:
        return
    profile = max(float(sheet.inputs[f"ahead_weight_{h:02d}"]) for h in range(HOURS))
    factor = float(sheet.inputs["peak_factor"]) if "peak_factor" in sheet.inputs else None
    why = (
        f"min_replicas ({sec.min_replicas:,}) is above it"
        if sec.min_replicas >= busiest
        else f"the day's profile reaches {profile:.2f}× the mean where users.peak_factor is "
        f"{factor:.2f}×"
        if factor is not None
        else "the day's profile peaks above the peak factor"
    )
    sheet.note(
        "warn",
        f"The day's busiest hour needs {busiest:,.0f} replicas, more than the {peak:,.0f} sized "
        f"for peak ({why}): the two disagree, so the saving against the peak fleet means "
        "nothing. Make users.peak_factor match the profile's peak (with the scale-up delay), "
        "or lower deployment.min_replicas.",
        verdict=True,  # the headline fleet is too small for its own day: the answer says so
    )


def _verdict(sheet: Sheet, options: dict[str, Value]) -> None:
    """The cheapest way to serve the day, against the others, and where serverless (and a
    hosted API) stop paying off."""
    cheapest = min(options, key=lambda k: float(options[k]))
    others = ", ".join(
        f"{format_quantity(float(v), 'USD/day')} {k}" for k, v in options.items() if k != cheapest
    )
    text = (
        f"Cheaper at this traffic: {cheapest} "
        f"({format_quantity(float(options[cheapest]), 'USD/day')} against {others}). "
        "Against the autoscaled fleet, "
        + _cheaper_ranges(sheet, "serverless", "serverless_cost_per_day", "autoscaled_cost_per_day")
    )
    if "hosted_usd_per_million_tokens" in sheet.steps:
        text += _hosted_verdict(sheet)
    sheet.note("ok", text + ".", verdict=True)


def _hosted_verdict(sheet: Sheet) -> str:
    """Where the autoscaled fleet costs less than the hosted API, replayed over traffic (the
    API's price per token against a replica always busy says whether any traffic can)."""
    api = float(sheet.steps["hosted_usd_per_million_tokens"])
    busy = float(sheet.steps["usd_per_million_tokens_at_full_load"])
    if api <= busy:
        return (
            f"; the hosted API is cheaper at any traffic: its "
            f"{format_quantity(api, 'USD/Mtoken')} is below the "
            f"{format_quantity(busy, 'USD/Mtoken')} of a replica always busy"
        )
    ranges = _cheaper_ranges(
        sheet, "the autoscaled fleet", "autoscaled_cost_per_day", "hosted_cost_per_day"
    )
    return (
        f"; against the hosted API ({format_quantity(api, 'USD/Mtoken')}, a replica always busy "
        f"{format_quantity(busy, 'USD/Mtoken')}), {ranges}"
    )


def _serverless_price(ctx: Context, sec: DeploymentSection) -> Value:
    if sec.serverless_usd_per_gpu_hour is not None:
        return ctx.sheet.input("serverless_usd_per_gpu_hour", sec.serverless_usd_per_gpu_hour,
                               "USD/h", "Serverless price per GPU-hour", "scenario")  # fmt: skip
    try:
        entry = ctx.catalog.price("serverless", ctx.plan_gpu)
    except BotecInputError:
        raise BotecInputError(
            f"{FIELD}.serverless_usd_per_gpu_hour", "missing",
            f"a serverless price for {ctx.plan_gpu} (the catalog lists H100, A100 80GB, L40S, "
            "L4 and T4)",
        ) from None  # fmt: skip
    return ctx.sheet.input(
        "serverless_usd_per_gpu_hour", entry.get("usd_per_hour"), "USD/h",
        f"Serverless price per GPU-hour ({entry.name})", f"catalog: {entry.source}, {entry.as_of}",
    )  # fmt: skip
