"""The scratch desk a drill runs on: built from the scenario's files and tables, or
copied, read-only, from the live desk."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventdesk.drills.scenario import ScenarioError

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk


def build_desk(
    desk: ServiceDesk, spec: Mapping[str, Any], base: Path, live: ServiceDesk | None = None
) -> dict[str, list[str]]:
    """Configure ``desk`` as ``spec`` (the scenario's ``[desk]`` table) says; returns the
    agents of each site (an agent table's ``site``; every team is a site too)."""
    sites: dict[str, list[str]] = {}
    if spec.get("copy") == "live":
        if live is None:
            raise ScenarioError("scenario", "desk.copy", "a live desk to copy (--db)")
        copy_desk(live, desk)
    for name in spec.get("calendars", ()):
        desk.sla.import_calendar(base / name)
    for name in spec.get("policies", ()):
        desk.sla.import_policy(base / name)
    if spec.get("policy"):
        desk.sla.use_policy(spec["policy"])
    tenancy = desk.tenancy
    for tenant in spec.get("tenants", ()):
        contract = {k: v for k, v in tenant.items() if k not in ("name", "model", "manager")}
        tenancy.register_tenant(
            tenant["name"], model=tenant["model"], service_manager=tenant["manager"], **contract
        )
    for team in spec.get("teams", ()):
        tenancy.form_team(
            team["name"],
            kind=team["kind"],
            tenant=team.get("tenant"),
            calendar=team.get("calendar", "24x7"),
        )
    for group in spec.get("agents", ()):
        count = int(group.get("count", 1))
        names = (
            [group["name"]]
            if "name" in group
            else [f"{group['prefix']}-{n}" for n in range(1, count + 1)]
        )
        for name in names:
            tenancy.register_agent(
                name,
                teams=group["teams"],
                location="on_site" if group.get("site") else "remote",
                capacity=group.get("capacity"),
                skills=group.get("skills", ()),
                languages=group.get("languages", ("en",)),
            )
            if group.get("site"):
                sites.setdefault(group["site"], []).append(name)
    for team in tenancy.teams():
        sites.setdefault(team.name, list(team.members))
    return sites


def copy_desk(live: ServiceDesk, desk: ServiceDesk) -> None:
    """The live desk's calendars, policies, tenants, teams and agents, copied to ``desk``
    (the live desk is only read)."""
    for name in live.sla.calendar_names():
        if name != "24x7":
            desk.sla.import_calendar(live.sla.calendar(name))
    for name in live.sla.policy_names():
        desk.sla.import_policy(live.sla.policy(name))
    for tenant in live.tenancy.tenants():
        data = tenant.to_dict()
        contract = {
            k: v
            for k, v in data.items()
            if k not in ("name", "model", "service_manager", "teams", "version")
        }
        desk.tenancy.register_tenant(
            tenant.name, model=tenant.model, service_manager=tenant.service_manager, **contract
        )
    for team in live.tenancy.teams():
        desk.tenancy.form_team(
            team.name,
            kind=team.kind,
            tenant=team.tenant,
            skill_area=team.skill_area,
            calendar=team.calendar,
        )
    for agent in live.tenancy.agents():
        desk.tenancy.register_agent(
            agent.name,
            teams=agent.teams,
            skills=agent.skills,
            languages=agent.languages,
            location=agent.location,
            capacity=agent.capacity,
        )
