"""The [serving_plan] stage: the cheapest fleet that serves the traffic within latency targets.

For each GPU type, precision and tensor-parallel degree it tries batches 1, 2, 4, ... up to what
fits (and the engine's concurrency cap), evaluates the same formulas the report shows on a
scratch sheet at nominal values, keeps the batch with the highest request rate per replica that
meets every target, and sizes replicas for peak. The cheapest option is then recorded on the real
sheet (with its ranges); the others appear in a comparison table. The seeds' two one-line methods
are computed beside it with the reason they differ. The recorded formulas are in ``plan_steps``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botec.catalog import gpu_prices as gp
from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.core.units import format_quantity
from botec.scenario import Scenario, ServingPlanSection, ServingSection
from botec.stages.context import Context
from botec.stages.launch import launch_settings
from botec.stages.plan_search import (
    NO_PRICE,
    TARGETS,
    TP_CHOICES,
    PlanOption,
    best_option,
    plan_gpu_price,
    search,
)
from botec.stages.plan_steps import headroom_inputs, plan_steps, seed_methods
from botec.stages.serving import run_serving

CHOSEN = "Chosen:"  # how the plan's own choice note begins (the optimiser replaces it)

__all__ = [
    "CHOSEN",
    "TARGETS",
    "TP_CHOICES",
    "PlanOption",
    "best_option",
    "plan_steps",
    "run_plan",
    "run_serving_plan",
    "search",
]


def _comparison(ctx: Context, options: list[PlanOption], chosen: PlanOption | None) -> None:
    rows = []
    for o in options:
        m = o.metrics or {}

        def cell(key: str, unit: str, m: dict[str, float] = m) -> str:
            return format_quantity(m[key], unit) if key in m else "–"

        meets = o.metrics is not None and not o.why_not.startswith("even batch 1")
        rows.append(
            [
                ctx.catalog.hardware(o.gpu).name,
                o.precision,
                str(o.tensor_parallel),
                str(o.batch) if o.metrics else "–",
                _chunk_text(o.chunk) if o.metrics else "–",
                cell("ttft_p99", "s"),
                cell("tpot_p99", "s"),
                # an option that misses a target has no fleet: no size, no price
                cell("serving_gpus", "GPUs") if meets else "–",
                cell("serving_cost_per_month", "USD/month")
                if meets and o.usd_per_gpu_hour is not None
                else "–",
                "chosen" if o is chosen else (o.why_not or "meets targets"),
            ]
        )
    ctx.sheet.table(
        "Options compared (nominal values; the cheapest that meets every target is chosen)",
        ["GPU", "Precision", "TP", "Batch", "Chunk", "TTFT p99", "TPOT p99", "GPUs", "Cost",
         "Verdict"],
        rows,
    )  # fmt: skip


def _chunk_text(chunk: int) -> str:
    return f"{chunk:,}" if chunk else "none"


@contextmanager
def _as_plan_field(plan: ServingPlanSection) -> Iterator[None]:
    """A TP the plan was told to use that does not split the heads: named as the plan's field."""
    try:
        yield
    except BotecInputError as exc:
        if exc.field != "serving.tensor_parallel" or not plan.tensor_parallel:
            raise
        raise BotecInputError("serving_plan.tensor_parallel", exc.value, exc.allowed) from None


NO_FIT = "No option fits the model in GPU memory: quantise or raise TP."


def run_plan(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    peak_rps: Value,
    average_rps: Value,
    usd_per_gpu_hour: Any,
) -> None:
    """Search, then record the chosen configuration's serving steps and plan on the sheet."""
    sheet = ctx.sheet
    if plan.max_batch is None:  # the engine's own cap, as `infer` uses it
        cap = int(ctx.catalog.engine(srv.engine, "serving.engine").max_concurrency)
        plan = plan.model_copy(update={"max_batch": cap})
    options = search(
        ctx, srv, plan, float(peak_rps.value), float(average_rps.value), usd_per_gpu_hour
    )
    chosen = next((o for o in options if o.feasible), None)
    base = next(
        (o for o in options if o.gpu == srv.gpu and o.precision == srv.precision), options[0]
    )
    pick = chosen or base
    with sheet.section("Serving"), _as_plan_field(plan):
        served = run_serving(
            ctx,
            chosen_by="serving plan: the cheapest option meeting the targets (Serving plan)",
            srv=srv.model_copy(
                update={
                    "gpu": pick.gpu,
                    "precision": pick.precision,
                    "tensor_parallel": pick.tensor_parallel,
                    "batch": pick.batch or None,
                }
            ),
        )
    with sheet.section("Serving plan"):
        if not served:
            sheet.note("bad", NO_FIT, topic="fit")
            _comparison(ctx, options, pick)
            return
        _chosen_note(ctx, plan, options, chosen, pick)
        if chosen is None:  # no fleet, no bill: a plan that meets nothing sizes nothing
            _comparison(ctx, options, None)
            return
        price = _plan_price(ctx, srv, pick, usd_per_gpu_hour)
        ctx.plan_gpu = pick.gpu
        got = plan_steps(
            sheet,
            served,
            peak_rps,
            average_rps,
            price,
            pick.chunk,
            headroom_inputs(ctx, plan.target_utilization, plan.spare_replicas),
        )
        _pessimistic_notes(sheet, plan, got)
        if len(options) > 1 or plan.tensor_parallel is None:
            _comparison(ctx, options, pick)
        launch_settings(ctx, srv, pick)  # after the comparison: JSON's tables[0] stays the same
    with sheet.section("The seeds' one-line methods"):
        seed_methods(sheet, served, peak_rps)


