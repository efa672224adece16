"""The limits on what comes with a payload, besides its size (``MAX_PAYLOAD``).

A payload whose headers break them goes to the dead letters, with its headers
clipped to the limits, so a flood of headers cannot fill the store either.

>>> refused_headers({"x-a": "1"})
>>> refused_headers({f"x-{n}": "1" for n in range(101)})
'101 headers: at most 100'
>>> refused_headers({"x-big": "a" * 9000})
"header 'x-big' has 9000 characters: at most 8192"
"""

from __future__ import annotations

from collections.abc import Mapping

HEADERS_MAX = 100  # headers a payload may come with
HEADER_MAX = 8 * 1024  # characters of one header's name and of its value


def refused_headers(headers: Mapping[str, str]) -> str | None:
    """Why the headers are refused, or None."""
    if len(headers) > HEADERS_MAX:
        return f"{len(headers)} headers: at most {HEADERS_MAX}"
    for name, value in headers.items():
        if len(name) > HEADER_MAX:
            return f"a header name has {len(name)} characters: at most {HEADER_MAX}"
        if len(value) > HEADER_MAX:
            return f"header {name!r} has {len(value)} characters: at most {HEADER_MAX}"
    return None


def clipped_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers cut to the limits, as a dead letter keeps them."""
    return {
        name[:HEADER_MAX]: value[:HEADER_MAX] for name, value in list(headers.items())[:HEADERS_MAX]
    }
