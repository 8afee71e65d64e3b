"""Bandwidth: ingress and egress bit rates for a request load, and the egress bill."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._constants import bits_per_byte, bytes_per_gb, seconds_per_day

BANDWIDTH = Formula(
    "bandwidth",
    "requests_per_second * bytes_per_message * bits_per_byte",
    "bit/s",
    "Bandwidth",
    "Network links are sold in bits per second: 8 bits per byte.",
    headline=True,
)
EGRESS_COST = Formula(
    "egress_cost_per_month",
    "requests_per_second * bytes_per_message * seconds_per_day * days_per_month / bytes_per_gb "
    "* usd_per_gb",
    "USD/month",
    "Egress cost per month",
    headline=True,
)


def bandwidth(
    sheet: Sheet, requests_per_second: Value, message_bytes: Value, name: str, title: str
) -> Value:
    return sheet.step(
        BANDWIDTH,
        name=name,
        title=title,
        requests_per_second=requests_per_second,
        bytes_per_message=message_bytes,
        bits_per_byte=bits_per_byte(sheet),
    )


def egress_cost(
    sheet: Sheet,
    requests_per_second: Value,
    message_bytes: Value,
    days_per_month: Value,
    usd_per_gb: Value,
) -> Value:
    return sheet.step(
        EGRESS_COST,
        requests_per_second=requests_per_second,
        bytes_per_message=message_bytes,
        seconds_per_day=seconds_per_day(sheet),
        days_per_month=days_per_month,
        bytes_per_gb=bytes_per_gb(sheet),
        usd_per_gb=usd_per_gb,
    )
