"""Properties of knowledge-base search, over any library of articles (hypothesis).

- Search finds exactly the published articles the reader may see that contain a word
  of the question, best first, scored from 0 to 1; drafts and retired articles never.
- An article never appears for another tenant's customer.
- Adding an article that contains none of the question's words changes neither the
  other articles' order nor their scores.
- The read model rebuilt from the events gives the same results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from eventdesk import ManualClock, ServiceDesk
from eventdesk.knowledge.text import terms
from eventdesk.tenancy import Actor
from hypothesis import given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=60, deadline=None)
# Words that stay distinct terms after analysis (no stop words, no shared stems).
VOCABULARY = [
    "printer",
    "vpn",
    "password",
    "email",
    "laptop",
    "screen",
    "network",
    "badge",
    "toner",
    "wifi",
    "login",
    "portal",
]
TENANTS = [None, "acme", "globex"]
STATES = ["draft", "published", "retired"]


@dataclass(frozen=True)
class Written:
    title: list[str]
    keywords: list[str]
    body: list[str]
    tenant: str | None
    language: str
    state: str

    def text(self) -> str:
        return " ".join([*self.title, *self.keywords, *self.body])


def words(min_size: int, max_size: int, vocabulary: list[str] = VOCABULARY):
    return st.lists(st.sampled_from(vocabulary), min_size=min_size, max_size=max_size)


def articles(vocabulary: list[str] = VOCABULARY):
    return st.builds(
        Written,
        title=words(1, 4, vocabulary),
        keywords=words(0, 3, vocabulary),
        body=words(1, 15, vocabulary),
        tenant=st.sampled_from(TENANTS),
        language=st.sampled_from(["en", "es"]),
        state=st.sampled_from(STATES),
    )


libraries = st.lists(articles(), min_size=1, max_size=10)
questions = words(1, 3)


def fresh_desk() -> ServiceDesk:
    desk = ServiceDesk(db=":memory:", clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    for tenant in ("acme", "globex"):
        desk.tenancy.register_tenant(tenant, model="shared", service_manager="sofia")
    return desk


def write(desk: ServiceDesk, article: Written) -> str:
    number = desk.knowledge.add(
        " ".join(article.title),
        " ".join(article.body),
        keywords=article.keywords,
        tenant=article.tenant,
        language=article.language,
    ).number
    if article.state != "draft":
        desk.knowledge.publish(number)
    if article.state == "retired":
        desk.knowledge.retire(number)
    return number


def library(written: list[Written]) -> tuple[ServiceDesk, dict[str, Written]]:
    desk = fresh_desk()
    return desk, {write(desk, article): article for article in written}


def ranked(desk: ServiceDesk, question: list[str], **options) -> list[tuple[str, float]]:
    hits = desk.knowledge.search(" ".join(question), limit=100, **options)
    return [(hit.number, hit.score) for hit in hits]


@SETTINGS
@given(written=libraries, question=questions, tenant=st.sampled_from(TENANTS))
def test_search_finds_exactly_the_published_articles_a_reader_may_see_that_match(
    written, question, tenant
):
    desk, by_number = library(written)
    wanted = set(terms(" ".join(question), None))

    hits = desk.knowledge.search(" ".join(question), tenant=tenant, limit=100)

    expected = {
        number
        for number, article in by_number.items()
        if article.state == "published"
        and article.tenant in (None, tenant or article.tenant)
        and wanted & set(terms(article.text(), article.language))
    }
    assert {hit.number for hit in hits} == expected
    assert all(hit.state == "published" for hit in hits)
    assert all(0 < hit.score < 1 for hit in hits)
    order = [(-hit.score, int(hit.number[2:])) for hit in hits]
    assert order == sorted(order)  # best first; ties in number order


@SETTINGS
@given(written=libraries, question=questions, tenant=st.sampled_from(["acme", "globex"]))
def test_an_article_never_appears_for_another_tenant(written, question, tenant):
    desk, _ = library(written)
    customer = Actor.tenant_user(f"someone@{tenant}", tenant)

    for hits in (
        desk.knowledge.search(" ".join(question), tenant=tenant, limit=100),
        desk.knowledge.search(" ".join(question), limit=100, actor=customer),
        desk.knowledge.search(" ".join(question), limit=100, include_drafts=True, actor=customer),
    ):
        assert {hit.tenant for hit in hits} <= {None, tenant}
    answer = desk.knowledge.best_answer(" ".join(question), tenant, min_score=0)
    assert answer is None or answer.tenant in (None, tenant)


@SETTINGS
@given(
    written=libraries,
    question=st.lists(st.sampled_from(VOCABULARY[:6]), min_size=1, max_size=3),
    unrelated=articles(VOCABULARY[6:]),
    tenant=st.sampled_from(TENANTS),
)
def test_an_article_without_the_questions_words_moves_no_other(
    written, question, unrelated, tenant
):
    desk, _ = library(written)
    before = ranked(desk, question, tenant=tenant)

    write(desk, unrelated)  # it shares no word with the question (VOCABULARY[6:])

    assert ranked(desk, question, tenant=tenant) == before


@SETTINGS
@given(written=libraries, question=questions, drafts=st.booleans())
def test_the_read_model_rebuilt_from_the_events_gives_the_same_results(written, question, drafts):
    desk, by_number = library(written)
    for number, article in list(by_number.items())[::3]:  # revise some, so revisions replay too
        if article.state != "retired":
            desk.knowledge.edit(number, body=" ".join(reversed(article.body)) + " portal")
    before = ranked(desk, question, include_drafts=drafts)
    listed = desk.knowledge.list()

    desk.rebuild_projections()

    assert ranked(desk, question, include_drafts=drafts) == before
    assert desk.knowledge.list() == listed
