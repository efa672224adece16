"""Steps of the phone line's features (ivr_and_diversion, contingency_mode).

The telephony system is played by the steps: each call event is signed JSON handed
to the voice desk (``eventdesk_voice.voice(desk).receive``), and "what next" is
asked of ``next_step`` with the keys pressed, as the telephony system asks. Time
moves only through the ``clock`` fixture.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk_voice import CallResult, IvrAnswer, VoiceDesk, signature, voice
from pytest_bdd import given, parsers, then, when

SECRET = "the-line-and-the-desk-share-this"
LINE = "+34910000000"


@dataclass
class Line:
    """The telephony system, as the steps play it: its calls by caller, the last answer."""

    desk: VoiceDesk
    clock: ManualClock
    calls: dict[str, str] = field(default_factory=dict)  # caller -> call id
    answers: list[IvrAnswer] = field(default_factory=list)
    results: list[CallResult] = field(default_factory=list)

    def post(self, event: dict[str, str], secret: str = SECRET) -> CallResult:
        body = json.dumps(event).encode()
        result = self.desk.receive(body, {"X-Voice-Signature": signature(secret, body)})
        self.results.append(result)
        return result

    def offer(self, caller: str) -> str:
        call = f"call-{len(self.calls) + 1}"
        self.calls[caller] = call
        result = self.post({"call": call, "event": "offered", "from": caller, "to": LINE})
        assert result.status == "taken", result
        return call

    def press(self, caller: str, digits: str | None) -> IvrAnswer:
        answer = self.desk.next_step(self.calls[caller], digits)
        self.answers.append(answer)
        return answer

    def event(self, caller: str, event: str, **fields: str) -> CallResult:
        return self.post({"call": self.calls[caller], "event": event, **fields})


@pytest.fixture
def line(desk: ServiceDesk, clock: ManualClock) -> Line:
    return Line(voice(desk), clock)


@pytest.fixture
def ivr_path(tmp_path: Path) -> Path:
    return tmp_path / "ivr.toml"


# --- Given ---------------------------------------------------------------------------------


@given(
    parsers.parse(
        "tenant {tenant} is served by its team {first} and {second}, with the shared pool {pooled}"
    )
)
def tenant_and_teams(desk: ServiceDesk, tenant: str, first: str, second: str, pooled: str) -> None:
    name = tenant.lower()
    t = desk.tenancy
    t.register_tenant(
        name, model="hybrid", service_manager="sofia", hourly_rate=50, domains=[f"{name}.example"]
    )
    t.form_team(f"{name}-desk", kind="dedicated", tenant=name)
    t.form_team("pool", kind="shared")
    for agent, team in [(first, f"{name}-desk"), (second, f"{name}-desk"), (pooled, "pool")]:
        t.register_agent(agent.lower(), teams=[team])
        t.set_presence(agent.lower(), "available")


@given(parsers.parse("the phone line of {tenant} has the IVR:"))
def line_with_ivr(desk: ServiceDesk, ivr_path: Path, tenant: str, docstring: str) -> None:
    ivr_path.write_text(docstring, encoding="utf-8")
    desk.channels.configure(
        "voice", {"secret": SECRET, "tenant": tenant.lower(), "ivr": str(ivr_path)}
    )


@given(parsers.parse('the knowledge base answers "{title}" with "{body}"'))
def knowledge(desk: ServiceDesk, title: str, body: str) -> None:
    article = desk.knowledge.add(title=title, body=body, keywords=["password"], actor="lena")
    desk.knowledge.publish(article.number, actor="lena")


@given(parsers.parse("{caller} calls, presses {digits} and {agent} answers"))
@when(parsers.parse("{caller} calls, presses {digits} and {agent} answers"))
def calls_and_answered(line: Line, caller: str, digits: str, agent: str) -> None:
    line.offer(caller)
    line.press(caller, None)
    line.press(caller, digits)
    line.event(caller, "answered", agent=agent.lower())


@given(parsers.parse("{first} and {second} are each on a call"))
def each_on_a_call(line: Line, first: str, second: str) -> None:
    for number, agent in enumerate((first, second), start=1):
        calls_and_answered(line, f"+3460000000{number}", "2", agent)


@given(parsers.parse("{agent} is away"))
def away(desk: ServiceDesk, agent: str) -> None:
    desk.tenancy.set_presence(agent.lower(), "away")


@when(parsers.parse("{caller} calls and presses {digits}"))
def calls_and_presses(line: Line, caller: str, digits: str) -> None:
    line.offer(caller)
    line.press(caller, None)
    line.press(caller, digits)


@when(parsers.parse("{count:d} more callers press 2"))
def more_callers(line: Line, count: int) -> None:
    for number in range(1, count + 1):
        calls_and_presses(line, f"+3460011100{number}", "2")


@when("the desk routes the waiting work")
def route(desk: ServiceDesk) -> None:
    desk.tenancy.route()


# --- Then ----------------------------------------------------------------------------------


@then(parsers.parse('the IVR reads out "{text}" and the main menu again'))
def reads_out(line: Line, text: str) -> None:
    answer = line.answers[-1]
    assert answer.action == "play"
    assert answer.text.startswith(text + " Welcome to Acme support.")
    assert answer.article == "KB0000001"


@then(parsers.parse("the calls go:"))
def calls_go(line: Line, datatable: list[list[str]]) -> None:
    decided = [a for a in line.answers if a.action in ("queue", "divert")][-(len(datatable) - 1) :]
    seen = [
        ["caller", "to", "why"],
        *[
            [
                str(n),
                a.to if a.action == "divert" else "queue",
                next(
                    (row[2] for row in datatable[1:] if row[2] in (a.reason or "")),
                    a.reason or "",
                ),
            ]
            for n, a in enumerate(decided, start=1)
        ],
    ]
    assert seen == [[cell.strip() for cell in row] for row in datatable]


@then(parsers.parse("the team has answered {kept:d} of the {decided:d} calls decided today"))
def team_share(line: Line, desk: ServiceDesk, kept: int, decided: int) -> None:
    count = line.desk.share("acme")
    assert (count.kept, count.decided) == (kept, decided)


@then(parsers.parse('the IVR offers a callback with the key "{key}"'))
def offers_callback(line: Line, key: str) -> None:
    answer = line.answers[-1]
    assert answer.action == "queue" and answer.callback_key == key
    assert f"press {key}" in answer.text


@when(parsers.parse("the caller presses {digits}"))
def caller_presses(line: Line, digits: str) -> None:
    caller = list(line.calls)[-1]
    line.press(caller, digits)


@then(parsers.parse("a callback to {caller} is waiting for the next free agent"))
def callback_waiting(line: Line, caller: str) -> None:
    assert line.answers[-1].action == "callback"
    [callback] = [c for c in line.desk.callbacks() if c.caller == caller]
    assert (callback.state, callback.agent) == ("waiting", None)


@when(parsers.parse("the call of {agent} ends"))
def call_of_agent_ends(line: Line, agent: str) -> None:
    [caller] = [
        caller
        for caller, call in line.calls.items()
        if line.desk.call(call).agent == agent.lower() and line.desk.call(call).state == "answered"
    ]
    line.event(caller, "ended")


@then(parsers.parse("the callback to {caller} is with {agent}"))
def callback_with(line: Line, caller: str, agent: str) -> None:
    [callback] = [c for c in line.desk.callbacks() if c.caller == caller]
    assert (callback.state, callback.agent) == ("assigned", agent.lower())
