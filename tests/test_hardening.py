"""Every hostile input the hardening issue reproduced, each as a test: files never destroyed or
half-written, nothing that exhausts the machine, nonsense refused with its reason, contradictions
named. Each failed on the main branch before the fix (the issue lists the bad outcome)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS, cli

SMARTPAL = str(ROOT / "scenarios" / "smartpal.toml")
RANGES = str(ROOT / "scenarios" / "smartpal-ranges.toml")
PLAN = str(ROOT / "scenarios" / "llm-serving-plan.toml")


def refused(*args: str, names: str = "") -> str:
    """Run botec; it must exit 2 with one line naming ``names``; return that line."""
    code, out, err = cli(*args)
    assert code == 2, (code, out[-400:], err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert names in lines[0], lines[0]
    return lines[0]


# -- files destroyed or written when they should not be ----------------------------------------


def _botec_with_file_limit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """botec in a child whose files may not grow past 1 kB (`ulimit -f 1`): every write fails."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    return subprocess.run(
        [sys.executable, "-m", "botec.cli", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=120,
        check=False,
    )


def test_a_failed_forced_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    (tmp_path / "keep.md").write_text("the user's notes\n")
    done = _botec_with_file_limit(tmp_path, "report", SMARTPAL, "-o", "keep.md", "--force")
    assert done.returncode == 2, done.stderr
    assert "File too large" in done.stderr
    assert (tmp_path / "keep.md").read_text() == "the user's notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.md"]  # no temporary left


