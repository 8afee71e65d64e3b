"""LLM serving as it runs: prefill and decode as separate roofline phases, KV cache, TP, batching.

Each kernel group takes the larger of FLOPs / (GPUs × peak × compute efficiency) and bytes /
(GPUs × bandwidth × memory efficiency), as a smooth max (tᶜⁿ + tᵐⁿ)^(1/n): near the ridge, where
the two are close, real kernels reach neither peak (measured on an H100: n ≈ 3, so 1.26× the
larger time at the ridge; see the catalog's roofline_sharpness). A phase adds its groups'
times, plus what the roofline leaves out: tensor-parallel all-reduces over the interconnect and
a fixed per-step (decode) or per-request (prefill) overhead of the engine.

- Prefill: the weight matmuls do 2·P_active FLOPs per prompt token and read the weights once;
  causal attention does 2·L·d·s² for a prompt of s tokens (QKᵀ and AV, 2·s²·d each, halved by the
  causal mask) and writes the KV cache. As in decode, the two get a roofline each and add.
- Decode step (one token for each of b sequences): two groups of kernels that run one after the
  other, so each gets its own roofline and the times add. The weight matmuls do 2·P_active·b FLOPs
  and read the weights (for MoE, the experts the batch routes to); attention does 4·L·d·c·b FLOPs
  over a context of c tokens and reads every sequence's KV cache. A single max() over the summed
  FLOPs and bytes would let compute-bound matmuls hide memory-bound attention, which no GPU does:
  they are different kernels on one stream (the per-operator roofline of LLM-Viewer, Yuan et al.
  2024, arXiv:2402.16363, sums operators the same way).
- All-reduce: Megatron-style TP does 2 per layer (after attention and after the MLP), each moving
  b × hidden × 2 bytes; a ring all-reduce sends 2(N−1)/N of it over each link, plus a latency.
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import reference_matmul_share

CACHED_TOKENS = Formula(
    "cached_tokens",
    "min(input_tokens + output_tokens, sliding_window)",
    "tokens/sequence",
    "Tokens cached per sequence (sliding window)",
    "Sliding-window attention keeps only the last window of keys and values.",
)
CACHED_TOKENS_HYBRID = Formula(
    "cached_tokens",
    "full_attention_share * (input_tokens + output_tokens) + (1 - full_attention_share) * "
    "min(input_tokens + output_tokens, sliding_window)",
    "tokens/sequence",
    "Tokens cached per sequence, averaged over the layers (global and windowed)",
    "The global layers keep every token; the windowed ones only the last window.",
)
FULL_CONTEXT = Formula(
    "cached_tokens",
    "input_tokens + output_tokens",
    "tokens/sequence",
    "Tokens cached per sequence at the end",
    "Prompt plus every generated token.",
)
MEAN_CONTEXT = Formula(
    "mean_decode_context",
    "min(input_tokens + output_tokens / 2, sliding_window)",
    "tokens/sequence",
    "Average context a decode step attends to",
    "The context grows from the prompt to prompt + output; on average by half the output.",
)
MEAN_CONTEXT_HYBRID = Formula(
    "mean_decode_context",
    "full_attention_share * (input_tokens + output_tokens / 2) + (1 - full_attention_share) * "
    "min(input_tokens + output_tokens / 2, sliding_window)",
    "tokens/sequence",
    "Average context a decode step attends to, averaged over the layers",
    "The global layers attend to the whole context (the prompt plus half the output on "
    "average); the windowed ones to at most the window.",
)
MEAN_CONTEXT_FULL = Formula(
    "mean_decode_context",
    "input_tokens + output_tokens / 2",
    "tokens/sequence",
    "Average context a decode step attends to",
    "The context grows from the prompt to prompt + output; on average by half the output.",
)
BATCH_TOKENS = Formula(
    "batch_prompt_tokens", "batch * input_tokens", "tokens", "Prompt tokens in the batch"
)
ATTENTION_DIM = Formula(
    "attention_dim", "heads * head_dim", "dims", "Attention width (heads × head_dim)"
)
EXPERT_ROUTE = Formula(
    "expert_route_fraction",
    "experts_active / experts",
    "fraction",
    "Share of routed experts each token uses (k/E)",
)
EXPERT_PARAMS = Formula(
    "all_expert_params",
    "(params - active_params) / (1 - expert_route_fraction)",
    "params",
    "Parameters in the routed experts (all layers)",
    "A token skips (1 − k/E) of the expert parameters: that share is total − active.",
)
SHARED_PARAMS = Formula(
    "shared_params",
    "params - expert_params",
    "params",
    "Parameters every token uses (attention, embeddings, shared experts)",
)
KV_BUDGET = Formula(
    "kv_cache_budget",
    "tensor_parallel * (gpu_memory * usable_memory_fraction - workspace_per_gpu) - weights_memory",
    "B",
    "Memory left for the KV cache (whole TP group)",
    "Each GPU gives its usable share minus activation workspace and runtime; the weights take "
    "their share first.",
)
KV_BUDGET_FREE = Formula(
    "kv_cache_budget",
    "usable_memory_fraction"
    " * (tensor_parallel * (gpu_memory - workspace_per_gpu) - weights_memory)",
    "B",
    "Memory left for the KV cache (whole TP group)",
    "The engine's share of what the weights and the activation workspace leave free "
    "(TensorRT-LLM's free_gpu_memory_fraction).",
)
MAX_BATCH = Formula(
    "max_batch",
    "max(0, floor(kv_cache_budget / (kv_cache_per_token * cached_tokens)))",
    "sequences",
    "Largest batch that fits at these lengths",
    "Sequences whose full-length KV cache fits in what is left (none when the weights leave "
    "nothing).",
    headline=True,
)
MAX_BATCH_PAGED = Formula(
    "max_batch",
    "max(0, floor(kv_cache_budget / (kv_cache_per_token * mean_decode_context)))",
    "sequences",
    "Largest batch that fits at these lengths (paged KV cache)",
    "A paged cache takes blocks as each context grows, so in a steady stream of requests the "
    "sequences hold their average context, not their longest.",
    headline=True,
)
ENGINE_BATCH = Formula(
    "batch",
    "min(max_batch, max_concurrency)",
    "sequences",
    "Batch the engine runs",
    "The largest batch that fits, up to the engine's concurrency cap.",
)
WEIGHTS_READ = Formula(
    "weights_read_per_step",
    "(shared_params + expert_params * (1 - (1 - expert_route_fraction) "
    "** (batch * decode_tokens_per_step / tokens_per_route))) * bytes_per_param",
    "B",
    "Weights read per decode step (MoE)",
    "Each token picks k of E experts on its own; the n tokens of a step (one per sequence) "
    "touch 1 − (1 − k/E)^n of them on average.",
)
PREFILL_LINEAR_FLOPS = Formula(
    "prefill_linear_flops",
    "batch * input_tokens * flop_per_param_per_token * active_params",
    "FLOP",
    "Prefill FLOPs in the weight matmuls",
    "2 per active parameter per prompt token.",
)
PREFILL_ATTENTION_FLOPS = Formula(
    "prefill_attention_flops",
    "batch * attention_flop_per_pair * layers * attention_dim * input_tokens * input_tokens / 2",
    "FLOP",
    "Prefill FLOPs in attention",
    "Causal attention: QKᵀ and AV are 2·s²·d each per layer, halved by the mask (on average a "
    "prompt token attends to half the prompt).",
)
KV_WRITE_BYTES = Formula(
    "kv_write_bytes",
    "batch * input_tokens * kv_cache_per_token",
    "B",
    "KV cache written by the prefill",
    "Attention's keys and values for every prompt token, streamed once.",
)
DECODE_LINEAR_FLOPS = Formula(
    "decode_linear_flops",
    "batch * decode_tokens_per_step * flop_per_param_per_token * active_params",
    "FLOP",
    "Decode step FLOPs in the weight matmuls",
    "One token per sequence: 2 FLOPs (multiply and add) per active parameter.",
)
DECODE_ATTENTION_FLOPS = Formula(
    "decode_attention_flops",
    "batch * decode_tokens_per_step * attention_flop_per_pair * layers * attention_dim "
    "* mean_decode_context",
    "FLOP",
    "Decode step FLOPs in attention",
    "QKᵀ and AV over the context, 2·d·c each per layer.",
)
KV_READ_BYTES = Formula(
    "kv_read_bytes",
    "batch * min(mean_decode_context, cached_tokens) * kv_cache_per_token",
    "B",
    "KV cache read per decode step",
    "Every sequence's keys and values, once per step.",
)
KV_READ_BYTES_PER_HEAD = Formula(
    "kv_read_bytes",
    "batch * min(mean_decode_context, cached_tokens) * kv_cache_per_token * kv_reads_per_token",
    "B",
    "KV cache read per decode step",
    "Every sequence's keys and values, read once per query head that shares them (this engine's "
    "decode kernel does not share KV loads across a GQA group).",
)
KV_READS_PER_TOKEN = Formula(
    "kv_reads_per_token",
    "heads / kv_heads * kv_hbm_read_share",
    "reads",
    "HBM reads of each KV entry per decode step",
    "A decode kernel that gives every query head its own pass over its KV head's cache streams "
    "each entry heads ÷ kv_heads times; the share that misses L2 reaches HBM.",
)
KERNELS_ROOFLINE = Formula(
    "phase_roofline_time",
    "linear_roofline_time + attention_roofline_time",
    "s",
    "Roofline time",
    "The weight matmuls and attention are separate kernels run in turn: their times add.",
)
PRECISION_COMPUTE_EFFICIENCY = Formula(
    "precision_compute_efficiency",
    "compute_efficiency * matmul_efficiency_ratio",
    "fraction",
    "Compute efficiency at this precision",
    "The engine's share of peak, scaled by how close this precision's matmuls get to their own "
    "(higher) peak compared with FP16/BF16.",
)
GPU_COMPUTE_EFFICIENCY = Formula(
    "gpu_compute_efficiency",
    "compute_efficiency * gpu_matmul_share / reference_matmul_share",
    "fraction",
    "Compute efficiency on this GPU",
    "The efficiency factors come from A100s and H100s; a GPU whose best matmuls reach a smaller "
    "(or larger) share of their own peak gets proportionally less (or more) of it.",
)
ROOFLINE = Formula(
    "roofline_time",
    "((flops / (tensor_parallel * peak_flop_per_s * compute_efficiency)) ** roofline_sharpness "
    "+ (bytes / (tensor_parallel * memory_bandwidth * memory_efficiency)) ** roofline_sharpness)"
    " ** (1 / roofline_sharpness)",
    "s",
    "Roofline time",
    "Compute time or memory time, whichever is slower, spread over the TP group; near the ridge, "
    "where the two are close, a kernel reaches neither peak and takes up to 2^(1/n) times the "
    "larger (a smooth max: n → ∞ is the plain max).",
)
DECODE_COMPUTE_TIME = Formula(
    "decode_compute_time",
    "(linear_flops + attention_flops) / (tensor_parallel * peak_flop_per_s * compute_efficiency)",
    "s",
    "Decode step if computing were all it did",
    "Both kernel groups' FLOPs at the efficient share of peak: set beside the memory time, it "
    "says which side binds.",
)
DECODE_MEMORY_TIME = Formula(
    "decode_memory_time",
    "(weight_bytes + kv_bytes) / (tensor_parallel * memory_bandwidth * memory_efficiency)",
    "s",
    "Decode step if reading were all it did",
    "The weights and every sequence's KV cache at the efficient share of bandwidth.",
)
BATCH_STEP_OVERHEAD = Formula(
    "batch_step_overhead",
    "step_overhead + max(batch - 1, 0) * sequence_overhead",
    "s",
    "Per-step overhead at this batch",
    "The engine's fixed cost per step, plus a cost for every sequence past the first (an engine "
    "that runs part of each step once per sequence).",
)
STEP_TIME = Formula(
    "decode_step_time",
    "decode_roofline_time + decode_sync_time + step_overhead",
    "s",
    "Decode step time",
    "Roofline time plus all-reduces plus the engine's per-step overhead (scheduling, launches).",
)
PREFILL_TIME = Formula(
    "prefill_time",
    "prefill_roofline_time + prefill_sync_time + request_overhead",
    "s",
    "Prefill time",
    "The prompts' prefill pass plus the engine's fixed per-request latency; at batch 1 this is "
    "the time to first token.",
    headline=True,
)
TPOT_RATE = Formula(
    "decode_tokens_per_second",
    "single_sequence * decode_tokens_per_step / time_per_output_token",
    "token/s",
    "Decode speed per sequence (batch 1)",
    headline=True,
)
THROUGHPUT = Formula(
    "max_output_throughput",
    "batch * output_tokens "
    "/ (prefill_time + output_tokens / decode_tokens_per_step * decode_step_time)",
    "token/s",
    "Output throughput of the TP group",
    "A static batch: prefill every prompt, then output_tokens decode steps for all of them.",
    headline=True,
)
PER_USER = Formula(
    "tokens_per_second_per_user",
    "single_sequence * decode_tokens_per_step / decode_step_time",
    "token/s",
    "Decode speed each sequence sees at this batch",
    "Every decode step gives each sequence in the batch one token: what a user watching the "
    "stream sees while the replica is full (prefills of newcomers, which stall it, left out).",
    headline=True,
)
PER_GPU = Formula(
    "output_throughput_per_gpu",
    "max_output_throughput / tensor_parallel",
    "token/s",
    "Output throughput per GPU",
    headline=True,
)
E2E = Formula(
    "end_to_end_latency",
    "time_to_first_token + (output_tokens / decode_tokens_per_step - 1) * time_per_output_token",
    "s",
    "End-to-end latency of one request (batch 1)",
    "The first token, then one decode step for each of the others.",
    headline=True,
)


def gpu_compute_efficiency(
    sheet: Sheet, compute_efficiency: Value, gpu_matmul_share: Value, prefix: str = ""
) -> Value:
    """The compute efficiency on this GPU: rescaled by its best-matmul share of peak."""
    return sheet.step(
        GPU_COMPUTE_EFFICIENCY,
        name=f"{prefix}gpu_compute_efficiency",
        compute_efficiency=compute_efficiency,
        gpu_matmul_share=gpu_matmul_share,
        reference_matmul_share=reference_matmul_share(sheet),
    )


def roofline(
    sheet: Sheet, name: str, title: str, *, flops: Value, bytes_: Value, gpu: dict[str, Value]
) -> Value:
    """One kernel group's roofline time, spread over the TP group."""
    return sheet.step(
        ROOFLINE,
        name=name,
        title=title,
        flops=flops,
        bytes=bytes_,
        tensor_parallel=gpu["tensor_parallel"],
        peak_flop_per_s=gpu["peak_flop_per_s"],
        compute_efficiency=gpu["compute_efficiency"],
        memory_bandwidth=gpu["memory_bandwidth"],
        memory_efficiency=gpu["memory_efficiency"],
        roofline_sharpness=gpu["roofline_sharpness"],
    )


def kernels_roofline(
    sheet: Sheet,
    prefix: str,
    title: str,
    *,
    linear_flops: Value,
    weight_bytes: Value,
    attention_flops: Value,
    attention_bytes: Value,
    gpu: dict[str, Value],
) -> Value:
    """A phase's roofline time: its weight matmuls and its attention, each bound on its own."""
    linear = roofline(
        sheet,
        f"{prefix}_linear_roofline_time",
        f"{title}: weight matmuls",
        flops=linear_flops,
        bytes_=weight_bytes,
        gpu=gpu,
    )
    attention = roofline(
        sheet,
        f"{prefix}_attention_roofline_time",
        f"{title}: attention",
        flops=attention_flops,
        bytes_=attention_bytes,
        gpu=gpu,
    )
    return sheet.step(
        KERNELS_ROOFLINE,
        name=f"{prefix}_roofline_time",
        title=f"{title}: roofline time",
        linear_roofline_time=linear,
        attention_roofline_time=attention,
    )
