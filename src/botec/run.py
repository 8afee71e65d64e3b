"""Run a scenario along the cascade and return the filled-in sheet (no printing here)."""

from __future__ import annotations

from typing import Any

from botec import catalog
from botec.core.errors import BotecInputError
from botec.core.sheet import SeedCheck, Sheet, Value
from botec.core.uncertain import Uncertain, point
from botec.estimators import (
    cost,
    cpu_serving,
    feature_store,
    inference,
    memory,
    network,
    serving,
    storage,
    traffic,
    verdicts,
)
from botec.estimators._constants import bytes_per_gb, days_per_month, hours_per_month
from botec.estimators.model_shape import typical_shape
from botec.scenario import (
    InferenceSection,
    KvCacheSection,
    ModelSection,
    Scenario,
    TrainingSection,
)


class _State:
    """What earlier stages of the cascade hand to later ones."""

    def __init__(self) -> None:
        self.dau: Value | None = None
        self.average_rps: Value | None = None
        self.peak_rps: Value | None = None
        self.output_tokens: Value | None = None
        self.prompt_tokens: Value | None = None
        self.params: Value | None = None
        self.weights: Value | None = None
        self.kv_per_token: Value | None = None
        self.monthly_costs: list[Value] = []
        self.gpus: dict[str, Value] = {}


def _assumed(
    sheet: Sheet,
    name: str,
    given: Any,
    unit: str,
    title: str,
    source: str = "scenario",
    nominal: float | None = None,
) -> Value:
    """A number the scenario states, or else the catalog's default range for it."""
    if given is not None:
        return sheet.input(name, given, unit, title, source)
    a = catalog.get_assumption(name)
    return sheet.assume(name, a.as_range(nominal), unit, title, f"default range: {a.source}")


def run_scenario(scn: Scenario, samples: int = 0, seed: int = 0, draw: Any = None) -> Sheet:
    """Evaluate every section present in ``scn``, in cascade order.

    ``samples`` > 0 adds a Monte Carlo pass over every range input (see :class:`Sheet`).
    """
    if scn.catalog:
        catalog.add_catalog_file(scn.catalog)
    sheet = Sheet(scn.title, samples=samples, seed=seed, draw=draw)
    sheet.description = scn.description
    st = _State()
    if scn.users:
        with sheet.section("Traffic"):
            _traffic(sheet, scn, st)
    if scn.requests:
        if scn.requests.output_tokens:
            st.output_tokens = sheet.input(
                "output_tokens", scn.requests.output_tokens, "tokens", "Output tokens per request"
            )
        if scn.requests.prompt_tokens:
            st.prompt_tokens = sheet.input(
                "prompt_tokens", scn.requests.prompt_tokens, "tokens", "Prompt tokens per request"
            )
    if scn.model:
        # In a system with a storage plan the weights are one more thing to store (SmartPal's
        # "Model Storage"); otherwise they are the model's memory footprint.
        section, name = ("Storage", "model_storage") if scn.storage else ("Model", "weights_memory")
        with sheet.section(section):
            _model(sheet, scn.model, st, name)
    if scn.storage:
        with sheet.section("Storage"):
            _storage(sheet, scn, st)
    if scn.feature_store:
        with sheet.section("Feature store"):
            _feature_store(sheet, scn, st)
    if scn.training_data:
        with sheet.section("Training data"):
            _training_data(sheet, scn, st)
    if scn.inference:
        with sheet.section("Inference"):
            _inference(sheet, scn, scn.inference, st)
    if scn.serving and scn.model:
        raise BotecInputError(
            "model",
            "a [model] section beside [serving]",
            "one of them: [serving] already sizes its model's weights and says whether they fit "
            "(put the seed-style [model] sizing in a scenario of its own)",
        )
    if scn.serving_plan:
        _serving_plan(sheet, scn, st)
    elif scn.serving:
        from botec.stages.serving import run_serving

        with sheet.section("Serving"):
            run_serving(sheet, scn.serving)
    if scn.kv_cache:
        with sheet.section("KV cache"):
            _kv_cache(sheet, scn, scn.kv_cache, st)
    if scn.cpu_serving:
        with sheet.section("CPU serving"):
            _cpu_serving(sheet, scn, st)
    if scn.training:
        with sheet.section("Training"):
            _training(sheet, scn.training, st)
    if scn.requests and (scn.requests.request_size or scn.requests.response_size):
        with sheet.section("Bandwidth"):
            _bandwidth(sheet, scn, st)
    if scn.cost and st.monthly_costs:
        with sheet.section("Cost"):
            cost.total_monthly_cost(sheet, st.monthly_costs)
    with sheet.section("Conclusions"):
        for line in scn.conclusions:
            sheet.note("info", line)
    _seed_checks(sheet, scn)
    return sheet


