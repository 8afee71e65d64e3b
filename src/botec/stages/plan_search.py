"""The serving plan's search: every GPU × precision × tensor-parallel layout, batches 1, 2, 4, ...
up to what fits and the engine's cap, and (unless the scenario fixes it) the prefill chunk, each
evaluated on a scratch sheet at nominal values through the formulas the report records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botec.catalog import gpu_prices as gp
from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.core.units import format_quantity
from botec.estimators import serving_plan as sp
from botec.scenario import ServingPlanSection, ServingSection
from botec.stages.context import Context
from botec.stages.plan_steps import headroom_inputs, plan_steps
from botec.stages.serving import run_serving

TARGETS = (
    ("ttft_p50", "TTFT p50"),
    ("ttft_p99", "TTFT p99"),
    ("tpot_p50", "TPOT p50"),
    ("tpot_p99", "TPOT p99"),
)
TP_CHOICES = (1, 2, 4, 8)  # within one 8-GPU node; larger models need pipeline stages too
# Prefill chunks the plan tries, largest first (0: none, the whole prompt in one step): vLLM's
# max_num_batched_tokens and TensorRT-LLM's chunk sizes are set in this range.
CHUNK_CHOICES = (0, 8192, 4096, 2048, 1024, 512, 256)
START_CHUNK = 2048  # the chunk the serving runs are recorded at before the chunk search


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
    chunk: int = 0  # prefill chunk in tokens (0: none)

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


def plan_gpu_price(ctx: Context, gpu_name: str, given: Any) -> tuple[Any, str, str]:
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


def record_plan(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    traffic: tuple[float, float],
    price: float,
) -> tuple[dict[str, Value], dict[str, Value]] | None:
    """One configuration's serving steps and plan formulas on a scratch sheet at nominal values:
    (the plan's results, the serving values); None when not even one sequence fits.
    ``traffic``: peak and average requests per second."""
    sheet = Sheet(samples=0)
    scratch = ctx.on(sheet)
    served = run_serving(scratch, srv)
    if not served:
        return None
    peak, average = traffic
    chunk = START_CHUNK if plan.prefill_chunk_tokens is None else plan.prefill_chunk_tokens
    results = plan_steps(
        sheet,
        served,
        sheet.input("peak_requests_per_second", peak, "req/s", "Peak requests per second"),
        sheet.input("total_requests_per_second", average, "req/s", "Average requests per second"),
        sheet.input("usd_per_gpu_hour", price, "USD/h", "Price per GPU-hour"),
        chunk,
        headroom_inputs(scratch, plan.target_utilization, plan.spare_replicas),
    )
    return results, served


def _scratch(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    traffic: tuple[float, float],
    price: float,
) -> tuple[dict[str, float], int] | None:
    """Nominal plan metrics of one configuration (None when the weights do not fit)."""
    got = record_plan(ctx, srv, plan, traffic, price)
    if got is None:
        return None
    results, served = got
    return {k: float(v.value) for k, v in results.items()}, int(served["max_batch"].value)


def _batches(max_batch: int, cap: int) -> list[int]:
    top = min(max_batch, cap)
    out = {top}
    b = 1
    while b < top:
        out.add(b)
        b *= 2
    return sorted(out)


NO_PRICE = "no price in the catalog"  # meets the targets, but nothing prices its GPU


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
    try:
        first = _scratch(ctx, srv, plan, (peak, average), price or 0.0)
    except BotecInputError as exc:  # a searched TP that does not split the heads: not an option
        if exc.field != "serving.tensor_parallel":
            raise
        if plan.tensor_parallel:  # the plan's own TP: named as the plan's field (--tp)
            raise BotecInputError("serving_plan.tensor_parallel", exc.value, exc.allowed) from None
        option.why_not = f"TP {tp} does not split the attention heads evenly"
        return option
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
        chunk, metrics = _chunked(plan, got[0])
        closest = closest or (b, metrics, chunk)
        if _misses(plan, metrics):
            continue
        if best is None or metrics["replica_request_rate"] > best[1]["replica_request_rate"]:
            best = (b, metrics, chunk)
    if best is None:
        assert closest is not None
        option.batch, option.metrics, option.chunk = closest
        option.why_not = "even batch 1 misses: " + _misses(plan, closest[1])
        return option
    option.batch, option.metrics, option.chunk = best
    if price is None:
        option.why_not = NO_PRICE
    return option


def _chunked(plan: ServingPlanSection, metrics: dict[str, float]) -> tuple[int, dict[str, float]]:
    """The prefill chunk for these metrics: the scenario's, or the largest of CHUNK_CHOICES that
    meets every target (else the smallest), with the latencies it gives, through the same
    formulas the sheet records."""
    if plan.prefill_chunk_tokens is not None:
        return plan.prefill_chunk_tokens, metrics
    tried = []
    for chunk in CHUNK_CHOICES:
        env = {**metrics, "prefill_chunk_tokens": chunk or metrics["input_tokens"]}
        again = dict(metrics)
        for formula in (sp.TTFT_P50, sp.TTFT_P99, sp.TPOT_P99):
            again[formula.name] = float(formula.parsed.evaluate(env))
        tried.append((chunk, again))
        if not _misses(plan, again):
            return chunk, again
    return tried[-1]


def search(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    peak: float,
    average: float,
    usd_per_gpu_hour: Any,
) -> list[PlanOption]:
    """Every GPU × precision × TP option, cheapest feasible first."""
    # one option per device and format, however they were spelled (h100 is h100-sxm)
    gpus = list(dict.fromkeys(ctx.catalog.hardware(g, "serving_plan.compare_gpus").key
                              for g in [srv.gpu, *plan.compare_gpus]))  # fmt: skip
    field, spelled = "serving_plan.compare_precisions", {}
    for name in [srv.precision, *plan.compare_precisions]:  # the first spelling of each wins
        spelled.setdefault(ctx.catalog.precision(name, field).key, name)
    precisions = list(spelled.values())
    options: list[PlanOption] = []
    for gpu in gpus:
        ctx.catalog.hardware(gpu, "serving_plan.compare_gpus")
        given, _, _ = plan_gpu_price(ctx, gpu, usd_per_gpu_hour if gpu == srv.gpu else None)
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
            unpriced = [o for o in layouts if o.metrics and o.why_not == NO_PRICE]
            if ok:
                options.append(min(ok, key=lambda o: (*o.rank(), o.tensor_parallel)))
            elif unpriced:  # meets the targets unpriced: the fewest GPUs stands for the GPU
                options.append(min(unpriced, key=lambda o: (o.rank()[2], o.tensor_parallel)))
            else:
                fits = [o for o in layouts if o.metrics]
                options.append(fits[-1] if fits else layouts[-1])
    return sorted(options, key=PlanOption.rank)
