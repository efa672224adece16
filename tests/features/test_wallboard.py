"""Scenarios of features/wallboard.feature, in a real headless Chromium on the served page
(the fixtures of tests/wallboard/conftest.py: the directory, the server, the browser)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from eventdesk import ManualClock
from pytest_bdd import given, parsers, scenarios, then, when

from ..wallboard.conftest import BoardPage, Tokens, open_board, tokens, wallboard

__all__ = ["open_board", "tokens", "wallboard"]  # fixtures used by these steps

scenarios("wallboard.feature")

TENANT_OF = {"Acme": "acme", "Globex": "globex"}


@pytest.fixture
def store() -> str:
    """The wallboard is served from a file database, as `eventdesk serve` serves it."""
    return "sqlite"


@pytest.fixture
def reported() -> dict[str, str]:
    """The incidents reported in the scenario: summary -> number."""
    return {}


@given(
    parsers.parse(
        "tenant {tenant} is served by the team {team}, supervised by {lead}, with {a} and {b}"
    )
)
def directory(tokens: Tokens, tenant: str, team: str, lead: str, a: str, b: str) -> None:
    """The `tokens` fixture registers both tenants, their teams and agents (see its conftest)."""


def _report(wallboard: Any, tokens: Tokens, tenant: str, summary: str, priority: int) -> str:
    level = {1: 1, 2: 2, 3: 2}[priority]
    body = {"summary": summary, "impact": level, "urgency": 1 if priority == 1 else level}
    body["tenant"] = TENANT_OF[tenant]
    answer = wallboard.request("POST", "/api/incidents", json_body=body, token=tokens.admin)
    assert answer.status == 201, answer.text
    return answer.json()["number"]


@given(parsers.parse('{tenant} reported "{summary}" at priority {priority:d}'))
def reported_before(wallboard, tokens, reported, tenant: str, summary: str, priority: int) -> None:
    reported[summary] = _report(wallboard, tokens, tenant, summary, priority)


@when(parsers.parse('{tenant} reports "{summary}" through the API'))
def reports_now(wallboard, tokens, reported, tenant: str, summary: str) -> None:
    reported[summary] = _report(wallboard, tokens, tenant, summary, 1)


@given("Lea has the wallboard open", target_fixture="board")
@when("Lea opens the wallboard", target_fixture="board")
def lea_opens(open_board, tokens: Tokens) -> BoardPage:
    board = open_board(tokens.lea)
    board.page.evaluate("window.notReloaded = true")
    return board


@when(parsers.parse("{minutes:d} minutes pass"))
@when(parsers.parse("{minutes:d} more minutes pass"))
def minutes_pass(clock: ManualClock, minutes: int) -> None:
    clock.advance(timedelta(minutes=minutes))


@then(parsers.parse('Lea\'s wallboard shows "{summary}" among the incidents at SLA risk'))
def shows(board: BoardPage, reported: dict[str, str], summary: str) -> None:
    board.row(reported[summary]).wait_for(timeout=10_000)
    assert summary in board.row(reported[summary]).inner_text()


@then("Lea's wallboard was not reloaded")
def not_reloaded(board: BoardPage) -> None:
    assert board.page.evaluate("window.notReloaded") is True
    assert board.console == [] and board.errors == []


@then(parsers.parse('the row of "{summary}" shows a {level}'))
def row_shows(board: BoardPage, reported: dict[str, str], summary: str, level: str) -> None:
    style = {"warning": "warning", "breach": "breached"}[level]
    board.page.wait_for_selector(
        f'#risk tr[data-incident="{reported[summary]}"].level-{style}', timeout=10_000
    )


@then("nothing of Globex is on Lea's wallboard")
def nothing_of_globex(board: BoardPage) -> None:
    shown = board.page.locator("main").inner_text()
    for trace in ("globex", "Tills", "gus", "gil"):
        assert trace not in shown


@then("an agent who supervises nobody is refused the wallboard")
def ana_refused(open_board, tokens: Tokens, wallboard) -> None:
    answer = wallboard.request("GET", "/wallboard/api/board", token=tokens.ana)
    assert answer.status == 403, answer.text


@when(parsers.parse('Lea reassigns "{summary}" to {agent} from the wallboard'))
def lea_reassigns(board: BoardPage, reported: dict[str, str], summary: str, agent: str) -> None:
    page = board.page
    board.row(reported[summary]).wait_for()
    page.get_by_role("button", name=f"Reassign {reported[summary]}").click()
    page.locator("#reassign-assignee").fill(agent.lower())
    page.get_by_role("button", name="Reassign", exact=True).click()
    page.wait_for_selector("#action-result:has-text('Done')")


@then(parsers.parse('the history of "{summary}" records its assignment to {agent} by {actor}'))
def assignment_recorded(wallboard, tokens, reported, summary: str, agent: str, actor: str):
    path = f"/api/incidents/{reported[summary]}/history"
    history = wallboard.request("GET", path, token=tokens.admin).json()
    assigned = [entry for entry in history if entry["type"] == "Assigned"][-1]
    assert (assigned["data"]["assignee"], assigned["actor"]) == (agent, actor)


@when(
    parsers.parse(
        'Lea switches contingency mode on for {tenant} from the wallboard because "{reason}"'
    )
)
def lea_switches(board: BoardPage, tenant: str, reason: str) -> None:
    page = board.page
    page.locator("#contingency-tenant").fill(TENANT_OF[tenant])
    page.locator("#contingency-mode").select_option("on")
    page.locator("#contingency-reason").fill(reason)
    page.get_by_role("button", name="Switch").click()
    page.wait_for_selector("#action-result:has-text('Done')")


@then(parsers.parse("Lea's wallboard lists {tenant} in contingency mode"))
def lists_contingency(board: BoardPage, tenant: str) -> None:
    board.page.wait_for_selector(f'#contingency li[data-tenant="{TENANT_OF[tenant]}"]')
    board.screenshot("contingency")


@then(parsers.parse("the contingency history of {tenant} records the switch on by {actor}"))
def contingency_recorded(desk, wallboard, tenant: str, actor: str) -> None:
    history = wallboard.gate.run(desk.contingency.status, TENANT_OF[tenant]).history
    assert (history[-1].on, history[-1].actor) == (True, actor)
