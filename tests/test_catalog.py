"""The catalog: every entry loads, carries its source, and matches the figures it cites."""

from __future__ import annotations

import json
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
        # natively, or (FP4 before Blackwell) on the type its weights are dequantised to
        peaks = catalog.get_hardware("h100-sxm").peak_flop_per_s
        assert p.compute_on(peaks)[0] in peaks, key
    for key in catalog.link_names():
        assert catalog.get_link(key).source
    for category in ("gpu", "object_storage", "egress", "memory_store", "cpu", "basis"):
        for key in catalog.price_names(category):
            price = catalog.get_price(category, key)
            assert price.source and price.as_of, key
            # a price, a basis's kind, or why a GPU has none
            assert price.values or price.kind or price.unpriced, key


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
    # a name like none of them gets no suggestion (it once offered cpu-modern for "nosuchgpu")
    with pytest.raises(BotecInputError) as info:
        catalog.get_hardware("nosuchgpu")
    assert "did you mean" not in str(info.value)
    with pytest.raises(BotecInputError):
        catalog.get_hardware("cpu-modern").peak_for("fp8")


def test_user_catalog_adds_and_overrides(tmp_path: Path) -> None:
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
    mine = catalog.load_catalog([user])
    assert mine.hardware("my-gpu").peak_flop_per_s["fp16"] == 100e12
    price = mine.price("gpu", "a100-80gb")
    assert price.get("on_demand_usd_per_hour") == 1.5
    assert price.get("market_usd_per_hour") > 0  # bundled field kept
    # the user's own price wins on every on-demand basis, and says whose it is
    from botec.catalog.gpu_prices import gpu_rate

    for basis in ("market", "aws-on-demand"):
        assert gpu_rate(mine, "a100-80gb", basis).usd_per_hour == 1.5
        assert gpu_rate(mine, "a100-80gb", basis).basis == "your catalog"
    assert gpu_rate(mine, "a100-80gb", "aws-spot").basis == "aws-spot"


def test_a_replaced_value_takes_its_provenance_with_it(tmp_path: Path) -> None:
    # A new memory size without a driver byte count: the bundled A100 80GB's measured 85.1 GB
    # (cudaMemGetInfo) belonged to the 80 GB part, so the 40 GB the file states is what fits.
    user = tmp_path / "half.toml"
    user.write_text(
        "[hardware.a100-80gb]\nmemory_bytes = 40e9\n\n"
        "[prices.gpu.h100-sxm]\nmarket_usd_per_hour = 1.0\n"
    )
    mine = catalog.load_catalog([user])
    assert mine.hardware("a100-80gb").usable_bytes == 40e9
    assert catalog.load_catalog().hardware("a100-80gb").usable_bytes > 80e9  # bundled unchanged
    # A basis price the file replaces is sourced to the file, not to the providers' median.
    from botec.catalog.gpu_prices import gpu_rate

    rate = gpu_rate(mine, "h100-sxm", "market")
    assert rate.usd_per_hour == 1.0
    assert rate.source == f"stated in {user}" and "median" not in rate.source
    assert "median" in gpu_rate(catalog.load_catalog(), "h100-sxm", "market").source


def test_an_alias_that_already_names_another_entry_is_refused(tmp_path: Path) -> None:
    # 'a100' is the bundled A100 80GB's alias: a user GPU claiming it would never be reached
    # (names, then aliases in catalog order), so --gpu a100 silently meant the bundled card.
    user = tmp_path / "mine.toml"
    user.write_text(
        '[hardware.my-a100]\nname = "Mine"\naliases = ["a100"]\nmemory_bytes = 40e9\n'
        "memory_bandwidth_bytes_per_s = 1.5e12\npeak_flop_per_s = { bf16 = 312e12 }\n"
        'interconnect = "pcie4"\nsource = "lab"\nas_of = "2026-01"\n'
    )
    with pytest.raises(BotecInputError) as err:
        catalog.load_catalog([user])
    assert "hardware.my-a100.aliases" in err.value.field
    assert "already means a100-80gb" in err.value.allowed


