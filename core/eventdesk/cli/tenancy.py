"""``eventdesk tenant|team|agent|route|access ...``: who is served, by whom, and how work flows."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime
from typing import Any

import click

from eventdesk.calendars.loading import parse_duration
from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json, show_fields, show_rows
from eventdesk.cli.sla import INSTANT
from eventdesk.errors import EventDeskError
from eventdesk.sla.schedule import APPLIES_FROM
from eventdesk.tenancy.model import Location, Presence, ServiceModel, TeamKind
from eventdesk.tenancy.service import AgentView, TeamView, TenantView
from eventdesk.views import to_jsonable

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _choice(values: type[Any]) -> click.Choice:
    return click.Choice([v.value for v in values], case_sensitive=False)


class Pair(click.ParamType):
    """``KEY=VALUE``, as a (key, value) pair."""

    name = "KEY=VALUE"

    def __init__(self, metavar: str) -> None:
        self.metavar = metavar

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return self.metavar

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        key, equals, rest = str(value).partition("=")
        if not equals or not key.strip():
            self.fail(f"{value!r} is not {self.metavar}", param, ctx)
        return key.strip(), rest.strip()


class Minutes(click.ParamType):
    """A wait: ``45`` (minutes), ``30m``, ``1h``, ``1h30m``."""

    name = "MINUTES"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if re.fullmatch(r"\d+", text):
            return int(text)
        try:
            seconds = parse_duration(text).total_seconds()
        except EventDeskError:
            seconds = -1
        if seconds < 0 or seconds % 60:
            self.fail(f"{value!r} is not a wait such as 45, 30m, 1h or 1h30m", param, ctx)
        return int(seconds // 60)


def _given(**options: Any) -> dict[str, Any]:
    """The options given on the command line (click gives None, or (), for the others)."""
    return {name: value for name, value in options.items() if value not in (None, ())}


# --- tenants -----------------------------------------------------------------


@click.group()
def tenant() -> None:
    """Tenants: the client companies served, each under a service model and a contract."""


def contract_options(*, adding: bool) -> Any:
    """The options of ``tenant add`` (model and manager required) and ``tenant update``."""
    options = [
        click.option(
            "--model",
            type=_choice(ServiceModel),
            required=adding,
            help="dedicated (its own team), shared (the pool) or hybrid (both).",
        ),
        click.option(
            "--manager",
            "service_manager",
            required=adding,
            metavar="CSM",
            help="The customer service manager.",
        ),
        click.option(
            "--calendar",
            help="Business calendar of the contract: all the tenant's SLA clocks run on it "
            "(default: the SLA policy's calendars)" + ("." if adding else "; '' for none."),
        ),
        click.option(
            "--policy",
            "sla_policy",
            metavar="POLICY",
            help="SLA policy of the contract (default: the desk's); '' for the desk's; "
            "none for no SLA at all.",
        ),
        click.option("--hourly-rate", type=float, help="Price of an hour of shared work."),
        click.option(
            "--monthly-fee", type=float, help="Monthly fee per dedicated resource (agent)."
        ),
        click.option(
            "--overflow-wait",
            "overflow_wait_minutes",
            type=Minutes(),
            help="Hybrid: how long an item waits for the dedicated team before the pool "
            "may take it (45, 30m, 1h; default 30m).",
        ),
        click.option("--weight", type=int, help="Turns in the shared pool, 1 to 100 (default 1)."),
        click.option(
            "--category-group",
            "category_groups",
            type=Pair("CATEGORY=GROUP"),
            multiple=True,
            help="The specialist group that takes a category on escalation (repeatable"
            + ("" if adding else "; CATEGORY= removes one")
            + ").",
        ),
        click.option(
            "--domain",
            "domains",
            multiple=True,
            metavar="DOMAIN",
            help="An email domain whose senders belong to the tenant (repeatable"
            + (")." if adding else "; replaces the list, --domain '' empties it)."),
        ),
    ]

    def decorate(command: Any) -> Any:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _tenant_line(view: TenantView) -> str:
    calendar = f" · calendar {view.calendar}" if view.calendar else ""
    teams = ", ".join(view.teams) or "no team"
    return f"{view.name} {view.model} · manager {view.service_manager}{calendar} · {teams}"


def _tenant_answer(view: TenantView, as_json: bool) -> None:
    if as_json:
        emit_json(view)
    else:
        click.echo(_tenant_line(view))


@tenant.command(name="add")
@click.argument("name")
@contract_options(adding=True)
@json_option
@pass_desk
def add_tenant(ctx: DeskContext, name: str, as_json: bool, **contract: Any) -> None:
    """Register a tenant with its service model and contract."""
    given = _given(**contract)
    if "category_groups" in given:
        given["category_groups"] = dict(given["category_groups"])
    if "domains" in given:
        given["domains"] = [d for d in given["domains"] if d]
    view = ctx.desk.tenancy.register_tenant(name, actor=ctx.actor, **given)
    _tenant_answer(view, as_json)


@tenant.command(name="update")
@click.argument("name")
@contract_options(adding=False)
@click.option(
    "--sla-from",
    type=click.Choice(APPLIES_FROM),
    help="Where a new --policy or --calendar applies to open incidents: from the change "
    "(default; their clocks keep the time used) or from their opening.",
)
@json_option
@pass_desk
def update_tenant(
    ctx: DeskContext, name: str, sla_from: str | None, as_json: bool, **contract: Any
) -> None:
    """Change a tenant's model or contract (only what is given)."""
    changes = _given(**contract)
    if sla_from is not None:
        changes["sla_from"] = sla_from
    if "category_groups" in changes:
        groups = dict(ctx.desk.tenancy.tenant(name, actor=ctx.actor).category_groups)
        for category, group in changes["category_groups"]:
            groups[category.lower()] = group
        changes["category_groups"] = {k: v for k, v in groups.items() if v}
    if "domains" in changes:
        changes["domains"] = [d for d in changes["domains"] if d]
    view = ctx.desk.tenancy.update_tenant(name, actor=ctx.actor, **changes)
    _tenant_answer(view, as_json)


