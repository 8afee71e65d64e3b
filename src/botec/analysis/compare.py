"""Hardware comparison: one scenario on several GPUs, ranked, with the constraint that binds.

Each GPU is a full evaluation of the scenario (same formulas, same ranges, same seed), so the
table shows nothing the single-GPU report would not. Every figure is the median of the draws (the
nominal point is exported beside it, named so); the ranking follows that figure: monthly (or
training) cost, else GPU count, else latency. A GPU the model does not fit, that cannot run it
or that has no price is listed, unranked, with the reason."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from botec.analysis.compare_variants import (
    check_price,
    evaluate_on,
    for_device,
    nothing_to_rank,
    own_gpus,
    price_basis,
)
from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value

if TYPE_CHECKING:
    from botec.catalog import Catalog

GPU_FIELDS = (
    "inference.gpu", "model.gpu", "kv_cache.gpu", "training.gpu", "serving.gpu", "model_fit.gpu",
    "image_generation.gpu", "video_generation.gpu", "embeddings.gpu", "speech.gpu",
    "speech_synthesis.gpu", "recommender.gpu",
)  # fmt: skip
# The first result present is the one compared, most decision-relevant first.
GPU_COUNT = (
    "serving_gpus", "gpus_needed", "realistic_gpus_required", "gpus_required", "total_gpus",
    "gpus_for_tokens", "gpus", "generation_gpus", "speech_gpus", "synthesis_gpus",
    "scoring_gpus", "query_encoder_gpus",
)  # fmt: skip
COST = (
    "total_monthly_cost_roofline", "total_monthly_cost", "serving_cost_per_month",
    "gpu_cost_per_month", "cost", "generation_cost_per_month", "speech_cost_per_month",
    "synthesis_cost_per_month", "ranking_cost_per_month", "embedding_cost",
)  # fmt: skip
LATENCY = (
    "ttft_p99", "request_latency", "time_to_first_token", "inference_time", "wall_clock",
    "time_per_token", "rag_latency", "generation_latency", "transcription_latency",
    "synthesis_time",
)  # fmt: skip


# A workload's GPU time, named for the binding-constraint column (the first present wins).
_WORKLOAD_STEPS = (
    ("denoise_step_time", "denoising steps: FLOPs, weight reads and launches at the generator's "
     "efficiency"),
    ("speech_batch_time", "a batch of 30-second windows: encoder FLOPs and decoder steps"),
    ("synthesis_step_time", "decoder steps per second of speech"),
    ("sample_time_per_gpu", "the ranker's dense FLOPs and table gathers per candidate"),
    ("encoder_tokens_per_second", "encoder FLOPs per token at the runtime's efficiency"),
)  # fmt: skip


@dataclass
class Option:
    """One GPU's outcome for the scenario."""

    gpu: str
    gpu_name: str
    sheet: Sheet
    gpus: Value | None
    cost: Value | None
    latency: Value | None
    binding: str  # memory, bandwidth, compute, latency or budget; price when unpriced
    why: str
    rank: int | None = None  # 1 = best; None: not ranked (``why`` says why)
    feasible: bool = True  # False: the model does not fit on this GPU (``why`` quotes the ✘)
    # the scenario's own-GPU settings (a price, a bandwidth) this GPU runs without
    dropped: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[float, float, float]:
        """The median cost, GPU count and latency: the figures the table shows."""
        inf = float("inf")
        return tuple(  # type: ignore[return-value]
            v.median() if v is not None else inf for v in (self.cost, self.gpus, self.latency)
        )


def _first(sheet: Sheet, names: tuple[str, ...]) -> Value | None:
    for name in names:
        if name in sheet:
            return sheet[name]
    return None


