"""JSON: one object with a `results` mapping (name -> value in base units, unit, formula, ...)."""

from __future__ import annotations

import json
import math
from typing import Any

from botec.core.sheet import Sheet, Value


def _number(value: Any) -> Any:
    if hasattr(value, "ndim") and value.ndim > 0:
        import numpy

        return float(numpy.median(value))
    value = float(value)
    return value if math.isfinite(value) else None


def _percentiles(v: Value, sampled: bool) -> dict[str, float | None]:
    """p5/p50/p95 of the Monte Carlo draws; an exact value is its own p5, p50 and p95, so every
    result carries the three whenever draws were asked for. Without draws (``--samples 0``)
    nothing: a varying result's spread is then unknown, not zero."""
    if v.varies:
        p5, p50, p95 = v.percentiles()
        return {"p5": p5, "p50": p50, "p95": p95}
    if not sampled:
        return {}
    exact = _number(v.value)
    return {"p5": exact, "p50": exact, "p95": exact}


def _range(v: Value) -> dict[str, Any]:
    if v.spec is None or v.spec.dist == "grid":
        return {}
    return {"range": {"low": v.spec.low, "high": v.spec.high, "dist": v.spec.dist}}


def result_dict(v: Value, sampled: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": _number(v.value),
        "unit": v.unit,
        "formatted": v.formatted(),
        "title": v.title,
        "section": v.section,
        "formula": v.formula_text(),
        "substitution": v.substitution(),
    }
    out.update(_percentiles(v, sampled))
    if v.source:
        out["why"] = v.source
    if v.formula is not None and v.formula.headline:
        out["headline"] = True
    if v.varies:  # as a summary prints them: the median and the 90% range, formatted
        from botec.report import headline_text

        out["formatted_median"] = headline_text(v)
        out["formatted_range"] = v.range_text()
    return out


def sheet_dict(sheet: Sheet) -> dict[str, Any]:
    sampled = bool(sheet.samples)
    return {
        "title": sheet.title,
        "description": sheet.description.strip(),
        "results": {name: result_dict(v, sampled) for name, v in sheet.steps.items()},
        "inputs": {name: _input_dict(v, sampled) for name, v in sheet.inputs.items()},
        "monte_carlo": {
            "samples": sheet.samples if sheet.uncertain_inputs else 0,
            "seed": sheet.seed,
            "interval": "p5-p95 (90%)",
        },
        "sensitivity": {name: _sensitivity_dict(s) for name, s in sheet.sensitivity.items()},
        "notes": [
            {"level": n.level, "section": n.section, "text": n.text, "verdict": n.verdict}
            for n in sheet.notes
        ],
        "answer": _answer(sheet),
        "tables": [
            {"section": t.section, "title": t.title, "header": t.header, "rows": t.rows}
            for t in sheet.tables
        ],
        "seed_checks": [
            {
                "result": c.result,
                "printed": c.printed,
                "printed_value": c.printed_value,
                "computed": c.computed,
                "unit": c.unit,
                "matches": c.matches,
                "cite": c.cite,
                "why": c.why,
            }
            for c in sheet.seed_checks
        ],
    }


def _input_dict(v: Value, sampled: bool) -> dict[str, Any]:
    return {
        "value": _number(v.value),
        "unit": v.unit,
        "formatted": v.formatted(),
        "title": v.title,
        "kind": v.kind,
        "source": v.source,
        **_range(v),
        **_percentiles(v, sampled),
    }


def _sensitivity_dict(s: Any) -> dict[str, Any]:
    """One result's drivers: each input from its p5 to its p95, and its share of the spread."""
    return {
        "title": s.title,
        "unit": s.unit,
        "summary": s.summary(),
        "drivers": [
            {
                "input": d.name,
                "title": d.title,
                "input_p5": d.input_low,
                "input_p95": d.input_high,
                "input_unit": d.input_unit,
                "result_at_input_p5": d.result_at_low,
                "result_at_input_p95": d.result_at_high,
                "share_of_spread": d.share,
                "rank_correlation": d.rank_correlation,
            }
            for d in s.drivers
        ],
    }


def _answer(sheet: Sheet) -> dict[str, Any]:
    """The results and verdicts a report leads with (what --brief prints)."""
    from botec.analysis.answer import answer_figures, answer_verdicts

    return {
        "results": [v.name for v in answer_figures(sheet)],
        "verdicts": [n.text for n in answer_verdicts(sheet)],
    }


def render_json(sheet: Sheet) -> str:
    return json.dumps(sheet_dict(sheet), indent=2, ensure_ascii=False)
