"""The bandwidth stage: ingress and egress bit rates from request and response sizes, and the
egress bill."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.core.uncertain import point
from botec.estimators import network
from botec.estimators._constants import days_per_month
from botec.scenario import Scenario
from botec.stages._inputs import price
from botec.stages.context import Context


def run_bandwidth(ctx: Context, scn: Scenario) -> None:
    req = scn.requests
    assert req is not None
    sheet = ctx.sheet
    load = ctx.average_rps
    if load is None:
        raise BotecInputError("users", "missing", "a [users] section for bandwidth")
    sized_for = "average"
    if scn.users and point(scn.users.peak_factor or 3) > 1 and ctx.peak_rps is not None:
        load, sized_for = ctx.peak_rps, "peak"
    if req.request_size:
        size = sheet.input("request_bytes", req.request_size, "B/req", "Bytes per request")
        network.bandwidth(
            sheet, load, size, "ingress_bandwidth", f"Ingress bandwidth ({sized_for})"
        )
    if not req.response_size:
        return
    size = sheet.input("response_bytes", req.response_size, "B/req", "Bytes per response")
    network.bandwidth(sheet, load, size, "egress_bandwidth", f"Egress bandwidth ({sized_for})")
    if scn.cost:
        usd = price(
            ctx,
            "egress_usd_per_gb",
            scn.cost.egress_usd_per_gb,
            ("egress", "internet", "usd_per_gb"),
            "USD/GB",
            "Egress price",
        )
        ctx.monthly_costs.append(
            network.egress_cost(sheet, ctx.average_rps or load, size, days_per_month(sheet), usd)
        )
