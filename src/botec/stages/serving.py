"""The [serving] stage of the cascade: a named (or sized) LLM on a GPU type with a serving engine.

Records the model's architecture and the hardware as inputs, then runs the roofline phases
(:mod:`botec.stages.serving_phases`) at batch 1 (latency) and at the largest batch that fits (or
the stated one) for throughput.
"""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.core.uncertain import point
from botec.estimators import inference, memory
from botec.estimators import serving as sv
from botec.estimators import serving_counts as sc
from botec.estimators.inference import decode_tokens_per_step
from botec.scenario import ServingSection
from botec.stages._inputs import gpu_inputs
from botec.stages.context import Context
from botec.stages.kv_context import cached_contexts
from botec.stages.model_params import record_param_count
from botec.stages.serving_adp import over_gpus
from botec.stages.serving_checks import draws_that_fit, engine_runs, within_context
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


def model_spec(srv: Any, section: str = "serving") -> Any:
    """The named model's architecture (None for a bare parameter count); ``srv`` is any section
    with ``model`` and ``params`` ([serving], [model_fit])."""
    if srv.model:
        from botec.modelspec import resolve_model

        return resolve_model(srv.model, f"{section}.model")
    if srv.params is None:
        raise BotecInputError(
            f"{section}.model", "missing", "a catalog model name or params = '7B'"
        )
    return None


def model_shape(ctx: Context, srv: Any, spec: Any) -> dict[str, Any]:
    """The architecture as plain numbers: a named model's, or a typical one for the size."""
    if spec is not None:
        return {
            "cite": f"{spec.name}: {spec.source}",
            "kind": "input",
            "layers": spec.layers,
            "kv_heads": spec.kv_heads,
            "head_dim": spec.head_dim,
            "hidden": spec.hidden_size,
            "heads": spec.heads,
        }
    from botec.estimators.model_shape import typical_shape

    shape = typical_shape(point(srv.params))
    ctx.sheet.note(
        "info",
        f"No model named: assuming a typical dense decoder for {point(srv.params) / 1e9:.3g}B "
        f"parameters ({shape.layers} layers, hidden {shape.d_model}, {shape.kv_heads} KV heads "
        f"of {shape.head_dim}, multi-head attention). Name a catalog model for its real shape.",
    )
    return {
        "cite": shape.source,
        "kind": "assumption",
        "layers": shape.layers,
        "kv_heads": shape.kv_heads,
        "head_dim": shape.head_dim,
        "hidden": shape.d_model,
        "heads": shape.kv_heads,
    }


def param_counts(ctx: Context, srv: Any, spec: Any) -> tuple[Value, Value, bool]:
    """(total parameters, active parameters per token, whether it is a mixture of experts)."""
    if spec is None:
        params = ctx.sheet.input("params", srv.params, "params", "Parameters")
        return params, params, False
    params = record_param_count(ctx.sheet, spec)
    moe = spec.experts > 0 and spec.params_active < spec.params_total
    if not moe:
        return params, params, False
    return params, record_param_count(ctx.sheet, spec, active=True), True


def kv_per_token(
    ctx: Context,
    srv: Any,
    spec: Any,
    shape: dict[str, Any],
    layers: Value,
    section: str = "serving",
) -> Value:
    """KV bytes per token: MLA's latent, else K and V per KV head, at the KV precision given or
    the one the engine stores beside these weights; ``srv`` is [serving] or [model_fit]."""
    sheet, inp, cite, kind = ctx.sheet, ctx.sheet.input, shape["cite"], shape["kind"]
    precision = ctx.catalog.precision(srv.precision, f"{section}.precision")
    engine = ctx.catalog.engine(srv.engine, f"{section}.engine")
    peaks = ctx.catalog.hardware(srv.gpu, f"{section}.gpu").peak_flop_per_s
    kv_name = srv.kv_precision or engine.kv_precision_for(
        precision.bytes_per_param, precision.key, peaks
    )
    kv_prec = ctx.catalog.precision(kv_name, f"{section}.kv_precision")
    kv_bytes = inp(
        "kv_bytes_per_value",
        kv_prec.bytes_per_param,
        "B/token-dim",
        f"KV-cache bytes per value ({kv_prec.name})",
        kv_prec.source
        if srv.kv_precision
        else f"{engine.name}'s KV cache type for these weights: {engine.kv_source}",
        "input" if srv.kv_precision else "assumption",
    )
    if spec is not None and spec.attention == "mla":
        return sheet.step(
            memory.KV_MLA_PER_TOKEN,
            layers=layers,
            kv_lora_rank=inp("kv_lora_rank", spec.kv_lora_rank, "dims", "MLA latent rank", cite),
            rope_head_dim=inp(
                "rope_head_dim", spec.qk_rope_head_dim, "dims", "MLA rotary key dim", cite
            ),
            kv_bytes_per_value=kv_bytes,
        )
    return memory.kv_cache_per_token(
        sheet,
        layers,
        inp("kv_heads", shape["kv_heads"], "heads", "KV heads", cite, kind),
        inp("head_dim", shape["head_dim"], "dims", "Head dimension", cite, kind),
        kv_bytes,
    )


