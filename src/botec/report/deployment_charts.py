"""Deployment charts: the optimiser's Pareto front of monthly cost against latency, a serving
plan's day (traffic and replicas hour by hour against a fleet sized for peak), and the serverless
break-even (cost per day against traffic). Built on :mod:`botec.report.figure_kit` like every
botec chart; the figures' numbers come from the search and the recorded sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botec.report.figure_kit import (
    LEGEND_SIZE,
    NOMINAL_COLOUR,
    SERIES_COLOURS,
    _new_figure,
    _style_axes,
    _unit_axis,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from botec.analysis.optimise import Search
    from botec.core.sheet import Sheet

LATENCY_TITLES = {
    "ttft_p50": "TTFT p50", "ttft_p99": "TTFT p99", "tpot_p50": "TPOT p50", "tpot_p99": "TPOT p99",
}  # fmt: skip


def pareto_chart(search: Search) -> Figure:
    """Every front point (cost against latency) as a staircase, the cheapest marked."""
    front = search.front
    if not front:
        from botec.core.errors import BotecInputError

        raise BotecInputError("--plot", "no plan", "a search where some plan meets the targets")
    x = [p.metrics["latency"] for p in front]
    y = [p.cost for p in front]
    fig = _new_figure(6.4, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    _style_axes(ax)
    label = LATENCY_TITLES[search.latency]
    ax.step(x, y, where="post", color=SERIES_COLOURS[0], linewidth=1.4)
    ax.plot(x, y, "o", color=SERIES_COLOURS[0], markersize=2.5, label="Pareto front")
    best = front[-1]
    ax.plot([x[-1]], [y[-1]], "o", color=SERIES_COLOURS[1], markersize=7,
            label=f"cheapest: {_plan_label(best)}")  # fmt: skip
    for key, goal in search.targets.items():
        if key == search.latency:
            ax.axvline(goal, color=NOMINAL_COLOUR, linestyle="--", linewidth=0.9,
                       label=f"{label} target")  # fmt: skip
    ax.set_title(f"Monthly cost against {label}: the Pareto front", loc="left")
    ax.set_xlabel(label)
    _unit_axis(ax.xaxis, "s", True, min(x), max(x), 6.0)
    _unit_axis(ax.yaxis, "USD/month", True, min(y), max(y))
    ax.legend(fontsize=LEGEND_SIZE, frameon=False)
    return fig


def _plan_label(plan: Any) -> str:
    layout = plan.layout
    return (
        f"{layout.gpu} · {layout.precision} · {layout.engine} · TP {layout.tensor_parallel}, "
        f"batch {plan.batch}"
    )


def day_chart(sheet: Sheet) -> Figure | None:
    """Replicas hour by hour (autoscaled) against the fleet sized for peak, traffic beside."""
    from botec.analysis.deployment_curves import day_curve

    day = day_curve(sheet)
    if day is None:
        return None
    fig = _new_figure(6.4, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    _style_axes(ax)
    hours = day["hours"]
    ax.step([*hours, 24], day["autoscaled_replicas"] + day["autoscaled_replicas"][-1:],
            where="post", color=SERIES_COLOURS[0], linewidth=1.6,
            label="replicas, autoscaled hour by hour")  # fmt: skip
    ax.axhline(day["peak_replicas"], color=SERIES_COLOURS[1], linewidth=1.4,
               label="replicas, sized for peak all day")  # fmt: skip
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3))
    ax.set_xticklabels([f"{h:02d}:00" for h in range(0, 25, 3)])
    ax.set_ylim(bottom=0)
    _unit_axis(ax.yaxis, "replicas", False, 0, day["peak_replicas"])
    traffic = ax.twinx()
    traffic.plot([h + 0.5 for h in hours], day["traffic_x_mean"], color=SERIES_COLOURS[2],
                 linewidth=1.0, linestyle=":", label="traffic (× the day's mean)")  # fmt: skip
    traffic.set_ylim(bottom=0)
    traffic.tick_params(labelsize=8)
    traffic.set_ylabel("traffic (× mean)", fontsize=9)
    ax.set_title(
        f"A day of the plan: autoscaling saves {day['autoscaling_saving']:.0%} of the GPU-hours",
        loc="left",
    )
    lines = ax.get_legend_handles_labels()
    more = traffic.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=LEGEND_SIZE, frameon=False,
              loc="center")  # fmt: skip
    return fig


def break_even_chart(sheet: Sheet) -> Figure | None:
    """Cost per day against requests per day, serverless and provisioned, with the scenario's
    traffic and the crossing marked."""
    from botec.analysis.deployment_curves import break_even_curve

    curve = break_even_curve(sheet)
    if curve is None:
        return None
    x = curve["requests_per_day"]
    fig = _new_figure(6.4, 3.8)
    ax = fig.add_subplot(1, 1, 1)
    _style_axes(ax)
    ax.plot(x, curve["serverless_usd_per_day"], color=SERIES_COLOURS[0], linewidth=1.6,
            label="serverless (per-second billing, cold starts)")  # fmt: skip
    ax.plot(x, curve["provisioned_usd_per_day"], color=SERIES_COLOURS[1], linewidth=1.6,
            label="provisioned, autoscaled hour by hour")  # fmt: skip
    if curve["hosted_usd_per_day"] is not None:
        ax.plot(x, curve["hosted_usd_per_day"], color=SERIES_COLOURS[3], linewidth=1.6,
                label="hosted API (per token)")  # fmt: skip
    ax.axvline(curve["scenario_requests_per_day"], color=NOMINAL_COLOUR, linestyle="--",
               linewidth=0.9, label="this scenario's traffic")  # fmt: skip
    if curve["crossing_requests_per_day"] is not None:
        ax.axvline(curve["crossing_requests_per_day"], color=SERIES_COLOURS[2], linestyle=":",
                   linewidth=1.2, label="serverless and provisioned cross")  # fmt: skip
    ys = curve["serverless_usd_per_day"] + curve["provisioned_usd_per_day"]
    ys += curve["hosted_usd_per_day"] or []
    positive = [v for v in ys if v > 0]
    ax.set_title("Cost per day against traffic: serverless, provisioned, hosted", loc="left")
    _unit_axis(ax.xaxis, "req/day", True, min(x), max(x), 6.0)
    _unit_axis(ax.yaxis, "USD/day", True, min(positive), max(positive))
    ax.legend(fontsize=LEGEND_SIZE, frameon=False)
    return fig
