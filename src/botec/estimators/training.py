"""Training compute (6·P·D), time and cost on a cluster, Chinchilla sizing, what a budget buys."""

from __future__ import annotations

from dataclasses import dataclass

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import seconds_per_hour
from botec.estimators.inference import forward_flop_per_param_per_token
from botec.estimators.serving_counts import ATTENTION_FLOP_PER_PAIR, ATTENTION_PAIR_UNIT
from botec.estimators.training_budget import (
    AFFORDABLE_FLOPS,
    AFFORDABLE_GPU_HOURS,
    AFFORDABLE_TOKENS,
    AFFORDABLE_TOKENS_FOR_RUN,
    BUDGET_RATIO,
    CHINCHILLA_G,
    CHINCHILLA_TOKENS,
    FITTED_OPTIMAL_PARAMS,
    FITTED_OPTIMAL_TOKENS,
    GPU_HOURS_RATIO,
    OPTIMAL_PARAMS,
    OPTIMAL_TOKENS,
    SPOT_BUDGET_RATIO,
    budget_check,
    chinchilla_tokens,
    what_budget_buys,
)
from botec.estimators.training_outputs import (
    DATASET_SIZE,
    ENERGY,
    FULL_CHECKPOINT,
    WEIGHTS_CHECKPOINT,
)
from botec.estimators.training_rules import (
    GPUS_PER_NODE,
    flop_per_param_per_token,
    lora_flop_per_param_per_token,
    tokens_per_param,
)

# Re-exported: what callers long imported from here.
__all__ = [
    "AFFORDABLE_FLOPS",
    "AFFORDABLE_GPU_HOURS",
    "AFFORDABLE_TOKENS",
    "AFFORDABLE_TOKENS_FOR_RUN",
    "ATTENTION_FLOPS",
    "BUDGET_RATIO",
    "CHINCHILLA_G",
    "CHINCHILLA_TOKENS",
    "CLUSTER_FLOP_RATE",
    "COST",
    "DATASET_SIZE",
    "DENSE_FLOPS",
    "ENERGY",
    "FITTED_OPTIMAL_PARAMS",
    "FITTED_OPTIMAL_TOKENS",
    "FULL_CHECKPOINT",
    "GPUS_FOR_DEADLINE",
    "GPUS_PER_NODE",
    "GPU_HOURS",
    "GPU_HOURS_RATIO",
    "HARDWARE_FLOPS",
    "LOW_PRECISION_PEAK",
    "OPTIMAL_PARAMS",
    "OPTIMAL_TOKENS",
    "PETAFLOP_DAYS",
    "PRETRAINING_CONTEXT",
    "RUN_MFU",
    "SELECTIVE_RECOMPUTE_FLOPS",
    "SPOT_BUDGET_RATIO",
    "SPOT_COST",
    "TEACHER_FLOPS",
    "TOTAL_FLOPS",
    "TOTAL_WITH_ATTENTION",
    "TRAINING_THROUGHPUT",
    "WALL_CLOCK",
    "WEIGHTS_CHECKPOINT",
    "WITH_TEACHER",
    "TrainingResult",
    "budget_check",
    "chinchilla_tokens",
    "flop_per_param_per_token",
    "gpus_for_deadline",
    "lora_flop_per_param_per_token",
    "tokens_per_param",
    "training_flops",
    "training_run",
    "training_time",
    "what_budget_buys",
]

