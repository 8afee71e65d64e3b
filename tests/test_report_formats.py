"""Markdown and HTML reports: same content as the terminal report, safe to open, well formed.

Two sheets: SmartPal (scenarios/smartpal.toml, seed 000, without its cost section) and a small
hand-built sheet whose text is full of characters that break Markdown tables and HTML.
"""

from __future__ import annotations

import re
import tomllib
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from botec.core.sheet import Formula, SeedCheck, Sheet, Value
from botec.core.units import format_bytes, format_memory, format_quantity
from botec.report import errata, render, summary_rows
from botec.report.html import render_html
from botec.report.markdown import render_markdown
from botec.run import run_scenario
from botec.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent

TOTAL = Formula(
    "total_cost",
    "items * price",
    "USD",
    "Total cost of a|b",
    why="Priced *per* item | a|b",
    headline=True,
)
WEIGHTS = Formula("weights_mem", "params * bytes_per_param", "B", "Weights memory", headline=True)
TINY_TITLE = 'Tiny <script>alert("x")</script> sheet: a|b & co'


@pytest.fixture(scope="module")
def smartpal() -> Sheet:
    data = tomllib.loads((ROOT / "scenarios" / "smartpal.toml").read_text(encoding="utf-8"))
    data.pop("cost", None)  # the price catalog is being filled in separately
    return run_scenario(scenario_from_dict(data))


@pytest.fixture(scope="module")
def tiny() -> Sheet:
    sheet = Sheet(TINY_TITLE)
    sheet.description = "A hand-built sheet with <b>tags</b>, *stars*\nand a|b pipes."
    with sheet.section("Costs <a|b>"):
        items = sheet.input("items", 3, "items", "Items", source="counted by hand | a|b")
        price = sheet.input("price", 2.5, "USD", "Price per item")
        sheet.step(TOTAL, items=items, price=price)
        params = sheet.input("params", 7e9, "params", "Parameters")
        bpp = sheet.assume("bytes_per_param", 2, "B/param", "Bytes", source="<script>x()</script>")
        sheet.step(WEIGHTS, params=params, bytes_per_param=bpp)
        sheet.note("bad", "Over budget <script>y()</script> by a|b")
        sheet.note("ok", "Weights fit.")
    with sheet.section("Nothing here"):
        pass
    sheet.seed_checks.append(
        SeedCheck(
            result="total_cost",
            printed="$8 a|b",
            printed_value=8.0,
            cite="doc <p. 3> | a|b",
            why="Slip: 3 × 2.5 is 7.5.",
            computed=7.5,
            unit="USD",
        )
    )
    sheet.seed_checks.append(
        SeedCheck("weights_mem", "14 GB", 14e9, "doc p. 4", computed=14e9, unit="B")
    )
    return sheet


@pytest.fixture(params=["smartpal", "tiny"])
def sheet(request: pytest.FixtureRequest) -> Sheet:
    return request.getfixturevalue(request.param)


def shown(step: Value) -> str:
    """What a report must print as a step's result: memory in GB and GiB, else as formatted."""
    return format_memory(float(step)) if step.unit == "B" else step.formatted()


def between(text: str, start: str, end: str | None) -> str:
    """The part of ``text`` from ``start`` up to ``end`` (or the end); fails if start is absent."""
    assert start in text, f"{start!r} missing"
    part = text[text.index(start) :]
    return part[: part.index(end)] if end and end in part else part


# -- steps -----------------------------------------------------------------------------------------


def test_every_step_and_value_in_markdown(sheet: Sheet) -> None:
    md = render_markdown(sheet)
    lines = md.splitlines()
    assert sheet.steps
    for step in sheet.steps.values():
        first = f"{step.name} = {step.formula_text()}"
        assert first in lines, first
        i = lines.index(first)
        pad = " " * (len(step.name) + 1)
        # three lines, '=' aligned under the first one, inside a fenced block; a step that
        # renames one value (model_storage = weights_memory) skips the substitution, which
        # would only repeat the value
        assert lines[i - 1].startswith("```")
        if step.formula_text().isidentifier():
            assert lines[i + 1] == f"{pad}= {shown(step)}"
            assert lines[i + 2].startswith("```")
            continue
        assert lines[i + 1] == f"{pad}= {step.substitution()}"
        assert lines[i + 2] == f"{pad}= {shown(step)}"
        assert lines[i + 3].startswith("```")


