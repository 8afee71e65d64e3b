"""The seeds' [inference] stage: GPUs for the traffic by seed 000's compute-bound method, seed
002's memory-bound method (with batching and tensor-parallel replicas), or a stated token rate;
then the GPU bill."""

from __future__ import annotations

from botec.catalog import Hardware
from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.core.uncertain import point
from botec.estimators import cost, inference, traffic, verdicts
from botec.estimators._constants import hours_per_month
from botec.scenario import InferenceSection, Scenario
from botec.stages._inputs import assumed, gpu_inputs, workspace_bytes
from botec.stages.context import Context
from botec.stages.gpu_price import check_basis, gpu_price, spot_price


def run_inference(ctx: Context, scn: Scenario, inf: InferenceSection) -> None:
    if scn.model is None or ctx.params is None or ctx.weights is None:
        raise BotecInputError("inference", "no [model] section", "a [model] with params")
    if ctx.output_tokens is None:
        raise BotecInputError("requests.output_tokens", "missing", "output tokens per request")
    gpu, peak, bandwidth, gpu_mem = gpu_inputs(
        ctx, inf.gpu, "inference.gpu", scn.model.precision, inf.peak_flops, inf.memory_bandwidth
    )
    verdicts.weights_fit(ctx.sheet, ctx.weights, gpu, workspace_bytes(ctx))
    if inf.method == "compute-bound":
        _compute_bound(ctx, scn, inf, gpu, (peak, bandwidth, gpu_mem))
    elif inf.method == "memory-bound":
        _memory_bound(ctx, inf, gpu, peak, bandwidth, gpu_mem)
    else:
        _token_rate(ctx, inf)
    gpu_cost(ctx, scn, gpu)


def _compute_bound(
    ctx: Context,
    scn: Scenario,
    inf: InferenceSection,
    gpu: Hardware,
    device: tuple[Value, Value, Value],
) -> None:
    """Seed 000: 2·P FLOPs per output token at the stated share of peak (``device``: the GPU's
    peak, bandwidth and memory as recorded)."""
    sheet = ctx.sheet
    assert ctx.params is not None and ctx.output_tokens is not None
    util = sheet.input(
        "compute_utilization",
        inf.compute_utilization,
        "fraction",
        "Share of peak used",
        "seed 000's implicit assumption: 100% of peak"
        if point(inf.compute_utilization) == 1
        else "scenario",
    )
    t = inference.compute_bound_time(sheet, ctx.params, ctx.output_tokens, device[0], util)
    qps = inference.qps_per_gpu(sheet, t)
    if ctx.peak_rps is not None:
        ctx.gpus["required"] = inference.gpus_for_load(sheet, ctx.peak_rps, qps)
    if inf.reality_check:
        from botec.stages.reality_check import run_reality_check

        with sheet.section("Reality check"):
            run_reality_check(ctx, scn, inf, qps, gpu, device)


def _memory_bound(
    ctx: Context,
    inf: InferenceSection,
    gpu: Hardware,
    peak: Value,
    bandwidth: Value,
    gpu_mem: Value,
) -> None:
    """Seed 002: one decode step reads every weight; batching shares the read."""
    sheet = ctx.sheet
    assert ctx.params is not None and ctx.weights is not None and ctx.output_tokens is not None
    per_replica = sheet.input(
        "gpus_per_replica", inf.gpus_per_replica, "GPUs", "GPUs per replica (tensor parallel)"
    )
    if inf.gpus_per_replica > 1 or ctx.weights.value > gpu.usable_bytes:
        inference.gpus_to_fit(sheet, ctx.weights, gpu_mem)
    _, rate = inference.memory_bound_decode(sheet, ctx.weights, bandwidth, per_replica)
    best_rps = inference.requests_per_replica(
        sheet,
        rate,
        ctx.output_tokens,
        "requests_per_second_per_replica",
        "Requests per second per replica (batch 1)",
    )
    # Intensity at batch 1, the case this method times; batching raises it proportionally.
    one = inference.single_sequence(sheet)
    ai, ridge = inference.intensity_and_ridge(sheet, ctx.params, one, ctx.weights, peak, bandwidth)
    verdicts.bound(sheet, ai, ridge)
    if inf.batch_size > 1:
        batch = sheet.input("batch_size", inf.batch_size, "sequences", "Batch size")
        limit = assumed(
            ctx,
            "linear_batch_limit",
            inf.linear_batch_limit,
            "sequences",
            "Batch up to which throughput grows linearly",
        )
        batched = inference.batched_tokens(sheet, rate, batch, limit)
        best_rps = inference.requests_per_replica(
            sheet,
            batched,
            ctx.output_tokens,
            "batched_requests_per_second_per_replica",
            "Requests per second per replica (batched)",
        )
    load = ctx.peak_rps
    if load is None:
        return
    if inf.gpus_per_replica > 1:
        needed = traffic.tokens_per_second(
            sheet, load, ctx.output_tokens, "peak_output_tokens_per_second"
        )
        _, total = inference.replicas_for_tokens(sheet, needed, rate, per_replica)
        ctx.gpus["required"] = total
    else:
        ctx.gpus["required"] = inference.gpus_for_load(sheet, load, best_rps)


