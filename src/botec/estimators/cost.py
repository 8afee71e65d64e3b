"""Monthly cost: rented machines by the hour, and the total of whatever parts a scenario has."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._sums import sum_of

HOURLY_FLEET_COST = Formula(
    "fleet_cost_per_month",
    "units * usd_per_unit_hour * hours_per_month",
    "USD/month",
    "Fleet cost per month",
    headline=True,
)

SPOT_PRICE = Formula(
    "usd_per_gpu_hour",
    "on_demand_usd_per_gpu_hour * spot_price_fraction",
    "USD/h",
    "Spot price per GPU-hour",
    "Spot capacity is billed at a fraction of on-demand that moves with demand; it can be "
    "reclaimed at short notice.",
)


def fleet_cost(
    sheet: Sheet,
    units: Value,
    usd_per_unit_hour: Value,
    hours_per_month: Value,
    name: str,
    title: str,
) -> Value:
    return sheet.step(
        HOURLY_FLEET_COST,
        name=name,
        title=title,
        units=units,
        usd_per_unit_hour=usd_per_unit_hour,
        hours_per_month=hours_per_month,
    )


def total_monthly_cost(
    sheet: Sheet,
    parts: list[Value],
    title: str = "Total monthly cost",
    name: str = "total_monthly_cost",
) -> Value:
    """The sum of the monthly cost lines present in this scenario."""
    return sum_of(sheet, name, title, "USD/month", parts)
