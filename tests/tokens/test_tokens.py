"""desk.tokens on every store: a token acts as its actor until it is revoked, and only a
digest of it is ever stored."""

from __future__ import annotations

import uuid

import pytest
from eventdesk import InvalidValueError
from eventdesk.tenancy import AccessDeniedError, Actor, ActorKind
from eventdesk.tenancy.model import directory_id
from eventdesk.tenancy.service import DuplicateNameError, UnknownNameError
from eventdesk.tokens import ApiToken, TokenNotFoundError
from eventdesk.tokens.model import token_digest
from eventsourcing.utils import get_topic


@pytest.fixture
def directory(desk):
    """A tenant, acme, and an agent, ana, who serves it."""
    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    desk.tenancy.form_team("pool", kind="shared")
    desk.tenancy.register_agent("ana", teams=["pool"])
    return desk


def stored_bytes(desk) -> bytes:
    """Every stored event's topic and state, as the database holds them."""
    notifications = desk.recorder.select_notifications(start=1, limit=100_000)
    return b"".join(n.topic.encode() + n.state for n in notifications)


def test_a_token_acts_as_its_actor(directory):
    desk = directory
    agent_token, agent_view = desk.tokens.create("crm", "agent:ana", actor="admin")
    user_token, _ = desk.tokens.create("portal", "user:carla@acme/acme")
    admin_token, _ = desk.tokens.create("ops", "Admin:root")

    ana = desk.tokens.authenticate(agent_token)
    carla = desk.tokens.authenticate(user_token)
    root = desk.tokens.authenticate(admin_token)
    assert (ana, ana.kind, ana.tenant) == ("ana", ActorKind.AGENT, None)
    assert (carla, carla.kind, carla.tenant) == ("carla@acme", ActorKind.TENANT_USER, "acme")
    assert (root, root.kind) == ("root", ActorKind.ADMINISTRATOR)
    assert agent_token.startswith("edk_") and len(agent_token) >= 40
    assert agent_token != user_token
    assert (agent_view.name, agent_view.actor, agent_view.created_by) == (
        "crm",
        "agent:ana",
        "admin",
    )
    assert agent_view.prefix == agent_token[:12]
    assert agent_view.active and agent_view.revoked_at is None


def test_only_the_digest_of_a_token_is_stored(directory):
    desk = directory
    token, view = desk.tokens.create("crm", "agent:ana")

    raw = stored_bytes(desk)
    assert token.encode() not in raw
    assert token[12:].encode() not in raw  # not even the part that is not shown
    assert token_digest(token).encode() in raw
    assert view.id == uuid.uuid5(
        uuid.UUID("5f0d6a4e-2b1c-4f3e-9a57-0c8e7b6d4a21"), token_digest(token)
    )


@pytest.mark.parametrize(
    "wrong",
    ["", "edk_", "Bearer x", "edk_" + "A" * 43, "x" * 10_000, None, 42],
    ids=["empty", "prefix only", "not a token", "never issued", "huge", "None", "a number"],
)
def test_an_unknown_token_authenticates_nobody(directory, wrong):
    directory.tokens.create("crm", "agent:ana")
    assert directory.tokens.authenticate(wrong) is None


def test_a_token_changed_by_one_character_authenticates_nobody(directory):
    token, _ = directory.tokens.create("crm", "agent:ana")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert directory.tokens.authenticate(tampered) is None
    assert directory.tokens.authenticate(token.upper()) is None


def test_a_revoked_token_authenticates_nobody_in_any_process(directory, another_desk):
    desk = directory
    token, _ = desk.tokens.create("crm", "agent:ana")
    other = another_desk()
    assert other.tokens.authenticate(token) == "ana"

    revoked = desk.tokens.revoke("crm", actor="admin")

    assert (revoked.active, revoked.revoked_by) == (False, "admin")
    assert revoked.revoked_at == desk.clock.now()
    assert desk.tokens.authenticate(token) is None
    assert other.tokens.authenticate(token) is None


def test_revoking_twice_changes_nothing_the_second_time(directory):
    desk = directory
    _, view = desk.tokens.create("crm", "agent:ana")
    first = desk.tokens.revoke(str(view.id))
    head = desk.recorder.max_notification_id()

    assert desk.tokens.revoke("crm") == first
    assert desk.tokens.revoke(str(view.id)) == first
    assert desk.recorder.max_notification_id() == head


