"""The deployment-cost optimiser: the cheapest serving plan over GPU × precision × engine ×
tensor parallel × batch × prefill chunk × price basis, under the latency targets and memory.

A *layout* is one GPU, precision, engine and tensor-parallel degree. For each, the serving steps
and the plan's formulas are recorded once on a scratch sheet (batch 1), exactly as ``botec plan``
records them, and then replayed (``core.replay``) with numpy arrays: every batch from 1 to what
fits (and the engine's cap) × every prefill chunk × every price basis in one pass. No formula is
written twice, so a candidate's figures are the ones the plan's report would show for it.

Replicas are solved, not searched: the fewest that carry the peak at the target utilisation
(more only cost more). Per batch the prefill chunk is the plan's rule: the largest that meets
every target. Per layout and basis the cheapest batch wins.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botec.catalog import gpu_prices as gp
from botec.core.errors import BotecInputError
from botec.core.replay import replay
from botec.scenario import ServingPlanSection, ServingSection
from botec.stages.context import Context
from botec.stages.plan_search import CHUNK_CHOICES, TARGETS, TP_CHOICES, record_plan
from botec.stages.serving_checks import engine_cannot

METRICS = (
    "ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99", "replica_request_rate", "replicas",
    "serving_gpus", "serving_cost_per_month",
)  # fmt: skip
LATENCIES = ("ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99")
# Engines searched by default beside the scenario's own: the two whose factors botec fits on
# published serving benchmarks and that run continuous batching in production.
DEFAULT_ENGINES = ("vllm", "tensorrt-llm")
# Weight precisions searched by default beside the scenario's own (botec precisions); bits below
# 8 change the model's answers more than FP8/INT8 do, so the report flags them.
DEFAULT_PRECISIONS = ("fp16", "fp8", "int8", "int4", "fp4")
LOW_BIT = ("int4", "fp4", "q4_0", "q4_k_m")
SCENARIO_PRICE = "scenario"  # the pseudo-basis of a price the scenario states


@dataclass(frozen=True)
class Layout:
    """One GPU, weight precision, engine and tensor-parallel degree."""

    gpu: str
    precision: str
    engine: str
    tensor_parallel: int


@dataclass
class Plan:
    """The cheapest batch (and its prefill chunk) of one layout on one price basis."""

    layout: Layout
    basis: str
    usd_per_gpu_hour: float
    batch: int
    chunk: int  # prefill chunk in tokens (0: none)
    max_batch: int  # sequences that fit in memory
    cap: int  # the engine's (or the plan's) concurrency cap
    metrics: dict[str, float]
    binding: str = ""

    @property
    def cost(self) -> float:
        return self.metrics["serving_cost_per_month"]


@dataclass
class Search:
    """What the optimiser tried and found."""

    targets: dict[str, float]
    bases: list[str]
    layouts: int = 0  # layouts evaluated (the weights fit, the heads split)
    candidates: int = 0  # layout × batch × chunk × basis points evaluated
    seconds: float = 0.0
    rejected: dict[Layout, str] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)  # every layout × basis that meets the targets
    front: list[Plan] = field(default_factory=list)  # cost against latency, cheapest last
    latency: str = "tpot_p99"
    near_misses: dict[Layout, str] = field(default_factory=dict)  # fits, but misses a target

    @property
    def per_second(self) -> float:
        return self.candidates / self.seconds if self.seconds else 0.0

    def cheapest(self, **fixed: Any) -> Plan | None:
        """The cheapest plan whose layout fields (gpu, precision, engine, tensor_parallel) and
        basis equal ``fixed`` (a tuple: any of them); None when none meets the targets."""
        best = None
        for plan in self.plans:
            if all(
                (plan.basis if key == "basis" else getattr(plan.layout, key))
                in (value if isinstance(value, tuple) else (value,))
                for key, value in fixed.items()
            ) and (best is None or plan.cost < best.cost):
                best = plan
        return best


@dataclass(frozen=True)
class Space:
    """The axes searched and the fixed settings around them."""

    gpus: tuple[str, ...]
    precisions: tuple[str, ...]
    engines: tuple[str, ...]
    bases: tuple[str, ...]
    tensor_parallel: tuple[int, ...] = TP_CHOICES
    chunks: tuple[int, ...] = CHUNK_CHOICES
    scenario_price: float | None = None  # the scenario's price for its own GPU
    scenario_gpu: str = ""


def search(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    traffic: tuple[float, float],
    space: Space,
    latency: str = "tpot_p99",
) -> Search:
    """Every layout in ``space``, each replayed over its batches, chunks and price bases;
    ``traffic``: peak and average requests per second."""
    import numpy

    start = time.perf_counter()
    targets = {k: float(getattr(plan, k)) for k, _ in TARGETS if getattr(plan, k) is not None}
    out = Search(targets, list(space.bases), latency=latency)
    front_points: list[tuple[Any, Any, Any, Plan]] = []
    layouts, out.rejected = _layouts(ctx, space)
    for layout in layouts:
        prices = numpy.array([_price(ctx, space, layout.gpu, b) for b in space.bases], float)
        if not numpy.isfinite(prices).any():
            out.rejected[layout] = "no price on the bases searched"
            continue
        try:
            got = _evaluate(ctx, srv, plan, layout, traffic, prices, space.chunks)
        except BotecInputError as exc:
            out.rejected[layout] = _reason(exc)
            continue
        if isinstance(got, str):
            out.rejected[layout] = got
            continue
        out.layouts += 1
        out.candidates += got.points
        _collect(out, got, layout, prices, space, front_points)
    out.front = _front(front_points)
    out.plans.sort(key=lambda p: (p.cost, p.metrics["serving_gpus"]))
    out.seconds = time.perf_counter() - start
    return out


def _layouts(ctx: Context, space: Space) -> tuple[list[Layout], dict[Layout, str]]:
    """Every layout to evaluate, and those an engine cannot run with why."""
    out, refused = [], {}
    for gpu in space.gpus:
        hardware = ctx.catalog.hardware(gpu, "--gpus")
        for engine in space.engines:
            for precision in space.precisions:
                why = engine_cannot(ctx, engine, hardware, precision)
                for tp in space.tensor_parallel:
                    layout = Layout(hardware.key, precision, engine, tp)
                    if why:
                        refused[layout] = why
                    else:
                        out.append(layout)
    return out, refused


def _price(ctx: Context, space: Space, gpu: str, basis: str) -> float:
    if basis == SCENARIO_PRICE:
        return space.scenario_price if gpu == space.scenario_gpu else float("nan")
    rate = gp.gpu_rate(ctx.catalog, gpu, basis)
    return rate.usd_per_hour if rate is not None else float("nan")


def _reason(exc: BotecInputError) -> str:
    if exc.field.endswith("tensor_parallel"):
        return "the TP degree does not split the attention heads evenly"
    if "computes in" in exc.allowed:
        return "no compute for this precision on this GPU"
    return f"{exc.field}: {exc.allowed}"


@dataclass
class _Layout:
    """One layout's replayed arrays: per batch (index b = batch − 1)."""

    metrics: dict[str, Any]  # each (B,) at the chosen chunk; the cost (K, B)
    chunk: Any  # (B,) chosen chunk per batch
    ok: Any  # (B,) meets every target at some chunk
    misses: Callable[[int], str]  # the targets batch index b misses at its chunk
    fits: int
    cap: int
    points: int
    capped_by: str  # the engine's cap, or the plan's max_batch


