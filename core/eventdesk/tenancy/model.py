"""Tenants, teams and agents: who is served, by whom, when, and at what price.

Each is an event-sourced aggregate named by its name (its id is derived from
the kind and the name, so a name cannot be registered twice). Each public
command checks its rules and triggers one event; the event bodies only change
state, because they run again on replay.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from eventdesk.errors import InvalidValueError
from eventdesk.sla.schedule import APPLIES_FROM

NAMESPACE = uuid.UUID("6c1b0c8e-7d0a-4f7b-9f84-4f3f0d3b7a11")
NAME_MAX = 100


class ServiceModel(StrEnum):
    DEDICATED = "dedicated"
    SHARED = "shared"
    HYBRID = "hybrid"


class TeamKind(StrEnum):
    DEDICATED = "dedicated"  # works for one tenant only
    SHARED = "shared"  # the pool that serves many tenants
    SPECIALIST = "specialist"  # a skill area: network, servers, databases, a vendor


class Presence(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    AWAY = "away"
    OFFLINE = "offline"


class Location(StrEnum):
    ON_SITE = "on_site"
    REMOTE = "remote"


DEFAULT_CAPACITY: dict[str, int] = {"voice": 1, "chat": 3, "email": 8, "other": 5}
SUPERVISOR_ROLES = ("shift_manager", "team_manager", "director")


def directory_id(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{name}")


def check_name(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(field, value, "a non-empty name")
    value = value.strip()
    if len(value) > NAME_MAX:
        raise InvalidValueError(field, value, f"at most {NAME_MAX} characters")
    return value


def check_choice(field: str, value: Any, choices: type[StrEnum]) -> str:
    try:
        return choices(str(value).strip().lower().replace("-", "_")).value
    except ValueError:
        allowed = ", ".join(c.value for c in choices)
        raise InvalidValueError(field, value, f"one of {allowed}") from None


def check_money(field: str, value: Any) -> float:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise InvalidValueError(field, value, "an amount of 0 or more") from None
    if amount < 0 or amount != amount:
        raise InvalidValueError(field, value, "an amount of 0 or more")
    return round(amount, 2)


def check_minutes(field: str, value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidValueError(field, value, "a whole number of minutes, 0 or more")
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise InvalidValueError(field, value, "a whole number of minutes, 0 or more") from None
    if minutes < 0 or (minutes != value and not isinstance(value, str)):
        raise InvalidValueError(field, value, "a whole number of minutes, 0 or more")
    return minutes


def check_names(field: str, values: Iterable[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(sorted({check_name(field, v).lower() for v in values}))


def check_capacity(capacity: Mapping[str, Any] | None) -> dict[str, int]:
    """The channels given, each checked: a whole number of items at once, 0 to 100."""
    if capacity is not None and not isinstance(capacity, Mapping):
        raise InvalidValueError("capacity", capacity, "a map of channel to a whole number")
    result: dict[str, int] = {}
    for channel, value in (capacity or {}).items():
        channel = check_name("channel", channel).lower()
        expected = "a whole number 0 to 100"
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidValueError(f"capacity for {channel}", value, expected)
        try:
            count = int(value)
        except ValueError:
            raise InvalidValueError(f"capacity for {channel}", value, expected) from None
        if not 0 <= count <= 100:
            raise InvalidValueError(f"capacity for {channel}", value, expected)
        result[channel] = count
    return result


# Tenant attributes that ``update`` may change, with their checks.
TENANT_FIELDS: dict[str, Any] = {
    "model": lambda v: check_choice("service model", v, ServiceModel),
    "calendar": lambda v: None if v in (None, "") else check_name("calendar", v),
    "sla_policy": lambda v: None if v in (None, "") else check_name("SLA policy", v),
    "priority_matrix": lambda v: _check_matrix(v),
    "hourly_rate": lambda v: check_money("hourly rate", v),
    "monthly_fee": lambda v: check_money("monthly fee per dedicated resource", v),
    "service_manager": lambda v: check_name("customer service manager", v),
    "overflow_wait_minutes": lambda v: check_minutes("overflow wait", v),
    "weight": lambda v: _check_weight(v),
    "category_groups": lambda v: _check_category_groups(v),
    "domains": lambda v: check_domains(v),
}

_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def check_domains(value: Any) -> list[str]:
    """Email domains whose senders belong to the tenant (``acme.example``), lower-cased.

    >>> check_domains(["ACME.example", "acme.example", "mail.acme.example"])
    ['acme.example', 'mail.acme.example']
    """
    if value is None:
        return []
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    if not isinstance(value, list | tuple):
        raise InvalidValueError("email domains", value, "a list of domains such as acme.example")
    domains = []
    for item in value:
        domain = item.strip().lower().lstrip("@") if isinstance(item, str) else item
        if not isinstance(domain, str) or not _DOMAIN.match(domain):
            raise InvalidValueError("email domain", item, "a domain such as acme.example")
        domains.append(domain)
    return sorted(set(domains))


def _check_weight(value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidValueError("weight", value, "a whole number 1 to 100")
    try:
        weight = int(value)
    except (TypeError, ValueError):
        raise InvalidValueError("weight", value, "a whole number 1 to 100") from None
    if not 1 <= weight <= 100:
        raise InvalidValueError("weight", value, "a whole number 1 to 100")
    return weight


def _check_matrix(value: Any) -> dict[str, dict[str, int]] | None:
    if value in (None, {}):
        return None
    from eventdesk.domain.priority import PriorityMatrix

    matrix = PriorityMatrix.from_mapping(value)
    return {str(i): {str(u): matrix.cells[(i, u)] for u in (1, 2, 3)} for i in (1, 2, 3)}


def _check_category_groups(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidValueError("category groups", value, "a map of category to group")
    return {
        check_name("category", k).lower(): check_name("specialist group", v)
        for k, v in value.items()
    }


def _check_tenant_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Each setting checked; an unknown one is refused by name."""
    unknown = sorted(set(settings) - set(TENANT_FIELDS))
    if unknown:
        raise InvalidValueError("tenant setting", unknown[0], ", ".join(TENANT_FIELDS))
    return {key: TENANT_FIELDS[key](value) for key, value in settings.items()}


