"""Monthly cost: rented machines by the hour, and the total of whatever parts a scenario has."""

from __future__ import annotations

from botec.sheet import Formula, Sheet, Value

HOURLY_FLEET_COST = Formula(
    "fleet_cost_per_month",
    "units * usd_per_unit_hour * hours_per_month",
    "USD/month",
    "Fleet cost per month",
)


def fleet_cost(
    sheet: Sheet, units: Value, usd_per_unit_hour: Value, hours_per_month: Value,
    name: str, title: str,
) -> Value:
    return sheet.step(
        HOURLY_FLEET_COST, name=name, title=title,
        units=units, usd_per_unit_hour=usd_per_unit_hour, hours_per_month=hours_per_month,
    )


def total_monthly_cost(sheet: Sheet, parts: list[Value]) -> Value:
    """The sum of the monthly cost lines present in this scenario."""
    formula = _sum_formula(tuple(p.name for p in parts))
    return sheet.step(formula, **{p.name: p for p in parts})


_SUMS: dict[tuple[str, ...], Formula] = {}


def _sum_formula(names: tuple[str, ...]) -> Formula:
    # A sum over whichever cost lines exist; built once per combination and reused.
    if names not in _SUMS:
        _SUMS[names] = Formula(
            "total_monthly_cost", " + ".join(names), "USD/month", "Total monthly cost"
        )
    return _SUMS[names]
