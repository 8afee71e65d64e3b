"""Verdicts in words, the way the seeds draw them: fits or not, CPU or GPU, within budget or not."""

from __future__ import annotations

import math

from botec.catalog import Hardware
from botec.core.sheet import Sheet, Value
from botec.core.units import format_count, format_memory, format_quantity, sig3


def _f(v: Value) -> float:
    return float(v)


def room(gpu: Hardware, workspace: float) -> tuple[float, str]:
    """(bytes one GPU offers a workload, the arithmetic in words): its memory as CUDA sees it
    less the CUDA context and library workspace every process keeps (the catalog's
    ``workspace_per_gpu`` at its nominal)."""
    have = gpu.usable_bytes - workspace
    return have, (
        f"{format_memory(have)}, its {format_memory(gpu.usable_bytes)} less "
        f"{format_memory(workspace)} of CUDA context and workspace"
    )


def weights_fit(sheet: Sheet, weights: Value, gpu: Hardware, workspace: float) -> None:
    w = _f(weights)
    have, text = room(gpu, workspace)
    if w <= have:
        sheet.note(
            "ok",
            f"The weights ({format_memory(w)}) fit on one {gpu.name} ({text}); that leaves "
            f"{format_memory(have - w)} for the KV cache and activations.",
            verdict=True,
        )
    else:
        n = math.ceil(w / have)
        sheet.note(
            "warn",
            f"The weights ({format_memory(w)}) do not fit on one {gpu.name}: at least "
            f"{n:,} GPUs with tensor or pipeline parallelism just to hold them.",
            verdict=True,
        )


def memory_fit(sheet: Sheet, total: Value, gpu: Hardware, workspace: float) -> None:
    need = _f(total)
    have, text = room(gpu, workspace)
    if need <= have:
        sheet.note(
            "ok",
            f"Fits on one {gpu.name}: {format_memory(need)} ({need / have:.0%}) of {text}.",
            verdict=True,
        )
    else:
        n = math.ceil(need / have)
        sheet.note(
            "bad",
            f"Does not fit on one {gpu.name}: {format_memory(need)} needed, {text} available; "
            f"at least {n:,} × {gpu.name} with the state sharded across them.",
            verdict=True,
            topic="fit",
        )


def kv_ratio(sheet: Sheet, kv_cache: Value, weights: Value) -> None:
    ratio = _f(kv_cache) / _f(weights)
    sheet.note(
        "info",
        f"The KV cache is {sig3(ratio)}× the weights at this concurrency and context; "
        "it grows linearly with both.",
    )


def cpu_served(sheet: Sheet, cores: Value, machines: Value) -> None:
    """A few machines' worth of cores is the seed's 'no GPU needed'; past 256 cores, compare."""
    n, m = _f(cores), _f(machines)
    fleet = f"{format_count(m)} machine" + ("" if m == 1 else "s")
    if n <= 256:
        sheet.note(
            "ok",
            f"CPU-served, no GPU needed: {format_count(n)} core{'' if n == 1 else 's'} with "
            f"headroom, on {fleet}.",
            verdict=True,
        )
    else:
        sheet.note(
            "warn",
            f"{format_count(n)} CPU cores on {fleet}: at this scale compare against GPU serving.",
            verdict=True,
        )


def chinchilla(sheet: Sheet, tokens: Value, optimal: Value) -> None:
    ratio = _f(tokens) / _f(optimal)
    if 0.8 <= ratio <= 1.25:
        sheet.note("ok", "Compute-optimal: about 20 tokens per parameter (Chinchilla).")
    elif ratio > 1.25:
        sheet.note(
            "info",
            f"{sig3(ratio)}× the Chinchilla-optimal tokens: over-trained for its size, "
            "which costs more now and makes inference cheaper (Llama 2 trained 7B on 2T tokens).",
        )
    else:
        sheet.note(
            "warn",
            f"Only {sig3(ratio)}× the Chinchilla-optimal tokens: the same compute would "
            "train a smaller model to a lower loss.",
        )


