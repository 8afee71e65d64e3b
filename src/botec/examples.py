"""The bundled scenarios (every worked example in the seeds), found by name."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from botec.core.errors import BotecInputError

EXAMPLES_DIR = Path(__file__).parent / "scenarios"


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml"))


def example_path(name: str) -> Path:
    """Path of a bundled scenario; unknown names get a 'did you mean'."""
    stem = Path(name).stem.lower().replace("_", "-") if len(name) < 200 and "\0" not in name else ""
    path = EXAMPLES_DIR / f"{stem}.toml"
    if stem and stem in example_names():  # a bundled name, never a path the caller made up
        return path
    names = example_names()
    close = difflib.get_close_matches(stem, names, n=3, cutoff=0.4)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise BotecInputError("NAME", name, f"a bundled example: {', '.join(names)}{hint}")


def example_titles() -> list[tuple[str, str, str]]:
    """(name, title, source) of every bundled scenario."""
    rows = []
    for name in example_names():
        with (EXAMPLES_DIR / f"{name}.toml").open("rb") as handle:
            data = tomllib.load(handle)
        rows.append((name, data.get("title", ""), data.get("source", "")))
    return rows
