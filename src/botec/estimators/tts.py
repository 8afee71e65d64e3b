"""Speech synthesis: characters → seconds of speech → decoder steps (autoregressive codec models)
or whole-spectrogram passes (flow models) → GPU time, real-time factor, streams and fleet.

An autoregressive TTS model is an LLM whose tokens are audio codes: every step reads its weights
(batch 1 is bound by memory bandwidth and kernel launches), and a second of speech takes tens of
steps. A flow model (F5-TTS) runs a diffusion transformer over the mel frames of the reference
clip and the new audio together, a few dozen times, twice with guidance: FLOPs like an image
DiT's.
"""

from __future__ import annotations

from botec.core.sheet import Formula

AUDIO_SECONDS = Formula(
    "speech_seconds",
    "characters / characters_per_second",
    "s",
    "Seconds of speech per request",
)
AR_STEPS = Formula(
    "synthesis_steps",
    "speech_seconds * steps_per_audio_second + extra_steps",
    "steps",
    "Decoder steps per request",
)
AR_STEP_TIME = Formula(
    "synthesis_step_time",
    "((streams * flop_per_param_per_token * params_per_token * tokens_per_decoding_step "
    "/ (peak_flop_per_s * compute_efficiency)) ** roofline_sharpness + (weight_bytes "
    "/ (memory_bandwidth * memory_efficiency)) ** roofline_sharpness) ** (1 / roofline_sharpness) "
    "+ layers * layer_launch_time",
    "s",
    "Time per decoder step (every stream of the batch one token further)",
    "The smooth maximum of the batch's FLOPs and one read of the weights, plus the kernels "
    "launched layer by layer (a few µs each under CUDA graphs, far more in eager PyTorch).",
)
TTS_WEIGHT_BYTES = Formula(
    "weight_bytes",
    "params_per_token * bytes_per_param",
    "B",
    "Decoder weights read per step",
)
TTS_MEMORY = Formula(
    "synthesis_memory",
    "weight_bytes + streams * 2 * layers * kv_dim * synthesis_steps * tokens_per_decoding_step "
    "* bytes_per_token_dim",
    "B",
    "GPU memory: the weights and every stream's keys and values to the end of its speech",
    headline=True,
)
AR_TIME = Formula(
    "synthesis_time",
    "synthesis_steps * synthesis_step_time",
    "s",
    "Time to synthesise a batch of requests",
    headline=True,
)
FLOW_FRAMES = Formula(
    "synthesis_frames",
    "(speech_seconds + reference_seconds) * frames_per_second",
    "tokens",
    "Mel frames each pass covers (the reference clip and the new speech)",
)
FLOW_PASS_FLOP = Formula(
    "synthesis_pass_flop",
    "flop_per_param_per_token * params_per_token * synthesis_frames "
    "+ attention_flop_per_token_pair * layers * hidden_size * synthesis_frames ** 2",
    "FLOP",
    "FLOPs per pass over the spectrogram",
)
FLOW_TIME = Formula(
    "synthesis_time",
    "streams * ode_steps * guidance_passes * synthesis_pass_flop / (peak_flop_per_s "
    "* compute_efficiency) + ode_steps * step_launch_time",
    "s",
    "Time to synthesise a batch of requests",
    headline=True,
)
RTF = Formula(
    "synthesis_real_time_factor",
    "synthesis_time / (streams * speech_seconds)",
    "x",
    "Real-time factor (GPU seconds per second of speech; below 1 is faster than speech)",
    headline=True,
)
CHARACTERS_FROM_REQUESTS = Formula(
    "characters_per_day",
    "daily_requests * characters_per_request",
    "chars/day",
    "Characters per day ([users]' requests)",
    "Each of the [users] section's requests is one answer to speak.",
)
PEAK_SPEECH = Formula(
    "peak_speech_seconds_per_second",
    "characters_per_day / characters_per_second * peak_factor / seconds_per_day",
    "x",
    "Peak speech to synthesise (seconds of speech per second)",
)
TTS_GPUS = Formula(
    "synthesis_gpus",
    "ceil(peak_speech_seconds_per_second * synthesis_real_time_factor / target_utilization)",
    "GPUs",
    "GPUs for the peak",
    headline=True,
)
COST_PER_MCHAR = Formula(
    "cost_per_million_characters",
    "synthesis_cost_per_month / (characters_per_day * days_per_month) * characters_per_million",
    "USD",
    "Cost per million characters (the fleet's bill over the month's text)",
    "TTS APIs price per million characters, so this is the figure to set beside them.",
    headline=True,
)
