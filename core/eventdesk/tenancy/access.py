"""Who is asking: agents, tenant users and administrators, and what each may do.

An :class:`Actor` is a ``str`` (its name), so it goes wherever an actor's name
goes, and carries its kind and, for a tenant user, its tenant. A plain string
is the embedding system itself (or the administrator at the command line): it
is trusted with everything.

>>> from eventdesk.tenancy.access import Actor
>>> ana = Actor.agent("ana")
>>> ana, ana.kind.value
('ana', 'agent')
>>> Actor.tenant_user("carla@acme", "acme").tenant
'acme'
>>> Actor.parse("user:carla@acme/acme").kind.value
'tenant_user'
"""

from __future__ import annotations

from enum import StrEnum

from eventdesk.errors import EventDeskError, InvalidValueError


class ActorKind(StrEnum):
    AGENT = "agent"
    TENANT_USER = "tenant_user"
    ADMINISTRATOR = "administrator"


# What a tenant user may do to its own tenant's incidents (besides reading them).
TENANT_USER_COMMANDS = frozenset({"open", "comment", "reopen", "cancel"})


class Actor(str):
    """A named actor of a known kind."""

    kind: ActorKind
    tenant: str | None

    def __new__(cls, name: str, kind: str, tenant: str | None = None) -> Actor:
        if not isinstance(name, str) or not name.strip():
            raise InvalidValueError("actor", name, "a non-empty name")
        try:
            actor_kind = ActorKind(kind)
        except ValueError:
            raise InvalidValueError(
                "actor kind", kind, ", ".join(k.value for k in ActorKind)
            ) from None
        if actor_kind == ActorKind.TENANT_USER and not tenant:
            raise InvalidValueError("tenant", tenant, "the tenant a tenant user belongs to")
        self = super().__new__(cls, name.strip())
        self.kind = actor_kind
        self.tenant = tenant if actor_kind == ActorKind.TENANT_USER else None
        return self

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Actor, (str(self), self.kind.value, self.tenant))

    @classmethod
    def agent(cls, name: str) -> Actor:
        return cls(name, ActorKind.AGENT)

    @classmethod
    def tenant_user(cls, name: str, tenant: str) -> Actor:
        return cls(name, ActorKind.TENANT_USER, tenant)

    @classmethod
    def administrator(cls, name: str) -> Actor:
        return cls(name, ActorKind.ADMINISTRATOR)

    @classmethod
    def parse(cls, text: str) -> Actor:
        """``agent:ana``, ``user:carla@acme/acme`` (name/tenant) or ``admin:root``."""
        kind, _, rest = text.partition(":")
        kind = kind.strip().lower()
        if kind == "agent" and rest:
            return cls.agent(rest)
        if kind in ("admin", "administrator") and rest:
            return cls.administrator(rest)
        if kind in ("user", "tenant_user"):
            name, _, tenant = rest.rpartition("/")
            if name and tenant:
                return cls.tenant_user(name, tenant)
        raise InvalidValueError("actor", text, "agent:NAME, user:NAME/TENANT or admin:NAME")

    def spec(self) -> str:
        """The text :meth:`parse` reads back: ``agent:ana``, ``user:carla@acme/acme``.

        >>> Actor.parse(Actor.tenant_user("carla@acme", "acme").spec()).tenant
        'acme'
        """
        if self.kind == ActorKind.TENANT_USER:
            return f"user:{self}/{self.tenant}"
        if self.kind == ActorKind.ADMINISTRATOR:
            return f"admin:{self}"
        return f"agent:{self}"

    def describe(self) -> str:
        if self.kind == ActorKind.TENANT_USER:
            return f"tenant user {self} of {self.tenant}"
        return f"{self.kind.value} {self}"


class AccessDeniedError(EventDeskError):
    """The actor may not do this to this incident; nothing was changed."""

    def __init__(self, actor: str, action: str, incident: str | None, reason: str) -> None:
        who = actor.describe() if isinstance(actor, Actor) else str(actor)
        target = f" {incident}" if incident else ""
        super().__init__(
            f"access denied: {who} may not {action}{target}: {reason}",
            actor=str(actor),
            action=action,
            incident=incident,
            reason=reason,
        )
