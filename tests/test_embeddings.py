"""Embeddings and vector retrieval against hand calculations and FAISS's documented accounting
(every expected number is worked out here)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import botec
from botec.core.errors import BotecInputError
from botec.scenario import scenario_from_dict

OVERHEAD = 1.1  # the catalog's nominal index_memory_overhead


def _embed(**kwargs: object) -> botec.Sheet:
    return botec.embed(samples=0, **kwargs)


def test_chunks_and_flat_memory_by_hand() -> None:
    sheet = _embed(documents="1M", tokens_per_document=1000, index="flat")
    assert sheet["chunks_per_document"].value == 2  # ⌈1,000 / 512⌉
    assert sheet["vectors"].value == 2e6
    assert sheet["index_memory"].value == pytest.approx(2e6 * 768 * 4 * OVERHEAD)


def test_hnsw_bytes_follow_the_faiss_rule() -> None:
    # FAISS wiki, 'Guidelines to choose an index': HNSW takes d * 4 + M * 2 * 4 bytes a vector
    sheet = _embed(documents="1M", index="hnsw", hnsw_m=32)
    assert sheet["index_bytes_per_vector"].value == 768 * 4 + 32 * 2 * 4


def test_ivf_pq_bytes_and_centroids() -> None:
    # FAISS wiki, 'Indexing 1M vectors': an IVF-PQ vector costs its code plus an 8-byte id
    sheet = _embed(documents="10M", tokens_per_document=512, index="ivf-pq", pq_bytes=32)
    vectors = 10e6
    nlist = math.ceil(4 * math.sqrt(vectors))  # 12,650
    assert sheet["nlist"].value == nlist
    assert sheet["index_bytes_per_vector"].value == 32 + 8
    fixed = (nlist + 256) * 768 * 4  # the IVF centroids and one PQ codebook, FP32
    assert sheet["index_memory"].value == pytest.approx((vectors * 40 + fixed) * OVERHEAD)


def test_encoder_rate_by_hand() -> None:
    scenario = {
        "embeddings": {
            "model": "bge-large-en-v1.5", "gpu": "l4", "documents": "1M",
            "tokens_per_document": 449, "chunk_tokens": 449, "encoder_efficiency": 0.3,
        }
    }  # fmt: skip
    sheet = botec.evaluate(botec.scenario_from_dict(scenario), samples=0)
    per_token = 2 * 301_989_888 + 4 * 24 * 1024 * 449  # matmuls + attention over the chunk
    assert sheet["encoder_flop_per_token"].value == per_token
    assert sheet["encoder_tokens_per_second"].value == pytest.approx(121e12 * 0.3 / per_token)
    hours = 1e6 * 449 / (121e12 * 0.3 / per_token) / 3600
    assert sheet["embedding_gpu_hours"].value == pytest.approx(hours)


def test_hnsw_search_and_cores_by_hand() -> None:
    sheet = _embed(documents="1M", index="hnsw", hnsw_m=16, ef_search=64, qps=1000)
    candidate = 450e-9 + 768 * 4 / 8e9  # a cache miss, then streaming the vector at 8 GB/s
    search = 64 * 16 * candidate
    assert sheet["search_time"].value == pytest.approx(search)
    assert sheet["search_cores"].value == math.ceil(1000 / (1 / search * 0.7))


@pytest.mark.parametrize(("top_k", "ef"), [(5, 64), (64, 64), (65, 65), (1000, 1000)])
def test_default_ef_search_is_at_least_top_k(top_k: int, ef: int) -> None:
    # hnswlib's searchKnn and FAISS's HNSW::search keep max(efSearch, k) candidates: the default
    # 64 is raised to top_k rather than refused
    sheet = _embed(documents="1M", index="hnsw", top_k=top_k)
    assert sheet["ef_search"].value == ef


def test_a_given_ef_search_below_top_k_is_refused() -> None:
    with pytest.raises(BotecInputError) as info:
        _embed(documents="1M", index="hnsw", top_k=100, ef_search=64)
    assert info.value.field == "embeddings.ef_search"


def test_rag_latency_adds_the_three_parts() -> None:
    path = botec.commands.example_path("embed-rag-support-assistant")
    sheet = botec.commands.report(path, samples=0)
    # The scenario plans its fleet (batch 64): the answer's first token and each of its other
    # 299 take the plan's p50 times, not one request's alone on the GPU (end_to_end_latency).
    value = sheet.value
    answer = value("ttft_p50") + (300 - 1) * value("tpot_p50")
    parts = value("query_encode_time") + value("search_time")
    assert value("rag_latency") == pytest.approx(parts + answer)
    assert value("rag_latency") > 3 * value("end_to_end_latency")
    assert sheet["retrieved_context_tokens"].value == 5 * 512
    # The devices embedding the queries run all month at the corpus job's price per GPU-hour.
    encoders = value("query_encoder_gpus") * value("encoder_usd_per_gpu_hour") * 720
    assert value("query_encoder_cost_per_month") == pytest.approx(encoders)
    costs = ("serving_cost_per_month", "index_cost_per_month", "search_cost_per_month",
             "query_encoder_cost_per_month")  # fmt: skip
    assert sheet["total_monthly_cost"].value == pytest.approx(sum(sheet[c].value for c in costs))


def test_rag_latency_without_a_plan_is_one_request_s() -> None:
    data = {"serving": {"model": "llama-3.1-8b", "gpu": "h100-sxm", "input_tokens": 2592,
                        "output_tokens": 300},
            "embeddings": {"documents": "1M"}}  # fmt: skip
    sheet = botec.run_scenario(scenario_from_dict(data), samples=0)
    parts = ("query_encode_time", "search_time", "end_to_end_latency")
    assert sheet["rag_latency"].value == pytest.approx(sum(sheet[p].value for p in parts))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"model": "bge-huge"}, "embeddings.model"),
        ({"chunk_tokens": 1000}, "embeddings.chunk_tokens"),  # BGE base takes 512
        ({"dim": 1024}, "embeddings.dim"),  # BGE base makes 768-d vectors
        ({"index": "annoy"}, "embeddings.index"),
        ({"documents": 0}, "embeddings.documents"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(BotecInputError) as err:
        _embed(**{"documents": "1M", **kwargs})
    assert err.value.field == field


@settings(max_examples=25, deadline=None)
@given(documents=st.integers(1, 10**9), index=st.sampled_from(["flat", "hnsw", "ivf-flat"]))
def test_memory_grows_with_the_corpus(documents: int, index: str) -> None:
    one = _embed(documents=documents, index=index)["index_memory"].value
    two = _embed(documents=documents * 2, index=index)["index_memory"].value
    assert two > one
    if index != "ivf-flat":  # no centroids: exactly twice
        assert two == pytest.approx(2 * one)
