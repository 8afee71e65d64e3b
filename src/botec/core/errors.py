"""The one exception botec raises for bad input, so every front end can print it cleanly."""

from __future__ import annotations


class BotecInputError(ValueError):
    """Bad user input: names the field, the value given and what is allowed.

    >>> str(BotecInputError("users.dau", "-5", "a positive count such as 100M"))
    "users.dau: got '-5'; expected a positive count such as 100M"
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        shown = repr(value)
        if len(shown) > 80:  # a 400-digit number or a pasted file: its start says enough
            shown = f"{shown[:60]}… ({len(shown):,} characters)"
        super().__init__(f"{field}: got {shown}; expected {allowed}")
