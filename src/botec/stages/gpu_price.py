"""A GPU's price per GPU-hour on the sheet: the one the scenario states, or the GPU's price on the
chosen price basis (default: the market rental median), recorded with the basis's name and date
so every cost says what it was priced on."""

from __future__ import annotations

from typing import Any

from botec.catalog import gpu_prices as gp
from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.core.units import format_quantity
from botec.estimators import cost
from botec.estimators._constants import hours_per_month
from botec.stages.context import Context


def check_basis(ctx: Context, basis_name: str, field: str) -> None:
    """Refuse an unknown basis, naming the field."""
    gp.basis(ctx.catalog, basis_name or None, field)


def gpu_price(
    ctx: Context, gpu: Any, given: Any, basis_name: str, name: str, field: str
) -> Value | None:
    """The price per GPU-hour: as given, else on the basis; None (with a note saying why and
    which bases do price it) when the basis lacks this GPU."""
    sheet = ctx.sheet
    if given is not None:
        return sheet.input(name, given, "USD/h", "Price per GPU-hour", "scenario")
    check_basis(ctx, basis_name, field)
    rate = gp.gpu_rate(ctx.catalog, gpu.key, basis_name or None, field)
    if rate is None:
        sheet.unpriced.append(gpu.name)
        sheet.note(
            "info",
            f"No price for {gpu.name} on the {gp.basis(ctx.catalog, basis_name or None).name}: "
            f"{gp.unpriced_reason(ctx.catalog, gpu.key, basis_name or None)}. Give a price "
            "(--price) for the cost.",
        )
        return None
    value = sheet.input(
        name, rate.usd_per_hour, "USD/h", f"{gpu.name} per GPU-hour ({rate.label})", rate.source
    )
    sheet.note(
        "info",
        f"Priced on the {rate.label}: {format_quantity(rate.usd_per_hour, 'USD/h')} per "
        f"{gpu.name} (other bases: botec prices bases; --price-basis to choose).",
    )
    return value


def monthly_fleet_cost(
    ctx: Context, gpus: Value, gpu: Any, sec: Any, field: str, price_name: str, name: str,
    title: str,
) -> Value | None:  # fmt: skip
    """A workload fleet's month: ``gpus`` at the section's price (its ``usd_per_gpu_hour``, else
    its ``price_basis``), added to the scenario's monthly costs; None (with the note saying
    why) when nothing prices the GPU."""
    price = gpu_price(ctx, gpu, sec.usd_per_gpu_hour, sec.price_basis, price_name,
                      f"{field}.price_basis")  # fmt: skip
    if price is None:
        return None
    monthly = cost.fleet_cost(ctx.sheet, gpus, price, hours_per_month(ctx.sheet), name, title)
    ctx.monthly_costs.append(monthly)
    return monthly


def spot_price(ctx: Context, gpu: Any, basis_name: str, name: str) -> Value | None:
    """The GPU's spot price per GPU-hour, a spot list's own figure (the chosen basis's spot list,
    else AWS's); None when no spot list prices it."""
    try:
        rate = gp.spot_rate(ctx.catalog, gpu.key, basis_name or None)
    except BotecInputError:
        return None
    if rate is None:
        return None
    return ctx.sheet.input(
        name, rate.usd_per_hour, "USD/h", f"{gpu.name} spot per GPU-hour ({rate.label})",
        rate.source,
    )  # fmt: skip
