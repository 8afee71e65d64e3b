"""A GPU's price per GPU-hour on a *price basis*: a named cloud's on-demand list price, its spot
price, or the market rental median, each dated and cited (``prices.toml`` [basis.*], the prices
themselves in ``gpu_prices.toml``, built by ``botec prices build``).

The default basis is the market rental median: what a team renting GPUs pays on the neoclouds,
and the only basis that prices consumer and AMD cards. A user's own ``on_demand_usd_per_hour``
(or ``spot_usd_per_hour``) for a GPU in a catalog file wins on every on-demand (or spot) basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botec.catalog.price_fields import ON_DEMAND_FIELD, SPOT_FIELD, field_name

Catalog = Any  # botec.catalog.loader.Catalog (not imported: the loader imports this module)
Price = Any  # botec.catalog.entries.Price

DEFAULT_BASIS = "market"
DEFAULT_SPOT_BASIS = "aws-spot"  # where the chosen basis has no spot prices of its own


@dataclass(frozen=True)
class GpuRate:
    """A GPU's price per GPU-hour on one basis, and where it came from."""

    usd_per_hour: float
    basis: str  # the basis key ('market', 'aws-spot'), or 'your catalog'
    label: str  # 'market rental median (...), 2026-08'
    source: str


def basis_names(catalog: Catalog) -> list[str]:
    return catalog.price_names("basis")


def basis(catalog: Catalog, name: str | None, field: str = "price_basis") -> Price:
    """A price basis by name (default: the market median); unknown names get a 'did you mean'."""
    return catalog.price("basis", name or DEFAULT_BASIS, field)


def gpu_rate(
    catalog: Catalog, gpu_key: str, basis_name: str | None = None, field: str = "price_basis"
) -> GpuRate | None:
    """The GPU's price on the basis, or None when that basis does not price it."""
    b = basis(catalog, basis_name, field)
    entry = catalog.gpu_price(gpu_key)
    if entry is None:
        return None
    own = SPOT_FIELD if b.kind == "spot" else ON_DEMAND_FIELD
    if own in entry.values:  # a user's catalog file states it
        return GpuRate(
            entry.values[own], "your catalog", "rate stated in your catalog file", entry.source
        )
    rate = entry.values.get(field_name(b.key))
    if rate is None:
        return None
    label = f"{b.name}, {b.as_of}"
    where = entry.sources.get(b.key, "")
    if where.startswith("stated in "):  # a user's file replaced the basis's price
        return GpuRate(rate, b.key, f"{b.name}, replaced by your catalog's price", where)
    return GpuRate(rate, b.key, label, f"{b.source}; {where}" if where else b.source)


def spot_rate(catalog: Catalog, gpu_key: str, basis_name: str | None = None) -> GpuRate | None:
    """The GPU's spot price: on the chosen basis's own spot basis, else on the default spot
    basis; None when neither prices it."""
    b = basis(catalog, basis_name)
    if b.kind == "spot":
        return gpu_rate(catalog, gpu_key, b.key)
    return gpu_rate(catalog, gpu_key, b.spot_basis or DEFAULT_SPOT_BASIS)


def unpriced_reason(catalog: Catalog, gpu_key: str, basis_name: str | None = None) -> str:
    """Why the basis has no price for the GPU, and which bases do."""
    b = basis(catalog, basis_name)
    entry = catalog.gpu_price(gpu_key)
    why = entry.unpriced if entry is not None and entry.unpriced else (
        f"the {b.name} does not list it"
    )  # fmt: skip
    others = [n for n in basis_names(catalog) if n != b.key and gpu_rate(catalog, gpu_key, n)]
    hint = f"; priced on {', '.join(others)} (--price-basis)" if others else ""
    return f"{why}{hint}"
