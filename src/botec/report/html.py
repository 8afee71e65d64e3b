"""HTML report: one self-contained page (inline CSS, no scripts, no external resources).

Same content and order as the Markdown report. Every piece of scenario text goes through
:func:`html.escape`; the renderer reads the sheet and calls the unit formatters, nothing more.
"""

from __future__ import annotations

from html import escape

from botec.core.sheet import Sheet, Value
from botec.report import errata, input_text, sampling_note, summary_header, summary_rows
from botec.report.markdown import (
    NOTE_LABELS,
    notes_in,
    one_line,
    seed_computed,
    seed_status,
    step_value,
)

_CSS = """
figure.chart { margin: 1rem 0; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
:root {
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --line: #d1d9e0;
  --accent: #0969da; --ok: #1a7f37; --info: #0969da; --warn: #9a6700; --bad: #cf222e;
  --ok-bg: #dafbe1; --info-bg: #ddf4ff; --warn-bg: #fff8c5; --bad-bg: #ffebe9;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
    --accent: #4493f8; --ok: #3fb950; --info: #4493f8; --warn: #d29922; --bad: #f85149;
    --ok-bg: #12261e; --info-bg: #121d2f; --warn-bg: #272115; --bad-bg: #2d1517;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
}
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 .75rem; }
h2 {
  font-size: 1.4rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem;
  border-bottom: 1px solid var(--line);
}
h3 { font-size: 1.05rem; margin: 1.6rem 0 .5rem; }
p { margin: .5rem 0; }
.description { font-size: 1.05rem; color: var(--muted); margin-bottom: 1.5rem; }
code, .calc {
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono",
    "Liberation Mono", monospace;
}
code { font-size: .88em; }
.calc {
  display: grid; grid-template-columns: max-content max-content minmax(0, 1fr);
  column-gap: .6ch; row-gap: .15rem; margin: 0;
  padding: .75rem 1rem; background: var(--panel); border: 1px solid var(--line);
  border-left: 4px solid var(--accent); border-radius: 6px;
  font-size: .87rem; line-height: 1.5; overflow-x: auto;
}
.calc .lhs { white-space: nowrap; color: var(--accent); font-weight: 600; }
.calc .eq { color: var(--muted); }
.calc .rhs { overflow-wrap: anywhere; }
.calc .result { font-weight: 700; }
.why { font-style: italic; color: var(--muted); margin: .45rem 0 0; font-size: .95rem; }
ul.notes, ul.errata { list-style: none; padding: 0; margin: 1.25rem 0 0; }
ul.notes li, ul.errata li {
  display: flex; gap: .6rem; align-items: baseline; padding: .55rem .8rem; margin: .45rem 0;
  border-radius: 6px; background: var(--tone-bg); border-left: 4px solid var(--tone);
}
.mark { flex: none; font-weight: 700; width: 1.1em; text-align: center; color: var(--tone); }
ul.notes strong { color: var(--tone); }
.note-ok { --tone: var(--ok); --tone-bg: var(--ok-bg); }
.note-info { --tone: var(--info); --tone-bg: var(--info-bg); }
.note-warn { --tone: var(--warn); --tone-bg: var(--warn-bg); }
.note-bad, ul.errata li { --tone: var(--bad); --tone-bg: var(--bad-bg); }
.cite { color: var(--muted); font-style: italic; }
.table-wrap { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
th, td { padding: .4rem .7rem; border-bottom: 1px solid var(--line); vertical-align: baseline; }
th { text-align: left; background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:hover { background: var(--panel); }
td.name { white-space: nowrap; }
td.source { color: var(--muted); font-size: .9em; }
.status { white-space: nowrap; font-weight: 600; }
tr.match .status { color: var(--ok); }
tr.erratum { background: var(--bad-bg); }
tr.erratum:hover { background: var(--bad-bg); }
tr.erratum td:first-child { box-shadow: inset 4px 0 0 var(--bad); }
tr.erratum .status { color: var(--bad); }
.kind {
  display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .8em;
  border: 1px solid var(--line); color: var(--muted); white-space: nowrap;
}
.kind-assumption { border-color: var(--warn); color: var(--warn); }
.kind-constant { border-color: var(--info); color: var(--info); }
@media (max-width: 40rem) {
  main { padding: 1rem .75rem 3rem; }
  h1 { font-size: 1.5rem; }
  .calc { grid-template-columns: max-content minmax(0, 1fr); }
  .calc .lhs { grid-column: 1 / -1; white-space: normal; overflow-wrap: anywhere; }
  .calc .lhs:empty { display: none; }
  td.name { white-space: normal; overflow-wrap: anywhere; }
}
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .calc, table, li { break-inside: avoid; }
}
"""


