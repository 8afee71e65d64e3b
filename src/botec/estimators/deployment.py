"""A serving plan over a day: hourly autoscaling against a fleet sized for peak, and serverless
per-second billing against provisioned replicas, with the break-even traffic between them.

Autoscaling provisions each hour for the larger of its own load and the next hour's (replicas take
minutes to start, so capacity must lead the rise), never below a minimum. Serverless bills the
GPU-seconds requests use at the plan's batch, plus every cold start (the weights read from storage
and the engine's start-up) and the idle window kept warm after each burst. With requests arriving
at random (Poisson) at rate λ, a request finds the service cold when the previous one came more
than the scale-down window w before it: a share e^(-λ·w) of them.
"""

from __future__ import annotations

from botec.core.sheet import Formula

# The default day: a shape, not a measured trace. A smooth consumer day peaking at 20:00 at 3.0×
# the mean (seed 002's consumer peak factor) over a floor of 0.1×:
# w(h) = 0.1 + 0.9·(1 + cos(2π(h − 20)/24))^3.05, normalised to a mean of 1. Give your own
# hourly_profile from your traffic.
DIURNAL_PROFILE = (
    1.308, 0.808, 0.451, 0.241, 0.143, 0.108, 0.101, 0.1, 0.1, 0.1, 0.101, 0.108,
    0.143, 0.241, 0.451, 0.808, 1.308, 1.89, 2.448, 2.852, 3.0, 2.852, 2.448, 1.89,
)  # fmt: skip


def shaped_day(peak_factor: float) -> list[float]:
    """The default day reshaped to peak at ``peak_factor`` × the mean (the [users] section's):
    each hour's weight raised to the power k that makes the busiest hour peak_factor once the day
    is normalised back to a mean of 1 (k = 1 gives the default's 3.0×; k → 0 a flat day).

    >>> round(max(shaped_day(1.3)), 3), round(sum(shaped_day(1.3)) / 24, 6)
    (1.3, 1.0)
    """

    def peak(k: float) -> float:
        powered = [w**k for w in DIURNAL_PROFILE]
        return max(powered) / (sum(powered) / len(powered))

    low, high = 0.0, 1.0
    while peak(high) < peak_factor and high < 64:  # a peakier day than the default's
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if peak(middle) < peak_factor else (low, middle)
    powered = [w**high for w in DIURNAL_PROFILE]
    mean = sum(powered) / len(powered)
    return [w / mean for w in powered]


