"""The command line: contracts outside checks rely on, every command's formats, bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, cli, cli_json


def test_report_json_contract() -> None:
    out = cli_json("report", str(ROOT / "scenarios" / "smartpal.toml"))
    results = out["results"]
    expected_units = {
        "model_storage": "B",
        "user_profile_storage": "B",
        "interaction_storage_per_day": "B/day",
        "monthly_storage": "B/month",
        "total_requests_per_second": "req/s",
        "inference_time": "s/req",
        "qps_per_gpu": "req/s",
        "gpus_required": "GPUs",
        "ingress_bandwidth": "bit/s",
        "egress_bandwidth": "bit/s",
    }
    for name, unit in expected_units.items():
        item = results[name]
        assert item["unit"] == unit
        assert isinstance(item["value"], float | int)
        assert item["formula"] and item["substitution"]
    assert results["model_storage"]["value"] == 6e9  # seed 000: 3B × 2 bytes
    assert results["interaction_storage_per_day"]["value"] == pytest.approx(2.5e12)
    assert results["ingress_bandwidth"]["value"] == pytest.approx(100e6 * 10 / 86400 * 2e3 * 8)


def test_train_json_contract() -> None:
    out = cli_json(
        "train",
        "--params",
        "10B",
        "--tokens",
        "200B",
        "--gpu",
        "a100-80gb",
        "--gpus",
        "64",
        "--mfu",
        "0.4",
        "--price",
        "2",
    )
    r = out["results"]
    flops = 6 * 10e9 * 200e9
    seconds = flops / (64 * 312e12 * 0.4)
    assert r["total_flops"]["value"] == pytest.approx(flops)
    assert r["total_flops"]["unit"] == "FLOP"
    assert r["wall_clock"]["value"] == pytest.approx(seconds)
    assert r["wall_clock"]["unit"] == "s"
    assert r["gpu_hours"]["value"] == pytest.approx(64 * seconds / 3600)
    assert r["cost"]["value"] == pytest.approx(64 * seconds / 3600 * 2)
    assert r["cost"]["unit"] == "USD"


def test_memory_json_contract() -> None:
    r = cli_json("memory", "--params", "7B", "--precision", "fp16")["results"]
    assert r["weights_memory"]["value"] == 14e9
    assert r["weights_memory"]["unit"] == "B"


@pytest.mark.parametrize(
    ("params", "precision", "expected_bytes"),
    [
        # seed 002 estimate_model_memory_gb examples, right in decimal GB:
        ("1.5B", "fp32", 6e9),  # GPT-2 XL: the seed prints 5.6 "GB" (GiB)
        ("7B", "fp16", 14e9),  # Llama 7B: prints 13.0
        ("13B", "fp16", 26e9),  # Llama 13B: prints 24.2
        ("1T", "fp16", 2e12),  # "GPT-4 estimate": prints 1863
    ],
)
def test_seed_model_memory_examples(params: str, precision: str, expected_bytes: float) -> None:
    r = cli_json("memory", "--params", params, "--precision", precision)["results"]
    assert r["weights_memory"]["value"] == pytest.approx(expected_bytes)


def test_infer_and_traffic_and_storage_commands() -> None:
    r = cli_json(
        "infer", "--params", "7B", "--output-tokens", "100", "--memory-bandwidth", "2 TB/s"
    )
    assert r["results"]["time_per_token"]["value"] == pytest.approx(14e9 / 2e12)
    t = cli_json("traffic", "--dau", "50M", "--requests-per-user", "10", "--peak-factor", "3")
    # seed 002 quick reference: peak_qps(50, 10) = 50e6 × 10 / 86,400 × 3
    assert t["results"]["peak_requests_per_second"]["value"] == pytest.approx(50e6 * 10 / 86400 * 3)
    s = cli_json("storage", "--dau", "50M", "--events-per-user", "100")
    assert s["results"]["compressed_retained_bytes"]["value"] == pytest.approx(
        50e6 * 100 * 200 * 365 / 4
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_every_format_renders(fmt: str) -> None:
    code, out, err = cli("report", str(ROOT / "scenarios" / "kv-cache-7b.toml"), "--format", fmt)
    assert code == 0, err
    assert "kv_cache_memory" in out or "KV cache memory" in out


def test_hardware_and_examples_commands() -> None:
    code, out, _ = cli("hardware", "list")
    assert code == 0 and "a100-80gb" in out
    data = cli_json("hardware", "show", "h100-sxm")
    assert data["peak_flop_per_s"]["bf16"] == pytest.approx(989e12)  # dense, not 1,979 sparse
    names = [e["name"] for e in cli_json("examples", "list")["examples"]]
    assert "smartpal" in names and "fraud-detection" in names
    code, out, _ = cli("examples", "show", "smartpal", "--source")
    assert code == 0 and "[[seed_check]]" in out
    code, out, _ = cli("examples", "show", "smartpal")
    assert code == 0 and "Seed check" in out


def test_output_file_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("my notes")
    code, _, err = cli("memory", "--params", "7B", "--format", "markdown", "-o", str(target))
    assert code == 2
    assert target.read_text() == "my notes"
    assert "--force" in err
    code, _, _ = cli("memory", "--params", "7B", "-o", str(target), "--force")
    assert code == 0 and "weights_memory" in target.read_text()


# -- bad input: a clear message naming the field, exit status 2, never a traceback ----------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["memory", "--params", "-7B"], "--params"),
        (["memory", "--params", "7 GB"], "--params"),
        (["memory", "--params", "7B", "--precision", "fp13"], "precision"),
        (["train", "--params", "10B", "--tokens", "lots"], "--tokens"),
        (["train", "--params", "10B", "--mfu", "140%"], "--mfu"),
        (["train", "--params", "10B", "--gpu", "a100-80"], "gpu"),
        (["train", "--params", "10B", "--gpus", "sixty"], "--gpus"),
        (["train", "--params", "10B", "--price", "two dollars"], "--price"),
        (["traffic", "--dau", "-5", "--requests-per-user", "10"], "--dau"),
        (["traffic", "--dau", "100B", "--requests-per-user", "10"], "--dau"),
        (["traffic", "--requests-per-user", "10"], "users"),
        (["infer", "--params", "7B", "--gpu", "quantum-9000"], "gpu"),
        (["hardware", "show", "h1000"], "NAME"),
        (["examples", "show", "smartpall"], "NAME"),
        (["report", "does-not-exist.toml"], "FILE"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(args: list[str], field: str) -> None:
    code, out, err = cli(*args)
    assert code == 2
    assert "Traceback" not in err + out
    assert field in err
    assert "expected" in err or "did you mean" in err


def test_unknown_gpu_suggests_a_near_name() -> None:
    _, _, err = cli("train", "--params", "10B", "--gpu", "a100-80")
    assert "did you mean" in err and "a100-80gb" in err


@pytest.mark.parametrize(
    ("content", "suffix", "field"),
    [
        (
            "[users]\ndaily_active_users = -3\nrequests_per_user_per_day = 1\n",
            ".toml",
            "users.daily_active_users",
        ),
        ("[users]\ndaly_active_users = '1M'\n", ".toml", "users.daly_active_users"),
        ("[model]\nparams = '7B'\nprecision = 'fp99'\n", ".toml", "model.precision"),
        ("[training]\nparams = '7B'\nmfu = 2\n", ".toml", "training.mfu"),
        ("[training]\nparams = '7B'\ntokens = '1T'\ngpu = 'z80'\n", ".toml", "training.gpu"),
        ("[model\nparams = 1", ".toml", "valid TOML"),
        ("users: [1, 2\n", ".yaml", "valid YAML"),
        ("- just\n- a list\n", ".yaml", "mapping"),
        ("[bogus]\nx = 1\n", ".toml", "bogus"),
        ("[inference]\ngpu = 'a100-80gb'\n", ".toml", "model"),
        ("title = 'x'\n", ".txt", ".toml"),
    ],
)
def test_bad_scenario_files(tmp_path: Path, content: str, suffix: str, field: str) -> None:
    path = tmp_path / f"scenario{suffix}"
    path.write_text(content)
    code, out, err = cli("report", str(path))
    assert code == 2, out
    assert "Traceback" not in err
    assert field in err


def test_yaml_scenario_matches_toml(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "users:\n  daily_active_users: 100M\n  requests_per_user_per_day: 10\n  peak_factor: 3\n"
    )
    r = cli_json("report", str(path))["results"]
    assert r["peak_requests_per_second"]["value"] == pytest.approx(100e6 * 10 / 86400 * 3)


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    _code, out, _ = cli("--help")
    commands = re.findall(r"^  (\w+)\s", out.split("Commands:")[1], flags=re.M)
    assert len(commands) >= 8
    for command in commands:
        assert f"botec {command}" in readme, command


def test_json_is_one_object() -> None:
    _code, out, _ = cli("memory", "--params", "3B", "--format", "json")
    assert isinstance(json.loads(out), dict)


@pytest.mark.parametrize(
    ("word", "factor"), [("consumer", 3), ("payments", 5), ("advertising", 10)]
)
def test_peak_factor_by_kind_of_product(word: str, factor: float) -> None:
    # seed 002 'Forgetting Peak Traffic': 3× consumer, 5× payments, 10× advertising
    r = cli_json("traffic", "--qps", "100", "--peak-factor", word)["results"]
    assert r["peak_requests_per_second"]["value"] == pytest.approx(100 * factor)


def test_catalog_file_applies_to_that_command_only(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[hardware.my-gpu]\nname = "My GPU"\nmemory_bytes = 32e9\n'
        "memory_bandwidth_bytes_per_s = 1e12\npeak_flop_per_s = { fp16 = 100e12 }\n"
        'interconnect = "pcie4"\nsource = "my lab"\nas_of = "2026-01"\n'
    )
    code, out, err = cli("memory", "--params", "7B", "--gpu", "my-gpu", "--catalog", str(mine))
    assert code == 0, err
    assert "My GPU" in out
    code, _, err = cli("memory", "--params", "7B", "--gpu", "my-gpu")
    assert code == 2 and "my-gpu" in err
    code, _, err = cli("memory", "--params", "7B", "--catalog", str(tmp_path / "nope.toml"))
    assert code == 2 and "catalog" in err


def test_python_and_cli_name_the_same_defaults() -> None:
    from botec.analysis.evaluate import DEFAULT_SAMPLES

    _code, out, _ = cli("report", "--help")
    assert f"[default: {DEFAULT_SAMPLES};" in " ".join(out.split())