def _e(text: object) -> str:
    """Scenario text, escaped for HTML; whitespace runs collapsed as the other reports do."""
    return escape(one_line(str(text)))


def _calc(step: Value) -> str:
    rows = [
        (step.name, step.formula_text(), ""),
        *([] if step.formula_text().isidentifier() else [("", step.substitution(), "")]),
        ("", step_value(step), " result"),
    ]  # a renamed value's substitution would only repeat the value
    cells = "".join(
        f'<span class="lhs">{_e(lhs)}</span><span class="eq">=</span>'
        f'<span class="rhs{cls}">{_e(rhs)}</span>'
        for lhs, rhs, cls in rows
    )
    return f'<div class="calc">{cells}</div>'


def _table(header: list[tuple[str, str]], rows: list[str], cls: str) -> list[str]:
    """header: (label, css class); rows: ready-made <tr> elements."""
    head = "".join(
        f'<th scope="col" class="{c}">{label}</th>' if c else f'<th scope="col">{label}</th>'
        for label, c in header
    )
    return [
        '<div class="table-wrap">',
        f'<table class="{cls}">',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "</div>",
    ]


def render_html(sheet: Sheet) -> str:
    title = sheet.title or "botec report"
    out: list[str] = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="botec">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
    ]
    from botec.report.answer import answer_lines

    answer = answer_lines(sheet)
    if answer:
        out.append('<ul class="answer">' + "".join(f"<li>{_e(x)}</li>" for x in answer) + "</ul>")
    if sheet.description.strip():
        out.append(f'<p class="description">{_e(sheet.description)}</p>')
    out.append("</header>")
    for section in sheet.sections:
        out += _section_html(sheet, section)
    out += _summary_html(sheet)
    if sheet.sensitivity or sheet.uncertain_inputs:
        out += _how_sure(sheet)
    if sheet.seed_checks:
        out += _seed_check_html(sheet)
    out += _inputs_html(sheet)
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def _section_html(sheet: Sheet, section: str) -> list[str]:
    """One section: each step as an article with its calculation, then notes and tables."""
    steps = sheet.steps_in(section)
    notes = notes_in(sheet, section)
    tables = [t for t in sheet.tables if t.section == section]
    if not steps and not notes and not tables:
        return []
    out = ['<section class="sheet-section">', f"<h2>{_e(section)}</h2>"]
    for step in steps:
        out += [
            f'<article class="step" id="step-{_e(step.name)}">',
            f"<h3>{_e(step.title)}</h3>",
            _calc(step),
        ]
        if step.source:
            out.append(f'<p class="why">{_e(step.source)}</p>')
        out.append("</article>")
    if notes:
        out.append('<ul class="notes">')
        for note in notes:
            mark, word = NOTE_LABELS[note.level]
            out.append(
                f'<li class="note-{_e(note.level)}"><span class="mark" aria-hidden="true">'
                f"{mark}</span><span><strong>{word}:</strong> {_e(note.text)}</span></li>"
            )
        out.append("</ul>")
    for t in tables:
        out.append(f"<h3>{_e(t.title)}</h3>")
        out += _table(
            [(_e(h), "") for h in t.header],
            ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in t.rows],
            "options",
        )
    out.append("</section>")
    return out


def _summary_html(sheet: Sheet) -> list[str]:
    rows = summary_rows(sheet)
    if not rows:
        return []
    out = ['<section class="summary">', "<h2>Summary</h2>"]
    names, spread, central = summary_header(rows)
    out += _table(
        [(n, "" if i == 0 else "num") for i, n in enumerate(names)],
        [
            "<tr>"
            + "".join(
                f"<td>{_e(c)}</td>" if i == 0 else f'<td class="num">{_e(c)}</td>'
                for i, c in enumerate(row.cells(spread, central))
            )
            + "</tr>"
            for row in rows
        ],
        "summary",
    )
    out.append("</section>")
    return out