def binding_constraint(sheet: Sheet, gpu_memory_bytes: float) -> tuple[str, str]:
    """Which limit sets the answer on this GPU, and the numbers that show it."""
    from botec.core.units import format_memory, format_quantity

    weights = _first(sheet, ("weights_memory", "model_storage", "generator_weights_memory"))
    if "training_memory" in sheet and float(sheet["training_memory"]) > gpu_memory_bytes:
        need = format_memory(float(sheet["training_memory"]))
        return (
            "memory",
            f"training state {need} exceeds one GPU's {format_memory(gpu_memory_bytes)}",
        )
    # a plan splits the weights over its tensor-parallel group: each GPU holds its share
    split = float(sheet["tensor_parallel"]) if "tensor_parallel" in sheet else 1.0
    if weights is not None and float(weights) / split > gpu_memory_bytes:
        over = f" over {split:,.0f} GPUs" if split > 1 else ""
        return "memory", (
            f"weights {format_memory(float(weights))}{over} exceed one GPU's "
            f"{format_memory(gpu_memory_bytes)}"
        )
    if "serving_gpus" in sheet and "batch" in sheet and "max_batch" in sheet:  # a serving plan
        batch, fits = float(sheet["batch"]), float(sheet["max_batch"])
        if batch >= fits:
            return "memory", f"the KV cache caps the batch at {fits:,.0f} sequences"
        return "latency", (
            f"the targets (or the engine's cap) hold the batch at {batch:,.0f} of the "
            f"{fits:,.0f} that fit"
        )
    if "max_batch" in sheet and "max_concurrency" in sheet:
        fits, cap = float(sheet["max_batch"]), float(sheet["max_concurrency"])
        if fits < cap:
            return (
                "memory",
                f"KV cache caps the batch at {fits:,.0f} sequences (engine cap {cap:,.0f})",
            )
    if "decode_compute_time" in sheet and "decode_memory_time" in sheet:
        c, m = float(sheet["decode_compute_time"]), float(sheet["decode_memory_time"])
        if m >= c:
            return "bandwidth", (
                f"decode step reads memory for {format_quantity(m, 's')} vs "
                f"{format_quantity(c, 's')} of compute"
            )
        return "compute", (
            f"decode step computes for {format_quantity(c, 's')} vs "
            f"{format_quantity(m, 's')} of memory reads"
        )
    if "time_per_token" in sheet:
        return "bandwidth", "memory-bound method: every token reads all the weights"
    return _workload_limit(sheet, gpu_memory_bytes)


def _workload_limit(sheet: Sheet, gpu_memory_bytes: float) -> tuple[str, str]:
    """The limit of a workload section (image, video, speech, embeddings...) or of training."""
    from botec.core.units import format_memory

    for memory in ("generation_memory", "speech_memory", "synthesis_memory"):
        if memory in sheet and float(sheet[memory]) > gpu_memory_bytes:
            return "memory", (
                f"{memory.replace('_', ' ')} {format_memory(float(sheet[memory]))} exceeds one "
                f"GPU's {format_memory(gpu_memory_bytes)}"
            )
    for step, what in _WORKLOAD_STEPS:
        if step in sheet:
            return "compute", what
    if "inference_time" in sheet or "wall_clock" in sheet:
        return "compute", "FLOPs at the stated utilisation"
    if "tokens_per_second_per_gpu" in sheet:  # a measured rate, as the scenario states it
        return "—", "the scenario's stated tokens per second per GPU set these, not its specs"
    return "—", "nothing in this scenario runs on the GPU"


def compare_gpus(
    data: dict[str, Any],
    gpus: list[str],
    samples: int = 10_000,
    seed: int = 0,
    budget: float | None = None,
    catalog: Catalog | None = None,
) -> list[Option]:
    """Evaluate the scenario mapping ``data`` once per GPU; ranked options first (cheapest, else
    fewest GPUs, else fastest, by the median), then those not ranked. ``catalog``: the runs'
    catalog (default: the bundled one)."""
    from botec.catalog import load_catalog

    fields = _gpu_fields(data)
    cat = catalog or load_catalog()
    own = own_gpus(data, fields, cat)
    runs, refused, errors = [], [], []
    for name in gpus:
        hardware = cat.hardware(name, "--gpu")
        variant, dropped = for_device(data, fields, own, hardware.key)
        try:  # no price on the basis: listed unranked (its bill would lack the GPUs), not fatal
            check_price(data, hardware.key, cat)
        except BotecInputError as exc:
            refused.append(_unpriced(hardware, exc, dropped))
            errors.append(exc)
            continue
        try:  # a GPU that cannot run it (a precision it lacks) is listed, not fatal
            sheet = evaluate_on(variant, fields, hardware.key, samples, seed, catalog)
        except BotecInputError as exc:
            refused.append(_cannot_run(hardware, exc, dropped))
            errors.append(exc)
            continue
        runs.append((hardware, sheet, dropped))
    if not runs:  # no GPU runs it: the scenario itself is at fault, said as for one GPU
        raise errors[0]
    # one result per column, the same on every row: the first of its names any GPU computes
    sheets = [s for _, s, _ in runs]
    columns = [_column(sheets, names) for names in (GPU_COUNT, COST, LATENCY)]
    billed = (_billed(s[columns[1]]) for s in sheets if columns[1] and columns[1] in s)
    columns[0] = next((b for b in billed if b), columns[0])  # the count the cost pays for
    if not any(columns):
        raise nothing_to_rank(data, fields)
    options = [
        replace(_option(hardware, sheet, columns, budget), dropped=tuple(dropped))
        for hardware, sheet, dropped in runs
    ]
    return rank_options(options, price_basis(data, fields), cat) + refused


