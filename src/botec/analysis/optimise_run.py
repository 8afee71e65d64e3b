"""``botec optimise FILE``: the scenario's serving problem handed to the optimiser, the cheapest
plan recorded on a sheet with its ranges (the same steps ``botec plan`` records), and the search
laid out beside it: the cheapest plans, what each change saves against the scenario's own plan,
the Pareto front of cost against latency, and the constraint that binds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botec.analysis.optimise import (
    DEFAULT_ENGINES,
    DEFAULT_PRECISIONS,
    SCENARIO_PRICE,
    Search,
    Space,
    search,
)
from botec.analysis.optimise_tables import record_search
from botec.catalog import Catalog, load_catalog
from botec.catalog import gpu_prices as gp
from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet
from botec.core.uncertain import point
from botec.modelspec.catalog_models import find_model
from botec.scenario import Scenario, scenario_from_dict
from botec.stages.context import Context

# When a scenario states no latency target: MLPerf Inference's server-scenario constraints for
# Llama 2 70B (v4.0 rules: TTFT p99 ≤ 2 s, TPOT p99 ≤ 200 ms), a common published bar for chat.
DEFAULT_TARGETS = {"ttft_p99": 2.0, "tpot_p99": 0.2}
DEFAULT_TARGETS_SOURCE = (
    "no target in the scenario: MLPerf Inference's server-scenario latency constraints for "
    "Llama 2 70B (v4.0: TTFT p99 ≤ 2 s, TPOT p99 ≤ 200 ms)"
)
PLAN_KEYS = (
    "ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99", "max_batch", "target_utilization",
    "spare_replicas", "tensor_parallel",
)  # fmt: skip
# What the optimiser reads; any other section is the report's (botec report runs it).
READ = ("title", "description", "source", "conclusions", "seed_check", "catalog", "users",
        "serving", "serving_plan", "cost", "model", "requests", "inference")  # fmt: skip


@dataclass
class Problem:
    """The serving problem the optimiser solves, in scenario form, and the scenario's own plan."""

    data: dict[str, Any]  # users, serving, serving_plan (targets), cost
    scenario: Scenario  # the same, validated
    notes: list[str]
    own: dict[str, Any]  # the scenario's gpu, precision, engine, basis (and TP when fixed)
    own_why: str = ""  # why the scenario's own plan meets no target, when it does not
    choices: dict[str, Any] = field(default_factory=dict)  # own, with the options it compares


def problem_from(data: dict[str, Any], catalog: Catalog) -> Problem:
    """The [users] traffic and the served model: a [serving] section, or a seed-style [model]
    with [requests] lengths and an [inference] GPU."""
    if not isinstance(data.get("users"), dict):
        raise BotecInputError(
            "users", "missing", "a [users] section (daily_active_users or requests_per_second)"
        )
    notes: list[str] = []
    serving = _serving(data, catalog, notes)
    left = [f"[{k}]" for k in data if k not in READ]
    if left:
        notes.append(
            f"Not part of the search: {', '.join(left)} (botec report runs them on the plan)."
        )
    if isinstance(data.get("serving"), dict) and "batch" in data["serving"]:
        notes.append(f"[serving] batch {data['serving']['batch']} is searched, not kept.")
    plan = {k: v for k, v in (data.get("serving_plan") or {}).items() if k in PLAN_KEYS}
    if not any(k in plan for k in ("ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99")):
        plan.update(DEFAULT_TARGETS)
        notes.append("Latency targets: " + DEFAULT_TARGETS_SOURCE + ".")
    cost = data.get("cost") if isinstance(data.get("cost"), dict) else {}
    out: dict[str, Any] = {
        "title": f"Optimised serving plan: {data.get('title') or 'scenario'}",
        "users": data["users"],
        "serving": serving,
        "serving_plan": plan,
    }
    basis = cost.get("price_basis") or gp.DEFAULT_BASIS
    price = cost.get("usd_per_gpu_hour")
    out["cost"] = {"usd_per_gpu_hour": price} if price is not None else {"price_basis": basis}
    scn = scenario_from_dict(out, "the optimised scenario")  # errors name the fields
    assert scn.serving is not None and scn.serving_plan is not None
    own = {
        "gpu": catalog.hardware(scn.serving.gpu, "serving.gpu").key,
        "precision": scn.serving.precision,
        "engine": catalog.engine(scn.serving.engine, "serving.engine").key,
        "basis": SCENARIO_PRICE if price is not None else basis,
    }
    if scn.serving_plan.tensor_parallel:
        own["tensor_parallel"] = scn.serving_plan.tensor_parallel
    return Problem(out, scn, notes, own, choices=_own_choices(data, catalog, own))


