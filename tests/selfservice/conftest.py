"""A desk whose bot answers on chat and on the test ``note`` channel, with a small
knowledge base, and acme served by the pool (ana)."""

from __future__ import annotations

import pytest
from eventdesk import ServiceDesk
from eventdesk_selfservice import configure

ARTICLES = [
    (
        "Reset your email password",
        "If you forgot your password, open the self-service portal and choose Forgot password.",
    ),
    (
        "Connect to the office VPN",
        "Install the VPN client from the self-service portal, sign in with your email address "
        "and approve the prompt on your phone.",
    ),
    (
        "VPN drops every few minutes",
        "If the VPN connection drops, switch the client to the TCP protocol in its settings "
        "and connect again.",
    ),
    (
        "VPN keeps dropping on home Wi-Fi",
        "If your VPN drops every few minutes at home, restart your router and sit closer to it.",
    ),
]


@pytest.fixture
def bot_desk(desk: ServiceDesk, note_channel: object) -> ServiceDesk:
    tenancy = desk.tenancy
    tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    tenancy.form_team("pool", kind="shared")
    tenancy.register_agent("ana", teams=["pool"], capacity={"chat": 3, "other": 5})
    tenancy.set_presence("ana", "available")
    desk.channels.configure("chat", {"tenant": "acme"})
    for title, body in ARTICLES:
        desk.knowledge.publish(desk.knowledge.add(title, body).number)
    configure(desk, channels=["chat", "note"], chat_url="https://desk.example/chat")
    return desk
