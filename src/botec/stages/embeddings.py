"""The [embeddings] stage: a corpus chunked and embedded, its vector index (memory, nodes, build
time), search cores for the queries, and with [serving] the whole retrieval-augmented answer."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.estimators import cost, verdicts
from botec.estimators import embeddings as emb
from botec.estimators import vector_index as vi
from botec.estimators._constants import bytes_per_gb, hours_per_month, seconds_per_hour
from botec.estimators.diffusion import attention_flop_per_token_pair
from botec.estimators.inference import forward_flop_per_param_per_token
from botec.modelspec.encoders import Encoder, get_encoder
from botec.scenario.workloads import EmbeddingsSection
from botec.stages import runtimes
from botec.stages._inputs import (
    assumed,
    gpu_inputs,
    on_this_gpu,
    price,
    roofline_sharpness,
    workspace_bytes,
)
from botec.stages.context import Context
from botec.stages.gpu_price import gpu_price
from botec.stages.index_settings import hnsw_values, ivf_values
from botec.stages.rag import rag_latency

FIELD = "embeddings"
_BYTES_PER_DIM = {"fp32": 4, "fp16": 2, "int8": 1}
_CHUNK_DEFAULT = 512  # tokens: a common chunk size for retrieval, and BERT encoders' limit


def run_embeddings(ctx: Context, sec: EmbeddingsSection) -> None:
    enc = get_encoder(sec.model, f"{FIELD}.model")
    sheet = ctx.sheet
    sheet.note("info", f"{enc.name}: {enc.source}")
    chunk = _chunk_tokens(sheet, enc, sec)
    vectors, tokens = emb.corpus(
        sheet,
        documents=sheet.input("documents", sec.documents, "documents", "Documents", "scenario"),
        tokens_per_document=sheet.input(
            "tokens_per_document", sec.tokens_per_document, "tokens", "Tokens per document",
            "scenario",
        ),
        chunk_tokens=chunk,
    )  # fmt: skip
    rate, encode = _encoder(ctx, enc, sec, chunk)
    _embedding_cost(ctx, sec, tokens, rate)
    v = _index_values(ctx, enc, sec, vectors)
    _index_memory(ctx, sec, v)
    search = vi.search_time(sheet, sec.index, v)
    per_core = sheet.step(vi.QPS_PER_CORE, search_time=search)
    vi.build_time(sheet, sec.index, {**v, **_build_values(ctx, sec, v)})
    queries = _queries(ctx, sec)
    if queries is not None:
        _query_load(ctx, queries, per_core, rate, encode)
    rag_latency(ctx, sec, chunk, encode["query_encode_time"], search)


def _chunk_tokens(sheet: Sheet, enc: Encoder, sec: EmbeddingsSection) -> Value:
    cite = f"catalog: encoders.toml [{enc.key}] ({enc.as_of})"
    if sec.chunk_tokens is not None and sec.chunk_tokens > enc.max_tokens:
        raise BotecInputError(
            f"{FIELD}.chunk_tokens", sec.chunk_tokens,
            f"at most {enc.max_tokens:,} tokens, the longest input {enc.name} takes",
        )  # fmt: skip
    if sec.chunk_tokens is not None:
        return sheet.input(
            "chunk_tokens", sec.chunk_tokens, "tokens", "Tokens per chunk", "scenario"
        )
    chosen = min(_CHUNK_DEFAULT, enc.max_tokens)
    return sheet.input(
        "chunk_tokens", chosen, "tokens", f"Tokens per chunk (512, or {enc.name}'s limit)", cite
    )


def _encoder(
    ctx: Context, enc: Encoder, sec: EmbeddingsSection, chunk: Value
) -> tuple[Value, dict[str, Value]]:
    """The encoder's tokens per second on the device, and what a single query's embedding needs."""
    sheet = ctx.sheet
    cite = f"catalog: encoders.toml [{enc.key}] ({enc.as_of})"
    runtimes.check(ctx, FIELD, sec.precision, sec.runtime)
    gpu, peak, bandwidth, _ = gpu_inputs(
        ctx, sec.gpu, f"{FIELD}.gpu", sec.precision, prefix="encoder_"
    )
    runtime = {"optimized": "TEI, ONNX or TensorRT", "pytorch": "sentence-transformers"}
    efficiency = assumed(
        ctx, "encoder_efficiency", sec.encoder_efficiency, "fraction",
        f"Encoder compute efficiency ({runtime[sec.runtime]}; share of dense peak)",
        key=f"encoder_efficiency_{sec.runtime}",
    )  # fmt: skip
    if sec.encoder_efficiency is None:
        efficiency = on_this_gpu(ctx, efficiency, gpu, prefix="encoder_")
    shape = {
        "flop_per_param_per_token": forward_flop_per_param_per_token(sheet),
        "matmul_params": sheet.input(
            "matmul_params", enc.matmul_params, "params", "Encoder matmul weights", cite
        ),
        "attention_flop_per_token_pair": attention_flop_per_token_pair(sheet),
        "layers": sheet.input("encoder_layers", enc.layers, "layers", "Encoder layers", cite),
        "hidden_size": sheet.input(
            "encoder_hidden_size", enc.hidden_size, "dims", "Encoder hidden size", cite
        ),
        "chunk_tokens": chunk,
    }
    rate = emb.encoder_rate(
        sheet, shape=shape, device={"peak_flop_per_s": peak, "encoder_efficiency": efficiency}
    )
    weights = sheet.step(
        emb.ENCODER_WEIGHT_BYTES, matmul_params=shape["matmul_params"],
        bytes_per_param=sheet.input(
            "encoder_bytes_per_param", ctx.catalog.precision(sec.precision, f"{FIELD}.precision")
            .bytes_per_param, "B/param", f"Bytes per weight ({sec.precision})",
            "catalog: precisions.toml",
        ),
    )  # fmt: skip
    _fits(sheet, gpu, weights, workspace_bytes(ctx))
    query_tokens = sheet.input(
        "query_tokens", sec.query_tokens, "tokens", "Tokens per query", "scenario"
    )
    encode_time = sheet.step(
        emb.QUERY_ENCODE_TIME, query_tokens=query_tokens,
        encoder_flop_per_token=sheet.steps["encoder_flop_per_token"], peak_flop_per_s=peak,
        encoder_efficiency=efficiency, roofline_sharpness=roofline_sharpness(ctx, None),
        encoder_weight_bytes=weights, memory_bandwidth=bandwidth,
        memory_efficiency=assumed(ctx, "encoder_memory_efficiency", None, "fraction",
                                  "Memory-bandwidth efficiency", key="memory_efficiency"),
    )  # fmt: skip
    return rate, {"query_encode_time": encode_time, "query_tokens": query_tokens, "gpu": gpu}


def _embedding_cost(ctx: Context, sec: EmbeddingsSection, tokens: Value, rate: Value) -> None:
    sheet = ctx.sheet
    hours = sheet.step(
        emb.EMBED_HOURS, corpus_tokens=tokens, encoder_tokens_per_second=rate,
        seconds_per_hour=seconds_per_hour(sheet),
    )  # fmt: skip
    gpu = ctx.device(sec.gpu, f"{FIELD}.gpu")
    usd = gpu_price(
        ctx,
        gpu,
        sec.usd_per_gpu_hour,
        sec.price_basis,
        "encoder_usd_per_gpu_hour",
        f"{FIELD}.price_basis",
    )
    if usd is not None:
        sheet.step(emb.EMBED_COST, embedding_gpu_hours=hours, usd_per_gpu_hour=usd)


def _index_values(
    ctx: Context, enc: Encoder, sec: EmbeddingsSection, vectors: Value
) -> dict[str, Value]:
    """Every number the index formulas read, each recorded once with its source."""
    sheet = ctx.sheet
    if sec.dim is not None and sec.dim > enc.output_dim:
        raise BotecInputError(
            f"{FIELD}.dim", sec.dim, f"at most {enc.output_dim:,}, {enc.name}'s vector size"
        )
    dim = sheet.input(
        "dim", sec.dim or enc.output_dim, "dims", "Vector dimension",
        "scenario" if sec.dim else f"catalog: encoders.toml [{enc.key}]",
    )  # fmt: skip
    v = {
        "vectors": vectors,
        "dim": dim,
        "bytes_per_dim": sheet.input(
            "bytes_per_dim", _BYTES_PER_DIM[sec.vector_precision], "B/dim",
            f"Bytes per vector value ({sec.vector_precision})", "scenario",
        ),
    }  # fmt: skip
    if sec.index == "hnsw":
        v.update(hnsw_values(sheet, sec))
    if sec.index.startswith("ivf"):
        v.update(ivf_values(sheet, enc, sec, vectors))
    v["index_bytes_per_vector"] = vi.per_vector_bytes(sheet, sec.index, v)
    v.update(_core_values(ctx, sec, v))
    return v


def _core_values(ctx: Context, sec: EmbeddingsSection, v: dict[str, Value]) -> dict[str, Value]:
    sheet = ctx.sheet
    bandwidth = assumed(
        ctx, "core_bandwidth", sec.core_bandwidth, "B/s", "Memory bandwidth one CPU core streams"
    )
    out = {"core_bandwidth": bandwidth}
    if sec.index == "hnsw":
        latency = assumed(
            ctx, "candidate_latency", sec.candidate_latency, "s",
            "Time per graph candidate besides its vector (cache misses, heap, visited set)",
        )  # fmt: skip
        out["candidate_time"] = sheet.step(
            vi.CANDIDATE_TIME, candidate_latency=latency, dim=v["dim"],
            bytes_per_dim=v["bytes_per_dim"], core_bandwidth=bandwidth,
        )  # fmt: skip
    return out


def _index_memory(ctx: Context, sec: EmbeddingsSection, v: dict[str, Value]) -> Value:
    sheet = ctx.sheet
    per_vector = {
        "vectors": v["vectors"],
        "index_bytes_per_vector": v["index_bytes_per_vector"],
        "index_memory_overhead": assumed(
            ctx,
            "index_memory_overhead",
            None,
            "x",
            "Index memory overhead (allocator, upper layers)",
        ),
    }
    if not sec.index.startswith("ivf"):
        memory = sheet.step(vi.INDEX_MEMORY_PLAIN, **per_vector)
    else:
        sets = sheet.constant(
            "pq_centroid_sets", 1 if sec.index == "ivf-pq" else 0, "sets", "PQ codebooks",
            "IVF-PQ: one codebook of 256 centroids per sub-space, 256 × d values in all",
        )  # fmt: skip
        fixed = sheet.step(
            vi.CENTROID_BYTES, nlist=v["nlist"], pq_centroid_sets=sets,
            pq_centroids=sheet.constant("pq_centroids", vi.PQ_CENTROIDS, "centroids",
                                        "Centroids per PQ sub-quantiser", "8-bit codes"),
            dim=v["dim"], centroid_bytes_per_dim=v["centroid_bytes_per_dim"],
        )  # fmt: skip
        memory = sheet.step(vi.INDEX_MEMORY, index_fixed_bytes=fixed, **per_vector)
    headroom = sheet.input(
        "memory_headroom", sec.memory_headroom, "fraction", "Memory headroom", "scenario"
    )
    replicas = sheet.input("index_replicas", sec.replicas, "replicas", "Index replicas", "scenario")
    sheet.step(
        vi.NODES, index_memory=memory, memory_headroom=headroom, replicas=replicas,
        node_memory=sheet.input("index_node_memory", sec.node_memory, "B", "Memory per index node",
                                "scenario"),
    )  # fmt: skip
    per_gb = price(
        ctx, "usd_per_gb_month", None, ("memory_store", "redis", "usd_per_gb_month"),
        "USD/GB-month", "In-memory storage price",
    )  # fmt: skip
    ctx.monthly_costs.append(
        sheet.step(
            vi.INDEX_COST, index_memory=memory, memory_headroom=headroom, replicas=replicas,
            bytes_per_gb=bytes_per_gb(sheet), usd_per_gb_month=per_gb,
        )
    )  # fmt: skip
    return memory


def _build_values(ctx: Context, sec: EmbeddingsSection, v: dict[str, Value]) -> dict[str, Value]:
    sheet = ctx.sheet
    out = {"build_cores": sheet.input("build_cores", sec.build_cores, "cores", "Build cores",
                                      "scenario")}  # fmt: skip
    if sec.index == "hnsw":
        out["ef_construction"] = sheet.input(
            "ef_construction", sec.ef_construction, "candidates",
            "HNSW build breadth (efConstruction)", "scenario",
        )  # fmt: skip
        return out
    per_vector = (
        v["index_bytes_per_vector"] if sec.index == "flat" else sheet.step(
            vi.ASSIGN_SCANNED, nlist=v["nlist"], dim=v["dim"],
            centroid_bytes_per_dim=v["centroid_bytes_per_dim"])
    )  # fmt: skip
    out["build_scanned_bytes"] = per_vector
    return out


def _queries(ctx: Context, sec: EmbeddingsSection) -> Value | None:
    sheet = ctx.sheet
    if sec.queries_per_second is not None:
        return sheet.input(
            "peak_queries_per_second", sec.queries_per_second, "queries/s",
            "Peak retrieval queries per second", "scenario",
        )  # fmt: skip
    if ctx.peak_rps is None:
        return None
    return sheet.step(
        emb.QUERIES_FROM_REQUESTS, peak_requests_per_second=ctx.peak_rps,
        queries_per_request=sheet.input("queries_per_request", sec.queries_per_request,
                                        "queries/req", "Retrieval queries per request",
                                        "scenario"),
    )  # fmt: skip


def _query_load(
    ctx: Context, queries: Value, per_core: Value, rate: Value, encode: dict[str, Any]
) -> None:
    sheet = ctx.sheet
    target = assumed(ctx, "target_utilization", None, "fraction", "Target utilisation at peak")
    cores = sheet.step(
        vi.SEARCH_CORES, peak_queries_per_second=queries, queries_per_second_per_core=per_core,
        target_utilization=target,
    )  # fmt: skip
    encoders = sheet.step(
        emb.QUERY_ENCODER_LOAD, peak_queries_per_second=queries,
        query_tokens=encode["query_tokens"], encoder_tokens_per_second=rate,
        target_utilization=target,
    )  # fmt: skip
    usd = sheet.inputs.get("encoder_usd_per_gpu_hour")  # the corpus job's price, if any
    if usd is not None:  # the devices embedding the queries run all month
        ctx.monthly_costs.append(
            cost.fleet_cost(
                sheet, encoders, usd, hours_per_month(sheet), "query_encoder_cost_per_month",
                "Query-encoder devices per month",
            )
        )  # fmt: skip
    core_price = price(
        ctx, "usd_per_core_hour", None, ("cpu", "generic-core", "usd_per_core_hour"),
        "USD/h", "Price per vCPU-hour",
    )  # fmt: skip
    ctx.monthly_costs.append(
        sheet.step(
            vi.SEARCH_COST,
            search_cores=cores,
            usd_per_core_hour=core_price,
            hours_per_month=hours_per_month(sheet),
        )
    )


def _fits(sheet: Sheet, gpu: Any, weights: Value, workspace: float) -> None:
    """The encoder's weights against the device (its activations at a batch are small)."""
    from botec.core.units import format_memory

    need, (have, text) = float(weights), verdicts.room(gpu, workspace)
    if need > have:
        sheet.note(
            "bad",
            f"The encoder's weights ({format_memory(need)}) do not fit on one {gpu.name} "
            f"({text}): a smaller encoder, lower precision or a larger device.",
            verdict=True,
            topic="fit",
        )
