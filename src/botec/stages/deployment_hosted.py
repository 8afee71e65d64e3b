"""A hosted API beside the [deployment] day: the day's requests priced per token (the scenario's
prices, a named catalog entry, or the cheapest entry for the served model), and the traffic above
which the always-on minimum fleet beats it."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.estimators import deployment as dp
from botec.scenario.workloads import DeploymentSection
from botec.stages.context import Context

FIELD = "deployment"


def hosted_api(
    ctx: Context, sec: DeploymentSection, model: str, price: Value, hours_per_day: Value
) -> Value | None:
    """The day's requests on a hosted API priced per token, and the break-even traffic above
    which the always-on minimum fleet beats it; None without a price for the model."""
    prices = _hosted_prices(ctx, sec, model)
    if prices is None:
        return None
    sheet = ctx.sheet
    tokens = {"input_tokens": sheet.inputs["input_tokens"],
              "output_tokens": sheet.inputs["output_tokens"]}  # fmt: skip
    per_mtoken = sheet.steps["tokens_per_mtoken"] if "tokens_per_mtoken" in sheet.steps else (
        sheet.inputs["tokens_per_mtoken"])  # fmt: skip
    cost = sheet.step(
        dp.HOSTED_COST, requests_per_day=sheet.steps["requests_per_day"], **tokens, **prices,
        tokens_per_mtoken=per_mtoken,
    )  # fmt: skip
    sheet.step(dp.HOSTED_PER_MTOKEN, **tokens, **prices)
    sheet.step(
        dp.HOSTED_BREAK_EVEN, min_replicas=sheet.inputs["always_on_replicas"],
        tensor_parallel=sheet.inputs["tensor_parallel"],
        hours_per_day=hours_per_day, usd_per_gpu_hour=price, tokens_per_mtoken=per_mtoken,
        **tokens, **prices,
    )  # fmt: skip
    return cost


def _hosted_prices(ctx: Context, sec: DeploymentSection, model: str) -> dict[str, Value] | None:
    """The API's prices per million input and output tokens: the scenario's, the named catalog
    entry's, or the cheapest entry for the model (for this request's mix of tokens)."""
    sheet, given = ctx.sheet, (sec.hosted_usd_per_million_input_tokens,
                               sec.hosted_usd_per_million_output_tokens)  # fmt: skip
    if sec.hosted_api == "none":
        if any(g is not None for g in given):
            raise BotecInputError(
                f"{FIELD}.hosted_api", "none",
                "an API to compare (or leave out the hosted_usd_per_million_* prices)",
            )  # fmt: skip
        return None
    names = ("hosted_usd_per_million_input_tokens", "hosted_usd_per_million_output_tokens")
    if any(g is not None for g in given):
        missing = [n for n, g in zip(names, given, strict=True) if g is None]
        if missing:
            raise BotecInputError(
                f"{FIELD}.{missing[0]}", "missing",
                "both API prices, per million input and output tokens",
            )  # fmt: skip
        label = sec.hosted_api or "your hosted API"
        return {n: sheet.input(n, g, "USD/Mtoken", f"{label}: {n.split('_', 5)[-1]}", "scenario")
                for n, g in zip(names, given, strict=True)}  # fmt: skip
    entry = _hosted_entry(ctx, sec, model)
    if entry is None:
        return None
    cite = f"catalog: {entry.name}, {entry.as_of}: {entry.source}"
    return {
        n: sheet.input(n, entry.get(n.removeprefix("hosted_")), "USD/Mtoken",
                       f"{entry.name}: price per million {kind} tokens", cite)
        for n, kind in zip(names, ("input", "output"), strict=True)
    }  # fmt: skip


def _hosted_entry(ctx: Context, sec: DeploymentSection, model: str) -> Any:
    if sec.hosted_api:
        entry = ctx.catalog.price("hosted_api", sec.hosted_api, f"{FIELD}.hosted_api")
        served = sec.hosted_api.partition("@")[0]
        if model and served != model:  # another model's price: the comparison says so
            ctx.sheet.note(
                "warn",
                f"The hosted API named ({entry.name}) serves {served}, not {model}: its price "
                "per token is another model's, so the comparison with your fleet is not like for "
                "like.",
                verdict=True,
            )
        return entry
    listed = [
        ctx.catalog.price("hosted_api", key)
        for key in ctx.catalog.price_names("hosted_api")
        if model and key.partition("@")[0] == model
    ]
    if not listed:
        return None
    tokens = {k: float(ctx.sheet.inputs[k]) for k in ("input_tokens", "output_tokens")}

    def per_mtoken(entry: Any) -> float:  # the price at this request's mix, as the report shows
        return float(dp.HOSTED_PER_MTOKEN.parsed.evaluate({
            **tokens,
            "hosted_usd_per_million_input_tokens": entry.get("usd_per_million_input_tokens"),
            "hosted_usd_per_million_output_tokens": entry.get("usd_per_million_output_tokens"),
        }))  # fmt: skip

    return min(listed, key=per_mtoken)
