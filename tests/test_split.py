"""The fit/check split of the backtests: a written rule, applied to every row, and check rows kept
out of every number botec chooses."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from botec.validation.backtest import inference_rows
from botec.validation.split import FIRST_SPLIT_ID, role_for, row_number
from botec.validation.training import training_rows
from botec.validation.workloads import embedding_rows, speech_rows, tts_rows, workload_rows

ROWS = (
    inference_rows()
    + training_rows()
    + workload_rows()
    + embedding_rows()
    + speech_rows()
    + tts_rows()
)
CATALOG = Path(str(resources.files("botec").joinpath("catalog")))


def test_every_row_has_the_role_the_rule_gives() -> None:
    for row in ROWS:
        assert row["role"] == role_for(row["id"]), row["id"]


def test_every_fit_row_from_before_the_split_names_what_it_set_or_checked() -> None:
    for row in ROWS:
        if row_number(row["id"]) < FIRST_SPLIT_ID:
            assert row["role"] == "fit" and row["sets"].strip(), row["id"]


def test_check_rows_never_set_anything() -> None:
    for row in ROWS:
        if row["role"] == "check":
            assert not row["sets"].strip(), row["id"]


def test_the_hash_splits_new_ids_about_evenly() -> None:
    # Decided by the id alone, before any figure is looked at: about half of the new ids are held
    # out (the SHA-256 first byte is uniform).
    ids = [f"B{n}" for n in range(FIRST_SPLIT_ID, FIRST_SPLIT_ID + 200)]
    share = sum(role_for(i) == "check" for i in ids) / len(ids)
    assert 0.4 < share < 0.6


def test_every_fit_row_of_the_workloads_that_a_factor_cites_says_so() -> None:
    # The workload factors cite their fit rows by id; each of those rows names the factor.
    text = (CATALOG / "assumptions.toml").read_text(encoding="utf-8")
    cited = set(re.findall(r"\b[STVW]\d{3}\b", text))
    for row in ROWS:
        if row["id"] in cited:
            assert row["role"] == "fit" and row["sets"].strip(), row["id"]


def test_no_catalog_default_cites_a_check_row() -> None:
    # A factor's source may cite fit rows and published measurements, never a held-out row.
    check = {row["id"] for row in ROWS if row["role"] == "check"}
    for path in CATALOG.glob("*.toml"):
        cited = set(re.findall(r"\b[A-FSTVW]\d{3}\b", path.read_text(encoding="utf-8")))
        assert not (cited & check), (path.name, sorted(cited & check))


@pytest.mark.parametrize("bad", ["B39", "b039", "B03X", ""])
def test_row_number_refuses_what_is_not_an_id(bad: str) -> None:
    with pytest.raises(ValueError):
        row_number(bad)
