"""The [serving_plan] stage's recorded formulas: the plan for one serving configuration
(prefill share, request lifetime, latency percentiles, replicas, GPUs and cost), and the seeds'
two one-line methods beside it with the reason they differ."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Sheet, Value
from botec.core.units import MONTH, format_quantity
from botec.estimators import inference as inf
from botec.estimators import serving_plan as sp
from botec.estimators._constants import hours_per_month, seconds_per_hour
from botec.estimators.inference import decode_tokens_per_step
from botec.estimators.serving_counts import sequences_per_request
from botec.stages._inputs import assumed
from botec.stages.context import Context


def plan_steps(
    sheet: Sheet,
    served: dict[str, Any],
    peak_rps: Value,
    average_rps: Value,
    price: Value,
    chunk_tokens: float,
    headroom: tuple[Value, Value],
) -> dict[str, Value]:
    """Record the plan's formulas for the serving configuration ``served`` (run_serving's);
    ``headroom``: the target utilisation at peak and the spare replicas."""
    step = sheet.step
    gpu_time = step(
        sp.PREFILL_GPU_TIME,
        prefill_roofline_time=served["prefill_roofline_time"],
        prefill_sync_time=served["prefill_sync_time"],
    )
    batch, decode = served["batch"], served["decode_step_time"]
    per_step, one = decode_tokens_per_step(sheet), inf.single_sequence(sheet)
    life = step(
        sp.REQUEST_LIFETIME,
        output_tokens=served["output_tokens_per_sequence"],
        decode_tokens_per_step=per_step,
        decode_step_time=decode,
        batch=batch,
        single_sequence=one,
        prefill_gpu_time=gpu_time,
    )
    share = step(
        sp.PREFILL_SHARE,
        batch=batch,
        single_sequence=one,
        prefill_gpu_time=gpu_time,
        request_lifetime=life,
    )
    rate = step(
        sp.REPLICA_RATE,
        batch=batch,
        request_lifetime=life,
        sequences_per_request=sequences_per_request(sheet),
    )
    chunk = _prefill_chunk(sheet, served, chunk_tokens)
    r = _latencies(sheet, served, gpu_time, life, share, chunk)
    r["replica_request_rate"] = rate
    r.update(_fleet(sheet, served, (peak_rps, average_rps), price, rate, headroom))
    return r


def headroom_inputs(ctx: Context, target: float | None, spare: int) -> tuple[Value, Value]:
    """The target utilisation at peak (the scenario's, else the catalog's rule of thumb) and the
    spare replicas (N+1 redundancy is 1)."""
    return (
        assumed(ctx, "target_utilization", target, "fraction", "Target utilisation at peak"),
        ctx.sheet.input(
            "spare_replicas",
            spare,
            "replicas",
            "Spare replicas (redundancy)",
            "scenario" if spare else "default: none (1 gives N+1)",
        ),
    )


def _prefill_chunk(sheet: Sheet, served: dict[str, Any], chunk_tokens: float) -> Value:
    """The prompt tokens prefilled per step: the chunk, or the whole prompt when unchunked."""
    return sheet.input(
        "prefill_chunk_tokens",
        chunk_tokens or served["input_tokens_per_sequence"].value,
        "tokens/sequence",
        "Prefill chunk per step" if chunk_tokens else "Prefill chunk per step (unchunked)",
        "the plan's search over 256-8,192 tokens and none (the largest that meets the targets), "
        "or the scenario's prefill_chunk_tokens (0: no chunking)",
    )


def _latencies(
    sheet: Sheet,
    served: dict[str, Any],
    gpu_time: Value,
    life: Value,
    share: Value,
    chunk: Value,
) -> dict[str, Value]:
    """TTFT and TPOT at p50 and p99 under continuous batching (and the values they are made
    of, so a planner can try other prefill chunks through the same formulas)."""
    step = sheet.step
    ttft, decode = served["time_to_first_token"], served["decode_step_time"]
    parts = {
        "time_to_first_token": ttft,
        "decode_step_time": decode,
        "prefill_gpu_time": gpu_time,
        "prefill_share": share,
        "prefill_chunk_tokens": chunk,
        "input_tokens": served["input_tokens_per_sequence"],
    }
    typical = step(
        sp.TPOT_P50,
        request_lifetime=life,
        output_tokens=served["output_tokens_per_sequence"],
        decode_tokens_per_step=decode_tokens_per_step(sheet),
    )
    return parts | {
        "ttft_p50": step(sp.TTFT_P50, **parts),
        "ttft_p99": step(sp.TTFT_P99, **parts),
        "tpot_p50": typical,
        "tpot_p99": step(
            sp.TPOT_P99,
            tpot_p50=typical,
            decode_step_time=decode,
            prefill_gpu_time=gpu_time,
            prefill_chunk_tokens=chunk,
            input_tokens=served["input_tokens_per_sequence"],
        ),
    }


def _fleet(
    sheet: Sheet,
    served: dict[str, Any],
    traffic: tuple[Value, Value],
    price: Value,
    rate: Value,
    headroom: tuple[Value, Value],
) -> dict[str, Value]:
    """Replicas and GPUs for the peak (``traffic``: peak and average requests per second) with
    ``headroom``, the fleet's load, and what it costs a month and per million output tokens."""
    step = sheet.step
    peak_rps, average_rps = traffic
    replicas = step(
        sp.REPLICAS,
        peak_requests_per_second=peak_rps,
        replica_request_rate=rate,
        target_utilization=headroom[0],
        spare_replicas=headroom[1],
    )
    gpus = step(sp.SERVING_GPUS, replicas=replicas, tensor_parallel=served["tensor_parallel"])
    load = step(
        sp.FLEET_LOAD,
        total_requests_per_second=average_rps,
        replicas=replicas,
        replica_request_rate=rate,
    )
    monthly = step(
        sp.MONTHLY_COST,
        serving_gpus=gpus,
        usd_per_gpu_hour=price,
        hours_per_month=hours_per_month(sheet),
    )
    _per_token(sheet, served, (average_rps, rate, load), price, monthly)
    return {"replicas": replicas, "serving_gpus": gpus, "serving_cost_per_month": monthly}


