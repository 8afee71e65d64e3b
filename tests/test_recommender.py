"""Ranking: embedding tables, work per scored item and the fleet, against hand calculations and
MLPerf's published table sizes."""

from __future__ import annotations

import math

import pytest

import botec
from botec.core.errors import BotecInputError


def _recsys(**kwargs: object) -> botec.Sheet:
    return botec.recsys(samples=0, **kwargs)


def test_dlrm_dcnv2_tables_match_mlperf() -> None:
    # MLPerf Training's DLRM-DCNv2 README: 204,184,588 rows of 128 FP32 values, 104.5 GB
    sheet = _recsys(model="dlrm-dcnv2", qps=1000)
    assert sheet["embedding_table_bytes"].value == pytest.approx(104.5e9, rel=1e-3)
    assert sheet["dense_flop_per_sample"].value == 2 * 16_030_464


def test_cpu_item_time_and_cores_by_hand() -> None:
    sheet = _recsys(
        embedding_rows="10M", embedding_dim=64, lookups_per_sample=30, dense_params="1M",
        qps=2000, candidates=200,
    )  # fmt: skip
    # dense FLOPs at 50 GFLOP/s, then a 100 ns miss and 256 bytes at 8 GB/s per lookup
    per_item = 2e6 / 50e9 + 30 * (100e-9 + 64 * 4 / 8e9)
    assert sheet["sample_time_per_core"].value == pytest.approx(per_item)
    assert sheet["scoring_cores"].value == math.ceil(2000 * 200 * per_item * 3)
    assert sheet["ranking_latency"].value == pytest.approx(200 * per_item)


def test_trees_by_hand() -> None:
    # seed 002's fraud example: 500 trees of depth 6, one core walks every tree
    sheet = _recsys(kind="trees", trees=500, tree_depth=6, qps=100, candidates=1)
    per_row = 500 * 6 * 12e-9  # 12 ns a level: the catalog's nominal
    assert sheet["sample_time_per_core"].value == pytest.approx(per_row)
    assert sheet["scoring_cores"].value == math.ceil(100 * per_row * 3)


def test_gpu_fleet_is_at_least_the_table_shards() -> None:
    sheet = _recsys(model="dlrm-dcnv2", device="gpu", gpu="l4", qps=1)
    shards = math.ceil(104.54e9 / (23.6e9 * 0.8))  # L4's 23.6 GB as CUDA sees it
    assert sheet["embedding_table_shards"].value == shards
    assert sheet["scoring_gpus"].value == shards  # one request a second needs no more


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"model": "dlrm-huge", "qps": 10}, "recommender.model"),
        ({"qps": 10}, "recommender.embedding_rows"),
        ({"kind": "trees", "qps": 10}, "recommender.trees"),
        ({"kind": "trees", "trees": 10, "device": "gpu", "qps": 10}, "recommender.device"),
        ({"model": "dlrm", "qps": "5 min"}, "recommender.requests_per_second"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(BotecInputError) as err:
        _recsys(**kwargs)
    assert err.value.field == field


def test_ranking_machines_are_billed_two_vcpus_per_physical_core() -> None:
    # The CPU model counts physical cores (an AVX-512 core's FLOPs); the price is one vCPU
    # ($0.34/h ÷ 8 vCPU of a c5.2xlarge = $0.0425), and an x86 core is two vCPUs: a 32-core
    # machine bills 64 vCPUs, 64 × $0.0425 × 720 h = $1,958.40 a month.
    sheet = botec.recsys(model="dlrm-dcnv2", qps="2K", samples=0)
    machines = float(sheet["ranking_machines"])
    assert float(sheet["ranking_cost_per_month"]) == pytest.approx(machines * 1_958.40)
