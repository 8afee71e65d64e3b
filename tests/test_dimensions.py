"""Dimensional consistency: every step botec computes, re-evaluated with pint on its inputs'
declared units, has the dimension of the unit botec declares for it, and the same number.

Bytes, FLOP, tokens, requests, sequences and USD are distinct base dimensions, beside time and
power (tests/dimensions_registry.py), so bytes/s cannot pass for FLOP/s nor tokens for requests;
other counts (GPUs, parameters, users, layers...) are plain numbers. The sheets are every
bundled scenario and the direct commands with typical arguments (plus a few scenario fields no
command sets), chosen so that every formula defined in ``botec.estimators`` is checked at least
once.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pint
import pytest
from dimensions_registry import (
    FUNCTIONS,
    UREG,
    UnmappedUnitError,
    check,
    check_conversion,
    dimension_of,
    to_pint,
)

import botec
import botec.estimators
from botec.core.expr import FUNCTIONS as BOTEC_FUNCTIONS
from botec.core.sheet import Formula, Sheet, Value
from botec.run import run_scenario
from botec.scenario import load_scenario, scenario_from_dict

SCENARIOS = Path(botec.__file__).parent / "scenarios"
CONFIGS = Path(__file__).parent / "data" / "configs"

# A case builds one sheet; it gets a scratch folder for the config.json variants it writes.
Case = Callable[[Path], Sheet]


def _scenario(path: Path) -> Case:
    return lambda _tmp: run_scenario(load_scenario(path))


def _command(name: str, **kwargs: Any) -> Case:
    # samples=0: point values only; the check needs one number per step, not the draws
    return lambda _tmp: getattr(botec, name)(samples=0, **kwargs)


def _data(data: dict[str, Any]) -> Case:
    return lambda _tmp: run_scenario(scenario_from_dict({"title": "dimensions", **data}))


def _edited(name: str, changes: dict[str, Any]) -> Case:
    """A bundled scenario with some sections replaced (fields no command sets)."""

    def build(_tmp: Path) -> Sheet:
        data = tomllib.loads((SCENARIOS / f"{name}.toml").read_text())
        data.pop("seed_check", None)  # the printed figures are for the scenario as bundled
        return run_scenario(scenario_from_dict({**data, **changes}))

    return build


def _config(name: str) -> str:
    return str(CONFIGS / f"{name}.json")


def _config_variant(base: str, changes: dict[str, Any], command: str, **kwargs: Any) -> Case:
    """A bundled config.json with some keys changed (None removes one): shapes no bundled
    config has, for the parameter-counting formulas only they reach."""

    def build(tmp: Path) -> Sheet:
        config = json.loads((CONFIGS / f"{base}.json").read_text())
        for key, value in changes.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        path = tmp / f"{base}-{'-'.join(changes)}.json"
        path.write_text(json.dumps(config))
        return getattr(botec, command)(model=str(path), samples=0, **kwargs)

    return build


CASES: dict[str, Case] = {
    **{f"scenario:{p.stem}": _scenario(p) for p in sorted(SCENARIOS.glob("*.toml"))},
    # memory
    "memory:weights+training+kv": _command(
        "memory", params="7B", context=4096, sequences=8, training=True
    ),
    "memory:fit": _command("memory", model="llama-3.1-8b", gpu="h100-sxm"),
    "memory:fit-sliding-window": _command("memory", model="mistral-7b", gpu="t4", context="32K"),
    "memory:fit-hybrid-window": _command(
        "memory", model="gemma-3-27b", gpu="h100-sxm", context="128K"
    ),
    "memory:fit-bloom-config": _command("memory", model=_config("bloom-176b"), gpu="h100-sxm"),
    "memory:fit-deepseek-v3-config": _command("memory", model=_config("deepseek-v3"), gpu="h200"),
    "memory:fit-gpt-j-config": _command("memory", model=_config("gpt-j-6b"), gpu="a100-80gb"),
    "memory:fit-qwen3-moe-config": _command(
        "memory", model=_config("qwen3-235b-a22b"), gpu="h100-sxm"
    ),
    "memory:fit-mla-without-query-latent": _config_variant(
        "deepseek-v3", {"q_lora_rank": None}, "memory", gpu="h200"
    ),
    "memory:fit-moe-shared-expert-gate": _config_variant(
        "qwen3-235b-a22b", {"shared_expert_intermediate_size": 4096}, "memory", gpu="h200"
    ),
    # train
    "train:params-tokens-price": _command(
        "train", params="7B", tokens="1T", gpus=64, mfu=0.4, price=2, memory=True
    ),
    "train:config-deadline-budgets-full-recompute": _command(
        "train",
        model=_config("llama-2-7b"),
        tokens="1T",
        deadline="30 days",
        budget="$1M",
        budget_gpu_hours=100_000,
        price_basis="aws-spot",
        recompute="full",
        memory=True,
    ),
    "train:budget-without-tokens": _command(
        "train", params="7B", budget="$1M", price=2, memory=True
    ),
    "train:fp8-long-context": _command(
        "train",
        model="llama-3.1-70b",
        tokens="2T",
        gpus=1024,
        gpu="h100-sxm",
        precision="fp8",
        seq_len=8192,
    ),
    "train:qlora": _command(
        "train", model="llama-2-7b", tokens="1B", gpus=8, finetune="qlora", memory=True
    ),
    "train:lora-70b": _command(
        "train", model="llama-2-70b", tokens="1B", gpus=8, finetune="lora", memory=True
    ),
    "train:no-recompute-1b": _command(
        "train",
        model="llama-3.2-1b",
        tokens="10B",
        gpus=8,
        recompute="none",
        memory=True,
        seq_len="2048",
    ),
    "train:full-recompute-405b": _command(
        "train", model="llama-3.1-405b", tokens="1T", gpus=2048, recompute="full", memory=True
    ),
    "train:distillation": _command(
        "train",
        params="1B",
        tokens="100B",
        gpus=64,
        teacher="llama-3.1-70b",
        teacher_tokens="100B",
        budget="$1M",
    ),
    "train:mla": _command("train", model="deepseek-v3", tokens="1T", gpu="h800", gpus=2048),
    "train:moe-catalog": _command(
        "train",
        model="mixtral-8x7b",
        tokens="1T",
        gpus=512,
        memory=True,
        recompute="none",
        seq_len=32768,
    ),
    "train:moe-total-params": _command(
        "train", params="13B", total_params="47B", tokens="1T", gpus=512
    ),
    "train:mixtral-config": _command(
        "train", model=_config("mixtral-8x7b"), tokens="100B", gpus=256, gpu="h100-sxm"
    ),
    "train:opt-config": _command(
        "train", model=_config("opt-13b"), tokens="100B", gpus=256, gpu="h100-sxm"
    ),
    "train:spot-share": _data(
        {
            "training": {
                "params": "7B",
                "tokens": "1T",
                "gpus": 64,
                "usd_per_gpu_hour": 2,
                "spot_price_fraction": 0.4,
            }
        }
    ),
    # infer
    "infer:roofline": _command("infer", model="llama-3.1-8b", gpu="h100-sxm"),
    "infer:sliding-window": _command("infer", model="mistral-7b", gpu="h100-sxm"),
    "infer:hybrid-window": _command("infer", model="gemma-2-9b", gpu="h100-sxm"),
    "infer:moe-attention-dp": _command(
        "infer", model="qwen3-235b-a22b", gpu="h200", precision="fp8", tp=8, attention_dp=True
    ),
    "infer:memory-bound-seed": _command("infer", params="7B", gpu="a100-80gb", qps=10),
    "infer:compute-bound-seed": _command(
        "infer", params="7B", gpu="h100-sxm", method="compute-bound", qps=10
    ),
    "infer:fp8-tp4-tensorrt-0.6": _command(
        "infer",
        model="llama-3.1-70b",
        gpu="h100-sxm",
        tp=4,
        precision="fp8",
        engine="tensorrt-llm-0.6",
    ),
    "infer:llama.cpp-2023-batch": _command(
        "infer", model="llama-2-7b", gpu="a100-80gb", engine="llama.cpp-2023", batch=8
    ),
    "infer:vllm-0.5": _command("infer", model="llama-3.1-8b", gpu="a100-80gb", engine="vllm-0.5"),
    "infer:moe-config": _command("infer", model=_config("mixtral-8x7b"), gpu="h100-sxm", tp=2),
    "infer:tp-past-kv-heads": _command("infer", model="qwen3-30b-a3b", gpu="h100-sxm", tp=8),
    # plan
    "plan:qps": _command("plan", model="llama-3.1-8b", gpu="h100-sxm", qps=50),
    "plan:dau-moe-two-gpus-spot": _command(
        "plan",
        model="mixtral-8x7b",
        gpu="h100-sxm,l40s",
        dau="1M",
        requests_per_user=10,
        price_basis="aws-spot",
    ),
    "plan:qwen3-moe-tensorrt-0.6": _command(
        "plan", model="qwen3-235b-a22b", gpu="h200", qps=5, engine="tensorrt-llm-0.6"
    ),
    "plan:spot-share": _data(
        {
            "users": {"requests_per_second": 50},
            "serving": {
                "model": "llama-3.1-8b",
                "gpu": "h100-sxm",
                "input_tokens": 512,
                "output_tokens": 256,
            },
            "serving_plan": {},
            "cost": {"gpu_price": "spot", "spot_price_fraction": 0.4},
        }
    ),
    "scenario:smartpal-at-spot-share": _edited(
        "smartpal", {"cost": {"gpu_price": "spot", "spot_price_fraction": 0.4}}
    ),
    # traffic, storage
    "traffic:dau": _command(
        "traffic",
        dau="1M",
        requests_per_user=10,
        peak_factor=3,
        request_size="2 KB",
        response_size="10 KB",
        output_tokens=500,
    ),
    "traffic:mau-qps": _command("traffic", mau="10M", dau_fraction=0.2, requests_per_user=5),
    # image and video generation: a UNet with an FP32 VAE, a DiT with a fleet, a video clip
    "image:sdxl": _command("image", model="sdxl", gpu="a100-80gb", images_per_day="1M"),
    "image:flux-sp": _command("image", model="flux.1-dev", gpu="h100-sxm", gpus_per_job=2),
    "video:wan": _command("video", model="wan2.1-14b", gpu="h100-sxm", videos_per_day="10K"),
    # embeddings: each index kind, with queries to size the search cores
    "embed:flat": _command("embed", documents="1M", index="flat", qps=10),
    "embed:hnsw": _command("embed", documents="10M", index="hnsw", qps=1000),
    "embed:ivf-flat": _command("embed", documents="10M", index="ivf-flat", qps=100),
    "speech:turbo-fleet": _command(
        "speech", model="whisper-large-v3-turbo", batch=8, audio_hours_per_day="1K"
    ),
    "speech:small-beam": _command("speech", model="whisper-small", beam=5, runtime="pytorch"),
    # a workload with no daily volume of its own serves [users]' requests
    "speech:users": _data(
        {
            "users": {"daily_active_users": 1000, "requests_per_user_per_day": 2},
            "speech": {"audio_seconds": 90},
        }
    ),
    "tts:users-rate": _data(
        {"users": {"requests_per_second": 3}, "speech_synthesis": {"characters": 300}}
    ),
    "image:users": _data(
        {"users": {"requests_per_second": 2}, "image_generation": {"model": "sdxl"}}
    ),
    "video:users": _data(
        {"users": {"requests_per_second": 0.01}, "video_generation": {"model": "wan2.1-14b"}}
    ),
    "embed:rag-one-request": _data(
        {
            "serving": {"model": "llama-3.1-8b", "input_tokens": 2592, "output_tokens": 300},
            "embeddings": {"documents": "1M"},
        }
    ),
    "recsys:dlrm-gpu": _command("recsys", model="dlrm-dcnv2", device="gpu", qps=1000),
    "recsys:dlrm-cpu": _command("recsys", model="dlrm-criteo-kaggle", qps=1000),
    "recsys:trees": _command("recsys", kind="trees", trees=500, tree_depth=6, qps=1000),
    "tts:orpheus-fleet": _command("tts", model="orpheus-3b", streams=8, characters_per_day="1B"),
    "tts:f5": _command("tts", model="f5-tts", gpu="rtx-3090", precision="fp16", steps=16),
    "embed:ivf-pq": _command("embed", documents="100M", index="ivf-pq", nlist=65536, qps=100),
    "storage:all": _command(
        "storage",
        dau="1M",
        users="1M",
        profile_size="10 KB",
        interaction_size="1 KB",
        events_per_user=5,
        price=0.023,
    ),
}


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Sheet]:
    tmp = tmp_path_factory.mktemp("configs")
    return {name: build(tmp) for name, build in CASES.items()}


def _problem(step: Value) -> str | None:
    """What is wrong with one step's dimension or magnitude, as a paragraph; None if nothing."""
    assert step.formula is not None and step.args is not None
    args = {key: (arg.value, arg.unit) for key, arg in step.args.items()}
    inputs = ", ".join(f"{a.name} [{a.unit}]" for a in step.args.values())
    head = f"{step.name} = {step.formula_text()}    (Formula {step.formula.name!r})"
    try:
        found = check(step.formula.expr, step.unit, step.value, args)
    except UnmappedUnitError as exc:
        return f"{head}\n    {exc}: add it to dimensions_registry.WORDS"
    if found is None:
        return None
    return (
        f"{head}\n    inputs: {inputs}\n    pint derives {found.derived}; declared "
        f"{step.unit!r} is {found.declared}\n    {found.detail}"
    )


