"""A serving plan's launch command: the engine's documented flags with the plan's numbers."""

from __future__ import annotations

import pytest

import botec
from botec.core.errors import BotecInputError
from botec.report.launch import engines, launch_command

# The flags each engine documents (the pages cited in catalog/launch.toml), copied by hand.
DOCUMENTED = {
    # docs.vllm.ai/en/v0.8.5/serving/engine_args.html
    "vllm": {
        "--tensor-parallel-size", "--max-num-seqs", "--max-model-len",
        "--gpu-memory-utilization", "--kv-cache-dtype", "--enable-chunked-prefill",
        "--max-num-batched-tokens", "--dtype", "--quantization",
    },
    # nvidia.github.io/TensorRT-LLM/0.18.2/commands/trtllm-serve.html
    "tensorrt-llm": {
        "--tp_size", "--max_batch_size", "--max_seq_len", "--max_num_tokens",
        "--kv_cache_free_gpu_memory_fraction", "--backend", "--extra_llm_api_options",
    },
    # docs.sglang.io/advanced_features/server_arguments.html
    "sglang": {
        "--model-path", "--tp", "--max-running-requests", "--context-length",
        "--mem-fraction-static", "--kv-cache-dtype", "--chunked-prefill-size", "--dtype",
        "--quantization",
    },
}  # fmt: skip
SETTINGS = (
    "tensor_parallel", "max_sequences", "max_model_len", "memory_fraction", "kv_cache_dtype",
    "chunked_prefill", "prefill_chunk", "dtype", "quantization", "extra_options",
)  # fmt: skip


def test_every_flag_in_the_catalog_is_documented() -> None:
    for name, spec in engines().items():
        flags = {spec[s] for s in SETTINGS if s in spec}
        flags |= {w for w in spec["command"].split() if w.startswith("--")}
        assert flags <= DOCUMENTED[name], (name, flags - DOCUMENTED[name])


@pytest.fixture(scope="module")
def plan_70b() -> botec.Sheet:
    return botec.plan(
        model="llama-3.1-70b", gpu="h100-sxm", precision="fp8", qps=20, ttft_p99="2s",
        tpot_p99="50ms", input_tokens=4000, output_tokens=500, samples=0,
    )  # fmt: skip


def _flag(text: str, flag: str) -> str:
    words = text.replace("\\\n", " ").split()
    return words[words.index(flag) + 1]


def test_vllm_command_carries_the_plan(plan_70b: botec.Sheet) -> None:
    text = launch_command(plan_70b, "vllm")
    table = next(t for t in plan_70b.tables if t.title.startswith("Launch settings"))
    chosen = dict(table.rows)
    assert "vllm serve meta-llama/Llama-3.1-70B" in text
    assert _flag(text, "--tensor-parallel-size") == chosen["tensor_parallel"]
    assert _flag(text, "--max-num-seqs") == chosen["max_sequences"]
    assert _flag(text, "--max-model-len") == "4500"  # 4,000 + 500 tokens
    assert _flag(text, "--quantization") == "fp8"  # FP8 weights on an H100
    replicas = f"{plan_70b['replicas'].value:.0f} replica(s)"
    assert replicas in text


def test_tensorrt_llm_puts_what_has_no_flag_in_its_yaml(plan_70b: botec.Sheet) -> None:
    text = launch_command(plan_70b, "tensorrt-llm")
    assert "--extra_llm_api_options extra.yaml" in text
    assert "#   quant_config:" in text and "#     quant_algo: FP8" in text


def test_fp8_kv_cache_is_spelled_per_engine() -> None:
    sheet = botec.plan(
        model="llama-3.1-8b", gpu="h100-sxm", precision="fp8", kv_precision="fp8", qps=10,
        ttft_p99="1s", tpot_p99="50ms", samples=0,
    )  # fmt: skip
    assert _flag(launch_command(sheet, "vllm"), "--kv-cache-dtype") == "fp8"
    assert _flag(launch_command(sheet, "sglang"), "--kv-cache-dtype") == "fp8_e4m3"
    assert "#   kv_cache_config:" in launch_command(sheet, "tensorrt-llm")


def test_a_plan_that_meets_nothing_has_no_command() -> None:
    sheet = botec.plan(
        model="llama-3.1-8b", gpu="l4", qps=50, ttft_p99="10ms", tpot_p99="5ms", samples=0
    )
    with pytest.raises(BotecInputError, match="meets its targets"):
        launch_command(sheet, "vllm")
    with pytest.raises(BotecInputError):
        launch_command(sheet, "tgi")


def _plan_7b(**kwargs: str) -> botec.Sheet:
    return botec.plan(model="llama-2-7b", qps=10, samples=0, **kwargs)


@pytest.mark.parametrize("engine", ["vllm", "tensorrt-llm", "sglang"])
def test_a_kv_cache_type_the_engine_cannot_store_is_said_in_the_command(engine: str) -> None:
    # vLLM's --kv-cache-dtype takes auto or fp8, SGLang's fp8_e4m3/e5m2, trtllm-serve's
    # kv_cache_config.dtype fp8: an INT8 cache is none of them (the pages in launch.toml)
    text = launch_command(_plan_7b(gpu="h100-sxm", kv_precision="int8"), engine)
    assert "WARNING: the plan keeps its KV cache in int8" in text
    # and only the engine botec has no entry for is said to lack factors
    assert "no factors for SGLang" not in text


def test_a_fp4_plan_names_an_fp4_checkpoint_not_awq() -> None:
    text = launch_command(_plan_7b(gpu="b200", precision="fp4"), "vllm")
    assert "NVFP4 or MXFP4" in text and "AWQ" not in text


def test_a_gguf_plan_has_no_server_command() -> None:
    with pytest.raises(BotecInputError) as err:
        launch_command(_plan_7b(gpu="a100-80gb", precision="q4_k_m"), "tensorrt-llm")
    assert err.value.field == "--emit" and "llama-server" in err.value.allowed


def test_a_plan_never_picks_a_format_no_engine_runs_on_the_gpu() -> None:
    # FP4 on a V100: no FP4 tensor cores, and the weight-only FP4 kernels need Ampere (vLLM's
    # Marlin, compute capability 8.0); the plan falls back to a format the GPU can run
    sheet = botec.plan(
        model="llama-2-7b", qps=10, samples=0, precision="fp4,int4", gpu="v100,a100-80gb"
    )
    chosen = next(n.text for n in sheet.notes if n.text.startswith("Chosen"))
    assert "V100" not in chosen or "fp4" not in chosen
    with pytest.raises(BotecInputError) as err:
        botec.infer(model="llama-2-7b", gpu="v100", precision="fp4", samples=0)
    assert "before Ampere" in err.value.allowed
    # llama.cpp dequantises MXFP4 in its own kernels, which run on Volta
    assert botec.infer(model="llama-2-7b", gpu="v100", precision="fp4", engine="llama.cpp",
                       samples=0).steps  # fmt: skip


def test_a_plan_past_one_node_says_the_launch_spans_nodes() -> None:
    sheet = botec.plan(model="llama-3.1-405b", gpu="h100-sxm", qps=1, tp=16, samples=0)
    assert "TP 16 spans nodes" in launch_command(sheet, "vllm")
    assert "spans nodes" not in launch_command(_plan_7b(gpu="h100-sxm"), "vllm")
