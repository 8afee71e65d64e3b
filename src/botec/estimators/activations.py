"""Activations per GPU during training, by the per-layer formulas of Korthikanti et al. 2022
("Reducing Activation Recomputation in Large Transformer Models", arXiv 2205.05198, Table 2), which
assume 16-bit activations, a 4h GeLU MLP and attention scores kept in memory.
"""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.core.sheet import Formula, Sheet, Value
from botec.estimators._plain import evaluate as _eval

_SBH = "seq_len * micro_batch * hidden_size"
_SCORES = "score_values_per_key * heads * seq_len / (hidden_size * tensor_parallel)"
_WHY_34 = (
    "Korthikanti et al. 2022 §4.1, 16-bit values: per layer 34·sbh bytes (attention 11sbh, MLP "
    "19sbh, two layer norms 4sbh), i.e. 17 values for each token's each hidden dim, + 5as²b "
    "bytes (2.5 values per query-key pair and head) for the attention scores, softmax and its "
    "dropout mask. "
)
# Korthikanti et al.'s coefficients are bytes at 16 bits; botec counts values (÷ 2 bytes) and
# multiplies by the bytes per activation value, so a number never hides its unit.
ACTIVATION_BYTES_PER_LAYER: dict[tuple[str, bool], Formula] = {
    ("none", False): Formula(
        "activation_bytes_per_layer_tp",
        f"{_SBH} * (5 + 12 / tensor_parallel + {_SCORES}) * activation_bytes",
        "B",
        "Activations per layer (tensor parallel, no recomputation)",
        _WHY_34 + "With TP only the 12 values inside attention and MLP and the scores split t "
        "ways; layer norms and dropouts (5) are replicated (§4.2.1, Table 2). t = 1 gives "
        "sbh(34 + 5as/h) bytes.",
    ),
    ("none", True): Formula(
        "activation_bytes_per_layer_tp_sp",
        f"{_SBH} * (17 / tensor_parallel + {_SCORES}) * activation_bytes",
        "B",
        "Activations per layer (tensor + sequence parallel, no recomputation)",
        _WHY_34 + "Sequence parallelism splits the layer norms and dropouts too (§4.2.2, Table 2).",
    ),
    ("selective", False): Formula(
        "activation_bytes_per_layer_tp_selective",
        f"{_SBH} * (5 + 12 / tensor_parallel) * activation_bytes",
        "B",
        "Activations per layer (tensor parallel, selective recomputation)",
        _WHY_34 + "Selective recomputation drops the 5as²b/t score term and recomputes it "
        "(§5, Table 2); FlashAttention saves the same term.",
    ),
    ("selective", True): Formula(
        "activation_bytes_per_layer_tp_sp_selective",
        f"{_SBH} * 17 / tensor_parallel * activation_bytes",
        "B",
        "Activations per layer (tensor + sequence parallel, selective recomputation)",
        _WHY_34 + "Sequence parallel and selective recomputation: 34sbh/t bytes (Table 2).",
    ),
    ("full", False): Formula(
        "activation_bytes_per_layer_full",
        f"{_SBH} * activation_bytes",
        "B",
        "Activations per layer (full recomputation)",
        "Full recomputation keeps only each layer's input, one value per token and hidden dim "
        "(2sbh bytes at 16 bits; Korthikanti et al. 2022 §5, Table 2), and recomputes the rest "
        "in the backward pass.",
    ),
    ("full", True): Formula(
        "activation_bytes_per_layer_full_sp",
        f"{_SBH} * activation_bytes / tensor_parallel",
        "B",
        "Activations per layer (full recomputation, sequence parallel)",
        "The layer input, 2sbh bytes at 16 bits, is sequence-sharded t ways between layers under "
        "sequence parallelism (Table 2 prints 2sbh, without SP).",
    ),
}
# 16-bit activations (BF16/FP16), the precision Korthikanti et al.'s coefficients assume.
ACTIVATION_BYTES = 2
# Scores (2 B), softmax output (2 B) and dropout mask (1 B) per query-key pair: 5 B = 2.5 values.
SCORE_VALUES_PER_KEY = 2.5
ACTIVATION_BYTES_PER_GPU = Formula(
    "activation_bytes_per_gpu",
    "activation_bytes_per_layer * layers / pipeline_parallel "
    "* min(pipeline_parallel, micro_batches)",
    "B",
    "Activations per GPU (first pipeline stage)",
    "With the 1F1B schedule the first of p stages holds L/p layers for min(p, m) in-flight "
    "micro-batches, i.e. L layers' worth when m ≥ p (Korthikanti et al. 2022 §4.3). Ignores the "
    "interleaved schedule's extra (1 + (p−1)/(p·v)) and the embedding/output-layer activations.",
    headline=True,
)
RECOMPUTE = ("none", "selective", "full")


