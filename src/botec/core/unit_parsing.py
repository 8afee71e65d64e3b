"""Parsing what people type ('80 GiB', '$2/h', '40%', '100M users') into a float in the
dimension's base unit; :data:`DIMENSION_HELP` says what each dimension accepts.

>>> parse_quantity("80 GiB", "bytes")
85899345920.0
>>> parse_quantity("3B", "count")
3000000000.0
"""

from __future__ import annotations

import math
import re

from botec.core.errors import BotecInputError
from botec.core.unit_constants import (
    BITS_PER_BYTE,
    DAY,
    HOUR,
    MINUTE,
    MONTH,
    PETAFLOP_DAY,
    WEEK,
    YEAR,
)

_COUNT_SUFFIX = {
    "": 1.0,
    "k": 1e3,
    "K": 1e3,
    "thousand": 1e3,
    "M": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "B": 1e9,
    "b": 1e9,
    "G": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "T": 1e12,
    "t": 1e12,
    "trillion": 1e12,
    "P": 1e15,
    "quadrillion": 1e15,
}

_SI_PREFIX = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}
_IEC_PREFIX = {"Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50}

_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": MINUTE,
    "mins": MINUTE,
    "minute": MINUTE,
    "minutes": MINUTE,
    "h": HOUR,
    "hr": HOUR,
    "hrs": HOUR,
    "hour": HOUR,
    "hours": HOUR,
    "d": DAY,
    "day": DAY,
    "days": DAY,
    "week": WEEK,
    "weeks": WEEK,
    "month": MONTH,
    "months": MONTH,
    "y": YEAR,
    "yr": YEAR,
    "year": YEAR,
    "years": YEAR,
}

_NUMBER = r"[+-]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_QUANTITY_RE = re.compile(rf"^\s*(?P<dollar>\$)?\s*(?P<num>{_NUMBER})\s*(?P<unit>.*?)\s*$")


def _byte_units(short_bits: bool = False) -> dict[str, float]:
    """Sizes: KB, GiB, kbit... A lower-case 'b' alone (10 kb, 1 Gb) means bits only in a rate,
    where network speeds are quoted in bits (1 Gb/s); as a size it is refused, since most who
    type '10 kb' for a request mean kilobytes, and 8× is no rounding error."""
    table: dict[str, float] = {"bytes": 1.0, "byte": 1.0}
    for prefix, factor in {**_SI_PREFIX, **_IEC_PREFIX}.items():
        table[f"{prefix}B"] = factor
        table[f"{prefix}bit"] = factor / BITS_PER_BYTE
        table[f"{prefix}bits"] = factor / BITS_PER_BYTE
        if short_bits:
            table[f"{prefix}b"] = factor / BITS_PER_BYTE
    if short_bits:
        table["b"] = 1 / BITS_PER_BYTE  # a bare "b" is a bit
    return table


def _byte_rate_units() -> dict[str, float]:
    table: dict[str, float] = {}
    for name, factor in _byte_units(short_bits=True).items():
        table[f"{name}/s"] = factor
        table[f"{name}ps"] = factor
        table[f"{name}/sec"] = factor
    for prefix, factor in _SI_PREFIX.items():
        table[f"{prefix}bps"] = factor / BITS_PER_BYTE
        table[f"{prefix}Bps"] = factor
    return table


def _flop_units(per_second: bool) -> dict[str, float]:
    table: dict[str, float] = {}
    for prefix, factor in _SI_PREFIX.items():
        if per_second:
            for word in ("FLOPS", "FLOP/s", "FLOPs/s", "flops", "flop/s", "OPS", "OP/s", "TOPS"):
                if word == "TOPS":
                    continue
                table[f"{prefix}{word}"] = factor
            table[f"{prefix}OPS"] = factor
        else:
            for word in ("FLOP", "FLOPs", "flop", "flops", "OP", "OPs"):
                table[f"{prefix}{word}"] = factor
    if not per_second:
        for word in ("PF-days", "PF-day", "petaflop-days", "petaflop/s-days", "pfs-days"):
            table[word] = PETAFLOP_DAY
    table[""] = 1.0
    return table


