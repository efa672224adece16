"""Fixtures of the email channel's tests: its settings, the corpus, and a real SMTP server.

The SMTP server is aiosmtpd on the loopback interface, on a free port: replies
really go out through ``smtplib`` and really arrive. It accepts every
recipient except those the test tells it to refuse (with a real SMTP answer,
``450 ...`` or ``550 ...``), and keeps what it received.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest
from aiosmtpd.controller import Controller
from eventdesk_email import EmailChannel

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
MALFORMED = HERE / "malformed"
DESK_ADDRESS = "support@desk.example"
TENANT_ADDRESSES = {"support+acme@desk.example": "acme", "support+globex@desk.example": "globex"}


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def channel() -> EmailChannel:
    """The email channel as a desk would configure it (replies go nowhere: no server)."""
    return EmailChannel({"address": DESK_ADDRESS, "tenants": TENANT_ADDRESSES})


@attrs.frozen
class Delivery:
    """One message the loopback SMTP server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class RecordingHandler:
    """An aiosmtpd handler that keeps every message and refuses the recipients it is told to."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.refusals: dict[str, str] = {}

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.deliveries.append(
            Delivery(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.define
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    @property
    def deliveries(self) -> list[Delivery]:
        return self.handler.deliveries

    def refuse(self, address: str, answer: str) -> None:
        self.handler.refusals[address] = answer

    def settings(self, **more: Any) -> dict[str, Any]:
        return {"address": DESK_ADDRESS, "smtp_host": self.host, "smtp_port": self.port, **more}


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1, on a free port, for the test's duration."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()
