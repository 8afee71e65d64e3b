"""Inference: the seeds' two methods (compute-bound and memory-bound) and a roofline reality check.

* SmartPal (seed 000) times a whole answer as 2·P·tokens / peak FLOP/s: compute-bound, at 100%
  utilisation, as if every GPU ran a batch large enough to saturate its tensor cores.
* Seed 002 times one decode step as weights / memory bandwidth: memory-bound, batch 1.
* The roofline takes the slower of the two for a given batch, adds the KV cache the batch reads,
  the prompt's prefill compute and realistic efficiencies.
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

# -- seed 000 (SmartPal): compute-bound --------------------------------------------------------
COMPUTE_BOUND_TIME = Formula(
    "inference_time",
    "flop_per_param_per_token * params * output_tokens / (peak_flop_per_s * compute_utilization)",
    "s/req",
    "Inference time per request (compute-bound)",
    "2 FLOPs (one multiply-add) per parameter per generated token, at the stated share of peak.",
    headline=True,
)
QPS_PER_GPU = Formula(
    "qps_per_gpu", "1 / seconds_per_request", "req/s", "Requests per second per GPU", headline=True
)
GPUS_FOR_LOAD = Formula(
    "gpus_required",
    "ceil(requests_per_second / qps_per_gpu)",
    "GPUs",
    "GPUs required",
    "Rounded up: a fraction of a GPU cannot be rented.",
    headline=True,
)

# -- seed 002: memory-bound decode --------------------------------------------------------------
MEMORY_BOUND_TIME_PER_TOKEN = Formula(
    "time_per_token",
    "weights_memory / (gpus_per_replica * memory_bandwidth)",
    "s",
    "Time per output token (memory-bound, batch 1)",
    "Each decode step reads every weight once; tensor parallelism splits the read across GPUs.",
    headline=True,
)
TOKENS_PER_SECOND = Formula(
    "tokens_per_second_per_replica",
    "single_sequence * decode_tokens_per_step / time_per_token",
    "token/s",
    "Output tokens per second per replica (batch 1)",
    "A decode step gives the one sequence one token.",
)
BATCHED_TOKENS_PER_SECOND = Formula(
    "batched_tokens_per_second",
    "tokens_per_second_per_replica * min(batch_size, linear_batch_limit) / single_sequence",
    "token/s",
    "Output tokens per second with batching",
    "Seed 002 assumes throughput grows linearly with batch up to 16 and then stops; the roofline "
    "check below replaces this rule.",
)
REQUESTS_PER_SECOND_PER_REPLICA = Formula(
    "requests_per_second_per_replica",
    "tokens_per_second / output_tokens",
    "req/s",
    "Requests per second per replica",
    headline=True,
)
GPUS_TO_FIT = Formula(
    "gpus_to_fit_weights",
    "ceil(weights_memory / gpu_memory)",
    "GPUs",
    "GPUs needed just to hold the weights",
    headline=True,
)
GPUS_FOR_TOKENS = Formula(
    "gpus_for_tokens",
    "ceil(tokens_per_second_needed / tokens_per_second_per_gpu)",
    "GPUs",
    "GPUs for the token rate",
    headline=True,
)
REPLICAS = Formula(
    "replicas_for_tokens",
    "ceil(tokens_per_second_needed / tokens_per_second_per_replica)",
    "replicas",
    "Model replicas for the token rate",
    headline=True,
)
TOTAL_GPUS = Formula(
    "total_gpus", "replicas * gpus_per_replica", "GPUs", "GPUs in all replicas", headline=True
)

ARITHMETIC_INTENSITY = Formula(
    "arithmetic_intensity",
    "flop_per_param_per_token * params * batch_size * decode_tokens_per_step / weights_memory",
    "FLOP/B",
    "Decode arithmetic intensity",
    "FLOPs done per byte of weights read in one decode step; batching raises it.",
)
RIDGE_POINT = Formula(
    "ridge_point",
    "peak_flop_per_s / memory_bandwidth",
    "FLOP/B",
    "Ridge point",
    "Below this intensity the GPU waits on memory; above it, on compute.",
)

# -- roofline reality check ---------------------------------------------------------------------
PROMPT_AS_OUTPUT = Formula(
    "prompt_tokens",
    "output_tokens",
    "tokens/req",
    "Prompt tokens per request",
    "Not given: assumed as long as the answer.",
)
TOKENS_PER_GPU_NEEDED = Formula(
    "tokens_per_second_per_gpu_needed",
    "qps_per_gpu * output_tokens",
    "token/s",
    "Output tokens per second each GPU must produce",
)
BATCH_FOR_RATE = Formula(
    "batch_needed",
    "tokens_per_second_per_gpu_needed * weights_memory / memory_bandwidth / decode_tokens_per_step",
    "sequences",
    "Concurrent sequences per GPU that rate needs",
    "A decode step takes at least weights ÷ bandwidth however small the batch, so the batch must "
    "supply that many tokens per step, one per sequence. Ignores KV reads, so this is a lower "
    "bound.",
)
REQUEST_LATENCY = Formula(
    "request_latency",
    "batch_prefill_time + output_tokens / decode_tokens_per_step * batch_decode_step_time",
    "s",
    "End-to-end latency of one request at this batch (roofline)",
    "The batch's prefill, then one decode step per output token at the full batch (queueing "
    "excluded).",
    headline=True,
)
REALISTIC_QPS = Formula(
    "realistic_qps_per_gpu",
    "max_output_throughput / output_tokens",
    "req/s",
    "Requests per second per GPU (roofline)",
    "The serving roofline's output tokens per second on one GPU, over the tokens of one answer.",
    headline=True,
)


def forward_flop_per_param_per_token(sheet: Sheet) -> Value:
    return sheet.constant(
        "flop_per_param_per_token",
        2,
        "FLOP/param/token",
        "Forward FLOPs per parameter per token",
        "one multiply-add (2 FLOPs) per weight per token",
    )


def single_sequence(sheet: Sheet) -> Value:
    return sheet.constant("single_sequence", 1, "sequences", "Batch of one", "batch-1 decoding")


def decode_tokens_per_step(sheet: Sheet) -> Value:
    return sheet.constant(
        "decode_tokens_per_step",
        1,
        "tokens/sequence",
        "Tokens a decode step adds to each sequence",
        "autoregressive decoding: one token per sequence per step (no speculative decoding)",
    )


def compute_bound_time(
    sheet: Sheet, params: Value, output_tokens: Value, peak: Value, utilization: Value
) -> Value:
    return sheet.step(
        COMPUTE_BOUND_TIME,
        flop_per_param_per_token=forward_flop_per_param_per_token(sheet),
        params=params,
        output_tokens=output_tokens,
        peak_flop_per_s=peak,
        compute_utilization=utilization,
    )


def qps_per_gpu(sheet: Sheet, seconds_per_request: Value) -> Value:
    return sheet.step(QPS_PER_GPU, seconds_per_request=seconds_per_request)


def gpus_for_load(
    sheet: Sheet, requests_per_second: Value, per_gpu: Value, name: str = "", title: str = ""
) -> Value:
    return sheet.step(
        GPUS_FOR_LOAD,
        name=name,
        title=title,
        requests_per_second=requests_per_second,
        qps_per_gpu=per_gpu,
    )


def memory_bound_decode(
    sheet: Sheet, weights: Value, bandwidth: Value, gpus_per_replica: Value
) -> tuple[Value, Value]:
    """Seed 002's method: time per token = weights / bandwidth; tokens/s = its inverse."""
    step = sheet.step(
        MEMORY_BOUND_TIME_PER_TOKEN,
        weights_memory=weights,
        gpus_per_replica=gpus_per_replica,
        memory_bandwidth=bandwidth,
    )
    rate = sheet.step(
        TOKENS_PER_SECOND,
        single_sequence=single_sequence(sheet),
        decode_tokens_per_step=decode_tokens_per_step(sheet),
        time_per_token=step,
    )
    return step, rate


