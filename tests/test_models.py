"""The model catalog and the checkpoint readers, against published figures and hand calculations.

Every expected number below is either quoted from a cited source or worked out by hand in the
test; none is pasted from the code's output.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from botec import modelspec as models
from botec.core.errors import BotecInputError

CONFIGS = Path(__file__).parent / "data" / "configs"

REQUIRED = (
    "llama-7b", "llama-13b", "llama-33b", "llama-65b", "llama-2-7b", "llama-2-13b",
    "llama-2-70b", "llama-3-8b", "llama-3-70b", "llama-3.1-8b", "llama-3.1-70b",
    "llama-3.3-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b", "mistral-7b",
    "mixtral-8x7b", "qwen3-235b-a22b", "deepseek-v3", "gpt-j-6b", "gpt-3-175b", "opt-13b",
    "opt-175b", "bloom-176b", "falcon-40b", "falcon-180b", "mpt-7b", "mpt-30b", "mpt-70b",
    # the models of late 2024-2026 users now price (issue: "the catalog of late 2025-2026")
    "llama-4-scout", "llama-4-maverick", "qwen2.5-7b", "qwen2.5-72b", "qwen3-8b", "qwen3-32b",
    "qwen3-30b-a3b", "gemma-2-9b", "gemma-2-27b", "gemma-3-27b", "gpt-oss-20b", "gpt-oss-120b",
    "deepseek-r1", "mistral-large-2", "phi-3-mini", "phi-4",
)  # fmt: skip

FP16 = 2  # bytes per cached value


# ---- golden KV-cache sizes -----------------------------------------------------------------


def _served(model: str, input_tokens: int = 1, output_tokens: int = 1) -> dict[str, float]:
    """The [serving] stage's results for a model (the one KV-cache formula, on the sheet)."""
    from botec.run import run_scenario
    from botec.scenario import scenario_from_dict

    data = {"serving": {"model": model, "input_tokens": input_tokens, "output_tokens": 1}}
    data["serving"]["output_tokens"] = output_tokens
    sheet = run_scenario(scenario_from_dict(data))
    return {name: float(value.value) for name, value in sheet.steps.items()}


def test_kv_cache_golden_values() -> None:
    # Llama 2 7B, MHA: K and V x 32 layers x 32 KV heads x 128 dims x 2 bytes
    assert _served("llama-2-7b")["kv_cache_per_token"] == 2 * 32 * 32 * 128 * FP16 == 524_288
    # OPT-13B, MHA: 2 x 40 layers x 40 heads x 128 dims x 2 bytes
    assert _served("opt-13b")["kv_cache_per_token"] == 2 * 40 * 40 * 128 * FP16 == 819_200
    # Llama 2 70B, GQA with 8 KV heads: 2 x 80 x 8 x 128 x 2 bytes
    assert _served("llama-2-70b")["kv_cache_per_token"] == 2 * 80 * 8 * 128 * FP16 == 327_680
    # DeepSeek-V3, MLA: 61 layers x (512 latent + 64 shared rotary key) values of 2 bytes
    assert _served("deepseek-v3")["kv_cache_per_token"] == 61 * (512 + 64) * FP16


def test_sliding_window_caps_cached_tokens() -> None:
    # Mistral 7B v0.1 config: sliding_window 4096
    assert _served("mistral-7b", 32767, 1)["cached_tokens"] == 4096
    assert _served("mistral-7b", 999, 1)["cached_tokens"] == 1000
    assert _served("llama-2-7b", 4000, 96)["cached_tokens"] == 4096  # no window: all of it


# ---- the catalog as a whole --------------------------------------------------------------


