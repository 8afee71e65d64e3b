"""The one serving roofline, as steps on a sheet: the hardware a phase runs on, then prefill and
a decode step at a batch. ``[serving]``, the serving plan and SmartPal's reality check all time
their phases here, so every realistic serving figure comes from the same formulas
(:mod:`botec.estimators.serving`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botec.catalog import Engine, Hardware
from botec.core.sheet import Value
from botec.core.uncertain import point
from botec.estimators import serving as sv
from botec.estimators import serving_adp as adp
from botec.estimators import serving_counts as sc
from botec.estimators import serving_sync
from botec.estimators.inference import decode_tokens_per_step, forward_flop_per_param_per_token
from botec.estimators.serving_moe import MOE_STEP_OVERHEAD
from botec.stages._inputs import assumed, on_this_gpu, roofline_sharpness
from botec.stages.context import Context
from botec.stages.serving_collectives import collective_inputs, tp_link


@dataclass
class ServedModel:
    """What the roofline needs to know about the model and its requests (values on the sheet)."""

    active_params: Value
    weights: Value
    bytes_per_param: Value
    kv_per_token: Value
    layers: Value
    attention_dim: Value
    hidden_size: Value
    input_tokens: Value  # per sequence, as the engine holds them
    output_tokens: Value
    cached_tokens: Value
    mean_decode_context: Value
    request_tokens: tuple[Value, Value]  # (prompt, answer) per request, as the traffic asks
    experts: dict[str, Value] = field(default_factory=dict)  # MoE: shared/expert params, k/E
    kv_reads_per_token: Value | None = None  # engines that read a GQA group's KV per head
    attention_dp: bool = False  # MoE: attention data-parallel, experts split (serving_adp)


@dataclass
class Phases:
    """Prefill (whole batch) and one decode step: each phase's time and its parts."""

    prefill_roofline: Value
    prefill_sync: Value
    decode_roofline: Value
    decode_sync: Value


def engine_factor(
    ctx: Context, engine: Engine, name: str, given: Any, unit: str, title: str
) -> Value:
    """An engine efficiency or overhead: as the scenario gives it, or the engine's range."""
    if given is not None:
        return ctx.sheet.input(name, given, unit, title, "scenario")
    spec = engine.factors[name if name in engine.factors else f"{name}_s"]
    return ctx.sheet.assume(name, spec.as_range(), unit, f"{title} ({engine.name})", spec.source)


def hardware(
    ctx: Context,
    *,
    gpu: Hardware,
    engine: Engine,
    device: tuple[Value, Value, Value],
    model: ServedModel,
    precision: tuple[str, str],
    pinned: tuple[Any, Any, Any],
) -> dict[str, Value]:
    """The values every kernel-group roofline and all-reduce reads: peak, bandwidth and the
    GPUs sharing each kernel (``device``), efficiencies (``pinned`` by the scenario: compute,
    memory, sharpness; else the engine's ranges, at the ``precision`` (key, field) of the
    weights), the interconnect's all-reduce cost."""
    sheet = ctx.sheet
    given = given_factors(ctx, precision[0], precision[1], pinned, gpu.peak_flop_per_s)
    link = tp_link(ctx, gpu, int(point(device[2].value)))
    compute = given.get("compute_efficiency")
    compute_eff = engine_factor(
        ctx, engine, "compute_efficiency", compute, "fraction", "Compute efficiency"
    )
    ratio = given.get("matmul_efficiency_ratio")
    if ratio is not None and compute is None:
        compute_eff = sheet.step(
            sv.PRECISION_COMPUTE_EFFICIENCY,
            compute_efficiency=compute_eff,
            matmul_efficiency_ratio=ratio,
        )
    if compute is None:
        compute_eff = on_this_gpu(ctx, compute_eff, gpu)
    memory_eff = engine_factor(
        ctx,
        engine,
        "memory_efficiency",
        given.get("memory_efficiency"),
        "fraction",
        "Memory-bandwidth efficiency",
    )
    return {
        "tensor_parallel": _cards_at_once(ctx, engine, device[2]),
        "peak_flop_per_s": device[0],
        "memory_bandwidth": device[1],
        "compute_efficiency": compute_eff,
        "memory_efficiency": memory_eff,
        "roofline_sharpness": roofline_sharpness(ctx, given.get("roofline_sharpness")),
        "layers": model.layers,
        "hidden_size": model.hidden_size,
        **collective_inputs(ctx, link, moe=bool(model.experts), adp=model.attention_dp),
    }


