"""GPU prices per GPU-hour from cloud price lists in SkyPilot's catalog format (``vms.csv``).

skypilot-org/skypilot-catalog publishes, per cloud, one row per instance type and region (and
zone): the accelerator, how many, the on-demand ``Price`` and the ``SpotPrice``, in USD per
instance-hour. A *price basis* is one way of reading them:

- ``on-demand``: one provider's cheapest on-demand price per GPU (instance price ÷ GPUs) in the
  regions named;
- ``spot``: the same provider's cheapest spot price per GPU (the cheapest zone, as SkyPilot picks);
- ``market``: the median, across providers, of each provider's cheapest on-demand price per GPU.

A *recipe* (TOML) names each basis, its kind, its files and the date they were read; ``build``
turns it into the catalog tables botec prices with (``[prices.basis.*]``, ``[prices.gpu.*]``), each
price with the rows it came from. ``botec prices build`` writes them; the bundled
``catalog/gpu_prices.toml`` is that command's output for ``data/prices/skypilot-v8.toml``.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botec.catalog.price_fields import field_name
from botec.catalog.price_recipe import BASIS_KEYS, RecipeBasis, load_recipe
from botec.core.errors import BotecInputError
from botec.core.safe_io import read_text

# SkyPilot's accelerator names -> botec's hardware keys. "H100" is the SXM part unless the
# instance or its GPU description says PCIe (Lambda's gpu_1x_h100_pcie, RunPod's 'H100 PCIe').
ACCELERATORS = {
    "a100": "a100-40gb",
    "a100-80gb": "a100-80gb",
    "h100": "h100-sxm",
    "h100-sxm": "h100-sxm",
    "h200": "h200",
    "h200-sxm": "h200",
    "b200": "b200",
    "l4": "l4",
    "l40s": "l40s",
    "a10g": "a10g",
    "t4": "t4",
    "v100": "v100",
    "v100-32gb": "v100",
    "a6000": "rtx-a6000",
    "rtxa6000": "rtx-a6000",
    "rtx4090": "rtx-4090",
    "rtx3090": "rtx-3090",
    "mi300x": "mi300x",
}
# The recipe of the bundled prices (catalog/gpu_prices.toml is `botec prices build` of it).
BUNDLED_RECIPE = Path(__file__).parent.parent / "data" / "prices" / "skypilot-v8.toml"


@dataclass(frozen=True)
class Offer:
    """One instance type's price per GPU-hour at one provider."""

    gpu: str
    provider: str
    instance: str
    region: str
    usd_per_gpu_hour: float
    spot_usd_per_gpu_hour: float | None

    def describe(self, spot: bool = False) -> str:
        rate = self.spot_usd_per_gpu_hour if spot else self.usd_per_gpu_hour
        return f"{self.provider} {self.instance} {self.region}: ${rate:.4g}/GPU-h"


def _gpu_key(row: dict[str, str]) -> str | None:
    name = (row.get("AcceleratorName") or "").strip().lower()
    key = ACCELERATORS.get(name)
    if key == "h100-sxm" and name == "h100":
        text = f"{row.get('InstanceType', '')} {row.get('GpuInfo', '')}".lower()
        if "pcie" in text:
            return "h100-pcie"
    return key


