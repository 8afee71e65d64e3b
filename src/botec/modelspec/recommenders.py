"""The ranking-model catalog (``catalog/recommenders.toml``): published DLRM shapes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from botec.modelspec.toml_catalog import find, load_entries

CATALOG = Path(__file__).parent.parent / "catalog" / "recommenders.toml"

_Positive = Annotated[float, Field(gt=0, le=1e15)]


class Ranker(BaseModel):
    """A ranking model: its tables, what one scored item gathers, and its dense weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    embedding_rows: _Positive
    embedding_dim: Annotated[int, Field(ge=1, le=100_000)]
    lookups_per_sample: _Positive
    dense_params: _Positive
    source: str
    as_of: str


@cache
def catalog() -> dict[str, Ranker]:
    return load_entries(CATALOG, Ranker)


def ranker_names() -> list[str]:
    return sorted(catalog())


def get_ranker(name: str, field: str = "model") -> Ranker:
    return find(catalog(), name, field, "a ranking model")
