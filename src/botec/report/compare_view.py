"""The hardware comparison as text, Markdown, CSV or JSON.

Every format carries the same figures: the median of each result (what the ranking follows and the
text prints), its 90% range, and, labelled as such, the nominal point (every input at its central
value). Options that do not fit, or lack the ranked figure, have no rank and say why.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from botec.analysis.compare import RANKED_BY, Option, nominal_note, own_settings_note, ranked_by
from botec.core.sheet import Value
from botec.report import headline_text

FIGURES = ("gpus", "cost", "latency")
_FALLBACK = {"gpus": "GPUs", "cost": "Cost", "latency": "Latency"}


def _text(v: Value | None) -> str:
    """'1,249 GPUs (855 – 2,350 GPUs)': the median and 90% range, compact for a table."""
    if v is None:
        return "—"
    spread = v.range_text()
    base = headline_text(v)
    return f"{base} ({spread})" if spread else base


def _title(options: list[Option], attr: str) -> str:
    """The column's title: the result's own where every row's is the same (less the GPU's name,
    which some titles carry), else the plain name."""
    shown = [(o, getattr(o, attr)) for o in options if getattr(o, attr) is not None]
    titles = {v.title for _, v in shown}
    if len(titles) == 1:
        title = titles.pop()
        if len(shown) == 1 and shown[0][0].gpu_name in title:
            title = title.replace(shown[0][0].gpu_name, "").strip()
        return title or _FALLBACK[attr]
    bare = {v.title.replace(o.gpu_name, "").strip() for o, v in shown}
    return bare.pop() if len(bare) == 1 and "" not in bare else _FALLBACK[attr]


def _rank(o: Option) -> str:
    return str(o.rank) if o.rank is not None else "—"


def render_compare(options: list[Option], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([_record(o) for o in options], indent=2)
    if fmt == "csv":
        return _csv(options)
    heads = ["Rank", "GPU", *(_title(options, a) for a in FIGURES), "Binds", "Why"]
    rows = [
        [_rank(o), o.gpu_name, *(_text(getattr(o, a)) for a in FIGURES), o.binding, o.why]
        for o in options
    ]
    note = " ".join(n for n in (nominal_note(options), own_settings_note(options)) if n)
    if fmt == "markdown":
        out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return "\n".join(out) + "\n" + (f"\n{note}\n" if note else "")
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=170, color_system=None, force_terminal=False)
    console.print(_headline(options), markup=False)  # the answer first: winner, figures, binds
    if note:
        console.print(note, markup=False)
    by = ranked_by(options)
    order = f"{RANKED_BY[by]} first by the median" if by else "none ranked"
    table = Table(title=f"Hardware comparison, {order} (brackets: 90% range)", title_justify="left")
    for h in heads:
        table.add_column(h, justify="left" if h in ("GPU", "Binds", "Why") else "right")
    for r in rows:
        table.add_row(*(escape(c) for c in r))
    console.print(table)
    return buffer.getvalue()


def _headline(options: list[Option]) -> str:
    by = ranked_by(options)
    ranked = [o for o in options if o.rank is not None]
    if by is None or not ranked:
        return "Nothing ranked: no GPU here can be ranked (Why says why for each)."
    best = ranked[0]
    tied = [o.gpu_name for o in ranked if o.rank == best.rank]
    name = f"{', '.join(tied)} (tied)" if len(tied) > 1 else best.gpu_name
    shown = ("gpus", "cost", by) if by == "latency" else ("gpus", "cost")
    figures = ", ".join(_text(getattr(best, a)) for a in shown if getattr(best, a) is not None)
    label = RANKED_BY[by][0].upper() + RANKED_BY[by][1:]
    return f"{label}: {name}: {figures}; binds: {best.binding} ({best.why})"


def _csv(options: list[Option]) -> str:
    """One row per GPU: each figure's nominal point under its old column name (as every botec
    export's ``value``), its p5, p50 (the median the rank follows) and p95, and its unit."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    parts = ("value", "p5", "p50", "p95", "unit")
    names = {"value": "{a}", "unit": "{a}_unit"}
    writer.writerow(
        ["rank", "gpu", "feasible",
         *(names.get(p, "{a}_" + p).format(a=a) for a in FIGURES for p in parts), "binds", "why"]
    )  # fmt: skip
    for o in options:
        cells: list[Any] = []
        for a in FIGURES:
            one = _figure(getattr(o, a))
            cells += [one[p] if one else "" for p in parts]
        writer.writerow([o.rank or "", o.gpu, str(o.feasible).lower(), *cells, o.binding, o.why])
    return buffer.getvalue()


def _figure(v: Value | None) -> dict[str, Any] | None:
    """A result as every botec export gives one: the nominal point (``value``), the 90% range
    and the median (``p50``, the figure compare ranks by and prints)."""
    if v is None:
        return None
    p5, p50, p95 = v.percentiles()
    return {"name": v.name, "value": float(v), "unit": v.unit, "p5": p5, "p50": p50, "p95": p95}


def _record(o: Option) -> dict[str, Any]:
    return {
        "rank": o.rank,
        "gpu": o.gpu,
        "feasible": o.feasible,
        **{a: _figure(getattr(o, a)) for a in FIGURES},
        "binds": o.binding,
        "why": o.why,
        "dropped_settings": list(o.dropped),  # the scenario's own-GPU settings it ran without
    }
