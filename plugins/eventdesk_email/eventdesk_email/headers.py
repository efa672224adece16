"""Reading headers of mail the desk did not write, without trusting them.

The standard library parses a header lazily, when it is first read, and a
malformed one can make that raise almost anything. Headers whose meaning is a
token or an id (Auto-Submitted, Precedence, Message-ID, References...) are
read here from their raw text, which cannot fail; headers that need decoding
(From, Subject, Date) are read through :func:`decoded`, which turns any
failure into a :class:`PayloadError` naming the header.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from eventdesk.channels.base import PayloadError

_FOLDING = re.compile(r"\r?\n[ \t]+")


def raw_values(message: EmailMessage, name: str) -> list[str]:
    """Every value of a header as the sender wrote it, unfolded, undecoded.

    >>> from email import message_from_bytes, policy
    >>> message = message_from_bytes(b"Precedence: \\r\\n bulk\\r\\n\\r\\n", policy=policy.default)
    >>> raw_values(message, "precedence")
    ['bulk']
    """
    wanted = name.lower()
    return [
        _FOLDING.sub(" ", str(value)).strip()
        for key, value in message.raw_items()
        if key.lower() == wanted
    ]


def raw_value(message: EmailMessage, name: str) -> str | None:
    """The first value of a header, raw and unfolded, or None if it is absent."""
    values = raw_values(message, name)
    return values[0] if values else None


def decoded(message: EmailMessage, name: str) -> Any:
    """The first value of a header parsed by the standard library (or None), or
    PayloadError saying which header cannot be read."""
    try:
        return message.get(name)
    except Exception as error:  # the library's header parsers raise many kinds of errors
        raise PayloadError(f"unreadable {name} header: {describe(error)}", header=name) from None


def describe(error: BaseException) -> str:
    """An exception in one short line, for a reason: its type and its first line."""
    text = str(error).strip()
    first = text.splitlines()[0][:200] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
