"""'Can I run it?': `botec memory --model` against GPUs, by hand, and `botec models`."""

from __future__ import annotations

import math

import pytest
from conftest import cli, cli_json

from botec.stages.model_fit import tp_group

# Llama 3.1 70B (catalog: 70,553,706,496 parameters; 80 layers, 8 KV heads of 128) on H100 SXM
# (85,045,477,376 B as CUDA sees it), 90% of it for the engine, 1.5 GB workspace (the nominal).
WEIGHTS = 70_553_706_496 * 2
KV_PER_TOKEN = 2 * 80 * 8 * 128 * 2  # 327,680 B
CAPACITY = 85_045_477_376 * 0.9 - 1.5e9  # 75.04 GB a GPU


def test_a_70b_model_with_a_batch_of_long_contexts_by_hand() -> None:
    r = cli_json(
        "memory", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--context", "8192",
        "--batch", "4", "--samples", "0",
    )["results"]  # fmt: skip
    need = WEIGHTS + KV_PER_TOKEN * 8192 * 4  # 141.1 GB + 10.7 GB
    assert r["model_fit_memory"]["value"] == pytest.approx(need)
    assert r["gpus_needed"]["value"] == math.ceil(need / CAPACITY) == 3
    # three GPUs do not make a tensor-parallel group: four do
    assert r["fit_memory_per_gpu"]["value"] == pytest.approx(need / 4 + 1.5e9)
    assert r["fit_headroom"]["value"] == pytest.approx(4 * CAPACITY - need)


def test_a_sliding_window_caps_the_cache_as_serving_counts_it() -> None:
    # Mistral 7B (v0.1: 4,096-token window; 32 layers × 8 KV heads × 128 dims × 2 B × 2 =
    # 131,072 B a token) at 32,768 tokens × 8: each sequence caches its last 4,096 tokens, so
    # 14.48 GB of weights + 131,072 × 4,096 × 8 = 4.29 GB of cache. A T4 offers
    # 15.6 GB × 0.9 − 1.5 GB = 12.5 GB: two hold it (it said four, as if the cache held 32K).
    out = cli_json(
        "memory", "--model", "mistral-7b", "--gpu", "t4", "--context", "32768", "--batch", "8",
        "--samples", "0",
    )  # fmt: skip
    r = out["results"]
    weights = r["weights_memory"]["value"]
    assert r["model_fit_memory"]["value"] == pytest.approx(weights + 131_072 * 4096 * 8)
    assert r["gpus_needed"]["value"] == 2
    assert "max_context_tokens" not in r  # no longest context: the cache stops growing
    assert any("caches only its last 4,096 tokens" in n["text"] for n in out["notes"])


def test_a_hybrid_model_caches_the_whole_context_on_its_global_layers_only() -> None:
    # Gemma 3 27B: 62 layers, 10 global and 52 with a 1,024-token window (config.json,
    # sliding_window_pattern 6); 16 KV heads × 128 dims × 2 B × 2 = 8,192 B per layer-token.
    # At 131,072 tokens: (10 × 131,072 + 52 × 1,024) × 8,192 B = 11.17 GB of cache, not the
    # 66.6 GB of every layer at the full context, and 54.0 GB + 11.2 GB fits one H100's 75.0 GB.
    r = cli_json(
        "memory", "--model", "gemma-3-27b", "--gpu", "h100-sxm", "--context", "131072",
        "--samples", "0",
    )["results"]  # fmt: skip
    weights = 27_009_346_304 * 2
    cache = (10 * 131_072 + 52 * 1_024) * 8_192
    assert r["model_fit_memory"]["value"] == pytest.approx(weights + cache)
    assert r["gpus_needed"]["value"] == 1
    # the longest context: past the window only the 10 global layers grow, 10 × 8,192 B a token
    room = CAPACITY - weights
    longest = (room - 52 * 1_024 * 8_192) / (10 * 8_192)
    assert r["max_context_tokens"]["value"] == math.floor(longest)


def test_one_gpu_too_few_names_each_lever_with_its_number() -> None:
    code, out, _ = cli(
        "memory", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--gpus", "1", "--context",
        "8192", "--batch", "4", "--samples", "0",
    )  # fmt: skip
    assert code == 0
    short = WEIGHTS + KV_PER_TOKEN * 8192 * 4 - CAPACITY  # 76.8 GB
    assert f"short by {short / 1e9:.1f} GB" in out
    assert "more GPUs: 4 × NVIDIA H100 SXM" in out
    # int4 weights (0.5 B/param): 35.3 GB + 10.7 GB = 46.0 GB, inside one GPU's 75.0 GB
    assert "int4 weights: 46.0 GB" in out and "(fits)" in out
    # the longest context one GPU could hold would be negative: no such lever is offered
    assert "a shorter context" not in out