@tenant.command(name="show")
@click.argument("name")
@json_option
@pass_desk
def show_tenant(ctx: DeskContext, name: str, as_json: bool) -> None:
    """One tenant: model, contract and teams."""
    view = ctx.desk.tenancy.tenant(name, actor=ctx.actor)
    if as_json:
        emit_json(view)
        return
    fields = [(f, getattr(view, f)) for f in view.to_dict() if f not in ("name", "priority_matrix")]
    fields = [(f, f"{v:.2f}" if isinstance(v, float) else v) for f, v in fields]
    matrix = view.priority_matrix
    if matrix:
        rows = (" ".join(str(matrix[i][u]) for u in sorted(matrix[i])) for i in sorted(matrix))
        fields.insert(4, ("priority_matrix", " / ".join(rows)))
    show_fields(f"Tenant {view.name}", fields)


@tenant.command(name="list")
@json_option
@pass_desk
def list_tenants(ctx: DeskContext, as_json: bool) -> None:
    """Every tenant, by name."""
    views = ctx.desk.tenancy.tenants(actor=ctx.actor)
    if as_json:
        emit_json(views)
        return
    show_rows(
        f"Tenants ({len(views)})",
        ("tenant", "model", "manager", "calendar", "policy", "rate/h", "fee/month", "teams"),
        [
            (
                v.name,
                v.model,
                v.service_manager,
                v.calendar,
                v.sla_policy,
                f"{v.hourly_rate:.2f}",
                f"{v.monthly_fee:.2f}",
                v.teams,
            )
            for v in views
        ],
    )


@tenant.command(name="coverage")
@click.argument("name")
@click.option("--at", type=INSTANT, help="The instant (ISO 8601; default: now).")
@json_option
@pass_desk
def coverage(ctx: DeskContext, name: str, at: datetime | None, as_json: bool) -> None:
    """Which teams and agents serve the tenant at an instant, and why."""
    view = ctx.desk.tenancy.coverage(name, at=at, actor=ctx.actor)
    if as_json:
        emit_json(view)
        return
    click.echo(f"{view.tenant} ({view.model}) at {to_jsonable(view.at)}: {view.reason}")
    click.echo(f"teams: {', '.join(view.teams) or '—'}")
    click.echo(f"agents: {', '.join(view.agents) or '—'}")
    if view.next_shift is not None:
        click.echo(f"next shift: {to_jsonable(view.next_shift)}")


@tenant.command(name="cost")
@click.argument("name")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month, e.g. 2026-11.")
@json_option
@pass_desk
def cost(ctx: DeskContext, name: str, month: str, as_json: bool) -> None:
    """What the tenant's support cost in a month under its model."""
    report = ctx.desk.tenancy.cost(name, month, actor=ctx.actor)
    if as_json:
        emit_json(report)
        return
    show_fields(
        f"Cost of {report.tenant} for {report.month} ({report.model})",
        [
            ("incidents opened", report.incidents),
            ("hours, dedicated team", f"{report.hours_dedicated:.2f}"),
            ("hours, shared pool", f"{report.hours_shared:.2f}"),
            ("hours, specialists", f"{report.hours_specialist:.2f}"),
            ("dedicated resources", report.dedicated_resources),
            ("fixed fees", f"{report.fixed_fees:.2f}"),
            ("hourly charges", f"{report.hourly_charges:.2f}"),
            ("total", f"{report.total:.2f}"),
        ],
    )


