"""A ModelSpec from a local Hugging Face ``config.json``: shapes from the file, parameter counts
from the formulas of :mod:`botec.estimators.model_params` (nothing is downloaded here)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError
from botec.core.safe_io import MAX_NESTING, check_depth, read_text
from botec.estimators.model_params import ParamShape, count_params
from botec.modelspec.hf_families import Config, shape_for
from botec.modelspec.spec import ModelSpec, check, normalise

_CONTEXT_KEYS = (
    "max_position_embeddings", "max_sequence_length", "n_positions", "max_seq_len", "seq_length",
)  # fmt: skip


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``, with errors that name the file."""
    text = read_text(path, "config")  # a regular file under the size cap: not /dev/zero, no FIFO
    try:
        data = json.loads(text)
    except ValueError as exc:  # not JSON, or an integer past Python's 4,300-digit limit
        raise BotecInputError("config", str(path), f"valid JSON ({exc})") from None
    except RecursionError:
        raise BotecInputError("config", str(path), f"at most {MAX_NESTING} levels") from None
    if not isinstance(data, dict):
        raise BotecInputError("config", str(path), "a JSON object")
    check_depth(data, f"config {path}")
    return data


def _read_shape(c: Config, model_type: str) -> tuple[ParamShape, dict[str, Any]]:
    try:
        shape, extra = shape_for(c, model_type)
    except BotecInputError:
        raise
    except (ZeroDivisionError, TypeError, ValueError, AttributeError) as exc:
        raise BotecInputError(
            str(c.path), f"unusable values ({exc})", "a config.json with positive sizes and counts"
        ) from None
    if shape.heads <= 0 or shape.kv_heads <= 0 or shape.heads % shape.kv_heads:
        raise BotecInputError(
            f"{c.path}: key/value heads", shape.kv_heads, f"a divisor of {shape.heads} heads"
        )
    return shape, extra


def _sliding_window(c: Config, model_type: str, layers: int) -> tuple[int, int]:
    """(the window that caps the KV cache, the layers that attend over the whole context
    regardless): (0, 0) when nothing slides. Hybrid models interleave the two kinds: the
    config's ``layer_types`` lists them; Gemma 2 alternates them (odd layers global); Gemma 3
    makes every ``sliding_window_pattern``-th layer global (6 by default)."""
    window = c.integer("sliding_window", default=0)
    if not c.flag("use_sliding_window", True) or window <= 0:
        return 0, 0
    kinds = c.names("layer_types")
    if kinds:
        full = sum(1 for k in kinds if "sliding" not in str(k))
    elif model_type == "gemma2":
        full = layers // 2
    elif model_type.startswith("gemma3"):
        full = layers // max(1, c.integer("sliding_window_pattern", default=6))
    else:
        full = 0
    if full >= layers:
        return 0, 0  # no layer slides
    return window, full


def _attention_kind(shape: ParamShape) -> str:
    if shape.mla is not None:
        return "mla"
    if shape.kv_heads == shape.heads:
        return "mha"
    return "mqa" if shape.kv_heads == 1 else "gqa"


def _display_name(c: Config, file: Path) -> str:
    raw_name = str(c.get("_name_or_path", default="") or "")
    if not raw_name or raw_name.startswith((".", "/")):
        raw_name = file.parent.name if file.name == "config.json" else file.stem
    return raw_name


def _load(path: str | Path) -> Config:
    file = Path(path)
    if file.is_dir():
        file = file / "config.json"
    data = read_json(file)
    if not isinstance(data.get("num_hidden_layers"), int) and isinstance(
        data.get("text_config"), dict
    ):
        data = {**data, **data["text_config"]}  # multimodal wrappers keep the LM in text_config
    return Config(data, file)


def from_hf_config(path: str | Path) -> ModelSpec:
    """A ``ModelSpec`` from a local Hugging Face ``config.json`` (a file, or a folder holding one).

    Shapes come straight from the config. The parameter counts are estimated from the
    architecture: embeddings, each layer's attention and MLP (three matrices for gated SwiGLU
    models, two otherwise; all experts for the total, the routed-to ones for the active count),
    biases and norms. Use ``params_from_safetensors`` for an exact count.
    """
    c = _load(path)
    model_type = str(c.get("model_type", default="")).lower()
    shape, extra = _read_shape(c, model_type)
    total, active = count_params(shape)
    window, full_layers = _sliding_window(c, model_type, shape.layers)
    raw_name = _display_name(c, c.path)
    context = c.integer(*_CONTEXT_KEYS, default=0)
    notes = [extra.get("note", "")] + ([] if context else ["no context length in config.json"])
    spec = ModelSpec(
        key=normalise(raw_name) or "config",
        name=raw_name,
        params_total=total,
        params_active=active,
        layers=shape.layers,
        hidden_size=shape.hidden_size,
        heads=shape.heads,
        kv_heads=shape.kv_heads,
        head_dim=shape.head_dim,
        ffn_size=shape.expert_ffn_size if shape.experts else shape.ffn_size,
        vocab_size=shape.vocab_size,
        context_length=context,
        attention=_attention_kind(shape),
        source=f"estimated from config.json ({c.path})",
        as_of=datetime.date.today().isoformat(),
        experts=shape.experts,
        experts_active=shape.experts_active,
        sliding_window=window,
        full_attention_layers=full_layers,
        kv_lora_rank=extra.get("kv_lora_rank", 0),
        qk_rope_head_dim=extra.get("qk_rope_head_dim", 0),
        v_head_dim=extra.get("v_head_dim", 0),
        notes="; ".join(n for n in notes if n),
        architecture=shape,
    )
    check(spec, str(c.path))
    return spec
