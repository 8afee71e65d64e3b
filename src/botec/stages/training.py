"""The [training] stage: compute, time, money, energy, storage, memory and the budget verdict.

This module runs the section (model, GPU, price, tokens, FLOPs, GPUs/MFU/deadline, time, cost);
``training_extras`` records energy, checkpoints and data, ``training_budget`` the budget and the
fitted law, ``training_memory`` the memory per GPU.

A named model (catalog, config.json or Hub) brings its shape: active parameters for MoE, and the
attention term when a sequence length is given. The default MFU is a range by GPU generation and
scale (``catalog/training_mfu.toml``); the default price is the catalog's on-demand rate.
"""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.estimators import training, verdicts
from botec.scenario import TrainingSection
from botec.stages._inputs import catalog_cite
from botec.stages.context import Context
from botec.stages.gpu_price import gpu_price, spot_price
from botec.stages.model_params import record_param_count
from botec.stages.training_attention import attention_shape
from botec.stages.training_budget import budget_buys, budget_verdict, over_budget_advice
from botec.stages.training_extras import run_extras
from botec.stages.training_memory import fitting_counts, memory_per_gpu
from botec.stages.training_scale import deadline_note, run_gpus, run_mfu
from botec.stages.training_seed_memory import seed_memory


def _model(t: TrainingSection) -> Any:
    if t.model and t.total_params is not None:
        raise BotecInputError(
            "training.total_params",
            t.total_params,
            f"no value beside a named model ({t.model} brings its own expert count); "
            "total_params describes an unnamed mixture of experts given by params",
        )
    if t.model:
        from botec.modelspec import resolve_model

        return resolve_model(t.model, "training.model")
    if t.params is None:
        raise BotecInputError(
            "training.params", "missing", "a parameter count such as 7B, or a model name"
        )
    return None


def _unnamed_moe(sheet: Sheet, t: TrainingSection) -> None:
    """An unnamed model is a mixture of experts when ``total_params`` exceeds ``params`` (the
    count each token uses): the total is then what memory and checkpoints hold."""
    if t.total_params is None:
        return
    total, active = float(point(t.total_params)), float(point(t.params))
    if total < active:
        raise BotecInputError(
            "training.total_params",
            t.total_params,
            f"at least params ({active:,.0f}): every expert's parameters, of which each token "
            "uses params",
        )
    if total > active:
        sheet.input("total_params", t.total_params, "params", "Total parameters (all experts)")


# A run's GPUs when neither a count nor a deadline is given: 8 nodes of 8, a mid-size allocation
# (the seed's Q1 uses 64 A100s).
DEFAULT_GPUS = 64


def run_training(ctx: Context, t: TrainingSection) -> None:
    """The [training] section. Its names that another section may also record (a parameter count,
    a GPU's peak, a price, a layer count, weights) always carry the ``training_`` prefix, so a
    result has one name whatever else the scenario holds."""
    sheet = ctx.sheet
    spec = _model(t)
    moe = spec is not None and spec.params_active < spec.params_total
    if spec is not None:
        params = record_param_count(sheet, spec, active=moe, name="params", prefix="training_")
        if moe:  # every expert's weights are stored, trained and checkpointed
            sheet.input(
                "total_params",
                float(spec.params_total),
                "params",
                "Total parameters",
                f"{spec.name}: {spec.source}",
            )
    else:
        params = sheet.input("training_params", t.params, "params", "Parameters (training)")
        _unnamed_moe(sheet, t)
    if t.moe_training_efficiency is not None and t.mfu is not None:
        raise BotecInputError(
            "training.moe_training_efficiency",
            t.moe_training_efficiency,
            "no value beside a stated MFU, which is already the whole run's (the MoE share "
            "scales the default sustained MFU)",
        )
    if t.moe_training_efficiency is not None and "total_params" not in sheet.inputs:
        raise BotecInputError(
            "training.moe_training_efficiency",
            t.moe_training_efficiency,
            "no value for a dense model: it applies to a mixture of experts (an MoE model, "
            "or params with a larger total_params)",
        )
    gpu = ctx.device(t.gpu, "training.gpu")
    peak = _peak(ctx, t, gpu)
    if t.gpus is None and (t.deadline is None or (t.tokens is None and t.memory)):
        t = t.model_copy(update={"gpus": DEFAULT_GPUS})
    price = _price(ctx, t, gpu)
    if t.finetune != "full" and t.tokens is None:
        raise BotecInputError(
            "training.tokens", "(not given)", f"the fine-tuning tokens for {t.finetune}, e.g. 100M"
        )
    if t.tokens is not None or not t.memory:
        _run(ctx, t, spec, gpu, params, peak, price)
    else:
        mfu = run_mfu(ctx, t, gpu, float(point(params.value)))
        budget_buys(sheet, t, price, peak, mfu, params, None, None)
    if t.memory:  # every expert's weights, gradients and optimizer states are held
        seed_memory(ctx, t, sheet.inputs.get("total_params") or params, gpu)


