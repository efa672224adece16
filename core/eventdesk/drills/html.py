"""A drill as one self-contained HTML file: its events, the figures beside the
baseline's, a chart of the comparison, and the report charts of the drill's day (the
reports module draws those, as for real operations)."""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go

from eventdesk.drills.results import COMPARED
from eventdesk.drills.service import DrillResult
from eventdesk.reports.html import CHART_LAYOUT, as_percent, charts, html_page, html_table

COMPARISON_CHARTS = ("service_level", "abandonment", "occupancy")


def show(name: str, value: Any) -> str:
    """A figure as the terminal and the HTML file show it."""
    if value is None:
        return "—"
    if name.endswith("_seconds"):
        return f"{value:.1f} s"
    if name in ("offered", "backlog"):
        return str(value)
    return as_percent(value)


def label(name: str) -> str:
    return name.removesuffix("_seconds").replace("_", " ")


def comparison_chart(result: DrillResult) -> go.Figure:
    figure = go.Figure(
        layout={**CHART_LAYOUT, "title": "Drill against baseline", "barmode": "group"}
    )
    groups = [f"{r['tenant']} {r['channel']}" for r in result.rows]
    for name in COMPARISON_CHARTS:
        figure.add_bar(
            name=f"{label(name)} (drill)", x=groups, y=[100 * (r[name] or 0) for r in result.rows]
        )
        figure.add_bar(
            name=f"{label(name)} (baseline)",
            x=groups,
            y=[100 * (r["baseline"][name] or 0) for r in result.rows],
        )
    figure.update_yaxes(title="%", range=[0, 100])
    return figure


def render_drill_html(result: DrillResult) -> str:
    title = f"EventDesk drill — {result.name}"
    rows = [
        [
            f"{r['tenant']} {r['channel']}",
            label(name),
            show(name, r[name]),
            show(name, r["baseline"][name]),
        ]
        for r in result.rows
        for name in COMPARED
    ]
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{result.contacts} contacts over {result.hours:g} hours from "
        f"{html.escape(result.to_dict()['start'][:16])} UTC, seed {result.seed}.</p>",
        "<ul>" + "".join(f"<li>{html.escape(e)}</li>" for e in result.events) + "</ul>",
        html_table(["queue", "figure", "drill", "baseline"], rows),
    ]
    figures = {"comparison": comparison_chart(result)}
    if result.report is not None:
        figures |= charts(result.report)
    return html_page(title, parts, figures)
