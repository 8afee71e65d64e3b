"""Commands on scenario files and catalogs: report, sweep, compare, validate, hardware, examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import click

from botec import commands
from botec.cli.common import ESTIMATING, FILE, OUTPUT, NamedPath, output_options
from botec.cli.output import emit, progress_bar, save_chart, write_plot
from botec.cli.table import Opt, Table
from botec.commands.analysis import Part
from botec.core.errors import BotecInputError

_SCENARIO = Opt("FILE", param="scenario", type=NamedPath(path_type=Path), argument=True)


def _read_stdin(values: dict[str, Any]) -> None:
    """FILE '-': the scenario comes on standard input (TOML, or YAML)."""
    if values.get("scenario") == Path("-"):
        import sys

        values["scenario"] = commands.scenario_from_text(sys.stdin.read())


_SET = Opt(
    "--set",
    "Override a scenario value: section.field=value, e.g. users.daily_active_users=50M. Repeat "
    "(for the same field, the last one given wins; the report's title lists them all).",
    param="overrides",
    multiple=True,
)
_NAME = Opt("NAME", param="name", argument=True)

REPORT = Table(
    "Run a scenario FILE (TOML or YAML) and print the full report.",
    commands.report,
    (_SCENARIO, _SET, *ESTIMATING),
)

SWEEP = Table(
    "Evaluate scenario FILE over a grid of inputs and print or export the table.",
    commands.sweep,
    (
        _SCENARIO,
        _SET,
        Opt(
            "--vary",
            "NAME=LOW..HIGH[:POINTS] or NAME=A,B,C, e.g. dau=1M..1B or gpu=a100-80gb,l4. Repeat.",
            multiple=True,
            required=True,
        ),
        Opt(
            "--points",
            "Points per LOW..HIGH axis (log-spaced when it spans 10× or more).",
            type=click.IntRange(2, 10_000_000),
            show_default=True,
        ),
        Opt("--result", "Results to show, comma-separated.", param="results"),
        Opt(
            "--format",
            "html: one self-contained page with the curves and the table.",
            param="fmt",
            type=click.Choice(["text", "markdown", "html", "csv", "json"]),
            default="text",
            show_default=True,
        ),
        Opt(("-o", "--output"), type=FILE, default=None),
        Opt("--force", "Overwrite -o/--plot files that exist.", is_flag=True, default=False),
        Opt(
            "--plot",
            "Also draw the results against the first numeric axis (.png or .svg).",
            type=FILE,
            default=None,
        ),
        Opt("--catalog", param="catalog_file", type=FILE, default=None),
    ),
)

COMPARE = Table(
    "Rank GPUs for scenario FILE by cost, GPUs and latency; say which constraint binds.",
    commands.compare,
    (
        _SCENARIO,
        _SET,
        Opt(
            "--gpu",
            "GPUs to compare, comma-separated or repeated: --gpu a100-80gb,h100-sxm,l4.",
            param="gpus",
            multiple=True,
            required=True,
        ),
        Opt("--budget", "Monthly (serving) or total (training) budget, USD."),
        *ESTIMATING[:2],
        *output_options(("text", "markdown", "json", "csv")),
    ),
)

VALIDATE = Table(
    "Backtest botec against the published measurements it can express (shipped with botec): "
    "inference (serving roofline) and training (GPU-hours, wall-clock) rows.",
    commands.validate,
    (
        Opt(
            "--samples",
            "Monte Carlo draws per row for the p5-p95 coverage.",
            type=click.IntRange(0, 100_000),
            show_default=True,
        ),
        Opt("--seed", type=click.IntRange(0, 2**32 - 1), show_default=True),
        Opt("--only", "One backtest (default: all three).", type=click.Choice(get_args(Part))),
        *output_options(("text", "markdown", "json")),
    ),
)
_TITLES = {
    "inference": "Inference backtest: published vs botec (default assumptions)",
    "training": "Training backtest: published vs botec (default MFU range, no per-run tuning)",
    "workloads": "Generation backtest: published image and video timings vs botec (default ranges)",
}

_BASIS = Opt(
    "--price-basis",
    "Prices on this basis: market (default), aws-on-demand, aws-spot (botec prices bases).",
    default=None,
)
HARDWARE_LIST = Table(
    "Every device with memory, bandwidth, dense peaks and its price per GPU-hour (with the "
    "basis's date), or why it has none.",
    commands.hardware_list,
    (_BASIS, *OUTPUT),
)
HARDWARE_SHOW = Table(
    "One device in full, with its sources and its price on every basis.",
    commands.hardware_show,
    (_NAME, _BASIS, *OUTPUT),
)
MODELS_LIST = Table(
    "Every model architecture: parameters, shape, attention, context.", commands.models_list, OUTPUT
)
MODELS_SHOW = Table(
    "One model's shape in full (a catalog name, a config.json or hf:owner/name), with its source.",
    commands.models_show,
    (_NAME, *OUTPUT),
)
EXAMPLES_LIST = Table("Bundled scenario names and titles.", commands.examples_list, OUTPUT)
EXAMPLES_SHOW = Table(
    "Run a bundled scenario (or print its file with --source).",
    commands.examples_show,
    (
        _NAME,
        Opt("--source", "Print the scenario file instead of its report.", is_flag=True),
        *ESTIMATING,
    ),
)


def report(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    plot: Path | None,
    source: bool = False,
    brief: bool = False,
    **values: Any,
) -> None:
    """A scenario file (or a bundled example), run and rendered; --source prints the file."""
    from botec.report import render

    if source:
        emit(table.call(values, func=commands.example_source), output, force)
        return
    _read_stdin(values)
    sheet = table.call(values, catalog_file)
    text = render(sheet, fmt, brief=brief)  # before any file is written: a failure writes none
    if plot is not None:
        write_plot(sheet, plot, force)
    emit(text, output, force)


def sweep(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    plot: Path | None,
    **values: Any,
) -> None:
    """The grid's table, and its chart against the first numeric axis with --plot."""
    from botec.report.sweep_view import render_sweep

    _read_stdin(values)
    result = table.call({**values, "progress": progress_bar}, catalog_file)
    text = render_sweep(result, fmt)
    if plot is not None:  # before -o is written: a sweep that cannot be drawn writes nothing
        from botec.report.charts import sweep_chart

        figure = sweep_chart(result)
        if figure is None:
            raise BotecInputError(
                "--plot", str(plot), "a sweep with a numeric axis to draw against"
            )
        save_chart(figure, plot)
    emit(text, output, force)


