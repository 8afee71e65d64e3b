"""botec: back-of-the-envelope estimation for machine-learning systems, with the work shown.

>>> import botec
>>> sheet = botec.run_scenario(botec.load_scenario("scenarios/smartpal.toml"))  # doctest: +SKIP
>>> sheet["gpus_required"].formatted()  # doctest: +SKIP
'112 GPUs'

``import botec`` stays light: the scenario loader (pydantic) and the renderers (rich) load on
first use.
"""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Note, SeedCheck, Sheet, Value
from botec.core.units import (
    GB,
    KB,
    MB,
    PB,
    TB,
    GiB,
    KiB,
    MiB,
    TiB,
    format_bytes,
    format_memory,
    format_quantity,
    parse_quantity,
)

__version__ = "0.1.0"

_LAZY = {
    "load_scenario": ("botec.scenario", "load_scenario"),
    "scenario_from_dict": ("botec.scenario", "scenario_from_dict"),
    "Scenario": ("botec.scenario", "Scenario"),
    "run_scenario": ("botec.run", "run_scenario"),
    "evaluate": ("botec.analysis.evaluate", "evaluate"),
    "parse_uncertain": ("botec.core.uncertain", "parse_uncertain"),
    "run_sweep": ("botec.analysis.sweep", "run_sweep"),
    "compare_gpus": ("botec.analysis.compare", "compare_gpus"),
    "render": ("botec.report", "render"),
    "get_hardware": ("botec.catalog", "get_hardware"),
    "get_precision": ("botec.catalog", "get_precision"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'botec' has no attribute {name!r}")


__all__ = [
    "GB",
    "KB",
    "MB",
    "PB",
    "TB",
    "BotecInputError",
    "Formula",
    "GiB",
    "KiB",
    "MiB",
    "Note",
    "Scenario",
    "SeedCheck",
    "Sheet",
    "TiB",
    "Value",
    "compare_gpus",
    "evaluate",
    "format_bytes",
    "format_memory",
    "format_quantity",
    "get_hardware",
    "get_precision",
    "load_scenario",
    "parse_quantity",
    "parse_uncertain",
    "render",
    "run_scenario",
    "run_sweep",
    "scenario_from_dict",
]
