"""A report as one self-contained HTML file: the summary as tables, and charts drawn by
plotly, whose JavaScript is written into the file itself (nothing is fetched when the
file is opened)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from eventdesk.reports.report import Report

CHART_IDS = ("volume", "sla", "resolution", "backlog", "utilisation")
CHART_LAYOUT = {
    "height": 380,
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    "template": "plotly_white",
}
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 0 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart { margin-bottom: 2rem; }
"""


def as_hours(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 3600:.2f} h"


def as_percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{100 * ratio:.1f} %"


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """The headline figures, as (name, value as shown)."""
    s = report.summary
    rows = [
        ("incidents opened", str(s.get("incidents", 0))),
        ("resolved", str(s.get("resolved", 0))),
        ("first-contact resolution", as_percent(s.get("first_contact_resolution_rate"))),
        ("reopen rate", as_percent(s.get("reopen_rate"))),
        ("reassignments per incident", str(s.get("reassignments_per_incident") or 0)),
        ("ping-pong", as_percent(s.get("ping_pong_rate"))),
        ("deflection rate", as_percent(report.deflection["deflection_rate"])),
        ("backlog (open at the end)", str(report.backlog["open"])),
    ]
    for name in ("first_response", "resolution"):
        figures = s.get(name, {})
        label = name.replace("_", " ")
        rows += [
            (f"{label} median (wall / business)", _pair(figures, "median")),
            (f"{label} p90 (wall / business)", _pair(figures, "p90")),
        ]
    return rows


def _pair(figures: dict[str, Any], which: str) -> str:
    wall = figures.get(f"{which}_seconds")
    business = figures.get(f"{which}_business_seconds")
    return f"{as_hours(wall)} / {as_hours(business)}"


def html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def charts(report: Report) -> dict[str, go.Figure]:
    """The report's charts, by id."""
    volume = go.Figure(layout={**CHART_LAYOUT, "title": "Volume by channel", "barmode": "stack"})
    for channel in sorted({v["channel"] for v in report.volume_by_channel}):
        points = [v for v in report.volume_by_channel if v["channel"] == channel]
        volume.add_bar(
            name=channel, x=[p["period"] for p in points], y=[p["incidents"] for p in points]
        )
    volume.update_xaxes(type="category", title=report.period)
    sla = go.Figure(
        layout={**CHART_LAYOUT, "title": "SLA attainment by priority", "barmode": "group"}
    )
    for metric in sorted({s["metric"] for s in report.sla}):
        points = [s for s in report.sla if s["metric"] == metric]
        sla.add_bar(
            name=metric,
            x=[f"P{p['priority']}" for p in points],
            y=[100 * (p["attainment"] or 0) for p in points],
        )
    sla.update_yaxes(title="% of clocks met", range=[0, 100])
    resolution = go.Figure(
        data=[go.Histogram(x=list(report.resolution_hours), name="incidents")],
        layout={**CHART_LAYOUT, "title": "Resolution time (hours, wall-clock)"},
    )
    resolution.update_xaxes(title="hours")
    backlog = go.Figure(
        data=[
            go.Bar(
                x=[a["age"] for a in report.backlog["ages"]],
                y=[a["incidents"] for a in report.backlog["ages"]],
                name="open incidents",
            )
        ],
        layout={**CHART_LAYOUT, "title": f"Backlog age at {report.backlog['at'][:16]} UTC"},
    )
    heat = report.heatmap
    utilisation = go.Figure(
        data=[
            go.Heatmap(
                z=[[None if v is None else 100 * v for v in row] for row in heat["utilisation"]],
                x=heat["hours"],
                y=heat["weekdays"],
                colorscale="Blues",
                zmin=0,
                zmax=100,
                colorbar={"title": "%"},
            )
        ],
        layout={**CHART_LAYOUT, "title": "Agent utilisation by hour and weekday (UTC)"},
    )
    utilisation.update_yaxes(autorange="reversed")
    return dict(zip(CHART_IDS, (volume, sla, resolution, backlog, utilisation), strict=True))


def render_html(report: Report) -> str:
    """The whole report as one HTML document that needs nothing from the network."""
    scope = report.tenant or "all tenants"
    since = report.to_dict()["since"] or "the beginning"
    title = f"EventDesk report — {scope}"
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Incidents opened from {html.escape(since[:16])} to "
        f"{html.escape(report.to_dict()['until'][:16])} UTC, by {html.escape(report.period)}.</p>",
        html_table(["figure", "value"], summary_rows(report)),
    ]
    if report.cost:
        parts.append(
            html_table(
                ["tenant", "month", "model", "hours", "total"],
                [
                    (
                        c["tenant"],
                        c["month"],
                        c["model"],
                        f"{c['hours_dedicated'] + c['hours_shared'] + c['hours_specialist']:.2f}",
                        f"{c['total']:.2f}",
                    )
                    for c in report.cost
                ],
            )
        )
    return html_page(title, parts, charts(report))


def html_page(title: str, parts: Sequence[str], figures: dict[str, go.Figure]) -> str:
    """One HTML document: ``parts`` (HTML), then the charts, each in a ``chart-ID`` div."""
    parts = list(parts)
    # The first chart carries plotly.js inline; the others use it.
    for index, (name, figure) in enumerate(figures.items()):
        chart = figure.to_html(
            full_html=False,
            include_plotlyjs=index == 0,
            div_id=f"chart-{name}",
            config={"displaylogo": False, "responsive": True},
        )
        parts.append(f'<div class="chart">{chart}</div>')
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )
