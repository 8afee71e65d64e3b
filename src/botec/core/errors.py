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
        super().__init__(f"{field}: got {shown_value(value)}; expected {allowed}")


def shown_value(value: object, limit: int | None = 80) -> str:
    """A refused value as its user wrote it: a text quoted, a TOML date as the date (not
    ``datetime.date(2026, 8, 1)``), a tuple as a list; cut short past ``limit`` characters.

    >>> import datetime
    >>> shown_value(datetime.date(2026, 8, 1)), shown_value(("",)), shown_value("8")
    ('2026-08-01', "['']", "'8'")
    >>> shown_value(22e9), shown_value(0.5)
    ('2.2e+10', '0.5')
    """
    import datetime

    if isinstance(value, datetime.date | datetime.time):
        shown = value.isoformat()
    elif isinstance(value, tuple):
        shown = repr(list(value))
    elif isinstance(value, float) and len(repr(value)) > 10:  # 22B parsed: 2.2e+10, not 22…0.0
        shown = f"{value:g}"
    else:
        shown = repr(value)
    if limit is not None and len(shown) > limit:  # a 400-digit number: its start says enough
        shown = f"{shown[:60]}… ({len(shown):,} characters)"
    return shown
