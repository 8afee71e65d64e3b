"""The [training] stage: compute, time, money, energy, storage, memory and the budget verdict.

A named model (catalog, config.json or Hub) brings its shape: active parameters for MoE, and the
attention term when a sequence length is given. The default MFU is a range by GPU generation and
scale (``catalog/training_mfu.toml``); the default price is the catalog's on-demand rate.
"""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.estimators import memory, training, verdicts
from botec.estimators._constants import seconds_per_day, seconds_per_hour
from botec.estimators.serving import ATTENTION_DIM
from botec.scenario import TrainingSection
from botec.stages._inputs import assumed, catalog_cite
from botec.stages.context import Context
from botec.stages.model_params import record_param_count

# Chinchilla's fitted loss L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, Approach 3, eq. 10)
CHINCHILLA_FIT = {"alpha": 0.3392, "beta": 0.2849, "a": 406.4, "b": 410.7}


def _model(t: TrainingSection) -> Any:
    if t.model:
        from botec.modelspec import resolve_model

        return resolve_model(t.model, "training.model")
    if t.params is None:
        raise BotecInputError(
            "training.params", "missing", "a parameter count such as 7B, or a model name"
        )
    return None


# A run's GPUs when neither a count nor a deadline is given: 8 nodes of 8, a mid-size allocation
# (the seed's Q1 uses 64 A100s).
DEFAULT_GPUS = 64


def run_training(ctx: Context, t: TrainingSection) -> None:
    """The [training] section. Its names that another section may also record (a parameter count,
    a GPU's peak, a price, a layer count, weights) always carry the ``training_`` prefix, so a
    result has one name whatever else the scenario holds."""
    sheet = ctx.sheet
    spec = _model(t)
    moe = spec is not None and spec.params_active < spec.params_total
    if spec is not None:
        params = record_param_count(sheet, spec, active=moe, name="params", prefix="training_")
    else:
        params = sheet.input("training_params", t.params, "params", "Parameters (training)")
    gpu = ctx.catalog.hardware(t.gpu, "training.gpu")
    compute = ctx.catalog.precision(t.precision, "training.precision").compute_dtype
    peak_value = t.peak_flops or gpu.peak_for(compute, "training.precision")
    peak = sheet.input(
        "training_peak_flop_per_s",
        peak_value,
        "FLOP/s",
        f"{gpu.name} dense {compute.upper()} peak",
        "scenario" if t.peak_flops else catalog_cite(gpu),
    )
    if t.gpus is None and (t.deadline is None or (t.tokens is None and t.memory)):
        t = t.model_copy(update={"gpus": DEFAULT_GPUS})
    price = _price(ctx, t, gpu)
    run = None
    finetune = t.finetune != "full"
    if finetune and t.tokens is None:
        raise BotecInputError(
            "training.tokens", None, f"the fine-tuning tokens for {t.finetune}, e.g. 100M"
        )
    if t.tokens is not None or not t.memory:
        if finetune:
            tokens = sheet.input("tokens", t.tokens, "tokens", "Fine-tuning tokens")
        elif t.tokens is not None:
            tokens = sheet.input("tokens", t.tokens, "tokens", "Training tokens")
            verdicts.chinchilla(sheet, tokens, training.chinchilla_tokens(sheet, params))
        else:
            tokens = training.chinchilla_tokens(sheet, params)
            sheet.note(
                "info",
                "No token count given: training on the Chinchilla-optimal 20 tokens per parameter.",
            )
        flops = training.training_flops(
            sheet,
            params,
            tokens,
            _attention(sheet, t, spec),
            training.lora_flop_per_param_per_token(sheet) if finetune else None,
        )
        t, mfu, gpus, deadline = _gpus(sheet, t, gpu, params, peak, flops)
        run = training.training_time(sheet, flops, gpus, peak, mfu, price)
        if deadline is not None:
            _deadline_note(sheet, t, run, deadline)
        _extras(ctx, t, spec, gpu, run, params, tokens, gpus)
        if price is not None:
            spot = assumed(
                ctx,
                "training_spot_price_fraction",
                t.spot_price_fraction,
                "fraction",
                "Spot price as a share of on-demand",
                nominal=_spot_nominal(ctx, gpu),
                key="spot_price_fraction",
            )
            assert run.cost is not None
            sheet.step(training.SPOT_COST, cost=run.cost, spot_price_fraction=spot)
        ratio = _budget(sheet, t, run)
        buys = _what_budget_buys(sheet, t, price, peak, mfu, params, run, tokens)
        if ratio is not None and buys is not None:
            _advice(sheet, ratio, buys, run, tokens, gpus, finetune)
        with sheet.section("Training memory per GPU"):
            _memory_per_gpu(ctx, t, spec, gpu)
    else:
        mfu = _mfu(sheet, t, gpu, float(point(params.value)))
        _what_budget_buys(sheet, t, price, peak, mfu, params, None, None)
    if t.memory:
        _seed_memory(ctx, t, params, gpu)


