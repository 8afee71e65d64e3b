"""Generation time, throughput and fleet for images and videos: a denoising step by roofline
(the batch's FLOPs against one read of the denoiser's weights), the text encoders and the VAE
decode by their FLOPs, then GPUs and dollars for a rate of images or videos."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value
from botec.estimators import diffusion

STEP_TIME = Formula(
    "denoise_step_time",
    "((batch * step_flop / (gpus_per_job * parallel_efficiency * peak_flop_per_s "
    "* compute_efficiency)) ** roofline_sharpness + (denoiser_bytes / (memory_bandwidth "
    "* memory_efficiency)) ** roofline_sharpness + step_launch_time ** roofline_sharpness) "
    "** (1 / roofline_sharpness)",
    "s",
    "Time per denoising step (the batch; roofline)",
    "A step multiplies the batch's tokens by the denoiser's weights, read once per step, while "
    "the CPU launches the step's kernels ahead of the GPU: the step takes the smooth maximum of "
    "compute, memory and launch time. With several GPUs on one job (sequence parallel), each "
    "holds all the weights and does a share of the tokens.",
)
DENOISER_BYTES = Formula(
    "denoiser_bytes", "denoiser_params * bytes_per_param", "B", "Denoiser weights (read per step)"
)
DENOISE_TIME = Formula("denoise_time", "steps * denoise_step_time", "s", "Denoising time")
TEXT_TIME = Formula(
    "text_encode_time",
    "batch * text_encode_flop / (gpus_per_job * peak_flop_per_s * compute_efficiency)",
    "s",
    "Text-encoding time (the batch)",
)
VAE_TIME = Formula(
    "vae_decode_time",
    "batch * vae_decode_flop / (gpus_per_job * vae_peak_flop_per_s * vae_compute_efficiency)",
    "s",
    "VAE decode time (the batch)",
    "Full-resolution convolutions with group norms: a lower share of peak than the denoiser's "
    "matmuls.",
)
LATENCY = Formula(
    "generation_latency",
    "text_encode_time + denoise_time + vae_decode_time",
    "s",
    "Time to generate one batch",
    headline=True,
)


def _per_noun(noun: str) -> dict[str, Formula]:
    """The throughput and fleet formulas, named for what is generated (images or videos)."""
    many = f"{noun}s"
    return {
        "per_gpu": Formula(
            f"{many}_per_second_per_gpu",
            "batch / (generation_latency * gpus_per_job)",
            f"{many}/s",
            f"{many.capitalize()} per second per GPU",
            headline=True,
        ),
        "from_requests": Formula(
            f"{many}_per_day",
            f"daily_requests * {many}_per_request",
            f"{many}/day",
            f"{many.capitalize()} per day ([users]' requests)",
        ),
        "peak_rate": Formula(
            f"peak_{many}_per_second",
            f"{many}_per_day * peak_factor / seconds_per_day",
            f"{many}/s",
            f"Peak {many} per second",
        ),
        "gpus": Formula(
            "generation_gpus",
            f"gpus_per_job * ceil(peak_{many}_per_second / ({many}_per_second_per_gpu "
            "* gpus_per_job * target_utilization))",
            "GPUs",
            "GPUs for the peak rate",
            "Whole jobs, each of gpus_per_job GPUs generating one batch, loaded to the target "
            "utilisation at peak so queues stay short: never fewer GPUs than one job takes.",
            headline=True,
        ),
        "cost_per": Formula(
            f"cost_per_{noun}",
            f"generation_cost_per_month / ({many}_per_day * days_per_month)",
            f"USD/{noun}",
            f"Cost per {noun} (the fleet's monthly bill over the month's {many})",
            headline=True,
        ),
    }


PER_NOUN = {"image": _per_noun("image"), "video": _per_noun("video")}
GPU_SECONDS_PER_VIDEO_SECOND = Formula(
    "gpu_seconds_per_video_second",
    "generation_latency * gpus_per_job / (batch * frames / fps)",
    "GPU-s/s",
    "GPU-seconds per second of video",
    "How many GPUs generate in real time: above 1, a second of video takes longer than a second.",
    headline=True,
)


def memory(
    sheet: Sheet,
    *,
    params: tuple[Value, Value, Value],
    bytes_per_param: Value,
    denoiser: tuple[Value, Value, Value, Value, Value] | None,
    vae: tuple[Value, Value, Value, Value, Value],
    batch: Value,
    activation_bytes: Value,
) -> Value:
    """Peak memory: every weight plus the larger of the denoiser's and the VAE's activations.

    ``params`` = (denoiser, text encoders, VAE); ``denoiser`` = (guidance_passes,
    sequence_tokens, hidden_size, ffn_size) of a DiT (None for a UNet, whose activations are
    below its VAE's); ``vae`` = (vae_decode_frames, width, height, vae_decode_channels,
    vae_live_tensors); ``activation_bytes``: the VAE's bytes per value."""
    denoiser_params, text_params, vae_params = params
    weights = sheet.step(
        diffusion.WEIGHTS,
        denoiser_params=denoiser_params,
        text_encoder_params=text_params,
        vae_params=vae_params,
        bytes_per_param=bytes_per_param,
    )
    frames, width, height, channels, live = vae
    vae_act = sheet.step(
        diffusion.VAE_ACTIVATIONS,
        batch=batch,
        vae_decode_frames=frames,
        width=width,
        height=height,
        vae_decode_channels=channels,
        activation_bytes=activation_bytes,
        vae_live_tensors=live,
    )
    den_act = _denoiser_activations(sheet, batch, denoiser)
    return sheet.step(
        diffusion.PEAK_MEMORY,
        generator_weights_memory=weights,
        denoiser_activation_memory=den_act,
        vae_activation_memory=vae_act,
    )


