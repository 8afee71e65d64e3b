"""Charts: right number of bars, lines and panels; units on the ticks; PNG and SVG output."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from botec.core.errors import BotecInputError
from botec.report.plots import (
    distribution_figure,
    figure_svg,
    save_figure,
    sweep_figure,
    tornado_figure,
)

BARS = [
    ("Daily active users", 80.0, 150.0),
    ("Tokens per request", 95.0, 130.0),
    ("GPU utilisation", 125.0, 104.0),  # a higher input lowers the result
]


def _tick_texts(axis) -> list[str]:
    """Labels of the major ticks inside the view, without rendering the figure."""
    low, high = sorted(axis.get_view_interval())
    ticks = [t for t in axis.get_majorticklocs() if low <= t <= high]
    return [text for text in axis.get_major_formatter().format_ticks(ticks) if text]


def test_import_is_cheap():
    code = (
        "import sys, botec.report.plots; print('matplotlib' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_tornado_two_rectangles_per_bar_first_on_top():
    fig = tornado_figure("GPUs required", "GPUs", 112.0, BARS)
    (ax,) = fig.axes
    assert len(ax.patches) == 6
    p5_colour = ax.patches[0].get_facecolor()
    p95_colour = ax.patches[3].get_facecolor()
    assert p5_colour != p95_colour
    # bars run from the nominal to the result with the input at p5 / p95
    first_p5, first_p95 = ax.patches[0], ax.patches[3]
    assert first_p5.get_x() == pytest.approx(112.0)
    assert first_p5.get_x() + first_p5.get_width() == pytest.approx(80.0)
    assert first_p95.get_x() + first_p95.get_width() == pytest.approx(150.0)
    # first bar (most influential) drawn at the top
    ys = [p.get_y() for p in ax.patches[:3]]
    assert ys == sorted(ys, reverse=True)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ticks = list(ax.get_yticks())
    assert labels[ticks.index(max(ticks))] == "Daily active users"
    # nominal line and the legend entries
    assert [line.get_xdata()[0] for line in ax.lines] == [112.0]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:2] == ["input at p5", "input at p95"]
    assert legend[2] == "nominal 112 GPUs"
    assert all(text.endswith(" GPUs") for text in _tick_texts(ax.xaxis))


def test_tornado_without_bars_still_draws():
    fig = tornado_figure("Cost", "USD/month", 5e4, [])
    assert len(fig.axes[0].patches) == 0
    assert "<svg" in figure_svg(fig)


def test_distribution_panels_lines_and_log_scale():
    rng = np.random.default_rng(0)
    narrow = rng.normal(100.0, 5.0, 2000)
    wide = rng.lognormal(np.log(1e9), 1.5, 2000)  # p95/p5 ~ 140
    panels = [
        ("GPUs required", "GPUs", narrow, 100.0),
        ("Model memory", "B", wide, 1e9),
        ("Monthly cost", "USD/month", narrow * 1e3, 1e5),
        ("Latency", "s", narrow / 1e3, 0.1),
    ]
    fig = distribution_figure(panels)
    assert len(fig.axes) == 4
    assert fig.axes[3].get_subplotspec().get_geometry()[:2] == (2, 3)  # 3 columns at most
    for ax in fig.axes:
        assert len(ax.lines) == 4  # p5, p50, p95 dashed + nominal solid
        styles = [line.get_linestyle() for line in ax.lines]
        assert styles == ["--", "--", "--", "-"]
        assert len(ax.patches) == 40
    p5, p50, p95 = np.percentile(narrow, [5, 50, 95])
    xs = [line.get_xdata()[0] for line in fig.axes[0].lines]
    assert xs == pytest.approx([p5, p50, p95, 100.0])
    assert [ax.get_xscale() for ax in fig.axes] == ["linear", "log", "linear", "linear"]
    assert all(t.endswith("B") for t in _tick_texts(fig.axes[1].xaxis))
    assert all(t.endswith("ms") for t in _tick_texts(fig.axes[3].xaxis))


def test_distribution_single_panel_and_no_finite_samples():
    fig = distribution_figure([("Empty", "GPUs", np.array([np.nan, np.inf]), 1.0)])
    assert len(fig.axes) == 1
    assert len(fig.axes[0].lines) == 0


def test_sweep_lines_per_series_and_log_axes():
    x = np.array([1e3, 1e4, 1e5, 1e6])
    series = {
        "H100": {"gpus": np.array([1.0, 10.0, 100.0, 1000.0]), "latency": np.array([1, 1, 2, 2.0])},
        "A100": {"gpus": np.array([2.0, 20.0, 200.0, 2000.0]), "latency": np.array([2, 2, 3, 3.0])},
    }
    outputs = [("gpus", "GPUs required", "GPUs"), ("latency", "Latency", "s")]
    fig = sweep_figure("Daily users", "users", x, series, outputs)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert [line.get_label() for line in ax.lines] == ["H100", "A100"]
        assert ax.get_xscale() == "log"
    assert fig.axes[0].get_yscale() == "log"
    assert fig.axes[1].get_yscale() == "linear"
    assert fig.axes[0].get_legend() is not None
    assert all(t.endswith("users") for t in _tick_texts(fig.axes[0].xaxis))
    assert all(t.endswith(("GPU", "GPUs")) for t in _tick_texts(fig.axes[0].yaxis))


def test_sweep_single_series_linear_no_legend():
    x = np.linspace(1.0, 50.0, 30)
    fig = sweep_figure("Batch size", "", x, {"base": {"t": x * 2}}, [("t", "Throughput", "tok/s")])
    (ax,) = fig.axes
    assert len(ax.lines) == 1
    assert ax.get_legend() is None
    assert (ax.get_xscale(), ax.get_yscale()) == ("linear", "linear")


def test_sweep_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="3 values for 2 x values"):
        sweep_figure("x", "", np.array([1.0, 2.0]), {"s": {"y": np.ones(3)}}, [("y", "Y", "")])


def test_figure_svg_is_inline_with_text():
    svg = figure_svg(tornado_figure("GPUs required", "GPUs", 112.0, BARS))
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "Daily active users" in svg  # text kept as text, not glyph paths
    assert svg.rstrip().endswith("</svg>")


def test_save_figure_png_and_svg(tmp_path):
    png = tmp_path / "tornado.png"
    save_figure(tornado_figure("GPUs required", "GPUs", 112.0, BARS), str(png))
    data = png.read_bytes()
    assert data[:4] == b"\x89PNG" and len(data) > 1000

    svg = tmp_path / "tornado.SVG"
    save_figure(tornado_figure("GPUs required", "GPUs", 112.0, BARS), str(svg))
    text = svg.read_text()
    assert "<svg" in text and "GPU utilisation" in text


def test_save_figure_bad_suffix(tmp_path):
    target = tmp_path / "chart.pdf"
    with pytest.raises(BotecInputError) as info:
        save_figure(tornado_figure("GPUs", "GPUs", 1.0, BARS), str(target))
    assert info.value.field == "--plot"
    assert info.value.allowed == "a file name ending in .png or .svg, e.g. chart.svg"
    assert not target.exists()


def test_duration_ticks_are_round_in_the_unit_shown():
    rng = np.random.default_rng(1)
    days = 86_400.0
    fig = distribution_figure(
        [("Training time", "s", rng.normal(20 * days, 4 * days, 500), 20 * days)]
    )
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    ticks = [t for t in ax.xaxis.get_majorticklocs() if low <= t <= high]
    assert len(ticks) >= 2
    assert all(float(t / days).is_integer() for t in ticks)
    assert all(text.endswith(" days") for text in _tick_texts(ax.xaxis))


def test_a_range_narrower_than_the_bins_still_draws(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # numpy cannot cut 40 bins out of a spread of a few floats (5 to 5.00000000000001) and
    # raised "Too many bins for data range": a traceback from --plot
    from botec.report.binning import histogram_edges

    narrow = np.array([5.0, 5.000000000000001, 5.000000000000002, 5.00000000000001])
    edges = histogram_edges(narrow)
    assert edges is not None and np.all(np.diff(edges) > 0)
    assert np.histogram(narrow, bins=edges)[0].sum() == narrow.size
    same = histogram_edges(np.array([7.0, 7.0]))  # no spread: numpy's window of 7 ± 0.5
    assert same is not None and same[0] < 7.0 < same[-1]
    from conftest import cli

    code, _out, err = cli(
        "traffic", "--qps", "10", "--peak-factor", "5 to 5.00000000000001",
        "--plot", str(tmp_path / "narrow.svg"),
    )  # fmt: skip
    assert code == 0 and "Traceback" not in err, err
