"""LoRA and QLoRA fine-tuning memory: trainable adapter parameters (Hu et al. 2021), the frozen
base weights at their storage precision (QLoRA NF4: Dettmers et al. 2023) and the adapters' states.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import bits_per_byte
from botec.estimators._plain import evaluate as _eval
from botec.estimators._plain import positive_number as _number
from botec.estimators.model_states import ModelStateConvention, get_convention

LORA_ADAPTER_PARAMS = Formula(
    "lora_adapter_params",
    "layers * lora_rank * lora_dims_per_layer",
    "params",
    "LoRA trainable parameters",
    "Each adapted d_in × d_out matrix gets A (d_in × r) and B (r × d_out): r·(d_in + d_out) "
    "parameters (Hu et al. 2021).",
)
FROZEN_WEIGHT_BYTES = Formula(
    "frozen_weight_bytes",
    "params * base_bits_per_param / bits_per_byte",
    "B",
    "Frozen base weights",
    "The base model is only read, never updated: no gradients or optimizer states for it.",
)
ADAPTER_STATE_BYTES = Formula(
    "adapter_state_bytes",
    "lora_adapter_params * adapter_bytes_per_param",
    "B",
    "Adapter weights, gradients and optimizer states",
    "Only the adapters train, at the chosen convention's bytes per parameter.",
)
LORA_TRAINING_BYTES = Formula(
    "memory_per_gpu",
    "frozen_weight_bytes + adapter_state_bytes + activation_bytes_per_gpu",
    "B",
    "LoRA fine-tuning memory per GPU",
    "Activations are still kept: gradients flow back through the frozen layers to the adapters.",
    headline=True,
)

# QLoRA NF4 with double quantization (Dettmers et al. 2023 §3): 4 bits + an 8-bit constant per
# 64-weight block + an FP32 constant per 256 blocks = 4 + 8/64 + 32/(64·256) ≈ 4.127 bits/param.
BASE_WEIGHT_BITS: dict[str, float] = {
    "fp32": 32, "bf16": 16, "fp16": 16, "int8": 8,
    "nf4": 4 + 8 / 64 + 32 / (64 * 256), "nf4-no-double-quant": 4 + 32 / 64,
}  # fmt: skip
LORA_TARGETS = ("q", "k", "v", "o", "gate", "up", "down")
_QKVO = ("q", "k", "v", "o")


class LoraModel(Protocol):
    """What LoRA counting reads of a model (a :class:`botec.modelspec.ModelSpec` has it all)."""

    @property
    def attention(self) -> str: ...
    @property
    def layers(self) -> int: ...
    @property
    def hidden_size(self) -> int: ...
    @property
    def heads(self) -> int: ...
    @property
    def kv_heads(self) -> int: ...
    @property
    def head_dim(self) -> int: ...
    @property
    def ffn_size(self) -> int: ...
    @property
    def experts(self) -> int: ...


def lora_dims_per_layer(spec: LoraModel, targets: Sequence[str] = _QKVO) -> int:
    """Σ (d_in + d_out) over one layer's adapted matrices (the MLP's once per expert)."""
    if spec.attention == "mla":
        raise BotecInputError("model.attention", "mla", "mha, gqa or mqa for LoRA counting")
    q_width, kv_width = spec.heads * spec.head_dim, spec.kv_heads * spec.head_dim
    h, mlp = spec.hidden_size, max(spec.experts, 1) * (spec.hidden_size + spec.ffn_size)
    dims = {"q": h + q_width, "k": h + kv_width, "v": h + kv_width, "o": q_width + h}
    dims |= {"gate": mlp, "up": mlp, "down": mlp}
    if not targets or any(t not in dims for t in targets):
        raise BotecInputError("lora.targets", list(targets), "some of " + ", ".join(LORA_TARGETS))
    return sum(dims[t] for t in dict.fromkeys(targets))


def lora_param_count(spec: LoraModel, rank: int, targets: Sequence[str] = _QKVO) -> int:
    """Trainable LoRA parameters: layers × r × Σ(d_in + d_out)."""
    _number("lora.rank", rank, "a whole number ≥ 1, e.g. 8 or 16", whole=True)
    env = {"layers": spec.layers, "lora_rank": rank}
    env["lora_dims_per_layer"] = lora_dims_per_layer(spec, targets)
    return int(_eval(LORA_ADAPTER_PARAMS, env))


@dataclass
class LoraMemory:
    adapter_params: Value
    frozen_weights: Value
    adapter_states: Value
    total: Value


def lora_memory(
    sheet: Sheet,
    params: Value,
    layers: Value,
    rank: Value,
    lora_dims: Value,
    base_format: str,
    activation_bytes_per_gpu: Value,
    convention: str | ModelStateConvention = "mixed-adam",
) -> LoraMemory:
    """LoRA (base_format "bf16") or QLoRA ("nf4") fine-tuning memory on one GPU. ``lora_dims``
    is :func:`lora_dims_per_layer` recorded on the sheet."""
    if base_format not in BASE_WEIGHT_BITS:
        raise BotecInputError("lora.base_format", base_format, ", ".join(BASE_WEIGHT_BITS))
    c = get_convention(convention)
    nf4 = "QLoRA NF4 + double quantization (Dettmers et al. 2023): 4 + 8/64 + 32/(64·256)"
    bits = sheet.assume(
        "base_bits_per_param", BASE_WEIGHT_BITS[base_format], "bit/param",
        f"Frozen weight bits per parameter ({base_format})",
        nf4 if base_format == "nf4" else f"{base_format} storage",
    )  # fmt: skip
    adapters = sheet.step(
        LORA_ADAPTER_PARAMS, layers=layers, lora_rank=rank, lora_dims_per_layer=lora_dims
    )
    frozen = sheet.step(
        FROZEN_WEIGHT_BYTES,
        params=params,
        base_bits_per_param=bits,
        bits_per_byte=bits_per_byte(sheet),
    )
    per_param = sheet.assume(
        "adapter_bytes_per_param", c.bytes_per_param, "B/param", "Adapter bytes per parameter",
        c.source,
    )  # fmt: skip
    states = sheet.step(
        ADAPTER_STATE_BYTES, lora_adapter_params=adapters, adapter_bytes_per_param=per_param
    )
    total = sheet.step(
        LORA_TRAINING_BYTES,
        frozen_weight_bytes=frozen,
        adapter_state_bytes=states,
        activation_bytes_per_gpu=activation_bytes_per_gpu,
    )
    return LoraMemory(adapters, frozen, states, total)
