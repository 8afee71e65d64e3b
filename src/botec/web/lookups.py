"""The API's catalog look-ups: accelerators (priced on a basis), models, precisions, engines and
the price bases, each as the CLI's `--format json` prints them."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

from botec import commands
from botec.web.safety import check_model


def catalog_endpoints(app: FastAPI) -> None:
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
        check_model("name", name, name, "serving.model")  # read as resolve_model reads a model
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
