"""The FastAPI app: one endpoint per command, catalog look-ups, the bundled examples and the
scenario's JSON Schema. Every estimate is a command function's result as `--format json` prints
it; a bad value is a 422 with the field, the value and what is allowed."""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from botec import commands
from botec.core.errors import BotecInputError
from botec.web import limits
from botec.web.errors import error_body

ESTIMATES = ("memory", "train", "infer", "plan", "traffic", "storage")
JsonBody = Annotated[dict[str, Any], Body()]  # a request's JSON object
# The estimate endpoints read their body themselves (one json.loads, no model walk): its schema
# for the docs is stated here.
OBJECT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def _json(request: Request) -> dict[str, Any]:
    """The request's JSON object, or a 422 saying what is wrong with it."""
    raw = await request.body()
    if len(raw) > limits.MAX_BODY_BYTES:
        raise BotecInputError("body", f"{len(raw):,} bytes", f"at most {limits.MAX_BODY_BYTES:,}")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BotecInputError("body", raw[:40].decode(errors="replace"), "a JSON object") from None
    if not isinstance(body, dict):
        raise BotecInputError("body", type(body).__name__, "a JSON object")
    return body


COMMON = ("samples", "seed", "catalog")  # what every estimate request may carry besides params


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
    _catalog(app)
    _warm()
    return app


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
            return _refuse(
                BotecInputError(
                    "body", f"{size} bytes", f"at most {limits.MAX_BODY_BYTES:,} bytes"
                ),
                413,
            )
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
        )
        return response

    @app.exception_handler(BotecInputError)
    async def refused(_request: Request, exc: BotecInputError) -> JSONResponse:
        return _refuse(exc)


def _refuse(exc: BotecInputError, status: int = 422) -> JSONResponse:
    return JSONResponse(error_body(exc), status_code=status)


