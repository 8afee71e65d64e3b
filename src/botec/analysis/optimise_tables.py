"""The optimiser's search on the report: a section (shown first) with the cheapest plans, what
each change saves against the scenario's own plan, the Pareto front of cost against latency, the
constraint that binds and what was searched. Figures are the search's nominal values."""

from __future__ import annotations

from typing import Any

from botec.analysis.optimise import LOW_BIT, SCENARIO_PRICE, Layout, Plan, Search
from botec.catalog import Catalog
from botec.core.sheet import Sheet
from botec.core.units import format_quantity
from botec.stages.plan import CHOSEN

SECTION = "Optimisation"
LATENCY_LABEL = {
    "ttft_p50": "TTFT p50", "ttft_p99": "TTFT p99", "tpot_p50": "TPOT p50", "tpot_p99": "TPOT p99",
}  # fmt: skip
FRONT_ROWS = 12  # the front's points shown (evenly spread along it); JSON and charts: all
# What "each change" varies, with the scenario's other choices held (batch and chunk re-chosen).
CHANGES = (
    ("gpu", "GPU"), ("precision", "Precision"), ("engine", "Engine"),
    ("tensor_parallel", "Tensor parallel"), ("basis", "Price basis"),
)  # fmt: skip


def describe(catalog: Catalog, layout: Layout) -> str:
    """'NVIDIA H100 SXM · fp8 · vllm · TP 1'."""
    gpu = catalog.hardware(layout.gpu).name
    return f"{gpu} · {layout.precision} · {layout.engine} · TP {layout.tensor_parallel}"


def _money(usd: float) -> str:
    return format_quantity(usd, "USD/month")


def _saving(cost: float, own: Plan | None) -> str:
    """'−35%' cheaper than the scenario's own plan, '+12%' dearer."""
    if own is None or own.cost <= 0:
        return "–"
    change = (cost - own.cost) / own.cost
    if abs(change) < 0.005:
        return "same"
    return f"−{-change:.0%}" if change < 0 else f"+{change:.0%}"


def record_search(
    sheet: Sheet,
    catalog: Catalog,
    found: Search,
    mine: tuple[Plan | None, dict[str, Any], str],
    notes: list[str],
    top: int,
) -> None:
    """Add the optimisation section to ``sheet`` (ahead of the recorded plan, whose own 'Chosen'
    note, written for a search over its batches alone, the optimiser's verdict replaces)."""
    sheet.notes = [n for n in sheet.notes if not n.text.startswith(CHOSEN)]
    yours, own, why = mine  # the scenario's own plan, its choices, why it has none
    with sheet.section(SECTION):
        best = found.plans[0] if found.plans else None
        _verdict(sheet, catalog, found, (yours, own, why), best)
        if best is not None:
            _cheapest(sheet, catalog, found, yours, top)
            _changes(sheet, catalog, found, yours)
            _front(sheet, catalog, found)
            _caveats(sheet, catalog, best)
        for line in notes:
            sheet.note("info", line)
        _searched(sheet, found)
    sheet.sections.remove(SECTION)
    sheet.sections.insert(0, SECTION)


def _verdict(
    sheet: Sheet,
    catalog: Catalog,
    found: Search,
    mine: tuple[Plan | None, dict[str, Any], str],
    best: Plan | None,
) -> None:
    yours, own, why = mine
    targets = ", ".join(
        f"{LATENCY_LABEL[k]} ≤ {format_quantity(v, 's')}" for k, v in found.targets.items()
    )
    if best is None:
        reasons = _reasons(found)
        sheet.note(
            "bad",
            f"No plan of the {found.candidates:,} searched meets {targets}"
            + (f" ({reasons})" if reasons else "")
            + ": relax a target, or search more GPUs (--gpus), precisions (--precisions) or "
            "price bases (--bases).",
            verdict=True,
        )
        if yours is not None:
            sheet.note("info", "The report below is your own plan, as botec plan records it.")
        return
    text = (
        f"Cheapest plan meeting {targets}: {describe(catalog, best.layout)}, batch {best.batch}, "
        f"on the {_basis(best.basis)} price basis: {_money(best.cost)} "
        f"({format_quantity(best.metrics['serving_gpus'], 'GPUs')} at the nominal figures the "
        f"search ranks on; a headline with a range gives the draws' median). "
        f"Binding: {best.binding}."
    )
    if yours is None:
        text += (
            f" Your plan ({own['gpu']}, {own['precision']}, {own['engine']}, "
            f"{_basis(own['basis'])} prices) has no plan that meets them"
            + (f": {why}." if why else ".")
        )
    elif yours.cost > 0 and best.cost < yours.cost:
        text += (
            f" Against your plan ({describe(catalog, yours.layout)}, {_money(yours.cost)}) it "
            f"saves {_money(yours.cost - best.cost)} ({(yours.cost - best.cost) / yours.cost:.0%})."
        )
    elif best.layout == yours.layout and best.basis == yours.basis:
        text += " It is your own plan's layout: no change saves more."
    elif best.cost > yours.cost:  # the lists searched leave out the user's own, cheaper plan
        text += (
            f" Your own plan ({describe(catalog, yours.layout)}, {_money(yours.cost)}) is "
            f"cheaper by {_money(best.cost - yours.cost)}: nothing in the lists searched beats it."
        )
    sheet.note("ok", text, verdict=True)