class Tenant(Aggregate):
    """A client company: its service model and its contract."""

    @staticmethod
    def create_id(name: str) -> uuid.UUID:
        return directory_id("tenant", name)

    @classmethod
    def register(
        cls,
        name: str,
        *,
        model: str,
        service_manager: str,
        actor: str,
        at: datetime,
        **contract: Any,
    ) -> Tenant:
        _check_tenant_settings(contract)
        values = {
            "model": model,
            "service_manager": service_manager,
            "calendar": None,
            "sla_policy": None,
            "priority_matrix": None,
            "hourly_rate": 0.0,
            "monthly_fee": 0.0,
            "overflow_wait_minutes": 30,
            "weight": 1,
            "category_groups": {},
            "domains": [],
            **contract,
        }
        return cls(
            name=check_name("tenant", name),
            settings=_check_tenant_settings(values),
            actor=actor,
            timestamp=at,
        )

    @event("Registered")
    def __init__(
        self, name: str, settings: dict[str, Any], actor: str, timestamp: datetime
    ) -> None:
        self.name = name
        self.settings = dict(settings)

    def update(
        self, *, actor: str, at: datetime, sla_from: str | None = None, **changes: Any
    ) -> bool:
        """Change the model or the contract. ``sla_from`` says where a change of SLA
        policy or calendar takes effect for incidents already open: from the change
        (``"change"``, the default) or from their opening (``"opening"``)."""
        if sla_from not in (None, *APPLIES_FROM):
            raise InvalidValueError("sla from", sla_from, " or ".join(APPLIES_FROM))
        checked = _check_tenant_settings(changes)
        changed = {k: v for k, v in checked.items() if self.settings.get(k) != v}
        if not changed:
            return False
        self._updated(changes=changed, actor=actor, timestamp=at, sla_from=sla_from)
        return True

    @event("Updated")
    def _updated(
        self,
        changes: dict[str, Any],
        actor: str,
        timestamp: datetime,
        sla_from: str | None = None,  # absent from events stored before policy lifecycles
    ) -> None:
        self.settings = {**self.settings, **changes}

    @property
    def model(self) -> ServiceModel:
        return ServiceModel(self.settings["model"])


