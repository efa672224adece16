"""Scenarios of features/ivr_and_diversion.feature; the phone line's steps are in
voice_steps.py."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from eventdesk import ServiceDesk
from eventdesk_voice import Ivr, IvrError
from pytest_bdd import given, parsers, scenarios, then, when

pytest.register_assert_rewrite("tests.features.voice_steps")

from .voice_steps import *  # noqa: E402, F403 - the phone line's steps become fixtures here
from .voice_steps import Line  # noqa: E402

scenarios("ivr_and_diversion.feature")


@given(parsers.parse('"{email}" wrote on the web form "{text}", with her phone number {phone}'))
def wrote_on_the_web(desk: ServiceDesk, email: str, text: str, phone: str) -> None:
    body = json.dumps({"email": email, "text": text, "phone": phone}).encode()
    [result] = desk.intake.receive("web", body, {"content-type": "application/json"})
    assert result.status == "opened", result


@then(
    parsers.parse(
        '{agent} sees incident {number} of the caller "{identity}" with the conversation:'
    )
)
def sees_screen_pop(
    line: Line, agent: str, number: str, identity: str, datatable: list[list[str]]
) -> None:
    pop = line.results[-1].screen_pop
    assert pop is not None and pop.call.agent == agent.lower()
    assert pop.incident is not None and pop.incident.number == number
    assert f"email:{identity}" in pop.identities
    assert pop.incident.assignee == agent.lower()
    seen = [["channel", "text"], *[[m.channel or "", m.text] for m in pop.conversation]]
    assert seen == [[cell.strip() for cell in row] for row in datatable]
    # The same screen pop, asked for again by the call's id.
    assert line.desk.screen_pop(pop.call.call).conversation == pop.conversation


@then(parsers.parse("the call from {caller} is put through to {agent}"))
def put_through(desk: ServiceDesk, line: Line, caller: str, agent: str) -> None:
    desk.tenancy.route()
    answer = line.desk.next_step(line.calls[caller])
    assert (answer.action, answer.text) == ("queue", f"Putting you through to {agent.lower()}.")


@then(parsers.parse("{agent} is on {count:d} call and can take no other"))
@then(parsers.parse("{agent} is on {count:d} calls"))
def on_calls(desk: ServiceDesk, agent: str, count: int) -> None:
    view = desk.tenancy.agent(agent.lower())
    assert view.load.get("voice", 0) == count
    if count:
        assert view.capacity["voice"] == count


@when(parsers.parse("the call from {caller} ends after {minutes:d} minutes"))
def call_ends_after(line: Line, caller: str, minutes: int) -> None:
    line.clock.advance(timedelta(minutes=minutes))
    assert line.event(caller, "ended").status == "taken"


@then(parsers.parse('the conversation of {number} ends with "{text}"'))
def conversation_ends_with(desk: ServiceDesk, number: str, text: str) -> None:
    assert desk.conversation(number)[-1].text == text


@when("a call event arrives with a wrong signature")
def forged(line: Line) -> None:
    line.post(
        {"call": "c-9", "event": "offered", "from": "+34600999999"}, secret="not-the-secret-at-all"
    )


@then(parsers.parse('it is kept as a dead letter because "{reason}"'))
def kept_as_dead_letter(desk: ServiceDesk, line: Line, reason: str) -> None:
    result = line.results[-1]
    assert (result.status, result.reason) == ("unauthenticated", reason)
    [letter] = desk.dead_letters.list()
    assert (letter.channel, letter.reason) == ("voice", reason)


@then("no call is known")
def no_call(line: Line) -> None:
    assert line.desk.calls() == []


@when(parsers.parse('the IVR file is checked with "{line_text}"'), target_fixture="refusal")
def checked(tmp_path: Path, ivr_path: Path, line_text: str) -> str:
    table, choice = line_text.split("] ", 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[menus.main]\nprompt = "Hello"\n{table}]\n{choice}\n', encoding="utf-8")
    with pytest.raises(IvrError) as refused:
        Ivr.load(bad)
    return refused.value.message


@then(parsers.parse('it is refused with "{message}"'))
def refused_with(refusal: str, tmp_path: Path, message: str) -> None:
    assert refusal == f"{tmp_path / 'bad.toml'}: {message}"


@then(parsers.parse("there is {count:d} incident"))
def incident_count(desk: ServiceDesk, count: int) -> None:
    assert desk.list_incidents().total == count
