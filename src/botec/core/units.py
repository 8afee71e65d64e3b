"""Units: constants, parsing what people type, and formatting with the unit always printed.

Inside botec every number is a plain float (or numpy array) in a base unit: bytes, bits, seconds,
FLOP, USD, watts, and plain counts (requests, tokens, parameters). Conversion happens only here,
when text comes in and when text goes out.

Decimal and binary prefixes are kept apart: ``GB`` is 10**9 bytes, ``GiB`` is 2**30 bytes. Memory is
shown in both where it matters, because vendors sell GPUs in GB while many tools print GiB.

>>> parse_quantity("80 GiB", "bytes") == 80 * GiB
True
>>> parse_quantity("3B", "count")
3000000000.0
>>> format_quantity(6e9, "B")
'6.00 GB'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from botec.core.errors import BotecInputError

# Decimal (SI) byte multiples: what disk, network and GPU vendors use.
KB, MB, GB, TB, PB, EB = (10**3, 10**6, 10**9, 10**12, 10**15, 10**18)
# Binary (IEC) byte multiples: what RAM and most operating-system tools use.
KiB, MiB, GiB, TiB, PiB = (2**10, 2**20, 2**30, 2**40, 2**50)

SECOND = 1.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86_400.0
WEEK = 7 * DAY
# A "month" in botec is 30 days (720 h), the convention both seeds use; cloud bills use ~730 h.
MONTH = 30 * DAY
YEAR = 365 * DAY

BITS_PER_BYTE = 8
# 1 petaflop/s sustained for one day: the unit OpenAI's "AI and Compute" and the seeds use.
PETAFLOP_DAY = 1e15 * DAY

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


def _byte_units() -> dict[str, float]:
    table: dict[str, float] = {"bytes": 1.0, "byte": 1.0}
    for prefix, factor in {**_SI_PREFIX, **_IEC_PREFIX}.items():
        table[f"{prefix}B"] = factor
        # bits: Gb, Gbit
        table[f"{prefix}b"] = factor / BITS_PER_BYTE
        table[f"{prefix}bit"] = factor / BITS_PER_BYTE
        table[f"{prefix}bits"] = factor / BITS_PER_BYTE
    table["b"] = 1 / BITS_PER_BYTE  # a bare "b" is a bit
    return table


def _byte_rate_units() -> dict[str, float]:
    table: dict[str, float] = {}
    for name, factor in _byte_units().items():
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
    "power": {"W": 1.0, "kW": 1e3, "MW": 1e6, "watts": 1.0, "watt": 1.0},
}

# What each dimension is called in messages, with examples a user can copy.
DIMENSION_HELP: dict[str, str] = {
    "count": "a number, optionally with K, M, B (billion) or T, e.g. 100M, 3B, 1.5T",
    "bytes": "a size with its unit, e.g. 10 KB, 80 GB, 80 GiB (GB = 10^9 B, GiB = 2^30 B)",
    "byte_rate": "a data rate with its unit, e.g. 2 TB/s, 900 GB/s, 100 Gbps",
    "flop": "a FLOP count, e.g. 1.2e22, 3.14e23 FLOP, 486 PF-days",
    "flop_rate": "a compute rate with its unit, e.g. 312 TFLOPS, 989 TFLOP/s",
    "duration": "a duration with its unit, e.g. 9.6 ms, 2 h, 30 days",
    "usd": "an amount of money, e.g. $2M, $500K, 53400",
    "usd_per_hour": "a price per hour, e.g. $2/h, 3.5 USD/h",
    "usd_per_gb_month": "a price per GB-month, e.g. $0.023/GB-month",
    "usd_per_gb": "a price per GB, e.g. $0.09/GB",
    "fraction": "a fraction or percentage, e.g. 0.4 or 40%",
    "factor": "a multiplier, e.g. 3, 3x or 3× (peak factors also: consumer, payments, advertising)",
    "power": "a power with its unit, e.g. 700 W, 1.2 kW",
}


def _parse_number(text: str) -> float:
    return float(text.replace(",", "").replace("_", ""))


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
        value = float(raw)
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
        if math.isnan(factor) and dimension in ("usd_per_hour", "usd_per_gb_month", "usd_per_gb"):
            factor = table.get(unit.replace("USD", "").strip(), math.nan)
    if math.isnan(factor):
        raise BotecInputError(field, raw, allowed)
    if match["dollar"] and dimension not in (
        "usd",
        "usd_per_hour",
        "usd_per_gb_month",
        "usd_per_gb",
    ):
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


def _is_label(word: str) -> bool:
    return word.isalpha() and word.islower() and word not in _NOT_LABELS


_NOT_LABELS = {"bytes", "byte", "bit", "bits", "ms", "s", "h", "us", "ns", "flop", "flops", "x"}


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def sig3(value: float) -> str:
    """``value`` to 3 significant figures, with thousands separators and no exponent below 1e15.

    >>> sig3(9.6153846), sig3(104.0), sig3(11574.07), sig3(0.0005208)
    ('9.62', '104', '11,600', '0.000521')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = math.floor(math.log10(abs(value)))
    decimals = 2 - magnitude
    rounded = round(value, decimals)
    # rounding can carry into the next power of ten (9.996 -> 10.0)
    if rounded != 0 and math.floor(math.log10(abs(rounded))) > magnitude:
        decimals -= 1
        rounded = round(value, decimals)
    if decimals > 0:
        return f"{rounded:,.{decimals}f}"
    return f"{rounded:,.0f}"


