"""The published figures botec cites, shipped as ``botec/data/published-figures.csv``.

One row per figure: ``id, category, quantity, value, unit, conditions, source, confidence``. The
catalog, the backtest rows and code comments cite rows by id ("published-figures.csv D076"); see
``botec/data/README.md``.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

COLUMNS = ("id", "category", "quantity", "value", "unit", "conditions", "source", "confidence")


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("botec").joinpath("data/published-figures.csv").read_text("utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))


def published_rows() -> list[dict[str, str]]:
    """Every published figure, in file order (each row a fresh dict of the columns above)."""
    return [dict(r) for r in _rows()]


def published_figures() -> dict[str, dict[str, str]]:
    """The published figures by id."""
    return {r["id"]: r for r in published_rows()}
