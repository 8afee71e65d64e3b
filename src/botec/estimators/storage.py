"""Storage: user data, interaction logs with index overhead, training data, object-storage cost."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import bytes_per_gb, days_per_month

MODEL_STORAGE = Formula(
    "model_storage",
    "weights_memory",
    "B",
    "Model storage",
    "The weights stored as one file: the same bytes as in memory (SmartPal's 'Model Storage').",
    headline=True,
)
USER_PROFILES = Formula(
    "user_profile_storage", "users * profile_bytes", "B", "User profile storage", headline=True
)
INTERACTIONS_RAW = Formula(
    "interaction_storage_raw_per_day",
    "daily_active_users * interactions_per_user_per_day * bytes_per_interaction",
    "B/day",
    "Interaction data per day (raw)",
)
INTERACTIONS = Formula(
    "interaction_storage_per_day",
    "interaction_storage_raw_per_day * (1 + index_overhead)",
    "B/day",
    "Interaction data per day (with indexes)",
    "Indexes and metadata add a fraction on top of the raw records.",
    headline=True,
)
MONTHLY = Formula(
    "monthly_storage",
    "interaction_storage_per_day * days_per_month",
    "B/month",
    "New interaction storage per month",
    headline=True,
)
HELD = Formula(
    "interaction_storage_held",
    "monthly_storage * storage_months",
    "B",
    "Interaction data held",
    "Object storage bills the bytes held each month: the months of interactions kept so far, "
    "a bill that grows as they accumulate.",
)
EVENTS_PER_DAY = Formula(
    "events_per_day", "daily_active_users * events_per_user_per_day", "events/day", "Events per day"
)
RAW_PER_DAY = Formula(
    "raw_bytes_per_day", "events_per_day * bytes_per_event", "B/day", "Raw event data per day"
)
RETAINED_RAW = Formula(
    "raw_retained_bytes", "raw_bytes_per_day * retention_days", "B", "Raw data over the retention"
)
RETAINED_COMPRESSED = Formula(
    "compressed_retained_bytes",
    "raw_retained_bytes / compression_ratio",
    "B",
    "Compressed training data",
    "Columnar formats (Parquet + Snappy) typically compress event logs 4-5× (seed 002).",
    headline=True,
)
OBJECT_STORAGE_COST = Formula(
    "object_storage_cost_per_month",
    "stored_bytes / bytes_per_gb * usd_per_gb_month",
    "USD/month",
    "Object storage cost per month",
    headline=True,
)


def model_storage(sheet: Sheet, weights: Value) -> Value:
    return sheet.step(MODEL_STORAGE, weights_memory=weights)


def user_profiles(sheet: Sheet, users: Value, profile_bytes: Value) -> Value:
    return sheet.step(USER_PROFILES, users=users, profile_bytes=profile_bytes)


def interactions(
    sheet: Sheet, dau: Value, per_user: Value, size: Value, index_overhead: Value
) -> tuple[Value, Value]:
    """Interaction data per day with its index overhead, and a month's worth."""
    raw = sheet.step(
        INTERACTIONS_RAW,
        daily_active_users=dau,
        interactions_per_user_per_day=per_user,
        bytes_per_interaction=size,
    )
    daily = sheet.step(
        INTERACTIONS, interaction_storage_raw_per_day=raw, index_overhead=index_overhead
    )
    monthly = sheet.step(
        MONTHLY, interaction_storage_per_day=daily, days_per_month=days_per_month(sheet)
    )
    return daily, monthly


def interactions_held(sheet: Sheet, monthly: Value, months: Value) -> Value:
    return sheet.step(HELD, monthly_storage=monthly, storage_months=months)


def training_data(
    sheet: Sheet,
    dau: Value,
    events_per_user: Value,
    bytes_per_event: Value,
    retention_days: Value,
    compression_ratio: Value,
) -> Value:
    """Compressed bytes kept for the retention window."""
    events = sheet.step(
        EVENTS_PER_DAY, daily_active_users=dau, events_per_user_per_day=events_per_user
    )
    raw = sheet.step(RAW_PER_DAY, events_per_day=events, bytes_per_event=bytes_per_event)
    kept = sheet.step(RETAINED_RAW, raw_bytes_per_day=raw, retention_days=retention_days)
    return sheet.step(
        RETAINED_COMPRESSED, raw_retained_bytes=kept, compression_ratio=compression_ratio
    )


def object_storage_cost(
    sheet: Sheet, stored: Value, usd_per_gb_month: Value, name: str = "", title: str = ""
) -> Value:
    return sheet.step(
        OBJECT_STORAGE_COST,
        name=name,
        title=title,
        stored_bytes=stored,
        bytes_per_gb=bytes_per_gb(sheet),
        usd_per_gb_month=usd_per_gb_month,
    )
