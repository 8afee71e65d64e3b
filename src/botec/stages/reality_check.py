"""SmartPal's reality check: what the compute-bound shortcut assumes, and a roofline figure."""

from __future__ import annotations

from botec.catalog import Hardware
from botec.core.sheet import Value
from botec.estimators import inference, memory, verdicts
from botec.scenario import InferenceSection, Scenario
from botec.stages._inputs import assumed, on_this_gpu, roofline_sharpness
from botec.stages.context import Context
from botec.stages.model import kv_per_token


def run_reality_check(
    ctx: Context,
    scn: Scenario,
    inf: InferenceSection,
    qps: Value,
    gpu: Hardware,
    device: tuple[Value, Value, Value],
) -> None:
    """What the compute-bound shortcut assumes, and a roofline figure at stated efficiencies."""
    sheet = ctx.sheet
    peak, bandwidth, gpu_mem = device
    assert scn.model is not None and ctx.params is not None and ctx.weights is not None
    assert ctx.output_tokens is not None
    batch = inference.batch_needed(sheet, qps, ctx.output_tokens, ctx.weights, bandwidth)
    kv = kv_per_token(ctx, scn.model, "")
    if ctx.prompt_tokens is None:
        ctx.prompt_tokens = sheet.step(inference.PROMPT_AS_OUTPUT, output_tokens=ctx.output_tokens)
    context = sheet.step(
        inference.CONTEXT, prompt_tokens=ctx.prompt_tokens, output_tokens=ctx.output_tokens
    )
    kv_needed = memory.kv_cache_memory(sheet, kv, context, batch, name="kv_cache_for_batch_needed")
    memory.serving_memory(sheet, ctx.weights, kv_needed)
    usable = sheet.assume(
        "usable_memory_fraction",
        inf.usable_memory_fraction,
        "fraction",
        "Share of GPU memory usable for weights + KV",
        "vLLM's default gpu_memory_utilization is 0.9; the rest is CUDA context and activations",
    )
    fits = inference.max_batch(sheet, gpu_mem, usable, ctx.weights, kv, context)
    cap = sheet.assume(
        "engine_max_batch",
        inf.max_batch,
        "sequences",
        "Serving engine's batch cap",
        "vLLM's default max_num_seqs is 256",
    )
    chosen = sheet.step(inference.CHOSEN_BATCH, max_batch_that_fits=fits, engine_max_batch=cap)
    if chosen.value < 1:
        sheet.note("bad", f"The weights alone do not fit in one {gpu.name}: no batch fits.")
        return
    mean_ctx = sheet.step(
        inference.MEAN_CONTEXT, prompt_tokens=ctx.prompt_tokens, output_tokens=ctx.output_tokens
    )
    eff_c = assumed(
        ctx,
        "compute_efficiency",
        inf.compute_efficiency,
        "fraction",
        "Compute efficiency (share of peak)",
    )
    if inf.compute_efficiency is None:
        eff_c = on_this_gpu(ctx, eff_c, gpu)
    eff_m = assumed(
        ctx,
        "memory_efficiency",
        inf.memory_efficiency,
        "fraction",
        "Memory-bandwidth efficiency",
    )
    per_request = inference.roofline_request(
        sheet,
        params=ctx.params,
        weights=ctx.weights,
        batch=chosen,
        prompt_tokens=ctx.prompt_tokens,
        output_tokens=ctx.output_tokens,
        mean_context_tokens=mean_ctx,
        kv_per_token=kv,
        peak=peak,
        bandwidth=bandwidth,
        compute_efficiency=eff_c,
        memory_efficiency=eff_m,
        roofline_sharpness=roofline_sharpness(ctx, inf.roofline_sharpness),
    )
    real_qps = inference.realistic_qps_per_gpu(sheet, per_request)
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
        batch,
        kv_needed,
        ctx.weights,
        gpu,
        real_qps,
        ctx.gpus.get("required"),
        ctx.gpus.get("realistic"),
    )
