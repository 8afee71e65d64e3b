"""A scenario evaluated the way reports show it: point estimate, Monte Carlo ranges, drivers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botec.core.sheet import Sheet
from botec.run import run_scenario
from botec.scenario import Scenario

if TYPE_CHECKING:
    from botec.catalog import Catalog

# 10,000 draws put the sampling error of a 5th or 95th percentile near 1% of its value for the
# spreads botec sees (a 90% interval a few times wide), well inside what the inputs justify.
DEFAULT_SAMPLES = 10_000


def evaluate(
    scn: Scenario,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    sensitivity: bool = True,
    catalog: Catalog | None = None,
) -> Sheet:
    """Run ``scn``; where inputs are ranges, add p5/p50/p95 and the drivers of the spread.

    ``samples=0`` gives the point estimate only (ranges at their nominal values); ``catalog`` is
    the run's catalog (default: the bundled one, see :func:`botec.run.run_scenario`).
    """
    sheet = run_scenario(scn, samples=samples, seed=seed, catalog=catalog)
    if samples and sensitivity and sheet.uncertain_inputs:
        from botec.analysis.sensitivity import analyse

        def rerun(draw: Any) -> Sheet:
            return run_scenario(scn, draw=draw, catalog=catalog)

        sheet.sensitivity = analyse(sheet, rerun)
    return sheet
