"""From the raw bytes of an email to what the intake pipeline needs: :func:`parse_email`.

Mail arrives from every client and robot on the internet, and a good part of
it bends the standards. Parsing follows two rules:

- **Never crash.** Whatever the bytes, the answer is an
  :class:`~eventdesk.channels.base.InboundMessage`, an
  :class:`~eventdesk.channels.base.Ignored`, or a
  :class:`~eventdesk.channels.base.PayloadError` whose reason says what is
  wrong, so that the pipeline keeps the message in its dead letters. Any
  exception the standard library raises on bad input becomes such an error.
- **Refuse what would be misread, read what is merely untidy.** A broken MIME
  structure (a missing or unclosed boundary, bad base64, a header block cut
  by a stray line) would lose or garble part of the message, so it is
  refused; an unknown charset, a missing Date or a bare Message-ID are
  tolerated, and noted in ``metadata["notes"]`` where they change the text.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from email import errors
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from eventdesk.channels.base import Attachment, Identity, Ignored, InboundMessage, PayloadError
from eventdesk.errors import InvalidValueError
from eventdesk.intake.service import MAX_PAYLOAD

from eventdesk_email.autoreply import automatic_mail_reason
from eventdesk_email.from_header import simple_from
from eventdesk_email.headers import decoded, describe, raw_value, raw_values
from eventdesk_email.settings import EmailSettings
from eventdesk_email.text import decode_text, html_to_text, strip_quoted_history
from eventdesk_email.threads import incident_in_subject, message_ids

__all__ = ["MAX_HEADER_LINE", "MAX_MESSAGE_BYTES", "parse_email"]

CHANNEL = "email"
MAX_MESSAGE_BYTES = MAX_PAYLOAD  # what intake takes of any channel (25 MiB)
MAX_HEADER_LINE = 998  # RFC 5322 section 2.1.1
MAX_DEPTH = 30  # nested multiparts
MAX_PARTS = 500
MAX_REFERENCES = 50

# Defects that mean part of the message would be lost or garbled, with what to say.
FATAL_DEFECTS: dict[type[errors.MessageDefect], str] = {
    errors.NoBoundaryInMultipartDefect: "a multipart part declares no boundary",
    errors.StartBoundaryNotFoundDefect: "a multipart part's boundary never appears",
    errors.CloseBoundaryNotFoundDefect: "a multipart part ends without its closing boundary "
    "(the message is cut short)",
    errors.MultipartInvariantViolationDefect: "a multipart part holds no parts",
    errors.InvalidBase64CharactersDefect: "bad base64: characters outside the base64 alphabet",
    errors.InvalidBase64PaddingDefect: "bad base64: wrong padding",
    errors.InvalidBase64LengthDefect: "bad base64: a length no base64 text can have",
}
_HEADER_LINE = re.compile(rb"^(?:From |[\x21-\x39\x3b-\x7e]*:|[ \t])")  # as email.feedparser
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_STRUCTURE_HEADERS = frozenset(
    {"content-type", "content-disposition", "content-transfer-encoding", "mime-version"}
)


@functools.lru_cache(maxsize=1024)
def _parsed_header(factory: Any, name: str, value: str) -> Any:
    return factory(name, value)


class ParsingPolicy(EmailPolicy):
    """``email.policy.default``, parsing each MIME structure header value once.

    While it reads one message the library asks for each part's Content-Type a
    dozen times (the parser, ``get_body``, the part walk) and parses it again
    every time, which made parsing cost three times what it does with this
    cache. Header objects are immutable, so sharing them is safe; only short
    values of the structure headers are kept, and at most 1024 of them.
    """

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name"):
            return value
        value = "".join(_LINE_BREAK.split(value))
        if name.lower() in _STRUCTURE_HEADERS and len(value) <= 1000:
            return _parsed_header(self.header_factory, name, value)
        return self.header_factory(name, value)


POLICY = ParsingPolicy()


def parse_email(
    raw: bytes,
    settings: EmailSettings,
    *,
    envelope_sender: str | None = None,
    envelope_recipients: Sequence[str] = (),
) -> InboundMessage | Ignored:
    """What the desk takes from one email, or PayloadError saying why it cannot be read.

    ``envelope_sender`` and ``envelope_recipients`` are the SMTP envelope's
    ``MAIL FROM`` and ``RCPT TO`` when the message came by SMTP: an empty
    envelope sender marks a bounce, and the recipients choose the tenant like
    the To and Cc addresses do.

    >>> settings = EmailSettings.from_mapping({"address": "support@example.com"})
    >>> message = parse_email(
    ...     b"From: Ana Lopez <ana@example.com>\\r\\nTo: support@example.com\\r\\n"
    ...     b"Subject: Re: [INC0000042] VPN down\\r\\nMessage-ID: <m2@example.com>\\r\\n"
    ...     b"In-Reply-To: <m1@example.com>\\r\\n\\r\\nStill down.\\r\\n\\r\\n"
    ...     b"On Mon, 2 Mar 2026, Support wrote:\\r\\n> Is it better?\\r\\n",
    ...     settings,
    ... )
    >>> message.sender, message.sender_name
    (Identity(kind='email', value='ana@example.com'), 'Ana Lopez')
    >>> message.incident, message.references, message.text
    ('INC0000042', ('m1@example.com',), 'Still down.')
    >>> parse_email(b"Subject: hello\\r\\n\\r\\nhi", settings)
    Traceback (most recent call last):
    ...
    eventdesk.channels.base.PayloadError: no sender address: the message has no From header
    """
    try:
        return _parse(
            _as_bytes(raw), settings, envelope_sender, [str(rcpt) for rcpt in envelope_recipients]
        )
    except PayloadError:
        raise
    except RecursionError:
        raise PayloadError("the MIME structure is nested too deeply to read") from None
    except Exception as error:  # the email library raises many kinds of errors on bad input
        raise PayloadError(f"the message cannot be read: {describe(error)}") from None


def _as_bytes(raw: Any) -> bytes:
    if isinstance(raw, bytes | bytearray | memoryview):
        return bytes(raw)
    raise PayloadError(f"an email is bytes, not {type(raw).__name__}")


def _parse(
    raw: bytes, settings: EmailSettings, envelope_sender: str | None, envelope_recipients: list[str]
) -> InboundMessage | Ignored:
    _check_raw(raw)
    message = BytesParser(policy=POLICY).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    _check_header_block(raw, message)
    message_id = _message_id(message, raw)
    sender, sender_name, no_sender = _sender(message)
    reason = automatic_mail_reason(
        message,
        sender=sender.value if sender else None,
        own_addresses=settings.own_addresses,
        envelope_sender=envelope_sender,
    )
    if reason:
        return Ignored(reason, message_id=message_id, sender=sender.value if sender else None)
    if sender is None:
        raise PayloadError(f"no sender address: {no_sender}", message_id=message_id)
    notes: list[str] = []
    parts = list(_parts(message))
    body = message.get_body(preferencelist=("plain", "html"))
    text = _body_text(body, notes) if body is not None else ""
    attachments = tuple(_attachment(part, notes) for part in parts if _is_attachment(part, body))
    _check_structure(parts)
    subject = _subject(message)
    return InboundMessage(
        channel=CHANNEL,
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        text=text or subject or "(empty message)",
        subject=subject,
        attachments=attachments,
        references=_references(message, message_id),
        incident=incident_in_subject(subject),
        tenant=_tenant(message, settings, envelope_recipients),
        sent_at=_sent_at(message),
        metadata={"notes": notes} if notes else {},
    )


# --- The raw bytes and the header block -------------------------------------------------------


def _check_raw(raw: bytes) -> None:
    if not raw.strip():
        raise PayloadError("an empty message")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise PayloadError(
            f"the message is {len(raw)} bytes; at most {MAX_MESSAGE_BYTES} are taken in"
        )
    header_block = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    for number, line in enumerate(header_block.split(b"\n"), start=1):
        length = len(line.rstrip(b"\r"))
        if length > MAX_HEADER_LINE:
            raise PayloadError(
                f"header line {number} is {length} characters long; "
                f"RFC 5322 allows {MAX_HEADER_LINE}"
            )


def _check_header_block(raw: bytes, message: EmailMessage) -> None:
    """Refuse a header block that a stray line cuts short (the headers after it would be
    read as text); name the line."""
    defects = set(map(type, message.defects))
    if errors.FirstHeaderLineIsContinuationDefect in defects:
        raise PayloadError("the header block starts with a continuation line")
    if errors.MissingHeaderBodySeparatorDefect not in defects:
        return
    header_block = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    stray = next(
        (line for line in re.split(rb"\r\n|\r|\n", header_block) if not _HEADER_LINE.match(line)),
        None,
    )
    if stray is None:
        raise PayloadError("the header block is broken: a line in it is not a header line")
    shown = stray[:60].decode("utf-8", "replace")
    raise PayloadError(f"the header block is broken: {shown!r} is not a header line")


# --- Headers ----------------------------------------------------------------------------------


def _message_id(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID without brackets, or a hash of the bytes, so that fetching the same
    message again is still recognised."""
    ids = message_ids(raw_value(message, "Message-ID"))
    if ids:
        return ids[0]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _sender(message: EmailMessage) -> tuple[Identity | None, str | None, str]:
    """The From address, its display name, and why there is none when there is none."""
    raw = raw_value(message, "From")
    if raw is None:
        return None, None, "the message has no From header"
    simple = simple_from(raw)  # the usual shapes, fast; anything else the library reads
    if simple is not None:
        address, display = simple
        try:
            sender = Identity("email", address)
        except InvalidValueError:
            pass
        else:
            name = _clean(display)
            return sender, name if name and name.lower() != sender.value else None, ""
    shown = _clean(raw)[:80]
    try:
        header = decoded(message, "From")
    except PayloadError:
        return None, None, f"From {shown!r} cannot be read"
    for address in getattr(header, "addresses", ()):
        try:
            sender = Identity("email", address.addr_spec)
        except InvalidValueError:
            continue
        name = _clean(address.display_name)
        return sender, name if name and name.lower() != sender.value else None, ""
    return None, None, f"From {shown!r} holds no valid address"