def _gpus(
    sheet: Sheet, t: TrainingSection, gpu: Any, params: Value, peak: Value, flops: Value
) -> tuple[TrainingSection, Value, Value, Value | None]:
    """The run's GPUs (and MFU, which depends on the scale): as given; or, with a deadline and
    no count, the fewest whole nodes that finish in time. Returns the section with its count."""
    size = float(point(params.value))
    if t.gpus is not None:
        mfu = _mfu(sheet, t, gpu, size)
        gpus = sheet.input("gpus", t.gpus, "GPUs", f"{gpu.name} GPUs")
        if t.deadline is None:
            return t, mfu, gpus, None
        deadline = sheet.input("deadline", t.deadline, "s", "Deadline for the run", "scenario")
        training.gpus_for_deadline(sheet, flops, peak, mfu, deadline)
        return t, mfu, gpus, deadline
    from botec.catalog.training_mfu import default_mfu

    # The default MFU falls with scale and the count grows as MFU falls: settle the count on
    # nominal values first (it only grows, so this ends), then record the steps at that count.
    count = None
    for _ in range(10):
        mfu_nominal = (
            float(point(t.mfu)) if t.mfu is not None else default_mfu(gpu.key, count, size).nominal
        )
        found = int(
            training.GPUS_FOR_DEADLINE.parsed.evaluate(
                {
                    "total_flops": float(flops.value),
                    "peak_flop_per_s": float(peak.value),
                    "mfu": mfu_nominal,
                    "deadline": float(point(t.deadline)),
                    "gpus_per_node": training.GPUS_PER_NODE,
                }
            )
        )
        if found == count:
            break
        count = found
    t = t.model_copy(update={"gpus": count})
    mfu = _mfu(sheet, t, gpu, size)
    deadline = sheet.input("deadline", t.deadline, "s", "Deadline for the run", "scenario")
    gpus = training.gpus_for_deadline(sheet, flops, peak, mfu, deadline)
    return t, mfu, gpus, deadline


def _deadline_note(sheet: Sheet, t: TrainingSection, run: Any, deadline: Value) -> None:
    needed = sheet.steps["gpus_for_deadline"]
    if run.wall_clock.value <= deadline.value:
        sheet.note(
            "ok",
            f"{t.gpus:,} GPUs finish in {run.wall_clock.formatted()}, within the "
            f"{deadline.formatted()} deadline"
            + (
                f" (the fewest whole 8-GPU nodes that do: {needed.formatted()})."
                if needed.value < t.gpus
                else "."
            ),
        )
    else:
        sheet.note(
            "bad",
            f"On {t.gpus:,} GPUs the run takes {run.wall_clock.formatted()}, past the "
            f"{deadline.formatted()} deadline: {needed.formatted()} finish in time at this MFU "
            "(the GPU-hours and the bill stay the same).",
        )


def _mfu(sheet: Sheet, t: TrainingSection, gpu: Any, params: float) -> Value:
    if t.mfu is not None:
        return sheet.input("mfu", t.mfu, "fraction", "Model FLOPs utilisation (MFU)", "scenario")
    from botec.catalog.training_mfu import default_mfu

    rng = default_mfu(gpu.key, t.gpus, params)
    return sheet.assume(
        "mfu", rng, "fraction", "Model FLOPs utilisation (MFU)", f"default range: {rng.source}"
    )


