"""Embedding a corpus: chunks and vectors, an encoder's FLOPs per token, its tokens per second on
a device, the GPU-hours to embed everything, and the encoder load of the queries.

An encoder is a bidirectional transformer: every token multiplies the matmul weights (2 FLOP
each) and attends to every token of its chunk (4·S·d per layer: QKᵀ and AV). Corpora are
embedded in large batches, so the encoder runs at a share of the device's dense peak, like an
LLM's prompt processing.
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

CHUNKS_PER_DOCUMENT = Formula(
    "chunks_per_document",
    "ceil(tokens_per_document / chunk_tokens)",
    "chunks",
    "Chunks per document",
    "Each document is cut into chunks of at most chunk_tokens; each chunk becomes one vector.",
)
VECTORS = Formula(
    "vectors",
    "documents * chunks_per_document",
    "vectors",
    "Vectors in the index",
    headline=True,
)
CORPUS_TOKENS = Formula(
    "corpus_tokens",
    "documents * tokens_per_document",
    "tokens",
    "Tokens to embed",
)
ENCODER_FLOP_PER_TOKEN = Formula(
    "encoder_flop_per_token",
    "flop_per_param_per_token * matmul_params + attention_flop_per_token_pair * layers "
    "* hidden_size * chunk_tokens",
    "FLOP/token",
    "Encoder FLOPs per token",
    "Every token multiplies the matmul weights and attends to every token of its chunk.",
)
ENCODER_RATE = Formula(
    "encoder_tokens_per_second",
    "peak_flop_per_s * encoder_efficiency / encoder_flop_per_token",
    "tokens/s",
    "Encoder tokens per second per device (large batches)",
    headline=True,
)
EMBED_HOURS = Formula(
    "embedding_gpu_hours",
    "corpus_tokens / encoder_tokens_per_second / seconds_per_hour",
    "GPU-h",
    "Device-hours to embed the corpus",
    headline=True,
)
EMBED_COST = Formula(
    "embedding_cost",
    "embedding_gpu_hours * usd_per_gpu_hour",
    "USD",
    "Cost to embed the corpus once",
    headline=True,
)
QUERY_ENCODE_TIME = Formula(
    "query_encode_time",
    "((query_tokens * encoder_flop_per_token / (peak_flop_per_s * encoder_efficiency)) "
    "** roofline_sharpness + (encoder_weight_bytes / (memory_bandwidth * memory_efficiency)) "
    "** roofline_sharpness) ** (1 / roofline_sharpness)",
    "s",
    "Time to embed one query (batch 1; roofline)",
    "A short query is too small to fill the device: reading the weights once can take longer "
    "than the arithmetic.",
)
ENCODER_WEIGHT_BYTES = Formula(
    "encoder_weight_bytes",
    "matmul_params * bytes_per_param",
    "B",
    "Encoder matmul weights (read per forward)",
)
QUERIES_FROM_REQUESTS = Formula(
    "peak_queries_per_second",
    "peak_requests_per_second * queries_per_request",
    "queries/s",
    "Peak retrieval queries per second",
)
QUERY_ENCODER_LOAD = Formula(
    "query_encoder_gpus",
    "ceil(peak_queries_per_second * query_tokens / (encoder_tokens_per_second "
    "* target_utilization))",
    "GPUs",
    "Devices to embed the queries at peak",
)


def corpus(
    sheet: Sheet,
    *,
    documents: Value,
    tokens_per_document: Value,
    chunk_tokens: Value,
) -> tuple[Value, Value]:
    """Vectors (chunks) and tokens of the corpus."""
    chunks = sheet.step(
        CHUNKS_PER_DOCUMENT, tokens_per_document=tokens_per_document, chunk_tokens=chunk_tokens
    )
    vectors = sheet.step(VECTORS, documents=documents, chunks_per_document=chunks)
    tokens = sheet.step(CORPUS_TOKENS, documents=documents, tokens_per_document=tokens_per_document)
    return vectors, tokens


def encoder_rate(sheet: Sheet, *, shape: dict[str, Value], device: dict[str, Value]) -> Value:
    """FLOPs per token from the encoder's shape, then tokens per second on the device.

    ``shape``: flop_per_param_per_token, matmul_params, attention_flop_per_token_pair, layers,
    hidden_size, chunk_tokens; ``device``: peak_flop_per_s, encoder_efficiency."""
    flop = sheet.step(ENCODER_FLOP_PER_TOKEN, **shape)
    return sheet.step(
        ENCODER_RATE,
        peak_flop_per_s=device["peak_flop_per_s"],
        encoder_efficiency=device["encoder_efficiency"],
        encoder_flop_per_token=flop,
    )
