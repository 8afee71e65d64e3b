"""What every botec chart shares: colours and sizes, a pyplot-free figure on an Agg canvas, axes
styled alike, tick labels with units (:func:`botec.core.units.format_quantity`), and writing a
figure as PNG, SVG or inline SVG.

matplotlib and numpy are imported inside the functions, so importing this module is cheap.
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


def _wrap(text: str, width: int) -> str:
    """Long titles on two lines rather than cut off at the figure's edge."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


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
    raises botec.core.errors.BotecInputError naming --plot. Close the figure afterwards."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise BotecInputError("--plot", path, "a file name ending in .png or .svg, e.g. chart.svg")
    import io

    from botec.core.safe_io import write_bytes

    buffer = io.BytesIO()
    try:
        _save(fig, buffer, fmt)
    finally:
        _close(fig)
    write_bytes(Path(path), buffer.getvalue(), "--plot")  # whole or not at all