def _cannot_run(hardware: Any, exc: BotecInputError, dropped: list[str]) -> Option:
    empty = Sheet(f"{hardware.name}: cannot run")
    return Option(hardware.key, hardware.name, empty, None, None, None, "—",
                  f"not feasible: {exc}", feasible=False, dropped=tuple(dropped))  # fmt: skip


def _unpriced(hardware: Any, exc: BotecInputError, dropped: list[str]) -> Option:
    empty = Sheet(f"{hardware.name}: no price")
    why = f"not ranked: no price for {hardware.name}; needs {exc.allowed}"
    return Option(hardware.key, hardware.name, empty, None, None, None, "price", why,
                  dropped=tuple(dropped))  # fmt: skip


def _option(hardware: Any, sheet: Sheet, columns: list[str], budget: float | None) -> Option:
    """One GPU's row: its figures (none for a setup that cannot run) and what binds it."""
    misfit = _misfit(sheet)  # figures for a setup that cannot run are not shown
    missed = next((n.text for n in sheet.notes if n.topic == "targets"), "")
    gpus_v, cost, latency = (
        sheet[c] if c and c in sheet and not (misfit or missed) else None for c in columns
    )
    binding, why = binding_constraint(sheet, hardware.usable_bytes)
    if misfit:
        binding, why = "memory", f"not feasible: {misfit}"
    elif missed:  # no plan on this device meets the latency targets: nothing to rank
        binding, why = "latency", f"not feasible: {missed}"
    elif budget is not None and cost is not None and cost.median() > budget:
        from botec.core.units import format_quantity

        over = format_quantity(cost.median(), cost.unit)
        binding, why = "budget", f"{over} is over the budget ({why})"
    return Option(hardware.key, hardware.name, sheet, gpus_v, cost, latency, binding, why,
                  feasible=not (misfit or missed))  # fmt: skip


RANKED_BY = {"cost": "cheapest", "gpus": "fewest GPUs", "latency": "fastest"}


def ranked_by(options: list[Option]) -> str | None:
    """The figure the ranking follows: cost where any ranked GPU has one, else the GPU count,
    else the latency; None when no option is ranked."""
    return _first_figure([o for o in options if o.rank is not None])


def _first_figure(options: list[Option]) -> str | None:
    return next((a for a in RANKED_BY if any(getattr(o, a) is not None for o in options)), None)


def rank_options(options: list[Option], basis: str | None, catalog: Catalog) -> list[Option]:
    """Number the options that fit and are priced, by the first figure any of them has (equal
    figures share a rank); the rest follow, unranked, each with the reason."""
    from botec.catalog import gpu_prices as gp

    priced = any(o.cost is not None for o in options)
    unpriced = {
        o.gpu
        for o in options
        if o.cost is None
        and gp.gpu_rate(catalog, o.gpu, basis) is None
        and (priced or any("no price" in n.text.lower() for n in o.sheet.notes))
    }
    pool = [o for o in options if o.feasible and o.gpu not in unpriced]
    by = _first_figure(pool)
    ranked = sorted(
        (o for o in pool if by and getattr(o, by) is not None), key=lambda o: o.sort_key
    )
    for o in ranked:  # equal figures share a rank: the order among them means nothing
        o.rank = 1 + sum(p.sort_key < o.sort_key for p in ranked)
    rest = [o for o in options if o.rank is None]
    for o in rest:
        if not o.feasible:
            continue
        if o.gpu in unpriced:
            where = gp.basis(catalog, basis).name
            o.binding, o.why = "price", (
                f"not ranked: no price for {o.gpu_name} on the {where}: "
                f"{gp.unpriced_reason(catalog, o.gpu, basis)}; give usd_per_gpu_hour or "
                "another price_basis"
            )  # fmt: skip
            continue
        bad = next((f" ({n.text})" for n in o.sheet.notes if n.level == "bad"), "")
        o.binding, o.why = "—", f"not ranked: no {by or 'figure to rank'} on this GPU{bad}"
    return ranked + rest


