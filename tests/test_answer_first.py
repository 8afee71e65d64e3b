"""The answer first: a report's first lines are the figures and the verdict; --brief prints only
them; --set overrides a scenario's values; '-' reads a scenario from standard input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS, cli

from botec.cli import main

SMARTPAL = str(SCENARIOS / "smartpal.toml")


def test_plan_says_its_fleet_and_choice_in_the_first_five_lines() -> None:
    code, out, _ = cli("plan", "--model", "llama-3.1-8b", "--qps", "50", "--gpu", "h100-sxm",
                       "--tpot-p99", "50ms", "--samples", "0")  # fmt: skip
    assert code == 0
    head = out.splitlines()[:5]
    assert any(line.startswith("GPUs in the serving fleet:") for line in head)
    assert any(line.startswith("✔ Chosen:") for line in head)


def test_brief_prints_only_the_answer_in_every_format() -> None:
    code, full, _ = cli("train", "--params", "7B", "--tokens", "1T", "--gpus", "64",
                        "--budget", "$100K", "--samples", "0")  # fmt: skip
    code, brief, _ = cli("train", "--params", "7B", "--tokens", "1T", "--gpus", "64",
                         "--budget", "$100K", "--samples", "0", "--brief")  # fmt: skip
    assert code == 0
    lines = brief.splitlines()
    assert len(lines) <= 6
    assert lines == full.splitlines()[: len(lines)]  # the report's own first lines
    assert any("budget" in line.lower() for line in lines)  # the verdict is there
    code, out, _ = cli("train", "--params", "7B", "--tokens", "1T", "--gpus", "64",
                       "--samples", "0", "--brief", "--format", "json")  # fmt: skip
    data = json.loads(out)
    assert set(data) == {"title", "results", "verdicts", "prices"}
    assert "gpu_hours" in data["results"]


def test_set_overrides_a_scenario_value_and_says_so_in_the_title() -> None:
    code, out, _ = cli("report", SMARTPAL, "--set", "users.daily_active_users=10M",
                       "--samples", "0", "--format", "json")  # fmt: skip
    assert code == 0
    r = json.loads(out)
    # 10M users × 10 requests a day / 86,400 s = 1,157 req/s (SmartPal sizes for the average:
    # its peak factor is 1)
    assert r["results"]["peak_requests_per_second"]["value"] == 10e6 * 10 / 86_400
    assert "users.daily_active_users=10M" in r["title"]
    code, _, err = cli("report", SMARTPAL, "--set", "users.nope=3")
    assert code == 2 and "users.nope" in err
    code, _, err = cli("report", SMARTPAL, "--set", "no-equals-sign")
    assert code == 2 and "--set" in err


def test_a_scenario_on_standard_input() -> None:
    text = (SCENARIOS / "smartpal.toml").read_text()
    result = CliRunner().invoke(main, ["report", "-", "--samples", "0", "--brief"], input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("SmartPal")
    bad = CliRunner().invoke(main, ["report", "-"], input="x = [")
    assert bad.exit_code == 2 and "TOML or YAML" in bad.stderr


def test_a_scenario_asking_two_questions_leads_with_an_answer_to_each(tmp_path) -> None:
    # An LLM beside an image service: the serving figures fill the first three places, and the
    # image service's first answer (its GPUs) is not dropped from the lead or from --brief.
    path = tmp_path / "two.toml"
    path.write_text(
        'title = "chat and images"\n'
        '[serving]\nmodel = "llama-3.1-8b"\ngpu = "h100-sxm"\ninput_tokens = 200\n'
        "output_tokens = 100\n"
        '[image_generation]\nmodel = "sdxl"\ngpu = "h100-sxm"\nimages_per_day = "1M"\n',
        encoding="utf-8",
    )
    code, out, _ = cli("report", str(path), "--samples", "0", "--brief", "--format", "json")
    assert code == 0
    results = json.loads(out)["results"]
    assert "time_to_first_token" in results and "generation_gpus" in results
    # a single-question scenario keeps its three
    code, out, _ = cli("report", SMARTPAL, "--samples", "0", "--brief", "--format", "json")
    assert len(json.loads(out)["results"]) == 3


def test_brief_keeps_a_does_not_fit_wherever_it_is_said() -> None:
    # Llama 2 7B on an A100 80GB at 2,000 + 256 tokens: the KV cache holds 47 sequences, so a
    # batch of 200 cannot run; --brief printed the throughput and left that out.
    code, out, err = cli(
        "infer", "--model", "llama-2-7b", "--batch", "200", "--input-tokens", "2000",
        "--samples", "0", "--brief",
    )  # fmt: skip
    assert code == 0, err
    assert "✘ A batch of 200 does not fit" in out


@pytest.mark.parametrize("option", ["--kv-precision", "--precision", "--engine"])
def test_an_empty_option_value_is_refused_not_read_as_the_default(option: str) -> None:
    code, _, err = cli("infer", "--model", "llama-3.1-8b", option, "", "--samples", "0")
    assert code == 2 and option in err and "got ''" in err
