"""A serving phase's tensor-parallel all-reduces: Megatron-style TP does 2 per layer (after
attention and after the MLP), each moving tokens × hidden × 2 bytes; a ring all-reduce sends
2(N−1)/N of it over each link, plus a fixed latency per call."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators import serving_adp
from botec.estimators.inference import decode_tokens_per_step

_TP_SYNC_WHY = (
    "Ring all-reduces per layer (2; 3 for a mixture of experts: attention, then the experts' "
    "dispatch and combine) of tokens × hidden × 2 B, each a fixed cost per call plus "
    "2(N−1)/N of the message at the bus bandwidth NCCL reaches; none on one GPU."
)
TP_SYNC = Formula(
    "tp_sync_time",
    "allreduces_per_layer * layers * min(tensor_parallel - 1, 1) * (allreduce_latency "
    "+ 2 * (tensor_parallel - 1) / tensor_parallel * tokens * hidden_size * activation_bytes "
    "/ allreduce_bandwidth)",
    "s",
    "Tensor-parallel all-reduce time",
    _TP_SYNC_WHY,
)
TP_SYNC_DECODE = Formula(
    "tp_sync_time",
    "allreduces_per_layer * layers * min(tensor_parallel - 1, 1) * (allreduce_latency "
    "+ 2 * (tensor_parallel - 1) / tensor_parallel * batch * decode_tokens_per_step "
    "* hidden_size * activation_bytes / allreduce_bandwidth)",
    "s",
    "Tensor-parallel all-reduce time",
    _TP_SYNC_WHY + " A decode step's message holds one token per sequence.",
)


def sync_time(
    sheet: Sheet,
    prefix: str,
    title: str,
    *,
    tokens: Value | None = None,
    batch: Value | None = None,
    gpu: dict[str, Value],
    adp: bool = False,
) -> Value:
    """Tensor-parallel all-reduce time of one phase: over ``tokens`` (a prefill's prompt
    tokens), or over a decode step's one token for each sequence of ``batch``; with ``adp``
    (attention data parallelism), the experts' all-gather and reduce-scatter instead."""
    moved: dict[str, Value] = {}
    if batch is not None:
        moved = {"batch": batch, "decode_tokens_per_step": decode_tokens_per_step(sheet)}
    elif tokens is not None:
        moved = {"tokens": tokens}
    if adp:
        formula = serving_adp.SYNC if batch is None else serving_adp.SYNC_DECODE
        count = {"moe_collectives_per_layer": gpu["moe_collectives_per_layer"]}
    else:
        formula = TP_SYNC if batch is None else TP_SYNC_DECODE
        count = {"allreduces_per_layer": gpu["allreduces_per_layer"]}
    return sheet.step(
        formula,
        name=f"{prefix}_sync_time",
        title=f"{title}: {'expert all-gather and reduce-scatter' if adp else 'all-reduce'} time",
        **count,
        layers=gpu["layers"],
        tensor_parallel=gpu["tensor_parallel"],
        hidden_size=gpu["hidden_size"],
        activation_bytes=gpu["activation_bytes"],
        allreduce_bandwidth=gpu["allreduce_bandwidth"],
        allreduce_latency=gpu["allreduce_latency"],
        **moved,
    )
