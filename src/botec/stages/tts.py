"""The [speech_synthesis] stage: text to speech, from characters to seconds of speech, decoder
steps (autoregressive) or spectrogram passes (flow), real-time factor and the fleet."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.estimators import tts as tt
from botec.estimators import verdicts
from botec.estimators._constants import days_per_month, seconds_per_day
from botec.estimators.diffusion import attention_flop_per_token_pair
from botec.estimators.inference import forward_flop_per_param_per_token
from botec.estimators.speech import tokens_per_decoding_step
from botec.modelspec.tts import TtsModel, get_tts_model
from botec.scenario.workloads import SpeechSynthesisSection
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

FIELD = "speech_synthesis"


def run_tts(ctx: Context, sec: SpeechSynthesisSection) -> None:
    model = get_tts_model(sec.model, f"{FIELD}.model")
    if sec.steps is not None and model.kind != "flow":  # a decoder's steps follow the audio
        raise BotecInputError(
            f"{FIELD}.steps", sec.steps,
            f"no steps for {model.name}: it decodes token by token (its steps follow the speech's "
            "length); steps set a flow model's ODE passes (F5-TTS)",
        )  # fmt: skip
    sheet = ctx.sheet
    sheet.note("info", f"{model.name}: {model.source}")
    cite = f"catalog: tts.toml [{model.key}] ({model.as_of})"
    chars_per_s = assumed(
        ctx, "characters_per_second", sec.characters_per_second, "chars/s",
        "Characters per second of speech",
    )  # fmt: skip
    seconds = sheet.step(
        tt.AUDIO_SECONDS, characters_per_second=chars_per_s,
        characters=sheet.input("characters", sec.characters, "chars", "Characters per request",
                               "scenario"),
    )  # fmt: skip
    device = _device(ctx, sec, model)
    shape = {
        "params_per_token": sheet.input(
            "tts_params_per_token", model.params_per_token, "params",
            "Weights each token or frame multiplies", cite,
        ),
        "layers": sheet.input("tts_layers", model.layers, "layers", "Layers", cite),
        "streams": sheet.input("streams", sec.streams, "streams", "Requests synthesised together",
                               "scenario"),
        "flop_per_param_per_token": forward_flop_per_param_per_token(sheet),
    }  # fmt: skip
    if model.kind == "autoregressive":
        time = _autoregressive(ctx, sec, model, cite, seconds, {**device, **shape})
    else:
        time = _flow(ctx, sec, model, cite, seconds, {**device, **shape})
    rtf = sheet.step(tt.RTF, synthesis_time=time, streams=shape["streams"], speech_seconds=seconds)
    per_day = _characters_per_day(ctx, sec)
    if per_day is not None:
        _fleet(ctx, sec, device["gpu"], (rtf, chars_per_s, per_day))


def _characters_per_day(ctx: Context, sec: SpeechSynthesisSection) -> Value | None:
    """The section's own characters a day, else [users]' requests × each answer's characters."""
    return daily_volume(
        ctx, tt.CHARACTERS_FROM_REQUESTS,
        ("characters_per_day", sec.characters_per_day, "chars/day", "Characters per day"),
        ("characters_per_request", sec.characters, "chars/req",
         "Characters each [users] request speaks (speech_synthesis.characters)", "scenario"),
    )  # fmt: skip


def _device(ctx: Context, sec: SpeechSynthesisSection, model: TtsModel) -> dict[str, Any]:
    runtimes.check(ctx, FIELD, sec.precision, sec.runtime)
    gpu, peak, bandwidth, _ = gpu_inputs(ctx, sec.gpu, f"{FIELD}.gpu", sec.precision, prefix="tts_")
    key = "diffusion_compute_efficiency_eager" if model.kind == "flow" else "compute_efficiency"
    efficiency = on_this_gpu(
        ctx,
        assumed(ctx, "tts_compute_efficiency", None, "fraction", "Compute efficiency", key=key),
        gpu,
        prefix="tts_",
    )
    return {"gpu": gpu, "peak_flop_per_s": peak, "memory_bandwidth": bandwidth,
            "compute_efficiency": efficiency}  # fmt: skip


def _autoregressive(
    ctx: Context, sec: SpeechSynthesisSection, model: TtsModel, cite: str, seconds: Value,
    v: dict[str, Any],
) -> Value:  # fmt: skip
    sheet = ctx.sheet
    steps = sheet.step(
        tt.AR_STEPS, speech_seconds=seconds,
        steps_per_audio_second=sheet.input("steps_per_audio_second", model.steps_per_audio_second,
                                           "steps/s", "Decoder steps per second of audio", cite),
        extra_steps=sheet.input("extra_steps", model.extra_steps, "steps",
                                "Extra steps per request (codebook delay)", cite),
    )  # fmt: skip
    weights = sheet.step(
        tt.TTS_WEIGHT_BYTES, params_per_token=v["params_per_token"],
        bytes_per_param=sheet.input(
            "tts_bytes_per_param",
            ctx.catalog.precision(sec.precision, f"{FIELD}.precision").bytes_per_param,
            "B/param", f"Bytes per weight ({sec.precision})", "catalog: precisions.toml"),
    )  # fmt: skip
    runtime = {"graphs": "CUDA graphs: vLLM, TensorRT-LLM", "eager": "eager PyTorch"}
    step = sheet.step(
        tt.AR_STEP_TIME, streams=v["streams"],
        flop_per_param_per_token=v["flop_per_param_per_token"],
        params_per_token=v["params_per_token"],
        tokens_per_decoding_step=tokens_per_decoding_step(sheet),
        peak_flop_per_s=v["peak_flop_per_s"], compute_efficiency=v["compute_efficiency"],
        roofline_sharpness=roofline_sharpness(ctx, None), weight_bytes=weights,
        memory_bandwidth=v["memory_bandwidth"],
        memory_efficiency=assumed(ctx, "tts_memory_efficiency", None, "fraction",
                                  "Memory-bandwidth efficiency", key="memory_efficiency"),
        layers=v["layers"],
        layer_launch_time=assumed(
            ctx, "tts_layer_launch_time", None, "s",
            f"Kernel launch time per layer per step ({runtime[sec.runtime]})",
            key=f"tts_layer_launch_time_{sec.runtime}"),
    )  # fmt: skip
    _fits(ctx, v, sheet.step(
        tt.TTS_MEMORY, weight_bytes=weights, streams=v["streams"], layers=v["layers"],
        kv_dim=sheet.input("kv_dim", model.kv_dim, "dims", "Key or value width cached per layer",
                           cite),
        synthesis_steps=steps, tokens_per_decoding_step=sheet.inputs["tokens_per_decoding_step"],
        bytes_per_token_dim=sheet.constant("tts_bytes_per_token_dim", 2, "B/token",
                                           "Bytes per key or value entry", "FP16 KV cache"),
    ))  # fmt: skip
    return sheet.step(tt.AR_TIME, synthesis_steps=steps, synthesis_step_time=step)