def _scaled(value: float, base: float, prefixes: list[str]) -> tuple[float, str]:
    """Pick the largest prefix that keeps the mantissa at or above 1."""
    index = 0
    magnitude = abs(value)
    while index + 1 < len(prefixes) and magnitude >= base ** (index + 1) * 0.9995:
        index += 1
    return value / base**index, prefixes[index]


_SI_FORMAT = ["", "k", "M", "G", "T", "P", "E"]
_BYTE_FORMAT = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
_IEC_FORMAT = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
_COUNT_FORMAT = ["", "K", "M", "B", "T", "Q"]


def format_bytes(value: float, binary: bool = False) -> str:
    """'6.00 GB' (decimal) or '5.59 GiB' (binary).

    >>> format_bytes(6e9), format_bytes(6e9, binary=True)
    ('6.00 GB', '5.59 GiB')
    """
    if binary:
        mantissa, unit = _scaled(value, 1024.0, _IEC_FORMAT)
    else:
        mantissa, unit = _scaled(value, 1000.0, _BYTE_FORMAT)
    return f"{sig3(mantissa)} {unit}"


def format_count(value: float) -> str:
    """Counts: exact when a whole number below a million, else 3 s.f. with K/M/B/T.

    >>> format_count(112), format_count(11574.07), format_count(5e9), format_count(0.52)
    ('112', '11.6K', '5.00B', '0.520')
    """
    if value == round(value) and abs(value) < 1e6:
        return f"{value:,.0f}"
    if abs(value) < 1e4:
        return sig3(value)
    mantissa, suffix = _scaled(value, 1000.0, _COUNT_FORMAT)
    return f"{sig3(mantissa)}{suffix}"


def format_duration(seconds: float) -> str:
    """Pick a readable unit: µs, ms, s, min, h, days or years.

    >>> format_duration(0.0096154), format_duration(1.5024e6), format_duration(3.365e8)
    ('9.62 ms', '17.4 days', '10.7 years')
    """
    magnitude = abs(seconds)
    for limit, unit, size in (
        (1e-3, "µs", 1e-6),
        (1.0, "ms", 1e-3),
        (120.0, "s", 1.0),
        (2 * HOUR, "min", MINUTE),
        (48 * HOUR, "h", HOUR),
        (3 * YEAR, "days", DAY),
    ):
        if magnitude < limit:
            return f"{sig3(seconds / size)} {unit}"
    return f"{sig3(seconds / YEAR)} years"