def given_factors(
    ctx: Context,
    precision_name: str,
    field_name: str,
    pinned: tuple[Any, Any, Any],
    gpu_peaks: dict[str, float],
) -> dict[str, Any]:
    """What the scenario pins of the roofline's factors (compute and memory efficiency,
    sharpness: ``pinned``), and the precision's matmul efficiency ratio where it is not 1 and
    the GPU (``gpu_peaks``) runs that precision natively."""
    given: dict[str, Any] = dict(
        zip(("compute_efficiency", "memory_efficiency", "roofline_sharpness"), pinned, strict=True)
    )
    precision = ctx.catalog.precision(precision_name, field_name)
    native = precision.compute_dtype in gpu_peaks
    if precision.matmul_efficiency_ratio != 1 and native:
        given["matmul_efficiency_ratio"] = ctx.sheet.input(
            "matmul_efficiency_ratio",
            precision.matmul_efficiency_ratio,
            "x",
            f"{precision.name} matmul efficiency relative to FP16",
            precision.matmul_efficiency_source,
        )
    return given


def _cards_at_once(ctx: Context, engine: Engine, tensor_parallel: Value) -> Value:
    """How many GPUs share each kernel: all of them under tensor parallelism; one where the
    engine splits the model by layers (the token visits the cards in turn, and no all-reduce)."""
    if engine.multi_gpu == "tensor" or tensor_parallel.value == 1:
        return tensor_parallel
    return ctx.sheet.constant(
        "gpus_working_at_once",
        1,
        "GPUs",
        f"GPUs working at once ({engine.name} splits the model by layers)",
        engine.multi_gpu_source,
    )


def max_batch(
    ctx: Context,
    *,
    gpu_memory: Value,
    tensor_parallel: Value,
    model: ServedModel,
    engine: Engine,
    given: tuple[Any, Any] = (None, None),
) -> Value:
    """The memory left for the KV cache by the engine's rule (a share of all memory, or of what
    the weights leave) and the largest batch that fits: every sequence at its full length
    (static reservation) or at its average context (paged); ``given``: the scenario's usable
    memory fraction and workspace per GPU (None: defaults)."""
    sheet = ctx.sheet
    free = engine.kv_memory_rule == "free"
    budget = sheet.step(
        sv.KV_BUDGET_FREE if free else sv.KV_BUDGET,
        tensor_parallel=tensor_parallel,
        gpu_memory=gpu_memory,
        usable_memory_fraction=sheet.assume(
            "usable_memory_fraction",
            given[0],
            "fraction",
            "Share of GPU memory the engine uses"
            if not free
            else "Share of the memory left after the weights that the engine gives the KV cache",
            f"{engine.name}: {engine.kv_source}",
        ),
        workspace_per_gpu=assumed(
            ctx, "workspace_per_gpu", given[1], "B", "Workspace and runtime per GPU"
        ),
        weights_memory=model.weights,
    )
    if engine.kv_reservation == "paged":
        return sheet.step(
            sv.MAX_BATCH_PAGED,
            kv_cache_budget=budget,
            kv_cache_per_token=model.kv_per_token,
            mean_decode_context=model.mean_decode_context,
        )
    return sheet.step(
        sv.MAX_BATCH,
        kv_cache_budget=budget,
        kv_cache_per_token=model.kv_per_token,
        cached_tokens=model.cached_tokens,
    )


