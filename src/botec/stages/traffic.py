"""The [users] stage: daily users (or a request rate) → average and peak requests per second."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Value
from botec.core.uncertain import point
from botec.estimators import traffic
from botec.estimators._constants import seconds_per_day
from botec.scenario import UsersSection
from botec.stages._inputs import assumed
from botec.stages.context import Context


def run_traffic(ctx: Context, users: UsersSection) -> None:
    sheet = ctx.sheet
    peak = assumed(
        ctx,
        "peak_factor",
        users.peak_factor,
        "x",
        "Peak-to-average factor",
        users.peak_factor_source or "scenario",
    )
    if users.requests_per_second is not None:
        ctx.average_rps = sheet.input(
            "total_requests_per_second",
            users.requests_per_second,
            "req/s",
            "Average requests per second",
        )
        ctx.peak_rps = sheet.step(
            traffic.PEAK_RPS, total_requests_per_second=ctx.average_rps, peak_factor=peak
        )
    else:
        ctx.dau = _daily_users(ctx, users)
        if users.requests_per_user_per_day is None:
            raise BotecInputError(
                "users.requests_per_user_per_day", "missing", "requests per user per day, e.g. 10"
            )
        per_user = sheet.input(
            "requests_per_user_per_day",
            users.requests_per_user_per_day,
            "req/user/day",
            "Requests per user per day",
        )
        ctx.average_rps, ctx.peak_rps = traffic.request_rates(sheet, ctx.dau, per_user, peak)
    if point(users.peak_factor) == 1 and users.requests_per_second is None:
        sheet.note(
            "warn",
            "Sized for the daily average (peak factor 1×). Traffic is never flat: seed 002 says "
            "size for peak, 3× for consumer products; every downstream count scales with it.",
        )


def _daily_users(ctx: Context, users: UsersSection) -> Value:
    sheet = ctx.sheet
    if users.daily_active_users is not None:
        return sheet.input(
            "daily_active_users", users.daily_active_users, "users", "Daily active users"
        )
    if users.monthly_active_users is not None:
        if users.dau_fraction is None:
            raise BotecInputError(
                "users.dau_fraction",
                "missing",
                "a DAU/MAU fraction such as 30% when only monthly_active_users is given",
            )
        mau = sheet.input(
            "monthly_active_users", users.monthly_active_users, "users", "Monthly active users"
        )
        frac = sheet.input("dau_fraction", users.dau_fraction, "fraction", "DAU / MAU")
        return traffic.daily_active_users(sheet, mau, frac)
    raise BotecInputError(
        "users",
        "no user count",
        "daily_active_users, monthly_active_users (with dau_fraction) or requests_per_second",
    )


def peak_token_rate(ctx: Context) -> None:
    """The output tokens a second the [users] peak asks for, where [requests] gives a length."""
    if ctx.peak_rps is None or ctx.output_tokens is None:
        return
    with ctx.sheet.section("Traffic"):
        traffic.tokens_per_second(
            ctx.sheet, ctx.peak_rps, ctx.output_tokens, "peak_output_tokens_per_second"
        )


def daily_requests(ctx: Context) -> Value | None:
    """[users]' requests a day (from its users, or its average rate over a day); None without a
    [users] section. A workload section with no daily volume of its own serves these."""
    if ctx.average_rps is None:
        return None
    done = ctx.sheet.steps.get("daily_requests")
    if done is not None:
        return done
    return ctx.sheet.step(
        traffic.DAILY_REQUESTS_FROM_RATE,
        total_requests_per_second=ctx.average_rps,
        seconds_per_day=seconds_per_day(ctx.sheet),
    )


def daily_volume(
    ctx: Context,
    formula: Formula,
    own: tuple[str, Any, str, str],
    each: tuple[str, Any, str, str, str],
    **constants: Value,
) -> Value | None:
    """A workload's daily volume: its section's own (``own``: name, value, unit, title), else
    the [users] requests a day times what each asks (``each``: name, value, unit, title,
    source) through ``formula``; None with neither."""
    name, value, unit, title = own
    if value is not None:
        return ctx.sheet.input(name, value, unit, title, "scenario")
    requests = daily_requests(ctx)
    if requests is None:
        return None
    per, amount, per_unit, per_title, source = each
    kind = "input" if source == "scenario" else "assumption"
    asked = ctx.sheet.input(per, amount, per_unit, per_title, source, kind)
    return ctx.sheet.step(formula, daily_requests=requests, **{per: asked}, **constants)
