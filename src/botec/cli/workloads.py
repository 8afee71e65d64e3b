"""The workload commands past text LLMs: image, video, embed and speech (tables of options; the
body is :func:`botec.cli.estimates.estimate`)."""

from __future__ import annotations

from typing import get_args

import click

from botec import commands
from botec.cli.common import ESTIMATING
from botec.cli.table import Opt, Table
from botec.commands.workloads import (
    AsrRuntime,
    Device,
    EncoderRuntime,
    Guidance,
    Index,
    RankerKind,
    Runtime,
    TablePrecision,
    TtsRuntime,
    VectorPrecision,
)
from botec.modelspec.encoders import encoder_names
from botec.modelspec.generators import generator_names
from botec.modelspec.recommenders import ranker_names
from botec.modelspec.speech import asr_names
from botec.modelspec.tts import tts_names


def _generation_opts(kind: str, what: str) -> tuple[Opt, ...]:
    """The options the image and video commands share."""
    return (
        Opt("--model", f"The {kind} generator: {', '.join(generator_names(kind))}.",
            show_default=True),
        Opt("--gpu", "Accelerator (botec hardware list).", show_default=True),
        Opt("--precision", "Weights and matmuls: bf16, fp16, fp8 (FP8 peak where the GPU has "
            "one).", show_default=True),
        Opt("--width", "Width in pixels (default: the model's).", type=int),
        Opt("--height", "Height in pixels (default: the model's).", type=int),
        Opt("--steps", "Denoising steps (default: the model's).", type=int),
        Opt("--guidance", "Classifier-free guidance: cfg (two passes a step), none, or the "
            "model's default.", type=click.Choice(get_args(Guidance)), show_default=True),
        Opt("--runtime", "eager (PyTorch, a kernel launch at a time) or compiled (torch.compile, "
            "TensorRT: CUDA graphs and fused kernels).", type=click.Choice(get_args(Runtime)),
            show_default=True),
        Opt("--batch", f"{what.capitalize()} generated together.", type=int, show_default=True),
        Opt("--gpus-per-job", "GPUs sharing one batch (sequence parallel).", type=int,
            show_default=True),
        Opt("--peak-factor", "Peak ÷ average (default: the catalog's range, nominal 3×)."),
        Opt("--compute-efficiency", "Denoiser share of dense peak (default: the catalog's "
            "range)."),
        Opt("--price", "USD per GPU-hour (default: the GPU's price on --price-basis)."),
        Opt("--price-basis", "Which prices: market (default), aws-on-demand, aws-spot."),
    )  # fmt: skip


IMAGE = Table(
    "Image generation by diffusion: FLOPs per image from the model's shape, memory, seconds "
    "per batch and images per second per GPU by roofline; with --images-per-day, GPUs and "
    "dollars.",
    commands.image,
    (
        *_generation_opts("image", "images"),
        Opt("--images-per-day", "Images a day, e.g. 1M: sizes the fleet and its bill."),
        *ESTIMATING,
    ),
    commands.FIELDS["image"],
)

VIDEO = Table(
    "Video generation by a diffusion transformer: frames × spatial tokens under full "
    "attention, seconds per clip, GPU-seconds per second of video; with --videos-per-day, the "
    "fleet.",
    commands.video,
    (
        *_generation_opts("video", "videos"),
        Opt("--frames", "Frames per clip (default: the model's).", type=int),
        Opt("--fps", "Frames per second (default: the model's)."),
        Opt("--videos-per-day", "Clips a day, e.g. 10K: sizes the fleet and its bill."),
        *ESTIMATING,
    ),
    commands.FIELDS["video"],
)

EMBED = Table(
    "Embeddings and vector retrieval: chunks and vectors, the encoder's tokens per second and "
    "GPU-hours, index memory (flat, HNSW, IVF, IVF-PQ) and nodes, build time, search cores.",
    commands.embed,
    (
        Opt("--documents", "Documents in the corpus, e.g. 100M.", required=True),
        Opt("--model", "The encoder: "
            + ", ".join(encoder_names())
            + ".", show_default=True),
        Opt("--gpu", "Device the encoder runs on.", show_default=True),
        Opt("--precision", "Encoder weights and matmuls.", show_default=True),
        Opt("--runtime", "optimized (TEI, ONNX, TensorRT) or pytorch (sentence-transformers).",
            type=click.Choice(get_args(EncoderRuntime)), show_default=True),
        Opt("--tokens-per-document", "Tokens per document.", show_default=True),
        Opt("--chunk-tokens", "Tokens per chunk (default 512, or the model's limit).", type=int),
        Opt("--index", "Index kind.", type=click.Choice(get_args(Index)), show_default=True),
        Opt("--dim", "Vector dimension (default: the model's; Matryoshka models can cut it).",
            type=int),
        Opt("--vector-precision", "Stored vector values (flat, HNSW, IVF-flat; default fp32).",
            type=click.Choice(get_args(VectorPrecision))),
        Opt("--hnsw-m", "HNSW links per node (M; default 32).", type=int),
        Opt("--ef-search", "HNSW search breadth (default 64).", type=int),
        Opt("--ef-construction", "HNSW build breadth (default 128).", type=int),
        Opt("--nlist", "IVF lists (default 4·√vectors).", type=int),
        Opt("--nprobe", "IVF lists probed per query (default 16, at most nlist).", type=int),
        Opt("--pq-bytes", "IVF-PQ code bytes per vector (default 64).", type=int),
        Opt("--qps", "Peak retrieval queries per second: sizes the search cores."),
        Opt("--query-tokens", "Tokens per query.", type=int, show_default=True),
        Opt("--top-k", "Chunks retrieved per query (the context a RAG answer adds).", type=int,
            show_default=True),
        Opt("--replicas", "Index replicas.", type=int, show_default=True),
        Opt("--build-cores", "Cores building the index.", type=int, show_default=True),
        Opt("--price", "USD per GPU-hour for the encoder (default: the GPU's price)."),
        Opt("--price-basis", "Which prices: market (default), aws-on-demand, aws-spot."),
        *ESTIMATING,
    ),
    commands.FIELDS["embed"],
)  # fmt: skip

