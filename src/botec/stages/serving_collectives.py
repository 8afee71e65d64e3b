"""What the serving roofline's tensor-parallel collectives cost: how many per layer and the
link's all-reduce latency and bandwidth."""

from __future__ import annotations

from typing import Any

from botec.catalog import Hardware
from botec.core.sheet import Value
from botec.stages.context import Context


def collective_inputs(ctx: Context, link: Any, *, moe: bool, adp: bool = False) -> dict[str, Value]:
    """The collectives per layer under tensor parallelism (3 for a mixture of experts, whose
    experts add a dispatch and a combine; under attention data parallelism (``adp``) the
    experts' all-gather and reduce-scatter only), and the link's all-reduce cost: its fixed
    cost per call and bus bandwidth."""
    sheet = ctx.sheet
    if adp:
        count = {
            "moe_collectives_per_layer": sheet.constant(
                "moe_collectives_per_layer",
                2,
                "collectives",
                "Collectives per MoE layer under attention data parallelism",
                "TensorRT-LLM's fused MoE with enable_attention_dp: an all-gather of every "
                "GPU's tokens before the experts and a reduce-scatter of their outputs after "
                "(tensorrt_llm/_torch/modules/fused_moe: 'if self.use_dp and "
                "self.parallel_size > 1: ... allgather'); attention runs on each GPU alone",
            )
        }
    else:
        count = {"allreduces_per_layer": _tp_collectives(ctx, moe)}
    return count | _link_costs(ctx, link)


def _tp_collectives(ctx: Context, moe: bool) -> Value:
    sheet = ctx.sheet
    return (
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


def _link_costs(ctx: Context, link: Any) -> dict[str, Value]:
    sheet = ctx.sheet
    return {
        "activation_bytes": sheet.constant(
            "activation_bytes",
            2,
            "B/token-dim",
            "Bytes per activation value",
            "FP16/BF16 activations: 2 bytes for each token's each hidden dim",
        ),
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


# GPUs one scale-up domain (NVLink, xGMI) joins: an 8-GPU server, except a GB200 NVL72 rack.
# Tensor parallelism past it crosses the scale-out network between nodes.
GPUS_PER_NODE = 8
SCALE_UP_DOMAIN = {"gb200": 72}
SCALE_OUT_LINK = "infiniband-ndr"  # 400 Gb/s per GPU: the fabric of H100/H200/B200 clusters


def tp_link(ctx: Context, gpu: Hardware, tensor_parallel: int) -> Any:
    """The link a tensor-parallel group's all-reduces cross: the GPU's own interconnect within
    a node, the cluster network when the group spans nodes (said in a note)."""
    own = ctx.catalog.link(gpu.interconnect, "hardware interconnect")
    domain = SCALE_UP_DOMAIN.get(gpu.key, GPUS_PER_NODE)
    if tensor_parallel <= domain:
        return own
    link = ctx.catalog.link(SCALE_OUT_LINK)
    ctx.sheet.note(
        "warn",
        f"TP {tensor_parallel} spans {-(-tensor_parallel // domain)} nodes of {domain} "
        f"{gpu.name}: every all-reduce crosses {link.name}, not {own.name}, so each layer's "
        "collectives are several times slower; engines split across nodes by pipeline "
        "parallelism instead (TP within the node).",
        verdict=True,
    )
    return link