def _spot_nominal(ctx: Context, gpu: Any) -> float | None:
    p = ctx.catalog.gpu_price(gpu.key)
    return p.spot_fraction if p is not None else None


def _price(ctx: Context, t: TrainingSection, gpu: Any) -> Value | None:
    sheet = ctx.sheet
    name = "training_usd_per_gpu_hour"
    if t.usd_per_gpu_hour is not None:
        return sheet.input(name, t.usd_per_gpu_hour, "USD/h", "Price per GPU-hour", "scenario")
    found = ctx.catalog.gpu_on_demand(gpu.key)
    if found is None:
        sheet.note("info", f"No catalog price for {gpu.name}: give a price for the cost.")
        return None
    rate, source = found
    return sheet.input(name, rate, "USD/h", f"{gpu.name} on-demand price per GPU-hour", source)


def _attention(sheet: Sheet, t: TrainingSection, spec: Any) -> dict[str, Value] | None:
    if t.sequence_length is None:
        return None
    if spec is None:
        sheet.note(
            "info",
            "Attention FLOPs not counted: name a model (its layers and width) to add PaLM's "
            "12·L·d·s per token to 6·N·D.",
        )
        return None
    cite = f"{spec.name}: {spec.source}"
    width = sheet.step(
        ATTENTION_DIM,
        name="training_attention_dim",
        heads=sheet.input("training_heads", spec.heads, "heads", "Attention heads", cite),
        head_dim=sheet.input("training_head_dim", spec.head_dim, "dims", "Head dimension", cite),
    )
    return {
        "layers": sheet.input("training_layers", spec.layers, "layers", "Transformer layers", cite),
        "attention_dim": width,
        "sequence_length": sheet.input(
            "sequence_length", t.sequence_length, "tokens", "Training sequence length"
        ),
    }


def _extras(
    ctx: Context,
    t: TrainingSection,
    spec: Any,
    gpu: Any,
    run: training.TrainingResult,
    params: Value,
    tokens: Value,
    gpus: Value,
) -> None:
    """Petaflop-days, hardware FLOPs, energy, checkpoints, data; the fitted-law optimum."""
    sheet = ctx.sheet
    sheet.step(
        training.PETAFLOP_DAYS, total_flops=run.total_flops, seconds_per_day=seconds_per_day(sheet)
    )
    if t.recompute == "full":
        sheet.step(
            training.HARDWARE_FLOPS,
            total_flops=run.total_flops,
            recompute_passes=sheet.constant(
                "recompute_passes", 1, "passes", "Extra forward passes", "full recomputation"
            ),
        )
    elif t.recompute == "selective" and "attention_flops" in sheet.steps:
        sheet.step(
            training.SELECTIVE_RECOMPUTE_FLOPS,
            total_flops=run.total_flops,
            attention_flops=sheet.steps["attention_flops"],
        )
    sheet.step(
        training.ENERGY,
        gpus=gpus,
        gpu_tdp=sheet.input("gpu_tdp", gpu.tdp_w, "W", f"{gpu.name} TDP", f"catalog: {gpu.source}"),
        power_fraction=assumed(
            ctx, "power_fraction", t.power_fraction, "fraction", "Average draw ÷ TDP"
        ),
        pue=assumed(ctx, "pue", t.pue, "x", "Data-centre PUE"),
        wall_clock=run.wall_clock,
        seconds_per_hour=seconds_per_hour(sheet),
    )
    # Checkpoints are of every parameter, MoE experts included.
    total_params = (
        sheet.input("total_params", float(spec.params_total), "params", "Total parameters")
        if spec is not None and spec.params_active < spec.params_total
        else params
    )
    sheet.step(
        training.WEIGHTS_CHECKPOINT,
        params=total_params,
        checkpoint_bytes_per_param=sheet.constant(
            "checkpoint_bytes_per_param", 2, "B/param", "BF16 weights", "2 bytes per parameter"
        ),
    )
    if t.finetune == "full":  # fine-tuning resumes from the adapters' state, not the base's
        sheet.step(
            training.FULL_CHECKPOINT,
            params=total_params,
            full_state_bytes_per_param=sheet.constant(
                "full_state_bytes_per_param",
                14,
                "B/param",
                "Weights + FP32 master + Adam moments",
                "2 + 4 + 4 + 4 bytes per parameter (mixed-precision Adam, ZeRO paper's K = 12)",
            ),
        )
    vocab = spec.vocab_size if spec is not None else 0
    sheet.step(
        training.DATASET_SIZE,
        tokens=tokens,
        bytes_per_token_id=sheet.constant(
            "bytes_per_token_id",
            2 if 0 < vocab <= 65536 else 4,
            "B/token",
            "Bytes per stored token id",
            f"uint16 for a {vocab:,}-entry vocabulary" if 0 < vocab <= 65536 else "uint32",
        ),
    )
    if t.finetune == "full":  # compute-optimal sizes are a pretraining question
        _fitted_law(sheet, run.total_flops, "for this compute")


