"""Memory, traffic and storage: one scenario each, built from keyword parameters and run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from botec.commands._common import (
    DEFAULT_SAMPLES,
    CatalogFiles,
    ParameterError,
    Quantity,
    fill,
    given,
    run,
    shown,
)

if TYPE_CHECKING:
    from botec.core.sheet import Sheet

Convention = Literal["zero-16", "seed-18"]

# Each parameter, and the scenario fields it fills (in the order a parameter wins a field).
MEMORY_FIELDS: dict[str, tuple[str, ...]] = {
    "model": ("model_fit.model",),
    "params": ("model.params", "training.params", "model_fit.params"),
    "precision": ("model.precision", "training.precision", "model_fit.precision"),
    "kv_precision": ("model_fit.kv_precision",),
    "gpu": ("model.gpu", "training.gpu", "kv_cache.gpu", "model_fit.gpu"),
    "gpus": ("model_fit.gpus",),
    "engine": ("model_fit.engine",),
    "convention": ("training.memory_convention",),
    "context": ("kv_cache.context_tokens", "model_fit.context_tokens"),
    "sequences": ("kv_cache.concurrent_sequences", "model_fit.batch"),
    "batch": ("model_fit.batch",),
    "layers": ("model.layers",),
    "kv_heads": ("model.kv_heads",),
    "head_dim": ("model.head_dim",),
}
TRAFFIC_FIELDS: dict[str, tuple[str, ...]] = {
    "dau": ("users.daily_active_users",),
    "mau": ("users.monthly_active_users",),
    "dau_fraction": ("users.dau_fraction",),
    "requests_per_user": ("users.requests_per_user_per_day",),
    "qps": ("users.requests_per_second",),
    "peak_factor": ("users.peak_factor",),
    "request_size": ("requests.request_size",),
    "response_size": ("requests.response_size",),
    "output_tokens": ("requests.output_tokens",),
}
STORAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "users": ("storage.users",),
    "dau": ("storage.users", "users.daily_active_users", "training_data.daily_active_users"),
    "profile_size": ("storage.user_profile_size",),
    "interaction_size": ("storage.interaction_size",),
    "interactions_per_user": (
        "storage.interactions_per_user_per_day",
        "users.requests_per_user_per_day",
    ),
    "index_overhead": ("storage.index_overhead",),
    "events_per_user": ("training_data.events_per_user_per_day",),
    "event_size": ("training_data.bytes_per_event",),
    "retention_days": ("training_data.retention_days",),
    "compression": ("training_data.compression_ratio",),
    "price": ("cost.object_storage_usd_per_gb_month",),
}


def memory(
    *,
    model: str | None = None,
    params: Quantity | None = None,
    precision: str = "fp16",
    kv_precision: str | None = None,
    gpu: str | None = None,
    gpus: int | None = None,
    batch: int | None = None,
    engine: str | None = None,
    training: bool = False,
    convention: Convention = "zero-16",
    context: Quantity | None = None,
    sequences: int | None = None,
    layers: int | None = None,
    kv_heads: int | None = None,
    head_dim: int | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Memory for a model's weights, its training state (``training``) and its KV cache
    (``context`` tokens × ``sequences``, with ``layers``, ``kv_heads`` and ``head_dim``); with a
    ``model`` (or ``gpus``, ``batch``, ``kv_precision`` or ``engine``), whether it runs on
    ``gpus`` × ``gpu`` (default: the fewest that hold it) and what to change if it does not.

    >>> botec.memory(params="7B")["weights_memory"].formatted()  # doctest: +SKIP
    '14.0 GB (13.0 GiB)'
    """
    return run(_memory_data(locals()), samples, seed, catalog_files)


FIT_ONLY = ("model", "gpus", "batch", "kv_precision", "engine")


def _memory_data(p: dict[str, Any]) -> dict[str, Any]:
    if any(given(p[k]) for k in FIT_ONLY):
        return _fit_data(p)
    if not given(p["params"]):
        raise ParameterError("model/params", "missing", "a catalog model or `params=7B`")
    kv_cache = given(p["context"]) or given(p["sequences"])
    if kv_cache and not (given(p["context"]) and given(p["sequences"])):
        raise ParameterError("context/sequences", "only one", "both, for a KV cache")
    model = fill("model", p, MEMORY_FIELDS)
    if p["training"] or kv_cache:
        model.pop("gpu", None)  # the training or KV-cache verdict names the device instead
    data: dict[str, Any] = {
        "title": f"Memory for a {shown(p['params'])}-parameter model",
        "model": model,
    }
    if p["training"]:
        data["training"] = {"memory": True, **fill("training", p, MEMORY_FIELDS)}
    if kv_cache:
        data["kv_cache"] = fill("kv_cache", p, MEMORY_FIELDS)
    return data


