"""Run a scenario along the cascade and return the filled-in sheet (no printing here).

Each section of the scenario is one stage (``botec.stages``), run in cascade order:
users → requests → model → storage → features → training data → inference / serving → KV cache →
CPU serving → training → image and video generation → embeddings → speech → speech synthesis →
recommender →
bandwidth → cost. A run
loads
its catalog once (the bundled one, the user's files, the scenario's own ``catalog =``) and hands
it to every stage; nothing global changes.
"""

from __future__ import annotations

from typing import Any

from botec.catalog import Catalog, load_catalog
from botec.core.errors import BotecInputError
from botec.core.sheet import Sheet
from botec.core.units import format_quantity
from botec.estimators import cost, storage
from botec.scenario import Scenario
from botec.stages.context import Context


def run_scenario(
    scn: Scenario,
    samples: int = 0,
    seed: int = 0,
    draw: Any = None,
    catalog: Catalog | None = None,
) -> Sheet:
    """Evaluate every section present in ``scn``, in cascade order.

    ``samples`` > 0 adds a Monte Carlo pass over every range input (see :class:`Sheet`);
    ``catalog`` is the run's catalog (default: the bundled one); a scenario's own ``catalog =``
    file is merged over it for this run only.
    """
    cat = (catalog or load_catalog()).with_files([scn.catalog] if scn.catalog else [])
    sheet = Sheet(scn.title, samples=samples, seed=seed, draw=draw)
    sheet.description = scn.description
    ctx = Context(sheet, cat)
    for stage in _STAGES:
        stage(ctx, scn)
    _device_words(ctx)
    if scn.cost and ctx.monthly_costs:
        with sheet.section("Cost"):
            _totals(ctx)
    with sheet.section("Conclusions"):
        for line in scn.conclusions:
            sheet.note("info", line)
    from botec.stages.scale_check import check_scale
    from botec.stages.seed_check import run_seed_checks

    check_scale(sheet)
    run_seed_checks(sheet, scn)
    return sheet


def _device_words(ctx: Context) -> None:
    """On a CPU or a TPU, the report's GPU counts, GPU-hours and per-GPU figures are per device:
    said once (the result names and units stay as the JSON contract has them)."""
    for hw in ctx.devices.values():
        if hw.kind != "gpu":
            ctx.sheet.note(
                "info",
                f"{hw.name} is a {hw.kind.upper()}: every 'GPU' here (counts, GPU-hours, memory "
                f"per GPU) means one such {hw.kind.upper()} as the catalog lists it.",
                verdict=True,
            )


def _totals(ctx: Context) -> None:
    """The monthly total; beside a reality check, one total for each GPU count, labelled, and
    which to plan with."""
    sheet, parts = ctx.sheet, ctx.monthly_costs
    if sheet.unpriced and parts:  # a total that silently drops a fleet reads as its whole cost
        sheet.note(
            "warn",
            f"The total monthly cost leaves out the {' and '.join(dict.fromkeys(sheet.unpriced))} "
            "fleet: no price on the basis (see above); give a price per GPU-hour to count it.",
            verdict=True,
            topic="unpriced",
        )
    roofline = ctx.roofline_gpu_cost
    if roofline is None:
        cost.total_monthly_cost(sheet, parts)
        return
    seed = cost.total_monthly_cost(sheet, parts, "Total monthly cost (the seed's GPU count)")
    swapped = [roofline if p.name == "gpu_cost_per_month" else p for p in parts]
    total = cost.total_monthly_cost(
        sheet, swapped, "Total monthly cost (roofline GPU count)", "total_monthly_cost_roofline"
    )
    middle = format_quantity(total.median(), total.unit)
    sheet.note(
        "warn",
        f"Two totals: {seed.formatted()} with the seed's GPU count, {middle} (median) with the "
        "serving roofline's. Plan with the roofline total: the seed's compute-bound count "
        "assumes every GPU decodes at 100% of peak (see the reality check).",
        verdict=True,
    )


def _users(ctx: Context, scn: Scenario) -> None:
    if scn.users:
        from botec.stages.traffic import run_traffic

        with ctx.sheet.section("Traffic"):
            run_traffic(ctx, scn.users)


def _requests(ctx: Context, scn: Scenario) -> None:
    req = scn.requests
    if not req:
        return
    if scn.serving and (req.output_tokens or req.prompt_tokens):
        raise BotecInputError(
            "requests.output_tokens" if req.output_tokens else "requests.prompt_tokens",
            "beside a [serving] section",
            "the request lengths once: [serving] input_tokens and output_tokens size the "
            "served requests ([requests] may still give request_size and response_size)",
        )
    if req.output_tokens:
        ctx.output_tokens = ctx.sheet.input(
            "output_tokens", req.output_tokens, "tokens/req", "Output tokens per request"
        )
        if not scn.inference:  # [inference] sizes its own
            from botec.stages.traffic import peak_token_rate

            peak_token_rate(ctx)
    if req.prompt_tokens:
        ctx.prompt_tokens = ctx.sheet.input(
            "prompt_tokens", req.prompt_tokens, "tokens/req", "Prompt tokens per request"
        )