def _own_choices(data: dict[str, Any], catalog: Catalog, own: dict[str, Any]) -> dict[str, Any]:
    """What the scenario's own [serving_plan] chooses among (its GPU and precision with the
    ones it compares), so 'your plan' is the one `botec report` picks, not its first GPU."""
    plan = data.get("serving_plan") if isinstance(data.get("serving_plan"), dict) else {}
    gpus = [own["gpu"], *plan.get("compare_gpus", [])]
    precisions = [own["precision"], *plan.get("compare_precisions", [])]
    return {
        **own,
        "gpu": tuple(dict.fromkeys(catalog.hardware(g, "serving_plan.compare_gpus").key
                                   for g in gpus)),
        "precision": tuple(dict.fromkeys(
            catalog.precision(p, "serving_plan.compare_precisions").key for p in precisions
        )),
    }  # fmt: skip


def _serving(data: dict[str, Any], catalog: Catalog, notes: list[str]) -> dict[str, Any]:
    if isinstance(data.get("serving"), dict):
        return {k: v for k, v in data["serving"].items() if k != "batch"}
    model, requests = data.get("model"), data.get("requests")
    if not isinstance(model, dict) or not isinstance(requests, dict):
        raise BotecInputError(
            "FILE",
            "no served model",
            "a [serving] section, or [model] with [requests] prompt_tokens and output_tokens",
        )
    for key in ("prompt_tokens", "output_tokens"):
        if requests.get(key) is None:
            raise BotecInputError(
                f"requests.{key}", "missing",
                f"the tokens each request carries (e.g. --set requests.{key}=500)",
            )  # fmt: skip
    inference = data.get("inference") if isinstance(data.get("inference"), dict) else {}
    name = str(model.get("name", ""))
    known = bool(name) and find_model(name) is not None
    serving: dict[str, Any] = {"model": name} if known else {"params": model.get("params")}
    if not known:
        notes.append(
            f"The [model] section's {model.get('params')} parameters are served with botec's "
            "typical shape for that size (botec models: a catalog name gives the exact one)."
        )
    engine = inference.get("engine", "generic")
    return serving | {
        "gpu": inference.get("gpu") or model.get("gpu") or "a100-80gb",
        "precision": model.get("precision", "fp16"),
        "engine": engine,
        "input_tokens": requests["prompt_tokens"],
        "output_tokens": requests["output_tokens"],
    }


def space_for(
    problem: Problem,
    catalog: Catalog,
    gpus: list[str] | None = None,
    precisions: list[str] | None = None,
    engines: list[str] | None = None,
    bases: list[str] | None = None,
) -> Space:
    """The axes: each list given is searched as given; each left out is the defaults (every
    priced GPU; 16-bit, FP8, INT8, INT4 and FP4 weights; vLLM and TensorRT-LLM; every price
    basis) with the scenario's own choice added."""
    own = problem.own
    cost = problem.scenario.cost
    price = None if cost is None else cost.usd_per_gpu_hour
    for b in bases or ():
        if b == SCENARIO_PRICE and price is None:
            raise BotecInputError(
                "--bases", b, "a price basis (botec prices bases); 'scenario' needs a price "
                "in the scenario ([cost] usd_per_gpu_hour)",
            )  # fmt: skip
        if b != SCENARIO_PRICE:
            gp.basis(catalog, b, "--bases")
    if bases is None:
        bases = _with_own(own["basis"], gp.basis_names(catalog))
    if gpus is None:
        gpus = [key for key in catalog.names("hardware") if _priced(catalog, key, bases)]
        gpus = _with_own(own["gpu"], gpus)
    gpus = [catalog.hardware(g, "--gpus").key for g in gpus]
    if precisions is None:
        sixteen = "bf16" if own["precision"] == "bf16" else "fp16"
        defaults = [sixteen if p == "fp16" else p for p in DEFAULT_PRECISIONS]
        precisions = _with_own(own["precision"], defaults)
    for p in precisions:
        catalog.precision(p, "--precisions")
    if engines is None:
        engines = _with_own(own["engine"], list(DEFAULT_ENGINES))
    return Space(
        gpus=tuple(dict.fromkeys(gpus)),
        precisions=tuple(dict.fromkeys(precisions)),
        engines=tuple(dict.fromkeys(catalog.engine(e, "--engines").key for e in engines)),
        bases=tuple(dict.fromkeys(bases)),
        scenario_price=None if price is None else float(point(price)),
        scenario_gpu=own["gpu"],
    )


