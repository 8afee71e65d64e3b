"""Measure matrix products and transformer layers on one CUDA GPU against the roofline.

botec's serving model times each kernel group as max(FLOPs / compute, bytes / bandwidth).
This script measures how far real kernels sit from that on the GPU it runs on:

1. the two ceilings: a device-to-device copy (bytes read + written) and a large matrix
   product in BF16 and FP8 (random data, never zeros);
2. the weight matmuls of three served models, sharded as their backtest rows run them
   (LLaMA 7B on one GPU, Llama 2 70B at TP 4, Falcon-180B at TP 8), for 1 to 4,096 tokens:
   measured time / max(compute time, memory time) from the measured ceilings, against the
   arithmetic intensity as a share of the ridge point;
3. whole decoder layers of the same shards (norms, matmuls, rotary, causal attention,
   activation, residuals) in BF16 and with FP8 matmuls, against the sum of their matmul and
   attention rooflines; the difference is what the small kernels cost per layer;
4. the shortest kernel a CUDA graph replays (the floor under every small kernel).

Each timing replays a CUDA graph that cycles through enough weight copies to miss the L2
cache; the median of several replays is kept. Needs PyTorch with CUDA; nothing else.

    python benchmarks/gpu_kernels.py [--out DIR] [--quick]

Prints tables and writes gpu_kernels.json to --out (default: current folder).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import torch

DEVICE = "cuda"
L2_MISS_BYTES = 256e6  # several times the H100's 50 MB L2: weights cycle through this much

# (N, K) of y = x @ W^T for each weight matmul, per shard.
# LLaMA 7B (32 heads of 128, FFN 11,008), one GPU.
# Llama 2 70B (64 query / 8 KV heads of 128, FFN 28,672) split 4 ways.
# Falcon-180B (232 query / 8 KV heads of 64, FFN 59,392, no gate) split 8 ways.
SHARDS = {
    "llama-7b/tp1": {
        "hidden": 4096,
        "q_heads": 32,
        "kv_heads": 32,
        "head_dim": 128,
        "ffn": 11008,
        "gated": True,
    },
    "llama-2-70b/tp4": {
        "hidden": 8192,
        "q_heads": 16,
        "kv_heads": 2,
        "head_dim": 128,
        "ffn": 7168,
        "gated": True,
    },
    "falcon-180b/tp8": {
        "hidden": 14848,
        "q_heads": 29,
        "kv_heads": 1,
        "head_dim": 64,
        "ffn": 7424,
        "gated": False,
    },
}
TOKENS = [1, 16, 64, 128, 256, 512, 1024, 2048, 4096]
LAYER_TOKENS = [1, 128, 512, 2048]


def matmul_shapes(shard: dict) -> dict[str, tuple[int, int]]:
    """(N, K) of the four weight matmuls of one shard's layer."""
    h, d = shard["hidden"], shard["head_dim"]
    q, kv, f = shard["q_heads"], shard["kv_heads"], shard["ffn"]
    up = 2 * f if shard["gated"] else f
    return {
        "qkv": ((q + 2 * kv) * d, h),
        "o": (h, q * d),
        "up": (up, h),
        "down": (h, f),
    }


