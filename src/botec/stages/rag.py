"""Retrieval beside a served LLM: the context the retrieved chunks add to each prompt, and the
whole answer's latency (the query's encoding, the search, then the LLM's own latency)."""

from __future__ import annotations

from botec.core.sheet import Value
from botec.estimators import vector_index as vi
from botec.scenario.workloads import EmbeddingsSection
from botec.stages.context import Context


def rag_latency(
    ctx: Context, sec: EmbeddingsSection, chunk: Value, encode_time: Value, search: Value
) -> None:
    """With a [serving] section: the retrieved context and the whole answer's latency."""
    sheet = ctx.sheet
    retrieved = sheet.step(
        vi.RETRIEVED_TOKENS, chunk_tokens=chunk,
        top_k=sheet.input("top_k", sec.top_k, "chunks", "Chunks retrieved per query", "scenario"),
    )  # fmt: skip
    if "end_to_end_latency" not in sheet.steps:
        return
    if "tpot_p50" in sheet.steps:  # a serving plan's batch: the answer waits its turns in it
        sheet.step(
            vi.RAG_LATENCY_PLANNED, query_encode_time=encode_time, search_time=search,
            ttft_p50=sheet.steps["ttft_p50"], tpot_p50=sheet.steps["tpot_p50"],
            output_tokens_per_sequence=sheet["output_tokens_per_sequence"],
            decode_tokens_per_step=sheet["decode_tokens_per_step"],
        )  # fmt: skip
    else:
        sheet.step(
            vi.RAG_LATENCY, query_encode_time=encode_time, search_time=search,
            end_to_end_latency=sheet.steps["end_to_end_latency"],
        )  # fmt: skip
    prompt = sheet.inputs.get("input_tokens")
    if prompt is not None and float(prompt) < float(retrieved):
        sheet.note(
            "warn",
            f"The LLM's prompt ({float(prompt):,.0f} tokens) is shorter than the retrieved "
            f"context ({float(retrieved):,.0f} tokens = top_k × chunk_tokens): set [serving] "
            "input_tokens to the question plus the context.",
        )
