"""Invariants of the estimators, checked over many inputs with hypothesis."""

from __future__ import annotations

import contextlib
import importlib
import math
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import botec.estimators
from botec.core.sheet import Formula
from botec.run import run_scenario
from botec.scenario import scenario_from_dict


def _all_formulas() -> list[Formula]:
    found = []
    for info in pkgutil.iter_modules(botec.estimators.__path__):
        module = importlib.import_module(f"botec.estimators.{info.name}")
        found += [v for v in vars(module).values() if isinstance(v, Formula)]
    return found


FORMULAS = _all_formulas()


def test_estimators_define_formulas() -> None:
    assert len(FORMULAS) >= 40


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda f: f.name)
def test_every_formula_runs_on_arrays_exactly_as_on_floats(formula: Formula) -> None:
    # The same definition must serve Monte Carlo: evaluate on 64-sample arrays and element by
    # element on floats, and get the same numbers.
    rng = np.random.default_rng(7)
    # Fractions stay in (0, 1), their domain (1 - fraction may be raised to a power).
    env = {
        name: rng.uniform(0.05, 0.95, 64) if "fraction" in name else rng.uniform(0.5, 5.0, 64)
        for name in formula.parsed.names
    }
    vectorised = np.asarray(formula.parsed.evaluate(env), dtype=float)
    for i in range(64):
        scalar = formula.parsed.evaluate({k: float(v[i]) for k, v in env.items()})
        assert vectorised[i] == pytest.approx(float(scalar), rel=1e-12)


def _serving(dau: float, peak: float = 3.0) -> dict:
    return {
        "users": {"daily_active_users": dau, "requests_per_user_per_day": 10, "peak_factor": peak},
        "requests": {"output_tokens": 500, "prompt_tokens": 500},
        "model": {"params": "3B", "layers": 28, "kv_heads": 8, "head_dim": 128},
        "inference": {"gpu": "a100-80gb"},
    }


@settings(max_examples=40, deadline=None)
@given(st.floats(1e3, 1e9), st.floats(1.0, 10.0))
def test_more_users_never_need_fewer_gpus(dau: float, factor: float) -> None:
    small = run_scenario(scenario_from_dict(_serving(dau)))
    large = run_scenario(scenario_from_dict(_serving(dau * factor)))
    for name in ("gpus_required", "realistic_gpus_required"):
        assert large.value(name) >= small.value(name)


@settings(max_examples=40, deadline=None)
@given(st.floats(1e3, 1e9), st.floats(1.0, 10.0))
def test_peak_is_average_times_factor(dau: float, peak: float) -> None:
    sheet = run_scenario(scenario_from_dict(_serving(dau, peak)))
    average = sheet.value("total_requests_per_second")
    assert average == pytest.approx(dau * 10 / 86_400)
    assert sheet.value("peak_requests_per_second") == pytest.approx(average * peak)


def _train(params: float, tokens: float, gpus: int) -> dict:
    return {"training": {"params": params, "tokens": tokens, "gpus": gpus, "usd_per_gpu_hour": 2}}


@settings(max_examples=40, deadline=None)
@given(st.floats(1e8, 1e12), st.floats(1e9, 1e13), st.integers(1, 4096))
def test_training_cost_does_not_depend_on_gpu_count(
    params: float, tokens: float, gpus: int
) -> None:
    # Cost = FLOPs / (peak × MFU) × price: more GPUs finish sooner, not cheaper.
    one = run_scenario(scenario_from_dict(_train(params, tokens, gpus)))
    two = run_scenario(scenario_from_dict(_train(params, tokens, gpus * 2)))
    assert two.value("cost") == pytest.approx(one.value("cost"))
    assert two.value("wall_clock") == pytest.approx(one.value("wall_clock") / 2)
    double = run_scenario(scenario_from_dict(_train(params, tokens * 2, gpus)))
    assert double.value("cost") == pytest.approx(2 * one.value("cost"))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 200_000), st.integers(1, 512))
def test_longer_context_never_shrinks_the_kv_cache(context: int, sequences: int) -> None:
    def kv(ctx: int) -> float:
        data = {
            "model": {"params": "7B", "layers": 32, "kv_heads": 32, "head_dim": 128},
            "kv_cache": {"context_tokens": ctx, "concurrent_sequences": sequences},
        }
        return run_scenario(scenario_from_dict(data)).value("kv_cache_memory")

    assert kv(context + 1) >= kv(context)
    assert kv(context) == 2 * 32 * 32 * 128 * 2 * context * sequences


@settings(max_examples=30, deadline=None)
@given(st.floats(1e8, 1e12))
def test_budget_buys_a_compute_optimal_model_that_fits_the_budget(budget: float) -> None:
    training = {"params": "7B", "usd_per_gpu_hour": 2, "budget": budget, "tokens": "1T"}
    sheet = run_scenario(scenario_from_dict({"training": {**training, "mfu": 0.4}}))
    n = sheet.value("compute_optimal_params")
    # Training that model on its 20·N tokens costs exactly the budget.
    flops = 6 * n * 20 * n
    cost = flops / (312e12 * 0.4) / 3600 * 2
    assert cost == pytest.approx(budget, rel=1e-9)
    assert math.isclose(sheet.value("compute_optimal_tokens"), 20 * n)


def _bundled_sections() -> dict[str, dict]:
    """The first example of each scenario section among the bundled scenarios."""
    import tomllib
    from importlib import resources

    found: dict[str, dict] = {}
    for path in sorted(resources.files("botec.scenarios").iterdir(), key=lambda p: p.name):
        if path.name.endswith(".toml"):
            for name, section in tomllib.loads(path.read_text()).items():
                if isinstance(section, dict) and name not in found:
                    found[name] = section
    return found


SECTIONS = _bundled_sections()


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(sorted(SECTIONS)), min_size=2, max_size=4))
def test_any_mix_of_sections_runs_or_says_what_is_wrong(names: set[str]) -> None:
    # A scenario may hold any sections; one symbol recorded twice with two values (a price for
    # serving and another for training) must never crash: it runs, or it is an input error.
    from botec.core.errors import BotecInputError

    data = {name: SECTIONS[name] for name in names}
    with contextlib.suppress(BotecInputError):
        run_scenario(scenario_from_dict(data))


def _values_or_none(data: dict) -> dict[str, float] | None:
    from botec.core.errors import BotecInputError

    try:
        sheet = run_scenario(scenario_from_dict(data))
    except BotecInputError:
        return None
    return {v.name: float(v.value) for v in (*sheet.inputs.values(), *sheet.steps.values())}


# Totals over every section: the one kind of result another section may change.
AGGREGATES = {"total_monthly_cost"}


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(sorted(SECTIONS)), min_size=2, max_size=4), st.data())
def test_a_result_keeps_its_name_whatever_else_the_scenario_holds(
    names: set[str], data: st.DataObject
) -> None:
    # Adding a section never renames what the other sections record, nor gives one of their
    # names another meaning: every result of a smaller scenario is in the larger one, with the
    # same value (no prefix that appears only sometimes).
    dropped = data.draw(st.sampled_from(sorted(names)))
    full = _values_or_none({name: SECTIONS[name] for name in names})
    part = _values_or_none({name: SECTIONS[name] for name in names - {dropped}})
    # A plan picks the GPU, precision and batch [serving] runs with, so [serving] beside a plan
    # is not [serving] alone: the rule holds for every other section.
    if full is not None and part is not None and dropped != "serving_plan":
        assert set(part) <= set(full), sorted(set(part) - set(full))
        changed = [n for n in part if n not in AGGREGATES and part[n] != full[n]]
        assert not changed, changed
