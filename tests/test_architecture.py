"""The layout's rules, checked: layers import downward only, no import cycles, one definition
per step name, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

import botec

SRC = Path(botec.__file__).parent


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("botec", cache_dir=None)


def test_layer_contracts_hold() -> None:
    # The same contracts `make test` runs with lint-imports, from pyproject.toml.
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint)], cwd=SRC.parents[1], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    # A package's __init__ re-exporting its own modules is not a cycle between modules; every
    # other import, lazy ones inside functions included, counts.
    edges: dict[str, set[str]] = defaultdict(set)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if module.startswith(imported + ".") or imported.startswith(module + "."):
                continue  # a package and its own submodules
            edges[module].add(imported)
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _formula_definitions() -> dict[str, set[str]]:
    """Step name -> the estimator modules whose source defines a Formula of that name."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((SRC / "estimators").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "Formula"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found[node.args[0].value].add(path.stem)
    return found


def test_one_model_per_step_name() -> None:
    # A step name means one thing: no two estimator modules define it (two models of the same
    # physics). One module may hold variants of a step for different architectures or modes
    # (sliding-window or full attention, training with or without the attention term).
    assert len(_formula_definitions()) > 100  # the parser found them
    clashes = {n: sorted(m) for n, m in _formula_definitions().items() if len(m) > 1}
    assert clashes == VARIANTS


# Results defined in two modules on purpose: the same quantity for two ways of training or of
# splitting a model over GPUs.
VARIANTS = {
    # memory per GPU when every weight trains (model states sharded by ZeRO) and when only
    # LoRA adapters do (frozen base weights + adapters)
    "memory_per_gpu": ["lora", "training_memory"],
    # the weights a MoE decode step reads when TP splits every weight and when each GPU runs
    # attention for its own requests with its own copy of the shared weights (attention DP)
    "weights_read_per_step": ["serving", "serving_adp"],
}


# Modules allowed past 400 lines, each with the reason written in the module itself.
LONG_MODULES: set[str] = set()


def test_modules_and_functions_are_small() -> None:
    long_modules, long_functions = [], []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(SRC))
        if len(text.splitlines()) > 400 and name not in LONG_MODULES:
            long_modules.append(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    long_functions.append(f"{name}:{node.name} ({length} lines)")
    assert long_modules == [] and long_functions == []
