"""``eventdesk escalation ...``, ``incident escalate --to`` and ``deliveries attempts``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result

from .conftest import failed_in_one_line, json_of, succeeded


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNER_SECRET", "the-secret-we-share-with-the-partner")


def test_the_targets_are_listed(eventdesk: Callable[..., Result]) -> None:
    targets = json_of(eventdesk("escalation", "targets", "--json"))
    assert [t["name"] for t in targets] == ["specialists", "vendor-email", "webhook"]
    assert all(t["description"] and t["settings"] == [] for t in targets)
    lines = succeeded(eventdesk("escalation", "targets")).stdout.splitlines()
    assert lines[2] == "webhook: a signed JSON POST to a partner's URL, retried with backoff"


def test_escalate_by_webhook_from_the_command_line_and_read_the_attempts(
    eventdesk: Callable[..., Result], webhook_receiver: Any
) -> None:
    configured = eventdesk(
        "escalation",
        "configure",
        "webhook",
        "--set",
        f"url={webhook_receiver.url}",
        "--set",
        "secret=env:PARTNER_SECRET",
    )
    assert succeeded(configured).stdout == "Escalation target webhook configured: secret, url.\n"
    assert json_of(eventdesk("escalation", "show", "webhook", "--json")) == {
        "secret": "env:PARTNER_SECRET",
        "url": webhook_receiver.url,
    }
    succeeded(eventdesk("incident", "open", "-s", "Core switch down", "-i", "1", "-u", "1"))
    webhook_receiver.statuses = [503]
    answer = succeeded(
        eventdesk(
            "incident",
            "escalate",
            "1",
            "--to",
            "webhook",
            "--recipient",
            "netops",
            "--reason",
            "HW",
        )
    ).stdout
    assert answer.startswith("INC0000001 escalated to netops through webhook: pending (delivery ")
    [delivery] = json_of(eventdesk("deliveries", "list", "--json"))
    assert (delivery["channel"], delivery["state"], delivery["attempts"]) == (
        "webhook",
        "pending",
        1,
    )
    [attempt] = json_of(eventdesk("deliveries", "attempts", delivery["id"], "--json"))
    assert (attempt["outcome"], attempt["response"]) == (
        "failed",
        'HTTP 503: {"error":"try again later"}',
    )
    shown = succeeded(eventdesk("deliveries", "attempts", delivery["id"])).stdout
    assert shown.startswith("1. ") and 'failed: HTTP 503: {"error":"try again later"}' in shown
    assert "; next attempt " in shown


def test_escalation_rules_from_the_command_line(eventdesk: Callable[..., Result]) -> None:
    assert succeeded(eventdesk("escalation", "rules")).stdout.startswith("No escalation rules")
    assert (
        succeeded(eventdesk("escalation", "rule", "team_manager", "--target", "webhook")).stdout
        == "team_manager: the team's supervisor through webhook\n"
    )
    json_of(
        eventdesk(
            "escalation",
            "rule",
            "director",
            "--target",
            "specialists",
            "--recipient",
            "mim",
            "--json",
        )
    )
    assert json_of(eventdesk("escalation", "rules", "--json")) == [
        {"level": "director", "target": "specialists", "recipient": "mim", "tenant": None},
        {"level": "team_manager", "target": "webhook", "recipient": None, "tenant": None},
    ]


def test_errors_are_one_line(eventdesk: Callable[..., Result]) -> None:
    succeeded(eventdesk("incident", "open", "-s", "Printer", "-i", "3", "-u", "3"))
    line = failed_in_one_line(eventdesk("incident", "escalate", "1", "--to", "fax"))
    assert line.startswith("Error: no escalation target named 'fax'")
    line = failed_in_one_line(eventdesk("incident", "escalate", "1", "--to", "vendor-email"))
    assert "recipient" in line
    line = failed_in_one_line(eventdesk("deliveries", "attempts", "not-an-id"))
    assert "delivery id" in line
    misuse = eventdesk("incident", "escalate", "1", "--recipient", "x")
    assert misuse.exit_code == 2 and "--recipient goes with --to" in misuse.stderr