def budget(sheet: Sheet, ratio: Value) -> None:
    """The seeds' order-of-magnitude rule: one order off is feasible with care, two is misscaled.
    Judged at the median, the figure the headline prints (the nominal point can sit on the other
    side of 100% from it), with a warning when the pessimistic end (p95) is over."""
    _, r, p95 = ratio.percentiles()
    nominal = float(ratio)
    # the step prints the nominal ratio: where it sits on the other side of 1, say both
    aside = (
        f" at the median (the nominal inputs give {sig3(nominal)}×)"
        if (nominal <= 1) != (r <= 1)
        else ""
    )
    if r <= 1:
        sheet.note(
            "ok", f"Within budget{aside}: the run costs {sig3(r * 100)}% of it.", verdict=True
        )
        if p95 > 1:
            sheet.note(
                "warn",
                f"At the pessimistic end of the ranges (p95) the run costs {sig3(p95)}× the "
                "budget: keep headroom, or measure the MFU on a short run first.",
                verdict=True,
            )
        return
    orders = math.log10(r)
    if orders < 0.5:
        verdict = "same order of magnitude: expensive but doable"
    elif orders < 1.5:
        verdict = (
            "one order of magnitude off: feasible only with care (smaller model, fewer "
            "tokens, spot capacity or more budget)"
        )
    else:
        verdict = "two or more orders of magnitude off: misscaled, rethink the plan"
    sheet.note(
        "bad" if orders >= 1.5 else "warn",
        f"The budget is {sig3(r)}× too small{aside} — {verdict}.",
        verdict=True,
    )


def reality_check(
    sheet: Sheet,
    qps: Value,
    batch: Value,
    kv_needed: Value,
    weights: Value,
    gpu: Hardware,
    real_qps: Value,
    gpus: Value | None,
    real_gpus: Value | None,
) -> None:
    need = _f(weights) + _f(kv_needed)
    fits = "fits" if need <= gpu.usable_bytes else "does NOT fit"
    sheet.note(
        "info",
        f"The compute-bound shortcut's {format_quantity(_f(qps), 'req/s')} per GPU assumes about "
        f"{format_count(round(_f(batch)))} sequences decoding at once on every GPU at 100% of "
        f"peak. That batch's KV cache is {format_memory(_f(kv_needed))}; with the weights it "
        f"{fits} in {format_memory(gpu.usable_bytes)}.",
    )
    ratio = _f(qps) / _f(real_qps)
    text = (
        f"On the serving roofline (the engine's efficiencies and overheads, prefill and KV-cache "
        f"reads counted) one GPU serves "
        f"{format_quantity(_f(real_qps), 'req/s')}: {sig3(ratio)}× fewer than the shortcut"
    )
    if gpus is not None and real_gpus is not None:
        text += f", so {format_count(_f(real_gpus))} GPUs rather than {format_count(_f(gpus))}"
    sheet.note("warn" if ratio > 1.5 else "info", text + ".")


def bound(sheet: Sheet, intensity: Value, ridge: Value) -> None:
    ai, rp = _f(intensity), _f(ridge)
    if ai < rp:
        sheet.note(
            "info",
            f"Memory-bound: {sig3(ai)} FLOP per byte read, against a ridge point of "
            f"{sig3(rp)} FLOP/B — the tensor cores idle {sig3(rp / ai)}× more than they work. "
            "Batching raises the intensity.",
        )
    else:
        sheet.note(
            "info", f"Compute-bound: {sig3(ai)} FLOP/B is past the ridge point ({sig3(rp)})."
        )


def generation_fit(
    sheet: Sheet, need: Value, gpu: Hardware, weights: Value, workspace: float
) -> None:
    """Whether a generator's batch fits, and what people do when it does not."""
    total, held = _f(need), _f(weights)
    have, text = room(gpu, workspace)
    if total <= have:
        sheet.note(
            "ok",
            f"Fits on one {gpu.name}: {format_memory(total)} ({total / have:.0%}) of {text}.",
            verdict=True,
        )
        return
    fix = (
        "a smaller batch, or decoding the VAE in tiles"
        if held <= have
        else "the text encoders offloaded to the CPU once the prompt is encoded, FP8 weights, or "
        "a GPU with more memory"
    )
    sheet.note(
        "bad",
        f"Does not fit on one {gpu.name}: {format_memory(total)} needed "
        f"(weights {format_memory(held)}), {text} available. Try {fix}.",
        verdict=True,
        topic="fit",
    )
