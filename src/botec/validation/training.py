"""Training backtest: botec's GPU-hours and wall-clock against published training runs.

The rows ship with the package (``botec/data/training_rows.csv``, derived from the project's
``published-figures.csv`` with the row ids kept): parameters (or a catalog model), tokens, the GPU
and, where published, the GPU count and context, against the published GPU-hours or wall-clock
time. Every row runs through the same ``[training]`` stage a user's scenario does, with the default
MFU range of :func:`botec.catalog.training_mfu.default_mfu` (by GPU generation and scale, no per-row
tuning), so p5/p95 come from the Monte Carlo draws. Results use the dataclasses both backtests
share (:mod:`botec.validation.results`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from botec.validation.results import (
    BACKTEST_SAMPLES,
    Backtest,
    RowResult,
    Summary,
    summarise,
)

if TYPE_CHECKING:
    from botec.catalog import Catalog

# The token count a throughput row is run with (the rate per GPU does not depend on it).
THROUGHPUT_TOKENS = 1e12

# Which botec result each published quantity is compared with.
TRAINING_RESULT_FOR = {
    "gpu_hours": "gpu_hours",
    "wall_clock": "wall_clock",
    "tokens_per_second_per_gpu": "tokens_per_second_per_gpu",
}
TRAINING_LABELS = {
    "gpu_hours": "Training GPU-hours",
    "wall_clock": "Training wall-clock time",
    "tokens_per_second_per_gpu": "Training tokens/s per GPU",
    "training": "All training rows",
}


@dataclass
class TrainingBacktest(Backtest):
    """A :class:`~botec.validation.results.Backtest` of the training quantities, with a total."""

    quantities: tuple[str, ...] = tuple(TRAINING_RESULT_FOR)

    def overall(self, role: str = "all") -> Summary | None:
        """One summary over every training row of ``role`` (all quantities together)."""
        return summarise("training", self.rows, role)


def training_rows() -> list[dict[str, str]]:
    text = resources.files("botec").joinpath("data/training_rows.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _params(row: dict[str, str]) -> tuple[float, str, str]:
    """(parameters, display name, source): a catalog model's active parameters, or the row's."""
    if row["model"]:
        from botec.modelspec import get_model

        spec = get_model(row["model"], "training_rows.model")
        return float(spec.params_active), spec.name, f"model catalog: {spec.source}"
    return float(row["params"]), "", f"published-figures.csv {row['id']}"


def _describe(row: dict[str, str]) -> str:
    from botec.catalog import get_hardware
    from botec.core.units import format_quantity

    params, name, _ = _params(row)
    size = format_quantity(params, "params")
    who = f"{name} ({size})" if name else size
    count = f"{int(row['gpus'])} × " if row["gpus"] else ""
    tokens = f"{format_quantity(float(row['tokens']), 'tokens')} " if row["tokens"] else ""
    seq = row["context_length"]
    context = f", {int(float(seq)):,}-token sequences" if seq else ""
    return (
        f"{who}, {tokens}on {count}{get_hardware(row['gpu']).name}, "
        f"{row['precision'].upper()}{context}"
    )


def _result_for(
    row: dict[str, str], samples: int, seed: int, catalog: Catalog | None = None
) -> RowResult:
    """One row through the same [training] stage a user's scenario runs (default MFU range)."""
    from botec.analysis.evaluate import evaluate
    from botec.core.errors import BotecInputError
    from botec.scenario import scenario_from_dict

    item = RowResult(
        row["id"],
        row["quantity"],
        _describe(row),
        float(row["published"]),
        row["unit"],
        role=row["role"],
    )
    if row["quantity"] not in TRAINING_RESULT_FOR:
        item.skipped = f"unknown quantity {row['quantity']!r}"
        return item
    count = int(row["gpus"]) if row["gpus"] else None
    if count is None and row["quantity"] == "wall_clock":
        item.skipped = "wall-clock needs the GPU count, which was not published"
        return item
    # GPU-hours = total FLOP / (peak × MFU) whatever the count, so an unpublished count is 1.
    section: dict[str, object] = {
        # a throughput row has no token count: any will do, the rate does not depend on it
        "tokens": float(row["tokens"] or THROUGHPUT_TOKENS),
        "gpu": row["gpu"],
        "gpus": count or 1,
        "precision": row["precision"],
    }
    if row["model"]:
        section["model"] = row["model"]
    else:
        section["params"] = float(row["params"])
        if row.get("total_params"):  # an unnamed mixture of experts
            section["total_params"] = float(row["total_params"])
    if row.get("context_length"):
        section["sequence_length"] = float(row["context_length"])
    try:
        sheet = evaluate(
            scenario_from_dict({"title": f"Training backtest {row['id']}", "training": section}),
            samples=samples,
            seed=seed,
            sensitivity=False,
            catalog=catalog,
        )
    except BotecInputError as exc:
        item.skipped = str(exc)
        return item
    step = sheet.steps[TRAINING_RESULT_FOR[row["quantity"]]]
    item.predicted = float(step.value)
    item.p5, _, item.p95 = step.percentiles()
    return item


def run_training_backtest(
    samples: int = BACKTEST_SAMPLES, seed: int = 0, catalog: Catalog | None = None
) -> TrainingBacktest:
    """Predict every shipped training row with the default MFU range (no per-row tuning);
    ``catalog``: the runs' catalog (default: the bundled one)."""
    result = TrainingBacktest()
    for row in training_rows():
        result.rows.append(_result_for(row, samples, seed, catalog))
    return result


__all__ = [
    "TRAINING_LABELS",
    "TRAINING_RESULT_FOR",
    "TrainingBacktest",
    "run_training_backtest",
    "training_rows",
]
