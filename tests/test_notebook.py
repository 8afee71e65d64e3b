"""In a notebook: results show their report as HTML, and give their numbers as a mapping or a
pandas table; a scenario may be a dict; dir(botec) lists only names that exist."""

from __future__ import annotations

import json

import pytest

import botec
from botec.report import render


def test_a_sheet_shows_its_report_and_gives_its_numbers() -> None:
    sheet = botec.plan(model="llama-3.1-8b", gpu="h100-sxm", qps=5, samples=500)
    page = sheet._repr_html_()
    assert "<html" in page and sheet.title in page
    assert sheet.to_dict() == json.loads(render(sheet, "json"))
    table = sheet.to_frame()
    row = table.loc["serving_gpus"]
    assert row["value"] == float(sheet["serving_gpus"])
    assert row["unit"] == "GPUs"
    assert row["p5"] <= row["p50"] <= row["p95"]


def test_a_sweep_gives_a_table_with_a_row_per_point() -> None:
    grid = botec.sweep("scenarios/smartpal.toml", vary="dau=1M,10M")
    table = grid.to_frame()
    assert list(table["dau"]) == [1e6, 10e6]
    assert grid.to_dict()["rows"] == list(grid.records())
    assert "<table" in grid._repr_html_()


def test_a_scenario_may_be_a_dict() -> None:
    scn = botec.load_scenario(
        {"users": {"daily_active_users": "1M", "requests_per_user_per_day": 10}}
    )
    assert scn.users is not None and scn.users.daily_active_users == 1e6
    with pytest.raises(botec.BotecInputError) as info:
        botec.load_scenario({"users": {"nope": 1}})
    assert "users.nope" in str(info.value)


def test_every_name_dir_lists_exists() -> None:
    for name in dir(botec):
        assert getattr(botec, name) is not None, name
