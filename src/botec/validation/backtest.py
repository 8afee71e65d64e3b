"""Backtest: botec's predictions against published measurements that it can express.

The rows ship with the package (``botec/data/inference_rows.csv``, derived from the project's
``published-figures.csv`` with the row ids kept). Every row is predicted with default assumptions:
the engine's catalog ranges, no per-row tuning. Per row: published, predicted (the point estimate),
the ratio, and whether the p5-p95 range covers the published value; per quantity, the median
absolute log error (as a percentage), the share within ±25% and the coverage.

The rows and summaries are :mod:`botec.validation.results` (re-exported here).
"""

from __future__ import annotations

import csv
import math
from importlib import resources
from typing import TYPE_CHECKING, Any

from botec.core.errors import BotecInputError
from botec.validation.results import (
    BACKTEST_SAMPLES,
    RESULT_FOR,
    Backtest,
    RowResult,
    Summary,
    summarise,
)

if TYPE_CHECKING:
    from botec.catalog import Catalog

__all__ = [
    "LABELS",
    "RESULT_FOR",
    "Backtest",
    "RowResult",
    "Summary",
    "as_dict",
    "inference_rows",
    "render_backtest",
    "run_inference_backtest",
    "summarise",
]

LABELS = {
    "output_throughput_per_gpu": "Max output throughput per GPU",
    "time_to_first_token": "Time to first token (batch 1)",
    "decode_tokens_per_second": "Decode tokens/s (batch 1)",
}


def inference_rows() -> list[dict[str, str]]:
    text = resources.files("botec").joinpath("data/inference_rows.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _describe(row: dict[str, str]) -> str:
    tp = f" TP{row['tp']}" if row["tp"] != "1" else ""
    tp += " attention-DP" if row.get("attention_dp") == "true" else ""
    batch = f" batch {row['batch']}" if row["batch"] else " engine's batch"
    return (
        f"{row['model']} {row['precision'].upper()} on {row['gpu']}{tp},{batch}, "
        f"{row['input_tokens']} in / {row['output_tokens']} out, {row['engine']}"
    )


def run_inference_backtest(
    samples: int = BACKTEST_SAMPLES, seed: int = 0, catalog: Catalog | None = None
) -> Backtest:
    """Predict every shipped inference row with default assumptions (``catalog``: the runs'
    catalog, default the bundled one)."""
    from botec.analysis.evaluate import evaluate
    from botec.scenario import scenario_from_dict

    result = Backtest()
    for row in inference_rows():
        item = RowResult(
            row["id"],
            row["quantity"],
            _describe(row),
            float(row["published"]),
            row["unit"],
            role=row["role"],
        )
        serving = {
            "model": row["model"],
            "gpu": row["gpu"],
            "precision": row["precision"],
            "kv_precision": row["kv_precision"],
            "tensor_parallel": int(row["tp"]),
            "input_tokens": row["input_tokens"],
            "output_tokens": row["output_tokens"],
            "engine": row["engine"],
        }
        if row["quantity"] == "output_throughput_per_gpu" and row["batch"]:
            serving["batch"] = int(row["batch"])  # else the engine's default batch
        if row.get("attention_dp") == "true":
            serving["attention_dp"] = True  # the engine's MoE benchmark setting, as published
        if row.get("max_concurrency"):
            serving["max_concurrency"] = int(row["max_concurrency"])
        try:
            sheet = evaluate(
                scenario_from_dict({"serving": serving}),
                samples,
                seed,
                sensitivity=False,
                catalog=catalog,
            )
        except BotecInputError as exc:
            item.skipped = str(exc)
            result.rows.append(item)
            continue
        name = RESULT_FOR[row["quantity"]]
        if name not in sheet.steps:
            item.skipped = "does not fit at this batch in botec's memory model"
            result.rows.append(item)
            continue
        step = sheet.steps[name]
        item.predicted = float(step)
        item.p5, _, item.p95 = step.percentiles()
        result.rows.append(item)
    return result


def _fmt(value: float, unit: str) -> str:
    from botec.core.units import format_quantity

    return "—" if math.isnan(value) else format_quantity(value, unit)


def _label(quantity: str) -> str:
    from botec.validation.training import TRAINING_LABELS
    from botec.validation.workloads import WORKLOAD_LABELS

    return (
        LABELS.get(quantity)
        or TRAINING_LABELS.get(quantity)
        or WORKLOAD_LABELS.get(quantity, quantity)
    )


def _summaries(bt: Backtest, role: str = "all") -> list[Summary]:
    overall = getattr(bt, "overall", None)
    extra = overall(role) if overall is not None else None
    return bt.summaries(role) + ([extra] if extra is not None else [])


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0%}"


