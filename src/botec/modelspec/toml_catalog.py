"""A small catalog file of one kind of model (generators, encoders): entries validated by a
pydantic model, looked up by key, name or alias, unknown names answered with a "did you mean"."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from botec.core.errors import BotecInputError
from botec.modelspec.spec import normalise

T = TypeVar("T", bound=BaseModel)


def load_entries(path: Path, model: type[T]) -> dict[str, T]:
    """Every table of the TOML file at ``path`` as a ``model``, by normalised key."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = {}
    for key, table in data.items():
        try:
            out[normalise(key)] = model(key=normalise(key), **table)
        except ValidationError as exc:
            raise BotecInputError(f"{path.name} [{key}]", table, str(exc)) from None
    return out


def find(
    entries: Mapping[str, T],
    name: str,
    field: str,
    what: str,
    keep: Callable[[T], bool] = lambda _: True,
) -> T:
    """The entry named ``name`` (key, display name or alias) that ``keep`` accepts; otherwise
    refused, naming ``field`` and the entries that would do."""
    wanted = normalise(str(name))
    for key, entry in entries.items():
        spellings = (key, getattr(entry, "name", ""), *getattr(entry, "aliases", ()))
        if wanted in (normalise(s) for s in spellings) and keep(entry):
            return entry
    names = sorted(k for k, e in entries.items() if keep(e))
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.4)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise BotecInputError(field, name, f"{hint}{what}: {', '.join(names)}")


def as_tuple(value: Any) -> tuple[str, ...]:
    return tuple(value or ())
