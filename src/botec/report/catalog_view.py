"""Catalog and example listings in every output format (no arithmetic: unit conversion only)."""

from __future__ import annotations

import html
import json
from typing import Any

from botec import catalog
from botec.core.units import format_bytes, format_quantity

_PEAK_ORDER = ("fp32", "tf32", "fp16", "bf16", "fp8", "int8", "fp6", "fp4", "int4")


def _hardware_row(hw: catalog.Hardware) -> dict[str, Any]:
    return {
        "key": hw.key,
        "name": hw.name,
        "kind": hw.kind,
        "memory_bytes": hw.memory_bytes,
        "memory_bandwidth_bytes_per_s": hw.memory_bandwidth_bytes_per_s,
        "peak_flop_per_s": hw.peak_flop_per_s,
        "tdp_w": hw.tdp_w,
        "interconnect": hw.interconnect,
        "source": hw.source,
        "as_of": hw.as_of,
        "notes": hw.notes,
        "aliases": list(hw.aliases),
    }


def _table(headers: list[str], rows: list[list[str]], fmt: str, title: str) -> str:
    if fmt == "markdown":
        lines = [f"# {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    if fmt == "html":
        head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
        )
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif}td,th{padding:4px 8px;border-bottom:1px solid #ddd;"
            "text-align:left}</style></head>"
            f"<body><h1>{html.escape(title)}</h1><table><tr>{head}</tr>{body}</table></body></html>\n"
        )
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for h in headers:
        table.add_column(h)
    for r in rows:
        table.add_row(*r)
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None).print(table)
    return buffer.getvalue()


def _peaks(hw: catalog.Hardware) -> str:
    listed = [k for k in _PEAK_ORDER if k in hw.peak_flop_per_s]
    listed += sorted(k for k in hw.peak_flop_per_s if k not in _PEAK_ORDER)  # every one it has
    return ", ".join(f"{k} {format_quantity(hw.peak_flop_per_s[k], 'FLOP/s')}" for k in listed)


def _memory_text(hw: catalog.Hardware) -> str:
    """The capacity as sold, and what CUDA sees where that differs (what fits is judged on)."""
    sold = f"{format_bytes(hw.memory_bytes)} ({format_bytes(hw.memory_bytes, True)})"
    if hw.usable_bytes == hw.memory_bytes:
        return sold
    seen = format_bytes(hw.usable_bytes)
    return f"{sold} as sold; {seen} ({format_bytes(hw.usable_bytes, True)}) as CUDA sees it"


def _price_text(price: Any) -> str:
    """'$2.95/h (market rental median ..., 2026-08)', or 'unpriced: why'."""
    if isinstance(price, str):
        return f"unpriced: {price}"
    return f"{format_quantity(price.usd_per_hour, 'USD/h')} ({price.label})"


def _price_json(price: Any) -> dict[str, Any]:
    if isinstance(price, str):
        return {"usd_per_hour": None, "unpriced": price}
    return {"usd_per_hour": price.usd_per_hour, "basis": price.basis, "label": price.label,
            "source": price.source}  # fmt: skip


def render_hardware_list(
    items: list[catalog.Hardware], fmt: str, prices: dict[str, Any] | None = None
) -> str:
    """The devices ``items`` (the run's catalog, user files merged) as a table or JSON, with
    each one's price on a basis (``prices``: key -> GpuRate or the reason it has none)."""
    prices = prices or {}
    if fmt == "json":
        return json.dumps(
            {
                "hardware": [
                    {
                        **_hardware_row(h),
                        **({"price": _price_json(prices[h.key])} if h.key in prices else {}),
                    }
                    for h in items
                ]
            },
            indent=2,
        )
    rows = [
        [
            h.key,
            h.name,
            format_bytes(h.memory_bytes),
            format_quantity(h.memory_bandwidth_bytes_per_s, "B/s"),
            format_quantity(
                h.peak_flop_per_s.get("fp16", h.peak_flop_per_s.get("fp32", 0)), "FLOP/s"
            ),
            format_quantity(h.tdp_w, "W") if h.tdp_w else "-",
            _short_price(prices.get(h.key)),
        ]
        for h in items
    ]
    label = next((p.label for p in prices.values() if not isinstance(p, str)), "")
    return _table(
        ["Key", "Device", "Memory", "Bandwidth", "FP16 dense", "TDP", "Price per GPU-hour"],
        rows,
        fmt,
        f"Hardware catalog (prices: {label})" if label else "Hardware catalog",
    )


def _short_price(price: Any) -> str:
    if price is None:
        return "-"
    if isinstance(price, str):
        return "unpriced: " + price.split(";")[0]
    return format_quantity(price.usd_per_hour, "USD/h")


