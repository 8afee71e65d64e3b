"""The scenario as compare runs it on each GPU: every GPU field set to that device, a price the
scenario states kept for its own GPU only, the seed's checks only where the seed's GPU runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botec.core.sheet import Sheet

if TYPE_CHECKING:
    from botec.catalog import Catalog

# Sections whose GPU field is set even when the file leaves it to the default.
_ALWAYS_SET = (
    "inference", "training", "serving", "image_generation", "video_generation", "embeddings",
    "speech", "speech_synthesis", "recommender",
)  # fmt: skip


def own_gpus(data: dict[str, Any], fields: list[str], catalog: Catalog) -> dict[str, str]:
    """Each GPU field's device as the scenario has it (stated, or its section's default)."""
    from botec.scenario import scenario_from_dict

    scn = scenario_from_dict(data)
    out = {}
    for path in fields:
        section, _, field = path.partition(".")
        name = getattr(getattr(scn, section, None), field, None)
        if isinstance(name, str) and name:
            out[path] = catalog.hardware(name, path).key
    return out


def priced_for(
    data: dict[str, Any], fields: list[str], own: dict[str, str], key: str
) -> dict[str, Any]:
    """The scenario for GPU ``key``: a price it states is for its own GPU, so on another one
    that price is dropped and the GPU takes its own price on the scenario's basis (a pinned
    $2/h would otherwise rank every GPU, priced or not, at $2/h)."""
    variant = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    inference = data.get("inference")
    if isinstance(inference, dict) and "tokens_per_second_per_gpu" in inference:
        return variant  # a stated rate holds on every GPU compared: its stated price does too
    moved = False
    for path in fields:
        section = path.partition(".")[0]
        if own.get(path, key) != key:
            moved = True
            variant[section].pop("usd_per_gpu_hour", None)
    if moved and isinstance(variant.get("cost"), dict):
        variant["cost"].pop("usd_per_gpu_hour", None)
    if moved:  # the seed's figures were printed for its own GPU
        variant.pop("seed_check", None)
    return variant


def evaluate_on(
    data: dict[str, Any],
    fields: list[str],
    key: str,
    samples: int,
    seed: int,
    catalog: Catalog | None,
) -> Sheet:
    """The scenario with every GPU field set to ``key``, evaluated."""
    from botec.analysis.evaluate import evaluate
    from botec.scenario import scenario_from_dict

    variant = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for path in fields:
        section, _, field = path.partition(".")
        if field in variant[section] or section in _ALWAYS_SET:
            variant[section][field] = key
    if isinstance(variant.get("serving_plan"), dict):  # the plan on this GPU only
        variant["serving_plan"] = {**variant["serving_plan"], "compare_gpus": []}
    return evaluate(scenario_from_dict(variant), samples=samples, seed=seed, catalog=catalog)
