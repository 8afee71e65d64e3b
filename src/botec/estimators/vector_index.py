"""Vector indexes: memory for flat, IVF, HNSW and product-quantised indexes (FAISS's own
accounting), build time and queries per second per CPU core, nodes and cores for a load.

Memory per vector (FAISS wiki, 'Guidelines to choose an index'): flat d·b bytes; HNSW adds 2·M
links of 4-byte ids on its base layer (d·4 + M·2·4 in the wiki's FP32 form); IVF adds an 8-byte id
per vector and keeps nlist centroids; IVF-PQ keeps only a pq_bytes code and the id, plus 256
centroids per sub-quantiser (256·d FP32 values in all).

Search cost by the work a query does: a flat index streams every vector; IVF streams the nlist
centroids and nprobe lists; HNSW visits about ef × M candidates, each a random memory access (a
cache miss) plus streaming its vector. A core streams at its share of memory bandwidth; a cache
miss costs a fixed latency. HNSW's build inserts each vector with a search of ef_construction.
"""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

ID_BYTES = 8  # FAISS stores a 64-bit id per vector in IVF lists
LINK_BYTES = 4  # HNSW neighbour ids are 32-bit
PQ_CENTROIDS = 256  # 8-bit codes: 256 centroids per sub-quantiser

FLAT_BYTES = Formula(
    "index_bytes_per_vector", "dim * bytes_per_dim", "B/vector", "Index bytes per vector (flat)"
)
HNSW_BYTES = Formula(
    "index_bytes_per_vector",
    "dim * bytes_per_dim + 2 * hnsw_m * link_bytes",
    "B/vector",
    "Index bytes per vector (HNSW: the vector and 2·M links on the base layer)",
)
IVF_FLAT_BYTES = Formula(
    "index_bytes_per_vector",
    "dim * bytes_per_dim + id_bytes",
    "B/vector",
    "Index bytes per vector (IVF-Flat: the vector and its id)",
)
IVF_PQ_BYTES = Formula(
    "index_bytes_per_vector",
    "pq_bytes + id_bytes",
    "B/vector",
    "Index bytes per vector (IVF-PQ: the code and its id)",
)
CENTROID_BYTES = Formula(
    "index_fixed_bytes",
    "(nlist + pq_centroid_sets * pq_centroids) * dim * centroid_bytes_per_dim",
    "B",
    "Centroids (IVF lists and PQ codebooks, FP32)",
)
INDEX_MEMORY = Formula(
    "index_memory",
    "(vectors * index_bytes_per_vector + index_fixed_bytes) * index_memory_overhead",
    "B",
    "Index memory (one copy)",
    "The library's own accounting times its allocator and bookkeeping overhead.",
    headline=True,
)
INDEX_MEMORY_PLAIN = Formula(
    "index_memory",
    "vectors * index_bytes_per_vector * index_memory_overhead",
    "B",
    "Index memory (one copy)",
    "The library's own accounting times its allocator and bookkeeping overhead (HNSW's upper "
    "layers included).",
    headline=True,
)
NODES = Formula(
    "index_nodes",
    "ceil(index_memory * (1 + memory_headroom) / node_memory) * replicas",
    "nodes",
    "Index nodes (every replica holds the whole index)",
    "Headroom for the process, the OS and growth; replicas for failover and query load.",
    headline=True,
)
CANDIDATE_TIME = Formula(
    "candidate_time",
    "candidate_latency + dim * bytes_per_dim / core_bandwidth",
    "s",
    "Time to visit one graph candidate (a cache miss, then its vector)",
)
HNSW_QUERY_TIME = Formula(
    "search_time",
    "ef_search * hnsw_m * candidate_time",
    "s",
    "Search time per query on one core (HNSW: ef × M candidates)",
    headline=True,
)
SCAN_QUERY_TIME = Formula(
    "search_time",
    "scanned_bytes / core_bandwidth",
    "s",
    "Search time per query on one core (streaming what the query reads)",
    headline=True,
)
FLAT_SCANNED = Formula(
    "scanned_bytes", "vectors * dim * bytes_per_dim", "B", "Bytes a query reads (every vector)"
)
IVF_SCANNED = Formula(
    "scanned_bytes",
    "nlist * dim * centroid_bytes_per_dim + nprobe * vectors / nlist * index_bytes_per_vector",
    "B",
    "Bytes a query reads (the centroids, then nprobe lists)",
)
QPS_PER_CORE = Formula(
    "queries_per_second_per_core", "1 / search_time", "queries/s", "Queries per second per core"
)
SEARCH_CORES = Formula(
    "search_cores",
    "ceil(peak_queries_per_second / (queries_per_second_per_core * target_utilization))",
    "cores",
    "Search cores at peak",
    headline=True,
)
HNSW_BUILD = Formula(
    "index_build_time",
    "vectors * ef_construction * hnsw_m * candidate_time / build_cores",
    "s",
    "Build time (HNSW: each insert searches ef_construction × M candidates)",
    headline=True,
)
SCAN_BUILD = Formula(
    "index_build_time",
    "vectors * build_scanned_bytes / (core_bandwidth * build_cores)",
    "s",
    "Build time (each vector compared with the centroids, or copied)",
    headline=True,
)


