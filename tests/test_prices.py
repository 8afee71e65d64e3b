"""Price bases: dated, cited GPU prices per basis, rebuilt from shipped price lists."""

from __future__ import annotations

import json
import statistics

import pytest
from conftest import ROOT, cli, cli_json

from botec.catalog import gpu_prices as gp
from botec.catalog import load_catalog
from botec.catalog.price_import import BUNDLED_RECIPE, build, read_offers

PRICES = ROOT / "src" / "botec" / "data" / "prices"


def test_the_bundled_prices_are_the_build_commands_output() -> None:
    code, out, err = cli("prices", "build", str(BUNDLED_RECIPE))
    assert code == 0, err
    assert out == (ROOT / "src" / "botec" / "catalog" / "gpu_prices.toml").read_text()


def test_prices_by_hand_from_the_shipped_rows() -> None:
    catalog = load_catalog()
    # AWS p5.48xlarge in us-east-1: $55.04/h for 8 H100 (aws_vms.csv) = $6.88 per GPU-hour
    assert gp.gpu_rate(catalog, "h100-sxm", "aws-on-demand").usd_per_hour == pytest.approx(6.88)
    # market: each provider's cheapest per GPU: Lambda 8x $23.92 = 2.99, RunPod 2x $5.38 = 2.69,
    # Nebius 1x $2.95: median 2.95
    market = statistics.median([23.92 / 8, 5.38 / 2, 2.95])
    assert gp.gpu_rate(catalog, "h100-sxm").usd_per_hour == pytest.approx(market)
    # spot: the cheapest zone's p5.48xlarge spot price, $14.246/h / 8
    assert gp.spot_rate(catalog, "h100-sxm").usd_per_hour == pytest.approx(14.246 / 8, rel=1e-4)


def test_runpods_h100_is_the_pcie_card_and_lambdas_sxm5_is_not() -> None:
    offers = read_offers(PRICES / "runpod_vms.csv", "runpod") + read_offers(
        PRICES / "lambda_vms.csv", "lambda"
    )
    kinds = {(o.provider, o.instance): o.gpu for o in offers}
    assert kinds[("runpod", "2x_H100_SECURE")] == "h100-pcie"
    assert kinds[("runpod", "2x_H100-SXM_SECURE")] == "h100-sxm"
    assert kinds[("lambda", "gpu_1x_h100_pcie")] == "h100-pcie"
    assert kinds[("lambda", "gpu_8x_h100_sxm5")] == "h100-sxm"


def test_every_gpu_is_priced_on_the_default_basis_or_says_why_not() -> None:
    data = cli_json("hardware", "list")["hardware"]
    assert data
    for hw in data:
        price = hw["price"]
        assert price["usd_per_hour"] or price["unpriced"], hw["key"]


def test_a_stated_date_is_stamped_on_every_basis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    tables = build(BUNDLED_RECIPE, "2026-11-29")
    assert {b["as_of"] for b in tables["prices"]["basis"].values()} == {"2026-11-29"}
    out = tmp_path / "prices.toml"
    code, _, err = cli(
        "prices", "build", str(BUNDLED_RECIPE), "--as-of", "2026-11-29", "-o", str(out)
    )
    assert code == 0, err
    # the file works as a catalog: a training run priced from it says the new date
    code, text, err = cli(
        "train", "--params", "7B", "--tokens", "1T", "--gpus", "64", "--gpu", "h100-sxm",
        "--catalog", str(out), "--samples", "0",
    )  # fmt: skip
    assert code == 0, err
    assert "2026-11-29" in text


def test_a_plan_never_picks_a_gpu_it_cannot_price() -> None:
    # H800: no public price list carries it. Before price bases the catalog priced it at a
    # $2.00 rental figure beside an H100 list price, and the plan chose it.
    r = cli_json(
        "plan", "--model", "llama-3.1-8b", "--qps", "5", "--gpu", "h800,h100-sxm", "--samples", "0"
    )
    table = next(t for t in r["tables"] if t["title"].startswith("Options compared"))
    chosen = next(row for row in table["rows"] if row[-1] == "chosen")
    assert chosen[0] == "NVIDIA H100 SXM"
    h800 = next(row for row in table["rows"] if row[0] == "NVIDIA H800 SXM")
    assert h800[table["header"].index("Cost")] == "–"  # no cost for an unpriced GPU


