"""Per-GPU training memory: model states under ZeRO/FSDP sharding, activations (Korthikanti et al.
2022), LoRA/QLoRA fine-tuning, and the smallest TP × PP × DP layout that fits, with its traffic.

Model states follow the ZeRO paper (Rajbhandari et al., SC'20, arXiv 1910.02054): stage 1 shards
the optimizer states over the Nd data-parallel GPUs, stage 2 also the gradients, stage 3 also the
weights (FSDP FULL_SHARD = stage 3, SHARD_GRAD_OP = stage 2). Tensor and pipeline parallelism
split every state by t·p. Activations use the per-layer formulas of Korthikanti et al. 2022
("Reducing Activation Recomputation in Large Transformer Models", arXiv 2205.05198, Table 2), which
assume 16-bit activations, a 4h GeLU MLP and attention scores kept in memory.

The module holds the total per GPU and its fit; the parts live in one module each and are
re-exported here: :mod:`botec.estimators.model_states` (conventions and ZeRO sharding),
:mod:`botec.estimators.activations` (Korthikanti), :mod:`botec.estimators.lora` (LoRA/QLoRA) and
:mod:`botec.estimators.training_layout` (layout search and per-step traffic).
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators.activations import (
    ACTIVATION_BYTES_PER_GPU,
    ACTIVATION_BYTES_PER_LAYER,
    RECOMPUTE,
    activation_bytes,
    activations,
)
from botec.estimators.lora import (
    ADAPTER_STATE_BYTES,
    BASE_WEIGHT_BITS,
    FROZEN_WEIGHT_BYTES,
    LORA_ADAPTER_PARAMS,
    LORA_TARGETS,
    LORA_TRAINING_BYTES,
    LoraMemory,
    LoraModel,
    lora_dims_per_layer,
    lora_memory,
    lora_param_count,
)
from botec.estimators.model_states import (
    CONVENTIONS,
    GRADIENT_BYTES_PER_GPU,
    MODEL_STATE_BYTES_PER_GPU,
    OPTIMIZER_BYTES_PER_GPU,
    SHARDING,
    WEIGHT_BYTES_PER_GPU,
    ModelStateConvention,
    ModelStates,
    get_convention,
    model_state_bytes,
    model_states,
    sharding_flags,
)
from botec.estimators.training_layout import (
    DP_COMM_BYTES,
    PP_COMM_BYTES,
    TP_COMM_BYTES,
    LayoutModel,
    TrainingLayout,
    communication,
    layout_for_gpus,
    smallest_layout,
    split_for_gpus,
)

__all__ = [
    "ACTIVATION_BYTES_PER_GPU",
    "ACTIVATION_BYTES_PER_LAYER",
    "ADAPTER_STATE_BYTES",
    "BASE_WEIGHT_BITS",
    "CONVENTIONS",
    "DP_COMM_BYTES",
    "FROZEN_WEIGHT_BYTES",
    "GRADIENT_BYTES_PER_GPU",
    "LORA_ADAPTER_PARAMS",
    "LORA_TARGETS",
    "LORA_TRAINING_BYTES",
    "MEMORY_UTILIZATION",
    "MODEL_STATE_BYTES_PER_GPU",
    "OPTIMIZER_BYTES_PER_GPU",
    "PP_COMM_BYTES",
    "RECOMPUTE",
    "SHARDING",
    "TEACHER_WEIGHTS_PER_GPU",
    "TP_COMM_BYTES",
    "TRAINING_BYTES_PER_GPU",
    "TRAINING_BYTES_PER_GPU_WITH_TEACHER",
    "WEIGHT_BYTES_PER_GPU",
    "LayoutModel",
    "LoraMemory",
    "LoraModel",
    "ModelStateConvention",
    "ModelStates",
    "TrainingLayout",
    "activation_bytes",
    "activations",
    "communication",
    "get_convention",
    "layout_for_gpus",
    "lora_dims_per_layer",
    "lora_memory",
    "lora_param_count",
    "model_state_bytes",
    "model_states",
    "sharding_flags",
    "smallest_layout",
    "split_for_gpus",
    "training_memory_per_gpu",
]

TRAINING_BYTES_PER_GPU = Formula(
    "memory_per_gpu",
    "model_state_bytes_per_gpu + activation_bytes_per_gpu",
    "B",
    "Training memory per GPU",
    "Model states plus activations; excludes CUDA context, allocator fragmentation and temporary "
    "buffers, which the usable-memory fraction covers.",
    headline=True,
)
TEACHER_WEIGHTS_PER_GPU = Formula(
    "teacher_weight_bytes_per_gpu",
    "teacher_total_params * teacher_bytes_per_param "
    "/ (training_tensor_parallel * pipeline_parallel)",
    "B",
    "Distillation teacher's weights per GPU",
    "Every GPU that trains the student also runs the teacher's forward pass, so it holds its share "
    "of the teacher's weights (split by TP and PP as the student is; frozen: no gradients or "
    "optimizer states, and no ZeRO sharding).",
)
TRAINING_BYTES_PER_GPU_WITH_TEACHER = Formula(
    "memory_per_gpu",
    "model_state_bytes_per_gpu + activation_bytes_per_gpu + teacher_weight_bytes_per_gpu",
    "B",
    "Training memory per GPU",
    "Model states, activations and the teacher's weights; excludes CUDA context, allocator "
    "fragmentation and temporary buffers, which the usable-memory fraction covers.",
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


def training_memory_per_gpu(
    sheet: Sheet,
    states: ModelStates,
    activation_bytes_per_gpu: Value,
    gpu_memory: Value,
    usable_memory_fraction: Value,
    teacher_weight_bytes_per_gpu: Value | None = None,
) -> tuple[Value, Value]:
    """Total per GPU and the share of usable memory it needs (above 1: it does not fit)."""
    if teacher_weight_bytes_per_gpu is None:
        total = sheet.step(
            TRAINING_BYTES_PER_GPU,
            model_state_bytes_per_gpu=states.total,
            activation_bytes_per_gpu=activation_bytes_per_gpu,
        )
    else:
        total = sheet.step(
            TRAINING_BYTES_PER_GPU_WITH_TEACHER,
            model_state_bytes_per_gpu=states.total,
            activation_bytes_per_gpu=activation_bytes_per_gpu,
            teacher_weight_bytes_per_gpu=teacher_weight_bytes_per_gpu,
        )
    ratio = sheet.step(
        MEMORY_UTILIZATION,
        memory_per_gpu=total,
        gpu_memory=gpu_memory,
        usable_memory_fraction=usable_memory_fraction,
    )
    return total, ratio
