"""The [model_fit] stage: can this model run on these GPUs? Its weights and KV cache against each
GPU's usable memory less the workspace; the fewest GPUs that hold it, and what to change when it
does not fit (more GPUs, quantised weights, an 8-bit KV cache, a shorter context)."""

from __future__ import annotations

import math
from typing import Any

from botec.core.sheet import Value
from botec.core.uncertain import point
from botec.core.units import format_memory, format_quantity
from botec.estimators import memory
from botec.estimators import model_fit as mf
from botec.estimators.tensor_parallel import splits_heads
from botec.scenario import ModelFitSection
from botec.stages._inputs import assumed, catalog_cite
from botec.stages.context import Context
from botec.stages.kv_context import windowed_context
from botec.stages.serving import kv_per_token, model_shape, model_spec, param_counts

SECTION = "model_fit"


def tp_group(gpus_needed: int) -> int:
    """The GPU count a tensor-parallel group takes for ``gpus_needed``: 1, 2, 4 or 8 (attention
    heads split evenly over a power of two), then whole 8-GPU nodes.

    >>> [tp_group(n) for n in (1, 3, 5, 8, 9, 17)]
    [1, 4, 8, 8, 16, 24]
    """
    if gpus_needed <= 8:
        return 1 << max(0, math.ceil(math.log2(max(gpus_needed, 1))))
    return 8 * math.ceil(gpus_needed / 8)


def run_model_fit(ctx: Context, f: ModelFitSection) -> None:
    """Record the model's memory against the GPUs and say whether it fits."""
    sheet = ctx.sheet
    spec = model_spec(f, SECTION)
    shape = model_shape(ctx, f, spec)
    params, _, _ = param_counts(ctx, f, spec)
    precision = ctx.catalog.precision(f.precision, f"{SECTION}.precision")
    bpp = sheet.input(
        "bytes_per_param",
        precision.bytes_per_param,
        "B/param",
        f"Bytes per parameter ({precision.name})",
        precision.source,
    )
    weights = memory.weights_memory(sheet, params, bpp)
    layers = sheet.input(
        "layers", shape["layers"], "layers", "Transformer layers", shape["cite"], shape["kind"]
    )
    kv = kv_per_token(ctx, f, spec, shape, layers, SECTION)
    context = sheet.input(
        "context_tokens", f.context_tokens, "tokens/sequence", "Context per sequence"
    )
    batch = sheet.input("batch", f.batch, "sequences", "Sequences held at once")
    context = windowed_context(ctx, spec, context, shape["cite"])
    need = sheet.step(
        mf.FIT_MEMORY, weights_memory=weights, kv_cache_per_token=kv, context_tokens=context,
        batch=batch,
    )  # fmt: skip
    gpu = ctx.device(f.gpu, f"{SECTION}.gpu")
    engine = ctx.catalog.engine(f.engine, f"{SECTION}.engine")
    capacity = sheet.step(
        mf.GPU_CAPACITY,
        gpu_memory=sheet.input(
            "gpu_memory", gpu.usable_bytes, "B", f"{gpu.name} memory (as CUDA sees it)",
            catalog_cite(gpu),
        ),
        usable_memory_fraction=sheet.assume(
            "usable_memory_fraction", f.usable_memory_fraction, "fraction",
            "Share of GPU memory the engine uses", f"{engine.name}: {engine.kv_source}",
        ),
        workspace_per_gpu=assumed(
            ctx, "workspace_per_gpu", f.workspace_per_gpu, "B", "Workspace and runtime per GPU"
        ),
    )  # fmt: skip
    if float(point(capacity.value)) <= 0:
        sheet.note(
            "bad",
            f"The workspace leaves nothing of a {gpu.name} for the model: lower the workspace or "
            "raise the usable share of memory.",
            topic="fit",
        )
        return
    _fit(ctx, f, spec, gpu, {"need": need, "capacity": capacity, "weights": weights, "kv": kv})
    if f.gpus and engine.multi_gpu == "tensor":
        _pipeline_note(ctx, f.gpus, engine, spec)


def _fit(ctx: Context, f: ModelFitSection, spec: Any, gpu: Any, v: dict[str, Value]) -> None:
    """The fewest GPUs, the memory on each of the GPUs used, the longest context, the verdict."""
    sheet = ctx.sheet
    needed = sheet.step(mf.GPUS_NEEDED, model_fit_memory=v["need"], gpu_capacity=v["capacity"])
    count = f.gpus or tp_group(int(needed.value))
    how = "the fewest that hold it, as a tensor-parallel group (1, 2, 4, 8, then whole nodes)"
    gpus = sheet.input("gpus", count, "GPUs", f"{gpu.name} GPUs", "scenario" if f.gpus else how)
    per_gpu = sheet.step(
        mf.MEMORY_PER_GPU, model_fit_memory=v["need"], gpus=gpus,
        workspace_per_gpu=sheet.inputs["workspace_per_gpu"],
    )  # fmt: skip
    left = sheet.step(
        mf.FIT_HEADROOM, gpus=gpus, gpu_capacity=v["capacity"], model_fit_memory=v["need"]
    )
    longest = _longest(ctx, spec, gpus, v)
    if spec is not None and _high(f.context_tokens) > spec.context_length:
        sheet.note(
            "warn",
            f"{format_quantity(_high(f.context_tokens), 'tokens')} is past {spec.name}'s "
            "context length "
            f"({format_quantity(spec.context_length, 'tokens')}): it was not trained for that.",
        )
    where = f"{count:,} × {gpu.name}"
    if not f.gpus and count > needed.value:  # the memory needs fewer, the TP group rounds up
        where += (
            f" (the memory needs {format_quantity(needed.median(), 'GPUs')} at the median, "
            f"{needed.formatted()} at the nominal inputs; a tensor-parallel group is 1, 2, 4 or 8 "
            "GPUs, then whole nodes of 8)"
        )
    spare = left.median()  # judged at the median, the figure the headline prints
    if spare >= 0:
        per = format_quantity(per_gpu.median(), per_gpu.unit)
        over = f" over all {count:,} GPUs" if count > 1 else ""  # a total, not each GPU's
        sheet.note(
            "ok",
            f"Fits on {where}: {per} on each GPU (median, as above), "
            f"{format_memory(spare)} to spare{over}; {_reach(spec, longest)}.",
            verdict=True,
        )
        return
    sheet.note(
        "bad", f"Does not fit on {where}: short by {format_memory(-spare)} (median).", True, "fit"
    )
    levers = _levers(ctx, f, gpu, v, needed, longest)
    sheet.note("info", "What to change: " + "; ".join(levers), verdict=True)


