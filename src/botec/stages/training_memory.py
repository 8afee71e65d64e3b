"""The [training] stage's memory: the memory per GPU in the best TP/PP/DP layout (with its
communication), and LoRA / QLoRA memory. Seed 002's single-GPU breakdown is in
``training_seed_memory``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.uncertain import point
from botec.core.unit_format import format_quantity
from botec.estimators.training_layout import CP_SEQUENCE, CP_SHARD_GROUP, PIPELINE_SHARE
from botec.scenario import TrainingSection
from botec.stages import training_conventions as tc
from botec.stages._inputs import assumed
from botec.stages.context import Context


def _stored_params(sheet: Sheet) -> Value:
    """The parameters a run stores: every expert's for an MoE, else the count (an input for a
    catalog or unnamed model, a counting step for one read from a config.json)."""
    return (
        sheet.inputs.get("total_params")
        or sheet.inputs.get("training_params")
        or sheet.steps["training_params"]
    )


def _run_sequence(ctx: Context, t: TrainingSection) -> Value | float:
    """The sequence the run's FLOPs were counted at (given, or a named model's own), so that
    activations and the layout see the same one; else the default for an unnamed model."""
    if "sequence_length" in ctx.sheet:
        return ctx.sheet["sequence_length"]
    if t.sequence_length is not None:
        return float(point(t.sequence_length))
    return float(ctx.catalog.assumption("training_sequence_length").low)


def _model_shape(
    ctx: Context, t: TrainingSection, spec: Any
) -> tuple[float, dict[str, float], str]:
    """Total parameters, the shape (layers, width, heads, sequence) and where it comes from: the
    named model's, or a typical shape for the parameter count."""
    from botec.estimators.model_shape import typical_shape

    if spec is not None:
        params_total = float(spec.params_total)
        shape = {"layers": spec.layers, "hidden_size": spec.hidden_size, "heads": spec.heads}
        cite = f"{spec.name}: {spec.source}"
    else:
        # an unnamed MoE stores every expert; its layers are as wide as its active count's
        params_total = float(point(t.total_params if t.total_params is not None else t.params))
        typical = typical_shape(float(point(t.params)), partitionable=True)
        shape = {
            "layers": typical.layers,
            "hidden_size": typical.d_model,
            "heads": typical.kv_heads,  # multi-head: as many query heads as KV heads
        }
        cite = typical.source
    shape["seq_len"] = float(point(_run_sequence(ctx, t)))
    return params_total, shape, cite


@dataclass(frozen=True)
class _TypicalModel:
    """An unnamed model's shape for the layout search, so the fewest GPUs that hold it count
    its activations at the run's sequence length too (as a named model's do)."""

    params_total: int
    layers: int
    hidden_size: int
    heads: int


def _typical_model(params_total: float, shape: dict[str, float]) -> _TypicalModel:
    return _TypicalModel(
        int(params_total), int(shape["layers"]), int(shape["hidden_size"]), int(shape["heads"])
    )


def memory_per_gpu(ctx: Context, t: TrainingSection, spec: Any, gpu: Any) -> None:
    """Weights, gradients, optimizer states and activations per GPU in the best TP/PP/DP split."""
    sheet = ctx.sheet
    params_total, shape, cite = _model_shape(ctx, t, spec)
    usable = assumed(
        ctx,
        "training_usable_memory_fraction",
        None,
        "fraction",
        "Share of GPU memory usable for training",
    )
    gpu_memory = sheet.input(
        "training_gpu_memory",
        gpu.usable_bytes,
        "B",
        f"{gpu.name} memory (as CUDA sees it)",
        gpu.usable_bytes_source,
    )
    if t.finetune != "full":
        _lora_memory_per_gpu(ctx, t, spec, shape, cite, gpu, gpu_memory, usable)
        return
    _layout_memory_per_gpu(ctx, t, spec, gpu, params_total, shape, cite, gpu_memory, usable)


