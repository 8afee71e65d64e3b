"""Tensor parallelism past the KV heads: each GPU must hold at least one whole KV head, so with
more GPUs than KV heads the heads are copied (vLLM replicates them when TP is a multiple of the
KV heads) and the group's KV cache stops shrinking per GPU."""

from __future__ import annotations

from botec.core.sheet import Formula

KV_REPLICATED = Formula(
    "kv_cache_per_token_replicated",
    "kv_cache_per_token * tensor_parallel / kv_heads",
    "B/token",
    "KV cache per token across the TP group (KV heads copied)",
    "With TP above the KV heads every GPU keeps one whole KV head: TP / kv_heads copies of each "
    "(vLLM replicates KV heads when TP exceeds their number, and then needs TP a multiple of it).",
)
