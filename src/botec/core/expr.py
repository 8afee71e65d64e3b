"""A tiny, safe formula language: parse once, then evaluate, render and substitute.

botec's formulas are written as short Python-like expressions (``"params * bytes_per_param"``).
The same parsed tree

* evaluates on floats or numpy arrays (so Monte Carlo and sweeps reuse the exact definition),
* renders the formula for people (``params × bytes_per_param``),
* renders the substitution with each name replaced by its formatted value.

Only arithmetic, names, numeric literals and a handful of whitelisted functions are accepted; the
tree is walked by this module and never handed to ``eval``.

>>> e = Expr("ceil(users * rate / seconds_per_day)")
>>> e.evaluate({"users": 100.0, "rate": 10.0, "seconds_per_day": 86400.0})
1
>>> e.render()
'⌈users × rate / seconds_per_day⌉'
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from typing import Any

Number = Any  # float or numpy array

_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_SYMBOL = {ast.Add: " + ", ast.Sub: " − ", ast.Mult: " × ", ast.Div: " / ", ast.Pow: "^"}
_ATOM = 5
_UNARY = 3


def _is_array(*values: Number) -> bool:
    return any(hasattr(v, "shape") and getattr(v, "ndim", 0) > 0 for v in values)


def _np() -> Any:
    import numpy  # imported only when arrays are in play, to keep `import botec` fast

    return numpy


def _ceil(x: Number) -> Number:
    return _np().ceil(x) if _is_array(x) else math.ceil(x)


def _floor(x: Number) -> Number:
    return _np().floor(x) if _is_array(x) else math.floor(x)


def _max(*xs: Number) -> Number:
    if _is_array(*xs):
        np = _np()
        out = xs[0]
        for x in xs[1:]:
            out = np.maximum(out, x)
        return out
    return max(xs)


def _min(*xs: Number) -> Number:
    if _is_array(*xs):
        np = _np()
        out = xs[0]
        for x in xs[1:]:
            out = np.minimum(out, x)
        return out
    return min(xs)


def _sqrt(x: Number) -> Number:
    return _np().sqrt(x) if _is_array(x) else math.sqrt(x)


def _log10(x: Number) -> Number:
    return _np().log10(x) if _is_array(x) else math.log10(x)


def _ln(x: Number) -> Number:
    return _np().log(x) if _is_array(x) else math.log(x)


def _exp(x: Number) -> Number:
    return _np().exp(x) if _is_array(x) else math.exp(x)


FUNCTIONS: dict[str, Callable[..., Number]] = {
    "ceil": _ceil,
    "floor": _floor,
    "max": _max,
    "min": _min,
    "sqrt": _sqrt,
    "log10": _log10,
    "ln": _ln,
    "exp": _exp,
}

_Evaluator = Callable[[Mapping[str, Number]], Number]


class FormulaSyntaxError(ValueError):
    """A formula uses syntax outside the safe subset."""


class Expr:
    """A parsed formula. Construct once (at import time), use many times."""

    __slots__ = ("_evaluate", "_tree", "names", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        try:
            tree = ast.parse(text.strip(), mode="eval").body
        except SyntaxError as exc:
            raise FormulaSyntaxError(f"cannot parse formula {text!r}: {exc.msg}") from None
        self._tree = tree
        names: list[str] = []
        self._evaluate = _compile(tree, names, text)
        self.names = tuple(dict.fromkeys(names))

    def evaluate(self, env: Mapping[str, Number]) -> Number:
        """Value of the formula with each name looked up in ``env``."""
        return self._evaluate(env)

    def render(self, show: Callable[[str], str] | None = None) -> str:
        """The formula as text; ``show`` maps each name to what is printed for it."""
        return _render(self._tree, show or (lambda name: name))[0]

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"


def _compile(node: ast.AST, names: list[str], text: str) -> _Evaluator:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        constant = node.value
        return lambda env: constant
    if isinstance(node, ast.Name):
        name = node.id
        names.append(name)
        return lambda env: env[name]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _compile(node.operand, names, text)
        if isinstance(node.op, ast.USub):
            return lambda env: -inner(env)
        return inner
    if isinstance(node, ast.BinOp) and type(node.op) in _PRECEDENCE:
        left = _compile(node.left, names, text)
        right = _compile(node.right, names, text)
        op = type(node.op)
        if op is ast.Add:
            return lambda env: left(env) + right(env)
        if op is ast.Sub:
            return lambda env: left(env) - right(env)
        if op is ast.Mult:
            return lambda env: left(env) * right(env)
        if op is ast.Div:
            return lambda env: left(env) / right(env)
        return lambda env: left(env) ** right(env)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FUNCTIONS
        and not node.keywords
        and node.args
    ):
        func = FUNCTIONS[node.func.id]
        args = [_compile(arg, names, text) for arg in node.args]
        if len(args) == 1:
            only = args[0]
            return lambda env: func(only(env))
        return lambda env: func(*(arg(env) for arg in args))
    raise FormulaSyntaxError(
        f"formula {text!r} uses {ast.dump(node)[:60]}; only + − × / ** , names, numbers and "
        f"{', '.join(sorted(FUNCTIONS))} are allowed"
    )


def _render(node: ast.AST, show: Callable[[str], str]) -> tuple[str, int]:
    """Text and precedence of ``node``; parentheses only where the grouping needs them."""
    if isinstance(node, ast.Constant):
        value = node.value
        text = f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)
        return text, _ATOM
    if isinstance(node, ast.Name):
        return show(node.id), _ATOM
    if isinstance(node, ast.UnaryOp):
        inner, prec = _render(node.operand, show)
        if prec < _UNARY:
            inner = f"({inner})"
        return ("−" if isinstance(node.op, ast.USub) else "+") + inner, _UNARY
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        prec = _PRECEDENCE[op]
        left, left_prec = _render(node.left, show)
        right, right_prec = _render(node.right, show)
        if left_prec < prec or (op is ast.Pow and left_prec <= prec):
            left = f"({left})"
        if right_prec < prec or (right_prec == prec and op in (ast.Sub, ast.Div, ast.Pow)):
            right = f"({right})"
        return f"{left}{_SYMBOL[op]}{right}", prec
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_render(arg, show)[0] for arg in node.args]
        name = node.func.id
        if name == "ceil":
            return f"⌈{args[0]}⌉", _ATOM
        if name == "floor":
            return f"⌊{args[0]}⌋", _ATOM
        if name == "sqrt":
            return f"√({args[0]})", _ATOM
        return f"{name}({', '.join(args)})", _ATOM
    raise FormulaSyntaxError(f"cannot render {ast.dump(node)[:60]}")  # pragma: no cover
