"""The README's deployment charts, drawn from the bundled scenarios (`make readme` runs this):
docs/deployment-day.svg (SmartPal's day, autoscaled against sized for peak),
docs/serverless-break-even.svg (the internal tool: serverless against provisioned over traffic)
and docs/optimise-pareto.svg (SmartPal's Pareto front of monthly cost against TPOT p99)."""

from __future__ import annotations

from pathlib import Path

from botec.commands import optimise, report
from botec.report.deployment_charts import break_even_chart, day_chart, pareto_chart
from botec.report.plots import save_figure

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCENARIOS = ROOT / "scenarios"


def main() -> None:
    daily = report(SCENARIOS / "smartpal-daily.toml", samples=0)
    tool = report(SCENARIOS / "serverless-internal-tool.toml", samples=0)
    front = optimise(SCENARIOS / "smartpal.toml", samples=0).search
    for name, figure in (
        ("deployment-day.svg", day_chart(daily)),
        ("serverless-break-even.svg", break_even_chart(tool)),
        ("optimise-pareto.svg", pareto_chart(front)),
    ):
        assert figure is not None
        save_figure(figure, str(DOCS / name))
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
