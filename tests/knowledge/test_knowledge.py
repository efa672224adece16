"""The knowledge base through the desk, on every store: lifecycle, search, known errors."""

from __future__ import annotations

import pytest
from eventdesk import ConcurrencyConflictError, InvalidValueError, ServiceDesk
from eventdesk.knowledge import ArticleNotFoundError, ArticleStateError, KnownErrorLinkError
from eventdesk.tenancy.service import UnknownNameError

from .conftest import ANA

PASSWORD = (
    "Reset your email password",
    "If you forgot your password, open https://id.example and choose **Forgot password**. "
    "A reset link arrives by SMS.\n\nThe link expires after 10 minutes.",
)
PRINTER = ("Clear a paper jam", "Open tray 2, pull the jammed paper out gently and close it.")


def add_published(desk: ServiceDesk, title: str, body: str, **fields) -> str:
    number = desk.knowledge.add(title, body, **fields).number
    desk.knowledge.publish(number)
    return number


def found(desk: ServiceDesk, text: str, **options) -> list[str]:
    return [hit.number for hit in desk.knowledge.search(text, **options)]


def test_an_article_is_written_published_revised_retired_and_republished(desk, clock):
    view = desk.knowledge.add(*PASSWORD, keywords=["password", "login"], actor="lena")
    assert (view.number, view.state, view.revision, view.tenant) == ("KB0000001", "draft", 1, None)
    clock.advance(minutes=5)
    desk.knowledge.publish("KB0000001", actor="lena")
    clock.advance(minutes=5)
    desk.knowledge.edit("kb1", title="Reset a forgotten email password", actor="omar")
    clock.advance(minutes=5)
    desk.knowledge.retire(1, reason="Replaced by self-service reset", actor="omar")
    clock.advance(minutes=5)
    view = desk.knowledge.publish(view.id, actor="lena")

    assert (view.state, view.revision, view.title) == (
        "published",
        2,
        "Reset a forgotten email password",
    )
    assert [(c.actor, c.action, c.detail) for c in view.history] == [
        ("lena", "written", ""),
        ("lena", "published", ""),
        ("omar", "revised", "title"),
        ("omar", "retired", "Replaced by self-service reset"),
        ("lena", "republished", ""),
    ]
    assert [c.at.minute for c in view.history] == [0, 5, 10, 15, 20]
    assert desk.knowledge.get("KB0000001") == view
    # Fail to publish it again, or to revise it once retired.
    with pytest.raises(ArticleStateError):
        desk.knowledge.publish("KB0000001")
    desk.knowledge.retire("KB0000001")
    with pytest.raises(ArticleStateError):
        desk.knowledge.edit("KB0000001", body="New text")
    assert desk.knowledge.get("KB0000001").version == view.version + 1


def test_articles_are_numbered_in_order_and_listed_with_filters(desk):
    add_published(desk, *PASSWORD)
    desk.knowledge.add(*PRINTER)
    add_published(
        desk,
        "La VPN se corta",
        "El cliente VPN se desconecta.",
        language="es",
        problem="PRB0000012",
        workaround="Vuelva a conectar.",
    )

    listed = desk.knowledge.list()
    assert [(a.number, a.state, a.kind) for a in listed] == [
        ("KB0000001", "published", "article"),
        ("KB0000002", "draft", "article"),
        ("KB0000003", "published", "known_error"),
    ]
    assert listed[2].problem == "PRB0000012" and listed[2].fix_state == "open"
    assert [a.number for a in desk.knowledge.list(state="draft")] == ["KB0000002"]
    assert [a.number for a in desk.knowledge.list(kind="known_error")] == ["KB0000003"]
    assert [a.number for a in desk.knowledge.list(language="es")] == ["KB0000003"]
    assert [a.number for a in desk.knowledge.list(limit=1)] == ["KB0000001"]


def test_search_ranks_published_articles_with_a_score_snippet_and_answer(desk):
    password = add_published(desk, *PASSWORD, keywords=["password", "login"])
    printer = add_published(desk, *PRINTER)

    hits = desk.knowledge.search("I forgot my email password")

    assert [hit.number for hit in hits] == [password]
    (hit,) = hits
    assert hit.title == PASSWORD[0]
    assert 0 < hit.score < 1
    assert hit.terms == ("email", "forgot", "password")
    assert hit.snippet == (
        "If you forgot your password, open https://id.example and choose Forgot password."
    )
    assert hit.answer == hit.snippet + " A reset link arrives by SMS."
    assert (hit.kind, hit.state, hit.language, hit.tenant) == ("article", "published", "en", None)
    assert found(desk, "paper jam in the printer tray") == [printer]
    assert found(desk, "nothing like this anywhere") == []


