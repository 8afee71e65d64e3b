"""Renderers: terminal (rich), Markdown, HTML and JSON. They read a Sheet; none of them computes."""

from __future__ import annotations

from typing import NamedTuple

from botec.core.sheet import Sheet, Value

FORMATS = ("text", "markdown", "html", "json")


def render(sheet: Sheet, fmt: str, width: int | None = None, brief: bool = False) -> str:
    """The sheet as text in one of :data:`FORMATS`; ``brief``: only the answer (its figures and
    verdicts), as the report's first lines show it."""
    if brief:
        from botec.report.brief import render_brief

        return render_brief(sheet, fmt)
    if fmt == "json":
        from botec.report.json_report import render_json

        return render_json(sheet)
    if fmt == "markdown":
        from botec.report.markdown import render_markdown

        return render_markdown(sheet)
    if fmt == "html":
        from botec.report.html import render_html

        return render_html(sheet)
    if fmt == "text":
        from botec.report.text import render_text

        return render_text(sheet, width=width)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def summary_rows(sheet: Sheet) -> list[SummaryRow]:
    """One row per headline result: its title, the median where the inputs vary (so the figure
    sits inside its own range), the 90% range or '', the point at the central inputs where it
    sits apart from the draws or '', and the result's name."""
    return [
        SummaryRow(v.title, headline_text(v), v.range_text(), central_text(v), v.name)
        for v in sheet.steps.values()
        if v.formula is not None and v.formula.headline
    ]


class SummaryRow(NamedTuple):
    title: str
    value: str  # the median where the inputs vary, else the value
    spread: str  # 'p5 – p95 unit', or '' when nothing varies
    central: str  # the point at the central inputs where it sits apart from the draws, or ''
    name: str

    def cells(self, spread: bool, central: bool) -> list[str]:
        """The row's cells for a table with (or without) the range and central columns."""
        return [
            self.title,
            self.value,
            *([self.spread] if spread else []),
            *([self.central] if central else []),
        ]


def summary_header(rows: list[SummaryRow]) -> tuple[list[str], bool, bool]:
    """The summary table's columns, and whether it has the range and the central column."""
    spread, central = any(r.spread for r in rows), any(r.central for r in rows)
    names = ["Result", "Value", *(["90% range"] if spread else [])]
    return names + ([CENTRAL_HEADER] if central else []), spread, central


CENTRAL_HEADER = "At central inputs"  # the summary column for a point apart from its draws


def value_text(value: Value) -> str:
    """A step's result as printed under its substitution: the number the arithmetic gives (at
    the central inputs), memory in GB and GiB, and the p5 – p95 range where it varies; where that
    number sits apart from its draws (outside the range, or over 10% from their median) the
    median is named too.

    '667 GPUs (569 – 914 GPUs, 90% range)', '1 replicas (median 2 replicas; 1 – 2 replicas, 90%
    range)'.
    """
    point = _quantity_text(float(value), value.unit)
    spread = value.range_text()
    if not spread:
        return point
    if not _apart(value):
        return f"{point} ({spread}, 90% range)"
    return f"{point} (median {headline_text(value)}; {spread}, 90% range)"


def summary_text(value: Value) -> str:
    """A headline result as a summary prints it: the median where the inputs vary, so the figure
    sits inside its own range: '2 replicas (1 – 2 replicas, 90% range)'."""
    spread = value.range_text()
    if not spread:
        return headline_text(value)
    return f"{headline_text(value)} ({spread}, 90% range)"


def central_text(value: Value) -> str:
    """The point estimate at the central inputs where it sits apart from the draws (see
    :func:`value_text`), for the summary's column beside the median; else ''."""
    if not value.range_text() or not _apart(value):
        return ""
    return _quantity_text(float(value), value.unit)


def _apart(value: Value) -> bool:
    """The point estimate lies outside the p5 – p95 range or more than 10% from the median."""
    p5, p50, p95 = value.percentiles()
    central = float(value)
    return not p5 <= central <= p95 or (p50 != 0 and abs(central / p50 - 1) > 0.1)


def headline_text(value: Value) -> str:
    """The figure a summary or a sentence leads with: the median where the inputs vary (inside
    its own range), else the value itself."""
    if not value.range_text():
        return _quantity_text(float(value), value.unit)
    return _quantity_text(value.median(), value.unit)


def _quantity_text(number: float, unit: str) -> str:
    from botec.core.units import format_memory, format_quantity

    return format_memory(number) if unit == "B" else format_quantity(number, unit)


def input_text(value: Value) -> str:
    """An input as printed: the number, or its nominal value and the range it was given as."""
    if value.spec is None or value.spec.dist == "grid":
        return value.formatted()
    return f"{value.formatted()} ({value.spec.describe(value.unit)})"


MIN_SHARE = 0.005  # drivers under half a percent of the spread are not listed


def drivers_shown(sens):  # type: ignore[no-untyped-def]
    """The drivers worth a row: those that move the result at all, at most six."""
    return [d for d in sens.drivers if d.share >= MIN_SHARE][:6]


def uncertainty_rows(sheet: Sheet) -> list[tuple[str, str, str, str]]:
    """(title, median, 90% range, what drives it) for every headline result that varies."""
    rows = []
    for sens in sheet.sensitivity.values():
        step = sheet.steps[sens.result]
        top = ", ".join(f"{d.title} {d.share:.0%}" for d in sens.top() if d.share >= MIN_SHARE)
        rows.append((sens.title, headline_text(step), step.range_text(), top))
    return rows


def driver_cells(d, unit: str) -> list[str]:  # type: ignore[no-untyped-def]
    """One tornado row as text: input, its range, the result at each end, share, rank corr."""
    from botec.core.units import format_quantity, format_range

    return [
        d.title,
        format_range(d.input_low, d.input_high, d.input_unit),
        format_quantity(d.result_at_low, unit),
        format_quantity(d.result_at_high, unit),
        f"{d.share:.0%}",
        f"{d.rank_correlation:+.2f}",
    ]


DRIVER_HEADER = ["Input", "Input p5 – p95", "Result at p5", "Result at p95", "Share", "Rank corr."]


def sampling_note(sheet: Sheet) -> str:
    """How the ranges were computed, for the report's 'How sure is this?' section."""
    n = len({id(v.spec) for v in sheet.uncertain_inputs})
    if not sheet.samples:
        return (
            f"{n} input(s) are ranges; evaluated at their nominal values only "
            "(Monte Carlo off: --samples 0)."
        )
    return (
        f"{n} input(s) are ranges (90% intervals, lognormal unless stated). Every result below "
        f"is the median of {sheet.samples:,} Monte Carlo draws (seed {sheet.seed}) with their "
        "5th–95th percentile range, and the point estimate at the nominal inputs (what each "
        "step's arithmetic shows) beside it where it prints differently. Drivers: each input "
        "swung "
        "to its p5 and p95 with the others nominal (tornado); share of spread from the squared "
        "log swings; Spearman rank correlation from the draws."
    )


def errata(sheet: Sheet) -> list:  # type: ignore[type-arg]
    """Seed checks where the seed's printed figure is not what its own method gives."""
    return [c for c in sheet.seed_checks if not c.matches]


__all__ = [
    "CENTRAL_HEADER",
    "DRIVER_HEADER",
    "FORMATS",
    "SummaryRow",
    "central_text",
    "driver_cells",
    "drivers_shown",
    "errata",
    "headline_text",
    "input_text",
    "render",
    "sampling_note",
    "summary_header",
    "summary_rows",
    "summary_text",
    "uncertainty_rows",
    "value_text",
]