# Families where the attention width (heads x head_dim) is not the model width, and why.
WIDTH_EXCEPTIONS = {
    "qwen3-235b-a22b": "64 heads x 128 = 8192, twice hidden_size 4096 (config sets head_dim)",
    "deepseek-v3": "MLA: 128 heads x (128 + 64) query/key width, 7168 hidden",
    "deepseek-r1": "DeepSeek-V3's shapes (config.json of deepseek-ai/DeepSeek-R1)",
    "gemma-2-9b": "16 heads x 256 = 4096 beside hidden 3584 (config sets head_dim)",
    "gemma-2-27b": "32 heads x 128 = 4096 beside hidden 4608",
    "gemma-3-27b": "32 heads x 128 = 4096 beside hidden 5376",
    "gpt-oss-20b": "64 heads x 64 = 4096 beside hidden 2880",
    "gpt-oss-120b": "64 heads x 64 = 4096 beside hidden 2880",
    "qwen3-30b-a3b": "32 heads x 128 = 4096, twice hidden 2048",
    "qwen3-32b": "64 heads x 128 = 8192 beside hidden 5120",
}


def test_every_required_model_is_present_and_consistent() -> None:
    names = models.model_names()
    assert set(REQUIRED) <= set(names)
    for key in names:
        spec = models.get_model(key)
        assert spec.key == key
        assert spec.source and spec.as_of, key
        assert 0 < spec.params_active <= spec.params_total, key
        assert spec.heads % spec.kv_heads == 0, key
        if key not in WIDTH_EXCEPTIONS:
            assert spec.head_dim * spec.heads == spec.hidden_size, key
        else:
            assert spec.head_dim * spec.heads != spec.hidden_size, key  # keep the list honest
        expected_kind = {spec.heads: "mha", 1: "mqa"}.get(spec.kv_heads, "gqa")
        assert spec.attention == ("mla" if spec.kv_lora_rank else expected_kind), key
        if spec.is_moe:
            assert 0 < spec.experts_active < spec.experts and spec.params_active < spec.params_total
        else:
            assert spec.experts_active == 0 and spec.params_active == spec.params_total, key


