"""Reading scenario files (TOML or YAML) into a mapping, and turning pydantic's validation errors
into a :class:`~botec.core.errors.BotecInputError` naming the field, the value and what is allowed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from botec.core.errors import BotecInputError
from botec.core.safe_io import MAX_NESTING, check_depth, load_yaml, read_text


def load_scenario_data(path: str | Path) -> dict[str, Any]:
    """Read a TOML or YAML scenario file into a mapping (not yet validated): a regular file under
    the size cap, nested no deeper than the bound, YAML aliases bounded (core/safe_io)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        if not file.exists():
            raise BotecInputError(
                "FILE", str(path), "an existing scenario file (.toml, .yaml or .yml)"
            )
        raise BotecInputError("FILE", str(path), "a file ending in .toml, .yaml or .yml")
    text = read_text(file, "FILE")
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise BotecInputError(str(path), "the file", f"valid TOML ({exc})") from None
        except RecursionError:
            raise BotecInputError(str(path), "the file", f"at most {MAX_NESTING} levels") from None
    else:
        data = load_yaml(text, str(path))
    if not isinstance(data, dict):
        raise BotecInputError(str(path), type(data).__name__, "a mapping of sections at top level")
    check_depth(data, str(path))
    return data


# pydantic's type errors, said for people who write TOML or YAML rather than Python
_EXPECTED = {
    "string_type": "text (in quotes)",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing_size": "a whole number (this one is too large)",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "tuple_type": "a list of values, e.g. [1, 2]",
    "list_type": "a list of values, e.g. [1, 2]",
    "dict_type": "a table of fields (a section)",
    "model_type": "a table of fields (a section)",
    "model_attributes_type": "a table of fields (a section)",
}


def expected_text(error: Mapping[str, Any]) -> str:
    """What one pydantic error says was expected, in a user's words."""
    kind = str(error.get("type", ""))
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    message = str(error.get("msg", "a valid value")).removeprefix("Value error, ")
    if kind == "literal_error":
        return "one of " + message.removeprefix("Input should be ")
    if message.startswith("Input should be a "):  # "a finite number", "a valid integer"
        return message.removeprefix("Input should be ")
    return message.replace("Input should be", "a value").replace("Input", "a value")


def friendly_error(exc: ValidationError, origin: str, root: type[BaseModel]) -> BotecInputError:
    """A validation error said for people; ``root`` is the model that was validated. A field the
    user wrote wrongly comes before one they left out: the value they gave is what to fix first."""
    errors = exc.errors(include_url=False)
    error = next((e for e in errors if e["type"] != "missing"), errors[0])
    loc = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        section = _section_model(error["loc"][:-1], root)
        allowed = ", ".join(section.model_fields) if section else "the documented fields"
        return BotecInputError(loc, value, f"no such field; allowed here: {allowed}")
    if kind == "missing":
        return BotecInputError(loc, "nothing", "this field is required")
    return BotecInputError(loc, value, expected_text(error))


def _section_model(loc: tuple[Any, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    model = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        annotation = field.annotation
        inner = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
        candidates = [a for a in inner if issubclass(a, BaseModel)]
        if not candidates:
            return None
        model = candidates[0]
    return model