def graph_time_s(fn, calls: int, min_total_s: float = 0.02, repeats: int = 5) -> float:
    """Median seconds per call of `fn(i)` for i in range(calls), replayed as one CUDA graph."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for i in range(calls):  # warm up: handles, autotuning, workspaces
            fn(i)
    torch.cuda.current_stream().wait_stream(stream)
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for i in range(calls):
            fn(i)
    graph.replay()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    graph.replay()
    end.record()
    torch.cuda.synchronize()
    once_s = start.elapsed_time(end) / 1e3
    replays = max(1, math.ceil(min_total_s / max(once_s, 1e-7)))
    times = []
    for _ in range(repeats):
        start.record()
        for _ in range(replays):
            graph.replay()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / 1e3 / replays / calls)
    del graph
    return statistics.median(times)


def to_fp8(x: torch.Tensor) -> torch.Tensor:
    return x.clamp(-448, 448).to(torch.float8_e4m3fn)


def make_matmul(dtype: str, m: int, n: int, k: int, copies: int):
    """A callable doing one y = x @ W^T with weight copy i % copies."""
    dev = DEVICE
    x = torch.randn(m, k, device=dev, dtype=torch.bfloat16)
    ws = [torch.randn(n, k, device=dev, dtype=torch.bfloat16) * 0.02 for _ in range(copies)]
    if dtype == "bf16":
        return lambda i: x @ ws[i % copies].t()
    x8 = to_fp8(x)
    w8 = [to_fp8(w * 50) for w in ws]
    ws.clear()  # keep only the FP8 copies on the GPU
    one = torch.tensor(1.0, device=dev)
    return lambda i: torch._scaled_mm(
        x8, w8[i % copies].t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16
    )


def measure_ceilings(quick: bool) -> dict:
    size = 1 << (29 if quick else 30)  # bytes per buffer
    a = torch.empty(size, dtype=torch.uint8, device="cuda")
    b = torch.empty_like(a)
    b.random_(0, 255)
    copy_s = graph_time_s(lambda i: a.copy_(b), calls=4, min_total_s=0.05)
    bandwidth = 2 * size / copy_s
    peaks = {}
    n = 8192
    for dtype in ("bf16", "fp8"):
        fn = make_matmul(dtype, n, n, n, copies=2)
        t = graph_time_s(fn, calls=2, min_total_s=0.1)
        peaks[dtype] = 2 * n**3 / t
        del fn
    return {"copy_bytes_per_s": bandwidth, "matmul_flop_per_s": peaks}


def roofline_s(flops: float, bytes_: float, peak: float, bandwidth: float) -> tuple[float, float]:
    return flops / peak, bytes_ / bandwidth


def measure_matmuls(ceil: dict, quick: bool) -> list[dict]:
    rows = []
    tokens = [1, 128, 1024] if quick else TOKENS
    for shard_name, shard in SHARDS.items():
        for mm_name, (n, k) in matmul_shapes(shard).items():
            for dtype in ("bf16", "fp8"):
                wbytes = 2 if dtype == "bf16" else 1
                copies = max(2, math.ceil(L2_MISS_BYTES / (n * k * wbytes)))
                for m in tokens:
                    try:
                        fn = make_matmul(dtype, m, n, k, copies)
                        t = graph_time_s(fn, calls=copies)
                    except RuntimeError as err:  # an unsupported shape: say so, go on
                        rows.append(
                            {
                                "shard": shard_name,
                                "matmul": mm_name,
                                "dtype": dtype,
                                "tokens": m,
                                "error": str(err)[:200],
                            }
                        )
                        torch.cuda.empty_cache()
                        continue
                    del fn
                    flops = 2 * m * n * k
                    bytes_ = n * k * wbytes + m * k * wbytes + m * n * 2
                    tc, tm = roofline_s(
                        flops, bytes_, ceil["matmul_flop_per_s"][dtype], ceil["copy_bytes_per_s"]
                    )
                    rows.append(
                        {
                            "shard": shard_name,
                            "matmul": mm_name,
                            "dtype": dtype,
                            "tokens": m,
                            "n": n,
                            "k": k,
                            "time_s": t,
                            "compute_s": tc,
                            "memory_s": tm,
                            "intensity_over_ridge": tc / tm,
                            "over_roofline": t / max(tc, tm),
                        }
                    )
                torch.cuda.empty_cache()
    return rows


def rms_norm(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-5).to(x.dtype) * w


def make_layer(shard: dict, m: int, dtype: str, copies: int, compiled: bool = False):
    """One decoder layer of a shard on m tokens (batch 1, causal), cycling weight copies."""
    dev, bf = DEVICE, torch.bfloat16
    h, d = shard["hidden"], shard["head_dim"]
    qh, kvh, f = shard["q_heads"], shard["kv_heads"], shard["ffn"]
    shapes = matmul_shapes(shard)
    layers = []
    for _ in range(copies):
        ws = {
            name: torch.randn(n, k, device=dev, dtype=bf) * 0.02 for name, (n, k) in shapes.items()
        }
        if dtype == "fp8":
            ws = {name: to_fp8(w * 50) for name, w in ws.items()}
        ws["norm1"] = torch.ones(h, device=dev, dtype=bf)
        ws["norm2"] = torch.ones(h, device=dev, dtype=bf)
        layers.append(ws)
    x0 = torch.randn(m, h, device=dev, dtype=bf)
    cos = torch.randn(m, 1, d, device=dev, dtype=bf)
    sin = torch.randn(m, 1, d, device=dev, dtype=bf)
    one = torch.tensor(1.0, device=dev)

    def linear(x, w):
        if dtype == "bf16":
            return x @ w.t()
        return torch._scaled_mm(to_fp8(x), w.t(), scale_a=one, scale_b=one, out_dtype=bf)

    def core(ws):
        x = x0
        y = rms_norm(x, ws["norm1"])
        qkv = linear(y, ws["qkv"])
        q, k, v = qkv.split([qh * d, kvh * d, kvh * d], dim=-1)
        q = q.view(m, qh, d)
        k = k.view(m, kvh, d)
        q = q * cos + torch.roll(q, d // 2, -1) * sin
        k = k * cos + torch.roll(k, d // 2, -1) * sin
        q = q.transpose(0, 1).unsqueeze(0)
        k = k.transpose(0, 1).unsqueeze(0)
        v = v.view(m, kvh, d).transpose(0, 1).unsqueeze(0)
        if qh != kvh:  # each KV head serves qh / kvh query heads
            k = k.repeat_interleave(qh // kvh, dim=1)
            v = v.repeat_interleave(qh // kvh, dim=1)
        a = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        a = a.squeeze(0).transpose(0, 1).reshape(m, qh * d)
        x = x + linear(a, ws["o"])
        y = rms_norm(x, ws["norm2"])
        u = linear(y, ws["up"])
        if shard["gated"]:
            g, u = u.split([f, f], dim=-1)
            u = torch.nn.functional.silu(g) * u
        else:
            u = torch.nn.functional.gelu(u)
        return x + linear(u, ws["down"])

    if compiled:  # one compilation: the weights are arguments, guarded on shape, not identity
        core = torch.compile(core, dynamic=False)
    return lambda i: core(layers[i % copies])


def measure_layers(ceil: dict, quick: bool, compiled: bool = False) -> list[dict]:
    """Each shard's decoder layer against its rooflines; ``compiled``: BF16 layers fused by
    torch.compile (as an engine fuses norms, rotary and activations), one and 128 tokens."""
    rows = []
    tokens = [1, 128] if compiled else [1, 128, 2048] if quick else LAYER_TOKENS
    for shard_name, shard in SHARDS.items():
        shapes = matmul_shapes(shard)
        for dtype in ("bf16",) if compiled else ("bf16", "fp8"):
            wbytes = 2 if dtype == "bf16" else 1
            layer_bytes = sum(n * k for n, k in shapes.values()) * wbytes
            copies = max(2, math.ceil(L2_MISS_BYTES / layer_bytes))
            peak = ceil["matmul_flop_per_s"][dtype]
            for m in tokens:
                try:
                    fn = make_layer(shard, m, dtype, copies, compiled)
                    t = graph_time_s(fn, calls=copies)
                except RuntimeError as err:
                    rows.append(
                        {"shard": shard_name, "dtype": dtype, "tokens": m, "error": str(err)[:200]}
                    )
                    torch.cuda.empty_cache()
                    continue
                del fn
                matmul_s = 0.0
                for n, k in shapes.values():
                    tc, tm = roofline_s(
                        2 * m * n * k,
                        n * k * wbytes + m * k * wbytes + m * n * 2,
                        peak,
                        ceil["copy_bytes_per_s"],
                    )
                    matmul_s += max(tc, tm)
                # causal attention: QK^T and PV over half the m x m square, BF16 in both paths
                attn_flops = 2 * 2 * shard["q_heads"] * shard["head_dim"] * m * (m + 1) / 2
                attn_s = attn_flops / ceil["matmul_flop_per_s"]["bf16"]
                rows.append(
                    {
                        "shard": shard_name,
                        "dtype": dtype,
                        "tokens": m,
                        "compiled": compiled,
                        "time_s": t,
                        "matmul_roofline_s": matmul_s,
                        "attention_roofline_s": attn_s,
                        "over_roofline": t / (matmul_s + attn_s),
                        "extra_s": t - matmul_s - attn_s,
                    }
                )
                torch.cuda.empty_cache()
    return rows


def measure_kernel_floor() -> dict:
    x = torch.zeros(1, device="cuda")
    t = graph_time_s(lambda i: x.add_(1.0), calls=200)
    y = torch.randn(128, 8192, device="cuda", dtype=torch.bfloat16)
    w = torch.ones(8192, device="cuda", dtype=torch.bfloat16)
    t_norm = graph_time_s(lambda i: rms_norm(y, w), calls=50)
    return {"tiny_kernel_s": t, "rms_norm_128x8192_s": t_norm}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("."))
    parser.add_argument("--quick", action="store_true", help="fewer sizes (a smoke test)")
    parser.add_argument(
        "--compiled", action="store_true", help="also time layers fused by torch.compile"
    )
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("gpu_kernels.py needs a CUDA GPU; none is visible to PyTorch.", file=sys.stderr)
        return 2
    started = time.time()
    props = torch.cuda.get_device_properties(0)
    result = {
        "device": props.name,
        "sm_count": props.multi_processor_count,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "date": time.strftime("%Y-%m-%d"),
    }
    args.out.mkdir(parents=True, exist_ok=True)

    def save() -> None:  # after every stage, so a run cut short keeps what it measured
        result["elapsed_s"] = time.time() - started
        (args.out / "gpu_kernels.json").write_text(json.dumps(result, indent=1))

    result["ceilings"] = ceil = measure_ceilings(args.quick)
    save()
    print(f"{props.name}, torch {torch.__version__}, CUDA {torch.version.cuda}")
    print(
        f"copy bandwidth {ceil['copy_bytes_per_s'] / 1e12:.2f} TB/s (read + write); "
        f"matmul BF16 {ceil['matmul_flop_per_s']['bf16'] / 1e12:.0f} TFLOP/s, "
        f"FP8 {ceil['matmul_flop_per_s']['fp8'] / 1e12:.0f} TFLOP/s",
        flush=True,
    )
    result["kernel_floor"] = floor = measure_kernel_floor()
    print(
        f"shortest kernel in a graph {floor['tiny_kernel_s'] * 1e6:.2f} us; "
        f"RMSNorm 128x8192 {floor['rms_norm_128x8192_s'] * 1e6:.2f} us",
        flush=True,
    )
    result["layers"] = layers = measure_layers(ceil, args.quick)
    if args.compiled:
        layers += measure_layers(ceil, args.quick, compiled=True)
    save()
    print("\nlayer                    dtype tokens   time us  roofline us  ratio  extra us")
    for r in layers:
        if "error" in r:
            print(f"{r['shard']:<21} {r['dtype']:<5} {r['tokens']:>6}  error: {r['error'][:60]}")
            continue
        roof = r["matmul_roofline_s"] + r["attention_roofline_s"]
        label = r["shard"] + (" compiled" if r["compiled"] else "")
        print(
            f"{label:<24} {r['dtype']:<5} {r['tokens']:>6} {r['time_s'] * 1e6:>9.1f}"
            f" {roof * 1e6:>12.1f} {r['over_roofline']:>6.2f} {r['extra_s'] * 1e6:>9.1f}",
            flush=True,
        )
    result["matmuls"] = mms = measure_matmuls(ceil, args.quick)
    print("\nmatmul                    dtype tokens   time us  I/ridge  ratio")
    for r in mms:
        if "error" in r:
            print(f"{r['shard']}/{r['matmul']} {r['dtype']} {r['tokens']} error: {r['error'][:60]}")
            continue
        print(
            f"{r['shard'] + '/' + r['matmul']:<25} {r['dtype']:<5} {r['tokens']:>6}"
            f" {r['time_s'] * 1e6:>9.1f} {r['intensity_over_ridge']:>8.3f}"
            f" {r['over_roofline']:>6.2f}"
        )
    save()
    print(f"\n{result['elapsed_s']:.0f} s; wrote {args.out / 'gpu_kernels.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