# Published sizes (rounded headline or stated count) and where they are stated.
PUBLISHED_TOTAL = {
    "llama-7b": (6.7e9, "LLaMA paper Table 2"),
    "llama-13b": (13.0e9, "LLaMA paper Table 2"),
    "llama-33b": (32.5e9, "LLaMA paper Table 2"),
    "llama-65b": (65.2e9, "LLaMA paper Table 2"),
    "llama-2-7b": (6_738_415_616, "exact count quoted in the brief / model card"),
    "llama-2-13b": (13.0e9, "Llama 2 paper Table 1"),
    "llama-2-70b": (70e9, "Llama 2 paper Table 1"),
    "llama-3-8b": (8e9, "Llama 3 model card"),
    "llama-3-70b": (70e9, "Llama 3 model card"),
    "llama-3.1-8b": (8e9, "Llama 3.1 model card"),
    "llama-3.1-70b": (70e9, "Llama 3.1 model card"),
    "llama-3.3-70b": (70e9, "Llama 3.3 model card"),
    "llama-3.1-405b": (405e9, "Llama 3 paper"),
    "llama-3.2-1b": (1.23e9, "Llama 3.2 model card"),
    "llama-3.2-3b": (3.21e9, "Llama 3.2 model card"),
    "mistral-7b": (7.3e9, "Mistral AI announcement"),
    "mixtral-8x7b": (46.7e9, "Mixtral paper / model card"),
    "qwen3-235b-a22b": (235e9, "Qwen3 model card"),
    "deepseek-v3": (671e9, "DeepSeek-V3 paper"),
    "gpt-j-6b": (6_053_381_344, "GPT-J model card hyperparameter table"),
    "gpt-3-175b": (175.0e9, "GPT-3 paper Table 2.1"),
    "opt-13b": (13e9, "OPT paper Table 1"),
    "opt-175b": (175e9, "OPT paper Table 1"),
    "bloom-176b": (176_247e6, "BLOOM paper: 176,247M"),
    "falcon-180b": (180e9, "Falcon-180B model card"),
    "mpt-7b": (6.7e9, "Databricks MPT-7B blog"),
    "mpt-30b": (30e9, "MosaicML MPT-30B blog"),
    "llama-4-scout": (109e9, "Llama 4 model card: 109B total (with the vision encoder)"),
    "llama-4-maverick": (400e9, "Llama 4 model card: 400B total"),
    "qwen2.5-7b": (7.61e9, "Qwen2.5-7B model card: 7.61B"),
    "qwen2.5-72b": (72.7e9, "Qwen2.5-72B model card: 72.7B"),
    "qwen3-8b": (8.2e9, "Qwen3-8B model card: 8.2B"),
    "qwen3-32b": (32.8e9, "Qwen3-32B model card: 32.8B"),
    "qwen3-30b-a3b": (30.5e9, "Qwen3-30B-A3B model card: 30.5B total"),
    "gemma-2-9b": (9e9, "Gemma 2 paper (arXiv 2408.00118): 9B"),
    "gemma-2-27b": (27e9, "Gemma 2 paper: 27B"),
    "gemma-3-27b": (27.0e9, "Gemma 3 report Table 1: 25.6B non-embedding + 1.4B embedding"),
    "gpt-oss-20b": (20.91e9, "gpt-oss model card: 20.91B total"),
    "gpt-oss-120b": (116.83e9, "gpt-oss model card: 116.83B total"),
    "deepseek-r1": (671e9, "DeepSeek-R1 model card: 671B total"),
    "mistral-large-2": (123e9, "Mistral Large 2 announcement / model card: 123B"),
    "phi-3-mini": (3.8e9, "Phi-3 report (arXiv 2404.14219): 3.8B"),
}
# Models whose count is further than 3% from the size in their name, with the reason.
NAME_EXCEPTIONS = {
    "falcon-40b": (40e9, 0.04, "41.30B with tied embeddings: 3.3% over the '40B' name"),
    "mpt-70b": (70e9, 0.08, "never-released llm-foundry recipe; its benchmark table says 64.86B"),
    "phi-4": (14e9, 0.05, "14.66B computed from config; the Phi-4 report's '14B' is rounded"),
}
PUBLISHED_ACTIVE = {
    "mixtral-8x7b": 12.9e9,  # Mixtral paper
    "qwen3-235b-a22b": 22e9,  # Qwen3 model card: 22B activated
    "deepseek-v3": 37e9,  # DeepSeek-V3 paper: 37B activated per token
    "llama-4-scout": 17e9,  # Llama 4 model card: 17B activated
    "llama-4-maverick": 17e9,  # Llama 4 model card: 17B activated
    "qwen3-30b-a3b": 3.3e9,  # Qwen3-30B-A3B model card: 3.3B activated
}


@pytest.mark.parametrize("key", sorted(PUBLISHED_TOTAL))
def test_parameter_counts_match_published_sizes(key: str) -> None:
    published, _source = PUBLISHED_TOTAL[key]
    assert models.get_model(key).params_total == pytest.approx(published, rel=0.03)


def test_parameter_count_exceptions_are_bounded() -> None:
    assert set(PUBLISHED_TOTAL) | set(NAME_EXCEPTIONS) == set(REQUIRED)
    for key, (named, tolerance, _why) in NAME_EXCEPTIONS.items():
        total = models.get_model(key).params_total
        assert total != pytest.approx(named, rel=0.03)  # still an exception
        assert total == pytest.approx(named, rel=tolerance)
    for key, published in PUBLISHED_ACTIVE.items():
        assert models.get_model(key).params_active == pytest.approx(published, rel=0.03)


def test_llama_2_7b_count_by_hand() -> None:
    # untied embedding and output (2 x 32000 x 4096); per layer q, k, v, o (4 x 4096^2),
    # SwiGLU MLP (3 x 4096 x 11008) and two RMSNorms (2 x 4096); a final RMSNorm (4096).
    by_hand = 2 * 32000 * 4096 + 32 * (4 * 4096**2 + 3 * 4096 * 11008 + 2 * 4096) + 4096
    assert by_hand == 6_738_415_616
    assert models.get_model("llama-2-7b").params_total == by_hand


# ---- lookup --------------------------------------------------------------------------------