# A scale-up delay of k whole hours and a fraction f of one: through the first 1 − f of the hour
# the replicas must carry the busiest of this hour and the next k (ahead_weight); in its last f
# the hour after those too (later_weight) is within reach. The hour's replica count is the
# time-weighted mean of the two (replica-hours in the hour), so a 10-minute start-up buys the
# next hour's replicas for 10 minutes, not the whole hour.
HOURLY_REPLICAS = Formula(
    "replicas_hour",
    "(1 - lead_share) * max(min_replicas, ceil(total_requests_per_second "
    "* max(hour_weight, ahead_weight) / (replica_request_rate * target_utilization))) "
    "+ lead_share * max(min_replicas, ceil(total_requests_per_second "
    "* max(hour_weight, ahead_weight, later_weight) "
    "/ (replica_request_rate * target_utilization)))",
    "replicas",
    "Replicas this hour, on average (its load or, within the scale-up delay, a later hour's: "
    "the larger)",
)
PEAK_GPU_HOURS = Formula(
    "peak_sized_gpu_hours_per_day",
    "replicas * tensor_parallel * hours_per_day",
    "GPU-h/day",
    "GPU-hours a day, sized for peak around the clock",
    headline=True,
)
AUTOSCALED_GPU_HOURS = Formula(
    "autoscaled_gpu_hours_per_day",
    "replica_count_sum * hour_per_slot * tensor_parallel",
    "GPU-h/day",
    "GPU-hours a day, autoscaled hour by hour",
    headline=True,
)
SAVING = Formula(
    "autoscaling_saving",
    "1 - autoscaled_gpu_hours_per_day / peak_sized_gpu_hours_per_day",
    "fraction",
    "Share of the peak-sized fleet's GPU-hours autoscaling saves",
    headline=True,
)
AUTOSCALED_COST = Formula(
    "autoscaled_cost_per_day",
    "autoscaled_gpu_hours_per_day * usd_per_gpu_hour",
    "USD/day",
    "Provisioned, autoscaled: cost a day",
    headline=True,
)
REQUESTS_PER_DAY = Formula(
    "requests_per_day",
    "total_requests_per_second * seconds_per_day",
    "req/day",
    "Requests a day",
)
COLD_START = Formula(
    "cold_start_time",
    "weights_memory / weights_load_bandwidth + engine_startup_time",
    "s",
    "Cold start (read the weights from storage, start the engine)",
    headline=True,
)
COLD_SHARE = Formula(
    "cold_start_share",
    "exp(-total_requests_per_second * scale_down_window / one_request)",
    "fraction",
    "Share of requests that find the service cold at the day's mean rate (Poisson: e^(−λ·w))",
    "For a feel of the trickle; the bill is computed hour by hour, each hour at its own rate.",
)
HOURLY_SERVERLESS_SECONDS = Formula(
    "serverless_gpu_seconds_hour",
    "min(hour_seconds * tensor_parallel * max(1, total_requests_per_second * hour_weight "
    "/ (replica_request_rate * target_utilization)), "
    "hour_seconds * (total_requests_per_second * hour_weight * tensor_parallel * (max(1 / "
    "(replica_request_rate * target_utilization), end_to_end_latency / max(one_request, "
    "total_requests_per_second * hour_weight * end_to_end_latency)) "
    "+ exp(-total_requests_per_second * hour_weight * scale_down_window / one_request) "
    "* cold_start_time / one_request) "
    "+ tensor_parallel * exp(-total_requests_per_second * hour_weight * end_to_end_latency "
    "/ one_request) * (1 - exp(-total_requests_per_second * hour_weight * scale_down_window "
    "/ one_request))))",
    "s/day",
    "Serverless GPU-seconds billed in this hour of the day",
    "At this hour's rate λ: each request's GPU-seconds (alone its whole latency, or its share of "
    "a batch when requests overlap, never fuller than the replicas' target utilisation); a cold "
    "start for the share e^(−λ·w) that finds nothing warm; and after each request that ends a "
    "busy spell (none arrives during its latency, e^(−λ·latency)) the wait for the next arrival, "
    "cut at the window: λ · E[min(gap, w)] = 1 − e^(−λ·w) of each second. Never more than "
    "keeping the containers this hour's load needs (at the replicas' target utilisation, at "
    "least one) warm the whole hour: once requests come that often the service never sleeps. "
    "Hour by hour, because cold starts and idle windows fall as traffic rises: a quiet night "
    "costs more per request than the day's average rate says, and an hour without traffic "
    "costs nothing.",
)
SERVERLESS_COST = Formula(
    "serverless_cost_per_day",
    "serverless_gpu_seconds_per_day / seconds_per_hour * serverless_usd_per_gpu_hour",
    "USD/day",
    "Serverless: cost a day",
    headline=True,
)
BREAK_EVEN = Formula(
    "break_even_requests_per_day",
    "serverless_crossing_requests_per_day",
    "req/day",
    "Break-even traffic: above it the autoscaled fleet costs less than serverless",
    "Where serverless_cost_per_day and autoscaled_cost_per_day, the formulas above, are equal: "
    "solved by replaying them over traffic (cold starts, idle windows and whole replicas "
    "included), the plan's replica rate held.",
    headline=True,
)

HOSTED_COST = Formula(
    "hosted_cost_per_day",
    "requests_per_day * (input_tokens * hosted_usd_per_million_input_tokens "
    "+ output_tokens * hosted_usd_per_million_output_tokens) / tokens_per_mtoken",
    "USD/day",
    "A hosted API priced per token, per day",
    "Every request's prompt and answer tokens at the provider's list prices: no GPUs, no idle "
    "time, no cold starts (the provider carries them in its price).",
    headline=True,
)
HOSTED_BREAK_EVEN = Formula(
    "hosted_break_even_requests_per_day",
    "min_replicas * tensor_parallel * hours_per_day * usd_per_gpu_hour * tokens_per_mtoken "
    "/ (input_tokens * hosted_usd_per_million_input_tokens "
    "+ output_tokens * hosted_usd_per_million_output_tokens)",
    "req/day",
    "Traffic at which the hosted API's bill equals the always-on minimum fleet's day",
    "The minimum fleet's day over one request's API price: below it, paying per token is "
    "cheaper than keeping even one replica warm. Above it provisioning can start to pay, not "
    "surely does: the fleet grows with traffic too, and the verdict says where it does.",
)
HOSTED_PER_MTOKEN = Formula(
    "hosted_usd_per_million_tokens",
    "(input_tokens * hosted_usd_per_million_input_tokens "
    "+ output_tokens * hosted_usd_per_million_output_tokens) / (input_tokens + output_tokens)",
    "USD/Mtoken",
    "The hosted API's price per million tokens in and out, at this request's mix",
    "To set beside usd_per_million_tokens_at_full_load: when the API charges less than a replica "
    "always busy costs, no traffic makes provisioning cheaper.",
)
