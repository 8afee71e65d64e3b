"""Workloads past text LLMs: image and video generation, from parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from botec.commands._common import (
    DEFAULT_SAMPLES,
    CatalogFiles,
    ParameterError,
    Quantity,
    fill,
    run,
    whole,
)

if TYPE_CHECKING:
    from botec.core.sheet import Sheet

Guidance = Literal["default", "cfg", "none"]
Runtime = Literal["eager", "compiled"]

_SHARED = {
    "model": "model",
    "gpu": "gpu",
    "precision": "precision",
    "width": "width",
    "height": "height",
    "steps": "steps",
    "guidance": "guidance",
    "runtime": "runtime",
    "batch": "batch",
    "gpus_per_job": "gpus_per_job",
    "peak_factor": "peak_factor",
    "compute_efficiency": "compute_efficiency",
    "price": "usd_per_gpu_hour",
    "price_basis": "price_basis",
}
IMAGE_FIELDS: dict[str, tuple[str, ...]] = {
    **{k: (f"image_generation.{v}",) for k, v in _SHARED.items()},
    "images_per_day": ("image_generation.images_per_day",),
}
VIDEO_FIELDS: dict[str, tuple[str, ...]] = {
    **{k: (f"video_generation.{v}",) for k, v in _SHARED.items()},
    "frames": ("video_generation.frames",),
    "fps": ("video_generation.fps",),
    "videos_per_day": ("video_generation.videos_per_day",),
}
_WHOLE = ("width", "height", "steps", "batch", "gpus_per_job", "frames")
EMBED_FIELDS: dict[str, tuple[str, ...]] = {
    name: (f"embeddings.{field}",)
    for name, field in {
        "model": "model",
        "gpu": "gpu",
        "precision": "precision",
        "runtime": "runtime",
        "documents": "documents",
        "tokens_per_document": "tokens_per_document",
        "chunk_tokens": "chunk_tokens",
        "index": "index",
        "dim": "dim",
        "vector_precision": "vector_precision",
        "hnsw_m": "hnsw_m",
        "ef_search": "ef_search",
        "ef_construction": "ef_construction",
        "nlist": "nlist",
        "nprobe": "nprobe",
        "pq_bytes": "pq_bytes",
        "qps": "queries_per_second",
        "query_tokens": "query_tokens",
        "top_k": "top_k",
        "replicas": "replicas",
        "build_cores": "build_cores",
        "price": "usd_per_gpu_hour",
        "price_basis": "price_basis",
    }.items()
}
Index = Literal["flat", "hnsw", "ivf-flat", "ivf-pq"]
VectorPrecision = Literal["fp32", "fp16", "int8"]
EncoderRuntime = Literal["optimized", "pytorch"]
_EMBED_WHOLE = (
    "chunk_tokens", "dim", "hnsw_m", "ef_search", "ef_construction", "nlist", "nprobe",
    "pq_bytes", "query_tokens", "top_k", "replicas", "build_cores",
)  # fmt: skip


def image(
    *,
    model: str = "sdxl",
    gpu: str = "h100-sxm",
    precision: str = "bf16",
    width: int | None = None,
    height: int | None = None,
    steps: int | None = None,
    guidance: Guidance = "default",
    runtime: Runtime = "eager",
    batch: int = 1,
    gpus_per_job: int = 1,
    images_per_day: Quantity | None = None,
    peak_factor: Quantity | None = None,
    compute_efficiency: Quantity | None = None,
    price: Quantity | None = None,
    price_basis: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Images from a diffusion model: FLOPs per image from its shape, memory, seconds per batch
    and images per second per GPU by roofline; with ``images_per_day``, the GPUs and dollars.

    >>> botec.image(model="sdxl", gpu="a100-80gb", samples=0)["denoise_flop"].formatted()
    '360 TFLOP'
    """
    p = _whole_numbers(dict(locals()))
    data = {
        "title": f"Image generation: {model} on {gpu}",
        "image_generation": fill("image_generation", p, IMAGE_FIELDS),
    }
    return run(data, samples, seed, catalog_files)


