"""Hugging Face ``config.json`` keys, family by family, mapped onto one :class:`ParamShape`.

Llama-style decoders (Llama, Mistral, Mixtral, Qwen2/3 and their MoE variants, DeepSeek-V2/V3,
Phi-3, Granite, and any SwiGLU decoder with the same keys), OPT, GPT-J, Falcon, MPT and BLOOM.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError
from botec.estimators.model_params import MLAShape, ParamShape


class Config:
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

    def flag(self, name: str, default: bool) -> bool:
        """A true/false key: JSON's true or false only ("false", a string, is not false)."""
        value = self.get(name, default=default)
        if not isinstance(value, bool):
            raise BotecInputError(f"{self.path}: {name}", value, "true or false")
        return value

    def names(self, name: str) -> list[str]:
        """A list of strings (``layer_types``); [] when absent."""
        value = self.get(name, default=[])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BotecInputError(f"{self.path}: {name}", value, "a list of strings")
        return value

    def integer(self, *names: str, default: int | None = None) -> int:
        value = self.get(*names)
        if value is None:
            if default is not None:
                return default
            alternatives = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
            raise BotecInputError(
                str(self.path), f"no {names[0]!r}", f"a config.json with {names[0]!r}{alternatives}"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
            or value != int(value)
        ):
            raise BotecInputError(f"{self.path}: {names[0]}", value, "a whole number")
        if value < 0:
            raise BotecInputError(f"{self.path}: {names[0]}", value, "a non-negative number")
        top = _LAYER_LIMIT if names[0] in _LAYER_KEYS else _SIZE_LIMIT
        if value > top:  # a layer loop or a product of sizes must stay finite and quick
            raise BotecInputError(f"{self.path}: {names[0]}", value, f"at most {top:,}")
        return int(value)


# The largest published models have ~160 layers and vocabularies and contexts of ~10^7 at most:
# bounds a hundred to a thousand times past them refuse only corrupt or hostile files.
_LAYER_KEYS = {"num_hidden_layers", "n_layer", "num_layers", "n_layers"}
_LAYER_LIMIT = 100_000
_SIZE_LIMIT = 10**10


LLAMA_LIKE = {  # SwiGLU MLP, RMSNorm, no LayerNorm biases: what _shape_llama_like counts
    "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "deepseek_v2",
    "deepseek_v3", "phi3", "granite",
}  # fmt: skip


def _moe_keys(c: Config, layers: int, ffn: int) -> dict[str, Any]:
    """The mixture-of-experts fields of a Llama-style config (empty for a dense model)."""
    experts = c.integer("num_local_experts", "num_experts", "n_routed_experts", default=0)
    if not experts:
        return {}
    first_dense = c.integer("first_k_dense_replace", default=0)
    frequency = c.integer("moe_layer_freq", default=1) or 1
    step = c.integer("decoder_sparse_step", default=1) or 1
    mlp_only = set(c.get("mlp_only_layers", default=[]) or [])
    shared = c.integer("moe_intermediate_size", default=0) * c.integer(
        "n_shared_experts", default=0
    ) or c.integer("shared_expert_intermediate_size", default=0)
    return {
        "experts": experts,
        "experts_active": c.integer("num_experts_per_tok", "num_experts_per_token"),
        "expert_ffn_size": c.integer("moe_intermediate_size", default=ffn),
        "shared_ffn_size": shared,
        "shared_gate": c.has("shared_expert_intermediate_size"),
        "router_bias": c.get("topk_method") == "noaux_tc",
        "moe_layers": sum(
            1
            for i in range(layers)
            if i >= first_dense and i % frequency == 0 and (i + 1) % step == 0 and i not in mlp_only
        ),
    }


