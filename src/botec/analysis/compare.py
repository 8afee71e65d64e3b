"""Hardware comparison: one scenario on several GPUs, ranked, with the constraint that binds.

Each GPU is a full evaluation of the scenario (same formulas, same ranges, same seed), so the
table shows nothing the single-GPU report would not. Ranked by monthly cost (or training cost),
then by GPU count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value

if TYPE_CHECKING:
    from botec.catalog import Catalog

GPU_FIELDS = (
    "inference.gpu", "model.gpu", "kv_cache.gpu", "training.gpu", "serving.gpu", "model_fit.gpu",
    "image_generation.gpu", "video_generation.gpu", "embeddings.gpu", "speech.gpu",
    "speech_synthesis.gpu", "recommender.gpu",
)  # fmt: skip
# Sections whose GPU field is set even when the file leaves it to the default.
_ALWAYS_SET = (
    "inference", "training", "serving", "image_generation", "video_generation", "embeddings",
    "speech", "speech_synthesis", "recommender",
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
    binding: str  # memory, bandwidth, compute or budget
    why: str

    @property
    def sort_key(self) -> tuple[float, float]:
        """The median cost, then the median GPU count: what the table shows."""
        inf = float("inf")
        return (
            self.cost.percentiles()[1] if self.cost is not None else inf,
            self.gpus.percentiles()[1] if self.gpus is not None else inf,
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
    if weights is not None and float(weights) > gpu_memory_bytes:
        return "memory", (
            f"weights {format_memory(float(weights))} exceed one GPU's "
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
    return "—", "nothing in this scenario runs on the GPU"


def compare_gpus(
    data: dict[str, Any],
    gpus: list[str],
    samples: int = 10_000,
    seed: int = 0,
    budget: float | None = None,
    catalog: Catalog | None = None,
) -> list[Option]:
    """Evaluate the scenario mapping ``data`` once per GPU; best (cheapest) first. ``catalog``:
    the runs' catalog (default: the bundled one)."""
    from botec.analysis.evaluate import evaluate
    from botec.catalog import load_catalog
    from botec.scenario import scenario_from_dict

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
    cat = catalog or load_catalog()
    options = []
    for name in gpus:
        hardware = cat.hardware(name, "--gpu")
        _check_price(data, hardware.key, cat)
        variant = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
        for path in fields:
            section, _, key = path.partition(".")
            if key in variant[section] or section in _ALWAYS_SET:
                variant[section][key] = hardware.key
        if isinstance(variant.get("serving_plan"), dict):  # the plan on this GPU only
            variant["serving_plan"] = {**variant["serving_plan"], "compare_gpus": []}
        sheet = evaluate(scenario_from_dict(variant), samples=samples, seed=seed, catalog=catalog)
        cost = _first(sheet, COST)
        binding, why = binding_constraint(sheet, hardware.memory_bytes)
        if budget is not None and cost is not None and float(cost) > budget:
            binding, why = "budget", f"{cost.formatted()} is over the budget ({why})"
        options.append(
            Option(
                hardware.key,
                hardware.name,
                sheet,
                _first(sheet, GPU_COUNT),
                cost,
                _first(sheet, LATENCY),
                binding,
                why,
            )
        )
    return sorted(options, key=lambda o: o.sort_key)


def _check_price(data: dict[str, Any], key: str, catalog: Catalog) -> None:
    """A cost section without a stated price needs every GPU compared priced on its basis: an
    unpriced one would rank by the rest of the bill alone."""
    from botec.catalog import gpu_prices as gp

    cost = data.get("cost")
    priced = "inference" in data or "serving_plan" in data
    if not (priced and isinstance(cost, dict) and "usd_per_gpu_hour" not in cost):
        return
    basis = cost.get("price_basis") or None
    if gp.gpu_rate(catalog, key, basis) is None:
        raise BotecInputError(
            "--gpu",
            key,
            f"a GPU priced on the {gp.basis(catalog, basis).name} (it has no price there: "
            f"{gp.unpriced_reason(catalog, key, basis)}), or a price: [cost] usd_per_gpu_hour "
            f"or price_basis, or --catalog FILE with [prices.gpu.{key}] on_demand_usd_per_hour",
        )
