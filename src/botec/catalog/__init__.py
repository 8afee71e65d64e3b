"""The catalog: hardware, precisions, network links, prices, default ranges and serving engines,
as data files with sources.

Each entry in the TOML files beside this module carries ``source`` and ``as_of``. Adding a GPU or a
price means adding an entry, not code. A run loads one :class:`Catalog` value (the bundled files,
then any in ``$BOTEC_CATALOG``, then the user's ``--catalog FILE`` or a scenario's ``catalog =``)
and passes it down; nothing global changes. The module-level look-ups below read the default
catalog (bundled plus ``$BOTEC_CATALOG``), for code that runs outside a scenario.

>>> get_hardware("A100 80GB").memory_bytes
80000000000.0
>>> get_precision("fp16").bytes_per_param
2.0
"""

from __future__ import annotations

from botec.catalog.entries import (
    ENGINE_FACTORS,
    Assumption,
    Engine,
    Hardware,
    Link,
    Precision,
    Price,
)
from botec.catalog.loader import KINDS, Catalog, load_catalog, normalise


def get_hardware(name: str, field_name: str = "gpu") -> Hardware:
    """A device from the default catalog; unknown names get a 'did you mean'."""
    return load_catalog().hardware(name, field_name)


def get_precision(name: str, field_name: str = "precision") -> Precision:
    return load_catalog().precision(name, field_name)


def get_link(name: str, field_name: str = "link") -> Link:
    return load_catalog().link(name, field_name)


def get_assumption(name: str) -> Assumption:
    """A default range by name, e.g. ``get_assumption("peak_factor").as_range()``."""
    return load_catalog().assumption(name)


def get_engine(name: str, field_name: str = "engine") -> Engine:
    return load_catalog().engine(name, field_name)


def get_price(category: str, name: str, field_name: str = "price") -> Price:
    """A price entry, e.g. ``get_price("gpu", "a100-80gb").get("on_demand_usd_per_hour")``."""
    return load_catalog().price(category, name, field_name)


def gpu_price(key: str) -> Price | None:
    return load_catalog().gpu_price(key)


def gpu_on_demand(key: str) -> tuple[float, str] | None:
    return load_catalog().gpu_on_demand(key)


def hardware_names() -> list[str]:
    return load_catalog().names("hardware")


def precision_names() -> list[str]:
    return load_catalog().names("precisions")


def link_names() -> list[str]:
    return load_catalog().names("networks")


def assumption_names() -> list[str]:
    return load_catalog().names("assumptions")


def engine_names() -> list[str]:
    return load_catalog().names("engines")


def price_names(category: str) -> list[str]:
    return load_catalog().price_names(category)


__all__ = [
    "ENGINE_FACTORS",
    "KINDS",
    "Assumption",
    "Catalog",
    "Engine",
    "Hardware",
    "Link",
    "Precision",
    "Price",
    "assumption_names",
    "engine_names",
    "get_assumption",
    "get_engine",
    "get_hardware",
    "get_link",
    "get_precision",
    "get_price",
    "gpu_on_demand",
    "gpu_price",
    "hardware_names",
    "link_names",
    "load_catalog",
    "normalise",
    "precision_names",
    "price_names",
]
