"""Scenario sections for the workloads past text LLMs: image and video generation, embeddings and
vector retrieval, speech recognition and synthesis, ranking."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from botec.scenario.fields import (
    AtLeastOne,
    ByteRate,
    Bytes,
    Count,
    Duration,
    DurationOrZero,
    Factor,
    Fraction,
    Overhead,
    PeakFactor,
    PricePerHour,
    Sharpness,
    UsdPerHour,
    UsdPerMtoken,
    WholeCount,
    _whole,
)

# An image side in pixels: from one latent patch to 64K (past any published generator's size).
Pixels = Annotated[int, BeforeValidator(_whole), Field(ge=16, le=65_536)]
Steps = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=10_000)]
Frames = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=100_000)]  # 55 min at 30 fps


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Generation(_Section):
    model: str  # a generator from the catalog (botec image --help lists them)
    gpu: str = "h100-sxm"
    precision: str = "bf16"  # the weights' and the matmuls' type (fp8 runs at the FP8 peak)
    width: Pixels | None = None  # px (default: the model's)
    height: Pixels | None = None
    steps: Steps | None = None  # denoising steps (default: the model's)
    guidance: Literal["default", "cfg", "none"] = "default"  # cfg: two passes a step
    runtime: Literal["eager", "compiled"] = "eager"  # compiled: torch.compile, TensorRT
    step_launch_time: Duration = None  # CPU time to launch a step's kernels (default: runtime's)
    batch: WholeCount = 1  # images (or videos) generated together on one GPU (or job)
    gpus_per_job: WholeCount = 1  # GPUs sharing one batch (sequence parallel)
    peak_factor: PeakFactor = None  # default: the catalog's range (nominal 3×)
    compute_efficiency: Fraction = None  # default: the catalog's range for diffusion
    vae_compute_efficiency: Fraction = None
    memory_efficiency: Fraction = None
    parallel_efficiency: Fraction = None  # with gpus_per_job > 1
    roofline_sharpness: Sharpness = None
    usd_per_gpu_hour: UsdPerHour | None = None  # default: the GPU's price on price_basis
    price_basis: str = ""


class ImageGenerationSection(_Generation):
    """Images from a diffusion model: FLOPs per step from its shape, time per image by roofline,
    GPUs and dollars for a daily number of images."""

    images_per_day: AtLeastOne | None = None  # default: one per [users] request, if any


class VideoGenerationSection(_Generation):
    """Video clips from a diffusion transformer: frames × spatial tokens under full attention,
    GPU-seconds per second of video, GPUs and dollars for a daily number of clips."""

    frames: Frames | None = None  # default: the model's clip length
    fps: Count | None = None  # default: the model's
    videos_per_day: AtLeastOne | None = None  # default: one per [users] request, if any


class EmbeddingsSection(_Section):
    """A corpus embedded by an encoder into a vector index: vectors, encoder throughput and
    GPU-hours, index memory, build time, search cores for the queries; with [serving], the whole
    retrieval-augmented answer."""

    model: str = "bge-base-en-v1.5"  # an encoder from the catalog (botec embed --help)
    gpu: str = "l4"
    precision: str = "fp16"
    runtime: Literal["optimized", "pytorch"] = "optimized"  # optimized: TEI, ONNX, TensorRT
    encoder_efficiency: Fraction = None  # default: the runtime's range
    documents: AtLeastOne
    tokens_per_document: AtLeastOne = 1000
    chunk_tokens: WholeCount | None = None  # default: 512, or the model's limit if shorter
    index: Literal["flat", "hnsw", "ivf-flat", "ivf-pq"] = "hnsw"
    dim: WholeCount | None = None  # default: the model's output (Matryoshka models can cut it)
    vector_precision: Literal["fp32", "fp16", "int8"] = "fp32"
    hnsw_m: WholeCount = 32
    ef_construction: WholeCount = 128
    ef_search: WholeCount | None = None  # default: 64, or top_k where that is more
    nlist: WholeCount | None = None  # default: 4·√vectors
    nprobe: WholeCount | None = None  # default: 16, at most nlist
    pq_bytes: WholeCount = 64
    queries_per_second: Count | None = None  # peak; default: [users] peak × queries_per_request
    queries_per_request: Count = 1
    query_tokens: WholeCount = 32
    top_k: WholeCount = 5
    node_memory: Bytes = 256e9
    memory_headroom: Overhead = 0.3
    replicas: WholeCount = 2
    build_cores: WholeCount = 32
    candidate_latency: Duration = None  # default: the catalog's range
    core_bandwidth: ByteRate = None
    usd_per_gpu_hour: UsdPerHour | None = None
    price_basis: str = ""


class SpeechSection(_Section):
    """Speech recognition by an encoder-decoder model: windows, encoder and decoder time by
    roofline, real-time factor, and GPUs and dollars for hours of audio a day."""

    model: str = "whisper-large-v3"  # a speech-recognition model (botec speech --help)
    gpu: str = "l4"
    precision: str = "fp16"
    runtime: Literal["whisper.cpp", "ctranslate2", "pytorch"] = "ctranslate2"
    audio_seconds: Duration = 60  # per request (s)
    batch: WholeCount = 1  # windows transcribed together
    beam: WholeCount = 1  # beam search hypotheses (faster-whisper's default is 5)
    speech_tokens_per_second: Count | None = None  # default: the catalog's range
    encoder_efficiency: Fraction = None
    audio_hours_per_day: Count | None = None  # default: [users]' requests × audio_seconds
    peak_factor: PeakFactor = None
    usd_per_gpu_hour: UsdPerHour | None = None
    price_basis: str = ""


class RecommenderSection(_Section):
    """A ranking service: embedding tables sharded over devices, each request's candidates
    scored by a DLRM-style network (CPU or GPU) or a tree ensemble (CPU), cores or GPUs for the
    peak with headroom."""

    model: str = ""  # a catalog ranking model (botec recsys --help), or the fields below
    kind: Literal["dlrm", "trees"] = "dlrm"
    embedding_rows: AtLeastOne | None = None
    embedding_dim: WholeCount | None = None
    embedding_precision: Literal["fp32", "fp16", "int8"] = "fp32"
    lookups_per_sample: AtLeastOne | None = None
    dense_params: AtLeastOne | None = None
    trees: WholeCount | None = None  # a tree ensemble (kind = "trees")
    tree_depth: WholeCount = 8
    device: Literal["cpu", "gpu"] = "cpu"
    gpu: str = "h100-sxm"
    requests_per_second: Count | None = None  # peak; default: [users]' peak
    candidates_per_request: AtLeastOne = 100
    headroom_factor: Factor = 3.0
    cores_per_request: WholeCount = 1
    cores_per_machine: WholeCount = 32
    machine_memory: Bytes = 256e9
    usd_per_gpu_hour: UsdPerHour | None = None
    price_basis: str = ""


class SpeechSynthesisSection(_Section):
    """Text to speech: characters to seconds of speech, decoder steps or spectrogram passes,
    real-time factor, and GPUs and dollars for characters a day."""

    model: str = "orpheus-3b"  # a speech-synthesis model (botec tts --help)
    gpu: str = "l4"
    precision: str = "bf16"
    runtime: Literal["graphs", "eager"] = "graphs"  # graphs: vLLM, TensorRT-LLM, compiled
    characters: AtLeastOne = 500  # per request
    characters_per_second: Count | None = None  # default: the catalog's range (read speech)
    streams: WholeCount = 1  # requests synthesised together
    steps: WholeCount | None = None  # a flow model's ODE steps (default: the model's)
    reference_seconds: Duration = 5.0  # a flow model's reference clip (voice prompt)
    characters_per_day: AtLeastOne | None = None  # default: [users]' requests × characters
    peak_factor: PeakFactor = None
    usd_per_gpu_hour: UsdPerHour | None = None
    price_basis: str = ""


class DeploymentSection(_Section):
    """The serving plan over a day: hourly autoscaling against a fleet sized for peak, and
    serverless per-second billing against provisioned replicas, with the break-even traffic."""

    hourly_profile: tuple[Annotated[float, Field(ge=0, le=1e6)], ...] | None = None  # 24 values
    min_replicas: Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10_000)] = 1
    # how long a new replica takes to serve (node, weights, engine): each hour is provisioned for
    # the busiest hour it reaches into (default 1 h: one hour ahead; 0: scaling is instant)
    scale_up_delay: DurationOrZero = 3600.0
    scale_down_window: Duration = 60.0  # serverless: idle seconds kept warm after a request
    serverless_usd_per_gpu_hour: PricePerHour | None = None  # default: the catalog's (Modal's)
    weights_load_bandwidth: ByteRate = None  # default: the catalog's range
    engine_startup_time: Duration = None
    # a hosted API priced per token ("MODEL@PROVIDER", prices.toml [hosted_api]): default the
    # cheapest the catalog lists for the served model; "none" leaves hosted APIs out
    hosted_api: str = ""
    hosted_usd_per_million_input_tokens: UsdPerMtoken | None = None  # your own API price
    hosted_usd_per_million_output_tokens: UsdPerMtoken | None = None
