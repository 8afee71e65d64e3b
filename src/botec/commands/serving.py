"""Serving: one model on one GPU type (infer), and a fleet for real traffic (plan)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from botec.commands._common import (
    DEFAULT_SAMPLES,
    CatalogFiles,
    Names,
    ParameterError,
    Quantity,
    fill,
    given,
    names,
    run,
    shown,
)
from botec.core.errors import BotecInputError

if TYPE_CHECKING:
    from botec.core.sheet import Sheet

Method = Literal["memory-bound", "compute-bound"]
# Prompt tokens of the roofline model when a named model is given without a prompt length.
DEFAULT_INPUT_TOKENS = 512

# Each parameter, and the scenario fields it fills: [serving] for the roofline model (a named
# model or a prompt length), [model]/[requests]/[inference] for the seeds' one-line methods.
INFER_FIELDS: dict[str, tuple[str, ...]] = {
    "model": ("serving.model",),
    "params": ("serving.params", "model.params"),
    "precision": ("serving.precision", "model.precision"),
    "kv_precision": ("serving.kv_precision",),
    "gpu": ("serving.gpu", "inference.gpu"),
    "input_tokens": ("serving.input_tokens",),
    "tp": ("serving.tensor_parallel",),
    "attention_dp": ("serving.attention_dp",),
    "engine": ("serving.engine", "inference.engine"),
    "method": ("inference.method",),
    "output_tokens": ("serving.output_tokens", "requests.output_tokens"),
    "prompt_tokens": ("requests.prompt_tokens", "serving.input_tokens"),
    "qps": ("users.requests_per_second",),
    "peak_factor": ("users.peak_factor",),
    "batch": ("serving.batch", "inference.batch_size"),
    "gpus_per_replica": ("inference.gpus_per_replica",),
    "memory_bandwidth": ("inference.memory_bandwidth",),
}
PLAN_FIELDS: dict[str, tuple[str, ...]] = {
    "model": ("serving.model",),
    "params": ("serving.params",),
    "gpu": ("serving.gpu", "serving_plan.compare_gpus"),
    "precision": ("serving.precision", "serving_plan.compare_precisions"),
    "kv_precision": ("serving.kv_precision",),
    "input_tokens": ("serving.input_tokens",),
    "output_tokens": ("serving.output_tokens",),
    "engine": ("serving.engine",),
    "tp": ("serving_plan.tensor_parallel",),
    "qps": ("users.requests_per_second",),
    "dau": ("users.daily_active_users",),
    "requests_per_user": ("users.requests_per_user_per_day",),
    "peak_factor": ("users.peak_factor",),
    "ttft_p50": ("serving_plan.ttft_p50",),
    "ttft_p99": ("serving_plan.ttft_p99",),
    "tpot_p50": ("serving_plan.tpot_p50",),
    "tpot_p99": ("serving_plan.tpot_p99",),
    "max_batch": ("serving_plan.max_batch",),
    "prefill_chunk": ("serving_plan.prefill_chunk_tokens",),
    "target_utilization": ("serving_plan.target_utilization",),
    "spare_replicas": ("serving_plan.spare_replicas",),
    "price": ("cost.usd_per_gpu_hour",),
    "price_basis": ("cost.price_basis",),
}


def infer(
    *,
    model: str | None = None,
    params: Quantity | None = None,
    precision: str = "fp16",
    kv_precision: str | None = None,
    gpu: str = "a100-80gb",
    input_tokens: Quantity | None = None,
    tp: int = 1,
    attention_dp: bool = False,
    engine: str = "generic",
    method: Method | None = None,
    output_tokens: Quantity = 500,
    prompt_tokens: Quantity | None = None,
    qps: Quantity | None = None,
    peak_factor: Quantity | None = None,
    batch: int | None = None,
    gpus_per_replica: int | None = None,
    memory_bandwidth: Quantity | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Serving a model: with ``model`` or ``input_tokens``, the roofline prefill/decode model
    (TTFT, TPOT, largest batch, throughput on ``tp`` GPUs with ``engine``'s efficiencies, an MoE's
    experts split over them with ``attention_dp``); with ``params`` alone, the seeds' memory- or
    compute-bound estimate (``method``).

    >>> sheet = botec.infer(model="llama-3.1-8b", gpu="h100-sxm", samples=0)
    >>> sheet["time_to_first_token"].unit, sheet["tokens_per_second_per_user"].unit
    ('s', 'token/s')
    """
    p = dict(locals())
    if model is None and params is None:
        raise ParameterError("model/params", "missing", "a catalog model or `params=7B`")
    if model is not None or input_tokens is not None:
        _roofline_only(p)
        return run(_roofline_data(p), samples, seed, catalog_files)
    _roofline_settings_refused(p)
    _known_engine(engine, catalog_files)  # used only by the reality check, checked always
    p["method"] = method or "memory-bound"
    if given(prompt_tokens) and p["method"] != "compute-bound":
        raise ParameterError(
            "prompt_tokens/method", prompt_tokens,
            "`prompt_tokens` with method='compute-bound' (its reality check reads it), or "
            "`input_tokens` for the roofline model: the memory-bound estimate reads no prompt",
        )  # fmt: skip
    data: dict[str, Any] = {
        "title": f"Serving a {shown(params)}-parameter model on {gpu}",
        "model": fill("model", p, INFER_FIELDS),
        "requests": fill("requests", p, INFER_FIELDS),
        "inference": fill("inference", {**p, "batch": 1 if batch is None else batch}, INFER_FIELDS),
    }
    if qps is not None:
        users = {**p, "peak_factor": peak_factor if given(peak_factor) else 1}
        data["users"] = fill("users", users, INFER_FIELDS)
    return run(data, samples, seed, catalog_files)


