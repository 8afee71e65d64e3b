"""Renderers: terminal (rich), Markdown, HTML and JSON. They read a Sheet; none of them computes."""

from __future__ import annotations

from botec.sheet import Sheet

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
    """(title, formatted value, result name) for the headline results, in cascade order."""
    return [
        (v.title, _with_binary(v), v.name)
        for v in sheet.steps.values()
        if v.formula is not None and v.formula.headline
    ]


def _with_binary(value) -> str:  # type: ignore[no-untyped-def]
    from botec.units import format_memory

    if value.unit == "B":
        return format_memory(float(value))
    return value.formatted()


def errata(sheet: Sheet) -> list:  # type: ignore[type-arg]
    """Seed checks where the seed's printed figure is not what its own method gives."""
    return [c for c in sheet.seed_checks if not c.matches]


__all__ = ["FORMATS", "errata", "render", "summary_rows"]
