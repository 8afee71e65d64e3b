"""Speech recognition against hand calculations (every expected number is worked out here)."""

from __future__ import annotations

import math

import pytest

import botec
from botec.core.errors import BotecInputError


def _speech(**kwargs: object) -> botec.Sheet:
    return botec.speech(samples=0, **kwargs)


def test_whisper_small_window_by_hand() -> None:
    sheet = _speech(model="whisper-small", audio_seconds=45)
    assert sheet["audio_windows"].value == 2  # 45 s in 30-second windows, each padded
    assert sheet["audio_per_window"].value == 22.5
    positions = 1500  # 3,000 mel frames a window, halved by the stride-2 stem
    encoder = 2 * 86_888_448 * positions + 4 * 12 * 768 * positions**2
    assert sheet["encoder_window_flop"].value == pytest.approx(encoder)
    # per token: the layers' 16·d² less the cross-attention K and V (2·d² a layer, applied once
    # a window), plus the output projection
    per_token = 2 * (113_246_208 - 2 * 12 * 768**2 + 51_865 * 768) + 4 * 12 * 768 * positions
    assert sheet["decoder_flop_per_token"].value == pytest.approx(per_token)
    assert sheet["decoder_tokens_per_window"].value == pytest.approx(22.5 * 3.5)


def test_medium_on_v100_by_hand() -> None:
    # whisper.cpp's fitted figures: 21% of the V100's 125 TFLOP/s, 4 ms a window, 0.15 ms a
    # decoder layer per token
    sheet = _speech(model="whisper-medium", gpu="v100", runtime="whisper.cpp", audio_seconds=30)
    encoder = 2 * 305_381_376 * 1500 + 4 * 24 * 1024 * 1500**2
    cross = 2 * (2 * 24 * 1024**2) * 1500
    encode = 0.004 + (encoder + cross) / (125e12 * 0.21)
    assert sheet["speech_encode_time"].value == pytest.approx(encode)
    per_step = 402_653_184 - 2 * 24 * 1024**2 + 51_865 * 1024  # cross K/V are once a window
    weights = per_step * 2 / (897e9 * 0.7)  # read once a step
    flops = (2 * per_step + 4 * 24 * 1024 * 1500) / (125e12 * 0.21)
    step = (weights**3 + flops**3) ** (1 / 3) + 24 * 0.00015
    assert sheet["speech_decode_step_time"].value == pytest.approx(step)
    total = encode + 30 * 3.5 * step
    assert sheet["speech_batch_time"].value == pytest.approx(total)
    assert sheet["real_time_factor"].value == pytest.approx(30 / total)


def test_fleet_by_hand() -> None:
    sheet = _speech(audio_hours_per_day="1K", peak_factor=3, price="$1/h")
    rtfx = sheet["real_time_factor"].value
    peak = 1000 * 3600 * 3 / 86_400  # audio seconds a second at peak
    gpus = math.ceil(peak / (rtfx * 0.7))
    assert sheet["speech_gpus"].value == gpus
    assert sheet["cost_per_audio_hour"].value == pytest.approx(gpus * 720 / (1000 * 30))


def test_a_short_clip_pays_for_a_whole_window() -> None:
    short = _speech(model="whisper-small", audio_seconds=5)
    long = _speech(model="whisper-small", audio_seconds=30)
    assert short["speech_encode_time"].value == long["speech_encode_time"].value
    assert short["real_time_factor"].value < long["real_time_factor"].value


def test_bad_input_names_the_field() -> None:
    with pytest.raises(BotecInputError) as err:
        _speech(model="whisper-huge")
    assert err.value.field == "speech.model"
    with pytest.raises(BotecInputError) as err:
        _speech(audio_seconds="5 apples")
    assert err.value.field == "speech.audio_seconds"


def test_a_count_with_a_time_word_is_refused() -> None:
    # '5 min' was read as the count 5; a unit of another dimension is never a label
    with pytest.raises(BotecInputError):
        botec.embed(documents="5 min", samples=0)


def test_latency_counts_whole_batches() -> None:
    # 90 s = 3 windows; at batch 2 they need 2 batches, each the full batch time
    sheet = _speech(model="whisper-small", audio_seconds=90, batch=2)
    assert sheet["transcription_latency"].value == pytest.approx(
        2 * sheet["speech_batch_time"].value
    )


def test_the_fit_verdict_leaves_the_cuda_context_and_workspace_out_of_the_device() -> None:
    # An L4 has 23.6 GB as CUDA sees it; every process keeps the catalog's 1.5 GB of CUDA
    # context and library workspace, so a batch that needs 23.5 GB does not fit (it read
    # "✔ Fits on one NVIDIA L4: 23.5 GB of 23.6 GB").
    from botec.catalog import load_catalog

    l4 = load_catalog().hardware("l4").usable_bytes
    for batch in (8, 64):
        sheet = botec.speech(audio_hours_per_day="10K", batch=batch, samples=0)
        need = float(sheet["speech_memory"])
        verdict = next(n for n in sheet.notes if n.topic == "fit")
        assert verdict.level == ("ok" if need <= l4 - 1.5e9 else "bad")
        assert "less 1.50 GB (1.40 GiB) of CUDA context and workspace" in verdict.text
    assert need > l4 - 1.5e9  # batch 64: the case that used to pass
