"""What a catalog range may span, by its unit: a share of a peak, a time, an amount."""

from __future__ import annotations

# Assumptions whose draws are capped at 1 where they are used, so a range may reach past it (a
# whole run's share of its GPU time: its lognormal spread is wide, its draws never exceed 1).
_CAPPED_FRACTIONS = frozenset({"whole_run_efficiency"})
# The longest fixed time any assumption stands for (a model server's start-up is minutes): past a
# day a value in seconds is a typo in units.
_MAX_SECONDS = 86_400.0


def check_domain(key: str, unit: str, low: float, high: float, nominal: float | None) -> None:
    """Refuse a range outside what its unit means: a share of a peak above 1 or at 0, a negative
    time, a non-positive rate or count. (A negative overhead would give a negative latency, and an
    efficiency of 50 a speed fifty times the hardware's.)"""
    if unit == "fraction":
        top = 2.0 if key in _CAPPED_FRACTIONS else 1.0
        if low <= 0 or high > top or (nominal is not None and not 0 < nominal <= 1):
            raise ValueError(f"a share: ends above 0 and at most {top:g} (1 = all of it)")
    elif unit == "s":
        if low < 0 or high > _MAX_SECONDS:
            raise ValueError(f"a time in seconds: from 0 to {_MAX_SECONDS:g}")
    elif unit and low < 0:
        raise ValueError(f"a value of at least 0 (in {unit})")