# -- stages ------------------------------------------------------------------------------------


def _traffic(sheet: Sheet, scn: Scenario, st: _State) -> None:
    users = scn.users
    assert users is not None
    peak = _assumed(
        sheet,
        "peak_factor",
        users.peak_factor,
        "x",
        "Peak-to-average factor",
        users.peak_factor_source or "scenario",
    )
    if users.requests_per_second is not None:
        st.average_rps = sheet.input(
            "total_requests_per_second",
            users.requests_per_second,
            "req/s",
            "Average requests per second",
        )
        st.peak_rps = sheet.step(
            traffic.PEAK_RPS, total_requests_per_second=st.average_rps, peak_factor=peak
        )
    else:
        if users.daily_active_users is not None:
            st.dau = sheet.input(
                "daily_active_users", users.daily_active_users, "users", "Daily active users"
            )
        elif users.monthly_active_users is not None:
            if users.dau_fraction is None:
                raise BotecInputError(
                    "users.dau_fraction",
                    "missing",
                    "a DAU/MAU fraction such as 30% when only monthly_active_users is given",
                )
            mau = sheet.input(
                "monthly_active_users", users.monthly_active_users, "users", "Monthly active users"
            )
            frac = sheet.input("dau_fraction", users.dau_fraction, "fraction", "DAU / MAU")
            st.dau = traffic.daily_active_users(sheet, mau, frac)
        else:
            raise BotecInputError(
                "users",
                "no user count",
                "daily_active_users, monthly_active_users (with "
                "dau_fraction) or requests_per_second",
            )
        if users.requests_per_user_per_day is None:
            raise BotecInputError(
                "users.requests_per_user_per_day", "missing", "requests per user per day, e.g. 10"
            )
        per_user = sheet.input(
            "requests_per_user_per_day",
            users.requests_per_user_per_day,
            "req/user/day",
            "Requests per user per day",
        )
        st.average_rps, st.peak_rps = traffic.request_rates(sheet, st.dau, per_user, peak)
    if point(users.peak_factor) == 1 and users.requests_per_second is None:
        sheet.note(
            "warn",
            "Sized for the daily average (peak factor 1×). Traffic is never flat: seed 002 says "
            "size for peak, 3× for consumer products; every downstream count scales with it.",
        )


def _model(sheet: Sheet, model: ModelSection, st: _State, name: str) -> None:
    precision = catalog.get_precision(model.precision, "model.precision")
    st.params = sheet.input("params", model.params, "params", f"Parameters{_label(model.name)}")
    bpp = sheet.input(
        "bytes_per_param",
        precision.bytes_per_param,
        "B/param",
        f"Bytes per parameter ({precision.name})",
        precision.source,
    )
    st.weights = memory.weights_memory(sheet, st.params, bpp, name=name)
    if model.gpu:
        verdicts.memory_fit(sheet, st.weights, catalog.get_hardware(model.gpu, "model.gpu"))


def _label(name: str) -> str:
    return f" ({name})" if name else ""


