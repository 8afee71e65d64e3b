"""compare ranks GPUs for the workloads past text LLMs: each option is the scenario run with
that GPU set in its section (same figures as the single run), and a CPU ranker, which no GPU
changes, is refused with the sections that compare can use."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import SCENARIOS, cli

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


def test_a_gpu_the_model_does_not_fit_is_not_ranked() -> None:
    # The generator's weights alone are 14e9 × 2 B = 28 GB, past the 23,570,219,008 B an L4
    # holds as CUDA sees it (deviceQuery in thamada/nvidia-smi): `report` gives ✘, so compare
    # must not price a fleet of L4s or rank it among the GPUs that can run it.
    assert 14e9 * 2 > 23_570_219_008
    path = SCENARIOS / "video-wan-clips.toml"
    options = compare(path, gpus="h100-sxm,l4,a100-80gb", samples=0)
    assert [(o.gpu, o.rank, o.feasible) for o in options] == [
        ("h100-sxm", 1, True), ("a100-80gb", 2, True), ("l4", None, False),
    ]  # fmt: skip
    l4 = options[2]
    assert (l4.gpus, l4.cost, l4.latency, l4.binding) == (None, None, None, "memory")
    verdict = next(n.text for n in report(path, overrides=["video_generation.gpu=l4"]).notes
                   if n.level == "bad")  # fmt: skip
    assert (
        verdict.startswith("Does not fit on one NVIDIA L4") and l4.why == f"not feasible: {verdict}"
    )
    code, out, err = cli("compare", str(path), "--gpu", "l4,h100-sxm", "--format", "csv")
    assert code == 0, err
    row = next(r for r in csv.DictReader(io.StringIO(out)) if r["gpu"] == "l4")
    assert (row["rank"], row["feasible"], row["cost_p50"], row["gpus_p50"]) == (
        "", "false", "", "",
    )  # fmt: skip


def test_a_gpu_without_a_price_is_not_ranked_and_says_so() -> None:
    # The T4 transcribes (its GPU count is computed) but the market rental median lists no T4
    # (catalog gpu_prices.toml: only AWS prices it), so it has no monthly cost to rank by.
    options = compare(SCENARIOS / "speech-call-center-transcription.toml", gpus="t4,l4", samples=0)
    assert [(o.gpu, o.rank) for o in options] == [("l4", 1), ("t4", None)]
    t4 = options[1]
    assert t4.gpus is not None and t4.cost is None and t4.binding == "price"
    assert t4.why.startswith("not ranked: no price for NVIDIA T4 on the market rental median")
    assert "give usd_per_gpu_hour or another price_basis" in t4.why


def test_a_scenario_with_nothing_to_rank_is_refused_with_its_sections() -> None:
    # kv-cache-7b sizes a KV cache and checks it fits one GPU: no cost, GPU count or latency.
    with pytest.raises(BotecInputError) as info:
        compare(SCENARIOS / "kv-cache-7b.toml", gpus="h100-sxm,l4", samples=0)
    assert info.value.field == "FILE" and info.value.value == "[model], [kv_cache]"
    assert "a cost, a GPU count or a latency" in info.value.allowed
    assert "botec report FILE --set kv_cache.gpu=NAME" in info.value.allowed
    code, out, err = cli("compare", str(SCENARIOS / "kv-cache-7b.toml"), "--gpu", "h100-sxm,l4")
    assert code == 2 and out == "" and "[model], [kv_cache]" in err


def test_a_gpu_that_cannot_run_the_scenario_is_listed_not_fatal() -> None:
    """BF16 training on a T4 (no BF16 tensor cores) is refused for that GPU alone: the others
    are ranked, the T4 follows unranked with the refusal; on the T4 alone it is an error."""
    path = SCENARIOS / "llama-13b-training.toml"
    options = compare(path, gpus="a100-80gb,t4,h100-sxm", samples=0)
    ranked = [o.gpu for o in options if o.rank is not None]
    assert sorted(ranked) == ["a100-80gb", "h100-sxm"]
    (t4,) = [o for o in options if o.gpu == "t4"]
    assert not t4.feasible and t4.rank is None and options[-1] is t4
    assert "bf16 on t4" in t4.why and "training.precision" in t4.why
    with pytest.raises(BotecInputError) as caught:
        compare(path, gpus="t4", samples=0)
    assert "bf16 on t4" in str(caught.value)


def test_a_serving_gpu_without_a_price_is_listed_unranked_not_fatal() -> None:
    # SmartPal's [cost] prices GPUs on the market median, which lists no GB200 (rented as NVL72
    # racks): it stopped the whole comparison, while other scenarios list such a GPU unranked
    options = compare(SCENARIOS / "smartpal.toml", gpus="h100-sxm,gb200", samples=0)
    assert [(o.gpu, o.rank) for o in options] == [("h100-sxm", 1), ("gb200", None)]
    assert options[1].binding == "price" and options[1].why.startswith("not ranked: no price")
    with pytest.raises(BotecInputError) as info:  # no GPU priced: the refusal, as for one GPU
        compare(SCENARIOS / "smartpal.toml", gpus="gb200", samples=0)
    assert info.value.field == "--gpu" and info.value.value == "gb200"
