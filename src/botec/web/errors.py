"""Errors as the CLI says them: 422 with the field, the value and what is allowed."""

from __future__ import annotations

import math
from typing import Any

from botec.core.errors import BotecInputError


def error_body(exc: BotecInputError, where: str = "") -> dict[str, Any]:
    """The JSON body of a refused request: the same field / value / allowed as the CLI's."""
    field = f"{where}.{exc.field}" if where and not exc.field.startswith(where) else exc.field
    plain = exc.value is None or isinstance(exc.value, int | float | str | bool)
    if isinstance(exc.value, float) and not math.isfinite(exc.value):
        plain = False  # JSON has no NaN or Infinity: the refused value is sent as its text
    value = exc.value if plain else repr(exc.value)
    return {
        "error": {
            "field": field,
            "value": value,
            "allowed": exc.allowed,
            "message": f"{field}: got {exc.value!r}; expected {exc.allowed}",
        }
    }
