"""Reading an API request: its JSON object, a scenario (models by catalog name only, no file
paths), the sampling settings (bounded) and its own catalog entries; and running a command in a
worker thread under the time limit."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

from fastapi import Request

from botec import commands
from botec.core.errors import BotecInputError
from botec.core.safe_io import check_depth
from botec.web import limits
from botec.web.safety import check_scenario

# The estimate endpoints read their body themselves (one json.loads, no model walk): its schema
# for the docs is stated here.
OBJECT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 422 saying what is wrong with it. The body is read in
    pieces and refused as soon as it passes the cap (a chunked body has no Content-Length for the
    middleware to check); numbers must be finite (no NaN, Infinity or 1e400)."""
    pieces: list[bytes] = []
    size = 0
    async for piece in request.stream():
        size += len(piece)
        if size > limits.MAX_BODY_BYTES:
            raise BodyTooLarge("body", f"over {limits.MAX_BODY_BYTES:,} bytes", _SIZE_ALLOWED)
        pieces.append(piece)
    raw = b"".join(pieces)
    try:
        body = json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except BotecInputError:
        raise
    except (ValueError, RecursionError):
        raise BotecInputError("body", raw[:40].decode(errors="replace"), "a JSON object") from None
    if not isinstance(body, dict):
        raise BotecInputError("body", type(body).__name__, "a JSON object")
    check_depth(body, "body")
    return body


_SIZE_ALLOWED = f"at most {limits.MAX_BODY_BYTES:,} bytes"


class BodyTooLarge(BotecInputError):
    """A body over the cap: answered 413, not 422."""


class TooSlow(BotecInputError):
    """Past the time limit: answered 503 (the request was valid; the server gave up on it)."""


def _no_constant(name: str) -> float:
    raise BotecInputError("body", name, "finite numbers (JSON has no NaN or Infinity)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BotecInputError("body", text, "finite numbers (this one overflows to infinity)")
    return value


async def run_command(func: Any, /, **kwargs: Any) -> Any:
    """A command in a worker thread, abandoned (503) past the time limit."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(func, **kwargs), timeout=limits.TIMEOUT_S)
    except TimeoutError:
        raise TooSlow(
            "request", f"over {limits.TIMEOUT_S:g} s", "a smaller request (fewer samples or points)"
        ) from None


def sampling(body: dict[str, Any], default: int = commands.DEFAULT_SAMPLES) -> dict[str, Any]:
    """samples (bounded), seed and the request's own catalog entries."""
    samples = body.get("samples", default)
    if (
        not isinstance(samples, int)
        or isinstance(samples, bool)
        or not 0 <= samples <= limits.MAX_SAMPLES
    ):
        raise BotecInputError(
            "samples", samples, f"a whole number from 0 to {limits.MAX_SAMPLES:,}"
        )
    seed = body.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise BotecInputError("seed", seed, "a whole number from 0 to 4294967295")
    catalog = body.get("catalog")
    if catalog is not None and not isinstance(catalog, dict):
        raise BotecInputError("catalog", catalog, "a mapping in a catalog file's layout")
    return {"samples": samples, "seed": seed, "catalog_files": [catalog] if catalog else []}


def known_keys(body: dict[str, Any], *allowed: str) -> None:
    """Refuse a key the endpoint does not read (a misspelt ``set`` would be dropped unseen)."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise BotecInputError(unknown[0], body[unknown[0]], f"one of {', '.join(allowed)}")


def wants_histograms(body: dict[str, Any]) -> bool:
    """The request's ``histograms`` switch: true or false only ("false" as text would be on)."""
    value = body.get("histograms", False)
    if not isinstance(value, bool):
        raise BotecInputError("histograms", value, "true or false (a JSON boolean)")
    return value


def read_scenario(body: dict[str, Any]) -> dict[str, Any]:
    """The request's scenario, naming no catalog file and no model outside the catalog (its
    ``set`` and ``vary`` are read by botec.web.safety's read_overrides and read_vary)."""
    scenario = body.get("scenario")
    if not isinstance(scenario, dict):
        raise BotecInputError("scenario", scenario, "a scenario as a JSON object of sections")
    check_scenario(scenario)
    return scenario