def _shape(sheet: Sheet, model: ModelSection, kv_precision: str, st: _State) -> Value:
    """KV bytes per token, from the stated attention shape or a typical one for the size."""
    if st.kv_per_token is not None:
        return st.kv_per_token
    given = (model.layers, model.kv_heads, model.head_dim)
    if all(given):
        source = model.shape_source or "scenario"
        layers, kv_heads, head_dim = given
        kind = "input"
    else:
        shape = typical_shape(point(model.params))
        layers, kv_heads, head_dim = shape.layers, shape.kv_heads, shape.head_dim
        source = shape.source
        kind = "assumption"
        sheet.note(
            "info",
            f"No attention shape given: assuming a typical dense decoder for "
            f"{point(model.params) / 1e9:.3g}B parameters ({layers} layers, {kv_heads} KV heads of "
            f"{head_dim}, multi-head attention). Grouped-query models cache less.",
        )
    prec = catalog.get_precision(kv_precision or model.precision, "kv_cache.kv_precision")
    st.kv_per_token = memory.kv_cache_per_token(
        sheet,
        sheet.input("layers", layers, "layers", "Transformer layers", source, kind),
        sheet.input("kv_heads", kv_heads, "heads", "KV heads", source, kind),
        sheet.input("head_dim", head_dim, "dims", "Head dimension", source, kind),
        sheet.input(
            "kv_bytes_per_value",
            prec.bytes_per_param,
            "B",
            f"KV-cache bytes per value ({prec.name})",
            prec.source,
        ),
    )
    return st.kv_per_token


def _catalog_cite(gpu: catalog.Hardware) -> str:
    return f"catalog ({gpu.as_of}); sources: botec hardware show {gpu.key}"


def _on_this_gpu(
    sheet: Sheet, compute_efficiency: Value, gpu: catalog.Hardware, record: Any = None
) -> Value:
    """A default compute efficiency (from A100s and H100s) on ``gpu``: scaled by its published
    best-matmul share of peak, or unchanged where none is published. ``record`` records the
    share (default ``sheet.input``; serving passes its clash-aware recorder)."""
    if gpu.matmul_share is None:
        return compute_efficiency
    share = (record or sheet.input)(
        "gpu_matmul_share",
        gpu.matmul_share,
        "fraction",
        f"{gpu.name}: best BF16 matmul as a share of peak",
        gpu.matmul_share_source,
    )
    return serving.gpu_compute_efficiency(sheet, compute_efficiency, share)


def _roofline_sharpness(sheet: Sheet, given: Any) -> Value:
    """The smooth-max exponent of every roofline: as the scenario gives it, or the catalog range."""
    return _assumed(
        sheet,
        "roofline_sharpness",
        given,
        "",  # an exponent: dimensionless
        "Roofline sharpness (smooth max exponent)",
    )


def _gpu_inputs(
    sheet: Sheet,
    gpu_name: str,
    field: str,
    precision: str,
    peak_override: float | None,
    bandwidth_override: float | None,
) -> tuple[catalog.Hardware, Value, Value, Value]:
    gpu = catalog.get_hardware(gpu_name, field)
    compute = catalog.get_precision(precision, "model.precision").compute_dtype
    cite = _catalog_cite(gpu)
    peak = sheet.input(
        "peak_flop_per_s",
        peak_override or gpu.peak_for(compute),
        "FLOP/s",
        f"{gpu.name} dense {compute.upper()} peak",
        "scenario" if peak_override else cite,
    )
    bandwidth = sheet.input(
        "memory_bandwidth",
        bandwidth_override or gpu.memory_bandwidth_bytes_per_s,
        "B/s",
        f"{gpu.name} memory bandwidth",
        "scenario" if bandwidth_override else cite,
    )
    mem = sheet.input("gpu_memory", gpu.memory_bytes, "B", f"{gpu.name} memory", cite)
    return gpu, peak, bandwidth, mem


