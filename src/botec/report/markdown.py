"""Markdown report: the sheet written out like a case study, steps first, then summary tables.

Each step is a heading and a fenced block with the formula, the substitution and the result, the
``=`` signs aligned, followed by the reason in italics. Like every renderer it only reads the sheet
and calls the unit formatters; it computes nothing.
"""

from __future__ import annotations

import re

from botec.core.sheet import Note, SeedCheck, Sheet, Value
from botec.core.units import format_quantity
from botec.report import (
    errata,
    input_text,
    sampling_note,
    summary_header,
    summary_rows,
    value_text,
)

# level -> (marker, bold word): the same four levels as the terminal report.
NOTE_LABELS: dict[str, tuple[str, str]] = {
    "ok": ("✔", "OK"),
    "info": ("•", "Note"),
    "warn": ("⚠", "Warning"),
    "bad": ("✘", "Problem"),
}


def step_value(step: Value) -> str:
    """A step's result as printed: memory (unit B) in GB and GiB, anything else as formatted."""
    return value_text(step)


def step_lines(step: Value) -> list[str]:
    """The three lines of a step, '=' signs aligned under the first one."""
    pad = " " * (len(step.name) + 1)
    renamed = step.formula_text().isidentifier()  # its substitution would repeat its value
    return [
        f"{step.name} = {step.formula_text()}",
        *([] if renamed else [f"{pad}= {step.substitution()}"]),
        f"{pad}= {step_value(step)}",
    ]


def seed_status(check: SeedCheck) -> str:
    return "✔ matches" if check.matches else "✘ erratum"


def seed_computed(check: SeedCheck) -> str:
    return format_quantity(check.computed, check.unit)


def one_line(text: str) -> str:
    """Collapse newlines and runs of spaces (descriptions come from multi-line TOML strings)."""
    return " ".join(str(text).split())


def notes_in(sheet: Sheet, section: str) -> list[Note]:
    return [n for n in sheet.notes if n.section == section]


# -- escaping --------------------------------------------------------------------------------------