def intensity_and_ridge(
    sheet: Sheet, params: Value, batch: Value, weights: Value, peak: Value, bandwidth: Value
) -> tuple[Value, Value]:
    ai = sheet.step(
        ARITHMETIC_INTENSITY,
        flop_per_param_per_token=forward_flop_per_param_per_token(sheet),
        params=params,
        batch_size=batch,
        decode_tokens_per_step=decode_tokens_per_step(sheet),
        weights_memory=weights,
    )
    ridge = sheet.step(RIDGE_POINT, peak_flop_per_s=peak, memory_bandwidth=bandwidth)
    return ai, ridge


def batched_tokens(sheet: Sheet, rate: Value, batch: Value, limit: Value) -> Value:
    return sheet.step(
        BATCHED_TOKENS_PER_SECOND,
        tokens_per_second_per_replica=rate,
        batch_size=batch,
        linear_batch_limit=limit,
        single_sequence=single_sequence(sheet),
    )


def requests_per_replica(
    sheet: Sheet, tokens_per_second: Value, output_tokens: Value, name: str, title: str
) -> Value:
    return sheet.step(
        REQUESTS_PER_SECOND_PER_REPLICA,
        name=name,
        title=title,
        tokens_per_second=tokens_per_second,
        output_tokens=output_tokens,
    )


def gpus_to_fit(sheet: Sheet, weights: Value, gpu_memory: Value) -> Value:
    return sheet.step(GPUS_TO_FIT, weights_memory=weights, gpu_memory=gpu_memory)


def gpus_for_tokens(
    sheet: Sheet, needed: Value, per_gpu: Value, name: str = "", title: str = ""
) -> Value:
    return sheet.step(
        GPUS_FOR_TOKENS,
        name=name,
        title=title,
        tokens_per_second_needed=needed,
        tokens_per_second_per_gpu=per_gpu,
    )


def replicas_for_tokens(
    sheet: Sheet, needed: Value, per_replica: Value, gpus_per_replica: Value
) -> tuple[Value, Value]:
    replicas = sheet.step(
        REPLICAS, tokens_per_second_needed=needed, tokens_per_second_per_replica=per_replica
    )
    total = sheet.step(TOTAL_GPUS, replicas=replicas, gpus_per_replica=gpus_per_replica)
    return replicas, total


def batch_needed(
    sheet: Sheet, qps: Value, output_tokens: Value, weights: Value, bandwidth: Value
) -> Value:
    per_gpu = sheet.step(TOKENS_PER_GPU_NEEDED, qps_per_gpu=qps, output_tokens=output_tokens)
    return sheet.step(
        BATCH_FOR_RATE,
        tokens_per_second_per_gpu_needed=per_gpu,
        weights_memory=weights,
        memory_bandwidth=bandwidth,
        decode_tokens_per_step=decode_tokens_per_step(sheet),
    )