def _constant_problem(value: Value) -> str | None:
    """A conversion constant (s/day, B/GB...) whose value is not the factor its unit names."""
    try:
        found = check_conversion(value.value, value.unit)
    except UnmappedUnitError as exc:
        return f"{value.name} [{value.unit}]\n    {exc}: add it to dimensions_registry.WORDS"
    return None if found is None else f"{value.name} = {value.value!r}\n    {found.detail}"


def problems(sheet: Sheet) -> list[str]:
    """Every input whose value contradicts its unit, then every step that disagrees with its
    declared unit."""
    # Conversion constants only: a user's '10,000 h/day' of audio is a quantity, not a factor.
    found = [_constant_problem(v) for v in sheet.inputs.values() if v.kind == "constant"]
    found += [_problem(step) for step in sheet.steps.values()]
    return [p for p in found if p is not None]


@pytest.mark.parametrize("case", list(CASES))
def test_every_step_has_its_declared_dimension(sheets: dict[str, Sheet], case: str) -> None:
    sheet = sheets[case]
    assert sheet.steps, f"{case}: no steps to check"
    found = problems(sheet)
    if found:
        pytest.fail(
            f"{case}: {len(found)} disagree with their declared unit (of {len(sheet.inputs)} "
            f"inputs and {len(sheet.steps)} steps)\n\n" + "\n\n".join(found),
            pytrace=False,
        )