def _seed_check_html(sheet: Sheet) -> list[str]:
    """The numbers a seed printed beside botec's, then the errata explained."""
    out = ['<section class="seed-check">', "<h2>Seed check</h2>"]
    out += _table(
        [("Result", ""), ("Seed printed", "num"), ("botec", "num"), ("Status", "")],
        [
            f'<tr class="{"match" if c.matches else "erratum"}">'
            f'<td class="name"><code>{_e(c.result)}</code></td>'
            f'<td class="num">{_e(c.printed)}</td>'
            f'<td class="num">{_e(seed_computed(c))}</td>'
            f'<td class="status">{seed_status(c)}</td></tr>'
            for c in sheet.seed_checks
        ],
        "seed-check",
    )
    wrong = errata(sheet)
    if wrong:
        out += ["<h3>Errata</h3>", '<ul class="errata">']
        for c in wrong:
            why = f" {_e(c.why)}" if c.why.strip() else ""
            cite = f' <span class="cite">({_e(c.cite)})</span>' if c.cite.strip() else ""
            out.append(
                '<li><span class="mark" aria-hidden="true">✘</span><span>'
                f"<strong>{_e(c.result)}</strong> — the seed prints {_e(c.printed)}; "
                f"botec computes {_e(seed_computed(c))}.{why}{cite}</span></li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return out


def _inputs_html(sheet: Sheet) -> list[str]:
    out = ['<section class="inputs">', "<h2>Inputs and assumptions</h2>"]
    out += _table(
        [("Name", ""), ("Value", "num"), ("Kind", ""), ("Source", "")],
        [
            f'<tr><td class="name"><code>{_e(item.name)}</code></td>'
            f'<td class="num">{_e(input_text(item))}</td>'
            f'<td><span class="kind kind-{_e(item.kind)}">{_e(item.kind)}</span></td>'
            f'<td class="source">{_e(item.source or "scenario")}</td></tr>'
            for item in sheet.inputs.values()
        ],
        "inputs",
    )
    out.append("</section>")
    return out


def _how_sure(sheet: Sheet) -> list[str]:
    """Ranges, the main result's drivers and the charts (inline SVG: one file, works offline)."""
    from botec.report import DRIVER_HEADER, driver_cells, drivers_shown, uncertainty_rows
    from botec.report.charts import main_result

    out = ['<section class="how-sure">', "<h2>How sure is this?</h2>"]
    out.append(f'<p class="why">{_e(sampling_note(sheet))}</p>')
    rows = uncertainty_rows(sheet)
    if rows:
        out += _table(
            [("Result", ""), ("Value", "num"), ("90% range", "num"), ("Driven by", "")],
            [
                f'<tr><td>{_e(a)}</td><td class="num">{_e(b)}</td>'
                f'<td class="num">{_e(c)}</td><td>{_e(d)}</td></tr>'
                for a, b, c, d in rows
            ],
            "uncertainty",
        )
    main = main_result(sheet)
    if main is not None:
        from botec.report import charts
        from botec.report.plots import figure_svg

        sens = sheet.sensitivity[main]
        out += [f"<h3>What drives {_e(sens.title)}</h3>", f"<p>{_e(sens.summary())}</p>"]
        out += _table(
            [(h, "" if i == 0 else "num") for i, h in enumerate(DRIVER_HEADER)],
            [
                "<tr>"
                + "".join(
                    f"<td>{_e(c)}</td>" if i == 0 else f'<td class="num">{_e(c)}</td>'
                    for i, c in enumerate(driver_cells(d, sens.unit))
                )
                + "</tr>"
                for d in drivers_shown(sens)
            ],
            "sensitivity",
        )
        for figure in (charts.tornado(sheet), charts.distributions(sheet)):
            if figure is not None:
                out.append(f'<figure class="chart">{figure_svg(figure)}</figure>')
    out.append("</section>")
    return out