def test_lookup_by_alias_name_and_normalised_spelling() -> None:
    assert models.get_model("meta-llama/Llama-2-7b-hf").key == "llama-2-7b"
    assert models.get_model("Llama 2 7B").key == "llama-2-7b"
    assert models.get_model("LLAMA_3.1_8B").key == "llama-3.1-8b"
    assert models.get_model("mistralai/Mixtral-8x7B-v0.1").key == "mixtral-8x7b"


def test_unknown_model_suggests_the_close_one() -> None:
    with pytest.raises(BotecInputError) as err:
        models.get_model("llama2-7b", field_name="serving.model")
    assert err.value.field == "serving.model"
    assert "did you mean llama-2-7b" in str(err.value)
    with pytest.raises(BotecInputError) as err:
        models.get_model("zzzz")
    assert "did you mean" not in str(err.value) and "llama-2-7b" in str(err.value)


def test_module_stays_light() -> None:
    code = "import sys, botec.modelspec; print(sorted({'numpy', 'pydantic'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- Hugging Face config.json --------------------------------------------------------------

# (fixture, published total, published active or None, source). Fixtures hold the real
# config.json values of the named repository.
CONFIG_CASES = [
    ("llama-2-7b", 6_738_415_616, None, "Llama 2 7B exact count"),
    ("llama-2-70b", 68_976_653_312, None, "HF API safetensors total (incl. 5,120 inv_freq)"),
    ("opt-13b", 13e9, None, "OPT paper Table 1"),
    ("mixtral-8x7b", 46.7e9, 12.9e9, "Mixtral paper"),
    ("qwen3-235b-a22b", 235e9, 22e9, "Qwen3 model card"),
    ("deepseek-v3", 671e9, 37e9, "DeepSeek-V3 paper (excluding the MTP module)"),
    ("llama-7b", 6.7e9, None, "LLaMA paper Table 2"),
    ("llama-3.1-405b", 405_853_388_800, None, "HF API safetensors total"),
    ("llama-3.2-1b", 1.23e9, None, "Llama 3.2 model card"),
    ("mistral-7b", 7.3e9, None, "Mistral AI announcement"),
    ("gpt-j-6b", 6_053_381_344, None, "GPT-J model card"),
    ("bloom-176b", 176_247e6, None, "BLOOM paper"),
    ("falcon-180b", 180e9, None, "Falcon-180B model card"),
    ("mpt-7b", 6.7e9, None, "Databricks MPT-7B blog"),
    ("mpt-30b", 30e9, None, "MosaicML MPT-30B blog"),
]


@pytest.mark.parametrize(("fixture", "total", "active", "_source"), CONFIG_CASES)
def test_config_estimate_matches_published_counts(
    fixture: str, total: float, active: float | None, _source: str
) -> None:
    spec = models.from_hf_config(CONFIGS / f"{fixture}.json")
    assert spec.params_total == pytest.approx(total, rel=0.03)
    if active is None:
        assert spec.params_active == spec.params_total
    else:
        assert spec.params_active == pytest.approx(active, rel=0.03)
    assert spec.source.startswith("estimated from config.json (")


@pytest.mark.parametrize("fixture", sorted(p.stem for p in CONFIGS.glob("*.json")))
def test_config_shapes_agree_with_the_catalog(fixture: str) -> None:
    spec, entry = models.from_hf_config(CONFIGS / f"{fixture}.json"), models.get_model(fixture)
    for name in (
        "layers", "hidden_size", "heads", "kv_heads", "head_dim", "ffn_size", "vocab_size",
        "attention", "experts", "experts_active", "sliding_window", "kv_lora_rank",
        "qk_rope_head_dim", "v_head_dim",
    ):  # fmt: skip
        assert getattr(spec, name) == getattr(entry, name), name
    # BLOOM (ALiBi) and Falcon-40B configs state no context length; the catalog has 2048
    assert spec.context_length in (entry.context_length, 0)