def _summary_cells(bt: Backtest) -> list[list[str]]:
    """Per quantity, the fit rows and the check rows side by side."""
    by_role = {role: {s.quantity: s for s in _summaries(bt, role)} for role in ("fit", "check")}
    out = []
    for s in _summaries(bt):
        cells = [_label(s.quantity)]
        for role in ("fit", "check"):
            r = by_role[role].get(s.quantity)
            cells += (
                [str(r.rows), _pct(r.median_abs_log_error), _pct(r.within_25), _pct(r.coverage)]
                if r
                else ["0", "—", "—", "—"]
            )
        r = by_role["check"].get(s.quantity)
        cells.append("—" if r is None or math.isnan(r.median_width) else f"×{r.median_width:.2f}")
        out.append(cells)
    return out


SUMMARY_HEAD = [
    "Quantity",
    "Fit rows",
    "Fit |error|",
    "Fit ±25%",
    "Fit coverage",
    "Check rows",
    "Check |error|",
    "Check ±25%",
    "Check coverage",
    "Check p95/p5",
]


def render_backtest(
    bt: Backtest,
    fmt: str = "text",
    title: str = "Inference backtest: published vs botec (default assumptions)",
) -> str:
    """Per row and per quantity, as text/Markdown tables or JSON."""
    if fmt == "json":
        return _json(bt)
    head = ["Row", "Role", "Setup", "Published", "botec", "p5 – p95", "Ratio", "Covered"]
    rows = [_row_cells(r) for r in bt.rows]
    summary_head, summary = SUMMARY_HEAD, _summary_cells(bt)
    if fmt == "markdown":
        out = [*_md(head, rows), "", *_md(summary_head, summary)]
        return "\n".join(out) + "\n"
    return _rich_tables(((title, head, rows), ("Summary", summary_head, summary)))


def _json(bt: Backtest) -> str:
    import json

    return json.dumps(
        {
            "rows": [
                {
                    "id": r.id,
                    "quantity": r.quantity,
                    "description": r.description,
                    "published": r.published,
                    "unit": r.unit,
                    "predicted": None if math.isnan(r.predicted) else r.predicted,
                    "p5": None if math.isnan(r.p5) else r.p5,
                    "p95": None if math.isnan(r.p95) else r.p95,
                    "ratio": None if math.isnan(r.ratio) else r.ratio,
                    "covered": None if r.skipped else r.covered,
                    "skipped": r.skipped or None,
                    "role": r.role,
                }
                for r in bt.rows
            ],
            "summary": [s.__dict__ for s in _summaries(bt)],
            "summary_fit": [s.__dict__ for s in _summaries(bt, "fit")],
            "summary_check": [s.__dict__ for s in _summaries(bt, "check")],
        },
        indent=2,
    )


def _row_cells(r: RowResult) -> list[str]:
    if r.skipped:
        return [r.id, r.role, r.description, _fmt(r.published, r.unit), "skipped", r.skipped]
    return [
        r.id,
        r.role,
        r.description,
        _fmt(r.published, r.unit),
        _fmt(r.predicted, r.unit),
        f"{_fmt(r.p5, r.unit)} – {_fmt(r.p95, r.unit)}",
        f"{r.ratio:.2f}",
        "yes" if r.covered else "no",
    ]


def _rich_tables(tables: tuple[tuple[str, list[str], list[list[str]]], ...]) -> str:
    """Each (caption, header, rows) as a plain-text table, one after the other."""
    import io

    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=170, color_system=None, force_terminal=False)
    for caption, header, body in tables:
        table = Table(title=caption, title_justify="left")
        for h in header:
            table.add_column(h, justify="left" if h in ("Row", "Setup", "Quantity") else "right")
        for r in body:
            table.add_row(*r)
        console.print(table)
    return buffer.getvalue()


def _md(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(h.replace("|", "\\|") for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def as_dict(bt: Backtest) -> dict[str, Any]:  # for tests and tools
    import json

    return json.loads(render_backtest(bt, "json"))