def _evaluate(
    ctx: Context,
    srv: ServingSection,
    plan: ServingPlanSection,
    layout: Layout,
    traffic: tuple[float, float],
    prices: Any,
    chunks: tuple[int, ...],
) -> _Layout | str:
    """Record the layout once at batch 1, then replay it over its batches, chunks and prices."""
    import numpy

    variant = srv.model_copy(
        update={
            "gpu": layout.gpu,
            "precision": layout.precision,
            "engine": layout.engine,
            "tensor_parallel": layout.tensor_parallel,
            "batch": 1,
        }
    )
    recorded = _record(ctx, variant, plan, traffic)
    if recorded is None:
        return "the weights and one sequence's KV cache do not fit"
    results, fits, prompt = recorded
    engine_cap = variant.max_concurrency or ctx.catalog.engine(layout.engine).max_concurrency
    cap = int(min(engine_cap, plan.max_batch or engine_cap))
    capped_by = "serving_plan.max_batch" if cap < engine_cap else f"{layout.engine}'s"
    top = min(fits, cap)
    got = replay(
        [results[k] for k in METRICS],
        {
            "batch": numpy.arange(1, top + 1, dtype=float)[:, None],  # (B, 1)
            "prefill_chunk_tokens": numpy.array([c or prompt for c in chunks], float)[None, :],
            "usd_per_gpu_hour": prices[:, None, None],  # (K, 1, 1): the cost is (K, B, 1)
        },
    )
    shape = (top, len(chunks))
    latency_and_rate = [k for k in METRICS if k != "serving_cost_per_month"]
    grid = {k: numpy.broadcast_to(numpy.asarray(got[k], float), shape) for k in latency_and_rate}
    meets = numpy.ones(shape, dtype=bool)
    for key, goal in _targets(plan).items():
        meets &= grid[key] <= goal
    ok = meets.any(axis=1)
    pick = meets.argmax(axis=1)  # the first (largest) chunk meeting every target
    pick[~ok] = len(chunks) - 1  # none does: the smallest chunk, for the misses shown
    per_batch = {k: grid[k][numpy.arange(top), pick] for k in latency_and_rate}
    # (K, B): the monthly cost on each basis (it does not depend on the prefill chunk)
    cost = numpy.asarray(got["serving_cost_per_month"], float)
    per_batch["serving_cost_per_month"] = numpy.broadcast_to(cost, (len(prices), top, 1))[:, :, 0]

    def misses(b: int) -> str:  # the targets batch index b misses at its chunk
        return _missed(plan, {k: grid[k][b, pick[b]] for k in LATENCIES})

    points = top * len(chunks) * len(prices)
    return _Layout(per_batch, numpy.array(chunks)[pick], ok, misses, fits, cap, points, capped_by)


