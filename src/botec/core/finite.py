"""Results that are numbers: a step whose value is infinite or NaN is refused, naming the inputs
that led there, rather than printed as ``inf s`` or ``nan – nan kWh``."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError


def check_finite(key: str, formula: Any, result: Any, samples: Any, args: dict[str, Any]) -> None:
    """A step whose result is infinite or NaN is refused with the inputs that led there (an
    MFU of 1e-308 gives an infinite training time): never printed as an answer."""
    import math

    bad = not math.isfinite(float(result))
    if not bad and samples is not None:
        import numpy

        bad = not bool(numpy.isfinite(numpy.asarray(samples, dtype=float)).all())
    if bad:
        given = ", ".join(f"{k} = {v.formatted()}" for k, v in args.items())
        raise BotecInputError(
            key,
            f"{formula.parsed.render()} = {float(result)}",
            f"inputs that give a finite {formula.title[:1].lower()}{formula.title[1:]} "
            f"(here {given})",
        )