class Team(Aggregate):
    """A team: dedicated to a tenant, the shared pool, or a specialist group."""

    @staticmethod
    def create_id(name: str) -> uuid.UUID:
        return directory_id("team", name)

    @classmethod
    def form(
        cls,
        name: str,
        *,
        kind: str,
        actor: str,
        at: datetime,
        tenant: str | None = None,
        skill_area: str | None = None,
        calendar: str = "24x7",
        supervisors: Mapping[str, str] | None = None,
    ) -> Team:
        kind = check_choice("team kind", kind, TeamKind)
        if kind == TeamKind.DEDICATED and not tenant:
            raise InvalidValueError("tenant", tenant, "the tenant a dedicated team works for")
        if kind != TeamKind.DEDICATED and tenant:
            raise InvalidValueError("tenant", tenant, "no tenant: only dedicated teams have one")
        if kind == TeamKind.SPECIALIST and not skill_area:
            raise InvalidValueError("skill area", skill_area, "the specialist group's skill area")
        return cls(
            name=check_name("team", name),
            kind=kind,
            tenant=check_name("tenant", tenant) if tenant else None,
            skill_area=check_name("skill area", skill_area).lower() if skill_area else None,
            calendar=check_name("calendar", calendar),
            supervisors=_check_supervisors(supervisors),
            actor=actor,
            timestamp=at,
        )

    @event("Formed")
    def __init__(
        self,
        name: str,
        kind: str,
        tenant: str | None,
        skill_area: str | None,
        calendar: str,
        supervisors: dict[str, str],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.name = name
        self.kind = TeamKind(kind)
        self.tenant = tenant
        self.skill_area = skill_area
        self.calendar = calendar
        self.supervisors = dict(supervisors)

    def update(
        self,
        *,
        actor: str,
        at: datetime,
        calendar: str | None = None,
        supervisors: Mapping[str, str] | None = None,
    ) -> bool:
        new_calendar = check_name("calendar", calendar) if calendar else self.calendar
        new_supervisors = (
            {**self.supervisors, **_check_supervisors(supervisors)}
            if supervisors
            else self.supervisors
        )
        if new_calendar == self.calendar and new_supervisors == self.supervisors:
            return False
        self._updated(calendar=new_calendar, supervisors=new_supervisors, actor=actor, timestamp=at)
        return True

    @event("Updated")
    def _updated(
        self, calendar: str, supervisors: dict[str, str], actor: str, timestamp: datetime
    ) -> None:
        self.calendar = calendar
        self.supervisors = dict(supervisors)


def _check_supervisors(supervisors: Mapping[str, str] | None) -> dict[str, str]:
    if supervisors is not None and not isinstance(supervisors, Mapping):
        raise InvalidValueError("supervisors", supervisors, "a map of role to name")
    result: dict[str, str] = {}
    for role, name in (supervisors or {}).items():
        role = str(role).strip().lower().replace("-", "_").replace(" ", "_")
        if role not in SUPERVISOR_ROLES:
            raise InvalidValueError("supervisor role", role, ", ".join(SUPERVISOR_ROLES))
        result[role] = check_name(role.replace("_", " "), name)
    return result


class Agent(Aggregate):
    """A person who works incidents: teams, skills, languages, presence, capacity."""

    @staticmethod
    def create_id(name: str) -> uuid.UUID:
        return directory_id("agent", name)

    @classmethod
    def register(
        cls,
        name: str,
        *,
        teams: Iterable[str],
        actor: str,
        at: datetime,
        skills: Iterable[str] = (),
        languages: Iterable[str] = ("en",),
        location: str = "remote",
        capacity: Mapping[str, Any] | None = None,
    ) -> Agent:
        team_names = tuple(check_name("team", t) for t in teams)
        if not team_names:
            raise InvalidValueError("teams", [], "at least one team")
        return cls(
            name=check_name("agent", name),
            teams=team_names,
            skills=check_names("skill", skills),
            languages=check_names("language", languages) or ("en",),
            location=check_choice("location", location, Location),
            capacity={**DEFAULT_CAPACITY, **check_capacity(capacity)},
            actor=actor,
            timestamp=at,
        )

    @event("Registered")
    def __init__(
        self,
        name: str,
        teams: tuple[str, ...],
        skills: tuple[str, ...],
        languages: tuple[str, ...],
        location: str,
        capacity: dict[str, int],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.name = name
        self.teams = tuple(teams)
        self.skills = tuple(skills)
        self.languages = tuple(languages)
        self.location = Location(location)
        self.capacity = dict(capacity)
        self.presence = Presence.OFFLINE
        self.presence_since = timestamp

    def update(
        self,
        *,
        actor: str,
        at: datetime,
        teams: Iterable[str] | None = None,
        skills: Iterable[str] | None = None,
        languages: Iterable[str] | None = None,
        location: str | None = None,
        capacity: Mapping[str, Any] | None = None,
    ) -> bool:
        changes: dict[str, Any] = {}
        if teams is not None:
            new_teams = tuple(check_name("team", t) for t in teams)
            if not new_teams:
                raise InvalidValueError("teams", [], "at least one team")
            changes["teams"] = new_teams
        if skills is not None:
            changes["skills"] = check_names("skill", skills)
        if languages is not None:
            changes["languages"] = check_names("language", languages)
        if location is not None:
            changes["location"] = check_choice("location", location, Location)
        if capacity is not None:
            changes["capacity"] = {**self.capacity, **check_capacity(capacity)}
        current = {
            "teams": self.teams,
            "skills": self.skills,
            "languages": self.languages,
            "location": self.location.value,
            "capacity": self.capacity,
        }
        changes = {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
        changed = {
            k: v
            for k, v in changes.items()
            if (tuple(v) if isinstance(v, list) else v) != current[k]
        }
        if not changed:
            return False
        self._updated(changes=changed, actor=actor, timestamp=at)
        return True

    @event("Updated")
    def _updated(self, changes: dict[str, Any], actor: str, timestamp: datetime) -> None:
        for key, value in changes.items():
            if key == "location":
                value = Location(value)
            elif key == "capacity":
                value = dict(value)
            else:
                value = tuple(value)
            setattr(self, key, value)

    def set_presence(self, presence: str, *, actor: str, at: datetime) -> bool:
        presence = check_choice("presence", presence, Presence)
        if presence == self.presence:
            return False
        self._presence_changed(presence=presence, actor=actor, timestamp=at)
        return True

    @event("PresenceChanged")
    def _presence_changed(self, presence: str, actor: str, timestamp: datetime) -> None:
        self.presence = Presence(presence)
        self.presence_since = timestamp
