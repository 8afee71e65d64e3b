"""Hostile and contradictory inputs to the workload sections, as a red-team pass found them:
each refused with the field named, or answered with a verdict, never a silent absurd number."""

from __future__ import annotations

import pytest

import botec
from botec.core.errors import BotecInputError
from botec.scenario import scenario_from_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"image_generation": {"model": "sdxl", "steps": True}}, "image_generation.steps"),
        ({"video_generation": {"model": "wan2.1-1.3b", "frames": True}}, "video_generation.frames"),
        ({"embeddings": {"documents": 0.5}}, "embeddings.documents"),
        ({"speech_synthesis": {"characters": 1e-300}}, "speech_synthesis.characters"),
        ({"image_generation": {"model": "sdxl", "images_per_day": 1e-300}},
         "image_generation.images_per_day"),
        ({"recommender": {"model": "dlrm", "requests_per_second": 5,
          "candidates_per_request": 0.5}}, "recommender.candidates_per_request"),
        ({"image_generation": {"model": "sdxl"}, "video_generation": {"model": "wan2.1-1.3b"}},
         "image_generation/video_generation"),
        ({"embeddings": {"documents": "1M", "index": "flat", "nlist": 100}},
         "embeddings.nlist/embeddings.nprobe"),
        ({"embeddings": {"documents": "1M", "index": "ivf-flat", "nlist": 100, "nprobe": 1000}},
         "embeddings.nprobe"),
        ({"embeddings": {"documents": "1M", "ef_search": 10, "top_k": 100}},
         "embeddings.ef_search"),
        ({"recommender": {"model": "dlrm", "kind": "trees", "trees": 10, "requests_per_second": 5}},
         "recommender.kind/recommender.model"),
        ({"users": {"requests_per_second": 10}, "recommender": {"model": "dlrm",
          "requests_per_second": 5}}, "recommender.requests_per_second/users"),
    ],
)  # fmt: skip
def test_refused_with_the_field_named(data: dict, field: str) -> None:
    with pytest.raises(BotecInputError) as err:
        scenario_from_dict(data)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"documents": "10M", "index": "ivf-flat", "nprobe": 100_000}, "embeddings.nprobe"),
        ({"documents": "10M", "index": "ivf-pq", "pq_bytes": 10_000}, "embeddings.pq_bytes"),
    ],
)
def test_index_settings_that_cannot_exist_are_refused(kwargs: dict, field: str) -> None:
    with pytest.raises(BotecInputError) as err:
        botec.embed(samples=0, **kwargs)
    assert err.value.field == field


def test_a_code_that_does_not_split_the_vector_asks_for_a_rotation() -> None:
    sheet = botec.embed(documents="10M", index="ivf-pq", pq_bytes=7, samples=0)
    assert any("OPQ" in n.text for n in sheet.notes)


def _verdicts(sheet: botec.Sheet) -> list[str]:
    return [n.level for n in sheet.notes if n.verdict]


def test_memory_that_does_not_fit_gets_a_verdict() -> None:
    # Qwen3-Embedding 8B in FP32 is 27.8 GB of matmul weights; a T4 has 15.6 GB
    big = botec.embed(documents="1M", model="qwen3-embedding-8b", gpu="t4", precision="fp32",
                      samples=0)  # fmt: skip
    assert "bad" in _verdicts(big)
    # ten million windows' keys and values cannot sit on one L4
    assert "bad" in _verdicts(botec.speech(batch=10_000_000, samples=0))
    assert "ok" in _verdicts(botec.speech(samples=0))
    # 100,000 Orpheus streams need terabytes of KV cache
    assert "bad" in _verdicts(botec.tts(streams=100_000, samples=0))


def test_tables_that_need_many_machines_are_billed_for_them() -> None:
    sheet = botec.recsys(model="dlrm-dcnv2", qps=10, embedding_rows="1T", samples=0)
    shards = sheet["embedding_table_shards"].value
    assert shards > sheet["scoring_cores"].value / 32
    assert sheet["ranking_machines"].value == shards  # the tables, not the cores, set the count
    # 32 physical cores a machine, two vCPUs each at $0.0425 per vCPU-hour, 720 h a month
    assert sheet["ranking_cost_per_month"].value == pytest.approx(shards * 32 * 2 * 0.0425 * 720)


