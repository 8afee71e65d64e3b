"""Replay a recorded sheet with some inputs replaced: the same formulas, evaluated on arrays.

A sheet keeps every step's formula and the values it was computed from, so the graph behind any
result can be evaluated again with other inputs, for instance a numpy array of candidate batch
sizes, in one vectorised pass. Nothing is recomputed outside the recorded formulas, so a replayed
figure is, by construction, what the report would show for the same inputs; the caller must only
replace inputs that no Python-side branch of the recording depended on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botec.core.sheet import Value


def replay(results: Iterable[Value], replaced: Mapping[str, Any]) -> dict[str, Any]:
    """Each of ``results`` re-evaluated with the values named in ``replaced`` (inputs, or steps
    already replayed) set to the given floats or numpy arrays, which broadcast together; keyed by
    result name."""
    import numpy

    memo: dict[int, tuple[Any, bool]] = {}

    def value_of(item: Value) -> tuple[Any, bool]:
        """(the value, whether it depends on a replaced one): a step that depends on none keeps
        its recorded value, the same formula on the same inputs."""
        key = id(item)
        if key in memo:
            return memo[key]
        if item.name in replaced:  # an input, or a step whose value the caller already has
            got = (replaced[item.name], True)
        elif item.kind != "step" or item.formula is None or item.args is None:
            got = (item.value, False)
        else:
            args = {name: value_of(arg) for name, arg in item.args.items()}
            if any(changed for _, changed in args.values()):
                env = {name: value for name, (value, _) in args.items()}
                with numpy.errstate(all="ignore"):  # an infeasible candidate may divide by zero
                    try:
                        got = (item.formula.parsed.evaluate(env), True)
                    except (ZeroDivisionError, OverflowError):
                        got = (numpy.inf, True)
            else:
                got = (item.value, False)
        memo[key] = got
        return got

    return {item.name: value_of(item)[0] for item in results}
