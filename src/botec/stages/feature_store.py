"""The [feature_store] stage: online features and embeddings in an in-memory store, its nodes
with headroom, and its monthly cost."""

from __future__ import annotations

from botec.estimators import feature_store
from botec.estimators._constants import bytes_per_gb
from botec.scenario import Scenario
from botec.stages._inputs import assumed, price
from botec.stages.context import Context


def run_feature_store(ctx: Context, scn: Scenario) -> None:
    f = scn.feature_store
    assert f is not None
    sheet = ctx.sheet
    memory_bytes, _nodes = feature_store.feature_store(
        sheet,
        users=sheet.input("feature_users", f.users, "users", "Users with features"),
        features_per_user=sheet.input("features_per_user", f.features_per_user, "features"),
        items=sheet.input("items", f.items, "items", "Items with features"),
        features_per_item=sheet.input("features_per_item", f.features_per_item, "features"),
        bytes_per_feature=sheet.input(
            "bytes_per_feature", f.bytes_per_feature, "B", "Bytes per feature", "FP32 = 4 bytes"
        ),
        embedding_dim=sheet.input("embedding_dim", f.embedding_dim, "dims", "Embedding dimension"),
        bytes_per_embedding_value=sheet.input(
            "bytes_per_embedding_value",
            f.bytes_per_embedding_value,
            "B",
            "Bytes per embedding value",
            "FP32 = 4 bytes",
        ),
        store_overhead=assumed(
            ctx, "store_overhead", f.store_overhead, "x", "In-memory store overhead"
        ),
        headroom=sheet.input("headroom", f.headroom, "fraction", "Node headroom", "scenario"),
        node_memory=sheet.input("node_memory", f.node_memory, "B", "Memory per store node"),
    )
    if scn.cost:
        usd = price(
            ctx,
            "memory_store_usd_per_gb_month",
            scn.cost.memory_store_usd_per_gb_month,
            ("memory_store", "redis", "usd_per_gb_month"),
            "USD/GB-month",
            "In-memory store price",
        )
        ctx.monthly_costs.append(
            feature_store.store_cost(
                sheet, memory_bytes, sheet["headroom"], usd, bytes_per_gb(sheet)
            )
        )
