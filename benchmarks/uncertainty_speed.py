"""Cost of honest ranges, and sweep throughput.

1. The full SmartPal report (load + validate + run + Markdown) with 10,000 Monte Carlo samples and
   the sensitivity analysis, relative to one exact evaluation of the same report in the same
   process (goal: under 20×).
2. Sweep throughput: a 1,000 × 1,000 grid (params × tokens) of the training-cost scenario through
   `botec.analysis.sweep.run_sweep`, in scenario evaluations per second (goal: 1,000,000/s or more).
   The figure includes validating the grid's corners and the scalar spot-checks of each pass.

    python benchmarks/uncertainty_speed.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from botec.analysis.evaluate import evaluate
from botec.analysis.sweep import parse_vary, run_sweep
from botec.report import render
from botec.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "smartpal.toml"
RATIO_GOAL = 20.0
SWEEP_GOAL = 1_000_000


def median_time(func, repeat: int) -> float:  # type: ignore[no-untyped-def]
    func()  # warm caches (catalog files, lazy imports)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(samples: int) -> str:
    return render(evaluate(load_scenario(SCENARIO), samples=samples), "markdown")


def main() -> None:
    exact = median_time(lambda: report(0), 60)
    sampled = median_time(lambda: report(10_000), 15)
    ratio = sampled / exact
    sheet = evaluate(load_scenario(SCENARIO), samples=10_000)
    varying = sum(1 for v in sheet.steps.values() if v.varies)
    print(f"SmartPal exact report (load + run + Markdown)      {exact * 1e3:8.2f} ms")
    print(
        f"SmartPal with 10,000 samples + sensitivity         {sampled * 1e3:8.2f} ms "
        f"({len(sheet.uncertain_inputs)} range inputs, {varying} results vary)"
    )
    verdict = "met" if ratio < RATIO_GOAL else "NOT met"
    print(
        f"ratio                                              {ratio:8.1f}× "
        f"(goal < {RATIO_GOAL:.0f}×: {verdict})"
    )

    data = {
        "training": {
            "params": "10B",
            "tokens": "200B",
            "gpus": 64,
            "mfu": "40%",
            "usd_per_gpu_hour": 2,
        }
    }
    axes = [parse_vary("params=1B..100B:1000", data), parse_vary("tokens=20B..2T:1000", data)]
    points = len(axes[0].values) * len(axes[1].values)
    seconds = median_time(lambda: run_sweep(data, axes, ["cost"]), 5)
    rate = points / seconds
    verdict = "met" if rate >= SWEEP_GOAL else "NOT met"
    print(f"sweep: {points:,}-point training-cost grid          {seconds * 1e3:8.1f} ms")
    print(
        f"sweep throughput                                   {rate:12,.0f} evaluations/s "
        f"(goal ≥ {SWEEP_GOAL:,}: {verdict})"
    )


if __name__ == "__main__":
    main()