def format_usd(value: float) -> str:
    """Money: '$53,400', '$2.62M', '$12.6'.

    >>> format_usd(53416.0), format_usd(2.617e6), format_usd(12.596)
    ('$53,400', '$2.62M', '$12.6')
    """
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if magnitude >= 1e6:
        mantissa, suffix = _scaled(magnitude, 1000.0, ["", "K", "M", "B", "T"])
        return f"{sign}${sig3(mantissa)}{suffix}"
    return f"{sign}${sig3(magnitude)}"


def format_flop(value: float) -> str:
    """FLOP counts in scientific notation with petaflop-days beside them.

    >>> format_flop(4.2e22)
    '4.20e22 FLOP (486 PF-days)'
    """
    if abs(value) < 1e15:
        mantissa, prefix = _scaled(value, 1000.0, _SI_FORMAT)
        return f"{sig3(mantissa)} {prefix}FLOP"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if float(f"{mantissa:.2f}") >= 10:
        mantissa /= 10
        exponent += 1
    return f"{mantissa:.2f}e{exponent} FLOP ({sig3(value / PETAFLOP_DAY)} PF-days)"


def _format_si(value: float, unit: str) -> str:
    mantissa, prefix = _scaled(value, 1000.0, _SI_FORMAT)
    return f"{sig3(mantissa)} {prefix}{unit}"


_PER_PERIOD = {"day": DAY, "month": MONTH, "year": YEAR, "h": HOUR}


def format_quantity(value: float, unit: str) -> str:
    """Format a base-unit value with its unit, choosing a readable prefix.

    The unit strings botec uses are: ``B`` (bytes), ``B/s``, ``B/day``, ``bit/s``, ``FLOP``,
    ``FLOP/s``, ``s``, ``USD``, ``USD/h``, ``USD/month``, ``USD/GB-month``, ``USD/GB``, ``W``,
    ``fraction`` (printed as %), ``x`` (a ratio), and count units (``req/s``, ``GPUs``...).

    >>> format_quantity(185185185.2, "bit/s")
    '185 Mbit/s'
    >>> format_quantity(0.4, "fraction")
    '40.0%'
    """
    value = float(value)
    if not math.isfinite(value):
        return f"{value} {unit}"
    if unit == "B":
        return format_bytes(value)
    if unit == "B/GB":  # the conversion constant itself
        return f"{value:,.0f} B/GB"
    if unit.startswith("B/"):
        per = unit[2:]
        return f"{format_bytes(value)}/{per}"
    if unit == "bit/s":
        return _format_si(value, unit)
    if unit == "FLOP":
        return format_flop(value)
    if unit == "FLOP/s":
        return _format_si(value, "FLOP/s")
    if unit == "s":
        return format_duration(value)
    if unit == "USD":
        return format_usd(value)
    if unit.startswith("USD/"):
        per = unit[4:]
        if abs(value) < 1:
            return f"${sig3(value)}/{per}"
        return f"{format_usd(value)}/{per}"
    if unit in ("W", "J", "Wh"):
        return _format_si(value, unit)
    if unit == "fraction":
        return f"{sig3(value * 100)}%"
    if unit == "x":
        return f"{sig3(value)}×"
    if unit in ("", "1"):
        return format_count(value)
    return f"{format_count(value)} {unit}"


def format_memory(value_bytes: float) -> str:
    """Memory in GB with GiB beside it: '14.0 GB (13.0 GiB)'."""
    return f"{format_bytes(value_bytes)} ({format_bytes(value_bytes, binary=True)})"


Formatter = Callable[[float], str]


def format_range(low: float, high: float, unit: str) -> str:
    """'569 – 914 GPUs' (the unit once when both ends share it), else '$2.70M – $20.9M/month'."""
    lo, hi = format_quantity(low, unit), format_quantity(high, unit)
    lo_num, _, lo_unit = lo.partition(" ")
    if lo_unit and lo_unit == hi.partition(" ")[2]:
        return f"{lo_num} – {hi}"
    return f"{lo} – {hi}"