def _chosen_note(
    ctx: Context,
    plan: ServingPlanSection,
    options: list[PlanOption],
    chosen: PlanOption | None,
    pick: PlanOption,
) -> None:
    """The option chosen and the targets it meets, or why none meets them."""
    goals = [
        f"{label} ≤ {format_quantity(getattr(plan, key), 's')}"
        for key, label in TARGETS
        if getattr(plan, key) is not None
    ]
    how = (
        f"{CHOSEN} {ctx.catalog.hardware(pick.gpu).name}, {pick.precision}, "
        f"TP {pick.tensor_parallel}, "
        f"batch {pick.batch:,} (of {pick.max_batch:,} that fit; cap {plan.max_batch:,}), prefill "
        "chunk "
        f"{_chunk_text(pick.chunk)} — the "
        f"cheapest of {len(options)} option(s) meeting {', '.join(goals) or 'no targets'}."
    )
    unpriced = [o for o in options if o.metrics and o.why_not == NO_PRICE]
    why = (
        f"{', '.join(dict.fromkeys(ctx.catalog.hardware(o.gpu).name for o in unpriced))} meet "
        f"the targets but {'has' if len(unpriced) == 1 else 'have'} no price on the basis: "
        "give a price per GPU-hour (--price) to choose"
        if unpriced
        else f"No option meets the targets. {pick.why_not[:1].upper()}{pick.why_not[1:]}"
    )
    topic = "" if chosen else "unpriced" if unpriced else "targets"  # what code reads, not words
    if not chosen:  # a total (and a sweep's row) says which device had no price
        ctx.sheet.unpriced.extend(ctx.catalog.hardware(o.gpu).name for o in unpriced)
    ctx.sheet.note("ok" if chosen else "bad", how if chosen else why, verdict=True, topic=topic)


def _plan_price(
    ctx: Context, srv: ServingSection, pick: PlanOption, usd_per_gpu_hour: Any
) -> Value:
    """The chosen GPU's price per GPU-hour: the scenario's for the [serving] GPU, else the
    catalog's on-demand rate."""
    price_value, source, title = plan_gpu_price(
        ctx, pick.gpu, usd_per_gpu_hour if pick.gpu == srv.gpu else None
    )
    if price_value is None:
        raise BotecInputError(
            "cost.usd_per_gpu_hour",
            "missing",
            f"a price per GPU-hour for {pick.gpu} (no price on the basis: {source})",
        )
    if source != "scenario":
        ctx.sheet.note(
            "info",
            f"Priced on the {title.split('(', 1)[1].rstrip(')')}: "
            f"{format_quantity(float(point(price_value)), 'USD/h')} per GPU-hour (other bases: "
            "botec prices bases; --price-basis to choose).",
        )
    return ctx.sheet.input("usd_per_gpu_hour", price_value, "USD/h", title, source)


def _pessimistic_notes(sheet: Sheet, plan: ServingPlanSection, got: dict[str, Value]) -> None:
    """A warning for each target the plan misses at the pessimistic end of the ranges (p95)."""
    for key, label in TARGETS:
        goal = getattr(plan, key)
        if goal is not None and got[key].varies and got[key].percentiles()[2] > goal:
            sheet.note(
                "warn",
                f"At the pessimistic end of the ranges (p95) {label} is "
                f"{format_quantity(got[key].percentiles()[2], 's')}, over the "
                f"{format_quantity(goal, 's')} target: keep headroom or measure the engine.",
            )


def run_serving_plan(ctx: Context, scn: Scenario) -> None:
    """The [serving_plan] section: needs [serving] (what to serve) and [users] (how much)."""
    if scn.serving is None or scn.serving_plan is None:
        raise BotecInputError(
            "serving_plan", "no [serving] section", "a [serving] section naming model, GPU, lengths"
        )
    if ctx.peak_rps is None or ctx.average_rps is None:
        raise BotecInputError(
            "serving_plan",
            "no traffic",
            "a [users] section with requests_per_second, or daily_active_users and "
            "requests_per_user_per_day",
        )
    price = scn.cost.usd_per_gpu_hour if scn.cost else None
    ctx.price_basis = scn.cost.price_basis if scn.cost else ""
    gp.basis(ctx.catalog, ctx.price_basis or None, "cost.price_basis")
    run_plan(ctx, scn.serving, scn.serving_plan, ctx.peak_rps, ctx.average_rps, price)
    fleet = ctx.sheet.steps.get("serving_cost_per_month")
    if fleet is not None:  # the chosen plan's fleet joins the scenario's monthly total
        ctx.monthly_costs.append(fleet)