def render_hardware(hw: catalog.Hardware, fmt: str, prices: dict[str, Any] | None = None) -> str:
    """One device in full, with its sources and its price on each basis (``prices``: basis ->
    GpuRate or the reason it has none)."""
    prices = prices or {}
    if fmt == "json":
        return json.dumps(
            {**_hardware_row(hw), "prices": {b: _price_json(p) for b, p in prices.items()}},
            indent=2,
        )
    rows = [
        ["Key", hw.key],
        ["Kind", hw.kind],
        ["Memory", _memory_text(hw)],
        ["Memory bandwidth", format_quantity(hw.memory_bandwidth_bytes_per_s, "B/s")],
        ["Dense peaks", _peaks(hw)],
        ["Ridge point (FP16)", f"{hw.ridge_point_flop_per_byte:.0f} FLOP/B"],
        ["TDP", format_quantity(hw.tdp_w, "W") if hw.tdp_w else "-"],
        ["Interconnect", hw.interconnect],
        ["Aliases", ", ".join(hw.aliases)],
        ["Source", hw.source],
        ["As of", hw.as_of],
        ["Notes", hw.notes],
        *[[f"Price ({b})", _price_text(p)] for b, p in prices.items()],
    ]
    return _table(["Field", "Value"], rows, fmt, hw.name)


def render_examples_list(items: list[tuple[str, str, str]], fmt: str) -> str:
    """(name, title, source) of the bundled scenarios."""
    if fmt == "json":
        return json.dumps(
            {"examples": [{"name": n, "title": t, "source": s} for n, t, s in items]}, indent=2
        )
    return _table(["Name", "Title", "Source"], [list(r) for r in items], fmt, "Bundled examples")


def _model_row(m: Any) -> dict[str, Any]:
    from dataclasses import asdict

    row = asdict(m)
    row.pop("architecture", None)
    row["aliases"] = list(m.aliases)
    return row


def render_models_list(items: list[Any], fmt: str) -> str:
    """The model architectures ``items`` (catalog/models.toml) as a table or JSON."""
    if fmt == "json":
        return json.dumps({"models": [_model_row(m) for m in items]}, indent=2)
    rows = [
        [
            m.key,
            m.name,
            format_quantity(m.params_total, "params"),
            format_quantity(m.params_active, "params") if m.is_moe else "dense",
            f"{m.layers} × {m.hidden_size}",
            m.attention.upper(),
            format_quantity(m.context_length, "tokens"),
            m.as_of,
        ]
        for m in items
    ]
    heads = ["Key", "Model", "Parameters", "Active", "Layers × hidden", "Attention", "Context"]
    return _table([*heads, "As of"], rows, fmt, "Model catalog")


def render_model(m: Any, fmt: str) -> str:
    """One model's shape in full, with its source."""
    if fmt == "json":
        return json.dumps(_model_row(m), indent=2)
    rows = [
        ["Key", m.key],
        ["Parameters", f"{m.params_total:,}"],
        ["Active per token", f"{m.params_active:,}"],
        ["Layers", str(m.layers)],
        ["Hidden size", str(m.hidden_size)],
        ["Heads (query / KV)", f"{m.heads} / {m.kv_heads} of {m.head_dim}"],
        ["Attention", m.attention.upper()],
        ["MLP width", f"{m.ffn_size}" + (" per expert" if m.is_moe else "")],
        ["Experts", f"{m.experts_active} of {m.experts} per token" if m.is_moe else "-"],
        ["Vocabulary", f"{m.vocab_size:,}"],
        ["Context", format_quantity(m.context_length, "tokens")],
        [
            "Sliding window",
            format_quantity(m.sliding_window, "tokens") if m.sliding_window else "-",
        ],
        ["Aliases", ", ".join(m.aliases)],
        ["Source", m.source],
        ["As of", m.as_of],
        ["Notes", m.notes],
    ]
    return _table(["Field", "Value"], rows, fmt, m.name)


def render_bases(items: list[catalog.Price], fmt: str) -> str:
    """The price bases: name, kind, date and source."""
    if fmt == "json":
        return json.dumps(
            {
                "bases": [
                    {"key": b.key, "name": b.name, "kind": b.kind, "as_of": b.as_of,
                     "source": b.source, "spot_basis": b.spot_basis}
                    for b in items
                ]
            },
            indent=2,
        )  # fmt: skip
    rows = [[b.key, b.name, b.kind, b.as_of, b.source] for b in items]
    return _table(["Basis", "Name", "Kind", "As of", "Source"], rows, fmt, "Price bases")
