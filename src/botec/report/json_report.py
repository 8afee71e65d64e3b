"""JSON: one object with a `results` mapping (name -> value in base units, unit, formula, ...)."""

from __future__ import annotations

import json
import math
from typing import Any

from botec.sheet import Sheet, Value


def _number(value: Any) -> Any:
    if hasattr(value, "ndim") and value.ndim > 0:
        import numpy

        return float(numpy.median(value))
    value = float(value)
    return value if math.isfinite(value) else None


def _percentiles(value: Any) -> dict[str, float]:
    if hasattr(value, "ndim") and value.ndim > 0:
        import numpy

        p5, p50, p95 = numpy.percentile(value, [5, 50, 95])
        return {"p5": float(p5), "p50": float(p50), "p95": float(p95)}
    return {}


def result_dict(v: Value) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": _number(v.value),
        "unit": v.unit,
        "formatted": v.formatted(),
        "title": v.title,
        "section": v.section,
        "formula": v.formula_text(),
        "substitution": v.substitution(),
    }
    out.update(_percentiles(v.value))
    if v.source:
        out["why"] = v.source
    return out


def sheet_dict(sheet: Sheet) -> dict[str, Any]:
    return {
        "title": sheet.title,
        "description": sheet.description.strip(),
        "results": {name: result_dict(v) for name, v in sheet.steps.items()},
        "inputs": {
            name: {
                "value": _number(v.value),
                "unit": v.unit,
                "formatted": v.formatted(),
                "title": v.title,
                "kind": v.kind,
                "source": v.source,
                **_percentiles(v.value),
            }
            for name, v in sheet.inputs.items()
        },
        "notes": [{"level": n.level, "section": n.section, "text": n.text} for n in sheet.notes],
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


def render_json(sheet: Sheet) -> str:
    return json.dumps(sheet_dict(sheet), indent=2, ensure_ascii=False)
