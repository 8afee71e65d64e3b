"""Model states per GPU: weights, gradients and optimizer states under ZeRO/FSDP sharding.

They follow the ZeRO paper (Rajbhandari et al., SC'20, arXiv 1910.02054): stage 1 shards the
optimizer states over the Nd data-parallel GPUs, stage 2 also the gradients, stage 3 also the
weights (FSDP FULL_SHARD = stage 3, SHARD_GRAD_OP = stage 2). Tensor and pipeline parallelism
split every state by t·p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._plain import evaluate as _eval
from botec.estimators._plain import positive_number as _number

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


def _state_env(c: ModelStateConvention, flags: tuple[int, int, int]) -> dict[str, Any]:
    return {
        "weight_bytes_per_param": c.weight_bytes_per_param,
        "gradient_bytes_per_param": c.gradient_bytes_per_param,
        "optimizer_bytes_per_param": c.optimizer_bytes_per_param,
        "weights_sharded": flags[0],
        "gradients_sharded": flags[1],
        "optimizer_sharded": flags[2],
    }


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