def _experts(ctx: Context, spec: Any, params: Value, active: Value) -> dict[str, Value]:
    sheet, cite = ctx.sheet, f"{spec.name}: {spec.source}"
    route = sheet.step(
        sv.EXPERT_ROUTE,
        experts_active=sheet.input(
            "experts_active", spec.experts_active, "experts", "Experts per token (k)", cite
        ),
        experts=sheet.input("experts", spec.experts, "experts", "Routed experts (E)", cite),
    )
    expert = sheet.step(
        sv.EXPERT_PARAMS, params=params, active_params=active, expert_route_fraction=route
    )
    return {
        "shared_params": sheet.step(sv.SHARED_PARAMS, params=params, expert_params=expert),
        "expert_params": expert,
        "expert_route_fraction": route,
    }


def _kv_reads(ctx: Context, engine: Any, shape: dict[str, Any]) -> Value | None:
    """HBM reads of each KV entry per step, for engines whose decode kernel gives every query
    head its own pass over a GQA group's cache (None where the kernel shares it)."""
    if engine.kv_shared_across_query_heads or shape["heads"] <= shape["kv_heads"]:
        return None
    sheet, cite, kind = ctx.sheet, shape["cite"], shape["kind"]
    share = ctx.catalog.assumption("kv_hbm_read_share")
    return sheet.step(
        sv.KV_READS_PER_TOKEN,
        heads=sheet.inputs["heads"],
        kv_heads=sheet.input("kv_heads", shape["kv_heads"], "heads", "KV heads", cite, kind),
        kv_hbm_read_share=sheet.assume(
            "kv_hbm_read_share",
            share.as_range(),
            "fraction",
            f"{share.title} ({engine.name})",
            f"{engine.kv_sharing_source}; {share.source}",
        ),
    )


def served_model(
    ctx: Context, srv: ServingSection, spec: Any, engine: Any
) -> tuple[ServedModel, Value]:
    """Record the model, its weights, KV cache and request lengths; (model, total params)."""
    sheet = ctx.sheet
    shape = model_shape(ctx, srv, spec)
    cite, kind = shape["cite"], shape["kind"]
    params, active, moe = param_counts(ctx, srv, spec)
    precision = ctx.catalog.precision(srv.precision, "serving.precision")
    bpp = sheet.input(
        "bytes_per_param",
        precision.bytes_per_param,
        "B/param",
        f"Bytes per parameter ({precision.name})",
        precision.source,
    )
    weights = memory.weights_memory(sheet, params, bpp)
    layers = sheet.input("layers", shape["layers"], "layers", "Transformer layers", cite, kind)
    kv = kv_per_token(ctx, srv, spec, shape, layers)
    within_context(ctx, srv, spec)
    request_in = sheet.input(
        "input_tokens", srv.input_tokens, "tokens/req", "Prompt (input) tokens"
    )
    request_out = sheet.input("output_tokens", srv.output_tokens, "tokens/req", "Output tokens")
    tokens_in, tokens_out = sc.per_sequence(sheet, request_in, request_out)
    cached, mean_ctx = cached_contexts(ctx, spec, tokens_in, tokens_out, cite)
    hidden = sheet.input("hidden_size", shape["hidden"], "dims", "Hidden size", cite, kind)
    attention_dim = sheet.step(
        sv.ATTENTION_DIM,
        heads=sheet.input("heads", shape["heads"], "heads", "Attention heads", cite, kind),
        head_dim=sheet.input("head_dim", shape["head_dim"], "dims", "Head dimension", cite, kind),
    )
    model = ServedModel(
        active_params=active,
        weights=weights,
        bytes_per_param=bpp,
        kv_per_token=kv,
        layers=layers,
        attention_dim=attention_dim,
        hidden_size=hidden,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        cached_tokens=cached,
        mean_decode_context=mean_ctx,
        request_tokens=(request_in, request_out),
        experts=_experts(ctx, spec, params, active) if moe else {},
        kv_reads_per_token=_kv_reads(ctx, engine, shape),
    )
    return model, params


