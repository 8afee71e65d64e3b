"""Answers at a scale nobody has built: valid arithmetic, implausible inputs. botec still shows
the numbers (a user exploring the edges may want them) but says so, and no verdict keeps its ✔.

The two marks, each a public figure:
- GPUs: xAI's Colossus, the largest single training cluster reported in 2025, ran about 200,000
  GPUs (xAI, 2025); a plan past it is past anything built.
- Bandwidth: all international internet bandwidth in use was about 1,500 Tbit/s in 2024
  (TeleGeography's Global Bandwidth Research); a service past it is past the internet.
- Money: Microsoft, Alphabet, Amazon and Meta together guided about $320B of capital spending
  for 2025 (their early-2025 earnings calls), about $27B a month; a bill past it in one month is
  past what the four largest buyers spend.
"""

from __future__ import annotations

from botec.core.sheet import Sheet
from botec.core.units import format_quantity

LARGEST_CLUSTER_GPUS = 200_000
LARGEST_SPEND_USD_PER_MONTH = 27e9
LARGEST_SPEND_USD = 320e9  # one year's spend, for a one-off bill
INTERNET_BIT_PER_S = 1.5e15  # TeleGeography: used international bandwidth, about 1,500 Tbit/s


def check_scale(sheet: Sheet) -> None:
    """Warn once per kind of figure past its mark, and turn every ✔ verdict into a warning."""
    past = []
    for marks, limit, what in (
        (("GPUs",), LARGEST_CLUSTER_GPUS, "the largest cluster built (~200,000 GPUs, xAI 2025)"),
        (("USD/month",), LARGEST_SPEND_USD_PER_MONTH, "the four largest cloud buyers' monthly "
         "capital spending (~$27B/month, 2025)"),
        (("USD",), LARGEST_SPEND_USD, "the four largest cloud buyers' yearly capital spending "
         "(~$320B, 2025)"),
        (("bit/s",), INTERNET_BIT_PER_S, "all international internet bandwidth (~1.5 Pbit/s, "
         "TeleGeography 2024)"),
    ):  # fmt: skip
        values = [*sheet.steps.values(), *sheet.inputs.values()]  # a stated count counts too
        over = [v for v in values if v.unit in marks and float(v.value) > limit]
        if over:
            worst = max(over, key=lambda v: float(v.value))
            past.append(
                f"{worst.title} is {format_quantity(float(worst.value), worst.unit)}, past {what}"
            )
    if not past:
        return
    for note in sheet.notes:
        if note.verdict and note.level == "ok":
            note.level = "warn"
    with sheet.section("Scale check"):
        _warn(sheet, past)
    # first among the warnings, so the answer (and --brief) leads with why its ✔s became !s
    sheet.notes.insert(0, sheet.notes.pop())


def _warn(sheet: Sheet, past: list[str]) -> None:
    sheet.note(
        "warn",
        "An implausible scale: " + "; ".join(past) + ". The arithmetic holds, but check the "
        "inputs before trusting any verdict here.",
        verdict=True,
    )
