"""How scenario fields are typed: quantities written the way people write them ('100M', '10 KB',
'$2/h', '40%', '30% to 50%'), checked for sign and absurd sizes, and exact whole-number counts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from botec.catalog.price_fields import MAX_USD_PER_GPU_HOUR
from botec.core.errors import BotecInputError
from botec.core.uncertain import Uncertain, parse_uncertain
from botec.core.units import DIMENSION_HELP, parse_quantity


class _Quantity:
    """Marks a scenario field as a quantity of ``dimension`` (sweeps read it to parse values)."""

    def __init__(self, dimension: str, ranged: bool, unit: str = "") -> None:
        self.dimension = dimension
        self.ranged = ranged
        self.unit = unit  # what a count counts (users, params, tokens): a sweep's column unit


# The smallest positive value any quantity field takes, in its base unit (1 ns, a billionth of a
# byte, a request, a dollar or a share): nothing botec sizes is smaller, and a result divided by
# 1e-320 (a subnormal float) overflows to infinity far from the field that caused it.
SMALLEST_POSITIVE = 1e-9


def _bounds_text(gt: float | None, ge: float | None, le: float | None, dimension: str = "") -> str:
    """'at least 1% and at most 100%': a share's bounds as the percentages it is typed in."""

    def shown(x: float) -> str:
        return f"{x * 100:g}%" if dimension == "fraction" else f"{x:g}"

    parts = []
    if gt is not None:
        parts.append(f"greater than {shown(gt)}")
    if ge is not None:
        parts.append(f"at least {shown(ge)}")
    if le is not None:
        parts.append(f"at most {shown(le)}")
    return " and ".join(parts)


def _quantity(
    dimension: str,
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    ranged: bool = True,
    words: dict[str, float] | None = None,
    unit: str = "",
) -> Any:
    """A field typed the way people write it: '100M', '40%', '30% to 50%', {low=, high=}.

    ``ranged`` fields accept a range (see :mod:`botec.core.uncertain`); both ends and the nominal
    value are checked against the bounds.
    """

    def parse(raw: Any) -> Any:
        if words and isinstance(raw, str) and raw.strip().lower() in words:
            raw = words[raw.strip().lower()]
        try:
            value = parse_uncertain(raw, dimension) if ranged else parse_quantity(raw, dimension)
        except BotecInputError as exc:
            if (
                ranged
                and isinstance(raw, dict | str)
                and str(exc.allowed).startswith(
                    ("a range", "positive", "one of", "low, high", "both", "a nominal")
                )
            ):
                raise ValueError(exc.allowed) from None
            if not ranged and _is_range(raw, dimension):
                raise ValueError(
                    "one value, not a range (to try several, sweep it: botec sweep --vary)"
                ) from None
            raise ValueError(DIMENSION_HELP[dimension]) from None
        for end in _ends(value):
            if (
                (gt is not None and not end > gt)
                or (ge is not None and not end >= ge)
                or (le is not None and not end <= le)
            ):
                raise ValueError(f"a value {_bounds_text(gt, ge, le, dimension)}")
            if 0 < end < SMALLEST_POSITIVE:
                bounds = _bounds_text(gt, ge, le, dimension)
                raise ValueError(
                    f"a value {bounds}, and not a positive value under {SMALLEST_POSITIVE:g}: "
                    "below anything botec estimates, and divided by it overflows"
                )
        return value

    return Annotated[Any, BeforeValidator(parse), _Quantity(dimension, ranged, unit)]


def _is_range(raw: Any, dimension: str) -> bool:
    try:
        return isinstance(parse_uncertain(raw, dimension), Uncertain)
    except BotecInputError:
        return False


def _ends(value: Any) -> tuple[float, ...]:
    if isinstance(value, Uncertain):
        return (value.low, value.high, value.nominal)
    return (value,)


