"""What a backtest records: each row's prediction against its published value, a summary per
quantity (median absolute log error, share within ±25%, p5-p95 coverage), and the rows together.
Both backtests (:mod:`botec.validation.backtest`, :mod:`botec.validation.training`) use them."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

# Monte Carlo draws per backtest row: the p5 and p95 of 2,000 draws move by a few percent between
# seeds, well inside the ranges being checked, and the whole backtest stays under a second.
BACKTEST_SAMPLES = 2000

# Which botec result each published inference quantity is compared with (a Backtest's default
# quantities).
RESULT_FOR = {
    "output_throughput_per_gpu": "output_throughput_per_gpu",
    "time_to_first_token": "time_to_first_token",
    "decode_tokens_per_second": "decode_tokens_per_second",
}


@dataclass
class RowResult:
    id: str
    quantity: str
    description: str
    published: float
    unit: str
    predicted: float = math.nan
    p5: float = math.nan
    p95: float = math.nan
    skipped: str = ""
    role: str = "fit"  # fit: it set or checked a factor; check: it never chose a number

    @property
    def ratio(self) -> float:
        return self.predicted / self.published if self.published else math.nan

    @property
    def covered(self) -> bool:
        return self.p5 <= self.published <= self.p95


@dataclass
class Summary:
    quantity: str
    rows: int
    median_abs_log_error: float  # as a fraction: exp(median |ln ratio|) - 1
    within_25: float
    coverage: float
    role: str = "all"  # which rows: fit, check or all
    median_width: float = math.nan  # median p95 / p5: how wide the 90% ranges are


def summarise(quantity: str, rows: list[RowResult], role: str = "all") -> Summary | None:
    """Median |log error|, share within ±25%, p5-p95 coverage and median range width (p95 / p5)
    of the rows that were computed (only those of ``role``: fit, check, or all)."""
    done = [r for r in rows if not r.skipped and role in ("all", r.role)]
    if not done:
        return None
    logs = [abs(math.log(r.ratio)) for r in done]
    widths = [r.p95 / r.p5 for r in done if r.p5 > 0]
    return Summary(
        quantity,
        len(done),
        math.exp(statistics.median(logs)) - 1,
        sum(1 for x in logs if x <= math.log(1.25)) / len(done),
        sum(1 for r in done if r.covered) / len(done),
        role,
        statistics.median(widths) if widths else math.nan,
    )


@dataclass
class Backtest:
    rows: list[RowResult] = field(default_factory=list)
    quantities: tuple[str, ...] = tuple(RESULT_FOR)

    def summaries(self, role: str = "all") -> list[Summary]:
        """One summary per quantity, in ``quantities`` order, over the rows of ``role``."""
        found = (
            summarise(q, [r for r in self.rows if r.quantity == q], role) for q in self.quantities
        )
        return [s for s in found if s is not None]