def test_bad_user_catalog(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[gpus]\nx = 1\n")
    with pytest.raises(BotecInputError):
        catalog.load_catalog([bad])
    with pytest.raises(BotecInputError):
        catalog.load_catalog([tmp_path / "missing.toml"])


def _refused_at_load(tmp_path: Path, text: str) -> BotecInputError:
    """The error loading a user catalog file of ``text`` raises (it must raise one)."""
    user = tmp_path / "mine.toml"
    user.write_text(text)
    with pytest.raises(BotecInputError) as err:
        catalog.load_catalog([user])
    return err.value


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # a price one level too shallow: 'usd_per_hour' read as a GPU's price table crashed the
        # merge with a TypeError
        ("[prices.h100-sxm]\nusd_per_hour = 2.5\n", "catalog", "[prices.h100-sxm] usd_per_hour"),
        # a price field no basis reads was kept and never used: the run priced the GPU on the
        # market median with no word of the user's $2.50/h
        ("[prices.gpu.h100-sxm]\nusd_per_hour = 2.5\n", "prices.gpu.h100-sxm", "usd_per_hour"),
        ("[prices.gpu.h100-sxm]\nondemand_usd_per_hour = 2.5\n", "prices.gpu.h100-sxm",
         "ondemand_usd_per_hour"),
        ("[prices.gpu.h100-sxm]\non_demand = 2.5\n", "prices.gpu.h100-sxm", "on_demand"),
    ],
)  # fmt: skip
def test_a_price_botec_would_not_read_is_refused(
    tmp_path: Path, text: str, field: str, value: str
) -> None:
    err = _refused_at_load(tmp_path, text)
    assert field in err.field and value in str(err.value)


def test_a_price_field_of_a_basis_the_same_file_adds_is_read(tmp_path: Path) -> None:
    # the README's reserved-rate example: a new basis and its GPU price in one file
    user = tmp_path / "reserved.toml"
    user.write_text(
        '[prices.basis.reserved-1yr]\nname = "1-year reserved"\nkind = "on-demand"\n'
        'as_of = "2026-03"\nsource = "a quote"\n\n'
        "[prices.gpu.h100-sxm]\nreserved_1yr_usd_per_hour = 2.35\n"
    )
    from botec.catalog.gpu_prices import gpu_rate

    rate = gpu_rate(catalog.load_catalog([user]), "h100-sxm", "reserved-1yr")
    assert rate is not None and rate.usd_per_hour == 2.35


_MY_GPU = (
    '[hardware.mygpu]\nname = "My GPU"\nmemory_bytes = 24e9\nmemory_bandwidth_bytes_per_s = 1e12\n'
    'source = "x"\nas_of = "2026"\n'
)


@pytest.mark.parametrize(
    ("lines", "field", "value"),
    [
        # no peak at all, or only one no precision computes in: every run on the card failed
        # later, blaming --precision, which the user never typed
        ('peak_flop_per_s = {}\ninterconnect = "pcie4"\n', "peak_flop_per_s", "{}"),
        ('peak_flop_per_s = { fp99 = 1e15 }\ninterconnect = "pcie4"\n', "peak_flop_per_s", "fp99"),
        # no interconnect: serving failed on 'hardware interconnect', a name the user never typed
        ("peak_flop_per_s = { fp16 = 1e14 }\n", "interconnect", ""),
    ],
)  # fmt: skip
def test_a_device_a_run_could_not_use_is_refused_at_load(
    tmp_path: Path, lines: str, field: str, value: str
) -> None:
    err = _refused_at_load(tmp_path, _MY_GPU + lines)
    assert err.field.endswith(f"hardware.mygpu.{field}") and err.value == value


def test_a_gpu_price_past_the_price_flag_s_bound_is_refused(tmp_path: Path) -> None:
    # --price refuses more than $10,000/h; a catalog price of $1e9/h printed a $12.9T run
    err = _refused_at_load(tmp_path, "[prices.gpu.a100-80gb]\nmarket_usd_per_hour = 1e9\n")
    assert err.field.endswith("prices.gpu.a100-80gb.market_usd_per_hour")


def test_a_toml_date_in_an_error_is_shown_as_the_date() -> None:
    import datetime

    err = BotecInputError("catalog prices.basis.x.as_of", datetime.date(2026, 8, 1), "text")
    assert str(err) == "catalog prices.basis.x.as_of: got 2026-08-01; expected text"
    # a tuple as a list, a parsed '22B' in exponent form rather than 22000000000.0
    assert "got ['']" in str(BotecInputError("f", ("",), "x"))
    assert "got 2.2e+10;" in str(BotecInputError("f", 22e9, "x"))
    assert "got 0.5;" in str(BotecInputError("f", 0.5, "x"))


def _custom_gpu_scenario(catalog_file: Path | None) -> dict:
    data: dict = {
        "title": "custom GPU",
        "model": {"params": "7B", "precision": "fp16", "gpu": "lab-gpu-9"},
    }
    if catalog_file is not None:
        data["catalog"] = str(catalog_file)
    return data


