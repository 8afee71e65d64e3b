"""Charts for botec's uncertainty reports: tornado, result distributions and sweep curves.

Every chart is a :class:`matplotlib.figure.Figure` built directly (no pyplot, so no global figure
registry and nothing to close) on an Agg canvas. Tick labels carry units through
:func:`botec.core.units.format_quantity`, so an axis reads '14 GPUs' or '$2.62M/month', never '1e6'.

matplotlib and numpy are imported inside the functions: ``import botec.report.plots`` is cheap and
botec works without matplotlib until a chart is asked for.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botec.core.errors import BotecInputError
from botec.core.units import DAY, HOUR, MINUTE, YEAR, format_quantity

if TYPE_CHECKING:
    import numpy
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Colours (colour-blind safe pair from the Okabe-Ito palette) and sizes.
P5_COLOUR = "#0072B2"  # blue: input at its p5
P95_COLOUR = "#E69F00"  # orange: input at its p95
NOMINAL_COLOUR = "#222222"
PERCENTILE_COLOUR = "#D55E00"
HIST_COLOUR = "#9DB9D3"
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
TITLE_SIZE = 11
LABEL_SIZE = 9
TICK_SIZE = 8
LEGEND_SIZE = 8
MAX_COLUMNS = 3
PNG_DPI = 150

# savefig reads svg.fonttype from the global rcParams; serialise our temporary change to it.
_RC_LOCK = threading.Lock()


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _new_figure(width: float, height: float) -> Figure:
    """A pyplot-free figure on an Agg canvas, laid out compactly when drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    return fig


def _style_axes(ax: Axes) -> None:
    """Clean look: no top/right frame, light grid behind the data, readable ticks."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.set_axisbelow(True)
    ax.grid(True, color="#e3e3e3", linewidth=0.6)
    ax.title.set_fontsize(TITLE_SIZE)
    ax.xaxis.label.set_fontsize(LABEL_SIZE)
    ax.yaxis.label.set_fontsize(LABEL_SIZE)


def _unit_axis(
    axis: Any, unit: str, log: bool, low: float, high: float, width_in: float | None = None
) -> None:
    """Tick labels with units on one axis (linear or log10) covering about [low, high].

    ``width_in`` (x axes) is the axis length in inches: labels sit side by side there, so long
    ones ('$900,000/month') get fewer ticks rather than overlapping.
    """
    from matplotlib.ticker import (
        FuncFormatter,
        LogLocator,
        MaxNLocator,
        NullFormatter,
        NullLocator,
    )

    most = 6
    if width_in is not None:
        probes = [low + (high - low) * k / 4 for k in range(5)]
        longest = max(len(format_quantity(v, unit)) for v in probes)
        # ~15 characters per inch at the tick font size, plus a gap of 3 characters
        most = max(2, min(most, int(width_in * 15 / (longest + 3))))
    formatter = FuncFormatter(lambda value, _pos: format_quantity(value, unit))
    if log:
        getattr(axis.axes, f"set_{axis.axis_name}scale")("log")  # resets locators: do it first
        decades = math.log10(high / low) if low > 0 and high > low else 0.0
        # fewer than ~2 decades in view: 1-2-5 ticks so at least two are labelled
        subs = (1.0, 2.0, 5.0) if decades < 2 and most >= 4 else (1.0,)
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=most))
        axis.set_minor_locator(LogLocator(base=10, subs="auto", numticks=12))
        axis.set_minor_formatter(NullFormatter())
    else:
        locator = MaxNLocator(nbins=most - 1, steps=[1, 2, 2.5, 5, 10])
        if unit == "s":
            locator = _duration_locator(locator)
        axis.set_major_locator(locator)
        axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(formatter)


# The unit format_duration shows a duration in (seconds per unit), largest first.
_DURATION_STEPS = ((3 * YEAR, YEAR), (48 * HOUR, DAY), (2 * HOUR, HOUR), (120.0, MINUTE))


def _duration_locator(inner: Any) -> Any:
    """Round ticks in the unit the labels use (days, hours...), not in seconds: 7 days, not
    6.94 days. Wraps a linear locator; sub-second ranges already round in seconds' decimals."""
    from matplotlib.ticker import Locator

    class DurationLocator(Locator):
        def __call__(self) -> Any:
            vmin, vmax = self.axis.get_view_interval()
            return self.tick_values(vmin, vmax)

        def tick_values(self, vmin: float, vmax: float) -> Any:
            biggest = max(abs(vmin), abs(vmax))
            size = next((size for limit, size in _DURATION_STEPS if biggest >= limit), 1.0)
            return inner.tick_values(vmin / size, vmax / size) * size

    return DurationLocator()


def _finite(values: Any) -> numpy.ndarray:
    import numpy as np

    array = np.asarray(values, dtype=float).ravel()
    return array[np.isfinite(array)]


def _wants_log(values: numpy.ndarray, ratio: float) -> bool:
    """All positive and max/min at least ``ratio`` (values already finite)."""
    if values.size == 0 or float(values.min()) <= 0:
        return False
    return float(values.max()) / float(values.min()) >= ratio


def _grid(count: int) -> tuple[int, int]:
    columns = max(1, min(MAX_COLUMNS, count))
    return math.ceil(count / columns) if count else 1, columns


def _close(fig: Figure) -> None:
    """Forget the figure. Figures made here are not in pyplot's registry, so this only matters
    for a figure someone made with pyplot (and only when pyplot is already loaded)."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


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
    nominal_line = ax.axvline(
        nominal,
        color=NOMINAL_COLOUR,
        linewidth=1.2,
        zorder=4,
        label=f"nominal {format_quantity(nominal, unit)}",
    )

    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.6, max(count, 1) - 0.4)
    ends = [nominal, *at_low, *at_high]
    ends = [v for v in ends if math.isfinite(v)]
    low_end, high_end = min(ends), max(ends)
    span = high_end - low_end or abs(nominal) or 1.0
    ax.set_xlim(low_end - 0.06 * span, high_end + 0.06 * span)
    _unit_axis(ax.xaxis, unit, False, low_end, high_end, width_in=5.0)
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
        if log and high > low:
            bins: Any = np.geomspace(low, high, 41)
        else:
            bins = 40
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


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def _save(fig: Figure, target: Any, fmt: str) -> None:
    import matplotlib

    options: dict[str, Any] = {"format": fmt, "facecolor": "white"}
    if fmt == "png":
        options["dpi"] = PNG_DPI
    else:
        options["metadata"] = {"Date": None}  # same figure, same bytes
    with _RC_LOCK, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "botec"}):
        fig.savefig(target, **options)


def figure_svg(fig: Figure) -> str:
    """The figure as an inline SVG string for embedding in HTML: no XML declaration/DOCTYPE,
    text kept as text (rcParams svg.fonttype = 'none'), figure closed afterwards."""
    import io

    buffer = io.StringIO()
    try:
        _save(fig, buffer, "svg")
    finally:
        _close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :].strip() + "\n"


def save_figure(fig: Figure, path: str) -> None:
    """Write PNG (dpi 150) or SVG according to the suffix of path (.png or .svg); any other suffix
    raises botec.core.errors.BotecInputError("--plot", path, "a file name ending in .png or .svg").
    Close the figure afterwards."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise BotecInputError("--plot", path, "a file name ending in .png or .svg")
    try:
        _save(fig, path, fmt)
    finally:
        _close(fig)


def _wrap(text: str, width: int) -> str:
    """Long titles on two lines rather than cut off at the figure's edge."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
