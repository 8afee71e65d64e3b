"""Training against a budget: the cost and GPU-hour verdicts, Chinchilla's compute-optimal sizing
(20 tokens per parameter, and the fitted law), and what a budget buys."""

from __future__ import annotations

from typing import Protocol

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import seconds_per_hour
from botec.estimators.training_rules import flop_per_param_per_token, tokens_per_param

FITTED_OPTIMAL_PARAMS = Formula(
    "fitted_optimal_params",
    "chinchilla_g * (total_flops / (flop_per_param_per_token * chinchilla_count_unit)) "
    "** (chinchilla_beta / (chinchilla_alpha + chinchilla_beta))",
    "params",
    "Compute-optimal size by Chinchilla's fitted law",
    "Hoffmann et al. 2022, Approach 3: L(N, D) = E + A/N^α + B/D^β minimised under C = 6·N·D "
    "gives N_opt = G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)); 40B for Gopher's 5.76e23 FLOP. "
    "The fit counts N·D = C/6 in parameter-tokens, so the power applies to that count.",
)
FITTED_OPTIMAL_TOKENS = Formula(
    "fitted_optimal_tokens",
    "total_flops / (flop_per_param_per_token * fitted_optimal_params)",
    "tokens",
    "Its compute-optimal token count (fitted law)",
)
CHINCHILLA_G = Formula(
    "chinchilla_g",
    "(chinchilla_alpha * chinchilla_a / (chinchilla_beta * chinchilla_b)) "
    "** (1 / (chinchilla_alpha + chinchilla_beta))",
    "",
    "Chinchilla's G = (αA/(βB))^(1/(α+β))",
)
SPOT_BUDGET_RATIO = Formula(
    "spot_budget_ratio",
    "spot_cost / budget",
    "x",
    "Spot cost ÷ budget",
    "Below 1: the run fits the budget on spot capacity.",
)
CHINCHILLA_TOKENS = Formula(
    "chinchilla_tokens",
    "tokens_per_param * params",
    "tokens",
    "Chinchilla-optimal tokens",
    "Hoffmann et al. 2022: compute-optimal training uses about 20 tokens per parameter.",
    headline=True,
)
BUDGET_RATIO = Formula(
    "budget_ratio",
    "cost / budget",
    "x",
    "Cost ÷ budget",
    "Above 1: the budget is too small.",
    headline=True,
)
GPU_HOURS_RATIO = Formula(
    "gpu_hours_budget_ratio",
    "gpu_hours / budget_gpu_hours",
    "x",
    "GPU-hours ÷ GPU-hour budget",
    "Above 1: the allocation is too small.",
    headline=True,
)
AFFORDABLE_GPU_HOURS = Formula(
    "affordable_gpu_hours", "budget / usd_per_gpu_hour", "GPU-h", "GPU-hours the budget buys"
)
AFFORDABLE_FLOPS = Formula(
    "affordable_flops",
    "affordable_gpu_hours * seconds_per_hour * peak_flop_per_s * mfu",
    "FLOP",
    "Training compute the budget buys",
)
OPTIMAL_PARAMS = Formula(
    "compute_optimal_params",
    "sqrt(affordable_flops / (flop_per_param_per_token * tokens_per_param))",
    "params",
    "Largest compute-optimal model for the budget",
    "Solves C = 6·N·D with D = 20·N for N.",
    headline=True,
)
OPTIMAL_TOKENS = Formula(
    "compute_optimal_tokens",
    "tokens_per_param * compute_optimal_params",
    "tokens",
    "Its compute-optimal token count",
    headline=True,
)
AFFORDABLE_TOKENS_FOR_RUN = Formula(
    "affordable_tokens",
    "tokens * affordable_flops / total_flops",
    "tokens",
    "Tokens the budget buys for this model",
    "Compute grows in proportion to tokens (attention term included), so the budget buys the "
    "planned tokens scaled by its compute over the plan's.",
    headline=True,
)
AFFORDABLE_TOKENS = Formula(
    "affordable_tokens",
    "affordable_flops / (flop_per_param_per_token * params)",
    "tokens",
    "Tokens the budget buys for this model",
    headline=True,
)


def chinchilla_count_unit(sheet: Sheet) -> Value:
    return sheet.constant(
        "chinchilla_count_unit",
        1,
        "param-tokens",
        "Unit of N·D in Chinchilla's fit (one parameter-token)",
        "Hoffmann et al. 2022 fit the loss to raw counts of parameters and tokens",
    )


class PlannedRun(Protocol):
    """What the budget reads of a planned run (a :class:`training.TrainingResult` has it)."""

    @property
    def total_flops(self) -> Value: ...


def chinchilla_tokens(sheet: Sheet, params: Value) -> Value:
    return sheet.step(CHINCHILLA_TOKENS, tokens_per_param=tokens_per_param(sheet), params=params)


def budget_check(sheet: Sheet, cost: Value, budget: Value) -> Value:
    return sheet.step(BUDGET_RATIO, cost=cost, budget=budget)


def what_budget_buys(
    sheet: Sheet,
    budget: Value,
    usd_per_gpu_hour: Value | None,
    peak_flop_per_s: Value,
    mfu: Value,
    params: Value | None,
    run: PlannedRun | None = None,
    tokens: Value | None = None,
) -> dict[str, Value]:
    """The largest compute-optimal model the budget trains, and tokens for the given model.

    ``budget`` is in USD with a price, or already in GPU-hours when ``usd_per_gpu_hour`` is None.
    With the planned ``run`` and its ``tokens``, the tokens bought scale the plan's (so an
    attention term counts); otherwise they come from 6·P·D.
    """
    hours = (
        sheet.step(AFFORDABLE_GPU_HOURS, budget=budget, usd_per_gpu_hour=usd_per_gpu_hour)
        if usd_per_gpu_hour is not None
        else budget
    )
    flops = sheet.step(
        AFFORDABLE_FLOPS,
        affordable_gpu_hours=hours,
        seconds_per_hour=seconds_per_hour(sheet),
        peak_flop_per_s=peak_flop_per_s,
        mfu=mfu,
    )
    six = flop_per_param_per_token(sheet)
    twenty = tokens_per_param(sheet)
    n_opt = sheet.step(
        OPTIMAL_PARAMS,
        affordable_flops=flops,
        flop_per_param_per_token=six,
        tokens_per_param=twenty,
    )
    d_opt = sheet.step(OPTIMAL_TOKENS, tokens_per_param=twenty, compute_optimal_params=n_opt)
    out = {
        "affordable_flops": flops,
        "compute_optimal_params": n_opt,
        "compute_optimal_tokens": d_opt,
    }
    if run is not None and tokens is not None:
        out["affordable_tokens"] = sheet.step(
            AFFORDABLE_TOKENS_FOR_RUN,
            tokens=tokens,
            affordable_flops=flops,
            total_flops=run.total_flops,
        )
    elif params is not None:
        out["affordable_tokens"] = sheet.step(
            AFFORDABLE_TOKENS, affordable_flops=flops, flop_per_param_per_token=six, params=params
        )
    return out
