"""botec: back-of-the-envelope estimation for machine-learning systems, with the work shown.

Every ``botec`` command is also a function (:mod:`botec.commands`) that returns the filled sheet:

>>> import botec
>>> sheet = botec.infer(model="llama-3.1-8b", gpu="h100-sxm")  # doctest: +SKIP
>>> sheet["time_to_first_token"].formatted()  # doctest: +SKIP
'25.8 ms'
>>> sheet = botec.run_scenario(botec.load_scenario("scenarios/smartpal.toml"))  # doctest: +SKIP
>>> sheet["gpus_required"].formatted()  # doctest: +SKIP
'112 GPUs'

A scenario file runs with ``botec.commands.report(path)`` (``botec.report`` is the renderers'
package). ``import botec`` stays light: the commands, the scenario loader (pydantic), numpy and the
renderers (rich) load on first use.
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
    "load_catalog": ("botec.catalog", "load_catalog"),
    "Catalog": ("botec.catalog", "Catalog"),
    "DEFAULT_SAMPLES": ("botec.analysis.evaluate", "DEFAULT_SAMPLES"),
    # The commands as functions (botec.commands): keyword parameters in, a Sheet out.
    "memory": ("botec.commands", "memory"),
    "train": ("botec.commands", "train"),
    "infer": ("botec.commands", "infer"),
    "plan": ("botec.commands", "plan"),
    "traffic": ("botec.commands", "traffic"),
    "storage": ("botec.commands", "storage"),
    "image": ("botec.commands", "image"),
    "video": ("botec.commands", "video"),
    "embed": ("botec.commands", "embed"),
    "speech": ("botec.commands", "speech"),
    "recsys": ("botec.commands", "recsys"),
    "tts": ("botec.commands", "tts"),
    "launch_command": ("botec.report.launch", "launch_command"),
    "sweep": ("botec.commands", "sweep"),
    "compare": ("botec.commands", "compare"),
    "optimise": ("botec.commands", "optimise"),
    "validate": ("botec.commands", "validate"),
    "hardware_list": ("botec.commands", "hardware_list"),
    "hardware_show": ("botec.commands", "hardware_show"),
    "models_list": ("botec.commands", "models_list"),
    "models_show": ("botec.commands", "models_show"),
    "examples_list": ("botec.commands", "examples_list"),
    "examples_show": ("botec.commands", "examples_show"),
    "example_source": ("botec.commands", "example_source"),
}
# Subpackages reachable as attributes without an import of their own.
_MODULES = ("commands",)


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    if name in _MODULES:
        return importlib.import_module(f"botec.{name}")
    raise AttributeError(f"module 'botec' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "DEFAULT_SAMPLES",
    "GB",
    "KB",
    "MB",
    "PB",
    "TB",
    "BotecInputError",
    "Catalog",
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
    "commands",
    "compare",
    "compare_gpus",
    "embed",
    "evaluate",
    "example_source",
    "examples_list",
    "examples_show",
    "format_bytes",
    "format_memory",
    "format_quantity",
    "get_hardware",
    "get_precision",
    "hardware_list",
    "hardware_show",
    "image",
    "infer",
    "launch_command",
    "load_catalog",
    "load_scenario",
    "memory",
    "models_list",
    "models_show",
    "optimise",
    "parse_quantity",
    "parse_uncertain",
    "plan",
    "recsys",
    "render",
    "run_scenario",
    "run_sweep",
    "scenario_from_dict",
    "speech",
    "storage",
    "sweep",
    "traffic",
    "train",
    "tts",
    "validate",
    "video",
]