TOTAL_FLOPS = Formula(
    "total_flops",
    "flop_per_param_per_token * params * tokens",
    "FLOP",
    "Training compute",
    "6 = 2 (multiply-add in the forward pass) × 3 (forward + backward ≈ 2× forward); "
    "Kaplan et al. 2020. Ignores the attention term, small below ~8K context.",
    headline=True,
)
DENSE_FLOPS = Formula(
    "dense_flops",
    "flop_per_param_per_token * params * tokens",
    "FLOP",
    "Weight matmuls (6·N·D)",
    "6 = 2 (multiply-add) × 3 (forward + backward ≈ 2× forward); Kaplan et al. 2020. For MoE, "
    "N is the parameters active per token.",
)
ATTENTION_FLOPS = Formula(
    "attention_flops",
    "training_attention_flop_per_pair * layers * attention_dim * sequence_length * tokens",
    "FLOP",
    "Attention over the context (PaLM's 12·L·d·s per token)",
    "QKᵀ and AV are 2·s·d each per token and layer forward, ×3 for training: 12 FLOPs per query "
    "token per context token and dimension; counted without "
    "the causal mask's half, as PaLM (Chowdhery et al. 2022, App. B) and Megatron-LM count MFU. "
    "Small below ~8K context for wide models, large for long context.",
)
MEAN_HEAD_DIM = Formula(
    "training_head_dim",
    "(qk_head_dim + v_head_dim) / 2",
    "dims",
    "Head width attention's FLOPs see (mean of query/key and value)",
    "QKᵀ costs 2·s per query/key dimension and AV 2·s per value dimension: where the widths "
    "differ (MLA: 192 and 128 in DeepSeek-V3's config.json) the attention FLOPs follow their mean.",
)
TEACHER_FLOPS = Formula(
    "teacher_flops",
    "flop_per_param_per_token * teacher_params * teacher_tokens",
    "FLOP",
    "Distillation teacher's forward passes",
    "The teacher only scores the tokens (its logits are the targets): a forward pass, 2 FLOPs per "
    "parameter per token, no backward.",
)
WITH_TEACHER = Formula(
    "total_flops",
    "student_flops + teacher_flops",
    "FLOP",
    "Training compute with the teacher",
    headline=True,
)
PRETRAINING_CONTEXT = Formula(
    "sequence_length",
    "min(context_length, pretraining_context_cap)",
    "tokens/sequence",
    "Training sequence length (the model's context, up to the pretraining cap)",
    "Long-context models pretrain at a few thousand tokens and extend in a short final stage.",
)
LOW_PRECISION_PEAK = Formula(
    "effective_peak_flop_per_s",
    "total_flops / (dense_flops / (peak_flop_per_s * matmul_efficiency_ratio)"
    " + attention_flops / attention_peak_flop_per_s)",
    "FLOP/s",
    "Peak a low-precision run reaches on its FLOP mix",
    "FP8 training runs the weight matmuls at the FP8 peak (at that precision's matmul "
    "efficiency) and attention at the BF16 peak (FlashAttention in BF16): the run's peak is the "
    "FLOP-weighted harmonic mean.",
)
TOTAL_WITH_ATTENTION = Formula(
    "total_flops",
    "dense_flops + attention_flops",
    "FLOP",
    "Training compute (model FLOPs)",
    "What MFU is measured against: weight matmuls plus attention.",
    headline=True,
)
PETAFLOP_DAYS = Formula(
    "petaflop_days",
    "total_flops / (flop_per_pflop * seconds_per_day)",
    "PF-days",
    "Training compute in petaflop/s-days",
    "The unit of the GPT-3 paper's Table D.1: 10^15 FLOP/s for a day = 8.64e19 FLOP.",
)
HARDWARE_FLOPS = Formula(
    "hardware_flops",
    "total_flops + recompute_passes * (total_flops / 3)",
    "FLOP",
    "Hardware FLOPs (with activation recomputation)",
    "Full recomputation reruns the forward pass (a third of training FLOPs): HFU = 4/3 × MFU "
    "(Korthikanti et al. 2022). MFU counts only the model's FLOPs, so time uses total_flops.",
)
SELECTIVE_RECOMPUTE_FLOPS = Formula(
    "hardware_flops",
    "total_flops + attention_flops / 3",
    "FLOP",
    "Hardware FLOPs (selective recomputation)",
    "Selective recomputation reruns only the attention core's forward (Korthikanti et al. 2022: "
    "2.7% extra FLOPs for GPT-3 175B).",
)
SPOT_COST = Formula(
    "spot_cost",
    "cost * spot_price_fraction",
    "USD",
    "Compute cost at spot prices",
    "Spot capacity at the stated share of the price paid; it can be reclaimed: checkpoint often.",
    headline=True,
)
SPOT_COST_AT_RATE = Formula(
    "spot_cost",
    "gpu_hours * spot_usd_per_gpu_hour",
    "USD",
    "Compute cost at spot prices",
    "The same GPU-hours at a spot price list's own rate; spot capacity can be reclaimed: "
    "checkpoint often.",
    headline=True,
)
CLUSTER_FLOP_RATE = Formula(
    "cluster_flop_rate",
    "gpus * peak_flop_per_s * mfu",
    "FLOP/s",
    "Effective cluster throughput",
    "MFU (model FLOPs utilisation) is the share of peak that does useful model math.",
)
WALL_CLOCK = Formula(
    "wall_clock", "total_flops / cluster_flop_rate", "s", "Training wall-clock time", headline=True
)
GPUS_FOR_DEADLINE = Formula(
    "gpus_for_deadline",
    "ceil(total_flops / (peak_flop_per_s * mfu * deadline) / gpus_per_node) * gpus_per_node",
    "GPUs",
    "GPUs that finish by the deadline",
    "The compute over what one GPU delivers in the time allowed, rounded up to whole nodes.",
    headline=True,
)
TRAINING_THROUGHPUT = Formula(
    "tokens_per_second_per_gpu",
    "peak_flop_per_s * kernel_mfu * tokens / total_flops",
    "token/s",
    "Training throughput per GPU while the job runs",
    "Each GPU's useful FLOP/s over the FLOPs of one token: what framework benchmarks report "
    "(the whole-run losses are not in it).",
    headline=True,
)
MOE_KERNEL_MFU = Formula(
    "moe_kernel_mfu",
    "kernel_mfu * moe_training_efficiency",
    "fraction",
    "Sustained MFU of a mixture of experts",
    "A dense model's sustained MFU at this size and scale, times the share an MoE keeps: small "
    "per-expert matmuls, uneven expert load and the all-to-all dispatch and combine cost it the "
    "rest (MFU counts the active parameters).",
)
RUN_MFU = Formula(
    "mfu",
    "kernel_mfu * whole_run_efficiency",
    "fraction",
    "MFU over the whole run",
    "The sustained MFU, times the share of the run's GPU time spent training (restarts, "
    "checkpoints, evaluations and stragglers take the rest).",
)
GPU_HOURS = Formula(
    "gpu_hours", "gpus * wall_clock / seconds_per_hour", "GPU-h", "GPU-hours", headline=True
)
COST = Formula(
    "cost", "gpu_hours * usd_per_gpu_hour", "USD", "Training compute cost", headline=True
)


