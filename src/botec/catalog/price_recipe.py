"""A price recipe (``botec prices build``'s input, TOML): each price basis with its kind, files,
regions and date, validated in full before any price list is read, so a malformed recipe is
refused naming its field and never half-built."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from annotated_types import MinLen  # constraints pydantic reads; no pydantic import here

from botec.catalog.entries import make
from botec.core.errors import BotecInputError
from botec.core.safe_io import read_text

KINDS = ("on-demand", "spot", "market")


# A recipe's keys, each with what it must be (the error for a bad one says so).
RECIPE_KEYS = {"basis": "a [basis.NAME] table per price basis, at least one"}
BASIS_KEYS = {
    "name": "the basis's name as reports print it (non-empty text)",
    "kind": f"one of {', '.join(KINDS)}",
    "source": "where the price lists came from (non-empty text)",
    "as_of": "the date the price lists were read, e.g. 2026-08 or 2026-11-29 (or pass --as-of)",
    "files": 'a table of provider = "path/to/vms.csv" (one for on-demand and spot, one or more '
    "for market; paths relative to the recipe)",
    "regions": 'a list of region names, e.g. ["us-east-1"] (leave it out for every region)',
    "spot_basis": "the name of a spot basis (text)",
}
_BASIS_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # as the catalog looks bases up
_FORBID = {"extra": "forbid"}  # an unknown key in a recipe is an error, named
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_DATE_LAYOUTS = ("%Y", "%Y-%m", "%Y-%m-%d")


@dataclass(frozen=True, kw_only=True)
class RecipeBasis:
    """One ``[basis.NAME]`` table of a recipe, validated by pydantic (an unknown key is refused)."""

    __pydantic_config__ = _FORBID

    name: Annotated[str, MinLen(1)]
    kind: Literal["on-demand", "spot", "market"]
    source: Annotated[str, MinLen(1)]
    files: Annotated[dict[Annotated[str, MinLen(1)], Annotated[str, MinLen(1)]], MinLen(1)]
    as_of: str | None = None
    regions: tuple[Annotated[str, MinLen(1)], ...] = ()
    spot_basis: str | None = None


@dataclass(frozen=True, kw_only=True)
class Recipe:
    """A price recipe: its bases, by name."""

    __pydantic_config__ = _FORBID

    basis: Annotated[dict[str, RecipeBasis], MinLen(1)]


def load_recipe(recipe_path: Path) -> Recipe:
    """The recipe at ``recipe_path``, validated: every key known, every value of its type, each
    basis named as the catalog looks it up, its files as many as its kind takes, its date a date
    and its spot basis a spot basis. A bad recipe is refused naming the field, never built into a
    catalog that botec would then refuse."""
    from pydantic import ValidationError

    text = read_text(recipe_path, "recipe")
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise BotecInputError(
            "recipe", str(recipe_path), f"a readable TOML recipe ({exc})"
        ) from None
    bases = data.get("basis")
    if isinstance(bases, dict):  # TOML reads `as_of = 2026-08-01` as a date: kept as text
        for spec in bases.values():
            if isinstance(spec, dict) and isinstance(spec.get("as_of"), dt.date | dt.datetime):
                spec["as_of"] = spec["as_of"].isoformat()
    try:
        recipe = make(Recipe, data, validate=True)
    except ValidationError as exc:
        raise _recipe_error(exc) from None
    for key, basis in recipe.basis.items():
        _check_basis(recipe, key, basis)
    return recipe


def _recipe_error(exc: Any) -> BotecInputError:
    """A pydantic error on a recipe said for people: the field, the value and what it takes.
    A value written wrongly is reported before one left out."""
    errors = exc.errors(include_url=False)
    error = next((e for e in errors if e["type"] != "missing"), errors[0])
    loc = [str(part) for part in error["loc"]]
    if loc and loc[-1] == "[key]":  # a provider named "" in files
        field = "recipe " + ".".join(loc[:-2])
        return BotecInputError(field, error.get("input"), "provider names that are not empty")
    field = "recipe " + ".".join(loc) if loc else "recipe"
    in_basis = len(loc) >= 3 and loc[0] == "basis"
    keys = BASIS_KEYS if in_basis else RECIPE_KEYS
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return BotecInputError(
            field, error.get("input"), f"no such key; allowed here: {', '.join(keys)}"
        )
    if len(loc) == 2 and loc[0] == "basis":  # [basis.NAME] is not a table
        allowed = f"a table [basis.{loc[1]}] with {', '.join(BASIS_KEYS)}"
    else:
        allowed = keys.get(loc[2] if in_basis else loc[0] if loc else "", "")
        allowed = allowed or str(error.get("msg", "a valid value")).lower()
    if error["type"] == "missing":
        return BotecInputError(field, "nothing", f"{allowed}; it is required")
    return BotecInputError(field, error.get("input"), allowed)


def _check_basis(recipe: Recipe, key: str, basis: RecipeBasis) -> None:
    """What pydantic's types cannot say about one basis."""
    field = f"recipe basis.{key}"
    if not _BASIS_NAME.fullmatch(key):
        raise BotecInputError(
            field, key, "a basis name of lower-case letters, digits and hyphens, e.g. aws-spot"
        )
    if basis.kind != "market" and len(basis.files) != 1:
        raise BotecInputError(
            f"{field}.files", basis.files, f"one provider = file for a {basis.kind} basis "
            "(several only for market)"
        )  # fmt: skip
    if basis.as_of is not None and not _is_date(basis.as_of):
        raise BotecInputError(f"{field}.as_of", basis.as_of, BASIS_KEYS["as_of"])
    if basis.spot_basis is not None:
        from botec.catalog import load_catalog
        from botec.catalog.loader import normalise

        # a spot basis of this recipe, or of the catalog its output is merged over
        catalog = load_catalog()
        spot = [k for k, b in recipe.basis.items() if b.kind == "spot"] + [
            k
            for k in catalog.price_names("basis")
            if k not in recipe.basis and catalog.price("basis", k).kind == "spot"
        ]
        if normalise(basis.spot_basis) not in spot:
            raise BotecInputError(
                f"{field}.spot_basis", basis.spot_basis,
                f"the name of a spot basis in this recipe or the catalog: {', '.join(spot)}",
            )  # fmt: skip


def _is_date(text: str) -> bool:
    """A real date written YYYY, YYYY-MM or YYYY-MM-DD."""
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.datetime.strptime(text, _DATE_LAYOUTS[text.count("-")])
    except ValueError:
        return False
    return True


def recipe_files(recipe_path: Path) -> tuple[Path, ...]:
    """Every price list the recipe reads (relative paths taken from the recipe's folder)."""
    recipe = load_recipe(recipe_path)
    return tuple(
        recipe_path.parent / file for b in recipe.basis.values() for file in b.files.values()
    )
