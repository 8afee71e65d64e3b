"""The [deployment] stage: the serving plan over a day, hour by hour with autoscaling, and the
same traffic on serverless GPUs billed by the second, with the break-even between them."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.units import format_quantity
from botec.estimators import deployment as dp
from botec.estimators._constants import seconds_per_day, seconds_per_hour
from botec.estimators._sums import sum_of
from botec.scenario.workloads import DeploymentSection
from botec.stages._inputs import assumed
from botec.stages.context import Context

FIELD = "deployment"
HOURS = 24


def run_deployment(ctx: Context, sec: DeploymentSection) -> None:
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
    _serverless(ctx, sec, plan, minimum, hours_per_day)


def _weights(sheet: Sheet, sec: DeploymentSection) -> list[float]:
    if sec.hourly_profile is None:
        return list(dp.DIURNAL_PROFILE)
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
    cite = "scenario" if sec.hourly_profile else "default day: botec.estimators.deployment"
    inputs = [
        sheet.input(f"hour_weight_{h:02d}", weights[h], "x", f"Traffic {h:02d}:00 (× mean)", cite)
        for h in range(HOURS)
    ]
    hourly = [
        sheet.step(
            dp.HOURLY_REPLICAS,
            name=f"replicas_{h:02d}",
            title=f"Replicas {h:02d}:00",
            min_replicas=minimum,
            hour_weight=inputs[h],
            next_hour_weight=inputs[(h + 1) % HOURS],
            total_requests_per_second=plan["total_requests_per_second"],
            replica_request_rate=plan["replica_request_rate"],
            target_utilization=plan["target_utilization"],
        )
        for h in range(HOURS)
    ]
    return sum_of(
        sheet, "replica_count_sum", "The hourly replica counts added up", "replicas", hourly
    )


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
    concurrent = sheet.step(
        dp.CONCURRENT, total_requests_per_second=plan["total_requests_per_second"],
        end_to_end_latency=latency,
    )  # fmt: skip
    per_request = sheet.step(
        dp.GPU_SECONDS_PER_REQUEST, tensor_parallel=plan["tensor_parallel"],
        replica_request_rate=plan["replica_request_rate"], end_to_end_latency=latency,
        one_request=one, concurrent_requests=concurrent,
        target_utilization=plan["target_utilization"],
    )  # fmt: skip
    window = sheet.input("scale_down_window", sec.scale_down_window, "s",
                         "Idle time kept warm after a request", "scenario")  # fmt: skip
    cold = sheet.step(
        dp.COLD_START, weights_memory=sheet.steps["weights_memory"],
        weights_load_bandwidth=assumed(ctx, "weights_load_bandwidth", sec.weights_load_bandwidth,
                                       "B/s", "Rate a cold replica reads its weights"),
        engine_startup_time=assumed(ctx, "engine_startup_time", sec.engine_startup_time, "s",
                                    "Engine start-up besides the weights"),
    )  # fmt: skip
    share = sheet.step(
        dp.COLD_SHARE, total_requests_per_second=plan["total_requests_per_second"],
        scale_down_window=window, one_request=one,
    )  # fmt: skip
    per_day = sheet.step(
        dp.REQUESTS_PER_DAY, total_requests_per_second=plan["total_requests_per_second"],
        seconds_per_day=seconds_per_day(sheet),
    )  # fmt: skip
    seconds = sheet.step(
        dp.SERVERLESS_SECONDS, requests_per_day=per_day, gpu_seconds_per_request=per_request,
        cold_start_share=share, tensor_parallel=plan["tensor_parallel"], cold_start_time=cold,
        scale_down_window=window, one_request=one,
    )  # fmt: skip
    serverless = sheet.step(
        dp.SERVERLESS_COST, serverless_gpu_seconds_per_day=seconds,
        seconds_per_hour=seconds_per_hour(sheet), serverless_usd_per_gpu_hour=price,
    )  # fmt: skip
    even = sheet.step(
        dp.BREAK_EVEN, min_replicas=sheet.constant(
            "always_on_replicas", max(1, sec.min_replicas), "replicas",
            "Replicas always on (at least one)", "the minimum fleet, or one replica"),
        hours_per_day=hours_per_day, seconds_per_hour=seconds_per_hour(sheet),
        usd_per_gpu_hour=plan["usd_per_gpu_hour"], serverless_usd_per_gpu_hour=price,
        end_to_end_latency=latency, one_request=one,
    )  # fmt: skip
    auto = sheet.steps["autoscaled_cost_per_day"]
    cheaper = "serverless" if float(serverless) < float(auto) else "provisioned, autoscaled"
    sheet.note(
        "ok",
        f"Cheaper at this traffic: {cheaper} ({format_quantity(float(serverless), 'USD/day')} "
        f"serverless against {format_quantity(float(auto), 'USD/day')} provisioned). Serverless "
        f"stops paying off above about {format_quantity(float(even), 'req/day')}.",
        verdict=True,
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
