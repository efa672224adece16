"""``desk.tokens``: create, check, revoke and list API tokens.

Only administrators (and the embedding system, a plain string actor) manage
tokens; a token acts as the agent, tenant user or administrator it names, so
every command made with it is scoped and refused exactly as that actor's.
"""

from __future__ import annotations

import hmac
import uuid
from typing import TYPE_CHECKING

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from eventdesk.errors import ConcurrencyConflictError, InvalidValueError, NotFoundError
from eventdesk.tenancy.access import Actor, ActorKind
from eventdesk.tenancy.model import check_name
from eventdesk.tenancy.service import DuplicateNameError, UnknownNameError
from eventdesk.tokens.model import (
    SCOPES,
    SHOWN_CHARACTERS,
    TOKEN_PREFIX,
    WRITE,
    ApiToken,
    new_token_text,
    token_digest,
    token_id,
)
from eventdesk.tokens.views import TokenView

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

TOKEN_MAX = 200  # longer is not one of ours: refused without hashing it


class TokenNotFoundError(NotFoundError):
    """No API token has that name or id."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"no API token named {reference!r}", reference=reference)


class TokenService:
    """``desk.tokens``: API tokens, of which only SHA-256 digests are stored."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk

    def create(
        self, name: str, actor_spec: str, *, actor: str = "system", scope: str = WRITE
    ) -> tuple[str, TokenView]:
        """A new token acting as ``actor_spec`` (``agent:ana``, ``user:carla/acme``,
        ``admin:root``): returns the token, which is shown only now, and its view.
        ``scope`` is ``write`` (whatever the actor may do) or ``read`` (the actor's
        queries only: every command made with it is refused).

        The actor must exist (a registered agent, a tenant user of a registered
        tenant), and the name must not be an active token's already.
        """
        self.desk.tenancy.guard(actor, "create an API token")
        name = check_name("token name", name)
        acting_as = self._check_actor(actor_spec)
        if scope not in SCOPES:
            raise InvalidValueError("token scope", scope, " or ".join(SCOPES))
        if any(view.active for view in self._named(name)):
            raise DuplicateNameError("API token", name)
        token = new_token_text()
        aggregate = ApiToken(
            digest=token_digest(token),
            name=name,
            actor_spec=acting_as.spec(),
            prefix=token[:SHOWN_CHARACTERS],
            actor=str(actor),
            timestamp=self.desk.clock.now(),
        )
        if scope != WRITE:
            aggregate.restrict(scope=scope)
        self.desk.save(aggregate)
        return token, _view(aggregate)

    def _check_actor(self, actor_spec: str) -> Actor:
        if not isinstance(actor_spec, str):
            raise InvalidValueError(
                "token actor", actor_spec, "agent:NAME, user:NAME/TENANT or admin:NAME"
            )
        acting_as = Actor.parse(actor_spec)
        tenancy = self.desk.tenancy
        tenancy.refresh()
        if acting_as.kind == ActorKind.AGENT and str(acting_as) not in tenancy.engine.agents:
            raise UnknownNameError("agent", str(acting_as))
        if acting_as.kind == ActorKind.TENANT_USER and not tenancy.has_tenant(acting_as.tenant):
            raise UnknownNameError("tenant", acting_as.tenant or "")
        return acting_as

    def authenticate(self, token: str) -> Actor | None:
        """The actor a token acts as, or None for an unknown or revoked token.

        One read by the id derived from the token's digest; the digests are then
        compared in constant time.
        """
        found = self.authenticate_scoped(token)
        return found[0] if found else None

    def authenticate_scoped(self, token: str) -> tuple[Actor, str] | None:
        """The actor a token acts as and its scope (``read`` or ``write``), or None."""
        if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
            return None
        if len(token) > TOKEN_MAX:
            return None
        digest = token_digest(token)
        try:
            aggregate = self.desk.repository.get(token_id(token))
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, ApiToken) or not hmac.compare_digest(aggregate.digest, digest):
            return None
        if not aggregate.active:
            return None
        return Actor.parse(aggregate.actor_spec), aggregate.scope

    def revoke(self, name_or_id: str, *, actor: str = "system") -> TokenView:
        """Revoke a token, by name (the active token of that name) or by id. At once,
        for every process: the next request made with it is refused. Revoking a
        revoked token changes nothing."""
        self.desk.tenancy.guard(actor, "revoke an API token")
        aggregate = self._find(name_or_id)
        if aggregate.revoke(actor=str(actor), at=self.desk.clock.now()):
            try:
                self.desk.save(aggregate)
            except IntegrityError:
                raise ConcurrencyConflictError(f"API token {aggregate.name}", None, None) from None
        return _view(aggregate)

    def list(self, *, actor: str = "system") -> list[TokenView]:
        """Every token, active and revoked, oldest first (administrators only)."""
        self.desk.tenancy.guard(actor, "list API tokens")
        self.desk.catch_up()
        return self.desk.token_index.query(self.desk.projector.db)

    def _named(self, name: str) -> list[TokenView]:
        self.desk.catch_up()
        return self.desk.token_index.query(self.desk.projector.db, name=name)

    def _find(self, name_or_id: str) -> ApiToken:
        if not isinstance(name_or_id, str) or not name_or_id.strip():
            raise InvalidValueError("token", name_or_id, "a token's name or id")
        reference = name_or_id.strip()
        try:
            found = [uuid.UUID(reference)]
        except ValueError:
            views = self._named(reference)
            active = [view.id for view in views if view.active]
            if len(active) > 1:
                raise InvalidValueError(
                    "token", reference, "one token: several are active under that name; use an id"
                ) from None
            # The active one; else the latest revoked one (revoking it again changes nothing).
            found = active or [view.id for view in views[-1:]]
        for aggregate_id in found:
            try:
                aggregate = self.desk.repository.get(aggregate_id)
            except AggregateNotFoundError:
                break
            if isinstance(aggregate, ApiToken):
                return aggregate
        raise TokenNotFoundError(reference)


def _view(aggregate: ApiToken) -> TokenView:
    return TokenView(
        id=aggregate.id,
        name=aggregate.name,
        prefix=aggregate.prefix,
        actor=aggregate.actor_spec,
        created_by=aggregate.created_by,
        created_at=aggregate.created_at,
        revoked_by=aggregate.revoked_by,
        revoked_at=aggregate.revoked_at,
        scope=aggregate.scope,
    )
