"""The estimating commands: memory, train, infer, plan, traffic and storage.

Each is a table of options (see :mod:`botec.cli.table`); one body serves them all: call the
command function, write the --plot charts if asked, render the sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import click

from botec import commands
from botec.cli import workloads
from botec.cli.common import EMIT_CHOICES, ESTIMATING
from botec.cli.output import emit, report_text, write_plot
from botec.cli.table import Opt, Table
from botec.commands.serving import Method
from botec.commands.sizing import Convention
from botec.commands.training import Finetune, Optimizer, Recompute

_MODEL_OR_PARAMS = "Parameter count of an unnamed model, e.g. 7B."

MEMORY = Table(
    "Memory for a model's weights, its training state and its KV cache.",
    commands.memory,
    (
        Opt(
            "--model",
            "A catalog model, a config.json or hf:owner/name: says whether it runs on the GPUs "
            "and what to change.",
        ),
        Opt("--params", "Parameter count, e.g. 7B."),
        Opt("--precision", "fp32, fp16, bf16, fp8, int8, int4...", show_default=True),
        Opt("--kv-precision", "KV-cache precision (default: what the engine stores)."),
        Opt("--gpu", "Say whether it fits on this device."),
        Opt("--gpus", "GPUs to hold it (default: the fewest that do).", type=int),
        Opt("--batch", "Sequences held at once (default 1).", type=int),
        Opt("--engine", "Serving engine, for its memory share and KV type (default generic)."),
        Opt("--training", "Add the mixed-precision Adam training breakdown.", is_flag=True),
        Opt(
            "--convention",
            "Training bytes per parameter: ZeRO paper's 16 or seed 002's 18.",
            type=click.Choice(get_args(Convention)),
            show_default=True,
        ),
        Opt("--context", "KV cache: tokens per sequence, e.g. 4096 (with --model: default 4096)."),
        Opt("--sequences", "KV cache: concurrent sequences.", type=int),
        Opt("--layers", "Transformer layers (for the KV cache).", type=int),
        Opt("--kv-heads", "KV heads (for the KV cache).", type=int),
        Opt("--head-dim", "Head dimension (for the KV cache).", type=int),
        *ESTIMATING,
    ),
    commands.FIELDS["memory"],
)

TRAIN = Table(
    "Training: compute (6·N·D + attention), time, GPU-hours, cost, energy, memory per GPU and "
    "the layout that fits, with the budget verdict.",
    commands.train,
    (
        Opt("--model", "A catalog model (llama-2-70b, ...), a config.json, or hf:owner/name."),
        Opt("--params", "Parameter count of an unnamed model, e.g. 10B."),
        Opt(
            "--total-params",
            "An unnamed mixture of experts: every expert's parameters (--params: those each "
            "token uses), e.g. 235B.",
        ),
        Opt(
            "--moe-efficiency",
            "A mixture of experts' share of a dense model's sustained MFU (default: the "
            "catalog's range).",
        ),
        Opt("--tokens", "Training tokens, e.g. 200B, 1.4T (default: 20 per parameter)."),
        Opt("--gpu", "Accelerator (botec hardware list).", show_default=True),
        Opt("--gpus", "Number of accelerators (default: what --deadline needs, else 64)."),
        Opt(
            "--deadline",
            "Wall-clock allowed, e.g. '30 days': sizes the GPUs, or checks --gpus against it.",
        ),
        Opt(
            "--mfu",
            "Model FLOPs utilisation, e.g. 40% or '35% to 50%' (default: the range for this GPU).",
        ),
        Opt("--precision", "Compute precision.", show_default=True),
        Opt("--price", "USD per GPU-hour (default: the GPU's price on --price-basis)."),
        Opt(
            "--price-basis",
            "Which prices: market (the neocloud rental median, default), aws-on-demand, "
            "aws-spot (botec prices bases).",
        ),
        Opt("--budget", "Budget in USD, e.g. $2M: verdict and what it buys."),
        Opt("--budget-gpu-hours", "Budget in GPU-hours, e.g. 500K."),
        Opt("--seq-len", "Training sequence length (attention, activations)."),
        Opt(
            "--zero",
            "ZeRO stage (3 = FSDP full shard).",
            type=click.IntRange(0, 3),
            show_default=True,
        ),
        Opt(
            "--recompute",
            "Activation recomputation.",
            type=click.Choice(get_args(Recompute)),
            show_default=True,
        ),
        Opt(
            "--optimizer",
            "Model-state convention: bytes per parameter of weights, gradients and optimizer "
            "(mixed-adam = the ZeRO paper's 16, the default; fp32-adam with --precision fp32; "
            "mixed-adam-fp32-grads = seed 002's 18).",
            type=click.Choice(get_args(Optimizer)),
        ),
        Opt(
            "--finetune",
            "Full training, or LoRA (BF16 frozen base) / QLoRA (NF4 frozen base) adapters.",
            type=click.Choice(get_args(Finetune)),
            show_default=True,
        ),
        Opt("--lora-rank", "LoRA rank r (default 16; with --finetune lora/qlora).", type=int),
        Opt(
            "--lora-targets",
            "Adapted matrices: some of q,k,v,o,gate,up,down (default q,k,v,o; with --finetune "
            "lora/qlora).",
        ),
        Opt("--micro-batch", "Sequences per GPU per step.", type=int, show_default=True),
        Opt("--memory", "Add seed 002's memory breakdown.", is_flag=True),
        Opt("--teacher", "Distillation: a teacher model whose forward pass scores the tokens."),
        Opt("--teacher-tokens", "Tokens the teacher scores (default: all), e.g. 1T."),
        *ESTIMATING,
    ),
    commands.FIELDS["train"],
)

INFER = Table(
    "Serving a model: roofline prefill/decode with --model or --input-tokens (TTFT, TPOT, "
    "largest batch, throughput), else the seeds' compute- or memory-bound estimates.",
    commands.infer,
    (
        Opt(
            "--model",
            "A catalog model (llama-2-7b, ...), a config.json, or hf:owner/name from the Hub.",
        ),
        Opt("--params", _MODEL_OR_PARAMS),
        Opt("--precision", "Weight precision.", show_default=True),
        Opt("--kv-precision", "KV-cache precision (default: fp16 or weights')."),
        Opt("--gpu", "Accelerator.", show_default=True),
        Opt(
            "--input-tokens",
            "Prompt tokens per request (roofline serving; 512 with --model if not given).",
        ),
        Opt("--tp", "Tensor-parallel GPUs.", type=int, show_default=True),
        Opt(
            "--attention-dp",
            "A mixture of experts with attention data parallelism: each of the --tp GPUs runs "
            "attention for its own requests, the experts split over them (TensorRT-LLM's "
            "enable_attention_dp).",
            is_flag=True,
        ),
        Opt(
            "--engine",
            "Serving engine whose efficiencies to use: generic, vllm, tensorrt-llm, llama.cpp, "
            "transformers, or an earlier release: vllm-0.6, vllm-0.5, tensorrt-llm-0.6, "
            "llama.cpp-2023.",
            show_default=True,
        ),
        Opt(
            "--method",
            "Seed 002's weights/bandwidth, or SmartPal's 2·P·tokens/peak.",
            type=click.Choice(get_args(Method)),
            show_default=True,
        ),
        Opt("--output-tokens", "Output tokens per request.", show_default=True),
        Opt("--prompt-tokens", "Prompt tokens per request."),
        Opt("--qps", "Average requests per second to size GPUs for."),
        Opt("--peak-factor", "Peak ÷ average traffic (default 1 with --qps)."),
        Opt(
            "--batch",
            "Batch size (default: the largest that fits; 1 for the seed methods).",
            type=int,
        ),
        Opt("--gpus-per-replica", "Tensor-parallel GPUs.", type=int, show_default=True),
        Opt("--memory-bandwidth", "Override, e.g. 2 TB/s."),
        *ESTIMATING,
    ),
    commands.FIELDS["infer"],
)

PLAN = Table(
    "A serving fleet for real traffic: the batch, TP, replicas, GPUs and dollars that meet "
    "TTFT/TPOT targets, comparing GPU types and precisions, beside the seeds' one-line answers.",
    commands.plan,
    (
        Opt("--model", "A catalog model (llama-3.1-8b, ...) or a config.json."),
        Opt("--params", _MODEL_OR_PARAMS),
        Opt("--gpu", "Accelerator; a,b,c compares several.", show_default=True),
        Opt("--precision", "Weight precision; a,b compares.", show_default=True),
        Opt("--kv-precision", "KV-cache precision."),
        Opt("--input-tokens", "Prompt tokens.", show_default=True),
        Opt("--output-tokens", "Output tokens.", show_default=True),
        Opt("--engine", "Serving engine.", show_default=True),
        Opt("--tp", "Tensor-parallel GPUs (default: cheapest).", type=int),
        Opt("--qps", "Average requests per second."),
        Opt("--dau", "Daily active users (with --requests-per-user)."),
        Opt("--requests-per-user", "Requests per user per day."),
        Opt("--peak-factor", "Peak ÷ average (default: catalog range, nominal 3×)."),
        Opt("--ttft-p50", "Target time to first token, median, e.g. 500ms."),
        Opt("--ttft-p99", "Target time to first token, p99, e.g. 2s."),
        Opt("--tpot-p50", "Target time per output token, median."),
        Opt("--tpot-p99", "Target time per output token, p99, e.g. 50ms."),
        Opt(
            "--max-batch",
            "Largest batch to try (default: the engine's concurrency cap).",
            type=int,
        ),
        Opt(
            "--prefill-chunk",
            "Prompt tokens prefilled per step (chunked prefill); 0: none. Default: searched "
            "(256 to 8,192, or none).",
            type=int,
        ),
        Opt(
            "--target-utilization",
            "Highest load on a replica at peak, as a share of what it sustains, e.g. 70% "
            "(default: 70%, headroom for bursts).",
        ),
        Opt("--spare-replicas", "Replicas beyond the peak's need: 1 = N+1 redundancy.", type=int),
        Opt("--price", "Price per GPU-hour of --gpu, e.g. $2.5/h."),
        Opt(
            "--price-basis",
            "Which prices: market (the neocloud rental median, default), aws-on-demand, "
            "aws-spot (botec prices bases).",
        ),
        Opt(
            "--emit",
            "Print the chosen plan's launch command for this engine instead of the report: "
            "vllm, tensorrt-llm (or trtllm) or sglang.",
            param="launch_for",
            type=click.Choice(EMIT_CHOICES),
            default=None,
        ),
        *ESTIMATING,
    ),
    commands.FIELDS["plan"],
)

TRAFFIC = Table(
    "Users to requests per second (average and peak) and bandwidth.",
    commands.traffic,
    (
        Opt("--dau", "Daily active users, e.g. 100M."),
        Opt("--mau", "Monthly active users (with --dau-fraction)."),
        Opt("--dau-fraction", "DAU ÷ MAU, e.g. 30%."),
        Opt("--requests-per-user", "Requests per user per day."),
        Opt("--qps", "Average requests per second (instead of users)."),
        Opt(
            "--peak-factor",
            "Peak ÷ average: a number, a range ('2 to 5'), or consumer (3), payments (5), "
            "advertising (10). Default: the catalog's range, nominal 3×.",
        ),
        Opt("--request-size", "Bytes per request, e.g. 2 KB."),
        Opt("--response-size", "Bytes per response, e.g. 10 KB."),
        Opt("--output-tokens", "Output tokens per request (for tokens/s)."),
        *ESTIMATING,
    ),
    commands.FIELDS["traffic"],
)

STORAGE = Table(
    "User data, interaction logs and training-data storage, with the object-storage bill.",
    commands.storage,
    (
        Opt("--dau", "Daily active users (interactions, training data)."),
        Opt("--users", "Users with a stored profile."),
        Opt("--profile-size", "Bytes per user profile, e.g. 10 KB."),
        Opt("--interaction-size", "Bytes per interaction, e.g. 2 KB."),
        Opt("--interactions-per-user", "Interactions per user per day."),
        Opt("--index-overhead", "Index overhead (default: catalog range, nominal 25%)."),
        Opt("--events-per-user", "Training data: events per user per day."),
        Opt("--event-size", "Training data: bytes per event (default 200 B)."),
        Opt("--retention-days", "Training data: days kept (default 365)."),
        Opt(
            "--compression",
            "Training data compression ratio (default: catalog range, nominal 4×).",
        ),
        Opt("--price", "Object storage $/GB-month (default: catalog S3)."),
        *ESTIMATING,
    ),
    commands.FIELDS["storage"],
)


TABLES = {
    "memory": MEMORY,
    "train": TRAIN,
    "infer": INFER,
    "plan": PLAN,
    "traffic": TRAFFIC,
    "storage": STORAGE,
    "image": workloads.IMAGE,
    "video": workloads.VIDEO,
    "embed": workloads.EMBED,
    "speech": workloads.SPEECH,
    "recsys": workloads.RECSYS,
    "tts": workloads.TTS,
}


def estimate(
    table: Table,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    plot: Path | None,
    brief: bool = False,
    launch_for: str | None = None,
    **values: Any,
) -> None:
    """Run the table's command function on the option values, then chart and render it (with
    --emit, the plan's launch command instead of the report)."""
    sheet = table.call(values, catalog_file)
    text = report_text(sheet, fmt, brief, launch_for)  # before any file is written
    if plot is not None:
        write_plot(sheet, plot, force)
    emit(text, output, force)