_PRICES = ("usd_per_hour", "usd_per_gb_month", "usd_per_gb", "usd_per_mtoken")  # '$' allowed


def _money(per: dict[str, float]) -> dict[str, float]:
    """Unit strings for a price per something: '$2/h', '2 USD/h'."""
    table: dict[str, float] = {"": 1.0, "USD": 1.0, "$": 1.0}
    for per_name, divisor in per.items():
        for cur in ("", "USD", "usd", "$"):
            sep_forms = [f"{cur}/{per_name}", f"{cur} /{per_name}", f"{cur} per {per_name}"]
            for form in sep_forms:
                table[form.strip()] = 1.0 / divisor
    return table


def _count_units() -> dict[str, float]:
    return dict(_COUNT_SUFFIX)


_TABLES: dict[str, dict[str, float]] = {
    "bytes": _byte_units(),
    "byte_rate": _byte_rate_units(),
    "flop": _flop_units(per_second=False),
    "flop_rate": _flop_units(per_second=True),
    "duration": _DURATION_UNITS,
    # prices keep the period in their name (usd_per_hour), so the value stays per hour
    "usd_per_hour": _money({"h": 1.0, "hr": 1.0, "hour": 1.0, "GPU-hour": 1.0, "GPU-h": 1.0}),
    "usd_per_gb_month": _money({"GB-month": 1.0, "GB/month": 1.0, "GB/mo": 1.0, "GB-mo": 1.0}),
    "usd_per_gb": _money({"GB": 1.0}),
    # API prices per million tokens: the value stays per million (usd_per_mtoken)
    "usd_per_mtoken": _money({"Mtoken": 1.0, "Mtok": 1.0, "M tokens": 1.0, "1M tokens": 1.0}),
    "power": {"W": 1.0, "kW": 1e3, "MW": 1e6, "watts": 1.0, "watt": 1.0},
}

# What each dimension is called in messages, with examples a user can copy.
DIMENSION_HELP: dict[str, str] = {
    "count": "a number, optionally with K, M, B (billion) or T, e.g. 100M, 3B, 1.5T",
    "bytes": "a size with its unit, e.g. 10 KB, 80 GB, 80 GiB (GB = 10^9 B, GiB = 2^30 B; "
    "10 kbit for bits)",
    "byte_rate": "a data rate with its unit, e.g. 2 TB/s, 900 GB/s, 100 Gbps",
    "flop": "a FLOP count, e.g. 1.2e22, 3.14e23 FLOP, 486 PF-days",
    "flop_rate": "a compute rate with its unit, e.g. 312 TFLOPS, 989 TFLOP/s",
    "duration": "a duration with its unit, e.g. 9.6 ms, 2 h, 30 days",
    "usd": "an amount of money, e.g. $2M, $500K, 53400",
    "usd_per_hour": "a price per hour, e.g. $2/h, 3.5 USD/h",
    "usd_per_gb_month": "a price per GB-month, e.g. $0.023/GB-month",
    "usd_per_gb": "a price per GB, e.g. $0.09/GB",
    "usd_per_mtoken": "a price per million tokens, e.g. $0.15/Mtoken",
    "fraction": "a fraction or percentage, e.g. 0.4 or 40%",
    "factor": "a multiplier, e.g. 3, 3x or 3× (peak factors also: consumer, payments, advertising)",
    "power": "a power with its unit, e.g. 700 W, 1.2 kW",
}


# Commas only as thousands separators (1,000 or 1,000,000.5): '1,5' is a European decimal or a
# typo, and reading it as 15 would be a silent wrong number.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?")


def _parse_number(text: str) -> float:
    if "," in text and not _GROUPED.fullmatch(text):
        raise ValueError(f"commas in {text!r} are not thousands separators")
    return float(text.replace(",", "").replace("_", ""))


def _as_float(raw: float) -> float:
    try:
        return float(raw)
    except OverflowError:  # an integer past float's range (TOML and JSON allow them)
        return math.inf


