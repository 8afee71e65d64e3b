"""The ModelSpec dataclass (one model's shape, with the source of its numbers) and the rules every
spec obeys, whether it comes from the catalog or from a config.json."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botec.core.errors import BotecInputError

if TYPE_CHECKING:
    from botec.estimators.model_params import ParamShape

ATTENTION_KINDS = ("mha", "gqa", "mqa", "mla")


@dataclass(frozen=True)
class ModelSpec:
    """One model's architecture, with the source of its numbers.

    ``ffn_size`` is the MLP intermediate width; for a mixture-of-experts model it is the width of
    one expert. ``head_dim`` is the query/key head width (for MLA: the no-position part plus the
    rotary part). ``params_active`` equals ``params_total`` for a dense model. ``architecture``
    is what the parameter count was computed from (a spec read from a config.json has it; a
    catalog entry, which states its count, does not).
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
    # with a window: layers that still attend over the whole context (Gemma 2 and 3, gpt-oss,
    # Llama 4 interleave them with windowed ones); 0: every layer slides (Mistral 7B)
    full_attention_layers: int = 0
    kv_lora_rank: int = 0
    qk_rope_head_dim: int = 0
    v_head_dim: int = 0  # MLA's value head width where it differs from head_dim (0: the same)
    pretraining_context_length: int = 0  # the sequence the bulk of pretraining used, if published
    notes: str = ""
    aliases: tuple[str, ...] = ()
    architecture: ParamShape | None = field(default=None, compare=False, repr=False)

    @property
    def is_moe(self) -> bool:
        return self.experts > 0


def normalise(name: str) -> str:
    """'meta-llama/Llama_2 7b' -> 'llama-2-7b': lower case, hyphenated, without the org."""
    cleaned = re.sub(r"[\s_]+", "-", name.strip().lower())
    return cleaned.rsplit("/", 1)[-1]


def check(spec: ModelSpec, where: str) -> None:
    """Consistency rules every spec obeys, from the catalog or from a config.json."""
    if spec.attention not in ATTENTION_KINDS:
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
    if spec.full_attention_layers and not (
        spec.sliding_window and spec.full_attention_layers < spec.layers
    ):
        raise BotecInputError(
            f"{where}.full_attention_layers",
            spec.full_attention_layers,
            f"fewer than the {spec.layers} layers, with a sliding_window for the others "
            "(0: every layer slides, or none does without a window)",
        )
    if bool(spec.experts) != bool(spec.experts_active) or spec.experts_active > spec.experts:
        raise BotecInputError(
            f"{where}.experts_active", spec.experts_active, f"between 1 and {spec.experts}"
        )