def test_the_longest_context_that_fits_by_hand() -> None:
    r = cli_json(
        "memory", "--model", "llama-3.1-8b", "--gpu", "rtx-4090", "--gpus", "1", "--samples", "0"
    )["results"]
    # Llama 3.1 8B (8,030,261,248 parameters, 32 layers, 8 KV heads of 128) on one RTX 4090:
    # what the weights leave of its usable memory, over the KV bytes of one token.
    from botec.catalog import load_catalog

    capacity = load_catalog().hardware("rtx-4090").usable_bytes * 0.9 - 1.5e9
    weights = 8_030_261_248 * 2
    kv = 2 * 32 * 8 * 128 * 2  # 131,072 B/token
    assert r["max_context_tokens"]["value"] == math.floor((capacity - weights) / kv)


@pytest.mark.parametrize(("needed", "group"), [(1, 1), (2, 2), (3, 4), (7, 8), (9, 16), (20, 24)])
def test_a_tensor_parallel_group_is_a_power_of_two_then_whole_nodes(
    needed: int, group: int
) -> None:
    assert tp_group(needed) == group


def test_memory_input_errors_name_the_flag() -> None:
    code, _, err = cli("memory", "--model", "llama-3.1-8b", "--params", "7B")
    assert code == 2 and "--model/--params" in err
    code, _, err = cli("memory", "--model", "llama-3.1-8b", "--training")
    assert code == 2 and "--training" in err and "botec train" in err
    code, _, err = cli("memory", "--model", "llama-3.1-8b", "--gpus", "0")
    assert code == 2 and "--gpus" in err
    code, _, err = cli("memory")
    assert code == 2 and "--model/--params" in err


def test_models_list_and_show() -> None:
    code, out, _ = cli("models", "list")
    assert code == 0 and "llama-3.1-70b" in out and "deepseek-v3" in out
    shown = cli_json("models", "show", "deepseek-v3")
    assert shown["params_total"] == 671_026_419_200 and shown["attention"] == "mla"
    code, _, err = cli("models", "show", "llama-3.1-7b")
    assert code == 2 and "did you mean" in err


def test_the_fit_verdict_quotes_the_headline_and_says_why_the_count_rounds_up() -> None:
    # DeepSeek-V3 in BF16: 671B × 2 B = 1.342 TB over an H100's 75.0 GB usable (85.1 GB as CUDA
    # sees it × 0.9, less the workspace) = ⌈17.9⌉ = 18 GPUs; a tensor-parallel group is 1, 2, 4,
    # 8 GPUs or whole nodes of 8, so 24; the verdict says both, and quotes the per-GPU memory the
    # headline prints (its median)
    import botec
    from botec.core.units import format_quantity

    sheet = botec.memory(model="deepseek-v3", gpu="h100-sxm", samples=2000)
    fits = next(n.text for n in sheet.notes if n.text.startswith("Fits on"))
    assert fits.startswith("Fits on 24 ×") and "the memory needs 18 GPUs" in fits
    per_gpu = sheet["fit_memory_per_gpu"]
    assert f"{format_quantity(per_gpu.percentiles()[1], 'B')} on each GPU" in fits


def test_a_context_past_the_model_s_training_length_is_said() -> None:
    # Llama 2 7B was trained at 4,096 tokens; the memory of an RTX 4090 holds more than that
    import botec

    fits = next(n.text for n in botec.memory(model="llama-2-7b", gpu="rtx-4090").notes
                if n.text.startswith("Fits on"))  # fmt: skip
    assert "past the 4,096 tokens it was trained for" in fits


def test_memory_to_spare_on_several_gpus_says_it_is_their_total() -> None:
    # "76.0 GB on each GPU, 421 GB to spare" on 80 GB cards read as per GPU: it is the sum
    _code, out, _err = cli("memory", "--model", "llama-2-7b", "--gpus", "2", "--samples", "0")
    assert "to spare over all 2 GPUs" in out
    _code, out, _err = cli("memory", "--model", "llama-2-7b", "--samples", "0")
    assert "to spare;" in out and "over all" not in out


@pytest.mark.parametrize(
    ("model", "gpus", "said"),
    [
        # Llama 2 7B: 32 layers, 32 heads and 32 KV heads. TP takes 1, 2, 4, 8, 16 or 32 GPUs, so 3
        # run as 3 pipeline stages of ⌈32 / 3⌉ = 11, 11, 10 layers: 11 × 3 / 32 = 1.03, 3% more
        ("llama-2-7b", 3, "3 pipeline stages (vLLM's --pipeline-parallel-size 3), the largest "
         "holding 11 of the 32 layers, 3% more"),
        # Llama 3.1 8B: 32 heads, 8 KV heads. 12 GPUs: the largest TP dividing 12 that splits the
        # heads is 4, so 3 stages of TP 4, again 11 of 32 layers
        ("llama-3.1-8b", 12, "3 pipeline stages, each a TP group of 4"),
        ("llama-2-7b", 4, None),  # TP 4 splits 32 heads: no pipeline
    ],
)  # fmt: skip
def test_a_gpu_count_no_tp_group_takes_is_said_to_run_as_pipeline_stages(
    model: str, gpus: int, said: str | None
) -> None:
    import botec

    notes = [n.text for n in botec.memory(model=model, gpus=gpus, samples=0).notes]
    pipeline = [t for t in notes if "pipeline stages" in t]
    if said is None:
        assert pipeline == []
    else:
        assert len(pipeline) == 1 and said in pipeline[0]
