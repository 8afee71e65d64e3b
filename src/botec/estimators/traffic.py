"""Users -> requests: daily volume, average and peak requests per second, tokens per second."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import seconds_per_day

DAILY_ACTIVE_USERS = Formula(
    "daily_active_users",
    "monthly_active_users * dau_fraction",
    "users",
    "Daily active users",
    "Only a fraction of monthly users show up on a given day (DAU/MAU).",
)
DAILY_REQUESTS = Formula(
    "daily_requests",
    "daily_active_users * requests_per_user_per_day",
    "req/day",
    "Requests per day",
)
DAILY_REQUESTS_FROM_RATE = Formula(
    "daily_requests",
    "total_requests_per_second * seconds_per_day",
    "req/day",
    "Requests per day",
    "A stated average rate over a whole day.",
)
AVERAGE_RPS = Formula(
    "total_requests_per_second",
    "daily_requests / seconds_per_day",
    "req/s",
    "Average requests per second",
    "Spreads the day's requests evenly over 86,400 s: the average, not what to size for.",
    headline=True,
)
PEAK_RPS = Formula(
    "peak_requests_per_second",
    "total_requests_per_second * peak_factor",
    "req/s",
    "Peak requests per second",
    "Size for peak: rule of thumb 3× consumer, 5× payments, 10× advertising (seed 002).",
    headline=True,
)
TOKENS_PER_SECOND = Formula(
    "output_tokens_per_second",
    "requests_per_second * output_tokens_per_request",
    "token/s",
    "Output tokens per second",
)


def daily_active_users(sheet: Sheet, monthly_active_users: Value, dau_fraction: Value) -> Value:
    return sheet.step(
        DAILY_ACTIVE_USERS, monthly_active_users=monthly_active_users, dau_fraction=dau_fraction
    )


def request_rates(
    sheet: Sheet, daily_active_users: Value, requests_per_user_per_day: Value, peak_factor: Value
) -> tuple[Value, Value]:
    """Average and peak requests per second for a user base."""
    daily = sheet.step(
        DAILY_REQUESTS,
        daily_active_users=daily_active_users,
        requests_per_user_per_day=requests_per_user_per_day,
    )
    average = sheet.step(AVERAGE_RPS, daily_requests=daily, seconds_per_day=seconds_per_day(sheet))
    peak = sheet.step(PEAK_RPS, total_requests_per_second=average, peak_factor=peak_factor)
    return average, peak


def tokens_per_second(
    sheet: Sheet, requests_per_second: Value, output_tokens_per_request: Value, name: str
) -> Value:
    return sheet.step(
        TOKENS_PER_SECOND,
        name=name,
        title=f"Output tokens per second ({'peak' if 'peak' in name else 'average'})",
        requests_per_second=requests_per_second,
        output_tokens_per_request=output_tokens_per_request,
    )
