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


# The body of every refusal (422, 413, 503), as the OpenAPI document states it.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["field", "allowed", "message"],
            "properties": {
                "field": {"type": "string"},
                "value": {},
                "allowed": {"type": "string"},
                "message": {"type": "string"},
            },
        }
    },
}


def with_error_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with every 422 stated as botec's error body (FastAPI's default is
    its own validation error, which this app never sends)."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if "422" in operation.get("responses", {}):
                operation["responses"]["422"] = {
                    "description": "Refused: the field, the value given and what is allowed",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                }
    return document
