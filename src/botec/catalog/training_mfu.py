"""Default training MFU as a range, by GPU generation and scale, from published runs.

The numbers are data (``catalog/training_mfu.toml``), each with the rows of the project's
``published-figures.csv`` it rests on. One rule makes every generation's range, so no backtest row
is fitted: the nominal is 0.9 (time lost over a whole run) × the median sustained MFU of at-scale
runs, the 5th percentile is 0.7 × nominal, the 95th the best sustained figure published for the
generation. Two scale adjustments follow: small models (under 3B parameters) and very large
clusters (over 8,192 GPUs).

>>> mfu = default_mfu("a100-80gb", 2048, 65e9)
>>> mfu.low, mfu.nominal, mfu.high
(0.32, 0.45, 0.57)
>>> round(default_mfu("h100", 16384, 405e9).nominal, 3)
0.353
"""

from __future__ import annotations

import statistics
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from botec.core.uncertain import Uncertain

_FILE = Path(__file__).parent / "training_mfu.toml"
FALLBACK = "other"  # the generation of any device the table does not name


@dataclass(frozen=True)
class Evidence:
    """One published run's sustained MFU (a row id of published-figures.csv)."""

    id: str
    mfu: float
    note: str


@dataclass(frozen=True)
class Generation:
    key: str
    title: str
    gpus: tuple[str, ...]
    nominal: float
    low: float
    high: float
    evidence: tuple[Evidence, ...]
    source: str  # how low, nominal and high were obtained
    # the share of a whole run's GPU time spent training on this generation, where its own fit
    # rows set one (else the catalog assumption ``whole_run_efficiency``)
    whole_run: Uncertain | None = None

    def evidence_median(self) -> float | None:
        return statistics.median(e.mfu for e in self.evidence) if self.evidence else None


@dataclass(frozen=True)
class ScaleRule:
    key: str
    title: str
    nominal_factor: float
    low_factor: float
    high_factor: float
    source: str
    max_params: float | None = None  # applies below this many parameters
    min_gpus: int | None = None  # applies from this many GPUs

    def applies(self, gpus: int | None, params: float | None) -> bool:
        if self.max_params is not None:
            return params is not None and params < self.max_params
        if self.min_gpus is not None:
            return gpus is not None and gpus >= self.min_gpus
        return False


@dataclass(frozen=True)
class MfuTable:
    whole_run_factor: float
    whole_run_factor_source: str
    generations: dict[str, Generation]
    scale: tuple[ScaleRule, ...]

    def generation_of(self, device_key: str) -> Generation:
        for generation in self.generations.values():
            if device_key in generation.gpus:
                return generation
        return self.generations[FALLBACK]


def _generation(key: str, e: dict[str, Any], factor: float) -> Generation:
    evidence = tuple(Evidence(x["id"], float(x["mfu"]), x.get("note", "")) for x in e["evidence"])
    if evidence:
        cites = ", ".join(f"{x.id} {x.mfu:.0%}" for x in evidence)
        median = statistics.median(x.mfu for x in evidence)
        source = (
            f"nominal {factor:g} × median sustained MFU {median:.1%} ({cites}); "
            f"low 0.7 × nominal; high: {e['high_source']}"
        )
    else:
        source = e["derivation"]
    run = e.get("whole_run")
    whole_run = (
        Uncertain(
            float(run["low"]), float(run["high"]), "lognormal", float(run["nominal"]), run["source"]
        )
        if run
        else None
    )
    return Generation(
        key=key,
        title=e["title"],
        gpus=tuple(e["gpus"]),
        nominal=float(e["nominal"]),
        low=float(e["low"]),
        high=float(e["high"]),
        evidence=evidence,
        source=source,
        whole_run=whole_run,
    )