def _clean(text: str | None) -> str:
    """Text for a one-line field: control characters gone, spaces collapsed."""
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text or "")).strip()


def _subject(message: EmailMessage) -> str | None:
    try:
        subject = decoded(message, "Subject")
    except PayloadError:
        subject = raw_value(message, "Subject")
    if subject is None:
        return None
    return _clean(str(subject))[:500] or None


def _sent_at(message: EmailMessage) -> datetime | None:
    """The Date header in UTC, if it can be read (a time without a zone is taken as UTC,
    as RFC 5322 says of ``-0000``). Read with ``parsedate_to_datetime``, a tenth of
    the cost of the header registry's parser for the same answer."""
    raw = raw_value(message, "Date")
    try:
        moment = parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _references(message: EmailMessage, message_id: str) -> tuple[str, ...]:
    """The ids this message answers, oldest first: References, then In-Reply-To.

    A very long chain keeps its first id (the thread's start) and its latest ones."""
    ids = message_ids(" ".join(raw_values(message, "References")))
    ids += message_ids(" ".join(raw_values(message, "In-Reply-To")))
    ids = [reference for reference in dict.fromkeys(ids) if reference != message_id]
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]
    return tuple(ids)


def _tenant(
    message: EmailMessage, settings: EmailSettings, envelope_recipients: list[str]
) -> str | None:
    """The tenant of the first recipient address the settings map to one (Delivered-To,
    the SMTP envelope, To, Cc, in that order), or None.

    Only an address names a tenant here: otherwise the intake pipeline decides
    (the contact's tenant, the sender's email domain, then the channel's
    ``tenant`` setting), and naming the default tenant here would overrule it.
    """
    if not settings.tenants:
        return None
    candidates = [*raw_values(message, "Delivered-To"), *envelope_recipients]
    candidates += raw_values(message, "To") + raw_values(message, "Cc")
    for _, address in getaddresses(candidates):
        tenant = settings.tenants.get(address.strip().lower())
        if tenant:
            return tenant
    return None


