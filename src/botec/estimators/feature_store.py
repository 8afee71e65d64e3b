"""Online feature store (Redis-like) sizing: features, embeddings, store overhead, nodes."""

from __future__ import annotations

from botec.sheet import Formula, Sheet, Value

FEATURE_BYTES = Formula(
    "feature_bytes", "entities * features_per_entity * bytes_per_feature", "B", "Feature data"
)
EMBEDDING_BYTES = Formula(
    "embedding_bytes", "entities * embedding_dim * bytes_per_embedding_value", "B", "Embeddings"
)
RAW_TOTAL = Formula(
    "feature_store_raw",
    "user_feature_bytes + item_feature_bytes + user_embedding_bytes + item_embedding_bytes",
    "B",
    "Feature store raw data",
)
STORE_MEMORY = Formula(
    "feature_store_memory",
    "feature_store_raw * store_overhead",
    "B",
    "In-memory store footprint",
    "Keys, per-entry metadata and encoding roughly double raw data in Redis (seed 002).",
)
NODES = Formula(
    "feature_store_nodes",
    "ceil(feature_store_memory * (1 + headroom) / node_memory)",
    "nodes",
    "Store nodes",
    "Headroom keeps nodes below full so growth, fragmentation and failover fit.",
)
STORE_COST = Formula(
    "feature_store_cost_per_month",
    "feature_store_memory * (1 + headroom) / bytes_per_gb * usd_per_gb_month",
    "USD/month",
    "In-memory store cost per month",
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
            FEATURE_BYTES, name=f"{name}_feature_bytes", title=f"{name.capitalize()} features",
            entities=entities, features_per_entity=per, bytes_per_feature=bytes_per_feature,
        )

    def embeddings(name: str, entities: Value) -> Value:
        return sheet.step(
            EMBEDDING_BYTES, name=f"{name}_embedding_bytes", title=f"{name.capitalize()} embeddings",
            entities=entities, embedding_dim=embedding_dim,
            bytes_per_embedding_value=bytes_per_embedding_value,
        )

    raw = sheet.step(
        RAW_TOTAL,
        user_feature_bytes=features("user", users, features_per_user),
        item_feature_bytes=features("item", items, features_per_item),
        user_embedding_bytes=embeddings("user", users),
        item_embedding_bytes=embeddings("item", items),
    )
    memory = sheet.step(STORE_MEMORY, feature_store_raw=raw, store_overhead=store_overhead)
    nodes = sheet.step(NODES, feature_store_memory=memory, headroom=headroom, node_memory=node_memory)
    return memory, nodes


def store_cost(sheet: Sheet, memory: Value, headroom: Value, price: Value, per_gb: Value) -> Value:
    return sheet.step(
        STORE_COST, feature_store_memory=memory, headroom=headroom,
        bytes_per_gb=per_gb, usd_per_gb_month=price,
    )