def _fitted_law(sheet: Sheet, flops: Value, what: str) -> None:
    c = {
        k: sheet.constant(
            f"chinchilla_{k}",
            v,
            "",
            f"Chinchilla fit {k}",
            "Hoffmann et al. 2022, Approach 3 (eq. 10): E = 1.69, A = 406.4, B = 410.7, "
            "α = 0.3392, β = 0.2849",
        )
        for k, v in CHINCHILLA_FIT.items()
    }
    g = sheet.steps.get("chinchilla_g") or sheet.step(
        training.CHINCHILLA_G,
        chinchilla_alpha=c["alpha"],
        chinchilla_beta=c["beta"],
        chinchilla_a=c["a"],
        chinchilla_b=c["b"],
    )
    six = training.flop_per_param_per_token(sheet)
    prefix = "budget_" if what == "for the budget" else ""
    n = sheet.step(
        training.FITTED_OPTIMAL_PARAMS,
        name=f"{prefix}fitted_optimal_params",
        title=f"Compute-optimal size by the fitted law ({what})",
        chinchilla_g=g,
        total_flops=flops,
        flop_per_param_per_token=six,
        chinchilla_alpha=c["alpha"],
        chinchilla_beta=c["beta"],
    )
    sheet.step(
        training.FITTED_OPTIMAL_TOKENS,
        name=f"{prefix}fitted_optimal_tokens",
        title=f"Its tokens by the fitted law ({what})",
        total_flops=flops,
        flop_per_param_per_token=six,
        fitted_optimal_params=n,
    )


def _budget(sheet: Sheet, t: TrainingSection, run: training.TrainingResult) -> Value | None:
    """Cost ÷ budget (or GPU-hours ÷ budget) with the seeds' order-of-magnitude verdict."""
    ratio = None
    if t.budget is not None and run.cost is not None:
        budget = sheet.input("budget", t.budget, "USD", "Budget")
        ratio = training.budget_check(sheet, run.cost, budget)
        verdicts.budget(sheet, ratio)
    if t.budget_gpu_hours is not None:
        hours = sheet.input("budget_gpu_hours", t.budget_gpu_hours, "GPU-h", "Budget in GPU-hours")
        ratio = sheet.step(
            training.GPU_HOURS_RATIO, gpu_hours=run.gpu_hours, budget_gpu_hours=hours
        )
        verdicts.budget(sheet, ratio)
    return ratio


def _what_budget_buys(
    sheet: Sheet,
    t: TrainingSection,
    price: Value | None,
    peak: Value,
    mfu: Value,
    params: Value,
    run: training.TrainingResult | None,
    tokens: Value | None,
) -> dict[str, Value] | None:
    """What a dollar budget (at the price) or a GPU-hour budget trains."""
    if t.budget is not None and price is not None:
        budget = sheet.input("budget", t.budget, "USD", "Budget")
        buys = training.what_budget_buys(sheet, budget, price, peak, mfu, params, run, tokens)
    elif t.budget_gpu_hours is not None:
        hours = sheet.input("budget_gpu_hours", t.budget_gpu_hours, "GPU-h", "Budget in GPU-hours")
        buys = training.what_budget_buys(sheet, hours, None, peak, mfu, params, run, tokens)
    else:
        return None
    if t.finetune == "full":
        _fitted_law(sheet, buys["affordable_flops"], "for the budget")
    return buys