def test_config_details_by_family() -> None:
    llama1 = models.from_hf_config(CONFIGS / "llama-7b.json")  # max_sequence_length, no KV key
    assert (llama1.context_length, llama1.kv_heads, llama1.attention) == (2048, 32, "mha")
    falcon = models.from_hf_config(CONFIGS / "falcon-40b.json")
    assert (falcon.kv_heads, falcon.attention, falcon.key) == (8, "gqa", "falcon-40b")
    assert "no context length" in falcon.notes
    mixtral = models.from_hf_config(CONFIGS / "mixtral-8x7b.json")
    assert (mixtral.experts, mixtral.experts_active, mixtral.ffn_size) == (8, 2, 14336)
    # Mixtral by hand: 32 layers x 8 experts x 3 x 4096 x 14336 expert weights in the total,
    # of which 6 of 8 experts per layer are idle for any one token.
    idle = 32 * 6 * 3 * 4096 * 14336
    assert mixtral.params_total - mixtral.params_active == idle
    deepseek = models.from_hf_config(CONFIGS / "deepseek-v3.json")
    # config.json: kv_lora_rank 512, qk_rope_head_dim 64, v_head_dim 128
    assert (deepseek.kv_lora_rank, deepseek.qk_rope_head_dim, deepseek.v_head_dim) == (512, 64, 128)
    assert (deepseek.layers, deepseek.attention) == (61, "mla")
    qwen = models.from_hf_config(CONFIGS / "qwen3-235b-a22b.json")
    assert (qwen.sliding_window, qwen.ffn_size, qwen.kv_heads) == (0, 1536, 4)


def test_config_multi_query_falcon_7b_by_hand(tmp_path: Path) -> None:
    # tiiuae/falcon-7b's original (RefinedWebModel) config.json: one shared KV head
    config = {
        "model_type": "RefinedWebModel", "hidden_size": 4544, "n_head": 71, "n_layer": 32,
        "multi_query": True, "parallel_attn": True, "bias": False, "vocab_size": 65024,
    }  # fmt: skip
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))
    spec = models.from_hf_config(file)
    assert (spec.attention, spec.kv_heads, spec.head_dim) == ("mqa", 1, 64)
    # tied embedding; per layer fused QKV (4544 x (4544 + 2 x 64)), dense (4544^2),
    # MLP 2 x 4544 x 18176, one LayerNorm (weight + bias); final LayerNorm
    layer = 4544 * (4544 + 2 * 64) + 4544**2 + 2 * 4544 * 18176 + 2 * 4544
    assert spec.params_total == 65024 * 4544 + 32 * layer + 2 * 4544
    assert spec.params_total == pytest.approx(7e9, rel=0.03)  # model card: 7B
    assert (spec.layers, spec.kv_heads, spec.head_dim) == (32, 1, 64)


def test_config_interleaved_sliding_window_counts_its_global_layers(tmp_path: Path) -> None:
    # layer_types lists 16 sliding and 16 full-attention layers: the window caps half the cache
    data = json.loads((CONFIGS / "mistral-7b.json").read_text())
    data["layer_types"] = ["sliding_attention", "full_attention"] * 16
    file = tmp_path / "config.json"
    file.write_text(json.dumps(data))
    spec = models.from_hf_config(file)
    assert (spec.sliding_window, spec.full_attention_layers) == (4096, 16)
    data["layer_types"] = ["full_attention"] * 32  # nothing slides: no window at all
    file.write_text(json.dumps(data))
    spec = models.from_hf_config(file)
    assert (spec.sliding_window, spec.full_attention_layers) == (0, 0)


def test_gemma_configs_make_every_other_or_every_sixth_layer_global(tmp_path: Path) -> None:
    # Gemma 2 alternates (odd layers global); Gemma 3 makes every 6th global (10 of 62)
    data = json.loads((CONFIGS / "mistral-7b.json").read_text())
    file = tmp_path / "config.json"
    data.update(model_type="gemma2", num_hidden_layers=42, sliding_window=4096)
    file.write_text(json.dumps(data))
    assert models.from_hf_config(file).full_attention_layers == 21
    data.update(model_type="gemma3_text", num_hidden_layers=62, sliding_window=1024)
    file.write_text(json.dumps(data))
    spec = models.from_hf_config(file)
    assert (spec.sliding_window, spec.full_attention_layers) == (1024, 10)


