"""Inputs that contradict each other, refused with both named: the same quantity given two ways
(a request rate and a user count, a catalog model and a parameter count), an impossible pair
(more daily than monthly users, a median latency target above its p99) or a fractional token
count where a prompt's length must be whole. One rule for a scenario file, a flag and an API body:
every one of them becomes a scenario and passes through here."""

from __future__ import annotations

from typing import Any

from botec.core.errors import BotecInputError
from botec.core.uncertain import Uncertain, point

# What is not a section to compute: the scenario's words, its catalog file, its checks, and
# [cost], which prices what other sections compute.
_NOT_COMPUTED = ("title", "description", "source", "catalog", "cost", "conclusions", "seed_check")


def check_conflicts(scn: Any, origin: str = "scenario") -> None:
    """Raise a :class:`BotecInputError` naming both fields of the first contradiction, or the
    scenario when it has nothing to compute (an empty file would print an empty report)."""
    if all(getattr(scn, n) is None for n in type(scn).model_fields if n not in _NOT_COMPUTED):
        raise BotecInputError(
            origin, "no section to compute",
            "at least one section, e.g. [users] or [training] (botec examples lists whole "
            "scenarios)",
        )  # fmt: skip
    users = scn.users
    if users is not None:
        _one_of(users, "users", "requests_per_second", "daily_active_users")
        _one_of(users, "users", "requests_per_second", "monthly_active_users")
        dau, mau = users.daily_active_users, users.monthly_active_users
        if dau is not None and mau is not None and point(dau) > point(mau):
            raise BotecInputError(
                "users.daily_active_users/users.monthly_active_users",
                f"{point(dau):,.0f} daily above {point(mau):,.0f} monthly",
                "daily active users at most the monthly ones (and only one of them: "
                "monthly_active_users takes dau_fraction)",
            )
        _one_of(users, "users", "daily_active_users", "monthly_active_users")
        _one_of(users, "users", "requests_per_second", "requests_per_user_per_day")
    for name in ("serving", "model_fit"):
        section = getattr(scn, name)
        if section is not None and section.model and section.params is not None:
            raise BotecInputError(
                f"{name}.model/{name}.params",
                "both",
                "one of them: a named model's parameter count comes from its architecture",
            )
    model = scn.model
    if model is not None and model.heads and model.kv_heads and model.heads % model.kv_heads:
        raise BotecInputError(
            "model.heads/model.kv_heads",
            f"{model.heads} and {model.kv_heads}",
            "query heads a multiple of the KV heads (each KV head serves a whole group)",
        )
    plan = scn.serving_plan
    if plan is not None and scn.serving is not None and scn.serving.tensor_parallel != 1:
        raise BotecInputError(
            "serving.tensor_parallel",
            scn.serving.tensor_parallel,
            "serving_plan.tensor_parallel beside a [serving_plan] (the plan chooses TP, or "
            "keeps the one it is given there)",
        )
    if plan is not None:
        for kind in ("ttft", "tpot"):
            p50, p99 = getattr(plan, f"{kind}_p50"), getattr(plan, f"{kind}_p99")
            if p50 is not None and p99 is not None and p50 > p99:
                raise BotecInputError(
                    f"serving_plan.{kind}_p50/{kind}_p99",
                    f"{p50:g} s above {p99:g} s",
                    "a median target at or below the p99 target (half the requests are faster "
                    "than the median, 99% faster than the p99)",
                )
    _whole_tokens(scn)
    _workloads(scn)
    _unread(scn)


# A [storage] setting and the one that makes it read.
_STORAGE_NEEDS = {
    "users": "user_profile_size",
    "interactions_per_user_per_day": "interaction_size",
    "index_overhead": "interaction_size",
}


def _unread(scn: Any) -> None:
    """A setting given where nothing reads it is refused, not silently dropped: a LoRA rank on a
    full fine-tune, a teacher's token count without a teacher, a tree depth for a DLRM."""
    train = scn.training
    if train is not None:
        for name in ("lora_rank", "lora_targets"):
            if name in train.model_fields_set and train.finetune == "full":
                raise BotecInputError(
                    f"training.{name}", getattr(train, name),
                    "no value with a full fine-tune (every weight trains): it is read only "
                    "with finetune lora or qlora",
                )  # fmt: skip
        if train.teacher_tokens is not None and not train.teacher:
            raise BotecInputError(
                "training.teacher_tokens", train.teacher_tokens,
                "no value without a teacher model (teacher), whose forward passes score "
                "those tokens",
            )  # fmt: skip
    store = scn.storage
    if store is not None:
        for name, needs in _STORAGE_NEEDS.items():
            if getattr(store, name) is not None and getattr(store, needs) is None:
                raise BotecInputError(
                    f"storage.{name}", getattr(store, name),
                    f"no value without storage.{needs}: nothing else reads it",
                )  # fmt: skip
    rec = scn.recommender
    if rec is not None and rec.kind == "dlrm":
        for name in ("trees", "tree_depth"):
            if name in rec.model_fields_set:
                raise BotecInputError(
                    f"recommender.{name}", getattr(rec, name),
                    "no value with kind dlrm: it is read only by a tree ensemble (kind trees)",
                )  # fmt: skip


