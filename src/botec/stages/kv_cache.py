"""The [kv_cache] stage: a model's KV cache for concurrent sequences, and whether it all fits."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.estimators import memory, verdicts
from botec.scenario import KvCacheSection, ModelSection
from botec.stages._inputs import workspace_bytes
from botec.stages.context import Context
from botec.stages.model import kv_per_token


def run_kv_cache(ctx: Context, model: ModelSection | None, kvs: KvCacheSection) -> None:
    if model is None or ctx.weights is None:
        raise BotecInputError("kv_cache", "no [model] section", "a [model] with params and shape")
    sheet = ctx.sheet
    kv = kv_per_token(ctx, model, kvs.kv_precision)
    ctx_tokens = sheet.input(
        "context_tokens", kvs.context_tokens, "tokens/sequence", "Context per sequence"
    )
    seqs = sheet.input(
        "concurrent_sequences", kvs.concurrent_sequences, "sequences", "Concurrent sequences"
    )
    cache = memory.kv_cache_memory(sheet, kv, ctx_tokens, seqs)
    # beside [inference], whose reality check has its own serving memory (for the batch needed)
    taken = "serving_memory" in sheet.steps
    total = memory.serving_memory(sheet, ctx.weights, cache, "kv_cache_serving_memory" * taken)
    verdicts.kv_ratio(sheet, cache, ctx.weights)
    if kvs.gpu:
        verdicts.memory_fit(sheet, total, ctx.device(kvs.gpu, "kv_cache.gpu"), workspace_bytes(ctx))
