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


def typical_shape(params: float, partitionable: bool = False) -> Shape:
    """Layers and width for ``params`` parameters, multi-head attention (the conservative case).

    ``partitionable`` rounds the heads to a multiple of 8 and the layers to a multiple of 4, as
    real models are (so tensor parallelism up to 8 and pipeline stages of 2 or 4 divide them);
    otherwise the nearest shape (70B would get 71 layers and 71 heads, which nothing splits).

    >>> s = typical_shape(6.7e9); (s.layers, s.d_model, s.kv_heads)
    (33, 4096, 32)
    >>> s = typical_shape(70e9, partitionable=True); (s.layers, s.d_model, s.kv_heads)
    (68, 9216, 72)
    """
    heads_step, layers_step = (8, 4) if partitionable else (1, 1)
    width_step = _HEAD_DIM * heads_step
    d_model = (_ASPECT * params / 12) ** (1 / 3)
    d_model = max(width_step, round(d_model / width_step) * width_step)
    layers = max(layers_step, round(params / (12 * d_model**2) / layers_step) * layers_step)
    rounded = ", heads a multiple of 8, layers of 4" if partitionable else ""
    return Shape(
        layers=layers,
        d_model=d_model,
        kv_heads=d_model // _HEAD_DIM,
        head_dim=_HEAD_DIM,
        source=f"typical dense decoder: P ≈ 12·L·d², d/L ≈ 128, head_dim 128, no GQA{rounded}",
    )
