"""A desk with a shared pool (acme's chats go to ana: two chats at once) and the chat channel."""

from __future__ import annotations

import pytest
from eventdesk import ServiceDesk


@pytest.fixture
def pool(desk: ServiceDesk) -> ServiceDesk:
    """acme, served by the pool; ana and bo available, two chats each at most."""
    tenancy = desk.tenancy
    tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    tenancy.form_team("pool", kind="shared")
    for agent in ("ana", "bo"):
        tenancy.register_agent(agent, teams=["pool"], capacity={"chat": 2, "other": 5})
    tenancy.set_presence("ana", "available")
    desk.channels.configure("chat", {"tenant": "acme", "idle_minutes": 10})
    return desk
