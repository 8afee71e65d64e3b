"""What one catalog entry is: frozen dataclasses whose fields pydantic validates, so a bad entry
is refused with its field named.

Every number must be finite and positive where a zero or a negative would make nonsense of a
formula downstream (memory, bandwidth, peak, price); text fields are text. Entries are frozen: a
looked-up entry is a value that no run can change. A user's file is validated in full as it loads
(``validated``); the bundled files are checked the same way by the test suite, and at run time
their entries are built directly (``built``), which keeps a cold start as fast as it was before
validation existed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal, TypeVar

from annotated_types import Ge, Gt, Le  # constraints pydantic reads; no pydantic import here

from botec.catalog.domains import check_domain
from botec.core.errors import BotecInputError

Positive = Annotated[float, Gt(0)]
NonNegative = Annotated[float, Ge(0)]
Share = Annotated[float, Gt(0), Le(1)]  # a fraction of a peak: above 0, at most 1
Finite = float  # every float is finite: allow_inf_nan is off below
# A device's figures within a thousand times of anything sold (a 2026 GPU: ~10^11 B, ~10^13 B/s,
# ~10^16 FLOP/s; a small CPU or edge chip ~10^9 B, 10^10 B/s, 10^11 FLOP/s): past these a value is
# a typo in units (GB for B), and downstream divisions overflow.
DeviceBytes = Annotated[float, Ge(1e6), Le(1e15)]
DeviceBandwidth = Annotated[float, Ge(1e6), Le(1e16)]
DevicePeak = Annotated[float, Ge(1e6), Le(1e20)]


# An unknown field is an error, named; so is an infinite or NaN number anywhere in an entry.
_FORBID = {"extra": "forbid", "allow_inf_nan": False}


@dataclass(frozen=True, kw_only=True)
class _Entry:
    __pydantic_config__ = _FORBID

    key: str
    name: str = ""
    source: str
    notes: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Hardware(_Entry):
    """One accelerator or CPU, with dense (no 2:4 sparsity) peak throughput per precision."""

    name: str
    kind: Literal["gpu", "tpu", "cpu"] = "gpu"
    memory_bytes: DeviceBytes
    memory_bandwidth_bytes_per_s: DeviceBandwidth
    peak_flop_per_s: dict[str, DevicePeak]
    tdp_w: NonNegative = 0.0
    interconnect: str = ""
    as_of: str
    # Best achievable BF16 matmul as a share of the dense peak (MAMF), where it is published.
    matmul_share: Share | None = None
    matmul_share_source: str = ""
    # The memory the driver gives CUDA (cudaMemGetInfo's total): what software can allocate and
    # engines size their KV cache from; memory_bytes is the capacity as sold.
    device_memory_bytes: DeviceBytes | None = None
    device_memory_source: str = ""

    @property
    def usable_bytes(self) -> float:
        """The device's true byte count where published, else its capacity as sold."""
        return self.device_memory_bytes or self.memory_bytes

    @property
    def usable_bytes_source(self) -> str:
        return self.device_memory_source or self.source

    def peak_for(self, compute_dtype: str, field_name: str = "precision") -> float:
        """Dense peak FLOP/s for a compute type, or a clear error when the device lacks it."""
        if compute_dtype in self.peak_flop_per_s:
            return self.peak_flop_per_s[compute_dtype]
        # Both inputs are named: the precision may be a default the user never typed, and the
        # device is as much the cause (`train --gpu cpu` with the default bf16).
        section = field_name.rpartition(".")[0]
        raise BotecInputError(
            f"{field_name}/{section + '.' if section else ''}gpu",
            f"{compute_dtype} on {self.key}",
            f"a precision {self.name} computes in ({', '.join(sorted(self.peak_flop_per_s))}), "
            f"or a device with {compute_dtype}",
        )

    @property
    def ridge_point_flop_per_byte(self) -> float:
        """FLOP per byte at which the FP16 roofline turns from memory- to compute-bound."""
        peak = self.peak_flop_per_s.get("fp16") or self.peak_flop_per_s.get("fp32", 0.0)
        return peak / self.memory_bandwidth_bytes_per_s


