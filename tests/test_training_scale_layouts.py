"""Training layouts at the scale big models train at: pipeline stages need not divide the layers,
and a deadline never picks a GPU count it then calls unfit."""

from __future__ import annotations

import pytest
from conftest import cli

from botec.estimators.training_layout import stage_choices, stage_share


def test_uneven_stages_put_the_remainder_on_some_of_them() -> None:
    # Llama 3 405B: 126 layers on 16 stages (the paper's PP 16): the largest stage holds
    # ⌈126 / 16⌉ = 8 layers, so each stage's share of the memory is 1/(126/8) = 1/15.75.
    assert stage_share(126, 16) == 126 / 8
    assert stage_share(32, 4) == 4
    assert 16 in stage_choices(126, 16_384) and 126 in stage_choices(126, 16_384)


def test_405b_on_16k_h100s_fits_in_a_layout_used_at_that_scale() -> None:
    code, out, _ = cli(
        "train", "--model", "llama-3.1-405b", "--tokens", "15.6T", "--gpu", "h100-sxm",
        "--gpus", "16384", "--seq-len", "8192", "--samples", "0",
    )  # fmt: skip
    assert code == 0
    assert "✔ Fits:" in out and "Does not fit" not in out


@pytest.mark.parametrize(
    ("model", "gpu", "tokens", "deadline"),
    [
        ("llama-2-70b", "a100-40gb", "100B", "300 days"),  # time alone: 16 GPUs, too few
        ("llama-2-70b", "a100-80gb", "2T", "30 days"),
        ("llama-3.1-405b", "h100-sxm", "15.6T", "60 days"),
        ("llama-2-13b", "rtx-4090", "50B", "365 days"),
    ],
)
def test_a_deadline_never_picks_a_count_it_then_calls_unfit(
    model: str, gpu: str, tokens: str, deadline: str
) -> None:
    code, out, _ = cli(
        "train", "--model", model, "--gpu", gpu, "--tokens", tokens, "--deadline", deadline,
        "--samples", "0",
    )  # fmt: skip
    assert code == 0
    assert "Does not fit" not in out, out[-600:]


def test_a_long_context_run_splits_each_sequence_over_context_parallel_gpus() -> None:
    # Llama 3 405B's 128K stage on 16,384 H100s (the paper used context parallelism 16): with
    # 131,072-token sequences no TP × PP × DP split holds the activations; each GPU holding
    # 1/CP of a sequence does. The sheet records the share it holds and the optimizer's shard
    # group, DP × CP.
    from conftest import cli_json

    r = cli_json(
        "train", "--model", "llama-3.1-405b", "--tokens", "800B", "--gpu", "h100-sxm",
        "--gpus", "16384", "--seq-len", "131072", "--samples", "0",
    )  # fmt: skip
    cp = r["inputs"]["context_parallel"]["value"]
    assert cp > 1
    assert r["results"]["seq_len_per_gpu"]["value"] == 131072 / cp
    dp = r["inputs"]["data_parallel"]["value"]
    assert r["results"]["optimizer_shard_group"]["value"] == dp * cp
    assert r["results"]["training_memory_utilization"]["value"] <= 1  # it fits
