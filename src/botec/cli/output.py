"""Where a command's text and charts go: standard output, or files never silently replaced,
never the input being read, and never left half-written."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from botec.core.errors import BotecInputError
from botec.core.safe_io import check_output, write_text

# A sweep this large gets a progress bar on a terminal: a vectorised pass runs 10^5 points a
# second, but a grid that crosses a branch runs point by point (~5-200 ms each), so a thousand
# points can take minutes.
PROGRESS_FROM_POINTS = 1_000


def check_outputs(values: Mapping[str, Any]) -> None:
    """Before any work or any write: every file the command will write (-o, --plot and the
    distributions chart beside it) is new or --force was given, none is a file being read
    (symlinks resolved), and no two are the same file. A refused path costs nothing."""
    force = bool(values.get("force"))
    inputs = tuple(
        Path(v)
        for k in ("scenario", "catalog_file", "model", "recipe")
        if isinstance(v := values.get(k), str | Path) and str(v) not in ("", "-")
    ) + _bundled(values)
    outputs: list[tuple[str, Path]] = []
    if values.get("output") is not None:
        outputs.append(("-o/--output", Path(values["output"])))
    plot = values.get("plot")
    if plot is not None:
        check_plot_suffix(Path(plot))
        outputs.append(("--plot", Path(plot)))
        if "brief" in values:  # report and the estimating commands also draw the distributions
            outputs.append(("--plot", distributions_path(Path(plot))))
        output = values.get("output")
        sides = [side_chart_path(Path(plot), name) for name in DAY_CHARTS]
        if output is not None and Path(output).resolve() in {s.resolve() for s in sides}:
            raise BotecInputError(
                "-o/--output", str(output),
                f"a file other than the charts --plot may write ({', '.join(map(str, sides))})",
            )  # fmt: skip
    seen: dict[Path, str] = {}
    for field, path in outputs:
        check_output(path, field, force, inputs)
        resolved = path.resolve()
        if resolved in seen:
            raise BotecInputError(field, str(path), f"a file other than the {seen[resolved]} one")
        seen[resolved] = field


def _bundled(values: Mapping[str, Any]) -> tuple[Path, ...]:
    """The bundled example a name (``examples show NAME``, ``report smartpal``) reads: an input
    like any file, never an output."""
    from botec.examples import EXAMPLES_DIR, example_names

    name = values.get("name") or values.get("scenario")
    if isinstance(name, str | Path) and Path(name).stem in example_names():
        return (EXAMPLES_DIR / f"{Path(name).stem}.toml",)
    return ()


def emit(text: str, output: Path | None, force: bool) -> None:
    """Print, or write to a file whole (a temporary file renamed into place), never silently
    replacing what the user already has."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    check_output(output, "-o/--output", force)
    write_text(output, text, "-o/--output")
    click.echo(f"wrote {output}", err=True)


def side_chart_path(path: Path, name: str) -> Path:
    """Where --plot FILE's chart ``name`` goes beside it: FILE-name with FILE's suffix."""
    return path.with_name(f"{path.stem}-{name}{path.suffix}")


# a [deployment] day's two charts beside --plot FILE
DAY_CHARTS = ("day", "break-even")


def distributions_path(path: Path) -> Path:
    """Where --plot FILE's second chart, the result distributions, goes."""
    return side_chart_path(path, "distributions")


def report_text(sheet: Any, fmt: str, brief: bool, launch_for: str | None) -> str:
    """The report in ``fmt`` (the answer alone with ``brief``), or with ``launch_for`` the
    plan's launch command for that engine instead; rendered before any file is written."""
    if launch_for:
        from botec.report.launch import launch_command

        return launch_command(sheet, launch_for)
    from botec.report import render

    return render(sheet, fmt, brief=brief)


# The fewest draws that spread: one draw has no range to chart.
MIN_PLOT_SAMPLES = 2


def write_plot(sheet: Any, path: Path, force: bool) -> None:
    """FILE gets the tornado of the main result; FILE-distributions the result histograms; a
    serving plan's day adds FILE-day (replicas hour by hour) and FILE-break-even (serverless
    against provisioned over traffic)."""
    from botec.report import charts
    from botec.report.deployment_charts import break_even_chart, day_chart

    check_plot_suffix(path)
    figures: list[tuple[Path, Any]] = []
    if sheet.sensitivity:  # a deployment day draws its two charts even with nothing varying
        figures = [
            (path, charts.tornado(sheet)),
            (distributions_path(path), charts.distributions(sheet)),
        ]
    for name, draw in zip(DAY_CHARTS, (day_chart, break_even_chart), strict=True):
        figure = draw(sheet)
        if figure is not None:
            figures.append((side_chart_path(path, name), figure))
    if not figures and sheet.uncertain_inputs and sheet.samples < MIN_PLOT_SAMPLES:
        raise BotecInputError(
            "--samples", sheet.samples,
            f"at least {MIN_PLOT_SAMPLES} with --plot: the charts draw the Monte Carlo draws "
            "(the default is 2,000)",
        )  # fmt: skip
    if not figures:
        raise BotecInputError(
            "--plot", str(path), "a scenario with at least one range input (nothing varies here)"
        )
    for target, _ in figures:
        check_output(target, "--plot", force)
    for target, figure in figures:
        if figure is not None:
            save_chart(figure, target)


def check_plot_suffix(path: Path) -> None:
    """A chart file name ends in .png or .svg."""
    if path.suffix.lower() not in (".png", ".svg"):
        raise BotecInputError(
            "--plot", str(path), "a file name ending in .png or .svg, e.g. chart.svg"
        )


def save_chart(figure: Any, path: Path) -> None:
    from botec.report.plots import save_figure

    save_figure(figure, str(path))
    click.echo(f"wrote {path}", err=True)


@contextmanager
def progress_bar(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar for a large sweep on a terminal; otherwise nothing."""
    if total < PROGRESS_FROM_POINTS or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("sweeping", total=total)
        yield lambda n: bar.advance(task, n)
