"""The catalog: hardware, precisions, network links and prices, as data files with sources.

Each entry in the TOML files beside this module carries ``source`` and ``as_of``. Adding a GPU or a
price means adding an entry, not code. Users extend or override entries with their own TOML file
(same layout, see ``docs`` in the README) passed as ``--catalog FILE`` or named in the
``BOTEC_CATALOG`` environment variable; nothing in the package needs editing.

>>> get_hardware("A100 80GB").memory_bytes
80000000000.0
>>> get_precision("fp16").bytes_per_param
2.0
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError

_HERE = Path(__file__).parent
_FILES = ("hardware", "precisions", "networks", "prices", "assumptions", "engines")


@dataclass(frozen=True)
class Hardware:
    """One accelerator or CPU, with dense (no 2:4 sparsity) peak throughput per precision."""

    key: str
    name: str
    kind: str  # "gpu", "tpu" or "cpu"
    memory_bytes: float
    memory_bandwidth_bytes_per_s: float
    peak_flop_per_s: dict[str, float]
    tdp_w: float
    interconnect: str
    source: str
    as_of: str
    notes: str = ""
    aliases: tuple[str, ...] = ()
    # Best achievable BF16 matmul as a share of the dense peak (MAMF), where it is published.
    matmul_share: float | None = None
    matmul_share_source: str = ""

    def peak_for(self, compute_dtype: str, field_name: str = "precision") -> float:
        """Dense peak FLOP/s for a compute type, or a clear error when the device lacks it."""
        if compute_dtype in self.peak_flop_per_s:
            return self.peak_flop_per_s[compute_dtype]
        raise BotecInputError(
            field_name,
            compute_dtype,
            f"a precision {self.name} computes in: {', '.join(sorted(self.peak_flop_per_s))}",
        )

    @property
    def ridge_point_flop_per_byte(self) -> float:
        """FLOP per byte at which the FP16 roofline turns from memory- to compute-bound."""
        peak = self.peak_flop_per_s.get("fp16") or self.peak_flop_per_s.get("fp32", 0.0)
        return peak / self.memory_bandwidth_bytes_per_s


@dataclass(frozen=True)
class Precision:
    """How many bytes a weight takes, and which peak throughput its matmuls run at."""

    key: str
    name: str
    bytes_per_param: float
    compute_dtype: str
    source: str
    notes: str = ""
    aliases: tuple[str, ...] = ()
    # The share of its own peak this precision's matmuls reach, relative to FP16/BF16's.
    matmul_efficiency_ratio: float = 1.0
    matmul_efficiency_source: str = ""


@dataclass(frozen=True)
class Link:
    """A network or interconnect link; bandwidth per direction."""

    key: str
    name: str
    bandwidth_bytes_per_s: float
    latency_s: float
    source: str
    as_of: str
    notes: str = ""
    aliases: tuple[str, ...] = ()
    # A tensor-parallel all-reduce of 1-64 MB as NCCL runs it: a fixed cost per call and the bus
    # bandwidth reached; measured where the catalog says so, else the defaults below.
    allreduce_latency_s: float = 30e-6
    allreduce_bandwidth_bytes_per_s: float = 0.0
    allreduce_source: str = (
        "not measured for this link: NCCL's ~30 us small-message floor on NVSwitch systems and "
        "0.6 of the link rate (what 8 x A100 reaches at 64 MiB)"
    )

    @property
    def allreduce_bandwidth(self) -> float:
        return self.allreduce_bandwidth_bytes_per_s or 0.6 * self.bandwidth_bytes_per_s


@dataclass(frozen=True)
class Price:
    """One price with its unit in the field name."""

    key: str
    name: str
    category: str  # gpu, cpu, object_storage, egress, memory_store
    values: dict[str, float] = field(default_factory=dict)
    source: str = ""
    as_of: str = ""
    notes: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def spot_fraction(self) -> float | None:
        """Spot over on-demand price, where the catalog has both (a GPU's spot discount)."""
        spot, on_demand = (
            self.values.get("spot_usd_per_hour"),
            self.values.get("on_demand_usd_per_hour"),
        )
        return spot / on_demand if spot and on_demand else None

    def get(self, what: str) -> float:
        if what not in self.values:
            raise BotecInputError(
                f"price {self.key}", what, f"one of {', '.join(sorted(self.values))}"
            )
        return self.values[what]


def normalise(name: str) -> str:
    """Lower-case, spaces and underscores as hyphens: 'A100 80GB' -> 'a100-80gb'."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def _user_files() -> tuple[Path, ...]:
    extra = os.environ.get("BOTEC_CATALOG", "")
    return tuple(Path(p) for p in extra.split(os.pathsep) if p)


_extra_files: list[Path] = []


def add_catalog_file(path: str | Path) -> None:
    """Merge a user's catalog file (same layout as the bundled ones) over the bundled entries."""
    file = Path(path)
    if not file.is_file():
        raise BotecInputError("catalog", str(path), "an existing TOML catalog file")
    _read_user_file(file)  # validate now, so a bad file is reported where it was named
    _extra_files.append(file)
    _load.cache_clear()


def _read_user_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BotecInputError("catalog", str(path), f"a readable TOML file ({exc})") from None
    unknown = set(data) - set(_FILES)
    if unknown:
        raise BotecInputError(
            "catalog", f"{path}: [{sorted(unknown)[0]}]", f"tables named {', '.join(_FILES)}"
        )
    return data


@cache
def _load(kind: str) -> dict[str, Any]:
    with (_HERE / f"{kind}.toml").open("rb") as handle:
        merged: dict[str, Any] = _normalised_keys(kind, tomllib.load(handle))
    for path in (*_user_files(), *_extra_files):
        user = _normalised_keys(kind, _read_user_file(path).get(kind, {}))
        for key, entry in user.items():
            if kind == "prices":
                category = merged.setdefault(key, {})
                for name, price in entry.items():
                    category[name] = {**category.get(name, {}), **price}
            else:
                merged[key] = {**merged.get(key, {}), **entry}
    return merged


def _normalised_keys(kind: str, table: dict[str, Any]) -> dict[str, Any]:
    """Entry names as users type them are looked up normalised ('Q4_0' -> 'q4-0')."""
    if kind == "prices":
        return {c: {normalise(k): v for k, v in items.items()} for c, items in table.items()}
    return {normalise(k): v for k, v in table.items()}


def _lookup(kind: str, name: str, table: dict[str, Any], field_name: str) -> tuple[str, Any]:
    wanted = normalise(name)
    if wanted in table:
        return wanted, table[wanted]
    for key, entry in table.items():
        if wanted in (normalise(a) for a in entry.get("aliases", ())):
            return key, entry
    import difflib  # only on a miss, to keep start-up fast

    names = sorted(table)
    aliases = [normalise(a) for e in table.values() for a in e.get("aliases", ())]
    close = difflib.get_close_matches(wanted, names + aliases, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise BotecInputError(field_name, name, f"a {kind} in the catalog: {', '.join(names)}{hint}")


def _field(entry: dict[str, Any], key: str, name: str, kind: str) -> Any:
    try:
        return entry[name]
    except KeyError:
        raise BotecInputError(f"catalog {kind}.{key}", "missing", f"a value for {name}") from None


def hardware_names() -> list[str]:
    return sorted(_load("hardware"))


def get_hardware(name: str, field_name: str = "gpu") -> Hardware:
    """A device by catalog key or alias; unknown names get a 'did you mean'."""
    key, e = _lookup("device", name, _load("hardware"), field_name)
    return Hardware(
        key=key,
        name=_field(e, key, "name", "hardware"),
        kind=e.get("kind", "gpu"),
        memory_bytes=float(_field(e, key, "memory_bytes", "hardware")),
        memory_bandwidth_bytes_per_s=float(
            _field(e, key, "memory_bandwidth_bytes_per_s", "hardware")
        ),
        peak_flop_per_s={
            k: float(v) for k, v in _field(e, key, "peak_flop_per_s", "hardware").items()
        },
        tdp_w=float(e.get("tdp_w", 0.0)),
        interconnect=e.get("interconnect", ""),
        source=_field(e, key, "source", "hardware"),
        as_of=str(_field(e, key, "as_of", "hardware")),
        notes=e.get("notes", ""),
        aliases=tuple(e.get("aliases", ())),
        matmul_share=float(e["matmul_share"]) if "matmul_share" in e else None,
        matmul_share_source=e.get("matmul_share_source", ""),
    )


def precision_names() -> list[str]:
    return sorted(_load("precisions"))


def get_precision(name: str, field_name: str = "precision") -> Precision:
    key, e = _lookup("precision", name, _load("precisions"), field_name)
    return Precision(
        key=key,
        name=e.get("name", key),
        bytes_per_param=float(_field(e, key, "bytes_per_param", "precisions")),
        compute_dtype=e.get("compute_dtype", key),
        source=_field(e, key, "source", "precisions"),
        notes=e.get("notes", ""),
        aliases=tuple(e.get("aliases", ())),
        matmul_efficiency_ratio=float(e.get("matmul_efficiency_ratio", 1.0)),
        matmul_efficiency_source=e.get("matmul_efficiency_source", ""),
    )


def link_names() -> list[str]:
    return sorted(_load("networks"))


def get_link(name: str, field_name: str = "link") -> Link:
    key, e = _lookup("network link", name, _load("networks"), field_name)
    return Link(
        key=key,
        name=e.get("name", key),
        bandwidth_bytes_per_s=float(_field(e, key, "bandwidth_bytes_per_s", "networks")),
        latency_s=float(e.get("latency_s", 0.0)),
        source=_field(e, key, "source", "networks"),
        as_of=str(_field(e, key, "as_of", "networks")),
        notes=e.get("notes", ""),
        aliases=tuple(e.get("aliases", ())),
        **{
            k: (float(e[k]) if k != "allreduce_source" else e[k])
            for k in ("allreduce_latency_s", "allreduce_bandwidth_bytes_per_s", "allreduce_source")
            if k in e
        },
    )


@dataclass(frozen=True)
class Assumption:
    """A default that really varies: its nominal value and 90% interval, with the evidence."""

    key: str
    title: str
    unit: str
    low: float
    high: float
    source: str
    as_of: str
    nominal: float | None = None
    dist: str = "lognormal"

    def as_range(self, nominal: float | None = None) -> Any:
        """The default as an :class:`~botec.core.uncertain.Uncertain` (nominal may be changed)."""
        from botec.core.uncertain import make_range

        centre = nominal if nominal is not None else self.nominal
        return make_range(self.low, self.high, self.dist, centre, self.key, self.source)


def assumption_names() -> list[str]:
    return sorted(_load("assumptions"))


def get_assumption(name: str) -> Assumption:
    """A default range by name, e.g. ``get_assumption("peak_factor").as_range()``."""
    key, e = _lookup("assumption", name, _load("assumptions"), name)
    return Assumption(
        key=key.replace("-", "_"),
        title=e.get("title", key),
        unit=e.get("unit", ""),
        low=float(_field(e, key, "low", "assumptions")),
        high=float(_field(e, key, "high", "assumptions")),
        source=_field(e, key, "source", "assumptions"),
        as_of=str(_field(e, key, "as_of", "assumptions")),
        nominal=float(e["nominal"]) if "nominal" in e else None,
        dist=e.get("dist", "lognormal"),
    )


@dataclass(frozen=True)
class Engine:
    """A serving engine's efficiency factors, each a default range (see engines.toml)."""

    key: str
    name: str
    factors: dict[str, Assumption]
    source: str
    as_of: str
    # False for decode kernels that give every query head its own pass over the KV cache (one
    # thread block per batch × head), so a GQA/MQA cache is read heads ÷ kv_heads times.
    kv_shared_across_query_heads: bool = True
    kv_sharing_source: str = ""


ENGINE_FACTORS = (
    "compute_efficiency",
    "memory_efficiency",
    "step_overhead_s",
    "request_overhead_s",
)


def engine_names() -> list[str]:
    return sorted(_load("engines"))


def get_engine(name: str, field_name: str = "engine") -> Engine:
    """A serving engine by name, e.g. ``get_engine("vllm").factors["memory_efficiency"]``."""
    key, e = _lookup("engine", name, _load("engines"), field_name)
    source = _field(e, key, "source", "engines")
    as_of = str(_field(e, key, "as_of", "engines"))
    factors = {}
    for factor in ENGINE_FACTORS:
        spec = _field(e, key, factor, "engines")
        factors[factor] = Assumption(
            key=factor,
            title=factor,
            unit="s" if factor.endswith("_s") else "fraction",
            low=float(spec["low"]),
            high=float(spec["high"]),
            source=f"{e.get('name', key)}: {source}",
            as_of=as_of,
            nominal=float(spec["nominal"]),
        )
    return Engine(
        key,
        e.get("name", key),
        factors,
        source,
        as_of,
        bool(e.get("kv_shared_across_query_heads", True)),
        e.get("kv_sharing_source", ""),
    )


def gpu_price(key: str) -> Price | None:
    """The catalog's price entry for a GPU, or None when the catalog has none (a planner then
    asks for one rather than failing)."""
    try:
        return get_price("gpu", key)
    except BotecInputError:
        return None


def gpu_on_demand(key: str) -> tuple[float, str] | None:
    """(on-demand USD per GPU-hour, source) from the catalog, or None when it is not priced."""
    p = gpu_price(key)
    if p is None or "on_demand_usd_per_hour" not in p.values:
        return None
    return p.values["on_demand_usd_per_hour"], f"catalog: {p.name}, {p.source}, {p.as_of}"


def price_names(category: str) -> list[str]:
    return sorted(_load("prices").get(category, {}))


def get_price(category: str, name: str, field_name: str = "price") -> Price:
    """A price entry, e.g. ``get_price("gpu", "a100-80gb").get("on_demand_usd_per_hour")``."""
    table = _load("prices").get(category)
    if table is None:
        raise BotecInputError(field_name, category, "a price category in the catalog")
    key, e = _lookup(f"{category} price", name, table, field_name)
    meta = {"name", "source", "as_of", "notes", "aliases"}
    return Price(
        key=key,
        name=e.get("name", key),
        category=category,
        values={k: float(v) for k, v in e.items() if k not in meta},
        source=_field(e, key, "source", "prices"),
        as_of=str(_field(e, key, "as_of", "prices")),
        notes=e.get("notes", ""),
        aliases=tuple(e.get("aliases", ())),
    )


__all__ = [
    "Assumption",
    "Engine",
    "Hardware",
    "Link",
    "Precision",
    "Price",
    "add_catalog_file",
    "assumption_names",
    "engine_names",
    "get_assumption",
    "get_engine",
    "get_hardware",
    "get_link",
    "get_precision",
    "get_price",
    "hardware_names",
    "link_names",
    "normalise",
    "precision_names",
    "price_names",
]