def test_every_step_and_value_in_html(sheet: Sheet) -> None:
    page = render_html(sheet)
    for step in sheet.steps.values():
        block = between(page, f'id="step-{escape(step.name)}"', "</article>")
        assert f">{escape(step.name)}<" in block
        assert escape(step.formula_text()) in block
        if not step.formula_text().isidentifier():  # a renamed value prints its value once
            assert escape(step.substitution()) in block
        assert f">{escape(shown(step))}<" in block


def test_memory_results_show_gb_and_gib(smartpal: Sheet, tiny: Sheet) -> None:
    for sheet in (smartpal, tiny):
        memory = [s for s in sheet.steps.values() if s.unit == "B"]
        assert memory, "no memory result to check"
        md, page = render_markdown(sheet), render_html(sheet)
        for step in memory:
            gb, gib = format_bytes(float(step)), format_bytes(float(step), binary=True)
            assert gib.endswith("iB") and not gb.endswith("iB")  # binary vs decimal
            assert f"= {gb} ({gib})" in md
            assert f">{gb} ({gib})<" in page
    # independently: 3B FP16 parameters are 6 GB, 5.59 GiB
    assert "= 6.00 GB (5.59 GiB)" in render_markdown(smartpal)


def test_step_reason_and_notes(tiny: Sheet, smartpal: Sheet) -> None:
    md, page = render_markdown(tiny), render_html(tiny)
    assert r"*Priced \*per\* item \| a\|b*" in md
    assert '<p class="why">Priced *per* item | a|b</p>' in page
    assert r"- ✘ **Problem:** Over budget \<script>y()\</script> by a\|b" in md
    assert "- ✔ **OK:** Weights fit." in md
    assert 'class="note-bad"' in page and 'class="note-ok"' in page
    assert "<strong>Problem:</strong> Over budget &lt;script&gt;" in page
    assert "- ⚠ **Warning:** Sized for the daily average" in render_markdown(smartpal)
    assert 'class="note-warn"' in render_html(smartpal)


def test_empty_sections_are_skipped(tiny: Sheet) -> None:
    assert "## Costs" in render_markdown(tiny)
    assert "Nothing here" not in render_markdown(tiny)
    assert "Nothing here" not in render_html(tiny)


def test_sections_in_order(sheet: Sheet) -> None:
    md, page = render_markdown(sheet), render_html(sheet)
    md_heads = ["## Summary", "## Seed check", "### Errata", "## Inputs and assumptions"]
    html_heads = ["<h2>Summary</h2>", "<h2>Seed check</h2>", "<h3>Errata</h3>"]
    html_heads.append("<h2>Inputs and assumptions</h2>")
    for text, heads in ((md, md_heads), (page, html_heads)):
        where = [text.find(h) for h in heads]
        assert -1 not in where, heads
        assert where == sorted(where)
        # every section heading comes before the summary
        last_section = max(text.find(escape(s)) for s in sheet.sections if sheet.steps_in(s))
        assert last_section < where[0]


# -- summary, seed check, errata, inputs -----------------------------------------------------------


def test_summary_table(sheet: Sheet) -> None:
    rows = summary_rows(sheet)
    assert rows
    md = between(render_markdown(sheet), "## Summary", "## Seed check")
    page = between(render_html(sheet), "<h2>Summary</h2>", "<h2>Seed check</h2>")
    assert "| Result | Value |" in md  # "| At central inputs |" follows where a point is apart
    md_esc = {"|": r"\|", "*": r"\*", "$": r"\$", "<": r"\<"}
    for title, value, *_ in rows:
        title_md = "".join(md_esc.get(ch, ch) for ch in title)
        value_md = "".join(md_esc.get(ch, ch) for ch in value)
        assert f"| {title_md} | {value_md} |" in md
        assert f"<td>{escape(title)}</td>" in page
        assert f">{escape(value)}</td>" in page


