"""POST /api/report throughput and latency for the SmartPal scenario under 32 concurrent
connections on loopback, DAU varying per request: point estimates (samples 0; goal >= 500
requests/s with p99 <= 50 ms on a 2-core machine) and the default Monte Carlo (10,000 draws).

    python benchmarks/web_throughput.py [--seconds 5] [--workers 2]

Starts `botec web` (uvicorn, --workers) on a free loopback port, drives it with ready-made
HTTP/1.1 requests over keep-alive connections (a client that does little else, so the cores
measure the server), prints the figures, and stops the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "botec.cli", "web", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/examples", timeout=0.5)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("botec web did not start")


def _requests(scenario: dict, samples: int, port: int) -> list[bytes]:
    """500 ready-made HTTP/1.1 requests, DAU varying: the client does nothing but send and read,
    so the 2 cores measure the server (httpx's own work would take most of one core)."""
    import json

    out = []
    for i in range(500):
        users = {**scenario["users"], "daily_active_users": 1e6 * (1 + i)}
        body = json.dumps({"scenario": {**scenario, "users": users}, "samples": samples}).encode()
        head = (
            f"POST /api/report HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        out.append(head.encode() + body)
    return out


async def _drive(
    port: int, requests: list[bytes], seconds: float, rate: float | None = None
) -> list[float]:
    """Latencies over ``seconds``: each of the connections sends its next request as soon as the
    last is answered (``rate`` None: the most the server sustains), or requests are offered at
    ``rate`` a second in all and a latency counts from when its request was due (queueing in)."""
    latencies: list[float] = []
    begin = time.perf_counter()
    stop = begin + seconds
    due = iter(begin + k / rate for k in range(10**9)) if rate else None

    async def one(worker: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = worker
        while time.perf_counter() < stop:
            start = time.perf_counter()
            if due is not None:
                start = next(due)
                await asyncio.sleep(max(0.0, start - time.perf_counter()))
            writer.write(requests[i % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )  # fmt: skip
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            assert status == b"200", head
            i += CONNECTIONS
        writer.close()

    await asyncio.gather(*(one(w) for w in range(CONNECTIONS)))
    return latencies


def _line(label: str, latencies: list[float], seconds: float, goal: str) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    rate = len(latencies) / seconds
    return (
        f"{label:<34} {rate:8.0f} req/s   p50 {statistics.median(ordered) * 1e3:6.1f} ms   "
        f"p99 {p99 * 1e3:6.1f} ms   ({len(latencies):,} requests){goal}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    scenario = tomllib.loads((ROOT / "scenarios" / "smartpal.toml").read_text())
    port = _free_port()
    server = _serve(port, args.workers)
    point_requests = _requests(scenario, 0, port)
    try:
        asyncio.run(_drive(port, point_requests, 1.0))  # warm the workers
        point = asyncio.run(_drive(port, point_requests, args.seconds))
        offered = asyncio.run(_drive(port, point_requests, args.seconds, rate=500))
        ordered = sorted(offered)
        p99 = ordered[int(0.99 * len(ordered))]
        met = len(point) / args.seconds >= 500 and p99 <= 0.050
        print(f"botec web, {args.workers} worker(s), {CONNECTIONS} connections, loopback:")
        print(_line("POST /api/report (samples 0), flat out", point, args.seconds, ""))
        goal = f"   goal >= 500 req/s sustained, p99 <= 50 ms at 500: {'met' if met else 'NOT met'}"
        print(_line("  ... offered 500 req/s", offered, args.seconds, goal))
        sampled = asyncio.run(_drive(port, _requests(scenario, 10_000, port), args.seconds))
        print(_line("POST /api/report (samples 10,000)", sampled, args.seconds, ""))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
