"""Results that are numbers: a step whose value is infinite or NaN is refused, naming the inputs
that led there, rather than printed as ``inf s`` or ``nan – nan kWh``."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError


def check_finite(key: str, formula: Any, result: Any, samples: Any, args: dict[str, Any]) -> None:
    """A step whose result is infinite or NaN is refused with the inputs that led there (an
    MFU of 1e-308 gives an infinite training time): never printed as an answer."""
    import math

    def given() -> str:  # formatted only for the message: a finite step costs nothing here
        return ", ".join(f"{k} = {v.formatted()}" for k, v in args.items())

    if not math.isfinite(float(result)):
        raise BotecInputError(
            key,
            f"{formula.parsed.render()} = {float(result)}",
            f"inputs that give a finite {_lower(formula.title)} (here {given()})",
        )
    if samples is not None:
        import numpy

        draws = numpy.asarray(samples, dtype=float)
        bad = int(draws.size - numpy.isfinite(draws).sum())
        if bad:  # the central value is fine; some draws of the ranges are not
            raise BotecInputError(
                key,
                f"{formula.parsed.render()} not finite in {bad:,} of {draws.size:,} draws",
                f"input ranges whose every draw gives a finite {_lower(formula.title)} (at "
                f"the central values {given()}): narrow the ranges that reach zero",
            )


def _lower(title: str) -> str:
    """'Training time' -> 'training time'; 'GPU-hours' stays as written."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def check_same_input(existing: Any, point: Any, unit: str, spec: Any, section: str) -> None:
    """An input recorded a second time must be the same number: two sections that take it and
    disagree are the user's contradiction (named); anything else is botec's own bug."""
    from botec.core.units import format_quantity

    same = existing.value is point if hasattr(point, "shape") else bool(existing.value == point)
    if existing.unit == unit and not same:  # two sections of the scenario disagree
        raise BotecInputError(
            existing.name,
            f"{existing.formatted()} ({existing.section or 'first'}) and "
            f"{format_quantity(float(point), unit)} ({section or 'then'})",
            "one value wherever it is given (it is recorded twice, once by each section that "
            "takes it)",
        )
    if not same or existing.unit != unit or existing.spec is not spec:
        raise ValueError(
            f"input {existing.name!r} recorded twice with different values "
            f"({existing.value!r} {existing.unit} vs {point!r} {unit})"
        )
