"""The `botec` command: thin. Flags become a scenario, the library runs it, a renderer prints it."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from botec.core.errors import BotecInputError

FORMATS = ("text", "markdown", "html", "json")

# Flags whose names differ from the scenario field they fill, so errors name the flag typed.
_FLAG_FOR_FIELD: dict[str, str] = {}


def _output_options(
    func: Callable[..., Any], formats: tuple[str, ...] = FORMATS
) -> Callable[..., Any]:
    func = click.option(
        "--force", is_flag=True, help="Overwrite the -o file if it already exists."
    )(func)
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the report to this file instead of standard output.",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default="text",
        show_default=True,
        help="Report format.",
    )(func)
    func = click.option(
        "--catalog",
        "catalog_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Your own catalog TOML, merged over the bundled one.",
    )(func)
    return func


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[f"botec.{param.name}"] = value
    return value


def _uncertainty_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--samples, --seed and --plot; kept in the click context so commands stay short."""
    func = click.option(
        "--plot",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_remember,
        help="Also write charts: the tornado of the main result to this .png or .svg file, the "
        "result distributions beside it (NAME-distributions.svg).",
    )(func)
    return _sampling_options(func)


def _sampling_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--samples and --seed."""
    func = click.option(
        "--seed",
        type=click.IntRange(0, 2**32 - 1),
        default=0,
        show_default=True,
        expose_value=False,
        callback=_remember,
        help="Random seed: the same seed gives the same percentiles.",
    )(func)
    func = click.option(
        "--samples",
        type=click.IntRange(0, 1_000_000),
        default=10_000,
        show_default=True,
        expose_value=False,
        callback=_remember,
        help="Monte Carlo draws for inputs given as ranges ('30% to 50%'); 0 = point only.",
    )(func)
    return func


def _evaluate(scenario: Any) -> Any:
    """Run a scenario with the command's --samples/--seed, and write its --plot if asked."""
    from botec.analysis.evaluate import evaluate

    meta = click.get_current_context().meta
    sheet = evaluate(
        scenario, samples=meta.get("botec.samples", 10_000), seed=meta.get("botec.seed", 0)
    )
    plot = meta.get("botec.plot")
    if plot is not None:
        _write_plot(sheet, plot, meta.get("botec.force", False))
    return sheet


def _write_plot(sheet: Any, path: Path, force: bool) -> None:
    """FILE gets the tornado of the main result; FILE-distributions the result histograms."""
    from botec.report import charts

    if path.suffix.lower() not in (".png", ".svg"):
        raise BotecInputError("--plot", str(path), "a file name ending in .png or .svg")
    if not sheet.sensitivity:
        raise BotecInputError(
            "--plot", str(path), "a scenario with at least one range input (nothing varies here)"
        )
    second = path.with_name(f"{path.stem}-distributions{path.suffix}")
    for target in (path, second):
        if target.exists() and not force:
            raise BotecInputError(
                "--plot", str(target), "a file that does not exist yet (or --force)"
            )
    from botec.report.plots import save_figure

    for target, figure in ((path, charts.tornado(sheet)), (second, charts.distributions(sheet))):
        if figure is None:
            continue
        try:
            save_figure(figure, str(target))
        except OSError as exc:
            raise BotecInputError(
                "--plot", str(target), f"a writable path ({exc.strerror})"
            ) from None
        click.echo(f"wrote {target}", err=True)


def _emit(text: str, output: Path | None, force: bool) -> None:
    """Print, or write to a file without silently replacing what the user already has."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    if output.exists() and not force:
        raise BotecInputError(
            "-o/--output", str(output), "a file that does not exist yet (or --force)"
        )
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BotecInputError(
            "-o/--output", str(output), f"a writable path ({exc.strerror})"
        ) from None
    click.echo(f"wrote {output}", err=True)


def _run_and_render(
    data: dict[str, Any],
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
    flags: dict[str, str] | None = None,
) -> None:
    from botec.report import render
    from botec.scenario import scenario_from_dict

    _use_catalog(catalog_file)
    try:
        scenario = scenario_from_dict(data)
    except BotecInputError as exc:
        flag = (flags or {}).get(exc.field)
        if flag:
            raise BotecInputError(flag, exc.value, exc.allowed) from None
        raise
    click.get_current_context().meta["botec.force"] = force
    _emit(render(_evaluate(scenario), fmt), output, force)


def _use_catalog(catalog_file: Path | None) -> None:
    if catalog_file is not None:
        from botec import catalog

        catalog.add_catalog_file(catalog_file)


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None and v is not False}


class _Group(click.Group):
    """Turns botec's input errors into one clear line and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BotecInputError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except BrokenPipeError:  # `botec ... | head`
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="botec")
def main() -> None:
    """Back-of-the-envelope estimates for ML systems, with every formula and unit shown."""


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@_uncertainty_options
@_output_options
def report(
    file: Path, fmt: str, output: Path | None, force: bool, catalog_file: Path | None
) -> None:
    """Run a scenario FILE (TOML or YAML) and print the full report."""
    from botec.report import render
    from botec.scenario import load_scenario

    _use_catalog(catalog_file)
    click.get_current_context().meta["botec.force"] = force
    _emit(render(_evaluate(load_scenario(file)), fmt), output, force)


