"""What every command shares: the typed inputs, the user's catalog, and running one scenario.

A command builds one scenario mapping from its parameters and runs it through the library; the
helpers here are the only places that touch the catalog and the evaluator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botec.analysis.evaluate import DEFAULT_SAMPLES
from botec.core.errors import BotecInputError

if TYPE_CHECKING:
    from botec.catalog import Catalog
    from botec.core.sheet import Sheet
    from botec.scenario import Scenario

    # A scenario file, an unvalidated scenario mapping, or a validated Scenario.
    ScenarioLike = str | Path | Mapping[str, Any] | Scenario

__all__ = ["DEFAULT_SAMPLES", "ParameterError"]

# A number as people type it ("7B", "40%", "$2/h", "30% to 50%") or as a plain number in the
# base unit (7e9, 0.4, 2.0), exactly as a scenario file accepts it.
Quantity = str | float
# One name, several separated by commas ("h100-sxm,l4"), or a sequence of names.
Names = str | Sequence[str]
# Catalog files (or mappings in a catalog file's layout) merged over the bundled catalog.
CatalogFiles = Sequence[str | Path | Mapping[str, Any]]
# Told the grid size; yields a callback for the points each pass finishes (or None).
Progress = Callable[[int], AbstractContextManager[Callable[[int], None] | None]]


class ParameterError(BotecInputError):
    """A command's parameter, or the scenario field it filled, is not allowed.

    ``field`` is a parameter (``gpus``, ``model/params``) or the scenario field it filled
    (``training.tokens``). Parameter names inside ``allowed`` are in backquotes (```params=7B```),
    so a front end can name its own flags instead.

    >>> str(ParameterError("model/params", "missing", "a catalog model or `params=7B`"))
    "model/params: got 'missing'; expected a catalog model or `params=7B`"
    """


def given(value: Any) -> bool:
    """Whether a parameter was given: None and False (an unset switch) were not."""
    return value is not None and value is not False


def fill(
    section: str, values: Mapping[str, Any], fields: Mapping[str, tuple[str, ...]]
) -> dict[str, Any]:
    """The ``section`` of a scenario: each given parameter in ``values`` sets the fields
    ``fields`` says it fills there (the first given parameter wins a field).

    >>> fill("users", {"dau": "1M", "qps": None}, {"dau": ("users.daily_active_users",)})
    {'daily_active_users': '1M'}
    """
    out: dict[str, Any] = {}
    for param, paths in fields.items():
        value = values.get(param)
        if isinstance(value, str) and not value.strip():  # '' would read as "not given"
            raise ParameterError(param, value, "a value (leave the option out for its default)")
        for path in paths:
            head, _, key = path.partition(".")
            if head == section and given(value) and key not in out:
                out[key] = value
    return out


def shown(value: Any) -> str:
    """A parameter as a title shows it: text as typed, a number formatted (7e9 -> '7.00B').

    >>> shown("7B"), shown(7e9)
    ('7B', '7.00B')
    """
    if isinstance(value, str) or not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)  # not a number: the scenario's validation refuses it, by field
    from botec.core.units import format_quantity

    try:
        return format_quantity(value, "")
    except OverflowError:  # an integer past float's range: the validation refuses it next
        return f"{str(value)[:12]}…"


def names(value: Names | None, param: str = "names") -> list[str]:
    """'a, b' or ['a', 'b,c'] -> ['a', 'b'] / ['a', 'b', 'c'] (blanks dropped)."""
    if value is not None and not isinstance(value, str | list | tuple):
        raise ParameterError(param, value, "a name, names separated by commas, or a list of them")
    items = [value] if isinstance(value, str) else list(value or ())
    return [n.strip() for item in items for n in str(item).split(",") if n.strip()]


def load_catalog(files: Iterable[str | Path | Mapping[str, Any]]) -> Catalog | None:
    """The catalog for a run with the user's ``files`` merged in, or None (the default one)."""
    files = tuple(files)
    if not files:
        return None
    from botec.catalog import load_catalog as load

    return load(files)


def with_catalog(catalog: Catalog | None) -> dict[str, Any]:
    """The keyword that hands a run the user's catalog (none for the default catalog)."""
    return {} if catalog is None else {"catalog": catalog}


def validated(data: Mapping[str, Any]) -> Scenario:
    """A scenario mapping a command built, validated; problems name the field it set."""
    from botec.scenario import scenario_from_dict

    try:
        return scenario_from_dict(dict(data))
    except BotecInputError as exc:
        raise ParameterError(exc.field, exc.value, exc.allowed) from None


def run(data: Mapping[str, Any], samples: int, seed: int, catalog_files: CatalogFiles) -> Sheet:
    """Validate the scenario a command built and evaluate it with the user's catalog; a problem
    found while running (an unknown model, a GPU without that precision) names the field the
    command filled, so a front end can name its own flag."""
    catalog = load_catalog(catalog_files)
    scenario = validated(data)
    try:
        return evaluate(scenario, samples, seed, catalog)
    except ParameterError:
        raise
    except BotecInputError as exc:
        raise ParameterError(exc.field, exc.value, exc.allowed) from None


