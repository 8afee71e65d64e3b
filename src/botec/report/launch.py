"""The launch command for a serving plan: the engine's command line with its own flags for the
plan's tensor parallelism, batch, lengths, memory share, precisions and prefill chunk
(``catalog/launch.toml``, each engine's flags with the documentation page and version they come
from)."""

from __future__ import annotations

import shlex
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet
from botec.stages.launch import TITLE

CATALOG = Path(__file__).parent.parent / "catalog" / "launch.toml"


@cache
def engines() -> dict[str, dict[str, Any]]:
    return tomllib.loads(CATALOG.read_text(encoding="utf-8"))


def settings(sheet: Sheet) -> dict[str, str]:
    """The plan's launch settings, as the serving plan recorded them."""
    for table in sheet.tables:
        if table.title == TITLE:
            return {row[0]: row[1] for row in table.rows}
    raise BotecInputError(
        "--emit", "a plan that meets no target",
        "a serving plan that meets its targets: relax them, or add GPUs or precisions to compare",
    )  # fmt: skip


REPLAN = (
    "re-plan with this engine (plan --engine, optimise --engines) for its own batch cap and "
    "overheads"
)
# Where a precision has no flag of its own, what checkpoint to load (the engine reads the format
# from its config); GGUF block formats are llama.cpp's, which these servers do not load as such.
CHECKPOINTS = {
    "int4": "an AWQ or GPTQ 4-bit checkpoint",
    "int8": "a W8A8 (SmoothQuant) or GPTQ 8-bit checkpoint",
    "fp4": "an NVFP4 or MXFP4 checkpoint (NVIDIA ModelOpt, or the model's own MXFP4 release)",
    "fp8": "an FP8 checkpoint (llm-compressor or ModelOpt)",
}
GGUF = ("q8-0", "q4-0", "q4-k-m")
# The short names people type for an engine (the and TensorRT-LLM's own `trtllm-serve`).
ENGINE_ALIASES = {"trtllm": "tensorrt-llm", "trt-llm": "tensorrt-llm"}


def launch_command(sheet: Sheet, engine: str) -> str:
    """The command line for ``engine``, with comments saying what each value comes from."""
    known = engines()
    engine = ENGINE_ALIASES.get(engine, engine)
    if engine not in known:
        raise BotecInputError("--emit", engine, f"one of {', '.join(known)}")
    spec, s = known[engine], settings(sheet)
    flags: list[str] = []
    notes: list[str] = []
    extra: dict[str, Any] = {}

    def put(setting: str, value: str) -> None:
        flag = spec.get(setting)
        if flag:
            flags.extend([flag, value])

    put("tensor_parallel", s["tensor_parallel"])
    put("max_sequences", s["max_sequences"])
    put("max_model_len", s["max_model_len"])
    put("memory_fraction", s["memory_fraction"])
    precision, kv = s["precision"], s["kv_cache_precision"]
    _precisions(engine, spec, precision, kv, put, notes, extra)
    chunk = s["prefill_chunk"]
    if chunk != "none":
        if spec.get("chunked_prefill"):
            flags.append(spec["chunked_prefill"])
        elif engine == "tensorrt-llm":
            extra["enable_chunked_prefill"] = True
        put("prefill_chunk", chunk)
    if int(s["tensor_parallel"]) > 8:  # past one 8-GPU node (GB200 racks aside)
        notes.append(
            f"TP {s['tensor_parallel']} spans nodes: this needs the engine's multi-node launch (a "
            "Ray cluster for vLLM; SGLang's --nnodes; mpirun for TensorRT-LLM), and TP within a "
            "node with pipeline parallelism across is usually faster"
        )
    if s["engine"] != spec["name"].split(" (")[0]:
        notes.append(f"the plan was sized with {s['engine']}'s factors: {REPLAN}")
    notes.append(f"max model length {s['max_model_len']}: the plan's prompt and answer; raise it "
                 "for longer requests (the KV cache then holds fewer sequences)")  # fmt: skip
    lines = [
        f"# {spec['name']} {spec['version']}: {s['replicas']} replica(s) of {s['tensor_parallel']}"
        f" × {s['gpu']} (botec's plan: {s['model_name']}, {precision} weights, {kv} KV cache)",
        f"# flags as documented at {spec['source'].split(' (')[0]}",
        *(f"# {n}" for n in notes),
    ]
    if extra:
        lines.append(f"# and a file extra.yaml for {spec['extra_options']}:")
        lines += [f"#   {line}" for line in _yaml(extra)]
        flags.extend([spec["extra_options"], "extra.yaml"])
    command = spec["command"].format(model=shlex.quote(s["model"]))
    parts = [command] + [" ".join(shlex.quote(p) for p in pair) for pair in _pairs(flags)]
    return "\n".join([*lines, " \\\n    ".join(parts)]) + "\n"


def _precisions(
    engine: str,
    spec: dict[str, Any],
    precision: str,
    kv: str,
    put: Any,
    notes: list[str],
    extra: dict[str, Any],
) -> None:
    """The weights' and the KV cache's types as the engine's flags, or what to load and what
    the engine cannot store, said in the notes."""
    if precision in spec.get("dtypes", {}):
        put("dtype", spec["dtypes"][precision])
    elif precision in spec.get("quantizations", {}):
        put("quantization", spec["quantizations"][precision])
        if engine == "tensorrt-llm":
            extra["quant_config"] = {"quant_algo": spec["quantizations"][precision]}
    elif precision.replace("_", "-") in GGUF:
        raise BotecInputError(
            "--emit", f"{engine} for {precision} weights",
            f"an engine that loads them: {precision} is a llama.cpp (GGUF) format; plan with "
            "int4 or int8 weights for this engine, or serve the GGUF file with llama-server",
        )  # fmt: skip
    else:
        what = CHECKPOINTS.get(precision, f"a checkpoint quantised to {precision}")
        notes.append(f"{precision} weights: load {what}; the engine reads its format from the "
                     "checkpoint")  # fmt: skip
    if kv in spec.get("kv_dtypes", {}):
        if spec.get("kv_cache_dtype"):
            put("kv_cache_dtype", spec["kv_dtypes"][kv])
        else:
            extra["kv_cache_config"] = {"dtype": spec["kv_dtypes"][kv]}
    elif kv not in ("fp16", "bf16", precision):
        stores = ", ".join(["the weights' dtype", *spec.get("kv_dtypes", {})])
        notes.append(
            f"WARNING: the plan keeps its KV cache in {kv}, which {spec['name']} cannot store "
            f"(its KV types: {stores}): with this command it keeps a 16-bit cache and holds "
            f"fewer sequences than planned; re-plan with --kv-precision fp8 or fp16"
        )


def _yaml(values: dict[str, Any], indent: str = "") -> list[str]:
    """A small mapping as YAML lines (booleans lower-case, nested mappings indented)."""
    out: list[str] = []
    for key, value in values.items():
        if isinstance(value, dict):
            out.append(f"{indent}{key}:")
            out += _yaml(value, indent + "  ")
        else:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            out.append(f"{indent}{key}: {text}")
    return out


def _pairs(flags: list[str]) -> list[list[str]]:
    """Flags grouped with their values, a switch (no value) on its own."""
    out: list[list[str]] = []
    for item in flags:
        if item.startswith("--") or not out:
            out.append([item])
        else:
            out[-1].append(item)
    return out