def parse_quantity(raw: object, dimension: str, field: str = "value") -> float:
    """Parse what a person typed into a float in the dimension's base unit.

    ``dimension`` is one of :data:`DIMENSION_HELP`'s keys. Numbers pass through unchanged (they are
    taken to be in the base unit already). Anything unreadable raises :class:`BotecInputError`
    naming ``field``.

    >>> parse_quantity("2 TB/s", "byte_rate")
    2000000000000.0
    >>> parse_quantity("$2/h", "usd_per_hour")
    2.0
    >>> parse_quantity("30%", "fraction")
    0.3
    """
    if dimension not in DIMENSION_HELP:
        raise ValueError(f"unknown dimension {dimension!r}")
    allowed = DIMENSION_HELP[dimension]
    if isinstance(raw, bool):
        raise BotecInputError(field, raw, allowed)
    if isinstance(raw, int | float):
        value = _as_float(raw)
        if not math.isfinite(value):
            raise BotecInputError(field, raw, f"a finite number: {allowed}")
        return value
    if not isinstance(raw, str):
        raise BotecInputError(field, raw, allowed)
    match = _QUANTITY_RE.match(raw)
    if not match:
        raise BotecInputError(field, raw, allowed)
    try:
        number = _parse_number(match["num"])
    except ValueError:
        raise BotecInputError(field, raw, allowed) from None
    unit = match["unit"].strip()
    if dimension in ("count", "usd"):
        factor = _count_factor(unit, dimension)
    elif dimension == "fraction":
        factor = {"": 1.0, "%": 0.01}.get(unit.replace(" ", ""), math.nan)
    elif dimension == "factor":
        factor = {"": 1.0, "x": 1.0, "×": 1.0, "X": 1.0}.get(unit, math.nan)
    else:
        table = _TABLES[dimension]
        factor = table.get(unit, table.get(unit.replace(" ", ""), math.nan))
        if math.isnan(factor) and dimension in _PRICES:
            factor = table.get(unit.replace("USD", "").strip(), math.nan)
    if math.isnan(factor):
        raise BotecInputError(field, raw, allowed)
    if match["dollar"] and dimension not in ("usd", *_PRICES):
        raise BotecInputError(field, raw, allowed)
    value = number * factor
    if not math.isfinite(value):
        raise BotecInputError(field, raw, f"a finite number: {allowed}")
    return value


def _count_factor(unit: str, dimension: str) -> float:
    """A count's multiplier: '100M users' -> 1e6; a trailing word (users, USD) is a label."""
    parts = unit.split()
    if dimension == "usd":
        parts = [p for p in parts if p not in ("USD", "usd", "dollars")]
    if not parts:
        return 1.0
    head = parts[0]
    if head in _PLURAL_SCALES:
        parts[0] = head = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}[
            _PLURAL_SCALES[head]
        ]
    if head in _COUNT_SUFFIX:
        label = parts[1:]
        factor = _COUNT_SUFFIX[head]
    else:
        label = parts
        factor = 1.0
    # '500 tokens' and '100M users' are fine: a lower-case word is only a label. 'GB' or 'ms'
    # are units of another dimension and must not be silently dropped.
    if len(label) > 1 or (label and not _is_label(label[0])):
        return math.nan
    return factor


# Scale words that are not suffixes botec reads: as a "label" they would drop a factor of 10^3 to
# 10^9 ('7 billions' read as 7), so they are refused; a plural of a known scale is read as it.
_PLURAL_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}
_FOREIGN_SCALES = {
    "lakh", "lakhs", "crore", "crores", "mln", "mil", "mio", "bln", "mrd", "tn", "thou", "k",
    "m", "b", "t", "bn", "mn", "thousand", "million", "billion", "trillion", "quadrillion",
}  # fmt: skip


def _is_label(word: str) -> bool:
    return (
        word.isalpha()
        and word.islower()
        and word not in _NOT_LABELS
        and word not in _FOREIGN_SCALES
        and word not in _PLURAL_SCALES
    )


# Words that are units of another dimension, not labels of a count: '5 min' must not read as 5.
_NOT_LABELS = {
    "bytes", "byte", "bit", "bits", "ms", "s", "h", "us", "ns", "flop", "flops", "x",
    "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hr", "hrs",
    "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years",
    "kb", "mb", "gb", "tb", "pb", "kib", "mib", "gib", "tib",
}  # fmt: skip
