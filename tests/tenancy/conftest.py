"""A directory of tenants, teams and agents, one under each service model.

The desk's clock starts on Monday 2 March 2026 at 08:00 UTC (09:00 in Paris),
within the dedicated teams' office hours.

- acme, **dedicated**: served only by acme-team (ana), office hours.
- globex, **hybrid**: globex-team (bob) in office hours, the pool otherwise or
  after 15 minutes' wait; network incidents escalate to net-ops.
- initech, **shared**: served by the pool (cy, dee), round the clock, weight 2.
- net-ops: the network specialists (ned), serving whoever escalates to them.
"""

from __future__ import annotations

import pytest
from eventdesk import ServiceDesk
from eventdesk.calendars.model import BusinessCalendar

OFFICE_HOURS = BusinessCalendar.weekdays("office-hours", "Europe/Paris", "08:00", "18:00")
FEE = 4000.0
GLOBEX_RATE = 60.0
INITECH_RATE = 55.0


def build_directory(desk: ServiceDesk) -> None:
    desk.sla.import_calendar(OFFICE_HOURS)
    tenancy = desk.tenancy
    tenancy.register_tenant(
        "acme",
        model="dedicated",
        service_manager="sofia",
        calendar="office-hours",
        monthly_fee=FEE,
        hourly_rate=70,
    )
    tenancy.register_tenant(
        "globex",
        model="hybrid",
        service_manager="sofia",
        calendar="office-hours",
        overflow_wait_minutes=15,
        hourly_rate=GLOBEX_RATE,
        monthly_fee=FEE,
        category_groups={"network": "net-ops"},
    )
    tenancy.register_tenant(
        "initech", model="shared", service_manager="sofia", hourly_rate=INITECH_RATE, weight=2
    )
    tenancy.form_team("acme-team", kind="dedicated", tenant="acme", calendar="office-hours")
    tenancy.form_team("globex-team", kind="dedicated", tenant="globex", calendar="office-hours")
    tenancy.form_team("pool", kind="shared")
    tenancy.form_team("net-ops", kind="specialist", skill_area="network")
    for agent, team in [
        ("ana", "acme-team"),
        ("bob", "globex-team"),
        ("cy", "pool"),
        ("dee", "pool"),
        ("ned", "net-ops"),
    ]:
        tenancy.register_agent(agent, teams=[team], languages=["en", "fr"])
        tenancy.set_presence(agent, "available")


@pytest.fixture
def directory(desk: ServiceDesk, note_channel: object) -> ServiceDesk:
    """The desk, with the directory above registered."""
    build_directory(desk)
    return desk