def _reasons(found: Search) -> str:
    """The commonest reasons layouts were left out, e.g. '40 no price on the bases searched'."""
    counts: dict[str, int] = {}
    for why in (*found.rejected.values(), *found.near_misses.values()):
        key = why.split(":")[0] if why.startswith("even batch 1") else why
        counts[key] = counts.get(key, 0) + 1
    top = sorted(counts.items(), key=lambda x: -x[1])[:3]
    return "; ".join(f"{n} layout(s): {why}" for why, n in top)


def _basis(name: str) -> str:
    return "scenario's" if name == SCENARIO_PRICE else name


def _row(catalog: Catalog, plan: Plan, yours: Plan | None) -> list[str]:
    m = plan.metrics
    return [
        describe(catalog, plan.layout),
        str(plan.batch),
        f"{plan.chunk:,}" if plan.chunk else "none",
        _basis(plan.basis),
        format_quantity(m["serving_gpus"], "GPUs"),
        format_quantity(m["ttft_p99"], "s"),
        format_quantity(m["tpot_p99"], "s"),
        _money(plan.cost),
        _saving(plan.cost, yours),
        plan.binding,
    ]


HEADER = ["Plan", "Batch", "Chunk", "Basis", "GPUs", "TTFT p99", "TPOT p99", "Cost",
          "vs yours", "Binding"]  # fmt: skip


def _cheapest(sheet: Sheet, catalog: Catalog, found: Search, yours: Plan | None, top: int) -> None:
    """The cheapest plans, one row per layout (on its cheapest basis)."""
    rows, seen = [], set()
    for plan in found.plans:
        if plan.layout in seen:
            continue
        seen.add(plan.layout)
        rows.append(_row(catalog, plan, yours))
        if len(rows) == top:
            break
    sheet.table(
        f"The {len(rows)} cheapest plans (nominal values; one row per GPU · precision · engine · "
        "TP, on its cheapest price basis; batch and prefill chunk chosen for each)",
        HEADER,
        rows,
    )


def _changes(sheet: Sheet, catalog: Catalog, found: Search, yours: Plan | None) -> None:
    """One change at a time from the scenario's own plan, then all of them."""
    if yours is None:
        return
    rows = [["Your plan", *_row(catalog, yours, yours)]]
    base = {
        "gpu": yours.layout.gpu,
        "precision": yours.layout.precision,
        "engine": yours.layout.engine,
        "tensor_parallel": yours.layout.tensor_parallel,
        "basis": yours.basis,
    }
    for key, label in CHANGES:
        plan = found.cheapest(**{k: v for k, v in base.items() if k != key})
        if plan is not None and plan.cost < yours.cost:
            rows.append([f"{label} only", *_row(catalog, plan, yours)])
    best = found.plans[0]
    if best is not yours:
        rows.append(["Everything", *_row(catalog, best, yours)])
    sheet.table(
        "What each change saves against your plan (the others held; batch and chunk re-chosen)",
        ["Change", *HEADER],
        rows,
    )


def _front(sheet: Sheet, catalog: Catalog, found: Search) -> None:
    label = LATENCY_LABEL[found.latency]
    points = found.front
    if len(points) > FRONT_ROWS:  # evenly spread, the fastest and the cheapest kept
        step = (len(points) - 1) / (FRONT_ROWS - 1)
        points = [points[round(i * step)] for i in range(FRONT_ROWS)]
    rows = [
        [
            format_quantity(p.metrics["latency"], "s"),
            _money(p.cost),
            describe(catalog, p.layout),
            str(p.batch),
            _basis(p.basis),
        ]
        for p in points
    ]
    sheet.table(
        f"Pareto front: monthly cost against {label} ({len(found.front)} plans that no other "
        f"beats on both; {len(rows)} shown, fastest first)",
        [label, "Cost", "Plan", "Batch", "Basis"],
        rows,
    )


def _caveats(sheet: Sheet, catalog: Catalog, best: Plan) -> None:
    layout = best.layout
    if layout.precision in LOW_BIT:
        sheet.note(
            "warn",
            f"The cheapest plan stores {layout.precision} weights: 4-bit quantisation changes "
            "the model's answers more than FP8 or INT8 does; check quality on your own "
            "evaluations (or --precisions fp16,fp8,int8).",
        )
    basis = catalog.price("basis", best.basis) if best.basis != SCENARIO_PRICE else None
    if basis is not None and basis.kind == "spot":
        sheet.note(
            "warn",
            "Spot capacity can be reclaimed at two minutes' notice (AWS spot interruption "
            "notices): serve from spot only with on-demand capacity to fall back on.",
        )
    if catalog.hardware(layout.gpu).name.startswith("NVIDIA GeForce"):
        sheet.note(
            "warn",
            "A GeForce card: NVIDIA's GeForce driver licence does not allow data-centre "
            "deployment; marketplaces rent them, clouds do not.",
        )


def _searched(sheet: Sheet, found: Search) -> None:
    reasons: dict[str, int] = {}
    for why in found.rejected.values():
        reasons[why] = reasons.get(why, 0) + 1
    left = "; ".join(f"{n} {why}" for why, n in sorted(reasons.items(), key=lambda x: -x[1]))
    sheet.note(
        "info",
        f"Searched {found.layouts + len(found.rejected):,} layouts (GPU × precision × engine × "
        f"TP) and {found.candidates:,} candidate plans (each layout's batches up to what fits "
        f"and the engine's cap × prefill chunks × {len(found.bases)} price bases), through the "
        f"formulas botec plan records; replicas solved for the peak, not searched. "
        f"{len(found.near_misses):,} layouts fit but miss a target at every batch"
        + (f"; left out: {left}." if left else "."),
    )
