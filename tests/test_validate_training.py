"""The training backtest (6·P·D GPU-hours and wall-clock against published runs) and the default
training MFU by GPU generation and scale."""

from __future__ import annotations

import math
import statistics

import pytest

from botec.catalog import get_hardware, hardware_names
from botec.catalog.training_mfu import (
    FALLBACK,
    default_mfu,
    generation_for,
    table,
    whole_run_efficiency,
)
from botec.core.uncertain import Uncertain
from botec.modelspec import get_model
from botec.validation.backtest import Backtest, RowResult, Summary
from botec.validation.published import published_figures
from botec.validation.training import run_training_backtest, training_rows


@pytest.fixture(scope="module")
def backtest():
    return run_training_backtest(samples=2000, seed=0)


def _row(bt: Backtest, row_id: str) -> RowResult:
    return next(r for r in bt.rows if r.id == row_id)


def test_llama_2_7b_gpu_hours_by_hand(backtest) -> None:
    # A001: Llama 2 7B, 2.0T tokens at 4,096 context, A100-80GB, published 184,320 GPU-h.
    # 6 FLOP/param/token × 6,738,415,616 params × 2.0e12 tokens = 8.0861e22 FLOP
    # + attention, PaLM's 12·L·d·s per token: 12 × 32 × 4,096 × 4,096 × 2.0e12 = 1.2885e22 FLOP
    # one A100: 312e12 FLOP/s dense BF16 × sustained MFU 0.50 (the whole-run default 0.45 ÷ the
    # 0.9 whole-run factor; 7B ≥ 3B: no small-model cut) × whole-run efficiency 0.9 (the
    # Ampere default's nominal) = 1.404e14 FLOP/s; 9.3746e22 FLOP / 1.404e14 = 6.6771e8 GPU-s
    # = 185,474 GPU-h
    assert default_mfu("a100-80gb", None, 6_738_415_616).nominal == 0.45
    flops = 6 * 6_738_415_616 * 2.0e12 + 12 * 32 * 4096 * 4096 * 2.0e12
    by_hand = flops / (312e12 * (0.45 / 0.9) * 0.9 * 3600)
    assert by_hand == pytest.approx(185_474, rel=1e-5)
    row = _row(backtest, "A001")
    assert row.quantity == "gpu_hours" and row.unit == "GPU-h"
    assert row.predicted == pytest.approx(by_hand, rel=1e-9)
    assert row.ratio == pytest.approx(185_474 / 184_320, rel=1e-5)  # 1.006
    assert row.p5 < row.published < row.p95


def test_llama_65b_wall_clock_by_hand(backtest) -> None:
    # A019: LLaMA-65B, 1.4T tokens at 2,048 context on 2,048 A100-80GB, published 21 days.
    # 6 × 65,285,660,672 × 1.4e12 = 5.4840e23 FLOP
    # + 12 × 80 layers × 8,192 × 2,048 × 1.4e12 = 2.2549e22 FLOP → 5.7095e23 FLOP
    # 2,048 GPUs × 312e12 FLOP/s × 0.50 sustained × 0.9 of the run spent training
    # = 2.8754e17 FLOP/s (2,048 ≤ 8,192: no large-cluster cut); 5.7095e23 / 2.8754e17 = 1.9857e6 s
    flops = 6 * 65_285_660_672 * 1.4e12 + 12 * 80 * 8192 * 2048 * 1.4e12
    by_hand = flops / (2048 * 312e12 * (0.45 / 0.9) * 0.9)
    assert by_hand == pytest.approx(1.9857e6, rel=1e-4)
    row = _row(backtest, "A019")
    assert row.quantity == "wall_clock" and row.unit == "s"
    assert row.published == 21 * 86_400
    assert row.predicted == pytest.approx(by_hand, rel=1e-9)
    assert row.p5 < row.predicted < row.p95