@tenant.command(name="advise")
@click.argument("name")
@click.option(
    "--months",
    type=click.IntRange(1, 36),
    default=6,
    show_default=True,
    help="How many months to look back over.",
)
@click.option("--until", metavar="YYYY-MM", help="The last month to look at (default: this one).")
@json_option
@pass_desk
def advise(ctx: DeskContext, name: str, months: int, until: str | None, as_json: bool) -> None:
    """Compare the last months under each service model and recommend one, saying why."""
    advice = ctx.desk.tenancy.advise(name, months=months, until=until, actor=ctx.actor)
    if as_json:
        emit_json(advice)
        return
    show_rows(
        f"Demand of {advice.tenant} ({advice.current_model} today)",
        ("month", "incidents", "out of hours", "hours worked", "hours out of hours"),
        [
            (m.month, m.incidents, m.out_of_hours, f"{m.hours:.1f}", f"{m.hours_out_of_hours:.1f}")
            for m in advice.months
        ],
    )
    show_rows(
        "Under each model",
        ("model", "cost/month", "resources", "waiting for next shift", "how"),
        [
            (o.model, f"{o.monthly_cost:.2f}", o.resources, f"{o.waiting_share:.0%}", o.note)
            for o in advice.options
        ],
    )
    click.echo(f"Recommended: {advice.recommended}")
    for reason in advice.reasons:
        click.echo(f"- {reason}")


def _show_view(kind: str, view: TeamView | AgentView, as_json: bool) -> None:
    """A team or an agent: JSON, or its fields after its name."""
    if as_json:
        emit_json(view)
    else:
        show_fields(f"{kind} {view.name}", [(f, getattr(view, f)) for f in view.to_dict()][1:])


# --- teams -------------------------------------------------------------------


@click.group()
def team() -> None:
    """Teams: dedicated to a tenant, the shared pool, or a specialist group."""


supervisor_options = (
    click.option("--shift-manager", metavar="NAME", help="Supervisor: the shift manager."),
    click.option("--team-manager", metavar="NAME", help="Supervisor: the team manager."),
    click.option("--director", metavar="NAME", help="Supervisor: the director."),
)


def _with(options: tuple[Any, ...]) -> Any:
    def decorate(command: Any) -> Any:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _supervisors(**roles: str | None) -> dict[str, str]:
    return {role: name for role, name in roles.items() if name is not None}


def _team_line(view: TeamView) -> str:
    kind = view.kind
    if view.tenant:
        kind += f" to {view.tenant}"
    if view.skill_area:
        kind += f" ({view.skill_area})"
    members = ", ".join(view.members) or "no members"
    return f"{view.name} {kind} · calendar {view.calendar} · {members}"


def _team_answer(view: TeamView, as_json: bool) -> None:
    if as_json:
        emit_json(view)
    else:
        click.echo(_team_line(view))


@team.command(name="add")
@click.argument("name")
@click.option("--kind", type=_choice(TeamKind), required=True, help="What the team is.")
@click.option("--tenant", help="The tenant a dedicated team works for.")
@click.option("--skill-area", help="A specialist group's area: network, databases, a vendor...")
@click.option("--calendar", help="Shift calendar (default 24x7).")
@_with(supervisor_options)
@json_option
@pass_desk
def add_team(
    ctx: DeskContext,
    name: str,
    kind: str,
    tenant: str | None,
    skill_area: str | None,
    calendar: str | None,
    as_json: bool,
    **roles: str | None,
) -> None:
    """Form a team."""
    view = ctx.desk.tenancy.form_team(
        name,
        kind=kind,
        tenant=tenant,
        skill_area=skill_area,
        supervisors=_supervisors(**roles),
        actor=ctx.actor,
        **_given(calendar=calendar),
    )
    _team_answer(view, as_json)


@team.command(name="update")
@click.argument("name")
@click.option("--calendar", help="Shift calendar.")
@_with(supervisor_options)
@json_option
@pass_desk
def update_team(
    ctx: DeskContext, name: str, calendar: str | None, as_json: bool, **roles: str | None
) -> None:
    """Change a team's shift calendar or supervisors (its kind and tenant stay)."""
    view = ctx.desk.tenancy.update_team(
        name, calendar=calendar, supervisors=_supervisors(**roles), actor=ctx.actor
    )
    _team_answer(view, as_json)


