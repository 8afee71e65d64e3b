"""GPU prices: the price bases, each GPU's price on one, and rebuilding the price data from cloud
price lists (SkyPilot's vms.csv files) with a date stamped on it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from botec.commands._common import CatalogFiles, ParameterError
from botec.core.errors import BotecInputError

if TYPE_CHECKING:
    from botec.catalog import Price
    from botec.catalog.gpu_prices import GpuRate


def price_bases(*, catalog_files: CatalogFiles = ()) -> list[Price]:
    """Every price basis (a cloud's on-demand or spot list, the market median), with its date.

    >>> "market" in [b.key for b in botec.commands.price_bases()]
    True
    """
    from botec.catalog import load_catalog

    catalog = load_catalog(catalog_files)
    return [catalog.price("basis", name) for name in catalog.price_names("basis")]


def gpu_prices(
    keys: list[str], *, price_basis: str | None = None, catalog_files: CatalogFiles = ()
) -> dict[str, GpuRate | str]:
    """Each GPU's price on the basis (default: the market median), or why it has none.

    >>> botec.commands.gpu_prices(["h100-sxm"], price_basis="aws-on-demand")["h100-sxm"].basis
    'aws-on-demand'
    """
    from botec.catalog import gpu_prices as gp
    from botec.catalog import load_catalog

    catalog = load_catalog(catalog_files)
    try:
        gp.basis(catalog, price_basis)
    except BotecInputError as exc:
        raise ParameterError("price_basis", exc.value, exc.allowed) from None
    return {
        k: gp.gpu_rate(catalog, k, price_basis) or gp.unpriced_reason(catalog, k, price_basis)
        for k in keys
    }


def prices_build(*, recipe: Path, as_of: str | None = None) -> str:
    """The GPU price tables a recipe describes, as a catalog file (TOML) to pass with --catalog
    or to bundle; ``as_of`` stamps every basis with the date the files were downloaded.

    >>> from botec.catalog.price_import import BUNDLED_RECIPE
    >>> text = botec.commands.prices_build(recipe=BUNDLED_RECIPE, as_of="2026-11-29")
    >>> 'as_of = "2026-11-29"' in text
    True
    """
    from botec.catalog.price_import import build, to_toml

    _check_date(as_of)
    tables = build(recipe, as_of)
    header = (
        f"GPU prices per GPU-hour, built by `botec prices build {recipe.name}`"
        + (f" --as-of {as_of}" if as_of else "")
        + ".\nDo not edit by hand: change the recipe or its files and rebuild."
    )
    return to_toml(tables, header)


def _check_date(as_of: str | None) -> None:
    """A real calendar date, YYYY-MM-DD or YYYY-MM (the date every basis is stamped with)."""
    import datetime

    if as_of is None:
        return
    for layout in ("%Y-%m-%d", "%Y-%m"):
        try:
            datetime.datetime.strptime(as_of, layout)
            return
        except ValueError:
            continue
    raise ParameterError("as_of", as_of, "a date such as 2026-11-29 or 2026-11")
