"""Unit constants: every number inside botec is a plain float in a base unit (bytes, seconds,
FLOP, USD, watts, counts); these are the multiples the rest of botec names."""

from __future__ import annotations

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
