"""How many tokens each sequence keeps in the KV cache: the whole context, the last window of a
sliding-window model, or, for a hybrid that interleaves global and windowed layers (Gemma 2 and
3, gpt-oss, Llama 4), the mean over its layers."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Value
from botec.estimators import memory
from botec.estimators import model_fit as mf
from botec.estimators import serving as sv
from botec.stages.context import Context


def cached_contexts(
    ctx: Context, spec: Any, tokens_in: Value, tokens_out: Value, cite: str
) -> tuple[Value, Value]:
    """(tokens cached per sequence at the end, average context a decode step attends to),
    averaged over the layers where only some of them slide a window."""
    sheet = ctx.sheet
    window = spec.sliding_window if spec is not None else 0
    if window:
        win = sheet.input(
            "sliding_window", window, "tokens/sequence", "Sliding attention window", cite
        )
        args = {"input_tokens": tokens_in, "output_tokens": tokens_out, "sliding_window": win}
        share = full_attention_share(ctx, spec, cite)
        if share is not None:
            args["full_attention_share"] = share
            return (
                sheet.step(sv.CACHED_TOKENS_HYBRID, **args),
                sheet.step(sv.MEAN_CONTEXT_HYBRID, **args),
            )
        return sheet.step(sv.CACHED_TOKENS, **args), sheet.step(sv.MEAN_CONTEXT, **args)
    args = {"input_tokens": tokens_in, "output_tokens": tokens_out}
    return sheet.step(sv.FULL_CONTEXT, **args), sheet.step(sv.MEAN_CONTEXT_FULL, **args)


def full_attention_share(ctx: Context, spec: Any, cite: str) -> Value | None:
    """The share of layers that attend over the whole context beside windowed ones (a hybrid
    such as Gemma 3); None when every layer slides or none does."""
    if spec is None or not spec.sliding_window or not spec.full_attention_layers:
        return None
    sheet = ctx.sheet
    full = sheet.input(
        "full_attention_layers",
        spec.full_attention_layers,
        "layers",
        "Layers with global (whole-context) attention",
        cite,
    )
    return sheet.step(
        memory.FULL_ATTENTION_SHARE, full_attention_layers=full, layers=sheet.inputs["layers"]
    )


def windowed_context(ctx: Context, spec: Any, context: Value, cite: str) -> Value:
    """The tokens each sequence of ``context`` keeps in the KV cache (memory's count): all of
    them, the window's, or the mean over a hybrid's global and windowed layers."""
    window = spec.sliding_window if spec is not None else 0
    if not window:
        return context
    sheet = ctx.sheet
    args = {
        "context_tokens": context,
        "sliding_window": sheet.input(
            "sliding_window", window, "tokens/sequence", "Sliding attention window", cite
        ),
    }
    share = full_attention_share(ctx, spec, cite)
    if share is not None:
        return sheet.step(mf.HYBRID_CONTEXT, **args, full_attention_share=share)
    return sheet.step(mf.WINDOWED_CONTEXT, **args)
