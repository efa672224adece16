"""``eventdesk token create|revoke|list``: administrators manage API tokens."""

from __future__ import annotations

from eventdesk import ServiceDesk

from .conftest import failed_in_one_line, json_of, succeeded


def test_an_administrator_creates_lists_and_revokes_a_token(eventdesk, db_path):
    created = json_of(
        eventdesk("token", "create", "--name", "ci", "--actor", "admin:ops", "--json")
    )
    token = created["token"]
    assert token.startswith("edk_")
    assert {k: created[k] for k in ("name", "prefix", "actor", "created_by", "active")} == {
        "name": "ci",
        "prefix": token[:12],
        "actor": "admin:ops",
        "created_by": "ana",
        "active": True,
    }
    with ServiceDesk(db=db_path) as desk:
        assert desk.tokens.authenticate(token) == "ops"

    listed = json_of(eventdesk("token", "list", "--json"))
    assert [(t["name"], t["active"]) for t in listed] == [("ci", True)]
    assert token not in str(listed)

    revoked = succeeded(eventdesk("token", "revoke", "ci"))
    assert revoked.stdout == f"Revoked API token ci ({token[:12]}…) for admin:ops.\n"
    listed = json_of(eventdesk("token", "list", "--json"))
    assert [(t["name"], t["active"], t["revoked_by"]) for t in listed] == [("ci", False, "ana")]
    with ServiceDesk(db=db_path) as desk:
        assert desk.tokens.authenticate(token) is None


def test_the_token_is_printed_once_on_a_line_of_its_own(eventdesk, db_path):
    result = succeeded(eventdesk("token", "create", "--name", "ci", "--actor", "admin:ops"))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Created API token ci (edk_")
    assert lines[2] == "Keep it now: it is not shown again."
    with ServiceDesk(db=db_path) as desk:
        assert desk.tokens.authenticate(lines[1]) == "ops"
    table = succeeded(eventdesk("token", "list")).stdout
    assert lines[1] not in table
    assert lines[1][:12] in table


def test_a_token_is_revoked_by_its_id_too(eventdesk):
    created = json_of(
        eventdesk("token", "create", "--name", "ci", "--actor", "admin:ops", "--json")
    )
    revoked = json_of(eventdesk("token", "revoke", created["id"], "--json"))
    assert (revoked["name"], revoked["active"]) == ("ci", False)


def test_mistakes_are_one_line_errors(eventdesk):
    assert failed_in_one_line(eventdesk("token", "create", "--name", "ci", "--actor", "ana")) == (
        "Error: invalid actor 'ana': expected agent:NAME, user:NAME/TENANT or admin:NAME"
    )
    assert failed_in_one_line(
        eventdesk("token", "create", "--name", "ci", "--actor", "agent:ghost")
    ) == ("Error: no agent named 'ghost'")
    assert failed_in_one_line(eventdesk("token", "revoke", "ci")) == (
        "Error: no API token named 'ci'"
    )
    succeeded(eventdesk("token", "create", "--name", "ci", "--actor", "admin:ops"))
    assert failed_in_one_line(
        eventdesk("token", "create", "--name", "ci", "--actor", "admin:ops")
    ) == ("Error: an API token named 'ci' exists already")


def test_agents_may_not_manage_tokens(eventdesk):
    succeeded(eventdesk("token", "create", "--name", "ci", "--actor", "admin:ops"))
    for args in (
        ("token", "list"),
        ("token", "revoke", "ci"),
        ("token", "create", "--name", "mine", "--actor", "admin:me"),
    ):
        line = failed_in_one_line(eventdesk(*args, actor="agent:bruno"))
        assert line.startswith("Error: access denied: agent bruno may not ")
        assert line.endswith(": only an administrator may do this")
    assert [t["active"] for t in json_of(eventdesk("token", "list", "--json"))] == [True]


def test_a_read_only_token_is_created_with_scope_read(eventdesk, db_path):
    created = json_of(
        eventdesk(
            "token", "create", "--name", "dash", "--actor", "admin:ops", "--scope", "read", "--json"
        )
    )
    assert created["scope"] == "read"
    with ServiceDesk(db=db_path) as desk:
        assert desk.tokens.authenticate_scoped(created["token"]) == ("ops", "read")
    shown = succeeded(eventdesk("token", "revoke", "dash")).stdout
    assert shown == f"Revoked API token dash ({created['prefix']}…) for admin:ops, read-only.\n"
    refused = eventdesk("token", "create", "--name", "x", "--actor", "admin:ops", "--scope", "all")
    assert refused.exit_code == 2
