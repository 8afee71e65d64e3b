"""What a served model's request and layout must satisfy before the roofline runs: a prompt and
its output within the model's context, and a tensor-parallel degree that splits the heads."""

from __future__ import annotations

import dataclasses
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.core.uncertain import Uncertain
from botec.estimators.tensor_parallel import KV_REPLICATED, splits_heads
from botec.scenario import ServingSection
from botec.stages.context import Context
from botec.stages.serving_phases import ServedModel

# GPUs before Ampere (compute capability below 8.0): TensorRT-LLM's support matrix lists only
# Blackwell, Hopper, Ada and Ampere, and the weight-only FP8/FP4 kernels that let other engines
# read those formats on GPUs without FP8/FP4 tensor cores (vLLM's Marlin) need 8.0 too.
# llama.cpp dequantises its own formats (MXFP4 included) in CUDA kernels that run on Volta.
PRE_AMPERE = ("v100", "t4")


def no_low_bit_kernels(ctx: Context, precision: str, hardware: Any) -> bool:
    """FP8 or FP4 weights on a GPU before Ampere without tensor cores for them: only weight-only
    kernels that dequantise inside the matmul could run them, and those need Ampere."""
    prec = ctx.catalog.precision(precision)
    _, dequantised = prec.compute_on(hardware.peak_flop_per_s)
    return dequantised and prec.key in ("fp8", "fp4") and hardware.key in PRE_AMPERE


def engine_cannot(ctx: Context, engine: str, hardware: Any, precision: str) -> str:
    """Why ``engine`` cannot serve ``precision`` weights on ``hardware`` ('' when it can)."""
    trt = engine.startswith("tensorrt-llm")
    if trt and not hardware.name.startswith("NVIDIA"):
        return "TensorRT-LLM builds for NVIDIA GPUs only"
    if trt and hardware.key in PRE_AMPERE:
        return "TensorRT-LLM no longer supports GPUs before Ampere"
    key = ctx.catalog.precision(precision).key
    _, dequantised = ctx.catalog.precision(precision).compute_on(hardware.peak_flop_per_s)
    if dequantised and key in ("fp8", "fp4"):
        if trt:
            return f"TensorRT-LLM runs {precision} only on GPUs with {precision} tensor cores"
        if no_low_bit_kernels(ctx, precision, hardware) and not engine.startswith("llama.cpp"):
            return f"no weight-only {precision} kernels before Ampere"
    return ""


def engine_runs(ctx: Context, srv: ServingSection, hardware: Any, section: str = "serving") -> None:
    """Refuse a precision the engine has no kernels for on this GPU, naming why."""
    why = engine_cannot(ctx, srv.engine, hardware, srv.precision)
    if why:
        raise BotecInputError(
            f"{section}.precision", f"{srv.precision} on {hardware.key} with {srv.engine}",
            f"a precision the engine runs on this GPU ({why})",
        )  # fmt: skip


def within_context(ctx: Context, srv: ServingSection, spec: Any) -> None:
    """A prompt and its answer past the model's context are said so, naming it: engines refuse
    them unless told to allow more (vLLM's max_model_len defaults to the model's) and the model
    was not trained for them; published benchmarks do run a little past it (LLaMA 7B at 128 +
    2,048 tokens in TensorRT-LLM's tables), so it is a warning, not a refusal."""
    if spec is None or not spec.context_length:
        return
    longest = _high(srv.input_tokens) + _high(srv.output_tokens)
    if longest > spec.context_length:
        ctx.sheet.note(
            "warn",
            f"A request of {longest:,.0f} tokens (prompt + output) is past {spec.name}'s context "
            f"of {spec.context_length:,} tokens: engines refuse it unless their limit is raised "
            "(vLLM's --max-model-len), and the model was not trained for it.",
            verdict=True,
        )


def _high(value: Any) -> float:
    return float(value.high if isinstance(value, Uncertain) else value)


def split_heads(
    ctx: Context, srv: ServingSection, engine: Any, model: ServedModel, tp: Value
) -> ServedModel:
    """Tensor parallelism splits attention heads evenly (vLLM and TensorRT-LLM refuse TP that
    does not divide them); past the KV heads each GPU keeps a copy of one, so the KV cache is
    counted with its copies."""
    degree = srv.tensor_parallel
    # an unnamed model's typical shape is botec's guess (33 heads at some sizes): no engine
    # would see it, so its head count constrains nothing; MLA caches one latent, no KV heads
    known = "heads" in ctx.sheet.inputs and ctx.sheet.inputs["heads"].kind == "input"
    if degree == 1 or engine.multi_gpu != "tensor" or not known:
        return model
    heads = int(ctx.sheet.value("heads"))
    if "kv_heads" not in ctx.sheet.inputs:  # MLA: the query heads split, the latent is shared
        if heads % degree:
            fits = [d for d in range(1, heads + 1) if heads % d == 0]
            raise BotecInputError(
                "serving.tensor_parallel", degree,
                f"a TP degree that splits the {heads} attention heads evenly: "
                f"{', '.join(map(str, fits))}",
            )  # fmt: skip
        return model
    kv_heads = int(ctx.sheet.value("kv_heads"))
    if not splits_heads(degree, heads, kv_heads):
        fits = [d for d in range(1, heads + 1) if splits_heads(d, heads, kv_heads)]
        raise BotecInputError(
            "serving.tensor_parallel",
            degree,
            f"a TP degree that splits the {heads} attention heads and {kv_heads} KV heads "
            f"evenly: {', '.join(map(str, fits))}",
        )
    if degree <= kv_heads:
        return model
    sheet = ctx.sheet
    replicated = sheet.step(
        KV_REPLICATED,
        kv_cache_per_token=model.kv_per_token,
        tensor_parallel=tp,
        kv_heads=sheet.inputs["kv_heads"],
    )
    sheet.note(
        "info",
        f"TP {degree} is above the model's {kv_heads} KV heads: each GPU keeps a copy of one, so "
        f"the group holds {degree // kv_heads} copies of the KV cache.",
    )
    return dataclasses.replace(model, kv_per_token=replicated)


def draws_that_fit(ctx: Context, fits: Value, gpu: Any) -> None:
    """Where the nominal request fits but some draws of a ranged input (a long end of the
    lengths) leave no room for one sequence, say in how many: the fleet figures there count
    replicas that could not serve those requests."""
    samples = fits.samples
    if samples is None or float(fits.value) < 1:
        return
    import numpy

    short = float(numpy.mean(numpy.asarray(samples) < 1))
    if short > 0:
        ctx.sheet.note(
            "warn",
            f"In {short:.0%} of the draws not even one request's KV cache fits beside the weights "
            f"on {gpu.name} (the long ends of the input ranges): the ranges of the fleet figures "
            "count replicas that could not serve those requests; narrow the ranges or add memory "
            "(more TP, a larger GPU).",
            verdict=True,
        )
