"""Reading the From header fast when it has the shape nearly every one has.

The standard library's address parser is thorough and slow: for a From such as
``=?utf-8?q?Mar=C3=ADa?= <maria@acme.example>`` it costs more than the rest of
the message's headers together (see docs/performance.md). :func:`simple_from`
reads the two usual shapes, ``Display Name <local@domain>`` (the name plain
ASCII words, RFC 2047 encoded words, or both) and a bare ``local@domain``, and gives
up (None) on anything else: quotes, comments, groups, several addresses,
raw 8-bit text, odd encoded words. Whoever calls it falls back on the library
then, so the result is the library's in every case; tests compare the two.
"""

from __future__ import annotations

import re
from email.header import decode_header

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+"
# A name without specials (quotes, brackets, commas, colons, semicolons, at signs,
# parentheses, backslashes) nor control characters.
_NAMED = re.compile(rf"(?P<name>[^\"<>,;:@()\[\]\\\x00-\x1f\x7f]*?)\s*<(?P<address>{_ADDRESS})>")
_BARE = re.compile(rf"(?P<address>{_ADDRESS})")
_ENCODED_WORD = re.compile(r"=\?[A-Za-z0-9_-]+\?[bBqQ]\?[!->@-~]*\?=")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")


def simple_from(value: str) -> tuple[str, str] | None:
    """``(address, display name)`` of a From header of the usual shape, else None.

    >>> simple_from("=?UTF-8?Q?Mar=C3=ADa_Garc=C3=ADa?= <maria.garcia@acme.example>")
    ('maria.garcia@acme.example', 'María García')
    >>> simple_from("support@desk.example")
    ('support@desk.example', '')
    >>> simple_from('"Doe, Jane" <jane@acme.example>') is None  # quoted: the library reads it
    True
    """
    text = value.strip()
    match = _NAMED.fullmatch(text) or _BARE.fullmatch(text)
    if match is None:
        return None
    name = (match.groupdict().get("name") or "").strip()
    words = name.split()
    if not all(_ENCODED_WORD.fullmatch(word) or _PLAIN_WORD.fullmatch(word) for word in words):
        return None
    try:
        # Word by word, joined by a space, as the library does (it keeps the space
        # between adjacent encoded words); callers collapse runs of spaces.
        name = " ".join(_decoded(word) for word in words)
    except (LookupError, UnicodeError, ValueError):
        return None
    if not name.isprintable():
        return None
    return match.group("address"), name


def _decoded(word: str) -> str:
    if not word.startswith("=?"):
        return word
    ((data, charset),) = decode_header(word)
    return data.decode(charset or "ascii") if isinstance(data, bytes) else data
