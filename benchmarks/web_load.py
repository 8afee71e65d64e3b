"""The API under load: many concurrent keep-alive connections on loopback sending a mix of valid,
malformed and oversized requests for a fixed time. Prints the requests served, the answers by
status and kind, the errors by kind, p50/p99 latency, throughput and the server's peak memory.

Goal (the hardening issue): with 200 concurrent connections, no 5xx answer, no valid request
dropped (every valid request gets a 2xx) and the server's peak memory under a bound.

    python benchmarks/web_load.py [--seconds 20] [--connections 200] [--workers CPUS]
                                  [--max-rss-mib 1536] [--oversized-bytes 1200000]
                                  [--mix report=30,invalid=12,...] [--warmup 1] [--seed 0]

Starts `botec web` on a free loopback port (as benchmarks/web_throughput.py does), drives it with
ready-made HTTP/1.1 requests over plain asyncio streams (a client that does little else, so the
machine's cores serve rather than build requests), samples the server's memory from /proc, stops
the server and exits 0 when the goal is met, 1 when not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OVERSIZED_BYTES = 1_200_000  # the default: past limits.MAX_BODY_BYTES (1,000,000)
REQUEST_TIMEOUT_S = 40.0  # past the server's own 30 s limit: a slow request meets its refusal
SAMPLE_EVERY_S = 0.2  # how often the server's RSS is read during the run

# kind -> (default weight, valid?, what it is); valid kinds must get a 2xx, the others a 4xx
KINDS: dict[str, tuple[int, bool, str]] = {
    "report": (30, True, "POST /api/report, SmartPal, samples 0, DAU varying"),
    "report-mc": (4, True, "POST /api/report, SmartPal, Monte Carlo 1,000 to 20,000 draws"),
    "hardware": (8, True, "GET /api/hardware"),
    "models": (8, True, "GET /api/models"),
    "memory": (6, True, "POST /api/memory, valid parameters"),
    "infer": (6, True, "POST /api/infer, valid parameters"),
    "malformed": (10, False, "not a JSON object: truncated, not JSON, array, empty, bad UTF-8"),
    "invalid": (12, False, "JSON with invalid field values (negative, wrong type, NaN, unknown)"),
    "samples": (6, False, "absurd samples counts (1e12, -1, 1e400, true, a string)"),
    "oversized": (2, False, "a body past 1 MB with its Content-Length (413)"),
    "chunked": (
        1,
        False,
        "a body past 1 MB, chunked: no Content-Length (413, counted as it arrives)",
    ),
}


@dataclass(frozen=True)
class Probe:
    """One ready-made request: its kind, a label naming the variant, the bytes on the wire."""

    kind: str
    label: str
    raw: bytes
    valid: bool


@dataclass
class Tally:
    """What one kind of request met."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)  # no answer: error name -> count
    dropped_by: Counter[tuple[str, str]] = field(default_factory=Counter)  # (label, error name)
    latencies: list[float] = field(default_factory=list)
    in_window: int = 0  # answers that came within the run's time (the rest were in flight)
    failures: Counter[tuple[str, int]] = field(default_factory=Counter)  # (label, 5xx) -> count
    unexpected: Counter[tuple[str, int]] = field(default_factory=Counter)  # (label, status)


