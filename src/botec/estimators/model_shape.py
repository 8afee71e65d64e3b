"""A typical attention shape for a dense decoder of a given size, when the scenario gives none."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    layers: int
    d_model: int
    kv_heads: int
    head_dim: int
    source: str


# Dense GPT-style decoders have about 12·L·d² parameters (4d² attention + 8d² MLP per layer) and
# keep d/L near 128: LLaMA 7B 4096/32, LLaMA 13B 5120/40, GPT-3 175B 12288/96.
_ASPECT = 128
_HEAD_DIM = 128


def typical_shape(params: float) -> Shape:
    """Layers and width for ``params`` parameters, multi-head attention (the conservative case).

    >>> s = typical_shape(6.7e9); (s.layers, s.d_model, s.kv_heads)
    (33, 4096, 32)
    """
    d_model = (_ASPECT * params / 12) ** (1 / 3)
    d_model = max(_HEAD_DIM, round(d_model / _HEAD_DIM) * _HEAD_DIM)
    layers = max(1, round(params / (12 * d_model**2)))
    return Shape(
        layers=layers,
        d_model=d_model,
        kv_heads=d_model // _HEAD_DIM,
        head_dim=_HEAD_DIM,
        source="typical dense decoder: P ≈ 12·L·d², d/L ≈ 128, head_dim 128, no GQA",
    )
