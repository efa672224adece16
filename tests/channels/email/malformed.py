"""Malformed email, made by hypothesis from the good mail of corpus/ (and from nothing).

Each strategy breaks a message in one way that loses or garbles part of it, so
that the channel must refuse it (PayloadError) with a reason of that kind:

- ``truncated``: a multipart message cut before its closing boundary
- ``boundary``: the declared boundary changed or removed
- ``base64``: a base64 text or attachment with foreign characters or cut short
- ``long header``: a header line longer than RFC 5322's 998 characters
- ``stray line``: a line that is not a header, inside the header block
- ``broken header``: a header's colon replaced by another byte
- ``no sender``: the From header removed, or its address garbled
- ``garbage``: arbitrary bytes

:func:`malformed_emails` draws :class:`Malformed` examples from all of them.
"""

from __future__ import annotations

import base64
import re
import string

import attrs
from hypothesis import strategies as st

from .conftest import corpus

PERSON_MAIL = [
    "attachments.eml",
    "base64_body.eml",
    "encoded_words.eml",
    "forwarded_message.eml",
    "html_only.eml",
    "iso_2022_jp.eml",
    "iso_8859_1.eml",
    "multipart_alternative.eml",
    "outlook_reply.eml",
    "pasted_screenshot.eml",
    "reply_with_references.eml",
    "windows_1252.eml",
]
MULTIPART_MAIL = [
    "attachments.eml",
    "forwarded_message.eml",
    "multipart_alternative.eml",
    "pasted_screenshot.eml",
    "reply_with_references.eml",
]
NOT_BASE64 = "!#$%&*()[]{}<>?;,~^|\\\"'`@."
BOUNDARY_CHARS = string.ascii_letters + string.digits + "'()+_,-./=?"

# The reason each kind of damage must be refused with.
REASONS = {
    "truncated": r"^damaged MIME structure: ",
    "boundary": r"^damaged MIME structure: ",
    "base64": r"^damaged MIME structure: bad base64: ",
    "long header": r"^header line \d+ is \d+ characters long; RFC 5322 allows 998$",
    "stray line": r"^the header block is broken: .* is not a header line$",
    "broken header": r"^(the header block is broken: .* is not a header line"
    r"|no sender address: .*)$",
    "no sender": r"^no sender address: (the message has no From header"
    r"|From .* (holds no valid address|cannot be read))$",
    "garbage": r"^.{10,}$",
}


@attrs.frozen
class Malformed:
    kind: str
    raw: bytes = attrs.field(repr=lambda raw: f"<{len(raw)} bytes: {raw[:60]!r}...>")

    @property
    def reason_pattern(self) -> str:
        return REASONS[self.kind]


def split_headers(raw: bytes) -> tuple[list[bytes], bytes]:
    """The header lines (without their CRLF) and the rest (the CRLF CRLF and the body)."""
    end = raw.index(b"\r\n\r\n")
    return raw[:end].split(b"\r\n"), raw[end:]


def outer_boundary(raw: bytes) -> bytes:
    headers, _ = split_headers(raw)
    block = b"\r\n".join(headers)
    match = re.search(rb'multipart/[a-z]+;\s*boundary="?([^";\r\n]+)"?', block, re.IGNORECASE)
    assert match, "a multipart corpus message declares its boundary"
    return match.group(1)


@st.composite
def truncated(draw: st.DrawFn) -> Malformed:
    raw = corpus(draw(st.sampled_from(MULTIPART_MAIL)))
    boundary = outer_boundary(raw)
    body_start = raw.index(b"\r\n\r\n") + 4
    close = raw.rindex(b"--" + boundary + b"--")
    # Up to "--boundary-": one character short of the closing boundary.
    cut = draw(st.integers(min_value=body_start, max_value=close + len(boundary) + 3))
    return Malformed("truncated", raw[:cut])


@st.composite
def bad_boundary(draw: st.DrawFn) -> Malformed:
    raw = corpus(draw(st.sampled_from(MULTIPART_MAIL)))
    boundary = outer_boundary(raw)
    end = raw.index(b"\r\n\r\n")
    headers, body = raw[:end], raw[end:]
    declared = re.compile(rb';\s*boundary="?' + re.escape(boundary) + rb'"?')
    if draw(st.booleans()):
        headers = declared.sub(b"", headers, count=1)
    else:
        other = draw(
            st.text(alphabet=BOUNDARY_CHARS, min_size=1, max_size=60).filter(
                lambda text: ("--" + text).encode() not in raw
            )
        )
        headers = declared.sub(b'; boundary="' + other.encode() + b'"', headers, count=1)
    return Malformed("boundary", headers + body)