def _activation_formula(recompute: str, sequence_parallel: bool) -> Formula:
    if recompute not in RECOMPUTE:
        raise BotecInputError("training.recompute", recompute, "none, selective or full")
    return ACTIVATION_BYTES_PER_LAYER[(recompute, bool(sequence_parallel))]


def activations(
    sheet: Sheet,
    shape: dict[str, Value],
    recompute: str = "selective",
    sequence_parallel: bool = True,
) -> Value:
    """Activations per GPU. ``shape`` maps seq_len, micro_batch, hidden_size, heads, layers,
    tensor_parallel, pipeline_parallel and micro_batches to values on the sheet."""
    formula = _activation_formula(recompute, sequence_parallel)
    shape = shape | {
        "activation_bytes": training_activation_bytes(sheet),
        "score_values_per_key": sheet.constant(
            "score_values_per_key",
            SCORE_VALUES_PER_KEY,
            "values/(tokens/sequence)",
            "Attention-score values per query token per context token (per head)",
            "Korthikanti et al. 2022: 5as²b bytes (scores 2 B, softmax 2 B, dropout mask 1 B "
            "per pair) at 2 bytes per value",
        ),
    }
    per_layer = sheet.step(
        formula, name="activation_bytes_per_layer", **{k: shape[k] for k in formula.parsed.names}
    )
    env = {**shape, "activation_bytes_per_layer": per_layer}
    names = ACTIVATION_BYTES_PER_GPU.parsed.names
    return sheet.step(ACTIVATION_BYTES_PER_GPU, **{k: env[k] for k in names})


def training_activation_bytes(sheet: Sheet) -> Value:
    """Bytes per activation value: BF16's 2, unless the stage recorded its precision's own (an
    FP32 run's 4) first."""
    existing = sheet.inputs.get("training_activation_bytes")
    if existing is not None:
        return existing
    return sheet.constant(
        "training_activation_bytes",
        ACTIVATION_BYTES,
        "B/token-dim",
        "Bytes per activation value",
        "BF16: 2 bytes for each token's each hidden dim",
    )


def activation_bytes(
    seq_len: float,
    micro_batch: float,
    hidden_size: float,
    heads: float,
    layers: float,
    tensor_parallel: float = 1,
    pipeline_parallel: float = 1,
    micro_batches: float | None = None,
    recompute: str = "none",
    sequence_parallel: bool = False,
    bytes_per_value: float = ACTIVATION_BYTES,
) -> float:
    """Activations per GPU (first pipeline stage); micro_batches defaults to pipeline_parallel."""
    env = {
        "seq_len": seq_len, "micro_batch": micro_batch, "hidden_size": hidden_size,
        "heads": heads, "layers": layers, "tensor_parallel": tensor_parallel,
        "pipeline_parallel": pipeline_parallel,
        "micro_batches": pipeline_parallel if micro_batches is None else micro_batches,
        "activation_bytes": bytes_per_value, "score_values_per_key": SCORE_VALUES_PER_KEY,
    }  # fmt: skip
    formula = _activation_formula(recompute, sequence_parallel)
    env["activation_bytes_per_layer"] = _eval(formula, env)
    return float(_eval(ACTIVATION_BYTES_PER_GPU, env))
