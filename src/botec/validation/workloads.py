"""Backtest of the workloads past text LLMs: image and video generation against published
timings (``botec/data/workload_rows.csv``), each row predicted with the catalog's default ranges.

Rows are split into ``fit`` and ``check`` by the hash rule of :mod:`botec.validation.split`
(every row id is 200 or above), before any factor was chosen; the diffusion factors in
``assumptions.toml`` cite only ``fit`` rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from botec.core.errors import BotecInputError
from botec.validation.results import BACKTEST_SAMPLES, Backtest, RowResult, Summary, summarise

if TYPE_CHECKING:
    from botec.catalog import Catalog

# Which botec result each published quantity is compared with (the same names).
WORKLOAD_QUANTITIES = (
    "generation_latency",
    "denoise_step_time",
    "vae_decode_time",
    "images_per_second_per_gpu",
)
WORKLOAD_LABELS = {
    "generation_latency": "Generation time per batch (image, video)",
    "denoise_step_time": "Denoising step time",
    "vae_decode_time": "VAE decode time",
    "images_per_second_per_gpu": "Images per second per GPU",
    "workloads": "All generation rows",
}


@dataclass
class WorkloadBacktest(Backtest):
    """Image and video generation rows, with a total over all of them."""

    quantities: tuple[str, ...] = WORKLOAD_QUANTITIES

    def overall(self, role: str = "all") -> Summary | None:
        return summarise("workloads", self.rows, role)


def workload_rows() -> list[dict[str, str]]:
    text = resources.files("botec").joinpath("data/workload_rows.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _describe(row: dict[str, str]) -> str:
    frames = f", {row['frames']} frames" if row["frames"] != "1" else ""
    gpus = f" × {row['gpus_per_job']}" if row["gpus_per_job"] != "1" else ""
    return (
        f"{row['model']} {row['width']}×{row['height']}{frames}, {row['steps']} steps, batch "
        f"{row['batch']}, {row['precision'].upper()} {row['runtime']} on {row['gpu']}{gpus}"
    )


def scenario_for(row: dict[str, str]) -> dict[str, Any]:
    """The scenario a row is predicted with: its model, GPU, size, steps, batch and runtime."""
    section = "video_generation" if row["frames"] != "1" else "image_generation"
    body: dict[str, Any] = {
        "model": row["model"],
        "gpu": row["gpu"],
        "precision": row["precision"],
        "runtime": row["runtime"],
        "width": int(row["width"]),
        "height": int(row["height"]),
        "steps": int(row["steps"]),
        "batch": int(row["batch"]),
        "gpus_per_job": int(row["gpus_per_job"]),
    }
    if section == "video_generation":
        body["frames"] = int(row["frames"])
    return {"title": row["id"], section: body}


def run_workload_backtest(
    samples: int = BACKTEST_SAMPLES, seed: int = 0, catalog: Catalog | None = None
) -> WorkloadBacktest:
    """Predict every shipped generation row with the catalog's default ranges."""
    from botec.analysis.evaluate import evaluate
    from botec.scenario import scenario_from_dict

    result = WorkloadBacktest()
    for row in workload_rows():
        item = RowResult(
            row["id"], row["quantity"], _describe(row), float(row["published"]), row["unit"],
            role=row["role"],
        )  # fmt: skip
        try:
            sheet = evaluate(
                scenario_from_dict(scenario_for(row)), samples, seed, sensitivity=False,
                catalog=catalog,
            )  # fmt: skip
        except BotecInputError as exc:
            item.skipped = str(exc)
            result.rows.append(item)
            continue
        step = sheet.steps[row["quantity"]]
        item.predicted = float(step)
        item.p5, _, item.p95 = step.percentiles()
        result.rows.append(item)
    return result