def _denoiser_activations(
    sheet: Sheet, batch: Value, denoiser: tuple[Value, Value, Value, Value, Value] | None
) -> Value:
    if denoiser is None:
        return sheet.constant(
            "denoiser_activation_memory",
            0.0,
            "B",
            "Denoiser activations at a step (a UNet's are below its VAE decode's)",
            "a UNet at these sizes holds less than the full-resolution VAE decode",
        )
    passes, sequence, hidden, ffn, _ = denoiser
    return sheet.step(
        diffusion.DENOISER_ACTIVATIONS,
        batch=batch,
        guidance_passes=passes,
        sequence_tokens=sequence,
        hidden_size=hidden,
        ffn_size=ffn,
        bytes_per_token_dim=sheet.constant(
            "bytes_per_token_dim", 2, "B/token", "Bytes per token per hidden dimension",
            "FP16/BF16 activations",
        ),
    )  # fmt: skip


def batch_latency(
    sheet: Sheet,
    *,
    gpu: dict[str, Value],
    work: dict[str, Value],
) -> Value:
    """Seconds for one batch: text encoding, ``steps`` denoising steps by roofline, VAE decode.

    ``gpu``: peak_flop_per_s, memory_bandwidth, compute_efficiency, memory_efficiency,
    vae_compute_efficiency, vae_peak_flop_per_s, roofline_sharpness, step_launch_time,
    gpus_per_job, parallel_efficiency; ``work``:
    batch, steps, step_flop, text_encode_flop, vae_decode_flop, denoiser_params,
    bytes_per_param."""
    denoiser_bytes = sheet.step(
        DENOISER_BYTES,
        denoiser_params=work["denoiser_params"],
        bytes_per_param=work["bytes_per_param"],
    )
    step_time = sheet.step(
        STEP_TIME,
        batch=work["batch"],
        step_flop=work["step_flop"],
        gpus_per_job=gpu["gpus_per_job"],
        parallel_efficiency=gpu["parallel_efficiency"],
        peak_flop_per_s=gpu["peak_flop_per_s"],
        compute_efficiency=gpu["compute_efficiency"],
        roofline_sharpness=gpu["roofline_sharpness"],
        step_launch_time=gpu["step_launch_time"],
        denoiser_bytes=denoiser_bytes,
        memory_bandwidth=gpu["memory_bandwidth"],
        memory_efficiency=gpu["memory_efficiency"],
    )
    denoise = sheet.step(DENOISE_TIME, steps=work["steps"], denoise_step_time=step_time)
    text = sheet.step(
        TEXT_TIME,
        batch=work["batch"],
        text_encode_flop=work["text_encode_flop"],
        gpus_per_job=gpu["gpus_per_job"],
        peak_flop_per_s=gpu["peak_flop_per_s"],
        compute_efficiency=gpu["compute_efficiency"],
    )
    vae = sheet.step(
        VAE_TIME,
        batch=work["batch"],
        vae_decode_flop=work["vae_decode_flop"],
        gpus_per_job=gpu["gpus_per_job"],
        vae_peak_flop_per_s=gpu["vae_peak_flop_per_s"],
        vae_compute_efficiency=gpu["vae_compute_efficiency"],
    )
    return sheet.step(LATENCY, text_encode_time=text, denoise_time=denoise, vae_decode_time=vae)
