"""The shape PaLM's 12·L·d·s attention FLOPs need in training: layers, the attention width (MLA's
mean of query/key and value widths) and the sequence (given; a named model's pretraining length
up to the cap; the default for adapters, which train on a task's shorter examples)."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.estimators import training
from botec.estimators.serving import ATTENTION_DIM
from botec.scenario import TrainingSection
from botec.stages._inputs import assumed
from botec.stages.context import Context


def attention_shape(ctx: Context, t: TrainingSection, spec: Any) -> dict[str, Value] | None:
    """Layers, attention width and sequence length for PaLM's 12·L·d·s attention FLOPs: a named
    model's shape at the sequence given, else at its context up to the pretraining cap; an
    unnamed model's typical shape when a sequence is given. A bare parameter count without one
    keeps the seeds' 6·N·D."""
    sheet = ctx.sheet
    if spec is None and t.sequence_length is None:
        return None
    if spec is not None:
        cite, kind = f"{spec.name}: {spec.source}", "input"
        layers, heads, head_dim = spec.layers, spec.heads, spec.head_dim
    else:
        from botec.estimators.model_shape import typical_shape

        shape = typical_shape(float(point(t.params)), partitionable=True)
        cite, kind = shape.source, "assumption"
        layers, heads, head_dim = shape.layers, shape.kv_heads, shape.head_dim
    width = sheet.step(
        ATTENTION_DIM,
        name="training_attention_dim",
        heads=sheet.input("training_heads", heads, "heads", "Attention heads", cite, kind),
        head_dim=_head_dim(sheet, head_dim, getattr(spec, "v_head_dim", 0), cite, kind),
    )
    return {
        "layers": sheet.input(
            "training_layers", layers, "layers", "Transformer layers", cite, kind
        ),
        "attention_dim": width,
        "sequence_length": _sequence_length(ctx, t, spec),
    }


def _head_dim(sheet: Sheet, qk_dim: int, v_dim: int, cite: str, kind: str) -> Value:
    """The head width: one number, or the mean of MLA's query/key and value widths."""
    if not v_dim or v_dim == qk_dim:
        return sheet.input("training_head_dim", qk_dim, "dims", "Head dimension", cite, kind)
    return sheet.step(
        training.MEAN_HEAD_DIM,
        qk_head_dim=sheet.input("qk_head_dim", qk_dim, "dims", "Query/key head width", cite, kind),
        v_head_dim=sheet.input("v_head_dim", v_dim, "dims", "Value head width", cite, kind),
    )


def _sequence_length(ctx: Context, t: TrainingSection, spec: Any) -> Value:
    sheet = ctx.sheet
    if t.sequence_length is not None or spec is None:
        return sheet.input(
            "sequence_length", t.sequence_length, "tokens/sequence", "Training sequence length"
        )
    if t.finetune in ("lora", "qlora"):  # a fine-tune's data, not the model's pretraining
        default = ctx.catalog.assumption("training_sequence_length")
        return sheet.input(
            "sequence_length", default.nominal, "tokens/sequence",
            "Fine-tuning sequence length (adapters train on the task's examples)",
            f"default: {default.source}", "assumption",
        )  # fmt: skip
    if spec.pretraining_context_length:  # the model's own, where its report gives it
        return sheet.input(
            "sequence_length",
            spec.pretraining_context_length,
            "tokens/sequence",
            f"{spec.name} pretraining sequence length",
            f"{spec.name}: {spec.source}",
        )
    return sheet.step(
        training.PRETRAINING_CONTEXT,
        context_length=sheet.input(
            "training_context_length",
            spec.context_length,
            "tokens/sequence",
            f"{spec.name} context length",
            f"{spec.name}: {spec.source}",
        ),
        pretraining_context_cap=assumed(
            ctx, "pretraining_context_cap", None, "tokens/sequence", "Pretraining sequence cap"
        ),
    )
