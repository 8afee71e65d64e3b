"""botec's units in pint, and a checker that re-evaluates a step's formula on quantities.

The registry starts empty, so every definition is ours: botec's month is 30 days (pint's own is
30.4375). Six kinds of thing botec counts are base dimensions of their own: bytes, FLOP, tokens,
requests, sequences and USD, so that one can never stand in for another: bytes/s is not FLOP/s,
and a token is not a request. Time, power and energy are kept apart by physics. Every other
count word (GPUs, replicas, users, layers, heads, parameters, experts, cores, events...) is a
plain number: a GPU count multiplies a per-GPU figure the way any count does, and the test does
not ask botec to say "GPU" in each unit it prints.

A step passes when pint, evaluating the formula on each input's value in that input's declared
unit, derives the dimension of the step's declared unit and, converted to it, the number botec
computed (a wrong conversion factor, GB for GiB or a 730-hour month, is as bad as a wrong
dimension).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pint

# The counted things that are dimensions of their own (pint name = [dimension]): the issue's
# list. Every other count word is mapped to "dimensionless" in WORDS below.
COUNTED: dict[str, str] = {
    "FLOP": "compute",
    "USD": "currency",
    "token": "token",
    "request": "request",
    "sequence": "sequence",
}

_DEFINITIONS = (
    "second = [time] = s",
    "minute = 60 * second",
    "hour = 3600 * second = h",
    "day = 86400 * second",
    "month = 30 * day",  # botec's month (720 h, unit_constants.MONTH), not the calendar's
    "year = 365 * day",
    "byte = [information] = B",
    "bit = byte / 8",
    "watt = [power] = W",
    "petaflop_day = 1e15 * FLOP / second * day",
    "kilo- = 1e3 = k-",
    "mega- = 1e6 = M-",
    "giga- = 1e9 = G-",
    "tera- = 1e12 = T-",
    "peta- = 1e15 = P-",
    "kibi- = 2**10 = Ki-",
    "mebi- = 2**20 = Mi-",
    "gibi- = 2**30 = Gi-",
    "tebi- = 2**40 = Ti-",
)


def make_registry() -> pint.UnitRegistry:
    """An empty pint registry holding only botec's units."""
    ureg = pint.UnitRegistry(None)
    for name, dimension in COUNTED.items():
        ureg.define(f"{name} = [{dimension}]")
    for line in _DEFINITIONS:
        ureg.define(line)
    return ureg


UREG = make_registry()

# botec's unit words -> pint. A compound ("USD/GB-month", "req/s/core") is split on "/" (the
# first part over the rest) and "-" (a product); a word missing here fails the check.
WORDS: dict[str, str] = {
    # dimensionless: ratios, shares, multipliers, 0/1 switches, fitted constants
    "": "dimensionless",
    "x": "dimensionless",
    "fraction": "dimensionless",
    "flag": "dimensionless",
    # data
    "B": "byte",
    "GB": "gigabyte",
    "bit": "bit",
    # compute, power, energy
    "FLOP": "FLOP",
    "PFLOP": "petaFLOP",
    "PF-days": "petaflop_day",
    "W": "watt",
    "kW": "kilowatt",
    "J": "watt * second",
    "Wh": "watt * hour",
    "kWh": "kilowatt * hour",
    # time
    "s": "second",
    "h": "hour",
    "day": "day",
    "days": "day",
    "month": "month",
    "months": "month",
    # money
    "USD": "USD",
    # the counts that are dimensions
    "token": "token",
    "tokens": "token",
    "Mtoken": "megatoken",
    "req": "request",
    "request": "request",
    "requests": "request",
    "sequence": "sequence",
    "sequences": "sequence",
    # plain counts: how many of something, a pure number (see the module's docstring)
    **dict.fromkeys(
        (
            "GPU",
            "GPUs",
            "param",
            "params",
            "user",
            "users",
            "event",
            "events",
            "interaction",
            "interactions",
            "item",
            "items",
            "feature",
            "features",
            "core",
            "cores",
            "vCPU",
            "vCPUs",
            "machine",
            "machines",
            "node",
            "nodes",
            "replica",
            "replicas",
            "layer",
            "layers",
            "head",
            "heads",
            "dim",
            "dims",
            "rank",
            "stage",
            "stages",
            "all-reduces",
            "collectives",
            "reads",
            "expert",
            "experts",
            "matrices",
            "norms",
            "vectors",
            "vector",
            "positions",
            "passes",
            "value",
            "values",
            "entries",
            "image",
            "images",
            "step",
            "steps",
            "px",
            "frame",
            "frames",
            "video",
            "videos",
            "tensors",
            "document",
            "documents",
            "chunk",
            "chunks",
            "query",
            "queries",
            "link",
            "links",
            "candidates",
            "list",
            "lists",
            "sets",
            "centroids",
            "windows",
            "hypotheses",
            "sample",
            "samples",
            "shards",
            "rows",
            "trees",
            "levels",
            "chars",
            "streams",
        ),
        "dimensionless",
    ),
}


