"""Charts for botec's uncertainty reports: tornado, result distributions and sweep curves.

Every chart is a :class:`matplotlib.figure.Figure` built directly (no pyplot, so no global figure
registry and nothing to close) on an Agg canvas. Tick labels carry units through
:func:`botec.core.units.format_quantity`, so an axis reads '14 GPUs' or '$2.62M/month', never '1e6'.

matplotlib and numpy are imported inside the functions: ``import botec.report.plots`` is cheap and
botec works without matplotlib until a chart is asked for.
Shared pieces (colours, axes, unit ticks, saving) live in :mod:`botec.report.figure_kit`;
``figure_svg`` and ``save_figure`` are re-exported from here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from botec.core.units import format_quantity
from botec.report.binning import histogram_edges
from botec.report.figure_kit import (
    HIST_COLOUR,
    LEGEND_SIZE,
    NOMINAL_COLOUR,
    P5_COLOUR,
    P95_COLOUR,
    PERCENTILE_COLOUR,
    SERIES_COLOURS,
    _finite,
    _grid,
    _new_figure,
    _style_axes,
    _unit_axis,
    _wants_log,
    _wrap,
    figure_svg,
    save_figure,
)

if TYPE_CHECKING:
    import numpy
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["distribution_figure", "figure_svg", "save_figure", "sweep_figure", "tornado_figure"]


def tornado_figure(
    result_title: str, unit: str, nominal: float, bars: list[tuple[str, float, float]]
) -> Figure:
    """Horizontal tornado chart. bars = (input label, result when that input is at its p5,
    result when at its p95), already sorted most influential first (drawn at the top).
    A vertical line at `nominal`. x axis labelled with botec units.

    Each bar row is two rectangles from the nominal: one to the p5 result, one to the p95 result
    (so ``len(ax.patches) == 2 * len(bars)``); the shorter is drawn over the longer. The legend
    is a figure legend below the axes.
    """
    count = len(bars)
    fig = _new_figure(7.0, 1.4 + 0.42 * max(count, 1))
    ax = fig.add_subplot()
    _style_axes(ax)
    ax.grid(False, axis="y")

    positions = [count - 1 - i for i in range(count)]  # first bar at the top
    labels = [label for label, _low, _high in bars]
    at_low = [float(low) for _label, low, _high in bars]
    at_high = [float(high) for _label, _low, high in bars]
    low_bars, high_bars = _tornado_bars(ax, positions, nominal, at_low, at_high)
    nominal_line = ax.axvline(
        nominal,
        color=NOMINAL_COLOUR,
        linewidth=1.2,
        zorder=4,
        label=f"nominal {format_quantity(nominal, unit)}",
    )

    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.6, max(count, 1) - 0.4)
    _tornado_x_axis(ax, unit, nominal, [nominal, *at_low, *at_high])
    ax.set_title(
        _wrap(f"{result_title}: effect of each input from its p5 to its p95", 50), loc="left"
    )
    ax.set_xlabel(result_title)
    if count == 0:
        ax.text(0.5, 0.5, "no uncertain inputs", transform=ax.transAxes, ha="center")
    fig.legend(
        handles=[low_bars, high_bars, nominal_line],
        fontsize=LEGEND_SIZE,
        loc="outside lower center",
        ncols=3,
        frameon=False,
    )
    return fig


def _tornado_bars(
    ax: Axes, positions: list[int], nominal: float, at_low: list[float], at_high: list[float]
) -> tuple[Any, Any]:
    """The p5 and p95 bars from the nominal, the shorter of each pair drawn over the longer."""
    height = 0.62
    low_bars = ax.barh(
        positions,
        [v - nominal for v in at_low],
        left=nominal,
        height=height,
        color=P5_COLOUR,
        label="input at p5",
        zorder=2,
    )
    high_bars = ax.barh(
        positions,
        [v - nominal for v in at_high],
        left=nominal,
        height=height,
        color=P95_COLOUR,
        label="input at p95",
        zorder=2,
    )
    for low_patch, high_patch, low, high in zip(
        low_bars.patches, high_bars.patches, at_low, at_high, strict=True
    ):
        shorter = low_patch if abs(low - nominal) < abs(high - nominal) else high_patch
        shorter.set_zorder(3)
    return low_bars, high_bars


def _tornado_x_axis(ax: Axes, unit: str, nominal: float, ends: list[float]) -> None:
    """x limits a little beyond every bar end and the nominal, with unit ticks."""
    ends = [v for v in ends if math.isfinite(v)]
    low_end, high_end = min(ends), max(ends)
    span = high_end - low_end or abs(nominal) or 1.0
    ax.set_xlim(low_end - 0.06 * span, high_end + 0.06 * span)
    _unit_axis(ax.xaxis, unit, False, low_end, high_end, width_in=5.0)


def distribution_figure(panels: list[tuple[str, str, numpy.ndarray, float]]) -> Figure:
    """One small histogram per result: (title, unit, samples array, nominal value). Mark p5, p50,
    p95 (numpy.percentile) with dashed lines and the nominal with a solid line; up to 3 columns of
    panels. Log x scale when all samples > 0 and p95/p5 > 20.

    Each panel has exactly four lines (p5, p50, p95, nominal) when it has finite samples.
    """
    import numpy as np

    rows, columns = _grid(len(panels))
    fig = _new_figure(4.1 * columns, 3.0 * rows)
    for index, (title, unit, samples, nominal) in enumerate(panels):
        ax = fig.add_subplot(rows, columns, index + 1)
        _style_axes(ax)
        ax.grid(False, axis="y")
        ax.set_title(_wrap(title, 38), loc="left")
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        values = _finite(samples)
        if values.size == 0:
            ax.text(0.5, 0.5, "no finite samples", transform=ax.transAxes, ha="center")
            continue
        p5, p50, p95 = (float(v) for v in np.percentile(values, [5, 50, 95]))
        # The outer 0.5% of draws on each side are left off the axis: a lognormal's far tail
        # would otherwise squeeze the body of the histogram into a few bins.
        low, high = (float(v) for v in np.percentile(values, [0.5, 99.5]))
        values = values[(values >= low) & (values <= high)]
        log = low > 0 and p95 / p5 > 20
        bins = histogram_edges(values, np.geomspace(low, high, 41) if log and high > low else 40)
        if bins is None:  # every draw the same float: no spread to draw
            ax.text(0.5, 0.5, "every draw the same value", transform=ax.transAxes, ha="center")
            continue
        counts, _edges, _patches = ax.hist(
            values, bins=bins, color=HIST_COLOUR, edgecolor="white", linewidth=0.3
        )
        ax.set_ylim(0, float(counts.max()) * 1.6)  # headroom for the legend
        for name, value, width in (("p5", p5, 1.0), ("p50", p50, 1.4), ("p95", p95, 1.0)):
            ax.axvline(
                value,
                color=PERCENTILE_COLOUR,
                linestyle="--",
                linewidth=width,
                label=f"{name} {format_quantity(value, unit)}",
            )
        ax.axvline(
            nominal,
            color=NOMINAL_COLOUR,
            linewidth=1.4,
            label=f"nominal {format_quantity(nominal, unit)}",
        )
        shown = [v for v in (low, high, float(nominal)) if math.isfinite(v) and (v > 0 or not log)]
        _unit_axis(ax.xaxis, unit, log, min(shown), max(shown), width_in=3.7)
        ax.legend(
            fontsize=LEGEND_SIZE - 1,
            loc="upper right",
            handlelength=1.6,
            framealpha=0.85,
            edgecolor="none",
        )
    return fig


def sweep_figure(
    x_label: str,
    x_unit: str,
    x_values: numpy.ndarray,
    series: dict[str, dict[str, numpy.ndarray]],
    outputs: list[tuple[str, str, str]],
) -> Figure:
    """Sweep curves: one subplot per output (name, title, unit) in `outputs`; in each subplot one
    line per series label (series[label][name] has the same length as x_values). Log x axis when
    x_values are all > 0 and max/min >= 100; log y likewise per subplot. Legend when >1 series
    (in the first subplot)."""
    import numpy as np

    x = np.asarray(x_values, dtype=float).ravel()
    x_finite = _finite(x)
    log_x = _wants_log(x_finite, 100.0)
    markers = x.size <= 15
    rows, columns = _grid(len(outputs))
    fig = _new_figure(4.3 * columns, 3.2 * rows)
    for index, (name, title, unit) in enumerate(outputs):
        ax = fig.add_subplot(rows, columns, index + 1)
        _style_axes(ax)
        ax.set_title(_wrap(title, 38), loc="left")
        ax.set_xlabel(x_label)
        curves = []
        for number, (label, results) in enumerate(series.items()):
            if name not in results:
                raise ValueError(f"series {label!r} has no values for output {name!r}")
            y = np.asarray(results[name], dtype=float).ravel()
            if y.shape != x.shape:
                raise ValueError(
                    f"series {label!r}, output {name!r}: {y.size} values for {x.size} x values"
                )
            y = np.where(np.isfinite(y), y, np.nan)  # gaps where a point has no finite result
            curves.append(y)
            ax.plot(
                x,
                y,
                color=SERIES_COLOURS[number % len(SERIES_COLOURS)],
                linewidth=1.6,
                marker="o" if markers else None,
                markersize=3.5,
                label=label,
            )
        y_finite = _finite(np.concatenate(curves)) if curves else _finite([])
        log_y = _wants_log(y_finite, 100.0)
        if x_finite.size:
            _unit_axis(ax.xaxis, x_unit, log_x, float(x_finite.min()), float(x_finite.max()), 3.8)
        if y_finite.size:
            _unit_axis(ax.yaxis, unit, log_y, float(y_finite.min()), float(y_finite.max()))
        if index == 0 and len(series) > 1:
            ax.legend(fontsize=LEGEND_SIZE, frameon=False)
    return fig
