"""Scenarios of features/knowledge_base.feature, and their steps.

Names in the feature are the names in the desk: client companies (tenants) ``Acme`` and
``Globex``; Lena, the lead, is an administrator; Ana an agent of the shared pool; Carla
and Gina users of Acme and Globex. Articles and incidents are named by their titles and
summaries, unique in each scenario. What a When-step asks travels in the ``asked``
fixture: the articles found (or the bot's answer), and a refusal, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eventdesk import EventDeskError, ServiceDesk
from eventdesk.knowledge import SearchHit
from eventdesk.tenancy import AccessDeniedError, Actor
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import table

scenarios("knowledge_base.feature")

LANGUAGES = {"English": "en", "Spanish": "es"}
LEAD = Actor.administrator("Lena")
POOL = "Shared pool"
BOT = "bot"  # the self-service bot acts as the embedding system does


@dataclass(frozen=True)
class Asked:
    hits: tuple[SearchHit, ...] = ()
    answer: SearchHit | None = None
    error: EventDeskError | None = None


def user_of(name: str, tenant: str) -> Actor:
    return Actor.tenant_user(name, tenant)


def article_titled(desk: ServiceDesk, title: str) -> str:
    numbers = [a.number for a in desk.knowledge.list(limit=10_000) if a.title == title]
    assert len(numbers) == 1, f"{len(numbers)} articles are titled {title!r}"
    return numbers[0]


def incident_named(desk: ServiceDesk, summary: str) -> str:
    rows = [r.number for r in desk.list_incidents(text=summary).items if r.summary == summary]
    assert len(rows) == 1, f"{len(rows)} incidents are called {summary!r}"
    return rows[0]


# --- Given ---------------------------------------------------------------------------------


@given(parsers.parse("the client companies {first} and {second}, both served by the shared pool"))
def client_companies(desk: ServiceDesk, first: str, second: str) -> None:
    desk.tenancy.form_team(POOL, kind="shared")
    for tenant in (first, second):
        desk.tenancy.register_tenant(tenant, model="shared", service_manager="Sofia")


@given(parsers.parse("{agent} works in the shared pool"))
def works_in_the_pool(desk: ServiceDesk, agent: str) -> None:
    desk.tenancy.register_agent(agent, teams=[POOL])


@given("Lena, the lead, has published these articles:")
def published_articles(desk: ServiceDesk, datatable: list[list[str]]) -> None:
    for row in table(datatable):
        number = desk.knowledge.add(
            row["title"],
            row["text"],
            keywords=[k.strip() for k in row["keywords"].split(",")],
            language=LANGUAGES[row["language"]],
            tenant=None if row["for"] == "everyone" else row["for"],
            actor=LEAD,
        ).number
        desk.knowledge.publish(number, actor=LEAD)


@given(parsers.parse('Lena has written the draft "{title}": "{text}"'))
def written_draft(desk: ServiceDesk, title: str, text: str) -> None:
    desk.knowledge.add(title, text, actor=LEAD)


@given(parsers.parse('Lena has retired "{title}"'))
def retired(desk: ServiceDesk, title: str) -> None:
    desk.knowledge.retire(article_titled(desk, title), actor=LEAD)


@given(
    parsers.parse('Lena has published the known error "{title}" of problem {problem}:'),
    target_fixture="known_error",
)
def known_error_written(desk: ServiceDesk, title: str, problem: str, docstring: str) -> dict:
    return {"title": title, "problem": problem, "symptoms": docstring}


@given(parsers.parse('its workaround is "{workaround}"'))
def known_error_published(desk: ServiceDesk, known_error: dict, workaround: str) -> None:
    number = desk.knowledge.add(
        known_error["title"],
        known_error["symptoms"],
        problem=known_error["problem"],
        workaround=workaround,
        actor=LEAD,
    ).number
    desk.knowledge.publish(number, actor=LEAD)


@given(parsers.parse('{user} of {tenant} has reported "{summary}"'))
def reported(desk: ServiceDesk, user: str, tenant: str, summary: str) -> None:
    desk.open_incident(summary, impact=3, urgency=2, actor=user_of(user, tenant))


# --- When ----------------------------------------------------------------------------------


@when(
    parsers.parse('a customer of {tenant} asks "{question}" in {language}'),
    target_fixture="asked",
)
def customer_asks(desk: ServiceDesk, tenant: str, question: str, language: str) -> Asked:
    customer = user_of(f"someone@{tenant}", tenant)
    hits = desk.knowledge.search(question, language=LANGUAGES[language], actor=customer)
    return Asked(hits=tuple(hits))


@when(parsers.parse('a customer of {tenant} asks the bot "{question}"'), target_fixture="asked")
def bot_is_asked(desk: ServiceDesk, tenant: str, question: str) -> Asked:
    return Asked(answer=desk.knowledge.best_answer(question, tenant, "en", actor=BOT))


@when(parsers.parse('{user} of {tenant} tries to read "{title}"'), target_fixture="asked")
def tries_to_read(desk: ServiceDesk, user: str, tenant: str, title: str) -> Asked:
    try:
        desk.knowledge.get(article_titled(desk, title), actor=user_of(user, tenant))
    except EventDeskError as error:
        return Asked(error=error)
    return Asked()


@when(parsers.parse('Lena revises "{title}" to read "{text}"'))
def revises(desk: ServiceDesk, title: str, text: str) -> None:
    desk.knowledge.edit(article_titled(desk, title), body=text, actor=LEAD)


@when(parsers.parse('{agent} gives "{summary}" the known error "{title}"'))
def gives_known_error(desk: ServiceDesk, agent: str, summary: str, title: str) -> None:
    desk.link_known_error(
        incident_named(desk, summary), article_titled(desk, title), actor=Actor.agent(agent)
    )


# --- Then ----------------------------------------------------------------------------------


@then(parsers.parse('the first article found is "{title}"'))
def first_found(asked: Asked, title: str) -> None:
    assert asked.hits, "no article was found"
    assert asked.hits[0].title == title, [(h.title, h.score) for h in asked.hits]


@then(parsers.parse("it scores at least {score:f}"))
def scores_at_least(asked: Asked, score: float) -> None:
    assert asked.hits[0].score >= score, asked.hits[0]
    assert asked.hits[0].score < 1


@then("no article is found")
def nothing_found(asked: Asked) -> None:
    assert asked.hits == (), [(h.title, h.tenant, h.state) for h in asked.hits]


@then("access is refused, and the refusal is recorded")
def refused(desk: ServiceDesk, asked: Asked) -> None:
    assert isinstance(asked.error, AccessDeniedError), asked.error
    refusal = desk.tenancy.refusals()[-1]
    assert (refusal.action, refusal.tenant) == ("read an article", "Acme")
    assert refusal.reason == asked.error.details["reason"]


@then(parsers.parse('{user} of {tenant} reads "{title}"'))
def reads(desk: ServiceDesk, user: str, tenant: str, title: str) -> None:
    article = desk.knowledge.get(article_titled(desk, title), actor=user_of(user, tenant))
    assert (article.title, article.state) == (title, "published")


@then(
    parsers.parse('Lena finds "{title}" among the drafts when she asks "{question}"'),
)
def lead_finds_draft(desk: ServiceDesk, title: str, question: str) -> None:
    hits = desk.knowledge.search(question, include_drafts=True, actor=LEAD)
    assert [(h.title, h.state) for h in hits] == [(title, "draft")]


@then(
    parsers.parse('{user} of {tenant} reads the workaround "{workaround}" on "{summary}"'),
)
def customer_reads_workaround(
    desk: ServiceDesk, user: str, tenant: str, workaround: str, summary: str
) -> None:
    incident = desk.get_incident(incident_named(desk, summary), actor=user_of(user, tenant))
    assert [given.workaround for given in incident.known_errors] == [workaround]


@then(parsers.parse('"{summary}" belongs to problem {problem}'))
def belongs_to_problem(desk: ServiceDesk, summary: str, problem: str) -> None:
    assert desk.get_incident(incident_named(desk, summary)).problem == problem


@then(
    parsers.parse(
        'the history of "{summary}" shows that {agent} gave that known error, with its workaround'
    )
)
def history_shows_link(desk: ServiceDesk, summary: str, agent: str) -> None:
    entry = desk.history(incident_named(desk, summary))[-1]
    assert (entry.type, entry.actor) == ("KnownErrorLinked", agent)
    given = desk.get_incident(incident_named(desk, summary)).known_errors[0]
    assert entry.data["article"] == given.article
    assert entry.data["workaround"] == given.workaround


@then(parsers.parse('the bot answers with "{title}"'))
def bot_answers(asked: Asked, title: str) -> None:
    assert asked.answer is not None, "the bot handed over"
    assert asked.answer.title == title


@then(parsers.parse('the bot\'s answer reads "{text}"'))
def bot_answer_reads(asked: Asked, text: str) -> None:
    assert asked.answer is not None
    assert asked.answer.answer == text


@then("the bot hands over to a person")
def bot_hands_over(asked: Asked) -> None:
    assert asked.answer is None


@pytest.fixture
def known_error() -> dict:
    """Filled in by the known-error Given-steps."""
    return {}