def engine_batch(ctx: Context, fits: Value, engine: Engine, given: Any) -> Value:
    """The batch the engine runs unless told: the largest that fits, up to its concurrency cap
    (``given``: the scenario's cap, else the engine's)."""
    cap = (
        ctx.sheet.input(
            "max_concurrency", given, "sequences", "Engine's concurrency cap", "scenario"
        )
        if given is not None
        else ctx.sheet.assume(
            "max_concurrency",
            engine.max_concurrency,
            "sequences",
            f"Engine's concurrency cap ({engine.name})",
            engine.max_concurrency_source,
        )
    )
    return ctx.sheet.step(sv.ENGINE_BATCH, max_batch=fits, max_concurrency=cap)


def overheads(
    ctx: Context, engine: Engine, model: ServedModel, given: tuple[Any, Any] = (None, None)
) -> tuple[Value, Value]:
    """(per-request latency, per-step overhead): as given, else the engine's ranges; a mixture
    of experts adds its routing kernels' fixed cost in every layer to the engine's step
    overhead (a stated step overhead is taken as the whole of it)."""
    request = engine_factor(ctx, engine, "request_overhead", given[0], "s", "Per-request latency")
    step = engine_factor(ctx, engine, "step_overhead", given[1], "s", "Per-step overhead")
    if not model.experts or given[1] is not None:
        return request, step
    return request, ctx.sheet.step(
        MOE_STEP_OVERHEAD,
        step_overhead=step,
        layers=model.layers,
        moe_layer_overhead=assumed(
            ctx, "moe_layer_overhead", None, "s", "Fixed cost of one MoE layer per decode step"
        ),
    )


def overheads_at_batch(
    ctx: Context, engine: Engine, overheads: tuple[Value, Value], batch: Value
) -> tuple[Value, Value]:
    """(per-request latency, per-step overhead) at ``batch``: the step overhead grows with the
    batch where the engine has a per-sequence cost, else it is the engine's fixed one."""
    if "sequence_overhead_s" not in engine.factors:
        return overheads
    sequence = engine_factor(
        ctx, engine, "sequence_overhead", None, "s/sequence", "Per-sequence step cost"
    )
    step = ctx.sheet.step(
        sv.BATCH_STEP_OVERHEAD, step_overhead=overheads[1], batch=batch, sequence_overhead=sequence
    )
    return overheads[0], step


def phases(ctx: Context, prefix: str, batch: Value, m: ServedModel, hw: dict[str, Value]) -> Phases:
    """Prefill of the whole batch and one decode step at ``batch``: each a weight-matmul and an
    attention roofline, plus the tensor-parallel all-reduces."""
    sheet = ctx.sheet
    p = f"{prefix}_" if prefix else ""
    prefill_tokens = sheet.step(
        sv.BATCH_TOKENS, name=f"{p}prompt_tokens", batch=batch, input_tokens=m.input_tokens
    )
    prefill = sv.kernels_roofline(
        sheet,
        f"{p}prefill",
        "Prefill",
        linear_flops=sheet.step(
            sv.PREFILL_LINEAR_FLOPS,
            name=f"{p}prefill_linear_flops",
            batch=batch,
            input_tokens=m.input_tokens,
            flop_per_param_per_token=forward_flop_per_param_per_token(sheet),
            active_params=m.active_params,
        ),
        weight_bytes=m.weights,
        attention_flops=sheet.step(
            sv.PREFILL_ATTENTION_FLOPS,
            name=f"{p}prefill_attention_flops",
            batch=batch,
            attention_flop_per_pair=sc.attention_flop_per_pair(sheet),
            layers=m.layers,
            attention_dim=m.attention_dim,
            input_tokens=m.input_tokens,
        ),
        attention_bytes=sheet.step(
            sv.KV_WRITE_BYTES,
            name=f"{p}kv_write_bytes",
            batch=batch,
            input_tokens=m.input_tokens,
            kv_cache_per_token=m.kv_per_token,
        ),
        gpu=hw,
    )
    prefill_sync = serving_sync.sync_time(
        sheet, f"{p}prefill", "Prefill", tokens=prefill_tokens, gpu=hw, adp=m.attention_dp
    )
    decode = _decode_roofline(ctx, p, batch, m, hw)
    decode_sync = serving_sync.sync_time(
        sheet, f"{p}decode", "Decode step", batch=batch, gpu=hw, adp=m.attention_dp
    )
    return Phases(prefill, prefill_sync, decode, decode_sync)


