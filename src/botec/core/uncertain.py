"""Uncertain inputs: a number the user (or the catalog) gives as a range instead of a point.

A range ``low to high`` is a 90% interval: the truth lies below ``low`` one time in twenty and
above ``high`` one time in twenty. Following Squiggle's ``a to b``, a range of positive numbers is
lognormal (multiplicative uncertainty: "2 to 10" is as wide below 4.5 as above it); ``normal`` and
``uniform`` are explicit options and ``fixed`` pins a value. A bare number stays exact.

The *nominal* value is where botec computes the point estimate (the ``value`` of every result). For
a range the user types it is the distribution's median; a catalog default may name a different
nominal (the conventional figure, e.g. 40% MFU) so that point estimates keep their familiar
meaning while the percentiles show the spread.

>>> u = parse_uncertain("2 to 8", "count", "users.peak_factor")
>>> round(u.nominal, 6), u.dist
(4.0, 'lognormal')
>>> parse_uncertain("30%", "fraction", "training.mfu")
0.3
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Literal

from botec.core.errors import BotecInputError
from botec.core.units import parse_quantity

Dist = Literal["lognormal", "normal", "uniform", "fixed", "grid"]
DISTS = ("lognormal", "normal", "uniform", "fixed")
# A 90% range past twelve orders of magnitude is not an estimate, and a lognormal that wide
# draws past float's range; ends past 10^30 are past anything botec counts (FLOPs stop near 10^27).
MAX_RANGE_RATIO = 1e12
MAX_RANGE_END = 1e30

# z-score of the 95th percentile of a standard normal: a 90% interval spans ±1.6449 σ.
Z95 = 1.6448536269514722

_RANGE_RE = re.compile(r"^\s*(?:(?P<nominal>[^()]+?)\s*\(\s*(?P<inner>.+?)\s*\)|(?P<bare>.+?))\s*$")
_TO_RE = re.compile(r"\s+to\s+|\s*\.\.\s*|\s*–\s*", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^\s*\$?\s*[-+]?[\d_.,]+(?:[eE][-+]?\d+)?\s*$")
_SPLIT_NUMBER_RE = re.compile(r"^\s*(\$?\s*[-+]?[\d_.,]+(?:[eE][-+]?\d+)?)\s*(.*)$")


@dataclass(frozen=True, eq=False)
class Uncertain:
    """A quantity known only as a range (a 90% interval) or, for sweeps, a grid of values."""

    low: float
    high: float
    dist: Dist = "lognormal"
    nominal: float = math.nan
    source: str = ""
    values: Any = field(default=None, repr=False)  # the grid, when dist == "grid"

    def __post_init__(self) -> None:
        if math.isnan(self.nominal):
            object.__setattr__(self, "nominal", self.median)

    @property
    def median(self) -> float:
        if self.dist == "lognormal":
            # the geometric mean, each end rooted first: low × high underflows for 1e-300 to 1e-290
            return math.sqrt(self.low) * math.sqrt(self.high)
        if self.dist == "grid":
            return float(self.values[len(self.values) // 2])
        return (self.low + self.high) / 2

    def percentile(self, q: float) -> float:
        """The analytic ``q``-th percentile (0 < q < 100) of the distribution."""
        from statistics import NormalDist

        z = NormalDist().inv_cdf(q / 100)
        if self.dist == "lognormal":
            mu, sigma = self._log_params()
            return math.exp(mu + z * sigma)
        if self.dist == "normal":
            mid, sd = (self.low + self.high) / 2, (self.high - self.low) / (2 * Z95)
            return mid + z * sd
        if self.dist == "uniform":
            return self.low + (self.high - self.low) * q / 100
        return self.nominal

    def _log_params(self) -> tuple[float, float]:
        lo, hi = math.log(self.low), math.log(self.high)
        return (lo + hi) / 2, (hi - lo) / (2 * Z95)

    def sample(self, n: int, rng: Any) -> Any:
        """``n`` draws as a numpy array (``rng`` is a numpy Generator)."""
        import numpy

        if self.dist == "grid":
            return numpy.asarray(self.values, dtype=float)
        if self.dist == "lognormal":
            mu, sigma = self._log_params()
            return numpy.exp(rng.normal(mu, sigma, n))
        if self.dist == "normal":
            mid, sd = (self.low + self.high) / 2, (self.high - self.low) / (2 * Z95)
            return rng.normal(mid, sd, n)
        if self.dist == "uniform":
            return rng.uniform(self.low, self.high, n)
        return numpy.full(n, self.nominal)

    def describe(self, unit: str = "") -> str:
        """'30% to 55% (lognormal, 90% interval)'-style text for reports."""
        from botec.core.units import format_quantity

        lo, hi = format_quantity(self.low, unit), format_quantity(self.high, unit)
        if unit == "fraction" and self.high > 1:
            # The sheet caps a fraction's draws at 1 (no share or efficiency passes it).
            return f"{lo} to 100% ({self.dist} to {hi}, capped at 100%)"
        if self.dist == "uniform":
            return f"{lo} to {hi} (uniform)"
        return f"{lo} to {hi} ({self.dist}, 90% interval)"


Number = float | Uncertain


def point(value: Any) -> Any:
    """The nominal value of an input: the number itself, or a range's nominal."""
    return value.nominal if isinstance(value, Uncertain) else value


def is_uncertain(value: Any) -> bool:
    return isinstance(value, Uncertain)