def test_a_whole_number_field_sweeps_over_a_range() -> None:
    # LOW..HIGH:N on an integer field gives N whole numbers, evenly spaced
    path = botec.commands.example_path("image-sdxl-service")
    result = botec.sweep(path, vary=["image_generation.steps=10..50:5"])
    assert [row["image_generation.steps"] for row in result.records()] == [10, 20, 30, 40, 50]
    with pytest.raises(BotecInputError, match="LOW at most HIGH"):
        botec.sweep(path, vary=["image_generation.steps=50..10"])


@pytest.mark.parametrize(
    ("command", "kwargs", "field"),
    [
        # whisper.cpp reads ggml files (F32, F16, integer blocks); no FP8 Whisper exists for it
        ("speech", {"runtime": "whisper.cpp", "precision": "fp8"}, "speech.precision"),
        # CTranslate2's compute types stop at int8: a GGUF block format is not one of them
        ("speech", {"runtime": "ctranslate2", "precision": "q4_0"}, "speech.precision"),
        # eager PyTorch has no FP4 matmul for a diffusion model; TensorRT on Blackwell does
        ("image", {"runtime": "eager", "precision": "nvfp4"}, "image_generation.precision"),
        # GGUF is diffusers' eager loader, not a compiled runtime's format
        ("video", {"runtime": "compiled", "precision": "q4_k_m"}, "video_generation.precision"),
        ("tts", {"runtime": "eager", "precision": "fp8"}, "speech_synthesis.precision"),
        (
            "embed",
            {"documents": "1M", "runtime": "pytorch", "precision": "int8"},
            "embeddings.precision",
        ),
    ],
)
def test_a_precision_the_runtime_cannot_load_is_refused(
    command: str, kwargs: dict, field: str
) -> None:
    with pytest.raises(BotecInputError) as err:
        getattr(botec, command)(samples=0, **kwargs)
    assert err.value.field == field
    assert "runtime loads" in err.value.allowed


@pytest.mark.parametrize(
    ("command", "kwargs"),
    [
        ("speech", {"runtime": "whisper.cpp", "precision": "q4_0"}),
        ("speech", {"runtime": "ctranslate2", "precision": "int8"}),
        ("image", {"runtime": "compiled", "precision": "fp4", "gpu": "b200"}),
        ("image", {"runtime": "eager", "precision": "q8_0"}),
        ("tts", {"runtime": "graphs", "precision": "awq"}),  # an alias of int4
        ("embed", {"documents": "1M", "runtime": "optimized", "precision": "int8"}),
    ],
)
def test_a_precision_the_runtime_loads_runs(command: str, kwargs: dict) -> None:
    sheet = getattr(botec, command)(samples=0, **kwargs)
    assert sheet.steps  # it ran


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({"model": {"name": 5}}, "model.name", "text (in quotes)"),
        ({"deployment": {"hourly_profile": "x"}}, "deployment.hourly_profile", "a list of values"),
        ({"image_generation": {"runtime": "fast"}}, "image_generation.runtime", "one of 'eager'"),
        ({"training": {"gpus": 2.5}}, "training.gpus", "a whole number"),
        # a wrong value the user wrote is reported before a field they left out (input_tokens)
        ({"serving": {"batch": "abc"}}, "serving.batch", "a whole number"),
    ],
)
def test_type_errors_say_what_to_write_in_a_scenario_file(
    data: dict, field: str, expected: str
) -> None:
    with pytest.raises(BotecInputError) as err:
        scenario_from_dict(data)
    assert err.value.field == field
    assert err.value.allowed.startswith(expected)
    assert "valid" not in err.value.allowed and "Input" not in err.value.allowed


