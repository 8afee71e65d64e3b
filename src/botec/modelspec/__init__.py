"""Model architectures: a catalog of published shapes, plus readers for local checkpoints.

The catalog (``catalog/models.toml``) holds one entry per model with the numbers a back-of-the-
envelope estimate needs: parameter counts (total and active per token), layer count, widths,
attention and key/value heads, context length, mixture-of-experts and sliding-window settings.
Every entry names where its numbers come from.

Two readers fill the same ``ModelSpec`` from files on disk, without downloading anything:
``from_hf_config`` reads a Hugging Face ``config.json`` (and estimates the parameter count from the
architecture), and ``params_from_safetensors`` counts parameters exactly from the header of a
``.safetensors`` file or a sharded ``model.safetensors.index.json``, never touching tensor data.
Only when asked (``hf:owner/name``, or an ``owner/name`` not in the catalog), ``from_hf_hub``
fetches a repository's ``config.json`` (never weights) from the Hugging Face Hub.

>>> spec = get_model("Llama-2-7b")
>>> spec.kv_values_per_token() * 2  # bytes per token of KV cache in FP16
524288
>>> get_model("mistral-7b").kv_tokens(32768)  # a 4,096-token sliding window caps the cache
4096
"""

from __future__ import annotations

import datetime
import json
import math
import re
import struct
import tomllib
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError

_CATALOG = Path(__file__).parent.parent / "catalog" / "models.toml"
_ATTENTION_KINDS = ("mha", "gqa", "mqa", "mla")
# The safetensors format caps the JSON header at 100 MB; anything larger is not a valid file.
_MAX_HEADER_BYTES = 100_000_000
# Bytes per element of the safetensors dtypes whose size is a whole number of bytes.
_DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
    "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
    "U32": 4, "I32": 4, "F32": 4,
    "U64": 8, "I64": 8, "F64": 8,
}  # fmt: skip


@dataclass(frozen=True)
class ModelSpec:
    """One model's architecture, with the source of its numbers.

    ``ffn_size`` is the MLP intermediate width; for a mixture-of-experts model it is the width of
    one expert. ``head_dim`` is the query/key head width (for MLA: the no-position part plus the
    rotary part). ``params_active`` equals ``params_total`` for a dense model.
    """

    key: str
    name: str
    params_total: int
    params_active: int
    layers: int
    hidden_size: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn_size: int
    vocab_size: int
    context_length: int
    attention: str
    source: str
    as_of: str
    experts: int = 0
    experts_active: int = 0
    sliding_window: int = 0
    kv_lora_rank: int = 0
    qk_rope_head_dim: int = 0
    notes: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    def kv_values_per_token(self) -> int:
        """Values cached per token across all layers (multiply by bytes per value for bytes).

        MHA, GQA and MQA cache one key and one value vector per KV head per layer:
        ``2 * layers * kv_heads * head_dim``. MLA (DeepSeek-V2/V3) caches one compressed latent
        plus the shared rotary key per layer: ``layers * (kv_lora_rank + qk_rope_head_dim)``.
        """
        if self.attention == "mla":
            return self.layers * (self.kv_lora_rank + self.qk_rope_head_dim)
        return 2 * self.layers * self.kv_heads * self.head_dim

    def kv_tokens(self, context: float) -> float:
        """Tokens actually held in the KV cache for a sequence of ``context`` tokens."""
        if self.sliding_window > 0:
            return min(context, self.sliding_window)
        return context


# --------------------------------------------------------------------------------------------
# The catalog
# --------------------------------------------------------------------------------------------


def _normalise(name: str) -> str:
    """'meta-llama/Llama_2 7b' -> 'llama-2-7b': lower case, hyphenated, without the org."""
    cleaned = re.sub(r"[\s_]+", "-", name.strip().lower())
    return cleaned.rsplit("/", 1)[-1]


