"""The fleet an image or video service needs: its daily volume (its own, or one per [users]
request), the peak rate, whole jobs of GPUs for it, the monthly bill and the cost of each."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Value
from botec.core.units import format_quantity
from botec.estimators import generation
from botec.estimators._constants import days_per_month, seconds_per_day
from botec.scenario.workloads import ImageGenerationSection, VideoGenerationSection
from botec.stages._inputs import assumed
from botec.stages.context import Context
from botec.stages.gpu_price import monthly_fleet_cost
from botec.stages.traffic import daily_volume

Section = ImageGenerationSection | VideoGenerationSection


def _per_day(ctx: Context, sec: Section, noun: str) -> Value | None:
    """The section's own images (clips) a day, else one for each [users] request."""
    many = f"{noun}s"
    return daily_volume(
        ctx, generation.PER_NOUN[noun]["from_requests"],
        (f"{many}_per_day", getattr(sec, f"{many}_per_day"), f"{many}/day",
         f"{many.capitalize()} per day"),
        (f"{many}_per_request", 1, f"{many}/req", f"{many.capitalize()} per [users] request",
         f"assumed one per request: set {noun}_generation.{many}_per_day for another volume"),
    )  # fmt: skip


def generation_fleet(ctx: Context, sec: Section, fleet: tuple[Any, Value], noun: str) -> None:
    """GPUs for the peak rate of ``noun``s a day, their monthly bill and the cost of each; nothing
    without a daily volume (the section's own, or [users]')."""
    sheet, (gpu, per_gpu) = ctx.sheet, fleet
    many, formulas, field = f"{noun}s", generation.PER_NOUN[noun], f"{noun}_generation"
    per_day = _per_day(ctx, sec, noun)
    if per_day is None:
        return
    peak_factor = assumed(ctx, "peak_factor", sec.peak_factor, "x", "Peak-to-average factor")
    rate = sheet.step(
        formulas["peak_rate"], peak_factor=peak_factor, seconds_per_day=seconds_per_day(sheet),
        **{f"{many}_per_day": per_day},
    )  # fmt: skip
    gpus = sheet.step(
        formulas["gpus"],
        target_utilization=assumed(
            ctx, "target_utilization", None, "fraction", "Target utilisation at peak"
        ),
        gpus_per_job=sheet.inputs["gpus_per_job"],
        **{f"peak_{many}_per_second": rate, f"{many}_per_second_per_gpu": per_gpu},
    )  # fmt: skip
    ctx.gpus[field] = gpus
    monthly = monthly_fleet_cost(
        ctx,
        gpus,
        gpu,
        sec,
        field,
        "generator_usd_per_gpu_hour",
        "generation_cost_per_month",
        f"Generation GPUs per month ({many})",
    )
    if monthly is None:
        return
    each = sheet.step(
        formulas["cost_per"], generation_cost_per_month=monthly,
        days_per_month=days_per_month(sheet), **{f"{many}_per_day": per_day},
    )  # fmt: skip
    sheet.note(
        "info",
        f"{format_quantity(float(gpus), 'GPUs')} of {gpu.name} for the peak; "
        f"{format_quantity(float(each) * 1000, 'USD')} per 1,000 {many}.",
    )
