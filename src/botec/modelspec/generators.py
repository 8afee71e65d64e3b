"""The generator catalog (``catalog/generators.toml``): image and video diffusion models, their
shapes and where each number comes from; look-up by key, name or alias with a "did you mean"."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from botec.modelspec.toml_catalog import find, load_entries

CATALOG = Path(__file__).parent.parent / "catalog" / "generators.toml"

_Positive = Annotated[float, Field(gt=0, le=1e18)]
_Whole = Annotated[int, Field(ge=1, le=10_000_000)]
_WholeOrZero = Annotated[int, Field(ge=0, le=10_000_000)]


class Generator(BaseModel):
    """One image or video generator: what its FLOPs and memory follow from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: Literal["image", "video"]
    architecture: Literal["unet", "dit"]
    denoiser_params: _Positive
    text_encoder_params: Annotated[float, Field(ge=0, le=1e15)]
    vae_params: _Positive
    latent_channels: _Whole
    vae_downsample: _Whole
    text_tokens: _WholeOrZero
    default_steps: _Whole
    guidance_passes: Literal[1, 2]
    default_width: _Whole
    default_height: _Whole
    vae_decode_flop_per_pixel: _Positive
    vae_decode_channels: _Whole
    vae_upcast_fp32: bool = False  # the VAE overflows in FP16 and is run in FP32
    # a DiT's shape
    layers: _WholeOrZero = 0
    hidden_size: _WholeOrZero = 0
    ffn_size: _WholeOrZero = 0
    projections: _WholeOrZero = 0
    patch_size: _Whole = 1
    joint_text_tokens: _WholeOrZero = 0
    cross_text_tokens: _WholeOrZero = 0
    # a UNet's cost at a reference latent size
    ref_flop_per_pass: float = 0.0
    ref_latent_positions: _WholeOrZero = 0
    attention_share: Annotated[float, Field(ge=0, lt=1)] = 0.0
    # video
    default_frames: _Whole = 1
    fps: _Positive = 1.0
    vae_temporal_downsample: _Whole = 1
    vae_decode_frames: _Whole = 1
    source: str
    as_of: str
    notes: str = ""

    def model_post_init(self, _context: object) -> None:
        if self.architecture == "dit" and not (self.layers and self.hidden_size and self.ffn_size):
            raise ValueError("a DiT needs layers, hidden_size and ffn_size")
        if self.architecture == "unet" and not (
            self.ref_flop_per_pass > 0 and self.ref_latent_positions
        ):
            raise ValueError("a UNet needs ref_flop_per_pass and ref_latent_positions")


@cache
def catalog() -> dict[str, Generator]:
    """Every generator by its normalised key (the bundled file is checked by the test suite)."""
    return load_entries(CATALOG, Generator)


def generator_names(kind: str = "") -> list[str]:
    """Catalog keys (of one ``kind``: image or video), sorted."""
    return sorted(k for k, g in catalog().items() if kind in ("", g.kind))


def get_generator(name: str, field: str = "model", kind: str = "") -> Generator:
    """A generator by key, name or alias; an unknown name (or one of the other kind) is refused
    with the names that would do."""
    what = {"image": "an image generator", "video": "a video generator"}.get(kind, "a generator")
    return find(catalog(), name, field, what, lambda g: kind in ("", g.kind))