def _per_token(
    sheet: Sheet,
    served: dict[str, Any],
    rates: tuple[Value, Value, Value],
    price: Value,
    monthly: Value,
) -> None:
    """What the fleet costs per million tokens: at the traffic served (output tokens), and a
    replica always busy (output, and input and output together, to set beside API prices);
    ``rates``: average requests per second, one replica's rate, the fleet's load."""
    step, out = sheet.step, served["output_tokens"]
    average_rps, rate, load = rates
    tokens = step(
        sp.OUTPUT_TOKENS_PER_MONTH,
        total_requests_per_second=average_rps,
        output_tokens=out,
        seconds_per_month=sheet.constant(
            "seconds_per_month", MONTH, "s/month", "Seconds per month", "30 days"
        ),
    )
    per_mtoken = sp.tokens_per_mtoken(sheet)
    served_cost = step(
        sp.COST_PER_MILLION,
        serving_cost_per_month=monthly,
        output_tokens_per_month=tokens,
        tokens_per_mtoken=per_mtoken,
    )
    step(
        sp.COST_PER_MILLION_FULL,
        tensor_parallel=served["tensor_parallel"],
        usd_per_gpu_hour=price,
        seconds_per_hour=seconds_per_hour(sheet),
        replica_request_rate=rate,
        output_tokens=out,
        tokens_per_mtoken=per_mtoken,
    )
    full = step(
        sp.COST_PER_MILLION_ALL_FULL,
        tensor_parallel=served["tensor_parallel"],
        usd_per_gpu_hour=price,
        seconds_per_hour=seconds_per_hour(sheet),
        replica_request_rate=rate,
        input_tokens=served["input_tokens"],
        output_tokens=out,
        tokens_per_mtoken=per_mtoken,
    )
    sheet.note(
        "info",
        f"Per million output tokens at the traffic served: {served_cost.formatted()} (a fleet "
        f"sized for peak with headroom averages {load.formatted()} of its capacity). Always "
        f"busy, it costs {full.formatted()} for tokens in and out together: the figure to "
        "set beside a hosted API's prices.",
    )


