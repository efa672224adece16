"""Signed payloads: HMAC-SHA256, compared in constant time, with a timestamp against replays.

A channel whose provider signs its payloads with a shared secret calls
:func:`verify_signed` from its ``verify``. Two forms of the signature header
are taken:

- ``sha256=<hex>``: the HMAC-SHA256 of the body (the original scheme);
- ``t=<unix seconds>,sha256=<hex>``: the HMAC-SHA256 of ``<t>.`` followed by
  the body. The timestamp is signed, so it cannot be changed, and a request
  whose timestamp is further than the channel's ``signature_window`` seconds
  (default 300) from the desk's clock is refused as a replay.

With the channel setting ``require_timestamp = true`` only the second form is
taken. Every comparison is of bytes, in constant time (``hmac.compare_digest``),
so neither timing nor a header that is not ASCII tells an attacker anything.

>>> payload = b'{"id": "m1"}'
>>> header = timestamped_signature("a-secret-of-16-chars", payload, 1_767_225_600)
>>> header.startswith("t=1767225600,sha256=")
True
>>> verify_signature("a-secret-of-16-chars", payload, header, header_name="x-sig",
...                  now=1_767_225_600 + 299)
>>> verify_signature("a-secret-of-16-chars", payload, header, header_name="x-sig",
...                  now=1_767_225_600 + 301)
Traceback (most recent call last):
...
eventdesk.channels.base.AuthenticityError: the x-sig timestamp is 301 s from the desk's clock, \
outside the window of 300 s: a replayed or delayed request
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from eventdesk.channels.base import AuthenticityError, Channel
from eventdesk.clock import SystemClock
from eventdesk.errors import InvalidValueError

SIGNATURE_WINDOW = 300  # seconds a timestamped signature stays good, either side of the clock
WINDOW_MAX = 24 * 3600
HEADER_MAX = 512  # characters of a signature header read (longer is not a signature)
SETTINGS = ("signature_window", "require_timestamp")


def body_signature(secret: str, payload: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def timestamped_signature(secret: str, payload: bytes, timestamp: int) -> str:
    """``t=<timestamp>,sha256=`` and the hex HMAC-SHA256 of ``<timestamp>.`` + the body."""
    signed = str(int(timestamp)).encode("ascii") + b"." + payload
    return f"t={int(timestamp)},{body_signature(secret, signed)}"


def same(given: str, expected: str) -> bool:
    """Whether two signatures are equal, in constant time; any text compares (as UTF-8)."""
    return hmac.compare_digest(
        given.encode("utf-8", "backslashreplace"), expected.encode("utf-8", "backslashreplace")
    )


def signing_settings(settings: Mapping[str, Any], what: str) -> tuple[int, bool]:
    """The channel's ``signature_window`` (seconds) and ``require_timestamp``, checked."""
    window = settings.get("signature_window", SIGNATURE_WINDOW)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= WINDOW_MAX:
        raise InvalidValueError(
            f"{what} signature_window", window, f"a whole number of seconds, 1 to {WINDOW_MAX}"
        )
    required = settings.get("require_timestamp", False)
    if not isinstance(required, bool):
        raise InvalidValueError(f"{what} require_timestamp", required, "true or false")
    return window, required


def verify_signature(
    secret: str,
    payload: bytes,
    given: str,
    *,
    header_name: str,
    now: float,
    window: int = SIGNATURE_WINDOW,
    require_timestamp: bool = False,
) -> None:
    """AuthenticityError unless ``given`` is the secret's signature of the payload, and,
    when it carries a timestamp, the timestamp is within ``window`` seconds of ``now``
    (Unix seconds on the desk's clock)."""
    given = (given or "").strip()
    if not given:
        raise AuthenticityError(f"the {header_name} header does not match the payload")
    if len(given) > HEADER_MAX:
        raise AuthenticityError(f"the {header_name} header is longer than {HEADER_MAX} characters")
    if not given.startswith("t="):
        if require_timestamp:
            raise AuthenticityError(
                f"the {header_name} header must carry a timestamp: t=<unix seconds>,sha256=<hex>"
            )
        if not same(given, body_signature(secret, payload)):
            raise AuthenticityError(f"the {header_name} header does not match the payload")
        return
    stamp, _, _ = given.partition(",")
    seconds = stamp[2:]
    if not seconds.isascii() or not seconds.isdigit() or len(seconds) > 12:
        raise AuthenticityError(
            f"the {header_name} header is malformed: expected t=<unix seconds>,sha256=<hex>"
        )
    if not same(given, timestamped_signature(secret, payload, int(seconds))):
        raise AuthenticityError(f"the {header_name} header does not match the payload")
    skew = now - int(seconds)
    if abs(skew) > window:
        raise AuthenticityError(
            f"the {header_name} timestamp is {abs(skew):.0f} s from the desk's clock, "
            f"outside the window of {window} s: a replayed or delayed request"
        )


def verify_signed(
    channel: Channel, secret: str | None, payload: bytes, headers: Mapping[str, str], header: str
) -> None:
    """``verify_signature`` for a channel: its secret, its settings, its desk's clock."""
    if not secret:
        raise AuthenticityError(f"the {channel.name} channel has no secret: configure one first")
    window, required = signing_settings(channel.settings, f"{channel.name} channel")
    clock = channel.desk.clock if channel.desk is not None else SystemClock()
    verify_signature(
        secret,
        payload,
        headers.get(header.lower(), ""),
        header_name=header,
        now=clock.now().timestamp(),
        window=window,
        require_timestamp=required,
    )
