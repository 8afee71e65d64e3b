"""Catalog look-ups: the devices and the model architectures botec knows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botec.commands._common import CatalogFiles, ParameterError
from botec.core.errors import BotecInputError

if TYPE_CHECKING:
    from botec.catalog import Catalog, Hardware
    from botec.modelspec import ModelSpec


def _catalog(catalog_files: CatalogFiles) -> Catalog:
    from botec.catalog import load_catalog

    return load_catalog(catalog_files)


def hardware_list(*, catalog_files: CatalogFiles = ()) -> list[Hardware]:
    """Every device in the catalog (with the user's files merged in), by key.

    >>> "h100-sxm" in [hw.key for hw in botec.hardware_list()]
    True
    """
    catalog = _catalog(catalog_files)
    return [catalog.hardware(key) for key in catalog.names("hardware")]


def hardware_show(name: str, *, catalog_files: CatalogFiles = ()) -> Hardware:
    """One device by key or alias, with its sources; unknown names get a 'did you mean'.

    >>> botec.hardware_show("h100").peak_flop_per_s["bf16"]
    989000000000000.0
    """
    catalog = _catalog(catalog_files)
    try:
        return catalog.hardware(name, "name")
    except BotecInputError as exc:
        raise ParameterError(exc.field, exc.value, exc.allowed) from None


def models_list() -> list[ModelSpec]:
    """Every model architecture in the catalog (``catalog/models.toml``), by key.

    >>> "llama-3.1-8b" in [m.key for m in botec.models_list()]
    True
    """
    from botec.modelspec import get_model, model_names

    return [get_model(key) for key in model_names()]


def models_show(name: str) -> ModelSpec:
    """One model's shape: a catalog name, a local config.json, or hf:owner/name (downloads that
    repository's config.json, never weights).

    >>> botec.models_show("llama-2-7b").layers
    32
    """
    from botec.modelspec import resolve_model

    try:
        return resolve_model(name, "name")
    except BotecInputError as exc:
        raise ParameterError(exc.field, exc.value, exc.allowed) from None
