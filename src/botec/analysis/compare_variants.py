"""The scenario as compare and sweep run it on each GPU: every GPU field set to that device, a
price or a spec (memory bandwidth, peak FLOP/s) the scenario states kept for its own GPU only,
the seed's checks only where the seed's GPU runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botec.core.errors import BotecInputError
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


# Settings that describe the scenario's own GPU (the seed's rounded A100 bandwidth, a stated
# peak): on another device they would make every GPU the same, so they are dropped there.
OWN_GPU_SPECS = ("inference.memory_bandwidth", "inference.peak_flops", "training.peak_flops")


def for_device(
    data: dict[str, Any], fields: list[str], own: dict[str, str], key: str
) -> tuple[dict[str, Any], list[str]]:
    """The scenario for GPU ``key`` and the settings dropped for it ("inference.memory_bandwidth
    = 2 TB/s"). A price or a spec the scenario states is for its own GPU: on another one it is
    dropped and the GPU takes its catalog specs and its own price on the scenario's basis (a
    pinned $2/h or 2 TB/s would otherwise give every GPU, priced or not, the same figures)."""
    variant = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    inference = data.get("inference")
    if isinstance(inference, dict) and "tokens_per_second_per_gpu" in inference:
        return variant, []  # a stated rate holds on every GPU compared: its stated price does too
    moved = any(own.get(path, key) != key for path in fields)
    if not moved:
        return variant, []
    dropped: list[str] = []

    def drop(section: str, field: str) -> None:
        part = variant.get(section)
        if isinstance(part, dict) and field in part:
            dropped.append(f"{section}.{field} = {part.pop(field)}")

    for path in fields:
        if own.get(path, key) != key:
            drop(path.partition(".")[0], "usd_per_gpu_hour")
    drop("cost", "usd_per_gpu_hour")
    for path in OWN_GPU_SPECS:
        drop(*path.split("."))
    variant.pop("seed_check", None)  # the seed's figures were printed for its own GPU
    return variant, dropped


def on_devices(
    data: dict[str, Any], placed: dict[str, str], catalog: Catalog | None
) -> tuple[dict[str, Any], list[str]]:
    """The scenario with GPU fields ``placed`` ({"inference.gpu": "l4"}) on other devices than
    its own, without its own-GPU settings there (as compare runs it), and those dropped."""
    from botec.catalog import load_catalog

    placed = {p: v for p, v in placed.items() if isinstance(data.get(p.partition(".")[0]), dict)}
    if not placed:
        return data, []
    cat = catalog or load_catalog()
    own = own_gpus(data, list(placed), cat)
    dropped: list[str] = []
    for path, value in placed.items():
        data, more = for_device(data, [path], own, cat.hardware(value, "--vary").key)
        dropped += [d for d in more if d not in dropped]
    return data, dropped


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


def nothing_to_rank(data: dict[str, Any], fields: list[str]) -> BotecInputError:
    """No GPU gives a cost, a GPU count or a latency: nothing to rank, said with what is."""
    sections = ", ".join(f"[{k}]" for k, v in data.items() if isinstance(v, dict))
    stated = [f for f in fields if f.partition(".")[2] in data[f.partition(".")[0]]]
    return BotecInputError(
        "FILE",
        sections,
        "a scenario that computes a cost, a GPU count or a latency on each GPU, which compare "
        "ranks by: an [inference], [serving], priced [training], [image_generation], "
        "[video_generation], [embeddings], [speech], [speech_synthesis] or GPU [recommender] "
        f"section. This file's {sections} only check memory on one GPU: see that per GPU with "
        f"botec report FILE --set {(stated or fields)[0]}=NAME",
    )


def price_basis(data: dict[str, Any], fields: list[str]) -> str | None:
    """The price basis the scenario names (its GPU section's, else [cost]'s); None: default."""
    for section in [f.split(".")[0] for f in fields] + ["cost"]:
        sec = data.get(section)
        if isinstance(sec, dict) and sec.get("price_basis"):
            return str(sec["price_basis"])
    return None


def check_price(data: dict[str, Any], key: str, catalog: Catalog) -> None:
    """A cost section without a stated price needs every GPU compared priced on its basis: an
    unpriced one would rank by the rest of the bill alone."""
    from botec.catalog import gpu_prices as gp

    cost = data.get("cost")
    priced = "inference" in data or "serving_plan" in data
    if not (priced and isinstance(cost, dict) and "usd_per_gpu_hour" not in cost):
        return
    basis = cost.get("price_basis") or None
    if gp.gpu_rate(catalog, key, basis) is None:
        raise BotecInputError(
            "--gpu",
            key,
            f"a GPU priced on the {gp.basis(catalog, basis).name} (it has no price there: "
            f"{gp.unpriced_reason(catalog, key, basis)}), or a price: [cost] usd_per_gpu_hour "
            f"or price_basis, or --catalog FILE with [prices.gpu.{key}] on_demand_usd_per_hour",
        )
