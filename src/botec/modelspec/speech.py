"""The speech catalog (``catalog/speech.toml``): speech-recognition models and their shapes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from botec.modelspec.toml_catalog import find, load_entries

CATALOG = Path(__file__).parent.parent / "catalog" / "speech.toml"

_Whole = Annotated[int, Field(ge=1, le=10_000_000)]
_Positive = Annotated[float, Field(gt=0, le=1e13)]


class AsrModel(BaseModel):
    """An encoder-decoder speech recogniser: what its FLOPs and weight reads follow from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    encoder_layers: _Whole
    decoder_layers: _Whole
    hidden_size: _Whole
    mel_bins: _Whole
    encoder_params: _Positive
    decoder_matmul_params: _Positive
    vocab_size: _Whole
    window_seconds: _Positive
    encoder_positions: _Whole
    max_decoder_tokens: _Whole
    source: str
    as_of: str


@cache
def catalog() -> dict[str, AsrModel]:
    return load_entries(CATALOG, AsrModel)


def asr_names() -> list[str]:
    return sorted(catalog())


def get_asr_model(name: str, field: str = "model") -> AsrModel:
    return find(catalog(), name, field, "a speech-recognition model")
