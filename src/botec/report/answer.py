"""The answer lines a report leads with (the figures, then each verdict with its mark)."""

from __future__ import annotations

from botec.analysis.answer import answer_figures, answer_verdicts, price_label
from botec.core.sheet import Sheet

MARKS = {"ok": "✔", "info": "•", "warn": "!", "bad": "✘"}


def answer_lines(sheet: Sheet) -> list[str]:
    """The answer as plain lines: a figure per line (the median and 90% range where inputs
    vary), then each verdict with its mark."""
    from botec.report import summary_text

    label, lines = price_label(sheet), []
    for v in answer_figures(sheet):
        line = f"{v.title}: {summary_text(v)}"
        if label and v.unit.startswith("USD"):  # the first cost says what it was priced on
            line, label = f"{line}; {label}", ""
        lines.append(line)
    return lines + [f"{MARKS[n.level]} {n.text}" for n in answer_verdicts(sheet)]