def _inference(sheet: Sheet, scn: Scenario, inf: InferenceSection, st: _State) -> None:
    if scn.model is None or st.params is None or st.weights is None:
        raise BotecInputError("inference", "no [model] section", "a [model] with params")
    if st.output_tokens is None:
        raise BotecInputError("requests.output_tokens", "missing", "output tokens per request")
    load = st.peak_rps
    gpu, peak, bandwidth, gpu_mem = _gpu_inputs(
        sheet, inf.gpu, "inference.gpu", scn.model.precision, inf.peak_flops, inf.memory_bandwidth
    )
    verdicts.weights_fit(sheet, st.weights, gpu)

    if inf.method == "compute-bound":
        util = sheet.input(
            "compute_utilization",
            inf.compute_utilization,
            "fraction",
            "Share of peak used",
            "seed 000's implicit assumption: 100% of peak"
            if point(inf.compute_utilization) == 1
            else "scenario",
        )
        t = inference.compute_bound_time(sheet, st.params, st.output_tokens, peak, util)
        qps = inference.qps_per_gpu(sheet, t)
        if load is not None:
            st.gpus["required"] = inference.gpus_for_load(sheet, load, qps)
        if inf.reality_check:
            with sheet.section("Reality check"):
                _reality_check(sheet, scn, inf, st, qps, peak, bandwidth, gpu_mem, gpu)
    elif inf.method == "memory-bound":
        per_replica = sheet.input(
            "gpus_per_replica", inf.gpus_per_replica, "GPUs", "GPUs per replica (tensor parallel)"
        )
        if inf.gpus_per_replica > 1 or st.weights.value > gpu.memory_bytes:
            inference.gpus_to_fit(sheet, st.weights, gpu_mem)
        _, rate = inference.memory_bound_decode(sheet, st.weights, bandwidth, per_replica)
        rps1 = inference.requests_per_replica(
            sheet,
            rate,
            st.output_tokens,
            "requests_per_second_per_replica",
            "Requests per second per replica (batch 1)",
        )
        best_rps = rps1
        # Intensity at batch 1, the case this method times; batching raises it proportionally.
        one = sheet.constant("single_sequence", 1, "sequences", "Batch of one", "batch-1 decoding")
        ai, ridge = inference.intensity_and_ridge(
            sheet, st.params, one, st.weights, peak, bandwidth
        )
        verdicts.bound(sheet, ai, ridge)
        if inf.batch_size > 1:
            batch = sheet.input("batch_size", inf.batch_size, "sequences", "Batch size")
            limit = _assumed(
                sheet,
                "linear_batch_limit",
                inf.linear_batch_limit,
                "sequences",
                "Batch up to which throughput grows linearly",
            )
            batched = inference.batched_tokens(sheet, rate, batch, limit)
            best_rps = inference.requests_per_replica(
                sheet,
                batched,
                st.output_tokens,
                "batched_requests_per_second_per_replica",
                "Requests per second per replica (batched)",
            )
        if load is not None:
            if inf.gpus_per_replica > 1:
                needed = traffic.tokens_per_second(
                    sheet, load, st.output_tokens, "peak_output_tokens_per_second"
                )
                _, total = inference.replicas_for_tokens(sheet, needed, rate, per_replica)
                st.gpus["required"] = total
            else:
                st.gpus["required"] = inference.gpus_for_load(sheet, load, best_rps)
    else:  # token-rate: the scenario states tokens/s per GPU
        if inf.tokens_per_second_per_gpu is None:
            raise BotecInputError(
                "inference.tokens_per_second_per_gpu", "missing", "tokens/s one GPU produces"
            )
        if load is None:
            raise BotecInputError("users", "missing", "a [users] section to size GPUs for")
        avg = traffic.tokens_per_second(
            sheet, st.average_rps, st.output_tokens, "average_output_tokens_per_second"
        )
        del avg
        needed = traffic.tokens_per_second(
            sheet, load, st.output_tokens, "peak_output_tokens_per_second"
        )
        per_gpu = sheet.input(
            "tokens_per_second_per_gpu",
            inf.tokens_per_second_per_gpu,
            "token/s",
            "Output tokens per second per GPU",
            "scenario",
        )
        st.gpus["required"] = inference.gpus_for_tokens(sheet, needed, per_gpu)
        if inf.batched_tokens_per_second_per_gpu:
            batched = sheet.input(
                "batched_tokens_per_second_per_gpu",
                inf.batched_tokens_per_second_per_gpu,
                "token/s",
                f"Output tokens per second per GPU {inf.batched_label}",
                "scenario",
            )
            st.gpus["batched"] = inference.gpus_for_tokens(
                sheet,
                needed,
                batched,
                name="gpus_for_tokens_batched",
                title=f"GPUs for the token rate {inf.batched_label}",
            )
    _gpu_cost(sheet, scn, gpu, st)