def _token_rate(ctx: Context, inf: InferenceSection) -> None:
    """The scenario states tokens per second per GPU (a measured figure)."""
    sheet = ctx.sheet
    assert ctx.output_tokens is not None
    if inf.tokens_per_second_per_gpu is None:
        raise BotecInputError(
            "inference.tokens_per_second_per_gpu", "missing", "tokens/s one GPU produces"
        )
    if ctx.peak_rps is None or ctx.average_rps is None:
        raise BotecInputError("users", "missing", "a [users] section to size GPUs for")
    traffic.tokens_per_second(
        sheet, ctx.average_rps, ctx.output_tokens, "average_output_tokens_per_second"
    )
    needed = traffic.tokens_per_second(
        sheet, ctx.peak_rps, ctx.output_tokens, "peak_output_tokens_per_second"
    )
    per_gpu = sheet.input(
        "tokens_per_second_per_gpu",
        inf.tokens_per_second_per_gpu,
        "token/s",
        "Output tokens per second per GPU",
        "scenario",
    )
    ctx.gpus["required"] = inference.gpus_for_tokens(sheet, needed, per_gpu)
    if inf.batched_tokens_per_second_per_gpu:
        batched = sheet.input(
            "batched_tokens_per_second_per_gpu",
            inf.batched_tokens_per_second_per_gpu,
            "token/s",
            f"Output tokens per second per GPU {inf.batched_label}",
            "scenario",
        )
        ctx.gpus["batched"] = inference.gpus_for_tokens(
            sheet,
            needed,
            batched,
            name="gpus_for_tokens_batched",
            title=f"GPUs for the token rate {inf.batched_label}",
        )


def _price(ctx: Context, scn: Scenario, gpu: Hardware) -> Value | None:
    """The price per GPU-hour billed: as stated; at spot, a stated share of the stated (or the
    basis's) price, else a spot list's own rate; on demand, the GPU's price on the basis."""
    c = scn.cost
    assert c is not None
    if c.gpu_price == "spot" and c.spot_price_fraction is None:
        if c.usd_per_gpu_hour is not None:
            return ctx.sheet.input(
                "usd_per_gpu_hour", c.usd_per_gpu_hour, "USD/h", "Spot price per GPU-hour",
                "scenario",
            )  # fmt: skip
        check_basis(ctx, c.price_basis, "cost.price_basis")
        found = spot_price(ctx, gpu, c.price_basis, "usd_per_gpu_hour")
        if found is None:
            ctx.sheet.note("info", f"No spot price for {gpu.name}: give cost.usd_per_gpu_hour.")
        return found
    name = "on_demand_usd_per_gpu_hour" if c.gpu_price == "spot" else "usd_per_gpu_hour"
    paid = gpu_price(ctx, gpu, c.usd_per_gpu_hour, c.price_basis, name, "cost.price_basis")
    if paid is None or c.gpu_price != "spot":
        return paid
    share = ctx.sheet.input(
        "spot_price_fraction", c.spot_price_fraction, "fraction", "Spot price as a share",
        "scenario",
    )  # fmt: skip
    return ctx.sheet.step(
        cost.SPOT_PRICE, on_demand_usd_per_gpu_hour=paid, spot_price_fraction=share
    )


def gpu_cost(ctx: Context, scn: Scenario, gpu: Hardware) -> None:
    """The GPU bill for the count the scenario bills (on-demand or spot)."""
    if not scn.cost or not ctx.gpus:
        return
    sheet = ctx.sheet
    billed = ctx.gpus.get(scn.cost.gpus_billed) or ctx.gpus["required"]
    price = _price(ctx, scn, gpu)
    if price is None:
        return
    roofline = ctx.gpus.get("realistic")
    both = roofline is not None and billed is not roofline
    ctx.monthly_costs.append(
        cost.fleet_cost(
            sheet,
            billed,
            price,
            hours_per_month(sheet),
            "gpu_cost_per_month",
            "GPU cost per month (the seed's GPU count)" if both else "GPU cost per month",
        )
    )
    if both:
        assert roofline is not None
        ctx.roofline_gpu_cost = cost.fleet_cost(
            sheet,
            roofline,
            price,
            hours_per_month(sheet),
            "gpu_cost_per_month_roofline",
            "GPU cost per month (roofline GPU count)",
        )