def _defined_formulas() -> Iterator[Formula]:
    """Every Formula an estimators module defines (at top level or in a table of them)."""

    def walk(value: Any, depth: int = 0) -> Iterator[Formula]:
        if isinstance(value, Formula):
            yield value
        elif depth < 3 and isinstance(value, dict):
            for item in value.values():
                yield from walk(item, depth + 1)
        elif depth < 3 and isinstance(value, list | tuple | set | frozenset):
            for item in value:
                yield from walk(item, depth + 1)

    for info in pkgutil.iter_modules(botec.estimators.__path__):
        if info.name == "_sums":  # a cache of sums built at run time, whichever earlier tests ran
            continue
        module = importlib.import_module(f"botec.estimators.{info.name}")
        for name, value in vars(module).items():
            # model_params' _SUMS: the sums built for whichever models earlier tests counted
            # (a tied model's total has no LM head), so it depends on the tests run before
            if name != "_SUMS":
                yield from walk(value)


def test_every_formula_is_checked(sheets: dict[str, Sheet]) -> None:
    # A formula no case reaches is a formula nobody checked: add a case that computes it.
    checked = {id(step.formula) for sheet in sheets.values() for step in sheet.steps.values()}
    defined = {id(f): f for f in _defined_formulas()}
    assert len(defined) > 150, "found too few formulas: has botec.estimators moved?"
    missing = sorted(
        f"{f.name} = {f.expr} [{f.unit}]" for i, f in defined.items() if i not in checked
    )
    assert not missing, "formulas no case computes:\n" + "\n".join(missing)