def make_range(
    low: float,
    high: float,
    dist: str = "lognormal",
    nominal: float | None = None,
    field_name: str = "value",
    source: str = "",
) -> Number:
    """Check a range and build it; ``low == high`` collapses to the exact number."""
    if dist not in DISTS:
        raise BotecInputError(f"{field_name}.dist", dist, f"one of {', '.join(DISTS)}")
    if dist == "fixed":
        return float(nominal if nominal is not None else low)
    if low > high:
        raise BotecInputError(field_name, f"{low:g} to {high:g}", "a range whose low ≤ high")
    if dist == "lognormal" and low <= 0:
        raise BotecInputError(
            field_name,
            f"{low:g} to {high:g}",
            "positive ends for a lognormal range (use dist = 'normal' for ranges through zero)",
        )
    if low == high:
        return float(low)
    if dist == "lognormal" and high / low > MAX_RANGE_RATIO:
        raise BotecInputError(
            field_name,
            f"{low:g} to {high:g}",
            f"a range at most {MAX_RANGE_RATIO:g} times wide (its draws would overflow; an "
            "estimate this uncertain is no estimate)",
        )
    if max(abs(low), abs(high)) > MAX_RANGE_END:
        raise BotecInputError(field_name, f"{low:g} to {high:g}", f"ends within ±{MAX_RANGE_END:g}")
    if nominal is not None and not (low <= nominal <= high):
        # low and high are the 90% range's ends: a nominal outside them would print a point
        # estimate outside its own range (25,000 beside '488 – 1,000')
        raise BotecInputError(
            field_name, f"nominal {nominal:g}", f"a nominal value inside {low:g} to {high:g}"
        )
    return Uncertain(
        float(low),
        float(high),
        dist,  # type: ignore[arg-type]
        math.nan if nominal is None else float(nominal),
        source,
    )


def parse_uncertain(raw: Any, dimension: str, field_name: str = "value") -> Number:
    """A number as people type it, or a range of them.

    Accepted: ``40%`` (exact), ``"30% to 55%"``, ``"2 to 10 KB"`` (the unit of the high end
    applies to a bare low end), ``"40% (30% to 55%)"`` (nominal with its range), and a mapping
    ``{low = 0.3, high = 0.55, dist = "normal", nominal = 0.4}``.
    """
    if isinstance(raw, Uncertain):
        return raw
    if isinstance(raw, dict):
        return _from_mapping(raw, dimension, field_name)
    if isinstance(raw, str):
        match = _RANGE_RE.match(raw)
        if match and match["inner"] and _TO_RE.search(match["inner"]):
            nominal = parse_quantity(match["nominal"], dimension, field_name)
            low, high = _ends(match["inner"], dimension, field_name)
            return make_range(low, high, _text_dist(low), nominal, field_name)
        if _TO_RE.search(raw.strip()):
            low, high = _ends(raw, dimension, field_name)
            return make_range(low, high, _text_dist(low), None, field_name)
    return parse_quantity(raw, dimension, field_name)


def _text_dist(low: float) -> str:
    """A typed 'LOW to HIGH' range's shape: lognormal above zero; from zero, uniform (a normal
    one would draw 5% of its values below zero: a negative price or count); through zero,
    normal."""
    return "lognormal" if low > 0 else "uniform" if low == 0 else "normal"


def _ends(text: str, dimension: str, field_name: str) -> tuple[float, float]:
    parts = _TO_RE.split(text.strip())
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise BotecInputError(field_name, text, "a range written 'LOW to HIGH', e.g. '30% to 50%'")
    low_text, high_text = parts
    if _NUMBER_RE.match(low_text) and not _NUMBER_RE.match(high_text):
        # "2 to 10 KB": the high end's unit applies to both ends.
        split = _SPLIT_NUMBER_RE.match(high_text)
        if split and split.group(2):
            low_text = f"{low_text.strip()} {split.group(2)}"
    return (
        parse_quantity(low_text, dimension, field_name),
        parse_quantity(high_text, dimension, field_name),
    )


def _from_mapping(raw: dict[str, Any], dimension: str, field_name: str) -> Number:
    allowed = {"low", "high", "dist", "nominal"}
    extra = set(raw) - allowed
    if extra:
        raise BotecInputError(
            f"{field_name}.{sorted(extra)[0]}", raw[sorted(extra)[0]], "low, high, dist, nominal"
        )
    dist = str(raw.get("dist", "lognormal"))
    if dist == "fixed":
        if "nominal" not in raw and "low" not in raw:
            raise BotecInputError(field_name, raw, "a 'nominal' value for dist = 'fixed'")
        return parse_quantity(raw.get("nominal", raw.get("low")), dimension, field_name)
    for key in ("low", "high"):
        if key not in raw:
            raise BotecInputError(f"{field_name}.{key}", "missing", "both low and high")
    low = parse_quantity(raw["low"], dimension, f"{field_name}.low")
    high = parse_quantity(raw["high"], dimension, f"{field_name}.high")
    nominal = (
        parse_quantity(raw["nominal"], dimension, f"{field_name}.nominal")
        if "nominal" in raw
        else None
    )
    return make_range(low, high, dist, nominal, field_name)


def stream(seed: int, name: str) -> Any:
    """A random generator for one named input: the same seed and name give the same draws,
    whatever other inputs the scenario has (adding an input never reshuffles the others)."""
    import numpy

    return numpy.random.default_rng([seed, zlib.crc32(name.encode())])
