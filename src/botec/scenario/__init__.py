"""Scenario files: a system described along Users -> Requests -> Data -> Compute -> Storage -> Cost.

A scenario is a TOML (or YAML) file; every section is optional. Numbers may be typed the way people
write them ("100M", "10 KB", "$2/h", "40%"). Loading validates everything and turns any problem into
a :class:`~botec.core.errors.BotecInputError` naming the field, the value and what is allowed.

Field types live in :mod:`botec.scenario.fields`, file reading and error messages in
:mod:`botec.scenario.loading`; this module holds the section models.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from botec.scenario.conflicts import check_conflicts
from botec.scenario.fields import (
    PEAK_FACTORS,
    ByteRate,
    Bytes,
    ChunkTokens,
    Count,
    CountOrZero,
    Deadline,
    Duration,
    Factor,
    FlopRate,
    Fraction,
    Overhead,
    Params,
    PeakFactor,
    Ratio,
    Sharpness,
    SpareReplicas,
    Target,
    Tokens,
    Usd,
    UsdPerGb,
    UsdPerGbMonth,
    UsdPerHour,
    Users,
    Utilization,
    WholeCount,
    ZeroStage,
)
from botec.scenario.loading import friendly_error, load_scenario_data
from botec.scenario.workloads import (
    DeploymentSection,
    EmbeddingsSection,
    ImageGenerationSection,
    RecommenderSection,
    SpeechSection,
    SpeechSynthesisSection,
    VideoGenerationSection,
)

__all__ = [
    "PEAK_FACTORS",
    "CostSection",
    "CpuServingSection",
    "DeploymentSection",
    "EmbeddingsSection",
    "FeatureStoreSection",
    "ImageGenerationSection",
    "InferenceSection",
    "KvCacheSection",
    "ModelFitSection",
    "ModelSection",
    "RecommenderSection",
    "RequestsSection",
    "Scenario",
    "SeedCheckEntry",
    "ServingPlanSection",
    "ServingSection",
    "SpeechSection",
    "SpeechSynthesisSection",
    "StorageSection",
    "TrainingDataSection",
    "TrainingSection",
    "UsersSection",
    "VideoGenerationSection",
    "load_scenario",
    "load_scenario_data",
    "scenario_from_dict",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UsersSection(_Section):
    """Who uses the system and how often."""

    daily_active_users: Users | None = None
    monthly_active_users: Users | None = None
    dau_fraction: Fraction | None = None
    requests_per_user_per_day: Count | None = None
    requests_per_second: Count | None = None
    peak_factor: PeakFactor = None  # default: the catalog's range (nominal 3×)
    peak_factor_source: str = ""


class RequestsSection(_Section):
    """What one request carries."""

    request_size: Bytes | None = None
    response_size: Bytes | None = None
    prompt_tokens: Tokens | None = None
    output_tokens: Tokens | None = None


class ModelSection(_Section):
    """The model: size, precision and (for the KV cache) its attention shape."""

    name: str = ""
    params: Params
    precision: str = "fp16"
    layers: WholeCount | None = None
    kv_heads: WholeCount | None = None
    head_dim: WholeCount | None = None
    heads: WholeCount | None = None  # query heads (default: as many as KV heads)
    hidden_size: WholeCount | None = None  # default: heads × head_dim
    shape_source: str = ""
    gpu: str = ""


class InferenceSection(_Section):
    """How the model is served on accelerators."""

    method: Literal["compute-bound", "memory-bound", "token-rate"] = "compute-bound"
    gpu: str = "a100-80gb"
    memory_bandwidth: ByteRate | None = None
    peak_flops: FlopRate | None = None
    compute_utilization: Fraction = 1.0
    gpus_per_replica: WholeCount = 1
    batch_size: WholeCount = 1
    linear_batch_limit: Count | None = None  # default: catalog range (nominal 16)
    tokens_per_second_per_gpu: Count | None = None
    batched_tokens_per_second_per_gpu: Count | None = None
    batched_label: str = "with continuous batching"
    reality_check: bool = True
    engine: str = "generic"  # the reality check's serving engine (its efficiencies, overheads)
    compute_efficiency: Fraction = None  # default: the engine's range
    memory_efficiency: Fraction = None  # default: the engine's range
    roofline_sharpness: Sharpness = None  # default: catalog range (nominal 3; 16 ≈ plain max)
    usable_memory_fraction: Fraction = 0.9
    max_batch: WholeCount | None = None  # the engine's concurrency cap (default: the engine's)


class ServingSection(_Section):
    """An LLM served by a real engine: roofline prefill and decode, KV cache, TP, batching."""

    model: str = ""  # a catalog model (botec models), or a local Hugging Face config.json
    params: Params | None = None  # an unnamed model: architecture from typical shapes
    gpu: str = "a100-80gb"
    precision: str = "fp16"
    kv_precision: str = ""  # default: the weights' precision (8-bit and below: fp16 KV)
    input_tokens: Tokens
    output_tokens: Tokens
    tensor_parallel: WholeCount = 1
    attention_dp: StrictBool = False  # MoE: requests spread over the GPUs, experts split
    batch: WholeCount | None = None  # default: the largest that fits, up to max_concurrency
    max_concurrency: WholeCount | None = None  # the engine's cap (default: the engine's)
    engine: str = "generic"
    usable_memory_fraction: Fraction = 0.9
    workspace_per_gpu: Bytes = None  # default: catalog range
    compute_efficiency: Fraction = None  # default: the engine's range
    memory_efficiency: Fraction = None
    step_overhead: Duration = None
    request_overhead: Duration = None
    roofline_sharpness: Sharpness = None  # default: catalog range (nominal 3; 16 ≈ plain max)


class ModelFitSection(_Section):
    """Can this model run here? Weights, the KV cache of ``batch`` sequences at ``context_tokens``
    and each GPU's workspace against ``gpus`` × the device (default: the fewest that hold it)."""

    model: str = ""  # a catalog model, a local config.json, or hf:owner/name
    params: Params | None = None  # an unnamed model: its shape typical for the size
    gpu: str = "a100-80gb"
    gpus: WholeCount | None = None  # default: the fewest (1, 2, 4, 8, then whole nodes)
    precision: str = "fp16"
    kv_precision: str = ""  # default: what the engine stores beside these weights
    context_tokens: Tokens = 4096
    batch: WholeCount = 1
    engine: str = "generic"
    usable_memory_fraction: Fraction = 0.9
    workspace_per_gpu: Bytes = None  # default: catalog range


