"""``eventdesk benchmark``: each tenant's operation among its peers."""

from __future__ import annotations

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json, show_rows
from eventdesk.reports.benchmark import FEATURE_NAMES, benchmark
from eventdesk.reports.report import parse_moment


@click.command("benchmark")
@click.option("-k", "--clusters", "k", type=int, default=4, show_default=True, help="How many.")
@click.option("--seed", type=int, default=7, show_default=True, help="For k-means' first centres.")
@click.option("--since", default=None, metavar="ISO", help="Incidents opened from (inclusive).")
@click.option(
    "--until", default=None, metavar="ISO", help="Incidents opened before (default: now)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_desk
def benchmark_command(
    ctx: DeskContext, k: int, seed: int, since: str | None, until: str | None, as_json: bool
) -> None:
    """Group the tenants' operations by workload, strategy and resources (k-means)."""
    result = benchmark(
        ctx.desk,
        k=k,
        seed=seed,
        since=parse_moment(since, "since") if since else None,
        until=parse_moment(until, "until") if until else None,
        actor=ctx.actor,
    )
    if as_json:
        emit_json(result.to_dict())
        return
    show_rows(
        f"Clusters (k-means, k={result.k}, seed {result.seed}): their medians",
        ["feature", *(f"{c['cluster']}: {', '.join(c['operations'])}" for c in result.clusters)],
        [[f, *(c["medians"][f] for c in result.clusters)] for f in FEATURE_NAMES],
    )
    show_rows(
        "Each operation against its cluster's medians",
        ["operation", "cluster", "above the median", "below the median"],
        [
            [
                o["operation"],
                o["cluster"],
                ", ".join(f for f, p in o["against_cluster"].items() if p == "above") or "—",
                ", ".join(f for f, p in o["against_cluster"].items() if p == "below") or "—",
            ]
            for o in result.operations
        ],
    )
