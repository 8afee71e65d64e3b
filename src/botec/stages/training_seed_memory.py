"""Seed 002's single-GPU training-memory breakdown: weights, optimizer, gradients and
activations as a share of the weights, under the chosen bytes-per-parameter convention."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Value
from botec.estimators import memory, verdicts
from botec.scenario import TrainingSection
from botec.stages import training_conventions as tc
from botec.stages._inputs import workspace_bytes
from botec.stages.context import Context


def _seed_convention(t: TrainingSection) -> memory.TrainingMemoryConvention:
    """Seed 002's breakdown under the chosen convention (its weights come from the precision)."""
    if t.memory_convention in memory.CONVENTIONS:
        return memory.CONVENTIONS[t.memory_convention]
    from botec.estimators import training_memory as tm

    c = tm.CONVENTIONS[tc.state_convention(t)]
    return memory.TrainingMemoryConvention(
        c.key, c.gradient_bytes_per_param, c.optimizer_bytes_per_param, c.source
    )


def seed_memory(ctx: Context, t: TrainingSection, params: Value, gpu: Any) -> None:
    """Seed 002's single-GPU training-memory breakdown (weights, optimizer, grads, activations)."""
    sheet = ctx.sheet
    precision = ctx.catalog.precision(t.precision, "training.precision")
    bpp = sheet.input(
        "training_bytes_per_param",
        precision.bytes_per_param,
        "B/param",
        f"Bytes per parameter ({precision.name})",
        precision.source,
    )
    weights = memory.weights_memory(sheet, params, bpp, name="training_weights_memory")
    frac = sheet.assume(
        "activation_fraction",
        t.activation_fraction,
        "fraction",
        "Activations as a share of weights",
        "seed 002's rough 10%; real activations depend on batch × sequence length",
    )
    total = memory.training_memory(sheet, params, weights, _seed_convention(t), frac)
    verdicts.memory_fit(sheet, total, gpu, workspace_bytes(ctx))
