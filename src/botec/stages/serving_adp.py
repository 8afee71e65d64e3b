"""Attention data parallelism for a mixture of experts (``serving.attention_dp``): the requests
are spread over the group's GPUs, each running attention for its own with whole copies of the
shared weights, and the routed experts are split over the GPUs (expert parallelism)
(:mod:`botec.estimators.serving_adp`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.estimators import serving_adp as adp
from botec.scenario import ServingSection
from botec.stages.context import Context
from botec.stages.serving_checks import split_heads
from botec.stages.serving_phases import ServedModel

FIELD = "serving.attention_dp"


def over_gpus(
    ctx: Context, srv: ServingSection, engine: Any, model: ServedModel, tp: Value
) -> ServedModel:
    """The model as the group holds it: attention data-parallel where the scenario asks, else
    split by tensor parallelism (KV heads copied past their number)."""
    if srv.attention_dp:
        return attention_data_parallel(ctx, srv, engine, model, tp)
    if model.experts and srv.tensor_parallel > 1 and engine.multi_gpu == "tensor":
        ctx.sheet.note(
            "info",
            "A mixture of experts over several GPUs is modelled with tensor-parallel attention "
            "(the engines' default). For throughput, engines also run attention data-parallel "
            "with the experts split (TensorRT-LLM's enable_attention_dp, used in its published "
            "MoE benchmarks; SGLang's --enable-dp-attention): --attention-dp.",
        )
    return split_heads(ctx, srv, engine, model, tp)


def attention_data_parallel(
    ctx: Context, srv: ServingSection, engine: Any, model: ServedModel, tp: Value
) -> ServedModel:
    """The model as the group holds it under attention DP: the shared weights once per GPU, the
    routed experts once in all, the KV cache of each request on its own GPU (never copied)."""
    if not model.experts:
        raise BotecInputError(
            FIELD, True,
            "false for a dense model (attention data parallelism splits a mixture of experts' "
            "experts over the GPUs; botec has no layout for a dense MLP beside it)",
        )  # fmt: skip
    if engine.multi_gpu != "tensor":
        raise BotecInputError(
            FIELD, True,
            f"false with {engine.name}, which splits a model over GPUs by layers, not by "
            "tensors and experts",
        )  # fmt: skip
    sheet = ctx.sheet
    experts = int(sheet.value("experts"))
    if srv.tensor_parallel == 1:
        sheet.note("info", "Attention data parallelism on one GPU changes nothing.")
        return model
    if experts % srv.tensor_parallel:
        fits = [d for d in range(2, experts + 1) if not experts % d]
        raise BotecInputError(
            "serving.tensor_parallel", srv.tensor_parallel,
            f"with attention_dp, a GPU count that splits the {experts} routed experts evenly: "
            f"{', '.join(map(str, fits))}",
        )  # fmt: skip
    held = sheet.step(
        adp.WEIGHTS_HELD,
        shared_params=model.experts["shared_params"],
        tensor_parallel=tp,
        expert_params=model.experts["expert_params"],
        bytes_per_param=model.bytes_per_param,
    )
    sheet.note(
        "info",
        f"Attention data parallelism over {srv.tensor_parallel} GPUs: each runs attention for "
        "its own requests with a whole copy of the shared weights, so the KV cache is never "
        "copied, and holds its share of the experts. Batch-1 figures spread one request's "
        "attention over the group, which is optimistic: engines serve latency with TP attention.",
    )
    return dataclasses.replace(model, weights=held, attention_dp=True)