def _advice(
    sheet: Sheet,
    ratio: Value,
    buys: dict[str, Value],
    run: training.TrainingResult,
    tokens: Value,
    gpus: Value,
    finetune: bool = False,
) -> None:
    """Over budget: the levers, each with the number it gives (the seed's 'what to change')."""
    r = float(point(ratio.value))
    if r <= 1:
        return
    levers = [
        f"fewer tokens: this model on {buys['affordable_tokens'].formatted()} instead of "
        f"{tokens.formatted()}"
    ]
    if not finetune:  # a compute-optimal size is a pretraining answer
        levers.append(
            f"a smaller model: about {buys['compute_optimal_params'].formatted()} on "
            f"{buys['compute_optimal_tokens'].formatted()} is compute-optimal for the budget"
        )
    spot = sheet.steps.get("spot_cost")
    if spot is not None and "budget" in sheet.inputs:
        spot_ratio = sheet.step(
            training.SPOT_BUDGET_RATIO, spot_cost=spot, budget=sheet.inputs["budget"]
        )
        levers.append(
            f"spot capacity: {spot.formatted()}, {spot_ratio.formatted()} the budget, if the job "
            "checkpoints often and survives reclaims (reserved pricing sits between)"
        )
    levers.append(
        "higher MFU: the bill scales as 1/MFU, so profiling and fusing kernels before the run "
        "is the cheapest lever"
    )
    levers.append(
        f"more time does not lower the bill (the same GPU-hours on fewer GPUs, longer than the "
        f"{run.wall_clock.formatted()} on {gpus.formatted()}); it helps only where the limit is "
        "GPUs you can get or a monthly allocation"
    )
    sheet.note("info", "What to change: " + "; ".join(levers) + ".")


# The seed's two names for the model-state conventions training_memory spells out.
_CONVENTION_ALIASES = {"zero-16": "mixed-adam", "seed-18": "mixed-adam-fp32-grads"}


def _convention(t: TrainingSection) -> str:
    """The training_memory convention key the scenario's memory_convention names."""
    return _CONVENTION_ALIASES.get(t.memory_convention, t.memory_convention)


def _seed_convention(t: TrainingSection) -> memory.TrainingMemoryConvention:
    """Seed 002's breakdown under the chosen convention (its weights come from the precision)."""
    if t.memory_convention in memory.CONVENTIONS:
        return memory.CONVENTIONS[t.memory_convention]
    from botec.estimators import training_memory as tm

    c = tm.CONVENTIONS[_convention(t)]
    return memory.TrainingMemoryConvention(
        c.key, c.gradient_bytes_per_param, c.optimizer_bytes_per_param, c.source
    )


def _seed_memory(ctx: Context, t: TrainingSection, params: Value, gpu: Any) -> None:
    """Seed 002's single-GPU training-memory breakdown (weights, optimizer, grads, activations)."""
    sheet = ctx.sheet
    precision = ctx.catalog.precision(t.precision, "training.precision")
    bpp = sheet.input(
        "training_bytes_per_param",
        precision.bytes_per_param,
        "B/param",
        f"Bytes per parameter ({precision.name})",
        precision.source,
    )
    weights = memory.weights_memory(sheet, params, bpp, name="training_weights_memory")
    frac = sheet.assume(
        "activation_fraction",
        t.activation_fraction,
        "fraction",
        "Activations as a share of weights",
        "seed 002's rough 10%; real activations depend on batch × sequence length",
    )
    total = memory.training_memory(sheet, params, weights, _seed_convention(t), frac)
    verdicts.memory_fit(sheet, total, gpu)