async def _run(func: Any, /, **kwargs: Any) -> Any:
    """A command in a worker thread, abandoned (503) past the time limit."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(func, **kwargs), timeout=limits.TIMEOUT_S)
    except TimeoutError:
        raise BotecInputError(
            "request", f"over {limits.TIMEOUT_S:g} s", "a smaller request (fewer samples or points)"
        ) from None


MODEL_FIELDS = ("model", "teacher")  # names a local config.json or hf:owner/name could hide in


def _no_files(where: str, value: Any) -> None:
    """A model name from a request is a catalog name: the server reads no files a request names
    and fetches nothing (a config.json or hf:owner/name works from the CLI)."""
    if isinstance(value, str) and (
        value.startswith("hf:") or "/" in value or "\\" in value or value.endswith(".json")
    ):
        raise BotecInputError(where, value, "a catalog model name (botec models list)")


def _checked_scenario(scenario: dict[str, Any]) -> dict[str, Any]:
    """A request's scenario: its own catalog entries come as the body's ``catalog`` mapping, not
    as a file path, and its models by catalog name."""
    if "catalog" in scenario:
        raise BotecInputError(
            "scenario.catalog", scenario["catalog"], "no file paths: send entries as 'catalog'"
        )
    for section, fields in scenario.items():
        if isinstance(fields, dict):
            for key in MODEL_FIELDS:
                _no_files(f"scenario.{section}.{key}", fields.get(key))
    return scenario


def _sheet_json(sheet: Any) -> Response:
    """The report document, serialised once (FastAPI's encoder would walk it again)."""
    from botec.report.json_report import sheet_dict

    body = json.dumps(sheet_dict(sheet), ensure_ascii=False, allow_nan=False)
    return Response(body, media_type="application/json")


def _sampling(body: dict[str, Any], default: int = commands.DEFAULT_SAMPLES) -> dict[str, Any]:
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
        body = await _json(request)
        scenario = _scenario(body)
        overrides = body.get("set", [])
        if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
            raise BotecInputError("set", overrides, "a list of 'section.field=value' strings")
        sheet = await _run(
            commands.report, scenario=scenario, overrides=overrides, **_sampling(body)
        )
        return _sheet_json(sheet)


def _estimate_endpoint(app: FastAPI, name: str) -> None:
    func = getattr(commands, name)
    skip = ("samples", "seed", "catalog_files")
    params = [p for p in inspect.signature(func).parameters if p not in skip]
    # a scenario field the command filled -> the request key that filled it
    owner = {path: param for param, paths in commands.FIELDS[name].items() for path in paths}

    async def estimate(request: Request) -> Response:
        body = await _json(request)
        unknown = sorted(set(body) - set(params) - set(COMMON))
        if unknown:
            raise BotecInputError(unknown[0], body[unknown[0]], f"one of {', '.join(params)}")
        values = {k: v for k, v in body.items() if k in params}
        for key in MODEL_FIELDS:
            _no_files(key, values.get(key))
        try:
            return _sheet_json(await _run(func, **values, **_sampling(body)))
        except BotecInputError as exc:  # name the request's key, as the CLI names its flag
            raise BotecInputError(owner.get(exc.field, exc.field), exc.value, exc.allowed) from None

    estimate.__doc__ = (func.__doc__ or "").split("\n\n")[0]
    app.post(f"/api/{name}", summary=f"botec {name}", openapi_extra=OBJECT_BODY)(estimate)


# -- scenario files: sweep, compare, validate, examples, schema ------------------------------------


def _scenarios(app: FastAPI) -> None:
    @app.post("/api/sweep", summary="A scenario over a grid (botec sweep)")
    async def sweep(body: JsonBody) -> dict[str, Any]:
        def bounded(total: int) -> Any:
            if total > limits.MAX_SWEEP_POINTS:
                raise BotecInputError(
                    "vary", f"{total:,} points", f"at most {limits.MAX_SWEEP_POINTS:,} per request"
                )
            from contextlib import nullcontext

            return nullcontext(None)

        grid = await _run(
            commands.sweep,
            scenario=_scenario(body),
            vary=body.get("vary", []),
            points=body.get("points", commands.DEFAULT_POINTS),
            results=body.get("results"),
            overrides=body.get("set", []),
            catalog_files=_sampling(body)["catalog_files"],
            progress=bounded,
        )
        return grid.to_dict()

    @app.post("/api/compare", summary="Rank GPUs for a scenario (botec compare)")
    async def compare(body: JsonBody) -> list[Any]:
        from botec.report.compare_view import render_compare

        gpus = body.get("gpus", [])
        names = gpus.split(",") if isinstance(gpus, str) else gpus
        if not isinstance(names, list) or not 1 <= len(names) <= limits.MAX_COMPARE_GPUS:
            raise BotecInputError("gpus", gpus, f"1 to {limits.MAX_COMPARE_GPUS} GPU names")
        options = await _run(
            commands.compare,
            scenario=_scenario(body),
            gpus=names,
            budget=body.get("budget"),
            overrides=body.get("set", []),
            **_sampling(body),
        )
        return json.loads(render_compare(options, "json"))

    @app.get("/api/validate", summary="The backtest against published figures (botec validate)")
    async def validate(samples: int = 0, seed: int = 0, only: str | None = None) -> dict[str, Any]:
        from botec.validation.backtest import render_backtest

        if not 0 <= samples <= limits.MAX_VALIDATE_SAMPLES:
            raise BotecInputError("samples", samples, f"0 to {limits.MAX_VALIDATE_SAMPLES:,}")
        parts = await _run(commands.validate, samples=samples, seed=seed, only=only)
        return {k: json.loads(render_backtest(bt, "json")) for k, bt in parts.items()}

    _examples(app)


def _examples(app: FastAPI) -> None:
    @app.get("/api/examples", summary="The bundled scenarios")
    async def examples() -> list[dict[str, str]]:
        return [{"name": n, "title": t, "source": s} for n, t, s in commands.examples_list()]

    @app.get("/api/examples/{name}", summary="One bundled scenario, as data and as its file")
    async def example(name: str) -> dict[str, Any]:
        from botec.scenario import load_scenario_data

        path = commands.example_path(name)
        return {"name": name, "scenario": load_scenario_data(path), "toml": path.read_text()}

    @app.get("/api/schema", summary="The scenario's JSON Schema (every section and field)")
    async def schema() -> dict[str, Any]:
        from botec.scenario import Scenario

        return Scenario.model_json_schema()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home() -> str:
        return (
            "<!doctype html><html lang='en'><meta charset='utf-8'><title>botec</title>"
            "<h1>botec</h1><p>The JSON API: <a href='/docs'>/docs</a>.</p></html>"
        )


def _scenario(body: dict[str, Any]) -> dict[str, Any]:
    scenario = body.get("scenario")
    if not isinstance(scenario, dict):
        raise BotecInputError("scenario", scenario, "a scenario as a JSON object of sections")
    overrides = body.get("set", [])
    if isinstance(overrides, list):  # --set may name a model too
        for item in overrides:
            if isinstance(item, str) and item.partition("=")[0].endswith(MODEL_FIELDS):
                _no_files("set", item.partition("=")[2].strip())
    return _checked_scenario(scenario)


# -- catalog look-ups ------------------------------------------------------------------------------


def _catalog(app: FastAPI) -> None:
    from botec.report import catalog_view as view

    @app.get("/api/hardware", summary="Every accelerator, priced on a basis")
    async def hardware(price_basis: str | None = None) -> dict[str, Any]:
        items = commands.hardware_list()
        prices = commands.gpu_prices([h.key for h in items], price_basis=price_basis)
        return json.loads(view.render_hardware_list(items, "json", prices))

    @app.get("/api/hardware/{name}", summary="One accelerator with its sources and prices")
    async def device(name: str) -> dict[str, Any]:
        hw = commands.hardware_show(name)
        bases = [b.key for b in commands.price_bases()]
        prices = {b: commands.gpu_prices([hw.key], price_basis=b)[hw.key] for b in bases}
        return json.loads(view.render_hardware(hw, "json", prices))

    @app.get("/api/models", summary="Every model architecture")
    async def models() -> dict[str, Any]:
        return json.loads(view.render_models_list(commands.models_list(), "json"))

    @app.get("/api/models/{name}", summary="One model's shape with its source")
    async def model(name: str) -> dict[str, Any]:
        if name.startswith("hf:") or "/" in name or name.endswith(".json"):
            raise BotecInputError("name", name, "a catalog model name (no files or downloads here)")
        return json.loads(view.render_model(commands.models_show(name), "json"))

    @app.get("/api/prices", summary="The price bases, with their dates and sources")
    async def prices() -> dict[str, Any]:
        return json.loads(view.render_bases(commands.price_bases(), "json"))

    @app.get("/api/precisions", summary="Number formats: bytes per parameter, compute type")
    async def precisions() -> list[dict[str, Any]]:
        from botec.catalog import get_precision, precision_names

        out = []
        for key in precision_names():
            p = get_precision(key)
            out.append({"key": key, "name": p.name, "bytes_per_param": p.bytes_per_param,
                        "source": p.source})  # fmt: skip
        return out

    @app.get("/api/engines", summary="Serving engines with their factors and sources")
    async def engines() -> list[dict[str, Any]]:
        from botec.catalog import engine_names, load_catalog

        catalog = load_catalog()
        out = []
        for key in engine_names():
            e = catalog.engine(key)
            out.append({"key": key, "name": e.name, "source": e.source,
                        "max_concurrency": e.max_concurrency})  # fmt: skip
        return out