def own_space(problem: Problem, space: Space) -> Space:
    """The scenario's own GPU, precision, engine and basis (and TP, when it fixes one): where
    'your plan' is searched when the lists given leave it out."""
    own = problem.choices or problem.own
    tp = (own["tensor_parallel"],) if "tensor_parallel" in own else space.tensor_parallel
    return Space(
        gpus=_tuple(own["gpu"]), precisions=_tuple(own["precision"]), engines=(own["engine"],),
        bases=(own["basis"],), tensor_parallel=tp, chunks=space.chunks,
        scenario_price=space.scenario_price, scenario_gpu=space.scenario_gpu,
    )  # fmt: skip


def _tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


def covers(space: Space, problem: Problem) -> bool:
    """Whether the search holds every option the scenario's own plan chooses among (else 'your
    plan' is searched on its own: a cheaper option outside them is not the user's)."""
    own = problem.choices or problem.own
    return (
        set(_tuple(own["gpu"])) <= set(space.gpus)
        and set(_tuple(own["precision"])) <= set(space.precisions)
        and own["engine"] in space.engines
        and own["basis"] in space.bases
    )


def _priced(catalog: Catalog, key: str, bases: list[str]) -> bool:
    hardware = catalog.hardware(key)
    if hardware.kind != "gpu":
        return False
    return any(b != SCENARIO_PRICE and gp.gpu_rate(catalog, key, b) for b in bases)


def _with_own(own: str, names: list[str]) -> list[str]:
    return [own, *[n for n in dict.fromkeys(names) if n != own]]


def optimise_scenario(
    data: dict[str, Any],
    *,
    gpus: list[str] | None = None,
    precisions: list[str] | None = None,
    engines: list[str] | None = None,
    bases: list[str] | None = None,
    latency: str = "tpot_p99",
    top: int = 10,
    samples: int = 0,
    seed: int = 0,
    catalog: Catalog | None = None,
) -> tuple[Sheet, Search]:
    """Search the plans for ``data`` (a scenario mapping) and record the cheapest on a sheet."""
    from botec.analysis.evaluate import evaluate

    cat = catalog or load_catalog()
    problem = problem_from(data, cat)
    space = space_for(problem, cat, gpus, precisions, engines, bases)
    scn = problem.scenario
    assert scn.serving is not None and scn.serving_plan is not None and scn.users is not None
    traffic = _traffic(cat, scn)
    ctx = Context(Sheet(samples=0), cat)
    found = search(ctx, scn.serving, scn.serving_plan, traffic, space, latency)
    yours = found.cheapest(**(problem.choices or problem.own)) if covers(space, problem) else None
    if yours is None:  # outside the lists given, or it meets no target: searched on its own
        alone = search(ctx, scn.serving, scn.serving_plan, traffic, own_space(problem, space))
        yours = alone.plans[0] if alone.plans else None
        problem.own_why = _why_not(alone)
    best = found.plans[0] if found.plans else None
    if best:
        chosen = _pinned(problem, best)
    else:  # nothing to recommend: the report is the user's own plan, and its title says so
        title = str(data.get("title") or "scenario")
        chosen = {**problem.data, "title": f"No optimised plan found; your own plan: {title}"}
    sheet = evaluate(
        scenario_from_dict(chosen, "the optimised scenario"),
        samples=samples,
        seed=seed,
        catalog=catalog,
    )
    record_search(sheet, cat, found, (yours, problem.own, problem.own_why), problem.notes, top)
    return sheet, found


def _why_not(alone: Search) -> str:
    """Why the scenario's own layouts give no plan: the first refusal or miss."""
    for why in (*alone.rejected.values(), *alone.near_misses.values()):
        return why
    return ""


def _traffic(catalog: Catalog, scn: Any) -> tuple[float, float]:
    """Peak and average requests per second at nominal values (the traffic stage's steps)."""
    from botec.stages.traffic import run_traffic

    ctx = Context(Sheet(samples=0), catalog)
    run_traffic(ctx, scn.users)
    assert ctx.peak_rps is not None and ctx.average_rps is not None
    return float(ctx.peak_rps.value), float(ctx.average_rps.value)


def _pinned(problem: Problem, plan: Any) -> dict[str, Any]:
    """The scenario with the chosen plan's GPU, precision, engine, TP, batch cap, chunk and
    price basis fixed: ``botec plan`` then records exactly that plan."""
    layout = plan.layout
    data = dict(problem.data)
    data["serving"] = data["serving"] | {
        "gpu": layout.gpu,
        "precision": layout.precision,
        "engine": layout.engine,
    }
    data["serving_plan"] = data["serving_plan"] | {
        "tensor_parallel": layout.tensor_parallel,
        "max_batch": plan.batch,
        "prefill_chunk_tokens": plan.chunk,
    }
    if plan.basis != SCENARIO_PRICE:
        data["cost"] = {"price_basis": plan.basis}
    return data