def _longest(ctx: Context, spec: Any, gpus: Value, v: dict[str, Value]) -> Value | None:
    """The longest context these GPUs hold: none where every layer slides (the cache stops at
    the window); past the window, a hybrid's global layers alone keep growing."""
    sheet = ctx.sheet
    room = {
        "gpus": gpus, "gpu_capacity": v["capacity"], "weights_memory": v["weights"],
        "kv_cache_per_token": v["kv"], "batch": sheet.inputs["batch"],
    }  # fmt: skip
    if "full_attention_share" in sheet:
        return sheet.step(
            mf.MAX_CONTEXT_HYBRID, **room, full_attention_share=sheet["full_attention_share"],
            sliding_window=sheet.inputs["sliding_window"],
        )  # fmt: skip
    windowed = spec is not None and spec.sliding_window > 0
    return None if windowed else sheet.step(mf.MAX_CONTEXT, **room)


def _reach(spec: Any, longest: Value | None) -> str:
    """The context the fit allows: memory-bound, or any with a sliding window."""
    if longest is None:  # the cache stops growing at the window
        return (
            f"any context: each sequence caches only its last {spec.sliding_window:,} tokens "
            "(sliding window)"
        )
    past = spec is not None and longest.median() > spec.context_length
    return f"up to {format_quantity(longest.median(), longest.unit)} of context at " + (
        f"this batch, past the {spec.context_length:,} tokens it was trained for"
        if past
        else "this batch"
    )


def _levers(
    ctx: Context,
    f: ModelFitSection,
    gpu: Any,
    v: dict[str, Value],
    needed: Value,
    longest: Value | None,
) -> list[str]:
    """Each change that would make it fit, with its number."""
    out = [f"more GPUs: {tp_group(int(needed.value))} × {gpu.name} hold it"]
    weights, need = float(v["weights"].value), float(v["need"].value)
    room = f.gpus * float(v["capacity"].value) if f.gpus else 0.0
    bytes_now = ctx.catalog.precision(f.precision).bytes_per_param
    for name in ("int8", "int4"):
        smaller = ctx.catalog.precision(name).bytes_per_param
        if smaller < bytes_now:
            total = need - weights * (1 - smaller / bytes_now)
            verdict = "fits" if total <= room else "still short"
            out.append(f"{name} weights: {format_memory(total)} in all ({verdict})")
    kv_total = need - weights
    if kv_total > 0 and not f.kv_precision:
        out.append(f"an 8-bit KV cache (--kv-precision fp8) halves its {format_memory(kv_total)}")
    if longest is not None and float(longest.value) >= 1:
        out.append(f"a shorter context: at most {longest.formatted()} at this batch")
    return out


def _high(value: Any) -> float:
    """A range's high end, or the number."""
    return float(getattr(value, "high", value))


def _pipeline_note(ctx: Context, gpus: int, engine: Any, spec: Any) -> None:
    """A GPU count no tensor-parallel group takes (3 GPUs for 32 heads) runs as pipeline
    stages, each a TP group: said, with the largest stage's share of the layers, which the even
    split per GPU omits."""
    if spec is None:  # an unnamed model's shape is botec's guess: no engine would see it
        return
    heads, kv_heads = int(spec.heads), int(spec.kv_heads)
    if splits_heads(gpus, heads, kv_heads):
        return
    tp = max(d for d in range(1, gpus + 1) if not gpus % d and splits_heads(d, heads, kv_heads))
    stages, layers = gpus // tp, int(ctx.sheet.value("layers"))
    largest = math.ceil(layers / stages)
    group = f", each a TP group of {tp}" if tp > 1 else ""
    ctx.sheet.note(
        "warn",
        f"{gpus} GPUs cannot be one tensor-parallel group for {heads} attention heads and "
        f"{kv_heads} KV heads ({engine.name} splits heads evenly): they would run as {stages} "
        f"pipeline stages{group} (vLLM's --pipeline-parallel-size {stages}), the largest "
        f"holding {largest} of the {layers} layers, {largest * stages / layers - 1:.0%} more "
        "than the even share shown per GPU.",
        topic="fit",
    )
