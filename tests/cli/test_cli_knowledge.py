"""``eventdesk kb ...`` and ``eventdesk incident known-error``, through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import failed_in_one_line, json_of, succeeded


@pytest.fixture
def published(eventdesk, tmp_path: Path) -> dict[str, str]:
    """A shared article read from a Markdown file, and a known error, both published."""
    page = tmp_path / "password.md"
    page.write_text(
        "# Forgot your password?\n\nOpen the portal and choose **Forgot password**.\n",
        encoding="utf-8",
    )
    article = json_of(
        eventdesk(
            "kb",
            "add",
            "--title",
            "Reset your email password",
            "--file",
            str(page),
            "--keyword",
            "password",
            "--keyword",
            "login",
            "--json",
        )
    )
    known_error = json_of(
        eventdesk(
            "kb",
            "add",
            "--title",
            "VPN drops when the laptop sleeps",
            "--body",
            "The VPN client disconnects after sleep.",
            "--known-error",
            "PRB0000012",
            "--workaround",
            "Reconnect from the tray icon.",
            "--json",
        )
    )
    for number in (article["number"], known_error["number"]):
        succeeded(eventdesk("kb", "publish", number))
    return {"article": article["number"], "known error": known_error["number"]}


def test_add_answers_one_line_and_json_with_the_whole_article(eventdesk):
    line = succeeded(
        eventdesk(
            "kb", "add", "--title", "Wifi", "--body", "Forget the network.", "--language", "es"
        )
    ).stdout
    assert line == "KB0000001 draft · es · shared · Wifi\n"
    shown = json_of(eventdesk("kb", "show", "KB0000001", "--json"))
    assert (shown["state"], shown["language"], shown["body"], shown["known_error"]) == (
        "draft",
        "es",
        "Forget the network.",
        None,
    )
    assert [(c["actor"], c["action"]) for c in shown["history"]] == [("ana", "written")]


def test_a_markdown_file_is_the_body_and_search_ranks_with_scores(eventdesk, published):
    shown = json_of(eventdesk("kb", "show", published["article"], "--json"))
    assert shown["body"].startswith("# Forgot your password?")
    assert shown["keywords"] == ["password", "login"]

    hits = json_of(eventdesk("kb", "search", "I forgot my password", "--json"))
    assert [h["number"] for h in hits] == [published["article"]]
    assert 0 < hits[0]["score"] < 1
    assert hits[0]["answer"] == "Open the portal and choose Forgot password."
    table = succeeded(eventdesk("kb", "search", "I forgot my password")).stdout
    assert published["article"] in table and f"{hits[0]['score']:.2f}" in table


def test_edit_retire_republish_and_fix_a_known_error(eventdesk, published):
    number = published["known error"]
    edited = json_of(
        eventdesk("kb", "edit", number, "--workaround", "Update the client.", "--json")
    )
    assert (edited["revision"], edited["known_error"]["workaround"]) == (2, "Update the client.")
    assert succeeded(eventdesk("kb", "retire", number, "--reason", "old")).stdout.startswith(
        f"{number} retired"
    )
    assert json_of(eventdesk("kb", "search", "vpn sleep", "--json")) == []
    succeeded(eventdesk("kb", "publish", number))
    fixed = json_of(eventdesk("kb", "fixed", number, "--note", "Client 5.2", "--json"))
    assert fixed["known_error"]["state"] == "fixed"
    assert [c["action"] for c in fixed["history"]] == [
        "written",
        "published",
        "revised",
        "retired",
        "republished",
        "fixed",
    ]


def test_list_filters_by_state_and_kind(eventdesk, published):
    succeeded(eventdesk("kb", "add", "--title", "Draft", "--body", "Not yet."))
    assert [a["number"] for a in json_of(eventdesk("kb", "list", "--json"))] == [
        "KB0000001",
        "KB0000002",
        "KB0000003",
    ]
    drafts = json_of(eventdesk("kb", "list", "--state", "draft", "--json"))
    assert [a["number"] for a in drafts] == ["KB0000003"]
    known = json_of(eventdesk("kb", "list", "--kind", "known_error", "--json"))
    assert [(a["number"], a["problem"]) for a in known] == [
        (published["known error"], "PRB0000012")
    ]
    assert "known error PRB0000012 (open)" in succeeded(eventdesk("kb", "list")).stdout


def test_answer_gives_the_best_article_or_hands_over(eventdesk, published):
    hit = json_of(eventdesk("kb", "answer", "my vpn drops when my laptop sleeps", "--json"))
    assert (hit["number"], hit["answer"]) == (
        published["known error"],
        "Reconnect from the tray icon.",
    )
    assert json_of(eventdesk("kb", "answer", "vpn", "--min-score", "1", "--json")) is None
    assert succeeded(eventdesk("kb", "answer", "weather in Paris")).stdout == (
        "No answer scores 0.30 or more: hand over to a person.\n"
    )


def test_an_incident_is_given_a_known_error_and_shows_it(eventdesk, published):
    number = json_of(
        eventdesk("incident", "open", "-s", "VPN drops", "-i", "2", "-u", "2", "--json")
    )["number"]
    linked = json_of(
        eventdesk("incident", "known-error", number, published["known error"], "--json")
    )
    assert linked["problem"] == "PRB0000012"
    assert [k["workaround"] for k in linked["known_errors"]] == ["Reconnect from the tray icon."]
    shown = succeeded(eventdesk("incident", "show", number)).stdout
    assert "Workaround: Reconnect from the tray icon." in shown
    history = json_of(eventdesk("incident", "history", number, "--json"))
    assert history[-1]["type"] == "KnownErrorLinked"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kb", "show", "KB0000042"], "Error: article KB0000042 not found"),
        (["kb", "publish", "KB0000042", "--json"], "Error: article KB0000042 not found"),
        (
            ["kb", "add", "--title", "T", "--body", "B", "--language", "english"],
            "Error: invalid language 'english': expected an ISO 639-1 code",
        ),
        (
            ["kb", "add", "--title", "T", "--body", "B", "--workaround", "W"],
            "Error: invalid workaround 'W': expected a known error's",
        ),
        (
            ["kb", "add", "--title", "T", "--body", "B", "--known-error", "PRB1"],
            "Error: invalid workaround None: expected the workaround agents give",
        ),
        (["kb", "add", "--title", "T", "--file", "missing.md"], "Error: cannot read missing.md"),
        (["kb", "search", "  "], "Error: invalid question '  ': expected a non-empty text"),
        (["kb", "search", "vpn", "--language", "xx-"], "Error: invalid language 'xx-'"),
        (["kb", "add", "--title", "T", "--body", "B", "--tenant", "nobody"], "Error: "),
        (["incident", "known-error", "INC0000042", "KB0000001"], "Error: incident INC0000042"),
    ],
)
def test_known_failures_are_one_line(eventdesk, args, message):
    assert failed_in_one_line(eventdesk(*args)).startswith(message)


def test_giving_both_a_body_and_a_file_is_a_usage_error(eventdesk, tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_text("Text", encoding="utf-8")
    result = eventdesk("kb", "add", "--title", "T", "--body", "B", "--file", str(page))
    assert result.exit_code == 2
    assert "not both" in result.stderr
    assert eventdesk("kb", "add", "--title", "T").exit_code == 2


def test_an_agent_may_not_write_a_shared_article_for_every_tenant(eventdesk):
    succeeded(eventdesk("tenant", "add", "acme", "--model", "shared", "--manager", "sofia"))
    succeeded(eventdesk("team", "add", "pool", "--kind", "shared"))
    succeeded(eventdesk("agent", "add", "ana", "--team", "pool"))
    line = failed_in_one_line(
        eventdesk("kb", "add", "--title", "T", "--body", "B", actor="agent:ana")
    )
    assert line == (
        "Error: access denied: agent ana may not write an article: "
        "only an administrator may do this"
    )
    out = succeeded(
        eventdesk("kb", "add", "--title", "T", "--body", "B", "--tenant", "acme", actor="agent:ana")
    ).stdout
    assert out == "KB0000001 draft · en · acme · T\n"