def _flow(
    ctx: Context, sec: SpeechSynthesisSection, model: TtsModel, cite: str, seconds: Value,
    v: dict[str, Any],
) -> Value:  # fmt: skip
    sheet = ctx.sheet
    frames = sheet.step(
        tt.FLOW_FRAMES, speech_seconds=seconds,
        reference_seconds=sheet.input("reference_seconds", sec.reference_seconds, "s",
                                      "Reference clip (voice prompt)", "scenario"),
        frames_per_second=sheet.input("frames_per_second", model.frames_per_second, "tokens/s",
                                      "Mel frames per second", cite),
    )  # fmt: skip
    per_pass = sheet.step(
        tt.FLOW_PASS_FLOP, flop_per_param_per_token=v["flop_per_param_per_token"],
        params_per_token=v["params_per_token"], synthesis_frames=frames,
        attention_flop_per_token_pair=attention_flop_per_token_pair(sheet), layers=v["layers"],
        hidden_size=sheet.input("tts_hidden_size", model.hidden_size, "dims", "Width", cite),
    )  # fmt: skip
    steps = sec.steps or model.default_steps
    return sheet.step(
        tt.FLOW_TIME, streams=v["streams"], synthesis_pass_flop=per_pass,
        ode_steps=sheet.input("ode_steps", steps, "steps", "ODE steps (NFE)",
                              "scenario" if sec.steps else cite),
        guidance_passes=sheet.input("tts_guidance_passes", model.guidance_passes, "passes",
                                    "Passes per step (classifier-free guidance)", cite),
        peak_flop_per_s=v["peak_flop_per_s"], compute_efficiency=v["compute_efficiency"],
        step_launch_time=assumed(ctx, "tts_step_launch_time", None, "s",
                                 "CPU time to launch one step's kernels (eager PyTorch)",
                                 key="diffusion_step_launch_time_eager"),
    )  # fmt: skip


def _fleet(
    ctx: Context, sec: SpeechSynthesisSection, gpu: Any, rates: tuple[Value, Value, Value]
) -> None:
    sheet = ctx.sheet
    rtf, chars_per_s, per_day = rates
    peak = sheet.step(
        tt.PEAK_SPEECH, characters_per_day=per_day, characters_per_second=chars_per_s,
        peak_factor=assumed(ctx, "peak_factor", sec.peak_factor, "x", "Peak-to-average factor"),
        seconds_per_day=seconds_per_day(sheet),
    )  # fmt: skip
    gpus = sheet.step(
        tt.TTS_GPUS, peak_speech_seconds_per_second=peak, synthesis_real_time_factor=rtf,
        target_utilization=assumed(ctx, "target_utilization", None, "fraction",
                                   "Target utilisation at peak"),
    )  # fmt: skip
    ctx.gpus[FIELD] = gpus
    monthly = monthly_fleet_cost(
        ctx,
        gpus,
        gpu,
        sec,
        FIELD,
        "tts_usd_per_gpu_hour",
        "synthesis_cost_per_month",
        "Speech-synthesis GPUs per month",
    )
    if monthly is None:
        return
    sheet.step(
        tt.COST_PER_MCHAR, synthesis_cost_per_month=monthly, characters_per_day=per_day,
        days_per_month=days_per_month(sheet),
        characters_per_million=sheet.constant("characters_per_million", 1e6, "chars",
                                              "Characters per million", "definition"),
    )  # fmt: skip


def _fits(ctx: Context, v: dict[str, Any], need: Value) -> None:
    from botec.core.units import format_memory

    gpu = v["gpu"]
    have, text = verdicts.room(gpu, workspace_bytes(ctx))
    fits = float(need) <= have
    # each stream's cache grows with its request's text: one stream too long is fixed by
    # splitting the text (engines synthesise long text sentence by sentence), not by fewer streams
    levers = ["shorter requests (split long text into sentences)"]
    if float(v["streams"]) > 1:
        levers.append("fewer streams")
    levers.append("more GPUs")
    ctx.sheet.note(
        "ok" if fits else "bad",
        f"{'Fits' if fits else 'Does not fit'} on one {gpu.name}: {format_memory(float(need))} "
        f"of {text}" + ("" if fits else ": " + ", ".join(levers[:-1]) + " or " + levers[-1]),
        verdict=True,
        topic="fit",
    )
