"""The seeds' [model] stage: a parameter count at a precision → weights, and the KV cache's bytes
per token from the attention shape (stated, or typical for the size)."""

from __future__ import annotations

from botec.core.sheet import Value
from botec.core.uncertain import point
from botec.estimators import memory, verdicts
from botec.estimators import serving as sv
from botec.estimators.model_shape import typical_shape
from botec.scenario import ModelSection
from botec.stages._inputs import label, workspace_bytes
from botec.stages.context import Context


def run_model(ctx: Context, model: ModelSection) -> None:
    """The weights' memory (and, on a GPU, whether they fit)."""
    sheet = ctx.sheet
    precision = ctx.catalog.precision(model.precision, "model.precision")
    ctx.params = sheet.input("params", model.params, "params", f"Parameters{label(model.name)}")
    bpp = sheet.input(
        "bytes_per_param",
        precision.bytes_per_param,
        "B/param",
        f"Bytes per parameter ({precision.name})",
        precision.source,
    )
    ctx.weights = memory.weights_memory(sheet, ctx.params, bpp)
    if model.gpu:
        verdicts.memory_fit(
            sheet, ctx.weights, ctx.device(model.gpu, "model.gpu"), workspace_bytes(ctx)
        )


def kv_per_token(ctx: Context, model: ModelSection, kv_precision: str) -> Value:
    """KV bytes per token, from the stated attention shape or a typical one for the size."""
    if ctx.kv_per_token is not None:
        return ctx.kv_per_token
    sheet = ctx.sheet
    given = (model.layers, model.kv_heads, model.head_dim)
    if all(given):
        source = model.shape_source or "scenario"
        layers, kv_heads, head_dim = given
        kind = "input"
    else:
        shape = typical_shape(point(model.params))
        layers, kv_heads, head_dim = shape.layers, shape.kv_heads, shape.head_dim
        source = shape.source
        kind = "assumption"
        sheet.note(
            "info",
            f"No attention shape given: assuming a typical dense decoder for "
            f"{point(model.params) / 1e9:.3g}B parameters ({layers} layers, {kv_heads} KV heads of "
            f"{head_dim}, multi-head attention). Grouped-query models cache less.",
        )
    prec = ctx.catalog.precision(kv_precision or model.precision, "kv_cache.kv_precision")
    ctx.kv_per_token = memory.kv_cache_per_token(
        sheet,
        sheet.input("layers", layers, "layers", "Transformer layers", source, kind),
        sheet.input("kv_heads", kv_heads, "heads", "KV heads", source, kind),
        sheet.input("head_dim", head_dim, "dims", "Head dimension", source, kind),
        sheet.input(
            "kv_bytes_per_value",
            prec.bytes_per_param,
            "B/token-dim",
            f"KV-cache bytes per value ({prec.name})",
            prec.source,
        ),
    )
    return ctx.kv_per_token


def attention_shape(ctx: Context, model: ModelSection) -> tuple[Value, Value, Value]:
    """(layers, attention width heads × head_dim, hidden size) of the seed's model, after
    :func:`kv_per_token` recorded its layers and heads: query heads as stated, else as many as
    KV heads (multi-head attention; a GQA model should state them), hidden size as stated, else
    the attention width."""
    sheet = ctx.sheet
    kv_heads = sheet.inputs["kv_heads"]
    if model.heads is not None:
        heads = sheet.input("heads", model.heads, "heads", "Attention (query) heads", "scenario")
    else:
        heads = sheet.input(
            "heads",
            kv_heads.value,
            "heads",
            "Attention (query) heads",
            "assumed as many as KV heads (multi-head attention); state heads for GQA",
            "assumption",
        )
    width = sheet.step(sv.ATTENTION_DIM, heads=heads, head_dim=sheet.inputs["head_dim"])
    hidden = (
        sheet.input(
            "hidden_size",
            model.hidden_size,
            "dims",
            "Hidden size",
            model.shape_source or "scenario",
        )
        if model.hidden_size is not None
        else width
    )
    return sheet.inputs["layers"], width, hidden
