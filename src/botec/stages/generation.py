"""The [image_generation] and [video_generation] stages: a diffusion model's FLOPs per image (or
clip) from its shape, memory, time per batch by roofline, and the fleet for a daily rate."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.estimators import diffusion, generation, verdicts
from botec.estimators.inference import forward_flop_per_param_per_token
from botec.modelspec.generators import Generator, get_generator
from botec.scenario.workloads import ImageGenerationSection, VideoGenerationSection
from botec.stages import runtimes
from botec.stages._inputs import (
    assumed,
    gpu_inputs,
    on_this_gpu,
    roofline_sharpness,
    workspace_bytes,
)
from botec.stages.context import Context
from botec.stages.generation_fleet import generation_fleet

Section = ImageGenerationSection | VideoGenerationSection
# A DiT's shape is recorded under the denoiser's name: an LLM in the same scenario has its own.
_SHARED_NAMES = ("layers", "hidden_size", "ffn_size")


def run_generation(ctx: Context, sec: Section, kind: str) -> None:
    field = f"{kind}_generation"
    gen = get_generator(sec.model, f"{field}.model", kind)
    sheet = ctx.sheet
    sheet.note("info", f"{gen.name}: {gen.source}")
    shape, sequence, (step, text_flop, vae_flop) = _flops(sheet, gen, sec, kind)
    _split_note(sheet, sec, sequence)
    runtimes.check_generation(ctx, field, sec.precision, sec.runtime, sec.gpu)
    gpu, peak, bandwidth, _memory_input = gpu_inputs(
        ctx, sec.gpu, f"{field}.gpu", sec.precision, prefix="generator_"
    )
    bytes_per_param = sheet.input(
        "generator_bytes_per_param",
        ctx.catalog.precision(sec.precision, f"{field}.precision").bytes_per_param,
        "B/param",
        f"Bytes per weight ({sec.precision})",
        "catalog: precisions.toml",
    )
    noun = kind  # what is generated: images or videos
    batch = sheet.input(
        "generation_batch",
        sec.batch,
        f"{noun}s",
        f"{noun.capitalize()}s generated together",
        "scenario",
    )
    peak_memory = _memory(sheet, gen, shape, sequence, bytes_per_param, batch)
    verdicts.generation_fit(
        sheet, peak_memory, gpu, sheet["generator_weights_memory"], workspace_bytes(ctx)
    )
    rates = _rates(ctx, sec, gpu, (peak, bandwidth))
    rates["vae_peak_flop_per_s"] = _vae_peak(ctx, gen, gpu, peak)
    latency = generation.batch_latency(
        sheet,
        gpu=rates,
        work={
            "batch": batch,
            "steps": shape["steps"],
            "step_flop": step,
            "text_encode_flop": text_flop,
            "vae_decode_flop": vae_flop,
            "denoiser_params": shape["denoiser_params"],
            "bytes_per_param": bytes_per_param,
        },
    )
    formulas = generation.PER_NOUN[noun]
    per_gpu = sheet.step(
        formulas["per_gpu"], batch=batch, generation_latency=latency,
        gpus_per_job=rates["gpus_per_job"],
    )  # fmt: skip
    if kind == "video":
        sheet.step(
            generation.GPU_SECONDS_PER_VIDEO_SECOND,
            generation_latency=latency,
            gpus_per_job=rates["gpus_per_job"],
            batch=batch,
            frames=shape["frames"],
            fps=shape["fps"],
        )
    generation_fleet(ctx, sec, (gpu, per_gpu), noun)


# Below this many tokens per GPU, exchanging keys and values every layer costs more than the split
# saves (xDiT and ParaAttention publish scaling to 8 GPUs on sequences of 4,000-120,000 tokens).
_MIN_TOKENS_PER_GPU = 1024
_MAX_UNET_SPLIT = 8  # DistriFusion's patch parallelism, published to 8 GPUs for SDXL


def _split_note(sheet: Sheet, sec: Section, sequence: Value | None) -> None:
    """A warning when a job is split past what sequence parallelism is known to carry."""
    n = sec.gpus_per_job
    if n == 1:
        return
    if sequence is None and n > _MAX_UNET_SPLIT:
        sheet.note(
            "warn",
            f"{n} GPUs on one UNet job: patch parallelism is published to "
            f"{_MAX_UNET_SPLIT} GPUs; the parallel efficiency range does not cover more.",
        )
    elif sequence is not None and float(sequence) / n < _MIN_TOKENS_PER_GPU:
        sheet.note(
            "warn",
            f"{n} GPUs share {float(sequence):,.0f} tokens, fewer than {_MIN_TOKENS_PER_GPU:,} "
            "each: exchanging keys and values every layer then costs more than the split saves, "
            "and the parallel efficiency range does not cover it.",
        )  # fmt: skip


def _flops(
    sheet: Sheet, gen: Generator, sec: Section, kind: str
) -> tuple[dict[str, Value], Value | None, tuple[Value, Value, Value]]:
    """The request's shape, a DiT's sequence length, and FLOPs per step, text encoding and VAE
    decode for one image or clip."""
    cite = f"catalog: generators.toml [{gen.key}] ({gen.as_of})"
    shape = _shape(sheet, gen, sec, kind, cite)
    pass_flop, sequence = _pass_flop(sheet, gen, shape, cite)
    step, text_flop, vae_flop, _total = diffusion.image_flop(
        sheet,
        pass_flop=pass_flop,
        guidance_passes=shape["guidance_passes"],
        steps=shape["steps"],
        text=(shape["flop_per_param_per_token"], shape["text_encoder_params"],
              shape["text_tokens"]),
        vae=(shape["vae_decode_flop_per_pixel"], shape["width"], shape["height"], shape["frames"]),
        noun=kind,
    )  # fmt: skip
    return shape, sequence, (step, text_flop, vae_flop)


def _check_sides(gen: Generator, sec: Section, kind: str) -> None:
    """A side must fill whole latent positions (and a DiT's whole patches)."""
    step = gen.vae_downsample * (gen.patch_size if gen.architecture == "dit" else 1)
    why = f"its VAE's {gen.vae_downsample} pixels per latent position" + (
        f" × its {gen.patch_size}×{gen.patch_size} patches" if step != gen.vae_downsample else ""
    )
    for side in ("width", "height"):
        value = getattr(sec, side)
        if value is not None and value % step:
            raise BotecInputError(
                f"{kind}_generation.{side}",
                value,
                f"a multiple of {step} px for {gen.name} ({why})",
            )


def _shape(sheet: Sheet, gen: Generator, sec: Section, kind: str, cite: str) -> dict[str, Value]:
    """The model's numbers and the request's size, each recorded with where it came from."""

    def given_or_model(name: str, given: object, default: float, unit: str, title: str) -> Value:
        if given is not None:
            return sheet.input(name, given, unit, title, "scenario")
        return sheet.input(name, default, unit, f"{title} ({gen.name}'s default)", cite)

    _check_sides(gen, sec, kind)
    passes = {"default": gen.guidance_passes, "cfg": 2, "none": 1}[sec.guidance]
    out = {
        "width": given_or_model("width", sec.width, gen.default_width, "px", "Width"),
        "height": given_or_model("height", sec.height, gen.default_height, "px", "Height"),
        "steps": given_or_model("steps", sec.steps, gen.default_steps, "steps", "Denoising steps"),
        "guidance_passes": sheet.input(
            "guidance_passes",
            passes,
            "passes",
            "Denoiser passes per step (2 with classifier-free guidance)",
            "scenario" if sec.guidance != "default" else cite,
        ),
        "flop_per_param_per_token": forward_flop_per_param_per_token(sheet),
    }
    model_numbers = {
        "denoiser_params": ("params", "Denoiser parameters"),
        "text_encoder_params": ("params", "Text-encoder parameters (all encoders)"),
        "vae_params": ("params", "VAE parameters"),
        "text_tokens": ("tokens", "Prompt tokens the text encoders run on"),
        "vae_downsample": ("px", "Pixels per latent position along a side"),
        "vae_decode_flop_per_pixel": ("FLOP/px", "VAE decoder FLOPs per output pixel"),
        "vae_decode_channels": ("", "VAE decoder channels at full resolution"),
    }
    for name, (unit, title) in model_numbers.items():
        out[name] = sheet.input(name, getattr(gen, name), unit, title, cite)
    if kind == "video":
        assert isinstance(sec, VideoGenerationSection)
        out["frames"] = given_or_model("frames", sec.frames, gen.default_frames, "frames", "Frames")
        out["fps"] = given_or_model("fps", sec.fps, gen.fps, "frames/s", "Frames per second")
        out["vae_temporal_downsample"] = sheet.input(
            "vae_temporal_downsample", gen.vae_temporal_downsample, "frames",
            "Frames per latent frame (after the first)", cite,
        )  # fmt: skip
        out["vae_decode_frames"] = sheet.input(
            "vae_decode_frames", gen.vae_decode_frames, "frames", "Frames the VAE decodes at once",
            cite,
        )  # fmt: skip
    else:
        out["frames"] = sheet.constant("frames", 1, "frames", "Frames", "an image")
        out["vae_decode_frames"] = out["frames"]
    return out


def _pass_flop(
    sheet: Sheet, gen: Generator, shape: dict[str, Value], cite: str
) -> tuple[Value, Value | None]:
    """The denoiser's FLOPs for one pass over one image (and a DiT's sequence length)."""
    video = "vae_temporal_downsample" in shape
    if gen.architecture == "unet":
        positions, _, _ = diffusion.latent_tokens(
            sheet, width=shape["width"], height=shape["height"],
            vae_downsample=shape["vae_downsample"],
        )  # fmt: skip
        return diffusion.unet_pass_flop(
            sheet,
            latent_positions=positions,
            ref_flop_per_pass=sheet.input(
                "ref_flop_per_pass", gen.ref_flop_per_pass, "FLOP", "UNet FLOPs per pass at the "
                "reference latent", cite,
            ),
            ref_latent_positions=sheet.input(
                "ref_latent_positions", gen.ref_latent_positions, "positions",
                "Reference latent positions", cite,
            ),
            attention_share=sheet.input(
                "attention_share", gen.attention_share, "fraction",
                "Attention scores' share of the reference FLOPs", cite,
            ),
        ), None  # fmt: skip
    dims = {
        "layers": (gen.layers, "layers", "Denoiser blocks each token passes"),
        "hidden_size": (gen.hidden_size, "dims", "Hidden size"),
        "ffn_size": (gen.ffn_size, "dims", "MLP width"),
        "projections": (gen.projections, "matrices", "Projections per block (q, k, v, o, ...)"),
        "joint_text_tokens": (gen.joint_text_tokens, "tokens", "Text tokens in the sequence"),
        "cross_text_tokens": (gen.cross_text_tokens, "tokens", "Text tokens cross-attended"),
    }
    values = {
        k: sheet.input(f"denoiser_{k}" if k in _SHARED_NAMES else k, v, unit, title, cite)
        for k, (v, unit, title) in dims.items()
    }
    _, _, tokens = diffusion.latent_tokens(
        sheet,
        width=shape["width"],
        height=shape["height"],
        vae_downsample=shape["vae_downsample"],
        frames=shape["frames"] if video else None,
        vae_temporal_downsample=shape.get("vae_temporal_downsample"),
        patch_positions=sheet.input(
            "patch_positions", gen.patch_size**2, "positions/token",
            f"Latent positions per token ({gen.patch_size}×{gen.patch_size} patches)", cite,
        ),
    )  # fmt: skip
    assert tokens is not None
    return diffusion.dit_pass_flop(
        sheet,
        image_tokens=tokens,
        flop_per_param_per_token=shape["flop_per_param_per_token"],
        **values,
    )


def _memory(
    sheet: Sheet,
    gen: Generator,
    shape: dict[str, Value],
    sequence: Value | None,
    bytes_per_param: Value,
    batch: Value,
) -> Value:
    activation_bytes = sheet.constant(
        "generator_activation_bytes",
        2,
        "B/value",
        "Bytes per activation value",
        "FP16/BF16 activations",
    )
    live = sheet.constant(
        "vae_live_tensors", 3, "tensors", "Full-resolution tensors alive in the VAE",
        "a resnet block's input, output and residual",
    )  # fmt: skip
    vae_bytes = activation_bytes if not gen.vae_upcast_fp32 else sheet.constant(
        "vae_activation_bytes", 4, "B/value", "Bytes per VAE activation value",
        "FP32: this VAE's config forces the upcast (it overflows in FP16)",
    )  # fmt: skip
    denoiser = None
    if sequence is not None:
        denoiser = (
            shape["guidance_passes"], sequence, sheet.inputs["denoiser_hidden_size"],
            sheet.inputs["denoiser_ffn_size"], activation_bytes,
        )  # fmt: skip
    return generation.memory(
        sheet,
        params=(shape["denoiser_params"], shape["text_encoder_params"], shape["vae_params"]),
        bytes_per_param=bytes_per_param,
        denoiser=denoiser,
        vae=(
            shape["vae_decode_frames"], shape["width"], shape["height"],
            shape["vae_decode_channels"], live,
        ),
        batch=batch,
        activation_bytes=vae_bytes,  # the denoiser's own are in its tuple
    )  # fmt: skip


def _vae_peak(ctx: Context, gen: Generator, gpu: Any, peak: Value) -> Value:
    """The peak the VAE decodes at: the denoiser's, or FP32's (TF32 tensor cores where the GPU
    has them) for a VAE that must run in FP32."""
    if not gen.vae_upcast_fp32:
        return peak
    compute = "tf32" if "tf32" in gpu.peak_flop_per_s else "fp32"
    return ctx.sheet.input(
        "vae_peak_flop_per_s", gpu.peak_for(compute), "FLOP/s",
        f"{gpu.name} dense {compute.upper()} peak (the VAE runs in FP32)",
        f"catalog ({gpu.as_of}); sources: botec hardware show {gpu.key}",
    )  # fmt: skip


def _rates(ctx: Context, sec: Section, gpu: Any, device: tuple[Value, Value]) -> dict[str, Value]:
    """The device's peak and bandwidth and the shares of them a generator reaches."""
    sheet = ctx.sheet
    peak, bandwidth = device
    runtime = {"eager": "PyTorch eager", "compiled": "compiled: torch.compile or TensorRT"}
    compute = assumed(
        ctx, "denoiser_compute_efficiency", sec.compute_efficiency, "fraction",
        f"Denoiser compute efficiency ({runtime[sec.runtime]}; share of dense peak)",
        key=f"diffusion_compute_efficiency_{sec.runtime}",
    )  # fmt: skip
    if sec.compute_efficiency is None:
        compute = on_this_gpu(ctx, compute, gpu, prefix="generator_")
    jobs = sheet.input("gpus_per_job", sec.gpus_per_job, "GPUs", "GPUs per job", "scenario")
    if sec.gpus_per_job > 1:
        parallel = assumed(
            ctx, "parallel_efficiency", sec.parallel_efficiency, "fraction",
            "Sequence-parallel efficiency", key="sequence_parallel_efficiency",
        )  # fmt: skip
    else:
        parallel = sheet.constant(
            "parallel_efficiency", 1.0, "fraction", "Parallel efficiency", "one GPU per job"
        )
    return {
        "peak_flop_per_s": peak,
        "memory_bandwidth": bandwidth,
        "compute_efficiency": compute,
        "memory_efficiency": assumed(
            ctx, "denoiser_memory_efficiency", sec.memory_efficiency, "fraction",
            "Memory-bandwidth efficiency", key="memory_efficiency",
        ),
        "vae_compute_efficiency": assumed(
            ctx, "vae_compute_efficiency", sec.vae_compute_efficiency, "fraction",
            "VAE decode compute efficiency",
        ),
        "roofline_sharpness": roofline_sharpness(ctx, sec.roofline_sharpness),
        "step_launch_time": assumed(
            ctx, "step_launch_time", sec.step_launch_time, "s",
            f"CPU time to launch a step's kernels ({runtime[sec.runtime]})",
            key=f"diffusion_step_launch_time_{sec.runtime}",
        ),
        "gpus_per_job": jobs,
        "parallel_efficiency": parallel,
    }  # fmt: skip
