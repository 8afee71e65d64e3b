"""`botec web`: serve the playground page and the JSON API with uvicorn."""

from __future__ import annotations

import click

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (the app is stateless: any number, or any load balancer).",
)
def web(host: str, port: int, workers: int) -> None:
    """Serve the playground page at / and the JSON API (docs at /docs)."""
    import uvicorn

    if host not in LOOPBACK:
        click.echo(
            f"warning: binding to {host}: the API is reachable from other machines; it has no "
            "authentication (put it behind a proxy that adds some).",
            err=True,
        )
    click.echo(f"botec web: http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run("botec.web:create_app", host=host, port=port, workers=workers, factory=True)
