"""The [training] stage's budget: the verdict, what a budget buys, the levers when over it, and
the compute-optimal size by Chinchilla's fitted law."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.core.units import format_quantity
from botec.estimators import training, verdicts
from botec.estimators.training_budget import chinchilla_count_unit
from botec.scenario import TrainingSection

# Chinchilla's fitted loss L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, Approach 3, eq. 10)
CHINCHILLA_FIT = {"alpha": 0.3392, "beta": 0.2849, "a": 406.4, "b": 410.7}


def fitted_law(sheet: Sheet, flops: Value, what: str) -> None:
    """The compute-optimal parameters and tokens for ``flops`` by Chinchilla's fitted law."""
    c = {
        k: sheet.constant(
            f"chinchilla_{k}",
            v,
            "",
            f"Chinchilla fit {k}",
            "Hoffmann et al. 2022, Approach 3 (eq. 10): E = 1.69, A = 406.4, B = 410.7, "
            "α = 0.3392, β = 0.2849",
        )
        for k, v in CHINCHILLA_FIT.items()
    }
    g = sheet.steps.get("chinchilla_g") or sheet.step(
        training.CHINCHILLA_G,
        chinchilla_alpha=c["alpha"],
        chinchilla_beta=c["beta"],
        chinchilla_a=c["a"],
        chinchilla_b=c["b"],
    )
    six = training.flop_per_param_per_token(sheet)
    prefix = "budget_" if what == "for the budget" else ""
    n = sheet.step(
        training.FITTED_OPTIMAL_PARAMS,
        name=f"{prefix}fitted_optimal_params",
        title=f"Compute-optimal size by the fitted law ({what})",
        chinchilla_g=g,
        total_flops=flops,
        flop_per_param_per_token=six,
        chinchilla_count_unit=chinchilla_count_unit(sheet),
        chinchilla_alpha=c["alpha"],
        chinchilla_beta=c["beta"],
    )
    sheet.step(
        training.FITTED_OPTIMAL_TOKENS,
        name=f"{prefix}fitted_optimal_tokens",
        title=f"Its tokens by the fitted law ({what})",
        total_flops=flops,
        flop_per_param_per_token=six,
        fitted_optimal_params=n,
    )


def budget_verdict(sheet: Sheet, t: TrainingSection, run: training.TrainingResult) -> Value | None:
    """Cost ÷ budget (or GPU-hours ÷ budget) with the seeds' order-of-magnitude verdict."""
    ratio = None
    if t.budget is not None and run.cost is not None:
        budget = sheet.input("budget", t.budget, "USD", "Budget")
        ratio = training.budget_check(sheet, run.cost, budget)
        verdicts.budget(sheet, ratio)
    if t.budget_gpu_hours is not None:
        hours = sheet.input("budget_gpu_hours", t.budget_gpu_hours, "GPU-h", "Budget in GPU-hours")
        ratio = sheet.step(
            training.GPU_HOURS_RATIO, gpu_hours=run.gpu_hours, budget_gpu_hours=hours
        )
        verdicts.budget(sheet, ratio)
    return ratio


def budget_buys(
    sheet: Sheet,
    t: TrainingSection,
    price: Value | None,
    peak: Value,
    mfu: Value,
    params: Value,
    run: training.TrainingResult | None,
    tokens: Value | None,
) -> dict[str, Value] | None:
    """What a dollar budget (at the price) or a GPU-hour budget trains."""
    if t.budget is not None and price is not None and _lowest(price) <= 0:
        raise BotecInputError(
            "training.usd_per_gpu_hour", format_quantity(_lowest(price), "USD/h"),
            "a price above $0/h beside a budget: the budget buys budget ÷ price GPU-hours "
            "(leave the budget out to cost the run at $0)",
        )  # fmt: skip
    if t.budget is not None and price is not None:
        budget = sheet.input("budget", t.budget, "USD", "Budget")
        buys = training.what_budget_buys(sheet, budget, price, peak, mfu, params, run, tokens)
    elif t.budget_gpu_hours is not None:
        hours = sheet.input("budget_gpu_hours", t.budget_gpu_hours, "GPU-h", "Budget in GPU-hours")
        buys = training.what_budget_buys(sheet, hours, None, peak, mfu, params, run, tokens)
    else:
        return None
    if t.finetune == "full":
        fitted_law(sheet, buys["affordable_flops"], "for the budget")
        if "total_params" in sheet.inputs:
            sheet.note(
                "warn",
                "The compute-optimal sizes for the budget are dense-model laws at this mixture "
                "of experts' MFU; a dense model runs at the dense sustained MFU (÷ the MoE share), "
                "so it could afford more FLOPs and about 1/√share times the parameters.",
            )
    return buys


def over_budget_advice(
    sheet: Sheet,
    ratio: Value,
    buys: dict[str, Value],
    run: training.TrainingResult,
    tokens: Value,
    gpus: Value,
    finetune: bool = False,
) -> None:
    """Over budget: the levers, each with the number it gives (the seed's 'what to change')."""
    if ratio.median() <= 1:  # the median, as the verdict judges it
        return
    levers = [
        f"fewer tokens: this model on {buys['affordable_tokens'].formatted()} instead of "
        f"{tokens.formatted()}"
    ]
    if not finetune:  # a compute-optimal size is a pretraining answer
        levers.append(
            f"a smaller model: about {buys['compute_optimal_params'].formatted()} on "
            f"{buys['compute_optimal_tokens'].formatted()} is compute-optimal for the budget"
        )
    spot = sheet.steps.get("spot_cost")
    if spot is not None and "budget" in sheet.inputs:
        spot_ratio = sheet.step(
            training.SPOT_BUDGET_RATIO, spot_cost=spot, budget=sheet.inputs["budget"]
        )
        levers.append(
            f"spot capacity: {spot.formatted()}, {spot_ratio.formatted()} the budget, if the job "
            "checkpoints often and survives reclaims (reserved pricing sits between)"
        )
    levers.append(
        "higher MFU: the bill scales as 1/MFU, so profiling and fusing kernels before the run "
        "is the cheapest lever"
    )
    levers.append(
        f"more time does not lower the bill (the same GPU-hours on fewer GPUs, longer than the "
        f"{run.wall_clock.formatted()} on {gpus.formatted()}); it helps only where the limit is "
        "GPUs you can get or a monthly allocation"
    )
    sheet.note("info", "What to change: " + "; ".join(levers) + ".")


def _lowest(value: Value) -> float:
    """The smallest draw of a value (the value itself when nothing varies)."""
    return float(value.samples.min()) if value.varies else float(value)