def _serving_plan(sheet: Sheet, scn: Scenario, st: _State) -> None:
    from botec.stages.plan import run_plan

    if scn.serving is None:
        raise BotecInputError(
            "serving_plan", "no [serving] section", "a [serving] section naming model, GPU, lengths"
        )
    if st.peak_rps is None or st.average_rps is None:
        raise BotecInputError(
            "serving_plan",
            "no traffic",
            "a [users] section with requests_per_second, or daily_active_users and "
            "requests_per_user_per_day",
        )
    price = scn.cost.usd_per_gpu_hour if scn.cost else None
    run_plan(sheet, scn.serving, scn.serving_plan, st.peak_rps, st.average_rps, price)


def _reality_check(
    sheet: Sheet,
    scn: Scenario,
    inf: InferenceSection,
    st: _State,
    qps: Value,
    peak: Value,
    bandwidth: Value,
    gpu_mem: Value,
    gpu: catalog.Hardware,
) -> None:
    """What the compute-bound shortcut assumes, and a roofline figure at stated efficiencies."""
    assert scn.model is not None and st.params is not None and st.weights is not None
    assert st.output_tokens is not None
    batch = inference.batch_needed(sheet, qps, st.output_tokens, st.weights, bandwidth)
    kv = _shape(sheet, scn.model, "", st)
    if st.prompt_tokens is None:
        st.prompt_tokens = sheet.step(inference.PROMPT_AS_OUTPUT, output_tokens=st.output_tokens)
    context = sheet.step(
        inference.CONTEXT, prompt_tokens=st.prompt_tokens, output_tokens=st.output_tokens
    )
    kv_needed = memory.kv_cache_memory(
        sheet,
        kv,
        context,
        batch,
        name="kv_cache_for_batch_needed",
    )
    memory.serving_memory(sheet, st.weights, kv_needed)
    usable = sheet.assume(
        "usable_memory_fraction",
        inf.usable_memory_fraction,
        "fraction",
        "Share of GPU memory usable for weights + KV",
        "vLLM's default gpu_memory_utilization is 0.9; the rest is CUDA context and activations",
    )
    fits = inference.max_batch(sheet, gpu_mem, usable, st.weights, kv, context)
    cap = sheet.assume(
        "engine_max_batch",
        inf.max_batch,
        "sequences",
        "Serving engine's batch cap",
        "vLLM's default max_num_seqs is 256",
    )
    chosen = sheet.step(inference.CHOSEN_BATCH, max_batch_that_fits=fits, engine_max_batch=cap)
    if chosen.value < 1:
        sheet.note("bad", f"The weights alone do not fit in one {gpu.name}: no batch fits.")
        return
    mean_ctx = sheet.step(
        inference.MEAN_CONTEXT, prompt_tokens=st.prompt_tokens, output_tokens=st.output_tokens
    )
    eff_c = _assumed(
        sheet,
        "compute_efficiency",
        inf.compute_efficiency,
        "fraction",
        "Compute efficiency (share of peak)",
    )
    if inf.compute_efficiency is None:
        eff_c = _on_this_gpu(sheet, eff_c, gpu)
    eff_m = _assumed(
        sheet,
        "memory_efficiency",
        inf.memory_efficiency,
        "fraction",
        "Memory-bandwidth efficiency",
    )
    per_request = inference.roofline_request(
        sheet,
        params=st.params,
        weights=st.weights,
        batch=chosen,
        prompt_tokens=st.prompt_tokens,
        output_tokens=st.output_tokens,
        mean_context_tokens=mean_ctx,
        kv_per_token=kv,
        peak=peak,
        bandwidth=bandwidth,
        compute_efficiency=eff_c,
        memory_efficiency=eff_m,
        roofline_sharpness=_roofline_sharpness(sheet, inf.roofline_sharpness),
    )
    real_qps = inference.realistic_qps_per_gpu(sheet, per_request)
    if st.peak_rps is not None:
        st.gpus["realistic"] = inference.gpus_for_load(
            sheet,
            st.peak_rps,
            real_qps,
            name="realistic_gpus_required",
            title="GPUs required (roofline)",
        )
    verdicts.reality_check(
        sheet,
        qps,
        batch,
        kv_needed,
        st.weights,
        gpu,
        real_qps,
        st.gpus.get("required"),
        st.gpus.get("realistic"),
    )


