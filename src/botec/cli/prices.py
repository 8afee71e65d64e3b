"""`botec prices`: the price bases, and rebuilding GPU price data from cloud price lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from botec import commands
from botec.cli.common import FILE, OUTPUT
from botec.cli.output import emit
from botec.cli.table import Opt, Table

BASES = Table("Every price basis, with its date and source.", commands.price_bases, OUTPUT)
BUILD = Table(
    "Rebuild GPU prices from a recipe of cloud price lists (SkyPilot vms.csv files): writes a "
    "catalog file to pass with --catalog, or to bundle.",
    commands.prices_build,
    (
        Opt("RECIPE", param="recipe", type=click.Path(path_type=Path), argument=True),
        Opt("--as-of", "The date the price lists were downloaded, e.g. 2026-11-29."),
        Opt(("-o", "--output"), "Write the catalog file here.", type=FILE, default=None),
        Opt("--force", "Overwrite the -o file if it already exists.", is_flag=True, default=False),
    ),
)


def bases(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    **values: Any,
) -> None:
    """The price bases."""
    from botec.report.catalog_view import render_bases

    emit(render_bases(table.call(values, catalog_file), fmt), output, force)


def build(table: Table, output: Path | None, force: bool, **values: Any) -> None:
    """Build a price catalog file; -o is never one of the price lists the recipe reads (the
    recipe itself is checked with every command's inputs), --force or not."""
    if output is not None:
        from botec.catalog.price_recipe import recipe_files
        from botec.core.safe_io import check_output

        check_output(output, "-o/--output", force, recipe_files(values["recipe"]))
    emit(table.call(values), output, force)
