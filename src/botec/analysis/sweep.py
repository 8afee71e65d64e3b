"""Sweeps: a scenario evaluated over a grid of inputs, vectorised over the numeric axes.

``--vary dau=1M..1B`` makes a numeric axis (log-spaced when it spans 10× or more, else linear;
``1M..1B:13`` sets the number of points, ``1M,10M,300M`` lists them). ``--vary gpu=a100-80gb,l4``
makes a categorical axis. Categorical axes (and whole-number fields that pick a layout) are looped
over; all numeric axes together form one grid that runs through the same formulas as a single
numpy pass, so a million-point grid costs about as much as a few hundred scalar runs.

Branches in the cascade (does the model fit? which GPU count is billed?) follow the grid's middle
point in a vectorised pass, so every pass is checked: its first and last grid points are
re-evaluated one by one and must agree, or the pass is redone point by point.

Axes (``--vary`` parsing) live in :mod:`botec.analysis.sweep_axes`, re-exported here.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botec.analysis.compare_variants import on_devices
from botec.analysis.sweep_axes import (
    ALIASES,
    BASE_UNITS,
    DEFAULT_POINTS,
    MAX_POINTS,
    PINS,
    Axis,
    check_size,
    parse_vary,
)
from botec.core.errors import BotecInputError
from botec.core.uncertain import Uncertain
from botec.scenario import Scenario, scenario_from_dict

if TYPE_CHECKING:
    from botec.catalog import Catalog

__all__ = [
    "ALIASES",
    "BASE_UNITS",
    "CHUNK",
    "DEFAULT_POINTS",
    "MAX_POINTS",
    "Axis",
    "SweepResult",
    "parse_vary",
    "run_sweep",
]

# Result columns a sweep shows when none are named (a scenario's headline results): the memory
# bound's estimate before the first pass has said which.
DEFAULT_COLUMNS = 6
CHUNK = 250_000  # grid points per vectorised pass: bounded memory, and a progress bar to move


@dataclass
class SweepResult:
    axes: list[Axis]
    outputs: list[tuple[str, str, str]]  # (result name, title, unit)
    columns: dict[str, Any] = field(default_factory=dict)  # axis or result name -> values
    rows: int = 0
    pointwise_passes: int = 0
    unpriced: list[str] = field(default_factory=list)  # devices whose totals were left blank
    # the scenario's own-GPU settings (a price, a bandwidth) that rows on other GPUs ran without
    dropped: list[str] = field(default_factory=list)

    def records(self) -> Iterable[dict[str, Any]]:
        for i in range(self.rows):
            yield {name: _item(values, i) for name, values in self.columns.items()}

    def to_dict(self) -> dict[str, Any]:
        """The grid as a mapping: the axes, the results (name, title, unit) and every row."""
        return {
            "axes": [a.name for a in self.axes],
            "results": [{"name": n, "title": t, "unit": u} for n, t, u in self.outputs],
            "rows": list(self.records()),
        }

    def to_frame(self) -> Any:
        """The grid as a pandas DataFrame, one row per point, values in base units."""
        from botec.core.display import frame

        return frame(list(self.records()))

    def _repr_html_(self) -> str:
        import importlib

        return importlib.import_module("botec.report.sweep_view").render_sweep(self, "html")


def _add_outputs(
    out: dict[str, list[Any]], names: list[str], values: dict[str, Any], done: int, size: int
) -> None:
    """One pass's results into the columns; a result one pass lacks (a GPU with no price has no
    cost) is NaN there, so every column keeps one value per grid point."""
    import numpy

    for n in names:
        if n not in out:
            out[n] = [numpy.full(done, numpy.nan)] if done else []
        out[n].append(values[n])
    for n, parts in out.items():
        if n not in names:
            parts.append(numpy.full(size, numpy.nan))


def _item(values: Any, i: int) -> Any:
    value = values[i]
    return value.item() if hasattr(value, "item") else value


# -- running --------------------------------------------------------------------------------------


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    section, _, name = path.partition(".")
    data[section][name] = value


def _with_grid(scn: Scenario, assignments: dict[str, Any]) -> Scenario:
    """The validated scenario with grid arrays put in (validation checked the grid's ends)."""
    updates: dict[str, dict[str, Any]] = {}
    for path, value in assignments.items():
        section, _, name = path.partition(".")
        updates.setdefault(section, {})[name] = value
    sections = {
        section: getattr(scn, section).model_copy(update=values)
        for section, values in updates.items()
    }
    return scn.model_copy(update=sections)


def run_sweep(
    data: dict[str, Any],
    axes: list[Axis],
    outputs: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    catalog: Catalog | None = None,
) -> SweepResult:
    """Evaluate ``data`` (a scenario mapping) on the grid of ``axes``; outputs default to the
    headline results. ``progress(n)`` is told how many grid points each pass finished."""
    import numpy

    from botec.run import run_scenario

    run_scenario = functools.partial(run_scenario, catalog=catalog)  # the runs' catalog

    loops = [a for a in axes if not a.numeric]
    grid_axes = [a for a in axes if a.numeric]
    total = math.prod(len(a.values) for a in axes)
    check_size(total, len(axes) + (len(outputs) if outputs else DEFAULT_COLUMNS))
    mesh = [
        m.ravel()
        for m in numpy.meshgrid(*[numpy.asarray(a.values) for a in grid_axes], indexing="ij")
    ]
    grid_size = len(mesh[0]) if mesh else 1
    result = SweepResult(axes, [])
    columns: dict[str, list[Any]] = {a.name: [] for a in axes}
    out_columns: dict[str, list[Any]] = {}
    done = 0  # grid points already in the columns
    for combo in itertools.product(*[a.values for a in loops]):
        with _at_point(loops, combo):
            base, dropped = on_devices(data, _placed(loops, combo), catalog)
            result.dropped += [d for d in dropped if d not in result.dropped]
            scn = _checked_at_corners(base, loops, combo, grid_axes, mesh, grid_size)
        for start in range(0, grid_size, CHUNK):
            stop = min(grid_size, start + CHUNK)
            with _at_point(loops, combo):
                names, values = _run_pass(
                    result, scn, grid_axes, mesh, start, stop, outputs, run_scenario
                )
            _add_outputs(out_columns, names, values, done, stop - start)
            done += stop - start
            for axis in loops:
                columns[axis.name].append(
                    numpy.full(stop - start, combo[loops.index(axis)], dtype=object)
                )
            for axis, values_ in zip(grid_axes, mesh, strict=True):
                columns[axis.name].append(values_[start:stop])
            if progress:
                progress(stop - start)
    result.columns = {
        name: numpy.concatenate(parts) if parts else numpy.array([])
        for name, parts in {**columns, **out_columns}.items()
    }
    result.rows = total
    return result


def _placed(loops: list[Axis], combo: tuple[Any, ...]) -> dict[str, str]:
    """The GPU fields this combination of the looped axes sets, and to which device."""
    return {
        path: str(value)
        for axis, value in zip(loops, combo, strict=True)
        for path in axis.fields
        if path.endswith(".gpu")
    }


@contextlib.contextmanager
def _at_point(loops: list[Axis], combo: tuple[Any, ...]) -> Iterator[None]:
    """An input error at one point of the sweep names that point (gpu=t4: ...)."""
    try:
        yield
    except BotecInputError as exc:
        if not loops:
            raise
        where = ", ".join(f"{a.name}={v}" for a, v in zip(loops, combo, strict=True))
        raise BotecInputError(f"{exc.field} (at {where})", exc.value, exc.allowed) from None


def _checked_at_corners(
    data: dict[str, Any],
    loops: list[Axis],
    combo: tuple[Any, ...],
    grid_axes: list[Axis],
    mesh: list[Any],
    grid_size: int,
) -> Scenario:
    """The scenario for one combination of the looped axes, validated at the grid's first and
    last points (every field's bounds are intervals, so the ends suffice)."""
    base = _deep_copy(data)
    # the seed's printed figures are for the file's own inputs, and a point may compute no such
    # result (batch 1 has no batched rate): a sweep's table never shows them anyway
    base.pop("seed_check", None)
    for axis, value in zip(loops, combo, strict=True):
        for path in axis.fields:
            _set(base, path, value)
            pinned = PINS.get(path)
            if pinned and isinstance(base.get("serving_plan"), dict):
                _set(base, pinned, [])  # the row is the plan on this GPU or precision only
    for corner in (0, grid_size - 1):
        checked = _deep_copy(base)
        for axis, values in zip(grid_axes, mesh, strict=True):
            for path in axis.fields:
                _set(checked, path, float(values[corner]))
        scn = scenario_from_dict(checked, "--vary")
    return scn


def _run_pass(
    result: SweepResult,
    scn: Scenario,
    grid_axes: list[Axis],
    mesh: list[Any],
    start: int,
    stop: int,
    outputs: list[str] | None,
    run: Any,
) -> tuple[list[str], dict[str, Any]]:
    """One vectorised pass over grid points [start, stop): the output names and their columns,
    redone point by point when the pass's ends disagree with scalar runs. The first pass also
    sets ``result.outputs``."""
    sheet = _grid_pass(scn, grid_axes, mesh, start, stop, run)
    # every pass reports the first pass's results (blank where a point lacks one: a GPU with
    # no price has no plan), so each row has the columns the table and the exports name
    names = outputs or [n for n, _t, _u in result.outputs] or _headlines(sheet)
    if not result.outputs:
        result.outputs = [_describe(sheet, n) for n in names]
    values = {n: _column(sheet, n, stop - start) for n in names}
    if grid_axes and not _agrees(scn, grid_axes, mesh, start, stop, values, run):
        values = _pointwise(scn, grid_axes, mesh, start, stop, names, run)
        result.pointwise_passes += 1
    _blank_partial_totals(result, sheet, values)
    return names, values


def _blank_partial_totals(result: SweepResult, sheet: Any, values: dict[str, Any]) -> None:
    """A total that leaves out an unpriced fleet (the report's note says which) is no total:
    blank in the table, with the device named under it."""
    import numpy

    if not any(n.topic == "unpriced" for n in sheet.notes):
        return
    for name in values:
        if name.startswith("total_monthly_cost"):
            values[name] = numpy.full(len(values[name]), numpy.nan)
    for device in sheet.unpriced:
        if device not in result.unpriced:
            result.unpriced.append(device)


def _deep_copy(data: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}


def _grid_pass(
    scn: Scenario, grid_axes: list[Axis], mesh: list[Any], start: int, stop: int, run: Any
) -> Any:
    if not grid_axes:
        return run(scn)
    import numpy

    assignments = {}
    for axis, values in zip(grid_axes, mesh, strict=True):
        chunk = values[start:stop]
        grid = Uncertain(float(chunk.min()), float(chunk.max()), "grid", values=chunk)
        for path in axis.fields:
            assignments[path] = grid
    # A pass follows the grid's middle through the cascade's branches; at points where that
    # branch is wrong (a model that does not fit) a division may meet zero. Those points are
    # caught by the corner check and redone one at a time, so the warning would only be noise.
    with numpy.errstate(divide="ignore", invalid="ignore"):
        return run(_with_grid(scn, assignments))


def _headlines(sheet: Any) -> list[str]:
    """The default columns: the figures that answer the scenario's question (--result for
    more), so the table stays readable."""
    from botec.analysis.answer import answer_figures

    return [v.name for v in answer_figures(sheet)]


def _describe(sheet: Any, name: str) -> tuple[str, str, str]:
    if name not in sheet.steps:
        raise BotecInputError(
            "--result", name, f"a result of this scenario: {', '.join(sheet.steps)}"
        )
    step = sheet.steps[name]
    return (name, step.title, step.unit)


def _column(sheet: Any, name: str, n: int) -> Any:
    import numpy

    if name not in sheet.steps:
        return numpy.full(n, numpy.nan)
    step = sheet.steps[name]
    values = step.samples if step.samples is not None else step.value
    return numpy.broadcast_to(numpy.asarray(values, dtype=float), (n,)).copy()


def _point_scenario(scn: Scenario, grid_axes: list[Axis], mesh: list[Any], i: int) -> Scenario:
    assignments = {
        path: float(values[i])
        for axis, values in zip(grid_axes, mesh, strict=True)
        for path in axis.fields
    }
    return _with_grid(scn, assignments)


def _agrees(
    scn: Scenario,
    grid_axes: list[Axis],
    mesh: list[Any],
    start: int,
    stop: int,
    values: dict[str, Any],
    run: Any,
) -> bool:
    """Scalar runs at the pass's first and last points match the vectorised columns."""
    for i in {start, stop - 1}:
        sheet = run(_point_scenario(scn, grid_axes, mesh, i))
        for name, column in values.items():
            got = float(column[i - start])
            want = float(sheet.steps[name].value) if name in sheet.steps else math.nan
            same = (math.isnan(got) and math.isnan(want)) or math.isclose(
                got, want, rel_tol=1e-9, abs_tol=1e-12
            )
            if not same:
                return False
    return True


def _pointwise(
    scn: Scenario,
    grid_axes: list[Axis],
    mesh: list[Any],
    start: int,
    stop: int,
    names: list[str],
    run: Any,
) -> dict[str, Any]:
    """The slow, always-right path: one scalar run per grid point."""
    import numpy

    if stop - start > 20_000:
        raise BotecInputError(
            "--vary",
            f"{stop - start:,} points",
            "a grid whose results do not change branch inside it (e.g. a model that fits on "
            "one GPU at one end and not at the other), or at most 20,000 points",
        )
    out = {n: numpy.empty(stop - start) for n in names}
    for i in range(start, stop):
        sheet = run(_point_scenario(scn, grid_axes, mesh, i))
        for n in names:
            out[n][i - start] = float(sheet.steps[n].value) if n in sheet.steps else math.nan
    return out