def video(
    *,
    model: str = "wan2.1-14b",
    gpu: str = "h100-sxm",
    precision: str = "bf16",
    width: int | None = None,
    height: int | None = None,
    frames: int | None = None,
    fps: Quantity | None = None,
    steps: int | None = None,
    guidance: Guidance = "default",
    runtime: Runtime = "eager",
    batch: int = 1,
    gpus_per_job: int = 1,
    videos_per_day: Quantity | None = None,
    peak_factor: Quantity | None = None,
    compute_efficiency: Quantity | None = None,
    price: Quantity | None = None,
    price_basis: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Video clips from a diffusion transformer: frames × spatial tokens under full attention,
    seconds per clip and GPU-seconds per second of video; with ``videos_per_day``, the fleet.

    >>> botec.video(model="wan2.1-1.3b", gpu="h100-sxm", samples=0)["image_tokens"].value
    32760.0
    """
    p = _whole_numbers(dict(locals()))
    data = {
        "title": f"Video generation: {model} on {gpu}",
        "video_generation": fill("video_generation", p, VIDEO_FIELDS),
    }
    return run(data, samples, seed, catalog_files)


def embed(
    *,
    documents: Quantity | None = None,
    model: str = "bge-base-en-v1.5",
    gpu: str = "l4",
    precision: str = "fp16",
    runtime: EncoderRuntime = "optimized",
    tokens_per_document: Quantity = 1000,
    chunk_tokens: int | None = None,
    index: Index = "hnsw",
    dim: int | None = None,
    vector_precision: VectorPrecision | None = None,
    hnsw_m: int | None = None,
    ef_search: int | None = None,
    ef_construction: int | None = None,
    nlist: int | None = None,
    nprobe: int | None = None,
    pq_bytes: int | None = None,
    qps: Quantity | None = None,
    query_tokens: int = 32,
    top_k: int = 5,
    replicas: int = 2,
    build_cores: int = 32,
    price: Quantity | None = None,
    price_basis: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Embed ``documents`` into a vector ``index``: vectors, the encoder's tokens per second and
    GPU-hours, index memory and nodes, build time, and with ``qps`` the search cores.

    >>> botec.embed(documents="1M", index="flat", samples=0)["index_memory"].value
    6758400000.0
    """
    if documents is None:
        raise ParameterError("documents", "missing", "the number of documents, e.g. 100M")
    p = _whole_numbers(dict(locals()), _EMBED_WHOLE)
    data = {"title": f"Embeddings: {documents} documents, {model}, {index} index",
            "embeddings": fill("embeddings", p, EMBED_FIELDS)}  # fmt: skip
    return run(data, samples, seed, catalog_files)


def _whole_numbers(p: dict[str, Any], keys: tuple[str, ...] = _WHOLE) -> dict[str, Any]:
    for key in keys:
        if key in p:
            p[key] = whole(p[key], key, "a whole number, e.g. 4")
    return p


SPEECH_FIELDS: dict[str, tuple[str, ...]] = {
    name: (f"speech.{field}",)
    for name, field in {
        "model": "model", "gpu": "gpu", "precision": "precision", "runtime": "runtime",
        "audio_seconds": "audio_seconds", "batch": "batch", "beam": "beam",
        "audio_hours_per_day": "audio_hours_per_day", "peak_factor": "peak_factor",
        "price": "usd_per_gpu_hour", "price_basis": "price_basis",
    }.items()
}  # fmt: skip
AsrRuntime = Literal["whisper.cpp", "ctranslate2", "pytorch"]


def speech(
    *,
    model: str = "whisper-large-v3",
    gpu: str = "l4",
    precision: str = "fp16",
    runtime: AsrRuntime = "ctranslate2",
    audio_seconds: Quantity = "60 s",
    batch: int = 1,
    beam: int = 1,
    audio_hours_per_day: Quantity | None = None,
    peak_factor: Quantity | None = None,
    price: Quantity | None = None,
    price_basis: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Speech recognition: ``audio_seconds`` per request in 30-second windows through the
    encoder, decoder tokens step by step, the real-time factor (RTFx) and, with
    ``audio_hours_per_day``, the GPUs and the cost per audio hour.

    >>> botec.speech(model="whisper-small", samples=0)["encoder_window_flop"].formatted()
    '344 GFLOP'
    """
    p = _whole_numbers(dict(locals()), ("batch", "beam"))
    data = {"title": f"Speech recognition: {model} on {gpu}",
            "speech": fill("speech", p, SPEECH_FIELDS)}  # fmt: skip
    return run(data, samples, seed, catalog_files)


RECSYS_FIELDS: dict[str, tuple[str, ...]] = {
    name: (f"recommender.{field}",)
    for name, field in {
        "model": "model", "kind": "kind", "embedding_rows": "embedding_rows",
        "embedding_dim": "embedding_dim", "embedding_precision": "embedding_precision",
        "lookups_per_sample": "lookups_per_sample", "dense_params": "dense_params",
        "trees": "trees", "tree_depth": "tree_depth", "device": "device", "gpu": "gpu",
        "qps": "requests_per_second", "candidates": "candidates_per_request",
        "headroom_factor": "headroom_factor", "price": "usd_per_gpu_hour",
        "price_basis": "price_basis",
    }.items()
}  # fmt: skip
RankerKind = Literal["dlrm", "trees"]
Device = Literal["cpu", "gpu"]
TablePrecision = Literal["fp32", "fp16", "int8"]


def recsys(
    *,
    model: str | None = None,
    kind: RankerKind = "dlrm",
    embedding_rows: Quantity | None = None,
    embedding_dim: int | None = None,
    embedding_precision: TablePrecision = "fp32",
    lookups_per_sample: Quantity | None = None,
    dense_params: Quantity | None = None,
    trees: int | None = None,
    tree_depth: int | None = None,
    device: Device = "cpu",
    gpu: str | None = None,
    qps: Quantity | None = None,
    candidates: Quantity = 100,
    headroom_factor: Quantity = 3,
    price: Quantity | None = None,
    price_basis: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """A ranking service: embedding tables and their shards, work per scored item (a DLRM-style
    network on CPU or GPU, or a tree ensemble on CPU), and the cores or GPUs for ``qps`` peak
    requests of ``candidates`` items each.

    >>> botec.recsys(model="dlrm-dcnv2", qps=1000, samples=0)["embedding_table_bytes"].value
    104542509056.0
    """
    if qps is None:
        raise ParameterError("qps", "missing", "the peak ranking requests per second, e.g. 2K")
    p = _whole_numbers(dict(locals()), ("embedding_dim", "trees", "tree_depth"))
    data = {"title": f"Ranking: {model or kind} on {device}",
            "recommender": fill("recommender", p, RECSYS_FIELDS)}  # fmt: skip
    return run(data, samples, seed, catalog_files)


TTS_FIELDS: dict[str, tuple[str, ...]] = {
    name: (f"speech_synthesis.{field}",)
    for name, field in {
        "model": "model", "gpu": "gpu", "precision": "precision", "runtime": "runtime",
        "characters": "characters", "streams": "streams", "steps": "steps",
        "characters_per_day": "characters_per_day", "peak_factor": "peak_factor",
        "price": "usd_per_gpu_hour", "price_basis": "price_basis",
    }.items()
}  # fmt: skip
TtsRuntime = Literal["graphs", "eager"]


def tts(
    *,
    model: str = "orpheus-3b",
    gpu: str = "l4",
    precision: str = "bf16",
    runtime: TtsRuntime = "graphs",
    characters: Quantity = 500,
    streams: int = 1,
    steps: int | None = None,
    characters_per_day: Quantity | None = None,
    peak_factor: Quantity | None = None,
    price: Quantity | None = None,
    price_basis: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog_files: CatalogFiles = (),
) -> Sheet:
    """Text to speech: ``characters`` per request to seconds of speech, decoder steps or
    spectrogram passes, the real-time factor for ``streams`` at once and, with
    ``characters_per_day``, the GPUs and the cost per million characters.

    >>> botec.tts(model="xtts-v2", characters=1520, samples=0)["synthesis_steps"].value
    2153.0
    """
    p = _whole_numbers(dict(locals()), ("streams", "steps"))
    data = {"title": f"Speech synthesis: {model} on {gpu}",
            "speech_synthesis": fill("speech_synthesis", p, TTS_FIELDS)}  # fmt: skip
    return run(data, samples, seed, catalog_files)