def run_serving(ctx: Context, srv: ServingSection, chosen_by: str = "") -> dict[str, Any]:
    """Record the serving steps; return the values a serving plan builds on (empty when the
    model does not fit). ``chosen_by`` is the source of a TP degree and batch a plan picked."""
    sheet = ctx.sheet
    engine = ctx.catalog.engine(srv.engine, "serving.engine")
    model, params = served_model(ctx, srv, model_spec(srv), engine)
    gpu, peak, bandwidth, gpu_mem = gpu_inputs(
        ctx, srv.gpu, "serving.gpu", srv.precision, engine=engine
    )
    engine_runs(ctx, srv, gpu)
    source = chosen_by or "scenario"
    tp = sheet.input("tensor_parallel", srv.tensor_parallel, "GPUs", "Tensor-parallel GPUs", source)
    model = over_gpus(ctx, srv, engine, model, tp)
    hw = hardware(
        ctx, gpu=gpu, engine=engine, device=(peak, bandwidth, tp), model=model,
        precision=(srv.precision, "serving.precision"),
        pinned=(srv.compute_efficiency, srv.memory_efficiency, srv.roofline_sharpness),
    )  # fmt: skip
    costs = overheads(ctx, engine, model, (srv.request_overhead, srv.step_overhead))
    fits = max_batch(
        ctx,
        gpu_memory=gpu_mem,
        tensor_parallel=tp,
        model=model,
        engine=engine,
        given=(srv.usable_memory_fraction, srv.workspace_per_gpu),
    )
    with sheet.section("Serving latency (batch 1)"):
        ttft = _latency(ctx, model, hw, costs)
    with sheet.section("Serving throughput"):
        if fits.value < 1:
            sheet.note(
                "bad",
                f"The weights ({model.weights.formatted()}) and one sequence's KV cache do not "
                f"fit in {srv.tensor_parallel} × {gpu.name}: raise --tp or quantise.",
                verdict=True,
                topic="fit",
            )
            return {}
        draws_that_fit(ctx, fits, gpu)
        batch = _batch(ctx, srv, fits, chosen_by, engine)
        step = _throughput(ctx, batch, model, hw, overheads_at_batch(ctx, engine, costs, batch), tp)
    return {
        "gpu": gpu,
        "tensor_parallel": tp,
        "output_tokens": model.request_tokens[1],
        "input_tokens": model.request_tokens[0],
        "output_tokens_per_sequence": model.output_tokens,
        "input_tokens_per_sequence": model.input_tokens,
        "batch": batch,
        "max_batch": fits,
        "time_to_first_token": ttft,
        "decode_step_time": step,
        "params": params,
        "weights_memory": model.weights,
        "peak_flop_per_s": peak,
        "memory_bandwidth": bandwidth,
        "gpu_memory": gpu_mem,
    } | {name: sheet.steps[name] for name in ("prefill_roofline_time", "prefill_sync_time")}


def _latency(
    ctx: Context, model: ServedModel, hw: dict[str, Value], overheads: tuple[Value, Value]
) -> Value:
    """Batch 1: time to first token, time per output token, end-to-end latency."""
    sheet = ctx.sheet
    one = sheet.constant("single_sequence", 1, "sequences", "Batch of one", "latency case")
    ttft, tpot = phase_times(
        ctx,
        phases(ctx, "", one, model, hw),
        overheads,
        (
            ("time_to_first_token", "Time to first token (batch 1)"),
            ("time_per_output_token", "Time per output token (batch 1)"),
        ),
    )
    per_step = decode_tokens_per_step(sheet)
    sheet.step(
        sv.TPOT_RATE,
        single_sequence=one,
        decode_tokens_per_step=per_step,
        time_per_output_token=tpot,
    )
    sheet.step(
        sv.E2E,
        time_to_first_token=ttft,
        output_tokens=model.output_tokens,
        decode_tokens_per_step=per_step,
        time_per_output_token=tpot,
    )
    return ttft


def _batch(ctx: Context, srv: ServingSection, fits: Value, chosen_by: str, engine: Any) -> Value:
    if srv.batch is None:
        return engine_batch(ctx, fits, engine, srv.max_concurrency)
    batch = ctx.sheet.input("batch", srv.batch, "sequences", "Batch size", chosen_by or "scenario")
    cap = srv.max_concurrency or engine.max_concurrency
    if not chosen_by and srv.batch > cap:
        ctx.sheet.note(
            "warn",
            f"A batch of {srv.batch} is past {engine.name}'s concurrency cap of {cap:,} "
            f"({engine.max_concurrency_source}): the engine runs it only if told to.",
        )
    if srv.batch > fits.value:
        ctx.sheet.note(
            "bad",
            f"A batch of {srv.batch} does not fit: at these lengths the KV cache holds "
            f"{fits.formatted()}.",
            topic="fit",
        )
    return batch


def _throughput(
    ctx: Context,
    batch: Value,
    model: ServedModel,
    hw: dict[str, Value],
    overheads: tuple[Value, Value],
    tp: Value,
) -> Value:
    """A static batch: its prefill, then one decode step per output token; the step time."""
    sheet = ctx.sheet
    prefill, step = phase_times(
        ctx,
        phases(ctx, "batch", batch, model, hw),
        overheads,
        (
            ("batch_prefill_time", "Prefill time for the whole batch"),
            ("batch_decode_step_time", "Decode step time at this batch"),
        ),
    )
    per_step = decode_tokens_per_step(sheet)
    tput = sheet.step(
        sv.THROUGHPUT,
        batch=batch,
        output_tokens=model.output_tokens,
        prefill_time=prefill,
        decode_tokens_per_step=per_step,
        decode_step_time=step,
    )
    sheet.step(sv.PER_GPU, max_output_throughput=tput, tensor_parallel=tp)
    sheet.step(
        sv.PER_USER,
        single_sequence=inference.single_sequence(sheet),
        decode_tokens_per_step=per_step,
        decode_step_time=step,
    )
    return step
