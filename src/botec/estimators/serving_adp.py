"""A mixture of experts served with attention data parallelism and expert parallelism (what
TensorRT-LLM calls ``enable_attention_dp`` with ``--ep``): each GPU of the group runs attention
for its own requests, with a whole copy of the attention, embedding and shared weights, and
holds its share of the routed experts; every MoE layer all-gathers the hidden states of the
whole batch to the experts' GPUs and reduce-scatters their outputs back (TensorRT-LLM's fused
MoE modules, ``if self.use_dp and self.parallel_size > 1: ... allgather``). Nothing of
attention is split, so the KV cache is never copied, and there is no all-reduce after it.
Source: TensorRT-LLM docs, "Parallelism in TensorRT-LLM": under attention DP "all GEMM weights
are replicated on every GPU" and "the KV-cache is partitioned"."""

from __future__ import annotations

from botec.core.sheet import Formula

WEIGHTS_HELD = Formula(
    "weights_held",
    "(shared_params * tensor_parallel + expert_params) * bytes_per_param",
    "B",
    "Weights the group holds (attention data-parallel)",
    "Every GPU keeps a whole copy of the attention, embeddings and any shared experts (it runs "
    "them for its own requests); the routed experts are split over the GPUs, each held once.",
)
WEIGHTS_READ = Formula(
    "weights_read_per_step",
    "(shared_params * tensor_parallel + expert_params * (1 - (1 - expert_route_fraction) "
    "** (batch * decode_tokens_per_step / tokens_per_route))) * bytes_per_param",
    "B",
    "Weights read per decode step (attention data-parallel MoE)",
    "Every GPU reads its own copy of the shared weights each step; the n tokens of the batch "
    "touch 1 − (1 − k/E)^n of the experts, each read once on the GPU that holds it.",
)
_SYNC_WHY = (
    "Per MoE layer, an all-gather of the batch's hidden states to every GPU and a "
    "reduce-scatter of the experts' outputs back: each moves (N−1)/N of tokens × hidden × 2 B "
    "over each GPU's link at the bus bandwidth NCCL reaches, plus a fixed cost per call; no "
    "all-reduce after attention, which each GPU runs alone."
)
SYNC = Formula(
    "adp_sync_time",
    "moe_collectives_per_layer * layers * min(tensor_parallel - 1, 1) * (allreduce_latency "
    "+ (tensor_parallel - 1) / tensor_parallel * tokens * hidden_size * activation_bytes "
    "/ allreduce_bandwidth)",
    "s",
    "Expert all-gather and reduce-scatter time",
    _SYNC_WHY,
)
SYNC_DECODE = Formula(
    "adp_sync_time",
    "moe_collectives_per_layer * layers * min(tensor_parallel - 1, 1) * (allreduce_latency "
    "+ (tensor_parallel - 1) / tensor_parallel * batch * decode_tokens_per_step * hidden_size "
    "* activation_bytes / allreduce_bandwidth)",
    "s",
    "Expert all-gather and reduce-scatter time",
    _SYNC_WHY + " A decode step's message holds one token per sequence.",
)
