"""The [serving] stage of the cascade: a named (or sized) LLM on a GPU type with a serving engine.

Records the model's architecture and the hardware as inputs, then runs the roofline phases of
:mod:`botec.estimators.serving` at batch 1 (latency) and at the largest batch that fits (or the
stated one) for throughput.
"""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.core.uncertain import point
from botec.estimators import memory
from botec.estimators import serving as sv
from botec.scenario import ServingSection
from botec.stages._inputs import assumed, gpu_inputs, on_this_gpu, roofline_sharpness
from botec.stages.context import Context


def _model(srv: ServingSection) -> Any:
    if srv.model:
        from botec import modelspec as models

        return models.resolve_model(srv.model, "serving.model")
    if srv.params is None:
        raise BotecInputError("serving.model", "missing", "a catalog model name or params = '7B'")
    return None


def run_serving(ctx: Context, srv: ServingSection, chosen_by: str = "") -> dict[str, Any]:
    """Record the serving steps; return the values a serving plan builds on (empty when the
    model does not fit). ``chosen_by`` is the source of a TP degree and batch a plan picked."""
    sheet = ctx.sheet
    catalog = ctx.catalog
    inp = sheet.input
    spec = _model(srv)

    if spec is not None:
        cite = f"{spec.name}: {spec.source}"
        params = inp(
            "params", float(spec.params_total), "params", f"Parameters ({spec.name})", cite
        )
        layers_n, kv_heads_n, head_dim_n = spec.layers, spec.kv_heads, spec.head_dim
        hidden_n, heads_n = spec.hidden_size, spec.heads
        kind = "input"
    else:
        from botec.estimators.model_shape import typical_shape

        shape = typical_shape(point(srv.params))
        cite = shape.source
        params = inp("params", srv.params, "params", "Parameters")
        layers_n, kv_heads_n, head_dim_n = shape.layers, shape.kv_heads, shape.head_dim
        hidden_n, heads_n = shape.d_model, shape.kv_heads
        kind = "assumption"
        sheet.note(
            "info",
            f"No model named: assuming a typical dense decoder for {point(srv.params) / 1e9:.3g}B "
            f"parameters ({layers_n} layers, hidden {hidden_n}, {kv_heads_n} KV heads of "
            f"{head_dim_n}, multi-head attention). Name a catalog model for its real shape.",
        )
    moe = spec is not None and spec.experts > 0 and spec.params_active < spec.params_total
    active = (
        inp(
            "active_params",
            float(spec.params_active),
            "params",
            "Active parameters per token",
            cite,
        )
        if moe
        else params
    )
    precision = catalog.precision(srv.precision, "serving.precision")
    bpp = inp(
        "bytes_per_param",
        precision.bytes_per_param,
        "B/param",
        f"Bytes per parameter ({precision.name})",
        precision.source,
    )
    weights = memory.weights_memory(sheet, params, bpp)
    kv_name = srv.kv_precision or (precision.key if precision.bytes_per_param >= 2 else "fp16")
    kv_prec = catalog.precision(kv_name, "serving.kv_precision")
    kv_bytes = inp(
        "kv_bytes_per_value",
        kv_prec.bytes_per_param,
        "B",
        f"KV-cache bytes per value ({kv_prec.name})",
        kv_prec.source,
    )
    layers = inp("layers", layers_n, "layers", "Transformer layers", cite, kind)
    if spec is not None and spec.attention == "mla":
        kv = sheet.step(
            sv.KV_MLA_PER_TOKEN,
            layers=layers,
            kv_lora_rank=inp("kv_lora_rank", spec.kv_lora_rank, "dims", "MLA latent rank", cite),
            rope_head_dim=inp(
                "rope_head_dim", spec.qk_rope_head_dim, "dims", "MLA rotary key dim", cite
            ),
            kv_bytes_per_value=kv_bytes,
        )
    else:
        kv = memory.kv_cache_per_token(
            sheet,
            layers,
            inp("kv_heads", kv_heads_n, "heads", "KV heads", cite, kind),
            inp("head_dim", head_dim_n, "dims", "Head dimension", cite, kind),
            kv_bytes,
        )
    tokens_in = inp("input_tokens", srv.input_tokens, "tokens", "Prompt (input) tokens")
    tokens_out = inp("output_tokens", srv.output_tokens, "tokens", "Output tokens")
    window = spec.sliding_window if spec is not None else 0
    if window:
        win = inp("sliding_window", window, "tokens", "Sliding attention window", cite)
        cached = sheet.step(
            sv.CACHED_TOKENS, input_tokens=tokens_in, output_tokens=tokens_out, sliding_window=win
        )
        mean_ctx = sheet.step(
            sv.MEAN_CONTEXT, input_tokens=tokens_in, output_tokens=tokens_out, sliding_window=win
        )
    else:
        cached = sheet.step(sv.FULL_CONTEXT, input_tokens=tokens_in, output_tokens=tokens_out)
        mean_ctx = sheet.step(
            sv.MEAN_CONTEXT_FULL, input_tokens=tokens_in, output_tokens=tokens_out
        )

    gpu, peak, bandwidth, gpu_mem = gpu_inputs(ctx, srv.gpu, "serving.gpu", srv.precision)
    tp = inp(
        "tensor_parallel",
        srv.tensor_parallel,
        "GPUs",
        "Tensor-parallel GPUs",
        chosen_by or "scenario",
    )
    engine = catalog.engine(srv.engine, "serving.engine")

    def factor(name: str, given: Any, unit: str, title: str) -> Value:
        if given is not None:
            return inp(name, given, unit, title, "scenario")
        spec_ = engine.factors[name if name in engine.factors else f"{name}_s"]
        value = spec_.as_range()
        return sheet.assume(
            name,
            value,
            unit,
            f"{title} ({engine.name})",
            spec_.source,
        )

    link = catalog.link(gpu.interconnect, "hardware interconnect")
    compute_eff = factor(
        "compute_efficiency", srv.compute_efficiency, "fraction", "Compute efficiency"
    )
    if precision.matmul_efficiency_ratio != 1 and srv.compute_efficiency is None:
        compute_eff = sheet.step(
            sv.PRECISION_COMPUTE_EFFICIENCY,
            compute_efficiency=compute_eff,
            matmul_efficiency_ratio=inp(
                "matmul_efficiency_ratio",
                precision.matmul_efficiency_ratio,
                "x",
                f"{precision.name} matmul efficiency relative to FP16",
                precision.matmul_efficiency_source,
            ),
        )
    if srv.compute_efficiency is None:
        compute_eff = on_this_gpu(ctx, compute_eff, gpu)
    hw = {
        "tensor_parallel": tp,
        "peak_flop_per_s": peak,
        "memory_bandwidth": bandwidth,
        "compute_efficiency": compute_eff,
        "memory_efficiency": factor(
            "memory_efficiency", srv.memory_efficiency, "fraction", "Memory-bandwidth efficiency"
        ),
        "roofline_sharpness": roofline_sharpness(ctx, srv.roofline_sharpness),
        "layers": layers,
        "hidden_size": inp("hidden_size", hidden_n, "dims", "Hidden size", cite, kind),
        "activation_bytes": sheet.constant(
            "activation_bytes", 2, "B", "Bytes per activation", "FP16/BF16 activations"
        ),
        "allreduces_per_layer": sheet.constant(
            "allreduces_per_layer",
            2,
            "all-reduces",
            "All-reduces per layer under TP",
            "Megatron-LM tensor parallelism: one after attention, one after the MLP",
        ),
        "allreduce_bandwidth": inp(
            "allreduce_bandwidth",
            link.allreduce_bandwidth,
            "B/s",
            f"All-reduce bus bandwidth over {link.name}",
            link.allreduce_source,
        ),
        "allreduce_latency": inp(
            "allreduce_latency",
            link.allreduce_latency_s,
            "s",
            f"Fixed cost of one all-reduce over {link.name}",
            link.allreduce_source,
        ),
    }
    step_overhead = factor("step_overhead", srv.step_overhead, "s", "Per-step overhead")
    request_overhead = factor("request_overhead", srv.request_overhead, "s", "Per-request latency")
    attention_dim = sheet.step(
        sv.ATTENTION_DIM,
        heads=inp("heads", heads_n, "heads", "Attention heads", cite, kind),
        head_dim=sheet.inputs["head_dim"]
        if "head_dim" in sheet.inputs
        else inp("head_dim", head_dim_n, "dims", "Head dimension", cite, kind),
    )

    usable = sheet.assume(
        "usable_memory_fraction",
        srv.usable_memory_fraction,
        "fraction",
        "Share of GPU memory the engine uses",
        "vLLM's default gpu_memory_utilization is 0.9; TensorRT-LLM's KV cache takes 0.9 of what "
        "the weights leave",
    )
    workspace = assumed(
        ctx, "workspace_per_gpu", srv.workspace_per_gpu, "B", "Workspace and runtime per GPU"
    )
    budget = sheet.step(
        sv.KV_BUDGET,
        tensor_parallel=tp,
        gpu_memory=gpu_mem,
        usable_memory_fraction=usable,
        workspace_per_gpu=workspace,
        weights_memory=weights,
    )
    max_batch = sheet.step(
        sv.MAX_BATCH, kv_cache_budget=budget, kv_cache_per_token=kv, cached_tokens=cached
    )

    experts: dict[str, Value] = {}
    if moe:
        assert spec is not None
        route = sheet.step(
            sv.EXPERT_ROUTE,
            experts_active=inp(
                "experts_active", spec.experts_active, "experts", "Experts per token (k)", cite
            ),
            experts=inp("experts", spec.experts, "experts", "Routed experts (E)", cite),
        )
        expert = sheet.step(
            sv.EXPERT_PARAMS, params=params, active_params=active, expert_route_fraction=route
        )
        experts = {
            "shared_params": sheet.step(sv.SHARED_PARAMS, params=params, expert_params=expert),
            "expert_params": expert,
            "expert_route_fraction": route,
        }

    kv_reads = None
    if not engine.kv_shared_across_query_heads and heads_n > kv_heads_n:
        from botec.core.uncertain import make_range

        group = heads_n // kv_heads_n
        # Every query head of a group streams the same KV lines; some of those reads hit in L2
        # instead of HBM. How many is not published: half to all of them.
        kv_reads = sheet.assume(
            "kv_reads_per_token",
            make_range(group / 2, group, "uniform", None, "kv_reads_per_token", ""),
            "reads",
            f"HBM reads of each KV entry per step ({engine.name}: up to heads ÷ KV heads = "
            f"{group}, fewer where L2 catches repeats)",
            engine.kv_sharing_source,
        )

    def run_batch(prefix: str, batch: Value) -> tuple[Value, Value, Value, Value]:
        """Prefill and decode step at ``batch``: (prefill roofline, prefill sync, decode step)."""
        p = f"{prefix}_" if prefix else ""
        prefill_tokens = (
            tokens_in
            if not prefix
            else sheet.step(
                sv.BATCH_TOKENS, name="batch_prompt_tokens", batch=batch, input_tokens=tokens_in
            )
        )
        p_roof = sv.kernels_roofline(
            sheet,
            f"{p}prefill",
            "Prefill",
            linear_flops=sheet.step(
                sv.PREFILL_LINEAR_FLOPS,
                name=f"{p}prefill_linear_flops",
                batch=batch,
                active_params=active,
                input_tokens=tokens_in,
            ),
            weight_bytes=weights,
            attention_flops=sheet.step(
                sv.PREFILL_ATTENTION_FLOPS,
                name=f"{p}prefill_attention_flops",
                batch=batch,
                layers=layers,
                attention_dim=attention_dim,
                input_tokens=tokens_in,
            ),
            attention_bytes=sheet.step(
                sv.KV_WRITE_BYTES,
                name=f"{p}kv_write_bytes",
                batch=batch,
                input_tokens=tokens_in,
                kv_cache_per_token=kv,
            ),
            gpu=hw,
        )
        p_sync = sv.sync_time(sheet, f"{p}prefill", "Prefill", tokens=prefill_tokens, gpu=hw)
        if moe:
            read = sheet.step(
                sv.WEIGHTS_READ,
                name=f"{p}weights_read_per_step",
                batch=batch,
                bytes_per_param=bpp,
                **experts,
            )
        else:
            read = weights
        kv_args = {"kv_reads_per_token": kv_reads} if kv_reads is not None else {}
        d_roof = sv.kernels_roofline(
            sheet,
            f"{p}decode",
            "Decode step",
            linear_flops=sheet.step(
                sv.DECODE_LINEAR_FLOPS,
                name=f"{p}decode_linear_flops",
                batch=batch,
                active_params=active,
            ),
            weight_bytes=read,
            attention_flops=sheet.step(
                sv.DECODE_ATTENTION_FLOPS,
                name=f"{p}decode_attention_flops",
                batch=batch,
                layers=layers,
                attention_dim=attention_dim,
                mean_decode_context=mean_ctx,
            ),
            attention_bytes=sheet.step(
                sv.KV_READ_BYTES_PER_HEAD if kv_reads is not None else sv.KV_READ_BYTES,
                name=f"{p}kv_read_bytes",
                batch=batch,
                mean_decode_context=mean_ctx,
                cached_tokens=cached,
                kv_cache_per_token=kv,
                **kv_args,
            ),
            gpu=hw,
        )
        d_sync = sv.sync_time(sheet, f"{p}decode", "Decode step", tokens=batch, gpu=hw)
        return p_roof, p_sync, d_roof, d_sync

    with sheet.section("Serving latency (batch 1)"):
        one = sheet.constant("single_sequence", 1, "sequences", "Batch of one", "latency case")
        p_roof, p_sync, d_roof, d_sync = run_batch("", one)
        ttft = sheet.step(
            sv.PREFILL_TIME,
            name="time_to_first_token",
            title="Time to first token (batch 1)",
            prefill_roofline_time=p_roof,
            prefill_sync_time=p_sync,
            request_overhead=request_overhead,
        )
        tpot = sheet.step(
            sv.STEP_TIME,
            name="time_per_output_token",
            title="Time per output token (batch 1)",
            decode_roofline_time=d_roof,
            decode_sync_time=d_sync,
            step_overhead=step_overhead,
        )
        sheet.step(sv.TPOT_RATE, time_per_output_token=tpot)
        sheet.step(
            sv.E2E, time_to_first_token=ttft, output_tokens=tokens_out, time_per_output_token=tpot
        )

    with sheet.section("Serving throughput"):
        if max_batch.value < 1:
            sheet.note(
                "bad",
                f"The weights ({weights.formatted()}) and one sequence's KV cache do not fit in "
                f"{srv.tensor_parallel} × {gpu.name}: raise --tp or quantise.",
            )
            return {}
        if srv.batch is not None:
            batch = inp("batch", srv.batch, "sequences", "Batch size", chosen_by or "scenario")
            if srv.batch > max_batch.value:
                sheet.note(
                    "bad",
                    f"A batch of {srv.batch} does not fit: at these lengths the KV cache holds "
                    f"{max_batch.formatted()}.",
                )
        else:
            batch = max_batch
        p_roof, p_sync, d_roof, d_sync = run_batch("batch", batch)
        prefill = sheet.step(
            sv.PREFILL_TIME,
            name="batch_prefill_time",
            title="Prefill time for the whole batch",
            prefill_roofline_time=p_roof,
            prefill_sync_time=p_sync,
            request_overhead=request_overhead,
        )
        step = sheet.step(
            sv.STEP_TIME,
            name="batch_decode_step_time",
            title="Decode step time at this batch",
            decode_roofline_time=d_roof,
            decode_sync_time=d_sync,
            step_overhead=step_overhead,
        )
        tput = sheet.step(
            sv.THROUGHPUT,
            batch=batch,
            output_tokens=tokens_out,
            prefill_time=prefill,
            decode_step_time=step,
        )
        sheet.step(sv.PER_GPU, max_output_throughput=tput, tensor_parallel=tp)
        sheet.step(sv.PER_USER, decode_step_time=step)
    return {
        "gpu": gpu,
        "tensor_parallel": tp,
        "output_tokens": tokens_out,
        "input_tokens": tokens_in,
        "batch": batch,
        "max_batch": max_batch,
        "time_to_first_token": ttft,
        "prefill_roofline_time": sheet.steps["prefill_roofline_time"],
        "prefill_sync_time": sheet.steps["prefill_sync_time"],
        "decode_step_time": step,
        "params": params,
        "weights_memory": weights,
        "peak_flop_per_s": peak,
        "memory_bandwidth": bandwidth,
        "gpu_memory": gpu_mem,
    }