@dataclass(frozen=True, kw_only=True)
class Precision(_Entry):
    """How many bytes a weight takes, and which peak throughput its matmuls run at."""

    # 1/8 B (a 1-bit weight) to 8 B (FP64): past them a value is a typo in units.
    bytes_per_param: Annotated[float, Ge(0.125), Le(8)]
    compute_dtype: str = ""
    # The share of its own peak this precision's matmuls reach, relative to FP16/BF16's (at most
    # 1.5: no low-precision matmul reaches a larger share of its peak than FP16 does by that much).
    matmul_efficiency_ratio: Annotated[float, Gt(0), Le(1.5)] = 1.0
    matmul_efficiency_source: str = ""
    # Where a device has no peak for compute_dtype (FP8 before Hopper), the type its matmuls run
    # in after the weights are dequantised; empty: the precision needs its own math.
    dequantised_compute: str = ""
    dequantised_source: str = ""

    def compute_on(self, peaks: dict[str, float]) -> tuple[str, bool]:
        """(the compute type a device with these peaks runs this precision's matmuls in,
        whether the weights are dequantised to get there)."""
        if self.compute_dtype in peaks or not self.dequantised_compute:
            return self.compute_dtype, False
        return self.dequantised_compute, True


# A link the catalog has not measured all-reduces on: NCCL's ~30 us small-message floor on
# NVSwitch systems and 0.6 of the link rate (what 8 x A100 reaches at 64 MiB).
_UNMEASURED_ALLREDUCE = (
    "not measured for this link: NCCL's ~30 us small-message floor on NVSwitch systems and "
    "0.6 of the link rate (what 8 x A100 reaches at 64 MiB)"
)


@dataclass(frozen=True, kw_only=True)
class Link(_Entry):
    """A network or interconnect link; bandwidth per direction."""

    bandwidth_bytes_per_s: Positive
    latency_s: NonNegative = 0.0
    as_of: str
    # A tensor-parallel all-reduce of 1-64 MB as NCCL runs it: a fixed cost per call and the bus
    # bandwidth reached; measured where the catalog says so, else the defaults above.
    allreduce_latency_s: NonNegative = 30e-6
    allreduce_bandwidth_bytes_per_s: NonNegative = 0.0
    allreduce_source: str = _UNMEASURED_ALLREDUCE

    @property
    def allreduce_bandwidth(self) -> float:
        return self.allreduce_bandwidth_bytes_per_s or 0.6 * self.bandwidth_bytes_per_s