def test_a_title_or_keyword_match_outranks_a_mention_in_the_body(desk):
    in_body = add_published(desk, "Office moves", "Bring your laptop and your monitor cable.")
    in_title = add_published(desk, "Laptop will not start", "Hold the power button.")
    in_keywords = add_published(desk, "Power problems", "Check the cable.", keywords=["laptop"])

    hits = desk.knowledge.search("laptop")
    assert [h.number for h in hits] == [in_title, in_keywords, in_body]
    assert hits[0].score > hits[1].score > hits[2].score


def test_a_question_finds_articles_whatever_the_accents_and_in_its_language(desk):
    spanish = add_published(
        desk, "Cambiar la contraseña", "Abra el portal y elija Olvidé mi contraseña.", language="es"
    )
    english = add_published(desk, *PASSWORD)

    assert found(desk, "contrasena") == [spanish]
    assert found(desk, "CONTRASEÑAS olvidadas", language="es") == [spanish]
    assert found(desk, "password", language="es") == []
    assert found(desk, "password", language="en") == [english]
    # Fail to search in a language that is not an ISO 639-1 code.
    with pytest.raises(InvalidValueError):
        desk.knowledge.search("password", language="english")


def test_drafts_and_retired_articles_are_not_found_unless_drafts_are_asked_for(desk):
    draft = desk.knowledge.add(*PRINTER).number
    retired = add_published(desk, "Printer jam on floor 3", "Call facilities.")
    desk.knowledge.retire(retired)

    assert found(desk, "printer paper jam") == []
    assert found(desk, "printer paper jam", include_drafts=True) == [draft]
    assert desk.knowledge.search("jam", include_drafts=True)[0].state == "draft"


def test_a_revision_is_searchable_at_once_and_the_old_words_are_gone(desk):
    number = add_published(desk, *PRINTER)
    desk.knowledge.edit(number, body="Call facilities on extension 4000.", keywords=["toner"])

    assert found(desk, "tray") == []
    assert found(desk, "facilities extension") == [number]
    assert found(desk, "toner") == [number]


def test_best_answer_is_the_first_hit_if_it_scores_enough(desk):
    number = add_published(
        desk,
        "VPN drops when the laptop sleeps",
        "The VPN client disconnects after the laptop sleeps.",
        problem="PRB0000012",
        workaround="Reconnect from the tray icon.",
    )
    answer = desk.knowledge.best_answer("my vpn disconnects when my laptop sleeps")
    assert answer is not None
    assert (answer.number, answer.answer, answer.problem) == (
        number,
        "Reconnect from the tray icon.",
        "PRB0000012",
    )
    assert desk.knowledge.best_answer("vpn", min_score=answer.score) is not None
    assert desk.knowledge.best_answer("vpn printer toner paper", min_score=0.9) is None
    assert desk.knowledge.best_answer("weather in Paris") is None
    # Fail to give a minimum score outside 0..1.
    with pytest.raises(InvalidValueError):
        desk.knowledge.best_answer("vpn", min_score=2)


def test_a_known_error_is_linked_from_an_incident_with_its_workaround(desk, clock):
    known_error = add_published(
        desk,
        "VPN drops when the laptop sleeps",
        "The VPN client disconnects after sleep.",
        problem="PRB0000012",
        workaround="Reconnect from the tray icon.",
    )
    incident = desk.open_incident("VPN keeps dropping", impact=2, urgency=2).number
    clock.advance(minutes=3)

    view = desk.link_known_error(incident, known_error, actor="ana")

    assert view.problem == "PRB0000012"
    (given,) = view.known_errors
    assert (given.article, given.problem, given.workaround, given.linked_by) == (
        known_error,
        "PRB0000012",
        "Reconnect from the tray icon.",
        "ana",
    )
    entry = desk.history(incident)[-1]
    assert (entry.type, entry.actor, entry.changes) == (
        "KnownErrorLinked",
        "ana",
        {"problem": (None, "PRB0000012")},
    )
    assert entry.data["workaround"] == "Reconnect from the tray icon."
    # The workaround as given stays in the incident, whatever the article says later.
    desk.knowledge.edit(known_error, workaround="Update the client to 5.2.")
    assert desk.get_incident(incident).known_errors == view.known_errors
    # Linking it again records nothing.
    assert desk.link_known_error(incident, known_error, actor="bo").version == view.version