def test_config_reads_a_folder(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text((CONFIGS / "llama-2-7b.json").read_text())
    assert models.from_hf_config(tmp_path).layers == 32


def test_config_errors_name_the_file_and_key(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(BotecInputError, match=r"nope\.json"):
        models.from_hf_config(missing)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(BotecInputError, match="valid JSON"):
        models.from_hf_config(broken)
    data = json.loads((CONFIGS / "llama-2-7b.json").read_text())
    del data["num_hidden_layers"]
    no_layers = tmp_path / "no-layers.json"
    no_layers.write_text(json.dumps(data))
    with pytest.raises(BotecInputError) as err:
        models.from_hf_config(no_layers)
    assert "no-layers.json" in str(err.value) and "num_hidden_layers" in str(err.value)
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"model_type": "t5", "d_model": 512}))
    with pytest.raises(BotecInputError, match="model_type"):
        models.from_hf_config(odd)
    bad_heads = tmp_path / "bad-heads.json"
    bad_heads.write_text(json.dumps({**data, "num_hidden_layers": 2, "num_key_value_heads": 5}))
    with pytest.raises(BotecInputError, match="divisor"):
        models.from_hf_config(bad_heads)
    zero_heads = tmp_path / "zero-heads.json"
    opt = json.loads((CONFIGS / "opt-13b.json").read_text())
    zero_heads.write_text(json.dumps({**opt, "num_attention_heads": 0}))
    with pytest.raises(BotecInputError, match="zero-heads"):
        models.from_hf_config(zero_heads)


# ---- safetensors headers -------------------------------------------------------------------


def _write_safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]], cut: int = 0) -> None:
    """A real safetensors layout: u64 header length, JSON header, zero-filled tensor data."""
    sizes = {"F16": 2, "BF16": 2, "F32": 4, "I8": 1}
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = sizes[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    blob = json.dumps(header).encode()
    data = struct.pack("<Q", len(blob)) + blob + bytes(offset)
    path.write_bytes(data[: len(data) - cut])


def test_safetensors_counts_elements(tmp_path: Path) -> None:
    file = tmp_path / "model.safetensors"
    # 2 x 3 + 4 + 7 x 1 x 5 + 0 x 9 = 6 + 4 + 35 + 0 = 45 elements
    _write_safetensors(
        file,
        {"w": ("F16", [2, 3]), "b": ("F32", [4]), "e": ("BF16", [7, 1, 5]), "z": ("I8", [0, 9])},
    )
    assert models.params_from_safetensors(file) == 45
    assert models.params_from_safetensors(tmp_path) == 45  # a folder holding model.safetensors


def test_safetensors_scalar_counts_one(tmp_path: Path) -> None:
    file = tmp_path / "scalar.safetensors"
    _write_safetensors(file, {"s": ("F32", [])})
    assert models.params_from_safetensors(file) == 1


def test_safetensors_index_sums_the_shards_present(tmp_path: Path) -> None:
    _write_safetensors(tmp_path / "model-00001-of-00003.safetensors", {"a": ("F16", [10, 10])})
    _write_safetensors(tmp_path / "model-00002-of-00003.safetensors", {"b": ("BF16", [3, 4])})
    weight_map = {
        "a": "model-00001-of-00003.safetensors",
        "b": "model-00002-of-00003.safetensors",
        "c": "model-00003-of-00003.safetensors",  # not downloaded: skipped
    }
    index = tmp_path / "model.safetensors.index.json"
    index.write_text(json.dumps({"metadata": {"total_size": 224}, "weight_map": weight_map}))
    assert models.params_from_safetensors(index) == 100 + 12
    assert models.params_from_safetensors(tmp_path) == 112  # folder: the index wins
    (tmp_path / "model-00001-of-00003.safetensors").unlink()
    (tmp_path / "model-00002-of-00003.safetensors").unlink()
    with pytest.raises(BotecInputError, match="shard"):
        models.params_from_safetensors(index)


def test_safetensors_truncated_or_malformed_files_are_rejected(tmp_path: Path) -> None:
    tensors = {"w": ("F16", [4, 4])}
    short_data = tmp_path / "short-data.safetensors"
    _write_safetensors(short_data, tensors, cut=3)  # the last tensor's bytes are cut off
    with pytest.raises(BotecInputError, match="truncated"):
        models.params_from_safetensors(short_data)
    short_header = tmp_path / "short-header.safetensors"
    _write_safetensors(short_header, tensors, cut=32 + 20)  # cut into the JSON header
    with pytest.raises(BotecInputError, match="truncated"):
        models.params_from_safetensors(short_header)
    stub = tmp_path / "stub.safetensors"
    stub.write_bytes(b"\x01\x02")
    with pytest.raises(BotecInputError, match="truncated"):
        models.params_from_safetensors(stub)
    garbage = tmp_path / "garbage.safetensors"
    garbage.write_bytes(struct.pack("<Q", 4) + b"nope")
    with pytest.raises(BotecInputError, match="JSON"):
        models.params_from_safetensors(garbage)
    lying = tmp_path / "lying.safetensors"
    blob = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}).encode()
    lying.write_bytes(struct.pack("<Q", len(blob)) + blob + bytes(8))
    with pytest.raises(BotecInputError, match="16 bytes"):  # 4 x F32 needs 16 bytes, not 8
        models.params_from_safetensors(lying)
    with pytest.raises(BotecInputError):
        models.params_from_safetensors(tmp_path / "absent.safetensors")