def test_a_name_is_one_active_token_and_free_again_once_revoked(directory):
    desk = directory
    old, _ = desk.tokens.create("crm", "agent:ana")

    # Fail to create a second active token of the same name.
    with pytest.raises(DuplicateNameError) as duplicate:
        desk.tokens.create(" crm ", "admin:root")
    assert duplicate.value.details == {"kind": "API token", "name": "crm"}

    desk.tokens.revoke("crm")
    new, _ = desk.tokens.create("crm", "admin:root")
    assert desk.tokens.authenticate(new) == "root"
    assert desk.tokens.authenticate(old) is None
    # Revoking by name revokes the active one.
    assert desk.tokens.revoke("crm").actor == "admin:root"
    assert desk.tokens.authenticate(new) is None


def test_tokens_are_listed_oldest_first_with_their_state_never_the_token(directory, clock):
    desk = directory
    crm, _ = desk.tokens.create("crm", "agent:ana", actor="admin")
    clock.advance(minutes=5)
    portal, _ = desk.tokens.create("portal", "user:carla/acme", actor="admin")
    clock.advance(minutes=5)
    desk.tokens.revoke("crm", actor="root")

    listed = desk.tokens.list()

    assert [(v.name, v.actor, v.active, v.revoked_by) for v in listed] == [
        ("crm", "agent:ana", False, "root"),
        ("portal", "user:carla/acme", True, None),
    ]
    assert [v.prefix for v in listed] == [crm[:12], portal[:12]]
    assert listed[0].to_dict()["active"] is False
    assert crm not in repr(listed) and portal not in repr(listed)


@pytest.mark.parametrize(
    ("name", "actor_spec", "error", "field"),
    [
        ("", "agent:ana", InvalidValueError, "token name"),
        ("x" * 101, "agent:ana", InvalidValueError, "token name"),
        ("crm", "ana", InvalidValueError, "actor"),
        ("crm", "user:carla", InvalidValueError, "actor"),
        ("crm", "robot:r2", InvalidValueError, "actor"),
        ("crm", None, InvalidValueError, "token actor"),
    ],
)
def test_a_bad_name_or_actor_is_refused_and_names_the_field(
    directory, name, actor_spec, error, field
):
    head = directory.recorder.max_notification_id()
    with pytest.raises(error) as refused:
        directory.tokens.create(name, actor_spec)
    assert refused.value.details["field"] == field
    assert directory.recorder.max_notification_id() == head


@pytest.mark.parametrize(
    ("actor_spec", "kind", "name"),
    [("agent:bob", "agent", "bob"), ("user:gina@globex/globex", "tenant", "globex")],
)
def test_a_token_for_an_actor_who_does_not_exist_is_refused(directory, actor_spec, kind, name):
    with pytest.raises(UnknownNameError) as unknown:
        directory.tokens.create("crm", actor_spec)
    assert unknown.value.details == {"kind": kind, "name": name}


def test_revoking_an_unknown_token_says_so(directory):
    with pytest.raises(TokenNotFoundError) as unknown:
        directory.tokens.revoke("nobody")
    assert unknown.value.details == {"reference": "nobody"}
    with pytest.raises(TokenNotFoundError):
        directory.tokens.revoke(str(uuid.uuid4()))
    # Fail to revoke with the id of something that is not a token (an agent, here).
    with pytest.raises(TokenNotFoundError):
        directory.tokens.revoke(str(directory_id("agent", "ana")))
    with pytest.raises(InvalidValueError):
        directory.tokens.revoke("  ")


@pytest.mark.parametrize(
    "actor",
    [Actor.agent("ana"), Actor.tenant_user("carla", "acme")],
    ids=["an agent", "a tenant user"],
)
def test_only_administrators_manage_tokens_and_refusals_are_recorded(directory, actor):
    desk = directory
    desk.tokens.create("crm", "agent:ana")

    for attempt, action in [
        (lambda: desk.tokens.create("mine", "admin:root", actor=actor), "create an API token"),
        (lambda: desk.tokens.revoke("crm", actor=actor), "revoke an API token"),
        (lambda: desk.tokens.list(actor=actor), "list API tokens"),
    ]:
        # Fail to manage tokens as anyone but an administrator.
        with pytest.raises(AccessDeniedError) as refused:
            attempt()
        assert refused.value.details["action"] == action
        assert desk.tenancy.refusals()[-1].action == action

    assert [v.name for v in desk.tokens.list(actor=Actor.administrator("root"))] == ["crm"]
    assert [v.active for v in desk.tokens.list()] == [True]


def test_token_events_replay_into_the_same_token(directory):
    desk = directory
    _, view = desk.tokens.create("crm", "agent:ana")
    desk.tokens.revoke("crm")
    events = list(desk.repository.event_store.get(view.id))
    assert [get_topic(type(e)) for e in events] == [
        get_topic(ApiToken.Created),
        get_topic(ApiToken.Revoked),
    ]
    replayed = desk.repository.get(view.id)
    assert (replayed.name, replayed.active, replayed.prefix) == ("crm", False, view.prefix)