def test_only_a_published_known_error_is_linked(desk):
    incident = desk.open_incident("VPN keeps dropping", impact=2, urgency=2).number
    article = add_published(desk, *PASSWORD)
    draft = desk.knowledge.add(
        "VPN drops", "It drops.", problem="PRB0000012", workaround="Reconnect."
    ).number

    # Fail to link an article that is not a known error, a draft, or no article at all.
    with pytest.raises(KnownErrorLinkError, match="not a known error"):
        desk.link_known_error(incident, article)
    with pytest.raises(KnownErrorLinkError, match="draft"):
        desk.link_known_error(incident, draft)
    with pytest.raises(ArticleNotFoundError):
        desk.link_known_error(incident, "KB0000099")
    assert desk.get_incident(incident).version == 1


def test_a_tenants_known_error_is_never_given_for_another_tenants_incident(tenants):
    desk = tenants
    acme_only = add_published(
        desk, "Badge reader", "Badge refused.", tenant="acme", problem="PRB1", workaround="Wait."
    )
    globex_incident = desk.open_incident("Badge refused", impact=3, urgency=3, tenant="globex")

    # Fail to give globex's customer acme's private workaround.
    with pytest.raises(KnownErrorLinkError, match="belongs to tenant acme"):
        desk.link_known_error(globex_incident.number, acme_only)
    acme_incident = desk.open_incident("Badge refused", impact=3, urgency=3, tenant="acme")
    assert desk.link_known_error(acme_incident.number, acme_only, actor=ANA).known_errors


def test_bad_input_is_refused_by_name(desk):
    add_published(desk, *PASSWORD)
    cases = [
        (lambda: desk.knowledge.search("   "), "question"),
        (lambda: desk.knowledge.search("x" * 2001), "question"),
        (lambda: desk.knowledge.search("password", limit=0), "limit"),
        (lambda: desk.knowledge.search("password", limit=101), "limit"),
        (lambda: desk.knowledge.list(state="gone"), "state"),
        (lambda: desk.knowledge.list(kind="faq"), "kind"),
        (lambda: desk.knowledge.add("Title", "   "), "body"),
    ]
    for call, field in cases:
        with pytest.raises(InvalidValueError) as refused:
            call()
        assert refused.value.field == field
    # Fail to write for a tenant that does not exist, or to find an article that does not.
    with pytest.raises(UnknownNameError):
        desk.knowledge.add(*PASSWORD, tenant="nobody")
    for ref in ("KB0000042", "42", "not-an-article", "INC0000001"):
        with pytest.raises(ArticleNotFoundError):
            desk.knowledge.get(ref)
    assert [a.number for a in desk.knowledge.list()] == ["KB0000001"]


def test_an_incident_number_is_not_an_article(desk):
    incident = desk.open_incident("VPN", impact=3, urgency=3)
    # Fail to read an incident as an article, by its id.
    with pytest.raises(ArticleNotFoundError):
        desk.knowledge.get(str(incident.id))


# --- several processes on one database --------------------------------------------------


def test_two_desks_claim_article_numbers_without_clashing(desk, another_desk):
    other = another_desk()
    numbers = []
    for turn in range(6):
        writer = desk if turn % 2 == 0 else other
        numbers.append(writer.knowledge.add(f"Article {turn}", "Some text.").number)
    assert numbers == [f"KB000000{n}" for n in range(1, 7)]


def test_the_index_is_shared_by_every_desk_on_the_database_and_rebuilt_alike(desk, another_desk):
    password = add_published(desk, *PASSWORD, keywords=["password"])
    printer = add_published(desk, *PRINTER)
    other = another_desk()

    assert found(other, "forgot password") == [password]
    before = other.knowledge.search("password paper jam")
    assert {h.number for h in before} == {password, printer}

    other.rebuild_projections()
    assert desk.knowledge.search("password paper jam") == before


def test_two_agents_revising_one_article_at_once_is_a_conflict(desk, another_desk, clock):
    number = add_published(desk, *PRINTER)
    other = another_desk()
    first = desk.knowledge._load(number)  # both read version 2...
    other.knowledge.edit(number, title="Clear a paper jam in tray 2")  # ...one saves first
    first.revise(title="Clear a jam", actor="ana", at=clock.now())

    # Fail to save a revision of what someone else revised meanwhile.
    with pytest.raises(ConcurrencyConflictError) as conflict:
        desk.knowledge._save(first)
    assert conflict.value.details == {
        "incident": number,
        "expected_version": 2,
        "actual_version": 3,
    }
    assert desk.knowledge.get(number).title == "Clear a paper jam in tray 2"
