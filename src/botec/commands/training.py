"""Training: one run's compute, time, GPU-hours, cost, energy and memory, from parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from botec.commands._common import (
    DEFAULT_SAMPLES,
    CatalogFiles,
    Names,
    ParameterError,
    Quantity,
    fill,
    names,
    run,
    shown,
    whole,
)

if TYPE_CHECKING:
    from botec.core.sheet import Sheet

Recompute = Literal["none", "selective", "full"]
Optimizer = Literal[
    "mixed-adam",
    "mixed-adam-fp32-grads",
    "fp32-adam",
    "adam-8bit",
    "sgd-momentum",
    "zero-16",
    "seed-18",
]
Finetune = Literal["full", "lora", "qlora"]

# Each parameter and the [training] field it fills.
TRAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "model": ("training.model",),
    "params": ("training.params",),
    "total_params": ("training.total_params",),
    "moe_efficiency": ("training.moe_training_efficiency",),
    "tokens": ("training.tokens",),
    "gpu": ("training.gpu",),
    "gpus": ("training.gpus",),
    "deadline": ("training.deadline",),
    "mfu": ("training.mfu",),
    "precision": ("training.precision",),
    "price": ("training.usd_per_gpu_hour",),
    "price_basis": ("training.price_basis",),
    "budget": ("training.budget",),
    "budget_gpu_hours": ("training.budget_gpu_hours",),
    "seq_len": ("training.sequence_length",),
    "zero": ("training.zero_stage",),
    "recompute": ("training.recompute",),
    "optimizer": ("training.memory_convention",),
    "finetune": ("training.finetune",),
    "lora_rank": ("training.lora_rank",),
    "lora_targets": ("training.lora_targets",),
    "micro_batch": ("training.micro_batch",),
    "memory": ("training.memory",),
    "teacher": ("training.teacher",),
    "teacher_tokens": ("training.teacher_tokens",),
}


def train(
    *,
    model: str | None = None,
    params: Quantity | None = None,
    total_params: Quantity | None = None,
    moe_efficiency: Quantity | None = None,
    tokens: Quantity | None = None,
    gpu: str = "a100-80gb",
    gpus: int | str | None = None,
    deadline: Quantity | None = None,
    mfu: Quantity | None = None,
    precision: str = "bf16",
    price: Quantity | None = None,
    price_basis: str | None = None,
    budget: Quantity | None = None,
    budget_gpu_hours: Quantity | None = None,
    seq_len: Quantity | None = None,
    zero: int = 1,
    recompute: Recompute = "selective",
    optimizer: Optimizer | None = None,
    finetune: Finetune = "full",
    lora_rank: int | None = None,
    lora_targets: Names | None = None,
    micro_batch: int = 1,
    memory: bool = False,
    teacher: str | None = None,
    teacher_tokens: Quantity | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Training a ``model`` (catalog, config.json or hf:owner/name) or ``params`` on ``tokens``:
    compute (6·N·D + attention), time, GPU-hours, cost, energy, memory per GPU and the layout
    that fits, with the ``budget`` verdict. Without ``gpus``, what ``deadline`` needs, else 64.

    >>> sheet = botec.train(params="10B", tokens="200B", gpus=64, mfu=0.4, price=2)
    >>> sheet["gpu_hours"].formatted()
    '26.7K GPU-h'
    """
    return run(_train_data(locals()), samples, seed, catalog_files)


def _train_data(p: dict[str, Any]) -> dict[str, Any]:
    from botec.stages.training import DEFAULT_GPUS

    if p["model"] is None and p["params"] is None:
        raise ParameterError("model/params", "missing", "a catalog model or `params=7B`")
    if p["model"] is not None and p["params"] is not None:  # a named model counts its own
        raise ParameterError(
            "model/params", f"{p['model']} and {p['params']}",
            "one of them: a model (its parameters are counted from it) or `params` for an "
            "unnamed model",
        )  # fmt: skip
    gpus = whole(p["gpus"], "gpus", "a whole number of GPUs such as 64")
    values = {
        **p,
        "params": None if p["model"] else p["params"],
        "gpus": gpus,
        "lora_targets": None
        if p["lora_targets"] is None
        else names(p["lora_targets"], "lora_targets"),
    }
    name = p["model"] or f"{shown(p['params'])}-parameter model"
    if gpus is None and p["deadline"]:
        on = f"{p['gpu']} within {shown(p['deadline'])}"
    else:
        count = gpus or DEFAULT_GPUS  # a number, or what the scenario's validation will refuse
        on = f"{count:,} × {p['gpu']}" if isinstance(count, int | float) else f"{p['gpu']}"
    return {"title": f"Training {name} on {on}", "training": fill("training", values, TRAIN_FIELDS)}
