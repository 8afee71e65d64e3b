"""Which assumption drives the spread: tornado swings and rank correlations for headline results.

Tornado: each range input in turn is set to its 5th and then its 95th percentile while every other
input stays at its nominal value; the result's swing between the two is that input's influence.
All swings come from one extra vectorised pass over the same formulas (a design of 2·K points for
K inputs), not from a second implementation.

Share of spread: for results that stay positive the swings are measured in log space (the
uncertainty is multiplicative, like the lognormal inputs), and each input's share is its squared
swing over the sum of squared swings, the first-order variance split of a product of independent
factors. Rank correlation (Spearman) between each input's draws and the result's draws from the
Monte Carlo pass is reported beside it as a check that does not assume that form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from botec.core.sheet import Sheet, Value


@dataclass
class Driver:
    """One uncertain input's influence on one result."""

    name: str
    title: str
    input_low: float  # the input's 5th percentile
    input_high: float  # the input's 95th percentile
    input_unit: str
    result_at_low: float  # the result with this input at its p5, others nominal
    result_at_high: float
    share: float  # of the result's spread (squared-swing share)
    rank_correlation: float


@dataclass
class Sensitivity:
    """The drivers of one headline result, most influential first."""

    result: str
    title: str
    unit: str
    nominal: float
    drivers: list[Driver] = field(default_factory=list)

    def top(self, share: float = 0.8, most: int = 3) -> list[Driver]:
        """The fewest leading drivers that together explain ``share`` of the spread."""
        out: list[Driver] = []
        total = 0.0
        for d in self.drivers:
            if len(out) == most or total >= share:
                break
            out.append(d)
            total += d.share
        return out

    def summary(self) -> str:
        """'86% of the spread in GPUs required (roofline) comes from memory_efficiency and ...'."""
        top = [d for d in self.top() if d.share > 0]
        if not top:
            return f"Nothing uncertain moves {self.title}."
        names = [f"{d.title} ({d.share:.0%})" for d in top]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        share = sum(d.share for d in top)
        if share >= 0.995:
            return f"The spread in {self.title} comes from {listed}."
        return f"{share:.0%} of the spread in {self.title} comes from {listed}."


def _ranges(sheet: Sheet) -> list[Value]:
    """Range inputs, one per distinct range (DAU recorded twice counts once)."""
    seen: set[int] = set()
    out = []
    for v in sheet.uncertain_inputs:
        if id(v.spec) not in seen:
            seen.add(id(v.spec))
            out.append(v)
    return out


def _weights(swings: Any) -> Any:
    """Each input's squared swing, scaled by the largest before squaring: a range of many orders
    of magnitude overflows a square, and a share is a ratio, so the scale cancels."""
    import numpy

    swings = numpy.nan_to_num(swings, posinf=0.0, neginf=0.0)
    largest = float(numpy.max(numpy.abs(swings))) if swings.size else 0.0
    return numpy.square(swings / largest) if largest > 0 else numpy.zeros_like(swings)


def analyse(sheet: Sheet, rerun: Any) -> dict[str, Sensitivity]:
    """Sensitivity of every headline result of ``sheet`` that varies.

    ``rerun(draw)`` evaluates the same scenario again with the given design (see
    :class:`~botec.core.sheet.Sheet`); the caller supplies it so this module never knows scenarios.
    """
    import numpy

    inputs = _ranges(sheet)
    if not inputs:
        return {}
    index = {v.name: k for k, v in enumerate(inputs)}
    k_count = len(inputs)

    def draw(name: str, spec: Any) -> Any:
        design = numpy.full(2 * k_count, spec.nominal)
        k = index.get(name)
        if k is not None:
            design[2 * k] = spec.percentile(5)
            design[2 * k + 1] = spec.percentile(95)
        return design

    swung = rerun(draw)
    ranks = {v.name: _rank(v.samples) for v in inputs if v.samples is not None}
    out: dict[str, Sensitivity] = {}
    for name, result in sheet.steps.items():
        if result.formula is None or not result.formula.headline or not result.varies:
            continue
        other = swung.steps.get(name)
        if other is None or other.samples is None:
            continue
        design = numpy.broadcast_to(other.samples, (2 * k_count,))
        lows, highs = design[0::2], design[1::2]
        positive = bool(numpy.all(design > 0))
        swings = numpy.log(highs / lows) if positive else highs - lows
        weights = _weights(swings)
        total = float(weights.sum())
        result_rank = _rank(result.samples)
        drivers = []
        for k, v in enumerate(inputs):
            assert v.spec is not None
            if weights[k] == 0 and total > 0:
                continue  # this input does not move this result (e.g. PUE and the cost)
            drivers.append(
                Driver(
                    name=v.name,
                    title=v.title,
                    # a fraction's draws stop at 1 (the sheet caps them), and so does its swing
                    input_low=_capped(v.spec.percentile(5), v.unit),
                    input_high=_capped(v.spec.percentile(95), v.unit),
                    input_unit=v.unit,
                    result_at_low=float(lows[k]),
                    result_at_high=float(highs[k]),
                    share=float(weights[k] / total) if total > 0 else 0.0,
                    rank_correlation=_correlation(ranks.get(v.name), result_rank),
                )
            )
        drivers.sort(key=lambda d: (-d.share, -abs(d.rank_correlation)))
        out[name] = Sensitivity(name, result.title, result.unit, float(result), drivers)
    return out


def _capped(value: float, unit: str) -> float:
    """An input's percentile as the sheet draws it: a share or efficiency never passes 1."""
    return min(value, 1.0) if unit == "fraction" else value


def _rank(samples: Any) -> Any:
    import numpy

    if samples is None:
        return None
    values = numpy.asarray(samples)
    if values.ndim == 0:
        return None
    # One sort, then each draw's position in it (the inverse permutation). Ties (rounded GPU
    # counts) get distinct ranks in the sort's fixed order, which moves a rank correlation by
    # less than its sampling error at 10,000 draws.
    ranks = numpy.empty(values.shape, dtype=float)
    ranks[numpy.argsort(values)] = numpy.arange(values.size, dtype=float)
    return ranks


def _correlation(a: Any, b: Any) -> float:
    """Pearson correlation of two rank vectors (Spearman's rho); 0 when either is constant."""
    import numpy

    if a is None or b is None or len(a) != len(b):
        return 0.0
    a = a - a.mean()
    b = b - b.mean()
    # einsum, not dot: numpy.dot hands 1-D products past ~10k elements to a multithreaded BLAS,
    # which under a busy server's concurrent requests ran 25x slower (benchmarks/web_load.py)
    denom = math.sqrt(float(numpy.einsum("i,i", a, a)) * float(numpy.einsum("i,i", b, b)))
    return float(numpy.einsum("i,i", a, b) / denom) if denom > 0 else 0.0