def test_one_price_for_several_planned_gpus_is_refused() -> None:
    # it priced the first GPU listed only, so the plan chosen followed the order of --gpu
    args = ("plan", "--model", "llama-3-8b", "--qps", "50", "--price", "$1/h", "--samples", "0")
    code, _, err = cli(*args, "--gpu", "a100-80gb,h100-sxm")
    assert code == 2 and "--price" in err and "a100-80gb, h100-sxm" in err
    code, _, err = cli(*args, "--gpu", "h100-sxm")
    assert code == 0, err


def test_the_basis_is_named_with_its_date_and_an_unknown_one_is_refused() -> None:
    code, out, _ = cli("train", "--params", "7B", "--tokens", "1T", "--gpus", "64", "--gpu",
                       "a100-80gb", "--price-basis", "aws-on-demand", "--samples", "0")  # fmt: skip
    assert code == 0 and "Priced on the AWS on-demand list price, us-east-1, 2026-08" in out
    code, _, err = cli("train", "--params", "7B", "--tokens", "1T", "--price-basis", "awz")
    assert code == 2 and "--price-basis" in err and "aws-on-demand" in err


def test_training_spot_cost_is_the_spot_lists_rate_times_the_gpu_hours() -> None:
    r = cli_json(
        "train", "--params", "7B", "--tokens", "1T", "--gpus", "64", "--gpu", "h100-sxm",
        "--samples", "0",
    )["results"]  # fmt: skip
    assert r["spot_cost"]["value"] == pytest.approx(r["gpu_hours"]["value"] * 14.246 / 8, rel=1e-4)


def test_price_bases_list_has_dates_and_sources() -> None:
    code, out, _ = cli("prices", "bases", "--format", "json")
    assert code == 0
    bases = {b["key"]: b for b in json.loads(out)["bases"]}
    assert {"market", "aws-on-demand", "aws-spot"} <= set(bases)
    assert all(b["as_of"] and b["source"] for b in bases.values())


def test_the_cost_headline_names_its_basis_and_date() -> None:
    code, out, _ = cli("plan", "--model", "llama-3.1-8b", "--qps", "50", "--gpu", "h100-sxm",
                       "--price-basis", "aws-on-demand", "--samples", "0", "--brief")  # fmt: skip
    assert code == 0
    cost = next(line for line in out.splitlines() if line.startswith("Serving GPUs per month"))
    assert cost.endswith("priced on the AWS on-demand list price, us-east-1, 2026-08")
    code, out, _ = cli("train", "--params", "7B", "--tokens", "1T", "--gpus", "64", "--price",
                       "2", "--samples", "0", "--brief")  # fmt: skip
    assert "at your price" in out


# -- a bad recipe is refused with its field named, never a traceback or an empty catalog ------

_GOOD = {
    "name": '"x"',
    "kind": '"spot"',
    "source": '"s"',
    "as_of": '"2024"',
    "files": '{ aws = "aws_vms.csv" }',
}


def _basis(key: str = "x", **lines: str) -> str:
    """A [basis.KEY] table: a good one, with ``lines`` (TOML values) changed or added; a line
    given as "" is left out."""
    body = "".join(f"{k} = {v}\n" for k, v in {**_GOOD, **lines}.items() if v)
    return f"[basis.{key}]\n{body}"