def test_checker_knows_every_function_of_the_formula_language() -> None:
    assert set(FUNCTIONS) == set(BOTEC_FUNCTIONS)


# -- the checker itself: it must be able to fail ------------------------------------------------


def _one_step(expr: str, unit: str, **inputs: tuple[float, str]) -> Value:
    """A step built with botec's own machinery: inputs on a Sheet, then Sheet.step(Formula)."""
    sheet = Sheet()
    args = {name: sheet.input(name, value, u) for name, (value, u) in inputs.items()}
    return sheet.step(Formula("probe", expr, unit, "probe"), **args)


def test_checker_passes_correct_steps() -> None:
    # without these the checker could fail everything and still look strict
    correct = [
        _one_step("memory_bytes / seconds", "B/s", memory_bytes=(6e9, "B"), seconds=(2.0, "s")),
        _one_step(
            "daily_requests / seconds_per_day",
            "req/s",
            daily_requests=(8.64e6, "req/day"),
            seconds_per_day=(86_400, "s/day"),
        ),
        _one_step(  # a bare 1 beside a count counts the same thing: one sequence fewer
            "max(batch - 1, 0) * seconds_per_sequence"
            " + ceil(stored / bytes_per_gb) * seconds_per_gb",
            "s",
            batch=(8.0, "sequences"),
            seconds_per_sequence=(0.004, "s/sequences"),
            stored=(2.5e9, "B"),
            bytes_per_gb=(1e9, "B/GB"),
            seconds_per_gb=(0.5, "s/GB"),
        ),
        _one_step(  # a smooth maximum of two times is a time, whatever the exponent
            "(compute ** k + memory ** k) ** (1 / k)",
            "s",
            compute=(0.02, "s"),
            memory=(0.03, "s"),
            k=(2.5, ""),
        ),
        _one_step(
            "stored / bytes_per_gb * usd_per_gb_month * months",
            "USD",
            stored=(5e12, "B"),
            bytes_per_gb=(1e9, "B/GB"),
            usd_per_gb_month=(0.023, "USD/GB-month"),
            months=(12.0, "month"),
        ),
    ]
    assert [_problem(step) for step in correct] == [None] * len(correct)


