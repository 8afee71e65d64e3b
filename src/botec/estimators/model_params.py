"""Parameter counts of a decoder-only transformer, as formulas: embeddings, attention (MHA, GQA,
MQA, MLA), the MLP (gated or plain), norms, mixture-of-experts layers and the output head.

A :class:`ParamShape` holds what the count needs, in one vocabulary for every family (the
Hugging Face reader fills it from a ``config.json``). :func:`param_plan` turns it into the
inputs and :class:`~botec.core.sheet.Formula` steps of the count; both answers evaluate that plan:

* :func:`count_params` on plain integers (``ModelSpec.params_total`` without a sheet);
* :func:`botec.stages.model_params.record_param_count` on a sheet, so a report shows how the
  count was made (or, for a catalog model that states its count, where the count comes from).

>>> shape = ParamShape(layers=32, hidden_size=4096, heads=32, kv_heads=32, head_dim=128,
...                    ffn_size=11008, vocab_size=32000)  # Llama 2 7B
>>> count_params(shape)
(6738415616, 6738415616)
"""

from __future__ import annotations

from dataclasses import dataclass

from botec.core.sheet import Formula

__all__ = ["MLAShape", "ParamPlan", "ParamShape", "count_params", "evaluate_plan", "param_plan"]

# ---- the formulas (unit: params, except the layer count) ----------------------------------------
# fmt: off
EMBEDDING = Formula(
    "embedding_params", "vocab_size * hidden_size", "params", "Token embedding",
    "One hidden_size-wide vector per vocabulary entry.",
)
POSITIONS = Formula(
    "position_params", "positions * hidden_size", "params", "Learned position embedding",
    "One hidden_size-wide vector per position (models with rotary or ALiBi positions have none).",
)
NORM = Formula(
    "norm_params", "norm_vectors * hidden_size", "params", "Parameters per normalisation layer",
    "RMSNorm (or LayerNorm without bias) learns one scale vector; LayerNorm with bias two.",
)
ATTENTION_PROJECTIONS = Formula(
    "attention_projection_params",
    "hidden_size * (heads + 2 * kv_heads) * head_dim + heads * head_dim * hidden_size",
    "params", "Attention projections per layer (Q, K, V, O)",
    "Q and O are heads × head_dim wide; K and V only kv_heads × head_dim (GQA and MQA share each "
    "key/value head among heads / kv_heads query heads).",
)
QKV_BIAS = Formula(
    "qkv_bias_params", "(heads + 2 * kv_heads) * head_dim", "params", "Q, K, V biases per layer"
)
OUTPUT_BIAS = Formula("o_bias_params", "hidden_size", "params", "Attention output bias per layer")
QK_NORM = Formula(
    "qk_norm_params", "2 * head_dim", "params", "Query and key norms per layer",
    "Qwen3 normalises each query and key head with one shared head_dim-wide RMSNorm scale.",
)
MLA_QUERY_LORA = Formula(
    "mla_query_params",
    "hidden_size * q_lora_rank + q_lora_rank + q_lora_rank * heads * (qk_nope_head_dim + "
    "rope_head_dim)",
    "params", "MLA query path per layer (down-projection, its norm, up-projection)",
    "DeepSeek's queries pass through a q_lora_rank-wide latent with its own RMSNorm.",
)
MLA_QUERY = Formula(
    "mla_query_params", "hidden_size * heads * (qk_nope_head_dim + rope_head_dim)", "params",
    "MLA query projection per layer", "Without q_lora_rank the query is projected directly.",
)
MLA_KV = Formula(
    "mla_kv_params",
    "hidden_size * (kv_lora_rank + rope_head_dim) + kv_lora_rank + kv_lora_rank * heads * "
    "(qk_nope_head_dim + v_head_dim)",
    "params", "MLA key/value path per layer (latent and rotary key, its norm, up-projections)",
    "Keys and values are rebuilt per head from one kv_lora_rank-wide latent.",
)
MLA_OUTPUT = Formula(
    "mla_output_params", "heads * v_head_dim * hidden_size", "params",
    "MLA output projection per layer",
)
LAYER_NORMS = Formula(
    "layer_norm_params", "norms_per_layer * norm_params", "params", "Norms per layer",
    "Usually one before attention and one before the MLP; parallel blocks may share one.",
)
MLP = Formula(
    "mlp_params", "mlp_matrices * hidden_size * ffn_size", "params", "MLP weights per layer",
    "A gated (SwiGLU) MLP has three hidden_size × ffn_size matrices (gate, up, down); a plain one "
    "two (up, down).",
)
MLP_BIAS = Formula(
    "mlp_bias_params", "(mlp_matrices - 1) * ffn_size + hidden_size", "params",
    "MLP biases per layer",
    "The ffn_size-wide input projections and the hidden_size-wide output each carry a bias.",
)
ROUTER = Formula(
    "router_params", "hidden_size * experts", "params", "Router per MoE layer",
    "One logit per routed expert from the hidden state.",
)
ROUTER_BIAS = Formula(
    "router_bias_params", "experts", "params", "Router score-correction bias per MoE layer",
    "DeepSeek-V3's auxiliary-loss-free balancing keeps one bias per routed expert.",
)
SHARED_EXPERTS = Formula(
    "shared_expert_params", "3 * hidden_size * shared_ffn_size", "params",
    "Shared (always-on) experts per MoE layer",
    "Gated MLPs (three matrices) whose widths add up to shared_ffn_size; every token uses them.",
)
SHARED_GATE = Formula(
    "shared_gate_params", "hidden_size", "params", "Shared-expert gate per MoE layer",
    "Qwen2-MoE scales the shared expert by a sigmoid of one hidden_size-wide projection.",
)
ROUTED_EXPERTS = Formula(
    "routed_expert_params", "experts * expert_params", "params",
    "Routed experts per MoE layer (all)",
    "Every routed expert is stored, whether or not a token picks it.",
)
ROUTED_ACTIVE = Formula(
    "routed_active_params", "experts_active * expert_params", "params",
    "Routed experts per MoE layer (used per token)",
    "Each token passes through experts_active of them.",
)
DENSE_LAYERS = Formula("dense_layers", "layers - moe_layers", "layers", "Dense (non-MoE) layers")
STACK = Formula("stack_params", "layers * layer_params", "params", "All layers of one kind")
LM_HEAD = Formula(
    "lm_head_params", "vocab_size * hidden_size", "params", "Output head (untied)",
    "A separate vocab_size × hidden_size projection to logits; tied models reuse the embedding.",
)
LM_HEAD_BIAS = Formula("lm_head_bias_params", "vocab_size", "params", "Output head bias")
# fmt: on