def _record(
    ctx: Context, srv: ServingSection, plan: ServingPlanSection, traffic: tuple[float, float]
) -> tuple[dict[str, Any], int, float] | None:
    """The serving steps and the plan's formulas as ``botec plan`` records them, at $1 per
    GPU-hour: (the plan's results, the sequences that fit, the prompt tokens); None when not
    even one sequence fits."""
    got = record_plan(
        ctx, srv, plan.model_copy(update={"prefill_chunk_tokens": None}), traffic, 1.0
    )
    if got is None:
        return None
    results, served = got
    prompt = float(served["input_tokens_per_sequence"].value)
    return results, int(served["max_batch"].value), prompt


def _targets(plan: ServingPlanSection) -> dict[str, float]:
    return {k: float(getattr(plan, k)) for k, _ in TARGETS if getattr(plan, k) is not None}


def _missed(plan: ServingPlanSection, latencies: dict[str, float]) -> str:
    from botec.core.units import format_quantity

    def pair(value: float, goal: float) -> str:
        shown, target = format_quantity(value, "s"), format_quantity(goal, "s")
        if shown == target:  # 50.04 ms against 50 ms: show the digits that differ
            shown, target = f"{value * 1e3:.4g} ms", f"{goal * 1e3:.4g} ms"
        return f"{shown} > {target}"

    return "; ".join(
        f"{label} {pair(latencies[key], goal)}"
        for key, label in TARGETS
        if (goal := getattr(plan, key)) is not None and latencies[key] > goal
    )


def _collect(
    out: Search,
    got: _Layout,
    layout: Layout,
    prices: Any,
    space: Space,
    front_points: list[tuple[Any, Any, Any, Plan]],
) -> None:
    """The cheapest batch per basis, its binding constraint, and the layout's front points."""
    import numpy

    if not got.ok.any():
        out.near_misses[layout] = f"even batch 1 misses {got.misses(0)}"
        return
    cost = numpy.where(got.ok[None, :], got.metrics["serving_cost_per_month"], numpy.inf)
    for k, basis in enumerate(space.bases):
        if not numpy.isfinite(prices[k]):
            continue
        b = int(numpy.argmin(cost[k]))
        plan = _plan(got, layout, basis, float(prices[k]), b, float(cost[k][b]))
        plan.binding = _binding(got, layout, b)
        out.plans.append(plan)
        batches = numpy.flatnonzero(got.ok)
        front_points.append((got.metrics[out.latency][batches], cost[k][batches], batches, plan))


def _plan(got: _Layout, layout: Layout, basis: str, price: float, b: int, cost: float) -> Plan:
    metrics = {k: float(got.metrics[k][b]) for k in METRICS if k != "serving_cost_per_month"}
    metrics["serving_cost_per_month"] = cost
    return Plan(layout, basis, price, b + 1, int(got.chunk[b]), got.fits, got.cap, metrics)


def _binding(got: _Layout, layout: Layout, b: int) -> str:
    """What stops the batch growing past the largest one that meets every target (from the
    cheapest batch, index ``b``, up), and whether the cheapest is smaller than that."""
    last = b
    while last + 1 < len(got.ok) and got.ok[last + 1]:
        last += 1
    if last + 1 < len(got.ok):
        limit = f"latency: batch {last + 2} misses {got.misses(last + 1)}"
    elif got.fits <= got.cap:
        limit = f"memory: {got.fits:,} sequences fit"
    else:
        limit = f"{got.capped_by} cap: {got.cap:,} sequences"
    if last > b:  # whole replicas: the larger batches save no GPU, the smaller one is faster
        limit += f"; batches to {last + 1:,} need no fewer GPUs"
    return limit


def _front(points: list[tuple[Any, Any, Any, Plan]]) -> list[Plan]:
    """The Pareto front of cost against the latency: no other plan is both cheaper and faster.
    Each point is one batch of a layout on one basis; returned fastest first."""
    import numpy

    if not points:
        return []
    lat = numpy.concatenate([p[0] for p in points])
    cost = numpy.concatenate([p[1] for p in points])
    batch = numpy.concatenate([p[2] for p in points])
    owner = numpy.concatenate([numpy.full(len(p[0]), i) for i, p in enumerate(points)])
    order = numpy.lexsort((cost, lat))
    lat, cost, batch, owner = lat[order], cost[order], batch[order], owner[order]
    running = numpy.minimum.accumulate(cost)
    keep = numpy.ones(len(cost), dtype=bool)
    keep[1:] = cost[1:] < running[:-1]
    out = []
    for x, c, b, o in zip(lat[keep], cost[keep], batch[keep], owner[keep], strict=True):
        plan = points[int(o)][3]
        out.append(
            Plan(
                plan.layout,
                plan.basis,
                plan.usd_per_gpu_hour,
                int(b) + 1,
                0,
                plan.max_batch,
                plan.cap,
                {"latency": float(x), "serving_cost_per_month": float(c)},
            )
        )
    return out
