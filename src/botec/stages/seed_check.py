"""The [[seed_check]] entries: each figure a seed printed, beside what botec computes."""

from __future__ import annotations

from botec.core.errors import BotecInputError
from botec.core.sheet import SeedCheck, Sheet
from botec.scenario import Scenario


def run_seed_checks(sheet: Sheet, scn: Scenario) -> None:
    for entry in scn.seed_check:
        if entry.result not in sheet:
            raise BotecInputError(
                "seed_check.result",
                entry.result,
                f"a result of this scenario: {', '.join(sheet.steps)}",
            )
        computed = sheet[entry.result]
        sheet.seed_checks.append(
            SeedCheck(
                result=entry.result,
                printed=entry.printed,
                printed_value=entry.value,
                cite=entry.cite,
                why=entry.why,
                tolerance=entry.tolerance,
                computed=float(computed),
                unit=computed.unit,
            )
        )