_SUMS: dict[tuple[str, tuple[str, ...]], Formula] = {}


def _sum_formula(name: str, title: str, parts: tuple[str, ...]) -> Formula:
    """``name = part1 + part2 + ...``, one Formula per combination of parts (reused after)."""
    key = (name, parts)
    if key not in _SUMS:
        _SUMS[key] = Formula(name, " + ".join(parts), "params", title)
    return _SUMS[key]


# ---- the shape ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MLAShape:
    """DeepSeek's multi-head latent attention widths (``q_lora_rank`` 0: no query latent)."""

    q_lora_rank: int
    kv_lora_rank: int
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int


@dataclass(frozen=True)
class ParamShape:
    """What the parameter count reads, in one vocabulary for every family.

    ``ffn_size`` is the dense MLP width (also that of an MoE model's dense layers);
    ``norm_vectors`` is 1 for RMSNorm (or LayerNorm without bias), 2 for LayerNorm with bias;
    ``shared_ffn_size`` is the total width of always-on shared experts (gated);
    ``moe_layers`` counts the layers whose MLP is routed experts.
    """

    layers: int
    hidden_size: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn_size: int
    vocab_size: int
    gated: bool = True  # SwiGLU-style MLP: three matrices instead of two
    tied: bool = False  # output projection shares the input embedding
    norm_vectors: int = 1
    norms_per_layer: int = 2
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False
    qk_norm: bool = False
    learned_positions: int = 0
    lm_head_bias: bool = False
    embed_norm: bool = False
    experts: int = 0
    experts_active: int = 0
    expert_ffn_size: int = 0
    shared_ffn_size: int = 0
    shared_gate: bool = False
    router_bias: bool = False
    moe_layers: int = 0
    mla: MLAShape | None = None


# ---- the plan: inputs and steps, evaluated on numbers or recorded on a sheet ---------------------


@dataclass(frozen=True)
class PlanInput:
    name: str
    value: int
    unit: str
    title: str


@dataclass(frozen=True)
class PlanStep:
    """``formula`` evaluated with each of its names bound to a plan value (``args``)."""

    name: str
    formula: Formula
    args: tuple[tuple[str, str], ...]
    title: str


@dataclass(frozen=True)
class ParamPlan:
    inputs: dict[str, PlanInput]
    steps: dict[str, PlanStep]
    total: str  # the step (or input) holding the total count
    active: str  # the one holding the count used per token (= total for dense models)


