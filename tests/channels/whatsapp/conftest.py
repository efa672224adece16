"""Fixtures of the WhatsApp channel's tests: a desk whose whatsapp channel is configured
to take Meta's notifications and send through the Graph API on loopback (``graph_api``,
in tests/conftest.py), and a way to post notifications signed as Meta signs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk.intake.service import IntakeResult
from eventdesk_whatsapp import WhatsAppChannel, signature
from eventdesk_whatsapp.samples import body

APP_SECRET = "the-meta-app-secret-1234"
VERIFY_TOKEN = "a-verify-token-of-our-own"
ANA = "34600111222"


@pytest.fixture(params=("memory", "postgres"))
def store(request: pytest.FixtureRequest) -> str:
    """In memory, and on the PostgreSQL a served desk would use."""
    return request.param


@pytest.fixture
def channel() -> WhatsAppChannel:
    """The channel on its own, as a desk would configure it (sending nowhere)."""
    return WhatsAppChannel({"app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN})


@pytest.fixture
def whatsapp(desk: ServiceDesk, graph_api: Any) -> Any:
    """The desk's whatsapp channel, configured against the Graph API on loopback."""
    desk.channels.configure(
        "whatsapp",
        graph_api.settings(app_secret=APP_SECRET, verify_token=VERIFY_TOKEN),
    )
    return graph_api


@pytest.fixture
def post(desk: ServiceDesk) -> Callable[..., list[IntakeResult]]:
    """``post(notification)``: take a notification in, signed with the app secret."""

    def take(data: dict[str, Any] | bytes, *, secret: str = APP_SECRET) -> list[IntakeResult]:
        raw = data if isinstance(data, bytes) else body(data)
        return desk.intake.receive("whatsapp", raw, {"X-Hub-Signature-256": signature(secret, raw)})

    return take