def own_settings_note(options: list[Option]) -> str:
    """Which GPUs ran without the scenario's own-GPU settings (a stated price or bandwidth is
    for the device the scenario names), so mixed bases are never silent; '' when none did."""
    dropped = list(dict.fromkeys(d for o in options for d in o.dropped))
    if not dropped:
        return ""
    kept = [o.gpu_name for o in options if not o.dropped]
    moved = [o.gpu_name for o in options if o.dropped]
    keep = f"{' and '.join(kept)} keeps them; " if kept else ""
    return (
        f"Set for the scenario's own GPU: {', '.join(dropped)}. {keep}{' and '.join(moved)} "
        "run without them, at their catalog specs and their own prices on the scenario's "
        "price basis."
    )


def nominal_note(options: list[Option]) -> str:
    """Where the nominal point (every input at its central value) orders the leader differently
    from the median: the other figure, so the two are never confused; '' when they agree."""
    by = ranked_by(options)
    ranked = [o for o in options if o.rank is not None]
    if by is None or len(ranked) < 2:
        return ""
    best = ranked[0]
    low = min(ranked, key=lambda o: float(getattr(o, by)))
    if low is best or float(getattr(low, by)) >= float(getattr(best, by)):
        return ""
    from botec.core.units import format_quantity

    def nominal(o: Option) -> str:
        v = getattr(o, by)
        return format_quantity(float(v), v.unit)

    plan = (
        " (the point at which a [serving_plan] chooses its GPU, so `botec report` may pick it)"
        if "Serving plan" in best.sheet.sections
        else ""
    )
    return (
        f"Ranked by the median of the Monte Carlo draws. At the nominal inputs{plan} "
        f"{low.gpu_name} comes first instead: {nominal(low)} against {nominal(best)} for "
        f"{best.gpu_name}."
    )


def _misfit(sheet: Sheet) -> str:
    """Why the model does not fit on this GPU (the sheet's ✘ about fit or memory, or weights
    that need more GPUs than a replica has); '' when it fits."""
    for note in sheet.notes:
        if note.level == "bad" and note.topic == "fit":
            return note.text
    if "gpus_to_fit_weights" in sheet and "gpus_per_replica" in sheet:
        need, have = sheet["gpus_to_fit_weights"].median(), sheet["gpus_per_replica"].median()
        if need > have:
            return f"the weights need at least {need:,.0f} of these GPUs; a replica has {have:,.0f}"
    return ""


def _billed(cost: Value, depth: int = 0) -> str | None:
    """The GPU count a cost is computed from (the count billed), searched a few steps back."""
    args = list((cost.args or {}).values())
    found = next((a.name for a in args if a.unit == "GPUs" and a.kind == "step"), None)
    if found or depth == 3:
        return found
    return next((n for a in args if (n := _billed(a, depth + 1))), None)


def _column(sheets: list[Sheet], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if any(n in s for s in sheets)), None)


def _gpu_fields(data: dict[str, Any]) -> list[str]:
    fields = [
        f
        for f in GPU_FIELDS
        if isinstance(data.get(f.split(".")[0]), dict)
        and not (f == "recommender.gpu" and data["recommender"].get("device", "cpu") != "gpu")
    ]
    if not fields:
        raise BotecInputError(
            "FILE",
            "no GPU",
            "a scenario with an [inference], [serving], [model_fit], [model], [kv_cache], "
            "[training], [image_generation], [video_generation], [embeddings], [speech], "
            "[speech_synthesis] or GPU [recommender] section",
        )
    return fields
