"""The [cpu_serving] stage: a small model served on CPU cores (seed 002's fraud example)."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.estimators import cost, cpu_serving, verdicts
from botec.estimators._constants import hours_per_month
from botec.scenario import Scenario
from botec.stages.context import Context


def run_cpu_serving(ctx: Context, scn: Scenario) -> None:
    c = scn.cpu_serving
    assert c is not None
    sheet = ctx.sheet
    if ctx.peak_rps is None:
        raise BotecInputError("users", "missing", "a [users] section to size CPU serving for")
    cores, machines = cpu_serving.cpu_serving(
        sheet,
        ctx.peak_rps,
        sheet.input(
            "latency_per_request", c.latency_per_request, "s/req", "Model latency per request"
        ),
        sheet.input("headroom_factor", c.headroom_factor, "x", "Headroom factor", "scenario"),
        sheet.input("cores_per_machine", c.cores_per_machine, "cores/machine", "Cores per machine"),
        sheet.input(
            "min_machines", c.min_machines, "machines", "Minimum machines (redundancy)", "scenario"
        ),
    )
    verdicts.cpu_served(sheet, cores, machines)
    if c.usd_per_machine_hour is not None:  # priced whenever a price is given ([cost] totals)
        price = sheet.input(
            "usd_per_machine_hour", c.usd_per_machine_hour, "USD/h", "Price per machine-hour"
        )
        ctx.monthly_costs.append(
            cost.fleet_cost(
                sheet,
                machines,
                price,
                hours_per_month(sheet),
                "cpu_serving_cost_per_month",
                "CPU serving cost per month",
            )
        )