def training_attention_flop_per_pair(sheet: Sheet) -> Value:
    return sheet.constant(
        "training_attention_flop_per_pair",
        3 * ATTENTION_FLOP_PER_PAIR,
        ATTENTION_PAIR_UNIT,
        "Training attention FLOPs per query token per context token (per layer and dim)",
        "QKᵀ and AV: 2 FLOPs each per query-key pair and dimension forward (4), ×3 with the "
        "backward pass (PaLM, Chowdhery et al. 2022, App. B)",
    )


def flop_per_pflop(sheet: Sheet) -> Value:
    return sheet.constant("flop_per_pflop", 1e15, "FLOP/PFLOP", "FLOP per petaFLOP", "peta = 10^15")


def watts_per_kilowatt(sheet: Sheet) -> Value:
    return sheet.constant("watts_per_kilowatt", 1000, "W/kW", "Watts per kilowatt", "kilo = 10^3")


@dataclass
class TrainingResult:
    total_flops: Value
    wall_clock: Value
    gpu_hours: Value
    cost: Value | None


def training_run(
    sheet: Sheet,
    params: Value,
    tokens: Value,
    gpus: Value,
    peak_flop_per_s: Value,
    mfu: Value,
    usd_per_gpu_hour: Value | None,
    attention: dict[str, Value] | None = None,
    flops_per_param_token: Value | None = None,
) -> TrainingResult:
    """Compute, wall-clock, GPU-hours and (with a price) cost of one training run.

    ``attention`` (layers, attention_dim, sequence_length) adds the attention term to 6·N·D;
    ``flops_per_param_token`` replaces the 6 (LoRA's 4).
    """
    flops = training_flops(sheet, params, tokens, attention, flops_per_param_token)
    return training_time(sheet, flops, gpus, peak_flop_per_s, mfu, usd_per_gpu_hour)


