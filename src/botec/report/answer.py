"""The answer lines a report leads with (the figures, then each verdict with its mark)."""

from __future__ import annotations

from botec.analysis.answer import answer_figures, answer_verdicts
from botec.core.sheet import Sheet

MARKS = {"ok": "✔", "info": "•", "warn": "!", "bad": "✘"}


def answer_lines(sheet: Sheet) -> list[str]:
    """The answer as plain lines: a figure per line (the median and 90% range where inputs
    vary), then each verdict with its mark."""
    from botec.report import summary_text

    lines = [f"{v.title}: {summary_text(v)}" for v in answer_figures(sheet)]
    return lines + [f"{MARKS[n.level]} {n.text}" for n in answer_verdicts(sheet)]
