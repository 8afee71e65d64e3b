"""Sweeps: a scenario evaluated over a grid of inputs, vectorised over the numeric axes.

``--vary dau=1M..1B`` makes a numeric axis (log-spaced when it spans 10× or more, else linear;
``1M..1B:13`` sets the number of points, ``1M,10M,300M`` lists them). ``--vary gpu=a100-80gb,l4``
makes a categorical axis. Categorical axes (and whole-number fields that pick a layout) are looped
over; all numeric axes together form one grid that runs through the same formulas as a single
numpy pass, so a million-point grid costs about as much as a few hundred scalar runs.

Branches in the cascade (does the model fit? which GPU count is billed?) follow the grid's middle
point in a vectorised pass, so every pass is checked: its first and last grid points are
re-evaluated one by one and must agree, or the pass is redone point by point.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botec.core.errors import BotecInputError
from botec.core.uncertain import Uncertain
from botec.scenario import Scenario, _Quantity, scenario_from_dict

if TYPE_CHECKING:
    from botec.catalog import Catalog

# Short names people type, and the scenario fields they set (every one present is set).
ALIASES: dict[str, tuple[str, ...]] = {
    "dau": ("users.daily_active_users",),
    "mau": ("users.monthly_active_users",),
    "qps": ("users.requests_per_second",),
    "requests_per_user": ("users.requests_per_user_per_day",),
    "peak_factor": ("users.peak_factor",),
    "params": ("model.params", "training.params"),
    "precision": ("model.precision", "training.precision"),
    "gpu": ("inference.gpu", "model.gpu", "kv_cache.gpu", "training.gpu"),
    "output_tokens": ("requests.output_tokens",),
    "prompt_tokens": ("requests.prompt_tokens",),
    "tokens": ("training.tokens",),
    "gpus": ("training.gpus",),
    "mfu": ("training.mfu",),
    "price": ("cost.usd_per_gpu_hour", "training.usd_per_gpu_hour"),
    "context": ("kv_cache.context_tokens",),
    "sequences": ("kv_cache.concurrent_sequences",),
}
# The base unit values of each dimension are held in (see botec.core.units).
BASE_UNITS = {
    "bytes": "B",
    "byte_rate": "B/s",
    "flop": "FLOP",
    "flop_rate": "FLOP/s",
    "duration": "s",
    "usd": "USD",
    "usd_per_hour": "USD/h",
    "usd_per_gb_month": "USD/GB-month",
    "usd_per_gb": "USD/GB",
    "fraction": "fraction",
    "factor": "x",
}
DEFAULT_POINTS = 7
MAX_POINTS = 10_000_000
CHUNK = 250_000  # grid points per vectorised pass: bounded memory, and a progress bar to move


@dataclass
class Axis:
    """One swept input: its name, the scenario fields it sets and its values."""

    name: str
    fields: tuple[str, ...]
    values: list[Any]
    numeric: bool  # True: part of the vectorised grid
    unit: str = ""


@dataclass
class SweepResult:
    axes: list[Axis]
    outputs: list[tuple[str, str, str]]  # (result name, title, unit)
    columns: dict[str, Any] = field(default_factory=dict)  # axis or result name -> values
    rows: int = 0
    pointwise_passes: int = 0

    def records(self) -> Iterable[dict[str, Any]]:
        for i in range(self.rows):
            yield {name: _item(values, i) for name, values in self.columns.items()}


def _item(values: Any, i: int) -> Any:
    value = values[i]
    return value.item() if hasattr(value, "item") else value


# -- parsing --------------------------------------------------------------------------------------


def _field_info(path: str) -> Any:
    from botec.scenario import Scenario

    section, _, name = path.partition(".")
    model_field = Scenario.model_fields.get(section)
    if model_field is None or not name:
        return None
    annotation = model_field.annotation
    inner = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
    for cls in inner:
        fields = getattr(cls, "model_fields", {})
        if name in fields:
            return fields[name]
    return None


def _quantity(info: Any) -> _Quantity | None:
    """The quantity marker of a field, looking inside Optional[Annotated[...]] too."""
    import typing

    stack: list[Any] = [*info.metadata, info.annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, _Quantity):
            return item
        stack.extend(getattr(item, "__metadata__", ()))
        stack.extend(typing.get_args(item))
    return None


def parse_vary(text: str, data: dict[str, Any], points: int = DEFAULT_POINTS) -> Axis:
    """'dau=1M..1B' -> an Axis over the fields of ``data`` (a scenario mapping) it sets."""
    name, sep, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    if not sep or not name or not spec:
        raise BotecInputError(
            "--vary", text, "NAME=LOW..HIGH[:POINTS] or NAME=A,B,C, e.g. dau=1M..1B"
        )
    key = name.replace("-", "_")
    candidates = ALIASES.get(key, (key,) if "." in key else ())
    if not candidates:
        raise BotecInputError(
            "--vary", name, f"a short name ({', '.join(ALIASES)}) or a field such as users.dau"
        )
    fields = tuple(f for f in candidates if _has_section(data, f))
    if not fields:
        sections = sorted({f.split(".")[0] for f in candidates})
        raise BotecInputError(
            "--vary", name, f"a field of a section this scenario has ({', '.join(sections)})"
        )
    info = _field_info(fields[0])
    if info is None:
        raise BotecInputError("--vary", name, "a scenario field (see the README's scenario format)")
    quantity = _quantity(info)
    if quantity is None:
        values: list[Any] = [v.strip() for v in spec.split(",") if v.strip()]
        if _whole_number_field(info.annotation):
            values = [_whole(v, name) for v in values]
        return Axis(name, fields, values, numeric=False)
    values = _numeric_values(spec, quantity.dimension, name, points)
    return Axis(name, fields, values, True, BASE_UNITS.get(quantity.dimension, ""))


def _whole_number_field(annotation: Any) -> bool:
    """Whether a field holds an int, also inside Optional[...] and Annotated[...]."""
    import typing

    if annotation is int:
        return True
    return any(_whole_number_field(a) for a in typing.get_args(annotation))


def _has_section(data: dict[str, Any], path: str) -> bool:
    return isinstance(data.get(path.split(".")[0]), dict)


def _whole(text: str, name: str) -> int:
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise BotecInputError(
            "--vary", f"{name}={text}", "whole numbers, e.g. gpus=8,16,64"
        ) from None


def _numeric_values(spec: str, dimension: str, name: str, points: int) -> list[float]:
    from botec.core.units import parse_quantity

    field_name = f"--vary {name}"
    if ".." in spec:
        bounds, _, count_text = spec.partition(":")
        low_text, _, high_text = bounds.partition("..")
        low = parse_quantity(low_text.strip(), dimension, field_name)
        high = parse_quantity(high_text.strip(), dimension, field_name)
        count = points
        if count_text:
            try:
                count = int(count_text)
            except ValueError:
                raise BotecInputError(
                    field_name, spec, "LOW..HIGH:POINTS, e.g. 1M..1B:13"
                ) from None
        if not 2 <= count <= MAX_POINTS:
            raise BotecInputError(field_name, count, f"between 2 and {MAX_POINTS:,} points")
        if low >= high:
            raise BotecInputError(field_name, spec, "LOW..HIGH with LOW < HIGH")
        import numpy

        if low > 0 and high / low >= 10:
            return list(numpy.geomspace(low, high, count))
        return list(numpy.linspace(low, high, count))
    return [parse_quantity(v.strip(), dimension, field_name) for v in spec.split(",") if v.strip()]


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
    if total > MAX_POINTS:
        raise BotecInputError("--vary", f"{total:,} points", f"at most {MAX_POINTS:,} in all")
    mesh = [
        m.ravel()
        for m in numpy.meshgrid(*[numpy.asarray(a.values) for a in grid_axes], indexing="ij")
    ]
    grid_size = len(mesh[0]) if mesh else 1
    result = SweepResult(axes, [])
    columns: dict[str, list[Any]] = {a.name: [] for a in axes}
    out_columns: dict[str, list[Any]] = {}
    for combo in itertools.product(*[a.values for a in loops]):
        base = _deep_copy(data)
        for axis, value in zip(loops, combo, strict=True):
            for path in axis.fields:
                _set(base, path, value)
        # Validate the grid's corners: every field's bounds are intervals, so the ends suffice.
        for corner in (0, grid_size - 1):
            checked = _deep_copy(base)
            for axis, values in zip(grid_axes, mesh, strict=True):
                for path in axis.fields:
                    _set(checked, path, float(values[corner]))
            scn = scenario_from_dict(checked, "--vary")
        for start in range(0, grid_size, CHUNK):
            stop = min(grid_size, start + CHUNK)
            sheet = _grid_pass(scn, grid_axes, mesh, start, stop, run_scenario)
            names = outputs or _headlines(sheet)
            if not result.outputs:
                result.outputs = [_describe(sheet, n) for n in names]
            values = {n: _column(sheet, n, stop - start) for n in names}
            if grid_axes and not _agrees(scn, grid_axes, mesh, start, stop, values, run_scenario):
                values = _pointwise(scn, grid_axes, mesh, start, stop, names, run_scenario)
                result.pointwise_passes += 1
            for n in names:
                out_columns.setdefault(n, []).append(values[n])
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


def _deep_copy(data: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}


def _grid_pass(
    scn: Scenario, grid_axes: list[Axis], mesh: list[Any], start: int, stop: int, run: Any
) -> Any:
    if not grid_axes:
        return run(scn)
    assignments = {}
    for axis, values in zip(grid_axes, mesh, strict=True):
        chunk = values[start:stop]
        grid = Uncertain(float(chunk.min()), float(chunk.max()), "grid", values=chunk)
        for path in axis.fields:
            assignments[path] = grid
    return run(_with_grid(scn, assignments))


def _headlines(sheet: Any) -> list[str]:
    return [n for n, v in sheet.steps.items() if v.formula is not None and v.formula.headline]


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