def _fit_data(p: dict[str, Any]) -> dict[str, Any]:
    """'Can I run it?': the model's weights and KV cache against GPUs."""
    if given(p["model"]) == given(p["params"]):
        raise ParameterError("model/params", "both" if p["model"] else "missing", "one of them")
    for key in ("layers", "kv_heads", "head_dim"):
        if given(p[key]):
            raise ParameterError(key, p[key], "a named `model` for its shape (not with `gpus`)")
    if p["training"]:
        raise ParameterError(
            "training", True, "`botec train --model ... --gpus N` for training memory"
        )
    if given(p["sequences"]) and given(p["batch"]):
        raise ParameterError("sequences", p["sequences"], "one of `sequences` and `batch`")
    name = p["model"] or f"{shown(p['params'])}-parameter model"
    return {
        "title": f"Can it run? {name}",
        "model_fit": fill("model_fit", p, MEMORY_FIELDS),
    }


def traffic(
    *,
    dau: Quantity | None = None,
    mau: Quantity | None = None,
    dau_fraction: Quantity | None = None,
    requests_per_user: Quantity | None = None,
    qps: Quantity | None = None,
    peak_factor: Quantity | None = None,
    request_size: Quantity | None = None,
    response_size: Quantity | None = None,
    output_tokens: Quantity | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Users to requests per second (average and peak) and bandwidth.

    ``peak_factor`` also takes a kind of product: consumer (3), payments (5), advertising (10).

    >>> botec.traffic(qps=100, peak_factor="consumer")["peak_requests_per_second"].value
    300.0
    """
    p = dict(locals())
    data: dict[str, Any] = {"title": "Traffic", "users": fill("users", p, TRAFFIC_FIELDS)}
    requests = fill("requests", p, TRAFFIC_FIELDS)
    if requests:
        data["requests"] = requests
    return run(data, samples, seed, catalog_files)


def storage(
    *,
    dau: Quantity | None = None,
    users: Quantity | None = None,
    profile_size: Quantity | None = None,
    interaction_size: Quantity | None = None,
    interactions_per_user: Quantity | None = None,
    index_overhead: Quantity | None = None,
    events_per_user: Quantity | None = None,
    event_size: Quantity | None = None,
    retention_days: Quantity | None = None,
    compression: Quantity | None = None,
    price: Quantity | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """User profiles and interaction logs (``profile_size``, ``interaction_size``) and training
    data (``events_per_user`` × ``event_size`` kept ``retention_days``), with the storage bill.

    >>> botec.storage(users="1M", profile_size="10 KB")["user_profile_storage"].formatted()
    '10.0 GB'
    """
    return run(_storage_data(locals()), samples, seed, catalog_files)


# A storage flag and the flags that make a section read it (without one, nothing does).
_STORAGE_NEEDS = {
    "event_size": ("events_per_user",),
    "retention_days": ("events_per_user",),
    "compression": ("events_per_user",),
    "interactions_per_user": ("interaction_size",),
    "index_overhead": ("interaction_size",),
    "users": ("profile_size",),
}


def _storage_data(p: dict[str, Any]) -> dict[str, Any]:
    for name, needs in _STORAGE_NEEDS.items():
        if given(p[name]) and not any(given(p[n]) for n in needs):
            raise ParameterError(
                f"{name}/{needs[0]}", p[name],
                f"`{name}` only with `{'` or `'.join(needs)}`: without it nothing reads it",
            )  # fmt: skip
    data: dict[str, Any] = {"title": "Storage"}
    if given(p["profile_size"]) or given(p["interaction_size"]):
        data["storage"] = fill("storage", p, STORAGE_FIELDS)
        if given(p["interaction_size"]):
            if not given(p["dau"]):
                raise ParameterError("dau", "missing", "daily active users for interaction data")
            per_user = p["interactions_per_user"] if given(p["interactions_per_user"]) else 1
            data["users"] = fill("users", {**p, "interactions_per_user": per_user}, STORAGE_FIELDS)
    if given(p["events_per_user"]):
        if not given(p["dau"]):
            raise ParameterError("dau", "missing", "daily active users for training data")
        data["training_data"] = fill("training_data", p, STORAGE_FIELDS)
    if len(data) > 1:  # whatever is stored is priced (object storage, or --price)
        data["cost"] = fill("cost", p, STORAGE_FIELDS)
    if len(data) == 1:
        raise ParameterError(
            "storage",
            "no storage flags",
            "`profile_size`, `interaction_size` or `events_per_user`",
        )
    return data