class ServingPlanSection(_Section):
    """A fleet for the [users] traffic that meets latency targets: batch, TP, replicas, cost.

    The model, GPU, precision and lengths come from [serving]; targets left out are not checked.
    """

    ttft_p50: Target = None
    ttft_p99: Target = None
    tpot_p50: Target = None
    tpot_p99: Target = None
    tensor_parallel: WholeCount | None = None  # default: the cheapest of 1, 2, 4, 8
    # the largest batch the plan tries: default the engine's concurrency cap, at most 256
    max_batch: WholeCount | None = None
    # tokens of prompt prefilled per step: default searched (256-8,192 or none); 0: no chunking
    prefill_chunk_tokens: ChunkTokens | None = None
    # the load each replica carries at peak, as a share of what it sustains (default 70%)
    target_utilization: Utilization = None
    spare_replicas: SpareReplicas = 0  # 1 = N+1 redundancy
    compare_gpus: list[str] = []
    compare_precisions: list[str] = []


class KvCacheSection(_Section):
    """Concurrent sequences held in GPU memory."""

    concurrent_sequences: WholeCount
    context_tokens: Tokens
    gpu: str = ""
    kv_precision: str = ""


class StorageSection(_Section):
    """User data kept by the product."""

    users: Users | None = None
    user_profile_size: Bytes | None = None
    interaction_size: Bytes | None = None
    interactions_per_user_per_day: Count | None = None
    index_overhead: Overhead = None  # default: catalog range (nominal 25%)


class FeatureStoreSection(_Section):
    """An online (in-memory) feature store."""

    users: CountOrZero = 0
    features_per_user: CountOrZero = 0
    items: CountOrZero = 0
    features_per_item: CountOrZero = 0
    bytes_per_feature: Bytes = 4
    embedding_dim: CountOrZero = 0
    bytes_per_embedding_value: Bytes = 4
    store_overhead: Ratio = None  # default: catalog range (nominal 2×)
    headroom: Overhead = 0.2
    node_memory: Bytes = 64 * 2**30


class TrainingDataSection(_Section):
    """Event logs kept as training data in object storage."""

    daily_active_users: Users
    events_per_user_per_day: Count
    bytes_per_event: Bytes = 200
    retention_days: Count = 365
    compression_ratio: Ratio = None  # default: catalog range (nominal 4×)


class CpuServingSection(_Section):
    """A model served on CPU cores."""

    latency_per_request: Duration
    headroom_factor: Factor = 3.0
    cores_per_machine: WholeCount = 8
    min_machines: WholeCount = 1
    usd_per_machine_hour: UsdPerHour | None = None


