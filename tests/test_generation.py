"""Image and video generation: FLOPs, memory, time and fleet against hand calculations and
published figures (every expected number is worked out here, not copied from botec's output)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import botec
from botec.core.errors import BotecInputError


def _image(**kwargs: object) -> botec.Sheet:
    return botec.image(samples=0, **kwargs)


def test_sdxl_flops_by_hand() -> None:
    sheet = _image(model="sdxl", gpu="a100-80gb", precision="fp16")
    # 30 steps × 2 guided passes × 6.0 TFLOP (the catalog's hand count at a 128×128 latent)
    assert sheet["denoise_flop"].value == pytest.approx(30 * 2 * 6.0e12)
    # the prompt and the empty prompt through 817M text-encoder weights, 77 tokens each
    assert sheet["text_encode_flop"].value == pytest.approx(2 * 2 * 817e6 * 77)
    # 9.4 MFLOP per output pixel of the SD VAE decoder, 1024 × 1024 pixels
    assert sheet["vae_decode_flop"].value == pytest.approx(9.4e6 * 1024 * 1024)


def test_an_fp32_vae_holds_fp32_activations_by_hand() -> None:
    # SDXL's VAE is upcast to FP32 (its config's force_upcast): a batch of 4 at 1,024 × 1,024
    # holds 3 full-resolution tensors of 128 channels at 4 B: 4 × 1,024² × 128 × 4 × 3 = 6.44 GB
    # (2 B a value gave 3.22 GB). SD 1.5's VAE runs in FP16 and keeps 2 B.
    sdxl = botec.image(model="sdxl", batch=4, samples=0)
    assert sdxl.value("vae_activation_memory") == pytest.approx(4 * 1024**2 * 128 * 4 * 3)
    sd15 = botec.image(model="sd-1.5", batch=4, samples=0)
    side = sd15.value("width")
    assert sd15.value("vae_activation_memory") == pytest.approx(4 * side**2 * 128 * 2 * 3)


def test_unet_scales_convolutions_linearly_and_attention_quadratically() -> None:
    # SD 1.5 at 1024² has 4× the latent positions of its 512² reference (0.84 TFLOP, 14.5%
    # attention): 0.84e12 × 4 × (0.855 + 0.145 × 4)
    sheet = _image(model="sd-1.5", gpu="a100-80gb", width=1024, height=1024)
    assert sheet["denoiser_pass_flop"].value == pytest.approx(0.84e12 * 4 * (0.855 + 0.145 * 4))


def test_flux_pass_flops_from_its_shape() -> None:
    sheet = _image(model="flux.1-dev", gpu="h100-sxm")
    tokens = (1024 // 8 // 2) ** 2 + 512  # 2×2 patches of a 128×128 latent, plus 512 T5 tokens
    per_token = 57 * (4 * 3072**2 + 2 * 3072 * 12288)  # q, k, v, o and the MLP in 57 blocks
    linear = 2 * per_token * tokens
    attention = 4 * 57 * 3072 * tokens**2
    assert sheet["sequence_tokens"].value == 4608
    assert sheet["denoiser_pass_flop"].value == pytest.approx(linear + attention)
    assert sheet["denoiser_pass_flop"].value == pytest.approx(74.4e12, rel=0.01)
    # guidance-distilled: one pass a step
    assert sheet["step_flop"].value == sheet["denoiser_pass_flop"].value


def test_flux_weights_match_the_published_33_gb() -> None:
    # PyTorch's 'torch.compile and Diffusers' post: "Flux-1-Dev in bf16 weighs ~33 GB"
    sheet = _image(model="flux.1-dev", gpu="h100-sxm")
    assert sheet["generator_weights_memory"].value == pytest.approx(33e9, rel=0.05)


def test_step_time_is_compute_time_when_compute_dominates() -> None:
    sheet = _image(model="flux.1-dev", gpu="h100-sxm", compute_efficiency=0.5, runtime="compiled")
    compute = 74.36e12 / (989e12 * 0.5)  # 0.150 s for one FLUX pass on an H100 at half peak
    memory = 11.9e9 * 2 / (3.35e12 * 0.7)  # the weights read once: 10 ms
    launch = 0.012  # the compiled runtime's nominal launch time
    smooth = (compute**3 + memory**3 + launch**3) ** (1 / 3)
    assert sheet["denoise_step_time"].value == pytest.approx(smooth, rel=2e-3)
    assert smooth == pytest.approx(compute, rel=2e-3)


def test_sdxl_vae_runs_in_fp32() -> None:
    # force_upcast: the VAE decodes at the A100's TF32 peak (156 TFLOP/s), not FP16's 312
    sheet = _image(model="sdxl", gpu="a100-80gb", precision="fp16")
    assert sheet["vae_peak_flop_per_s"].value == 156e12
    assert "vae_peak_flop_per_s" not in _image(model="sd-1.5", gpu="a100-80gb").inputs


def test_fleet_by_hand() -> None:
    sheet = _image(model="sdxl", gpu="h100-sxm", images_per_day="1M", peak_factor=3, price="$2/h")
    per_gpu = sheet["images_per_second_per_gpu"].value
    peak = 1e6 * 3 / 86_400  # 34.7 images/s
    gpus = math.ceil(peak / (per_gpu * 0.7))
    assert sheet["peak_images_per_second"].value == pytest.approx(peak)
    assert sheet["generation_gpus"].value == gpus
    assert sheet["generation_cost_per_month"].value == pytest.approx(gpus * 2 * 720)
    assert sheet["cost_per_image"].value == pytest.approx(gpus * 2 * 720 / (1e6 * 30))


def test_fleet_is_whole_jobs_by_hand() -> None:
    # three GPUs share each SDXL batch: the fleet is whole jobs of three, each job generating
    # batch / generation_latency images a second, loaded to 70% at the 3× peak of 1M a day
    sheet = _image(
        model="sdxl", gpu="h100-sxm", gpus_per_job=3, images_per_day="1M", peak_factor=3,
        price="$2/h",
    )  # fmt: skip
    per_job = 1 / sheet["generation_latency"].value  # batch 1
    assert sheet["images_per_second_per_gpu"].value == pytest.approx(per_job / 3)
    jobs = math.ceil(1e6 * 3 / 86_400 / (per_job * 0.7))
    assert sheet["generation_gpus"].value == 3 * jobs
    # the bill and the cost per image follow the same whole-job count: 2 $/h × 720 h a GPU
    assert sheet["cost_per_image"].value == pytest.approx(3 * jobs * 2 * 720 / (1e6 * 30))


@pytest.mark.parametrize(
    ("call", "per_job"),
    [
        # one clip a day is far below one job's rate: still one whole job of 8 GPUs
        (lambda: botec.video(gpus_per_job=8, videos_per_day=1, price="$2/h", samples=0), 8),
        (lambda: _image(model="sdxl", gpus_per_job=8, images_per_day=1, price="$2/h"), 8),
        (lambda: _image(model="flux.1-dev", gpus_per_job=3, images_per_day=10), 3),
    ],
)
def test_a_fleet_is_never_smaller_than_one_job(call: object, per_job: int) -> None:
    sheet = call()  # type: ignore[operator]
    assert sheet["generation_gpus"].value == per_job
    if "cost_per_video" in sheet:
        # 8 GPUs × 2 $/h × 720 h over 30 clips a month
        assert sheet["cost_per_video"].value == pytest.approx(8 * 2 * 720 / 30)


def test_every_sample_of_the_fleet_is_whole_jobs() -> None:
    # the bundled Wan 2.1 scenario's 8-GPU jobs: each sampled fleet is a multiple of 8
    sheet = botec.video(model="wan2.1-14b", gpus_per_job=8, videos_per_day="10K", samples=500)
    samples = sheet["generation_gpus"].samples
    assert samples is not None
    assert all(s % 8 == 0 and s >= 8 for s in samples)
    assert sheet["generation_gpus"].value % 8 == 0


@pytest.mark.parametrize(
    ("gpu", "precision", "runtime", "kind"),
    [
        ("v100", "fp8", "eager", "image"),
        ("t4", "fp8", "compiled", "image"),
        ("t4", "fp4", "compiled", "image"),
        ("v100", "fp8", "compiled", "video"),
    ],
)
def test_fp8_and_fp4_weights_are_refused_before_ampere(
    gpu: str, precision: str, runtime: str, kind: str
) -> None:
    run = botec.image if kind == "image" else botec.video
    with pytest.raises(BotecInputError, match="Ampere") as err:
        run(gpu=gpu, precision=precision, runtime=runtime, samples=0)
    assert err.value.field == f"{kind}_generation.precision"
    assert err.value.value == precision
    assert "int8" in err.value.allowed and precision not in err.value.allowed


def test_dequantised_weights_still_run_where_kernels_exist() -> None:
    # the A100 has no FP8 tensor cores but Ampere has weight-only FP8 kernels: FP16 peak, 1 B
    ampere = _image(model="sdxl", gpu="a100-80gb", precision="fp8")
    assert ampere["generator_peak_flop_per_s"].value == 312e12
    assert ampere["generator_bytes_per_param"].value == 1
    # INT8 on a V100 dequantises too, and is not an FP8/FP4 format: still accepted
    volta = _image(model="sdxl", gpu="v100", precision="int8")
    assert volta["generator_bytes_per_param"].value == 1


def test_wan_clip_by_hand() -> None:
    sheet = botec.video(model="wan2.1-14b", gpu="h100-sxm", samples=0)
    latent_frames = 1 + (81 - 1) // 4  # 21
    tokens = latent_frames * (720 // 16) * (1280 // 16)  # 75,600
    per_token = 40 * (6 * 5120**2 + 2 * 5120 * 13824)
    one_pass = 2 * per_token * tokens + 4 * 40 * 5120 * tokens**2 + 4 * 40 * 5120 * tokens * 512
    assert sheet["image_tokens"].value == tokens
    assert sheet["denoise_flop"].value == pytest.approx(50 * 2 * one_pass)
    seconds_of_video = 81 / 16
    assert sheet["gpu_seconds_per_video_second"].value == pytest.approx(
        sheet["generation_latency"].value / seconds_of_video
    )


def test_memory_verdict_names_the_fix() -> None:
    sheet = botec.video(model="wan2.1-14b", gpu="rtx-4090", samples=0)
    verdict = next(n for n in sheet.notes if n.verdict and n.level == "bad")
    assert "offloaded" in verdict.text


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: _image(model="sdxxl"), "image_generation.model"),
        (lambda: _image(model="wan2.1-14b"), "image_generation.model"),
        (lambda: botec.video(model="sdxl", samples=0), "video_generation.model"),
        (lambda: _image(gpu="h100-sxmm"), "image_generation.gpu"),
        (lambda: _image(batch=0), "image_generation.batch"),
        (lambda: _image(width="wide"), "width"),
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(BotecInputError) as err:
        call()  # type: ignore[operator]
    assert err.value.field == field


def test_unknown_model_gets_a_suggestion() -> None:
    with pytest.raises(BotecInputError, match="did you mean sdxl"):
        _image(model="sdxll")


@settings(max_examples=25, deadline=None)
@given(steps=st.integers(1, 100), side=st.sampled_from([256, 512, 768, 1024, 1536]))
def test_more_steps_or_pixels_never_cost_less(steps: int, side: int) -> None:
    base = _image(model="sd3-medium", gpu="h100-sxm", steps=steps, width=side, height=side)
    more_steps = _image(
        model="sd3-medium", gpu="h100-sxm", steps=steps + 1, width=side, height=side
    )
    bigger = _image(model="sd3-medium", gpu="h100-sxm", steps=steps, width=side * 2, height=side)
    assert more_steps["denoise_flop"].value == pytest.approx(
        base["denoise_flop"].value * (steps + 1) / steps
    )
    assert bigger["generation_latency"].value > base["generation_latency"].value
    assert more_steps["generation_latency"].value > base["generation_latency"].value


def test_a_side_must_fill_whole_latent_patches() -> None:
    # FLUX: 8 px per latent position × 2×2 patches = 16 px; SDXL (a UNet): 8 px
    with pytest.raises(BotecInputError, match="multiple of 16 px") as err:
        _image(model="flux.1-dev", width=1000)
    assert err.value.field == "image_generation.width"
    assert _image(model="sdxl", width=1000)["latent_positions"].value == 125 * 128
    with pytest.raises(BotecInputError):
        _image(model="sdxl", width=100_000)
