"""Every figure printed with a 90% range sits inside it (issue: '33.3% (16.9% – 32.8%)').

Where inputs vary, a summary leads with the median and a step's result (the arithmetic at the
central inputs) names the median beside it when the two part; either way the figure a range is
attached to must lie between its ends. Checked on the Markdown of every bundled scenario and of
the README's plan, infer and train commands, parsing the printed numbers and units back.
"""

from __future__ import annotations

import re

import pytest
from conftest import SCENARIOS, cli

SUFFIX = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
SCALE = {
    "ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "days": 86400.0,
    "years": 3.156e7, "B": 1.0, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15,
    "%": 0.01,
}  # fmt: skip
SI = {"K": 1e3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}
NUMBER = re.compile(r"\$?(-?[\d,]*\.?\d+(?:e[+-]?\d+)?)([KMBT](?![a-zA-Z]))?\s*([^\s\d(]*)")
FIGURE = re.compile(
    r"(?:= |\| )(?P<fig>[^|=]*?) \((?:median (?P<med>[^;]+); )?(?P<lo>[^()]*?) – "
    r"(?P<hi>[^()]*?), 90% range"
)


def _number(text: str, unit_hint: str = "") -> tuple[float, str]:
    m = NUMBER.search(text)
    assert m, text
    value = float(m.group(1).replace(",", "")) * SUFFIX.get(m.group(2) or "", 1.0)
    unit = (m.group(3) or unit_hint).split("/")[0] or unit_hint
    return value * _scale(unit), unit


def _scale(unit: str) -> float:
    """SI prefixes on bits, bytes and FLOPs (Mbit, GB, TFLOP), binary ones on bytes (GiB)."""
    if unit in SCALE:
        return SCALE[unit]
    prefix, base = unit[:1], unit[1:]
    if base in ("bit", "FLOP", "B"):
        return SI[prefix]
    if base == "iB":
        return 1024.0 ** ("KMGTP".index(prefix) + 1)
    return 1.0


def _figures(text: str) -> list[tuple[float, float, float, str]]:
    """(low, figure, high, the text) for every figure printed with a range: inline, as
    'X (a – b, 90% range)', or in a table whose columns are 'Value' then '90% range'."""
    out = []
    for m in FIGURE.finditer(text):
        hi, unit = _number(m.group("hi"))
        lo, _ = _number(m.group("lo"), unit)
        fig, _ = _number(m.group("med") or m.group("fig"), unit)
        out.append((lo, fig, hi, m.group(0)))
    value_at = None
    for row in text.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split(" | ")]
        if "Value" in cells and "90% range" in cells:
            value_at = cells.index("Value")
        elif not row.startswith("|"):
            value_at = None
        elif value_at is not None and len(cells) > value_at + 1 and " – " in cells[value_at + 1]:
            low, high = (x.replace("\\", "") for x in cells[value_at + 1].split(" – "))
            hi, unit = _number(high)
            out.append(
                (
                    _number(low, unit)[0],
                    _number(cells[value_at].replace("\\", ""), unit)[0],
                    hi,
                    row,
                )
            )
    return out


def _check(args: list[str]) -> int:
    code, out, err = cli(*args, "--format", "markdown", "--samples", "1000")
    assert code == 0, err
    figures = _figures(out)
    for lo, fig, hi, line in figures:
        slack = 1e-9 + 0.006 * max(abs(lo), abs(hi))  # three significant figures when printed
        assert lo - slack <= fig <= hi + slack, line
    return len(figures)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_scenario_prints_figures_inside_their_ranges(path) -> None:  # type: ignore[no-untyped-def]
    _check(["report", str(path)])


def test_commands_print_figures_inside_their_ranges() -> None:
    checked = _check(["plan", "--model", "llama-3.1-8b", "--qps", "5", "--gpu", "h100-sxm"])
    checked += _check(["infer", "--params", "7B", "--input-tokens", "2048", "--engine", "vllm"])
    checked += _check(["train", "--params", "7B", "--tokens", "1T", "--gpus", "256"])
    assert checked > 40  # the parser finds the ranges it is meant to check


def test_the_parser_reads_what_botec_prints() -> None:
    # Hand-written lines in botec's formats: a range in mixed units, a median named beside a
    # point, memory shown in GB and GiB.
    got = _figures("= 1.07 TB (994 GiB) (1.05 – 1.07 TB, 90% range)")
    assert got[0][:3] == pytest.approx((1.05e12, 1.07e12, 1.07e12))
    got = _figures("= 33.3% (median 25.0%; 16.9% – 32.8%, 90% range)")
    assert got[0][:3] == pytest.approx((0.169, 0.25, 0.328))
    got = _figures("| 950 µs (800 µs – 1.20 ms, 90% range) |")
    assert got[0][:3] == pytest.approx((800e-6, 950e-6, 1.2e-3))
    got = _figures("= $8,850/month ($8,850/month – $17.7K/month, 90% range)")
    assert got[0][:3] == pytest.approx((8850, 8850, 17700))
    table = (
        "| Result | Value | 90% range |\n|---|---|---|\n"
        "| Cost | \\$8.61M/month | \\$3.13M – \\$25.5M/month |"
    )
    got = _figures(table)
    assert got[0][:3] == pytest.approx((3.13e6, 8.61e6, 25.5e6))


def test_a_point_outside_its_draws_is_never_the_figure_a_range_is_attached_to() -> None:
    # A fleet sized at 99.9% of one replica: the central inputs give 1 replica and a load of
    # 33.3%, but most draws need 2 replicas, whose load is lower: 5th-95th 16.9%-32.8%.
    import numpy

    from botec.core.sheet import Value
    from botec.report import central_text, summary_text, value_text

    draws = numpy.concatenate([numpy.full(80, 0.169), numpy.linspace(0.17, 0.328, 20)])
    load = Value("fleet_load", 1 / 3, "fraction", "Average load", "step", samples=draws)
    for text in (value_text(load), summary_text(load)):
        ((lo, fig, hi, line),) = _figures(f"= {text}")
        assert lo <= fig <= hi, line
    assert central_text(load) == "33.3%" and "33.3%" not in summary_text(load)
