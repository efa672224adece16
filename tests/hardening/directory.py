"""A directory of two tenants and a token for every kind of actor, shared by the HTTP
fuzz and the HTTP access matrix.

acme is dedicated (ana's team serves it), globex shared (the pool: cy). Every
kind of actor has a write token; carla (acme's tenant user) also has a
read-only one.
"""

from __future__ import annotations

from eventdesk import ServiceDesk

ACTORS = {
    "admin": "admin:root",
    "ana": "agent:ana",  # acme's dedicated team
    "cy": "agent:cy",  # the shared pool: globex
    "carla": "user:carla@acme/acme",
    "gina": "user:gina@globex/globex",
}


def build(desk: ServiceDesk) -> dict[str, str]:
    """The directory above; returns a token by actor name (and ``carla-read``)."""
    tenancy = desk.tenancy
    tenancy.register_tenant("acme", model="dedicated", service_manager="sofia")
    tenancy.register_tenant("globex", model="shared", service_manager="sofia")
    tenancy.form_team("acme-team", kind="dedicated", tenant="acme")
    tenancy.form_team("pool", kind="shared")
    tenancy.register_agent("ana", teams=["acme-team"])
    tenancy.register_agent("cy", teams=["pool"])
    tokens = {name: desk.tokens.create(name, spec)[0] for name, spec in ACTORS.items()}
    tokens["carla-read"] = desk.tokens.create("carla-read", ACTORS["carla"], scope="read")[0]
    return tokens
