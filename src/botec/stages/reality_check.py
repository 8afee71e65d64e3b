"""SmartPal's reality check: what the compute-bound shortcut assumes, and what the serving
roofline says one GPU really serves.

The realistic figure is not a model of its own: it runs the same prefill and decode phases as
``[serving]`` (:mod:`botec.stages.serving_phases`), for the seed's model on one GPU at the
largest batch that fits (capped by the engine), with the engine's efficiencies and overheads.
"""

from __future__ import annotations

from typing import Any

from botec.catalog import Engine, Hardware
from botec.core.sheet import Value
from botec.estimators import inference, memory, serving_counts, verdicts
from botec.estimators import serving as sv
from botec.scenario import InferenceSection, ModelSection, Scenario
from botec.stages.context import Context
from botec.stages.model import attention_shape, kv_per_token
from botec.stages.serving_phases import (
    ServedModel,
    engine_batch,
    hardware,
    max_batch,
    overheads,
    overheads_at_batch,
    phase_times,
    phases,
)


def run_reality_check(
    ctx: Context,
    scn: Scenario,
    inf: InferenceSection,
    qps: Value,
    gpu: Hardware,
    device: tuple[Value, Value, Value],
) -> None:
    """What the compute-bound shortcut assumes, and the serving roofline's requests per GPU."""
    sheet = ctx.sheet
    peak, bandwidth, gpu_mem = device
    assert scn.model is not None and ctx.weights is not None and ctx.output_tokens is not None
    model = _served_model(ctx, scn.model)
    batch_needed = inference.batch_needed(sheet, qps, ctx.output_tokens, ctx.weights, bandwidth)
    kv_needed = memory.kv_cache_memory(
        sheet,
        model.kv_per_token,
        model.cached_tokens,
        batch_needed,
        name="kv_cache_for_batch_needed",
    )
    memory.serving_memory(sheet, ctx.weights, kv_needed)
    one_gpu = sheet.constant(
        "tensor_parallel", 1, "GPUs", "Tensor-parallel GPUs", "the shortcut's one GPU per replica"
    )
    batch = _batch(ctx, inf, gpu_mem, one_gpu, model)
    if batch.value < 1:
        _no_batch(sheet, model, gpu)
        return
    engine = ctx.catalog.engine(inf.engine, "inference.engine")
    hw = hardware(
        ctx,
        gpu=gpu,
        engine=engine,
        device=(peak, bandwidth, one_gpu),
        model=model,
        precision=(scn.model.precision, "model.precision"),
        pinned=(inf.compute_efficiency, inf.memory_efficiency, inf.roofline_sharpness),
    )
    real_qps = _requests_per_gpu(ctx, engine, batch, model, hw)
    if ctx.peak_rps is not None:
        ctx.gpus["realistic"] = inference.gpus_for_load(
            sheet,
            ctx.peak_rps,
            real_qps,
            name="realistic_gpus_required",
            title="GPUs required (roofline)",
        )
    verdicts.reality_check(
        sheet,
        qps,
        batch_needed,
        kv_needed,
        ctx.weights,
        gpu,
        real_qps,
        ctx.gpus.get("required"),
        ctx.gpus.get("realistic"),
    )


def _batch(
    ctx: Context, inf: InferenceSection, gpu_mem: Value, one_gpu: Value, model: ServedModel
) -> Value:
    """The largest batch that fits, capped by the engine's concurrency limit."""
    engine = ctx.catalog.engine(inf.engine, "inference.engine")
    fits = max_batch(
        ctx,
        gpu_memory=gpu_mem,
        tensor_parallel=one_gpu,
        model=model,
        engine=engine,
        given=(inf.usable_memory_fraction, None),
    )
    return engine_batch(ctx, fits, engine, inf.max_batch)