def _kv_cache(sheet: Sheet, scn: Scenario, kvs: KvCacheSection, st: _State) -> None:
    if scn.model is None or st.weights is None:
        raise BotecInputError("kv_cache", "no [model] section", "a [model] with params and shape")
    kv = _shape(sheet, scn.model, kvs.kv_precision, st)
    ctx = sheet.input("context_tokens", kvs.context_tokens, "tokens", "Context per sequence")
    seqs = sheet.input(
        "concurrent_sequences", kvs.concurrent_sequences, "sequences", "Concurrent sequences"
    )
    cache = memory.kv_cache_memory(sheet, kv, ctx, seqs)
    total = memory.serving_memory(sheet, st.weights, cache)
    verdicts.kv_ratio(sheet, cache, st.weights)
    if kvs.gpu:
        verdicts.memory_fit(sheet, total, catalog.get_hardware(kvs.gpu, "kv_cache.gpu"))


def _storage(sheet: Sheet, scn: Scenario, st: _State) -> None:
    s = scn.storage
    assert s is not None
    users_count = s.users or (scn.users.daily_active_users if scn.users else None)
    if s.user_profile_size is not None:
        if users_count is None:
            raise BotecInputError("storage.users", "missing", "how many users have a profile")
        users = sheet.input("users", users_count, "users", "Users with a profile")
        size = sheet.input("profile_bytes", s.user_profile_size, "B", "Bytes per user profile")
        storage.user_profiles(sheet, users, size)
    if s.interaction_size is not None:
        if st.dau is None:
            raise BotecInputError("users.daily_active_users", "missing", "DAU for interaction data")
        per_user_value = s.interactions_per_user_per_day or (
            scn.users.requests_per_user_per_day if scn.users else None
        )
        if per_user_value is None:
            raise BotecInputError("storage.interactions_per_user_per_day", "missing", "a count")
        per_user = sheet.input(
            "interactions_per_user_per_day",
            per_user_value,
            "interactions/user/day",
            "Interactions per user per day",
        )
        size = sheet.input(
            "bytes_per_interaction", s.interaction_size, "B", "Bytes per interaction"
        )
        overhead = _assumed(sheet, "index_overhead", s.index_overhead, "fraction", "Index overhead")
        _daily, monthly = storage.interactions(sheet, st.dau, per_user, size, overhead)
        if scn.cost:
            price = _object_price(sheet, scn)
            st.monthly_costs.append(
                storage.object_storage_cost(
                    sheet,
                    monthly,
                    price,
                    name="interaction_storage_cost_per_month",
                    title="Storage cost for one month of interactions",
                )
            )


def _price(
    sheet: Sheet,
    name: str,
    given: float | None,
    category: str,
    key: str,
    field: str,
    unit: str,
    title: str,
) -> Value:
    """A price the scenario states, or else the catalog's, recorded with where it came from."""
    if given is not None:
        return sheet.input(name, given, unit, title, "scenario")
    p = catalog.get_price(category, key)
    return sheet.input(
        name, p.get(field), unit, f"{title} ({p.name})", f"catalog: {p.source}, {p.as_of}"
    )