def _model(ctx: Context, scn: Scenario) -> None:
    if not scn.model:
        return
    if scn.serving:
        raise BotecInputError(
            "model",
            "a [model] section beside [serving]",
            "one of them: [serving] already sizes its model's weights and says whether they fit "
            "(put the seed-style [model] sizing in a scenario of its own)",
        )
    from botec.stages.model import run_model

    with ctx.sheet.section("Model"):
        run_model(ctx, scn.model)


def _storage(ctx: Context, scn: Scenario) -> None:
    from botec.stages.storage import run_storage, run_training_data

    if scn.storage:
        with ctx.sheet.section("Storage"):
            if ctx.weights is not None:  # the weights are one more thing to store (SmartPal)
                storage.model_storage(ctx.sheet, ctx.weights)
            run_storage(ctx, scn)
    if scn.feature_store:
        from botec.stages.feature_store import run_feature_store

        with ctx.sheet.section("Feature store"):
            run_feature_store(ctx, scn)
    if scn.training_data:
        with ctx.sheet.section("Training data"):
            run_training_data(ctx, scn)


def _inference(ctx: Context, scn: Scenario) -> None:
    if scn.inference:
        from botec.stages.inference import run_inference

        with ctx.sheet.section("Inference"):
            run_inference(ctx, scn, scn.inference)


def _serving(ctx: Context, scn: Scenario) -> None:
    if scn.serving_plan:
        from botec.stages.plan import run_serving_plan

        run_serving_plan(ctx, scn)
    elif scn.serving:
        from botec.stages.serving import run_serving

        with ctx.sheet.section("Serving"):
            run_serving(ctx, scn.serving)


def _model_fit(ctx: Context, scn: Scenario) -> None:
    if scn.model_fit:
        from botec.stages.model_fit import run_model_fit

        with ctx.sheet.section("Can it run?"):
            run_model_fit(ctx, scn.model_fit)


def _kv_cache(ctx: Context, scn: Scenario) -> None:
    if scn.kv_cache:
        from botec.stages.kv_cache import run_kv_cache

        with ctx.sheet.section("KV cache"):
            run_kv_cache(ctx, scn.model, scn.kv_cache)


def _cpu_serving(ctx: Context, scn: Scenario) -> None:
    if scn.cpu_serving:
        from botec.stages.cpu_serving import run_cpu_serving

        with ctx.sheet.section("CPU serving"):
            run_cpu_serving(ctx, scn)


def _training(ctx: Context, scn: Scenario) -> None:
    if scn.training:
        from botec.stages.training import run_training

        with ctx.sheet.section("Training"):
            run_training(ctx, scn.training)


def _generation(ctx: Context, scn: Scenario) -> None:
    from botec.stages.generation import run_generation

    if scn.image_generation:
        with ctx.sheet.section("Image generation"):
            run_generation(ctx, scn.image_generation, "image")
    if scn.video_generation:
        with ctx.sheet.section("Video generation"):
            run_generation(ctx, scn.video_generation, "video")


def _embeddings(ctx: Context, scn: Scenario) -> None:
    if scn.embeddings:
        from botec.stages.embeddings import run_embeddings

        with ctx.sheet.section("Embeddings and retrieval"):
            run_embeddings(ctx, scn.embeddings)


def _speech(ctx: Context, scn: Scenario) -> None:
    if scn.speech:
        from botec.stages.speech import run_speech

        with ctx.sheet.section("Speech recognition"):
            run_speech(ctx, scn.speech)


def _tts(ctx: Context, scn: Scenario) -> None:
    if scn.speech_synthesis:
        from botec.stages.tts import run_tts

        with ctx.sheet.section("Speech synthesis"):
            run_tts(ctx, scn.speech_synthesis)


def _recommender(ctx: Context, scn: Scenario) -> None:
    if scn.recommender:
        from botec.stages.recommender import run_recommender

        with ctx.sheet.section("Recommender"):
            run_recommender(ctx, scn.recommender)


def _deployment(ctx: Context, scn: Scenario) -> None:
    if scn.deployment:
        from botec.stages.deployment import run_deployment

        with ctx.sheet.section("Deployment over a day"):
            run_deployment(ctx, scn.deployment, scn.serving.model if scn.serving else "")


def _bandwidth(ctx: Context, scn: Scenario) -> None:
    if scn.requests and (scn.requests.request_size or scn.requests.response_size):
        from botec.stages.bandwidth import run_bandwidth

        with ctx.sheet.section("Bandwidth"):
            run_bandwidth(ctx, scn)


# The cascade, in order: each stage reads what the earlier ones left in the context.
_STAGES = (
    _users,
    _requests,
    _model,
    _storage,
    _inference,
    _serving,
    _deployment,
    _model_fit,
    _kv_cache,
    _cpu_serving,
    _training,
    _generation,
    _embeddings,
    _speech,
    _tts,
    _recommender,
    _bandwidth,
)
