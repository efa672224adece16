"""Which SLA policy is in force for an incident, and since when.

A policy reaches an incident through three kinds of stored change: the desk's
choice of policy (the ``settings`` definition), a tenant's contract (its
policy and its calendar) and the policy definitions themselves (each revision
of a policy's targets). Each is an event, so the policy in force is a
*schedule* over time, one per tenant (and one for incidents of no tenant),
built once per version of the configuration and then read by every fold.

The policy in force at an incident's opening applies from the opening. A later
change applies from the change: every running clock closes its segment under
the old target and calendar and continues under the new one with the time
already used (exactly as a change of priority does). A change recorded as
retroactive applies from the opening instead, as if it had always been in
force. A change after the incident was closed or cancelled does not touch it:
its clocks are settled.

>>> from datetime import UTC, datetime
>>> from eventdesk.sla.policy import default_policy
>>> builder = ScheduleBuilder(lambda name: BusinessCalendar.always_open(name))
>>> gold = attrs.evolve(default_policy(), name="gold")
>>> builder.policy_defined(datetime(2026, 3, 1, tzinfo=UTC), gold, cause="policy gold v1")
>>> builder.contract(datetime(2026, 3, 2, tzinfo=UTC), "acme", "gold", None,
...                  cause="tenant acme contract v1")
>>> builder.contract(datetime(2026, 3, 5, tzinfo=UTC), "acme", "none", None,
...                  cause="tenant acme contract v2")
>>> for change in builder.build()["acme"].changes:
...     print(change.at.day, change.policy and change.policy.name, change.cause)
1 default built-in default policy
2 gold tenant acme contract v1
5 None tenant acme contract v2
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import attrs
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.sla.policy import NO_POLICY, SlaPolicy, default_policy

# Before anything was stored, the built-in default policy was in force.
BEGINNING = datetime.min.replace(tzinfo=UTC)
FROM_CHANGE = "change"
FROM_OPENING = "opening"
APPLIES_FROM = (FROM_CHANGE, FROM_OPENING)


@attrs.frozen
class PolicyChange:
    """From ``at`` on, ``policy`` is in force (None: no SLA at all), on ``calendars``."""

    at: datetime
    policy: SlaPolicy | None
    calendars: Mapping[str, BusinessCalendar] = attrs.field(factory=dict)
    retroactive: bool = False
    cause: str = ""


@attrs.frozen
class PolicySchedule:
    """The policies in force over time for the incidents of one tenant (or of none)."""

    changes: tuple[PolicyChange, ...]

    @classmethod
    def fixed(
        cls, policy: SlaPolicy | None, calendars: Mapping[str, BusinessCalendar]
    ) -> PolicySchedule:
        """One policy for all time (a what-if, or a test)."""
        name = policy.name if policy else NO_POLICY
        return cls((PolicyChange(BEGINNING, policy, dict(calendars), cause=f"policy {name}"),))

    @property
    def current(self) -> PolicyChange:
        return self.changes[-1]

    def for_incident(
        self, opened_at: datetime, horizon: datetime | None
    ) -> tuple[PolicyChange, list[PolicyChange]]:
        """The change in force at the opening, and the later ones up to ``horizon`` (the
        end of the fold, or when the incident was closed or cancelled).

        A retroactive change becomes the policy from the opening; it stays in the
        list of later changes (as a note for the timeline) and drops the earlier ones,
        which it overrules.
        """
        initial = self.changes[0]
        later: list[PolicyChange] = []
        for change in self.changes:
            if change.at <= opened_at:
                initial = change
            elif horizon is None or change.at <= horizon:
                if change.retroactive:
                    initial = attrs.evolve(change, at=opened_at)
                    later = []
                later.append(change)
        return initial, later


class ScheduleBuilder:
    """Folds the stored configuration changes, in the order they happened, into one
    schedule per tenant. ``calendars`` finds a calendar by name (at its current
    version: calendars are not scheduled)."""

    def __init__(self, calendars: Callable[[str], BusinessCalendar]) -> None:
        self._lookup = calendars
        self._calendar_cache: dict[str, BusinessCalendar] = {}
        self.desk_policy = "default"
        self.policies: dict[str, SlaPolicy] = {}
        self.contracts: dict[str, tuple[str | None, str | None]] = {}
        builtin = default_policy()
        self.schedules: dict[str | None, list[PolicyChange]] = {
            None: [
                PolicyChange(
                    BEGINNING, builtin, self._calendars(builtin), cause="built-in default policy"
                )
            ]
        }

    def _calendars(self, policy: SlaPolicy | None) -> dict[str, BusinessCalendar]:
        if policy is None:
            return {}
        for name in policy.calendars - self._calendar_cache.keys():
            try:
                self._calendar_cache[name] = self._lookup(name)
            except Exception:  # a calendar since removed from the store: round the clock
                self._calendar_cache[name] = BusinessCalendar.always_open(name)
        return {name: self._calendar_cache[name] for name in policy.calendars}

    def _policy_name(self, tenant: str | None) -> str:
        if tenant is None:
            return self.desk_policy
        return self.contracts[tenant][0] or self.desk_policy

    def _effective(self, tenant: str | None) -> SlaPolicy | None:
        name = self._policy_name(tenant)
        if name == NO_POLICY:
            return None
        policy = self.policies.get(name)
        if policy is None:
            policy = default_policy() if name == "default" else None
        calendar = self.contracts[tenant][1] if tenant is not None else None
        if policy is not None and calendar:
            policy = policy.on_calendar(calendar)
        return policy

    def _refresh(
        self, at: datetime, tenants: list[str | None], retroactive: bool, cause: str
    ) -> None:
        for tenant in tenants:
            policy = self._effective(tenant)
            schedule = self.schedules[tenant]
            if policy != schedule[-1].policy:
                schedule.append(
                    PolicyChange(at, policy, self._calendars(policy), retroactive, cause)
                )

    def policy_defined(
        self, at: datetime, policy: SlaPolicy, *, retroactive: bool = False, cause: str
    ) -> None:
        """A policy was stored or revised: incidents under it follow."""
        self.policies[policy.name] = policy
        users = [t for t in self.schedules if self._policy_name(t) == policy.name]
        self._refresh(at, users, retroactive, cause)

    def desk_uses(self, at: datetime, name: str, *, retroactive: bool = False, cause: str) -> None:
        """The desk chose a policy: incidents of no contract policy follow."""
        self.desk_policy = name
        followers = [t for t in self.schedules if t is None or not self.contracts[t][0]]
        self._refresh(at, followers, retroactive, cause)

    def contract(
        self,
        at: datetime,
        tenant: str,
        policy: str | None,
        calendar: str | None,
        *,
        retroactive: bool = False,
        cause: str,
    ) -> None:
        """A tenant's contract was signed or changed (policy ``none``: no SLA)."""
        if tenant not in self.schedules:
            # Until it signed, a tenant would have had the desk's policy.
            self.schedules[tenant] = list(self.schedules[None])
        self.contracts[tenant] = (policy or None, calendar or None)
        self._refresh(at, [tenant], retroactive, cause)

    def build(self) -> dict[str | None, PolicySchedule]:
        return {
            tenant: PolicySchedule(tuple(changes)) for tenant, changes in self.schedules.items()
        }