# Quantities as typed by people, checked for sign and for absurd sizes.
Count = _quantity("count", gt=0, le=1e16)
CountOrZero = _quantity("count", ge=0, le=1e16)
# at least one user; more is past Earth's population
Users = _quantity("count", ge=1, le=1e10, unit="users")
Params = _quantity("count", ge=1, le=1e15, unit="params")  # a model has at least one parameter
Tokens = _quantity("count", ge=1, le=1e16, unit="tokens")  # at least one token
# Things counted one by one (documents, characters, rows, images a day): at least one.
AtLeastOne = _quantity("count", ge=1, le=1e16)
Bytes = _quantity("bytes", gt=0, le=1e21)
ByteRate = _quantity("byte_rate", gt=0, le=1e15)
FlopRate = _quantity("flop_rate", gt=0, le=1e19)
Duration = _quantity("duration", gt=0, le=1e10)
DurationOrZero = _quantity("duration", ge=0, le=1e7, ranged=False)  # a delay that may be none
Target = _quantity("duration", gt=0, le=1e6, ranged=False)  # a latency goal is one number
Usd = _quantity("usd", gt=0, le=1e13)
UsdPerHour = _quantity("usd_per_hour", ge=0, le=MAX_USD_PER_GPU_HOUR)
UsdPerGbMonth = _quantity("usd_per_gb_month", ge=0, le=1e3)
UsdPerGb = _quantity("usd_per_gb", ge=0, le=1e3)
UsdPerMtoken = _quantity("usd_per_mtoken", gt=0, le=1e4)  # a free API compares with nothing
# a price something is divided by
PricePerHour = _quantity("usd_per_hour", gt=0, le=MAX_USD_PER_GPU_HOUR)
Fraction = _quantity("fraction", gt=0, le=1)
# A replica's planned load: under 1% of what it sustains is a fleet that idles, not a plan.
Utilization = _quantity("fraction", ge=0.01, le=1)
Overhead = _quantity("fraction", ge=0, le=10)  # 25% index overhead
Factor = _quantity("factor", ge=1, le=1000)
Ratio = _quantity("factor", gt=0, le=1000)
# The smooth roofline's exponent n: 1 adds compute and memory time, 16 is within 4.4% of the plain
# max everywhere; larger would overflow (time^n) for long phases.
Sharpness = _quantity("factor", ge=1, le=16)
Deadline = _quantity("duration", gt=0, le=1e10, ranged=False)  # sizes a GPU count: one number


# Counts that pick a layout or a branch (layers, GPUs per replica) stay exact.
def _whole(raw: Any) -> Any:
    if isinstance(raw, bool):  # true is not 1: a switch typed where a count belongs
        raise ValueError("a whole number, e.g. 64 (not true or false)")
    if isinstance(raw, dict) or (isinstance(raw, str) and (" to " in raw or ".." in raw)):
        raise ValueError(
            "an exact whole number: this count picks a layout or a branch, so it takes no range "
            "(sweep it with botec sweep --vary instead)"
        )
    if isinstance(raw, str):
        try:
            return int(raw.replace(",", "").replace("_", "").strip())
        except ValueError:
            raise ValueError("a whole number, e.g. 64") from None
    return raw


MAX_GPU_COUNT = 10_000_000  # any count botec takes or answers (GPUs, layers, batch)
WholeCount = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=MAX_GPU_COUNT)]

# Seed 002's rule of thumb, by kind of product ('Forgetting Peak Traffic').
PEAK_FACTORS = {"consumer": 3.0, "payments": 5.0, "advertising": 10.0, "ads": 10.0, "unknown": 5.0}
PeakFactor = _quantity("factor", ge=1, le=1000, words=PEAK_FACTORS)
# Counts that may be 0, and ZeRO's stage: refused as true/false like every other count.
ChunkTokens = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=MAX_GPU_COUNT)]
SpareReplicas = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=1000)]
ZeroStage = Annotated[Literal[0, 1, 2, 3], BeforeValidator(_whole)]
