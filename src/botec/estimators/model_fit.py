"""Can a model run on a GPU count? The memory it needs (weights, KV cache) against what each GPU
offers (its usable share less the runtime's workspace), the fewest GPUs that hold it, and the
longest context that fits on the GPUs given.

Weights and KV cache split evenly over tensor-parallel GPUs (each holds 1/N of every matrix and
of every layer's KV heads); the workspace (CUDA context, cuBLAS/NCCL buffers, activations) is
paid on every GPU.
"""

from __future__ import annotations

from botec.core.sheet import Formula

WINDOWED_CONTEXT = Formula(
    "cached_context_tokens",
    "min(context_tokens, sliding_window)",
    "tokens/sequence",
    "Tokens each sequence keeps in the KV cache (a sliding window)",
    "Sliding-window attention only looks back over the window, so the cache keeps that many "
    "tokens of a longer context (as serving counts it).",
)
HYBRID_CONTEXT = Formula(
    "cached_context_tokens",
    "full_attention_share * context_tokens + (1 - full_attention_share) * "
    "min(context_tokens, sliding_window)",
    "tokens/sequence",
    "Tokens each sequence keeps in the KV cache, averaged over the layers",
    "The global layers keep the whole context, the windowed ones only the window (as serving "
    "counts it).",
)
FIT_MEMORY = Formula(
    "model_fit_memory",
    "weights_memory + kv_cache_per_token * context_tokens * batch",
    "B",
    "Memory the model needs (weights + KV cache)",
    "The weights once, plus every sequence's keys and values at the full context.",
    headline=True,
)
GPU_CAPACITY = Formula(
    "gpu_capacity",
    "gpu_memory * usable_memory_fraction - workspace_per_gpu",
    "B",
    "Memory each GPU offers the model",
    "The share of device memory an engine uses, less the runtime's workspace on that GPU.",
)
GPUS_NEEDED = Formula(
    "gpus_needed",
    "ceil(model_fit_memory / gpu_capacity)",
    "GPUs",
    "Fewest GPUs whose memory holds it",
    "Weights and KV cache split evenly over the GPUs; rounded up to whole GPUs (a tensor-"
    "parallel group is then 1, 2, 4 or 8 of them, or whole 8-GPU nodes).",
    headline=True,
)
MEMORY_PER_GPU = Formula(
    "fit_memory_per_gpu",
    "model_fit_memory / gpus + workspace_per_gpu",
    "B",
    "Memory on each GPU",
    "An even share of the weights and KV cache, plus the workspace every GPU keeps.",
    headline=True,
)
FIT_HEADROOM = Formula(
    "fit_headroom",
    "gpus * gpu_capacity - model_fit_memory",
    "B",
    "Memory left over on the GPUs (negative: short by this much)",
    headline=True,
)
MAX_CONTEXT_HYBRID = Formula(
    "max_context_tokens",
    "max(0, floor(max((gpus * gpu_capacity - weights_memory) / (kv_cache_per_token * batch), "
    "((gpus * gpu_capacity - weights_memory) / (kv_cache_per_token * batch) - "
    "(1 - full_attention_share) * sliding_window) / full_attention_share)))",
    "tokens/sequence",
    "Longest context that fits on these GPUs",
    "What the weights leave, shared by the batch's KV caches: up to the window every layer "
    "caches each token; past it only the global layers grow.",
)
MAX_CONTEXT = Formula(
    "max_context_tokens",
    "max(0, floor((gpus * gpu_capacity - weights_memory) / (kv_cache_per_token * batch)))",
    "tokens/sequence",
    "Longest context that fits on these GPUs",
    "What the weights leave, shared by the batch's KV caches.",
)
