"""The name of a price basis's field in a GPU's price entry (shared by the price tables and the
price-list importer, which must spell it the same way)."""

from __future__ import annotations

from collections.abc import Iterable


def field_name(basis: str) -> str:
    """A basis's price field in a GPU entry: 'aws-on-demand' -> 'aws_on_demand_usd_per_hour'."""
    return basis.replace("-", "_") + "_usd_per_hour"


# A GPU price entry's own prices, read on every on-demand (spot) basis (catalog.gpu_prices).
ON_DEMAND_FIELD = "on_demand_usd_per_hour"
SPOT_FIELD = "spot_usd_per_hour"
# The most a GPU-hour may cost, wherever a price is typed: --price, a scenario's usd_per_gpu_hour,
# a catalog file's GPU price (a B200 rents for about $5/h; $10,000 is past any real rate).
MAX_USD_PER_GPU_HOUR = 1e4


def read_fields(bases: Iterable[str]) -> list[str]:
    """The price fields of a GPU entry that some basis reads."""
    return [ON_DEMAND_FIELD, SPOT_FIELD, *(field_name(b) for b in bases)]
