"""Cold-start wall time of `botec report` against a bare `python -c pass` (goal: < 0.35 s more).

Both run as fresh processes with the same interpreter, alternated, median of N runs each.

    python benchmarks/cold_start.py
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "smartpal.toml"
GOAL_S = 0.35
RUNS = 21


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def cpu(cmd: list[str]) -> float:
    """User + system CPU seconds of one run: steadier than wall time on a shared machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    # Byte-compile botec first, as `pip install` does for a regular install; an editable install
    # under PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every start.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "botec")], check=True
    )
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
    base, base_min = statistics.median(base_samples), min(base_samples)
    base_cpu = statistics.median(cpu(bare) for _ in range(5))
    print(f"python -c pass                      {base * 1e3:7.1f} ms (min {base_min * 1e3:.1f})")
    for name, values in samples.items():
        t, t_min = statistics.median(values), min(values)
        extra = t - base
        extra_cpu = statistics.median(cpu(commands[name]) for _ in range(5)) - base_cpu
        verdict = "met" if extra < GOAL_S else "NOT met"
        print(
            f"botec report smartpal ({name:<4})      {t * 1e3:7.1f} ms (min {t_min * 1e3:.1f}): "
            f"+{extra * 1e3:.0f} ms median, +{(t_min - base_min) * 1e3:.0f} ms min, "
            f"+{extra_cpu * 1e3:.0f} ms CPU over bare Python; "
            f"goal < +{GOAL_S * 1e3:.0f} ms: {verdict}"
        )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import botec"], check=True)
    print(f"import botec                        {(time.perf_counter() - start) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
