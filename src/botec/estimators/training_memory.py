"""Per-GPU training memory: model states under ZeRO/FSDP sharding, activations (Korthikanti et al.
2022), LoRA/QLoRA fine-tuning, and the smallest TP × PP × DP layout that fits, with its traffic.

Model states follow the ZeRO paper (Rajbhandari et al., SC'20, arXiv 1910.02054): stage 1 shards
the optimizer states over the Nd data-parallel GPUs, stage 2 also the gradients, stage 3 also the
weights (FSDP FULL_SHARD = stage 3, SHARD_GRAD_OP = stage 2). Tensor and pipeline parallelism
split every state by t·p. Activations use the per-layer formulas of Korthikanti et al. 2022
("Reducing Activation Recomputation in Large Transformer Models", arXiv 2205.05198, Table 2), which
assume 16-bit activations, a 4h GeLU MLP and attention scores kept in memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import bits_per_byte
from botec.modelspec import ModelSpec

_DIV = "(tensor_parallel * pipeline_parallel * data_parallel ** {flag})"
WEIGHT_BYTES_PER_GPU = Formula(
    "weight_bytes_per_gpu",
    "params * weight_bytes_per_param / " + _DIV.format(flag="weights_sharded"),
    "B",
    "Weights per GPU",
    "TP and PP split the weights t·p ways; ZeRO-3 / FSDP full-shard also splits them over the Nd "
    "data-parallel GPUs (Nd^1), otherwise every replica holds them whole (Nd^0 = 1).",
)
GRADIENT_BYTES_PER_GPU = Formula(
    "gradient_bytes_per_gpu",
    "params * gradient_bytes_per_param / " + _DIV.format(flag="gradients_sharded"),
    "B",
    "Gradients per GPU",
    "Split t·p ways by TP/PP; ZeRO-2 and ZeRO-3 (FSDP shard-grad-op, full-shard) also shard "
    "them Nd ways (ZeRO paper §5.2, P_os+g).",
)
OPTIMIZER_BYTES_PER_GPU = Formula(
    "optimizer_bytes_per_gpu",
    "params * optimizer_bytes_per_param / " + _DIV.format(flag="optimizer_sharded"),
    "B",
    "Optimizer states per GPU",
    "Split t·p ways by TP/PP; ZeRO-1 and above shard them Nd ways (ZeRO paper §5.1, P_os).",
)
MODEL_STATE_BYTES_PER_GPU = Formula(
    "model_state_bytes_per_gpu",
    "weight_bytes_per_gpu + gradient_bytes_per_gpu + optimizer_bytes_per_gpu",
    "B",
    "Model states per GPU",
    "ZeRO paper Figure 1: 7.5B params, Nd = 64, K = 12 gives 120, 31.4, 16.6 and 1.9 GB.",
    headline=True,
)

_SBH = "seq_len * micro_batch * hidden_size"
_SCORES = "5 * heads * seq_len / (hidden_size * tensor_parallel)"
_WHY_34 = (
    "Korthikanti et al. 2022 §4.1, 16-bit values: per layer 34·sbh (attention 11sbh, MLP 19sbh, "
    "two layer norms 4sbh) + 5as²b for the attention scores, softmax and its dropout mask. "
)
ACTIVATION_BYTES_PER_LAYER: dict[tuple[str, bool], Formula] = {
    ("none", False): Formula(
        "activation_bytes_per_layer_tp",
        f"{_SBH} * (10 + 24 / tensor_parallel + {_SCORES})",
        "B",
        "Activations per layer (tensor parallel, no recomputation)",
        _WHY_34 + "With TP only the 24sbh inside attention and MLP and the scores split t ways; "
        "layer norms and dropouts (10sbh) are replicated (§4.2.1, Table 2). t = 1 gives "
        "sbh(34 + 5as/h).",
    ),
    ("none", True): Formula(
        "activation_bytes_per_layer_tp_sp",
        f"{_SBH} * (34 / tensor_parallel + {_SCORES})",
        "B",
        "Activations per layer (tensor + sequence parallel, no recomputation)",
        _WHY_34 + "Sequence parallelism splits the layer norms and dropouts too (§4.2.2, Table 2).",
    ),
    ("selective", False): Formula(
        "activation_bytes_per_layer_tp_selective",
        f"{_SBH} * (10 + 24 / tensor_parallel)",
        "B",
        "Activations per layer (tensor parallel, selective recomputation)",
        _WHY_34 + "Selective recomputation drops the 5as²b/t score term and recomputes it "
        "(§5, Table 2); FlashAttention saves the same term.",
    ),
    ("selective", True): Formula(
        "activation_bytes_per_layer_tp_sp_selective",
        f"{_SBH} * 34 / tensor_parallel",
        "B",
        "Activations per layer (tensor + sequence parallel, selective recomputation)",
        _WHY_34 + "Sequence parallel and selective recomputation: 34sbh/t (Table 2).",
    ),
    ("full", False): Formula(
        "activation_bytes_per_layer_full",
        f"2 * {_SBH}",
        "B",
        "Activations per layer (full recomputation)",
        "Full recomputation keeps only each layer's 16-bit input, 2sbh bytes (Korthikanti et al. "
        "2022 §5, Table 2), and recomputes the rest in the backward pass.",
    ),
    ("full", True): Formula(
        "activation_bytes_per_layer_full_sp",
        f"2 * {_SBH} / tensor_parallel",
        "B",
        "Activations per layer (full recomputation, sequence parallel)",
        "The layer input, 2sbh bytes, is sequence-sharded t ways between layers under sequence "
        "parallelism (Table 2 prints 2sbh, without SP).",
    ),
}
ACTIVATION_BYTES_PER_GPU = Formula(
    "activation_bytes_per_gpu",
    "activation_bytes_per_layer * layers / pipeline_parallel "
    "* min(pipeline_parallel, micro_batches)",
    "B",
    "Activations per GPU (first pipeline stage)",
    "With the 1F1B schedule the first of p stages holds L/p layers for min(p, m) in-flight "
    "micro-batches, i.e. L layers' worth when m ≥ p (Korthikanti et al. 2022 §4.3). Ignores the "
    "interleaved schedule's extra (1 + (p−1)/(p·v)) and the embedding/output-layer activations.",
    headline=True,
)
TRAINING_BYTES_PER_GPU = Formula(
    "memory_per_gpu",
    "model_state_bytes_per_gpu + activation_bytes_per_gpu",
    "B",
    "Training memory per GPU",
    "Model states plus activations; excludes CUDA context, allocator fragmentation and temporary "
    "buffers, which the usable-memory fraction covers.",
    headline=True,
)
MEMORY_UTILIZATION = Formula(
    "training_memory_utilization",
    "memory_per_gpu / (gpu_memory * usable_memory_fraction)",
    "x",
    "Share of usable GPU memory needed",
    "Above 1: it does not fit.",
    headline=True,
)

DP_COMM_BYTES = Formula(
    "dp_comm_bytes_per_step",
    "(data_parallel - 1) / data_parallel * params / (tensor_parallel * pipeline_parallel) * "
    "(gradient_bytes_per_param * (2 - optimizer_sharded) "
    "+ weight_bytes_per_param * (optimizer_sharded + weights_sharded))",
    "B",
    "Data-parallel bytes sent per GPU per step",
    "A ring all-reduce of the gradients sends 2(N−1)/N of them. ZeRO-1/2 reduce-scatter the "
    "gradients and all-gather the updated weights: the same 2Ψ; ZeRO-3 all-gathers the weights in "
    "the forward and the backward pass: 3Ψ, 1.5× (ZeRO paper §7). Once per step.",
)
TP_COMM_BYTES = Formula(
    "tp_comm_bytes_per_step",
    "tp_all_reduces_per_layer * layers / pipeline_parallel * micro_batches * "
    "2 * (tensor_parallel - 1) / tensor_parallel * seq_len * micro_batch * hidden_size * "
    "activation_bytes",
    "B",
    "Tensor-parallel bytes sent per GPU per step",
    "Megatron: 2 all-reduces of the s·b·h activations forward and 2 backward per layer (Shoeybi "
    "et al. 2019), 2 more when full recomputation reruns the forward pass; a ring all-reduce "
    "sends 2(t−1)/t of the message. Sequence parallelism's all-gather + reduce-scatter moves the "
    "same bytes (Korthikanti et al. 2022 §4.2.2).",
)
PP_COMM_BYTES = Formula(
    "pp_comm_bytes_per_step",
    "2 * micro_batches * seq_len * micro_batch * hidden_size * activation_bytes "
    "/ tensor_parallel * min(pipeline_parallel - 1, 1)",
    "B",
    "Pipeline bytes sent per GPU per step (a middle stage)",
    "Each micro-batch sends its s·b·h activations forward and their gradients backward across "
    "a stage boundary; Megatron's scatter/gather splits the message t ways (Narayanan et al. "
    "2021 §4.1). None with one stage.",
)

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


@dataclass(frozen=True)
class ModelStateConvention:
    """Bytes per parameter of the weights, gradients and optimizer states, with the source."""

    key: str
    weight_bytes_per_param: float
    gradient_bytes_per_param: float
    optimizer_bytes_per_param: float
    source: str

    @property
    def bytes_per_param(self) -> float:
        parts = (self.weight_bytes_per_param, self.gradient_bytes_per_param)
        return sum(parts) + self.optimizer_bytes_per_param


# fmt: off
CONVENTIONS: dict[str, ModelStateConvention] = {c.key: c for c in (
    ModelStateConvention("fp32-adam", 4, 4, 8,
        "FP32 Adam: 4 weights + 4 grads + 8 (two FP32 moments) = 16 B/param"),
    ModelStateConvention("mixed-adam", 2, 2, 12,
        "ZeRO paper §3.1 (Rajbhandari et al. 2020): 2 FP16 weights + 2 FP16 grads + K = 12 "
        "(FP32 master 4 + momentum 4 + variance 4) = 16 B/param"),
    ModelStateConvention("mixed-adam-fp32-grads", 2, 4, 12,
        "seed 002 estimate_training_memory_gb: 2 FP16 weights + 4 FP32 grads + 4 FP32 master "
        "+ 8 (two FP32 moments) = 18 B/param"),
    ModelStateConvention("adam-8bit", 2, 2, 6,
        "8-bit Adam (Dettmers et al. 2021, block-wise quantization): 2 FP16 weights + 2 FP16 "
        "grads + 2 (momentum and variance at 1 B each; per-block constants negligible) + 4 FP32 "
        "master = 10 B/param"),
    ModelStateConvention("sgd-momentum", 4, 4, 4,
        "FP32 SGD with momentum: 4 weights + 4 grads + 4 momentum = 12 B/param"),
)}
# fmt: on

# Which of (weights, gradients, optimizer states) are sharded over the data-parallel GPUs.
SHARDING: dict[str, tuple[int, int, int]] = {
    "zero-0": (0, 0, 0), "zero-1": (0, 0, 1), "zero-2": (0, 1, 1), "zero-3": (1, 1, 1),
    "fsdp-no-shard": (0, 0, 0), "fsdp-shard-grad-op": (0, 1, 1), "fsdp-full-shard": (1, 1, 1),
}  # fmt: skip
RECOMPUTE = ("none", "selective", "full")
# QLoRA NF4 with double quantization (Dettmers et al. 2023 §3): 4 bits + an 8-bit constant per
# 64-weight block + an FP32 constant per 256 blocks = 4 + 8/64 + 32/(64·256) ≈ 4.127 bits/param.
BASE_WEIGHT_BITS: dict[str, float] = {
    "fp32": 32, "bf16": 16, "fp16": 16, "int8": 8,
    "nf4": 4 + 8 / 64 + 32 / (64 * 256), "nf4-no-double-quant": 4 + 32 / 64,
}  # fmt: skip
LORA_TARGETS = ("q", "k", "v", "o", "gate", "up", "down")
_QKVO = ("q", "k", "v", "o")
_STATE_FORMULAS = (WEIGHT_BYTES_PER_GPU, GRADIENT_BYTES_PER_GPU, OPTIMIZER_BYTES_PER_GPU)


def get_convention(key: str | ModelStateConvention) -> ModelStateConvention:
    if isinstance(key, ModelStateConvention):
        return key
    if key not in CONVENTIONS:
        raise BotecInputError("training.convention", key, "one of " + ", ".join(CONVENTIONS))
    return CONVENTIONS[key]


def sharding_flags(stage: int | str) -> tuple[int, int, int]:
    """(weights, gradients, optimizer) flags for a ZeRO stage (0-3) or an FSDP strategy name."""
    key = f"zero-{stage}" if isinstance(stage, int) and not isinstance(stage, bool) else stage
    if key not in SHARDING:
        raise BotecInputError("training.sharding", stage, "0, 1, 2, 3 or " + ", ".join(SHARDING))
    return SHARDING[str(key)]


def _activation_formula(recompute: str, sequence_parallel: bool) -> Formula:
    if recompute not in RECOMPUTE:
        raise BotecInputError("training.recompute", recompute, "none, selective or full")
    return ACTIVATION_BYTES_PER_LAYER[(recompute, bool(sequence_parallel))]


def _eval(formula: Formula, env: dict[str, Any]) -> Any:
    return formula.parsed.evaluate({name: env[name] for name in formula.parsed.names})


def _state_env(c: ModelStateConvention, flags: tuple[int, int, int]) -> dict[str, Any]:
    return {
        "weight_bytes_per_param": c.weight_bytes_per_param,
        "gradient_bytes_per_param": c.gradient_bytes_per_param,
        "optimizer_bytes_per_param": c.optimizer_bytes_per_param,
        "weights_sharded": flags[0],
        "gradients_sharded": flags[1],
        "optimizer_sharded": flags[2],
    }


# ---- on a sheet ---------------------------------------------------------------------------------


@dataclass
class ModelStates:
    weights: Value
    gradients: Value
    optimizer: Value
    total: Value


def model_states(
    sheet: Sheet,
    params: Value,
    convention: str | ModelStateConvention,
    sharding: int | str,
    data_parallel: Value,
    tensor_parallel: Value,
    pipeline_parallel: Value,
) -> ModelStates:
    """Weights, gradients and optimizer states per GPU under the convention and sharding."""
    c = get_convention(convention)
    args = {"params": params, "data_parallel": data_parallel, "tensor_parallel": tensor_parallel}
    args["pipeline_parallel"] = pipeline_parallel
    for name, value in _state_env(c, sharding_flags(sharding)).items():
        unit = "B/param" if name.endswith("per_param") else "flag"
        source = c.source if unit == "B/param" else f"sharding {sharding} (1 = sharded over DP)"
        args[name] = sheet.assume(name, value, unit, name.replace("_", " ").capitalize(), source)
    parts = [sheet.step(f, **{k: args[k] for k in f.parsed.names}) for f in _STATE_FORMULAS]
    named = {f.name: part for f, part in zip(_STATE_FORMULAS, parts, strict=True)}
    total = sheet.step(MODEL_STATE_BYTES_PER_GPU, **named)
    return ModelStates(*parts, total)


def activations(
    sheet: Sheet,
    shape: dict[str, Value],
    recompute: str = "selective",
    sequence_parallel: bool = True,
) -> Value:
    """Activations per GPU. ``shape`` maps seq_len, micro_batch, hidden_size, heads, layers,
    tensor_parallel, pipeline_parallel and micro_batches to values on the sheet."""
    formula = _activation_formula(recompute, sequence_parallel)
    per_layer = sheet.step(
        formula, name="activation_bytes_per_layer", **{k: shape[k] for k in formula.parsed.names}
    )
    env = {**shape, "activation_bytes_per_layer": per_layer}
    names = ACTIVATION_BYTES_PER_GPU.parsed.names
    return sheet.step(ACTIVATION_BYTES_PER_GPU, **{k: env[k] for k in names})


def training_memory_per_gpu(
    sheet: Sheet,
    states: ModelStates,
    activation_bytes_per_gpu: Value,
    gpu_memory: Value,
    usable_memory_fraction: Value,
) -> tuple[Value, Value]:
    """Total per GPU and the share of usable memory it needs (above 1: it does not fit)."""
    total = sheet.step(
        TRAINING_BYTES_PER_GPU,
        model_state_bytes_per_gpu=states.total,
        activation_bytes_per_gpu=activation_bytes_per_gpu,
    )
    ratio = sheet.step(
        MEMORY_UTILIZATION,
        memory_per_gpu=total,
        gpu_memory=gpu_memory,
        usable_memory_fraction=usable_memory_fraction,
    )
    return total, ratio


def communication(
    sheet: Sheet, shape: dict[str, Value], recompute: str = "selective"
) -> tuple[Value, Value, Value]:
    """Bytes each GPU sends per step over data, tensor and pipeline parallelism. ``shape`` holds
    what :func:`activations` takes plus params; the model-state assumptions are already on the
    sheet (:func:`model_states`)."""
    env = dict(shape)
    env |= {k: sheet.inputs[k] for k in ("weight_bytes_per_param", "gradient_bytes_per_param")}
    env |= {k: sheet.inputs[k] for k in ("weights_sharded", "optimizer_sharded")}
    env["tp_all_reduces_per_layer"] = sheet.constant(
        "tp_all_reduces_per_layer",
        6 if recompute == "full" else 4,
        "all-reduces",
        "Tensor-parallel all-reduces per layer per micro-batch",
        "Megatron: 2 forward + 2 backward; full recomputation reruns the forward's 2",
    )
    env["activation_bytes"] = sheet.constant(
        "training_activation_bytes", 2, "B", "Bytes per activation value", "BF16"
    )
    return tuple(  # type: ignore[return-value]
        sheet.step(f, **{k: env[k] for k in f.parsed.names})
        for f in (DP_COMM_BYTES, TP_COMM_BYTES, PP_COMM_BYTES)
    )


def lora_dims_per_layer(spec: ModelSpec, targets: Sequence[str] = _QKVO) -> int:
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


def lora_param_count(spec: ModelSpec, rank: int, targets: Sequence[str] = _QKVO) -> int:
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


# ---- plain numbers ------------------------------------------------------------------------------


def _number(field: str, value: object, allowed: str, whole: bool = False) -> float:
    """A finite number above 0 (a whole number ≥ 1 when ``whole``), else BotecInputError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BotecInputError(field, value, allowed)
    if not math.isfinite(value) or value <= 0 or (whole and value != int(value)):
        raise BotecInputError(field, value, allowed)
    return float(value)


