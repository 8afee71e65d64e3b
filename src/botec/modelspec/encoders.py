"""The encoder catalog (``catalog/encoders.toml``): text-embedding models and their shapes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from botec.modelspec.toml_catalog import find, load_entries

CATALOG = Path(__file__).parent.parent / "catalog" / "encoders.toml"

_Positive = Annotated[float, Field(gt=0, le=1e13)]
_Whole = Annotated[int, Field(ge=1, le=10_000_000)]


class Encoder(BaseModel):
    """One text-embedding encoder: what its FLOPs per token and its vectors follow from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    params: _Positive
    matmul_params: _Positive
    layers: _Whole
    hidden_size: _Whole
    output_dim: _Whole
    max_tokens: _Whole
    source: str
    as_of: str


@cache
def catalog() -> dict[str, Encoder]:
    return load_entries(CATALOG, Encoder)


def encoder_names() -> list[str]:
    return sorted(catalog())


def get_encoder(name: str, field: str = "model") -> Encoder:
    return find(catalog(), name, field, "an encoder")