def test_seed_check_table_and_errata(sheet: Sheet) -> None:
    md = between(render_markdown(sheet), "## Seed check", "## Inputs and assumptions")
    page = between(render_html(sheet), "<h2>Seed check</h2>", "<h2>Inputs and assumptions</h2>")
    assert "| Result | Seed printed | botec | Status |" in md
    md_rows = [line for line in md.splitlines() if line.startswith("| `")]
    assert len(md_rows) == len(sheet.seed_checks)
    for check, row in zip(sheet.seed_checks, md_rows, strict=True):
        assert f"`{check.result}`" in row
        assert ("✔ matches" in row) == check.matches
        assert ("✘ erratum" in row) != check.matches
    assert page.count('<tr class="erratum">') == len(errata(sheet)) > 0
    assert page.count('<tr class="match">') == len(sheet.seed_checks) - len(errata(sheet))
    errata_md = between(md, "### Errata", None)
    for check in errata(sheet):
        computed = format_quantity(check.computed, check.unit)
        assert f"**{check.result}** — the seed prints " in errata_md
        assert f"botec computes {computed.replace('$', chr(92) + '$')}." in errata_md
        assert f"<strong>{escape(check.result)}</strong> — the seed prints" in page


def test_smartpal_ingress_erratum(smartpal: Sheet) -> None:
    # 11,574 req/s × 2 KB × 8 bit/B = 185.2 Mbit/s; the seed prints 186 Mbps
    right = 100e6 * 10 / 86_400 * 2e3 * 8
    assert format_quantity(right, "bit/s") == "185 Mbit/s"
    md = render_markdown(smartpal)
    listed = between(md, "### Errata", "## Inputs and assumptions")
    item = next(line for line in listed.splitlines() if "ingress_bandwidth" in line)
    assert "the seed prints 186 Mbps; botec computes 185 Mbit/s." in item
    assert "23.15 MBps = 186 Mbps" in item  # the citation
    assert "egress_bandwidth" not in listed  # 926 Mbps is right
    assert "| `ingress_bandwidth` | 186 Mbps | 185 Mbit/s | **✘ erratum** |" in md
    page = render_html(smartpal)
    row = between(page, '<tr class="erratum">', "</tr>")
    assert "ingress_bandwidth" in row and "186 Mbps" in row and "185 Mbit/s" in row
    assert (
        "<strong>ingress_bandwidth</strong> — the seed prints 186 Mbps; botec computes "
        "185 Mbit/s." in page
    )


def test_inputs_table(sheet: Sheet) -> None:
    md = between(render_markdown(sheet), "## Inputs and assumptions", None)
    page = between(render_html(sheet), "<h2>Inputs and assumptions</h2>", None)
    assert "| Name | Value | Kind | Source |" in md
    for item in sheet.inputs.values():
        row = next(line for line in md.splitlines() if line.startswith(f"| `{item.name}` |"))
        assert f" {item.kind} " in row
        if not item.source:
            assert row.endswith("| scenario |")
        assert f"<code>{escape(item.name)}</code>" in page
        assert escape(item.source or "scenario") in page


# -- Markdown tables -------------------------------------------------------------------------------


def cells(row: str) -> list[str]:
    """A table row's cells, splitting on '|' that is not backslash-escaped."""
    out, cell, i = [], "", 0
    body = row.strip()
    assert body.startswith("|") and body.endswith("|") and not body.endswith("\\|"), row
    body = body[1:-1]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            cell += body[i : i + 2]
            i += 2
            continue
        if body[i] == "|":
            out.append(cell)
            cell = ""
        else:
            cell += body[i]
        i += 1
    out.append(cell)
    return out


