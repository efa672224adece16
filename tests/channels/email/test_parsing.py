"""What the email channel reads from real-looking mail: the corpus in corpus/, message by
message, and the rules of threading, tenants, auto-replies and ids on small messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from eventdesk.channels.base import Attachment, Identity, Ignored, InboundMessage, PayloadError
from eventdesk_email import EmailChannel

from .conftest import CORPUS, DESK_ADDRESS, corpus


def read(channel: EmailChannel, raw: bytes, **envelope: str) -> InboundMessage | Ignored:
    headers = {name.replace("_", "-"): value for name, value in envelope.items()}
    results = channel.parse(raw, headers)
    assert len(results) == 1
    return results[0]


def taken(channel: EmailChannel, raw: bytes, **envelope: str) -> InboundMessage:
    message = read(channel, raw, **envelope)
    assert isinstance(message, InboundMessage), message
    return message


def ignored(channel: EmailChannel, raw: bytes, **envelope: str) -> Ignored:
    message = read(channel, raw, **envelope)
    assert isinstance(message, Ignored), message
    return message


# --- The corpus -------------------------------------------------------------------------------


def test_multipart_alternative_prefers_the_plain_text(channel: EmailChannel) -> None:
    message = taken(channel, corpus("multipart_alternative.eml"))
    assert message.sender == Identity("email", "maria.garcia@acme.example")
    assert message.sender_name == "María García"
    assert message.subject == "La impresora de la 3ª planta no imprime"
    assert message.text == (
        "Hola,\n\nla impresora de la 3ª planta no imprime desde esta mañana.\n"
        "El error es «Papel atascado» pero no hay papel atascado.\n\nGracias,\nMaría"
    )
    assert message.message_id == "5b1e2c7a-9f3d-4a51-8c1e-3d2f1a0b9c88@acme.example"
    assert message.sent_at == datetime(2026, 3, 2, 8, 12, 28, tzinfo=UTC)
    assert message.attachments == ()
    assert message.references == ()
    assert message.incident is None
    assert message.channel == "email"


def test_an_html_only_message_becomes_readable_text(channel: EmailChannel) -> None:
    message = taken(channel, corpus("html_only.eml"))
    assert message.text == (
        "Hello team,\n\n"
        "Since the update this morning the VPN client says “authentication failed” for:\n\n"
        "- the London office\n- everyone working from home\n\n"
        "Details are on the status page <https://intranet.acme.example/vpn>.\n"
        "Thanks & regards,\nPeter O’Neill"
    )
    assert "never shown" not in message.text and "MsoNormal" not in message.text


@pytest.mark.parametrize(
    ("name", "sender_name", "subject", "fragment"),
    [
        ("iso_8859_1.eml", "René Dupré", "Poste de l'accueil écran noir", "écran noir après"),
        ("windows_1252.eml", "Sam Taylor", "Access denied on the Expenses share",
         "“Access denied” – it"),
        ("iso_2022_jp.eml", "山田太郎", "プリンターが印刷できません",
         "経理部のプリンターが印刷できません"),
        ("base64_body.eml", "Jörg Müller", "Laptop lädt nicht mehr", "Akku bleibt bei 0 %"),
        ("encoded_words.eml", "José María Núñez", "No puedo acceder al correo desde el móvil – "
         "error de certificado", "no es válido"),
    ],
)  # fmt: skip
def test_charsets_and_encodings_are_decoded(
    channel: EmailChannel, name: str, sender_name: str, subject: str, fragment: str
) -> None:
    message = taken(channel, corpus(name))
    assert message.sender_name == sender_name
    assert message.subject == subject
    assert fragment in message.text
    assert "\ufffd" not in message.text
    assert message.metadata == {}


def test_the_windows_1252_euro_sign_survives(channel: EmailChannel) -> None:
    assert "€5,000 invoice run" in taken(channel, corpus("windows_1252.eml")).text


def test_attachments_are_described_by_name_type_and_decoded_size(channel: EmailChannel) -> None:
    message = taken(channel, corpus("attachments.eml"))
    assert message.text == (
        "Hi, the nightly backup failed again. Log, report and a screenshot attached.\nLena"
    )
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    assert message.attachments == (
        Attachment("backup-report.pdf", "application/pdf", len(pdf) * 20),
        Attachment("Bildschirmfoto Übersicht.png", "image/png", 329),
        Attachment("sync.log", "text/plain", 12 * len(
            "2026-03-02 08:59:58 ERROR sync: connection reset by peer\r\n")),
    )  # fmt: skip


def test_a_pasted_screenshot_is_an_attachment_and_a_missing_message_id_a_hash(
    channel: EmailChannel,
) -> None:
    raw = corpus("pasted_screenshot.eml")
    message = taken(channel, raw)
    assert message.text == "Saving an invoice shows this error:\n\nKim"
    assert message.attachments == (Attachment("unnamed", "image/png", 329),)
    assert message.message_id.startswith("sha256:")
    assert taken(channel, raw).message_id == message.message_id  # stable: a re-fetch is a repeat
    assert taken(channel, raw + b"\r\n").message_id != message.message_id


def test_a_forwarded_message_is_an_attachment_and_a_bare_number_names_the_incident(
    channel: EmailChannel,
) -> None:
    message = taken(channel, corpus("forwarded_message.eml"))
    assert message.text == "Is this mail genuine? It asks for my password."
    assert [(a.name, a.content_type) for a in message.attachments] == [
        ("message.eml", "message/rfc822")
    ]
    assert message.attachments[0].size > 100
    assert message.incident == "INC0000051"


def test_a_reply_threads_by_its_headers_and_its_subject(channel: EmailChannel) -> None:
    message = taken(channel, corpus("reply_with_references.eml"))
    assert message.references == (
        "first.1@acme.example",
        "3f2a9c1e0d7b4e6a.INC0000042@desk.example",
    )
    assert message.incident == "INC0000042"
    assert message.text == (
        "Restarting the client did not help, it still fails for the London office."
    )


def test_an_outlook_reply_loses_its_quoted_history(channel: EmailChannel) -> None:
    message = taken(channel, corpus("outlook_reply.eml"))
    assert message.text == "Works now, thank you! You can close the ticket.\n\nSam"
    assert message.incident == "INC0000007"
    assert message.references == ()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("out_of_office.eml", "an automatic message (Auto-Submitted: auto-replied)"),
        ("dsn_bounce.eml", "a delivery report (multipart/report; report-type=delivery-status)"),
        ("read_receipt.eml", "a read receipt (multipart/report; "
         "report-type=disposition-notification)"),
        ("newsletter_bulk.eml", "bulk or automatic mail (Precedence: bulk)"),
    ],
)  # fmt: skip
def test_automatic_mail_is_ignored_with_its_reason(
    channel: EmailChannel, name: str, reason: str
) -> None:
    result = ignored(channel, corpus(name))
    assert result.reason == reason
    assert result.message_id  # kept, so that the intake log can name it


def test_every_corpus_message_is_read_or_ignored() -> None:
    channel = EmailChannel({"address": DESK_ADDRESS})
    names = sorted(path.name for path in CORPUS.glob("*.eml"))
    assert len(names) >= 16
    for name in names:
        assert isinstance(read(channel, corpus(name)), InboundMessage | Ignored), name


# --- Rules, on small messages -----------------------------------------------------------------


def mail(*headers: str, body: str = "Printer on floor 3 is jammed.") -> bytes:
    lines = [*headers, "", body]
    return "\r\n".join(lines).encode("utf-8")


ANA = "From: Ana Lopez <ana@acme.example>"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Auto-Submitted: auto-generated", "an automatic message (Auto-Submitted: auto-generated)"),
        ("Precedence: junk", "bulk or automatic mail (Precedence: junk)"),
        ("Precedence: list", "bulk or automatic mail (Precedence: list)"),
        ("Precedence: auto_reply", "bulk or automatic mail (Precedence: auto_reply)"),
        ("X-Autoreply: yes", "an automatic reply (X-Autoreply: yes)"),
        ("X-Autorespond: vacation", "an automatic reply (X-Autorespond: vacation)"),
        ("X-Auto-Response-Suppress: DR, OOF",
         "an automatic message (X-Auto-Response-Suppress: OOF)"),
        ("Return-Path: <>", "a bounce (empty Return-Path <>)"),
    ],
)  # fmt: skip
def test_each_sign_of_automatic_mail_is_enough(
    channel: EmailChannel, header: str, reason: str
) -> None:
    assert ignored(channel, mail(ANA, header)).reason == reason


@pytest.mark.parametrize(
    "header", ["Auto-Submitted: no", "Precedence: first-class", "X-Auto-Response-Suppress: DR"]
)
def test_mail_a_person_sent_is_taken(channel: EmailChannel, header: str) -> None:
    assert taken(channel, mail(ANA, header)).sender.value == "ana@acme.example"


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.acme.example", "postmaster@acme.example"])
def test_mail_from_the_mail_system_is_a_bounce(channel: EmailChannel, sender: str) -> None:
    result = ignored(channel, mail(f"From: {sender}"))
    assert result.reason == f"a bounce (from {sender.lower()})"


def test_an_empty_envelope_sender_is_a_bounce(channel: EmailChannel) -> None:
    assert ignored(channel, mail(ANA), envelope_from="").reason == (
        "a bounce (empty envelope sender MAIL FROM:<>)"
    )
    assert taken(channel, mail(ANA), envelope_from="ana@acme.example")


@pytest.mark.parametrize("address", [DESK_ADDRESS, "Support+ACME@desk.example"])
def test_mail_from_the_desks_own_addresses_is_never_taken_in(
    channel: EmailChannel, address: str
) -> None:
    result = ignored(channel, mail(f"From: Service Desk <{address}>"))
    assert result.reason == (
        f"sent from the desk's own address {address.lower()} (mail loop guard)"
    )


def test_the_tenant_comes_from_the_address_the_mail_was_sent_to() -> None:
    channel = EmailChannel(
        {
            "address": DESK_ADDRESS,
            "tenants": {"support+acme@desk.example": "acme"},
            "tenant": "main",
        }
    )
    # Mail to another address names no tenant: intake decides (the contact's, the sender's
    # domain's, then the channel's "tenant" setting).
    assert taken(channel, mail(ANA, "To: support+acme@desk.example")).tenant == "acme"
    assert (
        taken(channel, mail(ANA, "To: x@acme.example", "Cc: Support+Acme@desk.example")).tenant
        == "acme"
    )
    assert taken(channel, mail(ANA, "Delivered-To: support+acme@desk.example")).tenant == "acme"
    bcc = taken(
        channel, mail(ANA, "To: team@acme.example"), envelope_to="support+acme@desk.example"
    )
    assert bcc.tenant == "acme"
    assert taken(channel, mail(ANA, f"To: {DESK_ADDRESS}")).tenant is None
    assert taken(EmailChannel({"address": DESK_ADDRESS}), mail(ANA)).tenant is None


def test_references_run_oldest_first_and_end_with_the_message_answered(
    channel: EmailChannel,
) -> None:
    message = taken(
        channel,
        mail(
            ANA,
            "Message-ID: <c@acme.example>",
            "In-Reply-To: <b@desk.example>",
            "References: <a@acme.example>\r\n <b@desk.example>",
        ),
    )
    assert message.message_id == "c@acme.example"
    assert message.references == ("a@acme.example", "b@desk.example")
    only_parent = taken(channel, mail(ANA, "In-Reply-To: <b@desk.example>"))
    assert only_parent.references == ("b@desk.example",)


def test_a_long_chain_keeps_its_start_and_its_latest_ids(channel: EmailChannel) -> None:
    chain = "\r\n ".join(f"<m{i}@acme.example>" for i in range(80))
    message = taken(channel, mail(ANA, f"References: {chain}"))
    assert len(message.references) == 50
    assert message.references[0] == "m0@acme.example"
    assert message.references[-1] == "m79@acme.example"


def test_a_date_without_a_zone_is_utc_and_a_bad_date_is_no_date(channel: EmailChannel) -> None:
    naive = taken(channel, mail(ANA, "Date: Mon, 2 Mar 2026 09:00:00 -0000"))
    assert naive.sent_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert taken(channel, mail(ANA, "Date: yesterday-ish")).sent_at is None
    assert taken(channel, mail(ANA)).sent_at is None


def test_a_subject_only_message_takes_its_text_from_the_subject(channel: EmailChannel) -> None:
    assert taken(channel, mail(ANA, "Subject: VPN down", body="")).text == "VPN down"
    assert taken(channel, mail(ANA, body="\r\n")).text == "(empty message)"


def test_a_message_that_is_all_quote_is_kept_whole(channel: EmailChannel) -> None:
    body = "> Is the printer working now?\r\n> Ana"
    assert taken(channel, mail(ANA, body=body)).text == "> Is the printer working now?\n> Ana"


def test_an_unknown_charset_is_read_with_a_note(channel: EmailChannel) -> None:
    raw = mail(ANA, "Content-Type: text/plain; charset=x-mac-klingon", body="caf\u00e9")
    message = taken(channel, raw)
    assert message.text == "café"
    assert message.metadata["notes"] == [
        "unknown charset 'x-mac-klingon': decoded as UTF-8 with replacement characters"
    ]


def test_bytes_invalid_in_the_declared_charset_are_replaced_with_a_note(
    channel: EmailChannel,
) -> None:
    raw = mail(ANA, "Content-Type: text/plain; charset=utf-8").replace(b"jammed", b"jam\xffmed")
    message = taken(channel, raw)
    assert message.text == "Printer on floor 3 is jam\ufffdmed."
    assert message.metadata["notes"] == ["the text is not valid utf-8: undecodable bytes replaced"]


def test_the_display_name_is_none_when_there_is_none(channel: EmailChannel) -> None:
    assert taken(channel, mail("From: ana@acme.example")).sender_name is None
    assert taken(channel, mail("From: ana@acme.example <ana@acme.example>")).sender_name is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (mail("Subject: hi"), "no sender address: the message has no From header"),
        (mail("From: Ana Lopez"), "no sender address: From 'Ana Lopez' holds no valid address"),
        (mail("From: <>"), "no sender address: From '<>' holds no valid address"),
        (mail("From: undisclosed-recipients:;"), "no sender address: From "
         "'undisclosed-recipients:;' holds no valid address"),
        (b"", "an empty message"),
        (b" \r\n\r\n", "an empty message"),
    ],
)  # fmt: skip
def test_mail_without_a_sender_address_is_refused(
    channel: EmailChannel, raw: bytes, reason: str
) -> None:
    with pytest.raises(PayloadError) as refused:
        channel.parse(raw, {})
    assert refused.value.reason == reason


def test_a_payload_that_is_not_bytes_is_refused(channel: EmailChannel) -> None:
    # Fail to parse text: mail is bytes (its charsets are its own)
    with pytest.raises(PayloadError, match="an email is bytes, not str"):
        channel.parse("From: ana@acme.example\r\n\r\nhi", {})  # type: ignore[arg-type]


def test_the_corpus_files_are_not_accidentally_rewritten() -> None:
    # CRLF line ends, as mail travels: a checkout that converts them would change the tests.
    for path in Path(CORPUS).glob("*.eml"):
        raw = path.read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n"), path.name
