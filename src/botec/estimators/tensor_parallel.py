"""Tensor parallelism past the KV heads: each GPU must hold at least one whole KV head, so with
more GPUs than KV heads the heads are copied (vLLM replicates them when TP is a multiple of the
KV heads) and the group's KV cache stops shrinking per GPU."""

from __future__ import annotations

from botec.core.sheet import Formula


def splits_heads(tp: int, heads: int, kv_heads: int) -> bool:
    """Whether a TP degree splits the attention heads evenly and gives each GPU whole KV heads
    (past the KV heads, a multiple of them, each copied): vLLM's and TensorRT-LLM's rule.

    >>> [t for t in (1, 2, 3, 4, 8, 16) if splits_heads(t, 32, 8)]
    [1, 2, 4, 8, 16]
    """
    return not heads % tp and (tp <= kv_heads or not tp % kv_heads)


KV_REPLICATED = Formula(
    "kv_cache_per_token_replicated",
    "kv_cache_per_token * tensor_parallel / kv_heads",
    "B/token",
    "KV cache per token across the TP group (KV heads copied)",
    "With TP above the KV heads every GPU keeps one whole KV head: TP / kv_heads copies of each "
    "(vLLM replicates KV heads when TP exceeds their number, and then needs TP a multiple of it).",
)
