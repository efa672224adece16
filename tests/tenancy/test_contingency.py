"""Contingency mode: switches as events, capacity adjusted while on, on every store."""

from __future__ import annotations

import pytest
from eventdesk import ServiceDesk
from eventdesk.contingency import ContingencyError, adjusted_capacity
from eventdesk.errors import InvalidValueError
from eventdesk.tenancy import Actor
from eventdesk.tenancy.access import AccessDeniedError
from eventdesk.tenancy.service import UnknownNameError


@pytest.fixture
def staffed(desk: ServiceDesk) -> ServiceDesk:
    t = desk.tenancy
    t.register_tenant("acme", model="dedicated", service_manager="sofia")
    t.register_tenant("globex", model="shared", service_manager="sofia", hourly_rate=50)
    t.form_team("acme-desk", kind="dedicated", tenant="acme")
    t.form_team("pool", kind="shared")
    t.register_agent("lea", teams=["acme-desk"])
    t.register_agent("omar", teams=["pool"], capacity={"chat": 2})
    return desk


def test_on_and_off_for_a_tenant(staffed: ServiceDesk) -> None:
    desk = staffed
    view = desk.contingency.on("acme", reason="power cut", capacity={"chat": 1}, actor="sofia")
    assert (view.on, view.reason, dict(view.capacity)) == (True, "power cut", {"chat": 1})
    assert desk.contingency.capacity_of("lea")["chat"] == 1
    assert desk.contingency.capacity_of("omar")["chat"] == 2  # not Acme's team
    assert desk.contingency.active_for("acme") == desk.contingency.status("acme")
    assert desk.contingency.active_for("globex") is None
    # Fail to switch it on twice.
    with pytest.raises(ContingencyError, match="on already for tenant acme"):
        desk.contingency.on("acme", reason="again")
    desk.contingency.off("acme", reason="power back", actor="sofia")
    assert desk.contingency.capacity_of("lea")["chat"] == 3
    # Fail to switch it off twice.
    with pytest.raises(ContingencyError, match="not on for tenant acme"):
        desk.contingency.off("acme")
    assert [(s.on, s.actor, s.reason) for s in desk.contingency.status("acme").history] == [
        (True, "sofia", "power cut"),
        (False, "sofia", "power back"),
    ]


def test_the_desk_wide_mode_and_a_tenants_own(staffed: ServiceDesk) -> None:
    desk = staffed
    desk.contingency.on(reason="storm", capacity_factor=0.5)
    assert desk.contingency.capacity_of("lea")["email"] == 4
    assert desk.contingency.capacity_of("omar")["chat"] == 1
    desk.contingency.on("acme", reason="site closed", capacity={"email": 2})
    assert desk.contingency.capacity_of("lea")["email"] == 2  # its tenant's own mode first
    assert desk.contingency.active_for("globex").tenant is None


def test_a_new_process_sees_the_adjusted_capacity(staffed: ServiceDesk, another_desk) -> None:
    staffed.contingency.on("acme", reason="strike", capacity_factor=0.34)
    other = another_desk()
    assert other.contingency.capacity_of("lea") == {"voice": 1, "chat": 1, "email": 2, "other": 1}


def test_bad_switches_are_refused(staffed: ServiceDesk) -> None:
    desk = staffed
    # Fail to switch on for a tenant that is not there, without a reason, with a bad factor.
    with pytest.raises(UnknownNameError):
        desk.contingency.on("hooli", reason="x")
    with pytest.raises(InvalidValueError, match="invalid reason"):
        desk.contingency.on("acme", reason=" ")
    with pytest.raises(InvalidValueError, match=r"invalid capacity factor 1\.5"):
        desk.contingency.on("acme", reason="x", capacity_factor=1.5)
    with pytest.raises(InvalidValueError, match="capacity for chat"):
        desk.contingency.on("acme", reason="x", capacity={"chat": -1})
    # Fail, as an agent, to switch it: only an administrator may.
    with pytest.raises(AccessDeniedError):
        desk.contingency.on("acme", reason="x", actor=Actor.agent("lea"))
    assert not desk.contingency.status("acme").on


def test_adjusted_capacity() -> None:
    assert adjusted_capacity({"voice": 1, "chat": 3}, 0.1, {}) == {"voice": 1, "chat": 1}
    assert adjusted_capacity({"voice": 1, "chat": 0}, 0.5, {"sms": 2}) == {
        "voice": 1,
        "chat": 0,
        "sms": 2,
    }
