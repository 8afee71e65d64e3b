"""What a mixture of experts adds to a decode step beyond the roofline: the routing kernels.

Each MoE layer runs a router, a top-k, a permutation of the tokens to their experts, grouped
matmuls and an un-permutation, every step; at small batch these kernels take a fixed time each,
whatever the work, so a step costs a fixed amount per MoE layer on top of the engine's own
per-step overhead (which the dense fit rows set).
"""

from __future__ import annotations

from botec.core.sheet import Formula

MOE_STEP_OVERHEAD = Formula(
    "moe_step_overhead",
    "step_overhead + layers * moe_layer_overhead",
    "s",
    "Per-step overhead of a mixture of experts",
    "The engine's fixed cost per step plus the expert routing's fixed cost in every layer "
    "(router, top-k, permute and un-permute kernels, small grouped matmuls); every layer is "
    "counted, the few dense first layers included.",
)
