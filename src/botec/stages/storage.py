"""The [storage] and [training_data] stages: user profiles, interaction logs, retained training
data, and what a month of each costs in object storage."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.estimators import storage
from botec.scenario import Scenario
from botec.stages._inputs import assumed, object_price
from botec.stages.context import Context


def run_storage(ctx: Context, scn: Scenario) -> None:
    s = scn.storage
    assert s is not None
    sheet = ctx.sheet
    users_count = s.users or (scn.users.daily_active_users if scn.users else None)
    if s.user_profile_size is not None:
        if users_count is None:
            raise BotecInputError("storage.users", "missing", "how many users have a profile")
        users = sheet.input("users", users_count, "users", "Users with a profile")
        size = sheet.input("profile_bytes", s.user_profile_size, "B", "Bytes per user profile")
        profiles = storage.user_profiles(sheet, users, size)
        if scn.cost:  # the profiles are stored too: a total without them is no total
            ctx.monthly_costs.append(
                storage.object_storage_cost(
                    sheet,
                    profiles,
                    object_price(ctx, scn.cost.object_storage_usd_per_gb_month),
                    name="profile_storage_cost_per_month",
                    title="Storage cost of the user profiles (at the object-storage rate)",
                )
            )
    if s.interaction_size is None:
        return
    if ctx.dau is None:
        raise BotecInputError("users.daily_active_users", "missing", "DAU for interaction data")
    per_user_value = s.interactions_per_user_per_day or (
        scn.users.requests_per_user_per_day if scn.users else None
    )
    if per_user_value is None:
        raise BotecInputError("storage.interactions_per_user_per_day", "missing", "a count")
    per_user = sheet.input(
        "interactions_per_user_per_day",
        per_user_value,
        "interactions/user/day",
        "Interactions per user per day",
    )
    size = sheet.input("bytes_per_interaction", s.interaction_size, "B", "Bytes per interaction")
    overhead = assumed(ctx, "index_overhead", s.index_overhead, "fraction", "Index overhead")
    _daily, monthly = storage.interactions(sheet, ctx.dau, per_user, size, overhead)
    if scn.cost:
        price = object_price(ctx, scn.cost.object_storage_usd_per_gb_month)
        months = sheet.input(
            "storage_months",
            scn.cost.storage_months,
            "month",
            "Months of interactions held",
            "scenario"
            if "storage_months" in scn.cost.model_fields_set
            else "default: one month (the first month's bill)",
        )
        ctx.monthly_costs.append(
            storage.object_storage_cost(
                sheet,
                storage.interactions_held(sheet, monthly, months),
                price,
                name="interaction_storage_cost_per_month",
                title="Storage cost of the interactions held",
            )
        )


def run_training_data(ctx: Context, scn: Scenario) -> None:
    t = scn.training_data
    assert t is not None
    sheet = ctx.sheet
    dau = sheet.input(
        "training_data_users", t.daily_active_users, "users", "Users generating events"
    )
    kept = storage.training_data(
        sheet,
        dau,
        sheet.input("events_per_user_per_day", t.events_per_user_per_day, "events/user/day"),
        sheet.input("bytes_per_event", t.bytes_per_event, "B", "Bytes per event"),
        sheet.input("retention_days", t.retention_days, "days", "Retention"),
        assumed(ctx, "compression_ratio", t.compression_ratio, "x", "Compression ratio"),
    )
    if scn.cost:
        price = object_price(ctx, scn.cost.object_storage_usd_per_gb_month)
        ctx.monthly_costs.append(storage.object_storage_cost(sheet, kept, price))