def evaluate(scn: Scenario, samples: int, seed: int, catalog: Catalog | None) -> Sheet:
    """Point estimate, Monte Carlo ranges and drivers (:func:`botec.analysis.evaluate`)."""
    from botec.analysis.evaluate import evaluate as run_evaluate

    check_sampling(samples, seed)
    return run_evaluate(scn, samples=samples, seed=seed, **with_catalog(catalog))


MAX_SAMPLES = 1_000_000  # Monte Carlo draws per run: about 0.6 GB for the SmartPal report
MAX_SEED = 2**32 - 1  # numpy's seed words


def check_sampling(samples: Any, seed: Any) -> None:
    """Whole numbers in range (the CLI's flags say the same; the library and API get it here)."""
    for name, value, top in (("samples", samples, MAX_SAMPLES), ("seed", seed, MAX_SEED)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise ParameterError(name, value, f"a whole number from 0 to {top:,}")


def load(scenario: ScenarioLike) -> Scenario:
    """A validated Scenario from a file path, a mapping or a Scenario."""
    from botec.scenario import Scenario, load_scenario, scenario_from_dict

    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        return scenario_from_dict(dict(scenario))
    return load_scenario(scenario)


def load_data(scenario: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """A scenario mapping (from a file or a mapping), checked valid before it is varied."""
    from botec.scenario import load_scenario_data, scenario_from_dict

    if isinstance(scenario, Mapping):
        data, origin = dict(scenario), "scenario"
    else:
        data, origin = load_scenario_data(scenario), str(scenario)
    scenario_from_dict(data, origin)
    return data


def whole(value: Quantity | None, param: str, allowed: str) -> int | float | None:
    """A whole-number parameter typed as text ('64') as an int; numbers pass to the scenario."""
    if not isinstance(value, str):
        return value
    try:
        return int(value)
    except ValueError:
        raise ParameterError(param, value, allowed) from None


def with_overrides(data: Mapping[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """A copy of the scenario mapping with each ``section.field=value`` set (a value parsed as
    TOML where it can be: 0.4, true, [1, 2]; text otherwise: 50M, h100-sxm).

    >>> with_overrides({"users": {"daily_active_users": "1M"}}, ["users.daily_active_users=2M"])
    {'users': {'daily_active_users': '2M'}, 'title': 'Scenario (with users.daily_active_users=2M)'}
    """
    import copy
    import tomllib

    out = copy.deepcopy(dict(data))
    for item in overrides:
        path, sep, raw = item.partition("=")
        keys = path.strip().split(".")
        if not sep or not all(k.strip() for k in keys):
            raise ParameterError(
                "overrides", item, "section.field=value, e.g. users.daily_active_users=50M"
            )
        try:
            value: Any = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        node: Any = out
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ParameterError(
                    "overrides", item, f"a path through sections ({key} is a value)"
                )
        node[keys[-1]] = value
    if overrides:  # the title says what was changed, so the report is not mistaken for the file's
        out["title"] = f"{out.get('title', 'Scenario')} (with {', '.join(overrides)})"
        # a seed printed its figures for the file's inputs: set beside changed ones they would
        # read as botec disagreeing, or name a result the change no longer computes
        out.pop("seed_check", None)
    return out


def scenario_from_text(text: str, *, origin: str = "standard input") -> dict[str, Any]:
    """A scenario mapping from TOML text, or YAML text when it is not TOML (bounded like a file:
    size, nesting depth and YAML aliases, see core/safe_io).

    >>> scenario_from_text('[users]\\nrequests_per_second = 5')
    {'users': {'requests_per_second': 5}}
    """
    import tomllib

    from botec.core.safe_io import MAX_INPUT_BYTES, MAX_NESTING, check_depth, load_yaml

    if len(text) > MAX_INPUT_BYTES:
        raise BotecInputError(origin, f"{len(text):,} characters", f"at most {MAX_INPUT_BYTES:,}")
    try:
        data: Any = tomllib.loads(text)
    except RecursionError:
        raise BotecInputError(origin, "the text", f"at most {MAX_NESTING} levels") from None
    except tomllib.TOMLDecodeError as toml_error:
        try:
            data = load_yaml(text, origin)
        except BotecInputError as yaml_error:
            if "YAML aliases" in str(yaml_error.value) or "levels" in yaml_error.allowed:
                raise
            data = None
        if not isinstance(data, dict):  # neither: the TOML error is the likelier one to help
            raise BotecInputError(origin, "the text", f"TOML or YAML ({toml_error})") from None
    check_depth(data, origin)
    return data
