"""Recommenders and classical models: embedding tables (rows × dim × bytes, sharded across
devices), a ranking model's work per scored item (dense FLOPs and embedding-row gathers), tree
ensembles (node visits), and the cores or GPUs that score a peak of requests.

A ranking request scores many candidate items; each item is one sample through the model. A
DLRM-style model gathers one table row per sparse feature (random reads: a cache miss each on a
CPU, a fraction of HBM bandwidth on a GPU) and multiplies its dense layers once per sample (2 FLOP
per weight). A tree ensemble walks each tree from root to leaf: one comparison and a likely cache
miss per level.
"""

from __future__ import annotations

from botec.core.sheet import Formula

TABLE_BYTES = Formula(
    "embedding_table_bytes",
    "embedding_rows * embedding_dim * bytes_per_value",
    "B",
    "Embedding tables (every row, one copy)",
    headline=True,
)
TABLE_SHARDS = Formula(
    "embedding_table_shards",
    "ceil(embedding_table_bytes / (device_memory * usable_memory_fraction))",
    "shards",
    "Devices needed to hold the tables (sharded by rows)",
    headline=True,
)
SAMPLES = Formula(
    "peak_samples_per_second",
    "peak_requests_per_second * candidates_per_request",
    "samples/s",
    "Items scored per second at peak",
)
DENSE_FLOP = Formula(
    "dense_flop_per_sample",
    "flop_per_param_per_sample * dense_params",
    "FLOP",
    "Dense FLOPs per scored item",
)
GATHER_BYTES = Formula(
    "gather_bytes_per_sample",
    "lookups_per_sample * embedding_dim * bytes_per_value",
    "B",
    "Embedding bytes gathered per scored item",
)
CPU_SAMPLE_TIME = Formula(
    "sample_time_per_core",
    "dense_flop_per_sample / core_flop_per_s + lookups_per_sample * (row_miss_latency "
    "+ embedding_dim * bytes_per_value / core_bandwidth)",
    "s",
    "CPU time per scored item on one core (dense layers, then a cache miss and a row per lookup)",
    headline=True,
)
GPU_SAMPLE_TIME = Formula(
    "sample_time_per_gpu",
    "((dense_flop_per_sample / (peak_flop_per_s * compute_efficiency)) ** roofline_sharpness "
    "+ (gather_bytes_per_sample / (memory_bandwidth * gather_efficiency)) ** roofline_sharpness) "
    "** (1 / roofline_sharpness)",
    "s",
    "GPU time per scored item at large batches (dense FLOPs against gathered bytes)",
    headline=True,
)
TREE_TIME = Formula(
    "sample_time_per_core",
    "trees * tree_depth * node_visit_time",
    "s",
    "CPU time per scored item on one core (every tree walked root to leaf)",
    headline=True,
)
CORES = Formula(
    "scoring_cores",
    "ceil(peak_samples_per_second * sample_time_per_core * headroom_factor)",
    "cores",
    "Cores at peak, with headroom",
    "Headroom covers feature fetches, serialisation and failover, as seed 002's fraud example "
    "sizes its cores.",
    headline=True,
)
GPUS = Formula(
    "scoring_gpus",
    "max(ceil(peak_samples_per_second * sample_time_per_gpu / target_utilization), "
    "embedding_table_shards)",
    "GPUs",
    "GPUs at peak (at least the shards that hold the tables)",
    headline=True,
)
MACHINES = Formula(
    "ranking_machines",
    "max(ceil(scoring_cores / cores_per_machine), embedding_table_shards)",
    "machines",
    "Machines (the scoring cores, and at least those that hold the tables)",
    headline=True,
)
TREE_MACHINES = Formula(
    "ranking_machines",
    "ceil(scoring_cores / cores_per_machine)",
    "machines",
    "Machines for the scoring cores",
    headline=True,
)
MACHINE_COST = Formula(
    "ranking_cost_per_month",
    "ranking_machines * cores_per_machine * vcpus_per_core * usd_per_core_hour * hours_per_month",
    "USD/month",
    "Ranking machines per month",
    "The scoring model counts physical cores (an AVX-512 core's FLOPs and memory bandwidth); "
    "clouds bill per vCPU, one hyperthread, two to an x86 core.",
    headline=True,
)
REQUEST_LATENCY = Formula(
    "ranking_latency",
    "candidates_per_request * sample_time_per_core / cores_per_request",
    "s/req",
    "Time to score one request's candidates (spread over cores_per_request cores)",
)
