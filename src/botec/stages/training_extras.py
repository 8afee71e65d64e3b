"""The [training] stage's further results from a run: petaflop-days, hardware FLOPs under
recomputation, energy, checkpoint and dataset sizes, and the fitted-law optimum."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Sheet, Value
from botec.estimators import training
from botec.estimators._constants import seconds_per_day, seconds_per_hour
from botec.scenario import TrainingSection
from botec.stages._inputs import assumed
from botec.stages.context import Context
from botec.stages.training_budget import fitted_law


def run_extras(
    ctx: Context,
    t: TrainingSection,
    spec: Any,
    gpu: Any,
    run: training.TrainingResult,
    params: Value,
    tokens: Value,
    gpus: Value,
) -> None:
    """Petaflop-days, hardware FLOPs, energy, checkpoints, data; the fitted-law optimum."""
    _compute_and_energy(ctx, t, gpu, run, gpus)
    _storage(ctx.sheet, t, spec, params, tokens)
    if t.finetune == "full":  # compute-optimal sizes are a pretraining question
        fitted_law(ctx.sheet, run.total_flops, "for this compute")


def _compute_and_energy(
    ctx: Context, t: TrainingSection, gpu: Any, run: training.TrainingResult, gpus: Value
) -> None:
    """Petaflop-days, the FLOPs the hardware runs with recomputation, and the energy drawn."""
    sheet = ctx.sheet
    sheet.step(
        training.PETAFLOP_DAYS,
        total_flops=run.total_flops,
        flop_per_pflop=training.flop_per_pflop(sheet),
        seconds_per_day=seconds_per_day(sheet),
    )
    if t.recompute == "full":
        sheet.step(
            training.HARDWARE_FLOPS,
            total_flops=run.total_flops,
            recompute_passes=sheet.constant(
                "recompute_passes", 1, "passes", "Extra forward passes", "full recomputation"
            ),
        )
    elif t.recompute == "selective" and "attention_flops" in sheet.steps:
        sheet.step(
            training.SELECTIVE_RECOMPUTE_FLOPS,
            total_flops=run.total_flops,
            attention_flops=sheet.steps["attention_flops"],
        )
    sheet.step(
        training.ENERGY,
        gpus=gpus,
        gpu_tdp=sheet.input("gpu_tdp", gpu.tdp_w, "W", f"{gpu.name} TDP", f"catalog: {gpu.source}"),
        power_fraction=assumed(
            ctx, "power_fraction", t.power_fraction, "fraction", "Average draw ÷ TDP"
        ),
        pue=assumed(ctx, "pue", t.pue, "x", "Data-centre PUE"),
        wall_clock=run.wall_clock,
        seconds_per_hour=seconds_per_hour(sheet),
        watts_per_kilowatt=training.watts_per_kilowatt(sheet),
    )


def _storage(sheet: Sheet, t: TrainingSection, spec: Any, params: Value, tokens: Value) -> None:
    """Checkpoint sizes (weights; full state for full training) and the tokenised dataset."""
    # Checkpoints are of every parameter, MoE experts included.
    total_params = sheet.inputs.get("total_params") or params  # the training stage records it
    sheet.step(
        training.WEIGHTS_CHECKPOINT,
        params=total_params,
        checkpoint_bytes_per_param=sheet.constant(
            "checkpoint_bytes_per_param", 2, "B/param", "BF16 weights", "2 bytes per parameter"
        ),
    )
    if t.finetune == "full":  # fine-tuning resumes from the adapters' state, not the base's
        sheet.step(
            training.FULL_CHECKPOINT,
            params=total_params,
            full_state_bytes_per_param=sheet.constant(
                "full_state_bytes_per_param",
                14,
                "B/param",
                "Weights + FP32 master + Adam moments",
                "2 + 4 + 4 + 4 bytes per parameter (mixed-precision Adam, ZeRO paper's K = 12)",
            ),
        )
    vocab = spec.vocab_size if spec is not None else 0
    sheet.step(
        training.DATASET_SIZE,
        tokens=tokens,
        bytes_per_token_id=sheet.constant(
            "bytes_per_token_id",
            2 if 0 < vocab <= 65536 else 4,
            "B/token",
            "Bytes per stored token id",
            f"uint16 for a {vocab:,}-entry vocabulary" if 0 < vocab <= 65536 else "uint32",
        ),
    )
