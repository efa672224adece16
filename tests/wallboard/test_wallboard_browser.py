"""The wallboard in a real headless Chromium (Playwright, the machine's Chromium), served by
the real HTTP server on loopback: it loads cleanly, follows the desk live, shows each
supervisor only its own, and records what a supervisor does from it. The main states are
saved as screenshots in docs/images/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from eventdesk import ManualClock

from .conftest import BoardPage, Tokens


def _open(wallboard: Any, token: str, tenant: str, summary: str, **fields: Any) -> str:
    body = {"summary": summary, "impact": 1, "urgency": 1, "tenant": tenant, **fields}
    answer = wallboard.request("POST", "/api/incidents", json_body=body, token=token)
    assert answer.status == 201, answer.text
    return answer.json()["number"]


def _styles(board: BoardPage, incident: str) -> tuple[str, str]:
    return board.row(incident).evaluate(
        "row => [row.className, getComputedStyle(row.cells[0]).backgroundColor]"
    )


def test_the_page_loads_without_console_errors(open_board, wallboard, tokens: Tokens):
    _open(wallboard, tokens.admin, "acme", "Trading terminal frozen")
    _open(wallboard, tokens.admin, "globex", "Tills offline", impact=2, urgency=2)

    board = open_board(tokens.admin)

    board.page.wait_for_selector("#risk tr[data-incident]")
    assert board.page.locator("#live").inner_text().startswith("Live")
    for panel in ("Half-hour intervals", "Waiting", "SLA risk", "Agents", "Contingency"):
        assert board.page.get_by_role("heading", name=panel).is_visible()
    assert board.page.locator("#intervals tr[data-interval]").count() == 2
    assert board.page.locator("#agents tr[data-agent]").count() == 4
    assert board.console == [] and board.errors == []
    board.screenshot("overview")


def test_a_new_incident_appears_without_a_reload(open_board, wallboard, tokens: Tokens):
    board = open_board(tokens.lea)
    board.page.evaluate("window.notReloaded = true")
    assert board.page.locator("#risk tr[data-incident]").count() == 0

    number = _open(wallboard, tokens.lea, "acme", "VPN drops every few minutes")

    board.row(number).wait_for(timeout=10_000)
    assert "VPN drops every few minutes" in board.row(number).inner_text()
    assert board.page.evaluate("window.notReloaded") is True
    assert board.page.locator('#queues tr[data-queue="acme/email"]').inner_text().split()[2] == "1"
    assert board.console == [] and board.errors == []


def test_an_sla_warning_turns_the_row_to_its_warning_style(
    open_board, wallboard, tokens: Tokens, clock: ManualClock
):
    number = _open(wallboard, tokens.admin, "acme", "Trading terminal frozen")  # P1: 15 min
    board = open_board(tokens.lea)
    board.row(number).wait_for()
    ok_class, ok_background = _styles(board, number)
    assert ok_class == "level-ok"

    clock.advance(timedelta(minutes=12))  # past the policy's 75 % warning

    board.page.wait_for_selector(f'#risk tr[data-incident="{number}"].level-warning')
    warning_class, warning_background = _styles(board, number)
    assert warning_class == "level-warning" and warning_background != ok_background
    assert "warning" in board.row(number).inner_text()
    board.screenshot("warning")

    clock.advance(timedelta(minutes=5))  # past the response target

    board.page.wait_for_selector(f'#risk tr[data-incident="{number}"].level-breached')
    assert _styles(board, number)[1] not in (ok_background, warning_background)
    board.screenshot("breach")
    assert board.console == [] and board.errors == []


def test_a_supervisor_of_one_tenant_sees_nothing_of_another(open_board, wallboard, tokens: Tokens):
    acme = _open(wallboard, tokens.admin, "acme", "Trading terminal frozen")
    globex = _open(wallboard, tokens.admin, "globex", "Tills cannot reach the gateway")

    lea = open_board(tokens.lea)
    lea.row(acme).wait_for()
    shown = lea.page.locator("main").inner_text()
    assert globex not in shown and "Tills" not in shown
    assert "globex" not in shown and "gus" not in shown and "gil" not in shown
    assert lea.page.locator("#agents tr[data-agent]").all_inner_texts()[0].startswith("ana")

    gus = open_board(tokens.gus)
    gus.row(globex).wait_for()
    assert acme not in gus.page.locator("main").inner_text()

    # An agent who supervises nobody is refused.
    answer = wallboard.request("GET", "/wallboard/api/board", token=tokens.ana)
    assert answer.status == 403 and "may not open the wallboard" in answer.json()["error"]


def test_a_reassignment_from_the_page_is_recorded_with_the_supervisor_as_actor(
    open_board, wallboard, tokens: Tokens
):
    number = _open(wallboard, tokens.admin, "acme", "Trading terminal frozen")
    board = open_board(tokens.lea)
    page = board.page
    board.row(number).wait_for()

    # From the keyboard: the row's button fills in the form and moves the focus to it.
    page.get_by_role("button", name=f"Reassign {number}").focus()
    # The board changes meanwhile (another incident): the focus stays on the button.
    other = _open(wallboard, tokens.admin, "acme", "Printer jam", impact=3, urgency=3)
    board.row(other).wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        f"Reassign {number}"
    )
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "reassign-group"
    assert page.locator("#reassign-incident").input_value() == number
    page.locator("#reassign-assignee").fill("ana")
    page.keyboard.press("Enter")
    page.wait_for_selector("#action-result:has-text('Done')")
    board.row(number).locator("text=ana").wait_for()

    history = wallboard.request(
        "GET", f"/api/incidents/{number}/history", token=tokens.admin
    ).json()
    assigned = [entry for entry in history if entry["type"] == "Assigned"]
    assert assigned[-1]["actor"] == "lea"
    assert assigned[-1]["data"]["assignee"] == "ana"
    board.screenshot("reassigned")
    assert board.console == [] and board.errors == []


def test_moving_an_agent_for_the_shift_from_the_keyboard(
    open_board, wallboard, desk, tokens: Tokens
):
    wallboard.gate.run(
        lambda: desk.tenancy.form_team(
            "acme-night", kind="dedicated", tenant="acme", supervisors={"shift_manager": "lea"}
        )
    )
    board = open_board(tokens.lea)
    page = board.page
    # Every field has its label, and the form is filled and sent from the keyboard alone.
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, select')].filter(e => !e.labels.length).length"
    )
    assert unlabelled == 0
    page.locator("#move-agent-name").focus()
    for value in ("ana", "acme-team", "acme-night"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the focus is on the Move button

    page.wait_for_selector("#action-result:has-text('Done')")
    page.wait_for_selector('#agents tr[data-agent="ana"]:has-text("acme-night")')
    assert wallboard.gate.run(desk.tenancy.agent, "ana").teams == ("acme-night",)
    refused = wallboard.request(
        "POST",
        "/wallboard/api/move-agent",
        json_body={"agent": "gil", "from": "globex-team", "to": "acme-night"},
        token=tokens.lea,
    )
    assert refused.status == 403 and refused.json()["type"] == "AccessDeniedError"
    assert board.console == [] and board.errors == []
