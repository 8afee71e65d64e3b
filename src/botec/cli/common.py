"""Options most commands share: --samples/--seed, --plot, and --catalog/--format/-o/--force."""

from __future__ import annotations

from pathlib import Path

import click

from botec.cli.table import Opt

FORMATS = ("text", "markdown", "html", "json")


class NamedPath(click.Path):
    """A file path that is not empty: Path('') is '.', the working folder, which the messages
    after would name instead of what was typed."""

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and not value.strip():
            self.fail(f"got {value!r}; expected a file name", param, ctx)
        return super().convert(value, param, ctx)


FILE = NamedPath(dir_okay=False, path_type=Path)

SAMPLING = (
    Opt(
        "--samples",
        "Monte Carlo draws for inputs given as ranges ('30% to 50%'); 0 = point only.",
        type=click.IntRange(0, 1_000_000),
        show_default=True,
    ),
    Opt(
        "--seed",
        "Random seed: the same seed gives the same percentiles.",
        type=click.IntRange(0, 2**32 - 1),
        show_default=True,
    ),
)
PLOT = Opt(
    "--plot",
    "Also write charts: the tornado of the main result to this .png or .svg file, the result "
    "distributions beside it (NAME-distributions.svg); with a [deployment] day, NAME-day.svg "
    "and NAME-break-even.svg.",
    type=FILE,
    default=None,
)
CATALOG = Opt(
    "--catalog",
    "Your own catalog TOML, merged over the bundled one.",
    param="catalog_file",
    type=FILE,
    default=None,
)


def output_options(formats: tuple[str, ...] = FORMATS) -> tuple[Opt, ...]:
    """--catalog, --format, -o/--output and --force, in that order."""
    return (
        CATALOG,
        Opt(
            "--format",
            "Report format.",
            param="fmt",
            type=click.Choice(formats),
            default="text",
            show_default=True,
        ),
        Opt(
            ("-o", "--output"),
            "Write the report to this file instead of standard output.",
            type=FILE,
            default=None,
        ),
        Opt("--force", "Overwrite the -o file if it already exists.", is_flag=True, default=False),
    )


OUTPUT = output_options()
# What every estimating command ends with.
BRIEF = Opt(
    "--brief",
    "Print only the answer: the figures that answer the question and the verdicts.",
    is_flag=True,
    default=False,
)
ESTIMATING = (*SAMPLING, PLOT, BRIEF, *OUTPUT)
# --emit: engines whose launch command a plan can print (botec.report.launch), short names too.
EMIT_CHOICES = ["vllm", "tensorrt-llm", "trtllm", "sglang"]
