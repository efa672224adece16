"""A small hand-built history with known figures, on the injected clock.

The desk clock starts on Monday 2 March 2026 at 08:00 UTC. The SLA policy ``ops``
runs on the calendar ``office`` (weekdays 09:00-17:00 UTC): P2 must be answered in
30 minutes and resolved in 4 business hours, P3 in 1 and 8 hours.

- A (P3, email, carla): first answered at 09:30, resolved at 10:00.
- B (P3, web, dan): l1, escalated to net at 08:10, back to l1 at 08:20 (ping-pong),
  resolved at 11:00 without a word, reopened at 12:00, resolved again at 13:00.
- C (P2, email, eve): opened at 10:00, eve writes again at 10:15, answered at 10:20,
  still open (its resolution was due at 14:00).
- D (P3, phone, fay): opened at 12:00, cancelled at 12:05.
- E (P3, chat, for tenant initech, shared, 55 an hour): opened at 08:00, routed to cy
  at once, 90 minutes of work logged, resolved at 10:00. Cy is available from 08:00,
  away from 12:00 to 13:00, offline from 16:00.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.sla.policy import SlaPolicy, Target

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OFFICE = BusinessCalendar.weekdays("office", "UTC", "09:00", "17:00")
POLICY = SlaPolicy(
    name="ops",
    targets={
        2: Target(timedelta(minutes=30), timedelta(hours=4), calendar="office"),
        3: Target(timedelta(hours=1), timedelta(hours=8), calendar="office"),
    },
)


def build_history(desk: ServiceDesk, clock: ManualClock) -> dict[str, str]:
    """Play the history above; returns the incident numbers by letter."""

    def at(hhmm: str) -> None:
        hours, minutes = (int(part) for part in hhmm.split(":"))
        target = clock.now().replace(hour=hours, minute=minutes)
        clock.advance(target - clock.now())

    desk.sla.import_calendar(OFFICE)
    desk.sla.import_policy(POLICY, use=True)
    tenancy = desk.tenancy
    tenancy.register_tenant("initech", model="shared", service_manager="sofia", hourly_rate=55)
    tenancy.form_team("pool", kind="shared")
    tenancy.form_team("l1", kind="shared")
    tenancy.form_team("net", kind="specialist", skill_area="network")
    tenancy.register_agent("cy", teams=["pool"])
    tenancy.set_presence("cy", "available")
    n: dict[str, str] = {}
    n["A"] = desk.open_incident("Mail", impact=2, urgency=2, channel="email", caller="carla").number
    n["B"] = desk.open_incident("VPN", impact=2, urgency=2, channel="web", caller="dan").number
    n["E"] = desk.open_incident(
        "Printer", impact=2, urgency=2, channel="chat", caller="gil", tenant="initech"
    ).number
    tenancy.route()
    desk.assign(n["A"], "l1")
    desk.assign(n["B"], "l1")
    at("08:10")
    desk.escalate(n["B"], "net", reason="looks like the network")
    at("08:20")
    desk.assign(n["B"], "l1")
    at("09:30")
    desk.comment(n["A"], "Looking into it", actor="bo")
    desk.log_work(n["E"], 90, actor="cy")
    at("10:00")
    desk.resolve(n["A"], code="fixed", actor="bo")
    desk.resolve(n["E"], code="fixed", actor="cy")
    n["C"] = desk.open_incident("ERP", impact=1, urgency=2, channel="email", caller="eve").number
    at("10:15")
    desk.comment(n["C"], "Still down", actor="eve")
    at("10:20")
    desk.comment(n["C"], "On it", actor="bo")
    at("11:00")
    desk.resolve(n["B"], code="fixed", actor="bo")
    at("12:00")
    desk.reopen(n["B"], reason="back again", actor="dan")
    n["D"] = desk.open_incident("Phone", impact=2, urgency=2, channel="phone", caller="fay").number
    tenancy.set_presence("cy", "away")
    at("12:05")
    desk.cancel(n["D"], reason="duplicate")
    at("13:00")
    desk.resolve(n["B"], code="fixed", actor="bo")
    tenancy.set_presence("cy", "available")
    at("16:00")
    tenancy.set_presence("cy", "offline")
    return n


@pytest.fixture
def history(desk: ServiceDesk, clock: ManualClock) -> Callable[[], dict[str, str]]:
    return lambda: build_history(desk, clock)
