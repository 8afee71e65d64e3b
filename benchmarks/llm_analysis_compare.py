"""botec vs llm-analysis on the published inference rows both can express.

Creates a separate virtual environment (benchmarks/.venv-llm-analysis) with llm-analysis from the
package index, runs every shipped row of `botec validate` that llm-analysis has a model, GPU and
data type for, with its default assumptions, and prints both predictions beside the published
figure, then the median |log error| and the share within ±25% for each tool on the same rows.

    python benchmarks/llm_analysis_compare.py

Mapping (llm-analysis ships its own configs): models gpt-j-6b, llama-7b, llama-2-7b, llama-2-70b;
GPUs A100 80GB SXM, H100 SXM/PCIe, RTX A6000 (no L40S, RTX 3090/4090); data types w16a16e16 for
FP16, w8a8e16 for FP8 (its closest: 8-bit weights and activations at the INT8 peak), w4a16e16 for
Q4_0. llm-analysis reports per-GPU batch figures: output tokens/s of the TP group is
batch / total_per_token_latency, so per GPU it is divided by TP.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import venv
from pathlib import Path

from botec.validation.backtest import inference_rows, run_inference_backtest

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-llm-analysis"
PACKAGE = "llm-analysis==0.2.2"

MODELS = {
    "gpt-j-6b": "EleutherAI_gpt-j-6b",
    "llama-7b": "decapoda-research_llama-7b-hf",
    "llama-2-7b": "NousResearch_Llama-2-7b-hf",
    "llama-2-70b": "upstage_Llama-2-70b-instruct-v2",
}
GPUS = {
    "a100-80gb": "a100-sxm-80gb",
    "h100-sxm": "h100-sxm-80gb",
    "h100-pcie": "h100-pcie-80gb",
    "rtx-a6000": "a6000-48gb",
}
DTYPES = {"fp16": "w16a16e16", "fp8": "w8a8e16", "q4_0": "w4a16e16"}
OUTPUT = {
    "output_throughput_per_gpu": "throughput_per_gpu",
    "time_to_first_token": "prefill_latency",
    "decode_tokens_per_second": "decode_tokens_per_sec",
}

RUNNER = r"""
import json, logging, sys
from llm_analysis.analysis import infer
out = {}
for row in json.load(sys.stdin):
    try:
        s = infer(model_name=row["model"], gpu_name=row["gpu"], dtype_name=row["dtype"],
                  log_level="ERROR", batch_size_per_gpu=row["batch"], tp_size=row["tp"],
                  seq_len=row["input"], num_tokens_to_generate=row["output"])
        out[row["id"]] = {
            "prefill_latency": s["prefill_latency"],
            "decode_tokens_per_sec": s["decode_tokens_per_sec"],
            "throughput_per_gpu": s["total_tokens_per_sec"] / row["tp"],
        }
    except Exception as exc:  # report, never crash the comparison
        out[row["id"]] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
json.dump(out, sys.stdout)
"""


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} with {PACKAGE} ...", file=sys.stderr)
        venv.create(VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PACKAGE], check=True)
    return python


def main() -> None:
    rows = [
        r
        for r in inference_rows()
        if r["model"] in MODELS and r["gpu"] in GPUS and r["precision"] in DTYPES
    ]
    jobs = [
        {
            "id": r["id"],
            "model": MODELS[r["model"]],
            "gpu": GPUS[r["gpu"]],
            "dtype": DTYPES[r["precision"]],
            "batch": int(r["batch"]),
            "tp": int(r["tp"]),
            "input": int(r["input_tokens"]),
            "output": int(r["output_tokens"]),
        }
        for r in rows
    ]
    python = ensure_venv()
    done = subprocess.run(
        [str(python), "-c", RUNNER],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(done.stdout)
    ours = {r.id: r for r in run_inference_backtest(samples=500).rows}

    print(f"{'row':<5} {'quantity':<27} {'published':>11} {'botec':>11} {'llm-analysis':>13}")
    errors: dict[str, list[float]] = {"botec": [], "llm-analysis": []}
    for r in rows:
        key = OUTPUT[r["quantity"]]
        published = float(r["published"])
        mine = ours[r["id"]].predicted
        other = theirs.get(r["id"], {})
        value = other.get(key, math.nan)
        note = f"  ({other['error']})" if "error" in other else ""
        print(
            f"{r['id']:<5} {r['quantity']:<27} {published:>11.4g} {mine:>11.4g} "
            f"{value:>13.4g}{note}"
        )
        if math.isfinite(value) and value > 0 and math.isfinite(mine):
            errors["botec"].append(abs(math.log(mine / published)))
            errors["llm-analysis"].append(abs(math.log(value / published)))
    n = len(errors["botec"])
    print(f"\nrows both tools predict: {n} of {len(rows)} shared ({len(ours)} botec rows)")
    for tool, logs in errors.items():
        if not logs:
            continue
        median = math.exp(statistics.median(logs)) - 1
        within = sum(1 for x in logs if x <= math.log(1.25)) / len(logs)
        print(f"{tool:<13} median |error| {median:6.0%}   within ±25% {within:5.0%}")


if __name__ == "__main__":
    main()