def _mla_keys(c: Config, extra: dict[str, Any]) -> dict[str, Any]:
    """DeepSeek's multi-head latent attention fields (empty without ``kv_lora_rank``)."""
    if not c.has("kv_lora_rank"):
        return {}
    nope, rope = c.integer("qk_nope_head_dim"), c.integer("qk_rope_head_dim")
    mla = MLAShape(
        q_lora_rank=c.integer("q_lora_rank", default=0), kv_lora_rank=c.integer("kv_lora_rank"),
        qk_nope_head_dim=nope, qk_rope_head_dim=rope,
        v_head_dim=c.integer("v_head_dim", default=nope),
    )  # fmt: skip
    extra.update(kv_lora_rank=mla.kv_lora_rank, qk_rope_head_dim=rope, v_head_dim=mla.v_head_dim)
    if c.integer("num_nextn_predict_layers", default=0):
        extra["note"] = "multi-token-prediction layers in the checkpoint are not counted"
    return {"mla": mla, "head_dim": nope + rope}


def shape_llama_like(c: Config, model_type: str) -> tuple[ParamShape, dict[str, Any]]:
    h = c.integer("hidden_size")
    heads = c.integer("num_attention_heads")
    layers = c.integer("num_hidden_layers")
    ffn = c.integer("intermediate_size")
    extra: dict[str, Any] = {}
    keys: dict[str, Any] = dict(
        layers=layers, hidden_size=h, heads=heads,
        kv_heads=c.integer("num_key_value_heads", default=heads),
        head_dim=c.integer("head_dim", default=h // heads if heads else 0), ffn_size=ffn,
        vocab_size=c.integer("vocab_size"), tied=c.flag("tie_word_embeddings", False),
        norm_vectors=1,
        qkv_bias=bool(c.get("attention_bias", default=model_type in ("qwen2", "qwen2_moe"))),
        o_bias=bool(c.get("attention_bias", default=False)),
        mlp_bias=bool(c.get("mlp_bias", default=False)), qk_norm=model_type.startswith("qwen3"),
    )  # fmt: skip
    keys.update(_moe_keys(c, layers, ffn))
    keys.update(_mla_keys(c, extra))
    return ParamShape(**keys), extra


def shape_opt(c: Config) -> ParamShape:
    h = c.integer("hidden_size")
    heads = c.integer("num_attention_heads")
    if c.integer("word_embed_proj_dim", default=h) != h:  # OPT-350m projects its embeddings
        raise BotecInputError(
            f"{c.path}: word_embed_proj_dim", c.get("word_embed_proj_dim"), f"equal to {h}"
        )
    bias = bool(c.get("enable_bias", default=True))
    return ParamShape(
        layers=c.integer("num_hidden_layers"), hidden_size=h, heads=heads, kv_heads=heads,
        head_dim=h // heads, ffn_size=c.integer("ffn_dim"), vocab_size=c.integer("vocab_size"),
        gated=False, tied=c.flag("tie_word_embeddings", True), norm_vectors=2,
        qkv_bias=bias, o_bias=bias, mlp_bias=bias,
        learned_positions=c.integer("max_position_embeddings") + 2,
    )  # fmt: skip


def shape_gptj(c: Config) -> ParamShape:
    h = c.integer("n_embd", "hidden_size")
    heads = c.integer("n_head", "num_attention_heads")
    return ParamShape(
        layers=c.integer("n_layer", "num_hidden_layers"), hidden_size=h, heads=heads,
        kv_heads=heads, head_dim=h // heads, ffn_size=c.integer("n_inner", default=4 * h),
        vocab_size=c.integer("vocab_size"), gated=False,
        tied=c.flag("tie_word_embeddings", False), norm_vectors=2, norms_per_layer=1,
        mlp_bias=True, lm_head_bias=True,
    )  # fmt: skip


def shape_falcon(c: Config) -> ParamShape:
    h = c.integer("hidden_size", "n_embed")
    heads = c.integer("num_attention_heads", "n_head")
    new_arch = c.flag("new_decoder_architecture", False) or (
        c.has("n_head_kv") and c.get("model_type") == "RefinedWeb"
    )
    if new_arch:
        kv_heads = c.integer("num_kv_heads", "n_head_kv")
    elif c.flag("multi_query", True):
        kv_heads = 1
    else:
        kv_heads = heads
    if new_arch:  # separate norms before attention and MLP unless the config says one
        norms = c.integer("num_ln_in_parallel_attn", default=2)
    else:  # parallel attention/MLP share one norm; sequential blocks have two
        norms = 1 if c.get("parallel_attn", default=True) else 2
    bias = bool(c.get("bias", default=False))
    return ParamShape(
        layers=c.integer("num_hidden_layers", "n_layer"), hidden_size=h, heads=heads,
        kv_heads=kv_heads, head_dim=h // heads,
        ffn_size=c.integer("ffn_hidden_size", default=4 * h), vocab_size=c.integer("vocab_size"),
        gated=False,
        tied=c.flag("tie_word_embeddings", True), norm_vectors=2,
        norms_per_layer=norms, qkv_bias=bias, o_bias=bias, mlp_bias=bias,
    )  # fmt: skip


def shape_mpt(c: Config) -> ParamShape:
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
    if not isinstance(ffn_config, dict):
        raise BotecInputError(f"{c.path}: ffn_config", ffn_config, "a mapping of MLP settings")
    expansion = c.get("expansion_ratio", default=ffn_config.get("expansion_ratio", 4))
    if (
        isinstance(expansion, bool)
        or not isinstance(expansion, int | float)
        or not (0 < expansion <= 1_000)
    ):  # a float past 1e308 or a string would overflow or break int() below
        raise BotecInputError(f"{c.path}: expansion_ratio", expansion, "a number from 0 to 1,000")
    ffn = Config(ffn_config, c.path).integer("ffn_hidden_size", default=0) or int(expansion * h)
    bias = not c.get("no_bias", default=True)
    positional = attn.get("alibi", False) or attn.get("rope", False)
    learned = c.get("learned_pos_emb", default=True) and not positional
    return ParamShape(
        layers=c.integer("n_layers"), hidden_size=h, heads=heads, kv_heads=kv_heads,
        head_dim=h // heads, ffn_size=ffn, vocab_size=c.integer("vocab_size"),
        gated=ffn_config.get("ffn_type") == "mptglu", tied=True, norm_vectors=2 if bias else 1,
        qkv_bias=bias, o_bias=bias, mlp_bias=bias,
        learned_positions=c.integer("max_seq_len") if learned else 0,
    )  # fmt: skip


def shape_bloom(c: Config) -> ParamShape:
    h = c.integer("hidden_size", "n_embed")
    heads = c.integer("n_head", "num_attention_heads")
    return ParamShape(
        layers=c.integer("n_layer", "num_hidden_layers"), hidden_size=h, heads=heads,
        kv_heads=heads, head_dim=h // heads, ffn_size=4 * h, vocab_size=c.integer("vocab_size"),
        gated=False, tied=c.flag("tie_word_embeddings", True), norm_vectors=2,
        qkv_bias=True, o_bias=True, mlp_bias=True, embed_norm=True,
    )  # fmt: skip


def shape_for(c: Config, model_type: str) -> tuple[ParamShape, dict[str, Any]]:
    """Dispatch on ``model_type`` to the family's reader."""
    readers = {
        "opt": shape_opt, "gptj": shape_gptj, "falcon": shape_falcon,
        "refinedweb": shape_falcon, "refinedwebmodel": shape_falcon, "mpt": shape_mpt,
        "bloom": shape_bloom,
    }  # fmt: skip
    if model_type in readers:
        return readers[model_type](c), {}
    gated = str(c.get("hidden_act", default="")).lower() in ("silu", "swish", "swiglu")
    if model_type in LLAMA_LIKE or (
        c.has("num_hidden_layers") and c.has("intermediate_size") and gated
    ):
        shape, extra = shape_llama_like(c, model_type)
        if model_type not in LLAMA_LIKE:
            extra["note"] = f"model_type {model_type!r} estimated as a Llama-style decoder"
        return shape, extra
    raise BotecInputError(
        f"{c.path}: model_type",
        c.get("model_type"),
        "a Llama-style, Mistral/Mixtral, Qwen, DeepSeek, OPT, GPT-J, Falcon, MPT or BLOOM "
        "config.json",
    )
