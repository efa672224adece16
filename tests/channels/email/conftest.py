"""Fixtures of the email channel's tests: its settings and the corpus.

The real SMTP server on loopback they send to is ``smtp_server``, in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
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
