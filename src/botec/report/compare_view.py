"""The hardware comparison as text, Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from botec.analysis.compare import Option
from botec.core.sheet import Value
from botec.report import headline_text


def _text(v: Value | None) -> str:
    """'1,249 GPUs (855 – 2,350 GPUs)': the median and 90% range, compact for a table."""
    if v is None:
        return "—"
    spread = v.range_text()
    base = headline_text(v)
    return f"{base} ({spread})" if spread else base


def _title(options: list[Option], attr: str, fallback: str) -> str:
    for o in options:
        v = getattr(o, attr)
        if v is not None:
            return v.title
    return fallback


def render_compare(options: list[Option], fmt: str) -> str:
    heads = [
        "Rank",
        "GPU",
        _title(options, "gpus", "GPUs"),
        _title(options, "cost", "Cost"),
        _title(options, "latency", "Latency"),
        "Binds",
        "Why",
    ]
    rows = [
        [str(i), o.gpu_name, _text(o.gpus), _text(o.cost), _text(o.latency), o.binding, o.why]
        for i, o in enumerate(options, 1)
    ]
    if fmt == "json":
        return json.dumps([_record(i, o) for i, o in enumerate(options, 1)], indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "rank",
                "gpu",
                "gpus",
                "gpus_unit",
                "cost",
                "cost_unit",
                "latency",
                "latency_unit",
                "binds",
                "why",
            ]
        )
        for i, o in enumerate(options, 1):
            writer.writerow(
                [i, o.gpu, *_raw(o.gpus), *_raw(o.cost), *_raw(o.latency), o.binding, o.why]
            )
        return buffer.getvalue()
    if fmt == "markdown":
        out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return "\n".join(out) + "\n"
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=170, color_system=None, force_terminal=False)
    if options:  # the answer first: the winner, its figures and what binds it
        best = options[0]
        figures = ", ".join(_text(v) for v in (best.gpus, best.cost) if v is not None)
        console.print(f"Cheapest: {best.gpu_name}: {figures}; binds: {best.binding} ({best.why})")
    table = Table(
        title="Hardware comparison, cheapest first (brackets: 90% range)", title_justify="left"
    )
    for h in heads:
        table.add_column(h, justify="left" if h in ("GPU", "Binds", "Why") else "right")
    for r in rows:
        table.add_row(*r)
    console.print(table)
    return buffer.getvalue()


def _raw(v: Value | None) -> tuple[Any, str]:
    return (float(v), v.unit) if v is not None else ("", "")


def _record(rank: int, o: Option) -> dict[str, Any]:
    def one(v: Value | None) -> dict[str, Any] | None:
        if v is None:
            return None
        out: dict[str, Any] = {"name": v.name, "value": float(v), "unit": v.unit}
        if v.varies:
            out.update(dict(zip(("p5", "p50", "p95"), v.percentiles(), strict=True)))
        return out

    return {
        "rank": rank,
        "gpu": o.gpu,
        "gpus": one(o.gpus),
        "cost": one(o.cost),
        "latency": one(o.latency),
        "binds": o.binding,
        "why": o.why,
    }
