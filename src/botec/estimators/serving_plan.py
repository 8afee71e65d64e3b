"""A serving fleet under continuous batching: latency at a batch, replicas, GPUs and dollars.

A replica keeps ``batch`` sequences in flight. Each decode step advances all of them by one token;
every new request also needs its prompt prefilled, and (without chunked prefill) that prefill
stalls the decode steps of everyone else. By Little's law a replica finishes ``batch`` requests per
request lifetime, and each of those brought one prefill, so

    lifetime = output_tokens × decode_step_time + batch × prefill_gpu_time

(one decode step per output token of the sequence; a batch-1 prefill for each of the batch's
sequences).

TTFT adds the wait for the GPU: half a decode step on average (a new prompt starts when the step
running now ends) plus queueing behind other prompts. Prompts arrive at random; the GPU spends
``prefill_share`` of its time prefilling, and the M/M/1 waiting-time tail
P(wait > t) = ρ·exp(−(1 − ρ)·t / s) gives the wait at quantile q as s/(1 − ρ)·ln(ρ / (1 − q)),
zero when ρ ≤ 1 − q. Exponential service is pessimistic for prompts of one length (M/D/1 waits half
as long on average); a planner should err on that side.
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

PREFILL_GPU_TIME = Formula(
    "prefill_gpu_time",
    "prefill_roofline_time + prefill_sync_time",
    "s",
    "GPU time to prefill one prompt",
    "The batch-1 prefill without the engine's fixed per-request latency (tokenising, "
    "scheduling), which delays the request but does not occupy the GPU.",
)
REQUEST_LIFETIME = Formula(
    "request_lifetime",
    "output_tokens / decode_tokens_per_step * decode_step_time "
    "+ batch / single_sequence * prefill_gpu_time",
    "s",
    "Time a request spends decoding in a full replica",
    "Its decode steps, plus the prefills of the batch requests that arrive meanwhile (Little's "
    "law: a replica holding b sequences admits b prompts per lifetime), which stall decoding.",
)
PREFILL_SHARE = Formula(
    "prefill_share",
    "batch / single_sequence * prefill_gpu_time / request_lifetime",
    "fraction",
    "Share of GPU time spent prefilling",
    "The utilisation the prompt queue sees; waits grow as 1/(1 − share).",
)
REPLICA_RATE = Formula(
    "replica_request_rate",
    "batch / (request_lifetime * sequences_per_request)",
    "req/s",
    "Requests per second one replica sustains",
    "Little's law: sequences in flight ÷ time each stays, one sequence per request.",
    headline=True,
)
TPOT_P50 = Formula(
    "tpot_p50",
    "request_lifetime / (output_tokens / decode_tokens_per_step)",
    "s",
    "Time per output token, typical (p50)",
    "The average gap between tokens: the lifetime over its decode steps, the prefills "
    "interleaved with them included.",
    headline=True,
)
TPOT_P99 = Formula(
    "tpot_p99",
    "max(tpot_p50, decode_step_time + prefill_gpu_time * min(1, prefill_chunk_tokens / "
    "input_tokens))",
    "s",
    "Time per output token, worst steps (p99)",
    "A step that carries one prefill chunk (a whole prompt without chunked prefill); a new "
    "prompt arrives every few steps at these rates, so more than 1% of steps do. Never below "
    "the typical gap: when prompts arrive faster than one per step, the worst steps carry at "
    "least the average prefill work.",
    headline=True,
)
TTFT_P50 = Formula(
    "ttft_p50",
    "time_to_first_token + decode_step_time / 2 "
    "+ (ceil(input_tokens / prefill_chunk_tokens) - 1) * decode_step_time "
    "+ prefill_gpu_time / (1 - prefill_share) * max(0, ln(prefill_share / 0.5))",
    "s",
    "Time to first token under load, typical (p50)",
    "Prefill + per-request latency, half a running decode step, a decode step for every prompt "
    "chunk after the first (chunked prefill spreads a prompt over steps that each also decode "
    "the batch), and the median queueing wait (M/M/1 tail; zero while the GPU prefills less "
    "than half the time).",
    headline=True,
)
TTFT_P99 = Formula(
    "ttft_p99",
    "time_to_first_token + decode_step_time "
    "+ (ceil(input_tokens / prefill_chunk_tokens) - 1) * decode_step_time "
    "+ prefill_gpu_time / (1 - prefill_share) * max(0, ln(prefill_share / 0.01))",
    "s",
    "Time to first token under load, tail (p99)",
    "Prefill + per-request latency, a whole running decode step, a decode step for every "
    "prompt chunk after the first, and the 99th-percentile queueing wait behind other prompts "
    "(M/M/1 tail: s/(1 − ρ)·ln(ρ/0.01)).",
    headline=True,
)
REPLICAS = Formula(
    "replicas",
    "ceil(peak_requests_per_second / (replica_request_rate * target_utilization)) + spare_replicas",
    "replicas",
    "Replicas for peak traffic",
    "Size for peak with headroom: at peak no replica carries more than the target share of what "
    "it sustains (bursts inside the peak, slow requests), plus spare replicas that cover a "
    "failed one (N+1).",
    headline=True,
)
SERVING_GPUS = Formula(
    "serving_gpus",
    "replicas * tensor_parallel",
    "GPUs",
    "GPUs in the serving fleet",
    headline=True,
)
FLEET_LOAD = Formula(
    "fleet_load",
    "total_requests_per_second / (replicas * replica_request_rate)",
    "fraction",
    "Average load on the fleet",
    "Average traffic over what the fleet sustains; the rest is the peak's headroom.",
)
MONTHLY_COST = Formula(
    "serving_cost_per_month",
    "serving_gpus * usd_per_gpu_hour * hours_per_month",
    "USD/month",
    "Serving GPUs per month",
    "Provisioned for peak around the clock (no autoscaling).",
    headline=True,
)
OUTPUT_TOKENS_PER_MONTH = Formula(
    "output_tokens_per_month",
    "total_requests_per_second * output_tokens * seconds_per_month",
    "tokens/month",
    "Output tokens served per month",
)
COST_PER_MILLION = Formula(
    "usd_per_million_output_tokens",
    "serving_cost_per_month / output_tokens_per_month * tokens_per_mtoken",
    "USD/Mtoken",
    "Cost per million output tokens",
    "The monthly bill over the tokens actually served (average traffic, not peak).",
    headline=True,
)
COST_PER_MILLION_FULL = Formula(
    "usd_per_million_output_tokens_at_full_load",
    "tensor_parallel * usd_per_gpu_hour / seconds_per_hour "
    "/ (replica_request_rate * output_tokens) * tokens_per_mtoken",
    "USD/Mtoken",
    "Cost per million output tokens at full load",
    "What a replica costs per token when it is always busy: the floor autoscaling approaches.",
)
COST_PER_MILLION_ALL_FULL = Formula(
    "usd_per_million_tokens_at_full_load",
    "tensor_parallel * usd_per_gpu_hour / seconds_per_hour "
    "/ (replica_request_rate * (input_tokens + output_tokens)) * tokens_per_mtoken",
    "USD/Mtoken",
    "Cost per million tokens in and out at full load",
    "Prompt and answer tokens together, a replica always busy: the figure to set beside a hosted "
    "API's per-token prices, which are charged at the provider's own high utilisation.",
)


def tokens_per_mtoken(sheet: Sheet) -> Value:
    return sheet.constant(
        "tokens_per_mtoken",
        1e6,
        "tokens/Mtoken",
        "Tokens per million tokens",
        "Mtoken = 10^6 tokens, the unit API prices are quoted in",
    )
