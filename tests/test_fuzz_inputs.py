"""Fuzzing every input botec reads: numbers as people type them and ranges, scenario mappings and
files, catalog entries, config.json files, the command functions' parameters and the CLI's
argument lists, valid and invalid. Every outcome is a result holding only finite numbers or a
BotecInputError (a ParameterError is one); any other exception is a bug.

Bounded for ``make test``: tens to hundreds of examples per test, about 15 s in all when nothing
fails (a failure adds hypothesis's shrinking). Every call is limited to 5 s: a hang fails at once.
The long run:
``BOTEC_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q tests/test_fuzz_inputs.py``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w
import yaml
from click.testing import CliRunner
from fuzz_strategies import (
    BUNDLED,
    GPUS,
    MODELS,
    TMP,
    Hang,
    any_value,
    catalog_targets,
    catalogs,
    cli_args,
    cli_commands,
    command_kwargs,
    fuzz_settings,
    hf_configs,
    non_finite,
    overrides,
    quantity_text,
    range_tables,
    range_text,
    result_problems,
    scenarios,
    sweep_axes,
    time_limit,
)
from hypothesis import assume, given, note
from hypothesis import strategies as st

from botec import commands
from botec.cli import main
from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet
from botec.core.uncertain import Uncertain, parse_uncertain
from botec.core.unit_parsing import DIMENSION_HELP, parse_quantity

SAMPLES = st.sampled_from([0, 0, 2, 50])  # Monte Carlo kept small: the draws' size is not fuzzed
DIMENSIONS = st.sampled_from(sorted(DIMENSION_HELP))


def outcome(call: Callable[[], Any]) -> Any:
    """Run ``call``: a BotecInputError is a fine answer (None); a result must hold only finite
    numbers; any other exception (a hang included) propagates and fails the test."""
    try:
        with time_limit():
            result = call()
    except BotecInputError as exc:
        note(f"refused: {exc}")
        return None
    problems = result_problems(result)
    assert not problems, "non-finite numbers in the result:\n" + "\n".join(problems[:10])
    return result


def no_download(value: Any) -> bool:
    """Whether a value stays off the network (hf:owner/name fetches a config.json)."""
    return not (isinstance(value, str) and value.strip().startswith("hf:"))


# -- numbers and ranges --------------------------------------------------------------------------

raw_inputs = st.one_of(any_value, quantity_text, range_text, st.text(max_size=20))


@fuzz_settings(500)
@given(raw=raw_inputs, dimension=DIMENSIONS)
def test_parse_quantity_gives_a_finite_number_or_an_input_error(raw: Any, dimension: str) -> None:
    try:
        with time_limit():
            value = parse_quantity(raw, dimension, "field")
    except BotecInputError:
        return
    assert isinstance(value, float) and math.isfinite(value), value


@fuzz_settings(500)
@given(raw=st.one_of(raw_inputs, range_tables), dimension=DIMENSIONS)
def test_parse_uncertain_gives_a_finite_number_or_range_or_an_input_error(
    raw: Any, dimension: str
) -> None:
    try:
        with time_limit():
            value = parse_uncertain(raw, dimension, "field")
    except BotecInputError:
        return
    if isinstance(value, Uncertain):
        ends = (value.low, value.high, value.nominal, value.percentile(5), value.percentile(95))
        assert all(math.isfinite(v) for v in ends), value
        assert value.low <= value.high, value
        # the draws a Monte Carlo run makes from it are numbers too
        draws = value.sample(200, np.random.default_rng(0))
        assert np.all(np.isfinite(draws)), (value, draws[~np.isfinite(draws)][:3])
    else:
        assert isinstance(value, float) and math.isfinite(value), value


# -- the command functions -----------------------------------------------------------------------

ESTIMATES = ("memory", "train", "infer", "plan", "traffic", "storage")


@pytest.mark.parametrize("name", ESTIMATES)
@fuzz_settings(60)
@given(data=st.data(), samples=SAMPLES)
def test_command_functions_answer_or_refuse(name: str, data: st.DataObject, samples: int) -> None:
    func = getattr(commands, name)
    kwargs = data.draw(command_kwargs(func), label="kwargs")
    assume(all(no_download(v) for v in kwargs.values()))
    outcome(lambda: func(**kwargs, samples=samples))


@fuzz_settings(25)
@given(
    samples=st.sampled_from([-5, -1, 0, 1, 2, 3]),
    seed=st.sampled_from([-1, 0, 7, 2**32 - 1, 2**32, 2**64, -(2**63)]),
)
def test_samples_and_seed_are_checked(samples: int, seed: int) -> None:
    # a range input, so the draws are made from the seed
    outcome(lambda: commands.traffic(qps="10 to 100", samples=samples, seed=seed))


# -- scenarios -----------------------------------------------------------------------------------


@fuzz_settings(300)
@given(scenario=scenarios(), samples=SAMPLES)
def test_mutated_scenarios_run_or_are_refused(scenario: dict[str, Any], samples: int) -> None:
    assume(_scenario_offline(scenario))
    outcome(lambda: commands.report(scenario, samples=samples))


@fuzz_settings(80)
@given(scenario=scenarios(max_mutations=2), data=st.data())
def test_scenarios_with_set_overrides_run_or_are_refused(
    scenario: dict[str, Any], data: st.DataObject
) -> None:
    items = data.draw(st.lists(overrides(scenario), min_size=1, max_size=3), label="set")
    assume(_scenario_offline(scenario) and all(no_download(i.partition("=")[2]) for i in items))
    outcome(lambda: commands.report(scenario, overrides=items, samples=0))


def _scenario_offline(scenario: Any) -> bool:
    if not isinstance(scenario, dict):
        return True
    tables = [t for t in scenario.values() if isinstance(t, dict)]
    return all(no_download(t.get(k)) for t in tables for k in ("model", "teacher"))


# Scenario text TOML or YAML reads oddly: NaN, huge numbers, aliases, complex keys, dates.
ODD_TEXT = (
    "[users]\nrequests_per_second = nan",
    "users: {requests_per_second: 1e400}",
    "- 1\n- 2",
    "a: &x [*x]",
    "users:\n  daily_active_users: !!float .inf",
    "[users]\n[users]",
    "users: {daily_active_users: 99999999999999999999999}",
    "? [1]\n: 2",
    "users: {peak_factor: 2020-01-01}",
    "{}",
)


@st.composite
def scenario_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, content) of a scenario file: a mutated scenario as TOML or YAML, or text (and
    bytes) that may not parse at all."""
    data = draw(scenarios())
    form = draw(st.sampled_from(("toml", "yaml", "yaml", "text", "bytes")))
    if form == "toml":
        try:
            return ".toml", tomli_w.dumps(data).encode()
        except (TypeError, ValueError):  # None and some keys have no TOML form: YAML has
            form = "yaml"
    if form == "yaml":
        return draw(st.sampled_from([".yaml", ".yml"])), yaml.safe_dump(data).encode()
    suffix = draw(st.sampled_from([".toml", ".yaml", ".json", ""]))
    if form == "text":
        text = draw(st.one_of(st.text(max_size=60), st.sampled_from(ODD_TEXT)))
        return suffix, text.encode()
    return suffix, draw(st.binary(max_size=40))