def _memory_per_gpu(ctx: Context, t: TrainingSection, spec: Any, gpu: Any) -> None:
    """Weights, gradients, optimizer states and activations per GPU in the best TP/PP/DP split."""
    sheet = ctx.sheet
    from botec.estimators import training_memory as tm
    from botec.estimators.model_shape import typical_shape

    if spec is not None:
        params_total = float(spec.params_total)
        shape = {"layers": spec.layers, "hidden_size": spec.hidden_size, "heads": spec.heads}
        cite = f"{spec.name}: {spec.source}"
    else:
        params_total = float(point(t.params))
        typical = typical_shape(params_total, partitionable=True)
        shape = {
            "layers": typical.layers,
            "hidden_size": typical.d_model,
            "heads": typical.kv_heads,  # multi-head: as many query heads as KV heads
        }
        cite = typical.source
    default_seq = ctx.catalog.assumption("training_sequence_length")
    seq = float(point(t.sequence_length) if t.sequence_length is not None else default_seq.low)
    shape["seq_len"] = seq
    usable = assumed(
        ctx,
        "training_usable_memory_fraction",
        None,
        "fraction",
        "Share of GPU memory usable for training",
    )
    usable_fraction = float(usable.value)
    inp = sheet.input
    gpu_memory = inp("training_gpu_memory", gpu.memory_bytes, "B", f"{gpu.name} memory", gpu.source)
    if t.finetune != "full":
        _lora_memory_per_gpu(ctx, t, spec, shape, cite, gpu, gpu_memory, usable)
        return
    convention = _convention(t)
    tp, pp, dp = tm.split_for_gpus(
        t.gpus,
        params_total,
        shape,
        gpu.memory_bytes * usable_fraction,
        convention=convention,
        sharding=t.zero_stage,
        recompute=t.recompute,
        micro_batch=t.micro_batch,
    )
    how = "the split of the GPUs with the least model parallelism that fits (TP within a node)"
    params = sheet.inputs.get("total_params") or sheet.inputs["training_params"]
    states = tm.model_states(
        sheet,
        params,
        convention,
        t.zero_stage,
        inp("data_parallel", dp, "GPUs", "Data-parallel replicas", how),
        inp("training_tensor_parallel", tp, "GPUs", "Tensor-parallel GPUs", how),
        inp("pipeline_parallel", pp, "stages", "Pipeline stages", how),
    )
    layout_shape = _activation_shape(ctx, t, shape, cite, seq)
    layout_shape |= {
        "tensor_parallel": sheet.inputs["training_tensor_parallel"],
        "pipeline_parallel": sheet.inputs["pipeline_parallel"],
        "micro_batches": sheet.inputs["pipeline_parallel"],
    }
    acts = tm.activations(sheet, layout_shape, t.recompute, tp > 1)
    total, ratio = tm.training_memory_per_gpu(sheet, states, acts, gpu_memory, usable)
    layout = f"TP {tp} × PP {pp} × DP {dp} (ZeRO-{t.zero_stage}, {t.recompute} recomputation)"
    least = tm.smallest_layout(
        params_total,
        gpu.memory_bytes,
        model=spec,
        convention=convention,
        sharding=t.zero_stage,
        recompute=t.recompute,
        seq_len=int(seq),
        micro_batch=t.micro_batch,
    )
    fix = (
        f"the least that fits is {least.gpus} GPUs as TP {least.tensor_parallel} × PP "
        f"{least.pipeline_parallel} × DP {least.data_parallel}"
        if least is not None
        else "no layout of up to 4,096 GPUs fits: shard more (ZeRO-3) or recompute"
    )
    if float(ratio.value) <= 1:
        sheet.note("ok", f"Fits: {total.formatted()} per GPU in {layout}; {fix}.")
    else:
        sheet.note(
            "bad",
            f"Does not fit on {t.gpus} × {gpu.name}: {total.formatted()} per GPU even in "
            f"{layout}; {fix}.",
        )
    dp_bytes, tp_bytes, pp_bytes = tm.communication(
        sheet,
        layout_shape | {"params": params, "data_parallel": sheet.inputs["data_parallel"]},
        t.recompute,
    )
    sheet.note(
        "info",
        f"Communication per GPU per step in this layout: {dp_bytes.formatted()} over data "
        f"parallelism (once per step, across nodes), {tp_bytes.formatted()} over tensor "
        f"parallelism (inside a node, on NVLink) and {pp_bytes.formatted()} between pipeline "
        f"stages. The TP and PP figures are for {pp} micro-batch{'es' if pp > 1 else ''} of "
        f"{t.micro_batch} sequence{'s' if t.micro_batch > 1 else ''}; they grow with the "
        "micro-batches a step runs.",
    )


