"""Formatting base-unit values with the unit always printed and a readable prefix: '6.00 GB',
'9.62 ms', '$2.62M', '4.20e22 FLOP (486 PF-days)'.

>>> format_quantity(6e9, "B")
'6.00 GB'
"""

from __future__ import annotations

import math
from collections.abc import Callable

from botec.core.unit_constants import DAY, HOUR, MINUTE, MONTH, PETAFLOP_DAY, YEAR


def sig3(value: float) -> str:
    """``value`` to 3 significant figures, with thousands separators and no exponent below 1e15.

    >>> sig3(9.6153846), sig3(104.0), sig3(11574.07), sig3(0.0005208)
    ('9.62', '104', '11,600', '0.000521')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = math.floor(math.log10(abs(value)))
    if not -6 <= magnitude < 15:  # 1e-308 as '1.00e-308', never a 300-character decimal
        return f"{value:.2e}"
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
    if magnitude >= 1e15:  # past trillions: '$4.92e+17', not '$492,000T'
        return f"{sign}${magnitude:.2e}"
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
# Conversion constants, printed exactly: the factor itself is the point.
_CONVERSIONS = ("B/GB", "tokens/Mtoken", "W/kW", "FLOP/PFLOP")
_TIME_WORDS = ("s", "min", "h", "day", "days", "month", "months", "year", "years")


def format_quantity(value: float, unit: str) -> str:
    """Format a base-unit value with its unit, choosing a readable prefix.

    The unit strings botec uses are: ``B`` (bytes), ``B/s``, ``B/day``, ``bit/s``, ``FLOP``,
    ``FLOP/s``, ``s``, ``USD``, ``USD/h``, ``USD/month``, ``USD/GB-month``, ``USD/GB``, ``W``,
    ``fraction`` (printed as %), ``x`` (a ratio), and count units (``req/s``, ``GPUs``...). A time
    per something (``s/req``, ``s/sequence``) prints as a duration.

    >>> format_quantity(185185185.2, "bit/s")
    '185 Mbit/s'
    >>> format_quantity(0.0096154, "s/req"), format_quantity(500, "tokens/req")
    ('9.62 ms/req', '500 tokens/req')
    >>> format_quantity(0.4, "fraction")
    '40.0%'
    """
    value = float(value)
    if not math.isfinite(value):
        return f"{value} {unit}"
    if unit == "B":
        return format_bytes(value)
    if unit in _CONVERSIONS:  # the conversion constant itself
        return _format_factor(value, unit)
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
    if unit.startswith("s/") and unit[2:] not in _TIME_WORDS:
        return f"{format_duration(value)}/{unit[2:]}"  # a time per request, per sequence...
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
    count = format_count(value)
    if count == "1" and unit in _SINGULAR:  # "1 GPU", not "1 GPUs"
        unit = _SINGULAR[unit]
    return f"{count} {unit}"


# Plural count units and their singular, for a count that prints as exactly 1. Compound units
# ("tokens/req") keep their plural: the count is per one of the second.
_SINGULAR = {
    plural: plural[:-1]
    for plural in (
        "GPUs",
        "replicas",
        "nodes",
        "machines",
        "servers",
        "cores",
        "stages",
        "shards",
        "requests",
        "tokens",
        "images",
        "videos",
        "layers",
        "heads",
        "experts",
        "users",
        "sequences",
        "containers",
        "instances",
        "chips",
        "devices",
        "cards",
        "steps",
    )
}


def _format_factor(value: float, unit: str) -> str:
    """'1,000,000 tokens/Mtoken'; a power of ten past a billion as one: '10^15 FLOP/PFLOP'."""
    exponent = round(math.log10(value)) if value > 0 else 0
    if exponent > 9 and value == 10.0**exponent:
        return f"10^{exponent} {unit}"
    return f"{value:,.0f} {unit}"


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
