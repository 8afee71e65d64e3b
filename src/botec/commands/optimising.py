"""The deployment-cost optimiser as a function: a scenario in, the cheapest plan (recorded with its
ranges) and the search's tables out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botec.commands._common import (
    DEFAULT_SAMPLES,
    CatalogFiles,
    Names,
    ParameterError,
    check_sampling,
    given,
    load_catalog,
    load_data,
    names,
    with_overrides,
)
from botec.core.errors import BotecInputError

if TYPE_CHECKING:
    from botec.analysis.optimise import Search
    from botec.core.sheet import Sheet

LATENCY_CHOICES = ("ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99")


@dataclass
class Optimisation:
    """The cheapest plan's report (``sheet``) and everything the search tried (``search``)."""

    sheet: Sheet
    search: Search

    def _repr_html_(self) -> str:  # in a notebook: the report
        return self.sheet._repr_html_()


def optimise(
    scenario: str | Path | Mapping[str, Any],
    *,
    gpus: Names | None = None,
    precisions: Names | None = None,
    engines: Names | None = None,
    bases: Names | None = None,
    latency: str = "tpot_p99",
    top: int = 10,
    for_engine: str | None = None,
    overrides: Sequence[str] = (),
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Optimisation:
    """The cheapest serving plan for a scenario's traffic and model under its latency targets,
    searched over GPU × precision × engine × TP × batch × prefill chunk × price basis (``gpus``,
    ``precisions``, ``engines``, ``bases``: comma-separated lists; default every priced GPU,
    16-bit to 4-bit weights, vLLM and TensorRT-LLM, every basis); ``latency``: the Pareto front's
    axis; ``top``: rows of the cheapest-plans table; ``for_engine``: the engine whose launch
    command is wanted (without ``engines``, only its plans are searched, where botec has its
    factors).

    >>> found = botec.optimise("scenarios/smartpal-daily.toml", gpus="a100-80gb,h100-sxm",
    ...                        samples=0)
    >>> found.search.plans[0].layout.gpu in ("a100-80gb", "h100-sxm")
    True
    """
    from botec.analysis.optimise_run import optimise_scenario

    if latency not in LATENCY_CHOICES:
        raise ParameterError("latency", latency, ", ".join(LATENCY_CHOICES))
    if not 1 <= top <= 1000:
        raise ParameterError("top", top, "a whole number of rows from 1 to 1,000")
    check_sampling(samples, seed)
    data = with_overrides(load_data(scenario), overrides)
    from botec.scenario import scenario_from_dict

    scenario_from_dict(data, "scenario")  # the whole file valid, --set values included
    lists = {
        param: _listed(value, param)
        for param, value in (
            ("gpus", gpus), ("precisions", precisions), ("engines", engines), ("bases", bases)
        )
    }  # fmt: skip
    if for_engine and lists["engines"] is None:
        lists["engines"] = _only(for_engine, catalog_files)
    sheet, search = optimise_scenario(
        data,
        **lists,
        latency=latency,
        top=top,
        samples=samples,
        seed=seed,
        catalog=load_catalog(catalog_files),
    )
    _launchable(for_engine, search)
    return Optimisation(sheet, search)


def _listed(value: Any, param: str) -> list[str] | None:
    """A comma list of names (None when not given); each name once, as compare asks."""
    listed = names(value, param) if given(value) else None
    if listed is not None and not listed:
        raise ParameterError(param, value, "one or more names separated by commas")
    lowered = [n.lower() for n in listed or ()]
    twice = sorted({n for n in listed or () if lowered.count(n.lower()) > 1})
    if twice:  # a name given twice is a typo, not a wish
        raise ParameterError(param, ", ".join(twice), "each name once (it is listed twice)")
    return listed


def _launchable(for_engine: str | None, search: Any) -> None:
    """A launch command needs a found plan: without one the sheet holds the user's own."""
    if for_engine and not search.plans:
        raise BotecInputError(
            "--emit", "a search that found no plan",
            "a plan that meets the targets: relax them, or search more GPUs (--gpus), "
            "precisions (--precisions) or price bases (--bases)",
        )  # fmt: skip


def _only(engine: str, catalog_files: CatalogFiles) -> list[str] | None:
    """The engines searched for a launch command: that engine alone, where botec has its
    factors (SGLang has none: every engine is searched and the command says so)."""
    from botec.catalog import load_catalog as bundled
    from botec.report.launch import ENGINE_ALIASES

    key = ENGINE_ALIASES.get(engine, engine)
    return [key] if key in (load_catalog(catalog_files) or bundled()).names("engines") else None