def _recipe(tmp_path, text: str):  # type: ignore[no-untyped-def]
    """A recipe beside a copy of the shipped AWS price list."""
    (tmp_path / "aws_vms.csv").write_bytes((PRICES / "aws_vms.csv").read_bytes())
    recipe = tmp_path / "recipe.toml"
    recipe.write_text(text)
    return recipe


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # the red-team pass's recipes: each was a traceback, or a catalog botec then refused
        ("basis = 5\n", "recipe basis: got 5; expected a [basis.NAME] table"),
        ("[basis]\nfoo = 5\n", "recipe basis.foo: got 5; expected a table [basis.foo]"),
        (_basis(name="", source="", as_of=""), "recipe basis.x.name: got 'nothing'"),
        (_basis(regions="5"), "recipe basis.x.regions: got 5; expected a list of region names"),
        (
            _basis(files='["aws_vms.csv"]'),
            "recipe basis.x.files: got ['aws_vms.csv']; expected a table of provider",
        ),
        (_basis(name="5", as_of="2024-01-01"), "recipe basis.x.name: got 5; expected"),
        # nothing to build: refused, never an empty catalog
        ("", "recipe basis: got 'nothing'"),
        ("x = 1\n", "recipe x: got 1; expected no such key; allowed here: basis"),
        ('[[source]]\nfile = "aws_vms.csv"\n', "recipe source:"),
        ("[basis]\n", "recipe basis: got {}"),
        # an unknown key in a basis, with the keys it may have
        (_basis(foo="1"), "recipe basis.x.foo: got 1; expected no such key; allowed here: name"),
        # a basis that prices nothing, and why
        (_basis(regions='["eu-nowhere"]'), "recipe basis.x.regions: got ['eu-nowhere']"),
        # what the catalog would not find: a name it does not look up, a date that is not one,
        # a spot basis that is not one
        (_basis("AWS_Spot"), "recipe basis.AWS_Spot: got 'AWS_Spot'"),
        (_basis(as_of='"last week"'), "recipe basis.x.as_of: got 'last week'"),
        (_basis(as_of='"2024-13"'), "recipe basis.x.as_of: got '2024-13'"),
        (
            _basis(kind='"on-demand"', spot_basis='"x"'),
            "recipe basis.x.spot_basis: got 'x'; expected the name of a spot basis",
        ),
        (_basis(kind='"spotty"'), "recipe basis.x.kind: got 'spotty'; expected one of"),
        (_basis(files='{ aws = "missing.csv" }'), "recipe basis.x.files.aws: got '/"),
        (_basis(files="{ aws = 5 }"), "recipe basis.x.files.aws: got 5"),
        (_basis(files='{ a = "aws_vms.csv", b = "aws_vms.csv" }'), "recipe basis.x.files"),
    ],
)
def test_a_bad_recipe_is_refused_naming_its_field(tmp_path, text: str, names: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "prices.toml"
    code, stdout, err = cli("prices", "build", str(_recipe(tmp_path, text)), "-o", str(out))
    assert code == 2, (stdout, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err + stdout
    assert names in lines[0] and "; expected " in lines[0], lines[0]
    assert not out.exists()  # no catalog, not even an empty one


def test_what_the_builder_writes_the_catalog_loads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a TOML date, and a name with a newline, quotes, a backslash and a control character
    name = r'"AWS spot\nzone \"a\" \\ \u0001"'
    recipe = _recipe(tmp_path, _basis(name=name, as_of="2024-01-02"))
    out = tmp_path / "prices.toml"
    code, _, err = cli("prices", "build", str(recipe), "-o", str(out))
    assert code == 0, err
    bases = {b["key"]: b for b in cli_json("prices", "bases", "--catalog", str(out))["bases"]}
    assert bases["x"]["name"] == 'AWS spot\nzone "a" \\ \x01'
    assert bases["x"]["as_of"] == "2024-01-02"


def test_the_output_is_never_a_price_list_the_recipe_reads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    recipe = _recipe(tmp_path, _basis())
    before = (tmp_path / "aws_vms.csv").read_bytes()
    target = str(tmp_path / "aws_vms.csv")
    code, _, err = cli("prices", "build", str(recipe), "-o", target, "--force")
    assert code == 2 and "-o/--output" in err and "input being read" in err, err
    assert (tmp_path / "aws_vms.csv").read_bytes() == before