DEFAULT_NLIST = Formula(
    "nlist",
    "ceil(4 * sqrt(vectors))",
    "lists",
    "IVF lists (FAISS's guideline: 4·√N to 16·√N)",
)
INDEX_COST = Formula(
    "index_cost_per_month",
    "index_memory * (1 + memory_headroom) * replicas / bytes_per_gb * usd_per_gb_month",
    "USD/month",
    "Index memory per month (every replica, priced as in-memory storage)",
    headline=True,
)
SEARCH_COST = Formula(
    "search_cost_per_month",
    "search_cores * usd_per_core_hour * hours_per_month",
    "USD/month",
    "Search cores per month",
)
ASSIGN_SCANNED = Formula(
    "build_scanned_bytes",
    "nlist * dim * centroid_bytes_per_dim",
    "B",
    "Bytes each added vector reads (every IVF centroid, to find its list)",
)
RAG_LATENCY = Formula(
    "rag_latency",
    "query_encode_time + search_time + end_to_end_latency",
    "s",
    "Retrieval-augmented answer: embed the query, search, then the LLM's answer",
    headline=True,
)
RAG_LATENCY_PLANNED = Formula(
    "rag_latency",
    "query_encode_time + search_time + ttft_p50 "
    "+ (output_tokens_per_sequence / decode_tokens_per_step - 1) * tpot_p50",
    "s",
    "Retrieval-augmented answer at the plan's load (p50): embed the query, search, then the "
    "LLM's answer",
    "With a serving plan the answer shares its batch: its first token and each later one take "
    "the plan's typical (p50) times, not one request's alone on the GPU.",
    headline=True,
)
RETRIEVED_TOKENS = Formula(
    "retrieved_context_tokens",
    "top_k * chunk_tokens",
    "tokens",
    "Tokens the retrieved chunks add to the LLM's prompt",
)


def per_vector_bytes(sheet: Sheet, index: str, v: dict[str, Value]) -> Value:
    """Bytes each vector costs in an index of kind ``index`` (flat, hnsw, ivf-flat, ivf-pq)."""
    if index == "flat":
        return sheet.step(FLAT_BYTES, dim=v["dim"], bytes_per_dim=v["bytes_per_dim"])
    if index == "hnsw":
        return sheet.step(
            HNSW_BYTES, dim=v["dim"], bytes_per_dim=v["bytes_per_dim"], hnsw_m=v["hnsw_m"],
            link_bytes=v["link_bytes"],
        )  # fmt: skip
    if index == "ivf-flat":
        return sheet.step(
            IVF_FLAT_BYTES, dim=v["dim"], bytes_per_dim=v["bytes_per_dim"], id_bytes=v["id_bytes"]
        )
    return sheet.step(IVF_PQ_BYTES, pq_bytes=v["pq_bytes"], id_bytes=v["id_bytes"])


def search_time(sheet: Sheet, index: str, v: dict[str, Value]) -> Value:
    """One query's time on one core."""
    if index == "hnsw":
        return sheet.step(
            HNSW_QUERY_TIME, ef_search=v["ef_search"], hnsw_m=v["hnsw_m"],
            candidate_time=v["candidate_time"],
        )  # fmt: skip
    if index == "flat":
        scanned = sheet.step(
            FLAT_SCANNED, vectors=v["vectors"], dim=v["dim"], bytes_per_dim=v["bytes_per_dim"]
        )
    else:
        scanned = sheet.step(
            IVF_SCANNED, nlist=v["nlist"], dim=v["dim"],
            centroid_bytes_per_dim=v["centroid_bytes_per_dim"], nprobe=v["nprobe"],
            vectors=v["vectors"], index_bytes_per_vector=v["index_bytes_per_vector"],
        )  # fmt: skip
    return sheet.step(SCAN_QUERY_TIME, scanned_bytes=scanned, core_bandwidth=v["core_bandwidth"])


def build_time(sheet: Sheet, index: str, v: dict[str, Value]) -> Value:
    if index == "hnsw":
        return sheet.step(
            HNSW_BUILD, vectors=v["vectors"], ef_construction=v["ef_construction"],
            hnsw_m=v["hnsw_m"], candidate_time=v["candidate_time"], build_cores=v["build_cores"],
        )  # fmt: skip
    return sheet.step(
        SCAN_BUILD, vectors=v["vectors"], build_scanned_bytes=v["build_scanned_bytes"],
        core_bandwidth=v["core_bandwidth"], build_cores=v["build_cores"],
    )  # fmt: skip
