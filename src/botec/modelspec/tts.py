"""The speech-synthesis catalog (``catalog/tts.toml``): text-to-speech models and their shapes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from botec.modelspec.toml_catalog import find, load_entries

CATALOG = Path(__file__).parent.parent / "catalog" / "tts.toml"

_Whole = Annotated[int, Field(ge=1, le=10_000_000)]
_Positive = Annotated[float, Field(gt=0, le=1e13)]


class TtsModel(BaseModel):
    """A text-to-speech model: autoregressive (token by token) or flow (a few whole passes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: Literal["autoregressive", "flow"]
    layers: _Whole
    hidden_size: _Whole
    params_per_token: _Positive
    steps_per_audio_second: _Positive = 1.0
    extra_steps: Annotated[int, Field(ge=0, le=10_000)] = 0
    kv_dim: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    frames_per_second: _Positive = 1.0
    default_steps: _Whole = 1
    guidance_passes: Literal[1, 2] = 1
    source: str
    as_of: str


@cache
def catalog() -> dict[str, TtsModel]:
    return load_entries(CATALOG, TtsModel)


def tts_names() -> list[str]:
    return sorted(catalog())


def get_tts_model(name: str, field: str = "model") -> TtsModel:
    return find(catalog(), name, field, "a speech-synthesis model")
