"""Charts of a sheet's uncertainty: the tornado of its main result and the result distributions.

Data selection lives here; drawing lives in :mod:`botec.report.plots`. Nothing is computed that the
sheet does not already hold.
"""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Sheet

MAX_BARS = 8
MAX_PANELS = 6


def main_result(sheet: Sheet) -> str | None:
    """The result the tornado is drawn for: the last headline result in cascade order that
    varies (the cascade ends in what people decide on: GPUs, cost, days)."""
    names = list(sheet.sensitivity)
    return names[-1] if names else None


def tornado(sheet: Sheet, result: str | None = None) -> Any:
    from botec.report.plots import tornado_figure

    name = result or main_result(sheet)
    if name is None:
        return None
    sens = sheet.sensitivity[name]
    bars = [(d.title, d.result_at_low, d.result_at_high) for d in sens.drivers[:MAX_BARS]]
    return tornado_figure(sens.title, sens.unit, sens.nominal, bars)


def distributions(sheet: Sheet) -> Any:
    from botec.report.plots import distribution_figure

    panels = [
        (step.title, step.unit, step.samples, float(step))
        for name in sheet.sensitivity
        if (step := sheet.steps[name]).varies
    ][-MAX_PANELS:]
    if not panels:
        return None
    return distribution_figure(panels)


def report_figure(sheet: Sheet) -> Any:
    """The tornado of the main result (None when nothing varies)."""
    return tornado(sheet)


MAX_SERIES = 12


def sweep_chart(result: Any) -> Any:
    """Each output against the first numeric axis; one line per combination of the others."""
    import numpy

    from botec.report.plots import sweep_figure

    x_axis = next((a for a in result.axes if a.numeric), None)
    if x_axis is None or result.rows == 0:
        return None
    others = [a for a in result.axes if a is not x_axis]
    x = numpy.asarray(result.columns[x_axis.name], dtype=float)
    # grouped by the values themselves: two values that print alike (1.00× and 1.004×) are two
    # series, the second labelled with its place
    keys = [tuple(_raw(result.columns[a.name][i]) for a in others) for i in range(result.rows)]
    series: dict[str, dict[str, Any]] = {}
    for key in dict.fromkeys(keys):
        if len(series) == MAX_SERIES:
            break
        label = " · ".join(f"{a.name}={_label(v, a)}" for a, v in zip(others, key, strict=True))
        label = label or "all"
        if label in series:
            label = f"{label} (#{len(series) + 1})"
        mask = numpy.array([k == key for k in keys])
        order = numpy.argsort(x[mask], kind="stable")
        series[label] = {
            name: numpy.asarray(result.columns[name], dtype=float)[mask][order]
            for name, _, _ in result.outputs
        }
        series[label]["__x__"] = x[mask][order]
    xs = next(iter(series.values()))["__x__"]
    for values in series.values():
        values.pop("__x__")
    return sweep_figure(x_axis.name, x_axis.unit, xs, series, list(result.outputs))


def _raw(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _label(value: Any, axis: Any) -> str:
    from botec.core.units import format_quantity

    if isinstance(value, str) or not axis.numeric:
        return str(value)
    return format_quantity(float(value), axis.unit)