@team.command(name="show")
@click.argument("name")
@json_option
@pass_desk
def show_team(ctx: DeskContext, name: str, as_json: bool) -> None:
    """One team: kind, tenant, calendar, supervisors and members."""
    _show_view("Team", ctx.desk.tenancy.team(name, actor=ctx.actor), as_json)


@team.command(name="list")
@json_option
@pass_desk
def list_teams(ctx: DeskContext, as_json: bool) -> None:
    """Every team, by name."""
    views = ctx.desk.tenancy.teams(actor=ctx.actor)
    if as_json:
        emit_json(views)
        return
    show_rows(
        f"Teams ({len(views)})",
        ("team", "kind", "tenant", "skill area", "calendar", "members"),
        [(v.name, v.kind, v.tenant, v.skill_area, v.calendar, v.members) for v in views],
    )


# --- agents ------------------------------------------------------------------


@click.group()
def agent() -> None:
    """Agents: their teams, skills, languages, presence and capacity."""


agent_options = (
    click.option("--skill", "skills", multiple=True, help="A skill (repeatable)."),
    click.option(
        "--language", "languages", multiple=True, help="A language: en, fr... (repeatable)."
    ),
    click.option("--location", type=_choice(Location), help="on_site or remote."),
    click.option(
        "--capacity",
        type=Pair("CHANNEL=N"),
        multiple=True,
        help="Items of a channel held at once, e.g. chat=2 (repeatable; "
        "default voice=1 chat=3 email=8 other=5).",
    ),
)


def _agent_line(view: AgentView) -> str:
    skills = f" · skills {', '.join(view.skills)}" if view.skills else ""
    return (
        f"{view.name} {view.presence} · {', '.join(view.teams)}{skills} · "
        f"speaks {', '.join(view.languages)} · {view.location}"
    )


def _agent_answer(view: AgentView, as_json: bool) -> None:
    if as_json:
        emit_json(view)
    else:
        click.echo(_agent_line(view))


@agent.command(name="add")
@click.argument("name")
@click.option("--team", "teams", multiple=True, required=True, help="A team (repeatable).")
@_with(agent_options)
@json_option
@pass_desk
def add_agent(ctx: DeskContext, name: str, as_json: bool, **profile: Any) -> None:
    """Register an agent (presence starts offline)."""
    given = _given(**profile)
    if "capacity" in given:
        given["capacity"] = dict(given["capacity"])
    _agent_answer(ctx.desk.tenancy.register_agent(name, actor=ctx.actor, **given), as_json)


@agent.command(name="update")
@click.argument("name")
@click.option("--team", "teams", multiple=True, help="A team (repeatable; replaces the teams).")
@_with(agent_options)
@json_option
@pass_desk
def update_agent(ctx: DeskContext, name: str, as_json: bool, **profile: Any) -> None:
    """Change an agent's teams, skills or languages (each replaced), location or capacity."""
    changes = _given(**profile)
    if "capacity" in changes:
        changes["capacity"] = dict(changes["capacity"])
    _agent_answer(ctx.desk.tenancy.update_agent(name, actor=ctx.actor, **changes), as_json)


@agent.command(name="move")
@click.argument("name")
@click.option("--from", "from_team", required=True, help="The team it leaves.")
@click.option("--to", "to_team", required=True, help="The team it joins.")
@json_option
@pass_desk
def move_agent(ctx: DeskContext, name: str, from_team: str, to_team: str, as_json: bool) -> None:
    """Move an agent from one team to another for the shift (a supervisor of both may)."""
    _agent_answer(ctx.desk.tenancy.move_agent(name, from_team, to_team, actor=ctx.actor), as_json)


@agent.command(name="presence")
@click.argument("name")
@click.argument("presence", type=_choice(Presence), metavar="PRESENCE")
@json_option
@pass_desk
def presence(ctx: DeskContext, name: str, presence: str, as_json: bool) -> None:
    """Set an agent's presence: available, busy, away or offline."""
    _agent_answer(ctx.desk.tenancy.set_presence(name, presence, actor=ctx.actor), as_json)


@agent.command(name="show")
@click.argument("name")
@json_option
@pass_desk
def show_agent(ctx: DeskContext, name: str, as_json: bool) -> None:
    """One agent: teams, skills, languages, presence, capacity and load."""
    _show_view("Agent", ctx.desk.tenancy.agent(name, actor=ctx.actor), as_json)


