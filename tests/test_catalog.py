"""The catalog: every entry loads, carries its source, and matches the figures it cites."""

from __future__ import annotations

from pathlib import Path

import pytest

from botec import catalog
from botec.core.errors import BotecInputError
from botec.validation.published import published_figures


def test_every_entry_loads_with_a_source() -> None:
    for key in catalog.hardware_names():
        hw = catalog.get_hardware(key)
        assert hw.source and hw.as_of, key
        assert hw.memory_bytes > 0 and hw.memory_bandwidth_bytes_per_s > 0
        assert catalog.get_link(hw.interconnect)  # every interconnect exists
    for key in catalog.precision_names():
        p = catalog.get_precision(key)
        assert p.source
        # every compute type is one a mainstream GPU has
        assert p.compute_dtype in catalog.get_hardware("h100-sxm").peak_flop_per_s, key
    for key in catalog.link_names():
        assert catalog.get_link(key).source
    for category in ("gpu", "object_storage", "egress", "memory_store", "cpu"):
        for key in catalog.price_names(category):
            price = catalog.get_price(category, key)
            assert price.source and price.as_of and price.values


def test_common_accelerators_present() -> None:
    for name in (
        "a100-40gb",
        "a100-80gb",
        "h100-sxm",
        "h100-pcie",
        "h200",
        "b200",
        "h800",
        "l4",
        "l40s",
        "a10g",
        "t4",
        "v100",
        "rtx-3090",
        "rtx-4090",
        "rtx-a6000",
        "mi300x",
        "tpu-v5e",
        "cpu-modern",
    ):
        catalog.get_hardware(name)


# Dense peaks and memory as published (src/botec/data/published-figures.csv, row in comment).
@pytest.mark.parametrize(
    ("device", "dtype", "value"),
    [
        ("a100-80gb", "bf16", 312e12),  # D003
        ("a100-80gb", "int8", 624e12),  # D004
        ("h100-sxm", "fp16", 989e12),  # D007: dense; 1,979 is with sparsity (D103)
        ("h100-sxm", "fp8", 1979e12),  # D008
        ("h100-pcie", "bf16", 756e12),  # D010
        ("h200", "bf16", 989e12),  # D013
        ("b200", "bf16", 2250e12),  # D016
        ("l40s", "bf16", 362e12),  # D022
        ("mi300x", "bf16", 1300e12),  # D025
        ("tpu-v5e", "bf16", 197e12),  # D033
        ("l4", "fp16", 121e12),  # D112
        ("rtx-4090", "fp16", 165.2e12),  # D124
    ],
)
def test_dense_peaks_match_published(device: str, dtype: str, value: float) -> None:
    assert catalog.get_hardware(device).peak_flop_per_s[dtype] == pytest.approx(value)


@pytest.mark.parametrize(
    ("device", "memory", "bandwidth"),
    [
        ("h100-sxm", 80e9, 3.35e12),  # D056, D057
        ("h200", 141e9, 4.8e12),  # D054, D055
        ("b200", 180e9, 8e12),  # D046, D047
        ("mi300x", 192e9, 5.3e12),  # D050, D051
        ("l40s", 48e9, 0.864e12),  # D064, D115
        ("tpu-v5e", 16e9, 0.82e12),  # D068, D069
        ("t4", 16e9, 320e9),  # D117
    ],
)
def test_memory_matches_published(device: str, memory: float, bandwidth: float) -> None:
    hw = catalog.get_hardware(device)
    assert hw.memory_bytes == memory
    assert hw.memory_bandwidth_bytes_per_s == pytest.approx(bandwidth, rel=0.01)


def test_h100_dense_figure_is_in_the_validation_file() -> None:
    rows = published_figures()  # the shipped src/botec/data/published-figures.csv
    assert (
        float(rows["D007"]["value"]) * 1e12 == catalog.get_hardware("h100").peak_flop_per_s["bf16"]
    )


def test_precision_bytes() -> None:
    assert catalog.get_precision("fp32").bytes_per_param == 4
    assert catalog.get_precision("bf16").bytes_per_param == 2
    assert catalog.get_precision("int4").bytes_per_param == 0.5
    assert catalog.get_precision("q4_0").bytes_per_param == 18 / 32  # 32 nibbles + fp16 scale
    assert catalog.get_precision("Q8_0").bytes_per_param == 34 / 32


def test_aliases_and_did_you_mean() -> None:
    assert catalog.get_hardware("A100 80GB").key == "a100-80gb"
    assert catalog.get_hardware("h100").key == "h100-sxm"
    with pytest.raises(BotecInputError) as info:
        catalog.get_hardware("a100-80")
    assert "did you mean" in str(info.value) and "a100-80gb" in str(info.value)
    with pytest.raises(BotecInputError):
        catalog.get_hardware("quantum-9000")
    with pytest.raises(BotecInputError):
        catalog.get_hardware("cpu-modern").peak_for("fp8")


@pytest.fixture
def clean_catalog():
    yield
    catalog._extra_files.clear()
    catalog._load.cache_clear()


def test_user_catalog_adds_and_overrides(tmp_path: Path, clean_catalog: None) -> None:
    user = tmp_path / "mine.toml"
    user.write_text(
        """
[hardware.my-gpu]
name = "My GPU"
memory_bytes = 32e9
memory_bandwidth_bytes_per_s = 1e12
peak_flop_per_s = { fp16 = 100e12 }
interconnect = "pcie4"
source = "my lab"
as_of = "2026-01"

[prices.gpu.a100-80gb]
on_demand_usd_per_hour = 1.5
"""
    )
    catalog.add_catalog_file(user)
    assert catalog.get_hardware("my-gpu").peak_flop_per_s["fp16"] == 100e12
    price = catalog.get_price("gpu", "a100-80gb")
    assert price.get("on_demand_usd_per_hour") == 1.5
    assert price.get("spot_usd_per_hour") > 0  # bundled field kept


def test_bad_user_catalog(tmp_path: Path, clean_catalog: None) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[gpus]\nx = 1\n")
    with pytest.raises(BotecInputError):
        catalog.add_catalog_file(bad)
    with pytest.raises(BotecInputError):
        catalog.add_catalog_file(tmp_path / "missing.toml")