def test_a_scenario_catalog_never_leaks_into_a_later_run(tmp_path: Path) -> None:
    # A scenario's own catalog file is merged for that run only: a later scenario in the same
    # process without the file must not see its GPU (in a web server, one user's data would
    # otherwise reach another's answers).
    from botec.run import run_scenario
    from botec.scenario import scenario_from_dict

    user = tmp_path / "lab.toml"
    user.write_text(
        '[hardware.lab-gpu-9]\nname = "Lab GPU 9"\nmemory_bytes = 48e9\n'
        "memory_bandwidth_bytes_per_s = 1e12\npeak_flop_per_s = { fp16 = 100e12 }\n"
        'interconnect = "pcie4"\nsource = "my lab"\nas_of = "2026-01"\n'
    )
    with_file = run_scenario(scenario_from_dict(_custom_gpu_scenario(user)))
    assert "48.0 GB" in " ".join(n.text for n in with_file.notes)
    with pytest.raises(BotecInputError) as info:
        run_scenario(scenario_from_dict(_custom_gpu_scenario(None)))
    assert info.value.field == "model.gpu" and info.value.value == "lab-gpu-9"
    # The default catalog is unchanged too.
    assert "lab-gpu-9" not in catalog.hardware_names()


def test_a_catalog_value_is_unchanged_by_merging_another_file(tmp_path: Path) -> None:
    user = tmp_path / "cheap.toml"
    user.write_text("[prices.gpu.a100-80gb]\non_demand_usd_per_hour = 1.0\n")
    base = catalog.load_catalog()
    merged = base.with_files([user])
    assert merged.price("gpu", "a100-80gb").get("on_demand_usd_per_hour") == 1.0
    assert "on_demand_usd_per_hour" not in base.price("gpu", "a100-80gb").values


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("memory_bytes = 0", "memory_bytes"),
        ("memory_bytes = -80e9", "memory_bytes"),
        ("memory_bytes = nan", "memory_bytes"),
        ('memory_bytes = "lots"', "memory_bytes"),
        ("memory_bandwidth_bytes_per_s = inf", "memory_bandwidth_bytes_per_s"),
        ("peak_flop_per_s = { fp16 = -1 }", "peak_flop_per_s.fp16"),
        ("matmul_share = 1.5", "matmul_share"),
        ("speed = 3", "speed"),
    ],
)
def test_a_bad_catalog_entry_is_refused_at_load_naming_the_field(
    tmp_path: Path, entry: str, field: str
) -> None:
    # Entries are pydantic models: a zero, negative, NaN, infinite or text value where a positive
    # number belongs, or an unknown field, is refused when the file loads, naming the file,
    # the entry and the field.
    user = tmp_path / "bad.toml"
    user.write_text(f"[hardware.a100-80gb]\n{entry}\n")
    with pytest.raises(BotecInputError) as info:
        catalog.load_catalog([user])
    assert str(user) in info.value.field
    assert f"hardware.a100-80gb.{field}" in info.value.field


def test_a_bad_price_is_refused(tmp_path: Path) -> None:
    user = tmp_path / "bad.toml"
    for bad in ("-2", "0", "inf", "nan", '"cheap"'):
        user.write_text(f"[prices.gpu.a100-80gb]\non_demand_usd_per_hour = {bad}\n")
        with pytest.raises(BotecInputError) as info:
            catalog.load_catalog([user])
        assert "on_demand_usd_per_hour" in info.value.field, bad


def test_every_bundled_entry_is_valid() -> None:
    catalog.load_catalog().validate()


def test_a_user_gpu_is_listed_shown_and_trained_on_with_its_catalog_file(tmp_path: Path) -> None:
    # --catalog reaches every part of a command: the listing, the device page and the training
    # stage's default MFU (a device the MFU table does not name gets the 'other' generation).
    from click.testing import CliRunner

    from botec.cli import main

    user = tmp_path / "mine.toml"
    user.write_text(
        '[hardware.my-gpu]\nname = "My GPU"\nmemory_bytes = 32e9\n'
        "memory_bandwidth_bytes_per_s = 1e12\npeak_flop_per_s = { bf16 = 100e12 }\n"
        'interconnect = "pcie4"\nsource = "my lab"\nas_of = "2026-01"\n'
    )
    run = CliRunner().invoke
    listed = run(main, ["hardware", "list", "--catalog", str(user), "--format", "json"])
    assert "my-gpu" in [h["key"] for h in json.loads(listed.output)["hardware"]]
    shown = run(main, ["hardware", "show", "my-gpu", "--catalog", str(user), "--format", "json"])
    assert json.loads(shown.output)["memory_bytes"] == 32e9
    trained = run(
        main,
        [
            *("train", "--params", "1B", "--tokens", "20B", "--gpu", "my-gpu", "--gpus", "8"),
            *("--price", "1", "--catalog", str(user), "--samples", "0", "--format", "json"),
        ],
    )
    assert trained.exit_code == 0, trained.output
    assert "Other devices" in json.loads(trained.output)["inputs"]["kernel_mfu"]["source"]
    assert run(main, ["hardware", "show", "my-gpu"]).exit_code == 2  # not without the file