@cache
def table() -> MfuTable:
    """The parsed ``training_mfu.toml``."""
    with _FILE.open("rb") as handle:
        data = tomllib.load(handle)
    factor = float(data["whole_run_factor"])
    generations = {k: _generation(k, e, factor) for k, e in data["generation"].items()}
    scale = tuple(
        ScaleRule(
            key=s["key"],
            title=s["title"],
            nominal_factor=float(s["nominal_factor"]),
            low_factor=float(s["low_factor"]),
            high_factor=float(s["high_factor"]),
            source=s["source"],
            max_params=float(s["max_params"]) if "max_params" in s else None,
            min_gpus=int(s["min_gpus"]) if "min_gpus" in s else None,
        )
        for s in data.get("scale", [])
    )
    return MfuTable(factor, data["whole_run_factor_source"], generations, scale)


def generation_for(gpu_name: str) -> Generation:
    """The MFU generation of a device, by its catalog key or a bundled name or alias; a device
    the bundled catalog lacks (a user's own, already resolved by the run) gets 'other'."""
    from botec.catalog import load_catalog
    from botec.catalog.loader import normalise
    from botec.core.errors import BotecInputError

    try:
        key = load_catalog().hardware(gpu_name).key
    except BotecInputError:
        key = normalise(gpu_name)
    return table().generation_of(key)


def default_mfu(gpu_name: str, gpus: int | None = None, params: float | None = None) -> Uncertain:
    """Training MFU for ``gpus`` × ``gpu_name`` training a ``params``-parameter model.

    A lognormal 90% interval (``low``/``high`` = 5th/95th percentiles) with the nominal where the
    point estimate is computed and a source naming the published rows. ``gpus`` or ``params``
    unknown (None): that scale adjustment is not applied.
    """
    gen = generation_for(gpu_name)
    low, nominal, high = gen.low, gen.nominal, gen.high
    applied = []
    for rule in table().scale:
        if rule.applies(gpus, params):
            low *= rule.low_factor
            nominal *= rule.nominal_factor
            high *= rule.high_factor
            applied.append(
                f"{rule.title}: nominal × {rule.nominal_factor:g}, low × {rule.low_factor:g}, "
                f"high × {rule.high_factor:g} ({rule.source})"
            )
    high = min(high, 1.0)
    source = (
        f"training MFU for {gen.title}: {nominal:.0%} ({low:.0%} to {high:.0%}); {gen.source}"
        + "".join(f"; {a}" for a in applied)
        + " [botec/catalog/training_mfu.toml; rows of published-figures.csv]"
    )
    return Uncertain(low, high, "lognormal", nominal, source)


def kernel_mfu(gpu_name: str, gpus: int | None = None, params: float | None = None) -> Uncertain:
    """The sustained MFU while the job runs (what framework benchmarks report): the default MFU
    without the whole-run factor (nominal and low ÷ ``whole_run_factor``; high is already a
    sustained figure). Run-level time and GPU-hours multiply it by the whole-run efficiency.

    >>> round(kernel_mfu("a100-80gb", 2048, 65e9).nominal, 3)
    0.5
    """
    run = default_mfu(gpu_name, gpus, params)
    factor = table().whole_run_factor
    nominal, low = run.nominal / factor, run.low / factor
    high = max(run.high, nominal)
    source = (
        f"sustained training MFU: {nominal:.0%} ({low:.0%} to {high:.0%}), the whole-run default "
        f"÷ {factor:g} (the time a run loses to restarts, checkpoints and evaluations, counted "
        f"apart); {run.source}"
    )
    return Uncertain(low, high, "lognormal", nominal, source)


def whole_run_efficiency(gpu_name: str) -> Uncertain | None:
    """The share of a whole run's GPU time spent training on ``gpu_name``'s generation, where
    the generation sets its own (Hopper and Blackwell); None: the catalog assumption's.

    >>> whole_run_efficiency("a100-80gb") is None, whole_run_efficiency("h100").nominal
    (True, 0.65)
    """
    return generation_for(gpu_name).whole_run


__all__ = [
    "FALLBACK",
    "Evidence",
    "Generation",
    "MfuTable",
    "ScaleRule",
    "default_mfu",
    "generation_for",
    "kernel_mfu",
    "table",
    "whole_run_efficiency",
]
