"""Parsing what people type and formatting with units: GB and GiB never mixed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botec.core.errors import BotecInputError
from botec.core.units import (
    GB,
    KB,
    TB,
    GiB,
    format_bytes,
    format_count,
    format_duration,
    format_flop,
    format_memory,
    format_quantity,
    format_usd,
    parse_quantity,
    sig3,
)


@pytest.mark.parametrize(
    ("text", "dimension", "expected"),
    [
        ("100M", "count", 100e6),
        ("3B", "count", 3e9),
        ("1.5T", "count", 1.5e12),
        ("10K", "count", 10e3),
        ("1,000", "count", 1000),
        ("500 tokens", "count", 500),
        ("100M users", "count", 100e6),
        ("10 KB", "bytes", 10 * KB),
        ("80 GiB", "bytes", 80 * 2**30),
        ("80 GB", "bytes", 80e9),
        ("2 TB/s", "byte_rate", 2e12),
        ("100 Gbps", "byte_rate", 100e9 / 8),
        ("312 TFLOPS", "flop_rate", 312e12),
        ("486 PF-days", "flop", 486 * 1e15 * 86400),
        ("$2/h", "usd_per_hour", 2.0),
        ("3.5 USD/h", "usd_per_hour", 3.5),
        ("$0.023/GB-month", "usd_per_gb_month", 0.023),
        ("$0.09/GB", "usd_per_gb", 0.09),
        ("$2M", "usd", 2e6),
        ("$500K", "usd", 500e3),
        ("30%", "fraction", 0.3),
        ("0.4", "fraction", 0.4),
        ("3x", "factor", 3.0),
        ("3×", "factor", 3.0),
        ("9.6 ms", "duration", 0.0096),
        ("30 days", "duration", 30 * 86400),
        ("700 W", "power", 700.0),
    ],
)
def test_parse_what_people_type(text: str, dimension: str, expected: float) -> None:
    assert parse_quantity(text, dimension) == pytest.approx(expected)


def test_decimal_and_binary_prefixes_differ() -> None:
    # 80 GiB is 7.4% more than 80 GB: the gap the seeds paper over.
    assert parse_quantity("80 GiB", "bytes") / parse_quantity("80 GB", "bytes") == pytest.approx(
        2**30 / 1e9
    )


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("-", "count"),
        ("abc", "bytes"),
        ("10 parsecs", "bytes"),
        ("5 GB", "count"),  # a size is not a count
        ("$5", "count"),
        ("2 TB", "byte_rate"),  # missing /s
        ("1e999", "count"),
        ("", "count"),
    ],
)
def test_bad_text_names_field_value_and_what_is_allowed(text: str, dimension: str) -> None:
    with pytest.raises(BotecInputError) as info:
        parse_quantity(text, dimension, field="users.dau")
    message = str(info.value)
    assert "users.dau" in message
    assert repr(text) in message
    assert "expected" in message


def test_non_numbers_rejected() -> None:
    for value in (True, None, [1], float("nan"), float("inf")):
        with pytest.raises(BotecInputError):
            parse_quantity(value, "count")


def test_formatting_always_prints_a_unit() -> None:
    assert format_quantity(6e9, "B") == "6.00 GB"
    assert format_bytes(6e9, binary=True) == "5.59 GiB"
    assert format_memory(14e9) == "14.0 GB (13.0 GiB)"
    assert format_quantity(185185185.2, "bit/s") == "185 Mbit/s"
    assert format_quantity(2.039e12, "B/s") == "2.04 TB/s"
    assert format_quantity(312e12, "FLOP/s") == "312 TFLOP/s"
    assert format_quantity(0.4, "fraction") == "40.0%"
    assert format_quantity(112, "GPUs") == "112 GPUs"


def test_a_time_per_request_prints_as_a_duration_and_factors_print_exactly() -> None:
    # seed 000: (3B × 2 × 500) / 312T = 9.6 ms for each request
    assert format_quantity(3e9 * 2 * 500 / 312e12, "s/req") == "9.62 ms/req"
    assert format_quantity(0.0042, "s/sequence") == "4.20 ms/sequence"
    assert format_quantity(86_400, "s/day") == "86,400 s/day"  # a conversion, not a duration
    assert format_quantity(500, "tokens/req") == "500 tokens/req"
    assert format_quantity(1e6, "tokens/Mtoken") == "1,000,000 tokens/Mtoken"
    assert format_quantity(1e15, "FLOP/PFLOP") == "10^15 FLOP/PFLOP"
    assert format_quantity(1000, "W/kW") == "1,000 W/kW"


def test_formatters() -> None:
    assert format_duration(0.0096154) == "9.62 ms"
    assert format_duration(1.5024e6) == "17.4 days"
    assert format_duration(3.365e8) == "10.7 years"
    assert format_usd(53416.0) == "$53,400"
    assert format_usd(2.617e6) == "$2.62M"
    assert format_flop(4.2e22) == "4.20e22 FLOP (486 PF-days)"
    assert format_count(11574.07) == "11.6K"
    assert format_count(5e9) == "5.00B"


@given(st.floats(min_value=1e-9, max_value=1e20, allow_nan=False, allow_infinity=False))
def test_sig3_keeps_three_significant_figures(x: float) -> None:
    text = sig3(x).replace(",", "")
    assert math.isclose(float(text), x, rel_tol=5e-3)


@given(st.floats(min_value=1, max_value=1e18))
def test_bytes_round_trip_through_formatting(x: float) -> None:
    text = format_bytes(x)
    assert parse_quantity(text, "bytes") == pytest.approx(x, rel=5e-3)
    binary = format_bytes(x, binary=True)
    assert parse_quantity(binary, "bytes") == pytest.approx(x, rel=5e-3)


def test_unit_constants() -> None:
    assert GB == 10**9 and GiB == 2**30 and TB == 10**12


def test_a_count_of_one_is_singular_and_other_counts_plural() -> None:
    assert format_quantity(1, "GPUs") == "1 GPU"
    assert format_quantity(1, "replicas") == "1 replica"
    assert format_quantity(2, "GPUs") == "2 GPUs"
    assert format_quantity(0, "GPUs") == "0 GPUs"
    # a rate or a count per something keeps its unit as written
    assert format_quantity(1, "tokens/req") == "1 tokens/req"


def test_a_lower_case_b_is_bits_in_a_rate_and_refused_in_a_size() -> None:
    # 1 Gb/s is a network's 125 MB/s; '10 kb' for a size is refused (KB or kbit, not a guess)
    from botec.core.errors import BotecInputError
    from botec.core.unit_parsing import parse_quantity

    assert parse_quantity("1 Gb/s", "byte_rate") == 1e9 / 8
    assert parse_quantity("10 kbit", "bytes") == 10e3 / 8
    assert parse_quantity("10 KB", "bytes") == 10e3
    with pytest.raises(BotecInputError):
        parse_quantity("10 kb", "bytes")


@pytest.mark.parametrize(
    ("text", "dimension", "expected"),
    [
        ("7 billions", "count", 7e9),  # a plural scale is the scale, not a label
        ("100 millions", "count", 1e8),
        ("$2 millions", "usd", 2e6),
        ("2 thousands", "count", 2e3),
        ("1,000,000.5", "count", 1_000_000.5),  # commas as thousands separators
    ],
)
def test_plural_scales_and_grouped_digits_read_as_written(
    text: str, dimension: str, expected: float
) -> None:
    assert parse_quantity(text, dimension, "x") == expected


@pytest.mark.parametrize(
    "text", ["5 lakh", "3 mln", "1 k k", "5 million thousand", "1,5", "10,,000", "2 crore"]
)
def test_scale_words_botec_does_not_read_and_stray_commas_are_refused(text: str) -> None:
    # each was read as a bare number (5, 3, 1000, 5M, 15, 10000), wrong by up to 10^9
    with pytest.raises(BotecInputError) as err:
        parse_quantity(text, "count", "dau")
    assert err.value.field == "dau" and text in str(err.value)