@pytest.mark.parametrize(
    ("command", "kwargs", "field"),
    [
        # 10M IVF lists over 1M documents' 2M chunks: more centroids than vectors
        ("embed", {"documents": "1M", "index": "ivf-flat", "nlist": 10_000_000},
         "embeddings.nlist"),
        # Orpheus decodes token by token: a step count would be silently unread
        ("tts", {"model": "orpheus-3b", "steps": 5}, "speech_synthesis.steps"),
        # a GPU named for a ranker scored on CPU cores would be silently unread
        ("recsys", {"model": "dlrm-dcnv2", "qps": "2K", "gpu": "h100-sxm"},
         "recommender.gpu/recommender.device"),
    ],
)  # fmt: skip
def test_a_setting_that_would_go_unread_is_refused(command: str, kwargs: dict, field: str) -> None:
    with pytest.raises(BotecInputError) as err:
        getattr(botec, command)(samples=0, **kwargs)
    assert err.value.field == field


def test_a_scenario_with_nothing_to_compute_is_refused() -> None:
    for data in ({}, {"title": "x"}, {"cost": {"usd_per_gpu_hour": 2}}):
        with pytest.raises(BotecInputError) as err:
            scenario_from_dict(data)
        assert "at least one section" in err.value.allowed


def test_embeddings_traffic_given_twice_is_refused() -> None:
    with pytest.raises(BotecInputError) as err:
        scenario_from_dict(
            {
                "users": {"requests_per_second": 3000},
                "embeddings": {"documents": "1M", "queries_per_second": 10},
            }
        )
    assert err.value.field == "embeddings.queries_per_second/users"


def test_a_request_s_cores_fit_one_machine() -> None:
    with pytest.raises(BotecInputError) as err:
        scenario_from_dict(
            {
                "users": {"requests_per_second": 100},
                "recommender": {"model": "dlrm-dcnv2", "cores_per_request": 64,
                                "cores_per_machine": 32},
            }
        )  # fmt: skip
    assert err.value.field == "recommender.cores_per_request"


def _volume(data: dict, name: str) -> float:
    sheet = botec.run_scenario(scenario_from_dict(data), samples=0)
    return float(sheet[name])


def test_a_workload_without_a_daily_volume_serves_the_users_requests() -> None:
    # [speech]: 1,000 users × 2 requests = 2,000 requests a day, 90 s of audio each:
    # 180,000 s = 50 hours of audio a day, at the users' own 3× peak.
    speech = {"users": {"daily_active_users": 1000, "requests_per_user_per_day": 2,
                        "peak_factor": 3}, "speech": {"audio_seconds": 90}}  # fmt: skip
    assert _volume(speech, "audio_hours_per_day") == pytest.approx(50)
    assert _volume(speech, "peak_audio_seconds_per_second") == pytest.approx(50 * 3600 * 3 / 86400)
    # [speech_synthesis]: 3 requests/s × 86,400 s = 259,200 answers of 300 characters a day.
    tts = {"users": {"requests_per_second": 3}, "speech_synthesis": {"characters": 300}}
    assert _volume(tts, "characters_per_day") == pytest.approx(259_200 * 300)
    # [image_generation]: one image a request, 2 requests/s = 172,800 images a day.
    image = {"users": {"requests_per_second": 2}, "image_generation": {"model": "sdxl"}}
    assert _volume(image, "images_per_day") == pytest.approx(172_800)
    # A section's own volume is what it serves (a share of the users' requests, say).
    image["image_generation"]["images_per_day"] = 1000
    assert _volume(image, "images_per_day") == 1000


def test_a_workload_without_users_or_a_daily_volume_sizes_no_fleet() -> None:
    sheet = botec.run_scenario(scenario_from_dict({"speech": {"audio_seconds": 90}}), samples=0)
    assert "speech_gpus" not in sheet and "audio_hours_per_day" not in sheet


@pytest.mark.parametrize(
    ("index", "field", "value"),
    [("flat", "hnsw_m", 4), ("ivf-flat", "ef_search", 8), ("flat", "ef_construction", 64),
     ("hnsw", "pq_bytes", 8), ("ivf-pq", "vector_precision", "int8")],
)  # fmt: skip
def test_an_index_setting_the_chosen_index_never_reads_is_refused(
    index: str, field: str, value: object
) -> None:
    # each gave a report identical to the default's: the setting went unread
    with pytest.raises(BotecInputError) as err:
        scenario_from_dict({"embeddings": {"documents": "1M", "index": index, field: value}})
    assert err.value.field == f"embeddings.{field}"
    assert f"no value with index = '{index}'" in err.value.allowed
