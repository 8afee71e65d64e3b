"""The name of a price basis's field in a GPU's price entry (shared by the price tables and the
price-list importer, which must spell it the same way)."""

from __future__ import annotations


def field_name(basis: str) -> str:
    """A basis's price field in a GPU entry: 'aws-on-demand' -> 'aws_on_demand_usd_per_hour'."""
    return basis.replace("-", "_") + "_usd_per_hour"