def _decode_roofline(
    ctx: Context, p: str, batch: Value, m: ServedModel, hw: dict[str, Value]
) -> Value:
    sheet = ctx.sheet
    if m.experts:
        split = {"tensor_parallel": hw["tensor_parallel"]} if m.attention_dp else {}
        read = sheet.step(
            adp.WEIGHTS_READ if m.attention_dp else sv.WEIGHTS_READ,
            name=f"{p}weights_read_per_step",
            batch=batch,
            decode_tokens_per_step=decode_tokens_per_step(sheet),
            tokens_per_route=sc.tokens_per_route(sheet),
            bytes_per_param=m.bytes_per_param,
            **m.experts,
            **split,
        )
    else:
        read = m.weights
    per_head = m.kv_reads_per_token is not None
    kv_args = {"kv_reads_per_token": m.kv_reads_per_token} if per_head else {}
    return sv.kernels_roofline(
        sheet,
        f"{p}decode",
        "Decode step",
        linear_flops=sheet.step(
            sv.DECODE_LINEAR_FLOPS,
            name=f"{p}decode_linear_flops",
            batch=batch,
            decode_tokens_per_step=decode_tokens_per_step(sheet),
            flop_per_param_per_token=forward_flop_per_param_per_token(sheet),
            active_params=m.active_params,
        ),
        weight_bytes=read,
        attention_flops=sheet.step(
            sv.DECODE_ATTENTION_FLOPS,
            name=f"{p}decode_attention_flops",
            batch=batch,
            decode_tokens_per_step=decode_tokens_per_step(sheet),
            attention_flop_per_pair=sc.attention_flop_per_pair(sheet),
            layers=m.layers,
            attention_dim=m.attention_dim,
            mean_decode_context=m.mean_decode_context,
        ),
        attention_bytes=sheet.step(
            sv.KV_READ_BYTES_PER_HEAD if per_head else sv.KV_READ_BYTES,
            name=f"{p}kv_read_bytes",
            batch=batch,
            mean_decode_context=m.mean_decode_context,
            cached_tokens=m.cached_tokens,
            kv_cache_per_token=m.kv_per_token,
            **kv_args,
        ),
        gpu=hw,
    )


def phase_times(
    ctx: Context,
    ph: Phases,
    overheads: tuple[Value, Value],
    names: tuple[tuple[str, str], tuple[str, str]],
) -> tuple[Value, Value]:
    """(prefill time, decode step time): roofline + all-reduces + the engine's per-request and
    per-step overheads (``overheads``), recorded under ``names`` ((name, title) each)."""
    request_overhead, step_overhead = overheads
    (prefill_name, prefill_title), (step_name, step_title) = names
    prefill = ctx.sheet.step(
        sv.PREFILL_TIME,
        name=prefill_name,
        title=prefill_title,
        prefill_roofline_time=ph.prefill_roofline,
        prefill_sync_time=ph.prefill_sync,
        request_overhead=request_overhead,
    )
    step = ctx.sheet.step(
        sv.STEP_TIME,
        name=step_name,
        title=step_title,
        decode_roofline_time=ph.decode_roofline,
        decode_sync_time=ph.decode_sync,
        step_overhead=step_overhead,
    )
    return prefill, step
