"""Definitions shared by several estimators, recorded on the sheet with where they come from."""

from __future__ import annotations

from botec.core.sheet import Sheet, Value
from botec.core.units import BITS_PER_BYTE, DAY, GB, HOUR, MONTH


def seconds_per_day(sheet: Sheet) -> Value:
    return sheet.constant("seconds_per_day", DAY, "s/day", "Seconds per day", "24 × 3,600")


def seconds_per_hour(sheet: Sheet) -> Value:
    return sheet.constant("seconds_per_hour", HOUR, "s/h", "Seconds per hour", "definition")


def days_per_month(sheet: Sheet) -> Value:
    return sheet.constant(
        "days_per_month",
        MONTH / DAY,
        "days/month",
        "Days per month",
        "botec's month is 30 days, the convention both seeds use (cloud bills use ~30.4)",
    )


def hours_per_month(sheet: Sheet) -> Value:
    return sheet.constant(
        "hours_per_month",
        MONTH / HOUR,
        "h/month",
        "Hours per month",
        "30 days × 24 h, the seeds' convention (cloud providers bill ~730 h)",
    )


def reference_matmul_share(sheet: Sheet) -> Value:
    return sheet.constant(
        "reference_matmul_share",
        (0.869 * 0.803) ** 0.5,
        "fraction",
        "Best-matmul share of peak where the efficiency factors were measured",
        "geometric mean of the A100 SXM (86.9%, published-figures.csv D076) and H100 SXM (80.3%, "
        "D078) MAMF shares: the GPUs of the TensorRT-LLM rows the engine factors were fitted to "
        "and of the MFU and efficiency sources",
    )


def bits_per_byte(sheet: Sheet) -> Value:
    return sheet.constant("bits_per_byte", BITS_PER_BYTE, "bit/B", "Bits per byte", "definition")


def bytes_per_gb(sheet: Sheet) -> Value:
    return sheet.constant(
        "bytes_per_gb",
        GB,
        "B/GB",
        "Bytes per GB",
        "GB = 10^9 bytes (decimal), as prices are quoted",
    )
