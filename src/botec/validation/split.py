"""Which backtest rows may set a number (``fit``) and which never do (``check``).

The rule, fixed before any factor is tuned on the new rows:

- every row that was in the backtest before the split (ids below 200) is ``fit``: each one set
  or checked a factor while botec was tuned by hand, and its ``sets`` column names which;
- every later row is assigned by a hash of its id: ``check`` when the first byte of the SHA-256
  of the id is below 128, else ``fit``. The hash does not depend on the figure, the source or how
  well botec predicts it, so the held-out half is decided before anyone looks.

``check`` rows never choose a number: a factor's ``source`` in the catalog may cite ``fit`` rows
and published measurements, never a ``check`` row. ``botec validate`` reports both groups; the
README and the accuracy targets quote the ``check`` figures.

>>> role_for("B039"), role_for("B200")
('fit', 'check')
"""

from __future__ import annotations

import hashlib
import re

ROLES = ("fit", "check")
FIRST_SPLIT_ID = 200  # rows numbered from here on are split by the hash


def row_number(row_id: str) -> int:
    """The number of a row id: 39 for 'B039'."""
    match = re.fullmatch(r"[A-Z](\d{3})", row_id)
    if match is None:
        raise ValueError(f"not a row id: {row_id!r}")
    return int(match.group(1))


def role_for(row_id: str) -> str:
    """``fit`` or ``check`` for a row id, by the rule above."""
    if row_number(row_id) < FIRST_SPLIT_ID:
        return "fit"
    return "check" if hashlib.sha256(row_id.encode()).digest()[0] < 128 else "fit"
