"""What a training run leaves besides its model: the facility energy it draws, its checkpoints
(weights only, and the full state a resume needs) and its tokenised data."""

from __future__ import annotations

from botec.core.sheet import Formula

ENERGY = Formula(
    "training_energy",
    "gpus * gpu_tdp * power_fraction * pue * wall_clock / seconds_per_hour / watts_per_kilowatt",
    "kWh",
    "Training energy (facility)",
    "GPUs × TDP × average draw as a share of TDP × the data centre's PUE × time; host CPUs, "
    "network and storage are inside the PUE-like overhead only roughly.",
    headline=True,
)
WEIGHTS_CHECKPOINT = Formula(
    "weights_checkpoint_size",
    "params * checkpoint_bytes_per_param",
    "B",
    "Checkpoint: weights only (BF16)",
    "What inference needs: 2 bytes per parameter.",
)
FULL_CHECKPOINT = Formula(
    "full_checkpoint_size",
    "params * full_state_bytes_per_param",
    "B",
    "Checkpoint: full training state",
    "Weights plus what resuming needs: FP32 master weights and Adam's two moments (12 B/param); "
    "gradients are not saved.",
    headline=True,
)
DATASET_SIZE = Formula(
    "tokenized_dataset_size",
    "tokens * bytes_per_token_id",
    "B",
    "Tokenised training data",
    "Token ids as stored for training (uint16 below 65,536 vocabulary entries, else uint32); "
    "raw text is about 4 bytes per token of English.",
)