def _wrap(encoded: str) -> str:
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


@st.composite
def bad_base64(draw: st.DrawFn) -> Malformed:
    content = draw(st.binary(min_size=3, max_size=600))
    encoded = base64.b64encode(content).decode("ascii")
    if draw(st.booleans()):
        for _ in range(draw(st.integers(min_value=1, max_value=5))):
            at = draw(st.integers(min_value=0, max_value=len(encoded)))
            encoded = encoded[:at] + draw(st.sampled_from(NOT_BASE64)) + encoded[at:]
    else:
        cut = draw(st.integers(min_value=1, max_value=len(encoded) - 1).filter(lambda n: n % 4))
        start = draw(st.integers(min_value=0, max_value=len(encoded) - cut))
        encoded = encoded[:start] + encoded[start + cut :]
    head = (
        "From: Ana Lopez <ana@acme.example>\r\nTo: support@desk.example\r\n"
        "Subject: Logs\r\nMIME-Version: 1.0\r\n"
    )
    if draw(st.booleans()):
        raw = (
            f"{head}Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{_wrap(encoded)}\r\n"
        )
    else:
        raw = (
            f'{head}Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            "--b1\r\nContent-Type: text/plain\r\n\r\nLogs attached.\r\n"
            '--b1\r\nContent-Type: application/octet-stream; name="logs.bin"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{_wrap(encoded)}\r\n--b1--\r\n"
        )
    return Malformed("base64", raw.encode("ascii"))


@st.composite
def long_header_line(draw: st.DrawFn) -> Malformed:
    headers, rest = split_headers(corpus(draw(st.sampled_from(PERSON_MAIL))))
    name = draw(st.sampled_from(["Subject", "X-Mailer", "Comments", "References", "X-Spam-Report"]))
    seed = draw(st.text(alphabet=string.printable.strip(), min_size=1, max_size=30))
    length = draw(st.integers(min_value=999, max_value=30_000))
    value = (seed * (length // len(seed) + 1))[:length]
    at = draw(st.integers(min_value=0, max_value=len(headers)))
    headers.insert(at, f"{name}: {value}".encode("ascii"))
    return Malformed("long header", b"\r\n".join(headers) + rest)


stray_text = st.text(
    alphabet=st.characters(blacklist_characters=":\r\n", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=80,
).filter(lambda text: not text.startswith((" ", "\t", "From ")))


@st.composite
def stray_line(draw: st.DrawFn) -> Malformed:
    headers, rest = split_headers(corpus(draw(st.sampled_from(PERSON_MAIL))))
    at = draw(st.integers(min_value=0, max_value=len(headers)))
    headers.insert(at, draw(stray_text).encode("utf-8"))
    return Malformed("stray line", b"\r\n".join(headers) + rest)


@st.composite
def broken_header(draw: st.DrawFn) -> Malformed:
    headers, rest = split_headers(corpus(draw(st.sampled_from(PERSON_MAIL))))
    named = [i for i, line in enumerate(headers) if re.match(rb"^[\x21-\x39\x3b-\x7e]+:", line)]
    index = draw(st.sampled_from(named))
    colon = headers[index].index(b":")
    byte = draw(st.integers(min_value=0, max_value=255).filter(lambda b: b != ord(":")))
    headers[index] = headers[index][:colon] + bytes([byte]) + headers[index][colon + 1 :]
    return Malformed("broken header", b"\r\n".join(headers) + rest)


@st.composite
def no_sender(draw: st.DrawFn) -> Malformed:
    headers, rest = split_headers(corpus(draw(st.sampled_from(PERSON_MAIL))))
    index = next(i for i, line in enumerate(headers) if line.lower().startswith(b"from:"))
    end = index + 1
    while end < len(headers) and headers[end][:1] in (b" ", b"\t"):
        end += 1  # its continuation lines
    if draw(st.booleans()):
        replacement: list[bytes] = []
    else:
        garbled = draw(
            st.text(
                alphabet=st.characters(blacklist_characters="@\r\n", blacklist_categories=("Cs",)),
                max_size=60,
            )
        )
        replacement = [b"From: " + garbled.encode("utf-8")]
    headers[index:end] = replacement
    return Malformed("no sender", b"\r\n".join(headers) + rest)


garbage = st.binary(min_size=1, max_size=3000).map(lambda raw: Malformed("garbage", raw))


def malformed_emails() -> st.SearchStrategy[Malformed]:
    """Malformed email of every kind above."""
    return st.one_of(
        truncated(),
        bad_boundary(),
        bad_base64(),
        long_header_line(),
        stray_line(),
        broken_header(),
        no_sender(),
        garbage,
    )
