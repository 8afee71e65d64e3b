"""Sums over whichever parts a scenario has (cost lines, feature-store parts)."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

_SUMS: dict[tuple[str, str, str, tuple[str, ...]], Formula] = {}


def sum_of(sheet: Sheet, name: str, title: str, unit: str, parts: list[Value]) -> Value:
    """Record ``name = part1 + part2 + ...``; the formula is built once per combination of parts."""
    names = tuple(p.name for p in parts)
    key = (name, title, unit, names)
    if key not in _SUMS:
        _SUMS[key] = Formula(name, " + ".join(names), unit, title, headline=True)
    return sheet.step(_SUMS[key], **{p.name: p for p in parts})
