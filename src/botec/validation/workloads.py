"""Backtest of the workloads past text LLMs: image and video generation against published
timings (``botec/data/workload_rows.csv``), text encoders and vector indexes against published
throughput, memory, build times and search rates (``botec/data/embedding_rows.csv``), each row
predicted with the catalog's default ranges.

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
    "encoder_tokens_per_second",
    "index_memory",
    "index_build_time",
    "queries_per_second_per_core",
    "speech_encode_time",
    "speech_decode_step_time",
    "synthesis_real_time_factor",
)
WORKLOAD_LABELS = {
    "generation_latency": "Generation time per batch (image, video)",
    "denoise_step_time": "Denoising step time",
    "vae_decode_time": "VAE decode time",
    "images_per_second_per_gpu": "Images per second per GPU",
    "encoder_tokens_per_second": "Encoder tokens/s per GPU",
    "index_memory": "Vector index memory",
    "index_build_time": "Vector index build time",
    "queries_per_second_per_core": "Vector search queries/s per core",
    "speech_encode_time": "Speech encoder time per window",
    "speech_decode_step_time": "Speech decoder time per token",
    "synthesis_real_time_factor": "Speech synthesis real-time factor",
    "workloads": "All workload rows",
}


@dataclass
class WorkloadBacktest(Backtest):
    """Image and video generation rows, with a total over all of them."""

    quantities: tuple[str, ...] = WORKLOAD_QUANTITIES

    def overall(self, role: str = "all") -> Summary | None:
        return summarise("workloads", self.rows, role)


def workload_rows() -> list[dict[str, str]]:
    """The generation rows."""
    return _csv("workload_rows.csv")


def embedding_rows() -> list[dict[str, str]]:
    """The embedding and vector-index rows."""
    return _csv("embedding_rows.csv")


def speech_rows() -> list[dict[str, str]]:
    """The speech-recognition rows."""
    return _csv("speech_rows.csv")


def speech_scenario(row: dict[str, str]) -> dict[str, Any]:
    """The [speech] scenario a row is predicted with: one full window."""
    body = {
        "model": row["model"], "gpu": row["gpu"], "precision": row["precision"],
        "runtime": row["runtime"], "audio_seconds": 30, "batch": int(row["batch"]),
        "beam": int(row["beam"]),
    }  # fmt: skip
    return {"title": row["id"], "speech": body}


def _describe_speech(row: dict[str, str]) -> str:
    return f"{row['model']} {row['precision'].upper()} {row['runtime']} on {row['gpu']}, batch 1"


def tts_rows() -> list[dict[str, str]]:
    """The speech-synthesis rows."""
    return _csv("tts_rows.csv")


def tts_scenario(row: dict[str, str]) -> dict[str, Any]:
    """The [speech_synthesis] scenario a row is predicted with."""
    body: dict[str, Any] = {
        "model": row["model"], "gpu": row["gpu"], "precision": row["precision"],
        "runtime": row["runtime"], "characters": int(row["characters"]),
        "streams": int(row["streams"]),
    }  # fmt: skip
    if row["steps"]:
        body["steps"] = int(row["steps"])
    return {"title": row["id"], "speech_synthesis": body}


def _describe_tts(row: dict[str, str]) -> str:
    steps = f", {row['steps']} steps" if row["steps"] else ""
    return (
        f"{row['model']} {row['precision'].upper()} {row['runtime']} on {row['gpu']}, "
        f"{row['streams']} stream(s), {row['characters']} characters{steps}"
    )


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("botec").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _describe(row: dict[str, str]) -> str:
    frames = f", {row['frames']} frames" if row["frames"] != "1" else ""
    gpus = f" × {row['gpus_per_job']}" if row["gpus_per_job"] != "1" else ""
    return (
        f"{row['model']} {row['width']}×{row['height']}{frames}, {row['steps']} steps, batch "
        f"{row['batch']}, {row['precision'].upper()} {row['runtime']} on {row['gpu']}{gpus}"
    )


def _describe_embedding(row: dict[str, str]) -> str:
    if row["model"]:
        return (
            f"{row['model']} {row['precision'].upper()} {row['runtime']} on {row['gpu']}, "
            f"{row['chunk_tokens']}-token inputs"
        )
    build = f", {row['build_cores']} cores" if row["build_cores"] else ""
    return (
        f"{row['index']} of {float(row['vectors']):,.0f} × {row['dim']}-d "
        f"{row['vector_precision']} (M {row['hnsw_m'] or '-'}, efC {row['ef_construction'] or '-'}"
        f", ef {row['ef_search'] or '-'}){build}"
    )


# The encoder an index row is run with: its vectors may be wider than a small encoder's, and the
# index's memory, build and search do not depend on the encoder.
_INDEX_ROW_ENCODER = "qwen3-embedding-8b"


def embedding_scenario(row: dict[str, str]) -> dict[str, Any]:
    """The [embeddings] scenario an embedding or index row is predicted with."""
    if row["model"]:
        body: dict[str, Any] = {
            "model": row["model"], "gpu": row["gpu"], "precision": row["precision"],
            "runtime": row["runtime"], "documents": 1e6,
            "tokens_per_document": int(row["chunk_tokens"]),
            "chunk_tokens": int(row["chunk_tokens"]),
        }  # fmt: skip
        return {"title": row["id"], "embeddings": body}
    body = {
        "model": _INDEX_ROW_ENCODER, "documents": float(row["vectors"]), "tokens_per_document": 512,
        "chunk_tokens": 512, "index": row["index"], "dim": int(row["dim"]),
    }  # fmt: skip
    if row["index"] != "ivf-pq":  # a PQ index stores codes, not the vectors' values
        body["vector_precision"] = row["vector_precision"]
    for key in ("hnsw_m", "ef_construction", "ef_search", "build_cores", "pq_bytes", "nlist"):
        if row[key]:
            body[key] = int(row[key])
    return {"title": row["id"], "embeddings": body}


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
    """Predict every shipped generation, embedding and vector-index row with the catalog's
    default ranges."""
    from botec.analysis.evaluate import evaluate
    from botec.scenario import scenario_from_dict

    result = WorkloadBacktest()
    cases = [(row, _describe(row), scenario_for(row)) for row in workload_rows()]
    cases += [(r, _describe_embedding(r), embedding_scenario(r)) for r in embedding_rows()]
    cases += [(r, _describe_speech(r), speech_scenario(r)) for r in speech_rows()]
    cases += [(r, _describe_tts(r), tts_scenario(r)) for r in tts_rows()]
    for row, description, scenario in cases:
        item = RowResult(
            row["id"], row["quantity"], description, float(row["published"]), row["unit"],
            role=row["role"],
        )  # fmt: skip
        try:
            sheet = evaluate(
                scenario_from_dict(scenario), samples, seed, sensitivity=False, catalog=catalog
            )
        except BotecInputError as exc:
            item.skipped = str(exc)
            result.rows.append(item)
            continue
        step = sheet.steps[row["quantity"]]
        item.predicted = float(step)
        item.p5, _, item.p95 = step.percentiles()
        result.rows.append(item)
    return result