PRICE_META = frozenset(
    {
        "key", "name", "category", "source", "as_of", "notes", "aliases", "kind", "spot_basis",
        "unpriced", "sources",
    }
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Price:
    """One price with its unit in the field name (``on_demand_usd_per_hour``, ...)."""

    __pydantic_config__ = _FORBID

    key: str
    name: str = ""
    category: str  # gpu, cpu, object_storage, egress, memory_store
    values: dict[str, Positive] = field(default_factory=dict)
    source: str
    as_of: str
    notes: str = ""
    aliases: tuple[str, ...] = ()
    kind: str = ""  # a price basis: on-demand, spot or market
    spot_basis: str = ""  # a price basis: the same provider's spot basis
    unpriced: str = ""  # a GPU: why no basis prices it (where none does)
    sources: dict[str, str] = field(default_factory=dict)  # a GPU: basis -> the rows it came from

    @property
    def spot_fraction(self) -> float | None:
        """Spot over on-demand price, where the catalog has both (a GPU's spot discount)."""
        spot = self.values.get("spot_usd_per_hour")
        on_demand = self.values.get("on_demand_usd_per_hour")
        return spot / on_demand if spot and on_demand else None

    def get(self, what: str) -> float:
        if what not in self.values:
            raise BotecInputError(
                f"price {self.key}", what, f"one of {', '.join(sorted(self.values))}"
            )
        return self.values[what]


@dataclass(frozen=True, kw_only=True)
class Assumption:
    """A default that really varies: its nominal value and 90% interval, with the evidence."""

    __pydantic_config__ = _FORBID

    key: str
    title: str = ""
    unit: str = ""
    low: Finite
    high: Finite
    source: str
    as_of: str
    nominal: Finite | None = None
    dist: str = "lognormal"

    def __post_init__(self) -> None:
        # a range must be one: low ≤ nominal ≤ high, positive ends for a lognormal, and no end
        # past 10^30 (the same rule as a range typed in a scenario, core/uncertain.make_range)
        if not self.low <= self.high:
            raise ValueError(f"low ({self.low:g}) at most high ({self.high:g})")
        if self.nominal is not None and not self.low <= self.nominal <= self.high:
            raise ValueError(f"a nominal ({self.nominal:g}) between low and high")
        if self.dist == "lognormal" and self.low <= 0:
            raise ValueError("positive ends for a lognormal range")
        if max(abs(self.low), abs(self.high)) > 1e30:
            raise ValueError("ends within ±1e30")
        check_domain(self.key, self.unit, self.low, self.high, self.nominal)

    def as_range(self, nominal: float | None = None) -> Any:
        """The default as an :class:`~botec.core.uncertain.Uncertain` (nominal may be changed)."""
        from botec.core.uncertain import make_range

        centre = nominal if nominal is not None else self.nominal
        return make_range(self.low, self.high, self.dist, centre, self.key, self.source)


ENGINE_FACTORS = (
    "compute_efficiency",
    "memory_efficiency",
    "step_overhead_s",
    "request_overhead_s",
)
# Factors only some engines have: each sequence in a decode step costs this much on top of the
# step (an engine that runs part of the step once per sequence, e.g. llama.cpp's 2023 builds).
OPTIONAL_ENGINE_FACTORS = ("sequence_overhead_s",)


@dataclass(frozen=True, kw_only=True)
class Engine:
    """A serving engine's efficiency factors, each a default range (see engines.toml)."""

    __pydantic_config__ = _FORBID

    key: str
    name: str
    factors: dict[str, Assumption]
    source: str
    as_of: str
    # False for decode kernels that give every query head its own pass over the KV cache (one
    # thread block per batch × head), so a GQA/MQA cache is read heads ÷ kv_heads times.
    kv_shared_across_query_heads: bool = True
    kv_sharing_source: str = ""
    aliases: tuple[str, ...] = ()
    # How the engine sizes and fills its KV cache:
    # "total": a share of the device's memory holds weights, activations and KV (vLLM's
    # gpu_memory_utilization); "free": a share of what the weights and activations leave
    # (TensorRT-LLM's free_gpu_memory_fraction).
    kv_memory_rule: Literal["total", "free"] = "total"
    # "static": every sequence reserves its whole input + output up front; "paged": blocks are
    # taken as the context grows, so concurrency follows the average context.
    kv_reservation: Literal["static", "paged"] = "static"
    # The KV cache's type when the weights are 8-bit or smaller and none is given.
    kv_dtype_low_bit_weights: str = "fp16"
    kv_source: str = ""
    # How the engine spreads one model over several GPUs: "tensor" (every layer split across
    # them, all working at once) or "layers" (each GPU holds a run of layers; a token passes them
    # in turn, so one GPU works at a time).
    multi_gpu: Literal["tensor", "layers"] = "tensor"
    multi_gpu_source: str = ""
    # True for engines whose FP16 matmuls accumulate in FP16 (a GeForce card's faster peak).
    fp16_accumulate: bool = False
    fp16_accumulate_source: str = ""
    # The most sequences the engine runs at once unless told (vLLM's max_num_seqs).
    max_concurrency: Annotated[float, Ge(1), Le(1e6)] = 256.0
    max_concurrency_source: str = ""

    def kv_precision_for(self, weight_bytes_per_param: float, weights: str, peaks: dict) -> str:
        """The KV cache's precision key by this engine's rule: the weights' own 16-bit type, else
        its low-bit default where the device computes in it, else FP16."""
        if weight_bytes_per_param >= 2:
            return weights
        low = self.kv_dtype_low_bit_weights
        return low if low == "fp16" or low in peaks else "fp16"


T = TypeVar("T")


@cache
def _adapter(cls: type) -> Any:
    from pydantic import TypeAdapter  # built on the first user file: keeps start-up fast

    return TypeAdapter(cls)


def make(cls: type[T], data: dict[str, Any], validate: bool) -> T:
    """An entry from its fields: validated by pydantic (a user's file), or built as given (the
    bundled files, which the test suite validates), with TOML's integers as floats and lists
    as tuples either way."""
    if validate:
        return _adapter(cls).validate_python(data)
    return cls(**{k: _plain(v) for k, v in data.items()})


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _stringify_dates(entry: dict[str, Any]) -> dict[str, Any]:
    """TOML reads ``as_of = 2025-01-01`` as a date: the catalog keeps every date as text."""
    if "as_of" in entry and not isinstance(entry["as_of"], str):
        return {**entry, "as_of": str(entry["as_of"])}
    return entry


def hardware_entry(key: str, raw: dict[str, Any], validate: bool = True) -> Hardware:
    return make(Hardware, {**_stringify_dates(raw), "key": key}, validate)


def precision_entry(key: str, raw: dict[str, Any], validate: bool = True) -> Precision:
    entry = {"name": key, "compute_dtype": key, **raw, "key": key}
    return make(Precision, entry, validate)


def link_entry(key: str, raw: dict[str, Any], validate: bool = True) -> Link:
    return make(Link, {"name": key, **_stringify_dates(raw), "key": key}, validate)


def price_entry(category: str, key: str, raw: dict[str, Any], validate: bool = True) -> Price:
    raw = _stringify_dates(raw)
    values = {k: v for k, v in raw.items() if k not in PRICE_META}
    meta = {k: v for k, v in raw.items() if k in PRICE_META}
    data = {"name": key, **meta, "key": key, "category": category, "values": values}
    return make(Price, data, validate)


def assumption_entry(key: str, raw: dict[str, Any], validate: bool = True) -> Assumption:
    data = {"title": key, **_stringify_dates(raw), "key": key.replace("-", "_")}
    return make(Assumption, data, validate)


def _factor(where: str, data: dict[str, Any], validate: bool) -> Assumption:
    """One engine factor's range; a range refused as a whole names the engine and the factor."""
    from pydantic import ValidationError

    try:
        return make(Assumption, data, validate)
    except ValidationError as exc:
        raise BotecInputError(
            f"catalog engines.{where}",
            {k: data.get(k) for k in ("low", "nominal", "high")},
            exc.errors()[0]["msg"].removeprefix("Value error, "),
        ) from None


def engine_entry(key: str, raw: dict[str, Any], validate: bool = True) -> Engine:
    raw = _stringify_dates(raw)
    name = raw.get("name", key)
    factors = {}
    for factor in ENGINE_FACTORS + OPTIONAL_ENGINE_FACTORS:
        spec = raw.get(factor)
        if spec is None and factor in OPTIONAL_ENGINE_FACTORS:
            continue
        if not isinstance(spec, dict):
            raise BotecInputError(
                f"catalog engines.{key}.{factor}", spec, "a table {nominal, low, high}"
            )
        data = {
            "key": factor,
            "title": factor,
            "unit": "s" if factor.endswith("_s") else "fraction",
            "source": f"{name}: {raw.get('source', '')}",
            "as_of": str(raw.get("as_of", "")),
            **spec,
        }
        factors[factor] = _factor(f"{key}.{factor}", data, validate)
    rest = {k: v for k, v in raw.items() if k not in ENGINE_FACTORS + OPTIONAL_ENGINE_FACTORS}
    return make(Engine, {"name": key, **rest, "key": key, "factors": factors}, validate)
