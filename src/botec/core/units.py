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

Constants live in :mod:`botec.core.unit_constants`, parsing in :mod:`botec.core.unit_parsing`,
formatting in :mod:`botec.core.unit_format`; this module re-exports them all.
"""

from __future__ import annotations

from botec.core.unit_constants import (
    BITS_PER_BYTE,
    DAY,
    EB,
    GB,
    HOUR,
    KB,
    MB,
    MINUTE,
    MONTH,
    PB,
    PETAFLOP_DAY,
    SECOND,
    TB,
    WEEK,
    YEAR,
    GiB,
    KiB,
    MiB,
    PiB,
    TiB,
)
from botec.core.unit_format import (
    Formatter,
    format_bytes,
    format_count,
    format_duration,
    format_flop,
    format_memory,
    format_quantity,
    format_range,
    format_usd,
    sig3,
)
from botec.core.unit_parsing import DIMENSION_HELP, parse_quantity

__all__ = [
    "BITS_PER_BYTE",
    "DAY",
    "DIMENSION_HELP",
    "EB",
    "GB",
    "HOUR",
    "KB",
    "MB",
    "MINUTE",
    "MONTH",
    "PB",
    "PETAFLOP_DAY",
    "SECOND",
    "TB",
    "WEEK",
    "YEAR",
    "Formatter",
    "GiB",
    "KiB",
    "MiB",
    "PiB",
    "TiB",
    "format_bytes",
    "format_count",
    "format_duration",
    "format_flop",
    "format_memory",
    "format_quantity",
    "format_range",
    "format_usd",
    "parse_quantity",
    "sig3",
]