# -- the Hugging Face Hub, with the network replaced by a shipped config -------------------------


class _Response:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, limit: int = -1) -> bytes:
        return self.body


def test_hub_config_is_fetched_and_read_like_a_local_one(monkeypatch) -> None:
    import urllib.request

    from botec.modelspec import from_hf_config, resolve_model

    local = CONFIGS / "mistral-7b.json"
    seen: list[str] = []

    def fake_urlopen(request, timeout):
        seen.append(request.full_url)
        return _Response(local.read_bytes())

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    spec = resolve_model("hf:some-org/Some-Model-7B")
    assert seen == ["https://huggingface.co/some-org/Some-Model-7B/resolve/main/config.json"]
    expected = from_hf_config(local)
    assert (spec.params_total, spec.kv_heads, spec.sliding_window) == (
        expected.params_total,
        expected.kv_heads,
        expected.sliding_window,
    )
    # only hf: reaches the Hub: a bare owner/name outside the catalog is an error, and
    # catalog aliases are looked up locally
    with pytest.raises(BotecInputError, match="hf:some-org/Other-Model"):
        resolve_model("some-org/Other-Model")
    assert resolve_model("meta-llama/Llama-2-7b-hf").key == "llama-2-7b"
    assert len(seen) == 1
    # the spec keeps the shape its count was computed from
    assert spec.architecture == expected.architecture is not None


def _no_network(monkeypatch) -> None:
    """Fail the test if anything tries to download."""
    import urllib.request

    from botec.modelspec import hub

    def fail(*args: object, **kwargs: object) -> None:
        pytest.fail(f"network reached with {args}")

    monkeypatch.setattr(hub, "download_config", fail)
    monkeypatch.setattr(urllib.request, "urlopen", fail)


def test_unknown_owner_name_never_reaches_the_network(monkeypatch) -> None:
    from botec.modelspec import resolve_model

    _no_network(monkeypatch)
    with pytest.raises(BotecInputError) as err:
        resolve_model("meta-llama/Llama-2-7b-hff", "serving.model")  # typo of an alias
    assert err.value.field == "serving.model"
    assert err.value.value == "meta-llama/Llama-2-7b-hff"
    message = str(err.value)
    assert "llama-2-13b" in message and "qwen3-235b-a22b" in message  # the allowed values
    assert "did you mean llama-2-7b" in message  # the closest catalog name comes first
    assert "hf:meta-llama/Llama-2-7b-hff" in message  # how to ask for the Hub
    with pytest.raises(BotecInputError, match="did you mean mixtral-8x7b"):
        resolve_model("mistralai/Mixtral-8x7B-v0.2")  # close to an alias of mixtral-8x7b
    with pytest.raises(BotecInputError) as err:
        resolve_model("zzzz/qqqq", "training.model")
    assert err.value.field == "training.model" and "did you mean" not in str(err.value)
    with pytest.raises(BotecInputError, match="did you mean llama-2-7b"):
        resolve_model("llama2-7b")


