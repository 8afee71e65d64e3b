"""Where a command's text and charts go: standard output, or files never silently replaced."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from botec.core.errors import BotecInputError

# A sweep this large gets a progress bar on a terminal.
PROGRESS_FROM_POINTS = 200_000


def emit(text: str, output: Path | None, force: bool) -> None:
    """Print, or write to a file without silently replacing what the user already has."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    if output.exists() and not force:
        raise BotecInputError(
            "-o/--output", str(output), "a file that does not exist yet (or --force)"
        )
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BotecInputError(
            "-o/--output", str(output), f"a writable path ({exc.strerror})"
        ) from None
    click.echo(f"wrote {output}", err=True)


def write_plot(sheet: Any, path: Path, force: bool) -> None:
    """FILE gets the tornado of the main result; FILE-distributions the result histograms."""
    from botec.report import charts

    check_plot_path(path, force=True)
    if not sheet.sensitivity:
        raise BotecInputError(
            "--plot", str(path), "a scenario with at least one range input (nothing varies here)"
        )
    second = path.with_name(f"{path.stem}-distributions{path.suffix}")
    for target in (path, second):
        check_plot_path(target, force)
    for target, figure in ((path, charts.tornado(sheet)), (second, charts.distributions(sheet))):
        if figure is not None:
            save_chart(figure, target)


def check_plot_path(path: Path | None, force: bool) -> None:
    """A chart file name ends in .png or .svg, and an existing file needs --force."""
    if path is None:
        return
    if path.suffix.lower() not in (".png", ".svg"):
        raise BotecInputError("--plot", str(path), "a file name ending in .png or .svg")
    if path.exists() and not force:
        raise BotecInputError("--plot", str(path), "a file that does not exist yet (or --force)")


def save_chart(figure: Any, path: Path) -> None:
    from botec.report.plots import save_figure

    try:
        save_figure(figure, str(path))
    except OSError as exc:
        raise BotecInputError("--plot", str(path), f"a writable path ({exc.strerror})") from None
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
