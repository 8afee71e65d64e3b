"""The [speech] stage: speech recognition by an encoder-decoder model, from audio seconds to
windows, encoder and decoder time, real-time factor, and the fleet for hours of audio a day."""

from __future__ import annotations

from typing import Any

from botec.core.sheet import Value
from botec.estimators import speech as sp
from botec.estimators import verdicts
from botec.estimators._constants import (
    days_per_month,
    seconds_per_day,
    seconds_per_hour,
)
from botec.estimators.diffusion import attention_flop_per_token_pair
from botec.estimators.inference import forward_flop_per_param_per_token
from botec.modelspec.speech import AsrModel, get_asr_model
from botec.scenario.workloads import SpeechSection
from botec.stages import runtimes
from botec.stages._inputs import (
    assumed,
    gpu_inputs,
    on_this_gpu,
    roofline_sharpness,
    workspace_bytes,
)
from botec.stages.context import Context
from botec.stages.gpu_price import monthly_fleet_cost
from botec.stages.traffic import daily_volume

FIELD = "speech"


def run_speech(ctx: Context, sec: SpeechSection) -> None:
    model = get_asr_model(sec.model, f"{FIELD}.model")
    sheet = ctx.sheet
    sheet.note("info", f"{model.name}: {model.source}")
    v = _shape(ctx, model, sec)
    v.update(sp.window_work(sheet, v))
    v.update(_device(ctx, sec))
    batch_time = sp.batch_time(sheet, v)
    _memory(ctx, model, v)
    rtfx = sheet.step(
        sp.RTFX,
        batch=v["batch"],
        audio_per_window=v["audio_per_window"],
        speech_batch_time=batch_time,
    )
    sheet.step(
        sp.LATENCY,
        audio_windows=v["audio_windows"],
        speech_batch_time=batch_time,
        batch=v["batch"],
    )
    hours = _audio_per_day(ctx, sec)
    if hours is not None:
        _fleet(ctx, sec, v["gpu"], (rtfx, hours))


def _audio_per_day(ctx: Context, sec: SpeechSection) -> Value | None:
    """The section's own hours of audio a day, else [users]' requests × each one's audio."""
    return daily_volume(
        ctx, sp.AUDIO_FROM_REQUESTS,
        ("audio_hours_per_day", sec.audio_hours_per_day, "h/day", "Audio per day"),
        ("audio_seconds_per_request", sec.audio_seconds, "s/req",
         "Audio each [users] request brings (speech.audio_seconds)", "scenario"),
        seconds_per_hour=seconds_per_hour(ctx.sheet),
    )  # fmt: skip


def _shape(ctx: Context, model: AsrModel, sec: SpeechSection) -> dict[str, Any]:
    sheet = ctx.sheet
    cite = f"catalog: speech.toml [{model.key}] ({model.as_of})"
    numbers = {
        "window_seconds": (model.window_seconds, "s", "Audio per encoder window"),
        "encoder_positions": (model.encoder_positions, "tokens", "Encoder positions per window"),
        "encoder_layers": (model.encoder_layers, "layers", "Encoder layers"),
        "decoder_layers": (model.decoder_layers, "layers", "Decoder layers"),
        "hidden_size": (model.hidden_size, "dims", "Width (d_model)"),
        "encoder_params": (model.encoder_params, "params", "Encoder weights"),
        "decoder_matmul_params": (model.decoder_matmul_params, "params", "Decoder layer weights"),
        "vocab_size": (model.vocab_size, "", "Vocabulary (the output projection's width)"),
    }
    # The speech model's shape under its own names: an LLM in the same scenario has its own.
    v: dict[str, Any] = {
        key: sheet.input(
            f"asr_{key}" if key in ("hidden_size", "vocab_size") else key, val, unit, title, cite
        )
        for key, (val, unit, title) in numbers.items()
    }
    v["audio_seconds"] = sheet.input(
        "audio_seconds", sec.audio_seconds, "s", "Audio per request", "scenario"
    )
    v["speech_tokens_per_second"] = assumed(
        ctx, "speech_tokens_per_second", sec.speech_tokens_per_second, "tokens/s",
        "Text tokens per second of speech",
    )  # fmt: skip
    v["flop_per_param_per_token"] = forward_flop_per_param_per_token(sheet)
    v["attention_flop_per_token_pair"] = attention_flop_per_token_pair(sheet)
    v["tokens_per_decoding_step"] = sp.tokens_per_decoding_step(sheet)
    v["bytes_per_param"] = sheet.input(
        "asr_bytes_per_param",
        ctx.catalog.precision(sec.precision, f"{FIELD}.precision").bytes_per_param,
        "B/param", f"Bytes per weight ({sec.precision})", "catalog: precisions.toml",
    )  # fmt: skip
    return v


