"""CPU-served models (gradient-boosted trees, small nets): cores and machines for a load."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

REQUESTS_PER_CORE = Formula(
    "requests_per_core",
    "1 / latency_per_request",
    "req/s/core",
    "Requests per second per core",
    "One core serves requests back to back: 1 ÷ model latency.",
)
CORES_NEEDED = Formula(
    "cores_needed",
    "requests_per_second / requests_per_core",
    "cores",
    "Cores at peak (no headroom)",
)
CORES_WITH_HEADROOM = Formula(
    "cores_with_headroom",
    "ceil(cores_needed * headroom_factor)",
    "cores",
    "Cores with headroom",
    "Headroom covers serialisation, feature fetches, GC pauses and failover.",
    headline=True,
)
MACHINES = Formula(
    "machines",
    "max(ceil(cores_with_headroom / cores_per_machine), min_machines)",
    "machines",
    "Machines",
    "At least min_machines, for redundancy across failures and zones.",
    headline=True,
)


def cpu_serving(
    sheet: Sheet,
    requests_per_second: Value,
    latency: Value,
    headroom_factor: Value,
    cores_per_machine: Value,
    min_machines: Value,
) -> tuple[Value, Value]:
    per_core = sheet.step(REQUESTS_PER_CORE, latency_per_request=latency)
    cores = sheet.step(
        CORES_NEEDED, requests_per_second=requests_per_second, requests_per_core=per_core
    )
    with_headroom = sheet.step(
        CORES_WITH_HEADROOM, cores_needed=cores, headroom_factor=headroom_factor
    )
    machines = sheet.step(
        MACHINES,
        cores_with_headroom=with_headroom,
        cores_per_machine=cores_per_machine,
        min_machines=min_machines,
    )
    return with_headroom, machines