def test_hardware_show_lists_every_peak_and_the_memory_cuda_sees() -> None:
    # B200: FP4 9 PFLOP/s dense (D046-D047) is a peak plans use; it was left out of the table.
    # Its memory as CUDA sees it (191,728,975,872 B, the catalog's derivation) is what fits
    # are judged on, beside the 180 GB it is sold as.
    from conftest import cli

    code, out, err = cli("hardware", "show", "b200")
    assert code == 0, err
    assert "fp4 9.00 PFLOP/s" in out
    assert "180 GB (168 GiB) as sold; 192 GB (179 GiB) as CUDA sees it" in out


@pytest.mark.parametrize(
    ("entry", "field", "allowed"),
    [
        # an efficiency of 50 would run the GPU at fifty times its peak
        (
            "[engines.vllm]\ncompute_efficiency = { nominal = 50, low = 40, high = 60 }",
            "engines.vllm.compute_efficiency",
            "at most 1",
        ),
        # a negative overhead would give a negative time to first token
        (
            "[engines.vllm]\nrequest_overhead_s = { nominal = -1e-3, low = -2e-3, high = 1e-3, "
            'dist = "uniform" }',
            "engines.vllm.request_overhead_s",
            "from 0",
        ),
        (
            "[engines.vllm]\nmemory_efficiency = { nominal = 0.7, low = 0, high = 0.9, "
            'dist = "uniform" }',
            "engines.vllm.memory_efficiency",
            "above 0",
        ),
        ("[engines.vllm]\nmax_concurrency = 0", "engines.vllm.max_concurrency", "1"),
        (
            "[assumptions.compute_efficiency]\nnominal = 50\nlow = 40\nhigh = 60",
            "assumptions.compute-efficiency",
            "at most 1",
        ),
        (
            '[assumptions.pue]\nnominal = -1\nlow = -2\nhigh = 1\ndist = "uniform"',
            "assumptions.pue",
            "at least 0",
        ),
        (
            "[assumptions.engine_startup_time]\nnominal = 1e9\nlow = 1\nhigh = 1e10",
            "assumptions.engine-startup-time",
            "86400",
        ),
        ("[precisions.int4]\nbytes_per_param = 1e300", "precisions.int4.bytes_per_param", "8"),
        ("[precisions.fp8]\nmatmul_efficiency_ratio = 40", "precisions.fp8", "1.5"),
    ],
)
def test_a_catalog_value_outside_its_domain_is_refused(
    tmp_path: Path, entry: str, field: str, allowed: str
) -> None:
    # Ranges are checked against what their unit means (catalog/domains.py), not only for being
    # finite: a share of a peak lies in (0, 1], a time is at least 0 and under a day.
    user = tmp_path / "bad.toml"
    user.write_text(entry + "\n")
    with pytest.raises(BotecInputError) as info:
        catalog.load_catalog([user])
    assert field in info.value.field
    assert allowed in info.value.allowed


def test_a_whole_run_share_may_reach_past_one_where_its_draws_are_capped(tmp_path: Path) -> None:
    # whole_run_efficiency's lognormal range reaches 1.7 in the bundled file (its draws are
    # capped at 1 where used), so a fraction above 1 is allowed for it alone, up to 2.
    user = tmp_path / "ok.toml"
    user.write_text("[assumptions.whole_run_efficiency]\nnominal = 0.9\nlow = 0.5\nhigh = 1.9\n")
    assert catalog.load_catalog([user]).assumption("whole_run_efficiency").high == 1.9
    user.write_text("[assumptions.whole_run_efficiency]\nnominal = 0.9\nlow = 0.5\nhigh = 2.5\n")
    with pytest.raises(BotecInputError):
        catalog.load_catalog([user])
