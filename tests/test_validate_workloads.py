"""The generation backtest: rows well formed and split by the hash rule, every row computed with
a range, the check rows' accuracy quoted in the README held to a floor."""

from __future__ import annotations

import pytest

from botec.validation.split import role_for
from botec.validation.workloads import (
    WORKLOAD_QUANTITIES,
    run_workload_backtest,
    scenario_for,
    workload_rows,
)


@pytest.fixture(scope="module")
def backtest():
    return run_workload_backtest(samples=400, seed=0)


def test_rows_are_well_formed_and_split_by_the_rule() -> None:
    rows = workload_rows()
    assert len(rows) >= 50
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["quantity"] in WORKLOAD_QUANTITIES, row["id"]
        assert float(row["published"]) > 0, row["id"]
        assert row["source"], row["id"]
        assert row["role"] == role_for(row["id"]), row["id"]  # decided by the hash, not by hand
    roles = [r["role"] for r in rows]
    assert roles.count("check") >= 20 and roles.count("fit") >= 20


def test_every_row_is_computed_with_a_range(backtest) -> None:
    for row in backtest.rows:
        assert not row.skipped, (row.id, row.skipped)
        assert row.predicted > 0 and row.p5 < row.p95, row.id


def test_check_rows_meet_the_floor(backtest) -> None:
    # The held-out rows: median error within ×1.4 and about nine in ten inside the 90% range
    # (measured at this commit with 2,000 draws: 24% and 85%, quoted in the README and
    # docs/accuracy.md).
    overall = backtest.overall("check")
    assert overall is not None and overall.rows >= 20
    assert overall.median_abs_log_error <= 0.40, overall
    assert overall.coverage >= 0.80, overall


def test_a_row_is_predicted_from_its_own_setup() -> None:
    row = next(r for r in workload_rows() if r["id"] == "W243")  # FLUX on 2 A100s
    scenario = scenario_for(row)
    assert scenario["image_generation"]["gpus_per_job"] == 2
    assert scenario["image_generation"]["runtime"] == "eager"
