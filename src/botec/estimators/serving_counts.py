"""What a served request, a sequence and a decode step count, as named constants on the sheet:
a request is decoded as one sequence, attention pairs a query token with the tokens of its own
sequence, and a mixture of experts routes each token on its own."""

from __future__ import annotations

from botec.core.sheet import Formula, Sheet, Value

# Two matmuls (QKᵀ and AV), a multiply-add (2 FLOPs) each, per query-key pair and dimension.
ATTENTION_FLOP_PER_PAIR = 4
ATTENTION_PAIR_UNIT = "FLOP/token/(tokens/sequence)"  # per query token, per token of its context

PER_SEQUENCE_INPUT = Formula(
    "input_tokens_per_sequence",
    "input_tokens / sequences_per_request",
    "tokens/sequence",
    "Prompt tokens per sequence",
    "The engine decodes each request as one sequence, which holds the request's prompt.",
)
PER_SEQUENCE_OUTPUT = Formula(
    "output_tokens_per_sequence",
    "output_tokens / sequences_per_request",
    "tokens/sequence",
    "Output tokens per sequence",
    "The engine decodes each request as one sequence, which generates the request's answer.",
)


def sequences_per_request(sheet: Sheet) -> Value:
    return sheet.constant(
        "sequences_per_request",
        1,
        "sequences/req",
        "Sequences per request",
        "the engine decodes each request as one sequence (no parallel sampling or beam search)",
    )


def per_sequence(sheet: Sheet, input_tokens: Value, output_tokens: Value) -> tuple[Value, Value]:
    """A request's prompt and answer lengths as the sequence the engine decodes holds them."""
    one = sequences_per_request(sheet)
    return (
        sheet.step(PER_SEQUENCE_INPUT, input_tokens=input_tokens, sequences_per_request=one),
        sheet.step(PER_SEQUENCE_OUTPUT, output_tokens=output_tokens, sequences_per_request=one),
    )


def attention_flop_per_pair(sheet: Sheet) -> Value:
    return sheet.constant(
        "attention_flop_per_pair",
        ATTENTION_FLOP_PER_PAIR,
        ATTENTION_PAIR_UNIT,
        "Attention FLOPs per query token per context token (per layer and attention dim)",
        "QKᵀ and AV: a multiply-add (2 FLOPs) each per query-key pair and dimension",
    )


def tokens_per_route(sheet: Sheet) -> Value:
    return sheet.constant(
        "tokens_per_route",
        1,
        "tokens",
        "Tokens per routing choice",
        "a mixture of experts routes each token on its own (top-k per token)",
    )