SPEECH = Table(
    "Speech recognition (Whisper-style encoder-decoder): 30-second windows through the "
    "encoder, decoder tokens step by step, real-time factor; with --audio-hours-per-day, GPUs "
    "and the cost per audio hour.",
    commands.speech,
    (
        Opt("--model", "The model: " + ", ".join(asr_names()) + ".",
            show_default=True),
        Opt("--gpu", "Accelerator (botec hardware list).", show_default=True),
        Opt("--precision", "Weights and matmuls.", show_default=True),
        Opt("--runtime", "whisper.cpp, ctranslate2 (faster-whisper) or pytorch (openai-whisper, "
            "transformers).", type=click.Choice(get_args(AsrRuntime)), show_default=True),
        Opt("--audio-seconds", "Audio per request, e.g. '30 s' or '5 min'.", show_default=True),
        Opt("--batch", "Windows transcribed together.", type=int, show_default=True),
        Opt("--beam", "Beam-search hypotheses (1 = greedy).", type=int, show_default=True),
        Opt("--audio-hours-per-day", "Hours of audio a day: sizes the fleet."),
        Opt("--peak-factor", "Peak ÷ average (default: the catalog's range, nominal 3×)."),
        Opt("--price", "USD per GPU-hour (default: the GPU's price on --price-basis)."),
        Opt("--price-basis", "Which prices: market (default), aws-on-demand, aws-spot."),
        *ESTIMATING,
    ),
    commands.FIELDS["speech"],
)  # fmt: skip


RECSYS = Table(
    "A ranking service: embedding tables and their shards, work per scored item (a DLRM-style "
    "network on CPU or GPU, or a tree ensemble on CPU), cores or GPUs for the peak.",
    commands.recsys,
    (
        Opt("--model", "A catalog ranking model: " + ", ".join(ranker_names()) + "."),
        Opt("--kind", "dlrm (tables and dense layers) or trees (a tree ensemble).",
            type=click.Choice(get_args(RankerKind)), show_default=True),
        Opt("--embedding-rows", "Rows in all embedding tables, e.g. 200M."),
        Opt("--embedding-dim", "Embedding dimension.", type=int),
        Opt("--embedding-precision", "Table values.", type=click.Choice(get_args(TablePrecision)),
            show_default=True),
        Opt("--lookups-per-sample", "Table rows gathered per scored item."),
        Opt("--dense-params", "Dense weights (MLPs, cross layers), e.g. 16M."),
        Opt("--trees", "Trees in the ensemble (--kind trees).", type=int),
        Opt("--tree-depth", "Levels walked per tree (default 8; with --kind trees).", type=int),
        Opt("--device", "Score on CPU cores or GPUs.", type=click.Choice(get_args(Device)),
            show_default=True),
        Opt("--gpu", "GPU (with --device gpu; default h100-sxm)."),
        Opt("--qps", "Peak ranking requests per second, e.g. 2K.", required=True),
        Opt("--candidates", "Items scored per request.", show_default=True),
        Opt("--headroom-factor", "Cores with headroom (CPU).", show_default=True),
        Opt("--price", "USD per GPU-hour (with --device gpu)."),
        Opt("--price-basis", "Which prices: market (default), aws-on-demand, aws-spot."),
        *ESTIMATING,
    ),
    commands.FIELDS["recsys"],
)  # fmt: skip


TTS = Table(
    "Text to speech: characters to seconds of speech, decoder steps (autoregressive codec "
    "models) or spectrogram passes (flow models), real-time factor; with --characters-per-day, "
    "GPUs and the cost per million characters.",
    commands.tts,
    (
        Opt("--model", "The model: " + ", ".join(tts_names()) + ".", show_default=True),
        Opt("--gpu", "Accelerator (botec hardware list).", show_default=True),
        Opt("--precision", "Weights and matmuls.", show_default=True),
        Opt("--runtime", "graphs (vLLM, TensorRT-LLM: CUDA graphs) or eager (PyTorch).",
            type=click.Choice(get_args(TtsRuntime)), show_default=True),
        Opt("--characters", "Characters of text per request.", show_default=True),
        Opt("--streams", "Requests synthesised together.", type=int, show_default=True),
        Opt("--steps", "A flow model's ODE steps (default: the model's).", type=int),
        Opt("--characters-per-day", "Characters a day, e.g. 1B: sizes the fleet."),
        Opt("--peak-factor", "Peak ÷ average (default: the catalog's range, nominal 3×)."),
        Opt("--price", "USD per GPU-hour (default: the GPU's price on --price-basis)."),
        Opt("--price-basis", "Which prices: market (default), aws-on-demand, aws-spot."),
        *ESTIMATING,
    ),
    commands.FIELDS["tts"],
)  # fmt: skip