def model_state_bytes(
    params: float,
    convention: str | ModelStateConvention = "mixed-adam",
    sharding: int | str = 0,
    data_parallel: float = 1,
    tensor_parallel: float = 1,
    pipeline_parallel: float = 1,
) -> dict[str, float]:
    """Per-GPU weights_bytes, gradients_bytes, optimizer_bytes and total_bytes."""
    env = _state_env(get_convention(convention), sharding_flags(sharding))
    env["params"] = _number("training.params", params, "a positive parameter count, e.g. 7B")
    env |= {"data_parallel": data_parallel, "tensor_parallel": tensor_parallel}
    env["pipeline_parallel"] = pipeline_parallel
    parts = [float(_eval(f, env)) for f in _STATE_FORMULAS]
    keys = ("weights_bytes", "gradients_bytes", "optimizer_bytes")
    return dict(zip(keys, parts, strict=True)) | {"total_bytes": sum(parts)}


def activation_bytes(
    seq_len: float,
    micro_batch: float,
    hidden_size: float,
    heads: float,
    layers: float,
    tensor_parallel: float = 1,
    pipeline_parallel: float = 1,
    micro_batches: float | None = None,
    recompute: str = "none",
    sequence_parallel: bool = False,
) -> float:
    """Activations per GPU (first pipeline stage); micro_batches defaults to pipeline_parallel."""
    env = {
        "seq_len": seq_len, "micro_batch": micro_batch, "hidden_size": hidden_size,
        "heads": heads, "layers": layers, "tensor_parallel": tensor_parallel,
        "pipeline_parallel": pipeline_parallel,
        "micro_batches": pipeline_parallel if micro_batches is None else micro_batches,
    }  # fmt: skip
    formula = _activation_formula(recompute, sequence_parallel)
    env["activation_bytes_per_layer"] = _eval(formula, env)
    return float(_eval(ACTIVATION_BYTES_PER_GPU, env))