def test_checker_catches_bytes_per_second_declared_as_flop_per_second() -> None:
    step = _one_step(
        "memory_bytes / seconds", "FLOP/s", memory_bytes=(6e9, "B"), seconds=(2.0, "s")
    )
    found = _problem(step)
    assert found is not None
    assert "[information] / [time]" in found and "[compute] / [time]" in found


def test_checker_catches_tokens_declared_as_requests() -> None:
    step = _one_step(
        "requests_per_second * tokens_per_request",
        "req/s",
        requests_per_second=(10.0, "req/s"),
        tokens_per_request=(500.0, "tokens/req"),
    )
    found = _problem(step)
    assert found is not None and "[token] / [time]" in found


def test_checker_catches_a_sum_of_unlike_things() -> None:
    step = _one_step("weights + flops", "B", weights=(1e9, "B"), flops=(1e12, "FLOP"))
    found = _problem(step)
    assert found is not None and "inconsistent" in found


def test_checker_catches_a_wrong_conversion_factor() -> None:
    # GiB's 2**30 recorded as bytes per GB, a 730-hour month where botec's has 720 hours
    sheet = Sheet()
    sheet.constant("bytes_per_gb", 2**30, "B/GB", "Bytes per GB", "wrong")
    sheet.constant("hours_per_month", 730, "h/month", "Hours per month", "wrong")
    sheet.constant("seconds_per_day", 86_400, "s/day", "Seconds per day", "right")
    found = problems(sheet)
    assert len(found) == 2
    assert "bytes_per_gb" in found[0] and "1e+09" in found[0]
    assert "hours_per_month" in found[1] and "720" in found[1]