def tables(md: str) -> list[list[str]]:
    """Blocks of consecutive lines starting with '|'."""
    found: list[list[str]] = []
    current: list[str] = []
    for line in [*md.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found


def ragged(md: str) -> list[str]:
    """Rows whose cell count differs from their table's header."""
    bad = []
    for table in tables(md):
        width = len(cells(table[0]))
        assert re.fullmatch(r"\|( -{3,}:? \|)+", table[1]), table[1]  # the rule under the header
        bad += [row for row in table if len(cells(row)) != width]
    return bad


def test_markdown_tables_are_rectangular(sheet: Sheet) -> None:
    md = render_markdown(sheet)
    assert len(tables(md)) == 3  # summary, seed check, inputs
    assert ragged(md) == []


def test_table_checker_catches_a_raw_pipe(tiny: Sheet) -> None:
    md = render_markdown(tiny)
    assert r"a\|b" in md
    assert ragged(md.replace(r"a\|b", "a|b")) != []


def test_markdown_escapes_scenario_text(tiny: Sheet) -> None:
    md = render_markdown(tiny)
    assert md.startswith(r'# Tiny \<script>alert("x")\</script> sheet: a\|b & co' + "\n")
    assert re.search(r"(?<!\\)<(script|b>)", md) is None  # no raw HTML from scenario text
    assert r"\<b>tags\</b>, \*stars\* and a\|b pipes." in md


# -- HTML ------------------------------------------------------------------------------------------

VOID = {"meta", "link", "br", "hr", "img", "input", "col", "wbr", "source", "area", "base"}


class StrictParser(HTMLParser):
    """Records a doctype and every mis-nested, unclosed or stray tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.doctype = ""
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def close(self) -> None:
        super().close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")


def parse(page: str) -> StrictParser:
    parser = StrictParser()
    parser.feed(page)
    parser.close()
    return parser


def test_html_is_well_formed(sheet: Sheet) -> None:
    page = render_html(sheet)
    assert page.lower().startswith("<!doctype html>")
    parser = parse(page)
    assert parser.doctype.lower() == "doctype html"
    assert parser.problems == []
    names = [tag for tag, _ in parser.tags]
    assert names[:3] == ["html", "head", "meta"]
    assert ("meta", {"charset": "utf-8"}) in parser.tags
    assert names.count("title") == 1 and names.count("style") == 1 and names.count("h1") == 1


def test_strict_parser_catches_bad_nesting() -> None:
    assert parse("<div><span></div></span>").problems != []
    assert parse("<section><p>x</p>").problems != []


def test_html_is_self_contained(sheet: Sheet) -> None:
    page = render_html(sheet)
    lowered = page.lower()
    for bad in ("http://", "https://", "<script", "<link", "<iframe", "@import", "url(", "src="):
        assert bad not in lowered, bad


def test_html_escapes_scenario_text(tiny: Sheet) -> None:
    page = render_html(tiny)
    title = escape(TINY_TITLE)
    assert "&lt;script&gt;" in title
    assert f"<title>{title}</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert "&lt;b&gt;tags&lt;/b&gt;, *stars* and a|b pipes." in page  # newline collapsed
    assert escape("<script>x()</script>") in page  # an input's source
    assert escape("doc <p. 3> | a|b") in page  # a citation
    assert "<b>" not in page


# -- dispatch --------------------------------------------------------------------------------------


def test_render_dispatches(tiny: Sheet, smartpal: Sheet) -> None:
    for sheet in (tiny, smartpal):
        md, page = render(sheet, "markdown"), render(sheet, "html")
        assert md == render_markdown(sheet)
        assert page == render_html(sheet)
        assert md.startswith("# ") and page.lower().startswith("<!doctype html>")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_stage_table_is_shown_once_in_its_section(fmt: str) -> None:
    from botec.core.sheet import SeedCheck
    from botec.report import render

    s = Sheet("tables")
    with s.section("Plan"):
        s.input("x", 1.0, "GPUs", "x")
        s.table("Options compared", ["GPU", "Verdict"], [["Zeta-GPU", "chosen"]])
    # an erratum gives the seed-check section its own list, after which nothing else belongs
    s.seed_checks.append(SeedCheck("x", "2", 2.0, "seed", computed=1.0, unit="GPUs"))
    out = render(s, fmt)
    assert out.count("Zeta-GPU") == 1
    assert out.index("Zeta-GPU") < out.index("Seed check")
