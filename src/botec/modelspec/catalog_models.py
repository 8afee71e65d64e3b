"""The model catalog (``catalog/models.toml``): look-up by key, display name or alias, and the
"did you mean" suggestions for a name it does not hold."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

from botec.core.errors import BotecInputError
from botec.modelspec.spec import ModelSpec, check, normalise

CATALOG = Path(__file__).parent.parent / "catalog" / "models.toml"

# Fields a catalog table may set ("key" is the table's name; "architecture" is never stated).
_TABLE_FIELDS = frozenset(f.name for f in fields(ModelSpec)) - {"architecture"}
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
    unknown = sorted(set(table) - _TABLE_FIELDS)
    if unknown:
        raise BotecInputError(
            where, unknown[0], f"only the fields {', '.join(sorted(_TABLE_FIELDS))}"
        )
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
    check(spec, where)
    return spec


@cache
def catalog() -> dict[str, ModelSpec]:
    """Every catalog entry by its normalised key."""
    try:
        with CATALOG.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BotecInputError("catalog", str(CATALOG), f"a readable TOML file ({exc})") from None
    return {
        normalise(key): _spec_from_table(normalise(key), table, CATALOG.name)
        for key, table in data.items()
    }


@cache
def _index() -> dict[str, str]:
    """Every accepted spelling (normalised key, name, alias) -> catalog key."""
    index: dict[str, str] = {}
    for key, spec in catalog().items():
        for spelling in (key, spec.name, *spec.aliases):
            index.setdefault(normalise(spelling), key)
    return index


def model_names() -> list[str]:
    """Catalog keys, sorted."""
    return sorted(catalog())


def find_model(name: str) -> ModelSpec | None:
    """The catalog entry ``name`` spells (key, display name or alias, as typed or normalised)."""
    return catalog().get(name) or catalog().get(_index().get(normalise(name), ""))


def suggestions(name: str, limit: int = 3) -> list[str]:
    """Catalog keys whose key, name or alias is spelt close to ``name`` (best first)."""
    import difflib  # only on a miss, to keep start-up fast

    index = _index()
    close = difflib.get_close_matches(normalise(name), list(index), n=6, cutoff=0.6)
    return list(dict.fromkeys(index[c] for c in close))[:limit]


def did_you_mean(name: str) -> str:
    """'; did you mean llama-2-7b?' or '' when nothing in the catalog is close."""
    close = suggestions(name)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def get_model(name: str, field_name: str = "model") -> ModelSpec:
    """Look a model up by key, display name or alias, as typed or normalised.

    >>> get_model("meta-llama/Llama-2-70b-hf").kv_heads
    8
    """
    if not isinstance(name, str):
        raise BotecInputError(field_name, name, "a model name such as llama-2-7b")
    spec = find_model(name)
    if spec is not None:
        return spec
    raise BotecInputError(
        field_name, name, f"a model in the catalog: {', '.join(model_names())}{did_you_mean(name)}"
    )