@fuzz_settings(100)
@given(file=scenario_files(), samples=SAMPLES)
def test_scenario_files_run_or_are_refused(file: tuple[str, bytes], samples: int) -> None:
    suffix, content = file
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"scenario{suffix}"
        path.write_bytes(content)
        outcome(lambda: commands.report(path, samples=samples))
        # the same text on standard input (botec report -)
        text = content.decode(errors="replace")
        outcome(lambda: commands.report(commands.scenario_from_text(text), samples=0))


@fuzz_settings(60)
@given(scenario=scenarios(max_mutations=1), data=st.data())
def test_sweeps_run_or_are_refused(scenario: dict[str, Any], data: st.DataObject) -> None:
    assume(_scenario_offline(scenario))
    vary = data.draw(st.lists(sweep_axes(scenario), min_size=1, max_size=2), label="vary")
    points = data.draw(st.sampled_from([2, 3, 7]), label="points")
    results = data.draw(
        st.one_of(st.none(), st.sampled_from(["gpus_required,serving_gpus", "nope", ""])),
        label="results",
    )
    outcome(lambda: commands.sweep(scenario, vary=vary, points=points, results=results))


@fuzz_settings(40)
@given(scenario=scenarios(max_mutations=1), data=st.data())
def test_compare_runs_or_is_refused(scenario: dict[str, Any], data: st.DataObject) -> None:
    assume(_scenario_offline(scenario))
    gpus = data.draw(
        st.one_of(
            st.lists(st.sampled_from(GPUS), min_size=1, max_size=3),
            st.lists(st.sampled_from(["", "nope", ",", "A100 80GB", "l4"]), max_size=2),
            st.sampled_from(GPUS).map(lambda g: f"{g},h100-sxm"),
        ),
        label="gpus",
    )
    budget = data.draw(st.one_of(st.none(), quantity_text, st.sampled_from(["$1M", 0, -5])))
    outcome(lambda: commands.compare(scenario, gpus=gpus, budget=budget, samples=0))


# -- catalog files -------------------------------------------------------------------------------


def _catalog_files(catalog: dict[str, Any], as_file: bool, tmp: str) -> list[Any]:
    """The catalog as a mapping (the web API's way), or as a TOML file where TOML can say it."""
    if as_file:
        try:
            path = Path(tmp) / "catalog.toml"
            path.write_text(tomli_w.dumps(catalog))
            return [path]
        except (TypeError, ValueError):
            pass
    return [catalog]


