"""The pieces of the email channel that work on text: charsets, HTML, quoted history,
subjects and message ids. The threading rules are properties that hold for any subject."""

from __future__ import annotations

import pytest
from eventdesk_email.text import decode_text, html_to_text, strip_quoted_history
from eventdesk_email.threads import (
    bracketed,
    incident_in_subject,
    message_ids,
    references_header,
    reply_subject,
)
from hypothesis import given
from hypothesis import strategies as st

# --- Charsets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        ("Größe".encode("iso-8859-15"), "iso-8859-15", "Größe"),
        ("“quoted” – €".encode("cp1252"), "windows-1252", "“quoted” – €"),
        ("プリンター".encode("iso-2022-jp"), "ISO-2022-JP", "プリンター"),
        ("Привет".encode("koi8-r"), '"koi8-r"', "Привет"),
        (b"ok", "utf-8", "ok"),
    ],
)
def test_declared_charsets_are_honoured(data: bytes, charset: str, text: str) -> None:
    assert decode_text(data, charset) == (text, None)


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "undefined", "x-\x00", "idna"])
def test_codecs_that_are_not_mail_charsets_count_as_unknown(charset: str) -> None:
    text, note = decode_text(b"caf\xc3\xa9", charset)
    assert text == "café"
    assert note is not None and note.startswith("unknown charset")


# --- HTML -------------------------------------------------------------------------------------


def test_html_keeps_line_breaks_and_drops_what_is_not_text() -> None:
    html = (
        "<html><head><title>ignored</title><style>.a{}</style></head><body>"
        "<script>var x = 1;</script><div>First line</div><div>Second&nbsp;line</div>"
        "<p>A  paragraph\n  over   lines.</p><table><tr><td>Host</td><td>srv01</td></tr>"
        "<tr><td>State</td><td>down</td></tr></table><pre>  indented\n  code</pre></body></html>"
    )
    assert html_to_text(html) == (
        "First line\nSecond line\nA paragraph over lines.\n\n"
        "Host srv01\nState down\n\n  indented\n  code"
    )


def test_html_quotes_are_marked_and_cut_as_history() -> None:
    html = "<p>New answer</p><blockquote><p>Old question</p></blockquote>"
    assert html_to_text(html) == "New answer\n\n> Old question"
    assert strip_quoted_history(html_to_text(html)) == "New answer"


def test_links_show_their_address_once() -> None:
    assert html_to_text('<a href="https://x.example/a">the page</a>') == (
        "the page <https://x.example/a>"
    )
    assert html_to_text('<a href="https://x.example/a">https://x.example/a</a>') == (
        "https://x.example/a"
    )
    assert html_to_text('<a href="javascript:evil()">click</a>') == "click"


def test_broken_html_still_gives_its_text() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>and <div>more") == "unclosed bold and\nmore"
    assert html_to_text("<<<>>>&&&;") == "<<<>>>&&&;"


# --- Quoted history ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, 2 Mar 2026 at 10:15, Service Desk <support@desk.example> wrote:\n> old",
        "On Mon, 2 Mar 2026 at 10:15, Service Desk <support@desk.example>\nwrote:\n\n> old",
        "-----Original Message-----\nFrom: Service Desk\nSent: Monday\n\nold",
        "----- Mensaje original -----\nDe: Service Desk\n\nold",
        "________________________________\nFrom: Service Desk <support@desk.example>\n"
        "Sent: 02 March 2026 11:45\nTo: Sam\n\nold",
        "From: Service Desk <support@desk.example>\nSent: Monday, March 2, 2026 11:45 AM\nold",
        "El lun, 2 mar 2026 a las 10:15, Soporte (<support@desk.example>) escribió:\n> viejo",
        "Le lun. 2 mars 2026 à 10:15, Support <support@desk.example> a écrit :\n> ancien",
        "Am Mo., 2. März 2026 um 10:15 Uhr schrieb Support <support@desk.example>:\n> alt",
    ],
)
def test_history_below_a_reply_marker_is_cut(history: str) -> None:
    assert strip_quoted_history(f"It works now.\nThanks!\n\n{history}\nmore old") == (
        "It works now.\nThanks!"
    )


def test_interleaved_quotes_are_dropped_and_answers_kept() -> None:
    text = "> Which floor?\nThe third.\n> Which printer?\nThe one by the window."
    assert strip_quoted_history(text) == "The third.\nThe one by the window."


def test_a_line_that_merely_mentions_from_is_not_history() -> None:
    text = "From: the second floor, all printers.\nIt started at 9."
    assert strip_quoted_history(text) == text


# --- Subjects and ids -------------------------------------------------------------------------

incident_numbers = st.integers(min_value=1, max_value=9_999_999).map(lambda n: f"INC{n:07d}")
subjects = st.one_of(st.none(), st.text(max_size=80))


@given(subjects, incident_numbers)
def test_a_reply_subject_always_names_its_incident_once_after_one_re(
    subject: str | None, incident: str
) -> None:
    replied = reply_subject(subject, incident)
    assert replied.startswith(f"Re: [{incident}]")
    assert incident_in_subject(replied) == incident
    assert replied.count(f"[{incident}]") == 1
    assert reply_subject(replied, incident) == replied  # answering a reply changes nothing
    assert "\n" not in replied and "\r" not in replied


@given(incident_numbers)
def test_an_incident_number_is_found_however_the_client_decorated_the_subject(
    incident: str,
) -> None:
    for subject in (f"RE: AW: [{incident}] x", f"Fwd: {incident.lower()}: x", f"({incident})"):
        assert incident_in_subject(subject) == incident


def test_a_number_inside_a_word_is_not_an_incident() -> None:
    assert incident_in_subject("PRINC0000042 and INC0000042X") is None


ids = st.from_regex(r"\A[A-Za-z0-9.$=_\-+]{1,30}@[a-z0-9\-]{1,20}\.[a-z]{2,6}\Z")


@given(st.lists(ids, max_size=8, unique=True))
def test_ids_written_to_a_references_header_read_back_the_same(written: list[str]) -> None:
    assert message_ids(references_header(written)) == written
    assert all(bracketed(i) == f"<{i}>" for i in written)
