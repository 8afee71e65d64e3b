"""Print docs/accuracy.md's tables from a fresh ``botec validate`` run (check rows only).

    python benchmarks/accuracy_tables.py [--samples 2000] [--seed 0]

Groups every check row of the backtests by quantity, by engine and by GPU family, and lists the
rows furthest from their published figure, so the document quotes what the code computes today.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from botec.validation.backtest import run_inference_backtest
from botec.validation.results import summarise
from botec.validation.training import run_training_backtest
from botec.validation.workloads import WORKLOAD_LABELS, run_workload_backtest

DATA = Path(__file__).resolve().parents[1] / "src" / "botec" / "data"

# GPU family by catalog key (architecture names from the vendors' whitepapers).
FAMILY = {
    "a100-40gb": "Ampere",
    "a100-80gb": "Ampere",
    "a10g": "Ampere",
    "rtx-3090": "Ampere",
    "rtx-a6000": "Ampere",
    "h100-sxm": "Hopper",
    "h100-pcie": "Hopper",
    "h200": "Hopper",
    "h800": "Hopper",
    "l4": "Ada",
    "l40s": "Ada",
    "rtx-4090": "Ada",
    "b200": "Blackwell",
    "mi300x": "CDNA3",
    "v100": "Volta",
    "t4": "Turing",
}
QUANTITY = {
    "output_throughput_per_gpu": "Serving max output throughput per GPU",
    "time_to_first_token": "Serving time to first token (batch 1)",
    "decode_tokens_per_second": "Serving decode tokens/s (batch 1)",
    "tokens_per_second_per_gpu": "Training tokens/s per GPU (while running)",
    "gpu_hours": "Training GPU-hours (whole runs)",
    "wall_clock": "Training wall-clock time (whole runs)",
}
SHORT = {
    "output_throughput_per_gpu": "throughput",
    "time_to_first_token": "TTFT",
    "decode_tokens_per_second": "decode",
}


def _columns(name: str) -> dict[str, dict[str, str]]:
    with open(DATA / name, newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def _table(title: str, groups: dict[str, list], full: bool) -> None:
    print(f"\n{title}\n")
    if full:
        print("| Quantity | Rows | Median \\|error\\| | Within ±25% | Coverage | Width |")
        print("|---|---:|---:|---:|---:|---:|")
    else:
        print("| Group | Check rows | Median \\|error\\| | p5–p95 coverage |")
        print("|---|---:|---:|---:|")
    for name, rows in groups.items():
        s = summarise(name, rows, "check")
        assert s is not None
        cells = [name, str(s.rows), f"{s.median_abs_log_error:.0%}"]
        if full:
            cells += [f"{s.within_25:.0%}", f"{s.coverage:.0%}", f"×{s.median_width:.2f}"]
        else:
            cells += [f"{s.coverage:.0%}"]
        print("| " + " | ".join(cells) + " |")


def _grouped(rows: Iterable, key) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for r in rows:
        out[key(r)].append(r)
    return dict(sorted(out.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    serving = [
        r
        for r in run_inference_backtest(samples=args.samples, seed=args.seed).rows
        if r.role == "check" and not r.skipped
    ]
    training = [
        r
        for r in run_training_backtest(samples=args.samples, seed=args.seed).rows
        if r.role == "check" and not r.skipped
    ]
    inference_cols, training_cols = _columns("inference_rows.csv"), _columns("training_rows.csv")
    everything = serving + training
    by_quantity = {QUANTITY[q]: [r for r in everything if r.quantity == q] for q in QUANTITY}
    _table("Summary (check rows)", {k: v for k, v in by_quantity.items() if v}, full=True)

    def engine(r) -> str:
        return inference_cols[r.id]["engine"].split("-0.")[0] + ": " + SHORT[r.quantity]

    def family(cols: dict[str, dict[str, str]]):
        return lambda r: FAMILY.get(cols[r.id]["gpu"], cols[r.id]["gpu"])

    workloads = [
        r
        for r in run_workload_backtest(samples=args.samples, seed=args.seed).rows
        if r.role == "check" and not r.skipped
    ]
    _table(
        "Workloads past text LLMs (check rows)",
        _grouped(workloads, lambda r: WORKLOAD_LABELS[r.quantity]),
        full=True,
    )
    _table("Serving, by engine and quantity", _grouped(serving, engine), full=False)
    _table("Serving, by GPU family", _grouped(serving, family(inference_cols)), full=False)
    fam = family(training_cols)
    _table(
        "Training, by quantity and GPU family",
        _grouped(training, lambda r: f"{r.quantity}: {fam(r)}"),
        full=False,
    )
    print("\nWorst check rows (furthest from 1)\n")
    print("| Row | Quantity | Setup | Published | botec | Ratio | Covered |")
    print("|---|---|---|---|---|---:|---|")
    for r in sorted(everything, key=lambda r: -abs(math.log(r.ratio)))[:12]:
        print(
            f"| {r.id} | {r.quantity} | {r.description} | {r.published:.4g} {r.unit} "
            f"| {r.predicted:.4g} {r.unit} | {r.ratio:.2f} | {'yes' if r.covered else 'no'} |"
        )


if __name__ == "__main__":
    main()
