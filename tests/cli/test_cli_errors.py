"""Known failures are one line on stderr with exit code 1; misuse is a usage error, code 2."""

from __future__ import annotations

import pytest
from eventdesk.cli import cli

from .conftest import failed_in_one_line, json_of, succeeded


@pytest.fixture
def number(eventdesk) -> str:
    return json_of(
        eventdesk("incident", "open", "-s", "Mail server down", "-i", "2", "-u", "2", "--json")
    )["number"]


def test_an_illegal_transition_is_one_line_and_exit_code_1(eventdesk, number):
    # Fail to resume an incident that is not on hold.
    line = failed_in_one_line(eventdesk("incident", "resume", number))
    assert line == f"Error: {number}: cannot resume an incident that is new"

    # Fail to close an incident that is not resolved.
    line = failed_in_one_line(eventdesk("incident", "close", number, "--json"))
    assert "cannot close" in line

    assert json_of(eventdesk("incident", "show", number, "--json"))["version"] == 1


def test_changing_a_closed_incident_is_one_line(eventdesk, number):
    succeeded(eventdesk("incident", "cancel", number, "--reason", "duplicate"))
    # Fail to comment on a cancelled incident.
    line = failed_in_one_line(eventdesk("incident", "comment", number, "hello?"))
    assert "cancelled" in line


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "show", "INC0000042"],
        ["incident", "show", "42", "--json"],
        ["incident", "history", "INC0000042", "--json"],
        ["incident", "start", "INC0000042"],
        ["incident", "open", "-s", "Child", "-i", "2", "-u", "2", "--parent", "INC0000042"],
        ["incident", "show", "not-an-incident"],
    ],
    ids=["show", "show-json", "history", "start", "open-under-missing-parent", "nonsense"],
)
def test_an_unknown_incident_is_one_line_and_exit_code_1(eventdesk, number, args):
    # Fail to find an incident that does not exist.
    line = failed_in_one_line(eventdesk(*args))
    assert "not found" in line


def test_an_invalid_value_the_engine_checks_is_one_line(eventdesk):
    # Fail to open an incident with a blank summary.
    line = failed_in_one_line(eventdesk("incident", "open", "-s", "  ", "-i", "2", "-u", "2"))
    assert "summary" in line


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "open", "-s", "Mail", "--impact", "4", "--urgency", "2"],
        ["incident", "open", "-s", "Mail", "--impact", "high", "--urgency", "2"],
        ["incident", "open", "-s", "Mail", "--urgency", "2"],
        ["incident", "hold", "1", "--reason", "lunch"],
        ["incident", "list", "--state", "sleeping"],
        ["incident", "list", "--priority", "6"],
        ["incident", "list", "--page", "0"],
        ["incident", "reprioritise", "1", "-i", "0", "-u", "1"],
        ["incident", "frobnicate", "1"],
    ],
    ids=[
        "impact-4",
        "impact-word",
        "impact-missing",
        "hold-reason",
        "state",
        "priority",
        "page",
        "reprioritise",
        "verb",
    ],
)
def test_misuse_is_a_usage_error_with_exit_code_2(eventdesk, number, args):
    # Fail to run a command given options it does not accept.
    result = eventdesk(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Error" in result.stderr
    assert "Traceback" not in result.stderr
    assert json_of(eventdesk("incident", "show", number, "--json"))["version"] == 1


def test_a_database_in_a_missing_folder_is_one_line(runner, tmp_path):
    missing = tmp_path / "nowhere" / "eventdesk.db"
    # Fail to open a desk in a folder that does not exist.
    line = failed_in_one_line(runner.invoke(cli, ["--db", str(missing), "init"]))
    assert "no folder" in line


def test_an_unsupported_database_url_is_one_line(runner):
    # Fail to use a database EventDesk does not support.
    line = failed_in_one_line(runner.invoke(cli, ["--db", "mysql://root@localhost/desk", "init"]))
    assert "unsupported database URL" in line