def test_a_failed_new_write_leaves_no_fragment(tmp_path: Path) -> None:
    done = _botec_with_file_limit(tmp_path, "report", SMARTPAL, "-o", "new.md")
    assert done.returncode == 2, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_plot_files_are_not_written_when_o_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.md").write_text("mine\n")
    refused("report", RANGES, "--plot", "chart.svg", "-o", "out.md", names="-o/--output")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_o_through_a_dangling_symlink_needs_force(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link.md").symlink_to(tmp_path / "elsewhere.md")
    refused("report", SMARTPAL, "-o", "link.md", names="-o/--output")
    assert not (tmp_path / "elsewhere.md").exists()


def test_o_never_replaces_the_scenario_being_read(tmp_path: Path) -> None:
    scenario = tmp_path / "mine.toml"
    text = Path(SMARTPAL).read_text()
    scenario.write_text(text)
    refused("report", str(scenario), "-o", str(scenario), "--force", names="-o/--output")
    alias = tmp_path / "alias.toml"
    alias.symlink_to(scenario)
    refused("report", str(scenario), "-o", str(alias), "--force", names="-o/--output")
    assert scenario.read_text() == text


def test_a_forced_write_through_a_symlink_replaces_the_file_it_names(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old\n")
    (tmp_path / "link.md").symlink_to(target)
    code, _, err = cli("report", SMARTPAL, "-o", str(tmp_path / "link.md"), "--force")
    assert code == 0, err
    assert (tmp_path / "link.md").is_symlink()  # the link stays a link
    assert "Recommended GPU" in target.read_text() or len(target.read_text()) > 1000


# -- resource exhaustion -------------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    # nine levels of nine aliases: a few hundred bytes that expand to 9^9 = 387 million values
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        this, below = chr(97 + level), chr(96 + level)
        lines.append(f"{this}: &{this} [{', '.join([f'*{below}'] * 9)}]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    refused("report", str(bomb), names="bomb.yaml")


@pytest.mark.parametrize("suffix", ["toml", "yaml"])
def test_deep_nesting_is_refused(tmp_path: Path, suffix: str) -> None:
    deep = tmp_path / f"deep.{suffix}"
    sep = " = " if suffix == "toml" else ": "
    deep.write_text("a" + sep + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "levels" in refused("report", str(deep))


def test_deep_json_config_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert "levels" in refused("infer", "--model", str(config), "--samples", "0")


def test_a_config_json_that_is_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "config.json"
    link.symlink_to("/dev/zero")
    assert "regular file" in refused("infer", "--model", str(link), "--samples", "0")


def test_a_config_json_that_is_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    assert "regular file" in refused("infer", "--model", str(fifo), "--samples", "0")


def test_a_scenario_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    assert "regular file" in refused("report", str(fifo))


def test_a_sweep_past_its_memory_bound_is_refused_before_it_runs() -> None:
    line = refused("sweep", SMARTPAL, "--vary", "dau=1M..1B:10000000", names="--vary")
    assert "GB" in line and "BOTEC_MAX_SWEEP_BYTES" in line


def test_an_oversized_scenario_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text("title = 'x'\n" + "# padding\n" * 1_100_000)
    assert "at most 10,000,000 bytes" in refused("report", str(big))


# -- catalog files --------------------------------------------------------------------------------

_GPU = """[hardware.mygpu]
name = "My GPU"
source = "test"
as_of = "2026"
memory_bytes = 80e9
memory_bandwidth_bytes_per_s = {bandwidth}
peak_flop_per_s = {{ bf16 = 1e15, fp16 = 1e15 }}
"""


@pytest.mark.parametrize("bad", ["0", "-1", "nan", '"fast"'])
@pytest.mark.parametrize(
    "command",
    [
        ("memory", "--params", "7B", "--gpu", "mygpu", "--training"),
        ("infer", "--params", "7B", "--gpu", "mygpu"),
        ("train", "--params", "7B", "--tokens", "1T", "--gpu", "mygpu"),
    ],
)
def test_a_bad_catalog_number_is_named(tmp_path: Path, bad: str, command: tuple[str, ...]) -> None:
    catalog = tmp_path / "cat.toml"
    catalog.write_text(_GPU.format(bandwidth=bad))
    refused(*command, "--catalog", str(catalog), "--samples", "0", names="memory_bandwidth")


def test_a_negative_price_in_a_catalog_is_refused(tmp_path: Path) -> None:
    catalog = tmp_path / "p.toml"
    catalog.write_text("[prices.gpu.a100-80gb]\non_demand_usd_per_hour = -2\n")
    refused(
        "plan", "--model", "llama-3.1-8b", "--qps", "10", "--catalog", str(catalog),
        names="on_demand_usd_per_hour",
    )  # fmt: skip


def test_infer_batch_zero_is_refused_not_run_at_batch_one() -> None:
    # `batch or 1` turned 0 into 1 for the seed's method; --batch -5 was refused
    refused("infer", "--params", "7B", "--batch", "0", "--samples", "0", names="--batch")


def test_a_fixed_whole_run_share_in_a_catalog_is_used_not_a_traceback(tmp_path: Path) -> None:
    # dist = "fixed" makes a plain number, which has no .source: train raised AttributeError.
    # The share the catalog gives is the one used.
    catalog = tmp_path / "wr.toml"
    catalog.write_text(
        "[assumptions.whole_run_efficiency]\nnominal = 0.9\nlow = 0.9\nhigh = 0.9\n"
        'dist = "fixed"\nsource = "test"\n'
    )
    code, out, err = cli(
        "train", "--params", "7B", "--tokens", "1T", "--gpu", "a100-80gb", "--gpus", "64",
        "--catalog", str(catalog), "--samples", "0", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    inputs = json.loads(out)["inputs"]
    assert inputs["whole_run_efficiency"]["value"] == 0.9


# -- nonsense printed as an answer --------------------------------------------------------------


def test_a_subnormal_mfu_is_refused_at_its_flag() -> None:
    # 1e-308 made the training time infinite, refused only at the time's step; now the flag
    line = refused(
        "train", "--params", "7B", "--tokens", "1T", "--mfu", "1e-308", "--gpus", "8",
        "--samples", "0", names="--mfu",
    )  # fmt: skip
    assert "under 1e-09" in line


def test_a_step_whose_result_is_infinite_is_refused_with_its_inputs() -> None:
    # 6 × 1e200 × 1e200 overflows a float: the step names its inputs, never prints 'inf FLOP'
    from botec.core.errors import BotecInputError
    from botec.core.sheet import Sheet
    from botec.estimators.training import DENSE_FLOPS

    sheet = Sheet()
    with pytest.raises(BotecInputError) as info:
        sheet.step(
            DENSE_FLOPS,
            flop_per_param_per_token=sheet.input("flop_per_param_per_token", 6, "FLOP/param/token"),
            params=sheet.input("params", 1e200, "params"),
            tokens=sheet.input("tokens", 1e200, "tokens"),
        )
    assert info.value.field == "dense_flops"
    assert "finite" in info.value.allowed and "params = " in info.value.allowed


def test_a_deadline_past_the_gpu_cap_is_refused() -> None:
    line = refused(
        "train", "--params", "7B", "--tokens", "1T", "--deadline", "1 s", names="--deadline"
    )
    assert "10,000,000" in line


def test_an_absurd_fleet_is_warned_and_never_ticked() -> None:
    code, out, err = cli("plan", "--model", "llama-3.1-8b", "--qps", "1e15", "--samples", "0")
    assert code == 0, err
    assert "✔" not in out
    assert "implausible scale" in out
    assert "T/month" not in out  # $4.92e+17/month, not "$492,000T/month"


def test_a_prompt_past_the_context_names_the_context() -> None:
    code, out, err = cli(
        "infer", "--model", "llama-2-7b", "--input-tokens", "1e9", "--samples", "0", "--brief"
    )
    assert code == 0, err
    assert "past Llama 2 7B's context of 4,096 tokens" in out


def test_a_tiny_parameter_count_is_refused() -> None:
    refused("memory", "--params", "1e-308", names="--params")


# -- inputs accepted and ignored or half-checked ------------------------------------------------


def test_memory_bandwidth_beside_a_model_is_refused() -> None:
    refused(
        "infer", "--model", "llama-3.1-8b", "--memory-bandwidth", "-2 TB/s", "--samples", "0",
        names="--memory-bandwidth",
    )  # fmt: skip


def test_tp_that_does_not_split_the_heads_is_refused() -> None:
    line = refused("infer", "--model", "llama-3.1-8b", "--tp", "3", "--samples", "0", names="--tp")
    assert "32 attention heads" in line


def test_tp_past_the_kv_heads_counts_the_copies() -> None:
    # Llama 3.1 8B: 8 KV heads, 128 dims, 32 layers, 2 bytes: 2·32·8·128·2 = 131,072 B/token;
    # at TP 16 each of the 8 heads is held twice: 262,144 B/token across the group.
    code, out, err = cli(
        "infer", "--model", "llama-3.1-8b", "--tp", "16", "--samples", "0", "--format", "json"
    )
    assert code == 0, err
    import json

    results = json.loads(out)["results"]
    assert results["kv_cache_per_token"]["value"] == 2 * 32 * 8 * 128 * 2
    assert results["kv_cache_per_token_replicated"]["value"] == 2 * 2 * 32 * 8 * 128 * 2


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("infer", "--model", "llama-3.1-8b", "--params", "70B"), "--model/--params"),
        (("plan", "--model", "llama-3.1-8b", "--params", "70B", "--qps", "5"), "--model/--params"),
        (("train", "--model", "llama-2-7b", "--params", "-7B"), "--model/--params"),
        (("infer", "--model", "llama-2-7b", "--qps", "-1"), "--qps/--model"),
        (("infer", "--model", "llama-2-7b", "--peak-factor", "0"), "--peak-factor/--model"),
        (("traffic", "--dau", "1M", "--qps", "100"), "--qps/--dau"),
        (("traffic", "--dau", "10M", "--mau", "1M"), "--dau/--mau"),
        (
            (
                "plan",
                "--model",
                "llama-3.1-8b",
                "--qps",
                "5",
                "--ttft-p50",
                "2s",
                "--ttft-p99",
                "1s",
            ),
            "--ttft-p50/--ttft-p99",
        ),
        (("compare", SMARTPAL, "--gpu", "a100-80gb,h100-sxm", "--budget", "-5"), "--budget"),
        (("compare", SMARTPAL, "--gpu", "a100-80gb,a100-80gb"), "--gpu"),
        (("infer", "--model", "llama-3.1-8b", "--gpu", ""), "--gpu"),
        (("infer", "--model", "llama-3.1-8b", "--output-tokens", "100.5"), "--output-tokens"),
        (("sweep", SMARTPAL, "--vary", "dau=1M..10M", "--vary", "dau=1M,2M"), "--vary"),
    ],
)
def test_contradictions_are_refused_naming_both(args: tuple[str, ...], names: str) -> None:
    extra = () if args[0] in ("compare", "sweep") else ("--samples", "0")
    refused(*args, *extra, names=names)


def test_duplicate_yaml_keys_are_refused_as_in_toml(tmp_path: Path) -> None:
    scenario = tmp_path / "dup.yaml"
    scenario.write_text("users:\n  requests_per_second: 5\n  requests_per_second: 50\n")
    assert "twice" in refused("report", str(scenario))


# -- misleading messages -------------------------------------------------------------------------


def test_did_you_mean_offers_only_listed_names_once() -> None:
    line = refused("infer", "--params", "7B", "--gpu", "h10x", "--samples", "0", names="--gpu")
    listed, _, offered = line.partition("; did you mean ")
    suggestions = offered.rstrip("?").split(" or ")
    assert suggestions and len(set(suggestions)) == len(suggestions)
    for name in suggestions:
        assert f" {name}," in listed or listed.endswith(f" {name}")


def test_a_precision_the_device_lacks_names_the_device_too() -> None:
    line = refused("train", "--params", "7B", "--tokens", "1T", "--gpu", "cpu", "--samples", "0")
    assert "--gpu" in line and "--precision" in line


# -- contradictions ------------------------------------------------------------------------------


def test_the_least_layout_counts_the_sequence_length() -> None:
    # A 1M-token sequence: activations alone (34·s·h·L bytes at h = 4096, L = 32, ~4.5 TB before
    # recomputation) need far more than the 2 GPUs a 7B model's states fit on at 4K tokens.
    code, out, err = cli("train", "--params", "7B", "--seq-len", "1M", "--samples", "0", "--brief")
    assert code == 0, err
    assert "the least that fits is 2 GPUs" not in out


def test_a_failed_plan_carries_no_fleet_or_cost() -> None:
    # A 1 ms TTFT is below any prefill of Llama 3.1 8B on an A100 (tens of ms): no option meets it.
    code, out, err = cli(
        "plan", "--model", "llama-3.1-8b", "--qps", "1e6", "--ttft-p99", "1ms", "--format", "json"
    )
    assert code == 0, err
    import json

    document = json.loads(out)
    fleet = [k for k in document["results"] if "gpus" in k or "cost" in k or "replica" in k]
    assert fleet == []
    assert any("No option meets the targets" in n["text"] for n in document["notes"])


# -- found by the red-team pass after the fixes above ----------------------------------------


def test_a_config_json_integer_past_python_s_digit_limit_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"model_type": "llama", "hidden_size": ' + "9" * 5000 + "}")
    assert "valid JSON" in refused("models", "show", str(config))


def test_a_sweep_over_an_unpriced_gpu_leaves_its_cost_blank(tmp_path: Path) -> None:
    code, out, err = cli("sweep", SMARTPAL, "--vary", "gpu=a100-80gb,cpu", "--format", "json")
    assert code == 0, err
    import json

    rows = json.loads(out)["rows"]
    assert [r["gpu"] for r in rows] == ["a100-80gb", "cpu"]


def test_a_latency_target_can_be_swept() -> None:
    plan = str(ROOT / "scenarios" / "llm-serving-plan.toml")
    code, _, err = cli("sweep", plan, "--vary", "serving_plan.ttft_p99=1s,2s")
    assert code == 0, err


def test_a_second_axis_whose_values_print_alike_still_draws(tmp_path: Path) -> None:
    out = tmp_path / "s.html"
    code, _, err = cli(
        "sweep", SMARTPAL, "--vary", "dau=1M..2M:2", "--vary", "peak_factor=1..1.01:3",
        "--format", "html", "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert out.exists()


def test_a_price_list_that_is_a_device_is_refused(tmp_path: Path) -> None:
    recipe = tmp_path / "recipe.toml"
    recipe.write_text(
        '[basis.market]\nname = "m"\nkind = "market"\nsource = "s"\nas_of = "2026-08"\n'
        'files = { lambda = "/dev/zero" }\n'
    )
    assert "regular file" in refused("prices", "build", str(recipe))


def test_a_device_is_never_replaced_by_o_even_with_force() -> None:
    assert Path("/dev/null").exists()
    refused("report", SMARTPAL, "-o", "/dev/null", "--force", names="-o/--output")
    assert not Path("/dev/null").is_file()


def test_a_bundled_example_is_never_an_output() -> None:
    from botec.examples import EXAMPLES_DIR

    target = str(EXAMPLES_DIR / "smartpal.toml")
    refused("examples", "show", "smartpal", "-o", target, "--force", names="-o/--output")


def test_an_implausible_seed_fleet_is_flagged_in_the_report() -> None:
    code, out, err = cli(
        "report", SMARTPAL, "--samples", "0", "--set", "inference.compute_utilization=1e-9"
    )
    assert code == 0, err
    assert "implausible scale" in out


def test_brief_says_when_the_model_does_not_fit() -> None:
    # Llama 2 70B in FP16 is 138 GB: it cannot fit one 24 GB L4
    code, out, err = cli(
        "infer", "--model", "llama-2-70b", "--gpu", "l4", "--samples", "0", "--brief"
    )
    assert code == 0, err
    assert "do not fit" in out


def test_a_fraction_of_a_token_is_refused() -> None:
    refused("train", "--params", "7B", "--tokens", "1e-308", "--samples", "0", names="--tokens")


def test_a_config_json_integer_past_float_range_is_refused(tmp_path: Path) -> None:
    import json

    config = tmp_path / "config.json"
    shape = {"model_type": "llama", "hidden_size": 10**400, "num_attention_heads": 8}
    shape |= {"num_hidden_layers": 2, "intermediate_size": 64, "vocab_size": 100}
    config.write_text(json.dumps(shape))
    assert "hidden_size" in refused("models", "show", str(config))


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (("infer", "--params", "7B", "--engine", "zzz"), "--engine"),
        (("infer", "--params", "7B", "--kv-precision", "fp8"), "--kv-precision"),
        (("report", PLAN, "--set", "serving.tensor_parallel=3"), "serving.tensor_parallel"),
    ],
)
def test_options_a_path_would_ignore_are_refused(args: tuple[str, ...], names: str) -> None:
    refused(*args, "--samples", "0", names=names)


def test_query_heads_must_be_a_multiple_of_kv_heads(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text("[model]\nparams = '7B'\nheads = 3\nkv_heads = 2\n")
    refused("report", str(scenario), names="model.heads/model.kv_heads")


def test_prices_build_refuses_a_date_that_is_not_one() -> None:
    from botec.catalog.price_import import BUNDLED_RECIPE

    refused("prices", "build", str(BUNDLED_RECIPE), "--as-of", "2026-13-45", names="--as-of")


@pytest.mark.parametrize(
    ("line", "field"), [('kind = "quantum"', "kind"), ('interconnect = "nope"', "interconnect")]
)
def test_catalog_hardware_words_are_checked(tmp_path: Path, line: str, field: str) -> None:
    catalog = tmp_path / "cat.toml"
    catalog.write_text(_GPU.format(bandwidth="2e12") + line + "\n")
    refused("hardware", "show", "mygpu", "--catalog", str(catalog), names=field)


def test_a_value_one_section_states_and_another_takes_as_the_catalog_range_is_named() -> None:
    # [image_generation] states roofline_sharpness; [serving] leaves it out and takes the
    # catalog's range. One symbol, two meanings: refused with both, never a traceback (the fuzz
    # test found a ValueError here).
    from botec.analysis.evaluate import evaluate
    from botec.core.errors import BotecInputError
    from botec.scenario import scenario_from_dict

    serving = {
        "model": "llama-3.1-8b",
        "gpu": "h100-sxm",
        "input_tokens": 200,
        "output_tokens": 100,
    }
    image = {"model": "sdxl", "gpu": "h100-sxm", "images_per_day": "1M"}
    for stated in (3, 4):
        scenario = scenario_from_dict(
            {
                "title": "mixed",
                "serving": serving,
                "image_generation": {**image, "roofline_sharpness": stated},
            }
        )
        with pytest.raises(BotecInputError) as info:
            evaluate(scenario, samples=0)
        text = str(info.value)
        assert "roofline_sharpness" in text and f"{stated} (Image generation)" in text
        assert "(Serving)" in text
    # stated alike in both, it is one input again
    both = scenario_from_dict(
        {
            "title": "mixed",
            "serving": {**serving, "roofline_sharpness": "2 to 5"},
            "image_generation": {**image, "roofline_sharpness": "2 to 5"},
        }
    )
    evaluate(both, samples=200)


def test_a_total_that_leaves_out_an_unpriced_fleet_says_so() -> None:
    # No price list has a CPU socket by the GPU-hour: SmartPal's total on CPUs is egress and
    # storage only, and the report must say so beside it rather than print it as the whole bill.

    from botec.commands import report

    sheet = report(SCENARIOS / "smartpal.toml", overrides=["inference.gpu=cpu-modern"],
                         samples=0)  # fmt: skip
    notes = [n.text for n in sheet.notes if n.verdict]
    assert any("total monthly cost leaves out the Modern server CPU" in t for t in notes), notes
    priced = report(SCENARIOS / "smartpal.toml", samples=0)
    assert not any("leaves out" in n.text for n in priced.notes)


def test_a_cpu_or_tpu_report_says_what_its_gpu_figures_count() -> None:
    import botec

    cpu = botec.train(model="llama-2-7b", gpu="cpu-modern", precision="fp32", samples=0)
    assert any("is a CPU: every 'GPU' here" in n.text for n in cpu.notes)
    tpu = botec.infer(model="llama-3.2-1b", gpu="tpu-v5e", samples=0)
    assert any("is a TPU: every 'GPU' here" in n.text for n in tpu.notes)
    gpu = botec.infer(model="llama-3.2-1b", samples=0)
    assert not any("every 'GPU' here" in n.text for n in gpu.notes)


def test_o_may_not_be_a_chart_the_day_s_plot_writes(tmp_path: Path) -> None:
    # --plot a.svg on a [deployment] day also writes a-day.svg and a-break-even.svg: an -o onto
    # one of them is refused before anything is written, not after the charts were drawn
    out = tmp_path / "a-day.svg"
    code, _, err = cli("report", str(SCENARIOS / "smartpal-daily.toml"), "--plot",
                       str(tmp_path / "a.svg"), "-o", str(out))  # fmt: skip
    assert code == 2 and "charts --plot may write" in err
    assert list(tmp_path.iterdir()) == []


def test_a_lone_surrogate_is_refused_naming_its_field(tmp_path: Path) -> None:
    # "\ud800" is valid JSON and YAML escape syntax but no UTF-8 text: a title holding it used to
    # pass validation and fail with a traceback when the report was printed.
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        'title: "\\ud800"\nusers:\n  daily_active_users: 1M\n  requests_per_user_per_day: 5\n'
    )
    assert "lone surrogate" in refused("report", str(scenario), names="s.yaml.title")
    from fastapi.testclient import TestClient

    from botec.web.app import create_app

    body = '{"scenario": {"title": "\\ud800", "users": {"requests_per_second": 5}}}'
    r = TestClient(create_app()).post(
        "/api/report", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "body.scenario.title"


def test_a_report_naming_an_undecodable_path_is_written(tmp_path: Path) -> None:
    # A folder named with the byte 0xff (not UTF-8): Python hands it over as the surrogate
    # escape '\udcff'; the report quotes the path, and -o writes those bytes back, not a crash.
    folder = tmp_path / os.fsdecode(b"d\xff")
    folder.mkdir()
    (folder / "config.json").write_text((ROOT / "tests/data/configs/llama-7b.json").read_text())
    out = tmp_path / "report.txt"
    code, _out, err = cli("infer", "--model", str(folder / "config.json"), "-o", str(out))
    assert code == 0, err
    assert b"d\xff" in out.read_bytes()


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("serving_plan", "prefill_chunk_tokens"),
        ("serving_plan", "spare_replicas"),
        ("training", "zero_stage"),
    ],
)
def test_true_is_not_a_count_in_a_scenario(section: str, field: str) -> None:
    # TOML's and JSON's true equals 1 to Python: spare_replicas = true ran N+1 redundancy and
    # zero_stage = true ZeRO-1 without a word
    from botec.core.errors import BotecInputError
    from botec.scenario import scenario_from_dict

    with pytest.raises(BotecInputError) as info:
        scenario_from_dict({"title": "t", section: {field: True}})
    assert info.value.field == f"{section}.{field}" and "not true or false" in info.value.allowed


