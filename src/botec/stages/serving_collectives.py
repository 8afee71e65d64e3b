"""What the serving roofline's tensor-parallel collectives cost: how many per layer and the
link's all-reduce latency and bandwidth."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Value
from botec.stages.context import Context


def collective_inputs(ctx: Context, link: Any, *, moe: bool) -> dict[str, Value]:
    """The collectives per layer under tensor parallelism (3 for a mixture of experts, whose
    experts add a dispatch and a combine), and the link's all-reduce cost: its fixed cost per
    call and bus bandwidth."""
    sheet = ctx.sheet
    collectives = (
        sheet.constant(
            "allreduces_per_layer",
            3,
            "all-reduces",
            "Collectives per layer under TP with expert parallelism",
            "An MoE layer split over the GPUs: one all-reduce after attention, then the experts' "
            "dispatch and combine all-to-alls (expert parallelism: DeepSeek-V3 report, section "
            "3.2.2 on its all-to-all; TensorRT-LLM's DeepSeek-R1 latency runs use EP8). Each is "
            "costed like an all-reduce: the fixed cost per call, which dominates at small batch, "
            "and an all-reduce's volume (an all-to-all sends each token to its k experts, more at"
            " large batch); the few dense first layers are counted as MoE layers",
        )
        if moe
        else sheet.constant(
            "allreduces_per_layer",
            2,
            "all-reduces",
            "All-reduces per layer under TP",
            "Megatron-LM tensor parallelism: one after attention, one after the MLP",
        )
    )
    return {
        "activation_bytes": sheet.constant(
            "activation_bytes",
            2,
            "B/token-dim",
            "Bytes per activation value",
            "FP16/BF16 activations: 2 bytes for each token's each hidden dim",
        ),
        "allreduces_per_layer": collectives,
        "allreduce_bandwidth": sheet.input(
            "allreduce_bandwidth",
            link.allreduce_bandwidth,
            "B/s",
            f"All-reduce bus bandwidth over {link.name}",
            link.allreduce_source,
        ),
        "allreduce_latency": sheet.input(
            "allreduce_latency",
            link.allreduce_latency_s,
            "s",
            f"Fixed cost of one all-reduce over {link.name}",
            link.allreduce_source,
        ),
    }
