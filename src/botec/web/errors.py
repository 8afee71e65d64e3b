"""Errors as the CLI says them: 422 with the field, the value and what is allowed."""

from __future__ import annotations

import math
from typing import Any

from botec.core.errors import BotecInputError, shown_value

# The CLI's names for what a request sends under its own JSON key ("--vary dau" -> "vary dau").
REQUEST_KEYS = {
    "--vary": "vary",
    "--result": "results",
    "--gpu": "gpus",
    "overrides": "set",
    "FILE": "scenario",  # a request sends its scenario, never a file
}
# CLI flags inside the text of what is allowed, as a request says them.
REQUEST_WORDS = (
    ("--catalog FILE with", "the request's 'catalog' entries with"),
    ("--result columns", "results"),
    ("--result", "results"),
    ("--vary", "vary"),
)


def in_request_terms(exc: BotecInputError) -> tuple[str, str]:
    """The field and what is allowed, with the CLI's flags named as the request's keys."""
    head, space, rest = exc.field.partition(" ")
    field = REQUEST_KEYS.get(head, head) + space + rest
    allowed = exc.allowed
    for flag, key in REQUEST_WORDS:
        allowed = allowed.replace(flag, key)
    return field, allowed


def error_body(exc: BotecInputError, where: str = "") -> dict[str, Any]:
    """The JSON body of a refused request: the same field / value / allowed as the CLI's, with
    the CLI's flags named as the request's JSON keys."""
    field, allowed = in_request_terms(exc)
    field = f"{where}.{field}" if where and not field.startswith(where) else field
    plain = exc.value is None or isinstance(exc.value, int | float | str | bool)
    if isinstance(exc.value, float) and not math.isfinite(exc.value):
        plain = False  # JSON has no NaN or Infinity: the refused value is sent as its text
    value = exc.value if plain else shown_value(exc.value, limit=None)
    return {
        "error": {
            "field": field,
            "value": value,
            "allowed": allowed,
            "message": f"{field}: got {shown_value(exc.value, limit=None)}; expected {allowed}",
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
