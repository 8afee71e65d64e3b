"""How a result shows itself in a notebook: ``_repr_html_`` (the report's HTML), ``to_dict()``
(the JSON document) and ``to_frame()`` (a pandas table, when pandas is installed).

The renderers live in ``botec.report``, a layer above this one; they are found by name when a
notebook asks (``importlib``), so computing never imports them and ``import botec`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from botec.core.errors import BotecInputError

_COLUMNS = ("title", "value", "unit", "p5", "p50", "p95")


def _report(module: str) -> Any:
    return importlib.import_module(f"botec.report.{module}")


def frame(rows: list[dict[str, Any]], index: str | None = None) -> Any:
    """A pandas DataFrame of ``rows``; a clear message when pandas is not installed."""
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise BotecInputError(
            "to_frame", "pandas", "pandas installed (pip install pandas), or to_dict()"
        ) from None
    table = pandas.DataFrame(rows)
    return table.set_index(index) if index else table


class SheetDisplay:
    """Notebook display for :class:`~botec.core.sheet.Sheet`."""

    def to_dict(self) -> dict[str, Any]:
        """The report as a mapping: the same document as ``--format json``."""
        return _report("json_report").sheet_dict(self)

    def to_frame(self) -> Any:
        """The results as a pandas DataFrame: one row per result (title, value in its base unit,
        unit, and p5/p50/p95 where inputs vary), indexed by result name."""
        results = self.to_dict()["results"]
        rows = [{"name": name, **{c: r.get(c) for c in _COLUMNS}} for name, r in results.items()]
        return frame(rows, "name")

    def _repr_html_(self) -> str:
        return _report("html").render_html(self)
