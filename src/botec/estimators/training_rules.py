"""The rules of thumb training estimates rest on, each recorded on the sheet with its source:
6 FLOP per parameter per token (LoRA's 4), Chinchilla's 20 tokens per parameter, 8 GPUs a node."""

from __future__ import annotations

from botec.core.sheet import Sheet, Value

GPUS_PER_NODE = 8  # HGX/DGX boards and the cloud instances built on them


def flop_per_param_per_token(sheet: Sheet) -> Value:
    # Always its own name: serving's forward-only 2 is flop_per_param_per_token.
    return sheet.constant(
        "training_flop_per_param_per_token",
        6,
        "FLOP/param/token",
        "Training FLOPs per parameter per token",
        "6·P·D rule: 2 forward + 4 backward (Kaplan et al. 2020, Hoffmann et al. 2022)",
    )


def lora_flop_per_param_per_token(sheet: Sheet) -> Value:
    return sheet.constant(
        "lora_flop_per_param_per_token",
        4,
        "FLOP/param/token",
        "Fine-tuning FLOPs per frozen parameter per token (LoRA)",
        "2 forward + 2 for the activation gradients the backward pass still carries through the "
        "frozen layers; their weight gradients (the other 2 of 6·N·D) are never computed. The "
        "adapters' own FLOPs are r/d of that, negligible.",
    )


def tokens_per_param(sheet: Sheet) -> Value:
    return sheet.constant(
        "tokens_per_param",
        20,
        "tokens/param",
        "Chinchilla tokens per parameter",
        "Hoffmann et al. 2022 (Chinchilla): ~20 tokens per parameter is compute-optimal",
    )
