"""Shared helpers: run a bundled scenario or a CLI command and read its JSON results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from botec.cli import main
from botec.report.json_report import sheet_dict
from botec.run import run_scenario
from botec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def scenario_results(name: str) -> dict:
    """Results (name -> JSON object) of a bundled scenario, via the library."""
    sheet = run_scenario(load_scenario(SCENARIOS / f"{name}.toml"))
    return sheet_dict(sheet)


def cli(*args: str) -> tuple[int, str, str]:
    """Run `botec ARGS`; return (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def cli_json(*args: str) -> dict:
    code, out, err = cli(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def run_cli():
    return cli
