"""Every bound botec puts on what it reads and computes, in one place (README "Limits and
guarantees"). Each can be changed for a run with an environment variable of the same name
prefixed ``BOTEC_`` (e.g. ``BOTEC_MAX_INPUT_BYTES=50000000``): a bound protects the machine, and
the person who owns the machine may move it."""

from __future__ import annotations

import os


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(f"BOTEC_{name}")
    if raw is None:
        return default
    try:
        value = int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        value = 0
    if value <= 0:
        from botec.core.errors import BotecInputError

        raise BotecInputError(
            f"BOTEC_{name}", raw, f"a positive whole number (default {default:,})"
        )
    return value


# A scenario, catalog file or config.json is a few kB; a 10 MB one is not a mistake but a trap.
MAX_INPUT_BYTES = _setting("MAX_INPUT_BYTES", 10_000_000)
# Levels of tables or lists (a scenario uses 3; TOML, YAML and JSON parsers recurse per level).
MAX_NESTING = _setting("MAX_NESTING", 64)
# Values in one file once YAML aliases are expanded (a scenario holds about 100; nine levels of
# nine aliases expand to 387 million).
MAX_VALUES = _setting("MAX_VALUES", 100_000)
MAX_YAML_ALIASES = _setting("MAX_YAML_ALIASES", 100)
# Memory a sweep's table may take: about 100 bytes per cell (its column, then its rendering:
# measured 50-60 B per CSV cell), so the 10,000,000-point maximum stays within reach only for a
# few columns.
MAX_SWEEP_BYTES = _setting("MAX_SWEEP_BYTES", 2_000_000_000)
SWEEP_BYTES_PER_CELL = 100
