"""In-process time of the full SmartPal report (goal: under 5 ms).

Loads and validates the scenario file once, then times (a) running the cascade and (b) running it
and rendering every format, as the median of many repetitions.

    python benchmarks/report_speed.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from botec.report import render
from botec.run import run_scenario
from botec.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "smartpal.toml"
GOAL_S = 5e-3


def median_time(func, repeat: int = 200) -> float:  # type: ignore[no-untyped-def]
    func()  # warm caches (catalog files, lazy imports)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    scenario = load_scenario(SCENARIO)
    load = median_time(lambda: load_scenario(SCENARIO), 100)
    run = median_time(lambda: run_scenario(scenario))
    sheet = run_scenario(scenario)
    renders = {
        fmt: median_time(lambda fmt=fmt: render(sheet, fmt), 50)
        for fmt in ("json", "markdown", "html", "text")
    }
    full = load + run + renders["markdown"]
    print(f"SmartPal: load + validate scenario   {load * 1e3:7.3f} ms")
    print(f"SmartPal: run the cascade ({len(sheet.steps)} steps) {run * 1e3:7.3f} ms")
    for fmt, t in renders.items():
        print(f"SmartPal: render {fmt:<9}             {t * 1e3:7.3f} ms")
    verdict = "met" if full < GOAL_S else "NOT met"
    print(
        f"SmartPal: full report (load + run + Markdown) {full * 1e3:7.3f} ms "
        f"(goal < {GOAL_S * 1e3:.0f} ms: {verdict})"
    )
    with_text = (load + run + renders["text"]) * 1e3
    print(f"SmartPal: same with the rich terminal report    {with_text:.3f} ms")


if __name__ == "__main__":
    main()
