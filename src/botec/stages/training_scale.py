"""The [training] stage's GPU count and MFU: the sustained MFU for the GPU generation and scale
(times a mixture of experts' share of it), the whole-run MFU, and with a deadline the fewest whole
nodes that finish in time."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import Uncertain, point
from botec.core.unit_format import format_quantity
from botec.estimators import training
from botec.scenario import TrainingSection
from botec.scenario.fields import MAX_GPU_COUNT
from botec.stages._inputs import assumed
from botec.stages.context import Context


def run_gpus(
    ctx: Context,
    t: TrainingSection,
    gpu: Any,
    params: Value,
    peak: Value,
    flops: Value,
    fit: tuple[Callable[[int], bool], int | None] | None = None,
) -> tuple[TrainingSection, Value, Value, Value | None]:
    """The run's GPUs (and MFU, which depends on the scale): as given; or, with a deadline and
    no count, the fewest whole nodes that finish in time; where no split of that count holds
    the model (``fit``: that test, and the fewest GPUs whose layout does), the next multiple of
    that fewest, so the count chosen always fits. Returns the section with its count."""
    sheet = ctx.sheet
    size = float(point(params.value))
    if t.gpus is not None:
        mfu = run_mfu(ctx, t, gpu, size)
        gpus = sheet.input("gpus", t.gpus, "GPUs", f"{gpu.name} GPUs")
        if t.deadline is None:
            return t, mfu, gpus, None
        deadline = sheet.input("deadline", t.deadline, "s", "Deadline for the run", "scenario")
        training.gpus_for_deadline(sheet, flops, peak, mfu, deadline)
        return t, mfu, gpus, deadline
    count = _settled_count(ctx, t, gpu, size, flops, peak)
    raised = _holding(count, fit)
    t = t.model_copy(update={"gpus": raised})
    mfu = run_mfu(ctx, t, gpu, size)
    deadline = sheet.input("deadline", t.deadline, "s", "Deadline for the run", "scenario")
    gpus = training.gpus_for_deadline(sheet, flops, peak, mfu, deadline)
    if raised == count:
        return t, mfu, gpus, deadline
    sheet.note(
        "info",
        f"The deadline needs {count:,} GPUs, but no TP × PP × DP split of them holds the "
        f"model's training state: {raised:,}, a multiple of the fewest GPUs whose layout does.",
    )
    why = "the deadline's count, raised to one whose layout holds the model"
    return t, mfu, sheet.input("gpus", raised, "GPUs", f"{gpu.name} GPUs", why), deadline


def _settled_count(
    ctx: Context, t: TrainingSection, gpu: Any, size: float, flops: Value, peak: Value
) -> int:
    """The fewest whole nodes that meet the deadline, at nominal values, within botec's cap."""
    # The default MFU falls with scale and the count grows as MFU falls: settle the count on
    # nominal values first (it only grows, so this ends), then record the steps at that count.
    count = None
    for _ in range(10):
        mfu_nominal = _nominal_run_mfu(ctx, t, gpu, count, size)
        found = _evaluated_count(
            training.GPUS_FOR_DEADLINE.parsed.evaluate,
            (
                {
                    "total_flops": float(flops.value),
                    "peak_flop_per_s": float(peak.value),
                    "mfu": mfu_nominal,
                    "deadline": float(point(t.deadline)),
                    "gpus_per_node": training.GPUS_PER_NODE,
                },
            ),
        )
        if found == count:
            break
        count = found
    assert count is not None
    if count > MAX_GPU_COUNT:  # botec's own cap on any GPU count (scenario.fields.WholeCount)
        raise BotecInputError(
            "training.deadline",
            f"{point(t.deadline):g} s, which needs "
            + ("more than 10,000,000" if count == MAX_GPU_COUNT + 1 else f"{count:,}")
            + " GPUs",
            f"a deadline that at most {MAX_GPU_COUNT:,} GPUs meet (or fewer tokens, a higher MFU "
            "or a faster GPU)",
        )
    return count


def _evaluated_count(evaluate: Callable[[Any], Any], args: tuple[Any, ...]) -> int:
    """The count a formula gives, or one past botec's cap where it overflows (a deadline of
    5e-324 s needs infinitely many GPUs): refused by the caller with the reason."""
    try:
        return int(evaluate(*args))
    except (OverflowError, ZeroDivisionError, ValueError):
        return MAX_GPU_COUNT + 1


def _holding(count: int, fit: tuple[Callable[[int], bool], int | None] | None) -> int:
    """``count``, or the next multiple of the fewest GPUs that hold the model when it cannot."""
    if fit is None or fit[1] is None or fit[0](count):
        return count
    return fit[1] * math.ceil(count / fit[1])


def _nominal(ctx: Context, given: Any, key: str) -> float:
    """A value the scenario states, else the catalog assumption's nominal."""
    return float(point(given)) if given is not None else ctx.catalog.assumption(key).nominal