def _roofline_settings_refused(p: dict[str, Any]) -> None:
    """The seeds' one-line methods hold no KV cache and split no attention: refuse those."""
    for name in ("kv_precision", "attention_dp"):
        if given(p[name]):
            raise ParameterError(
                f"{name}/params", p[name], f"`{name}` with `model` or `input_tokens`"
            )


def _roofline_only(p: dict[str, Any]) -> None:
    """Refuse what only the seeds' one-line estimate (``params`` alone) reads, naming why."""
    by = "model" if p["model"] is not None else "input_tokens"
    if given(p["prompt_tokens"]) and given(p["input_tokens"]):
        raise ParameterError(
            "prompt_tokens/input_tokens", f"{p['prompt_tokens']} and {p['input_tokens']}",
            "one of them: both are the prompt's length (`input_tokens` for the roofline model; "
            "`prompt_tokens` sets it when not given)",
        )  # fmt: skip
    for name in _SEED_METHOD_ONLY:
        if given(p[name]):
            raise ParameterError(
                f"{name}/{by}",
                p[name],
                f"`{name}` only with `params` alone (the seeds' one-line estimate): the "
                "roofline model takes the GPU's own figures and its engine's efficiencies "
                "(a --catalog entry changes a GPU)",
            )
    for name in ("qps", "peak_factor"):  # the roofline answers per replica, not a fleet
        if given(p[name]):
            raise ParameterError(
                f"{name}/{by}", p[name],
                f"`{name}` only with `params` alone (the seeds' GPU count for a load); for a "
                "model's fleet at a traffic use `botec plan --qps` (replicas, TP, batch)",
            )  # fmt: skip


def _known_engine(engine: str, catalog_files: CatalogFiles) -> None:
    from botec.catalog import load_catalog as bundled
    from botec.commands._common import load_catalog

    try:
        (load_catalog(catalog_files) or bundled()).engine(engine, "engine")
    except BotecInputError as exc:
        raise ParameterError(exc.field, exc.value, exc.allowed) from None


# Parameters of the seeds' one-line estimate that the roofline model has no use for.
_SEED_METHOD_ONLY = ("method", "memory_bandwidth", "gpus_per_replica")


def _roofline_data(p: dict[str, Any]) -> dict[str, Any]:
    serving = fill("serving", p, INFER_FIELDS)  # model and params both: refused, both named
    serving.setdefault("input_tokens", DEFAULT_INPUT_TOKENS)
    name = p["model"] or f"{shown(p['params'])}-parameter model"
    return {
        "title": f"Serving {name} on {p['tp']} × {p['gpu']} ({p['engine']})",
        "serving": serving,
    }


def plan(
    *,
    model: str | None = None,
    params: Quantity | None = None,
    gpu: Names = "a100-80gb",
    precision: Names = "fp16",
    kv_precision: str | None = None,
    input_tokens: Quantity = 512,
    output_tokens: Quantity = 256,
    engine: str = "generic",
    tp: int | None = None,
    qps: Quantity | None = None,
    dau: Quantity | None = None,
    requests_per_user: Quantity | None = None,
    peak_factor: Quantity | None = None,
    ttft_p50: Quantity | None = None,
    ttft_p99: Quantity | None = None,
    tpot_p50: Quantity | None = None,
    tpot_p99: Quantity | None = None,
    max_batch: int | None = None,
    prefill_chunk: int | None = None,
    target_utilization: Quantity | None = None,
    spare_replicas: int | None = None,
    price: Quantity | None = None,
    price_basis: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """A serving fleet for ``qps`` (or ``dau`` × ``requests_per_user``): the batch, TP, replicas,
    GPUs and dollars that meet the TTFT/TPOT targets; several ``gpu`` or ``precision`` names
    ('h100-sxm,l40s') are compared.

    >>> sheet = botec.plan(model="llama-3.1-8b", gpu="h100-sxm", qps=50, samples=0)
    >>> sheet["serving_gpus"].unit
    'GPUs'
    """
    return run(_plan_data(locals()), samples, seed, catalog_files)


def _plan_data(p: dict[str, Any]) -> dict[str, Any]:
    if p["model"] is None and p["params"] is None:
        raise ParameterError("model/params", "missing", "a catalog model or `params=7B`")
    if p["qps"] is None and p["dau"] is None:
        raise ParameterError("qps/dau", "missing", "`qps=50`, or `dau=1M` with `requests_per_user`")
    gpus, precisions = names(p["gpu"], "gpu"), names(p["precision"], "precision")
    if not gpus or not precisions:
        raise ParameterError("gpu/precision", "empty", "a name, or names separated by commas")
    if p["price"] is not None and len(gpus) > 1:  # it would price the first GPU listed only
        raise ParameterError(
            "price",
            f"{shown(p['price'])} with {len(gpus)} GPUs ({', '.join(gpus)})",
            "one GPU's price: with several GPUs each takes its own price on the price basis "
            "(--price-basis); plan one GPU at a time to give each a price",
        )
    first = {"gpu": gpus[0]}
    others = {"gpu": gpus[1:] or None, "precision": precisions[1:] or None}
    name = p["model"] or f"{shown(p['params'])}-parameter model"
    traffic = f"{shown(p['qps'] or p['dau'])} {'req/s' if p['qps'] else 'daily users'}"
    data: dict[str, Any] = {
        "title": f"Serving plan: {name} for {traffic}",
        "users": fill("users", p, PLAN_FIELDS),
        "serving": fill("serving", {**p, **first, "precision": precisions[0]}, PLAN_FIELDS),
        "serving_plan": fill("serving_plan", {**p, **others}, PLAN_FIELDS),
    }
    if p["price"] is not None or p["price_basis"] is not None:
        data["cost"] = fill("cost", p, PLAN_FIELDS)
    return data
