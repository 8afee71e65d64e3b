"""botec optimise: the cheapest serving plan for a scenario file, searched and recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from botec import commands
from botec.cli.common import BRIEF, EMIT_CHOICES, FILE, OUTPUT, SAMPLING
from botec.cli.output import check_plot_suffix, emit, report_text, save_chart
from botec.cli.scenario_files import _SCENARIO, _SET, _read_stdin
from botec.cli.table import Opt, Table

OPTIMISE = Table(
    "The cheapest serving plan for scenario FILE under its latency targets: GPU × precision × "
    "engine × TP × batch × prefill chunk × price basis searched, what each change saves against "
    "your plan, the Pareto front of cost against latency and the constraint that binds.",
    commands.optimise,
    (
        _SCENARIO,
        _SET,
        Opt("--gpus", "GPUs to search, comma-separated (default: every priced GPU)."),
        Opt(
            "--precisions",
            "Weight precisions to search (default: fp16 or bf16, fp8, int8, int4, fp4).",
        ),
        Opt("--engines", "Serving engines to search (default: yours, vllm, tensorrt-llm)."),
        Opt("--bases", "Price bases to search (default: all; botec prices bases)."),
        Opt(
            "--latency",
            "The Pareto front's latency axis.",
            type=click.Choice(["ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99"]),
            default="tpot_p99",
            show_default=True,
        ),
        Opt(
            "--top",
            "Rows in the cheapest-plans table.",
            type=click.IntRange(1, 1000),
            default=10,
            show_default=True,
        ),
        *SAMPLING,
        Opt(
            "--plot",
            "Also write the Pareto front of cost against latency (.png or .svg).",
            type=FILE,
            default=None,
        ),
        BRIEF,
        Opt(
            "--emit",
            "Print the cheapest plan's launch command for this engine instead of the report: "
            "vllm, tensorrt-llm (or trtllm) or sglang.",
            param="launch_for",
            type=click.Choice(EMIT_CHOICES),
            default=None,
        ),
        *OUTPUT,
    ),
)


def optimise(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    plot: Path | None,
    brief: bool = False,
    launch_for: str | None = None,
    **values: Any,
) -> None:
    """The cheapest plan's report with the search first; the front as a chart with --plot; the
    search's size and speed on standard error."""
    _read_stdin(values)
    found = table.call({**values, "for_engine": launch_for}, catalog_file)
    text = report_text(found.sheet, fmt, brief, launch_for)
    if plot is not None and not found.search.front:  # the report says why; no chart to draw
        click.echo(f"{plot} not written: no plan meets the targets", err=True)
    elif plot is not None:
        from botec.report.deployment_charts import pareto_chart

        check_plot_suffix(plot)
        save_chart(pareto_chart(found.search), plot)
    emit(text, output, force)
    search = found.search
    click.echo(
        f"searched {search.candidates:,} candidate plans in {search.seconds:.2f} s "
        f"({search.per_second:,.0f} per second)",
        err=True,
    )