def _activation_shape(
    ctx: Context, t: TrainingSection, shape: dict[str, float], cite: str, seq: float
) -> dict[str, Value]:
    """Sequence length, micro-batch and model shape on the sheet, for activations."""
    sheet = ctx.sheet
    inp = sheet.input
    return {
        "seq_len": inp(
            "seq_len",
            seq,
            "tokens",
            "Sequence length",
            "scenario"
            if t.sequence_length is not None
            else f"default: {ctx.catalog.assumption('training_sequence_length').source}",
        ),
        "micro_batch": inp("micro_batch", t.micro_batch, "sequences", "Micro-batch per GPU"),
        "hidden_size": inp(
            "training_hidden_size", shape["hidden_size"], "dims", "Hidden size", cite
        ),
        "heads": inp("training_heads", shape["heads"], "heads", "Attention heads", cite),
        "layers": sheet.inputs.get("training_layers")
        or inp("training_layers", shape["layers"], "layers", "Transformer layers", cite),
    }


def _lora_memory_per_gpu(
    ctx: Context,
    t: TrainingSection,
    spec: Any,
    shape: dict[str, float],
    cite: str,
    gpu: Any,
    gpu_memory: Value,
    usable: Value,
) -> None:
    """LoRA / QLoRA: frozen base weights, trained adapters and activations on each GPU (data
    parallelism only: every GPU holds the whole frozen model)."""
    sheet = ctx.sheet
    from botec.estimators import training_memory as tm

    if spec is None:
        raise BotecInputError(
            "training.model",
            t.params,
            f"a named model (--model) for {t.finetune}: adapter sizes need its layer shapes",
        )
    one = sheet.constant("one_gpu", 1, "GPUs", "No model parallelism", "LoRA: data parallel only")
    act_shape = _activation_shape(ctx, t, shape, cite, shape["seq_len"])
    act_shape |= {"tensor_parallel": one, "pipeline_parallel": one, "micro_batches": one}
    acts = tm.activations(sheet, act_shape, t.recompute, False)
    lora = tm.lora_memory(
        sheet,
        sheet.inputs.get("total_params") or sheet.inputs["training_params"],
        act_shape["layers"],
        sheet.input("lora_rank", t.lora_rank, "rank", "LoRA rank (r)", "scenario"),
        sheet.input(
            "lora_dims_per_layer",
            tm.lora_dims_per_layer(spec, t.lora_targets),
            "dims/layer",
            f"Σ (d_in + d_out) of the adapted matrices ({', '.join(t.lora_targets)})",
            cite,
        ),
        "nf4" if t.finetune == "qlora" else "bf16",
        acts,
        _convention(t),
    )
    ratio = sheet.step(
        tm.MEMORY_UTILIZATION,
        memory_per_gpu=lora.total,
        gpu_memory=gpu_memory,
        usable_memory_fraction=usable,
    )
    what = "QLoRA (NF4 base)" if t.finetune == "qlora" else "LoRA (BF16 base)"
    if float(ratio.value) <= 1:
        sheet.note(
            "ok",
            f"{what} fits: {lora.total.formatted()} per GPU"
            + (f", each of the {t.gpus} GPUs a data-parallel replica." if t.gpus > 1 else "."),
        )
    else:
        hint = (
            "QLoRA's 4-bit base, " if t.finetune == "lora" else ""
        ) + "a shorter sequence, full recomputation, or sharding the frozen base (FSDP)"
        sheet.note(
            "bad",
            f"{what} does not fit on one {gpu.name}: {lora.total.formatted()} per GPU; try {hint}.",
        )
