"""The chosen plan's launch settings, recorded as a table on the sheet so a report shows them and
``botec plan --emit ENGINE`` turns them into a command line (:mod:`botec.report.launch`)."""

from __future__ import annotations

from typing import Any

from botec.stages.context import Context
from botec.stages.serving import model_spec

TITLE = "Launch settings (botec plan --emit vllm|tensorrt-llm|sglang)"


def launch_settings(ctx: Context, srv: Any, pick: Any) -> None:
    """Engine, model, precisions, parallelism, batch, lengths, memory share, chunk, replicas."""
    sheet = ctx.sheet
    spec = model_spec(srv)
    repo = next((a for a in getattr(spec, "aliases", ()) if "/" in a), "") if spec else ""
    name = spec.name if spec else f"{float(sheet.inputs['params'].value):.3g}-parameter model"
    precision = ctx.catalog.precision(pick.precision)
    engine = ctx.catalog.engine(srv.engine)
    gpu = ctx.catalog.hardware(pick.gpu)
    kv = srv.kv_precision or engine.kv_precision_for(
        precision.bytes_per_param, precision.key, gpu.peak_flop_per_s
    )
    tokens = int(_longest(srv.input_tokens) + _longest(srv.output_tokens))
    rows = [
        ["engine", engine.name],
        ["model", repo or spec.key if spec else "YOUR/MODEL"],
        ["model_name", name],
        ["gpu", gpu.name],
        ["precision", pick.precision],
        ["kv_cache_precision", kv],
        ["tensor_parallel", str(pick.tensor_parallel)],
        ["max_sequences", str(pick.batch)],
        ["max_model_len", str(tokens)],
        ["memory_fraction", f"{float(srv.usable_memory_fraction):g}"],
        ["prefill_chunk", str(pick.chunk) if pick.chunk else "none"],
        ["replicas", f"{float(sheet.steps['replicas'].value):.0f}"],
    ]
    sheet.table(TITLE, ["Setting", "Value"], rows)


def _longest(tokens: Any) -> float:
    """A length as the engine must hold it: a range's high end (its 95th percentile)."""
    return float(getattr(tokens, "high", tokens))
