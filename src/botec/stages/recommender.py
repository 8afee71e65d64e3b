"""The [recommender] stage: embedding tables and their shards, work per scored item, and the
cores or GPUs that rank a peak of requests (seed 002's fraud example, grown to ranking)."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.sheet import Value
from botec.estimators import recommender as rc
from botec.estimators._constants import hours_per_month
from botec.modelspec.recommenders import get_ranker
from botec.scenario.workloads import RecommenderSection
from botec.stages._inputs import assumed, gpu_inputs, price, roofline_sharpness
from botec.stages.context import Context
from botec.stages.gpu_price import monthly_fleet_cost

FIELD = "recommender"
_BYTES = {"fp32": 4, "fp16": 2, "int8": 1}


def run_recommender(ctx: Context, sec: RecommenderSection) -> None:
    sheet = ctx.sheet
    for name in ("gpu", "usd_per_gpu_hour"):  # a GPU setting on CPU cores would go unread
        if sec.device == "cpu" and name in sec.model_fields_set:
            raise BotecInputError(
                f"recommender.{name}/recommender.device", getattr(sec, name),
                "a GPU setting only with device = gpu (on CPU, cores are priced from the "
                "catalog's per-core price)",
            )  # fmt: skip
    v = _shape(ctx, sec)
    v["peak_samples_per_second"] = sheet.step(
        rc.SAMPLES, peak_requests_per_second=_peak_requests(ctx, sec),
        candidates_per_request=sheet.input(
            "candidates_per_request", sec.candidates_per_request, "samples/req",
            "Candidates scored per request", "scenario",
        ),
    )  # fmt: skip
    if sec.device == "gpu":
        _on_gpus(ctx, sec, v)
    else:
        _on_cpus(ctx, sec, v)


def _shape(ctx: Context, sec: RecommenderSection) -> dict[str, Value]:
    """The model's numbers: a catalog model's unless the scenario states them."""
    sheet = ctx.sheet
    ranker = get_ranker(sec.model, f"{FIELD}.model") if sec.model else None
    if ranker is not None:
        sheet.note("info", f"{ranker.name}: {ranker.source}")
    cite = f"catalog: recommenders.toml [{ranker.key}]" if ranker else "scenario"

    def number(name: str, unit: str, title: str, default_when_absent: Any = None) -> Value | None:
        given = getattr(sec, name)
        if given is not None:
            return sheet.input(name, given, unit, title, "scenario")
        if ranker is not None:
            return sheet.input(name, getattr(ranker, name), unit, title, cite)
        return None

    v: dict[str, Any] = {}
    if sec.kind == "trees":
        if sec.trees is None:
            raise BotecInputError(f"{FIELD}.trees", "missing", "the number of trees, e.g. 500")
        v["trees"] = sheet.input("trees", sec.trees, "trees", "Trees in the ensemble", "scenario")
        v["tree_depth"] = sheet.input(
            "tree_depth", sec.tree_depth, "levels", "Tree depth (levels walked)", "scenario"
        )
        return v
    for name, unit, title in (
        ("embedding_rows", "rows", "Embedding-table rows (all tables)"),
        ("embedding_dim", "dims", "Embedding dimension"),
        ("lookups_per_sample", "rows", "Rows gathered per scored item"),
        ("dense_params", "params", "Dense weights (MLPs, cross layers)"),
    ):
        value = number(name, unit, title)
        if value is None:
            raise BotecInputError(
                f"{FIELD}.{name}", "missing", "a value, or a catalog model (botec recsys --help)"
            )
        v[name] = value
    v["bytes_per_value"] = sheet.input(
        "table_bytes_per_value", _BYTES[sec.embedding_precision], "B/dim",
        f"Bytes per table value ({sec.embedding_precision})", "scenario",
    )  # fmt: skip
    v["embedding_table_bytes"] = sheet.step(
        rc.TABLE_BYTES, embedding_rows=v["embedding_rows"], embedding_dim=v["embedding_dim"],
        bytes_per_value=v["bytes_per_value"],
    )  # fmt: skip
    v["dense_flop_per_sample"] = sheet.step(
        rc.DENSE_FLOP, dense_params=v["dense_params"],
        flop_per_param_per_sample=sheet.constant(
            "flop_per_param_per_sample", 2, "FLOP/param", "FLOPs per dense weight per item",
            "one multiply-add per weight per scored item",
        ),
    )  # fmt: skip
    return v


def _peak_requests(ctx: Context, sec: RecommenderSection) -> Value:
    if sec.requests_per_second is not None:
        return ctx.sheet.input(
            "ranking_requests_per_second", sec.requests_per_second, "req/s",
            "Peak ranking requests per second", "scenario",
        )  # fmt: skip
    if ctx.peak_rps is None:
        raise BotecInputError(
            f"{FIELD}.requests_per_second", "missing",
            "a peak rate, or a [users] section the peak comes from",
        )  # fmt: skip
    return ctx.peak_rps


def _on_cpus(ctx: Context, sec: RecommenderSection, v: dict[str, Value]) -> None:
    sheet = ctx.sheet
    shards = None
    if sec.kind == "trees":
        per_item = sheet.step(
            rc.TREE_TIME, trees=v["trees"], tree_depth=v["tree_depth"],
            node_visit_time=assumed(ctx, "node_visit_time", None, "s",
                                    "Time per tree level (a compare and a likely cache miss)"),
        )  # fmt: skip
    else:
        bandwidth = assumed(
            ctx, "core_bandwidth", None, "B/s", "Memory bandwidth one CPU core streams"
        )
        per_item = sheet.step(
            rc.CPU_SAMPLE_TIME, dense_flop_per_sample=v["dense_flop_per_sample"],
            core_flop_per_s=assumed(ctx, "core_flop_per_s", None, "FLOP/s",
                                    "Dense FLOP/s one CPU core sustains"),
            lookups_per_sample=v["lookups_per_sample"],
            row_miss_latency=assumed(ctx, "row_miss_latency", None, "s",
                                     "Latency of a table row not in cache"),
            embedding_dim=v["embedding_dim"], bytes_per_value=v["bytes_per_value"],
            core_bandwidth=bandwidth,
        )  # fmt: skip
        shards = _shards(
            ctx,
            sec,
            v,
            sheet.input("device_memory", sec.machine_memory, "B", "Memory per machine", "scenario"),
        )
    cores = sheet.step(
        rc.CORES, peak_samples_per_second=v["peak_samples_per_second"],
        sample_time_per_core=per_item,
        headroom_factor=sheet.input("headroom_factor", sec.headroom_factor, "x",
                                    "Headroom factor", "scenario"),
    )  # fmt: skip
    sheet.step(
        rc.REQUEST_LATENCY, candidates_per_request=sheet.inputs["candidates_per_request"],
        sample_time_per_core=per_item,
        cores_per_request=sheet.input("cores_per_request", sec.cores_per_request, "cores",
                                      "Cores scoring one request's candidates", "scenario"),
    )  # fmt: skip
    _machines(ctx, sec, cores, shards)


def _machines(ctx: Context, sec: RecommenderSection, cores: Value, shards: Value | None) -> None:
    """Machines for the cores (and at least those holding the tables), and their bill."""
    sheet = ctx.sheet
    per_machine = sheet.input("cores_per_machine", sec.cores_per_machine, "cores/machine",
                              "Cores per machine", "scenario")  # fmt: skip
    if shards is None:
        machines = sheet.step(rc.TREE_MACHINES, scoring_cores=cores, cores_per_machine=per_machine)
    else:
        machines = sheet.step(
            rc.MACHINES, scoring_cores=cores, cores_per_machine=per_machine,
            embedding_table_shards=shards,
        )  # fmt: skip
    core_price = price(
        ctx, "usd_per_core_hour", None, ("cpu", "generic-core", "usd_per_core_hour"), "USD/h",
        "Price per vCPU-hour",
    )  # fmt: skip
    ctx.monthly_costs.append(sheet.step(
        rc.MACHINE_COST, ranking_machines=machines, cores_per_machine=per_machine,
        vcpus_per_core=sheet.constant(
            "vcpus_per_core", 2, "vCPUs/core", "vCPUs billed per physical core",
            "x86 instances expose two hyperthreads per core, each billed as a vCPU (AWS EC2: "
            "'each vCPU is a thread of a CPU core'; c5.2xlarge is 8 vCPUs on 4 cores)",
        ),
        usd_per_core_hour=core_price, hours_per_month=hours_per_month(sheet),
    ))  # fmt: skip


def _shards(ctx: Context, sec: RecommenderSection, v: dict[str, Value], memory: Value) -> Value:
    return ctx.sheet.step(
        rc.TABLE_SHARDS, embedding_table_bytes=v["embedding_table_bytes"], device_memory=memory,
        usable_memory_fraction=ctx.sheet.input(
            "table_memory_fraction", 0.8, "fraction", "Share of a device's memory for tables",
            "the rest for the model's activations, the runtime and headroom",
        ),
    )  # fmt: skip


def _on_gpus(ctx: Context, sec: RecommenderSection, v: dict[str, Value]) -> None:
    sheet = ctx.sheet
    if sec.kind == "trees":
        raise BotecInputError(
            f"{FIELD}.device", "gpu", "cpu for a tree ensemble (botec sizes trees on CPU cores)"
        )
    gpu, peak, bandwidth, memory = gpu_inputs(
        ctx, sec.gpu, f"{FIELD}.gpu", "fp16", prefix="ranking_"
    )
    per_item = sheet.step(
        rc.GPU_SAMPLE_TIME, dense_flop_per_sample=v["dense_flop_per_sample"],
        peak_flop_per_s=peak,
        compute_efficiency=assumed(ctx, "ranking_compute_efficiency", None, "fraction",
                                   "Dense-layer compute efficiency", key="compute_efficiency"),
        roofline_sharpness=roofline_sharpness(ctx, None),
        gather_bytes_per_sample=sheet.step(
            rc.GATHER_BYTES, lookups_per_sample=v["lookups_per_sample"],
            embedding_dim=v["embedding_dim"], bytes_per_value=v["bytes_per_value"]),
        memory_bandwidth=bandwidth,
        gather_efficiency=assumed(ctx, "gather_efficiency", None, "fraction",
                                  "Share of HBM bandwidth random row gathers reach"),
    )  # fmt: skip
    shards = _shards(ctx, sec, v, memory)
    gpus = sheet.step(
        rc.GPUS, peak_samples_per_second=v["peak_samples_per_second"],
        sample_time_per_gpu=per_item, embedding_table_shards=shards,
        target_utilization=assumed(ctx, "target_utilization", None, "fraction",
                                   "Target utilisation at peak"),
    )  # fmt: skip
    ctx.gpus[FIELD] = gpus
    monthly_fleet_cost(
        ctx,
        gpus,
        gpu,
        sec,
        FIELD,
        "ranking_usd_per_gpu_hour",
        "ranking_cost_per_month",
        "Ranking GPUs per month",
    )
