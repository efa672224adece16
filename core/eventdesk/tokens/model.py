"""API tokens: who a program calling the HTTP API acts as.

A token is shown once, when it is created, and never stored: its aggregate
keeps the SHA-256 digest of the token, and its id is derived from that digest,
so checking a token is one read by id and nobody can recover a token from the
store.

>>> token = new_token_text()
>>> token.startswith("edk_"), len(token) > 40
(True, True)
>>> token_id(token) == token_id(token) and token_digest(token) != token
True
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event

NAMESPACE = uuid.UUID("5f0d6a4e-2b1c-4f3e-9a57-0c8e7b6d4a21")
TOKEN_PREFIX = "edk_"
SHOWN_CHARACTERS = 12  # what a person sees of a token in lists: "edk_" and 8 more
# What a token may do: ``write``, whatever its actor may do; ``read``, only its actor's
# queries (the HTTP API answers 403 to any command made with it).
READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)


def new_token_text() -> str:
    """A fresh token: ``edk_`` and 32 random bytes, URL-safe (256 bits of secret)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 digest of a token, in hex: all the store ever keeps of it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digest_id(digest: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, digest)


def token_id(token: str) -> uuid.UUID:
    """The id of the token's aggregate, derived from its digest."""
    return digest_id(token_digest(token))


class ApiToken(Aggregate):
    """An API token: the actor it acts as (``agent:ana``, ``user:carla/acme``,
    ``admin:root``), the few characters a person recognises it by, and whether it
    has been revoked. ``actor`` on each event is who created or revoked it."""

    @staticmethod
    def create_id(digest: str) -> uuid.UUID:
        return digest_id(digest)

    @event("Created")
    def __init__(
        self,
        digest: str,
        name: str,
        actor_spec: str,
        prefix: str,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.digest = digest
        self.name = name
        self.actor_spec = actor_spec
        self.prefix = prefix
        self.created_by = actor
        self.created_at = timestamp
        self.revoked_by: str | None = None
        self.revoked_at: datetime | None = None

    # A token's scope is WRITE unless an event restricted it (tokens older than scopes).
    scope: str = WRITE

    @event("Scoped")
    def restrict(self, scope: str) -> None:
        """Set what the token may do (``read`` or ``write``); recorded when it is created."""
        self.scope = scope

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, *, actor: str, at: datetime) -> bool:
        """Revoke the token; returns False (and records nothing) if it was revoked already."""
        if not self.active:
            return False
        self._revoked(actor=actor, timestamp=at)
        return True

    @event("Revoked")
    def _revoked(self, actor: str, timestamp: datetime) -> None:
        self.revoked_by = actor
        self.revoked_at = timestamp
