"""Terminal report: each step as an engineer writes it on a whiteboard, then summary tables."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from botec.core.sheet import Sheet
from botec.core.units import format_quantity
from botec.report import (
    errata,
    input_text,
    sampling_note,
    summary_header,
    summary_rows,
    value_text,
)

_NOTE_STYLE = {
    "ok": ("✔", "green"),
    "info": ("•", "cyan"),
    "warn": ("!", "yellow"),
    "bad": ("✘", "red"),
}


def render_text(sheet: Sheet, width: int | None = None) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or 110,
        force_terminal=False,
        emoji=False,
        markup=False,
        color_system=None,
        highlight=False,
        soft_wrap=False,
    )
    write(console, sheet)
    return buffer.getvalue()


def write(console: Console, sheet: Sheet) -> None:
    from botec.report.answer import answer_lines

    console.print(Text(sheet.title, style="bold"))
    answer = answer_lines(sheet)
    if answer:  # the answer first: the figures and verdicts, before the work
        console.print(Text("\n".join(answer)), soft_wrap=True)
    if sheet.description.strip():
        console.print(" ".join(sheet.description.split()))
    for section in sheet.sections:
        _write_section(console, sheet, section)
    _write_summary(console, sheet)
    if sheet.sensitivity or sheet.uncertain_inputs:
        _how_sure(console, sheet)
    if sheet.seed_checks:
        _write_seed_checks(console, sheet)
    _write_inputs(console, sheet)


def _write_section(console: Console, sheet: Sheet, section: str) -> None:
    """One section's steps (formula, substitution, value, source), notes and tables."""
    steps = sheet.steps_in(section)
    notes = [n for n in sheet.notes if n.section == section]
    tables = [t for t in sheet.tables if t.section == section]
    if not steps and not notes and not tables:
        return
    console.print()
    console.rule(Text(section, style="bold"), align="left")
    # One Text per section, printed once without re-wrapping: much faster than a print per
    # line, and long formulas stay copyable (the terminal folds them).
    block = Text()
    for step in steps:
        value = value_text(step)
        pad = " " * (len(step.name) + 1)
        block.append(f"{step.title}\n", style="bold")
        block.append(f"  {step.name} = {step.formula_text()}\n")
        if not step.formula_text().isidentifier():  # a renamed value's substitution is its value
            block.append(f"  {pad}= {step.substitution()}\n")
        block.append(f"  {pad}= ")
        block.append(value, style="bold")
        block.append("\n")
        if step.source:
            block.append(f"    ({step.source})\n", style="dim")
    for note in notes:
        mark, style = _NOTE_STYLE[note.level]
        block.append(f"{mark} ", style=style)
        block.append(f"{note.text}\n")
    block.rstrip()
    console.print(block, soft_wrap=True)
    for t in tables:
        table = Table(title=t.title, title_justify="left")
        for h in t.header:
            table.add_column(h)
        for r in t.rows:
            table.add_row(*r)
        console.print(table)


def _write_summary(console: Console, sheet: Sheet) -> None:
    rows = summary_rows(sheet)
    if rows:
        console.print()
        table = Table(title="Summary", title_justify="left", show_lines=False)
        names, spread, central = summary_header(rows)
        for i, name in enumerate(names):
            table.add_column(name, justify="left" if i == 0 else "right")
        for row in rows:
            table.add_row(*row.cells(spread, central))
        console.print(table)


def _write_seed_checks(console: Console, sheet: Sheet) -> None:
    """The numbers a seed printed beside botec's, and each erratum explained."""
    console.print()
    table = Table(title="Seed check", title_justify="left")
    table.add_column("Result")
    table.add_column("Seed printed")
    table.add_column("botec", justify="right")
    table.add_column("")
    for check in sheet.seed_checks:
        table.add_row(
            check.result,
            check.printed,
            format_quantity(check.computed, check.unit),
            "✔ matches" if check.matches else "✘ erratum",
        )
    console.print(table)
    for check in errata(sheet):
        console.print(
            Text("✘ ", style="red"),
            Text(
                f"{check.result}: the seed prints {check.printed}; botec computes "
                f"{format_quantity(check.computed, check.unit)}. {check.why}"
            ),
            Text(f" [{check.cite}]", style="dim"),
            sep="",
        )


def _write_inputs(console: Console, sheet: Sheet) -> None:
    # A plain aligned list rather than a table: ~40 rows of rich Table cost tens of ms.
    console.print()
    console.print(Text("Inputs and assumptions", style="italic"))
    items = list(sheet.inputs.values())
    name_width = max((len(i.name) for i in items), default=0)
    texts = [input_text(i) for i in items]
    value_width = max((len(t) for t in texts), default=0)
    block = Text()
    for item, text in zip(items, texts, strict=True):
        block.append(f"  {item.name:<{name_width}}  {text:>{value_width}}  ")
        block.append(f"[{item.kind}] ", style="dim")
        block.append(f"{item.source or 'scenario'}\n")
    block.rstrip()
    console.print(block, soft_wrap=True)


def _how_sure(console: Console, sheet: Sheet) -> None:
    """Ranges of the headline results, and the tornado of the main one."""
    from botec.report import DRIVER_HEADER, driver_cells, drivers_shown, uncertainty_rows
    from botec.report.charts import main_result

    console.print()
    console.rule(Text("How sure is this?", style="bold"), align="left")
    console.print(sampling_note(sheet))
    rows = uncertainty_rows(sheet)
    if rows:
        table = Table(title="Results that vary", title_justify="left")
        for head, justify in (
            ("Result", "left"),
            ("Value", "right"),
            ("90% range", "right"),
            ("Driven by (share of spread)", "left"),
        ):
            table.add_column(head, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            table.add_row(*row)
        console.print(table)
    main = main_result(sheet)
    if main is None:
        return
    sens = sheet.sensitivity[main]
    console.print()
    console.print(Text(f"What drives {sens.title}", style="bold"))
    console.print(sens.summary())
    table = Table(show_edge=False, pad_edge=False)
    for i, head in enumerate(DRIVER_HEADER):
        table.add_column(head, justify="left" if i == 0 else "right")
    for d in drivers_shown(sens):
        table.add_row(*driver_cells(d, sens.unit))
    console.print(table)
