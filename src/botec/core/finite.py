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

    # an array of draws is the same input only as the same object; a number (a numpy scalar
    # included, whose shape is ()) by its value
    same = existing.value is point if getattr(point, "ndim", 0) else bool(existing.value == point)
    same_spec = existing.spec is spec or (
        existing.spec is not None and spec is not None and _same_range(existing.spec, spec)
    )
    if existing.unit == unit and not (same and same_spec):
        # two sections of the scenario disagree, or one states it and another took the
        # catalog's range: which one holds is the user's choice, so ask rather than pick

        def shown(value: Any, rng: Any, where: str | None, default: str) -> str:
            if rng is None:
                return f"{format_quantity(float(value), unit)} ({where or default})"
            low, high = format_quantity(rng.low, unit), format_quantity(rng.high, unit)
            return f"{low} to {high} ({where or default})"

        raise BotecInputError(
            existing.name,
            f"{shown(existing.value, existing.spec, existing.section, 'first')} and "
            f"{shown(point, spec, section, 'then')}",
            "one value wherever it is given (it is recorded twice, once by each section that "
            "takes it; a section that leaves it out takes the catalog's range)",
        )
    if not same or existing.unit != unit or not same_spec:
        raise ValueError(
            f"input {existing.name!r} recorded twice with different values "
            f"({existing.value!r} {existing.unit} vs {point!r} {unit})"
        )


def _same_range(a: Any, b: Any) -> bool:
    """Two ranges parsed from the same text (each section parses its own copy) are one input."""
    if (a.low, a.high, a.dist, a.nominal) != (b.low, b.high, b.dist, b.nominal):
        return False
    if a.values is None or b.values is None:
        return a.values is b.values
    return [float(x) for x in a.values] == [float(x) for x in b.values]
