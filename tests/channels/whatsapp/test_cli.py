"""WhatsApp from the command line, on a SQLite file: a reply with ``--template``, a reply
refused outside the window (one line, exit 1), and the receipt in ``deliveries list``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from eventdesk import ManualClock
from eventdesk.cli import cli
from eventdesk.clock import SystemClock
from eventdesk_whatsapp import signature
from eventdesk_whatsapp.samples import body, notification, status, text_message

from .conftest import ANA, APP_SECRET


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The command line reads the system clock: here, a virtual one."""
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(SystemClock, "now", lambda self: clock.now())
    return clock


@pytest.fixture
def run(tmp_path: Path, graph_api, cli_clock):
    db = str(tmp_path / "eventdesk.db")

    def eventdesk(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", db, "--actor", "bob", *args])

    settings = graph_api.settings(app_secret=APP_SECRET)
    pairs = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    assert eventdesk("channel", "configure", "whatsapp", *pairs).exit_code == 0
    return eventdesk


def receive(run, tmp_path: Path, data: dict) -> Result:
    raw = body(data)
    path = tmp_path / "notification.json"
    path.write_bytes(raw)
    header = f"X-Hub-Signature-256={signature(APP_SECRET, raw)}"
    return run("intake", "receive", "whatsapp", str(path), "--header", header)


def test_replies_templates_and_receipts_on_the_command_line(run, tmp_path, graph_api, cli_clock):
    opened = receive(run, tmp_path, notification(text_message("wamid.1", ANA, "No VPN")))
    assert opened.output == "opened INC0000001\n"
    assert run("incident", "reply", "1", "Restarting it").exit_code == 0
    cli_clock.advance(timedelta(hours=25))
    # Fail to reply free-form after 24 hours: one line saying why, and exit 1.
    refused = run("incident", "reply", "1", "Better now?")
    assert refused.exit_code == 1
    assert refused.output.count("\n") == 1
    assert "outside the 24-hour customer-service window" in refused.output
    templated = run("incident", "reply", "1", "Better now?", "--template", "case_update")
    assert templated.exit_code == 0, templated.output
    assert [m["type"] for m in graph_api.sent()] == ["text", "template"]
    read = receive(run, tmp_path, notification(statuses=[status("wamid.sent-1", "read", ANA)]))
    assert read.output == "receipt INC0000001: read\n"
    table = run("deliveries", "list")
    assert "receipt" in table.output and "read" in table.output
    listed = json.loads(run("deliveries", "list", "--json").output)
    assert [d["receipt"] for d in listed] == ["read", None]