def _object_price(sheet: Sheet, scn: Scenario) -> Value:
    given = scn.cost.object_storage_usd_per_gb_month if scn.cost else None
    return _price(
        sheet,
        "usd_per_gb_month",
        given,
        "object_storage",
        "s3-standard",
        "usd_per_gb_month",
        "USD/GB-month",
        "Object storage price",
    )


def _feature_store(sheet: Sheet, scn: Scenario, st: _State) -> None:
    f = scn.feature_store
    assert f is not None
    memory_bytes, nodes = feature_store.feature_store(
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
        store_overhead=_assumed(
            sheet, "store_overhead", f.store_overhead, "x", "In-memory store overhead"
        ),
        headroom=sheet.input("headroom", f.headroom, "fraction", "Node headroom", "scenario"),
        node_memory=sheet.input("node_memory", f.node_memory, "B", "Memory per store node"),
    )
    if scn.cost:
        price = _price(
            sheet,
            "memory_store_usd_per_gb_month",
            scn.cost.memory_store_usd_per_gb_month,
            "memory_store",
            "redis",
            "usd_per_gb_month",
            "USD/GB-month",
            "In-memory store price",
        )
        st.monthly_costs.append(
            feature_store.store_cost(
                sheet, memory_bytes, sheet["headroom"], price, bytes_per_gb(sheet)
            )
        )
    del nodes


def _training_data(sheet: Sheet, scn: Scenario, st: _State) -> None:
    t = scn.training_data
    assert t is not None
    dau = sheet.input(
        "training_data_users", t.daily_active_users, "users", "Users generating events"
    )
    kept = storage.training_data(
        sheet,
        dau,
        sheet.input("events_per_user_per_day", t.events_per_user_per_day, "events/user/day"),
        sheet.input("bytes_per_event", t.bytes_per_event, "B", "Bytes per event"),
        sheet.input("retention_days", t.retention_days, "days", "Retention"),
        _assumed(sheet, "compression_ratio", t.compression_ratio, "x", "Compression ratio"),
    )
    if scn.cost:
        price = _object_price(sheet, scn)
        st.monthly_costs.append(storage.object_storage_cost(sheet, kept, price))


def _cpu_serving(sheet: Sheet, scn: Scenario, st: _State) -> None:
    c = scn.cpu_serving
    assert c is not None
    if st.peak_rps is None:
        raise BotecInputError("users", "missing", "a [users] section to size CPU serving for")
    cores, machines = cpu_serving.cpu_serving(
        sheet,
        st.peak_rps,
        sheet.input("latency_per_request", c.latency_per_request, "s", "Model latency per request"),
        sheet.input("headroom_factor", c.headroom_factor, "x", "Headroom factor", "scenario"),
        sheet.input("cores_per_machine", c.cores_per_machine, "cores/machine", "Cores per machine"),
        sheet.input(
            "min_machines", c.min_machines, "machines", "Minimum machines (redundancy)", "scenario"
        ),
    )
    verdicts.cpu_served(sheet, cores)
    if scn.cost and c.usd_per_machine_hour is not None:
        price = sheet.input(
            "usd_per_machine_hour", c.usd_per_machine_hour, "USD/h", "Price per machine-hour"
        )
        st.monthly_costs.append(
            cost.fleet_cost(
                sheet,
                machines,
                price,
                hours_per_month(sheet),
                "cpu_serving_cost_per_month",
                "CPU serving cost per month",
            )
        )


