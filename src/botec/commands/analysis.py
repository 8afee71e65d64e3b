"""A scenario over a grid (sweep), across GPUs (compare), and botec against published runs."""

from __future__ import annotations

import math
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Literal

from botec.analysis.sweep import DEFAULT_POINTS
from botec.commands._common import (
    DEFAULT_SAMPLES,
    CatalogFiles,
    Names,
    ParameterError,
    Progress,
    Quantity,
    check_sampling,
    given,
    load_catalog,
    load_data,
    names,
    with_catalog,
    with_overrides,
)
from botec.core.errors import BotecInputError
from botec.validation.results import BACKTEST_SAMPLES

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from botec.analysis.compare import Option
    from botec.analysis.sweep import SweepResult
    from botec.validation.backtest import Backtest

Part = Literal["inference", "training", "workloads"]
PARTS: tuple[Part, ...] = ("inference", "training", "workloads")
# Monte Carlo draws per backtest row, as the backtests define them.
VALIDATE_SAMPLES = BACKTEST_SAMPLES


def sweep(
    scenario: str | Path | Mapping[str, Any],
    *,
    vary: Names,
    points: int = DEFAULT_POINTS,
    results: Names | None = None,
    overrides: Sequence[str] = (),
    catalog_files: CatalogFiles = (),
    progress: Progress | None = None,
) -> SweepResult:
    """Evaluate a scenario over a grid: each ``vary`` is NAME=LOW..HIGH[:POINTS] or NAME=A,B,C
    (``points`` per LOW..HIGH axis); ``results`` picks the columns (default: the headlines);
    ``overrides``: ``section.field=value`` items set over the scenario's values first.
    ``progress(total)`` may return a context whose value is told the points each pass finished.

    >>> grid = botec.sweep("scenarios/smartpal.toml", vary="dau=1M..10M:3")
    >>> grid.rows
    3
    """
    from botec.analysis.sweep import parse_vary, run_sweep

    catalog = load_catalog(catalog_files)
    data = with_overrides(load_data(scenario), overrides)
    items = [vary] if isinstance(vary, str) else vary
    if (
        not isinstance(items, list | tuple)
        or not items
        or not all(isinstance(v, str) for v in items)
    ):
        raise ParameterError("vary", vary, "NAME=LOW..HIGH[:POINTS] or NAME=A,B,C, one or more")
    if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= 10_000_000:
        raise ParameterError("points", points, "a whole number from 2 to 10,000,000")
    axes = [parse_vary(v, data, points) for v in items]
    seen: dict[str, str] = {}
    for axis in axes:
        for path in axis.fields:
            if path in seen:  # the later axis would silently overwrite the earlier one
                raise ParameterError(
                    "vary", f"{seen[path]} and {axis.name}", f"each field swept once ({path})"
                )
            seen[path] = axis.name
    total = math.prod(len(a.values) for a in axes)
    context = progress(total) if progress else nullcontext(None)
    with context as tick:
        return run_sweep(
            data, axes, names(results, "results") or None, tick, **with_catalog(catalog)
        )


def compare(
    scenario: str | Path | Mapping[str, Any],
    *,
    gpus: Names,
    budget: Quantity | None = None,
    overrides: Sequence[str] = (),
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> list[Option]:
    """Rank ``gpus`` ('a100-80gb,h100-sxm' or a list) for a scenario by cost, GPUs and latency,
    cheapest first, each with the constraint that binds (memory, bandwidth, compute or budget);
    ``overrides``: ``section.field=value`` items set over the scenario's values first.

    >>> options = botec.compare("scenarios/smartpal.toml", gpus="a100-80gb,h100-sxm", samples=0)
    >>> [o.gpu for o in options]
    ['h100-sxm', 'a100-80gb']
    """
    from botec.analysis.compare import compare_gpus
    from botec.core.units import parse_quantity

    catalog = load_catalog(catalog_files)
    data = with_overrides(load_data(scenario), overrides)
    try:
        limit = parse_quantity(budget, "usd", "budget") if given(budget) else None
    except BotecInputError as exc:
        raise ParameterError(exc.field, exc.value, exc.allowed) from None
    if limit is not None and not limit > 0:
        raise ParameterError(
            "budget", budget,
            "a positive amount of money, e.g. $50K (a month for serving, the run for training)",
        )  # fmt: skip
    check_sampling(samples, seed)
    listed = names(gpus, "gpus")
    if not listed:
        raise ParameterError("gpus", gpus, "one or more GPU names, e.g. a100-80gb,h100-sxm")
    from botec.catalog import load_catalog as default_catalog

    lookup = catalog or default_catalog()
    keys = [lookup.hardware(g, "gpus").key for g in listed]  # aliases name the same GPU
    twice = sorted({g for g, k in zip(listed, keys, strict=True) if keys.count(k) > 1})
    if twice:
        raise ParameterError("gpus", ", ".join(twice), "each GPU once (it is listed twice)")
    return compare_gpus(data, listed, samples, seed, limit, **with_catalog(catalog))


def validate(
    *,
    samples: int = VALIDATE_SAMPLES,
    seed: int = 0,
    only: Part | None = None,
    catalog_files: CatalogFiles = (),
) -> dict[str, Backtest]:
    """Backtest botec against the published measurements it can express (shipped with botec):
    inference (serving roofline), training (GPU-hours, wall-clock) and workload (image and
    video generation) rows, or ``only`` one.

    >>> parts = botec.validate(samples=20, only="training")
    >>> list(parts)
    ['training']
    """
    from botec.validation.backtest import run_inference_backtest
    from botec.validation.training import run_training_backtest
    from botec.validation.workloads import run_workload_backtest

    if only is not None and only not in PARTS:
        raise ParameterError("only", only, f"one of {', '.join(PARTS)} (default: all)")
    catalog = with_catalog(load_catalog(catalog_files))
    runs = {
        "inference": run_inference_backtest,
        "training": run_training_backtest,
        "workloads": run_workload_backtest,
    }
    return {part: runs[part](samples, seed, **catalog) for part in PARTS if only in (None, part)}