def test_a_seed_check_of_nan_is_refused_not_written_as_nan_json(tmp_path: Path) -> None:
    # JSON has no NaN: a seed_check value of nan reached the report as a bare NaN token
    scenario = tmp_path / "nan.toml"
    scenario.write_text(
        'title = "t"\n[users]\ndaily_active_users = "1M"\nrequests_per_user_per_day = 5\n'
        '[[seed_check]]\nresult = "requests_per_second"\nprinted = "x"\nvalue = nan\ncite = "c"\n'
    )
    code, out, err = cli("report", str(scenario), "--format", "json")
    assert code != 0 and out == ""
    assert err.startswith("error: seed_check.0.value: got nan; expected a finite number"), err


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_a_scenario_saved_with_a_byte_order_mark_is_read(tmp_path: Path, suffix: str) -> None:
    # Windows editors prefix UTF-8 with EF BB BF: TOML called it an invalid statement at line 1
    body = (
        'title = "t"\n[users]\ndaily_active_users = "1M"\nrequests_per_user_per_day = 5\n'
        if suffix == ".toml"
        else "title: t\nusers:\n  daily_active_users: 1M\n  requests_per_user_per_day: 5\n"
    )
    scenario = tmp_path / f"bom{suffix}"
    scenario.write_bytes(b"\xef\xbb\xbf" + body.encode())
    code, out, err = cli("report", str(scenario), "--samples", "0", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["results"]["total_requests_per_second"]["value"] == pytest.approx(
        1e6 * 5 / 86_400  # 1M users × 5 requests a day over 86,400 s
    )


@pytest.mark.parametrize(
    "args",
    [
        ("traffic", "--qps", "10", "-o", ""),
        ("traffic", "--qps", "10", "--plot", ""),
        ("traffic", "--qps", "10", "--catalog", ""),
        ("report", ""),
    ],
)
def test_an_empty_file_name_is_named_as_typed_not_as_the_working_folder(
    args: tuple[str, ...],
) -> None:
    # Path('') is '.', so the message said "got '.'" for a name the user left empty
    code, _out, err = cli(*args)
    assert code != 0 and "got ''; expected a file name" in err and "'.'" not in err, err