def _gpu_cost(sheet: Sheet, scn: Scenario, gpu: catalog.Hardware, st: _State) -> None:
    if not scn.cost or not st.gpus:
        return
    billed = st.gpus.get(scn.cost.gpus_billed) or st.gpus["required"]
    if scn.cost.usd_per_gpu_hour is not None:
        price = sheet.input(
            "usd_per_gpu_hour", scn.cost.usd_per_gpu_hour, "USD/h", "Price per GPU-hour", "scenario"
        )
    else:
        p = catalog.get_price("gpu", gpu.key, "inference.gpu")
        on_demand = sheet.input(
            "on_demand_usd_per_gpu_hour" if scn.cost.gpu_price == "spot" else "usd_per_gpu_hour",
            p.get("on_demand_usd_per_hour"),
            "USD/h",
            f"{gpu.name} on-demand price",
            f"catalog: {p.source}",
        )
        price = on_demand
        if scn.cost.gpu_price == "spot":
            fraction = _assumed(
                sheet,
                "spot_price_fraction",
                scn.cost.spot_price_fraction,
                "fraction",
                "Spot price as a share of on-demand",
                nominal=p.spot_fraction,
            )
            price = sheet.step(
                cost.SPOT_PRICE, on_demand_usd_per_gpu_hour=on_demand, spot_price_fraction=fraction
            )
    st.monthly_costs.append(
        cost.fleet_cost(
            sheet, billed, price, hours_per_month(sheet), "gpu_cost_per_month", "GPU cost per month"
        )
    )


def _training(sheet: Sheet, t: TrainingSection, st: _State) -> None:
    from botec.stages.training import run_training

    run_training(sheet, t, st)


def _same_input(existing: Value | None, value: Any) -> bool:
    """Whether ``value`` is what ``existing`` records (the same number, or the same range)."""
    if existing is None:
        return False
    if isinstance(value, Uncertain) or existing.spec is not None:
        return existing.spec is value
    return bool(existing.value == value)


def _fresh_name(sheet: Sheet, name: str, value: Any, prefix: str = "training_") -> str:
    """``name``, or ``training_name`` (``prefix + name``) when an earlier section recorded
    ``name`` differently (a scenario that serves a 3B model and trains a 7B one has two
    parameter counts)."""
    existing = sheet.inputs.get(name)
    return name if existing is None or _same_input(existing, value) else f"{prefix}{name}"


def _fresh(sheet: Sheet, name: str, value: Any, unit: str, title: str) -> Value:
    existing = sheet.inputs.get(name)
    if existing is not None and _same_input(existing, value):
        return existing
    return sheet.input(_fresh_name(sheet, name, value), value, unit, f"{title} (training)")


def _bandwidth(sheet: Sheet, scn: Scenario, st: _State) -> None:
    req = scn.requests
    assert req is not None
    load = st.average_rps
    if load is None:
        raise BotecInputError("users", "missing", "a [users] section for bandwidth")
    sized_for = "average"
    if scn.users and point(scn.users.peak_factor or 3) > 1 and st.peak_rps is not None:
        load, sized_for = st.peak_rps, "peak"
    if req.request_size:
        size = sheet.input("request_bytes", req.request_size, "B", "Bytes per request")
        network.bandwidth(
            sheet, load, size, "ingress_bandwidth", f"Ingress bandwidth ({sized_for})"
        )
    if req.response_size:
        size = sheet.input("response_bytes", req.response_size, "B", "Bytes per response")
        network.bandwidth(sheet, load, size, "egress_bandwidth", f"Egress bandwidth ({sized_for})")
        if scn.cost:
            price = _price(
                sheet,
                "egress_usd_per_gb",
                scn.cost.egress_usd_per_gb,
                "egress",
                "internet",
                "usd_per_gb",
                "USD/GB",
                "Egress price",
            )
            st.monthly_costs.append(
                network.egress_cost(
                    sheet, st.average_rps or load, size, days_per_month(sheet), price
                )
            )


def _seed_checks(sheet: Sheet, scn: Scenario) -> None:
    for entry in scn.seed_check:
        if entry.result not in sheet:
            raise BotecInputError(
                "seed_check.result",
                entry.result,
                f"a result of this scenario: {', '.join(sheet.steps)}",
            )
        computed = sheet[entry.result]
        sheet.seed_checks.append(
            SeedCheck(
                result=entry.result,
                printed=entry.printed,
                printed_value=entry.value,
                cite=entry.cite,
                why=entry.why,
                tolerance=entry.tolerance,
                computed=float(computed),
                unit=computed.unit,
            )
        )
