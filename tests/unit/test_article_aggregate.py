"""The Article aggregate on its own: lifecycle, revisions, known errors, no storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventdesk.domain.incident import Incident
from eventdesk.errors import IncidentClosedError, InvalidValueError
from eventdesk.knowledge.model import (
    ARTICLES,
    TRANSITIONS,
    Article,
    ArticleChange,
    ArticleKind,
    ArticleState,
    ArticleStateError,
    FixState,
)

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=30)

# The lifecycle as docs/knowledge.md states it, written out independently of the code.
DOCUMENTED_LIFECYCLE = {
    "publish": ({"draft", "retired"}, "published"),
    "retire": ({"draft", "published"}, "retired"),
}
PATH_TO = {
    ArticleState.DRAFT: [],
    ArticleState.PUBLISHED: ["publish"],
    ArticleState.RETIRED: ["publish", "retire"],
}


def write(sequence: int = 1, **overrides: object) -> Article:
    fields: dict[str, object] = {
        "sequence": sequence,
        "title": "Reset your email password",
        "body": "Open the portal and choose **Forgot password**.",
        "keywords": ["password", "login"],
        "actor": "lena",
        "at": AT,
    }
    fields.update(overrides)
    return Article.write(**fields)  # type: ignore[arg-type]


def in_state(state: ArticleState) -> Article:
    article = write()
    for step in PATH_TO[state]:
        getattr(article, step)(actor="lena", at=AT)
    return article


def replayed(article: Article) -> Article:
    """The article rebuilt from its events alone."""
    rebuilt = None
    for domain_event in article.collect_events():
        rebuilt = domain_event.mutate(rebuilt)
    assert isinstance(rebuilt, Article)
    return rebuilt


def test_a_new_article_is_a_numbered_draft_with_its_author_and_time():
    article = write(sequence=12, language="ES", tenant="acme")

    assert article.number == "KB0000012"
    assert article.id == ARTICLES.aggregate_id(12) == Article.create_id(12)
    assert (article.state, article.kind, article.revision) == (
        ArticleState.DRAFT,
        ArticleKind.ARTICLE,
        1,
    )
    assert (article.language, article.tenant) == ("es", "acme")
    assert article.keywords == ("password", "login")
    assert article.changes == (ArticleChange(AT, "lena", "written"),)
    assert article.problem is article.workaround is article.fix_state is None


def test_the_lifecycle_is_the_documented_one():
    assert {
        name: ({s.value for s in sources}, target.value)
        for name, (sources, target) in TRANSITIONS.items()
    } == DOCUMENTED_LIFECYCLE
    for state in ArticleState:
        for name, (sources, target) in DOCUMENTED_LIFECYCLE.items():
            article = in_state(state)
            if state.value in sources:
                getattr(article, name)(actor="lena", at=LATER)
                assert article.state.value == target
            else:
                # Fail to publish a published article, or to retire a retired one.
                with pytest.raises(ArticleStateError) as refused:
                    getattr(article, name)(actor="lena", at=LATER)
                assert refused.value.details == {
                    "article": "KB0000001",
                    "action": name,
                    "state": state.value,
                }


def test_a_retired_article_is_republished_with_its_number_and_history():
    article = in_state(ArticleState.RETIRED)
    article.publish(actor="omar", at=LATER)

    assert article.state == ArticleState.PUBLISHED
    assert (article.published_at, article.retired_at) == (LATER, None)
    assert [c.action for c in article.changes] == ["written", "published", "retired", "republished"]
    assert replayed(article).changes == article.changes


def test_a_revision_records_what_changed_who_and_when():
    article = in_state(ArticleState.PUBLISHED)

    assert article.revise(
        title="Reset a forgotten password", keywords=["password"], actor="omar", at=LATER
    )

    assert article.title == "Reset a forgotten password"
    assert article.keywords == ("password",)
    assert article.body == "Open the portal and choose **Forgot password**."  # kept
    assert article.revision == 2
    assert article.changes[-1] == ArticleChange(LATER, "omar", "revised", "title, keywords")
    revised = article.collect_events()[-1]
    assert isinstance(revised, Article.Revised)
    assert (revised.title, revised.body, revised.keywords, revised.actor) == (
        "Reset a forgotten password",
        None,
        ["password"],
        "omar",
    )


def test_a_revision_that_changes_nothing_records_nothing():
    article = write()
    assert not article.revise(title="Reset your email password", actor="omar", at=LATER)
    assert not article.revise(keywords=[" password", "login  ", "Login"], actor="omar", at=LATER)
    assert article.revision == 1
    assert len(article.collect_events()) == 1


def test_a_retired_article_is_not_revised():
    article = in_state(ArticleState.RETIRED)
    # Fail to revise it: republish it first.
    with pytest.raises(ArticleStateError) as refused:
        article.revise(body="New text", actor="omar", at=LATER)
    assert refused.value.details["state"] == "retired"


def test_a_known_error_has_its_problem_workaround_and_fix_state():
    known_error = write(
        title="VPN drops when the laptop sleeps",
        body="The VPN client disconnects after sleep.",
        problem=" prb0000012 ",
        workaround="Reconnect from the tray icon.",
    )
    assert known_error.kind == ArticleKind.KNOWN_ERROR
    assert (known_error.problem, known_error.fix_state) == ("PRB0000012", FixState.OPEN)

    known_error.revise(workaround="Turn sleep off while on VPN.", actor="omar", at=LATER)
    known_error.mark_fixed("Client 5.2 deployed", actor="omar", at=LATER)

    assert known_error.workaround == "Turn sleep off while on VPN."
    assert (known_error.fix_state, known_error.fixed_at) == (FixState.FIXED, LATER)
    assert known_error.changes[-1] == ArticleChange(LATER, "omar", "fixed", "Client 5.2 deployed")
    # Fail to mark it fixed twice.
    with pytest.raises(ArticleStateError):
        known_error.mark_fixed(actor="omar", at=LATER)
    rebuilt = replayed(known_error)
    assert (rebuilt.workaround, rebuilt.fix_state) == (known_error.workaround, FixState.FIXED)


def test_a_plain_article_has_no_workaround_and_is_never_fixed():
    # Fail to give a workaround without a problem, on writing or on revising.
    with pytest.raises(InvalidValueError) as refused:
        write(workaround="Restart")
    assert refused.value.field == "workaround"
    article = write()
    with pytest.raises(InvalidValueError):
        article.revise(workaround="Restart", actor="omar", at=LATER)
    # Fail to mark an article that is not a known error fixed.
    with pytest.raises(ArticleStateError):
        article.mark_fixed(actor="omar", at=LATER)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "   "),
        ("title", "x" * 201),
        ("title", "two\nlines"),
        ("body", ""),
        ("body", "x" * 50_001),
        ("language", "english"),
        ("language", "e"),
        ("language", 7),
        ("keywords", ["x" * 61]),
        ("keywords", [f"k{n}" for n in range(31)]),
        ("problem", "PRB 12"),
    ],
)
def test_bad_values_are_refused_by_name(field, value):
    extra = {"workaround": "Restart"} if field == "problem" else {}
    with pytest.raises(InvalidValueError) as refused:
        write(**{field: value, **extra})
    assert refused.value.field in (field, field.rstrip("s"))


def test_a_known_error_needs_a_workaround():
    with pytest.raises(InvalidValueError) as refused:
        write(problem="PRB0000012")
    assert refused.value.field == "workaround"
    assert "until the problem is fixed" in str(refused.value)


def test_keywords_and_languages_are_tidied():
    article = write(keywords=["  remote   access ", "VPN", "vpn", "Contraseña", "contrasena", ""])
    assert article.keywords == ("remote access", "VPN", "Contraseña")
    assert write(language="pt-BR").language == "pt"


# --- the incident side: a known error given for an incident --------------------------------


def open_incident() -> Incident:
    return Incident.open(
        sequence=1, summary="VPN drops", impact=2, urgency=2, priority=3, actor="ana", at=AT
    )


def test_an_incident_records_the_known_error_given_once_and_joins_its_problem():
    incident = open_incident()
    linked = incident.link_known_error(
        article="KB0000003",
        problem="PRB0000012",
        title="VPN drops when the laptop sleeps",
        workaround="Reconnect from the tray icon.",
        actor="ana",
        at=LATER,
    )
    again = incident.link_known_error(
        article="KB0000003",
        problem="PRB0000012",
        title="VPN drops when the laptop sleeps",
        workaround="Reconnect from the tray icon.",
        actor="bo",
        at=LATER,
    )

    assert (linked, again) == (True, False)
    assert incident.problem == "PRB0000012"
    (given,) = incident.known_errors
    assert (given.article, given.workaround, given.actor, given.at) == (
        "KB0000003",
        "Reconnect from the tray icon.",
        "ana",
        LATER,
    )
    assert [type(e).__name__ for e in incident.collect_events()] == ["Opened", "KnownErrorLinked"]


def test_a_known_error_keeps_the_problem_an_incident_already_has():
    incident = open_incident()
    incident.link_problem("PRB0000001", actor="ana", at=AT)
    incident.link_known_error(
        article="KB0000003", problem="PRB0000012", title="t", workaround="w", actor="ana", at=LATER
    )
    assert incident.problem == "PRB0000001"


def test_a_closed_incident_is_given_no_known_error():
    incident = open_incident()
    incident.cancel("duplicate", actor="ana", at=AT)
    # Fail to link a known error to a cancelled incident.
    with pytest.raises(IncidentClosedError):
        incident.link_known_error(
            article="KB0000003", problem=None, title="t", workaround="w", actor="ana", at=LATER
        )