# Characters that start Markdown markup anywhere in a line (GitHub-flavoured: ~ strikes through,
# $ starts maths, | splits table cells, < opens raw HTML; a lone > is harmless once < is escaped).
# An underscore inside a word (ingress_bandwidth) is literal in CommonMark, so only the ones at a
# word's edge are escaped; names stay readable in the raw file.
_INLINE = re.compile(r"[\\`*\[\]<~$|]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def md_text(text: str) -> str:
    """Scenario text as literal Markdown on one line: markup characters backslash-escaped."""
    return _INLINE.sub(lambda m: "\\" + m.group(0), one_line(text))


def md_code(text: str) -> str:
    """Inline code, with a fence longer than any run of backticks inside it."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    # In a table a '|' ends the cell even inside code; GitHub reads '\|' there as a plain '|'.
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def _fence(lines: list[str]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`{3,}", line)), default=2)
    return "`" * max(3, longest + 1)


def _table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    """A GitHub table; cells must already be escaped (md_text / md_code)."""
    align = align or ["l"] * len(header)
    rule = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


# -- the report ------------------------------------------------------------------------------------


def render_markdown(sheet: Sheet) -> str:
    from botec.report.answer import answer_lines

    out: list[str] = [f"# {md_text(sheet.title or 'botec report')}", ""]
    answer = answer_lines(sheet)
    if answer:
        out += [f"- {md_text(line)}" for line in answer] + [""]
    if sheet.description.strip():
        out += [md_text(sheet.description), ""]
    for section in sheet.sections:
        out += _section_markdown(sheet, section)
    out += _summary_markdown(sheet)
    if sheet.sensitivity or sheet.uncertain_inputs:
        out += how_sure_markdown(sheet)
    if sheet.seed_checks:
        out += _seed_check_markdown(sheet)
    out += _inputs_markdown(sheet)
    return "\n".join(out)


def _section_markdown(sheet: Sheet, section: str) -> list[str]:
    """One section: each step as a heading and a fenced block, then notes and tables."""
    steps = sheet.steps_in(section)
    notes = notes_in(sheet, section)
    tables = [t for t in sheet.tables if t.section == section]
    if not steps and not notes and not tables:
        return []
    out = [f"## {md_text(section)}", ""]
    for step in steps:
        lines = step_lines(step)
        fence = _fence(lines)
        out += [f"### {md_text(step.title)}", "", fence, *lines, fence, ""]
        if step.source:
            out += [f"*{md_text(step.source)}*", ""]
    if notes:
        for note in notes:
            mark, word = NOTE_LABELS[note.level]
            out.append(f"- {mark} **{word}:** {md_text(note.text)}")
        out.append("")
    for t in tables:
        out += [f"**{md_text(t.title)}**", ""]
        out += _table([md_text(h) for h in t.header], [[md_text(c) for c in r] for r in t.rows])
        out.append("")
    return out


def _summary_markdown(sheet: Sheet) -> list[str]:
    rows = summary_rows(sheet)
    if not rows:
        return []
    out = ["## Summary", ""]
    names, spread, central = summary_header(rows)
    out += _table(
        names,
        [[md_text(c) for c in row.cells(spread, central)] for row in rows],
        ["l"] + ["r"] * (len(names) - 1),
    )
    out.append("")
    return out


def _seed_check_markdown(sheet: Sheet) -> list[str]:
    """The numbers a seed printed beside botec's, then the errata explained."""
    out = ["## Seed check", ""]
    out += _table(
        ["Result", "Seed printed", "botec", "Status"],
        [
            [
                md_code(c.result),
                md_text(c.printed),
                md_text(seed_computed(c)),
                seed_status(c) if c.matches else f"**{seed_status(c)}**",
            ]
            for c in sheet.seed_checks
        ],
        ["l", "r", "r", "l"],
    )
    out.append("")
    wrong = errata(sheet)
    if wrong:
        out += ["### Errata", ""]
        for c in wrong:
            why = f" {md_text(c.why)}" if c.why.strip() else ""
            cite = f" *({md_text(c.cite)})*" if c.cite.strip() else ""
            out.append(
                f"- **{md_text(c.result)}** — the seed prints {md_text(c.printed)}; "
                f"botec computes {md_text(seed_computed(c))}.{why}{cite}"
            )
        out.append("")
    return out


def _inputs_markdown(sheet: Sheet) -> list[str]:
    out = ["## Inputs and assumptions", ""]
    out += _table(
        ["Name", "Value", "Kind", "Source"],
        [
            [
                md_code(item.name),
                md_text(input_text(item)),
                item.kind,
                md_text(item.source or "scenario"),
            ]
            for item in sheet.inputs.values()
        ],
        ["l", "r", "l", "l"],
    )
    out.append("")
    return out


def how_sure_markdown(sheet: Sheet) -> list[str]:
    """The 'How sure is this?' section: the ranges, then the tornado of the main result."""
    from botec.report import DRIVER_HEADER, driver_cells, drivers_shown, uncertainty_rows
    from botec.report.charts import main_result

    out = ["## How sure is this?", "", md_text(sampling_note(sheet)), ""]
    rows = uncertainty_rows(sheet)
    if rows:
        out += _table(
            ["Result", "Value", "90% range", "Driven by (share of spread)"],
            [[md_text(c) for c in row] for row in rows],
            ["l", "r", "r", "l"],
        )
        out.append("")
    main = main_result(sheet)
    if main is not None:
        sens = sheet.sensitivity[main]
        out += [f"### What drives {md_text(sens.title)}", "", md_text(sens.summary()), ""]
        out += _table(
            DRIVER_HEADER,
            [[md_text(c) for c in driver_cells(d, sens.unit)] for d in drivers_shown(sens)],
            ["l", "r", "r", "r", "r", "r"],
        )
        out.append("")
    return out
