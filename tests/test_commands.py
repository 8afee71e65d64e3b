"""The commands as functions (botec.commands): the same results as the CLI, errors naming the
parameter, every default written once, and `import botec` light with every exported name real."""

from __future__ import annotations

import doctest
import importlib
import inspect
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, cli, cli_json

import botec
from botec import commands
from botec.analysis.evaluate import DEFAULT_SAMPLES
from botec.core.errors import BotecInputError
from botec.report import render

SMARTPAL = str(ROOT / "scenarios" / "smartpal.toml")
RANGES = str(ROOT / "scenarios" / "smartpal-ranges.toml")
FEW = ("--samples", "200", "--seed", "7")  # quick draws, a seed other than the default


def sheet_json(sheet: Any) -> dict:
    return json.loads(render(sheet, "json"))


# -- the same numbers as the CLI prints with --format json ---------------------------------------

CASES = [
    (
        "memory",
        dict(params="7B", layers=32, kv_heads=32, head_dim=128, context=4096, sequences=10),
        "--params 7B --layers 32 --kv-heads 32 --head-dim 128 --context 4096 --sequences 10",
    ),
    (
        "memory",
        dict(params="7B", training=True, convention="seed-18", gpu="a100-80gb"),
        "--params 7B --training --convention seed-18 --gpu a100-80gb",
    ),
    (
        "train",
        dict(params="70B", tokens="1.4T", gpus=256, mfu="40%", price="$2/h", budget="$500K"),
        "--params 70B --tokens 1.4T --gpus 256 --mfu 40% --price $2/h --budget $500K",
    ),
    (
        "train",
        dict(
            model="llama-2-7b", tokens="100M", gpus="1", finetune="qlora", lora_targets=["q", "v"]
        ),
        "--model llama-2-7b --tokens 100M --gpus 1 --finetune qlora --lora-targets q,v",
    ),
    (
        "train",
        dict(model="llama-2-70b", tokens="2T", deadline="30 days"),
        "--model llama-2-70b --tokens 2T --deadline '30 days'",
    ),
    (
        "infer",
        dict(model="llama-3.1-8b", gpu="h100-sxm"),
        "--model llama-3.1-8b --gpu h100-sxm",
    ),
    (
        "infer",
        dict(params="7B", output_tokens=100, batch=16, qps=1000),
        "--params 7B --output-tokens 100 --batch 16 --qps 1000",
    ),
    (
        "plan",
        dict(model="llama-3.1-8b", gpu=["h100-sxm", "l40s"], precision="bf16,fp8", qps=50)
        | dict(ttft_p99="2s", tpot_p99="50ms"),
        "--model llama-3.1-8b --gpu h100-sxm,l40s --precision bf16,fp8 --qps 50 "
        "--ttft-p99 2s --tpot-p99 50ms",
    ),
    (
        "traffic",
        dict(dau="50M", requests_per_user=10, peak_factor="consumer", request_size="2 KB"),
        "--dau 50M --requests-per-user 10 --peak-factor consumer --request-size '2 KB'",
    ),
    (
        "storage",
        dict(dau="100M", users="100M", profile_size="10 KB", interaction_size="2 KB")
        | dict(interactions_per_user=10),
        "--dau 100M --users 100M --profile-size '10 KB' --interaction-size '2 KB' "
        "--interactions-per-user 10",
    ),
    (
        "storage",
        dict(dau="50M", events_per_user=100, compression=4, price=0.02),
        "--dau 50M --events-per-user 100 --compression 4 --price 0.02",
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "args"), CASES)
def test_command_function_equals_the_cli_json(name: str, kwargs: dict, args: str) -> None:
    sheet = getattr(botec, name)(**kwargs, samples=200, seed=7)
    assert sheet_json(sheet) == cli_json(name, *shlex.split(args), *FEW)


