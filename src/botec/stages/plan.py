"""The [serving_plan] stage: the cheapest fleet that serves the traffic within latency targets.

For each GPU type, precision and tensor-parallel degree it tries batches 1, 2, 4, ... up to what
fits (and the engine's concurrency cap), evaluates the same formulas the report shows on a
scratch sheet at nominal values, keeps the batch with the highest request rate per replica that
meets every target, and sizes replicas for peak. The cheapest option is then recorded on the real
sheet (with its ranges); the others appear in a comparison table. The seeds' two one-line methods
are computed beside it with the reason they differ. The recorded formulas are in ``plan_steps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botec.catalog import gpu_prices as gp
from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.core.units import format_quantity
from botec.scenario import Scenario, ServingPlanSection, ServingSection
from botec.stages.context import Context
from botec.stages.plan_steps import headroom_inputs, plan_steps, seed_methods
from botec.stages.serving import run_serving

__all__ = [
    "TARGETS",
    "TP_CHOICES",
    "PlanOption",
    "best_option",
    "plan_steps",
    "run_plan",
    "run_serving_plan",
    "search",
]

TARGETS = (
    ("ttft_p50", "TTFT p50"),
    ("ttft_p99", "TTFT p99"),
    ("tpot_p50", "TPOT p50"),
    ("tpot_p99", "TPOT p99"),
)
TP_CHOICES = (1, 2, 4, 8)  # within one 8-GPU node; larger models need pipeline stages too


@dataclass
class PlanOption:
    """One configuration tried by the plan, at nominal values."""

    gpu: str
    precision: str
    tensor_parallel: int
    max_batch: int = 0
    batch: int = 0
    metrics: dict[str, float] | None = None
    usd_per_gpu_hour: float | None = None
    why_not: str = ""

    @property
    def feasible(self) -> bool:
        return self.metrics is not None and not self.why_not

    @property
    def monthly_cost(self) -> float:
        """The fleet's monthly cost; infinite when unpriced (it cannot win on cost)."""
        if not self.metrics or self.usd_per_gpu_hour is None:
            return float("inf")
        return self.metrics["serving_cost_per_month"]

    def rank(self) -> tuple[bool, float, float]:
        """Feasible first, then the cheapest; unpriced options by their GPU count."""
        gpus = self.metrics["serving_gpus"] if self.metrics else float("inf")
        return (not self.feasible, self.monthly_cost, gpus)


def _gpu_price(ctx: Context, gpu_name: str, given: Any) -> tuple[Any, str, str]:
    """(price per GPU-hour or None, where it came from, its title)."""
    if given is not None:
        return given, "scenario", "Price per GPU-hour"
    gpu = ctx.catalog.hardware(gpu_name, "serving.gpu")
    rate = gp.gpu_rate(ctx.catalog, gpu.key, ctx.price_basis or None, "cost.price_basis")
    if rate is None:
        return None, gp.unpriced_reason(ctx.catalog, gpu.key, ctx.price_basis or None), ""
    return rate.usd_per_hour, rate.source, f"{gpu.name} per GPU-hour ({rate.label})"


def _misses(plan: ServingPlanSection, metrics: dict[str, float]) -> str:
    """The targets a configuration misses, e.g. 'TPOT p99 62 ms > 50 ms'."""
    out = []
    for key, label in TARGETS:
        goal = getattr(plan, key)
        if goal is not None and metrics[key] > goal:
            out.append(
                f"{label} {format_quantity(metrics[key], 's')} > {format_quantity(goal, 's')}"
            )
    return "; ".join(out)


def _scratch(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    traffic: tuple[float, float],
    price: float,
) -> tuple[dict[str, float], int] | None:
    """Nominal plan metrics of one configuration (None when the weights do not fit);
    ``traffic``: peak and average requests per second."""
    sheet = Sheet(samples=0)
    scratch = ctx.on(sheet)
    served = run_serving(scratch, srv)
    if not served:
        return None
    peak, average = traffic
    r = plan_steps(
        sheet,
        served,
        sheet.input("peak_requests_per_second", peak, "req/s", "Peak requests per second"),
        sheet.input("total_requests_per_second", average, "req/s", "Average requests per second"),
        sheet.input("usd_per_gpu_hour", price, "USD/h", "Price per GPU-hour"),
        plan.prefill_chunk_tokens,
        headroom_inputs(scratch, plan.target_utilization, plan.spare_replicas),
    )
    return {k: float(v.value) for k, v in r.items()}, int(served["max_batch"].value)


def _batches(max_batch: int, cap: int) -> list[int]:
    top = min(max_batch, cap)
    out = {top}
    b = 1
    while b < top:
        out.add(b)
        b *= 2
    return sorted(out)


def best_option(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    peak: float,
    average: float,
    price: float | None,
    tp: int,
) -> PlanOption:
    """The batch with the most requests per replica that meets every target, for one layout."""
    option = PlanOption(srv.gpu, srv.precision, tp, usd_per_gpu_hour=price)
    srv = srv.model_copy(update={"tensor_parallel": tp, "batch": None})
    first = _scratch(ctx, srv, plan, (peak, average), price or 0.0)
    if first is None:
        option.why_not = "the weights do not fit"
        return option
    option.max_batch = first[1]
    best: tuple[int, dict[str, float]] | None = None
    closest: tuple[int, dict[str, float]] | None = None
    for b in _batches(option.max_batch, plan.max_batch):
        got = _scratch(
            ctx,
            srv.model_copy(update={"batch": b}),
            plan,
            (peak, average),
            price or 0.0,
        )
        assert got is not None
        metrics = got[0]
        closest = closest or (b, metrics)
        if _misses(plan, metrics):
            continue
        if best is None or metrics["replica_request_rate"] > best[1]["replica_request_rate"]:
            best = (b, metrics)
    if best is None:
        assert closest is not None
        option.batch, option.metrics = closest
        option.why_not = "even batch 1 misses: " + _misses(plan, closest[1])
        return option
    option.batch, option.metrics = best
    if price is None:
        option.why_not = "no price in the catalog"
    return option


