"""Checks of a user's catalog entry against the rest of the catalog, which one entry's own
validation cannot see: the network a device names, the precisions its peaks are for, the price
bases a GPU's price fields name. Each refuses what a run would otherwise ignore silently or fail
on later, blaming a flag the user never typed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botec.catalog.entries import PRICE_META
from botec.catalog.price_fields import MAX_USD_PER_GPU_HOUR, read_fields
from botec.core.errors import BotecInputError

# Peaks that no precision names but that stages read: TF32 (FP32 matmuls on tensor cores, the
# image and video stages) and FP16 with FP16 accumulation (consumer cards, engines that use it).
_EXTRA_PEAKS = ("tf32", "fp16_acc16")


def check_hardware_names(key: str, raw: Mapping[str, Any], tables: Mapping[str, Any]) -> None:
    """A device's interconnect is a catalog link, and its peaks are for precisions the catalog
    computes in (an empty table, or only ``fp99``, would fail every run on the device)."""
    link = raw.get("interconnect", "")
    if link not in tables["networks"]:  # missing, a multi-GPU run has no link to price
        raise BotecInputError(
            f"catalog hardware.{key}.interconnect", link,
            "a link in the catalog's networks (pcie4 or pcie5 for a card without NVLink): "
            + ", ".join(sorted(tables["networks"])),
        )  # fmt: skip
    peaks = raw.get("peak_flop_per_s")
    if not isinstance(peaks, Mapping):
        return  # its own validation names the type
    dtypes = sorted(
        {str(p.get("compute_dtype", name)) for name, p in tables["precisions"].items()}
        | set(_EXTRA_PEAKS)
    )
    if not peaks:
        raise BotecInputError(
            f"catalog hardware.{key}.peak_flop_per_s", "{}",
            "at least one dense peak in FLOP/s, e.g. { bf16 = 989e12 }, for: " + ", ".join(dtypes),
        )  # fmt: skip
    for name in peaks:
        if name not in dtypes:
            raise BotecInputError(
                f"catalog hardware.{key}.peak_flop_per_s", name,
                "a compute type a catalog precision names: " + ", ".join(dtypes),
            )  # fmt: skip


def check_gpu_price_fields(key: str, written: Mapping[str, Any], bases: Iterable[str]) -> None:
    """A GPU price field no basis reads is refused, not ignored; a price is at most $10,000/h."""
    values = [name for name in written if name not in PRICE_META]
    allowed = read_fields(bases)
    for name in values:  # usd_per_hour, on_demand: kept, never read, the GPU priced elsewhere
        if name not in allowed:
            raise BotecInputError(
                f"catalog prices.gpu.{key}",
                name,
                f"a price field botec reads: {', '.join(allowed)}",
            )
    for name in values:
        price = written[name]
        number = isinstance(price, int | float) and not isinstance(price, bool)
        if number and price > MAX_USD_PER_GPU_HOUR:
            raise BotecInputError(
                f"catalog prices.gpu.{key}.{name}", price, "at most 10,000 USD per GPU-hour"
            )
