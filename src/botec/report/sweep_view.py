"""A sweep's table as text, Markdown, CSV or JSON (values in base units, units in the header)."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from botec.analysis.sweep import SweepResult
from botec.core.units import format_quantity

MAX_TEXT_ROWS = 200


def _header(result: SweepResult) -> list[tuple[str, str]]:
    """(column name, unit) for every column, axes first."""
    cols = [(a.name, a.unit if a.numeric else "") for a in result.axes]
    return cols + [(name, unit) for name, _, unit in result.outputs]


def _cell(value: Any, unit: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return "—"
    return format_quantity(float(value), unit)


def render_sweep(result: SweepResult, fmt: str) -> str:
    if fmt == "csv":
        return _csv(result)
    if fmt == "html":
        return _html(result)
    if fmt == "json":
        return _json(result)
    header = _header(result)
    records = list(result.records())
    shown = records[:MAX_TEXT_ROWS]
    more = len(records) - len(shown)
    if fmt == "markdown":
        lines = [
            f"Sweep: {result.rows:,} points, each at its nominal inputs",
            "",
            "| " + " | ".join(name for name, _ in header) + " |",
            "| " + " | ".join("---:" for _ in header) + " |",
        ]
        lines += [
            "| " + " | ".join(_cell(r[name], unit) for name, unit in header) + " |" for r in shown
        ]
        if more:
            lines += ["", f"… {more:,} more rows: export with --format csv -o FILE."]
        return "\n".join(lines) + "\n"
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None, force_terminal=False)
    table = Table(
        title=f"Sweep: {result.rows:,} points, each at its nominal inputs (report gives the "
        "median and range of one)",
        title_justify="left",
    )
    titles = {name: title for name, title, _ in result.outputs}
    for name, _ in header:
        table.add_column(titles.get(name, name), justify="right")
    for r in shown:
        table.add_row(*[_cell(r[name], unit) for name, unit in header])
    console.print(table)
    if more:
        console.print(f"… {more:,} more rows: export with --format csv -o FILE.")
    if result.unpriced:
        console.print(
            "— a cost (or a plan, which needs one) left blank where no price covers "
            f"{', '.join(result.unpriced)} (give usd_per_gpu_hour to count it)."
        )
    if result.dropped:
        console.print(
            f"— set for the scenario's own GPU: {', '.join(result.dropped)}; rows on other GPUs "
            "run without them, at their catalog specs and their own prices."
        )
    if result.pointwise_passes:
        console.print(
            f"{result.pointwise_passes} pass(es) crossed a branch of the cascade and were "
            "evaluated point by point."
        )
    return buffer.getvalue()


def _csv(result: SweepResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = _header(result)
    writer.writerow([f"{name} [{unit}]" if unit else name for name, unit in header])
    for r in result.records():
        writer.writerow([_plain(r[name]) for name, _ in header])
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return value


def _json(result: SweepResult) -> str:
    return json.dumps(
        {
            "axes": [
                {
                    "name": a.name,
                    "fields": list(a.fields),
                    "unit": a.unit if a.numeric else "",
                    "values": [v if isinstance(v, str | int) else float(v) for v in a.values],
                }
                for a in result.axes
            ],
            "outputs": [{"name": n, "title": t, "unit": u} for n, t, u in result.outputs],
            "rows": [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                for r in result.records()
            ],
            # devices no price covers: their rows' totals are null, not a total without them
            "unpriced": result.unpriced,
            # the scenario's own-GPU settings that rows on other GPUs ran without
            "dropped_settings": result.dropped,
        },
        indent=1,
        ensure_ascii=False,
    )


def _html(result: SweepResult) -> str:
    """One self-contained page: the curves as inline SVG, then the table (works offline)."""
    from html import escape

    from botec.report.charts import sweep_chart
    from botec.report.html import _CSS

    header = _header(result)
    titles = {name: title for name, title, _ in result.outputs}
    records = list(result.records())
    shown = records[:MAX_TEXT_ROWS]
    out = [
        "<!doctype html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><meta name="generator" content="botec">',
        f"<title>botec sweep: {result.rows:,} points</title>",
        f"<style>{_CSS}</style></head>",
        "<body><main>",
        f"<h1>Sweep: {result.rows:,} points</h1>",
    ]
    figure = sweep_chart(result)
    if figure is not None:
        from botec.report.plots import figure_svg

        out.append(f'<figure class="chart">{figure_svg(figure)}</figure>')
    head = "".join(f'<th scope="col">{escape(titles.get(n, n))}</th>' for n, _ in header)
    out += ['<div class="table-wrap"><table class="summary">', f"<thead><tr>{head}</tr></thead>"]
    out.append("<tbody>")
    for r in shown:
        cells = "".join(f'<td class="num">{escape(_cell(r[n], u))}</td>' for n, u in header)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table></div>")
    if len(records) > len(shown):
        more = len(records) - len(shown)
        out.append(f"<p>… {more:,} more rows: export with --format csv -o FILE.</p>")
    out += ["</main></body></html>", ""]
    return "\n".join(out)
