"""The FastAPI app: one endpoint per command, catalog look-ups, the bundled examples and the
scenario's JSON Schema. Every estimate is a command function's result as `--format json` prints
it; a bad value is a 422 with the field, the value and what is allowed."""

from __future__ import annotations

import inspect
import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from botec import commands
from botec.core.errors import BotecInputError
from botec.report.binning import histogram_edges
from botec.scenario.loading import expected_text
from botec.web import limits
from botec.web.errors import error_body, with_error_schema
from botec.web.lookups import catalog_endpoints
from botec.web.page import page_endpoints
from botec.web.requests import (
    OBJECT_BODY,
    BodyTooLarge,
    TooSlow,
    known_keys,
    read_json,
    read_scenario,
    run_command,
    sampling,
    wants_histograms,
)
from botec.web.safety import MODEL_FIELDS, check_model, read_overrides, read_vary

ESTIMATES = (
    "memory",
    "train",
    "infer",
    "plan",
    "traffic",
    "storage",
    "image",
    "video",
    "embed",
    "speech",
    "recsys",
    "tts",
)
# what every estimate request may carry besides the command's parameters
COMMON = ("samples", "seed", "catalog", "histograms")
BINS = 30  # histogram bins of an answer figure's draws (the page's distribution charts)


def create_app() -> FastAPI:
    """The app: stateless, so any number of workers can serve it."""
    app = FastAPI(
        title="botec",
        description="Back-of-the-envelope estimates for ML systems, with the work shown.",
        version="0.1.0",
    )
    _guards(app)
    _estimates(app)
    _scenarios(app)
    catalog_endpoints(app)
    _error_schema(app)
    _warm()
    return app


def _error_schema(app: FastAPI) -> None:
    default = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_error_schema(default())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _warm() -> None:
    """Load the catalog and the estimators once, then move everything loaded so far out of the
    garbage collector's sight (gc.freeze): each request allocates a sheet of short-lived
    objects, and full collections would otherwise walk the whole app every few requests."""
    import gc
    import importlib

    from botec.catalog import load_catalog

    for module in ("botec.report.json_report", "botec.run", "botec.stages.plan"):
        importlib.import_module(module)  # loaded now, so frozen below
    load_catalog().validate()
    gc.collect()
    gc.freeze()


# -- guards: body size, time, errors -----------------------------------------------------------