def _layout_memory_per_gpu(
    ctx: Context,
    t: TrainingSection,
    spec: Any,
    gpu: Any,
    params_total: float,
    shape: dict[str, float],
    cite: str,
    gpu_memory: Value,
    usable: Value,
) -> None:
    """Full training: model states and activations per GPU in the split with the least model
    parallelism that fits, the fit verdict, and the communication of that layout."""
    sheet = ctx.sheet
    from botec.estimators import training_memory as tm

    convention = tc.state_convention(t)
    split = tm.layout_for_gpus(
        t.gpus, params_total, shape, gpu.usable_bytes * float(usable.value),
        convention=convention, sharding=t.zero_stage, recompute=t.recompute,
        micro_batch=t.micro_batch, **tc.layout_extras(t),
    )  # fmt: skip
    tp, pp = split.tensor_parallel, split.pipeline_parallel
    dp, cp = split.data_parallel, split.context_parallel
    how = "the split of the GPUs with the least model parallelism that fits (TP within a node)"
    inp = sheet.input
    params = _stored_params(sheet)
    layout_shape = _activation_shape(ctx, t, shape, cite, shape["seq_len"])
    stages = inp("pipeline_stages", pp, "stages", "Pipeline stages", how)
    share = sheet.step(PIPELINE_SHARE, layers=layout_shape["layers"], pipeline_stages=stages)
    data = _context_parallel(
        sheet, layout_shape, inp("data_parallel", dp, "GPUs", "Data-parallel replicas", how), cp
    )
    states = tm.model_states(
        sheet,
        params,
        convention,
        t.zero_stage,
        data,
        inp("training_tensor_parallel", tp, "GPUs", "Tensor-parallel GPUs", how),
        share,
    )
    layout_shape |= {
        "tensor_parallel": sheet.inputs["training_tensor_parallel"],
        "pipeline_parallel": share,
        "micro_batches": stages,
    }
    tc.record_activation_bytes(sheet, t)  # before activations() records BF16's 2 bytes
    acts = tm.activations(sheet, layout_shape, t.recompute, tp > 1)
    teacher = tc.teacher_memory(sheet, t, share)
    total, ratio = tm.training_memory_per_gpu(sheet, states, acts, gpu_memory, usable, teacher)
    layout = (
        f"TP {tp} × {f'CP {cp} × ' if cp > 1 else ''}PP {pp} × DP {dp:,} (ZeRO-{t.zero_stage}, "
        f"{t.recompute} recomputation)"
    )
    _layout_fit_note(sheet, t, spec, gpu, params_total, shape, total, ratio, layout)
    _communication_note(sheet, t, layout_shape | {"params": params}, pp)


def _context_parallel(sheet: Sheet, layout_shape: dict[str, Value], data: Value, cp: int) -> Value:
    """With context parallelism each GPU holds 1/CP of a sequence (``layout_shape``'s seq_len
    becomes that share) and ZeRO shards over the DP × CP group (returned; else ``data``)."""
    if cp == 1:
        return data
    how = "the split of the GPUs with the least model parallelism that fits (long context)"
    ctx_par = sheet.input("context_parallel", cp, "GPUs", "Context-parallel GPUs", how)
    layout_shape["seq_len"] = sheet.step(
        CP_SEQUENCE, seq_len=layout_shape["seq_len"], context_parallel=ctx_par
    )
    return sheet.step(CP_SHARD_GROUP, data_parallel=data, context_parallel=ctx_par)


def fitting_counts(
    ctx: Context, t: TrainingSection, spec: Any, gpu: Any
) -> tuple[Callable[[int], bool], int | None] | None:
    """(whether a GPU count has a TP × PP × DP split that holds the run, the fewest GPUs whose
    layout does), for full training; None for fine-tuning."""
    from botec.estimators import training_memory as tm

    if t.finetune != "full":
        return None
    params_total, shape, _cite = _model_shape(ctx, t, spec)
    usable = ctx.catalog.assumption("training_usable_memory_fraction").nominal

    def fits(count: int) -> bool:
        return tm.layout_for_gpus(
            count, params_total, shape, gpu.usable_bytes * usable,
            convention=tc.state_convention(t), sharding=t.zero_stage, recompute=t.recompute,
            micro_batch=t.micro_batch, **tc.layout_extras(t),
        ).fits  # fmt: skip

    least = _least_layout(t, spec, gpu, params_total, shape)
    return fits, (least.gpus if least is not None else None)