class _Builder:
    def __init__(self) -> None:
        self.inputs: dict[str, PlanInput] = {}
        self.steps: dict[str, PlanStep] = {}

    def inp(self, name: str, value: int, unit: str, title: str) -> str:
        self.inputs[name] = PlanInput(name, value, unit, title)
        return name

    def step(self, formula: Formula, name: str = "", title: str = "", **args: str) -> str:
        key = name or formula.name
        bound = tuple((arg, args.get(arg, arg)) for arg in formula.parsed.names)
        self.steps[key] = PlanStep(key, formula, bound, title or formula.title)
        return key

    def total(self, name: str, title: str, parts: list[str]) -> str:
        """The sum of ``parts`` as a step, or the one part itself."""
        if len(parts) == 1:
            return parts[0]
        return self.step(_sum_formula(name, title, tuple(parts)), name)


def _embeddings(b: _Builder, s: ParamShape) -> list[str]:
    """What comes before the first layer: token (and learned position) embeddings."""
    b.inp("vocab_size", s.vocab_size, "entries", "Vocabulary size")
    parts = [b.step(EMBEDDING)]
    if s.learned_positions:
        b.inp("positions", s.learned_positions, "positions", "Learned positions")
        parts.append(b.step(POSITIONS))
    if s.embed_norm:
        parts.append(b.step(NORM, "embedding_norm_params", "Norm after the embedding"))
    return parts


def _head(b: _Builder, s: ParamShape) -> list[str]:
    """What comes after the last layer: the final norm and the output head."""
    parts = [b.step(NORM, "final_norm_params", "Final norm")]
    if not s.tied:
        parts.append(b.step(LM_HEAD))
    if s.lm_head_bias:
        parts.append(b.step(LM_HEAD_BIAS))
    return parts


def _attention(b: _Builder, s: ParamShape) -> str:
    b.inp("heads", s.heads, "heads", "Attention heads")
    parts: list[str] = []
    if s.mla is not None:
        m = s.mla
        b.inp("qk_nope_head_dim", m.qk_nope_head_dim, "dims", "MLA query/key dim without position")
        b.inp("rope_head_dim", m.qk_rope_head_dim, "dims", "MLA rotary key dim")
        b.inp("kv_lora_rank", m.kv_lora_rank, "dims", "MLA latent rank")
        b.inp("v_head_dim", m.v_head_dim, "dims", "MLA value head dim")
        if m.q_lora_rank:
            b.inp("q_lora_rank", m.q_lora_rank, "dims", "MLA query latent rank")
            parts.append(b.step(MLA_QUERY_LORA))
        else:
            parts.append(b.step(MLA_QUERY))
        parts += [b.step(MLA_KV), b.step(MLA_OUTPUT)]
    else:
        b.inp("kv_heads", s.kv_heads, "heads", "KV heads")
        b.inp("head_dim", s.head_dim, "dims", "Head dimension")
        parts.append(b.step(ATTENTION_PROJECTIONS))
        if s.qkv_bias:
            parts.append(b.step(QKV_BIAS))
        if s.o_bias:
            parts.append(b.step(OUTPUT_BIAS))
    if s.qk_norm:
        b.inp("head_dim", s.head_dim, "dims", "Head dimension")
        parts.append(b.step(QK_NORM))
    return b.total("attention_params", "Attention per layer", parts)


def _mlp_matrices(b: _Builder, s: ParamShape) -> None:
    title = "Weight matrices per MLP (3: gated SwiGLU; 2: plain)"
    b.inp("mlp_matrices", 3 if s.gated else 2, "matrices", title)


def _dense_layer(b: _Builder, s: ParamShape, shared: list[str]) -> str:
    """One dense layer: attention, norms and the MLP (its width is ``dense_ffn_size`` in MoE
    models, whose ``ffn_size`` elsewhere means one expert's width)."""
    _mlp_matrices(b, s)
    ffn = b.inp("dense_ffn_size" if s.experts else "ffn_size", s.ffn_size, "dims", "MLP width")
    parts = [*shared, b.step(MLP, ffn_size=ffn)]
    if s.mlp_bias:
        parts.append(b.step(MLP_BIAS, ffn_size=ffn))
    return b.total("layer_params", "Parameters per dense layer", parts)