def seed_methods(sheet: Sheet, served: dict[str, Any], peak_rps: Value) -> None:
    """Seed 000's compute-bound and seed 002's memory-bound answers for the same traffic."""
    naive_compute = _seed_compute_bound(sheet, served, peak_rps)
    replicas = _seed_memory_bound(sheet, served, peak_rps)
    planned = sheet.steps["serving_gpus"].value
    sheet.note(
        "info",
        f"Seed 000's method needs {naive_compute.formatted()}: it counts only the FLOPs of the "
        "answer at 100% of peak, so it ignores that decode reads every weight for each token "
        "(memory bandwidth), the prompt's prefill, and real kernel efficiency — too few GPUs.",
    )
    sheet.note(
        "info",
        f"Seed 002's method needs {format_quantity(float(replicas.value), 'replicas')} of "
        f"{served['tensor_parallel'].formatted()}: one sequence at a time, so it ignores "
        "batching, which shares each weight read across the batch — too many. The plan needs "
        f"{format_quantity(float(planned), 'GPUs')}.",
    )


def _seed_compute_bound(sheet: Sheet, served: dict[str, Any], peak_rps: Value) -> Value:
    """Seed 000's GPU count: the answer's FLOPs at full peak, one request per GPU at a time."""
    two = inf.forward_flop_per_param_per_token(sheet)
    util = sheet.constant(
        "seed_compute_utilization", 1.0, "fraction", "Utilisation the seed assumes", "seed 000"
    )
    t = sheet.step(
        inf.COMPUTE_BOUND_TIME,
        name="seed_compute_bound_time",
        title="Seed 000: one answer, compute-bound at full peak",
        flop_per_param_per_token=two,
        params=served["params"],
        output_tokens=served["output_tokens"],
        peak_flop_per_s=served["peak_flop_per_s"],
        compute_utilization=util,
    )
    q = sheet.step(inf.QPS_PER_GPU, name="seed_compute_bound_qps", seconds_per_request=t)
    return sheet.step(
        inf.GPUS_FOR_LOAD,
        name="seed_compute_bound_gpus",
        title="Seed 000's GPU count (compute-bound)",
        requests_per_second=peak_rps,
        qps_per_gpu=q,
    )


def _seed_memory_bound(sheet: Sheet, served: dict[str, Any], peak_rps: Value) -> Value:
    """Seed 002's replica count: every weight read per token, one sequence at a time."""
    per_token = sheet.step(
        inf.MEMORY_BOUND_TIME_PER_TOKEN,
        name="seed_memory_bound_time_per_token",
        title="Seed 002: one token, memory-bound at batch 1",
        weights_memory=served["weights_memory"],
        gpus_per_replica=served["tensor_parallel"],
        memory_bandwidth=served["memory_bandwidth"],
    )
    rate = sheet.step(
        inf.TOKENS_PER_SECOND,
        name="seed_memory_bound_tokens_per_second",
        single_sequence=inf.single_sequence(sheet),
        decode_tokens_per_step=decode_tokens_per_step(sheet),
        time_per_token=per_token,
    )
    rps = sheet.step(
        inf.REQUESTS_PER_SECOND_PER_REPLICA,
        name="seed_memory_bound_requests_per_second",
        tokens_per_second=rate,
        output_tokens=served["output_tokens"],
    )
    return sheet.step(
        inf.GPUS_FOR_LOAD,
        name="seed_memory_bound_replicas",
        title="Seed 002's replica count (memory-bound, batch 1)",
        requests_per_second=peak_rps,
        qps_per_gpu=rps,
    )