# --- The body and the attachments -------------------------------------------------------------


def _parts(message: Message) -> Iterator[Message]:
    """Every part, depth first, without going into attached messages (those are
    attachments), refusing absurd nesting or part counts."""
    count = 0
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_PARTS:
            raise PayloadError(f"the message has more than {MAX_PARTS} MIME parts")
        if depth > MAX_DEPTH:
            raise PayloadError(f"MIME parts are nested more than {MAX_DEPTH} deep")
        yield part
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            stack.extend((sub, depth + 1) for sub in reversed(part.get_payload()))


def _body_text(part: Message, notes: list[str]) -> str:
    data = part.get_payload(decode=True) or b""
    text, note = decode_text(data, part.get_content_charset())
    if note:
        notes.append(note)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_quoted_history(text)


def _is_attachment(part: Message, body: Message | None) -> bool:
    """A leaf that is not the body text nor another rendering of it (an alternative)."""
    if part is body or part.get_content_maintype() == "multipart":
        return False
    if part.get_content_maintype() == "message":
        return True
    named = bool(part.get_filename())
    return named or part.is_attachment() or part.get_content_maintype() != "text"


def _attachment(part: Message, notes: list[str]) -> Attachment:
    content_type = part.get_content_type()
    if part.get_content_maintype() == "message":
        inner = part.get_payload(0) if part.is_multipart() else None
        name = part.get_filename() or "message.eml"
        try:
            size = len(inner.as_bytes()) if isinstance(inner, Message) else 0
        except Exception:  # an attached message the generator cannot write back
            size = 0
            notes.append(f"the size of attached message {name!r} is unknown")
    else:
        name = part.get_filename() or ""
        size = len(part.get_payload(decode=True) or b"")
    return Attachment.from_mapping(
        {"name": _clean(name)[:255], "content_type": content_type[:255], "size": size}
    )


def _check_structure(parts: list[Message]) -> None:
    """Refuse a message whose MIME structure is broken (checked after the body and the
    attachments were decoded, since decoding is what finds bad base64)."""
    for part in parts:
        for defect in part.defects:
            for defect_type, reason in FATAL_DEFECTS.items():
                if isinstance(defect, defect_type):
                    raise PayloadError(
                        f"damaged MIME structure: {reason}", defect=defect_type.__name__
                    )
