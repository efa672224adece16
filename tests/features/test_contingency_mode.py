"""Scenarios of features/contingency_mode.feature; the phone line's steps are in
voice_steps.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk import EventDeskError, ManualClock, ServiceDesk
from eventdesk.wallboard import snapshot, supervision
from pytest_bdd import given, parsers, then, when

pytest.register_assert_rewrite("tests.features.voice_steps")

from pytest_bdd import scenarios  # noqa: E402

from .voice_steps import *  # noqa: E402, F403 - the phone line's steps become fixtures here
from .voice_steps import Line  # noqa: E402

scenarios("contingency_mode.feature")


def _on(desk: ServiceDesk, who: str, tenant: str, reason: str, factor: float | None = None):
    return desk.contingency.on(
        tenant.lower(), reason=reason, capacity_factor=factor, actor=who.lower()
    )


@given(
    parsers.parse('{who} switches contingency mode on for {tenant} because "{reason}"'),
    target_fixture="attempt",
)
@when(
    parsers.parse('{who} switches contingency mode on for {tenant} because "{reason}"'),
    target_fixture="attempt",
)
def switch_on(desk: ServiceDesk, who: str, tenant: str, reason: str) -> EventDeskError | None:
    try:
        _on(desk, who, tenant, reason)
    except EventDeskError as error:
        return error
    return None


@when(
    parsers.parse(
        '{who} switches contingency mode on for {tenant} because "{reason}" '
        "with capacity factor {factor:g}"
    )
)
def switch_on_with_factor(
    desk: ServiceDesk, who: str, tenant: str, reason: str, factor: float
) -> None:
    _on(desk, who, tenant, reason, factor)


@when(parsers.parse('{hours:d} hours later {who} switches it off because "{reason}"'))
def later_off(desk: ServiceDesk, clock: ManualClock, hours: int, who: str, reason: str) -> None:
    clock.advance(timedelta(hours=hours))
    desk.contingency.off("acme", reason=reason, actor=who.lower())


@when(parsers.parse('{who:w} switches it off because "{reason}"'))
def off(desk: ServiceDesk, who: str, reason: str) -> None:
    desk.contingency.off("acme", reason=reason, actor=who.lower())


@then(parsers.parse("contingency mode is off for {tenant:w}"))
def is_off(desk: ServiceDesk, tenant: str) -> None:
    assert not desk.contingency.status(tenant.lower()).on


@then("contingency mode is off for the desk")
def desk_off(desk: ServiceDesk) -> None:
    assert not desk.contingency.status().on
    assert desk.contingency.active_for("acme") is None


@then("its history reads:")
def history_reads(desk: ServiceDesk, datatable: list[list[str]]) -> None:
    history = desk.contingency.status("acme").history
    seen = [["switch", "by", "reason"]]
    seen += [["on" if s.on else "off", s.actor, s.reason or ""] for s in history]
    assert seen == [[cell.strip() for cell in row] for row in datatable]
    assert history[1].at - history[0].at == timedelta(hours=2)


@then(parsers.parse("Lea can hold {chats:d} chats, {calls:d} call and {emails:d} emails at once"))
@then(parsers.parse("Lea can hold {chats:d} chat, {calls:d} call and {emails:d} emails at once"))
def lea_holds(desk: ServiceDesk, chats: int, calls: int, emails: int) -> None:
    capacity = desk.contingency.capacity_of("lea")
    assert (capacity["chat"], capacity["voice"], capacity["email"]) == (chats, calls, emails)


@then(parsers.parse("{agent} of the shared pool can still hold {chats:d} chats"))
def pool_holds(desk: ServiceDesk, agent: str, chats: int) -> None:
    assert desk.contingency.capacity_of(agent.lower())["chat"] == chats


@when(
    parsers.parse("{agent} is the only one available and {count:d} chats for {tenant} wait"),
    target_fixture="decisions",
)
def only_one(desk: ServiceDesk, agent: str, count: int, tenant: str) -> list:
    for other in ("marc", "omar"):
        desk.tenancy.set_presence(other, "away")
    for n in range(count):
        desk.open_incident(f"Chat {n + 1}", impact=2, urgency=2, tenant="acme", channel="chat")
    return desk.tenancy.route()


@then(parsers.parse("{agent} takes {count:d} chat and the other waits"))
def takes(decisions: list, agent: str, count: int) -> None:
    assert sorted(str(d.agent) for d in decisions) == sorted(["lea"] * count + ["None"])


@when(parsers.parse("{caller} calls"))
def calls(line: Line, caller: str) -> None:
    line.offer(caller)
    line.press(caller, None)


@then(parsers.parse('the IVR plays "{text}"'))
def plays(line: Line, text: str) -> None:
    answer = line.answers[-1]
    assert (answer.action, answer.text) == ("play", text)


@then(parsers.parse('she is told "{message}"'))
def told(attempt: EventDeskError | None, message: str) -> None:
    assert attempt is not None and attempt.message == message


@then(
    parsers.parse("the supervisors' wallboard shows {count:d} calls of {tenant} diverted to {to}")
)
def wallboard_shows_diverted(desk: ServiceDesk, count: int, tenant: str, to: str) -> None:
    board = snapshot(desk, supervision(desk, "system"))
    shown = [(d["tenant"], d["to"], d["what"].split()[0]) for d in board["diverted"]]
    assert shown == [(tenant, to, "call")] * count