def _least_layout(
    t: TrainingSection, spec: Any, gpu: Any, params_total: float, shape: dict[str, float]
) -> Any:
    """The layout with the fewest GPUs that holds the run (None past 4,096 GPUs)."""
    from botec.estimators import training_memory as tm

    return tm.smallest_layout(
        params_total,
        gpu.usable_bytes,
        model=spec or _typical_model(params_total, shape),
        convention=tc.state_convention(t),
        sharding=t.zero_stage,
        recompute=t.recompute,
        seq_len=int(shape["seq_len"]),
        micro_batch=t.micro_batch,
        **tc.layout_extras(t),
    )


def _layout_fit_note(
    sheet: Sheet,
    t: TrainingSection,
    spec: Any,
    gpu: Any,
    params_total: float,
    shape: dict[str, float],
    total: Value,
    ratio: Value,
    layout: str,
) -> None:
    """Whether the layout fits, with the fewest GPUs that would."""

    least = _least_layout(t, spec, gpu, params_total, shape)
    fix = (
        f"the least that fits is {format_quantity(least.gpus, 'GPUs')} as "
        f"TP {least.tensor_parallel} × "
        + (f"CP {least.context_parallel} × " if least.context_parallel > 1 else "")
        + f"PP {least.pipeline_parallel} × DP {least.data_parallel:,}"
        if least is not None
        else "no layout of up to 4,096 GPUs fits: shard more (ZeRO-3) or recompute"
    )
    if float(ratio.value) <= 1:
        sheet.note("ok", f"Fits: {total.formatted()} per GPU in {layout}; {fix}.", verdict=True)
    else:
        sheet.note(
            "bad",
            f"Does not fit on {t.gpus} × {gpu.name}: {total.formatted()} per GPU even in "
            f"{layout}; {fix}.",
            verdict=True,
            topic="fit",
        )


def _communication_note(
    sheet: Sheet, t: TrainingSection, layout_shape: dict[str, Value], pp: int
) -> None:
    """Bytes each GPU sends per step over data, tensor and pipeline parallelism."""
    from botec.estimators import training_memory as tm

    dp_bytes, tp_bytes, pp_bytes = tm.communication(
        sheet,
        layout_shape | {"data_parallel": sheet.inputs["data_parallel"]},
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
    run_sequence = _run_sequence(ctx, t)
    return {
        "seq_len": run_sequence
        if isinstance(run_sequence, Value) and float(run_sequence) == seq
        else inp(
            "seq_len",
            seq,
            "tokens/sequence",
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
            "(not given; only --params)",
            f"a named model (--model) for {t.finetune}: adapter sizes need its layer shapes",
        )
    one = sheet.constant("one_gpu", 1, "GPUs", "No model parallelism", "LoRA: data parallel only")
    act_shape = _activation_shape(ctx, t, shape, cite, shape["seq_len"])
    act_shape |= {"tensor_parallel": one, "pipeline_parallel": one, "micro_batches": one}
    acts = tm.activations(sheet, act_shape, t.recompute, False)
    lora = tm.lora_memory(
        sheet,
        _stored_params(sheet),
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
        tc.state_convention(t),
    )
    ratio = sheet.step(
        tm.MEMORY_UTILIZATION,
        memory_per_gpu=lora.total,
        gpu_memory=gpu_memory,
        usable_memory_fraction=usable,
    )
    _lora_fit_note(sheet, t, gpu, lora.total, ratio)


def _lora_fit_note(sheet: Sheet, t: TrainingSection, gpu: Any, total: Value, ratio: Value) -> None:
    """Whether the LoRA / QLoRA run fits on one GPU, and what to try when it does not."""
    what = "QLoRA (NF4 base)" if t.finetune == "qlora" else "LoRA (BF16 base)"
    if float(ratio.value) <= 1:
        sheet.note(
            "ok",
            f"{what} fits: {total.formatted()} per GPU"
            + (f", each of the {t.gpus:,} GPUs a data-parallel replica." if t.gpus > 1 else "."),
            verdict=True,
        )
    else:
        hint = (
            "QLoRA's 4-bit base, " if t.finetune == "lora" else ""
        ) + "a shorter sequence, full recomputation, or sharding the frozen base (FSDP)"
        sheet.note(
            "bad",
            f"{what} does not fit on one {gpu.name}: {total.formatted()} per GPU; try {hint}.",
            verdict=True,
            topic="fit",
        )