# Integer and block-quantised weight formats serve models; nothing trains in them (gradients
# need a float type). QLoRA's 4-bit base is --finetune qlora, its adapters train in BF16.
NOT_TRAINED_IN = ("int8", "int4", "q8-0", "q4-0", "q4-k-m")


def _peak(ctx: Context, t: TrainingSection, gpu: Any) -> Value:
    """The GPU's dense peak at the compute precision: the scenario's, else the catalog's."""
    precision = ctx.catalog.precision(t.precision, "training.precision")
    if precision.key in NOT_TRAINED_IN:
        raise BotecInputError(
            "training.precision", t.precision,
            "a precision training computes in: fp32, bf16, fp16, fp8 (fp4 where the GPU has FP4 "
            "tensor cores); for a 4-bit frozen base with BF16 adapters use --finetune qlora",
        )  # fmt: skip
    compute = precision.compute_dtype
    peak_value = t.peak_flops or gpu.peak_for(compute, "training.precision")
    return ctx.sheet.input(
        "training_peak_flop_per_s",
        peak_value,
        "FLOP/s",
        f"{gpu.name} dense {compute.upper()} peak",
        "scenario" if t.peak_flops else catalog_cite(gpu),
    )


def _tokens(sheet: Sheet, t: TrainingSection, params: Value, finetune: bool) -> Value:
    """The tokens trained on: as given (with the Chinchilla verdict when pretraining), else
    Chinchilla's 20 per parameter."""
    if finetune:
        return sheet.input("tokens", t.tokens, "tokens", "Fine-tuning tokens")
    if t.tokens is not None:
        tokens = sheet.input("tokens", t.tokens, "tokens", "Training tokens")
        verdicts.chinchilla(sheet, tokens, training.chinchilla_tokens(sheet, params))
        return tokens
    tokens = training.chinchilla_tokens(sheet, params)
    sheet.note(
        "info",
        "No token count given: training on the Chinchilla-optimal 20 tokens per parameter.",
    )
    return tokens


def _run(
    ctx: Context,
    t: TrainingSection,
    spec: Any,
    gpu: Any,
    params: Value,
    peak: Value,
    price: Value | None,
) -> None:
    """A run of known tokens: FLOPs, GPUs, time, cost, what else it takes, the budget and the
    memory per GPU."""
    sheet = ctx.sheet
    finetune = t.finetune != "full"
    tokens = _tokens(sheet, t, params, finetune)
    flops = training.training_flops(
        sheet,
        params,
        tokens,
        attention_shape(ctx, t, spec),
        training.lora_flop_per_param_per_token(sheet) if finetune else None,
        _teacher(ctx, t, tokens),
    )
    peak = _low_precision_peak(ctx, t, gpu, peak, flops)
    t, mfu, gpus, deadline = run_gpus(
        ctx, t, gpu, params, peak, flops, fitting_counts(ctx, t, spec, gpu)
    )
    run = training.training_time(sheet, flops, gpus, peak, mfu, price)
    sheet.step(
        training.TRAINING_THROUGHPUT,
        peak_flop_per_s=peak,
        kernel_mfu=sheet.steps.get("moe_kernel_mfu")
        or sheet.inputs.get("kernel_mfu")
        or sheet.inputs["mfu"],
        tokens=tokens,
        total_flops=flops,
    )
    if deadline is not None:
        deadline_note(sheet, t, run, deadline)
    run_extras(ctx, t, spec, gpu, run, params, tokens, gpus)
    if price is not None:
        _spot_cost(ctx, t, gpu, run)
    ratio = budget_verdict(sheet, t, run)
    buys = budget_buys(sheet, t, price, peak, mfu, params, run, tokens)
    if ratio is not None and buys is not None:
        over_budget_advice(sheet, ratio, buys, run, tokens, gpus, finetune)
    with sheet.section("Training memory per GPU"):
        memory_per_gpu(ctx, t, spec, gpu)
    _one_step_at_least(sheet, tokens)


