"""How an email finds its incident, and how a reply finds its way back into the thread.

Mail clients thread by headers: a reply's ``In-Reply-To`` names the message it
answers and ``References`` the chain before it. People thread by subject: they
forward, copy, or start a new mail and keep the subject. So the desk reads
both: the message ids of those headers (the intake pipeline knows which
incident each id belongs to) and an incident number in the subject, and it
writes both on every reply: threading headers, and ``[INC0000042]`` in the
subject.

Message ids are kept *without* their angle brackets everywhere in the desk
(``abc@example.com``), on the way in and on the way out, so that an id the desk
sent compares equal to the same id quoted back in a customer's reply; the
brackets are put back only when a header is written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from eventdesk.intake.service import incident_numbers_in

__all__ = [
    "bracketed",
    "incident_in_subject",
    "message_ids",
    "new_message_id",
    "reply_subject",
]

_ANGLED_ID = re.compile(r"<\s*([^<>\s]+?)\s*>")
_REPLY_PREFIXES = re.compile(
    r"^(?:\s*(?:re|aw|sv|vs|antw|res|r)\s*(?:\[\d+\]|\(\d+\))?\s*:)+\s*", re.IGNORECASE
)


def incident_in_subject(subject: str | None) -> str | None:
    """The incident number a subject names (the first, as ``Re: [INC…]`` puts it first).

    >>> incident_in_subject("Re: [INC0000042] VPN down (was INC0000007)")
    'INC0000042'
    >>> incident_in_subject("about inc0000042"), incident_in_subject("PRINC0000042")
    ('INC0000042', None)
    """
    numbers = incident_numbers_in(subject or "")
    return numbers[0] if numbers else None


def message_ids(header_value: str | None) -> list[str]:
    """The message ids in a Message-ID, In-Reply-To or References header, in order, without
    brackets; a lone id without brackets (a broken client's) is taken as it is.

    >>> message_ids("<a1@example.com>\\n <b2@example.com> (comment) <a1@example.com>")
    ['a1@example.com', 'b2@example.com']
    >>> message_ids("  bare@example.com "), message_ids("two words"), message_ids(None)
    (['bare@example.com'], [], [])
    """
    if not header_value:
        return []
    found = _ANGLED_ID.findall(header_value)
    if not found:
        lone = header_value.strip()
        found = [lone] if lone and not re.search(r"[\s<>]", lone) else []
    return list(dict.fromkeys(found))


def bracketed(message_id: str) -> str:
    """An id as a header writes it: ``<id>``.

    >>> bracketed("abc@example.com"), bracketed("<abc@example.com>")
    ('<abc@example.com>', '<abc@example.com>')
    """
    return f"<{message_id.strip().strip('<>')}>"


def references_header(ids: Iterable[str]) -> str:
    """A References header's value: each id bracketed, oldest first, space separated."""
    return " ".join(bracketed(message_id) for message_id in dict.fromkeys(ids) if message_id)


def reply_subject(subject: str | None, incident: str) -> str:
    """``Re: [INC…] subject``: one ``Re:``, whatever the clients before piled up, and the
    incident number always, so a reply threads even when its headers are lost.

    >>> reply_subject("RE: Re: [INC0000042] VPN down", "INC0000042")
    'Re: [INC0000042] VPN down'
    >>> reply_subject("AW: Drucker", "INC0000007"), reply_subject(None, "INC0000007")
    ('Re: [INC0000007] Drucker', 'Re: [INC0000007]')
    """
    rest = _REPLY_PREFIXES.sub("", subject or "")
    tag = re.compile(rf"\[\s*{re.escape(incident)}\s*\]", re.IGNORECASE)
    rest = re.sub(r"\s+", " ", tag.sub(" ", rest)).strip()
    rest = _REPLY_PREFIXES.sub("", rest)
    return f"Re: [{incident}] {rest}".rstrip()


def new_message_id(incident: str, domain: str) -> str:
    """A fresh Message-ID (without brackets) for a reply on an incident: ``<uuid>.<INC…>@domain``.

    The incident number in it lets anyone reading raw headers see where a
    message belongs. (``email.utils.make_msgid`` would put the wall-clock time
    and the process id in it; a random UUID is as unique and says nothing.)

    >>> new_message_id("INC0000042", "example.com")  # doctest: +ELLIPSIS
    '....INC0000042@example.com'
    """
    return f"{uuid.uuid4().hex}.{incident}@{domain}"
