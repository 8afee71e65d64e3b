"""Scenario sections for the workloads past text LLMs: image and video generation."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from botec.scenario.fields import (
    Count,
    Duration,
    Fraction,
    PeakFactor,
    Sharpness,
    UsdPerHour,
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

    images_per_day: Count | None = None


class VideoGenerationSection(_Generation):
    """Video clips from a diffusion transformer: frames × spatial tokens under full attention,
    GPU-seconds per second of video, GPUs and dollars for a daily number of clips."""

    frames: Frames | None = None  # default: the model's clip length
    fps: Count | None = None  # default: the model's
    videos_per_day: Count | None = None
