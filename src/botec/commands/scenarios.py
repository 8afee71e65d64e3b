"""Scenario files and the bundled examples: run one, list them, read one's source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from botec.commands._common import (
    DEFAULT_SAMPLES,
    CatalogFiles,
    ParameterError,
    evaluate,
    load,
    load_catalog,
    load_data,
    with_overrides,
)
from botec.core.errors import BotecInputError

if TYPE_CHECKING:
    from pathlib import Path

    from botec.commands._common import ScenarioLike
    from botec.core.sheet import Sheet


def report(
    scenario: ScenarioLike,
    *,
    overrides: Sequence[str] = (),
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Run a scenario (a TOML or YAML file, a mapping, or a Scenario) along the cascade;
    ``overrides``: ``section.field=value`` items set over the scenario's own values.

    >>> sheet = botec.commands.report("scenarios/smartpal.toml", samples=0)
    >>> sheet["gpus_required"].formatted()
    '112 GPUs'
    """
    catalog = load_catalog(catalog_files)
    if overrides:
        from botec.scenario import Scenario

        if isinstance(scenario, Scenario):
            scenario = scenario.model_dump(exclude_unset=True)
        scenario = with_overrides(load_data(scenario), overrides)
    return evaluate(load(scenario), samples, seed, catalog)


def examples_list() -> list[tuple[str, str, str]]:
    """(name, title, source) of every bundled scenario: every worked example in the seeds.

    >>> ("smartpal" in [name for name, _title, _source in botec.examples_list()])
    True
    """
    from botec.examples import example_titles

    return example_titles()


def example_path(name: str) -> Path:
    """The file of a bundled scenario; unknown names get a 'did you mean'.

    >>> botec.commands.example_path("smartpal").name
    'smartpal.toml'
    """
    from botec.examples import example_path as path

    try:
        return path(name)
    except BotecInputError as exc:
        raise ParameterError("name", exc.value, exc.allowed) from None


def example_source(name: str) -> str:
    """The text of a bundled scenario file.

    >>> "[[seed_check]]" in botec.example_source("smartpal")
    True
    """
    return example_path(name).read_text(encoding="utf-8")


def examples_show(
    name: str,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Run a bundled scenario by name.

    >>> botec.examples_show("smartpal", samples=0)["qps_per_gpu"].formatted()
    '104 req/s'
    """
    path = example_path(name)
    return report(path, samples=samples, seed=seed, catalog_files=catalog_files)
