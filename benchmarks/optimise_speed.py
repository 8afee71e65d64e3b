"""Speed of `botec optimise` on the SmartPal scenario (goals: the whole search under 1 s on a 2-core
machine, at least 1M candidate plans a second).

Times the vectorised search (median of 5 runs, after a warm-up that loads the catalog) and, as a
baseline in the same process, the scratch-sheet search `botec plan` runs (one sheet per batch):
its candidates per second over the same layouts, on a few of them.

    python benchmarks/optimise_speed.py
"""

from __future__ import annotations

import statistics
import time
import tomllib
from pathlib import Path

from botec.analysis.optimise import search
from botec.analysis.optimise_run import _traffic, problem_from, space_for
from botec.catalog import load_catalog
from botec.core.sheet import Sheet
from botec.stages.context import Context
from botec.stages.plan_search import best_option

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "smartpal.toml"
GOAL_S = 1.0
GOAL_PER_S = 1e6


def main() -> None:
    catalog = load_catalog()
    problem = problem_from(tomllib.loads(SCENARIO.read_text()), catalog)
    space = space_for(problem, catalog)
    scn = problem.scenario
    assert scn.serving is not None and scn.serving_plan is not None
    traffic = _traffic(catalog, scn)

    def run() -> object:
        return search(Context(Sheet(samples=0), catalog), scn.serving, scn.serving_plan, traffic,
                      space)  # fmt: skip

    run()  # warm-up: catalog files, lazy imports
    times, found = [], None
    for _ in range(5):
        start = time.perf_counter()
        found = run()
        times.append(time.perf_counter() - start)
    assert found is not None
    seconds = statistics.median(times)
    rate = found.candidates / seconds
    print(f"SmartPal search: {found.layouts + len(found.rejected):,} layouts, "
          f"{found.candidates:,} candidate plans")  # fmt: skip
    print(f"SmartPal search: {seconds:.3f} s (median of 5; goal < {GOAL_S:g} s: "
          f"{'met' if seconds < GOAL_S else 'NOT met'})")  # fmt: skip
    print(f"SmartPal search: {rate:,.0f} candidates/s (goal >= {GOAL_PER_S:,.0f}: "
          f"{'met' if rate >= GOAL_PER_S else 'NOT met'})")  # fmt: skip
    _baseline(catalog, scn, traffic, rate)


def _baseline(catalog: object, scn: object, traffic: tuple[float, float], rate: float) -> None:
    """`botec plan`'s search: a scratch sheet per batch (1, 2, 4, ... and the cap) per layout."""
    srv, plan = scn.serving, scn.serving_plan  # type: ignore[attr-defined]
    plan = plan.model_copy(update={"max_batch": 256})
    ctx = Context(Sheet(samples=0), catalog)  # type: ignore[arg-type]
    start, tried = time.perf_counter(), 0
    for gpu in ("a100-80gb", "h100-sxm", "l4"):
        for tp in (1, 2):
            option = best_option(ctx, srv.model_copy(update={"gpu": gpu}), plan, *traffic, 1.0, tp)
            tried += len([b for b in range(9) if 2**b <= min(option.max_batch, 256)]) + 1
    seconds = time.perf_counter() - start
    print(
        f"Baseline (botec plan's scratch sheets): {tried / seconds:,.0f} candidates/s; the "
        f"vectorised search is {rate / (tried / seconds):,.0f}x faster per candidate"
    )


if __name__ == "__main__":
    main()
