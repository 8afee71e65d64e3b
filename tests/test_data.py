"""The shipped data files: the published figures and the backtest rows that cite them.

botec cites published figures by row id ("published-figures.csv D076") in the catalog, the
scenarios, the backtest rows, the benchmarks and code comments. Every cited id must be a row of the
copy that ships with the package (``src/botec/data/published-figures.csv``), so a checkout without
any files beside it can check every citation.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

from botec.validation.backtest import inference_rows
from botec.validation.published import COLUMNS, published_figures, published_rows
from botec.validation.training import training_rows

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "botec" / "data"
SHIPPED = DATA / "published-figures.csv"

# A row id: a category letter and three digits, not part of a longer word or number.
ROW_ID = re.compile(r"(?<![A-Za-z0-9_#])[A-F][0-9]{3}(?![A-Za-z0-9])")
# Accelerator names of the same shape: not citations (asserted below not to be row ids).
NOT_ROW_IDS = {"A100", "A800", "B200", "B300"}
# Where the project cites rows: the package (catalog TOML, training_mfu.py, scenarios, backtest
# CSVs, code), the benchmarks, the tests, the bundled scenarios and the documentation.
CITING = ("src/botec", "benchmarks", "tests", "scenarios", "docs", "README.md")
TEXT_SUFFIXES = {".py", ".toml", ".csv", ".md", ".html", ".json", ".txt", ".cfg"}


def _citing_files() -> list[Path]:
    files: list[Path] = []
    for name in CITING:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += sorted(
                f
                for f in path.rglob("*")
                if f.is_file()
                and f.suffix in TEXT_SUFFIXES
                and f != SHIPPED
                and not any(part.startswith(".") or part.endswith(".egg-info") for part in f.parts)
                and "__pycache__" not in f.parts
            )
    return files


def _citations() -> dict[str, list[str]]:
    """Cited row id -> the places ("path:line") that cite it."""
    cited: dict[str, list[str]] = {}
    for path in _citing_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            for row_id in ROW_ID.findall(line):
                if row_id not in NOT_ROW_IDS:
                    cited.setdefault(row_id, []).append(f"{path.relative_to(ROOT)}:{number}")
    return cited


def test_published_figures_ship_with_the_package() -> None:
    rows = published_rows()
    assert len(rows) == 343 + 788  # the reference copy, then the rows botec added (ids 200+)
    assert tuple(rows[0]) == COLUMNS
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids), "duplicate row ids"
    for row in rows:
        assert re.fullmatch(r"[A-F][0-9]{3}", row["id"]), row
        assert row["id"][0] == row["category"], row
        assert row["quantity"] and row["value"] and row["unit"], row
        assert row["source"], row  # every figure carries its citation
        assert row["confidence"] in {"high", "medium", "low"}, row
    assert published_figures()["D007"]["value"] == "989"  # H100 SXM dense BF16 TFLOPS


def test_the_id_pattern_finds_citations_and_skips_accelerator_names() -> None:
    assert not NOT_ROW_IDS & set(published_figures())
    line = "8×A100 at B200 prices (published-figures.csv D076-D078, A001; sha 0e3444bc; #F123)"
    assert ROW_ID.findall(line) == ["A100", "B200", "D076", "D078", "A001"]


def test_every_cited_row_id_is_in_the_shipped_file() -> None:
    cited = _citations()
    # The catalog, the training MFU table and the backtest rows all cite rows.
    where = {p.split(":")[0] for places in cited.values() for p in places}
    for must in (
        "src/botec/catalog/hardware.toml",
        "src/botec/catalog/training_mfu.toml",
        "src/botec/data/inference_rows.csv",
        "src/botec/data/training_rows.csv",
    ):
        assert must in where, must
    assert len(cited) > 100
    ids = set(published_figures())
    missing = {row_id: places for row_id, places in cited.items() if row_id not in ids}
    assert not missing, f"cited but not in {SHIPPED.relative_to(ROOT)}: {missing}"


@pytest.mark.parametrize(
    ("rows", "category"),
    [(inference_rows, "B"), (training_rows, "A")],
    ids=["inference", "training"],
)
def test_backtest_rows_are_published_rows(rows, category: str) -> None:
    figures = published_figures()
    for row in rows():
        assert row["id"] in figures, row["id"]
        assert figures[row["id"]]["category"] == category, row["id"]


def test_inference_rows_carry_the_published_values() -> None:
    figures = published_figures()
    to_base = {"ms": 1e-3}  # TTFT published in ms, compared in s; throughputs as published
    for row in inference_rows():
        source = figures[row["id"]]
        value = float(source["value"]) * to_base.get(source["unit"], 1.0)
        published = float(row["published"])
        if published == pytest.approx(value):
            continue
        whole_group = "total" in source["unit"] or "GPUs" in source["unit"]
        if whole_group:  # a figure for the whole TP group, per GPU in the row
            assert published == pytest.approx(value / int(row["tp"])), row["id"]
        else:  # a derived figure (TTFT from prompt tokens/s, tokens/s from a wall time)
            assert "DERIVED" in row["note"] and source["value"] in row["note"], row["id"]


def test_package_data_includes_the_data_files() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["botec"]
    shipped = sorted(p.relative_to(DATA.parent).as_posix() for p in DATA.iterdir() if p.is_file())
    assert {"data/published-figures.csv", "data/README.md"} <= set(shipped)
    for name in shipped:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


def test_a_row_a_factor_cites_is_a_fit_row_that_says_so() -> None:
    # Issue 13: a factor names the rows that set it, and those rows never judge it. Every
    # backtest row engines.toml, assumptions.toml or training_mfu.toml cites is a `fit` row
    # whose `sets` column says what it set or checked; no `check` row is cited.
    import csv

    backtest = {}
    for path in DATA.glob("*_rows.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            backtest |= {row["id"]: row for row in csv.DictReader(handle)}
    catalog = ROOT / "src" / "botec" / "catalog"
    cited = set()
    for name in ("engines.toml", "assumptions.toml", "training_mfu.toml"):
        text = (catalog / name).read_text(encoding="utf-8")
        cited |= set(ROW_ID.findall(text))
        # a span "B404-B406" cites the rows between its ends too
        for first, last in re.findall(r"([A-F][0-9]{3})\s*[-–]\s*([A-F][0-9]{3})", text):
            if first[0] == last[0] and 0 < int(last[1:]) - int(first[1:]) <= 60:
                span = range(int(first[1:]), int(last[1:]) + 1)
                cited |= {f"{first[0]}{number:03d}" for number in span}
    rows = sorted(cited & set(backtest))
    assert len(rows) > 50  # the pattern found the citations
    judged = [r for r in rows if backtest[r]["role"] != "fit"]
    silent = [r for r in rows if backtest[r]["role"] == "fit" and not backtest[r]["sets"]]
    assert not judged and not silent, (judged, silent)