def _tp_choices(heads: int | None, gpus_per_node: int) -> list[int]:
    """Tensor-parallel degrees within one node that divide the attention heads."""
    return [t for t in (1, 2, 4, 8) if t <= gpus_per_node and (not heads or heads % t == 0)]


def split_for_gpus(
    gpus: int,
    params: float,
    shape: dict[str, float],
    usable_bytes: float,
    *,
    convention: str | ModelStateConvention = "mixed-adam",
    sharding: int | str = 1,
    recompute: str = "selective",
    micro_batch: int = 1,
    gpus_per_node: int = 8,
) -> tuple[int, int, int]:
    """(TP, PP, DP) with TP·PP·DP = ``gpus`` that fits ``usable_bytes`` per GPU with the least
    model parallelism (then the least PP); if none fits, the split that needs the least memory.

    ``shape`` gives layers, hidden_size, heads and seq_len; sequence parallelism goes with TP > 1.
    """
    best: tuple[tuple[Any, ...], int, int, int] | None = None
    layers = int(shape["layers"])
    for tp in _tp_choices(int(shape["heads"]), min(gpus_per_node, gpus)):
        for pp in (p for p in range(1, layers + 1) if layers % p == 0 and gpus % (tp * p) == 0):
            dp = gpus // (tp * pp)
            states = model_state_bytes(params, convention, sharding, dp, tp, pp)["total_bytes"]
            acts = activation_bytes(
                shape["seq_len"], micro_batch, shape["hidden_size"], shape["heads"], layers,
                tp, pp, None, recompute, tp > 1,
            )  # fmt: skip
            total = states + acts
            key = (False, tp * pp, pp, total) if total <= usable_bytes else (True, 0, 0, total)
            if best is None or key < best[0]:
                best = (key, tp, pp, dp)
    if best is None:
        raise BotecInputError("training.gpus", gpus, "a GPU count that TP × PP can split")
    return best[1], best[2], best[3]