def test_numbers_as_numbers() -> None:
    sheet = botec.train(params=70e9, tokens=1.4e12, gpus=256, mfu=0.4, price=2, samples=0)
    args = ["--params", "70B", "--tokens", "1.4T", "--gpus", "256", "--mfu", "40%", "--price", "2"]
    printed = cli_json("train", *args, "--samples", "0")
    assert sheet_json(sheet)["results"] == printed["results"]
    assert sheet.title == "Training 70.0B-parameter model on 256 × a100-80gb"  # 7e10 formatted
    assert printed["title"] == "Training 70B-parameter model on 256 × a100-80gb"  # as typed


def test_infer_example_from_the_brief() -> None:
    sheet = botec.infer(model="llama-3.1-8b", gpu="h100-sxm")
    printed = cli_json("infer", "--model", "llama-3.1-8b", "--gpu", "h100-sxm")["results"]
    for name in ("time_to_first_token", "time_per_output_token", "max_batch"):
        assert sheet[name].value == pytest.approx(printed[name]["value"])
        assert sheet[name].percentiles()[0] == pytest.approx(printed[name]["p5"])


def test_report_and_examples_equal_the_cli() -> None:
    assert sheet_json(commands.report(RANGES, samples=200, seed=7)) == cli_json(
        "report", RANGES, *FEW
    )
    assert sheet_json(botec.examples_show("fraud-detection", samples=0)) == cli_json(
        "examples", "show", "fraud-detection", "--samples", "0"
    )
    scenario = botec.load_scenario(SMARTPAL)
    assert sheet_json(commands.report(scenario, samples=0)) == cli_json(
        "report", SMARTPAL, "--samples", "0"
    )
    _code, source, _err = cli("examples", "show", "smartpal", "--source")
    assert botec.example_source("smartpal") == source
    listed = cli_json("examples", "list")["examples"]
    assert [list(row) for row in botec.examples_list()] == [
        [e["name"], e["title"], e["source"]] for e in listed
    ]


def test_sweep_compare_validate_equal_the_cli() -> None:
    from botec.report.compare_view import render_compare
    from botec.report.sweep_view import render_sweep
    from botec.validation.backtest import render_backtest

    grid = botec.sweep(RANGES, vary=["dau=1M..100M:3", "gpu=a100-80gb,h100-sxm"], results=None)
    printed = cli_json(
        "sweep", RANGES, "--vary", "dau=1M..100M:3", "--vary", "gpu=a100-80gb,h100-sxm"
    )
    assert json.loads(render_sweep(grid, "json")) == printed
    options = botec.compare(SMARTPAL, gpus=["a100-80gb", "h100-sxm"], budget="$300K", samples=0)
    printed = cli_json(
        *["compare", SMARTPAL, "--gpu", "a100-80gb", "--gpu", "h100-sxm"],
        *["--budget", "$300K", "--samples", "0"],
    )
    assert json.loads(render_compare(options, "json")) == printed
    parts = botec.validate(samples=20, only="training")
    printed = cli_json("validate", "--samples", "20", "--only", "training")
    assert {k: json.loads(render_backtest(bt, "json")) for k, bt in parts.items()} == printed


def test_catalog_look_ups_equal_the_cli() -> None:
    keys = [hw.key for hw in botec.hardware_list()]
    assert keys == [h["key"] for h in cli_json("hardware", "list")["hardware"]]
    shown = cli_json("hardware", "show", "h100")
    device = botec.hardware_show("h100")
    assert (device.key, device.memory_bytes) == (shown["key"], shown["memory_bytes"])
    assert device.peak_flop_per_s == shown["peak_flop_per_s"]
    assert "llama-2-7b" in [m.key for m in botec.models_list()]
    assert (
        botec.models_show("Llama-2-7b").params_total == botec.models_show("llama-2-7b").params_total
    )


MY_GPU = """
[hardware.my-gpu]
name = "My GPU"
memory_bytes = 32e9
memory_bandwidth_bytes_per_s = 1e12
peak_flop_per_s = { fp16 = 100e12, bf16 = 100e12 }
interconnect = "pcie4"
source = "my lab"
as_of = "2026-01"

[prices.gpu.my-gpu]
name = "My GPU"
on_demand_usd_per_hour = 1.0
source = "my lab"
as_of = "2026-01"
"""