def _guards(app: FastAPI) -> None:
    @app.middleware("http")
    async def bounded(request: Request, call_next: Any) -> Response:
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > limits.MAX_BODY_BYTES):
            response: Response = _refuse(
                BotecInputError(
                    "body", f"{size} bytes", f"at most {limits.MAX_BODY_BYTES:,} bytes"
                ),
                413,
            )
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
        )
        return response

    @app.exception_handler(RequestValidationError)
    async def malformed(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own checks (a query parameter's type): the same error shape as botec's
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        value = first.get("input")
        allowed = expected_text(first) if first else "a valid request"
        return _refuse(BotecInputError(field, value, allowed))

    @app.exception_handler(BotecInputError)
    async def refused(_request: Request, exc: BotecInputError) -> JSONResponse:
        if isinstance(exc, BodyTooLarge):
            return _refuse(exc, 413)
        if isinstance(exc, TooSlow):
            return _refuse(exc, 503)
        return _refuse(exc)


def _refuse(exc: BotecInputError, status: int = 422) -> JSONResponse:
    return JSONResponse(error_body(exc), status_code=status)


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _sheet_json(sheet: Any, histograms: bool = False) -> Response:
    """The report document, serialised once (FastAPI's encoder would walk it again); with
    ``histograms``, the draws of each answer figure binned, for distribution charts, and the
    deployment curves (``curves``: ``day`` and ``break_even``) where the scenario has them."""
    from botec.report.json_report import sheet_dict

    document = sheet_dict(sheet)
    if histograms:
        from botec.analysis.deployment_curves import break_even_curve, day_curve

        document["histograms"] = _histograms(sheet)
        # a [deployment] day's replicas hour by hour and the serverless break-even, for charts
        document["curves"] = {
            name: curve
            for name, curve in (("day", day_curve(sheet)), ("break_even", break_even_curve(sheet)))
            if curve is not None
        }
    body = json.dumps(document, ensure_ascii=False, allow_nan=False)
    return Response(body, media_type="application/json")


def _histograms(sheet: Any) -> dict[str, Any]:
    import numpy

    from botec.analysis.answer import answer_figures

    out = {}
    for value in answer_figures(sheet):
        if value.varies:
            draws = numpy.asarray(value.samples, dtype=float)
            draws = draws[numpy.isfinite(draws)]
            edges = histogram_edges(draws, BINS)
            if edges is None:  # every finite draw the same float: one bar
                edges = numpy.array([draws[0], draws[0]]) if draws.size else numpy.array([])
                out[value.name] = {"counts": [int(draws.size)] if draws.size else [],
                                   "edges": edges.tolist()}  # fmt: skip
                continue
            counts, edges = numpy.histogram(draws, bins=edges)
            out[value.name] = {"counts": counts.tolist(), "edges": edges.tolist()}
    return out


# -- estimates -----------------------------------------------------------------------------------


def _estimates(app: FastAPI) -> None:
    for name in ESTIMATES:
        _estimate_endpoint(app, name)

    @app.post(
        "/api/report",
        summary="Run a scenario along the cascade (botec report)",
        openapi_extra=OBJECT_BODY,
    )
    async def report(request: Request) -> Response:
        body = await read_json(request)
        known_keys(body, "scenario", "set", "samples", "seed", "catalog", "histograms")
        scenario, overrides = read_scenario(body), read_overrides(body)
        histograms = wants_histograms(body)
        sheet = await run_command(
            commands.report, scenario=scenario, overrides=overrides, **sampling(body)
        )
        return _sheet_json(sheet, histograms)


def _estimate_endpoint(app: FastAPI, name: str) -> None:
    func = getattr(commands, name)
    skip = ("samples", "seed", "catalog_files")
    params = [p for p in inspect.signature(func).parameters if p not in skip]
    # a scenario field the command filled -> the request key that filled it
    owner = {path: param for param, paths in commands.FIELDS[name].items() for path in paths}

    async def estimate(request: Request) -> Response:
        body = await read_json(request)
        unknown = sorted(set(body) - set(params) - set(COMMON))
        if unknown:
            raise BotecInputError(unknown[0], body[unknown[0]], f"one of {', '.join(params)}")
        values = {k: v for k, v in body.items() if k in params}
        _check_values(func, values, commands.FIELDS[name])
        histograms = wants_histograms(body)
        try:
            sheet = await run_command(func, **values, **sampling(body))
            return _sheet_json(sheet, histograms)
        except BotecInputError as exc:  # name the request's key, as the CLI names its flag
            raise BotecInputError(owner.get(exc.field, exc.field), exc.value, exc.allowed) from None

    estimate.__doc__ = (func.__doc__ or "").split("\n\n")[0]
    app.post(f"/api/{name}", summary=f"botec {name}", openapi_extra=OBJECT_BODY)(estimate)


def _check_values(func: Any, values: dict[str, Any], fields: dict[str, tuple[str, ...]]) -> None:
    """A command's parameters as a request sends them: true/false for a switch and only there
    (a command takes False as "not given", so "model": false would run the default model and
    title it "False"), and models by catalog name (``fields``: the scenario fields each one
    fills)."""
    signature = inspect.signature(func).parameters
    for key, value in values.items():
        switch = str(signature[key].annotation).removesuffix(" | None") == "bool"
        if isinstance(value, bool) and not switch:
            raise BotecInputError(key, value, _expected(func, str(signature[key].annotation)))
        if switch and not isinstance(value, bool) and value is not None:
            # "false" is a non-empty string, so Python would read it as on
            raise BotecInputError(
                key, value, "true or false (a JSON boolean, not text or a number)"
            )
    for key in MODEL_FIELDS:
        for path in fields.get(key, ()):
            check_model(key, values.get(key), values.get(key), path)


def _expected(func: Any, annotation: str) -> str:
    """What a parameter takes, in a request's words (its annotation is text: postponed)."""
    import typing

    bare = annotation.removesuffix(" | None")
    alias = func.__globals__.get(bare)
    choices = typing.get_args(alias) if typing.get_origin(alias) is typing.Literal else ()
    if choices:  # a Literal alias: its values (Quantity's str | float is not one)
        return "one of " + ", ".join(str(c) for c in choices)
    if bare == "Names":
        return "a name (text), names separated by commas, or a list of names"
    if "Quantity" in bare:
        return "a number, or a quantity as text such as '7B' or '40%'"
    if "int" in bare:  # before str: gpus takes 64 or '64'
        return "a whole number"
    if "str" in bare:
        return "a name (text in quotes)"
    return "a value other than true or false"


# -- scenario files: sweep, compare, validate, examples, schema ------------------------------------


def _scenarios(app: FastAPI) -> None:
    @app.post(
        "/api/sweep", summary="A scenario over a grid (botec sweep)", openapi_extra=OBJECT_BODY
    )
    async def sweep(request: Request) -> dict[str, Any]:
        body = await read_json(request)
        # samples and seed, common to every endpoint, change nothing here: a sweep's rows are
        # each at their nominal inputs
        known_keys(
            body, "scenario", "vary", "points", "results", "set", "catalog", "samples", "seed"
        )

        def bounded(total: int) -> Any:
            if total > limits.MAX_SWEEP_POINTS:
                raise BotecInputError(
                    "vary", f"{total:,} points", f"at most {limits.MAX_SWEEP_POINTS:,} per request"
                )
            from contextlib import nullcontext

            return nullcontext(None)

        grid = await run_command(
            commands.sweep,
            scenario=read_scenario(body),
            vary=read_vary(body),
            points=body.get("points", commands.DEFAULT_POINTS),
            results=body.get("results"),
            overrides=read_overrides(body),
            catalog_files=sampling(body)["catalog_files"],
            progress=bounded,
        )
        return grid.to_dict()

    @app.post(
        "/api/compare",
        summary="Rank GPUs for a scenario (botec compare)",
        openapi_extra=OBJECT_BODY,
    )
    async def compare(request: Request) -> list[Any]:
        from botec.report.compare_view import render_compare

        body = await read_json(request)
        known_keys(body, "scenario", "gpus", "budget", "set", "samples", "seed", "catalog")
        gpus = body.get("gpus", [])
        names = gpus.split(",") if isinstance(gpus, str) else gpus
        if not isinstance(names, list) or not 1 <= len(names) <= limits.MAX_COMPARE_GPUS:
            raise BotecInputError("gpus", gpus, f"1 to {limits.MAX_COMPARE_GPUS} GPU names")
        options = await run_command(
            commands.compare,
            scenario=read_scenario(body),
            gpus=names,
            budget=body.get("budget"),
            overrides=read_overrides(body),
            **sampling(body),
        )
        return json.loads(render_compare(options, "json"))

    _validate(app)
    _examples(app)


def _validate(app: FastAPI) -> None:
    @app.get("/api/validate", summary="The backtest against published figures (botec validate)")
    async def validate(samples: int = 0, seed: int = 0, only: str | None = None) -> dict[str, Any]:
        from botec.validation.backtest import render_backtest

        if not 0 <= samples <= limits.MAX_VALIDATE_SAMPLES:
            raise BotecInputError("samples", samples, f"0 to {limits.MAX_VALIDATE_SAMPLES:,}")
        if not 0 <= seed <= 2**32 - 1:
            raise BotecInputError("seed", seed, f"0 to {2**32 - 1:,}")
        parts = await run_command(commands.validate, samples=samples, seed=seed, only=only)
        return {k: json.loads(render_backtest(bt, "json")) for k, bt in parts.items()}


def _examples(app: FastAPI) -> None:
    @app.get("/api/examples", summary="The bundled scenarios")
    async def examples() -> list[dict[str, str]]:
        return [{"name": n, "title": t, "source": s} for n, t, s in commands.examples_list()]

    @app.get("/api/examples/{name}", summary="One bundled scenario, as data and as its file")
    async def example(name: str) -> dict[str, Any]:
        from botec.scenario import load_scenario_data

        path = commands.example_path(name)
        return {"name": name, "scenario": load_scenario_data(path), "toml": path.read_text()}

    @app.get("/api/commands", summary="Each command's parameters and their defaults")
    async def parameters() -> dict[str, list[dict[str, Any]]]:
        out = {}
        for name in ESTIMATES:
            sig = inspect.signature(getattr(commands, name)).parameters.values()
            out[name] = [
                {"name": p.name, "default": p.default if _plain(p.default) else None}
                for p in sig
                if p.name not in ("samples", "seed", "catalog_files")
            ]
        return out

    @app.get("/api/schema", summary="The scenario's JSON Schema (every section and field)")
    async def schema() -> dict[str, Any]:
        from botec.scenario import Scenario

        return Scenario.model_json_schema()

    page_endpoints(app)
