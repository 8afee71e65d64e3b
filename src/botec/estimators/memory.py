"""Memory: model weights by precision, the mixed-precision Adam training breakdown, the KV cache."""

from __future__ import annotations

from dataclasses import dataclass

from botec.core.sheet import Formula, Sheet, Value

WEIGHTS_MEMORY = Formula(
    "weights_memory",
    "params * bytes_per_param",
    "B",
    "Model weights memory",
    "Every parameter is stored once at the chosen precision.",
    headline=True,
)

GRADIENT_MEMORY = Formula("gradient_memory", "params * gradient_bytes_per_param", "B", "Gradients")
OPTIMIZER_MEMORY = Formula(
    "optimizer_memory",
    "params * optimizer_bytes_per_param",
    "B",
    "Optimizer states",
    "Adam keeps an FP32 master copy of the weights and two FP32 moments: 4 + 4 + 4 bytes.",
)
ACTIVATION_ESTIMATE = Formula(
    "activation_memory",
    "weights_memory * activation_fraction",
    "B",
    "Activations (rough)",
    "Seed 002's fudge factor (10% of weights). Real activations scale with batch × sequence × "
    "layers × hidden size; treat this line as a placeholder.",
)
TRAINING_MEMORY = Formula(
    "training_memory",
    "weights_memory + gradient_memory + optimizer_memory + activation_memory",
    "B",
    "Training memory (total)",
    headline=True,
)

KV_BYTES_PER_TOKEN = Formula(
    "kv_cache_per_token",
    "2 * layers * kv_heads * head_dim * kv_bytes_per_value",
    "B/token",
    "KV cache per token",
    "2 tensors (K and V) per layer, each kv_heads × head_dim values. GQA/MQA shrink kv_heads.",
    headline=True,
)
KV_MLA_PER_TOKEN = Formula(
    "kv_cache_per_token",
    "layers * (kv_lora_rank + rope_head_dim) * kv_bytes_per_value",
    "B/token",
    "KV cache per token (multi-head latent attention)",
    "MLA caches one compressed latent (kv_lora_rank) plus a rotary key (rope_head_dim) per layer.",
    headline=True,
)
FULL_ATTENTION_SHARE = Formula(
    "full_attention_share",
    "full_attention_layers / layers",
    "fraction",
    "Share of layers that attend over the whole context",
    "Hybrid models (Gemma 2 and 3, gpt-oss, Llama 4) interleave them with layers that only look "
    "back over a window, whose cache stops growing there.",
)
KV_CACHE_MEMORY = Formula(
    "kv_cache_memory",
    "kv_cache_per_token * context_tokens * concurrent_sequences",
    "B",
    "KV cache memory",
    headline=True,
)
SERVING_MEMORY = Formula(
    "serving_memory",
    "weights_memory + kv_cache_memory",
    "B",
    "Serving memory (weights + KV)",
    headline=True,
)


@dataclass(frozen=True)
class TrainingMemoryConvention:
    """How many bytes per parameter each part of mixed-precision Adam training takes."""

    key: str
    gradient_bytes_per_param: float
    optimizer_bytes_per_param: float
    source: str


CONVENTIONS = {
    # Seed 002's estimate_training_memory_gb: FP32 gradients (4) + master, m, v (12) + FP16 weights.
    "seed-18": TrainingMemoryConvention(
        "seed-18",
        4,
        12,
        "seed 002 estimate_training_memory_gb: 2 + 4 (FP32 grads) + 12 = 18 B/param",
    ),
    # ZeRO paper (Rajbhandari et al. 2019, §3.1): FP16 weights 2 + FP16 grads 2 + K=12 optimizer.
    "zero-16": TrainingMemoryConvention(
        "zero-16", 2, 12, "ZeRO paper (Rajbhandari et al., 2019) §3.1: 2 + 2 + 12 = 16 B/param"
    ),
}


def weights_memory(sheet: Sheet, params: Value, bytes_per_param: Value, name: str = "") -> Value:
    return sheet.step(WEIGHTS_MEMORY, name=name, params=params, bytes_per_param=bytes_per_param)


def training_memory(
    sheet: Sheet,
    params: Value,
    weights: Value,
    convention: TrainingMemoryConvention,
    activation_fraction: Value,
) -> Value:
    """Weights + gradients + optimizer states + a rough activation term."""
    grad_bpp = sheet.assume(
        "gradient_bytes_per_param",
        convention.gradient_bytes_per_param,
        "B/param",
        "Gradient bytes per parameter",
        convention.source,
    )
    opt_bpp = sheet.assume(
        "optimizer_bytes_per_param",
        convention.optimizer_bytes_per_param,
        "B/param",
        "Optimizer bytes per parameter",
        convention.source,
    )
    grads = sheet.step(GRADIENT_MEMORY, params=params, gradient_bytes_per_param=grad_bpp)
    opt = sheet.step(OPTIMIZER_MEMORY, params=params, optimizer_bytes_per_param=opt_bpp)
    acts = sheet.step(
        ACTIVATION_ESTIMATE, weights_memory=weights, activation_fraction=activation_fraction
    )
    return sheet.step(
        TRAINING_MEMORY,
        weights_memory=weights,
        gradient_memory=grads,
        optimizer_memory=opt,
        activation_memory=acts,
    )


def kv_cache_per_token(
    sheet: Sheet, layers: Value, kv_heads: Value, head_dim: Value, kv_bytes_per_value: Value
) -> Value:
    return sheet.step(
        KV_BYTES_PER_TOKEN,
        layers=layers,
        kv_heads=kv_heads,
        head_dim=head_dim,
        kv_bytes_per_value=kv_bytes_per_value,
    )


def kv_cache_memory(
    sheet: Sheet,
    per_token: Value,
    context_tokens: Value,
    concurrent_sequences: Value,
    name: str = "",
) -> Value:
    return sheet.step(
        KV_CACHE_MEMORY,
        name=name,
        kv_cache_per_token=per_token,
        context_tokens=context_tokens,
        concurrent_sequences=concurrent_sequences,
    )


def serving_memory(sheet: Sheet, weights: Value, kv_cache: Value, name: str = "") -> Value:
    return sheet.step(SERVING_MEMORY, name=name, weights_memory=weights, kv_cache_memory=kv_cache)