class UnmappedUnitError(KeyError):
    """A unit botec uses that :data:`WORDS` cannot translate."""


def to_pint(unit: str) -> pint.Unit:
    """botec's unit string as a pint unit: 'USD/GB-month' -> USD / gigabyte / month; a part in
    parentheses is a unit of its own: 'FLOP/token/(tokens/sequence)' is per token of length."""
    numerator, *denominators = _split_top(unit)
    out = _part(numerator, unit)
    for part in denominators:
        out = out / _part(part, unit)
    return out


def _split_top(unit: str) -> list[str]:
    """'a/b/(c/d)' -> ['a', 'b', '(c/d)']: split on the slashes outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(unit):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "/" and depth == 0:
            parts.append(unit[start:i])
            start = i + 1
    return [*parts, unit[start:]]


def _part(part: str, unit: str) -> pint.Unit:
    if part.startswith("(") and part.endswith(")"):
        return to_pint(part[1:-1])
    return _product(part, unit)


def _product(part: str, unit: str) -> pint.Unit:
    if part in WORDS:  # whole words with a hyphen: PF-days, all-reduces
        return UREG.parse_units(WORDS[part])
    out = UREG.parse_units("dimensionless")
    for word in part.split("-"):
        if word not in WORDS:
            raise UnmappedUnitError(f"unit word {word!r} (in {unit!r}) has no pint mapping")
        out = out * UREG.parse_units(WORDS[word])
    return out


def dimension_of(unit: str) -> str:
    """'[information] / [time]' for 'B/s'."""
    return _dim_text(UREG.Quantity(1, to_pint(unit)))


def _dim_text(q: Any) -> str:
    text = str(q.dimensionality)
    return "dimensionless" if text == "dimensionless" or not text else text


# -- evaluating a formula on quantities ---------------------------------------------------------


class Bare(float):
    """A number written in a formula. It scales; beside a quantity in a sum, a difference, max()
    or min() it counts what the quantity counts ('batch - 1' is one sequence fewer)."""


def _q(value: Any) -> Any:
    return UREG.Quantity(float(value)) if isinstance(value, Bare) else value


def _alike(values: list[Any], where: str) -> list[Any]:
    """Quantities in the units of the first; bare numbers take those units, and a quantity of
    another dimension is an error (pint's)."""
    quantities = [v for v in values if not isinstance(v, Bare)]
    if not quantities:
        return values
    first = quantities[0]
    out = []
    for v in values:
        if isinstance(v, Bare):
            out.append(UREG.Quantity(float(v), first.units))
        elif v.dimensionality != first.dimensionality:
            raise pint.DimensionalityError(first.units, v.units, extra_msg=f" in {where}")
        else:
            out.append(v.to(first.units))
    return out


def _rounding(func: Callable[[float], float]) -> Callable[[Any], Any]:
    # botec rounds its raw float: the magnitude in the units the inputs carry, unconverted
    def apply(x: Any) -> Any:
        if isinstance(x, Bare):
            return Bare(func(x))
        return UREG.Quantity(func(x.magnitude), x.units)

    return apply


def _extreme(pick: Callable[..., float], name: str) -> Callable[..., Any]:
    def apply(*xs: Any) -> Any:
        values = _alike(list(xs), f"{name}()")
        if all(isinstance(v, Bare) for v in values):
            return Bare(pick(*values))
        return UREG.Quantity(pick(*(v.magnitude for v in values)), values[0].units)

    return apply


def _log(func: Callable[[float], float], name: str) -> Callable[[Any], Any]:
    def apply(x: Any) -> Any:
        x = _q(x)
        if not x.dimensionless:
            raise pint.DimensionalityError(x.units, "dimensionless", extra_msg=f" in {name}()")
        return UREG.Quantity(func(x.to("dimensionless").magnitude))

    return apply


# The same names as botec.core.expr.FUNCTIONS; a function added there fails here until mapped.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ceil": _rounding(math.ceil),
    "floor": _rounding(math.floor),
    "max": _extreme(max, "max"),
    "min": _extreme(min, "min"),
    "sqrt": lambda x: _tidy(_q(x) ** 0.5),
    "log10": _log(math.log10, "log10"),
    "ln": _log(math.log, "ln"),
    "exp": _log(math.exp, "exp"),
}