@agent.command(name="list")
@click.option("--team", help="Only this team's members.")
@json_option
@pass_desk
def list_agents(ctx: DeskContext, team: str | None, as_json: bool) -> None:
    """Every agent, by name."""
    if team is not None:
        ctx.desk.tenancy.team(
            team, actor=ctx.actor
        )  # an unknown team is an error, not an empty list
    views = ctx.desk.tenancy.agents(team=team, actor=ctx.actor)
    if as_json:
        emit_json(views)
        return
    show_rows(
        f"Agents ({len(views)})",
        ("agent", "presence", "teams", "skills", "languages", "location", "load"),
        [(v.name, v.presence, v.teams, v.skills, v.languages, v.location, v.load) for v in views],
    )


# --- routing -----------------------------------------------------------------


@click.group()
def route() -> None:
    """Routing: give waiting work to the longest-idle eligible agent."""


@route.command(name="run")
@click.option("--at", type=INSTANT, help="The instant of the pass (ISO 8601; default: now).")
@json_option
@pass_desk
def run_routing(ctx: DeskContext, at: datetime | None, as_json: bool) -> None:
    """One routing pass: each waiting item, routed or not, and why."""
    decisions = ctx.desk.tenancy.route(now=at, actor=ctx.actor)
    if as_json:
        emit_json(decisions)
        return
    for d in decisions:
        overflow = " [overflow]" if d.overflowed else ""
        if d.agent is not None:
            click.echo(f"{d.incident} {d.tenant} → {d.agent} ({d.team}){overflow}: {d.reason}")
        else:
            click.echo(f"{d.incident} {d.tenant} waits{overflow}: {d.reason}")
    routed = sum(1 for d in decisions if d.agent is not None)
    click.echo(f"{routed} routed, {len(decisions) - routed} waiting.")


@route.command(name="work")
@click.option(
    "--interval",
    type=click.FloatRange(0.1),
    default=5.0,
    show_default=True,
    help="Seconds between passes.",
)
@click.option("--passes", type=click.IntRange(1), help="Stop after this many passes.")
@pass_desk
def work(ctx: DeskContext, interval: float, passes: int | None) -> None:
    """The routing worker: a pass every few seconds until interrupted (Ctrl-C); prints each
    routed item as a JSON line."""
    ctx.desk.tenancy.guard(ctx.actor, "run routing")
    with contextlib.suppress(KeyboardInterrupt):
        ctx.desk.tenancy.run(
            interval=interval,
            passes=passes,
            on_decision=lambda d: click.echo(json.dumps(d.to_dict())),
        )


@route.command(name="queue")
@click.option("--tenant", help="Only this tenant's items.")
@click.option("--at", type=INSTANT, help="The instant (ISO 8601; default: now).")
@json_option
@pass_desk
def queue(ctx: DeskContext, tenant: str | None, at: datetime | None, as_json: bool) -> None:
    """The waiting items in routing order, with position and estimated wait."""
    if tenant is not None:
        ctx.desk.tenancy.tenant(
            tenant, actor=ctx.actor
        )  # an unknown tenant is an error, not an empty queue
    entries = ctx.desk.tenancy.queue(tenant=tenant, at=at, actor=ctx.actor)
    if as_json:
        emit_json(entries)
        return
    show_rows(
        f"Waiting ({len(entries)})",
        ("incident", "tenant", "channel", "P", "waiting since (UTC)", "position", "est. wait"),
        [
            (
                e.incident + (f" → {e.group}" if e.group else ""),
                e.tenant + (" (overflow)" if e.overflowed else ""),
                e.channel,
                e.priority,
                e.waiting_since.strftime("%Y-%m-%d %H:%M"),
                e.position,
                f"{e.estimated_wait_minutes // 60}h{e.estimated_wait_minutes % 60:02d}m",
            )
            for e in entries
        ],
    )


# --- access ------------------------------------------------------------------


@click.group()
def access() -> None:
    """Access control: what agents and tenant users were refused."""


@access.command(name="refusals")
@click.option(
    "--limit", type=click.IntRange(1, 10000), default=100, show_default=True, help="The last N."
)
@json_option
@pass_desk
def refusals(ctx: DeskContext, limit: int, as_json: bool) -> None:
    """The refused accesses, oldest first: who tried what, on which incident, and why not."""
    found = ctx.desk.tenancy.refusals(limit=limit, actor=ctx.actor)
    if as_json:
        emit_json(found)
        return
    show_rows(
        f"Refused accesses ({len(found)})",
        ("at (UTC)", "actor", "kind", "action", "incident", "tenant", "reason"),
        [
            (
                r.at.strftime("%Y-%m-%d %H:%M:%S"),
                r.actor,
                r.actor_kind,
                r.action,
                r.incident,
                r.tenant,
                r.reason,
            )
            for r in found
        ],
    )