# -- the server ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int, workers: int, log: Any) -> subprocess.Popen[bytes]:
    """`botec web` on ``port``; its stderr (uvicorn's errors and tracebacks) goes to ``log``, its
    access log (stdout) nowhere, as in web_throughput.py."""
    server = subprocess.Popen(
        [sys.executable, "-m", "botec.cli", "web", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"botec web exited with {server.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/examples", timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("botec web did not start")


def _get_json(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.load(response)


# -- memory, from /proc ----------------------------------------------------------------------------


def _status_kib(pid: int, key: str) -> int:
    """VmRSS / VmHWM of ``pid`` in KiB (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (uvicorn's workers, multiprocessing's helpers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # the command name may hold spaces or parentheses: the ppid follows the last ')'
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


@dataclass
class Memory:
    """The server tree's memory: the peak of the sampled total RSS, and each process's own
    high-water mark (VmHWM, which catches peaks between samples)."""

    root: int
    peak_rss_kib: int = 0
    hwm_kib: dict[int, int] = field(default_factory=dict)

    def sample(self) -> None:
        total = 0
        for pid in _tree(self.root):
            total += _status_kib(pid, "VmRSS")
            self.hwm_kib[pid] = max(self.hwm_kib.get(pid, 0), _status_kib(pid, "VmHWM"))
        self.peak_rss_kib = max(self.peak_rss_kib, total)

    @property
    def peak_mib(self) -> float:
        """The bound's measure: the sum of the processes' own peaks, an upper bound on the
        tree's peak total (they need not peak together)."""
        return max(sum(self.hwm_kib.values()), self.peak_rss_kib) / 1024


async def _watch(memory: Memory, until: asyncio.Event) -> None:
    while not until.is_set():
        memory.sample()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until.wait(), SAMPLE_EVERY_S)
    memory.sample()


# -- the requests ----------------------------------------------------------------------------------


def _http(method: str, path: str, port: int, body: bytes | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if body is None:
        return (head + "\r\n").encode()
    head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def _chunked(path: str, port: int, body: bytes, size: int = 65536) -> bytes:
    """``body`` sent chunked: no Content-Length for the middleware to refuse up front, so the
    server counts it as it arrives and refuses it at the cap (a 413)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    parts = [head.encode()]
    for i in range(0, len(body), size):
        chunk = body[i : i + size]
        parts.append(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


def _probes(
    scenario: dict[str, Any], port: int, oversized: int = OVERSIZED_BYTES
) -> dict[str, list[Probe]]:
    """Every request the run sends, built once: the client only writes and reads."""

    def post(kind: str, label: str, path: str, body: Any) -> Probe:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return Probe(kind, label, _http("POST", path, port, data), KINDS[kind][1])

    def get(kind: str, path: str) -> Probe:
        return Probe(kind, f"GET {path}", _http("GET", path, port), KINDS[kind][1])

    def with_users(value: Any) -> dict[str, Any]:
        return {**scenario, "users": {**scenario["users"], "daily_active_users": value}}

    out: dict[str, list[Probe]] = {kind: [] for kind in KINDS}
    for i in range(200):  # DAU varying, so no answer is the same as the last
        body = {"scenario": with_users(1e6 * (1 + i)), "samples": 0}
        out["report"].append(post("report", "report samples=0", "/api/report", body))
    for samples in (1_000, 10_000, 20_000):  # 20,000: the most a request may ask
        body = {"scenario": scenario, "samples": samples, "seed": samples}
        out["report-mc"].append(post("report-mc", f"report samples={samples}", "/api/report", body))
    out["hardware"] += [get("hardware", "/api/hardware")]
    out["models"] += [get("models", "/api/models")]
    for body in (
        {"params": "7B", "samples": 0},
        {"model": "llama-3.1-8b", "gpu": "h100-sxm", "samples": 0},
        {"params": "70B", "training": True, "samples": 1_000},
    ):
        out["memory"].append(post("memory", f"memory {json.dumps(body)}", "/api/memory", body))
    for body in (
        {"model": "llama-3.1-8b", "gpu": "h100-sxm", "samples": 0},
        {"params": "7B", "samples": 0},
        {"model": "llama-3.1-8b", "qps": 50, "samples": 500},
    ):
        out["infer"].append(post("infer", f"infer {json.dumps(body)}", "/api/infer", body))

    report = json.dumps({"scenario": scenario, "samples": 0}).encode()
    for label, raw in (
        ("truncated JSON", report[: len(report) // 2]),
        ("not JSON", b"scenario = smartpal"),
        ("JSON array", b"[1, 2, 3]"),
        ("JSON null", b"null"),
        ("empty body", b""),
        ("invalid UTF-8", b'{"scenario": "\xff\xfe"}'),
        ("deep nesting", b"[" * 100_000),
    ):
        out["malformed"].append(post("malformed", f"report <{label}>", "/api/report", raw))

    invalid: list[tuple[str, str, bytes]] = [
        ("/api/report", "DAU -5", json.dumps({"scenario": with_users(-5), "samples": 0}).encode()),
        ("/api/report", "DAU 'banana'", json.dumps({"scenario": with_users("banana")}).encode()),
        ("/api/report", "scenario a string", b'{"scenario": "smartpal", "samples": 0}'),
        ("/api/report", "set not a list", json.dumps({"scenario": scenario, "set": "x"}).encode()),
        (
            "/api/report",
            "DAU NaN",  # a bare NaN is what Python's json reads and JavaScript can't send
            json.dumps({"scenario": with_users("@"), "samples": 0}).replace('"@"', "NaN").encode(),
        ),
        ("/api/memory", "params '-7B'", b'{"params": "-7B", "samples": 0}'),
        ("/api/memory", "params [1]", b'{"params": [1], "samples": 0}'),
        ("/api/memory", "params {}", b'{"params": {"a": 1}, "samples": 0}'),
        ("/api/memory", "unknown key", b'{"params": "7B", "bogus": 1, "samples": 0}'),
        ("/api/memory", "model hf:", b'{"model": "hf:meta/llama", "samples": 0}'),
        ("/api/memory", "gpus NaN", b'{"params": "7B", "gpus": NaN, "samples": 0}'),
        ("/api/infer", "gpu unknown", b'{"model": "llama-3.1-8b", "gpu": "nope", "samples": 0}'),
        ("/api/infer", "tp 0", b'{"model": "llama-3.1-8b", "tp": 0, "samples": 0}'),
    ]
    for path, label, raw in invalid:
        out["invalid"].append(post("invalid", f"{path[5:]} <{label}>", path, raw))

    head = json.dumps({"scenario": scenario})[:-1].encode()  # the object, still open
    for samples in ("1000000000000", "-1", "1e400", "true", '"10000"'):
        raw = head + b', "samples": ' + samples.encode() + b"}"
        out["samples"].append(post("samples", f"report <samples {samples}>", "/api/report", raw))

    # a string long enough to pass the limit, inside an otherwise valid request
    big = json.dumps({"scenario": {**scenario, "description": "x" * oversized}}).encode()
    out["oversized"].append(post("oversized", f"report <{len(big):,} bytes>", "/api/report", big))
    raw = _chunked("/api/report", port, big)
    out["chunked"].append(Probe("chunked", f"report <{len(big):,} bytes, chunked>", raw, False))
    return out


# -- the client ------------------------------------------------------------------------------------


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Reads one response: its status, and whether the server will close the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    if headers.get(b"transfer-encoding") == b"chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get(b"content-length", b"0")))
    return status, headers.get(b"connection") == b"close"


async def _client(
    port: int,
    kinds: list[str],
    weights: list[int],
    probes: dict[str, list[Probe]],
    tallies: dict[str, Tally],
    stop: float,
    rng: random.Random,
) -> None:
    """One connection: the next request as soon as the last is answered, until ``stop``; a
    request that gets no answer (reset, closed, timed out) is dropped, and a new connection
    opened for the next."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    last = 0  # the previous answer's status on this connection (0: a new connection)
    while time.perf_counter() < stop:
        kind = rng.choices(kinds, weights)[0]
        probe = rng.choice(probes[kind])
        tally = tallies[kind]
        tally.sent += 1
        start = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    last = 0
                assert reader is not None
                writer.write(probe.raw)
                status, close = await _answer(reader)
        except (OSError, EOFError, TimeoutError, ValueError, asyncio.LimitOverrunError) as exc:
            # a connection the server closed after a 5xx (with no 'Connection: close' to say
            # so) fails the next request sent on it: named apart, its cause is the 5xx
            name = type(exc).__name__ + (" after a 5xx" if last >= 500 else "")
            tally.dropped[name] += 1
            tally.dropped_by[(probe.label, name)] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        end = time.perf_counter()
        tally.latencies.append(end - start)
        tally.in_window += end <= stop
        tally.statuses[status] += 1
        last = status
        if status >= 500:
            tally.failures[(probe.label, status)] += 1
        elif (200 <= status < 300) != probe.valid:
            tally.unexpected[(probe.label, status)] += 1
        if close:
            assert writer is not None
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _drive(
    port: int,
    connections: int,
    seconds: float,
    mix: dict[str, int],
    probes: dict[str, list[Probe]],
    memory: Memory | None,
    seed: int,
) -> tuple[dict[str, Tally], float]:
    """``connections`` clients for ``seconds``; returns the tallies and the elapsed time (to the
    last answer: requests in flight at the end are waited for, not cut off)."""
    tallies = {kind: Tally() for kind in KINDS}
    kinds = [k for k, w in mix.items() if w > 0]
    weights = [mix[k] for k in kinds]
    begin = time.perf_counter()
    done = asyncio.Event()
    watcher = asyncio.create_task(_watch(memory, done)) if memory else None
    await asyncio.gather(
        *(
            _client(port, kinds, weights, probes, tallies, begin + seconds, random.Random(seed + c))
            for c in range(connections)
        )
    )
    elapsed = time.perf_counter() - begin
    done.set()
    if watcher is not None:
        await watcher
    return tallies, elapsed


# -- the report ------------------------------------------------------------------------------------


def _pct(ordered: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) in ms; 0 when there is nothing."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3


def _statuses(counter: Counter[int]) -> str:
    return " ".join(f"{s}:{n}" for s, n in sorted(counter.items())) or "-"


def _server_errors(log_path: Path) -> Counter[str]:
    """The exception lines (last line of each traceback) in the server's stderr."""
    pattern = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")
    lines = log_path.read_text(errors="replace").splitlines()
    return Counter(line[:160] for line in lines if pattern.match(line))


def _parse_mix(text: str | None) -> dict[str, int]:
    mix = {kind: weight for kind, (weight, _, _) in KINDS.items()}
    for item in (text or "").split(","):
        if item.strip():
            kind, _, weight = item.partition("=")
            if kind.strip() not in KINDS or not weight.strip().isdigit():
                raise SystemExit(f"--mix: {item!r}: expected kind=weight, kinds {list(KINDS)}")
            mix[kind.strip()] = int(weight)
    if not any(mix.values()):
        raise SystemExit("--mix: every weight is 0")
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="load duration (20)")
    parser.add_argument("--connections", type=int, default=200, help="concurrent clients (200)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers (CPUs)")
    parser.add_argument("--max-rss-mib", type=float, default=1536.0, help="memory bound (1536)")
    parser.add_argument(
        "--oversized-bytes",
        type=int,
        default=OVERSIZED_BYTES,
        help="size of the oversized bodies (1,200,000); a large one tests whether the server "
        "buffers a chunked body it will refuse",
    )
    parser.add_argument("--mix", help="kind=weight,... overriding the default weights")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds not counted (1)")
    parser.add_argument("--seed", type=int, default=0, help="the mix's random seed")
    args = parser.parse_args()
    mix = _parse_mix(args.mix)

    with contextlib.suppress(ImportError):  # a cheaper event loop leaves more CPU to the server
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

    port = _free_port()
    # the server's stderr is kept (not deleted) so its tracebacks can be read after the run
    fd, log_name = tempfile.mkstemp(prefix="botec-web-load-", suffix=".log")
    log = os.fdopen(fd, "wb")
    server = _serve(port, args.workers, log)
    memory = Memory(server.pid)
    try:
        scenario = _get_json(port, "/api/examples/smartpal")["scenario"]
        probes = _probes(scenario, port, args.oversized_bytes)
        memory.sample()
        start_mib = memory.peak_mib
        if args.warmup > 0:  # each worker imports and warms what the first requests touch
            valid = {k: (w if KINDS[k][1] else 0) for k, w in mix.items()}
            if any(valid.values()):
                asyncio.run(_drive(port, 8, args.warmup, valid, probes, None, args.seed - 1))
        tallies, elapsed = asyncio.run(
            _drive(port, args.connections, args.seconds, mix, probes, memory, args.seed)
        )
        memory.sample()
        alive = server.poll() is None
        pids = sorted(memory.hwm_kib)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    # -- the figures
    print(
        f"botec web, {args.workers} worker(s), {args.connections} connections, loopback, "
        f"{args.seconds:g} s (+{args.warmup:g} s warm-up, not counted), mix seed {args.seed}"
    )
    print("\nmix (weight, kind, what):")
    for kind, (_, valid, what) in KINDS.items():
        if mix[kind]:
            print(f"  {mix[kind]:4d}  {kind:<10} {'valid  ' if valid else 'invalid'}  {what}")
    header = (
        f"\n{'kind':<10} {'sent':>8} {'answered':>9} {'dropped':>8} {'5xx':>5} "
        f"{'p50 ms':>8} {'p99 ms':>8}  statuses"
    )
    print(header)
    print("-" * (len(header) + 10))
    every: list[float] = []
    totals = Tally()
    for kind, tally in tallies.items():
        if not tally.sent:
            continue
        ordered = sorted(tally.latencies)
        every += ordered
        totals.sent += tally.sent
        totals.in_window += tally.in_window
        totals.statuses.update(tally.statuses)
        totals.dropped.update(tally.dropped)
        totals.dropped_by.update(tally.dropped_by)
        totals.failures.update(tally.failures)
        totals.unexpected.update(tally.unexpected)
        fives = sum(n for s, n in tally.statuses.items() if s >= 500)
        print(
            f"{kind:<10} {tally.sent:8,} {len(ordered):9,} {tally.dropped.total():8,} {fives:5,} "
            f"{_pct(ordered, 0.5):8.1f} {_pct(ordered, 0.99):8.1f}  {_statuses(tally.statuses)}"
        )
    every.sort()
    served = len(every)
    fives = sum(n for s, n in totals.statuses.items() if s >= 500)
    print("-" * (len(header) + 10))
    print(
        f"{'all':<10} {totals.sent:8,} {served:9,} {totals.dropped.total():8,} {fives:5,} "
        f"{_pct(every, 0.5):8.1f} {_pct(every, 0.99):8.1f}  {_statuses(totals.statuses)}"
    )
    valid_sent = sum(t.sent for k, t in tallies.items() if KINDS[k][1])
    valid_ok = sum(
        n for k, t in tallies.items() if KINDS[k][1] for s, n in t.statuses.items() if s < 300
    )
    dropped_valid = valid_sent - valid_ok  # no answer, or an answer other than a 2xx
    unanswered = sum(t.dropped.total() for k, t in tallies.items() if KINDS[k][1])
    print(
        f"\nrequests served:        {served:,}: {totals.in_window:,} in the {args.seconds:g} s "
        f"({totals.in_window / args.seconds:,.1f} /s), the rest in flight then, the last "
        f"answered at {elapsed:.1f} s"
    )
    print(f"valid requests:         {valid_sent:,} sent, {valid_ok:,} answered 2xx")
    print(
        f"dropped valid requests: {dropped_valid:,} ({unanswered:,} with no answer, "
        f"{dropped_valid - unanswered:,} answered other than 2xx)"
    )
    drops = ", ".join(f"{name} {n}" for name, n in totals.dropped.most_common()) or "none"
    print(f"dropped (no answer):    {totals.dropped.total():,} ({drops})")
    for (label, name), n in totals.dropped_by.most_common(12):
        print(f"  {name} x{n:<6,} {label}")
    print(f"5xx answers:            {fives:,}")
    for (label, status), n in totals.failures.most_common():
        print(f"  {status} x{n:<6,} {label}")
    if totals.unexpected:
        print("unexpected answers (a valid request not 2xx, an invalid one 2xx):")
        for (label, status), n in totals.unexpected.most_common():
            print(f"  {status} x{n:<6,} {label}")
    errors = _server_errors(Path(log_name))
    if errors:
        print(f"server stderr ({log_name}), exceptions logged:")
        for line, n in errors.most_common(10):
            print(f"  x{n:<6,} {line}")
    hwm = ", ".join(f"{pid}: {memory.hwm_kib[pid] / 1024:.0f}" for pid in pids)
    print(
        f"server memory (MiB):    at start {start_mib:.0f}, peak sampled RSS "
        f"{memory.peak_rss_kib / 1024:.0f}, peak (sum of VmHWM) {memory.peak_mib:.0f} "
        f"[per process {hwm}]"
    )
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    print(f"client CPU:             {cpu.ru_utime + cpu.ru_stime:.1f} s (this process, all of it)")
    if not alive:
        print(f"server: exited during the run (code {server.returncode})")
    if len(pids) > args.workers + 2:  # the supervisor, its workers, multiprocessing's tracker
        print(f"server: {len(pids)} processes for {args.workers} worker(s): one restarted?")

    misses = []
    if fives:
        misses.append(f"{fives:,} 5xx")
    if dropped_valid:
        misses.append(f"{dropped_valid:,} valid requests dropped")
    if memory.peak_mib > args.max_rss_mib:
        misses.append(f"peak memory {memory.peak_mib:.0f} MiB > {args.max_rss_mib:g} MiB")
    if not alive:
        misses.append("server died")
    verdict = "met" if not misses else "NOT met (" + "; ".join(misses) + ")"
    print(
        f"\ngoal: zero 5xx, zero dropped valid requests, server peak memory <= "
        f"{args.max_rss_mib:g} MiB at {args.connections} connections: {verdict}"
    )
    sys.exit(0 if not misses else 1)


if __name__ == "__main__":
    main()
