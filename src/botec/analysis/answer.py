"""The answer first: the few figures a command exists to give, and its verdicts, before the work.

A report leads with at most three headline figures (the first found, in the order below, among
the results the sheet holds) and the notes marked as verdicts (the plan chosen, fits or not, the
budget verdict, which total to plan with). `--brief` prints only this.
"""

from __future__ import annotations

import re

from botec.core.sheet import Note, Sheet, Value

# The results that answer each command's question, most direct first.
ANSWER_RESULTS = (
    # plan, compare (serving)
    "serving_gpus",
    "serving_cost_per_month",
    "usd_per_million_output_tokens",
    # can it run?
    "gpus_needed",
    "fit_memory_per_gpu",
    "max_context_tokens",
    # train
    "gpu_hours",
    "wall_clock",
    "cost",
    "gpus_for_deadline",
    # the seeds' cascades (SmartPal): the total to plan with first
    "total_monthly_cost_roofline",
    "realistic_gpus_required",
    "total_monthly_cost",
    "gpus_required",
    # infer
    "time_to_first_token",
    "decode_tokens_per_second",
    "max_output_throughput",
    # memory
    "serving_memory",
    "training_memory",
    "weights_memory",
    # image and video generation
    "generation_gpus",
    "cost_per_image",
    "cost_per_video",
    "generation_latency",
    "images_per_second_per_gpu",
    "gpu_seconds_per_video_second",
    "generation_memory",
    # embeddings and retrieval (a RAG answer first)
    "rag_latency",
    "index_memory",
    "embedding_gpu_hours",
    "search_cores",
    # speech recognition
    "speech_gpus",
    "cost_per_audio_hour",
    "real_time_factor",
    "transcription_latency",
    # speech synthesis
    "synthesis_gpus",
    "cost_per_million_characters",
    "synthesis_real_time_factor",
    # ranking
    "scoring_gpus",
    "ranking_machines",
    "scoring_cores",
    "embedding_table_bytes",
    # traffic, storage, feature store, CPU serving
    "peak_requests_per_second",
    "compressed_retained_bytes",
    "total_storage",
    "monthly_storage",
    "feature_store_nodes",
    "cpu_cores_needed",
)
MAX_FIGURES = 3
MAX_VERDICTS = 2


# The workloads past text LLMs, each a question of its own: a scenario that asks several (an LLM
# beside an image service) leads with each one's first answer, not only the first three found.
WORKLOAD_ANSWERS = (
    ("generation_gpus", "cost_per_image", "cost_per_video", "generation_latency"),
    ("rag_latency", "index_memory", "embedding_gpu_hours", "search_cores"),
    ("speech_gpus", "cost_per_audio_hour", "real_time_factor", "transcription_latency"),
    ("synthesis_gpus", "cost_per_million_characters", "synthesis_real_time_factor"),
    ("scoring_gpus", "ranking_machines", "scoring_cores", "embedding_table_bytes"),
)


def answer_figures(sheet: Sheet) -> list[Value]:
    """The headline figures that answer the question: at most three, then the first answer of
    each other workload the scenario asks about that those three leave out."""
    found = [sheet.steps[n] for n in ANSWER_RESULTS if n in sheet.steps]
    if not found:  # a scenario of other sections: its first headline results
        found = [v for v in sheet.steps.values() if v.formula is not None and v.formula.headline]
    lead = found[:MAX_FIGURES]
    for names in WORKLOAD_ANSWERS:
        own = [sheet.steps[n] for n in names if n in sheet.steps]
        if own and not any(v in lead for v in own):
            lead.append(own[0])
    return lead


def answer_verdicts(sheet: Sheet) -> list[Note]:
    """The verdict notes (fits or not, the plan chosen, the budget verdict), at most two, the
    gravest first (a problem, then a warning, then good news)."""
    order = {"bad": 0, "warn": 1, "info": 2, "ok": 3}
    # whether the thing fits is a verdict wherever it is said (a batch past the KV cache, too)
    chosen = (n for n in sheet.notes if n.verdict or n.topic == "fit")
    verdicts = sorted(chosen, key=lambda n: order[n.level])
    return verdicts[:MAX_VERDICTS]


def price_label(sheet: Sheet) -> str:
    """Which prices a sheet's costs used: the basis and its date (from the price input's title,
    '... per GPU-hour (market rental median ..., 2026-08)'), 'your price' for a stated one, or ''
    when nothing was priced per GPU-hour."""
    for value in sheet.inputs.values():
        if value.unit != "USD/h" or "per GPU-hour" not in value.title:
            continue
        if value.source == "scenario":
            return "at your price"
        _head, sep, tail = value.title.partition("per GPU-hour (")
        if sep:  # 'market rental median (Lambda, ...), 2026-08' -> 'market rental median, 2026-08'
            return "priced on the " + re.sub(r" \([^()]*\)", "", tail[:-1])
    return ""
