"""The name of a price basis's field in a GPU's price entry (shared by the price tables and the
price-list importer, which must spell it the same way)."""

from __future__ import annotations

from collections.abc import Iterable


def field_name(basis: str) -> str:
    """A basis's price field in a GPU entry: 'aws-on-demand' -> 'aws_on_demand_usd_per_hour'."""
    return basis.replace("-", "_") + "_usd_per_hour"


# A GPU price entry's own prices, read on every on-demand (spot) basis (catalog.gpu_prices).
OWN_FIELDS = ("on_demand_usd_per_hour", "spot_usd_per_hour")


def unknown_gpu_price_field(written: Iterable[str], bases: Iterable[str]) -> tuple[str, str] | None:
    """The first price field a user wrote in a GPU's price entry that nothing reads
    (``usd_per_hour``, ``on_demand`` or ``banana`` would be ignored silently, the GPU priced on
    the default basis), with the fields that are read; None when all are. ``written`` holds the
    entry's value fields (its meta fields, name, source and the like, removed)."""
    allowed = [*OWN_FIELDS, *(field_name(b) for b in bases)]
    for name in written:
        if name not in allowed:
            return name, ", ".join(allowed)
    return None