def test_checker_catches_a_sum_in_mixed_scales() -> None:
    # hours added to seconds: the dimension holds, the number botec adds up does not
    step = _one_step(
        "queue_hours + run_seconds", "s", queue_hours=(2.0, "h"), run_seconds=(60.0, "s")
    )
    found = _problem(step)
    assert found is not None and "pint gets 7260" in found and "botec 62" in found


def test_checker_catches_a_literal_that_hides_a_unit() -> None:
    # '* 1000' turns W·h into kWh only if the 1000 carries W/kW; pint sees a bare number
    step = _one_step(
        "watts * seconds / seconds_per_hour * 1000",
        "kWh",
        watts=(700.0, "W"),
        seconds=(3600.0, "s"),
        seconds_per_hour=(3600.0, "s/h"),
    )
    assert _problem(step) is not None


def test_an_unmapped_unit_fails_loudly() -> None:
    step = _one_step("widgets * 2", "widgets", widgets=(3.0, "widgets"))
    found = _problem(step)
    assert found is not None and "'widgets'" in found and "no pint mapping" in found
    with pytest.raises(UnmappedUnitError):
        to_pint("B/widget")


def test_the_registry_keeps_counts_apart_and_prefixes_right() -> None:
    with pytest.raises(pint.DimensionalityError):
        UREG.Quantity(1, to_pint("tokens")).to(to_pint("req"))
    with pytest.raises(pint.DimensionalityError):
        UREG.Quantity(1, to_pint("B/s")).to(to_pint("FLOP/s"))
    assert dimension_of("sequences") != dimension_of("req") != dimension_of("tokens")
    assert UREG.Quantity(1, "GiB").to("B").magnitude == 2**30
    assert UREG.Quantity(1, "GB").to("B").magnitude == 10**9
    assert UREG.Quantity(1, to_pint("h/month")).to("dimensionless").magnitude == pytest.approx(
        1 / 720
    )
    assert UREG.Quantity(1, to_pint("PF-days")).to("FLOP").magnitude == pytest.approx(8.64e19)


def test_the_registry_counts_gpus_layers_and_params_as_plain_numbers() -> None:
    # the policy: only bytes, FLOP, tokens, requests, sequences and USD (beside time and power)
    # are dimensions; a count of GPUs scales a per-GPU figure like any number
    for word in ("GPUs", "replicas", "users", "layers", "heads", "dims", "params", "experts"):
        assert dimension_of(word) == "dimensionless", word
    assert dimension_of("B/GPU") == dimension_of("B")
    assert dimension_of("token/s") != dimension_of("req/s") != dimension_of("sequences/s")
    # a part in parentheses is a unit of its own: per token of a sequence's length
    assert dimension_of("FLOP/token/(tokens/sequence)") == dimension_of("FLOP-sequence/token/token")


def test_checker_catches_a_count_of_sequences_as_an_exponent() -> None:
    # (1 − k/E)^batch needs the batch as a plain number: a count of sequences is not one
    step = _one_step("(1 - share) ** batch", "", share=(0.25, "fraction"), batch=(8.0, "sequences"))
    found = _problem(step)
    assert found is not None and "inconsistent" in found


def test_every_step_is_in_a_section_the_report_prints(sheets: dict[str, Sheet]) -> None:
    # The text, markdown and HTML reports print a sheet section by section: a step recorded
    # outside every section would be computed (and in the JSON) but never shown.
    bare = sorted(
        f"{case}: {name}"
        for case, sheet in sheets.items()
        for name, step in sheet.steps.items()
        if not step.section
    )
    assert not bare, bare[:10]