def _device(ctx: Context, sec: SpeechSection) -> dict[str, Any]:
    sheet = ctx.sheet
    runtimes.check(ctx, FIELD, sec.precision, sec.runtime)
    gpu, peak, bandwidth, _ = gpu_inputs(ctx, sec.gpu, f"{FIELD}.gpu", sec.precision, prefix="asr_")
    names = {
        "whisper.cpp": "whisper.cpp",
        "ctranslate2": "CTranslate2, faster-whisper",
        "pytorch": "PyTorch, openai-whisper or transformers",
    }
    runtime = names[sec.runtime]
    efficiency = assumed(
        ctx, "asr_encoder_efficiency", sec.encoder_efficiency, "fraction",
        f"Encoder compute efficiency ({runtime}; share of dense peak)",
        key=f"asr_encoder_efficiency_{sec.runtime}",
    )  # fmt: skip
    if sec.encoder_efficiency is None:
        efficiency = on_this_gpu(ctx, efficiency, gpu, prefix="asr_")
    return {
        "gpu": gpu,
        "peak_flop_per_s": peak,
        "memory_bandwidth": bandwidth,
        "encoder_efficiency": efficiency,
        "memory_efficiency": assumed(
            ctx, "asr_memory_efficiency", None, "fraction", "Memory-bandwidth efficiency",
            key="memory_efficiency",
        ),
        "roofline_sharpness": roofline_sharpness(ctx, None),
        "window_overhead": assumed(
            ctx, "asr_window_overhead", None, "s", f"Fixed time per encoder pass ({runtime})",
            key=f"asr_window_overhead_{sec.runtime}",
        ),
        "layer_launch_time": assumed(
            ctx, "asr_layer_launch_time", None, "s",
            f"Kernel launch time per decoder layer per step ({runtime})",
            key=f"asr_layer_launch_time_{sec.runtime}",
        ),
        "batch": sheet.input("asr_batch", sec.batch, "windows", "Windows transcribed together",
                             "scenario"),
        "beam": sheet.input("beam", sec.beam, "hypotheses", "Beam-search hypotheses", "scenario"),
    }  # fmt: skip


def _fleet(ctx: Context, sec: SpeechSection, gpu: Any, rates: tuple[Value, Value]) -> None:
    sheet, (rtfx, hours) = ctx.sheet, rates
    peak = sheet.step(
        sp.PEAK_AUDIO, audio_hours_per_day=hours, seconds_per_hour=seconds_per_hour(sheet),
        peak_factor=assumed(ctx, "peak_factor", sec.peak_factor, "x", "Peak-to-average factor"),
        seconds_per_day=seconds_per_day(sheet),
    )  # fmt: skip
    gpus = sheet.step(
        sp.GPUS, peak_audio_seconds_per_second=peak, real_time_factor=rtfx,
        target_utilization=assumed(
            ctx, "target_utilization", None, "fraction", "Target utilisation at peak"
        ),
    )  # fmt: skip
    ctx.gpus[FIELD] = gpus
    monthly = monthly_fleet_cost(
        ctx,
        gpus,
        gpu,
        sec,
        FIELD,
        "asr_usd_per_gpu_hour",
        "speech_cost_per_month",
        "Speech-recognition GPUs per month",
    )
    if monthly is None:
        return
    sheet.step(
        sp.COST_PER_HOUR, speech_cost_per_month=monthly, audio_hours_per_day=hours,
        days_per_month=days_per_month(sheet),
    )  # fmt: skip


def _memory(ctx: Context, model: AsrModel, v: dict[str, Any]) -> None:
    """Weights and the batch's keys and values against the device; a verdict either way."""
    from botec.core.units import format_memory

    sheet = ctx.sheet
    need = sheet.step(
        sp.ASR_MEMORY, encoder_params=v["encoder_params"],
        decoder_params_per_token=sheet.steps["decoder_params_per_token"],
        cross_kv_params=sheet.steps["cross_kv_params"], bytes_per_param=v["bytes_per_param"],
        batch=v["batch"], beam=v["beam"],
        decoder_layers=v["decoder_layers"], hidden_size=v["hidden_size"],
        encoder_positions=v["encoder_positions"],
        max_decoder_tokens=sheet.input("max_decoder_tokens", model.max_decoder_tokens, "tokens",
                                       "Decoder tokens per window at most", "catalog"),
        bytes_per_token_dim=sheet.constant("asr_bytes_per_token_dim", 2, "B/token",
                                           "Bytes per key or value entry", "FP16 caches"),
    )  # fmt: skip
    gpu = v["gpu"]
    have, text = verdicts.room(gpu, workspace_bytes(ctx))
    fits = float(need) <= have
    sheet.note(
        "ok" if fits else "bad",
        f"{'Fits' if fits else 'Does not fit'} on one {gpu.name}: {format_memory(float(need))} "
        f"of {text}" + ("" if fits else ": a smaller batch or beam"),
        verdict=True,
        topic="fit",
    )