@main.command()
@click.option("--params", required=True, help="Parameter count, e.g. 7B.")
@click.option(
    "--precision", default="fp16", show_default=True, help="fp32, fp16, bf16, fp8, int8, int4..."
)
@click.option("--gpu", default=None, help="Say whether it fits on this device.")
@click.option("--training", is_flag=True, help="Add the mixed-precision Adam training breakdown.")
@click.option(
    "--convention",
    type=click.Choice(["zero-16", "seed-18"]),
    default="zero-16",
    show_default=True,
    help="Training bytes per parameter: ZeRO paper's 16 or seed 002's 18.",
)
@click.option("--context", default=None, help="KV cache: tokens per sequence, e.g. 4096.")
@click.option("--sequences", default=None, type=int, help="KV cache: concurrent sequences.")
@click.option("--layers", default=None, type=int, help="Transformer layers (for the KV cache).")
@click.option("--kv-heads", default=None, type=int, help="KV heads (for the KV cache).")
@click.option("--head-dim", default=None, type=int, help="Head dimension (for the KV cache).")
@_uncertainty_options
@_output_options
def memory(
    params: str,
    precision: str,
    gpu: str | None,
    training: bool,
    convention: str,
    context: str | None,
    sequences: int | None,
    layers: int | None,
    kv_heads: int | None,
    head_dim: int | None,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """Memory for a model's weights, its training state and its KV cache."""
    model = _drop_none(
        {
            "params": params,
            "precision": precision,
            "layers": layers,
            "kv_heads": kv_heads,
            "head_dim": head_dim,
        }
    )
    data: dict[str, Any] = {"title": f"Memory for a {params}-parameter model", "model": model}
    if gpu and not training and not (context or sequences):
        model["gpu"] = gpu
    if training:
        data["training"] = {
            "params": params,
            "precision": precision,
            "memory": True,
            "memory_convention": convention,
            "gpu": gpu or "a100-80gb",
        }
    if context or sequences:
        if not (context and sequences):
            raise BotecInputError("--context/--sequences", "only one", "both, for a KV cache")
        data["kv_cache"] = _drop_none(
            {"context_tokens": context, "concurrent_sequences": sequences, "gpu": gpu}
        )
    flags = {
        "model.params": "--params",
        "model.precision": "--precision",
        "model.gpu": "--gpu",
        "kv_cache.context_tokens": "--context",
        "kv_cache.concurrent_sequences": "--sequences",
        "model.layers": "--layers",
        "model.kv_heads": "--kv-heads",
        "model.head_dim": "--head-dim",
    }
    _run_and_render(data, fmt, output, force, catalog_file, flags)


@main.command()
@click.option(
    "--model",
    default=None,
    help="A catalog model (llama-2-70b, ...), a config.json, or hf:owner/name.",
)
@click.option("--params", default=None, help="Parameter count of an unnamed model, e.g. 10B.")
@click.option(
    "--tokens", default=None, help="Training tokens, e.g. 200B, 1.4T (default: 20 per parameter)."
)
@click.option(
    "--gpu", default="a100-80gb", show_default=True, help="Accelerator (botec hardware list)."
)
@click.option(
    "--gpus", default=None, help="Number of accelerators (default: what --deadline needs, else 64)."
)
@click.option(
    "--deadline",
    default=None,
    help="Wall-clock allowed, e.g. '30 days': sizes the GPUs, or checks --gpus against it.",
)
@click.option(
    "--mfu",
    default=None,
    help="Model FLOPs utilisation, e.g. 40% or '35% to 50%' (default: the range for this GPU).",
)
@click.option("--precision", default="bf16", show_default=True, help="Compute precision.")
@click.option("--price", default=None, help="USD per GPU-hour (default: catalog on-demand).")
@click.option("--budget", default=None, help="Budget in USD, e.g. $2M: verdict and what it buys.")
@click.option("--budget-gpu-hours", default=None, help="Budget in GPU-hours, e.g. 500K.")
@click.option("--seq-len", default=None, help="Training sequence length (attention, activations).")
@click.option(
    "--zero",
    "zero_stage",
    type=click.IntRange(0, 3),
    default=1,
    show_default=True,
    help="ZeRO stage (3 = FSDP full shard).",
)
@click.option(
    "--recompute",
    type=click.Choice(["none", "selective", "full"]),
    default="selective",
    show_default=True,
    help="Activation recomputation.",
)
@click.option(
    "--optimizer",
    "convention",
    type=click.Choice(
        [
            "mixed-adam",
            "mixed-adam-fp32-grads",
            "fp32-adam",
            "adam-8bit",
            "sgd-momentum",
            "zero-16",
            "seed-18",
        ]
    ),
    default="mixed-adam",
    show_default=True,
    help="Model-state convention: bytes per parameter of weights, gradients and optimizer "
    "(mixed-adam = the ZeRO paper's 16, mixed-adam-fp32-grads = seed 002's 18).",
)
@click.option(
    "--finetune",
    type=click.Choice(["full", "lora", "qlora"]),
    default="full",
    show_default=True,
    help="Full training, or LoRA (BF16 frozen base) / QLoRA (NF4 frozen base) adapters.",
)
@click.option("--lora-rank", default=16, show_default=True, type=int, help="LoRA rank r.")
@click.option(
    "--lora-targets",
    default="q,k,v,o",
    show_default=True,
    help="Adapted matrices: some of q,k,v,o,gate,up,down.",
)
@click.option(
    "--micro-batch", default=1, show_default=True, type=int, help="Sequences per GPU per step."
)
@click.option("--memory", "show_memory", is_flag=True, help="Add seed 002's memory breakdown.")
@_uncertainty_options
@_output_options
def train(
    model: str | None,
    params: str | None,
    tokens: str | None,
    gpu: str,
    gpus: str | None,
    deadline: str | None,
    mfu: str | None,
    precision: str,
    price: str | None,
    budget: str | None,
    budget_gpu_hours: str | None,
    seq_len: str | None,
    zero_stage: int,
    recompute: str,
    convention: str,
    finetune: str,
    lora_rank: int,
    lora_targets: str,
    micro_batch: int,
    show_memory: bool,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """Training: compute (6·N·D + attention), time, GPU-hours, cost, energy, memory per GPU and
    the layout that fits, with the budget verdict."""
    if model is None and params is None:
        raise BotecInputError("--model/--params", "missing", "a catalog model or --params 7B")
    try:
        gpu_count = int(gpus) if gpus is not None else None
    except ValueError:
        raise BotecInputError("--gpus", gpus, "a whole number of GPUs such as 64") from None
    section = _drop_none(
        {
            "model": model,
            "params": None if model else params,
            "tokens": tokens,
            "gpu": gpu,
            "gpus": gpu_count,
            "deadline": deadline,
            "mfu": mfu,
            "precision": precision,
            "usd_per_gpu_hour": price,
            "budget": budget,
            "budget_gpu_hours": budget_gpu_hours,
            "sequence_length": seq_len,
            "zero_stage": zero_stage,
            "recompute": recompute,
            "memory_convention": convention,
            "finetune": finetune,
            "lora_rank": lora_rank,
            "lora_targets": [x.strip() for x in lora_targets.split(",") if x.strip()],
            "micro_batch": micro_batch,
            "memory": show_memory,
        }
    )
    name = model or f"{params}-parameter model"
    from botec.stages.training import DEFAULT_GPUS

    if gpu_count is None and deadline:
        on = f"{gpu} within {deadline}"
    else:
        on = f"{gpu_count or DEFAULT_GPUS} × {gpu}"
    data = {"title": f"Training {name} on {on}", "training": section}
    flags = {
        f"training.{k}": f"--{k}"
        for k in (
            "model",
            "params",
            "tokens",
            "gpu",
            "gpus",
            "deadline",
            "mfu",
            "precision",
            "budget",
        )
    }
    flags["training.usd_per_gpu_hour"] = "--price"
    flags["training.budget_gpu_hours"] = "--budget-gpu-hours"
    flags["training.sequence_length"] = "--seq-len"
    flags |= {f"training.{k}": f"--{k.replace('_', '-')}" for k in ("lora_rank", "lora_targets")}
    flags |= {"training.micro_batch": "--micro-batch", "training.memory_convention": "--optimizer"}
    _run_and_render(data, fmt, output, force, catalog_file, flags)


@main.command()
@click.option(
    "--model",
    default=None,
    help="A catalog model (llama-2-7b, ...), a config.json, or hf:owner/name from the Hub.",
)
@click.option("--params", default=None, help="Parameter count of an unnamed model, e.g. 7B.")
@click.option("--precision", default="fp16", show_default=True, help="Weight precision.")
@click.option(
    "--kv-precision", default=None, help="KV-cache precision (default: fp16 or weights')."
)
@click.option("--gpu", default="a100-80gb", show_default=True, help="Accelerator.")
@click.option(
    "--input-tokens",
    default=None,
    help="Prompt tokens per request (roofline serving; 512 with --model if not given).",
)
@click.option("--tp", default=1, type=int, show_default=True, help="Tensor-parallel GPUs.")
@click.option(
    "--engine",
    default="generic",
    show_default=True,
    help="Serving engine whose efficiencies to use: generic, vllm, tensorrt-llm, llama.cpp.",
)
@click.option(
    "--method",
    type=click.Choice(["memory-bound", "compute-bound"]),
    default="memory-bound",
    show_default=True,
    help="Seed 002's weights/bandwidth, or SmartPal's 2·P·tokens/peak.",
)
@click.option(
    "--output-tokens", default="500", show_default=True, help="Output tokens per request."
)
@click.option("--prompt-tokens", default=None, help="Prompt tokens per request.")
@click.option("--qps", default=None, help="Average requests per second to size GPUs for.")
@click.option("--peak-factor", default=None, help="Peak ÷ average traffic (default 1 with --qps).")
@click.option(
    "--batch",
    default=None,
    type=int,
    help="Batch size (default: the largest that fits; 1 for the seed methods).",
)
@click.option(
    "--gpus-per-replica", default=1, type=int, show_default=True, help="Tensor-parallel GPUs."
)
@click.option("--memory-bandwidth", default=None, help="Override, e.g. 2 TB/s.")
@_uncertainty_options
@_output_options
def infer(
    model: str | None,
    params: str | None,
    precision: str,
    kv_precision: str | None,
    gpu: str,
    input_tokens: str | None,
    tp: int,
    engine: str,
    method: str,
    output_tokens: str,
    prompt_tokens: str | None,
    qps: str | None,
    peak_factor: str | None,
    batch: int | None,
    gpus_per_replica: int,
    memory_bandwidth: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """Serving a model: roofline prefill/decode with --model or --input-tokens (TTFT, TPOT,
    largest batch, throughput), else the seeds' compute- or memory-bound estimates."""
    if model is None and params is None:
        raise BotecInputError("--model/--params", "missing", "a catalog model or --params 7B")
    if model is not None or input_tokens is not None:
        serving = _drop_none(
            {
                "model": model,
                "params": None if model else params,
                "gpu": gpu,
                "precision": precision,
                "kv_precision": kv_precision,
                "input_tokens": input_tokens or prompt_tokens or "512",
                "output_tokens": output_tokens,
                "tensor_parallel": tp,
                "batch": batch,
                "engine": engine,
            }
        )
        flags = {f"serving.{k}": f"--{k.replace('_', '-')}" for k in serving}
        flags.update({"serving.tensor_parallel": "--tp", "serving.model": "--model"})
        name = model or f"{params}-parameter model"
        data = {"title": f"Serving {name} on {tp} × {gpu} ({engine})", "serving": serving}
        _run_and_render(data, fmt, output, force, catalog_file, flags)
        return
    batch = batch or 1
    data: dict[str, Any] = {
        "title": f"Serving a {params}-parameter model on {gpu}",
        "model": {"params": params, "precision": precision},
        "requests": _drop_none({"output_tokens": output_tokens, "prompt_tokens": prompt_tokens}),
        "inference": _drop_none(
            {
                "method": method,
                "gpu": gpu,
                "batch_size": batch,
                "gpus_per_replica": gpus_per_replica,
                "memory_bandwidth": memory_bandwidth,
            }
        ),
    }
    if qps is not None:
        data["users"] = {"requests_per_second": qps, "peak_factor": peak_factor or 1}
    flags = {
        "model.params": "--params",
        "model.precision": "--precision",
        "inference.gpu": "--gpu",
        "requests.output_tokens": "--output-tokens",
        "requests.prompt_tokens": "--prompt-tokens",
        "users.requests_per_second": "--qps",
        "users.peak_factor": "--peak-factor",
        "inference.batch_size": "--batch",
        "inference.gpus_per_replica": "--gpus-per-replica",
        "inference.memory_bandwidth": "--memory-bandwidth",
    }
    _run_and_render(data, fmt, output, force, catalog_file, flags)


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


@main.command()
@click.option("--model", default=None, help="A catalog model (llama-3.1-8b, ...) or a config.json.")
@click.option("--params", default=None, help="Parameter count of an unnamed model, e.g. 7B.")
@click.option(
    "--gpu", default="a100-80gb", show_default=True, help="Accelerator; a,b,c compares several."
)
@click.option(
    "--precision", default="fp16", show_default=True, help="Weight precision; a,b compares."
)
@click.option("--kv-precision", default=None, help="KV-cache precision.")
@click.option("--input-tokens", default="512", show_default=True, help="Prompt tokens.")
@click.option("--output-tokens", default="256", show_default=True, help="Output tokens.")
@click.option("--engine", default="generic", show_default=True, help="Serving engine.")
@click.option("--tp", default=None, type=int, help="Tensor-parallel GPUs (default: cheapest).")
@click.option("--qps", default=None, help="Average requests per second.")
@click.option("--dau", default=None, help="Daily active users (with --requests-per-user).")
@click.option("--requests-per-user", default=None, help="Requests per user per day.")
@click.option(
    "--peak-factor", default=None, help="Peak ÷ average (default: catalog range, nominal 3×)."
)
@click.option("--ttft-p50", default=None, help="Target time to first token, median, e.g. 500ms.")
@click.option("--ttft-p99", default=None, help="Target time to first token, p99, e.g. 2s.")
@click.option("--tpot-p50", default=None, help="Target time per output token, median.")
@click.option("--tpot-p99", default=None, help="Target time per output token, p99, e.g. 50ms.")
@click.option(
    "--max-batch", default=256, type=int, show_default=True, help="Engine concurrency cap."
)
@click.option("--price", default=None, help="Price per GPU-hour of --gpu, e.g. $2.5/h.")
@_uncertainty_options
@_output_options
def plan(
    model: str | None,
    params: str | None,
    gpu: str,
    precision: str,
    kv_precision: str | None,
    input_tokens: str,
    output_tokens: str,
    engine: str,
    tp: int | None,
    qps: str | None,
    dau: str | None,
    requests_per_user: str | None,
    peak_factor: str | None,
    ttft_p50: str | None,
    ttft_p99: str | None,
    tpot_p50: str | None,
    tpot_p99: str | None,
    max_batch: int,
    price: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """A serving fleet for real traffic: the batch, TP, replicas, GPUs and dollars that meet
    TTFT/TPOT targets, comparing GPU types and precisions, beside the seeds' one-line answers."""
    if model is None and params is None:
        raise BotecInputError("--model/--params", "missing", "a catalog model or --params 7B")
    if qps is None and dau is None:
        raise BotecInputError(
            "--qps/--dau", "missing", "--qps 50, or --dau 1M with --requests-per-user"
        )
    gpus, precisions = _names(gpu), _names(precision)
    if not gpus or not precisions:
        raise BotecInputError("--gpu/--precision", "empty", "a name, or names separated by commas")
    users = _drop_none(
        {
            "requests_per_second": qps,
            "daily_active_users": dau,
            "requests_per_user_per_day": requests_per_user,
            "peak_factor": peak_factor,
        }
    )
    serving = _drop_none(
        {
            "model": model,
            "params": None if model else params,
            "gpu": gpus[0],
            "precision": precisions[0],
            "kv_precision": kv_precision,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "engine": engine,
        }
    )
    targets = {"ttft_p50": ttft_p50, "ttft_p99": ttft_p99, "tpot_p50": tpot_p50}
    targets["tpot_p99"] = tpot_p99
    section = _drop_none(
        {
            **targets,
            "tensor_parallel": tp,
            "max_batch": max_batch,
            "compare_gpus": gpus[1:] or None,
            "compare_precisions": precisions[1:] or None,
        }
    )
    name = model or f"{params}-parameter model"
    data: dict[str, Any] = {
        "title": f"Serving plan: {name} for {qps or dau} {'req/s' if qps else 'daily users'}",
        "users": users,
        "serving": serving,
        "serving_plan": section,
    }
    if price is not None:
        data["cost"] = {"usd_per_gpu_hour": price}
    flags = {f"serving_plan.{k}": f"--{k.replace('_', '-')}" for k in targets}
    flags.update(
        {
            "users.requests_per_second": "--qps",
            "users.daily_active_users": "--dau",
            "users.requests_per_user_per_day": "--requests-per-user",
            "users.peak_factor": "--peak-factor",
            "serving.input_tokens": "--input-tokens",
            "serving.output_tokens": "--output-tokens",
            "serving.model": "--model",
            "serving.params": "--params",
            "serving_plan.tensor_parallel": "--tp",
            "serving_plan.max_batch": "--max-batch",
            "cost.usd_per_gpu_hour": "--price",
        }
    )
    _run_and_render(data, fmt, output, force, catalog_file, flags)


@main.command()
@click.option("--dau", default=None, help="Daily active users, e.g. 100M.")
@click.option("--mau", default=None, help="Monthly active users (with --dau-fraction).")
@click.option("--dau-fraction", default=None, help="DAU ÷ MAU, e.g. 30%.")
@click.option("--requests-per-user", default=None, help="Requests per user per day.")
@click.option("--qps", default=None, help="Average requests per second (instead of users).")
@click.option(
    "--peak-factor",
    default=None,
    help="Peak ÷ average: a number, a range ('2 to 5'), or consumer (3), payments (5), "
    "advertising (10). Default: the catalog's range, nominal 3×.",
)
@click.option("--request-size", default=None, help="Bytes per request, e.g. 2 KB.")
@click.option("--response-size", default=None, help="Bytes per response, e.g. 10 KB.")
@click.option("--output-tokens", default=None, help="Output tokens per request (for tokens/s).")
@_uncertainty_options
@_output_options
def traffic(
    dau: str | None,
    mau: str | None,
    dau_fraction: str | None,
    requests_per_user: str | None,
    qps: str | None,
    peak_factor: str | None,
    request_size: str | None,
    response_size: str | None,
    output_tokens: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """Users to requests per second (average and peak) and bandwidth."""
    users = _drop_none(
        {
            "daily_active_users": dau,
            "monthly_active_users": mau,
            "dau_fraction": dau_fraction,
            "requests_per_user_per_day": requests_per_user,
            "requests_per_second": qps,
            "peak_factor": peak_factor,
        }
    )
    data: dict[str, Any] = {"title": "Traffic", "users": users}
    requests = _drop_none(
        {
            "request_size": request_size,
            "response_size": response_size,
            "output_tokens": output_tokens,
        }
    )
    if requests:
        data["requests"] = requests
    flags = {
        "users.daily_active_users": "--dau",
        "users.monthly_active_users": "--mau",
        "users.dau_fraction": "--dau-fraction",
        "users.requests_per_user_per_day": "--requests-per-user",
        "users.requests_per_second": "--qps",
        "users.peak_factor": "--peak-factor",
        "requests.request_size": "--request-size",
        "requests.response_size": "--response-size",
        "requests.output_tokens": "--output-tokens",
    }
    _run_and_render(data, fmt, output, force, catalog_file, flags)


@main.command()
@click.option("--dau", default=None, help="Daily active users (interactions, training data).")
@click.option("--users", default=None, help="Users with a stored profile.")
@click.option("--profile-size", default=None, help="Bytes per user profile, e.g. 10 KB.")
@click.option("--interaction-size", default=None, help="Bytes per interaction, e.g. 2 KB.")
@click.option("--interactions-per-user", default=None, help="Interactions per user per day.")
@click.option(
    "--index-overhead", default=None, help="Index overhead (default: catalog range, nominal 25%)."
)
@click.option("--events-per-user", default=None, help="Training data: events per user per day.")
@click.option(
    "--event-size", default="200 B", show_default=True, help="Training data: bytes per event."
)
@click.option("--retention-days", default="365", show_default=True, help="Training data retention.")
@click.option(
    "--compression",
    default=None,
    help="Training data compression ratio (default: catalog range, nominal 4×).",
)
@click.option("--price", default=None, help="Object storage $/GB-month (default: catalog S3).")
@_uncertainty_options
@_output_options
def storage(
    dau: str | None,
    users: str | None,
    profile_size: str | None,
    interaction_size: str | None,
    interactions_per_user: str | None,
    index_overhead: str | None,
    events_per_user: str | None,
    event_size: str,
    retention_days: str,
    compression: str | None,
    price: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """User data, interaction logs and training-data storage, with the object-storage bill."""
    data: dict[str, Any] = {"title": "Storage"}
    if profile_size or interaction_size:
        data["storage"] = _drop_none(
            {
                "users": users or dau,
                "user_profile_size": profile_size,
                "interaction_size": interaction_size,
                "interactions_per_user_per_day": interactions_per_user,
                "index_overhead": index_overhead,
            }
        )
        if interaction_size:
            if not dau:
                raise BotecInputError("--dau", "missing", "daily active users for interaction data")
            data["users"] = {
                "daily_active_users": dau,
                "requests_per_user_per_day": interactions_per_user or 1,
            }
    if events_per_user:
        if not dau:
            raise BotecInputError("--dau", "missing", "daily active users for training data")
        data["training_data"] = _drop_none(
            {
                "daily_active_users": dau,
                "events_per_user_per_day": events_per_user,
                "bytes_per_event": event_size,
                "retention_days": retention_days,
                "compression_ratio": compression,
            }
        )
        data["cost"] = _drop_none({"object_storage_usd_per_gb_month": price})
    if len(data) == 1:
        raise BotecInputError(
            "storage", "no storage flags", "--profile-size, --interaction-size or --events-per-user"
        )
    flags = {
        "storage.users": "--users",
        "storage.user_profile_size": "--profile-size",
        "storage.interaction_size": "--interaction-size",
        "storage.index_overhead": "--index-overhead",
        "storage.interactions_per_user_per_day": "--interactions-per-user",
        "training_data.daily_active_users": "--dau",
        "users.daily_active_users": "--dau",
        "training_data.events_per_user_per_day": "--events-per-user",
        "training_data.bytes_per_event": "--event-size",
        "training_data.retention_days": "--retention-days",
        "training_data.compression_ratio": "--compression",
        "cost.object_storage_usd_per_gb_month": "--price",
    }
    _run_and_render(data, fmt, output, force, catalog_file, flags)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--vary",
    "vary",
    multiple=True,
    required=True,
    help="NAME=LOW..HIGH[:POINTS] or NAME=A,B,C, e.g. dau=1M..1B or gpu=a100-80gb,l4. Repeat.",
)
@click.option(
    "--points",
    type=click.IntRange(2, 10_000_000),
    default=7,
    show_default=True,
    help="Points per LOW..HIGH axis (log-spaced when it spans 10× or more).",
)
@click.option("--result", "results", default=None, help="Results to show, comma-separated.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html", "csv", "json"]),
    default="text",
    show_default=True,
    help="html: one self-contained page with the curves and the table.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--force", is_flag=True, help="Overwrite -o/--plot files that exist.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the results against the first numeric axis (.png or .svg).",
)
@click.option("--catalog", "catalog_file", type=click.Path(dir_okay=False, path_type=Path))
def sweep(
    file: Path,
    vary: tuple[str, ...],
    points: int,
    results: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    plot: Path | None,
    catalog_file: Path | None,
) -> None:
    """Evaluate scenario FILE over a grid of inputs and print or export the table."""
    from botec.analysis.sweep import parse_vary, run_sweep
    from botec.report.sweep_view import render_sweep
    from botec.scenario import load_scenario_data, scenario_from_dict

    _use_catalog(catalog_file)
    data = load_scenario_data(file)
    scenario_from_dict(data, str(file))  # the file itself must be valid first
    axes = [parse_vary(v, data, points) for v in vary]
    names = [n.strip() for n in results.split(",") if n.strip()] if results else None
    _check_plot_path(plot, force)
    result = _with_progress(lambda tick: run_sweep(data, axes, names, tick), axes)
    _emit(render_sweep(result, fmt), output, force)
    if plot is not None:
        from botec.report.charts import sweep_chart

        _save_chart(sweep_chart(result), plot)


def _with_progress(job: Callable[[Any], Any], axes: list[Any]) -> Any:
    """Run ``job(tick)`` with a progress bar on a terminal when the grid is large."""
    import math

    total = math.prod(len(a.values) for a in axes)
    if total < 200_000 or not sys.stderr.isatty():
        return job(None)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("sweeping", total=total)
        return job(lambda n: bar.advance(task, n))


def _check_plot_path(path: Path | None, force: bool) -> None:
    if path is None:
        return
    if path.suffix.lower() not in (".png", ".svg"):
        raise BotecInputError("--plot", str(path), "a file name ending in .png or .svg")
    if path.exists() and not force:
        raise BotecInputError("--plot", str(path), "a file that does not exist yet (or --force)")


def _save_chart(figure: Any, path: Path) -> None:
    from botec.report.plots import save_figure

    if figure is None:
        raise BotecInputError("--plot", str(path), "a sweep with a numeric axis to draw against")
    try:
        save_figure(figure, str(path))
    except OSError as exc:
        raise BotecInputError("--plot", str(path), f"a writable path ({exc.strerror})") from None
    click.echo(f"wrote {path}", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--gpu",
    "gpus",
    multiple=True,
    required=True,
    help="GPUs to compare, comma-separated or repeated: --gpu a100-80gb,h100-sxm,l4.",
)
@click.option("--budget", default=None, help="Monthly (serving) or total (training) budget, USD.")
@_sampling_options
@functools.partial(_output_options, formats=("text", "markdown", "json", "csv"))
def compare(
    file: Path,
    gpus: tuple[str, ...],
    budget: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """Rank GPUs for scenario FILE by cost, GPUs and latency; say which constraint binds."""
    from botec.analysis.compare import compare_gpus
    from botec.core.units import parse_quantity
    from botec.report.compare_view import render_compare
    from botec.scenario import load_scenario_data, scenario_from_dict

    _use_catalog(catalog_file)
    data = load_scenario_data(file)
    scenario_from_dict(data, str(file))
    names = [g.strip() for item in gpus for g in item.split(",") if g.strip()]
    limit = parse_quantity(budget, "usd", "--budget") if budget else None
    meta = click.get_current_context().meta
    options = compare_gpus(
        data, names, meta.get("botec.samples", 10_000), meta.get("botec.seed", 0), limit
    )
    _emit(render_compare(options, fmt), output, force)


@main.command()
@click.option(
    "--samples",
    type=click.IntRange(0, 100_000),
    default=2000,
    show_default=True,
    help="Monte Carlo draws per row for the p5-p95 coverage.",
)
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option(
    "--only",
    type=click.Choice(["inference", "training"]),
    default=None,
    help="One backtest (default: both).",
)
@functools.partial(_output_options, formats=("text", "markdown", "json"))
def validate(
    samples: int,
    seed: int,
    only: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """Backtest botec against the published measurements it can express (shipped with botec):
    inference (serving roofline) and training (GPU-hours, wall-clock) rows."""
    from botec.validation.backtest import render_backtest, run_inference_backtest
    from botec.validation.training import run_training_backtest

    _use_catalog(catalog_file)
    parts = {}
    if only in (None, "inference"):
        parts["inference"] = (
            run_inference_backtest(samples, seed),
            "Inference backtest: published vs botec (default assumptions)",
        )
    if only in (None, "training"):
        parts["training"] = (
            run_training_backtest(samples, seed),
            "Training backtest: published vs botec (default MFU range, no per-run tuning)",
        )
    if fmt == "json":
        import json

        body = {k: json.loads(render_backtest(bt, "json")) for k, (bt, _) in parts.items()}
        _emit(json.dumps(body, indent=2), output, force)
        return
    _emit("\n".join(render_backtest(bt, fmt, title) for bt, title in parts.values()), output, force)


@main.group()
def hardware() -> None:
    """The hardware catalog."""


@hardware.command("list")
@_output_options
def hardware_list(fmt: str, output: Path | None, force: bool, catalog_file: Path | None) -> None:
    """Every device with memory, bandwidth and dense peaks."""
    from botec.report.catalog_view import render_hardware_list

    _use_catalog(catalog_file)
    _emit(render_hardware_list(fmt), output, force)


@hardware.command("show")
@click.argument("name")
@_output_options
def hardware_show(
    name: str, fmt: str, output: Path | None, force: bool, catalog_file: Path | None
) -> None:
    """One device in full, with its sources."""
    from botec.report.catalog_view import render_hardware

    _use_catalog(catalog_file)
    _emit(render_hardware(name, fmt), output, force)


@main.group()
def examples() -> None:
    """The bundled scenarios: every worked example in the seeds."""


@examples.command("list")
@_output_options
def examples_list(fmt: str, output: Path | None, force: bool, catalog_file: Path | None) -> None:
    """Bundled scenario names and titles."""
    from botec.report.catalog_view import render_examples_list

    _emit(render_examples_list(fmt), output, force)


@examples.command("show")
@click.argument("name")
@click.option("--source", is_flag=True, help="Print the scenario file instead of its report.")
@_uncertainty_options
@_output_options
def examples_show(
    name: str,
    source: bool,
    fmt: str,
    output: Path | None,
    force: bool,
    catalog_file: Path | None,
) -> None:
    """Run a bundled scenario (or print its file with --source)."""
    from botec.examples import example_path
    from botec.report import render
    from botec.scenario import load_scenario

    path = example_path(name)
    if source:
        _emit(path.read_text(encoding="utf-8"), output, force)
        return
    _use_catalog(catalog_file)
    click.get_current_context().meta["botec.force"] = force
    _emit(render(_evaluate(load_scenario(path)), fmt), output, force)


if __name__ == "__main__":  # pragma: no cover
    main()
