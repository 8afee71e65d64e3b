"""A serving plan's day and its serverless break-even as curves, for charts and the playground:
the hourly replica counts the report recorded, and the day's costs at other traffic replayed
through the same recorded formulas (``core.replay``), the plan's replica rate held."""

from __future__ import annotations

from typing import Any

from botec.core.replay import replay
from botec.core.sheet import Sheet
from botec.core.units import DAY

HOURS = 24
BREAK_EVEN_POINTS = 61  # log-spaced traffic levels from 1/100 of the lower of (traffic,
# break-even) to 10× the higher: both crossings and the scenario's own traffic in view


def day_curve(sheet: Sheet) -> dict[str, Any] | None:
    """Each hour's traffic (× the day's mean) and replicas, and the fleet sized for peak; None
    without a [deployment] day."""
    if "replicas_00" not in sheet.steps:
        return None
    return {
        "hours": list(range(HOURS)),
        "traffic_x_mean": [float(sheet.inputs[f"hour_weight_{h:02d}"].value) for h in range(HOURS)],
        "autoscaled_replicas": [
            float(sheet.steps[f"replicas_{h:02d}"].value) for h in range(HOURS)
        ],
        "peak_replicas": float(sheet.steps["replicas"].value),
        "tensor_parallel": float(sheet.inputs["tensor_parallel"].value),
        "autoscaling_saving": float(sheet.steps["autoscaling_saving"].value),
    }


def break_even_curve(sheet: Sheet, points: int = BREAK_EVEN_POINTS) -> dict[str, Any] | None:
    """Cost per day, serverless, provisioned (autoscaled) and a hosted API where priced, against
    requests per day; None without a serverless comparison."""
    import numpy

    if "serverless_cost_per_day" not in sheet.steps:
        return None
    now = float(sheet.steps["requests_per_day"].value)
    even = float(sheet.steps["break_even_requests_per_day"].value)
    if not (now > 0 and even > 0):  # a free fleet (a $0/h price) breaks even nowhere
        return None
    per_day = numpy.geomspace(min(now, even) / 100, max(now, even) * 10, points)
    names = ["serverless_cost_per_day", "autoscaled_cost_per_day", "hosted_cost_per_day"]
    got = replay(
        [sheet.steps[n] for n in names if n in sheet.steps],
        {"total_requests_per_second": per_day / DAY},
    )
    serverless = numpy.broadcast_to(got["serverless_cost_per_day"], per_day.shape)
    provisioned = numpy.broadcast_to(got["autoscaled_cost_per_day"], per_day.shape)
    hosted = got.get("hosted_cost_per_day")
    return {
        "requests_per_day": per_day.tolist(),
        "serverless_usd_per_day": serverless.tolist(),
        "provisioned_usd_per_day": provisioned.tolist(),
        # a hosted API priced per token, where the scenario has one (else None)
        "hosted_usd_per_day": None
        if hosted is None
        else numpy.broadcast_to(hosted, per_day.shape).tolist(),
        "scenario_requests_per_day": now,
        "break_even_requests_per_day": even,
        # where the curves cross: the break-even the report solved on the same formulas
        "crossing_requests_per_day": even,
    }
