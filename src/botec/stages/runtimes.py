"""What each workload runtime loads: the weight formats (precisions.toml keys) of image and
video generation, embeddings, speech recognition and speech synthesis runtimes, and the check
that refuses any other (and FP8 or FP4 diffusion weights on a GPU before Ampere), so no figure
is given for a runtime or kernel that does not exist."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.stages.context import Context
from botec.stages.serving_checks import no_low_bit_kernels

# The weight formats each runtime loads (precisions.toml keys). whisper.cpp reads ggml files:
# F32, F16 and the integer block formats its quantize tool writes (README "Quantization").
# CTranslate2's compute types are float32, float16, bfloat16 and int8 variants (its
# "Quantization" documentation). openai-whisper and transformers run FP32, FP16 and BF16, and
# 8-bit weights through bitsandbytes. None of the three runs FP8 or FP4 Whisper weights.
SPEECH_RUNTIMES = {
    "whisper.cpp": ("fp32", "fp16", "q8-0", "q4-0", "q4-k-m"),
    "ctranslate2": ("fp32", "fp16", "bf16", "int8"),
    "pytorch": ("fp32", "fp16", "bf16", "int8"),
}

# The weight formats each runtime loads (precisions.toml keys). Graph runtimes are LLM engines
# (vLLM, TensorRT-LLM): their quantisation pages list FP8, INT8, AWQ/GPTQ INT4 and NVFP4/MXFP4
# beside FP16/BF16. Eager PyTorch (transformers) runs FP32, FP16, BF16 and 8- or 4-bit weights
# through bitsandbytes, AWQ or GPTQ, but no FP8 or FP4 matmuls.
SPEECH_SYNTHESIS_RUNTIMES = {
    "graphs": ("fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"),
    "eager": ("fp32", "fp16", "bf16", "int8", "int4"),
}

# The weight formats each runtime loads (precisions.toml keys). Optimised runtimes: TEI serves
# FP32/FP16/BF16, ONNX Runtime adds INT8 quantisation and TensorRT INT8 and FP8.
# sentence-transformers runs the PyTorch model in FP32, FP16 or BF16.
EMBEDDINGS_RUNTIMES = {
    "optimized": ("fp32", "fp16", "bf16", "int8", "fp8"),
    "pytorch": ("fp32", "fp16", "bf16"),
}

# The weight formats each runtime loads (precisions.toml keys). Eager PyTorch (diffusers) runs
# FP32/FP16/BF16, FP8 and INT8/INT4 weights through torchao, and GGUF files (Q8_0, Q4_0, Q4_K_M)
# through its GGUF loader. Compiled runtimes (torch.compile, TensorRT) run FP8, INT8 and INT4, and
# TensorRT NVFP4 on Blackwell, but not GGUF block formats.
GENERATION_RUNTIMES = {
    "eager": ("fp32", "fp16", "bf16", "fp8", "int8", "int4", "q8-0", "q4-0", "q4-k-m"),
    "compiled": ("fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"),
}


def runtime_precision(
    ctx: Context, precision: str, field: str, runtime: str, runs: dict[str, tuple[str, ...]]
) -> None:
    """Refuse a weight precision the section's ``runtime`` cannot load (``runs``: what each
    runtime loads, as catalog precision keys), naming the field, the value and what is allowed:
    a figure for whisper.cpp at FP8 would be a runtime that does not exist."""
    key = ctx.catalog.precision(precision, field).key
    allowed = runs[runtime]
    if key not in allowed:
        raise BotecInputError(
            field,
            precision,
            f"a precision the {runtime} runtime loads: "
            + ", ".join(ctx.catalog.precision(k).key.replace("-", "_") for k in allowed),
        )


BY_SECTION = {
    "image_generation": GENERATION_RUNTIMES,
    "video_generation": GENERATION_RUNTIMES,
    "embeddings": EMBEDDINGS_RUNTIMES,
    "speech": SPEECH_RUNTIMES,
    "speech_synthesis": SPEECH_SYNTHESIS_RUNTIMES,
}


def check(ctx: Context, section: str, precision: str, runtime: str) -> None:
    """Refuse a precision the section's runtime cannot load (:func:`runtime_precision`)."""
    runtime_precision(ctx, precision, f"{section}.precision", runtime, BY_SECTION[section])


def check_generation(ctx: Context, section: str, precision: str, runtime: str, gpu: str) -> None:
    """:func:`check`, then refuse FP8 or FP4 weights on a GPU before Ampere: eager PyTorch
    (torchao) and compiled runtimes (torch.compile, TensorRT) have no FP8/FP4 kernels for it, so
    the figure would time a kernel that does not exist."""
    check(ctx, section, precision, runtime)
    hardware = ctx.device(gpu, f"{section}.gpu")
    if not no_low_bit_kernels(ctx, precision, hardware):
        return
    runs = [k for k in BY_SECTION[section][runtime] if not no_low_bit_kernels(ctx, k, hardware)]
    name = ctx.catalog.precision(precision).key.upper()
    raise BotecInputError(
        f"{section}.precision",
        precision,
        f"a precision the {runtime} runtime runs on the {hardware.name}: it has no {name} "
        f"tensor cores, and the weight-only kernels that dequantise {name} weights inside the "
        "matmul need Ampere or newer; on this GPU: " + ", ".join(k.replace("-", "_") for k in runs),
    )
