"""How a training run's precision and a distillation teacher change what each GPU holds: the
model-state convention (FP32 Adam for an FP32 run), the bytes per activation value, and the
teacher's frozen weights beside the student."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Sheet, Value
from botec.scenario import TrainingSection

# The seed's two names for the model-state conventions training_memory spells out.
_CONVENTION_ALIASES = {"zero-16": "mixed-adam", "seed-18": "mixed-adam-fp32-grads"}


def fp32(t: TrainingSection) -> bool:
    """A run that computes in FP32 (4-byte weights and activations), not mixed precision."""
    from botec.catalog import load_catalog

    return load_catalog().precision(t.precision, "training.precision").bytes_per_param >= 4


def state_convention(t: TrainingSection) -> str:
    """The training_memory convention key the scenario's memory_convention names; an FP32 run
    without one keeps FP32 weights, gradients and Adam moments (4 + 4 + 8 B) rather than mixed
    precision's BF16 copies beside FP32 masters."""
    if fp32(t) and "memory_convention" not in t.model_fields_set:
        return "fp32-adam"
    return _CONVENTION_ALIASES.get(t.memory_convention, t.memory_convention)


def activation_bytes(t: TrainingSection) -> int:
    """Bytes per activation value: 4 in an FP32 run, else BF16's 2."""
    return 4 if fp32(t) else 2


# A distillation teacher's weights are held in 16 bits: it only scores tokens (no gradients or
# optimizer states), as the BF16 checkpoints distillation runs load.
TEACHER_BYTES_PER_PARAM = 2


def teacher_bytes(t: TrainingSection) -> float:
    """A distillation teacher's weights, in bytes (0 without one): every expert of an MoE."""
    if not t.teacher:
        return 0.0
    from botec.modelspec import resolve_model

    params = resolve_model(t.teacher, "training.teacher").params_total
    return float(params) * TEACHER_BYTES_PER_PARAM


def layout_extras(t: TrainingSection) -> dict[str, Any]:
    """What the layout searches add for this run: the teacher's bytes, the activation width."""
    return {"frozen_bytes": teacher_bytes(t), "activation_bytes_per_value": activation_bytes(t)}


def record_activation_bytes(sheet: Sheet, t: TrainingSection) -> None:
    """An FP32 run's 4 bytes per activation value, recorded before the activations read it."""
    if fp32(t):
        sheet.constant("training_activation_bytes", 4, "B/token-dim", "Bytes per activation value",
                       "FP32: 4 bytes for each token's each hidden dim")  # fmt: skip


def teacher_memory(sheet: Sheet, t: TrainingSection, share: Value) -> Value | None:
    """The teacher's weights on each GPU (split by TP and PP as the student), or None."""
    if not t.teacher:
        return None
    from botec.estimators import training_memory as tm

    return sheet.step(
        tm.TEACHER_WEIGHTS_PER_GPU,
        teacher_total_params=sheet.input(
            "teacher_total_params", teacher_bytes(t) / TEACHER_BYTES_PER_PARAM, "params",
            "Teacher's parameters (every expert)", "catalog: the teacher's model entry",
        ),
        teacher_bytes_per_param=sheet.input(
            "teacher_bytes_per_param", TEACHER_BYTES_PER_PARAM, "B/param",
            "Bytes per teacher weight (BF16)", "a frozen 16-bit teacher",
        ),
        training_tensor_parallel=sheet.inputs["training_tensor_parallel"],
        pipeline_parallel=share,
    )  # fmt: skip