class TrainingSection(_Section):
    """One training run: a named model (or a parameter count), tokens, GPUs, MFU and price."""

    model: str = ""  # a catalog model, a local config.json, or hf:owner/name
    params: Params | None = None
    # an unnamed mixture of experts: every expert's parameters (params: those each token uses)
    total_params: Params | None = None
    tokens: Tokens | None = None
    gpu: str = "a100-80gb"
    gpus: WholeCount | None = None  # default: what the deadline needs, else 64
    deadline: Deadline = None  # wall-clock allowed: sizes the GPUs, or checks the given count
    mfu: Fraction = None  # default: the range for this GPU generation and scale
    whole_run_efficiency: Fraction = None  # default: 1 with a stated MFU, else the catalog's
    moe_training_efficiency: Fraction = None  # MoE's share of the dense sustained MFU
    precision: str = "bf16"
    peak_flops: FlopRate | None = None
    usd_per_gpu_hour: UsdPerHour | None = None  # default: the GPU's price on price_basis
    price_basis: str = ""  # default: the market rental median (botec prices bases)
    spot_price_fraction: Fraction = None  # default: the spot basis's own price, not a share
    budget: Usd | None = None
    budget_gpu_hours: Count | None = None
    sequence_length: Tokens | None = None  # adds the attention term (named models)
    recompute: Literal["none", "selective", "full"] = "selective"
    zero_stage: ZeroStage = 1  # ZeRO-1 ≈ Megatron's distributed optimizer
    micro_batch: WholeCount = 1  # sequences per GPU per micro-step (activations)
    power_fraction: Fraction = None  # default: catalog range (energy)
    pue: Factor = None  # default: catalog range
    memory: bool = False
    # Bytes per parameter of weights + gradients + optimizer states. zero-16 = mixed-adam (the ZeRO
    # paper's 16), seed-18 = mixed-adam-fp32-grads (seed 002's 18); the others are named for what
    # they store (estimators/training_memory.CONVENTIONS).
    memory_convention: Literal[
        "zero-16",
        "seed-18",
        "mixed-adam",
        "mixed-adam-fp32-grads",
        "fp32-adam",
        "adam-8bit",
        "sgd-momentum",
    ] = "zero-16"
    finetune: Literal["full", "lora", "qlora"] = "full"  # lora: BF16 base; qlora: NF4 base
    teacher: str = ""  # distillation: a model whose forward pass scores every training token
    teacher_tokens: Tokens | None = None  # tokens the teacher scores (default: all of them)
    lora_rank: WholeCount = 16
    lora_targets: tuple[Literal["q", "k", "v", "o", "gate", "up", "down"], ...] = (
        "q",
        "k",
        "v",
        "o",
    )
    activation_fraction: Overhead = 0.1


class CostSection(_Section):
    """Prices for the monthly bill; defaults come from the catalog."""

    usd_per_gpu_hour: UsdPerHour | None = None
    price_basis: str = ""  # default: the market rental median (botec prices bases)
    gpu_price: Literal["on_demand", "spot"] = "on_demand"
    spot_price_fraction: Fraction = None  # default: the spot basis's own price, not a share
    gpus_billed: Literal["required", "batched", "realistic"] = "required"
    object_storage_usd_per_gb_month: UsdPerGbMonth | None = None
    egress_usd_per_gb: UsdPerGb | None = None
    memory_store_usd_per_gb_month: UsdPerGbMonth | None = None
    storage_months: Count = 1


class SeedCheckEntry(_Section):
    """A number a seed document printed, for the report to set beside botec's."""

    result: str
    printed: str
    value: Annotated[float, Field(allow_inf_nan=False)]  # NaN would reach the JSON report
    cite: str
    why: str = ""
    tolerance: Annotated[float, Field(gt=0, le=1)] = 0.02


class Scenario(_Section):
    """A whole scenario. Every section is optional."""

    title: str = "Untitled scenario"
    description: str = ""
    source: str = ""
    catalog: str | None = None
    users: UsersSection | None = None
    requests: RequestsSection | None = None
    model: ModelSection | None = None
    inference: InferenceSection | None = None
    kv_cache: KvCacheSection | None = None
    serving: ServingSection | None = None
    serving_plan: ServingPlanSection | None = None
    model_fit: ModelFitSection | None = None
    storage: StorageSection | None = None
    feature_store: FeatureStoreSection | None = None
    training_data: TrainingDataSection | None = None
    cpu_serving: CpuServingSection | None = None
    training: TrainingSection | None = None
    image_generation: ImageGenerationSection | None = None
    video_generation: VideoGenerationSection | None = None
    embeddings: EmbeddingsSection | None = None
    speech: SpeechSection | None = None
    speech_synthesis: SpeechSynthesisSection | None = None
    recommender: RecommenderSection | None = None
    deployment: DeploymentSection | None = None
    cost: CostSection | None = None
    conclusions: list[str] = []
    seed_check: list[SeedCheckEntry] = []


def scenario_from_dict(data: dict[str, Any], origin: str = "scenario") -> Scenario:
    """Validate a mapping; errors name the field path, the value and what is allowed."""
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        raise friendly_error(exc, origin, Scenario) from None
    check_conflicts(scn, origin)
    return scn


def load_scenario(source: str | Path | Mapping[str, Any]) -> Scenario:
    """Read and validate a TOML or YAML scenario file, or a mapping of sections.

    >>> load_scenario({"users": {"requests_per_second": 5}}).users.requests_per_second
    5.0
    """
    if isinstance(source, Mapping):
        return scenario_from_dict(dict(source))
    return scenario_from_dict(load_scenario_data(source), str(source))