@fuzz_settings(150)
@given(catalog=catalogs(), as_file=st.booleans(), samples=SAMPLES)
def test_user_catalogs_are_used_or_refused(
    catalog: dict[str, Any], as_file: bool, samples: int
) -> None:
    t = catalog_targets(catalog)
    with tempfile.TemporaryDirectory() as tmp:
        files = _catalog_files(catalog, as_file, tmp)
        runs: list[Callable[[], Any]] = [
            lambda: commands.hardware_show(t["gpu"], catalog_files=files),
            lambda: commands.gpu_prices([t["gpu"]], catalog_files=files),
            lambda: commands.price_bases(catalog_files=files),
            lambda: commands.infer(model="llama-3.1-8b", gpu=t["gpu"], precision=t["precision"],
                                   engine=t["engine"], samples=samples, catalog_files=files),
            lambda: commands.infer(params="7B", gpu=t["gpu"], precision=t["precision"],
                                   qps=5, samples=samples, catalog_files=files),
            lambda: commands.memory(model="llama-3.1-8b", gpu=t["gpu"], engine=t["engine"],
                                    samples=samples, catalog_files=files),
            lambda: commands.train(params="7B", tokens="1T", gpu=t["gpu"], gpus=8,
                                   samples=samples, catalog_files=files),
            lambda: commands.plan(model="llama-3.1-8b", gpu=t["gpu"], precision=t["precision"],
                                  engine=t["engine"], qps=10, samples=samples,
                                  catalog_files=files),
            lambda: commands.report(BUNDLED / "smartpal-ranges.toml", samples=samples,
                                    catalog_files=files),
        ]  # fmt: skip
        for run in runs:
            outcome(run)


# -- config.json ---------------------------------------------------------------------------------


@fuzz_settings(120)
@given(config=hf_configs(), folder=st.booleans(), samples=SAMPLES)
def test_config_json_files_are_read_or_refused(config: Any, folder: bool, samples: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.json"
        path.write_text(json.dumps(config))  # NaN and Infinity as Python's json writes them
        model = tmp if folder else str(path)
        runs: list[Callable[[], Any]] = [
            lambda: commands.models_show(model),
            lambda: commands.memory(model=model, samples=samples),
            lambda: commands.infer(model=model, gpu="h100-sxm", samples=samples),
            lambda: commands.train(model=model, tokens="100B", gpus=8, samples=samples),
            lambda: commands.plan(model=model, gpu="h100-sxm", qps=5, samples=samples),
        ]
        for run in runs:
            outcome(run)


# -- the CLI -------------------------------------------------------------------------------------

CLI_COMMANDS = cli_commands()


@st.composite
def cli_runs(draw: st.DrawFn) -> tuple[list[str], str, bytes, dict[str, Any]]:
    """(arguments, standard input, the {TMP}/scenario.* file's content, a {TMP}/catalog.toml)."""
    args = draw(cli_args(CLI_COMMANDS))
    _stdin_suffix, stdin = draw(scenario_files())
    _suffix, scenario = draw(scenario_files())
    return args, stdin.decode(errors="replace"), scenario, draw(catalogs())


@fuzz_settings(250)
@given(run=cli_runs())
def test_cli_exits_0_or_2_without_a_traceback(
    run: tuple[list[str], str, bytes, dict[str, Any]],
) -> None:
    args, stdin, scenario, catalog = run
    assume(all(no_download(a) for a in args))
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("scenario.toml", "scenario.yaml"):
            (Path(tmp) / name).write_bytes(scenario)
        _catalog_files(catalog, True, tmp)
        argv = [a.replace(TMP, tmp) for a in args]
        runner = CliRunner()
        # in a folder of its own: a bad value may still name a file to write (-o 7B)
        before = os.getcwd()
        os.chdir(tmp)
        try:
            with time_limit():
                result = runner.invoke(main, argv, input=stdin)
        finally:
            os.chdir(before)
    note(f"botec {' '.join(argv)}\nexit {result.exit_code}\n{result.output[-2000:]}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # the traceback a user would have seen
    assert result.exit_code in (0, 2), result.output[-2000:]


@pytest.mark.parametrize("words", sorted(CLI_COMMANDS), ids=" ".join)
def test_every_cli_command_has_help(words: tuple[str, ...]) -> None:
    # the fuzz above builds its argument lists from these commands: each one must load
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, result.output


def test_the_fuzz_reaches_the_catalog_models() -> None:
    # the fuzz's model names are real catalog names, or it would only test the refusals
    for model in MODELS:
        assert commands.models_show(model).layers > 0


def test_the_fuzz_oracle_sees_nan_infinity_and_hangs() -> None:
    # every fuzz test above would pass vacuously if these checks saw nothing
    sheet = Sheet("oracle")
    sheet.input("bad", math.nan, "s")
    sheet.input("good", 1.0, "s")
    problems = result_problems(sheet)
    assert problems and all("bad" in p for p in problems), problems
    assert not result_problems(commands.traffic(qps=10, samples=0))
    assert list(non_finite({"a": [1.0, {"b": math.inf}], "c": 10**400})) == [".a[1].b = inf"]
    with pytest.raises(Hang), time_limit(0.05):
        while True:
            pass
