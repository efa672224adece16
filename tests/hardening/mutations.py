"""Hypothesis strategies that break a good payload: JSON values replaced, removed or
added anywhere in it; bytes cut, flipped or inserted; header lines mangled; and plain
noise. Shared by every boundary, so each is broken the same ways."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", " ", "\x00", "INC0000001", "+34600111222", "a@b.c", "é" * 300])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _slots(node: Any, found: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) of a JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((node, key))
            _slots(value, found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((node, index))
            _slots(value, found)
    return found


@st.composite
def broken_json(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed's JSON object with one to three values replaced, removed or added."""
    data = json.loads(seed)
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(data, [])
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(("retext", "replace", "remove", "add")))
        if action == "retext" and isinstance(container[key], str):
            container[key] = draw(st.text(max_size=60))
        elif action in ("retext", "replace"):
            container[key] = draw(JSON_VALUES)
        elif action == "remove":
            del container[key]
        elif isinstance(container, dict):
            container[draw(st.text(max_size=12))] = draw(JSON_VALUES)
        else:
            container.append(draw(JSON_VALUES))
    return json.dumps(data, ensure_ascii=draw(st.booleans())).encode()


@st.composite
def broken_bytes(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed cut, with bytes flipped or noise inserted somewhere."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(("cut", "flip", "insert", "truncate")))
        if action == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[at:]
    return bytes(data)


@st.composite
def broken_lines(draw: st.DrawFn, seed: bytes) -> bytes:
    """A text payload (an email) with a line replaced by noise or repeated many times."""
    lines = seed.split(b"\n")
    at = draw(st.integers(0, len(lines) - 1))
    noise = draw(
        st.sampled_from(
            [
                b"Content-Type: multipart/mixed; boundary=",
                b"Content-Transfer-Encoding: base64",
                b"Subject: =?utf-8?b?" + b"A" * 3 + b"?=",
                b"From: <>",
                b"Message-ID:",
                b"Content-Type: message/rfc822",
                b"--=_mixed_001",
            ]
        )
        | st.binary(max_size=80)
        | st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
    if draw(st.booleans()):
        lines[at] = noise
    else:
        lines[at:at] = [noise] * draw(st.integers(1, 50))
    return b"\n".join(lines)


def payloads(seed: bytes, *, is_json: bool) -> st.SearchStrategy[bytes]:
    """Broken versions of a good payload, and plain noise."""
    shapes = [broken_bytes(seed), st.binary(max_size=300)]
    shapes.append(broken_json(seed) if is_json else broken_lines(seed))
    if is_json:
        shapes.append(JSON_VALUES.map(lambda v: json.dumps(v).encode()))
    return st.one_of(*shapes)


HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "content-type",
            "x-sms-signature",
            "x-voice-signature",
            "x-hub-signature-256",
            "x-eventdesk-signature",
            "authorization",
            "x-anything",
        ]
    ),
    st.text(max_size=80),
    max_size=4,
)