def _nominal_run_mfu(
    ctx: Context, t: TrainingSection, gpu: Any, gpus: int | None, size: float
) -> float:
    """The whole-run MFU at nominal values for ``gpus`` GPUs, as :func:`_mfu` records it."""
    from botec.catalog.training_mfu import kernel_mfu

    if t.mfu is not None and t.whole_run_efficiency is None:
        return float(point(t.mfu))
    kernel = point(t.mfu) if t.mfu is not None else kernel_mfu(gpu.key, gpus, size).nominal
    if t.mfu is None and "total_params" in ctx.sheet.inputs:  # a mixture of experts
        kernel = training.MOE_KERNEL_MFU.parsed.evaluate(
            {
                "kernel_mfu": kernel,
                "moe_training_efficiency": _nominal(
                    ctx, t.moe_training_efficiency, "moe_training_efficiency"
                ),
            }
        )
    if t.whole_run_efficiency is not None:
        efficiency = float(point(t.whole_run_efficiency))
    else:
        efficiency = float(point(_whole_run_default(ctx, gpu)[0]))
    return float(
        training.RUN_MFU.parsed.evaluate({"kernel_mfu": kernel, "whole_run_efficiency": efficiency})
    )


def _whole_run_default(ctx: Context, gpu: Any) -> tuple[Uncertain | float, str]:
    """The default share of a run's GPU time spent training and its source: the GPU
    generation's own range where its fit rows set one (training_mfu.toml), else the catalog
    assumption's (a plain number where a catalog file fixes it)."""
    from botec.catalog.training_mfu import whole_run_efficiency

    own = whole_run_efficiency(gpu.key)
    if own is not None:
        return own, own.source
    a = ctx.catalog.assumption("whole_run_efficiency")
    return a.as_range(), a.source


def deadline_note(sheet: Sheet, t: TrainingSection, run: Any, deadline: Value) -> None:
    needed = sheet.steps["gpus_for_deadline"]
    finish = "finishes" if t.gpus == 1 else "finish"
    if "gpus" not in sheet.inputs and needed.varies:
        # the deadline sized the count in each draw: say the median count, as the headline's
        # GPU-hours and wall-clock are medians (the nominal count can sit below most draws')
        median = format_quantity(needed.median(), "GPUs")
        sheet.note(
            "ok",
            f"{median} at the median ({needed.range_text()} across the ranges) {finish} in "
            f"{format_quantity(run.wall_clock.median(), 's')}, within the "
            f"{deadline.formatted()} deadline; {format_quantity(t.gpus, 'GPUs')} at the "
            "nominal inputs.",
            verdict=True,
        )
        return
    if run.wall_clock.value <= deadline.value:
        sheet.note(
            "ok",
            f"{format_quantity(t.gpus, 'GPUs')} {finish} in {run.wall_clock.formatted()}, "
            f"within the {deadline.formatted()} deadline"
            + (
                f" (the fewest whole 8-GPU nodes that do: {needed.formatted()})."
                if needed.value < t.gpus
                else "."
            ),
            verdict=True,
        )
    else:
        sheet.note(
            "bad",
            f"On {format_quantity(t.gpus, 'GPUs')} the run takes {run.wall_clock.formatted()}, "
            "past the "
            f"{deadline.formatted()} deadline: {needed.formatted()} finish in time at this MFU "
            "(the GPU-hours and the bill stay the same).",
            verdict=True,
        )


def run_mfu(ctx: Context, t: TrainingSection, gpu: Any, params: float) -> Value:
    """The MFU over the whole run: as stated (the seeds' convention: the whole run's), or the
    sustained default for the GPU generation and scale times the whole-run efficiency."""
    sheet = ctx.sheet
    if t.mfu is not None:
        mfu = sheet.input("mfu", t.mfu, "fraction", "Model FLOPs utilisation (MFU)", "scenario")
        if t.whole_run_efficiency is None:
            return mfu
        kernel = mfu
    else:
        from botec.catalog.training_mfu import kernel_mfu

        rng = kernel_mfu(gpu.key, t.gpus, params)
        kernel = sheet.assume(
            "kernel_mfu", rng, "fraction", "Sustained MFU while the job runs", rng.source
        )
        if "total_params" in sheet.inputs:  # a mixture of experts
            kernel = sheet.step(
                training.MOE_KERNEL_MFU,
                kernel_mfu=kernel,
                moe_training_efficiency=assumed(
                    ctx,
                    "moe_training_efficiency",
                    t.moe_training_efficiency,
                    "fraction",
                    "MoE training's share of a dense model's sustained MFU",
                ),
            )
    title = "Share of the run's GPU time spent training"
    if t.whole_run_efficiency is not None:
        efficiency = sheet.input(
            "whole_run_efficiency", t.whole_run_efficiency, "fraction", title, "scenario"
        )
    else:
        rng, source = _whole_run_default(ctx, gpu)
        efficiency = sheet.assume(
            "whole_run_efficiency", rng, "fraction", title, f"default range: {source}"
        )
    return sheet.step(training.RUN_MFU, kernel_mfu=kernel, whole_run_efficiency=efficiency)