def _workloads(scn: Any) -> None:
    """Contradictions inside the workload sections, and between them."""
    if scn.image_generation is not None and scn.video_generation is not None:
        raise BotecInputError(
            "image_generation/video_generation", "both",
            "one generation section per scenario (each records the same steps: size, steps, "
            "FLOPs); put the video in a scenario of its own",
        )  # fmt: skip
    emb = scn.embeddings
    if emb is not None:
        ivf = emb.index.startswith("ivf")
        if not ivf and (emb.nlist is not None or emb.nprobe is not None):
            raise BotecInputError(
                "embeddings.nlist/embeddings.nprobe", emb.index,
                "an IVF index (ivf-flat, ivf-pq) for lists to probe",
            )  # fmt: skip
        if ivf and None not in (emb.nlist, emb.nprobe) and emb.nprobe > emb.nlist:
            raise BotecInputError(
                "embeddings.nprobe", emb.nprobe, f"at most nlist ({emb.nlist}): no more lists "
                "can be probed than there are",
            )  # fmt: skip
        for name, kinds in _INDEX_ONLY.items():  # a setting the chosen index never reads
            if name in emb.model_fields_set and emb.index not in kinds:
                raise BotecInputError(
                    f"embeddings.{name}", getattr(emb, name),
                    f"no value with index = '{emb.index}': it is read only by "
                    f"{' or '.join(kinds)} indexes",
                )  # fmt: skip
        _one_traffic(scn, "embeddings.queries_per_second", emb.queries_per_second, "search")
        if emb.index == "hnsw" and emb.ef_search is not None and emb.ef_search < emb.top_k:
            raise BotecInputError(
                "embeddings.ef_search", emb.ef_search,
                f"at least top_k ({emb.top_k}): HNSW keeps ef candidates and returns the best k",
            )  # fmt: skip
    rec = scn.recommender
    if rec is not None:
        if rec.kind == "trees" and (rec.model or rec.embedding_rows is not None):
            raise BotecInputError(
                "recommender.kind/recommender.model", "trees",
                "a tree ensemble (trees, tree_depth) or a DLRM-style model (model or its "
                "tables), not both",
            )  # fmt: skip
        if rec.cores_per_request > rec.cores_per_machine:  # one request runs on one machine
            raise BotecInputError(
                "recommender.cores_per_request", rec.cores_per_request,
                f"at most cores_per_machine ({rec.cores_per_machine}): a request's cores share "
                "one machine",
            )  # fmt: skip
        _one_traffic(scn, "recommender.requests_per_second", rec.requests_per_second, "ranker")


# Index settings and the index kinds that read them (an IVF-PQ index stores codes, not vectors).
_INDEX_ONLY = {
    "hnsw_m": ("hnsw",),
    "ef_search": ("hnsw",),
    "ef_construction": ("hnsw",),
    "pq_bytes": ("ivf-pq",),
    "vector_precision": ("flat", "hnsw", "ivf-flat"),
}


def _one_of(section: Any, name: str, first: str, second: str) -> None:
    if getattr(section, first) is not None and getattr(section, second) is not None:
        raise BotecInputError(
            f"{name}.{first}/{name}.{second}",
            "both",
            "one of them: each gives the traffic; with both, one would be silently ignored",
        )


WHOLE_TOKENS = {
    "serving": ("input_tokens", "output_tokens"),
    "model_fit": ("context_tokens",),
    "kv_cache": ("context_tokens",),
}


def _whole_tokens(scn: Any) -> None:
    """A prompt or a context is a whole number of tokens (a range's draws are means: fine)."""
    for name, fields in WHOLE_TOKENS.items():
        section = getattr(scn, name)
        for field in fields if section is not None else ():
            value = getattr(section, field)
            if value is not None and not isinstance(value, Uncertain):
                number = point(value)
                if number != round(number):
                    raise BotecInputError(
                        f"{name}.{field}", number, "a whole number of tokens, e.g. 512"
                    )


def _one_traffic(scn: Any, field: str, rate: float | None, what: str) -> None:
    """A section's own request rate and a [users] section are two answers to one question."""
    if rate is not None and scn.users is not None:
        raise BotecInputError(
            f"{field}/users",
            "both",
            f"one of them: the [users] section's peak is the {what}'s traffic",
        )