def _number(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if 0 < value < math.inf else None  # a blank, zero or infinite price: none


def read_offers(
    path: Path, provider: str, regions: tuple[str, ...] = (), field: str = "prices file"
) -> list[Offer]:
    """Every priced row of a ``vms.csv`` whose accelerator botec knows, in ``regions`` (all when
    empty), as a price per GPU-hour; ``field`` is what an error names (the recipe's key)."""
    text = read_text(path, field, max_bytes=200_000_000)  # a regular file, bounded
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise BotecInputError(field, str(path), f"a readable vms.csv ({exc})") from None
    if rows and not {"InstanceType", "AcceleratorName", "AcceleratorCount", "Price"} <= set(
        rows[0]
    ):
        raise BotecInputError(
            field, str(path), "SkyPilot's vms.csv columns (InstanceType, "
            "AcceleratorName, AcceleratorCount, Price, ...)"
        )  # fmt: skip
    offers = []
    for row in rows:
        gpu, count = _gpu_key(row), _number(row.get("AcceleratorCount"))
        price, region = _number(row.get("Price")), row.get("Region") or ""
        if gpu is None or count is None or price is None:
            continue
        if regions and region not in regions:
            continue
        spot = _number(row.get("SpotPrice"))
        offers.append(
            Offer(
                gpu,
                provider,
                row["InstanceType"],
                region,
                price / count,
                spot / count if spot is not None else None,
            )
        )
    return offers


def cheapest(offers: list[Offer], spot: bool = False) -> dict[str, Offer]:
    """Per GPU, the offer with the lowest on-demand (or spot) price per GPU-hour."""
    best: dict[str, Offer] = {}
    for o in offers:
        rate = o.spot_usd_per_gpu_hour if spot else o.usd_per_gpu_hour
        if rate is None:
            continue
        held = best.get(o.gpu)
        held_rate = (
            None
            if held is None
            else (held.spot_usd_per_gpu_hour if spot else held.usd_per_gpu_hour)
        )
        if held_rate is None or rate < held_rate:
            best[o.gpu] = o
    return best


def basis_prices(kind: str, providers: dict[str, list[Offer]]) -> dict[str, tuple[float, str]]:
    """(USD per GPU-hour, where it came from) per GPU on a basis of ``kind``."""
    if kind == "market":
        per_gpu: dict[str, list[Offer]] = {}
        for offers in providers.values():
            for gpu, offer in cheapest(offers).items():
                per_gpu.setdefault(gpu, []).append(offer)
        return {
            gpu: (
                statistics.median(o.usd_per_gpu_hour for o in found),
                f"median of {len(found)} provider(s): " + "; ".join(o.describe() for o in found),
            )
            for gpu, found in sorted(per_gpu.items())
        }
    (offers,) = providers.values()
    spot = kind == "spot"
    out = {}
    for gpu, o in sorted(cheapest(offers, spot).items()):
        rate = o.spot_usd_per_gpu_hour if spot else o.usd_per_gpu_hour
        assert rate is not None
        out[gpu] = (rate, ("cheapest zone's spot; " if spot else "") + o.describe(spot))
    return out


def build(recipe_path: Path, as_of: str | None = None) -> dict[str, Any]:
    """The catalog tables (``{"prices": {"basis": ..., "gpu": ...}}``) a recipe describes; paths
    in it are relative to the recipe; ``as_of`` overrides every basis's date. A basis that
    prices no GPU is refused: its files, or its regions, are not what the recipe meant."""
    recipe = load_recipe(recipe_path)
    bases: dict[str, Any] = {}
    gpus: dict[str, dict[str, Any]] = {}
    for key, spec in recipe.basis.items():
        field = f"recipe basis.{key}"
        date = as_of or spec.as_of
        if date is None:
            raise BotecInputError(
                f"{field}.as_of", "nothing", f"{BASIS_KEYS['as_of']}; it is required"
            )
        providers = {
            name: read_offers(
                recipe_path.parent / file, name, spec.regions, field=f"{field}.files.{name}"
            )
            for name, file in spec.files.items()
        }
        prices = basis_prices(spec.kind, providers)
        if not prices:
            _no_prices(field, spec, recipe_path)
        bases[key] = {
            "name": spec.name,
            "kind": spec.kind,
            "source": spec.source,
            "as_of": date,
            **({"spot_basis": spec.spot_basis} if spec.spot_basis is not None else {}),
        }
        for gpu, (rate, where) in prices.items():
            entry = gpus.setdefault(
                gpu, {"source": "per basis, in sources", "as_of": "", "sources": {}}
            )
            entry[field_name(key)] = round(rate, 4)
            entry["sources"][key] = where
            entry["as_of"] = max(entry["as_of"], bases[key]["as_of"])
    tables = {"prices": {"basis": bases, "gpu": gpus}}
    _check_catalog(tables)
    return tables


def _no_prices(field: str, spec: RecipeBasis, recipe_path: Path) -> None:
    """Refuse a basis that prices nothing, naming the regions when they are why."""
    if spec.regions:
        anywhere = {
            name: read_offers(recipe_path.parent / file, name) for name, file in spec.files.items()
        }
        if basis_prices(spec.kind, anywhere):
            raise BotecInputError(
                f"{field}.regions", list(spec.regions),
                "regions where the files price at least one GPU (leave it out for every region)",
            )  # fmt: skip
    what = "spot" if spec.kind == "spot" else "on-demand"
    raise BotecInputError(
        f"{field}.files", dict(spec.files),
        f"price lists with at least one {what} price for a GPU botec knows "
        f"({', '.join(sorted(set(ACCELERATORS.values())))})",
    )  # fmt: skip


def _check_catalog(tables: dict[str, Any]) -> None:
    """Every entry built is one the catalog loader accepts (a guard: the recipe checks above
    should leave nothing for it to find)."""
    from botec.catalog.entries import price_entry
    from botec.catalog.loader import _validated

    for category, entries in tables["prices"].items():
        for key, raw in entries.items():
            _validated(
                f"prices.{category}",
                key,
                lambda c=category, k=key, r=raw: price_entry(c, k, r, True),
            )


def to_toml(tables: dict[str, Any], header: str = "") -> str:
    """The tables as TOML (strings, numbers and one level of inline tables are all they hold)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for category, entries in tables["prices"].items():
        for key, entry in entries.items():
            lines += ["", f"[prices.{category}.{key}]"]
            for name, value in entry.items():
                if isinstance(value, dict):
                    continue
                lines.append(f"{name} = {_toml_value(value)}")
            for name, value in entry.items():
                if isinstance(value, dict):
                    lines += ["", f"[prices.{category}.{key}.{name}]"]
                    lines += [f"{k} = {_toml_value(v)}" for k, v in value.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, str):  # a TOML basic string: a name with a newline stays one string
        return '"' + "".join(_TOML_ESCAPES.get(c, c) for c in value) + '"'
    return repr(value)


# Every character a TOML basic string may not hold as it is: the quote, the backslash and
# the control characters (tab excepted, escaped all the same for one line per value).
_TOML_ESCAPES = {
    **{chr(i): f"\\u{i:04x}" for i in [*range(0x20), 0x7F]},
    "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
    '"': '\\"', "\\": "\\\\",
}  # fmt: skip
