"""The smallest TP × PP × DP training layout whose per-GPU memory fits, a layout for a given GPU
count, and the bytes each GPU sends per step over data, tensor and pipeline parallelism."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._plain import evaluate as _eval
from botec.estimators._plain import positive_number as _number
from botec.estimators.activations import (
    ACTIVATION_BYTES,
    ACTIVATION_BYTES_PER_GPU,
    SCORE_VALUES_PER_KEY,
    _activation_formula,
    activation_bytes,
    training_activation_bytes,
)
from botec.estimators.model_states import (
    _STATE_FORMULAS,
    ModelStateConvention,
    _state_env,
    get_convention,
    model_state_bytes,
    sharding_flags,
)

DP_COMM_BYTES = Formula(
    "dp_comm_bytes_per_step",
    "(data_parallel - 1) / data_parallel * params / (tensor_parallel * pipeline_parallel) * "
    "(gradient_bytes_per_param * (2 - optimizer_sharded) "
    "+ weight_bytes_per_param * (optimizer_sharded + weights_sharded))",
    "B",
    "Data-parallel bytes sent per GPU per step",
    "A ring all-reduce of the gradients sends 2(N−1)/N of them. ZeRO-1/2 reduce-scatter the "
    "gradients and all-gather the updated weights: the same 2Ψ; ZeRO-3 all-gathers the weights in "
    "the forward and the backward pass: 3Ψ, 1.5× (ZeRO paper §7). Once per step.",
)
TP_COMM_BYTES = Formula(
    "tp_comm_bytes_per_step",
    "tp_all_reduces_per_layer * layers / pipeline_parallel * micro_batches * "
    "2 * (tensor_parallel - 1) / tensor_parallel * seq_len * micro_batch * hidden_size * "
    "activation_bytes",
    "B",
    "Tensor-parallel bytes sent per GPU per step",
    "Megatron: 2 all-reduces of the s·b·h activations forward and 2 backward per layer (Shoeybi "
    "et al. 2019), 2 more when full recomputation reruns the forward pass; a ring all-reduce "
    "sends 2(t−1)/t of the message. Sequence parallelism's all-gather + reduce-scatter moves the "
    "same bytes (Korthikanti et al. 2022 §4.2.2).",
)
PP_COMM_BYTES = Formula(
    "pp_comm_bytes_per_step",
    "2 * micro_batches * seq_len * micro_batch * hidden_size * activation_bytes "
    "/ tensor_parallel * min(pipeline_parallel - 1, 1)",
    "B",
    "Pipeline bytes sent per GPU per step (a middle stage)",
    "Each micro-batch sends its s·b·h activations forward and their gradients backward across "
    "a stage boundary; Megatron's scatter/gather splits the message t ways (Narayanan et al. "
    "2021 §4.1). None with one stage.",
)


def communication(
    sheet: Sheet, shape: dict[str, Value], recompute: str = "selective"
) -> tuple[Value, Value, Value]:
    """Bytes each GPU sends per step over data, tensor and pipeline parallelism. ``shape`` holds
    what :func:`activations` takes plus params; the model-state assumptions are already on the
    sheet (:func:`model_states`)."""
    env = dict(shape)
    env |= {k: sheet.inputs[k] for k in ("weight_bytes_per_param", "gradient_bytes_per_param")}
    env |= {k: sheet.inputs[k] for k in ("weights_sharded", "optimizer_sharded")}
    env["tp_all_reduces_per_layer"] = sheet.constant(
        "tp_all_reduces_per_layer",
        6 if recompute == "full" else 4,
        "all-reduces",
        "Tensor-parallel all-reduces per layer per micro-batch",
        "Megatron: 2 forward + 2 backward; full recomputation reruns the forward's 2",
    )
    env["activation_bytes"] = training_activation_bytes(sheet)
    return tuple(  # type: ignore[return-value]
        sheet.step(f, **{k: env[k] for k in f.parsed.names})
        for f in (DP_COMM_BYTES, TP_COMM_BYTES, PP_COMM_BYTES)
    )


PIPELINE_SHARE = Formula(
    "pipeline_parallel",
    "layers / ceil(layers / pipeline_stages)",
    "stages",
    "Pipeline split of the layers (the largest stage's share)",
    "Stages need not divide the layers evenly: engines put the remainder on some stages "
    "(Llama 3 405B's 126 layers on 16 stages), so the largest holds ⌈layers / stages⌉ of them "
    "and sets the memory; this is layers over that (the stage count when it divides evenly).",
)


def stage_share(layers: int, stages: int) -> float:
    """``layers / ⌈layers / stages⌉``: what each stage's memory is divided by (PIPELINE_SHARE).

    >>> stage_share(126, 16), stage_share(32, 4)
    (15.75, 4.0)
    """
    return float(PIPELINE_SHARE.parsed.evaluate({"layers": layers, "pipeline_stages": stages}))


def stage_choices(layers: int, limit: int) -> list[int]:
    """Pipeline stage counts to try: the divisors of the layers and the powers of two up to the
    layers (uneven stages), at most ``limit``."""
    powers = {2**i for i in range(layers.bit_length()) if 2**i <= layers}
    return sorted(p for p in {*powers, *(d for d in range(1, layers + 1) if layers % d == 0)}
                  if p <= limit)  # fmt: skip


def _tp_choices(heads: int | None, gpus_per_node: int) -> list[int]:
    """Tensor-parallel degrees within one node that divide the attention heads."""
    return [t for t in (1, 2, 4, 8) if t <= gpus_per_node and (not heads or heads % t == 0)]


CONTEXT_PARALLEL_FROM = 16_384  # tokens: context parallelism is tried for sequences this long
CP_SEQUENCE = Formula(
    "seq_len_per_gpu",
    "seq_len / context_parallel",
    "tokens/sequence",
    "Tokens of each sequence a GPU holds (context parallelism)",
    "Context parallelism splits every sequence over CP GPUs, which exchange keys and values "
    "for attention (Megatron-LM's context parallelism; Llama 3 trained its 128K stage with it).",
)
CP_SHARD_GROUP = Formula(
    "optimizer_shard_group",
    "data_parallel * context_parallel",
    "GPUs",
    "GPUs the optimizer state is sharded over (DP × CP)",
    "Context-parallel ranks hold the same weights, so ZeRO shards over them too (Megatron's "
    "distributed optimizer).",
)
CP_CHOICES = (1, 2, 4, 8, 16)


@dataclass(frozen=True)
class Split:
    """A split of a GPU count: TP × CP × PP × DP, and whether its memory fits."""

    tensor_parallel: int
    pipeline_parallel: int
    data_parallel: int
    context_parallel: int
    fits: bool


def layout_for_gpus(
    gpus: int,
    params: float,
    shape: dict[str, float],
    usable_bytes: float,
    *,
    convention: str | ModelStateConvention = "mixed-adam",
    sharding: int | str = 1,
    recompute: str = "selective",
    micro_batch: int = 1,
    gpus_per_node: int = 8,
    context_parallel: bool = True,
    frozen_bytes: float = 0.0,
    activation_bytes_per_value: float = ACTIVATION_BYTES,
) -> Split:
    """The TP × CP × PP × DP split of ``gpus`` that fits ``usable_bytes`` per GPU with the least
    model parallelism (TP·CP·PP, then the least PP); if none fits, the one needing the least
    memory. Context parallelism (each GPU holds 1/CP of every sequence's activations, Megatron
    and Llama 3 for long context) is tried from CONTEXT_PARALLEL_FROM tokens; ZeRO shards the
    optimizer over the DP × CP group, as Megatron's distributed optimizer does.

    ``shape`` gives layers, hidden_size, heads and seq_len; sequence parallelism goes with TP > 1.
    ``frozen_bytes``: weights held beside the model and never trained (a distillation teacher),
    split by TP and PP as the model is.
    """
    best: tuple[tuple[Any, ...], Split] | None = None
    layers = int(shape["layers"])
    seq = shape["seq_len"]
    cps = CP_CHOICES if context_parallel and seq >= CONTEXT_PARALLEL_FROM else (1,)
    for tp in _tp_choices(int(shape["heads"]), min(gpus_per_node, gpus)):
        for cp in (c for c in cps if gpus % (tp * c) == 0):
            for pp in (p for p in stage_choices(layers, gpus) if gpus % (tp * cp * p) == 0):
                dp = gpus // (tp * cp * pp)
                share = stage_share(layers, pp)
                states = model_state_bytes(params, convention, sharding, dp * cp, tp, share)
                acts = activation_bytes(
                    seq / cp, micro_batch, shape["hidden_size"], shape["heads"], layers,
                    tp, share, pp, recompute, tp > 1, activation_bytes_per_value,
                )  # fmt: skip
                total = states["total_bytes"] + acts + frozen_bytes / (share * tp)
                fits = total <= usable_bytes
                key = (False, tp * cp * pp, pp, cp, total) if fits else (True, 0, 0, 0, total)
                if best is None or key < best[0]:
                    best = (key, Split(tp, pp, dp, cp, fits))
    if best is None:
        raise BotecInputError("training.gpus", gpus, "a GPU count that TP × PP can split")
    return best[1]


def split_for_gpus(
    gpus: int,
    params: float,
    shape: dict[str, float],
    usable_bytes: float,
    *,
    convention: str | ModelStateConvention = "mixed-adam",
    sharding: int | str = 1,
    recompute: str = "selective",
    micro_batch: int = 1,
    gpus_per_node: int = 8,
) -> tuple[int, int, int]:
    """(TP, PP, DP) with TP·PP·DP = ``gpus`` that fits ``usable_bytes`` per GPU with the least
    model parallelism (then the least PP); if none fits, the split that needs the least memory.
    Without context parallelism (see :func:`layout_for_gpus`)."""
    split = layout_for_gpus(
        gpus, params, shape, usable_bytes, convention=convention, sharding=sharding,
        recompute=recompute, micro_batch=micro_batch, gpus_per_node=gpus_per_node,
        context_parallel=False,
    )  # fmt: skip
    return split.tensor_parallel, split.pipeline_parallel, split.data_parallel


@dataclass(frozen=True)
class TrainingLayout:
    """A TP × PP × DP layout, what each GPU holds, and what each GPU sends per training step."""

    tensor_parallel: int
    pipeline_parallel: int
    data_parallel: int
    gpus: int
    weights_bytes: float
    gradients_bytes: float
    optimizer_bytes: float
    activations_bytes: float
    total_bytes: float
    usable_bytes: float
    dp_comm_bytes_per_step: float
    tp_comm_bytes_per_step: float
    pp_comm_bytes_per_step: float
    notes: tuple[str, ...] = ()
    context_parallel: int = 1  # GPUs each sequence is split over (long context)
    frozen_bytes: float = 0.0  # weights held but not trained (a distillation teacher's share)


class LayoutModel(Protocol):
    """What the layout search reads of a model (a :class:`botec.modelspec.ModelSpec` has it)."""

    @property
    def params_total(self) -> int: ...
    @property
    def layers(self) -> int: ...
    @property
    def hidden_size(self) -> int: ...
    @property
    def heads(self) -> int: ...


def smallest_layout(
    params: float | None,
    gpu_memory_bytes: float,
    *,
    model: LayoutModel | None = None,
    usable_memory_fraction: float = 0.9,
    convention: str | ModelStateConvention = "mixed-adam",
    sharding: int | str = 0,
    recompute: str = "selective",
    sequence_parallel: bool = True,
    seq_len: int = 2048,
    micro_batch: int = 1,
    micro_batches: int | None = None,
    max_gpus: int = 4096,
    gpus_per_node: int = 8,
    frozen_bytes: float = 0.0,
    activation_bytes_per_value: float = ACTIVATION_BYTES,
) -> TrainingLayout | None:
    """The layout with the fewest GPUs whose per-GPU memory fits; None if none within max_gpus.

    TP ∈ {1, 2, 4, 8} (≤ gpus_per_node, dividing the heads); PP divides the layers (a power of
    two without a model); DP ≥ 1. Ties go to the least TP·PP (prefer data parallelism), then the
    least PP (TP inside a node first: Narayanan et al. 2021, takeaway 1). With ``model`` and no
    ``params``, params are its total; without ``model``, activations and TP/PP traffic are not
    counted. ``micro_batches`` per step per pipeline defaults to PP, the fewest that fill 1F1B;
    ``frozen_bytes`` as :func:`layout_for_gpus`."""
    counts = {"seq_len": seq_len, "micro_batch": micro_batch, "max_gpus": max_gpus}
    counts |= {"gpus_per_node": gpus_per_node, "micro_batches": micro_batches}
    n, usable = _checked_layout_inputs(
        params, gpu_memory_bytes, model, usable_memory_fraction, counts
    )
    c, flags = get_convention(convention), sharding_flags(sharding)
    per_layer = _activation_formula(recompute, sequence_parallel)
    tps = _tp_choices(model.heads if model else None, gpus_per_node)
    pps = [2**i for i in range(max_gpus.bit_length())]
    shape: dict[str, Any] | None = None
    if model is not None:
        pps = stage_choices(model.layers, max_gpus)
        shape = {"seq_len": seq_len, "micro_batch": micro_batch, "layers": model.layers}
        shape |= {"hidden_size": model.hidden_size, "heads": model.heads}
    cps = CP_CHOICES if shape is not None and seq_len >= CONTEXT_PARALLEL_FROM else (1,)
    best: tuple[tuple[int, int, int, int], dict[str, Any]] | None = None
    for t, p, cp in ((t, p, cp) for t in tps for p in pps for cp in cps if t * p * cp <= max_gpus):
        share = stage_share(model.layers, p) if model is not None else p
        env = _state_env(c, flags) | {"params": n, "tensor_parallel": t, "pipeline_parallel": share}
        env |= {"pipeline_stages": p, "data_parallel": 1, "micro_batches": micro_batches or p}
        env |= {"activation_bytes": activation_bytes_per_value, "activations": 0.0}
        env |= {"context_parallel": cp, "score_values_per_key": SCORE_VALUES_PER_KEY}
        env["frozen_bytes"] = frozen_bytes / (share * t)  # a teacher's weights: no ZeRO or grads
        if shape is not None:
            env |= shape | {"seq_len": seq_len / cp}  # each GPU holds 1/CP of a sequence
            env["activation_bytes_per_layer"] = _eval(per_layer, env)
            env["activations"] = _eval(ACTIVATION_BYTES_PER_GPU, env)
        found = _with_data_parallel(env, flags, usable, max_gpus)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        return None
    return _layout(best[1], usable, shape is not None, recompute)


def _with_data_parallel(
    env: dict[str, Any], flags: tuple[int, int, int], usable: float, max_gpus: int
) -> tuple[tuple[int, int, int, int], dict[str, Any]] | None:
    """(ranking key, env) with the fewest data-parallel replicas that fit at this TP, CP and
    PP (ZeRO shards over DP × CP), or None within ``max_gpus``."""
    t, p, cp = env["tensor_parallel"], env["pipeline_stages"], env["context_parallel"]
    group = _fewest_data_parallel(env, flags, usable)
    if group is None:
        return None
    d = math.ceil(group / cp)
    if t * cp * p * d > max_gpus:
        return None
    return (t * cp * p * d, t * cp * p, p, cp), env | {
        "data_parallel": d * cp,
        "data_parallel_only": d,
    }


def _checked_layout_inputs(
    params: float | None,
    gpu_memory_bytes: float,
    model: LayoutModel | None,
    usable_memory_fraction: float,
    counts: dict[str, int | None],
) -> tuple[float, float]:
    """(parameters, usable bytes per GPU), every input checked; each of ``counts`` that is given
    (not None) must be a whole number ≥ 1."""
    if params is None:
        if model is None:
            raise BotecInputError("training.params", None, "a parameter count or a model")
        params = model.params_total
    n = _number("training.params", params, "a positive parameter count, e.g. 7B")
    memory = _number("gpu.memory", gpu_memory_bytes, "a positive size in bytes, e.g. 80e9")
    fraction = _number("gpu.usable_memory_fraction", usable_memory_fraction, "a fraction in (0, 1]")
    if fraction > 1:
        raise BotecInputError("gpu.usable_memory_fraction", fraction, "a fraction in (0, 1]")
    for field, value in counts.items():
        if value is not None:
            _number(f"training.{field}", value, "a whole number ≥ 1", whole=True)
    return n, memory * fraction


def _fewest_data_parallel(
    env: dict[str, Any], flags: tuple[int, int, int], usable: float
) -> int | None:
    """The least DP degree whose model states plus ``env["activations"]`` fit ``usable`` bytes
    per GPU at the TP and PP in ``env``; None if no DP degree does."""
    # total(d) = fixed + sharded / d: solve for the least d, then step past rounding.
    parts = [_eval(f, env) for f in _STATE_FORMULAS]
    sharded = sum(part for part, flag in zip(parts, flags, strict=True) if flag)
    fixed = sum(parts) - sharded + env["activations"] + env.get("frozen_bytes", 0.0)
    if fixed > usable or (sharded and fixed >= usable):
        return None
    d = max(1, math.ceil(sharded / (usable - fixed))) if sharded else 1
    while sum(_eval(f, env | {"data_parallel": d}) for f in _STATE_FORMULAS) > usable - env[
        "activations"
    ] - env.get("frozen_bytes", 0.0):  # rounding at the boundary
        d += 1
    return d


def _layout(env: dict[str, Any], usable: float, with_model: bool, recompute: str) -> TrainingLayout:
    """The chosen layout's memory and traffic from its evaluation ``env``."""
    t, p = env["tensor_parallel"], env["pipeline_stages"]
    d, cp = env.get("data_parallel_only", env["data_parallel"]), env.get("context_parallel", 1)
    weights, grads, opt = (float(_eval(f, env)) for f in _STATE_FORMULAS)
    tp_comm = pp_comm = 0.0
    notes: tuple[str, ...] = ("no model shape: activations and TP/PP traffic not counted",)
    if with_model:
        env["tp_all_reduces_per_layer"] = 6 if recompute == "full" else 4
        tp_comm, pp_comm, notes = _eval(TP_COMM_BYTES, env), _eval(PP_COMM_BYTES, env), ()
    acts, frozen = float(env["activations"]), float(env.get("frozen_bytes", 0.0))
    return TrainingLayout(
        t, p, d, t * cp * p * d, weights, grads, opt, acts, weights + grads + opt + acts + frozen,
        usable, float(_eval(DP_COMM_BYTES, env)), float(tp_comm), float(pp_comm), notes, cp,
        frozen,
    )  # fmt: skip
