"""Fit the roofline's sharpness n to matmul timings measured by benchmarks/gpu_kernels.py.

A kernel's time is modelled as (t_c^n + t_m^n)^(1/n), where t_c = FLOPs / (peak × e_c) and
t_m = bytes / (bandwidth × e_m) use the datasheet peak and bandwidth; n → ∞ is the plain max.
For each n this finds the efficiencies e_c, e_m that fit best (least squares in log time) and
prints the rms error, then how far kernels near the ridge (the two times within 2×) sit from
the plain max and from the best n. Runs on the CPU from the saved JSON:

    python benchmarks/fit_roofline_sharpness.py [docs/calibration/h100-2026-11-26.json]
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

# Datasheet figures of the cards measured: dense BF16 and FP8 peaks and HBM bandwidth
# (published-figures.csv D007, D008 for the H100 SXM; D013, D014 and 4.8 TB/s for the H200).
DATASHEETS = {
    "H100": ({"bf16": 989e12, "fp8": 1979e12}, 3.35e12),
    "H200": ({"bf16": 989e12, "fp8": 1979e12}, 4.8e12),
}
SHARPNESS = [1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8, math.inf]
DEFAULT = Path(__file__).resolve().parent.parent / "docs/calibration/h100-2026-11-26.json"


def load(path: Path, dtype: str | None) -> np.ndarray:
    """(compute time at peak, memory time at datasheet bandwidth, measured time) per matmul."""
    measured = json.loads(path.read_text())
    card = next((k for k in DATASHEETS if k in measured["device"]), None)
    if card is None:
        raise SystemExit(f"no datasheet figures for {measured['device']}: add them to DATASHEETS")
    peak_flop_per_s, bandwidth_b_per_s = DATASHEETS[card]
    rows = []
    for r in measured["matmuls"]:
        if "error" in r or (dtype and r["dtype"] != dtype):
            continue
        weight_bytes = 2 if r["dtype"] == "bf16" else 1
        m, n, k = r["tokens"], r["n"], r["k"]
        flops = 2 * m * n * k
        bytes_ = n * k * weight_bytes + m * k * weight_bytes + m * n * 2  # BF16 output
        rows.append((flops / peak_flop_per_s[r["dtype"]], bytes_ / bandwidth_b_per_s, r["time_s"]))
    return np.array(rows)


def predict(t_c: np.ndarray, t_m: np.ndarray, n: float) -> np.ndarray:
    hi, lo = np.maximum(t_c, t_m), np.minimum(t_c, t_m)
    return hi if math.isinf(n) else hi * (1 + (lo / hi) ** n) ** (1 / n)


def fit(data: np.ndarray, n: float) -> tuple[float, float, float]:
    """Best (rms log error, e_c, e_m) for this n, by grid search."""
    best = (math.inf, 0.0, 0.0)
    for e_c in np.arange(0.40, 0.95, 0.005):
        for e_m in np.arange(0.50, 0.99, 0.005):
            err = np.log(data[:, 2] / predict(data[:, 0] / e_c, data[:, 1] / e_m, n))
            rms = float(np.sqrt(np.mean(err**2)))
            if rms < best[0]:
                best = (rms, float(e_c), float(e_m))
    return best


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    print(f"{path.name}: time = (t_c^n + t_m^n)^(1/n), efficiencies fitted for each n")
    print(f"{'matmuls':<8} {'n':>5} {'rms':>7} {'e_c':>6} {'e_m':>6}")
    fits = {}
    for dtype in ("bf16", "fp8", None):
        data = load(path, dtype)
        for n in SHARPNESS:
            rms, e_c, e_m = fit(data, n)
            fits[(dtype, n)] = (rms, e_c, e_m)
            print(f"{dtype or 'all':<8} {n:>5} {rms:>7.3f} {e_c:>6.3f} {e_m:>6.3f}")
    data = load(path, None)
    best_n = min(SHARPNESS, key=lambda n: fits[(None, n)][0])
    near = None
    for n in (math.inf, best_n):
        _, e_c, e_m = fits[(None, n)]
        t_c, t_m = data[:, 0] / e_c, data[:, 1] / e_m
        ratio = data[:, 2] / predict(t_c, t_m, n)
        near = np.minimum(t_c, t_m) / np.maximum(t_c, t_m) >= 0.5
        print(
            f"n = {n}: near the ridge ({near.sum()} matmuls) measured / predicted median "
            f"{np.median(ratio[near]):.2f} (p10 {np.percentile(ratio[near], 10):.2f}, "
            f"p90 {np.percentile(ratio[near], 90):.2f}); elsewhere {np.median(ratio[~near]):.2f}"
        )
    e_bf16, e_fp8 = fits[("bf16", best_n)][1], fits[("fp8", best_n)][1]
    print(f"FP8 compute efficiency / BF16: {e_fp8:.3f} / {e_bf16:.3f} = {e_fp8 / e_bf16:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
