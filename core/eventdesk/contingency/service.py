"""``desk.contingency``: switch contingency mode on and off, per tenant or for the desk."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.application import AggregateNotFoundError

from eventdesk.contingency.model import DESK, ContingencyMode, contingency_id
from eventdesk.errors import EventDeskError
from eventdesk.views import to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

SYSTEM_ACTOR = "system"


class ContingencyError(EventDeskError):
    """Contingency mode cannot be switched so: it is on already, or off already."""


@attrs.frozen
class ContingencySwitch:
    """One switch of contingency mode, on or off, with who and why."""

    on: bool
    at: datetime
    actor: str
    reason: str | None
    capacity_factor: float | None = None
    capacity: Mapping[str, int] = attrs.field(factory=dict)


@attrs.frozen
class ContingencyView:
    """Whether a tenant (or the desk: ``tenant`` None) works in contingency, and how."""

    tenant: str | None
    on: bool
    since: datetime | None
    reason: str | None
    capacity_factor: float | None
    capacity: Mapping[str, int]
    history: tuple[ContingencySwitch, ...]

    @property
    def scope(self) -> str:
        return self.tenant or DESK

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


class ContingencyService:
    """``desk.contingency``: on, off, status, and what applies to a tenant now."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk

    def _scope(self, tenant: str | None) -> str:
        if tenant is None:
            return DESK
        self.desk.tenancy.tenant(tenant)  # UnknownNameError names a tenant that is not there
        return f"tenant:{tenant}"

    def _load(self, scope: str) -> ContingencyMode | None:
        try:
            return self.desk.repository.get(contingency_id(scope))
        except AggregateNotFoundError:
            return None

    def _where(self, tenant: str | None) -> str:
        return f"tenant {tenant}" if tenant else "the desk"

    def on(
        self,
        tenant: str | None = None,
        *,
        reason: str,
        capacity_factor: float | None = None,
        capacity: Mapping[str, Any] | None = None,
        actor: str = SYSTEM_ACTOR,
    ) -> ContingencyView:
        """Switch contingency mode on for a tenant (or, without one, for the whole desk):
        agents work with ``capacity_factor`` times their capacity (rounded down, at least
        one) or the ``capacity`` given per channel."""
        self.desk.tenancy.guard(
            actor, "switch contingency mode on", tenant=tenant, supervisors=True
        )
        scope = self._scope(tenant)
        at = self.desk.clock.now()
        mode = self._load(scope) or ContingencyMode.open(scope, actor=str(actor), at=at)
        if mode.on:
            raise ContingencyError(
                f"contingency mode is on already for {self._where(tenant)} "
                f"(since {mode.since:%Y-%m-%d %H:%M} UTC: {mode.reason})",
                tenant=tenant,
            )
        mode.switch_on(
            reason=reason,
            capacity_factor=capacity_factor,
            capacity=capacity,
            actor=str(actor),
            at=at,
        )
        self.desk.save(mode)
        self.desk.tenancy.refresh()
        return self.status(tenant)

    def off(
        self, tenant: str | None = None, *, reason: str | None = None, actor: str = SYSTEM_ACTOR
    ) -> ContingencyView:
        """Switch contingency mode off: back to normal capacity and rules."""
        self.desk.tenancy.guard(
            actor, "switch contingency mode off", tenant=tenant, supervisors=True
        )
        scope = self._scope(tenant)
        mode = self._load(scope)
        if mode is None or not mode.on:
            raise ContingencyError(
                f"contingency mode is not on for {self._where(tenant)}", tenant=tenant
            )
        mode.switch_off(reason=reason, actor=str(actor), at=self.desk.clock.now())
        self.desk.save(mode)
        self.desk.tenancy.refresh()
        return self.status(tenant)

    def status(self, tenant: str | None = None, *, actor: str = SYSTEM_ACTOR) -> ContingencyView:
        """Whether contingency mode is on for the tenant itself (or the desk), with its
        history of switches."""
        self.desk.tenancy.guard(
            actor, "read contingency mode of", tenant=tenant, agents=True, tenant_users=True
        )
        scope = self._scope(tenant)
        mode = self._load(scope)
        if mode is None:
            return ContingencyView(tenant, False, None, None, None, {}, ())
        history = []
        for event in self.desk.repository.event_store.get(contingency_id(scope)):
            if isinstance(event, ContingencyMode.SwitchedOn):
                history.append(
                    ContingencySwitch(
                        True,
                        event.timestamp,
                        event.actor,
                        event.reason,
                        event.capacity_factor,
                        dict(event.capacity),
                    )
                )
            elif isinstance(event, ContingencyMode.SwitchedOff):
                history.append(ContingencySwitch(False, event.timestamp, event.actor, event.reason))
        return ContingencyView(
            tenant=tenant,
            on=mode.on,
            since=mode.since,
            reason=mode.reason,
            capacity_factor=mode.capacity_factor,
            capacity=dict(mode.capacity),
            history=tuple(history),
        )

    def active_for(self, tenant: str | None) -> ContingencyView | None:
        """The contingency that applies to a tenant's work now: its own, else the desk's;
        None when neither is on."""
        if tenant and self.desk.tenancy.has_tenant(tenant):
            own = self.status(tenant)
            if own.on:
                return own
        desk_wide = self.status(None)
        return desk_wide if desk_wide.on else None

    def capacity_of(self, agent: str, *, actor: str = SYSTEM_ACTOR) -> dict[str, int]:
        """The capacity an agent works with now: its own, or as contingency adjusts it."""
        view = self.desk.tenancy.agent(agent, actor=actor)
        return dict(self.desk.tenancy.engine.agents[view.name].capacity)


__all__ = ["ContingencyError", "ContingencyService", "ContingencySwitch", "ContingencyView"]
