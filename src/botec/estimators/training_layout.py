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
    ACTIVATION_BYTES_PER_GPU,
    _activation_formula,
    activation_bytes,
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
    env["activation_bytes"] = sheet.constant(
        "training_activation_bytes", 2, "B", "Bytes per activation value", "BF16"
    )
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
    fits_only: bool = False,
) -> tuple[int, int, int]:
    """(TP, PP, DP) with TP·PP·DP = ``gpus`` that fits ``usable_bytes`` per GPU with the least
    model parallelism (then the least PP); if none fits, the split that needs the least memory
    (with ``fits_only``, (0, 0, 0) instead).

    ``shape`` gives layers, hidden_size, heads and seq_len; sequence parallelism goes with TP > 1.
    """
    best: tuple[tuple[Any, ...], int, int, int] | None = None
    layers = int(shape["layers"])
    for tp in _tp_choices(int(shape["heads"]), min(gpus_per_node, gpus)):
        for pp in (p for p in stage_choices(layers, gpus) if gpus % (tp * p) == 0):
            dp = gpus // (tp * pp)
            share = stage_share(layers, pp)
            states = model_state_bytes(params, convention, sharding, dp, tp, share)["total_bytes"]
            acts = activation_bytes(
                shape["seq_len"], micro_batch, shape["hidden_size"], shape["heads"], layers,
                tp, share, pp, recompute, tp > 1,
            )  # fmt: skip
            total = states + acts
            key = (False, tp * pp, pp, total) if total <= usable_bytes else (True, 0, 0, total)
            if best is None or key < best[0]:
                best = (key, tp, pp, dp)
    if best is None:
        raise BotecInputError("training.gpus", gpus, "a GPU count that TP × PP can split")
    if fits_only:
        return (0, 0, 0) if best[0][0] else (best[1], best[2], best[3])
    return best[1], best[2], best[3]


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
) -> TrainingLayout | None:
    """The layout with the fewest GPUs whose per-GPU memory fits; None if none within max_gpus.

    TP ∈ {1, 2, 4, 8} (≤ gpus_per_node, dividing the heads); PP divides the layers (a power of
    two without a model); DP ≥ 1. Ties go to the least TP·PP (prefer data parallelism), then the
    least PP (TP inside a node first: Narayanan et al. 2021, takeaway 1). With ``model`` and no
    ``params``, params are its total; without ``model``, activations and TP/PP traffic are not
    counted. ``micro_batches`` per step per pipeline defaults to PP, the fewest that fill 1F1B.
    """
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
    best: tuple[tuple[int, int, int], dict[str, Any]] | None = None
    for t, p in ((t, p) for t in tps for p in pps if t * p <= max_gpus):
        share = stage_share(model.layers, p) if model is not None else p
        env = _state_env(c, flags) | {"params": n, "tensor_parallel": t, "pipeline_parallel": share}
        env |= {"pipeline_stages": p, "data_parallel": 1, "micro_batches": micro_batches or p}
        env["activation_bytes"] = 2
        env["activations"] = 0.0
        if shape is not None:
            env |= shape
            env["activation_bytes_per_layer"] = _eval(per_layer, env)
            env["activations"] = _eval(ACTIVATION_BYTES_PER_GPU, env)
        d = _fewest_data_parallel(env, flags, usable)
        if d is None or t * p * d > max_gpus:
            continue
        key = (t * p * d, t * p, p)
        if best is None or key < best[0]:
            best = (key, env | {"data_parallel": d})
    if best is None:
        return None
    return _layout(best[1], usable, shape is not None, recompute)


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
    fixed = sum(parts) - sharded + env["activations"]
    if fixed > usable or (sharded and fixed >= usable):
        return None
    d = max(1, math.ceil(sharded / (usable - fixed))) if sharded else 1
    while (
        sum(_eval(f, env | {"data_parallel": d}) for f in _STATE_FORMULAS)
        > usable - env["activations"]
    ):  # rounding at the boundary
        d += 1
    return d


def _layout(env: dict[str, Any], usable: float, with_model: bool, recompute: str) -> TrainingLayout:
    """The chosen layout's memory and traffic from its evaluation ``env``."""
    t, p, d = env["tensor_parallel"], env["pipeline_stages"], env["data_parallel"]
    weights, grads, opt = (float(_eval(f, env)) for f in _STATE_FORMULAS)
    tp_comm = pp_comm = 0.0
    notes: tuple[str, ...] = ("no model shape: activations and TP/PP traffic not counted",)
    if with_model:
        env["tp_all_reduces_per_layer"] = 6 if recompute == "full" else 4
        tp_comm, pp_comm, notes = _eval(TP_COMM_BYTES, env), _eval(PP_COMM_BYTES, env), ()
    acts = float(env["activations"])
    return TrainingLayout(
        t, p, d, t * p * d, weights, grads, opt, acts, weights + grads + opt + acts, usable,
        float(_eval(DP_COMM_BYTES, env)), float(tp_comm), float(pp_comm), notes,
    )  # fmt: skip
