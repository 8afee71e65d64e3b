"""Speech synthesis against hand calculations (every expected number is worked out here)."""

from __future__ import annotations

import math

import pytest

import botec
from botec.core.errors import BotecInputError


def _tts(**kwargs: object) -> botec.Sheet:
    return botec.tts(samples=0, **kwargs)


def test_orpheus_step_and_rtf_by_hand() -> None:
    sheet = _tts(model="orpheus-3b", gpu="l4", characters=304, streams=1)
    seconds = 304 / 15.2  # 20 s of read speech
    steps = seconds * 82.0  # SNAC: 7 tokens a 85.3 ms frame
    assert sheet["synthesis_steps"].value == pytest.approx(steps)
    memory = 3_300_691_968 * 2 / (300e9 * 0.7)  # the weights read once a step
    compute = 2 * 3_300_691_968 / (121e12 * 0.5)
    step = (memory**3 + compute**3) ** (1 / 3) + 28 * 5e-6  # plus CUDA-graph gaps per layer
    assert sheet["synthesis_step_time"].value == pytest.approx(step)
    assert sheet["synthesis_real_time_factor"].value == pytest.approx(steps * step / seconds)


def test_parler_adds_its_delay_steps() -> None:
    sheet = _tts(model="parler-tts-mini-v1", characters=304)
    assert sheet["synthesis_steps"].value == pytest.approx(20 * 86.13 + 8)


def test_f5_passes_by_hand() -> None:
    sheet = _tts(model="f5-tts", gpu="rtx-3090", precision="fp16", characters=152, steps=16)
    frames = (10 + 5) * 93.75  # the new 10 s and the 5 s reference clip, at hop 256 and 24 kHz
    per_pass = 2 * 184_549_376 * frames + 4 * 22 * 1024 * frames**2
    assert sheet["synthesis_pass_flop"].value == pytest.approx(per_pass)
    assert sheet["synthesis_frames"].value == pytest.approx(frames)


def test_fleet_and_price_per_million_characters_by_hand() -> None:
    sheet = _tts(characters_per_day="1B", peak_factor=3, price="$1/h")
    rtf = sheet["synthesis_real_time_factor"].value
    peak = 1e9 / 15.2 * 3 / 86_400  # seconds of speech a second at peak
    gpus = math.ceil(peak * rtf / 0.7)
    assert sheet["synthesis_gpus"].value == gpus
    assert sheet["cost_per_million_characters"].value == pytest.approx(
        gpus * 720 / (1e9 * 30) * 1e6
    )


def test_more_streams_cost_less_per_second_of_speech() -> None:
    one = _tts(streams=1)["synthesis_real_time_factor"].value
    many = _tts(streams=16)["synthesis_real_time_factor"].value
    assert many < one / 8  # memory-bound steps: sixteen streams for little more than one


def test_bad_input_names_the_field() -> None:
    with pytest.raises(BotecInputError) as err:
        _tts(model="tortoise")
    assert err.value.field == "speech_synthesis.model"
    with pytest.raises(BotecInputError) as err:
        _tts(streams=0)
    assert err.value.field == "speech_synthesis.streams"


@pytest.mark.parametrize(("streams", "fewer"), [(1, False), (4, True)])
def test_a_request_too_long_to_fit_is_told_to_split_its_text(streams: int, fewer: bool) -> None:
    # 1e9 characters in one request: its own cache cannot fit; with one stream, "fewer streams"
    # was advice that could not be taken
    sheet = _tts(characters="1e9", streams=streams)
    verdict = next(n.text for n in sheet.notes if n.text.startswith("Does not fit"))
    assert "shorter requests" in verdict and ("fewer streams" in verdict) == fewer