def compare(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """GPUs ranked, cheapest first."""
    from botec.report.compare_view import render_compare

    _read_stdin(values)
    options = table.call(values, catalog_file)
    emit(render_compare(options, fmt), output, force)


def validate(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """Each backtest's table (or one JSON object with both)."""
    from botec.validation.backtest import render_backtest

    parts = table.call(values, catalog_file)
    if fmt == "json":
        body = {k: json.loads(render_backtest(bt, "json")) for k, bt in parts.items()}
        emit(json.dumps(body, indent=2), output, force)
        return
    emit("\n".join(render_backtest(bt, fmt, _TITLES[k]) for k, bt in parts.items()), output, force)


# The catalog views read the default catalog themselves; the command function checks the user's
# --catalog file and the name (an unknown one gets a 'did you mean').
def hardware_list(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """The hardware catalog, one device a row, priced on the basis."""
    from botec.report.catalog_view import render_hardware_list

    items = table.call(values, catalog_file)
    prices = table.call(
        {**values, "keys": [h.key for h in items]}, catalog_file, commands.gpu_prices
    )
    emit(render_hardware_list(items, fmt, prices), output, force)


def hardware_show(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """One device in full, with its price on every basis."""
    from botec.report.catalog_view import render_hardware

    hw = table.call(values, catalog_file)
    bases = [b.key for b in table.call({}, catalog_file, commands.price_bases)]
    if values.get("price_basis") is not None:  # every basis is shown; a named one must exist
        chosen = values["price_basis"]
        table.call({"keys": [hw.key], "price_basis": chosen}, catalog_file, commands.gpu_prices)
        bases = [chosen, *(b for b in bases if b != chosen)]
    prices = {
        b: table.call({"keys": [hw.key], "price_basis": b}, catalog_file, commands.gpu_prices)[
            hw.key
        ]
        for b in bases
    }
    emit(render_hardware(hw, fmt, prices), output, force)


def models_list(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """The model catalog, one architecture a row."""
    from botec.report.catalog_view import render_models_list

    emit(render_models_list(table.call(values, catalog_file), fmt), output, force)


def models_show(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """One model in full."""
    from botec.report.catalog_view import render_model

    emit(render_model(table.call(values, catalog_file), fmt), output, force)


def examples_list(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """The bundled scenarios, by name."""
    from botec.examples import example_titles
    from botec.report.catalog_view import render_examples_list

    emit(render_examples_list(example_titles(), fmt), output, force)