@dataclass(frozen=True)
class TrainingLayout:
    """A TP × PP × DP layout, what each GPU holds, and what each GPU sends per training step."""

    tensor_parallel: int
    pipeline_parallel: int
    data_parallel: int
    gpus: int
    weights_bytes: float
    gradients_bytes: float
    optimizer_bytes: float
    activations_bytes: float
    total_bytes: float
    usable_bytes: float
    dp_comm_bytes_per_step: float
    tp_comm_bytes_per_step: float
    pp_comm_bytes_per_step: float
    notes: tuple[str, ...] = ()


def smallest_layout(
    params: float | None,
    gpu_memory_bytes: float,
    *,
    model: ModelSpec | None = None,
    usable_memory_fraction: float = 0.9,
    convention: str | ModelStateConvention = "mixed-adam",
    sharding: int | str = 0,
    recompute: str = "selective",
    sequence_parallel: bool = True,
    seq_len: int = 2048,
    micro_batch: int = 1,
    micro_batches: int | None = None,
    max_gpus: int = 4096,
    gpus_per_node: int = 8,
) -> TrainingLayout | None:
    """The layout with the fewest GPUs whose per-GPU memory fits; None if none within max_gpus.

    TP ∈ {1, 2, 4, 8} (≤ gpus_per_node, dividing the heads); PP divides the layers (a power of
    two without a model); DP ≥ 1. Ties go to the least TP·PP (prefer data parallelism), then the
    least PP (TP inside a node first: Narayanan et al. 2021, takeaway 1). With ``model`` and no
    ``params``, params are its total; without ``model``, activations and TP/PP traffic are not
    counted. ``micro_batches`` per step per pipeline defaults to PP, the fewest that fill 1F1B.
    """
    if params is None:
        if model is None:
            raise BotecInputError("training.params", None, "a parameter count or a model")
        params = model.params_total
    n = _number("training.params", params, "a positive parameter count, e.g. 7B")
    memory = _number("gpu.memory", gpu_memory_bytes, "a positive size in bytes, e.g. 80e9")
    fraction = _number("gpu.usable_memory_fraction", usable_memory_fraction, "a fraction in (0, 1]")
    if fraction > 1:
        raise BotecInputError("gpu.usable_memory_fraction", fraction, "a fraction in (0, 1]")
    counts = {"seq_len": seq_len, "micro_batch": micro_batch, "max_gpus": max_gpus}
    counts["gpus_per_node"] = gpus_per_node
    if micro_batches is not None:
        counts["micro_batches"] = micro_batches
    for field, value in counts.items():
        _number(f"training.{field}", value, "a whole number ≥ 1", whole=True)
    c, flags = get_convention(convention), sharding_flags(sharding)
    per_layer, usable = _activation_formula(recompute, sequence_parallel), memory * fraction
    tps = _tp_choices(model.heads if model else None, gpus_per_node)
    pps = [2**i for i in range(max_gpus.bit_length())]
    if model is not None:
        pps = [p for p in range(1, model.layers + 1) if model.layers % p == 0]
    best: tuple[tuple[int, int, int], dict[str, Any]] | None = None
    for t, p in ((t, p) for t in tps for p in pps if t * p <= max_gpus):
        env = _state_env(c, flags) | {"params": n, "tensor_parallel": t, "pipeline_parallel": p}
        env |= {"data_parallel": 1, "micro_batches": micro_batches or p, "activation_bytes": 2}
        env["activations"] = 0.0
        if model is not None:
            env |= {"seq_len": seq_len, "micro_batch": micro_batch, "layers": model.layers}
            env |= {"hidden_size": model.hidden_size, "heads": model.heads}
            env["activation_bytes_per_layer"] = _eval(per_layer, env)
            env["activations"] = _eval(ACTIVATION_BYTES_PER_GPU, env)
        # total(d) = fixed + sharded / d: solve for the least d, then step past rounding.
        parts = [_eval(f, env) for f in _STATE_FORMULAS]
        sharded = sum(part for part, flag in zip(parts, flags, strict=True) if flag)
        fixed = sum(parts) - sharded + env["activations"]
        if fixed > usable or (sharded and fixed >= usable):
            continue
        d = max(1, math.ceil(sharded / (usable - fixed))) if sharded else 1
        while (
            sum(_eval(f, env | {"data_parallel": d}) for f in _STATE_FORMULAS)
            > usable - env["activations"]
        ):  # rounding at the boundary
            d += 1
        key = (t * p * d, t * p, p)
        if t * p * d <= max_gpus and (best is None or key < best[0]):
            best = (key, env | {"data_parallel": d})
    if best is None:
        return None
    env = best[1]
    t, p, d = env["tensor_parallel"], env["pipeline_parallel"], env["data_parallel"]
    weights, grads, opt = (float(_eval(f, env)) for f in _STATE_FORMULAS)
    tp_comm = pp_comm = 0.0
    notes: tuple[str, ...] = ("no model shape: activations and TP/PP traffic not counted",)
    if model is not None:
        env["tp_all_reduces_per_layer"] = 6 if recompute == "full" else 4
        tp_comm, pp_comm, notes = _eval(TP_COMM_BYTES, env), _eval(PP_COMM_BYTES, env), ()
    acts = float(env["activations"])
    return TrainingLayout(
        t, p, d, t * p * d, weights, grads, opt, acts, weights + grads + opt + acts, usable,
        float(_eval(DP_COMM_BYTES, env)), float(tp_comm), float(pp_comm), notes,
    )  # fmt: skip