def test_gpt2_124m_uses_the_small_model_mfu(backtest) -> None:
    # A073: 124,439,808 params, 10B tokens at 1,024-token sequences, 8 × A100: MFU 0.45 × 0.87 =
    # 0.3915 (under 3B params). No model is named, so attention uses the typical shape for the
    # size (partitionable): d = round((128·P/12)^(1/3) / 1,024)·1,024 = 1,024 and
    # L = round(P / (12·d²) / 4)·4 = 8, adding 12·8·1,024·1,024 FLOPs per token to 6·N.
    mfu = default_mfu("a100-80gb", 8, 124_439_808)
    assert mfu.nominal == pytest.approx(0.3915)
    flops = 6 * 124_439_808 * 1e10 + 12 * 8 * 1024 * 1024 * 1e10
    row = _row(backtest, "A073")
    # sustained 0.3915 ÷ 0.9, times the 0.9 whole-run efficiency (Ampere's default)
    assert row.predicted == pytest.approx(flops / (8 * 312e12 * (0.3915 / 0.9) * 0.9))


def test_a_hopper_whole_run_uses_hoppers_own_whole_run_share(backtest) -> None:
    # A202: Llama 3.1 8B (8,030,261,248 params, 32 layers, 4,096 attention dims), 15T tokens at
    # 8,192 context on H100 SXM (dense BF16 peak 989 TFLOP/s in the catalog). Hopper's default
    # MFU 0.38 (7B-class: no small-model cut) ÷ 0.9 = 0.4222 sustained, times Hopper's own
    # whole-run share 0.65 (training_mfu.toml, set on Hopper fit rows), not the 0.9 of Ampere.
    assert whole_run_efficiency("h100-sxm").nominal == 0.65
    assert whole_run_efficiency("a100-80gb") is None  # the catalog assumption's 0.9
    flops = 6 * 8_030_261_248 * 15e12 + 12 * 32 * 4096 * 8192 * 15e12
    peak = get_hardware("h100-sxm").peak_for("bf16")
    by_hand = flops / (peak * (0.38 / 0.9) * 0.65 * 3600)
    row = _row(backtest, "A202")
    assert row.predicted == pytest.approx(by_hand, rel=1e-6)


def test_summary_meets_the_accuracy_target(backtest) -> None:
    # Quoted on the held-out check rows. Throughput while a job runs (framework benchmark
    # tables, MoE included) meets the <= 20% median error goal; whole-run GPU-hours from model
    # cards do not (post-training and ablations in the totals, and the MoE runs of DeepSeek-V3
    # and Llama 4 beat the MoE share set on NVIDIA's benchmarks: docs/accuracy.md), so their
    # bound is what botec reaches today and a regression still fails.
    check = {s.quantity: s for s in backtest.summaries("check")}
    assert set(check) == {"gpu_hours", "wall_clock", "tokens_per_second_per_gpu"}
    assert all(isinstance(s, Summary) for s in check.values())
    throughput = check["tokens_per_second_per_gpu"]
    assert throughput.rows >= 50
    assert throughput.median_abs_log_error <= 0.20 and throughput.coverage >= 0.80, throughput
    hours = check["gpu_hours"]
    assert hours.median_abs_log_error <= 0.65 and hours.coverage >= 0.70, hours
    overall = backtest.overall("check")
    assert overall.median_abs_log_error <= 0.20 and overall.coverage >= 0.80, overall
    assert backtest.overall().rows == len(training_rows())


def test_every_row_is_computed_with_a_range(backtest) -> None:
    assert [r.id for r in backtest.rows] == [row["id"] for row in training_rows()]
    for r in backtest.rows:
        assert not r.skipped, r
        assert r.p5 < r.predicted < r.p95, r
        assert r.ratio == pytest.approx(r.predicted / r.published)


UNITS = {"gpu_hours": "GPU-h", "wall_clock": "s", "tokens_per_second_per_gpu": "token/s"}