def _expert(b: _Builder, s: ParamShape) -> str:
    _mlp_matrices(b, s)
    ffn = b.inp("expert_ffn_size", s.expert_ffn_size, "dims", "MLP width of one routed expert")
    if not s.mlp_bias:
        return b.step(MLP, "expert_params", "Parameters per routed expert", ffn_size=ffn)
    weights = b.step(MLP, "expert_weight_params", "Weights per routed expert", ffn_size=ffn)
    bias = b.step(MLP_BIAS, "expert_bias_params", "Biases per routed expert", ffn_size=ffn)
    return b.total("expert_params", "Parameters per routed expert", [weights, bias])


def _moe_layer(b: _Builder, s: ParamShape, shared: list[str]) -> tuple[str, str]:
    """(all, used per token) parameters of one mixture-of-experts layer."""
    b.inp("experts", s.experts, "experts", "Routed experts (E)")
    b.inp("experts_active", s.experts_active, "experts", "Experts per token (k)")
    common = [*shared, b.step(ROUTER)]
    if s.router_bias:
        common.append(b.step(ROUTER_BIAS))
    if s.shared_ffn_size:
        b.inp("shared_ffn_size", s.shared_ffn_size, "dims", "Total width of the shared experts")
        common.append(b.step(SHARED_EXPERTS))
    if s.shared_gate:
        common.append(b.step(SHARED_GATE))
    always = b.total("moe_shared_params", "Per MoE layer, besides the routed experts", common)
    expert = _expert(b, s)
    routed = b.step(ROUTED_EXPERTS, expert_params=expert)
    used = b.step(ROUTED_ACTIVE, expert_params=expert)
    total = b.total("moe_layer_params", "Parameters per MoE layer", [always, routed])
    active = b.total(
        "moe_layer_active_params", "Parameters per MoE layer used per token", [always, used]
    )
    return total, active


def _stacks(b: _Builder, s: ParamShape, shared: list[str]) -> tuple[list[str], list[str]]:
    """(all, used per token) parameters of the layers: dense ones, then MoE ones."""
    layers = b.inp("layers", s.layers, "layers", "Transformer layers")
    stacks: list[str] = []
    used: list[str] = []
    if s.moe_layers:
        b.inp("moe_layers", s.moe_layers, "layers", "Layers with routed experts")
        if s.layers > s.moe_layers:
            layers = b.step(DENSE_LAYERS)
    if s.layers > s.moe_layers:
        layer = _dense_layer(b, s, shared)
        stacks.append(b.step(STACK, "dense_stack_params", "All dense layers", layers=layers,
                             layer_params=layer))  # fmt: skip
        used.append(stacks[-1])
    if s.moe_layers:
        moe, moe_used = _moe_layer(b, s, shared)
        stacks.append(b.step(STACK, "moe_stack_params", "All MoE layers", layers="moe_layers",
                             layer_params=moe))  # fmt: skip
        used.append(b.step(STACK, "moe_stack_active_params", "All MoE layers, used per token",
                           layers="moe_layers", layer_params=moe_used))  # fmt: skip
    return stacks, used


def param_plan(shape: ParamShape) -> ParamPlan:
    """The inputs and formula steps that count ``shape``'s parameters, in evaluation order."""
    s, b = shape, _Builder()
    b.inp("hidden_size", s.hidden_size, "dims", "Hidden size")
    b.inp("norm_vectors", s.norm_vectors, "vectors", "Vectors per norm (1 RMSNorm, 2 LayerNorm)")
    first = _embeddings(b, s)
    shared = [_attention(b, s)]
    b.step(NORM)
    b.inp("norms_per_layer", s.norms_per_layer, "norms", "Norms per layer")
    shared.append(b.step(LAYER_NORMS))
    stacks, used = _stacks(b, s, shared)
    last = _head(b, s)
    total = b.total("params_total", "Parameters (total)", first + stacks + last)
    active = total
    if s.moe_layers:
        active = b.total("params_active", "Parameters used per token", first + used + last)
    return ParamPlan(b.inputs, b.steps, total, active)


def evaluate_plan(plan: ParamPlan) -> dict[str, int]:
    """Every input and step of ``plan`` on plain numbers (no sheet)."""
    env: dict[str, int] = {name: item.value for name, item in plan.inputs.items()}
    for name, step in plan.steps.items():
        env[name] = step.formula.parsed.evaluate({arg: env[src] for arg, src in step.args})
    return env


def count_params(shape: ParamShape) -> tuple[int, int]:
    """(total, used per token) parameters of ``shape``: the same formulas, without a sheet."""
    plan = param_plan(shape)
    env = evaluate_plan(plan)
    return int(env[plan.total]), int(env[plan.active])
