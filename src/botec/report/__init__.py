"""Renderers: terminal (rich), Markdown, HTML and JSON. They read a Sheet; none of them computes."""

from __future__ import annotations

from botec.sheet import Sheet, Value

FORMATS = ("text", "markdown", "html", "json")


def render(sheet: Sheet, fmt: str, width: int | None = None) -> str:
    """The sheet as text in one of :data:`FORMATS`."""
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


def summary_rows(sheet: Sheet) -> list[tuple[str, str, str]]:
    """(title, formatted value with its range, result name) for the headline results."""
    return [
        (v.title, value_text(v), v.name)
        for v in sheet.steps.values()
        if v.formula is not None and v.formula.headline
    ]


def value_text(value: Value) -> str:
    """A result as printed: memory in GB and GiB, and the p5 – p95 range where it varies.

    '667 GPUs (569 – 914 GPUs, 90% range)'.
    """
    from botec.units import format_memory

    text = format_memory(float(value)) if value.unit == "B" else value.formatted()
    spread = value.range_text()
    return f"{text} ({spread}, 90% range)" if spread else text


def input_text(value: Value) -> str:
    """An input as printed: the number, or its nominal value and the range it was given as."""
    if value.spec is None or value.spec.dist == "grid":
        return value.formatted()
    return f"{value.formatted()} ({value.spec.describe(value.unit)})"


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
        f"is the point estimate at nominal inputs, with the 5th–95th percentile range from "
        f"{sheet.samples:,} Monte Carlo draws (seed {sheet.seed}). Drivers: each input swung "
        "to its p5 and p95 with the others nominal (tornado); share of spread from the squared "
        "log swings; Spearman rank correlation from the draws."
    )


def errata(sheet: Sheet) -> list:  # type: ignore[type-arg]
    """Seed checks where the seed's printed figure is not what its own method gives."""
    return [c for c in sheet.seed_checks if not c.matches]


__all__ = [
    "FORMATS",
    "errata",
    "input_text",
    "render",
    "sampling_note",
    "summary_rows",
    "value_text",
]