_INT_FIELDS = tuple(f.name for f in fields(ModelSpec) if f.type in ("int", int) and f.name != "key")
_REQUIRED = (
    "name", "params_total", "params_active", "layers", "hidden_size", "heads", "kv_heads",
    "head_dim", "ffn_size", "vocab_size", "context_length", "attention", "source", "as_of",
)  # fmt: skip


def _spec_from_table(key: str, table: dict[str, Any], origin: str) -> ModelSpec:
    where = f"{origin} [{key}]"
    missing = [name for name in _REQUIRED if name not in table]
    if missing:
        raise BotecInputError(where, f"no {missing[0]!r}", f"an entry with {', '.join(_REQUIRED)}")
    known = {f.name for f in fields(ModelSpec)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise BotecInputError(where, unknown[0], f"only the fields {', '.join(sorted(known))}")
    values = dict(table)
    for name in _INT_FIELDS:
        if name in values and (type(values[name]) is not int or values[name] < 0):
            raise BotecInputError(f"{where}.{name}", values[name], "a non-negative integer")
    for name in ("name", "attention", "source", "as_of", "notes"):
        if name in values and not isinstance(values[name], str):
            raise BotecInputError(f"{where}.{name}", values[name], "a string")
    aliases = values.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise BotecInputError(f"{where}.aliases", aliases, "a list of strings")
    values["aliases"] = tuple(aliases)
    spec = ModelSpec(key=key, **values)
    _check(spec, where)
    return spec


def _check(spec: ModelSpec, where: str) -> None:
    """Consistency rules every spec obeys, from the catalog or from a config.json."""
    if spec.attention not in _ATTENTION_KINDS:
        raise BotecInputError(f"{where}.attention", spec.attention, "mha, gqa, mqa or mla")
    for name in ("layers", "hidden_size", "heads", "kv_heads", "head_dim", "vocab_size"):
        if getattr(spec, name) <= 0:
            raise BotecInputError(f"{where}.{name}", getattr(spec, name), "a positive integer")
    if not 0 < spec.params_active <= spec.params_total:
        raise BotecInputError(
            f"{where}.params_active", spec.params_active, f"between 1 and {spec.params_total:,}"
        )
    if spec.heads % spec.kv_heads:
        raise BotecInputError(f"{where}.kv_heads", spec.kv_heads, f"a divisor of {spec.heads}")
    if spec.attention == "mla" and (spec.kv_lora_rank <= 0 or spec.qk_rope_head_dim <= 0):
        raise BotecInputError(
            f"{where}.kv_lora_rank", spec.kv_lora_rank, "positive kv_lora_rank and qk_rope_head_dim"
        )
    if bool(spec.experts) != bool(spec.experts_active) or spec.experts_active > spec.experts:
        raise BotecInputError(
            f"{where}.experts_active", spec.experts_active, f"between 1 and {spec.experts}"
        )


@cache
def _catalog() -> dict[str, ModelSpec]:
    try:
        with _CATALOG.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BotecInputError("catalog", str(_CATALOG), f"a readable TOML file ({exc})") from None
    return {
        _normalise(key): _spec_from_table(_normalise(key), table, _CATALOG.name)
        for key, table in data.items()
    }


@cache
def _index() -> dict[str, str]:
    """Every accepted spelling (normalised key, name, alias) -> catalog key."""
    index: dict[str, str] = {}
    for key, spec in _catalog().items():
        for spelling in (key, spec.name, *spec.aliases):
            index.setdefault(_normalise(spelling), key)
    return index


def model_names() -> list[str]:
    """Catalog keys, sorted."""
    return sorted(_catalog())


def get_model(name: str, field_name: str = "model") -> ModelSpec:
    """Look a model up by key, display name or alias, as typed or normalised.

    >>> get_model("meta-llama/Llama-2-70b-hf").kv_heads
    8
    """
    if not isinstance(name, str):
        raise BotecInputError(field_name, name, "a model name such as llama-2-7b")
    spec = _catalog().get(name) or _catalog().get(_index().get(_normalise(name), ""))
    if spec is not None:
        return spec
    import difflib  # only on a miss, to keep start-up fast

    index = _index()
    close = difflib.get_close_matches(_normalise(name), list(index), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(index[c] for c in close))[:3]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
    raise BotecInputError(
        field_name, name, f"a model in the catalog: {', '.join(model_names())}{hint}"
    )


# --------------------------------------------------------------------------------------------
# Hugging Face config.json
# --------------------------------------------------------------------------------------------


@dataclass
class _Shape:
    """What the parameter estimate needs, in one vocabulary for every family."""

    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn: int  # dense MLP width (also the width of MoE models' dense layers)
    vocab: int
    gated: bool = True  # SwiGLU-style MLP: three matrices instead of two
    tied: bool = False  # output projection shares the input embedding
    norm: int = 0  # parameters per normalisation layer (hidden for RMSNorm, 2*hidden for LN+bias)
    norms_per_layer: int = 2
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False
    qk_norm: bool = False
    learned_positions: int = 0
    lm_head_bias: bool = False
    embed_norm: bool = False
    experts: int = 0
    experts_active: int = 0
    expert_ffn: int = 0
    shared_ffn: int = 0  # total width of always-on shared experts (gated)
    shared_gate: bool = False
    router_bias: bool = False
    moe_layers: int = 0
    # MLA (DeepSeek): q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim
    mla: tuple[int, int, int, int, int] | None = None


def _mlp(hidden: int, width: int, gated: bool, bias: bool) -> int:
    matrices = 3 if gated else 2
    return matrices * hidden * width + ((matrices - 1) * width + hidden if bias else 0)


def _count(s: _Shape) -> tuple[int, int]:
    """(total, active) parameters of a decoder-only transformer described by ``s``."""
    h = s.hidden
    if s.mla is not None:
        q_lora, kv_lora, nope, rope, v_dim = s.mla
        q = (
            h * q_lora + q_lora + q_lora * s.heads * (nope + rope)
            if q_lora
            else h * s.heads * (nope + rope)
        )
        attn = q + h * (kv_lora + rope) + kv_lora + kv_lora * s.heads * (nope + v_dim)
        attn += s.heads * v_dim * h
    else:
        q_width, kv_width = s.heads * s.head_dim, s.kv_heads * s.head_dim
        attn = h * q_width + 2 * h * kv_width + q_width * h
        attn += (q_width + 2 * kv_width if s.qkv_bias else 0) + (h if s.o_bias else 0)
    attn += 2 * s.head_dim if s.qk_norm else 0
    common = attn + s.norms_per_layer * s.norm
    dense_layer = common + _mlp(h, s.ffn, s.gated, s.mlp_bias)
    routed = _mlp(h, s.expert_ffn, s.gated, s.mlp_bias)
    moe_common = common + h * s.experts + (s.experts if s.router_bias else 0)
    moe_common += _mlp(h, s.shared_ffn, True, False) if s.shared_ffn else 0
    moe_common += h if s.shared_gate else 0
    moe_total = moe_common + s.experts * routed
    moe_active = moe_common + s.experts_active * routed

    outside = s.vocab * h + s.learned_positions * h + s.norm  # embeddings + final norm
    outside += 0 if s.tied else s.vocab * h
    outside += s.vocab if s.lm_head_bias else 0
    outside += s.norm if s.embed_norm else 0
    dense_layers = s.layers - s.moe_layers
    total = outside + dense_layers * dense_layer + s.moe_layers * moe_total
    active = outside + dense_layers * dense_layer + s.moe_layers * moe_active
    return total, active


class _Config:
    """A config.json's keys, with errors that name the file and the missing key."""

    def __init__(self, data: dict[str, Any], path: Path) -> None:
        self.data, self.path = data, path

    def has(self, *names: str) -> bool:
        return any(self.data.get(n) is not None for n in names)

    def get(self, *names: str, default: Any = None) -> Any:
        for name in names:
            if self.data.get(name) is not None:
                return self.data[name]
        return default

    def integer(self, *names: str, default: int | None = None) -> int:
        value = self.get(*names)
        if value is None:
            if default is not None:
                return default
            alternatives = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
            raise BotecInputError(
                str(self.path), f"no {names[0]!r}", f"a config.json with {names[0]!r}{alternatives}"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise BotecInputError(f"{self.path}: {names[0]}", value, "a whole number")
        if value < 0:
            raise BotecInputError(f"{self.path}: {names[0]}", value, "a non-negative number")
        return int(value)


_LLAMA_LIKE = {  # SwiGLU MLP, RMSNorm, no LayerNorm biases: what _shape_llama_like counts
    "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "deepseek_v2",
    "deepseek_v3", "phi3", "granite",
}  # fmt: skip


def _shape_llama_like(c: _Config, model_type: str) -> tuple[_Shape, dict[str, Any]]:
    h = c.integer("hidden_size")
    heads = c.integer("num_attention_heads")
    kv_heads = c.integer("num_key_value_heads", default=heads)
    head_dim = c.integer("head_dim", default=h // heads if heads else 0)
    layers = c.integer("num_hidden_layers")
    ffn = c.integer("intermediate_size")
    shape = _Shape(
        layers=layers, hidden=h, heads=heads, kv_heads=kv_heads, head_dim=head_dim, ffn=ffn,
        vocab=c.integer("vocab_size"), tied=bool(c.get("tie_word_embeddings", default=False)),
        norm=h,
        qkv_bias=bool(c.get("attention_bias", default=model_type in ("qwen2", "qwen2_moe"))),
        o_bias=bool(c.get("attention_bias", default=False)),
        mlp_bias=bool(c.get("mlp_bias", default=False)), qk_norm=model_type.startswith("qwen3"),
    )  # fmt: skip
    extra: dict[str, Any] = {}
    experts = c.integer("num_local_experts", "num_experts", "n_routed_experts", default=0)
    if experts:
        shape.experts = experts
        shape.experts_active = c.integer("num_experts_per_tok", "num_experts_per_token")
        shape.expert_ffn = c.integer("moe_intermediate_size", default=ffn)
        shape.shared_ffn = c.integer("moe_intermediate_size", default=0) * c.integer(
            "n_shared_experts", default=0
        ) or c.integer("shared_expert_intermediate_size", default=0)
        shape.shared_gate = c.has("shared_expert_intermediate_size")
        shape.router_bias = c.get("topk_method") == "noaux_tc"
        first_dense = c.integer("first_k_dense_replace", default=0)
        frequency = c.integer("moe_layer_freq", default=1) or 1
        step = c.integer("decoder_sparse_step", default=1) or 1
        mlp_only = set(c.get("mlp_only_layers", default=[]) or [])
        shape.moe_layers = sum(
            1
            for i in range(layers)
            if i >= first_dense and i % frequency == 0 and (i + 1) % step == 0 and i not in mlp_only
        )
    if c.has("kv_lora_rank"):
        nope, rope = c.integer("qk_nope_head_dim"), c.integer("qk_rope_head_dim")
        shape.mla = (
            c.integer("q_lora_rank", default=0), c.integer("kv_lora_rank"), nope, rope,
            c.integer("v_head_dim", default=nope),
        )  # fmt: skip
        shape.head_dim = nope + rope
        extra.update(kv_lora_rank=shape.mla[1], qk_rope_head_dim=rope)
        if c.integer("num_nextn_predict_layers", default=0):
            extra["note"] = "multi-token-prediction layers in the checkpoint are not counted"
    return shape, extra


def _shape_opt(c: _Config) -> _Shape:
    h = c.integer("hidden_size")
    heads = c.integer("num_attention_heads")
    if c.integer("word_embed_proj_dim", default=h) != h:  # OPT-350m projects its embeddings
        raise BotecInputError(
            f"{c.path}: word_embed_proj_dim", c.get("word_embed_proj_dim"), f"equal to {h}"
        )
    bias = bool(c.get("enable_bias", default=True))
    return _Shape(
        layers=c.integer("num_hidden_layers"), hidden=h, heads=heads, kv_heads=heads,
        head_dim=h // heads, ffn=c.integer("ffn_dim"), vocab=c.integer("vocab_size"), gated=False,
        tied=bool(c.get("tie_word_embeddings", default=True)), norm=2 * h, qkv_bias=bias,
        o_bias=bias, mlp_bias=bias, learned_positions=c.integer("max_position_embeddings") + 2,
    )  # fmt: skip


def _shape_gptj(c: _Config) -> _Shape:
    h = c.integer("n_embd", "hidden_size")
    heads = c.integer("n_head", "num_attention_heads")
    return _Shape(
        layers=c.integer("n_layer", "num_hidden_layers"), hidden=h, heads=heads, kv_heads=heads,
        head_dim=h // heads, ffn=c.integer("n_inner", default=4 * h), vocab=c.integer("vocab_size"),
        gated=False, tied=bool(c.get("tie_word_embeddings", default=False)), norm=2 * h,
        norms_per_layer=1, mlp_bias=True, lm_head_bias=True,
    )  # fmt: skip


def _shape_falcon(c: _Config) -> _Shape:
    h = c.integer("hidden_size", "n_embed")
    heads = c.integer("num_attention_heads", "n_head")
    new_arch = bool(c.get("new_decoder_architecture", default=False)) or (
        c.has("n_head_kv") and c.get("model_type") == "RefinedWeb"
    )
    if new_arch:
        kv_heads = c.integer("num_kv_heads", "n_head_kv")
    elif c.get("multi_query", default=True):
        kv_heads = 1
    else:
        kv_heads = heads
    if new_arch:  # separate norms before attention and MLP unless the config says one
        norms = c.integer("num_ln_in_parallel_attn", default=2)
    else:  # parallel attention/MLP share one norm; sequential blocks have two
        norms = 1 if c.get("parallel_attn", default=True) else 2
    bias = bool(c.get("bias", default=False))
    return _Shape(
        layers=c.integer("num_hidden_layers", "n_layer"), hidden=h, heads=heads, kv_heads=kv_heads,
        head_dim=h // heads, ffn=c.integer("ffn_hidden_size", default=4 * h),
        vocab=c.integer("vocab_size"),
        gated=False, tied=bool(c.get("tie_word_embeddings", default=True)), norm=2 * h,
        norms_per_layer=norms, qkv_bias=bias, o_bias=bias, mlp_bias=bias,
    )  # fmt: skip


def _shape_mpt(c: _Config) -> _Shape:
    h = c.integer("d_model")
    heads = c.integer("n_heads")
    attn = c.get("attn_config", default={}) or {}
    ffn_config = c.get("ffn_config", default={}) or {}
    kind = attn.get("attn_type", "multihead_attention")
    kv_heads = {"multiquery_attention": 1, "grouped_query_attention": attn.get("kv_n_heads")}.get(
        kind, heads
    )
    if not isinstance(kv_heads, int) or kv_heads <= 0:
        raise BotecInputError(f"{c.path}: attn_config.kv_n_heads", kv_heads, "a positive integer")
    expansion = c.get("expansion_ratio", default=ffn_config.get("expansion_ratio", 4))
    ffn = ffn_config.get("ffn_hidden_size") or int(expansion * h)
    bias = not c.get("no_bias", default=True)
    positional = attn.get("alibi", False) or attn.get("rope", False)
    learned = c.get("learned_pos_emb", default=True) and not positional
    return _Shape(
        layers=c.integer("n_layers"), hidden=h, heads=heads, kv_heads=kv_heads, head_dim=h // heads,
        ffn=ffn, vocab=c.integer("vocab_size"), gated=ffn_config.get("ffn_type") == "mptglu",
        tied=True, norm=2 * h if bias else h, qkv_bias=bias, o_bias=bias, mlp_bias=bias,
        learned_positions=c.integer("max_seq_len") if learned else 0,
    )  # fmt: skip


def _shape_bloom(c: _Config) -> _Shape:
    h = c.integer("hidden_size", "n_embed")
    heads = c.integer("n_head", "num_attention_heads")
    return _Shape(
        layers=c.integer("n_layer", "num_hidden_layers"), hidden=h, heads=heads, kv_heads=heads,
        head_dim=h // heads, ffn=4 * h, vocab=c.integer("vocab_size"), gated=False,
        tied=bool(c.get("tie_word_embeddings", default=True)), norm=2 * h, qkv_bias=True,
        o_bias=True, mlp_bias=True, embed_norm=True,
    )  # fmt: skip


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BotecInputError("config", str(path), f"a readable config.json ({exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BotecInputError("config", str(path), f"valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BotecInputError("config", str(path), "a JSON object")
    return data


def _shape_for(c: _Config, model_type: str) -> tuple[_Shape, dict[str, Any]]:
    """Dispatch on ``model_type`` to the family's reader."""
    readers = {
        "opt": _shape_opt, "gptj": _shape_gptj, "falcon": _shape_falcon,
        "refinedweb": _shape_falcon, "refinedwebmodel": _shape_falcon, "mpt": _shape_mpt,
        "bloom": _shape_bloom,
    }  # fmt: skip
    if model_type in readers:
        return readers[model_type](c), {}
    gated = str(c.get("hidden_act", default="")).lower() in ("silu", "swish", "swiglu")
    if model_type in _LLAMA_LIKE or (
        c.has("num_hidden_layers") and c.has("intermediate_size") and gated
    ):
        shape, extra = _shape_llama_like(c, model_type)
        if model_type not in _LLAMA_LIKE:
            extra["note"] = f"model_type {model_type!r} estimated as a Llama-style decoder"
        return shape, extra
    raise BotecInputError(
        f"{c.path}: model_type",
        c.get("model_type"),
        "a Llama-style, Mistral/Mixtral, Qwen, DeepSeek, OPT, GPT-J, Falcon, MPT or BLOOM "
        "config.json",
    )


def from_hf_config(path: str | Path) -> ModelSpec:
    """A ``ModelSpec`` from a local Hugging Face ``config.json`` (a file, or a folder holding one).

    Shapes come straight from the config. The parameter counts are estimated from the
    architecture: embeddings, each layer's attention and MLP (three matrices for gated SwiGLU
    models, two otherwise; all experts for the total, the routed-to ones for the active count),
    biases and norms. Use ``params_from_safetensors`` for an exact count.
    """
    file = Path(path)
    if file.is_dir():
        file = file / "config.json"
    data = _read_json(file)
    if not isinstance(data.get("num_hidden_layers"), int) and isinstance(
        data.get("text_config"), dict
    ):
        data = {**data, **data["text_config"]}  # multimodal wrappers keep the LM in text_config
    c = _Config(data, file)
    model_type = str(c.get("model_type", default="")).lower()
    try:
        shape, extra = _shape_for(c, model_type)
    except BotecInputError:
        raise
    except (ZeroDivisionError, TypeError, ValueError, AttributeError) as exc:
        raise BotecInputError(
            str(file), f"unusable values ({exc})", "a config.json with positive sizes and counts"
        ) from None
    if shape.heads <= 0 or shape.kv_heads <= 0 or shape.heads % shape.kv_heads:
        raise BotecInputError(
            f"{file}: key/value heads", shape.kv_heads, f"a divisor of {shape.heads} heads"
        )
    total, active = _count(shape)

    window = c.integer("sliding_window", default=0)
    if c.get("use_sliding_window") is False:
        window = 0
    kinds = set(c.get("layer_types", default=[]) or [])
    if window and (model_type in ("gemma2", "gemma3") or len(kinds) > 1):
        window = 0  # only some layers slide: the full-attention layers still cache everything
        partial = "sliding window on some layers only; the KV cache is not capped by it"
        extra["note"] = "; ".join(n for n in (extra.get("note"), partial) if n)
    if shape.mla is not None:
        attention = "mla"
    elif shape.kv_heads == shape.heads:
        attention = "mha"
    else:
        attention = "mqa" if shape.kv_heads == 1 else "gqa"
    raw_name = str(c.get("_name_or_path", default="") or "")
    if not raw_name or raw_name.startswith((".", "/")):
        raw_name = file.parent.name if file.name == "config.json" else file.stem
    context_keys = (
        "max_position_embeddings", "max_sequence_length", "n_positions", "max_seq_len",
        "seq_length",
    )  # fmt: skip
    context = c.integer(*context_keys, default=0)
    notes = [extra.get("note", "")] + ([] if context else ["no context length in config.json"])
    spec = ModelSpec(
        key=_normalise(raw_name) or "config",
        name=raw_name,
        params_total=total,
        params_active=active,
        layers=shape.layers,
        hidden_size=shape.hidden,
        heads=shape.heads,
        kv_heads=shape.kv_heads,
        head_dim=shape.head_dim,
        ffn_size=shape.expert_ffn if shape.experts else shape.ffn,
        vocab_size=shape.vocab,
        context_length=context,
        attention=attention,
        source=f"estimated from config.json ({file})",
        as_of=datetime.date.today().isoformat(),
        experts=shape.experts,
        experts_active=shape.experts_active,
        sliding_window=window,
        kv_lora_rank=extra.get("kv_lora_rank", 0),
        qk_rope_head_dim=extra.get("qk_rope_head_dim", 0),
        notes="; ".join(n for n in notes if n),
    )
    _check(spec, str(file))
    return spec


# --------------------------------------------------------------------------------------------
# The Hugging Face Hub (only when asked, and only config.json)
# --------------------------------------------------------------------------------------------

HF_HUB_URL = "https://huggingface.co/{repo}/resolve/{revision}/config.json"
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")


def from_hf_hub(repo_id: str, revision: str = "main", timeout_s: float = 10.0) -> ModelSpec:
    """A ``ModelSpec`` from the ``config.json`` of a Hub repository (network needed).

    Downloads that one small file (never weights) into a temporary folder and reads it like a
    local config. Gated repositories need ``HF_TOKEN`` in the environment.
    """
    import os
    import tempfile
    import urllib.error
    import urllib.request

    repo = repo_id.removeprefix("hf:").strip()
    if not _REPO_ID.match(repo) or ".." in repo or not re.match(r"^[\w.-]{1,64}$", revision):
        raise BotecInputError("model", repo_id, "a Hugging Face repository id such as owner/name")
    url = HF_HUB_URL.format(repo=repo, revision=revision)
    request = urllib.request.Request(url, headers={"User-Agent": "botec"})
    token = os.environ.get("HF_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read(2_000_000)
    except urllib.error.HTTPError as exc:
        hint = "a public repository (or HF_TOKEN for a gated one)"
        raise BotecInputError("model", repo_id, f"{hint}; the Hub answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise BotecInputError(
            "model",
            repo_id,
            f"a reachable Hugging Face Hub ({exc}); offline, download its config.json and pass "
            "the file's path",
        ) from None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / repo.replace("/", "--") / "config.json"
        path.parent.mkdir()
        path.write_bytes(body)
        spec = from_hf_config(path)
    return replace(
        spec, name=spec.name if "/" in spec.name else repo, source=f"config.json of {url}"
    )


def resolve_model(name: str, field_name: str = "model") -> ModelSpec:
    """A catalog name, a local config.json (file or folder), or a Hub id (``hf:owner/name``;
    a bare ``owner/name`` that is not in the catalog is looked up on the Hub too)."""
    path = Path(name)
    if name.lower().endswith(".json") or (path.is_dir() and (path / "config.json").is_file()):
        return from_hf_config(path)
    if name.startswith("hf:"):
        return from_hf_hub(name)
    try:
        return get_model(name, field_name)
    except BotecInputError:
        if _REPO_ID.match(name):
            return from_hf_hub(name)
        raise


# --------------------------------------------------------------------------------------------
# safetensors headers
# --------------------------------------------------------------------------------------------


def _safetensors_header(path: Path) -> tuple[dict[str, Any], int]:
    """The JSON header of a .safetensors file and the size of its data section."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise BotecInputError(
                    "safetensors", str(path), "a .safetensors file (truncated: no 8-byte header)"
                )
            (length,) = struct.unpack("<Q", prefix)
            if length > _MAX_HEADER_BYTES or 8 + length > size:
                raise BotecInputError(
                    "safetensors",
                    str(path),
                    f"a .safetensors file (header says {length:,} bytes of JSON, but the file "
                    f"has {size:,} bytes: truncated or not safetensors)",
                )
            raw = handle.read(length)
    except OSError as exc:
        raise BotecInputError("safetensors", str(path), f"a readable file ({exc})") from None
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BotecInputError(
            "safetensors", str(path), f"a JSON header after the length prefix ({exc})"
        ) from None
    if not isinstance(header, dict):
        raise BotecInputError("safetensors", str(path), "a JSON object as header")
    return header, size - 8 - length


def _count_safetensors_file(path: Path) -> int:
    header, data_bytes = _safetensors_header(path)
    total = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        where = f"{path}: tensor {name!r}"
        shape = info.get("shape") if isinstance(info, dict) else None
        offsets = info.get("data_offsets") if isinstance(info, dict) else None
        if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
            raise BotecInputError(where, shape, "a shape listing non-negative integers")
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(type(o) is int for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]
        ):
            raise BotecInputError(where, offsets, "data_offsets [begin, end] with begin <= end")
        if offsets[1] > data_bytes:
            raise BotecInputError(
                "safetensors",
                str(path),
                f"a complete file (tensor {name!r} ends at data byte {offsets[1]:,}, but only "
                f"{data_bytes:,} bytes of data follow the header: the file is truncated)",
            )
        elements = math.prod(shape)
        width = _DTYPE_BYTES.get(str(info.get("dtype")))
        if width is not None and offsets[1] - offsets[0] != elements * width:
            raise BotecInputError(
                where,
                offsets,
                f"{elements * width:,} bytes for shape {shape} of {info.get('dtype')}",
            )
        total += elements
    return total


def params_from_safetensors(path: str | Path) -> int:
    """Exact parameter count from safetensors headers; tensor data is never read.

    ``path`` is a ``.safetensors`` file, a ``model.safetensors.index.json`` (the shards it lists
    that exist beside it are counted; shards not downloaded are skipped, and at least one must
    exist), or a folder holding either.
    """
    file = Path(path)
    if file.is_dir():
        index, single = file / "model.safetensors.index.json", file / "model.safetensors"
        file = index if index.is_file() else single
    if file.name.endswith(".json"):
        data = _read_json(file)
        weight_map = data.get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise BotecInputError(
                "safetensors index", str(file), "a JSON object with a non-empty 'weight_map'"
            )
        shards = sorted({str(shard) for shard in weight_map.values()})
        present = [file.parent / s for s in shards if (file.parent / s).is_file()]
        if not present:
            raise BotecInputError(
                "safetensors index",
                str(file),
                f"shard files beside it (none of {', '.join(shards[:3])}... found)",
            )
        return sum(_count_safetensors_file(shard) for shard in present)
    if not file.is_file():
        raise BotecInputError("safetensors", str(path), "an existing .safetensors file")
    return _count_safetensors_file(file)