def _served_model(ctx: Context, model: ModelSection) -> ServedModel:
    """The seed's model as the serving roofline sees it: shape, KV cache, request lengths."""
    sheet = ctx.sheet
    assert ctx.params is not None and ctx.weights is not None and ctx.output_tokens is not None
    kv = kv_per_token(ctx, model, "")
    if ctx.prompt_tokens is None:
        ctx.prompt_tokens = sheet.step(inference.PROMPT_AS_OUTPUT, output_tokens=ctx.output_tokens)
    prompt, answer = serving_counts.per_sequence(sheet, ctx.prompt_tokens, ctx.output_tokens)
    tokens = {"input_tokens": prompt, "output_tokens": answer}
    layers, attention_dim, hidden = attention_shape(ctx, model)
    return ServedModel(
        active_params=ctx.params,
        weights=ctx.weights,
        bytes_per_param=sheet.inputs["bytes_per_param"],
        kv_per_token=kv,
        layers=layers,
        attention_dim=attention_dim,
        hidden_size=hidden,
        input_tokens=prompt,
        output_tokens=answer,
        cached_tokens=sheet.step(sv.FULL_CONTEXT, **tokens),
        mean_decode_context=sheet.step(sv.MEAN_CONTEXT_FULL, **tokens),
        request_tokens=(ctx.prompt_tokens, ctx.output_tokens),
    )


def _requests_per_gpu(
    ctx: Context,
    engine: Engine,
    batch: Value,
    model: ServedModel,
    hw: dict[str, Value],
) -> Value:
    """A static batch through the serving roofline: its prefill, then a decode step per output
    token; requests per second per GPU is the output throughput over the answer's tokens."""
    sheet = ctx.sheet
    prefill, step = phase_times(
        ctx,
        phases(ctx, "batch", batch, model, hw),
        overheads_at_batch(ctx, engine, overheads(ctx, engine, model), batch),
        (
            ("batch_prefill_time", "Prefill time for the whole batch"),
            ("batch_decode_step_time", "Decode step time at this batch"),
        ),
    )
    _binding_side(ctx, model, hw)
    per_step = inference.decode_tokens_per_step(sheet)
    sheet.step(
        inference.REQUEST_LATENCY,
        batch_prefill_time=prefill,
        output_tokens=model.output_tokens,
        decode_tokens_per_step=per_step,
        batch_decode_step_time=step,
    )
    throughput = sheet.step(
        sv.THROUGHPUT,
        batch=batch,
        output_tokens=model.output_tokens,
        prefill_time=prefill,
        decode_tokens_per_step=per_step,
        decode_step_time=step,
    )
    return sheet.step(
        inference.REALISTIC_QPS,
        max_output_throughput=throughput,
        output_tokens=model.request_tokens[1],
    )


def _binding_side(ctx: Context, model: ServedModel, hw: dict[str, Value]) -> None:
    """The decode step's compute time and memory time side by side: which one binds."""
    sheet = ctx.sheet
    sheet.step(
        sv.DECODE_COMPUTE_TIME,
        linear_flops=sheet.steps["batch_decode_linear_flops"],
        attention_flops=sheet.steps["batch_decode_attention_flops"],
        tensor_parallel=hw["tensor_parallel"],
        peak_flop_per_s=hw["peak_flop_per_s"],
        compute_efficiency=hw["compute_efficiency"],
    )
    sheet.step(
        sv.DECODE_MEMORY_TIME,
        weight_bytes=model.weights,
        kv_bytes=sheet.steps["batch_kv_read_bytes"],
        tensor_parallel=hw["tensor_parallel"],
        memory_bandwidth=hw["memory_bandwidth"],
        memory_efficiency=hw["memory_efficiency"],
    )


def _no_batch(sheet: Any, model: Any, gpu: Hardware) -> None:
    sheet.note(
        "bad",
        f"The weights and one request's KV cache ({model.cached_tokens.formatted()} of context) "
        f"do not fit in one {gpu.name}: no batch fits, so no request rate.",
        verdict=True,
        topic="fit",
    )
