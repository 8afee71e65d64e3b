"""Sweep axes: what ``--vary`` means. ``dau=1M..1B`` is a numeric axis (log-spaced when it spans
10× or more, else linear; ``1M..1B:13`` sets the number of points, ``1M,10M,300M`` lists them);
``gpu=a100-80gb,l4`` is a categorical one. A short name sets every scenario field it stands for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.limits import MAX_SWEEP_BYTES, SWEEP_BYTES_PER_CELL
from botec.scenario.fields import _Quantity

# Short names people type, and the scenario fields they set (every one present is set).
ALIASES: dict[str, tuple[str, ...]] = {
    "dau": ("users.daily_active_users",),
    "mau": ("users.monthly_active_users",),
    "qps": ("users.requests_per_second",),
    "requests_per_user": ("users.requests_per_user_per_day",),
    "peak_factor": ("users.peak_factor",),
    "params": ("model.params", "training.params", "serving.params", "model_fit.params"),
    "precision": (
        "model.precision",
        "training.precision",
        "serving.precision",
        "model_fit.precision",
    ),
    "gpu": (
        "inference.gpu",
        "model.gpu",
        "kv_cache.gpu",
        "training.gpu",
        "serving.gpu",
        "model_fit.gpu",
    ),
    "engine": ("serving.engine", "model_fit.engine"),
    "output_tokens": ("requests.output_tokens",),
    "prompt_tokens": ("requests.prompt_tokens",),
    "tokens": ("training.tokens",),
    "gpus": ("training.gpus",),
    "mfu": ("training.mfu",),
    "price": ("cost.usd_per_gpu_hour", "training.usd_per_gpu_hour"),
    "price_basis": ("cost.price_basis", "training.price_basis"),
    "context": ("kv_cache.context_tokens",),
    "sequences": ("kv_cache.concurrent_sequences",),
}
# The base unit values of each dimension are held in (see botec.core.units).
BASE_UNITS = {
    "bytes": "B",
    "byte_rate": "B/s",
    "flop": "FLOP",
    "flop_rate": "FLOP/s",
    "duration": "s",
    "usd": "USD",
    "usd_per_hour": "USD/h",
    "usd_per_gb_month": "USD/GB-month",
    "usd_per_gb": "USD/GB",
    "fraction": "fraction",
    "factor": "x",
}
DEFAULT_POINTS = 7
MAX_POINTS = 10_000_000


# A serving plan chooses among its own comparison lists; an axis that sets the GPU or precision
# names what each row evaluates, so it empties the list it would otherwise be compared against.
PINS = {
    "serving.gpu": "serving_plan.compare_gpus",
    "serving.precision": "serving_plan.compare_precisions",
}


@dataclass
class Axis:
    """One swept input: its name, the scenario fields it sets and its values."""

    name: str
    fields: tuple[str, ...]
    values: list[Any]
    numeric: bool  # True: part of the vectorised grid
    unit: str = ""


def _field_info(path: str) -> Any:
    from botec.scenario import Scenario

    section, _, name = path.partition(".")
    model_field = Scenario.model_fields.get(section)
    if model_field is None or not name:
        return None
    annotation = model_field.annotation
    inner = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
    for cls in inner:
        fields = getattr(cls, "model_fields", {})
        if name in fields:
            return fields[name]
    return None


def _quantity(info: Any) -> _Quantity | None:
    """The quantity marker of a field, looking inside Optional[Annotated[...]] too."""
    import typing

    stack: list[Any] = [*info.metadata, info.annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, _Quantity):
            return item
        stack.extend(getattr(item, "__metadata__", ()))
        stack.extend(typing.get_args(item))
    return None


def parse_vary(text: str, data: dict[str, Any], points: int = DEFAULT_POINTS) -> Axis:
    """'dau=1M..1B' -> an Axis over the fields of ``data`` (a scenario mapping) it sets."""
    name, sep, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    if not sep or not name or not spec:
        raise BotecInputError(
            "--vary", text, "NAME=LOW..HIGH[:POINTS] or NAME=A,B,C, e.g. dau=1M..1B"
        )
    key = name.replace("-", "_")
    candidates = ALIASES.get(key, (key,) if "." in key else ())
    if not candidates:
        raise BotecInputError(
            "--vary", name, f"a short name ({', '.join(ALIASES)}) or a field such as users.dau"
        )
    fields = tuple(f for f in candidates if _has_section(data, f))
    if not fields:
        sections = sorted({f.split(".")[0] for f in candidates})
        raise BotecInputError(
            "--vary", name, f"a field of a section this scenario has ({', '.join(sections)})"
        )
    info = _field_info(fields[0])
    if info is None:
        raise BotecInputError("--vary", name, "a scenario field (see the README's scenario format)")
    quantity = _quantity(info)
    if quantity is None:
        values: list[Any] = [v.strip() for v in spec.split(",") if v.strip()]
        if _whole_number_field(info.annotation):
            values = (
                _whole_range(spec, name, points)
                if ".." in spec
                else [_whole(v, name) for v in values]
            )
    else:
        values = _numeric_values(spec, quantity.dimension, name, points)
        if _whole_tokens(fields[0]):  # a prompt is whole tokens, as a scenario must state it
            values = list(dict.fromkeys(round(v) for v in values))
    if not values:
        raise BotecInputError("--vary", f"{name}={spec}", "at least one value, e.g. dau=1M,10M")
    if quantity is None:
        return Axis(name, fields, values, numeric=False)
    unit = quantity.unit or BASE_UNITS.get(quantity.dimension, "")
    if not quantity.ranged:  # one number (a latency target): looped, point by point
        return Axis(name, fields, values, False, unit)
    return Axis(name, fields, values, True, unit)


def _whole_tokens(path: str) -> bool:
    from botec.scenario.conflicts import WHOLE_TOKENS

    section, _, field = path.partition(".")
    return field in WHOLE_TOKENS.get(section, ())


def _whole_number_field(annotation: Any) -> bool:
    """Whether a field holds an int, also inside Optional[...] and Annotated[...]."""
    import typing

    if annotation is int:
        return True
    return any(_whole_number_field(a) for a in typing.get_args(annotation))


def _has_section(data: dict[str, Any], path: str) -> bool:
    return isinstance(data.get(path.split(".")[0]), dict)


def _whole(text: str, name: str) -> int:
    try:
        return int(text.replace("_", "").strip())
    except ValueError:
        raise BotecInputError(
            "--vary", f"{name}={text}", "whole numbers, e.g. gpus=8,16,64 or steps=10..50:5"
        ) from None


def _whole_range(spec: str, name: str, points: int) -> list[int]:
    """LOW..HIGH[:N] over a whole-number field: N whole numbers, log-spaced when HIGH is 10×
    LOW or more, else evenly (repeats dropped)."""
    bounds, _, count_text = spec.partition(":")
    low_text, _, high_text = bounds.partition("..")
    low, high = _whole(low_text, name), _whole(high_text, name)
    count = _whole(count_text, name) if count_text.strip() else points
    if low > high or count < 1:
        raise BotecInputError(
            "--vary", f"{name}={spec}", "LOW..HIGH with LOW at most HIGH, e.g. steps=10..50:5"
        )
    if count == 1:
        return [low]
    if low >= 1 and high >= 10 * low:  # log-spaced, as numeric axes are past 10x (the help's)
        ratio = (high / low) ** (1 / (count - 1))
        return list(dict.fromkeys(round(low * ratio**i) for i in range(count)))
    step = (high - low) / (count - 1)
    return list(dict.fromkeys(round(low + i * step) for i in range(count)))


def _numeric_values(spec: str, dimension: str, name: str, points: int) -> list[float]:
    from botec.core.units import parse_quantity

    field_name = f"--vary {name}"
    if ".." in spec:
        bounds, _, count_text = spec.partition(":")
        low_text, _, high_text = bounds.partition("..")
        low = parse_quantity(low_text.strip(), dimension, field_name)
        high = parse_quantity(high_text.strip(), dimension, field_name)
        count = points
        if count_text:
            try:
                count = int(count_text)
            except ValueError:
                raise BotecInputError(
                    field_name, spec, "LOW..HIGH:POINTS, e.g. 1M..1B:13"
                ) from None
        if not 2 <= count <= MAX_POINTS:
            raise BotecInputError(field_name, count, f"between 2 and {MAX_POINTS:,} points")
        if low >= high:
            raise BotecInputError(field_name, spec, "LOW..HIGH with LOW < HIGH")
        import numpy

        if low > 0 and high / low >= 10:
            return list(numpy.geomspace(low, high, count))
        return list(numpy.linspace(low, high, count))
    return [parse_quantity(v.strip(), dimension, field_name) for v in spec.split(",") if v.strip()]


def check_size(total: int, columns: int) -> None:
    """The grid within MAX_POINTS and its table within the memory bound, before any is taken."""
    if total > MAX_POINTS:
        raise BotecInputError("--vary", f"{total:,} points", f"at most {MAX_POINTS:,} in all")
    if total * columns * SWEEP_BYTES_PER_CELL > MAX_SWEEP_BYTES:
        raise BotecInputError(
            "--vary",
            f"{total:,} points × {columns} columns (about "
            f"{total * columns * SWEEP_BYTES_PER_CELL / 1e9:.1f} GB)",
            f"a grid within {MAX_SWEEP_BYTES / 1e9:g} GB (BOTEC_MAX_SWEEP_BYTES): fewer points "
            "or fewer --result columns",
        )
