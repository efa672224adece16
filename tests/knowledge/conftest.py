"""A desk with two tenants and the people who write and read their knowledge base.

- acme, **dedicated**: served by acme-team (ana); carla is one of its users.
- globex, **shared**: served by the pool (cy); gina is one of its users.
- root is an administrator; "system" (a plain string) is the embedding system.
"""

from __future__ import annotations

import pytest
from eventdesk import ServiceDesk
from eventdesk.tenancy import Actor

ANA = Actor.agent("ana")
CY = Actor.agent("cy")
CARLA = Actor.tenant_user("carla@acme", "acme")
GINA = Actor.tenant_user("gina@globex", "globex")
ROOT = Actor.administrator("root")


def build_tenants(desk: ServiceDesk) -> None:
    tenancy = desk.tenancy
    tenancy.register_tenant("acme", model="dedicated", service_manager="sofia")
    tenancy.register_tenant("globex", model="shared", service_manager="sofia")
    tenancy.form_team("acme-team", kind="dedicated", tenant="acme")
    tenancy.form_team("pool", kind="shared")
    tenancy.register_agent("ana", teams=["acme-team"])
    tenancy.register_agent("cy", teams=["pool"])


@pytest.fixture
def tenants(desk: ServiceDesk) -> ServiceDesk:
    """The desk, with acme, globex and their agents registered."""
    build_tenants(desk)
    return desk
