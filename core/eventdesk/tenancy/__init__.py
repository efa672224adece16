"""Tenancy: shared, dedicated and hybrid service models, teams, agents, routing, access."""

from eventdesk.tenancy.access import AccessDeniedError, Actor, ActorKind
from eventdesk.tenancy.model import Location, Presence, ServiceModel, TeamKind

__all__ = [
    "AccessDeniedError",
    "Actor",
    "ActorKind",
    "Location",
    "Presence",
    "ServiceModel",
    "TeamKind",
]
