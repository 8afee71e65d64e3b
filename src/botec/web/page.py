"""The playground page: its own files, the charting library from the installed plotly package
(no CDN: it works offline), and the downloads (scenario TOML, report Markdown/HTML/JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response

from botec import commands
from botec.core.errors import BotecInputError
from botec.web.requests import (
    OBJECT_BODY,
    known_keys,
    read_json,
    read_scenario,
    run_command,
    sampling,
)

STATIC = Path(__file__).parent / "static"
EXPORTS = {"toml": "application/toml", "markdown": "text/markdown", "html": "text/html",
           "json": "application/json"}  # fmt: skip


def page_endpoints(app: FastAPI) -> None:
    """The page at /, its own files, the charting library from the installed plotly package
    (served here: no CDN, it works offline), and downloads."""
    from fastapi.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def home() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    async def plotly() -> FileResponse:
        import plotly as package

        return FileResponse(
            Path(package.__file__).parent / "package_data" / "plotly.min.js",
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.post(
        "/api/export",
        summary="The scenario as TOML, or its report as Markdown/HTML/JSON",
        openapi_extra=OBJECT_BODY,
    )
    async def export(request: Request) -> Response:
        body = await read_json(request)
        known_keys(body, "scenario", "format", "samples", "seed", "catalog")
        fmt = body.get("format")
        if fmt not in EXPORTS:
            raise BotecInputError("format", fmt, f"one of {', '.join(EXPORTS)}")
        scenario = read_scenario(body)
        if fmt == "toml":
            import tomli_w

            from botec.scenario import scenario_from_dict

            scenario_from_dict(scenario)  # a valid scenario, or the 422 saying what is not
            text = tomli_w.dumps(_without_nulls(scenario))
        else:
            from botec.report import render

            sheet = await run_command(commands.report, scenario=scenario, **sampling(body))
            text = render(sheet, fmt)
        name = "scenario.toml" if fmt == "toml" else f"report.{ {'markdown': 'md'}.get(fmt, fmt) }"
        return Response(
            text,
            media_type=EXPORTS[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def _without_nulls(data: Any) -> Any:
    """A JSON null is a field left to its default: TOML has no null, so the field is left out."""
    if isinstance(data, dict):
        return {k: _without_nulls(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_nulls(v) for v in data if v is not None]
    return data
