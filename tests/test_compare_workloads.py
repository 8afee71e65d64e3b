"""compare ranks GPUs for the workloads past text LLMs: each option is the scenario run with
that GPU set in its section (same figures as the single run), and a CPU ranker, which no GPU
changes, is refused with the sections that compare can use."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from botec.commands import compare, report
from botec.core.errors import BotecInputError

# scenario file, the section holding its GPU, its GPU count and monthly cost results
CASES = {
    "image-sdxl-service": ("image_generation", "generation_gpus", "generation_cost_per_month"),
    "video-wan-clips": ("video_generation", "generation_gpus", "generation_cost_per_month"),
    "speech-call-center-transcription": ("speech", "speech_gpus", "speech_cost_per_month"),
    "speech-voice-assistant-tts": (
        "speech_synthesis", "synthesis_gpus", "synthesis_cost_per_month",
    ),
    "recommend-feed-ranking": ("recommender", "scoring_gpus", "total_monthly_cost"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_option_is_the_scenario_on_that_gpu(name: str) -> None:
    section, gpus, cost = CASES[name]
    path = SCENARIOS / f"{name}.toml"
    options = compare(path, gpus="a100-80gb,h100-sxm", samples=0)
    assert {o.gpu for o in options} == {"a100-80gb", "h100-sxm"}
    for option in options:
        alone = report(path, overrides=[f"{section}.gpu={option.gpu}"], samples=0)
        assert float(option.gpus) == float(alone[gpus])
        assert float(option.cost) == float(alone[cost])
    assert options[0].cost is not None and options[1].cost is not None
    assert float(options[0].cost) <= float(options[1].cost)


def test_a_cpu_ranker_alone_is_refused(tmp_path) -> None:
    text = (SCENARIOS / "recommend-feed-ranking.toml").read_text()
    cpu = tmp_path / "cpu-ranker.toml"
    cpu.write_text(text.replace('device = "gpu"', 'device = "cpu"'))
    with pytest.raises(BotecInputError, match="GPU \\[recommender\\]"):
        compare(cpu, gpus="a100-80gb,h100-sxm", samples=0)


def test_a_generator_that_does_not_fit_binds_on_memory() -> None:
    # Wan 2.1 14B holds 14e9 weights × 2 bytes (BF16) + its text encoder: more than an L4's 24 GB.
    options = compare(SCENARIOS / "video-wan-clips.toml", gpus="l4", samples=0)
    assert options[0].binding == "memory"
