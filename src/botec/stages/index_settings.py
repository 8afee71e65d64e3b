"""A vector index's settings as the [embeddings] stage records them: an HNSW graph's links and
search breadth, an IVF index's lists, probes and (IVF-PQ) code length, each as given or with the
library's default, and the combinations FAISS cannot build refused."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet, Value
from botec.estimators import vector_index as vi
from botec.modelspec.encoders import Encoder
from botec.scenario.workloads import EmbeddingsSection

FIELD = "embeddings"


# hnswlib and FAISS search the graph with max(efSearch, k) candidates, so a default of 64 with
# top_k = 100 searches 100 (hnswlib's searchKnn, FAISS's HNSW::search).
DEFAULT_EF_SEARCH = 64


def _ef_search(sheet: Sheet, sec: EmbeddingsSection) -> Value:
    """HNSW's search breadth: as given, else 64 raised to top_k as the libraries raise it."""
    what = "HNSW search breadth (efSearch)"
    if sec.ef_search is not None:
        return sheet.input("ef_search", sec.ef_search, "candidates", what, "scenario")
    if sec.top_k <= DEFAULT_EF_SEARCH:
        why = "default: 64 (FAISS's and hnswlib's usual setting)"
        return sheet.input("ef_search", DEFAULT_EF_SEARCH, "candidates", what, why)
    why = "default 64, raised to top_k: hnswlib and FAISS search with max(efSearch, k)"
    return sheet.input("ef_search", sec.top_k, "candidates", what, why)


def hnsw_values(sheet: Sheet, sec: EmbeddingsSection) -> dict[str, Value]:
    """An HNSW graph's links per node, the bytes of a link and the search breadth."""
    return {
        "hnsw_m": sheet.input("hnsw_m", sec.hnsw_m, "links", "HNSW links per node (M)", "scenario"),
        "link_bytes": sheet.constant(
            "link_bytes", vi.LINK_BYTES, "B/link", "Bytes per graph link", "32-bit ids (FAISS)"
        ),
        "ef_search": _ef_search(sheet, sec),
    }


def ivf_values(
    sheet: Sheet, enc: Encoder, sec: EmbeddingsSection, vectors: Value
) -> dict[str, Value]:
    """An IVF index's ids, centroids, lists and probes (and an IVF-PQ's code length)."""
    v: dict[str, Value] = {}
    v["id_bytes"] = sheet.constant(
        "id_bytes", vi.ID_BYTES, "B/vector", "Bytes per stored id", "64-bit ids (FAISS IVF)"
    )
    v["centroid_bytes_per_dim"] = sheet.constant(
        "centroid_bytes_per_dim", 4, "B/dim", "Bytes per centroid value", "FP32 centroids"
    )
    v["nlist"] = (
        sheet.input("nlist", sec.nlist, "lists", "IVF lists", "scenario")
        if sec.nlist is not None
        else sheet.step(vi.DEFAULT_NLIST, vectors=vectors)
    )
    lists = float(v["nlist"])
    if sec.nlist is not None and lists > float(vectors.value):  # empty lists, stored all the same
        raise BotecInputError(
            f"{FIELD}.nlist", sec.nlist,
            f"at most the {float(vectors.value):,.0f} vectors (FAISS's guide: about 4·√vectors)",
        )  # fmt: skip
    if sec.nprobe is not None and sec.nprobe > lists:
        raise BotecInputError(
            f"{FIELD}.nprobe", sec.nprobe,
            f"at most the {lists:,.0f} IVF lists (4·√vectors; set nlist for more)",
        )  # fmt: skip
    v["nprobe"] = (
        sheet.input("nprobe", sec.nprobe, "lists", "IVF lists probed", "scenario")
        if sec.nprobe is not None
        else sheet.input("nprobe", min(16, int(lists)), "lists", "IVF lists probed",
                         "default: 16, at most nlist")
    )  # fmt: skip
    if sec.index == "ivf-pq":
        d = int(sec.dim or enc.output_dim)
        if sec.pq_bytes > d:
            raise BotecInputError(
                f"{FIELD}.pq_bytes", sec.pq_bytes,
                f"at most the dimension {d} (one byte per sub-vector of at least one value; a "
                "code as long as the vector compresses nothing)",
            )  # fmt: skip
        if d % sec.pq_bytes:
            sheet.note(
                "warn",
                f"{sec.pq_bytes} PQ bytes do not divide {d} dimensions: FAISS needs an OPQ "
                f"rotation to a multiple of {sec.pq_bytes} first (OPQ{sec.pq_bytes}_…).",
            )
        v["pq_bytes"] = sheet.input(
            "pq_bytes", sec.pq_bytes, "B/vector", "PQ code bytes per vector", "scenario"
        )
    return v
