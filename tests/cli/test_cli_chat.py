"""``eventdesk chat`` and ``eventdesk selfservice``: JSON, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import succeeded


def write(tmp_path: Path, name: str, event: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(event))
    return str(path)


def test_chat_sessions_show_end_and_expire(eventdesk, tmp_path):
    start = write(
        tmp_path,
        "start.json",
        {"type": "start", "session": "session-cli-0001", "text": "VPN", "email": "c@acme.example"},
    )
    assert succeeded(eventdesk("intake", "receive", "chat", start)).output == "opened INC0000001\n"
    [live] = json.loads(succeeded(eventdesk("chat", "sessions", "--json")).output)
    assert (live["key"], live["state"], live["incident"]) == (
        "session-cli-0001",
        "live",
        "INC0000001",
    )
    shown = json.loads(succeeded(eventdesk("chat", "show", "session-cli-0001", "--json")).output)
    assert [line["text"] for line in shown["transcript"]] == ["VPN"]
    table = succeeded(eventdesk("chat", "sessions", "--state", "all")).output
    assert "session-cli-0001" in table and "INC0000001" in table

    ended = succeeded(eventdesk("chat", "end", "session-cli-0001", "--reason", "solved"))
    assert ended.output == "ended session-cli-0001 (INC0000001): solved\n"
    assert json.loads(succeeded(eventdesk("chat", "sessions", "--json")).output) == []
    assert succeeded(eventdesk("chat", "expire")).output == "0 session(s) ended\n"
    assert json.loads(succeeded(eventdesk("chat", "expire", "--json")).output) == []


def test_chat_errors_are_one_line(eventdesk):
    unknown = eventdesk("chat", "end", "session-none-01")
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: no chat session session-none-01\n"
    assert eventdesk("chat", "sessions", "--state", "gone").exit_code == 2
    assert eventdesk("chat", "expire", "--idle-minutes", "0").exit_code == 2


def test_selfservice_configure_show_and_stats(eventdesk):
    configured = eventdesk("selfservice", "configure", "--channel", "chat", "--min-score", "0.4")
    assert succeeded(configured).output == "The bot answers on chat, from a score of 0.40.\n"
    settings = json.loads(succeeded(eventdesk("selfservice", "show", "--json")).output)
    assert settings == {"channels": ["chat"], "min_score": 0.4, "chat_url": None}
    assert "chat" in succeeded(eventdesk("selfservice", "show")).output
    figures = json.loads(succeeded(eventdesk("selfservice", "stats", "--json")).output)
    assert (figures["conversations"], figures["deflection_rate"]) == (0, 0.0)
    assert (
        "deflected" in succeeded(eventdesk("selfservice", "stats", "--since", "2026-01-01")).output
    )
    bad = eventdesk("selfservice", "configure", "--chat-url", "ftp://x")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: invalid self-service chat_url")


def test_the_idle_sweep_as_a_worker_and_who_may_do_what(eventdesk, tmp_path):
    start = write(
        tmp_path,
        "start.json",
        {"type": "start", "session": "session-cli-0002", "text": "VPN", "email": "c@acme.example"},
    )
    succeeded(eventdesk("intake", "receive", "chat", start))
    swept = succeeded(eventdesk("chat", "work", "--passes", "1", "--interval", "0.1"))
    assert swept.output == ""  # nobody idle yet (15 minutes by default)
    refused = eventdesk("chat", "expire", actor="user:carla/acme")
    assert refused.exit_code == 1 and "only an administrator may do this" in refused.stderr
    refused = eventdesk("chat", "end", "session-cli-0002", actor="user:carla/acme")
    assert refused.exit_code == 1 and "only an administrator may do this" in refused.stderr
    refused = eventdesk("selfservice", "configure", "--channel", "chat", actor="agent:ana")
    assert refused.exit_code == 1 and "only an administrator may do this" in refused.stderr
