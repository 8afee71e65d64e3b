"""Cold-start wall time of `botec report` against a bare `python -c pass` (goal: < 0.35 s more).

Both run as fresh processes with the same interpreter, alternated, median of N runs each.

    python benchmarks/cold_start.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "smartpal.toml"
GOAL_S = 0.35
RUNS = 15


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    bare = [sys.executable, "-c", "pass"]
    commands = {
        "text": [sys.executable, "-m", "botec.cli", "report", str(SCENARIO)],
        "json": [sys.executable, "-m", "botec.cli", "report", str(SCENARIO), "--format", "json"],
    }
    wall(bare)
    for cmd in commands.values():
        wall(cmd)
    base_samples: list[float] = []
    samples: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(RUNS):
        base_samples.append(wall(bare))
        for name, cmd in commands.items():
            samples[name].append(wall(cmd))
    base = statistics.median(base_samples)
    print(f"python -c pass                      {base * 1e3:7.1f} ms")
    for name, values in samples.items():
        t = statistics.median(values)
        extra = t - base
        verdict = "met" if extra < GOAL_S else "NOT met"
        print(
            f"botec report smartpal ({name:<4})      {t * 1e3:7.1f} ms  "
            f"(+{extra * 1e3:.0f} ms over bare Python; goal < +{GOAL_S * 1e3:.0f} ms: {verdict})"
        )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import botec"], check=True)
    print(f"import botec                        {(time.perf_counter() - start) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