def search(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    peak: float,
    average: float,
    usd_per_gpu_hour: Any,
) -> list[PlanOption]:
    """Every GPU × precision × TP option, cheapest feasible first."""
    gpus = [srv.gpu, *[g for g in plan.compare_gpus if g != srv.gpu]]
    precisions = [srv.precision, *[p for p in plan.compare_precisions if p != srv.precision]]
    options: list[PlanOption] = []
    for gpu in gpus:
        ctx.catalog.hardware(gpu, "serving_plan.compare_gpus")
        given, _, _ = _gpu_price(ctx, gpu, usd_per_gpu_hour if gpu == srv.gpu else None)
        price = None if given is None else float(point(given))
        for precision in precisions:
            ctx.catalog.precision(precision, "serving_plan.compare_precisions")
            variant = srv.model_copy(update={"gpu": gpu, "precision": precision})
            tps = (plan.tensor_parallel,) if plan.tensor_parallel else TP_CHOICES
            try:
                layouts = [best_option(ctx, variant, plan, peak, average, price, tp) for tp in tps]
            except BotecInputError as exc:  # e.g. FP8 on a GPU without FP8 tensor cores
                why = (
                    f"no {precision} compute on this GPU"
                    if "computes in" in exc.allowed
                    else f"{exc.field}: {exc.allowed}"
                )
                options.append(PlanOption(gpu, precision, tps[0], why_not=why))
                continue
            ok = [o for o in layouts if o.feasible]
            if ok:
                options.append(min(ok, key=lambda o: (*o.rank(), o.tensor_parallel)))
            else:
                fits = [o for o in layouts if o.metrics]
                options.append(fits[-1] if fits else layouts[-1])
    return sorted(options, key=PlanOption.rank)


def _comparison(ctx: Context, options: list[PlanOption], chosen: PlanOption) -> None:
    rows = []
    for o in options:
        m = o.metrics or {}

        def cell(key: str, unit: str, m: dict[str, float] = m) -> str:
            return format_quantity(m[key], unit) if key in m else "–"

        rows.append(
            [
                ctx.catalog.hardware(o.gpu).name,
                o.precision,
                str(o.tensor_parallel),
                str(o.batch) if o.metrics else "–",
                cell("ttft_p99", "s"),
                cell("tpot_p99", "s"),
                cell("serving_gpus", "GPUs") if o.usd_per_gpu_hour is not None else "–",
                cell("serving_cost_per_month", "USD/month")
                if o.usd_per_gpu_hour is not None
                else "–",
                "chosen" if o is chosen else (o.why_not or "meets targets"),
            ]
        )
    ctx.sheet.table(
        "Options compared (nominal values; the cheapest that meets every target is chosen)",
        ["GPU", "Precision", "TP", "Batch", "TTFT p99", "TPOT p99", "GPUs", "Cost", "Verdict"],
        rows,
    )


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
    if plan.max_batch is None:  # the engine's own cap, at most vLLM's 256
        cap = min(256, int(ctx.catalog.engine(srv.engine, "serving.engine").max_concurrency))
        plan = plan.model_copy(update={"max_batch": cap})
    options = search(
        ctx, srv, plan, float(peak_rps.value), float(average_rps.value), usd_per_gpu_hour
    )
    chosen = next((o for o in options if o.feasible), None)
    base = next(
        (o for o in options if o.gpu == srv.gpu and o.precision == srv.precision), options[0]
    )
    pick = chosen or base
    with sheet.section("Serving"):
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
            sheet.note("bad", "No option fits the model in GPU memory: quantise or raise TP.")
            _comparison(ctx, options, pick)
            return
        _chosen_note(ctx, plan, options, chosen, pick)
        price = _plan_price(ctx, srv, pick, usd_per_gpu_hour)
        got = plan_steps(
            sheet,
            served,
            peak_rps,
            average_rps,
            price,
            plan.prefill_chunk_tokens,
            headroom_inputs(ctx, plan.target_utilization, plan.spare_replicas),
        )
        _pessimistic_notes(sheet, plan, got)
        if len(options) > 1 or plan.tensor_parallel is None:
            _comparison(ctx, options, pick)
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
        f"Chosen: {ctx.catalog.hardware(pick.gpu).name}, {pick.precision}, "
        f"TP {pick.tensor_parallel}, "
        f"batch {pick.batch} (of {pick.max_batch} that fit; cap {plan.max_batch}) — the "
        f"cheapest of {len(options)} option(s) meeting {', '.join(goals) or 'no targets'}."
    )
    ctx.sheet.note(
        "ok" if chosen else "bad",
        how if chosen else f"No option meets the targets. {pick.why_not}",
        verdict=True,
    )


def _plan_price(
    ctx: Context, srv: ServingSection, pick: PlanOption, usd_per_gpu_hour: Any
) -> Value:
    """The chosen GPU's price per GPU-hour: the scenario's for the [serving] GPU, else the
    catalog's on-demand rate."""
    price_value, source, title = _gpu_price(
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
