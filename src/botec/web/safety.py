"""What a request may name. The CLI reads a model's config.json, fetches ``hf:owner/name`` from
the Hugging Face Hub and loads a scenario's ``catalog = FILE``; the server does none of these for
a request. The rule holds wherever a request's text becomes a scenario value: the scenario body,
``set`` overrides, ``vary`` axes and the estimate endpoints' parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botec.core.errors import BotecInputError

MODEL_FIELDS = ("model", "teacher")  # names a local config.json or hf:owner/name could hide in
# The fields botec.modelspec.resolve_model reads: a name there outside the model catalog is tried
# as a local config.json (a file, or any folder holding one) or fetched (hf:), so only catalog
# names pass. The other sections' models (generators, encoders, ...) are catalog look-ups.
RESOLVED = frozenset({"serving.model", "model_fit.model", "training.model", "training.teacher"})
MODEL_ALLOWED = "a catalog model name (botec models list): no file paths or hf: names here"
CATALOG_ALLOWED = "no file paths: send catalog entries as the request's 'catalog' mapping"
SET_ALLOWED = "a list of 'section.field=value' strings, e.g. ['users.daily_active_users=50M']"
VARY_CATALOG_ALLOWED = f"any field except catalog ({CATALOG_ALLOWED})"
VARY_ALLOWED = "a list of 'NAME=LOW..HIGH[:POINTS]' or 'NAME=A,B,C' strings, e.g. ['dau=1M..1B']"


def names_a_file(name: str) -> bool:
    """Whether a model name could be read as a path or a Hub id (what resolve_model tries)."""
    text = name.strip().lower()
    return (
        text.startswith(("hf:", ".", "~"))  # the Hub, '.', '..', hidden folders, a home
        or text.endswith(".json")
        or any(c in text for c in "/\\\0")
    )


def check_model(field: str, value: Any, name: Any, path: str = "") -> None:
    """Refuse a model ``name`` a request gives that the server would look for on disk or on the
    Hub; ``path`` is the scenario field it fills (``training.model``), ``field`` and ``value``
    what the refusal names (the request key and what was sent there)."""
    if not isinstance(name, str):
        return  # not a name: the scenario's validation refuses it, by field
    if names_a_file(name):
        raise BotecInputError(field, value, MODEL_ALLOWED)
    if path in RESOLVED and name:
        from botec.modelspec.catalog_models import did_you_mean, find_model, model_names

        if find_model(name) is None:  # a bare folder name in the server's directory, too
            raise BotecInputError(
                field, value, f"a catalog model: {', '.join(model_names())}{did_you_mean(name)}"
            )


def check_scenario(data: Mapping[str, Any], field: str = "scenario", value: Any = None) -> None:
    """A scenario mapping (or the part of one an override sets) names no catalog file and no
    model outside the catalog. The refusal names ``field`` and ``value`` when given (a ``set``
    item), else the scenario field itself (``scenario.training.model``)."""
    for section, fields in data.items():
        where = field if value is not None else f"{field}.{section}"
        if str(section).strip().lower() == "catalog":  # a path the run would load
            raise BotecInputError(where, data[section] if value is None else value, CATALOG_ALLOWED)
        if isinstance(fields, Mapping):
            for key in MODEL_FIELDS:
                if key in fields:
                    shown = fields[key] if value is None else value
                    at = field if value is not None else f"{where}.{key}"
                    check_model(at, shown, fields[key], f"{section}.{key}")


def read_overrides(body: Mapping[str, Any]) -> list[str]:
    """The request's ``set``: a list of ``section.field=value`` strings, none reaching the
    scenario's catalog path or naming a model outside the catalog. Each item is applied to an
    empty scenario just as the command applies it, so the check sees what the run would set
    (``training={model='x.json'}`` as well as ``training.model=x.json``)."""
    from botec.commands._common import with_overrides

    overrides = body.get("set", [])
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise BotecInputError("set", overrides, SET_ALLOWED)
    for item in overrides:
        try:
            part = with_overrides({}, [item])
        except BotecInputError as exc:  # the command's words, under this request's key
            raise BotecInputError("set", exc.value, exc.allowed) from None
        except RecursionError:  # a value nested past what the TOML reader recurses through
            raise BotecInputError("set", item[:40], "a value nested a few levels at most") from None
        part.pop("title", None)  # with_overrides' own note of what was set
        check_scenario(part, "set", item)
    return overrides


def read_vary(body: Mapping[str, Any]) -> list[str]:
    """The request's ``vary`` axes: strings, none sweeping the catalog path or a model outside
    the catalog. Each axis's name resolves as botec.analysis.sweep_axes.parse_vary resolves it
    (a short name's fields, or section.field), and a categorical axis's values are its
    comma-separated items, as there."""
    from botec.analysis.sweep_axes import ALIASES

    vary = body.get("vary", [])
    items = [vary] if isinstance(vary, str) else vary
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise BotecInputError("vary", vary, VARY_ALLOWED)
    for item in items:
        name, _, spec = item.partition("=")
        key = name.strip().replace("-", "_")
        for path in ALIASES.get(key, (key,)):  # "catalog" alone, too (no short name sets it)
            section, _, leaf = (p.strip() for p in path.partition("."))
            if "catalog" in (section.lower(), leaf.lower()):
                raise BotecInputError("vary", item, VARY_CATALOG_ALLOWED)
            if leaf in MODEL_FIELDS:
                for value in (v.strip() for v in spec.split(",") if v.strip()):
                    check_model("vary", item, value, f"{section}.{leaf}")
    return items