def test_user_catalog_files_are_a_value(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(MY_GPU)
    files = [mine]
    assert botec.hardware_show("my-gpu", catalog_files=files).memory_bytes == 32e9
    assert "my-gpu" in [hw.key for hw in botec.hardware_list(catalog_files=[str(mine)])]
    sheet = botec.memory(params="7B", gpu="my-gpu", catalog_files=files, samples=0)
    assert "My GPU" in sheet.notes[0].text
    trained = botec.train(
        params="1B", tokens="20B", gpu="my-gpu", gpus=8, mfu=0.4, catalog_files=files
    )
    assert trained["cost"].value == pytest.approx(trained["gpu_hours"].value * 1.0)
    options = botec.compare(SMARTPAL, gpus="my-gpu,a100-80gb", samples=0, catalog_files=files)
    assert {o.gpu for o in options} == {"my-gpu", "a100-80gb"}
    grid = botec.sweep(SMARTPAL, vary="gpu=my-gpu,l4", catalog_files=files)
    assert list(grid.columns["gpu"]) == ["my-gpu", "l4"]
    assert botec.validate(samples=5, only="training", catalog_files=files)["training"].rows
    for call in (  # nothing global changed: without the file, my-gpu is unknown
        lambda: botec.hardware_show("my-gpu"),
        lambda: botec.memory(params="7B", gpu="my-gpu", samples=0),
    ):
        with pytest.raises(BotecInputError, match="my-gpu"):
            call()
    with pytest.raises(BotecInputError, match="catalog"):
        botec.memory(params="7B", catalog_files=[tmp_path / "missing.toml"])


# -- bad parameters: a BotecInputError naming the parameter or the field it filled ----------------

BAD = [
    (lambda: botec.memory(params="-7B"), "model.params"),
    (lambda: botec.memory(params="7B", context=4096), "context/sequences"),
    (lambda: botec.train(), "model/params"),
    (lambda: botec.train(params="10B", tokens="lots"), "training.tokens"),
    (lambda: botec.train(params="10B", gpus="sixty"), "gpus"),
    (lambda: botec.train(params="10B", mfu="140%"), "training.mfu"),
    (lambda: botec.infer(params="7B", gpu="quantum-9000", samples=0), "inference.gpu"),
    (lambda: botec.infer(model="llama-2-7b", input_tokens=-1), "serving.input_tokens"),
    (lambda: botec.plan(model="llama-3.1-8b"), "qps/dau"),
    # the memory-bound one-liner reads no prompt: only the compute-bound reality check does
    (lambda: botec.infer(params="7B", prompt_tokens=5000, samples=0), "prompt_tokens/method"),
    (lambda: botec.plan(model="llama-3.1-8b", qps=5, gpu=[]), "gpu/precision"),
    (lambda: botec.traffic(dau=-5, requests_per_user=10), "users.daily_active_users"),
    (lambda: botec.storage(), "storage"),
    (lambda: botec.storage(interaction_size="1 KB"), "dau"),
    (lambda: botec.storage(dau="1M", events_per_user=5, retention_days=0), "retention_days"),
    (lambda: botec.compare(SMARTPAL, gpus="a100-80gb", budget="x"), "budget"),
    (lambda: botec.validate(only="bogus"), "only"),  # type: ignore[arg-type]
    (lambda: botec.hardware_show("h1000"), "name"),
    (lambda: botec.examples_show("smartpall"), "name"),
    (lambda: botec.models_show("llama-2-7bx"), "name"),
    (lambda: commands.report("does-not-exist.toml"), "FILE"),
]


@pytest.mark.parametrize(("call", "field"), BAD)
def test_bad_parameter_names_the_field(call: Any, field: str) -> None:
    with pytest.raises(BotecInputError) as info:
        call()
    assert field in info.value.field
    assert "expected" in str(info.value)


def test_traffic_with_output_tokens_gives_the_peak_token_rate() -> None:
    # 10M users × 20 requests / 86,400 s × 3 (consumer peak) × 300 tokens = 2.083M tokens/s;
    # --output-tokens used to be recorded and read by nothing.
    sheet = botec.traffic(dau="10M", requests_per_user=20, output_tokens=300, samples=0)
    expected = 10e6 * 20 / 86_400 * 3 * 300
    assert sheet.value("peak_output_tokens_per_second") == pytest.approx(expected)
    assert sheet.steps["peak_output_tokens_per_second"].section == "Traffic"  # printed


def test_the_storage_total_counts_the_profiles_it_computes() -> None:
    # 50M profiles × 10 KB = 500 GB at S3's $0.023/GB-month = $11.50 a month, beside the
    # interactions held (10M × 10 × 2 KB × 1.25 index × 30 days = 7.5 TB = $172.50): the total
    # left the profiles out.
    r = botec.storage(
        dau="10M", users="50M", profile_size="10 KB", interaction_size="2 KB",
        interactions_per_user=10, samples=0,
    )  # fmt: skip
    assert float(r["profile_storage_cost_per_month"]) == pytest.approx(500 * 0.023)
    assert float(r["interaction_storage_cost_per_month"]) == pytest.approx(7_500 * 0.023)
    assert float(r["total_monthly_cost"]) == pytest.approx(500 * 0.023 + 7_500 * 0.023)


def test_the_cli_names_the_flag_typed() -> None:
    _code, _out, err = cli("train")
    assert (
        err == "error: --model/--params: got 'missing'; expected a catalog model or --params 7B\n"
    )
    _code, _out, err = cli("plan", "--model", "llama-3.1-8b")
    assert (
        "--qps/--dau: got 'missing'; expected --qps 50, or --dau 1M with --requests-per-user" in err
    )
    _code, _out, err = cli("infer", "--model", "llama-2-7b", "--prompt-tokens", "-5")
    assert err.startswith("error: --prompt-tokens: got '-5'")
    _code, _out, err = cli("storage", "--profile-size", "1 KB", "--users", "-1")
    assert err.startswith("error: --users: got '-1'")
    _code, _out, err = cli("storage", "--dau", "-1", "--profile-size", "1 KB")
    assert err.startswith("error: --dau: got '-1'")


# -- one definition of each default; the CLI generated from the same tables -----------------------


def _commands() -> list[Any]:
    return [f for f in map(commands.__dict__.get, commands.__all__) if inspect.isfunction(f)]


def test_default_samples_is_defined_once() -> None:
    from botec.cli.estimates import TABLES

    for func in _commands():
        default = inspect.signature(func).parameters.get("samples")
        if default is not None and func is not commands.validate:
            assert default.default is DEFAULT_SAMPLES, func.__name__
    for name, table in TABLES.items():
        samples = next(p for p in table.command(name, print).params if p.name == "samples")
        assert samples.default == DEFAULT_SAMPLES
    code, out, _ = cli("memory", "--help")
    assert code == 0 and f"[default: {DEFAULT_SAMPLES};" in " ".join(out.split())


def test_tables_flags_and_fields_agree() -> None:
    from botec.cli.estimates import TABLES
    from botec.scenario import Scenario

    cli_only = {"fmt", "output", "force", "plot", "catalog_file", "brief", "launch_for"}
    for name, table in TABLES.items():
        params = set(inspect.signature(table.func).parameters) - {"catalog_files"}
        options = {opt.name for opt in table.options} - cli_only
        assert options == params, name  # every parameter has its flag, and no flag is unused
        assert set(table.fields) <= params, name
        for paths in table.fields.values():
            for path in paths:
                section, key = path.split(".")
                model = Scenario.model_fields[section].annotation.__args__[0]  # X | None
                assert key in model.model_fields, path


def test_command_functions_are_typed_keyword_only_and_documented() -> None:
    for func in _commands():
        signature = inspect.signature(func)
        assert func.__doc__ and ">>>" in func.__doc__, func.__name__
        assert signature.return_annotation is not inspect.Signature.empty, func.__name__
        for param in list(signature.parameters.values())[1:]:
            assert param.kind is param.KEYWORD_ONLY, (func.__name__, param.name)
            assert param.annotation is not param.empty, (func.__name__, param.name)


def test_docstring_examples_run() -> None:
    modules = ["_common", "sizing", "training", "serving", "scenarios", "analysis", "lookups"]
    for name in modules:
        module = importlib.import_module(f"botec.commands.{name}")
        result = doctest.testmod(module, extraglobs={"botec": botec})
        assert result.failed == 0, name


# -- the package's exports -------------------------------------------------------------------------


def test_every_exported_name_resolves() -> None:
    assert len(set(botec.__all__)) == len(botec.__all__)
    for name in botec.__all__:
        assert getattr(botec, name) is not None, name
    for name in dir(botec):
        getattr(botec, name)
    assert {"infer", "train", "memory", "plan", "sweep", "compare", "validate"} <= set(dir(botec))
    for name in commands.__all__:
        assert getattr(commands, name) is not None, name


def test_import_botec_stays_light() -> None:
    code = (
        "import sys, botec; "
        "print(sorted({'click', 'pydantic', 'rich', 'numpy', 'matplotlib'} & "
        "{m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_m_botec_cli_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "botec.cli", "memory", "--params", "7B", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["results"]["weights_memory"]["value"] == 14e9


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        # each flag was dropped without a word: the answer looked as if it had been used
        (
            ("infer", "--params", "7B", "--input-tokens", "100", "--prompt-tokens", "2000"),
            "--prompt-tokens/--input-tokens",
        ),
        (("train", "--params", "1B", "--tokens", "20B", "--lora-rank", "8"), "--lora-rank"),
        (("train", "--params", "1B", "--tokens", "20B", "--lora-targets", "q,v"), "--lora-targets"),
        (
            ("train", "--params", "1B", "--tokens", "20B", "--teacher-tokens", "1T"),
            "--teacher-tokens",
        ),
        (
            ("storage", "--profile-size", "10 KB", "--users", "1M", "--event-size", "300 B"),
            "--event-size/--events-per-user",
        ),
        (
            ("storage", "--profile-size", "10 KB", "--users", "1M", "--retention-days", "30"),
            "--retention-days/--events-per-user",
        ),
        (
            ("storage", "--profile-size", "10 KB", "--users", "1M", "--index-overhead", "0.3"),
            "--index-overhead/--interaction-size",
        ),
        (("recsys", "--qps", "1000", "--tree-depth", "6"), "--tree-depth"),
        (("recsys", "--qps", "1000", "--trees", "500"), "--trees"),
    ],
)
def test_a_flag_nothing_reads_is_refused_not_dropped(args: tuple[str, ...], flag: str) -> None:
    code, _out, err = cli(*args)
    assert code != 0 and err.startswith(f"error: {flag}: got"), err


def test_the_same_settings_in_a_scenario_are_refused_too() -> None:
    from botec.core.errors import BotecInputError
    from botec.scenario import scenario_from_dict

    bad = [
        ({"training": {"params": "1B", "lora_rank": 8}}, "training.lora_rank"),
        ({"training": {"params": "1B", "teacher_tokens": "1T"}}, "training.teacher_tokens"),
        ({"recommender": {"requests_per_second": 10, "trees": 5}}, "recommender.trees"),
        ({"storage": {"users": "1M", "interaction_size": "1 KB"}}, "storage.users"),
        ({"storage": {"user_profile_size": "1 KB", "index_overhead": 0.2}},
         "storage.index_overhead"),
    ]  # fmt: skip
    for data, field in bad:
        with pytest.raises(BotecInputError) as info:
            scenario_from_dict({"title": "t", **data})
        assert info.value.field == field, data
    # and where they are read they are taken
    ok = scenario_from_dict(
        {"title": "t", "training": {"model": "llama-2-7b", "finetune": "lora", "lora_rank": 8}}
    )
    assert ok.training.lora_rank == 8