def test_catalog_names_and_local_configs_resolve_offline(monkeypatch, tmp_path: Path) -> None:
    from botec.modelspec import resolve_model

    _no_network(monkeypatch)
    assert resolve_model("mistralai/Mixtral-8x7B-v0.1").key == "mixtral-8x7b"
    assert resolve_model(str(CONFIGS / "llama-2-7b.json")).params_total == 6_738_415_616
    (tmp_path / "config.json").write_text((CONFIGS / "llama-2-7b.json").read_text())
    assert resolve_model(str(tmp_path)).layers == 32  # a folder holding a config.json


def test_hf_prefix_goes_through_the_download_function(monkeypatch) -> None:
    from botec.modelspec import hub, resolve_model

    asked: list[tuple[str, str]] = []

    def fake_download(url: str, repo_id: str, timeout_s: float) -> bytes:
        asked.append((url, repo_id))
        return (CONFIGS / "mixtral-8x7b.json").read_bytes()

    monkeypatch.setattr(hub, "download_config", fake_download)
    spec = resolve_model("hf:mistralai/Mixtral-8x7B-v0.1")
    url = "https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/resolve/main/config.json"
    assert asked == [(url, "hf:mistralai/Mixtral-8x7B-v0.1")]
    assert (spec.experts, spec.experts_active, spec.source) == (8, 2, f"config.json of {url}")


def test_hub_offline_and_bad_ids_get_clear_messages(monkeypatch) -> None:
    import urllib.error
    import urllib.request

    from botec.modelspec import from_hf_hub

    def offline(request, timeout):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(BotecInputError, match=r"download its config\.json"):
        from_hf_hub("hf:some-org/Some-Model")
    for bad in ("hf:../etc/passwd", "hf:no-slash", "hf:a/b/c", "hf:a/b?x=1"):
        with pytest.raises(BotecInputError, match="repository id"):
            from_hf_hub(bad)


def test_a_bare_catalog_name_means_the_catalog_entry_in_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder named like a catalog model, holding some other config.json, beside the run: the
    # bare name still means the catalog's Llama 2 7B; ./llama-2-7b means the folder.
    from botec.modelspec import resolve_model

    folder = tmp_path / "llama-2-7b"
    folder.mkdir()
    (folder / "config.json").write_text(
        '{"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, '
        '"intermediate_size": 128, "vocab_size": 100, "model_type": "llama"}'
    )
    monkeypatch.chdir(tmp_path)
    assert resolve_model("llama-2-7b").params_total == 6_738_415_616
    assert resolve_model("./llama-2-7b").params_total < 1e6


@pytest.mark.parametrize(
    ("fixture", "key", "value", "field"),
    [
        ("mistral-7b", "layer_types", 5, "layer_types"),  # a TypeError
        ("mistral-7b", "layer_types", "full", "layer_types"),  # read as four one-letter layers
        ("llama-3.2-1b", "tie_word_embeddings", "false", "tie_word_embeddings"),  # read as true
        ("falcon-40b", "new_decoder_architecture", "no", "new_decoder_architecture"),  # true
        ("mpt-7b", "expansion_ratio", 1e300, "expansion_ratio"),  # an OverflowError
        ("mpt-7b", "expansion_ratio", "4", "expansion_ratio"),
    ],
)
def test_config_values_of_the_wrong_kind_are_named(
    tmp_path: Path, fixture: str, key: str, value: object, field: str
) -> None:
    data = json.loads((CONFIGS / f"{fixture}.json").read_text())
    data[key] = value
    file = tmp_path / "config.json"
    file.write_text(json.dumps(data))
    with pytest.raises(BotecInputError) as err:
        models.from_hf_config(file)
    assert field in err.value.field
