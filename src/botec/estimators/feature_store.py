"""Online feature store (Redis-like) sizing: features, embeddings, store overhead, nodes."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._sums import sum_of

FEATURE_BYTES = Formula(
    "feature_bytes", "entities * features_per_entity * bytes_per_feature", "B", "Feature data"
)
EMBEDDING_BYTES = Formula(
    "embedding_bytes", "entities * embedding_dim * bytes_per_embedding_value", "B", "Embeddings"
)
STORE_MEMORY = Formula(
    "feature_store_memory",
    "feature_store_raw * store_overhead",
    "B",
    "In-memory store footprint",
    "Keys, per-entry metadata and encoding roughly double raw data in Redis (seed 002).",
    headline=True,
)
NODES = Formula(
    "feature_store_nodes",
    "ceil(feature_store_memory * (1 + headroom) / node_memory)",
    "nodes",
    "Store nodes",
    "Headroom keeps nodes below full so growth, fragmentation and failover fit.",
    headline=True,
)
STORE_COST = Formula(
    "feature_store_cost_per_month",
    "feature_store_memory * (1 + headroom) / bytes_per_gb * usd_per_gb_month",
    "USD/month",
    "In-memory store cost per month",
    headline=True,
)


def feature_store(
    sheet: Sheet,
    *,
    users: Value,
    features_per_user: Value,
    items: Value,
    features_per_item: Value,
    bytes_per_feature: Value,
    embedding_dim: Value,
    bytes_per_embedding_value: Value,
    store_overhead: Value,
    headroom: Value,
    node_memory: Value,
) -> tuple[Value, Value]:
    """Store memory and node count for user and item features plus their embeddings."""

    def features(name: str, entities: Value, per: Value) -> Value:
        return sheet.step(
            FEATURE_BYTES,
            name=f"{name}_feature_bytes",
            title=f"{name.capitalize()} features",
            entities=entities,
            features_per_entity=per,
            bytes_per_feature=bytes_per_feature,
        )

    def embeddings(name: str, entities: Value) -> Value:
        return sheet.step(
            EMBEDDING_BYTES,
            name=f"{name}_embedding_bytes",
            title=f"{name.capitalize()} embeddings",
            entities=entities,
            embedding_dim=embedding_dim,
            bytes_per_embedding_value=bytes_per_embedding_value,
        )

    parts = []
    # Only the parts the scenario has: an absent item catalog or embedding adds no line.
    if float(users) > 0 and float(features_per_user) > 0:
        parts.append(features("user", users, features_per_user))
    if float(items) > 0 and float(features_per_item) > 0:
        parts.append(features("item", items, features_per_item))
    if float(embedding_dim) > 0:
        if float(users) > 0:
            parts.append(embeddings("user", users))
        if float(items) > 0:
            parts.append(embeddings("item", items))
    if not parts:
        raise BotecInputError(
            "feature_store", "no features", "users or items with features or embeddings"
        )
    raw = sum_of(sheet, "feature_store_raw", "Feature store raw data", "B", parts)
    memory = sheet.step(STORE_MEMORY, feature_store_raw=raw, store_overhead=store_overhead)
    nodes = sheet.step(
        NODES, feature_store_memory=memory, headroom=headroom, node_memory=node_memory
    )
    return memory, nodes


def store_cost(sheet: Sheet, memory: Value, headroom: Value, price: Value, per_gb: Value) -> Value:
    return sheet.step(
        STORE_COST,
        feature_store_memory=memory,
        headroom=headroom,
        bytes_per_gb=per_gb,
        usd_per_gb_month=price,
    )
