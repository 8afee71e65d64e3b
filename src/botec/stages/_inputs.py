"""Inputs every stage records the same way: a stated number or the catalog's default range, a
price, a GPU's peak, bandwidth and memory, and its compute efficiency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botec.catalog import Engine, Hardware
from botec.core.sheet import Value
from botec.estimators import serving
from botec.stages.context import Context


def assumed(
    ctx: Context,
    name: str,
    given: Any,
    unit: str,
    title: str,
    source: str = "scenario",
    nominal: float | None = None,
    key: str = "",
) -> Value:
    """A number the scenario states, or else the catalog's default range for it (the catalog's
    ``key``, which defaults to ``name``)."""
    if given is not None:
        return ctx.sheet.input(name, given, unit, title, source)
    existing = ctx.sheet.inputs.get(name)
    if existing is not None and existing.unit == unit and nominal is None:
        # another section recorded it (its default, or the user's figure in [users]): one
        # symbol, one value and one set of draws
        return existing
    a = ctx.catalog.assumption(key or name)
    return ctx.sheet.assume(name, a.as_range(nominal), unit, title, f"default range: {a.source}")


def workspace_bytes(ctx: Context) -> float:
    """The CUDA context and library workspace a process keeps on each GPU (the catalog's
    ``workspace_per_gpu`` at its nominal), which a fit verdict leaves out of the device."""
    return float(ctx.catalog.assumption("workspace_per_gpu").nominal)


def catalog_cite(gpu: Hardware) -> str:
    return f"catalog ({gpu.as_of}); sources: botec hardware show {gpu.key}"


def on_this_gpu(
    ctx: Context,
    compute_efficiency: Value,
    gpu: Hardware,
    record: Callable[..., Value] | None = None,
    prefix: str = "",
) -> Value:
    """A default compute efficiency (from A100s and H100s) on ``gpu``: scaled by its published
    best-matmul share of peak, or unchanged where none is published (``prefix``: as
    :func:`gpu_inputs`)."""
    if gpu.matmul_share is None:
        return compute_efficiency
    share = (record or ctx.sheet.input)(
        f"{prefix}gpu_matmul_share",
        gpu.matmul_share,
        "fraction",
        f"{gpu.name}: best BF16 matmul as a share of peak",
        gpu.matmul_share_source,
    )
    return serving.gpu_compute_efficiency(ctx.sheet, compute_efficiency, share, prefix)


def roofline_sharpness(ctx: Context, given: Any) -> Value:
    """The smooth-max exponent of every roofline: as the scenario gives it, or the catalog range."""
    return assumed(
        ctx,
        "roofline_sharpness",
        given,
        "",  # an exponent: dimensionless
        "Roofline sharpness (smooth max exponent)",
    )


def gpu_inputs(
    ctx: Context,
    gpu_name: str,
    field: str,
    precision: str,
    peak_override: float | None = None,
    bandwidth_override: float | None = None,
    engine: Engine | None = None,
    prefix: str = "",
) -> tuple[Hardware, Value, Value, Value]:
    """The device, its dense peak at the precision's compute type (FP16 with FP16 accumulate for
    an ``engine`` that accumulates so, where the device lists that peak), its bandwidth and
    memory; recorded under ``prefix``ed names where a section's device may differ from another
    section's (the encoder's L4 beside the LLM's H100)."""
    sheet = ctx.sheet
    gpu = ctx.device(gpu_name, field)
    prec = ctx.catalog.precision(precision, "model.precision")
    compute, dequantised = prec.compute_on(gpu.peak_flop_per_s)
    accumulate16 = engine is not None and engine.fp16_accumulate and compute == "fp16"
    if accumulate16 and "fp16_acc16" in gpu.peak_flop_per_s:
        compute = "fp16_acc16"
    if dequantised and not peak_override:
        sheet.note(
            "info",
            f"{gpu.name} has no {prec.compute_dtype.upper()} tensor cores: the {prec.name} weights "
            f"are read at {prec.bytes_per_param:g} B each and dequantised, so the matmuls run at "
            f"its {compute.upper()} peak ({prec.dequantised_source}).",
        )
    cite = catalog_cite(gpu)
    peak = sheet.input(
        f"{prefix}peak_flop_per_s",
        peak_override or gpu.peak_for(compute),
        "FLOP/s",
        f"{gpu.name} dense {compute.upper()} peak"
        + (f" ({engine.name}: {engine.fp16_accumulate_source})" if compute == "fp16_acc16" else ""),
        "scenario" if peak_override else cite,
    )
    bandwidth = sheet.input(
        f"{prefix}memory_bandwidth",
        bandwidth_override or gpu.memory_bandwidth_bytes_per_s,
        "B/s",
        f"{gpu.name} memory bandwidth",
        "scenario" if bandwidth_override else cite,
    )
    mem = sheet.input(
        f"{prefix}gpu_memory", gpu.usable_bytes, "B", f"{gpu.name} memory (as CUDA sees it)", cite
    )
    return gpu, peak, bandwidth, mem


def price(
    ctx: Context,
    name: str,
    given: float | None,
    where: tuple[str, str, str],
    unit: str,
    title: str,
) -> Value:
    """A price the scenario states, or else the catalog's (``where`` = category, entry, field),
    recorded with where it came from."""
    if given is not None:
        return ctx.sheet.input(name, given, unit, title, "scenario")
    category, key, field_name = where
    p = ctx.catalog.price(category, key)
    return ctx.sheet.input(
        name, p.get(field_name), unit, f"{title} ({p.name})", f"catalog: {p.source}, {p.as_of}"
    )


def object_price(ctx: Context, given: float | None) -> Value:
    return price(
        ctx,
        "usd_per_gb_month",
        given,
        ("object_storage", "s3-standard", "usd_per_gb_month"),
        "USD/GB-month",
        "Object storage price",
    )


def label(name: str) -> str:
    return f" ({name})" if name else ""