def test_rows_are_well_formed() -> None:
    rows = training_rows()
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["unit"] == UNITS[row["quantity"]], row
        assert get_hardware(row["gpu"]).kind == "gpu", row  # raises if not in the catalog
        assert row["gpu"] in hardware_names(), row
        assert bool(row["model"]) != bool(row["params"]), row  # one source of parameters
        if row["model"]:
            get_model(row["model"])  # raises if not in the model catalog
        if row["quantity"] != "gpu_hours":
            assert int(row["gpus"]) > 0, row
        if row["quantity"] == "tokens_per_second_per_gpu":
            assert float(row["context_length"]) > 0, row  # throughput needs the sequence
        else:
            assert float(row["tokens"]) > 0, row
        assert float(row["published"]) > 0


def test_published_values_match_the_validation_file() -> None:
    published = published_figures()  # the shipped src/botec/data/published-figures.csv
    to_base = {"GPU-hours": 1.0, "days": 86_400.0, "minutes": 60.0, "hours": 3_600.0}
    for row in training_rows():
        source = published[row["id"]]
        assert source["category"] == "A"
        if row["id"] == "A068":  # "384 GPUs / ~2 months": read as 60 days
            assert "2 months" in source["value"] and row["gpus"] == "384"
            assert float(row["published"]) == 60 * 86_400
            continue
        try:
            value = float(source["value"])
        except ValueError:  # a later row quoting a rounded figure ('1.3M'): its note converts
            assert source["value"] in row["note"] or row["note"], row["id"]
            continue
        if source["unit"] not in to_base:  # a later row in its own unit, with its conversion
            assert row["note"] or source["conditions"], row["id"]
            continue
        expected = value * to_base[source["unit"]]
        assert float(row["published"]) == pytest.approx(expected), row["id"]


def test_default_mfu_is_a_valid_range_for_every_catalog_device() -> None:
    for name in hardware_names():
        for gpus, params in ((None, None), (8, 1e8), (1024, 70e9), (16_384, 405e9)):
            mfu = default_mfu(name, gpus, params)
            assert isinstance(mfu, Uncertain), name
            assert mfu.dist == "lognormal"
            assert 0 < mfu.low < mfu.nominal < mfu.high <= 1, (name, gpus, params, mfu)
            assert "published-figures.csv" in mfu.source


def test_mfu_table_follows_its_stated_rule() -> None:
    t = table()
    catalog = set(hardware_names())
    for gen in t.generations.values():
        assert set(gen.gpus) <= catalog, gen.key
        if gen.evidence:  # nominal = 0.9 × median sustained MFU of published at-scale runs
            median = statistics.median(e.mfu for e in gen.evidence)
            assert gen.nominal == pytest.approx(t.whole_run_factor * median, abs=0.005), gen.key
            assert gen.high >= max(e.mfu for e in gen.evidence), gen.key
            assert all(e.id.startswith("A") for e in gen.evidence)
        if gen.key != FALLBACK:  # low = 0.7 × nominal (the fallback is deliberately wider)
            assert gen.low == pytest.approx(0.7 * gen.nominal, abs=0.006), gen.key
    # Backtest rows are never their own evidence.
    evidence = {e.id for g in t.generations.values() for e in g.evidence}
    assert not evidence & {r["id"] for r in training_rows()}


def test_generations_and_scale_rules() -> None:
    assert generation_for("A100").key == "ampere"
    assert generation_for("h100").key == "hopper"
    assert generation_for("rtx-4090").key == FALLBACK
    big = default_mfu("h100-sxm", 16_384, 405e9)
    assert big.nominal == pytest.approx(0.38 * 0.93)  # A060 → A061: 430 → 400 TFLOP/s/GPU
    assert default_mfu("h100-sxm", 8_192, 405e9).nominal == 0.38
    small = default_mfu("h100-sxm", 8, 1e9)
    assert small.nominal == pytest.approx(0.38 * 0.87) and small.low == pytest.approx(0.27 * 0.6)
    assert math.isclose(default_mfu("v100").nominal, 0.36)