def evaluate(text: str, env: Mapping[str, Any]) -> Any:
    """A botec formula (the text of a ``Formula``) evaluated on the pint quantities in ``env``;
    parsed afresh here, so the check does not lean on botec's own evaluator."""
    return _eval(ast.parse(text.strip(), mode="eval").body, env, text)


def _eval(node: ast.AST, env: Mapping[str, Any], text: str) -> Any:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Bare(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _eval(node.operand, env, text)
        if isinstance(node.op, ast.UAdd):
            return inner
        return Bare(-inner) if isinstance(inner, Bare) else -inner
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, env, text), _eval(node.right, env, text)
        return _binop(node.op, left, right, ast.unparse(node))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return FUNCTIONS[node.func.id](*(_eval(arg, env, text) for arg in node.args))
    raise ValueError(f"formula {text!r}: cannot evaluate {ast.dump(node)[:60]} on quantities")


def _binop(op: ast.operator, left: Any, right: Any, where: str) -> Any:
    bare = isinstance(left, Bare) and isinstance(right, Bare)
    if isinstance(op, ast.Add | ast.Sub):
        add = isinstance(op, ast.Add)
        if bare:
            return Bare(left + right if add else left - right)
        a, b = _alike([left, right], where)
        return a + b if add else a - b
    if isinstance(op, ast.Mult):
        return Bare(left * right) if bare else _q(left) * _q(right)
    if isinstance(op, ast.Div):
        return Bare(left / right) if bare else _q(left) / _q(right)
    if isinstance(op, ast.Pow):
        if bare:
            return Bare(left**right)
        exponent = _q(right)
        if not exponent.dimensionless:
            raise pint.DimensionalityError(
                exponent.units, "dimensionless", extra_msg=f" in {where}"
            )
        return _tidy(_q(left) ** float(exponent.to("dimensionless").magnitude))
    raise ValueError(f"operator {type(op).__name__} in {where}")


def _tidy(q: Any) -> Any:
    """Round float exponents so dimensions compare: ((s ** 2.5) ** 0.4 is s ** 1.0000000002)."""
    units = UREG.parse_units("dimensionless")
    for name, power in q.unit_items():
        rounded = round(float(power), 9)
        units = units * UREG.Unit(name) ** (int(rounded) if rounded.is_integer() else rounded)
    return UREG.Quantity(q.magnitude, units)


# -- checking a step ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """What pint derived for a step, against what botec declares."""

    derived: str  # the dimension pint derived, or "inconsistent" (adds or compares unlike things)
    declared: str  # the dimension of the declared unit
    detail: str


def check(
    expr: str,
    declared_unit: str,
    value: float,
    args: Mapping[str, tuple[float, str]],
    rel: float = 1e-6,
) -> Mismatch | None:
    """None when ``expr``, on ``args`` (name -> (value, unit)), has the dimension of
    ``declared_unit`` and, converted to it, ``value`` (to ``rel``); else what differs. A unit
    with no pint mapping raises :class:`UnmappedUnitError`."""
    env = {name: UREG.Quantity(float(v), to_pint(unit)) for name, (v, unit) in args.items()}
    want = UREG.Quantity(1, to_pint(declared_unit))
    try:
        got = _q(evaluate(expr, env))
    except pint.DimensionalityError as exc:
        return Mismatch("inconsistent", _dim_text(want), str(exc).strip())
    if got.dimensionality != want.dimensionality:
        return Mismatch(_dim_text(got), _dim_text(want), f"pint's units: {got.units:~}")
    magnitude = float(got.to(want.units).magnitude)
    if not _close(magnitude, float(value), rel):
        return Mismatch(
            _dim_text(got),
            _dim_text(want),
            f"in {declared_unit!r} pint gets {magnitude:.6g}, botec {float(value):.6g}",
        )
    return None


def check_conversion(value: float, unit: str, rel: float = 1e-6) -> Mismatch | None:
    """A conversion constant ('B/GB', 's/day', 'h/month', 'bit/B': a unit over another of the
    same dimension) must be the factor between the two: 1e9 B/GB, not 2**30; 720 h/month, not
    730. Other values pass: their units say nothing about their size."""
    one = UREG.Quantity(1.0, to_pint(unit))
    if not one.dimensionless or not list(one.unit_items()):
        return None
    expected = 1.0 / one.to("dimensionless").magnitude
    if _close(float(value), expected, rel):
        return None
    return Mismatch(
        "dimensionless", "dimensionless", f"a {unit!r} constant is {expected:.6g}, not {value:.6g}"
    )


def _close(a: float, b: float, rel: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)
