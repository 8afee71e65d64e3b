"""`--brief`: the answer alone (the title, the figures that answer the question, the verdicts),
in any format."""

from __future__ import annotations

import html
import json

from botec.analysis.answer import answer_figures, answer_verdicts, price_label
from botec.core.sheet import Sheet
from botec.report.answer import answer_lines


def render_brief(sheet: Sheet, fmt: str) -> str:
    if fmt == "json":
        from botec.report.json_report import result_dict

        sampled = bool(sheet.samples)
        return json.dumps(
            {
                "title": sheet.title,
                "results": {v.name: result_dict(v, sampled) for v in answer_figures(sheet)},
                "verdicts": [{"level": n.level, "text": n.text} for n in answer_verdicts(sheet)],
                "prices": price_label(sheet),
            },
            indent=2,
            ensure_ascii=False,
        )
    lines = answer_lines(sheet)
    if fmt == "markdown":
        return "\n".join([f"# {sheet.title}", "", *[f"- {line}" for line in lines]]) + "\n"
    if fmt == "html":
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        title = html.escape(sheet.title)
        return (
            f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{title}</title>"
            f"<h1>{title}</h1><ul>{items}</ul></html>\n"
        )
    return "\n".join([sheet.title, *lines]) + "\n"
