"""Who writes and who reads the knowledge base (the isolation tables in
tests/tenancy/test_isolation.py cover each method against every kind of actor; these
are the rules those tables cannot say in one line)."""

from __future__ import annotations

import pytest
from eventdesk.knowledge import ArticleNotFoundError
from eventdesk.tenancy import AccessDeniedError, Actor

from .conftest import ANA, CARLA, CY, GINA, ROOT


@pytest.fixture
def library(tenants):
    """A shared article, one private article per tenant, and a draft for acme."""
    desk = tenants
    numbers = {}
    for name, tenant in (("shared", None), ("acme", "acme"), ("globex", "globex")):
        numbers[name] = desk.knowledge.add(
            f"Printer offline ({name})",
            "Switch the printer off and on; check the network cable.",
            tenant=tenant,
        ).number
        desk.knowledge.publish(numbers[name])
    numbers["acme draft"] = desk.knowledge.add(
        "Printer offline (new model)", "Press the reset button.", tenant="acme"
    ).number
    return desk, numbers


def searched(desk, actor, **options) -> set[str]:
    return {hit.number for hit in desk.knowledge.search("printer offline", actor=actor, **options)}


def test_each_reader_finds_its_tenants_articles_and_the_shared_ones_never_anothers(library):
    desk, kb = library
    expected = {
        CARLA: {kb["shared"], kb["acme"]},
        GINA: {kb["shared"], kb["globex"]},
        ANA: {kb["shared"], kb["acme"]},
        CY: {kb["shared"], kb["globex"]},
        ROOT: {kb["shared"], kb["acme"], kb["globex"]},
        "system": {kb["shared"], kb["acme"], kb["globex"]},
    }
    for actor, visible in expected.items():
        assert searched(desk, actor) == visible, actor
        assert {a.number for a in desk.knowledge.list(state="published", actor=actor)} == visible
    # A customer of a tenant, as the bot asks for it: that tenant's and the shared ones.
    assert searched(desk, "system", tenant="globex") == {kb["shared"], kb["globex"]}
    assert searched(desk, ROOT, tenant="acme") == {kb["shared"], kb["acme"]}
    assert desk.tenancy.refusals() == []


def test_asking_for_another_tenants_articles_is_refused_and_recorded(library):
    desk, kb = library
    attempts = [
        lambda: desk.knowledge.search("printer", tenant="globex", actor=CARLA),
        lambda: desk.knowledge.search("printer", tenant="globex", actor=ANA),
        lambda: desk.knowledge.get(kb["acme"], actor=GINA),
        lambda: desk.knowledge.list(tenant="acme", actor=CY),
        lambda: desk.knowledge.best_answer("printer", "acme", actor=CY),
    ]
    for attempt in attempts:
        # Fail to read another tenant's articles.
        with pytest.raises(AccessDeniedError):
            attempt()
    refusals = desk.tenancy.refusals()
    assert [(r.actor, r.action) for r in refusals] == [
        ("carla@acme", "search the knowledge base"),
        ("ana", "search the knowledge base"),
        ("gina@globex", "read an article"),
        ("cy", "list articles"),
        ("cy", "search the knowledge base"),
    ]


def test_a_tenant_user_sees_no_draft_and_no_retired_article(library):
    desk, kb = library
    desk.knowledge.retire(kb["acme"])

    assert searched(desk, CARLA, include_drafts=True) == {kb["shared"]}
    assert searched(desk, ANA, include_drafts=True) == {kb["shared"], kb["acme draft"]}
    assert [a.number for a in desk.knowledge.list(actor=CARLA)] == [kb["shared"]]
    assert desk.knowledge.list(state="draft", actor=CARLA) == []
    # Fail to read a draft or a retired article of its own tenant: to a customer they do
    # not exist (it is no refusal: they are its tenant's).
    for number in (kb["acme draft"], kb["acme"]):
        with pytest.raises(ArticleNotFoundError):
            desk.knowledge.get(number, actor=CARLA)
    assert desk.knowledge.get(kb["acme draft"], actor=ANA).state == "draft"
    assert desk.tenancy.refusals() == []


def test_shared_articles_are_written_by_administrators_only(library):
    desk, kb = library
    for actor in (ANA, CY):
        # Fail, as an agent, to write, publish or retire what every tenant reads.
        with pytest.raises(AccessDeniedError):
            desk.knowledge.add("Phishing", "Do not click.", actor=actor)
        with pytest.raises(AccessDeniedError):
            desk.knowledge.edit(kb["shared"], title="Printer down", actor=actor)
        with pytest.raises(AccessDeniedError):
            desk.knowledge.retire(kb["shared"], actor=actor)
    assert {r.reason for r in desk.tenancy.refusals()} == {"only an administrator may do this"}

    written = desk.knowledge.add("Phishing", "Do not click the link.", actor=ROOT)
    assert desk.knowledge.publish(written.number, actor=ROOT).tenant is None
    # ...while each tenant's agents look after their tenant's own.
    desk.knowledge.edit(kb["acme"], title="Acme printer offline", actor=ANA)
    desk.knowledge.edit(kb["globex"], title="Globex printer offline", actor=CY)


def test_on_a_desk_without_tenants_its_agents_write_the_articles(desk):
    desk.tenancy.form_team("service-desk", kind="shared")
    desk.tenancy.register_agent("ana", teams=["service-desk"])

    number = desk.knowledge.add("VPN", "Reconnect.", actor=ANA).number
    assert desk.knowledge.publish(number, actor=ANA).state == "published"
    # Fail to write as someone who is no registered agent.
    with pytest.raises(AccessDeniedError) as refused:
        desk.knowledge.add("VPN", "Reconnect.", actor=Actor.agent("mallory"))
    assert refused.value.details["reason"] == "not a registered agent"


def test_a_tenant_user_reads_the_workaround_given_for_its_incident(tenants):
    desk = tenants
    known_error = desk.knowledge.add(
        "Badge reader refuses badges",
        "The door reader blinks red.",
        tenant="acme",
        problem="PRB0000007",
        workaround="Use the side door until noon.",
        actor=ANA,
    ).number
    desk.knowledge.publish(known_error, actor=ANA)
    incident = desk.open_incident("My badge does not work", impact=3, urgency=3, actor=CARLA)

    # Fail, as the customer, to link it: giving a workaround is the desk's work.
    with pytest.raises(AccessDeniedError) as refused:
        desk.link_known_error(incident.number, known_error, actor=CARLA)
    assert refused.value.details["reason"] == (
        "a tenant user may not link a known error to incidents"
    )
    desk.link_known_error(incident.number, known_error, actor=ANA)

    seen = desk.get_incident(incident.number, actor=CARLA)
    assert [(k.article, k.workaround) for k in seen.known_errors] == [
        (known_error, "Use the side door until noon.")
    ]
    trail = desk.history(incident.number, actor=CARLA)
    assert trail[-1].type == "KnownErrorLinked"
    assert trail[-1].data["workaround"] == "Use the side door until noon."
    assert desk.knowledge.get(known_error, actor=CARLA).known_error.workaround == (
        "Use the side door until noon."
    )
