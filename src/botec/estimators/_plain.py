"""Plain-number helpers for the estimators that also answer without a sheet: evaluate a formula on
a mapping of floats, and check a number someone passed in."""

from __future__ import annotations

import math
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula


def evaluate(formula: Formula, env: dict[str, Any]) -> Any:
    """``formula`` on the names it reads from ``env`` (extra names are ignored)."""
    return formula.parsed.evaluate({name: env[name] for name in formula.parsed.names})


def positive_number(field: str, value: object, allowed: str, whole: bool = False) -> float:
    """A finite number above 0 (a whole number ≥ 1 when ``whole``), else BotecInputError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BotecInputError(field, value, allowed)
    try:
        number = float(value)
    except OverflowError:  # an integer past float's range
        raise BotecInputError(field, value, allowed) from None
    if not math.isfinite(number) or number <= 0 or (whole and number != int(number)):
        raise BotecInputError(field, value, allowed)
    return number