def _one_step_at_least(sheet: Sheet, tokens: Value) -> None:
    """Fewer tokens than one optimizer step takes (one sequence per data-parallel replica) make a
    wall-clock time below a step: arithmetic, not a run."""
    # the activations' sequence: its own input, or the one the FLOPs counted attention at
    names = ("data_parallel", "micro_batch", "seq_len" if "seq_len" in sheet else "sequence_length")
    if any(n not in sheet for n in names):
        return
    step = 1.0
    for n in names:
        step *= sheet.value(n)
    if float(point(tokens.value)) < step:
        sheet.note(
            "warn",
            f"{tokens.formatted()} is less than one optimizer step: {step:,.0f} tokens (one "
            "sequence per data-parallel replica) — fewer GPUs, or more tokens; the wall-clock "
            "time here is a fraction of one step.",
            verdict=True,
        )


def _spot_cost(ctx: Context, t: TrainingSection, gpu: Any, run: training.TrainingResult) -> None:
    """The bill at spot prices: a stated share of the price paid, else the same GPU-hours at a
    spot price list's own rate (none where no spot list prices this GPU)."""
    sheet = ctx.sheet
    if t.spot_price_fraction is not None:
        share = sheet.input(
            "training_spot_price_fraction",
            t.spot_price_fraction,
            "fraction",
            "Spot price as a share of the price paid",
            "scenario",
        )
        assert run.cost is not None
        sheet.step(training.SPOT_COST, cost=run.cost, spot_price_fraction=share)
        return
    rate = spot_price(ctx, gpu, t.price_basis, "training_spot_usd_per_gpu_hour")
    if rate is not None:
        sheet.step(training.SPOT_COST_AT_RATE, gpu_hours=run.gpu_hours, spot_usd_per_gpu_hour=rate)


def _price(ctx: Context, t: TrainingSection, gpu: Any) -> Value | None:
    return gpu_price(
        ctx,
        gpu,
        t.usd_per_gpu_hour,
        t.price_basis,
        "training_usd_per_gpu_hour",
        "training.price_basis",
    )


def _low_precision_peak(
    ctx: Context, t: TrainingSection, gpu: Any, peak: Value, flops: Value
) -> Value:
    """An FP8 (or lower) run's peak on its FLOP mix: weight matmuls at the low-precision peak,
    attention at BF16's; a 16-bit run's peak as it is."""
    precision = ctx.catalog.precision(t.precision, "training.precision")
    if precision.bytes_per_param >= 2 or t.peak_flops or "attention_flops" not in ctx.sheet:
        return peak
    sheet = ctx.sheet
    return sheet.step(
        training.LOW_PRECISION_PEAK,
        total_flops=flops,
        dense_flops=sheet.steps["dense_flops"],
        peak_flop_per_s=peak,
        matmul_efficiency_ratio=sheet.input(
            "training_matmul_efficiency_ratio",
            precision.matmul_efficiency_ratio,
            "x",
            f"{precision.name} matmul efficiency relative to BF16",
            precision.matmul_efficiency_source,
        ),
        attention_flops=sheet.steps["attention_flops"],
        attention_peak_flop_per_s=sheet.input(
            "training_attention_peak_flop_per_s",
            gpu.peak_for("bf16", "training.gpu"),
            "FLOP/s",
            f"{gpu.name} dense BF16 peak (attention)",
            catalog_cite(gpu),
        ),
    )


def _teacher(ctx: Context, t: TrainingSection, tokens: Value) -> dict[str, Value] | None:
    """A distillation teacher's parameters and the tokens it scores (all of them by default)."""
    if not t.teacher:
        return None
    from botec.modelspec import resolve_model

    spec = resolve_model(t.teacher, "training.teacher")
    sheet = ctx.sheet
    scored = (
        sheet.input("teacher_tokens", t.teacher_tokens, "tokens", "Tokens the teacher scores")
        if t.teacher_tokens is not None
        else tokens
    )
    return {
        "teacher_params": sheet.input(
            "teacher_params",
            float(spec.params_active),
            "params",
            f"Teacher's parameters per token ({spec.name})",
            f"{spec.name}: {spec.source}",
        ),
        "teacher_tokens": scored,
    }
