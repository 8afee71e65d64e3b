"""Charts of a sheet's uncertainty: the tornado of its main result and the result distributions.

Data selection lives here; drawing lives in :mod:`botec.plots`. Nothing is computed that the
sheet does not already hold.
"""

from __future__ import annotations

from typing import Any

from botec.sheet import Sheet

MAX_BARS = 8
MAX_PANELS = 6


def main_result(sheet: Sheet) -> str | None:
    """The result the tornado is drawn for: the last headline result in cascade order that
    varies (the cascade ends in what people decide on: GPUs, cost, days)."""
    names = list(sheet.sensitivity)
    return names[-1] if names else None


def tornado(sheet: Sheet, result: str | None = None) -> Any:
    from botec.plots import tornado_figure

    name = result or main_result(sheet)
    if name is None:
        return None
    sens = sheet.sensitivity[name]
    bars = [(d.title, d.result_at_low, d.result_at_high) for d in sens.drivers[:MAX_BARS]]
    return tornado_figure(sens.title, sens.unit, sens.nominal, bars)


def distributions(sheet: Sheet) -> Any:
    from botec.plots import distribution_figure

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