def training_flops(
    sheet: Sheet,
    params: Value,
    tokens: Value,
    attention: dict[str, Value] | None = None,
    flops_per_param_token: Value | None = None,
    teacher: dict[str, Value] | None = None,
) -> Value:
    """Training compute: 6·N·D (``flops_per_param_token`` replaces the 6), plus ``attention``,
    plus a distillation ``teacher``'s forward passes (teacher_params, teacher_tokens)."""
    six = flops_per_param_token or flop_per_param_per_token(sheet)
    name = "student_flops" if teacher else ""
    if attention is None:
        total = sheet.step(
            TOTAL_FLOPS, name=name, flop_per_param_per_token=six, params=params, tokens=tokens
        )
    else:
        dense = sheet.step(DENSE_FLOPS, flop_per_param_per_token=six, params=params, tokens=tokens)
        attn = sheet.step(
            ATTENTION_FLOPS,
            tokens=tokens,
            training_attention_flop_per_pair=training_attention_flop_per_pair(sheet),
            **attention,
        )
        total = sheet.step(TOTAL_WITH_ATTENTION, name=name, dense_flops=dense, attention_flops=attn)
    if not teacher:
        return total
    extra = sheet.step(
        TEACHER_FLOPS, flop_per_param_per_token=forward_flop_per_param_per_token(sheet), **teacher
    )
    return sheet.step(WITH_TEACHER, student_flops=total, teacher_flops=extra)


def training_time(
    sheet: Sheet,
    flops: Value,
    gpus: Value,
    peak_flop_per_s: Value,
    mfu: Value,
    usd_per_gpu_hour: Value | None,
) -> TrainingResult:
    """Wall-clock, GPU-hours and (with a price) cost of ``flops`` of training on ``gpus``."""
    rate = sheet.step(CLUSTER_FLOP_RATE, gpus=gpus, peak_flop_per_s=peak_flop_per_s, mfu=mfu)
    wall = sheet.step(WALL_CLOCK, total_flops=flops, cluster_flop_rate=rate)
    hours = sheet.step(
        GPU_HOURS, gpus=gpus, wall_clock=wall, seconds_per_hour=seconds_per_hour(sheet)
    )
    cost = None
    if usd_per_gpu_hour is not None:
        cost = sheet.step(COST, gpu_hours=hours, usd_per_gpu_hour=usd_per_gpu_hour)
    return TrainingResult(flops, wall, hours, cost)


def gpus_for_deadline(
    sheet: Sheet, flops: Value, peak_flop_per_s: Value, mfu: Value, deadline: Value
) -> Value:
    """The fewest whole 8-GPU nodes that deliver ``flops`` within ``deadline``."""
    return sheet.step(
        GPUS_FOR_DEADLINE,
        total_flops=flops,
        peak_flop_per_s=peak_flop_per_s,
        mfu=mfu,
        deadline=deadline,
        gpus_per_node=sheet.constant(
            "gpus_per_node",
            GPUS_PER_NODE,
            "GPUs",
            "GPUs per node",
            "HGX/DGX boards and the cloud instances built on them hold 8",
        ),
    )
