"""Speech recognition by an encoder-decoder transformer (Whisper): audio seconds → 30-second
windows → encoder positions → encoder FLOPs, then decoder tokens, each a step that reads the
decoder's weights; time per window, real-time factor, streams per GPU and the fleet.

The encoder sees every window whole (Whisper pads audio to 30 s: 3,000 mel frames, 1,500
positions after its stride-2 stem), so a 5-second clip costs the encoder as much as 30 seconds.
The decoder writes about 3.5 tokens per second of speech; at small batches each token's step is
bound by reading the decoder's weights, and by the kernels launched one layer at a time.
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

WINDOWS = Formula(
    "audio_windows",
    "ceil(audio_seconds / window_seconds)",
    "windows",
    "Encoder windows per request (each padded to the full window)",
)
AUDIO_PER_WINDOW = Formula(
    "audio_per_window",
    "audio_seconds / audio_windows",
    "s",
    "Audio in each window",
)
ENCODER_FLOP = Formula(
    "encoder_window_flop",
    "flop_per_param_per_token * encoder_params * encoder_positions "
    "+ attention_flop_per_token_pair * encoder_layers * hidden_size * encoder_positions ** 2",
    "FLOP",
    "Encoder FLOPs per window (weights, and full attention over the positions)",
    "The stem's first convolution runs at twice the position rate: 0.1-0.3% more, left out.",
)
CROSS_KV_PARAMS = Formula(
    "cross_kv_params",
    "2 * decoder_layers * hidden_size ** 2",
    "params",
    "Cross-attention key and value weights (every decoder layer)",
)
CROSS_KV_FLOP = Formula(
    "cross_kv_flop",
    "flop_per_param_per_token * cross_kv_params * encoder_positions",
    "FLOP",
    "Cross-attention keys and values of a window (computed once per window)",
)
DECODER_TOKENS = Formula(
    "decoder_tokens_per_window",
    "audio_per_window * speech_tokens_per_second",
    "tokens",
    "Text tokens decoded per window",
)
DECODER_PARAMS = Formula(
    "decoder_params_per_token",
    "decoder_matmul_params - cross_kv_params + vocab_size * hidden_size",
    "params",
    "Decoder weights each token multiplies (its layers and the output projection)",
    "The layers' 16·d² each, less the cross-attention key and value weights: those are applied "
    "once per window to the encoder's output and cached, not on every token.",
)
DECODER_FLOP = Formula(
    "decoder_flop_per_token",
    "flop_per_param_per_token * decoder_params_per_token + attention_flop_per_token_pair "
    "* decoder_layers * hidden_size * encoder_positions",
    "FLOP/token",
    "Decoder FLOPs per token (weights, and cross-attention over the window)",
)
DECODER_BYTES = Formula(
    "decoder_weight_bytes",
    "decoder_params_per_token * bytes_per_param",
    "B",
    "Decoder weights read per decoding step",
)
ENCODE_TIME = Formula(
    "speech_encode_time",
    "window_overhead + batch * (encoder_window_flop + cross_kv_flop) / (peak_flop_per_s "
    "* encoder_efficiency)",
    "s",
    "Encoder time per batch of windows",
    "A fixed cost per pass (the mel spectrogram, host work) and the encoder's FLOPs at the "
    "runtime's share of peak.",
)
DECODE_STEP_TIME = Formula(
    "speech_decode_step_time",
    "((batch * beam * tokens_per_decoding_step * decoder_flop_per_token / (peak_flop_per_s "
    "* encoder_efficiency)) ** roofline_sharpness + (decoder_weight_bytes / (memory_bandwidth "
    "* memory_efficiency)) ** roofline_sharpness) ** (1 / roofline_sharpness) "
    "+ decoder_layers * layer_launch_time",
    "s",
    "Time per decoding step (every window and beam of the batch one token further)",
    "The smooth maximum of compute and one read of the decoder's weights, plus the kernels the "
    "runtime launches layer by layer (no CUDA graphs).",
)
WINDOW_TIME = Formula(
    "speech_batch_time",
    "speech_encode_time + decoder_tokens_per_window / tokens_per_decoding_step "
    "* speech_decode_step_time",
    "s",
    "Time to transcribe one batch of windows",
    headline=True,
)
RTFX = Formula(
    "real_time_factor",
    "batch * audio_per_window / speech_batch_time",
    "x",
    "Speed against real time (audio seconds per second on one GPU; RTFx)",
    "Above 1, faster than the audio plays: the number of live streams one GPU keeps up with.",
    headline=True,
)
LATENCY = Formula(
    "transcription_latency",
    "ceil(audio_windows / batch) * speech_batch_time",
    "s",
    "Time to transcribe one request (its windows through the batches)",
    "A request's windows share batches with each other (and with other requests'): each batch "
    "it needs takes the whole batch time.",
    headline=True,
)
ASR_MEMORY = Formula(
    "speech_memory",
    "(encoder_params + decoder_params_per_token + cross_kv_params) * bytes_per_param "
    "+ batch * beam * 2 "
    "* decoder_layers * hidden_size * (encoder_positions + max_decoder_tokens) "
    "* bytes_per_token_dim",
    "B",
    "GPU memory: the weights, and each hypothesis's cross-attention and self-attention keys and "
    "values",
    headline=True,
)
AUDIO_FROM_REQUESTS = Formula(
    "audio_hours_per_day",
    "daily_requests * audio_seconds_per_request / seconds_per_hour",
    "h/day",
    "Audio per day ([users]' requests)",
    "Each of the [users] section's requests brings its audio to transcribe.",
)
PEAK_AUDIO = Formula(
    "peak_audio_seconds_per_second",
    "audio_hours_per_day * seconds_per_hour * peak_factor / seconds_per_day",
    "x",
    "Peak audio to transcribe (audio seconds per second)",
)
GPUS = Formula(
    "speech_gpus",
    "ceil(peak_audio_seconds_per_second / (real_time_factor * target_utilization))",
    "GPUs",
    "GPUs for the peak",
    headline=True,
)
COST_PER_HOUR = Formula(
    "cost_per_audio_hour",
    "speech_cost_per_month / (audio_hours_per_day * days_per_month)",
    "USD/h",
    "Cost per hour of audio transcribed (the fleet's bill over the month's audio)",
    headline=True,
)


def window_work(sheet: Sheet, v: dict[str, Value]) -> dict[str, Value]:
    """Windows, audio per window, encoder and cross-attention FLOPs, decoder tokens, and the
    decoder's FLOPs and bytes per token. ``v`` holds the model's shape and the request."""
    windows = sheet.step(
        WINDOWS, audio_seconds=v["audio_seconds"], window_seconds=v["window_seconds"]
    )
    per_window = sheet.step(
        AUDIO_PER_WINDOW, audio_seconds=v["audio_seconds"], audio_windows=windows
    )
    encoder = sheet.step(
        ENCODER_FLOP, flop_per_param_per_token=v["flop_per_param_per_token"],
        encoder_params=v["encoder_params"], encoder_positions=v["encoder_positions"],
        attention_flop_per_token_pair=v["attention_flop_per_token_pair"],
        encoder_layers=v["encoder_layers"], hidden_size=v["hidden_size"],
    )  # fmt: skip
    kv_params = sheet.step(
        CROSS_KV_PARAMS, decoder_layers=v["decoder_layers"], hidden_size=v["hidden_size"]
    )
    cross = sheet.step(
        CROSS_KV_FLOP, flop_per_param_per_token=v["flop_per_param_per_token"],
        cross_kv_params=kv_params, encoder_positions=v["encoder_positions"],
    )  # fmt: skip
    tokens = sheet.step(
        DECODER_TOKENS, audio_per_window=per_window,
        speech_tokens_per_second=v["speech_tokens_per_second"],
    )  # fmt: skip
    dec_params = sheet.step(
        DECODER_PARAMS, decoder_matmul_params=v["decoder_matmul_params"],
        cross_kv_params=kv_params, vocab_size=v["vocab_size"], hidden_size=v["hidden_size"],
    )  # fmt: skip
    dec_flop = sheet.step(
        DECODER_FLOP, flop_per_param_per_token=v["flop_per_param_per_token"],
        decoder_params_per_token=dec_params,
        attention_flop_per_token_pair=v["attention_flop_per_token_pair"],
        decoder_layers=v["decoder_layers"], hidden_size=v["hidden_size"],
        encoder_positions=v["encoder_positions"],
    )  # fmt: skip
    dec_bytes = sheet.step(
        DECODER_BYTES, decoder_params_per_token=dec_params, bytes_per_param=v["bytes_per_param"]
    )
    return {
        "audio_windows": windows, "audio_per_window": per_window,
        "encoder_window_flop": encoder, "cross_kv_flop": cross,
        "decoder_tokens_per_window": tokens, "decoder_flop_per_token": dec_flop,
        "decoder_weight_bytes": dec_bytes,
    }  # fmt: skip


def batch_time(sheet: Sheet, v: dict[str, Value]) -> Value:
    """Encode a batch of windows, then decode their tokens step by step."""
    encode = sheet.step(
        ENCODE_TIME, window_overhead=v["window_overhead"], batch=v["batch"],
        encoder_window_flop=v["encoder_window_flop"], cross_kv_flop=v["cross_kv_flop"],
        peak_flop_per_s=v["peak_flop_per_s"], encoder_efficiency=v["encoder_efficiency"],
    )  # fmt: skip
    step = sheet.step(
        DECODE_STEP_TIME, batch=v["batch"], beam=v["beam"],
        tokens_per_decoding_step=v["tokens_per_decoding_step"],
        decoder_flop_per_token=v["decoder_flop_per_token"], peak_flop_per_s=v["peak_flop_per_s"],
        encoder_efficiency=v["encoder_efficiency"], roofline_sharpness=v["roofline_sharpness"],
        decoder_weight_bytes=v["decoder_weight_bytes"], memory_bandwidth=v["memory_bandwidth"],
        memory_efficiency=v["memory_efficiency"], decoder_layers=v["decoder_layers"],
        layer_launch_time=v["layer_launch_time"],
    )  # fmt: skip
    return sheet.step(
        WINDOW_TIME, speech_encode_time=encode,
        decoder_tokens_per_window=v["decoder_tokens_per_window"],
        tokens_per_decoding_step=v["tokens_per_decoding_step"], speech_decode_step_time=step,
    )  # fmt: skip


def tokens_per_decoding_step(sheet: Sheet) -> Value:
    return sheet.constant(
        "tokens_per_decoding_step",
        1,
        "tokens",
        "Tokens a decoding step adds to each hypothesis",
        "autoregressive decoding: one token per hypothesis per step",
    )
